"""Ask an ambassador: self-help, routing, claim, masked relay, escalation, FAQ and metrics."""

from bot.questions.handlers import COMPOSERS, HOME, JOBS, register

__all__ = ["COMPOSERS", "HOME", "JOBS", "register"]
