"""The daily HR digest: yesterday's activity and what needs attention, each working morning."""

from bot.digest.handlers import COMPOSERS, HOME, JOBS, register

__all__ = ["COMPOSERS", "HOME", "JOBS", "register"]
