"""`stafet demo` gives a newcomer the whole product at once; `stafet jobs run` does due work now."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from bot.app import build_context
from bot.campaigns.jobs import plan_due
from bot.cli import app as cli
from bot.cli.demo import YOU, seed
from bot.clock import FixedClock
from bot.config import load_settings
from bot.surveys.jobs import open_waves
from storage.models import Ambassador, AuditEntry, Campaign, OutboxMessage, Person
from storage.repositories.questions import QuestionRepository


async def test_the_demo_brings_a_nudge_within_two_minutes_and_an_open_survey(
    sqlite_url: str, clock: FixedClock
) -> None:  # type: ignore[no-untyped-def]
    settings = load_settings(STAFET_DATABASE_URL=sqlite_url, STAFET_SCHEDULER=False)
    context = build_context(settings, clock)
    try:
        async with context.db.unit_of_work() as session:
            token, nudge_at = await seed(session, clock, settings)
        assert token.startswith("stf_")
        assert timedelta(seconds=15) <= nudge_at - clock.now() <= timedelta(seconds=80)
        await plan_due(context)
        await open_waves(context)
        async with context.db.unit_of_work() as session:
            assert await session.scalar(select(func.count()).select_from(Person)) == 18
            assert await session.scalar(select(func.count()).select_from(Ambassador)) == 2
            assert len(await QuestionRepository(session).ambassadors(reachable=True)) == 2
            assert (await session.scalars(select(Campaign.state))).one() == "active"
            you = (await session.scalars(select(Person.id).where(Person.email == YOU))).one()
            mine = (await session.scalars(select(OutboxMessage).where(OutboxMessage.person_id == you))).all()
        kinds = {row.kind for row in mine}
        assert "nudge" in kinds and len(mine) >= 2  # the lesson and the survey invitation
        nudge = next(row for row in mine if row.kind == "nudge")
        assert nudge.due_at <= clock.now() + timedelta(seconds=80)
    finally:
        await context.db.dispose()


def test_jobs_run_now_by_name_or_all_due(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STAFET_DATABASE_URL", sqlite_url)
    runner = CliRunner()
    listed = runner.invoke(cli, ["jobs", "list"])
    assert "campaigns.plan" in listed.output and "surveys.open" in listed.output
    ran = runner.invoke(cli, ["jobs", "run", "surveys.open", "campaigns.plan"])
    assert ran.exit_code == 0 and "Ran surveys.open, campaigns.plan." in ran.output
    assert runner.invoke(cli, ["jobs", "run", "--due"]).exit_code == 0
    unknown = runner.invoke(cli, ["jobs", "run", "coffee"])
    assert unknown.exit_code == 1 and "No such job: coffee" in unknown.output
    assert runner.invoke(cli, ["jobs", "run"]).exit_code == 2

    import asyncio

    from storage.database import Database

    async def audited() -> list[str]:
        db = Database(sqlite_url)
        try:
            async with db.unit_of_work() as session:
                return list(
                    await session.scalars(select(AuditEntry.target).where(AuditEntry.action == "jobs.run"))
                )
        finally:
            await db.dispose()

    assert asyncio.run(audited())[0] == "surveys.open,campaigns.plan"
