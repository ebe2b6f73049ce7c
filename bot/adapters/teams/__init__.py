"""Microsoft Teams through the Bot Framework: every botbuilder import lives in this package,
so moving to the Microsoft 365 Agents SDK touches nothing else."""

from bot.adapters.teams.routes import build_adapter, build_messenger, health, mount

__all__ = ["build_adapter", "build_messenger", "health", "mount"]
