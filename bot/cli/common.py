"""Helpers every command shares: settings from the context and clear error lines."""

from __future__ import annotations

import typer
from rich.console import Console

from bot.config import Settings

_stderr = Console(stderr=True)


def settings_of(ctx: typer.Context) -> Settings:
    settings = ctx.find_root().obj
    assert isinstance(settings, Settings)
    return settings


def console_error(message: str) -> None:
    _stderr.print(f"[bold red]{message}[/]", highlight=False, soft_wrap=True)
