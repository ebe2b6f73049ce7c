"""Pulse surveys: templates, waves, answering in chat, reminders, anonymity and results."""

from bot.surveys.handlers import COMPOSERS, HOME, JOBS, register

__all__ = ["COMPOSERS", "HOME", "JOBS", "register"]
