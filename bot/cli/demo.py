"""`stafet demo`: a sample organisation on a SQLite file, served on this machine, so a newcomer
sees the whole product in the first minutes: a lesson nudge arrives, a survey is open, questions
reach ambassadors, and the dashboard has something to show."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from pathlib import Path

import typer
from sqlalchemy.ext.asyncio import AsyncSession

from bot.adapters.webchat.translate import address_of
from bot.admin.importing import parse
from bot.admin.people import PeopleAdminService
from bot.admin.roles import CLI, Role
from bot.admin.tokens import TokenService
from bot.campaigns.service import CampaignService
from bot.campaigns.spec import CampaignSpec, KnownContent
from bot.cli.common import settings_of
from bot.cli.runner import in_unit_of_work
from bot.cli.serve import serve
from bot.clock import Clock
from bot.config import Settings
from bot.people.audience import Audience
from bot.people.service import PeopleService
from bot.questions import registry
from bot.questions.registry import Profile
from bot.runtime.events import Profile as ChatProfile
from bot.surveys.waves import schedule_wave
from storage import migrate
from storage.repositories.people import PeopleRepository

YOU = "you@demo.example"
AMBASSADORS = ("colleague1@demo.example", "colleague2@demo.example")
COORDINATOR = "carl@demo.example"
DEPARTMENTS = ("Borgerservice", "Økonomi", "IT")
TRACK, SURVEY = "strategy", "digital-confidence"


def demo_people() -> str:
    """Sixteen colleagues in three departments, with an HR person and a coordinator."""
    rows = ["email,name,department,role,language"]
    rows.append("hanne@demo.example,Hanne Holm,HR,hr,")
    rows.append("carl@demo.example,Carl Krog,IT,coordinator,")
    for n in range(15):
        department = DEPARTMENTS[n % 3]
        rows.append(f"colleague{n + 1}@demo.example,Colleague {n + 1},{department},employee,")
    return "\n".join(rows) + "\n"


async def seed(session: AsyncSession, clock: Clock, settings: Settings) -> tuple[str, datetime]:
    """The organisation, two ambassadors, a campaign whose first nudge is a minute away, an
    open survey, and the newcomer's own web chat; returns an HR token and the nudge's time."""
    now = clock.now()
    await PeopleAdminService(session, clock).apply(CLI, parse(demo_people()), "demo")
    people = PeopleService(PeopleRepository(session))
    for email, name in ((YOU, "You"), *((a, a.split("@")[0].title()) for a in (*AMBASSADORS, COORDINATOR))):
        # Their web chat, so a nudge reaches the newcomer and a question reaches an ambassador
        # (open the chat as one of them to answer it).
        await people.identify(
            address_of(email), ChatProfile(email=email, display_name=name), now, active=False
        )
    everyone_hours = Profile(topics={"security": 3, "collaboration": 2}, hours="00:00-23:59")
    for email in AMBASSADORS:
        await registry.save(session, email, everyone_hours, now, create=True)
    local = now.astimezone(settings.zone) + timedelta(seconds=80)
    campaign = await CampaignService(session, clock).create(
        CampaignSpec(
            name="Demo: digital basics",
            cadence=f"daily {local:%H:%M}",
            audience=Audience(everyone=True),
            tracks=[TRACK],
            window=("00:00", "23:59"),
            working_days="mon-sun",
            jitter_minutes=0,
        ),
        KnownContent(tracks=frozenset({TRACK})),
    )
    await CampaignService(session, clock).move(campaign.id, "resume")
    await schedule_wave(
        session, clock, template_id=SURVEY, audience=Audience(everyone=True),
        opens_at=now, closes_at=now + timedelta(days=7),
    )  # fmt: skip
    token = await TokenService(session, clock).create(CLI, "demo HR", Role.HR)
    return token.secret, local.replace(second=0, microsecond=0)


def demo(
    ctx: typer.Context,
    database: Path = typer.Option(Path("stafet-demo.db"), help="The SQLite file to fill (a new one)."),
    port: int | None = typer.Option(None, help="Port to listen on (STAFET_PORT)."),
) -> None:
    """A sample organisation on SQLite, served on this machine: open /chat as you@demo.example."""
    if database.exists():
        typer.echo(f"{database} exists: serving it as it is (delete it for a fresh demo).")
    settings = settings_of(ctx).model_copy(
        update={"database_url": f"sqlite:///{database.resolve()}", "host": "127.0.0.1"}
    )
    ctx.find_root().obj = settings
    if not database.exists():
        migrate.upgrade(settings.database_url)
        secret, nudge_at = asyncio.run(in_unit_of_work(settings, lambda s, c: seed(s, c, settings)))
        where = f"http://127.0.0.1:{port or settings.port}"
        typer.echo(
            f"A demo organisation is ready in {database}.\n"
            f"- Chat: {where}/chat as {YOU}. Your first lesson arrives at {nudge_at:%H:%M}; "
            "a survey is open (write survey); ask an ambassador with ask, and answer as "
            f"{AMBASSADORS[0]} in another browser.\n"
            f"- Dashboard: {where}/admin with this HR token (shown once): {secret}\n"
            "- Run due work at once from another terminal: "
            f"STAFET_DATABASE_URL=sqlite:///{database.resolve()} stafet jobs run --due"
        )
    serve(ctx, host="127.0.0.1", port=port)
