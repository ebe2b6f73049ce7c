"""`stafet campaign`: create, inspect, preview and steer learning campaigns."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import date

import typer

from bot.admin.audit import AuditLog
from bot.admin.roles import CLI
from bot.campaigns.preview import add_lessons
from bot.campaigns.preview import preview as dry_run
from bot.campaigns.service import CampaignService
from bot.campaigns.spec import CampaignSpec, KnownContent, parse_phase, parse_wave
from bot.cli.campaign_output import print_campaign, print_preview
from bot.cli.common import console_error, emails_option, settings_of
from bot.clock import SystemClock
from bot.config import Settings
from bot.content.library import load_library
from bot.i18n import Catalogue
from bot.people.audience import Audience
from bot.runtime.errors import UserFacingError
from bot.surveys.templates import load_templates
from storage.database import Database
from storage.repositories.people import PeopleRepository

app = typer.Typer(help="Learning campaigns: plan, preview, pause, resume, finish.", no_args_is_help=True)


def _run[T](ctx: typer.Context, work: Callable[[CampaignService, Settings], Awaitable[T]]) -> T:
    settings = settings_of(ctx)

    async def go() -> T:
        db = Database(settings.database_url)
        try:
            async with db.unit_of_work() as session:
                return await work(CampaignService(session, SystemClock()), settings)
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
    name: str,
    cadence: str = typer.Option(..., help='"tue,thu 10:00", "weekdays 9:30" or cron "0 10 * * 2,4".'),
    everyone: bool = typer.Option(False, help="Everyone in the organisation."),
    department: list[str] = typer.Option([], help="A department (repeatable)."),
    role: list[str] = typer.Option([], help="A role (repeatable)."),
    ambassadors: bool = typer.Option(False, help="All digital ambassadors."),
    email: list[str] = typer.Option([], help="One person by email (repeatable)."),
    track: list[str] = typer.Option([], help='A content track id, e.g. "strategy" (repeatable).'),
    timezone: str | None = typer.Option(None, help="Campaign zone, for people without their own."),
    window: str | None = typer.Option(None, help="Send window, e.g. 09:00-15:00."),
    days: str | None = typer.Option(None, help="Working days, e.g. mon-fri."),
    holidays: str = typer.Option("DK", help="Holiday country for people outside DK/NO/SE/FI zones."),
    jitter: int = typer.Option(30, help="Spread sends over this many minutes."),
    start: str | None = typer.Option(None, help="First day (YYYY-MM-DD)."),
    end: str | None = typer.Option(None, help="Last day (YYYY-MM-DD)."),
    event_date: str | None = typer.Option(None, help="The gathering that phases count from."),
    phase: list[str] = typer.Option(
        [], help='NAME:FROM:TO[:CADENCE] in days from the event, e.g. "pre-work:-14:-1".'
    ),
    wave: list[str] = typer.Option(
        [], help='TEMPLATE:OFFSET[:DAYS_OPEN], a pulse OFFSET days from the event: "enps:-2".'
    ),
    catch_up: int = typer.Option(3, help="Late joiners get the latest nudge of the last N days."),
    activate: bool = typer.Option(False, help="Start right away instead of leaving a draft."),
) -> None:
    """Create a campaign (a draft unless --activate)."""

    async def work(service: CampaignService, settings: Settings) -> str:
        spec = CampaignSpec(
            name=name,
            cadence=cadence,
            audience=Audience(everyone, tuple(department), tuple(role), ambassadors, emails_option(email)),
            tracks=track,
            timezone=timezone,
            window=tuple(window.split("-", 1)) if window else None,  # type: ignore[arg-type]
            working_days=days,
            holiday_country=holidays,
            jitter_minutes=jitter,
            starts_on=_date(start),
            ends_on=_date(end),
            event_date=_date(event_date),
            phases=[parse_phase(text) for text in phase],
            waves=[parse_wave(text) for text in wave],
            catch_up_days=catch_up,
        )
        campaign = await service.create(spec, known_content(settings))
        audit = AuditLog(service.repo.session, service.clock)
        await audit.record(CLI, "campaign.create", f"campaign:{campaign.id}")
        if activate:
            await service.move(campaign.id, "resume")
            await audit.record(CLI, "campaign.resume", f"campaign:{campaign.id}")
        made = f"Campaign {campaign.name} (#{campaign.id}) created, {campaign.state}."
        if spec.audience.is_empty:
            return f"{made} It has no audience yet, so nobody gets anything: edit it to add one."
        return made

    typer.echo(_run(ctx, work))


@app.command("list")
def list_(ctx: typer.Context) -> None:
    """All campaigns and their state."""

    async def work(service: CampaignService, _settings: Settings) -> list[str]:
        return [f"#{c.id}  {c.state:<9} {c.name}  ({c.cadence})" for c in await service.repo.all()]

    typer.echo("\n".join(_run(ctx, work)) or "No campaigns yet.")


@app.command()
def show(ctx: typer.Context, campaign: str) -> None:
    """Settings, attached waves and outbox figures of one campaign."""

    async def work(service: CampaignService, _settings: Settings) -> None:
        found = await service.get(campaign)
        print_campaign(found, await service.repo.waves(found.id), await service.repo.outbox_counts(found.id))

    _run(ctx, work)


@app.command()
def preview(
    ctx: typer.Context,
    campaign: str,
    days: int = typer.Option(14, min=1, max=90, help="How far ahead (1-90 days)."),
    people: bool = typer.Option(False, help="List every send, not only the totals."),
) -> None:
    """Dry run: who gets which lesson when, skipped holidays, expected delivery at the rate limit."""

    async def work(service: CampaignService, settings: Settings) -> None:
        found = await service.get(campaign)
        session, rate = service.repo.session, settings.delivery_workspace_rate
        lines = await dry_run(session, service.clock, found, settings.default_timezone, rate, days)
        library = load_library(settings.content_dir)
        await add_lessons(session, library, found, lines, settings.default_language)
        sent_to = {person_id for line in lines for person_id, _ in line.sends}
        names = await PeopleRepository(session).names(sent_to) if people else None
        print_preview(found, lines, names)

    _run(ctx, work)


def _move(action: str, done: str) -> Callable[[typer.Context, str], None]:
    def command(ctx: typer.Context, campaign: str) -> None:
        async def work(service: CampaignService, _settings: Settings) -> str:
            moved = await service.move(campaign, action)
            await AuditLog(service.repo.session, service.clock).record(
                CLI, f"campaign.{action}", f"campaign:{moved.id}"
            )
            return f"Campaign {moved.name} {done}."

        typer.echo(_run(ctx, work))

    return command


app.command("pause", help="Pause: unsent nudges wait until it resumes.")(_move("pause", "paused"))
app.command("resume", help="Resume a paused campaign, or start a draft.")(_move("resume", "is active"))
app.command("finish", help="Finish: nothing more is sent.")(_move("finish", "finished"))


def _date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        raise typer.BadParameter(f"expected YYYY-MM-DD, got {text!r}") from None


def known_content(settings: Settings) -> KnownContent:
    tracks = load_library(settings.content_dir).tracks
    return KnownContent(frozenset(tracks), frozenset(load_templates(settings.content_dir)))
