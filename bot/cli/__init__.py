"""The `stafet` command line: one Typer app, one sub-app per concern."""

from __future__ import annotations

import sys

import typer

from bot.cli import admin, campaign, db, delivery, demo, jobs, manifest, people, serve, survey
from bot.cli.common import console_error
from bot.config import ConfigError, load_settings
from bot.content import cli as content_cli
from bot.questions import cli as questions_cli

app = typer.Typer(
    name="stafet",
    help="Stafet: a chat companion for digital ambassadors.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.command("serve")(serve.serve)
app.command("demo")(demo.demo)
app.add_typer(db.app, name="db")
app.add_typer(manifest.app, name="manifest")
app.add_typer(survey.app, name="survey")
app.add_typer(content_cli.app, name="content")
app.add_typer(questions_cli.ambassador_app, name="ambassador")
app.add_typer(questions_cli.faq_app, name="faq")
app.add_typer(admin.app, name="admin")
app.add_typer(people.app, name="people")
app.add_typer(campaign.app, name="campaign")
app.add_typer(delivery.app, name="delivery")
app.add_typer(jobs.app, name="jobs")


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
