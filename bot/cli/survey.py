"""`stafet survey`: plan waves from templates, list them, read and export their results."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path

import typer
from sqlalchemy.ext.asyncio import AsyncSession

from bot.admin.audit import AuditLog
from bot.admin.roles import CLI
from bot.cli.common import console_error, emails_option, moment, settings_of
from bot.clock import SystemClock
from bot.config import Settings
from bot.i18n import Catalogue
from bot.people.audience import Audience
from bot.runtime.errors import UserFacingError
from bot.surveys import results as survey_results
from bot.surveys.export import results_csv
from bot.surveys.summary import summary_reply
from bot.surveys.templates import load_templates
from bot.surveys.waves import schedule_wave
from storage.database import Database
from storage.repositories.surveys import SurveyRepository

app = typer.Typer(help="Pulse surveys: waves, results and CSV export.", no_args_is_help=True)


def _run[T](settings: Settings, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    async def go() -> T:
        db = Database(settings.database_url)
        try:
            async with db.unit_of_work() as session:
                return await work(session)
        finally:
            await db.dispose()

    try:
        return asyncio.run(go())
    except UserFacingError as error:
        catalogue = Catalogue(settings.content_dir / "messages")
        console_error(catalogue.text("en", error.key, **error.params))
        raise typer.Exit(1) from None


@app.command()
def create(
    ctx: typer.Context,
    template: str = typer.Argument(..., help="Template id, e.g. enps (see content/surveys)."),
    opens: str = typer.Option(
        ..., help='When it opens: "now", "today 13:00", "tomorrow 09:00" or ISO 8601 (local if no offset).'
    ),
    closes: str = typer.Option(..., help="When it closes, in the same forms as --opens."),
    everyone: bool = typer.Option(False, "--everyone", help="Everyone in the organisation."),
    department: list[str] = typer.Option([], help="A department (repeatable)."),
    role: list[str] = typer.Option([], help="A role (repeatable)."),
    email: list[str] = typer.Option([], help="A person's email (repeatable)."),
    anonymous: bool = typer.Option(True, "--anonymous/--named", help="Anonymous (default) or named."),
    questions: int | None = typer.Option(None, help="Questions per person from a rotating bank."),
    live: bool = typer.Option(False, "--live-results", help="Show results while the wave is open."),
    comment_export: bool = typer.Option(True, "--comment-export/--no-comment-export"),
    campaign: int | None = typer.Option(None, help="The campaign this pulse belongs to."),
) -> None:
    """Plan a wave of TEMPLATE for an audience."""
    settings = settings_of(ctx)
    if template not in load_templates(settings.content_dir):
        console_error(f"No survey template {template!r} in {settings.content_dir / 'surveys'}.")
        raise typer.Exit(1)
    audience = Audience(everyone, tuple(department), tuple(role), False, emails_option(email))
    if audience.is_empty:
        console_error("Give an audience: --everyone, --department, --role or --email.")
        raise typer.Exit(1)
    clock = SystemClock()
    opens_at = moment(opens, settings.zone, clock.now(), "--opens")
    closes_at = moment(closes, settings.zone, clock.now(), "--closes")

    async def work(session: AsyncSession) -> int:
        wave_id = await schedule_wave(
            session, clock, template_id=template, audience=audience,
            opens_at=opens_at, closes_at=closes_at, anonymous=anonymous,
            campaign_id=campaign, questions_per_person=questions, live_results=live,
            export_comments=comment_export, min_audience=settings.min_group_size,
        )  # fmt: skip
        await AuditLog(session, clock).record(CLI, "survey.schedule", f"wave:{wave_id}")
        return wave_id

    typer.echo(f"Survey wave {_run(settings, work)} planned.")


@app.command("list")
def list_waves(ctx: typer.Context) -> None:
    """Every wave: id, template, status, open and close times (UTC), anonymous or named."""
    settings = settings_of(ctx)

    async def work(session: AsyncSession) -> list[str]:
        return [
            f"{w.id}\t{w.template_id}\t{w.status}\t{w.opens_at:%Y-%m-%d %H:%M} UTC"
            f"\t{w.closes_at:%Y-%m-%d %H:%M} UTC\t{'anonymous' if w.anonymous else 'named'}"
            for w in await SurveyRepository(session).waves()
        ]

    for line in _run(settings, work):
        typer.echo(line)


@app.command()
def results(
    ctx: typer.Context, wave: int, language: str = typer.Option("en", "--lang", help="da, en or nb.")
) -> None:
    """A short summary of WAVE's results (groups smaller than k are hidden)."""
    settings = settings_of(ctx)
    catalogue = Catalogue(settings.content_dir / "messages")
    found = _run(settings, lambda s: _results(s, settings, wave, language))
    reply = summary_reply(lambda key, **p: catalogue.text(language, key, **p), found)
    typer.echo(f"{reply.title}\n{reply.text}")


@app.command()
def export(
    ctx: typer.Context,
    wave: int,
    output: Path | None = typer.Option(None, help="Write here instead of standard output."),
    comments: bool = typer.Option(True, "--comments/--no-comments", help="Include free-text comments."),
) -> None:
    """Export WAVE's aggregate results as CSV."""
    settings = settings_of(ctx)
    found = _run(settings, lambda s: _results(s, settings, wave, "en"))
    text = results_csv(found, include_comments=comments)
    if output is None:
        typer.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        typer.echo(f"Wrote {output}.")


async def _results(
    session: AsyncSession, settings: Settings, wave: int, language: str
) -> survey_results.WaveResults:
    templates = load_templates(settings.content_dir)
    return await survey_results.wave_results(
        session, wave, k=settings.min_group_size, templates=templates, language=language
    )
