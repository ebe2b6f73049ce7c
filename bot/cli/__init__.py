"""The `stafet` command line: one Typer app, one sub-app per concern."""

from __future__ import annotations

import sys

import typer

from bot.cli import campaign, db, serve
from bot.cli.common import console_error
from bot.config import ConfigError, load_settings

app = typer.Typer(
    name="stafet",
    help="Stafet: a chat companion for digital ambassadors.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.command("serve")(serve.serve)
app.add_typer(db.app, name="db")
app.add_typer(campaign.app, name="campaign")


@app.callback()
def configure(ctx: typer.Context) -> None:
    """Settings come from the environment and an optional .env file."""
    try:
        ctx.obj = load_settings()
    except ConfigError as error:
        console_error(f"Configuration error: {error}")
        raise typer.Exit(2) from None


def main() -> None:
    sys.exit(app())
