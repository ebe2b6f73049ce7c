"""Helpers every command shares: settings from the context and clear error lines."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import typer
from rich.console import Console

from bot.config import Settings
from bot.people.emails import normalised_email

_stderr = Console(stderr=True)


def settings_of(ctx: typer.Context) -> Settings:
    settings = ctx.find_root().obj
    assert isinstance(settings, Settings)
    return settings


def emails_option(values: list[str]) -> tuple[str, ...]:
    """`--email` values, normalised; a value that is not an address stops the command."""
    try:
        return tuple(normalised_email(value) for value in values)
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="--email") from None


def moment(text: str, zone: ZoneInfo, now: datetime, option: str) -> datetime:
    """`now`, `today [HH:MM]`, `tomorrow [HH:MM]` or ISO 8601 (in `zone` when it has no offset)."""
    word, _, at = text.strip().lower().partition(" ")
    try:
        if word == "now" and not at:
            return now
        if word in ("today", "tomorrow"):
            day = now.astimezone(zone).date() + timedelta(days=word == "tomorrow")
            hour = time.fromisoformat(at.strip()) if at else time(9)
            return datetime.combine(day, hour, zone)
        when = datetime.fromisoformat(text.strip())
    except ValueError:
        raise typer.BadParameter(
            f'expected "now", "today 13:00", "tomorrow 09:00" or a date and time such as '
            f"2026-12-01T09:00, got {text!r}",
            param_hint=option,
        ) from None
    return when if when.tzinfo else when.replace(tzinfo=zone)


def console_error(message: str) -> None:
    _stderr.print(f"[bold red]{message}[/]", highlight=False, soft_wrap=True)
