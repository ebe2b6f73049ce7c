"""`stafet campaign ...` against a real SQLite file, and the preview it prints."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from typer.testing import CliRunner

from bot.campaigns.preview import add_lessons, preview
from bot.campaigns.service import CampaignService
from bot.campaigns.spec import CampaignSpec, KnownContent
from bot.cli import app
from bot.clock import FixedClock
from bot.config import DEFAULT_CONTENT_DIR
from bot.content.library import load_library
from bot.people.audience import Audience
from storage.database import Database
from tests.support.population import add_people


def test_create_list_show_preview_pause_resume_finish(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STAFET_DATABASE_URL", sqlite_url)
    runner = CliRunner()

    def run(*args: str) -> str:
        result = runner.invoke(app, ["campaign", *args])
        assert result.exit_code == 0, result.output
        return result.output

    created = run("create", "Copilot basics", "--cadence", "tue,thu 10:00", "--everyone",
                  "--track", "strategy", "--window", "09:00-15:00", "--event-date", "2030-01-15",
                  "--phase", "pre-work:-14:-1", "--wave", "digital-confidence:-2")  # fmt: skip
    assert "created, draft" in created
    assert "draft" in run("list")
    shown = run("show", "Copilot basics")
    assert "pre-work -14..-1" in shown and "09:00-15:00" in shown
    assert "template digital-confidence at -2d" in shown
    assert "Occurrence" in run("preview", "Copilot basics")
    assert "is active" in run("resume", "Copilot basics")
    assert "paused" in run("pause", "1")
    assert "finished" in run("finish", "1")
    refused = runner.invoke(app, ["campaign", "pause", "1"])
    assert refused.exit_code == 1 and "finished" in refused.output
    bad = runner.invoke(app, ["campaign", "create", "x", "--cadence", "now and then", "--everyone"])
    assert bad.exit_code == 1 and "can't read the cadence" in bad.output


async def test_preview_shows_holidays_and_when_everything_is_out(sqlite_url: str) -> None:
    clock = FixedClock(datetime(2026, 12, 21, 7, 0, tzinfo=UTC))
    db = Database(sqlite_url)
    await add_people(db, 20, clock.now(), timezone="Europe/Copenhagen")
    async with db.unit_of_work() as session:
        campaign = await CampaignService(session, clock).create(
            CampaignSpec(
                name="Xmas",
                cadence="daily 10:00",
                audience=Audience(everyone=True),
                tracks=["strategy"],
                jitter_minutes=0,
            ),
            KnownContent(tracks=frozenset({"strategy"})),
        )
        lines = await preview(session, clock, campaign, "Europe/Copenhagen", rate_per_second=2, days=14)
        await add_lessons(session, load_library(DEFAULT_CONTENT_DIR), campaign, lines, "en")
    await db.dispose()
    by_day = {line.occurrence[:10]: line for line in lines}
    assert by_day["2026-12-21"].recipients == 20
    assert by_day["2026-12-25"].skipped == {"DK holiday: Christmas Day": 20}
    assert by_day["2026-12-26"].skipped == {"DK holiday: Second Day of Christmas": 20}
    assert by_day["2026-12-27"].skipped == {"not a working day": 20}
    assert [dict(by_day[day].lessons) for day in ("2026-12-21", "2026-12-22")] == [
        {"strat-why-transform": 20},
        {"strat-maturity": 20},
    ]
    assert by_day["2026-12-25"].lessons == {}  # a holiday brings nobody a lesson
    monday = by_day["2026-12-21"]
    assert monday.first_due == datetime(2026, 12, 21, 9, tzinfo=UTC)
    assert (monday.expected_done - monday.first_due).total_seconds() == pytest.approx(10)  # 20 at 2/s


async def test_yesterday_is_not_previewed_even_when_it_was_a_day_off(sqlite_url: str) -> None:
    clock = FixedClock(datetime(2026, 12, 28, 7, 0, tzinfo=UTC))  # a Monday after a Sunday off
    db = Database(sqlite_url)
    await add_people(db, 3, clock.now(), timezone="Europe/Copenhagen")
    async with db.unit_of_work() as session:
        campaign = await CampaignService(session, clock).create(
            CampaignSpec(name="Daily", cadence="daily 10:00", audience=Audience(everyone=True)),
            KnownContent(),
        )
        lines = await preview(session, clock, campaign, "Europe/Copenhagen", rate_per_second=2, days=2)
    await db.dispose()
    assert [line.occurrence[:10] for line in lines] == ["2026-12-28", "2026-12-29"]


def test_a_piped_preview_keeps_whole_columns_and_names_people(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STAFET_DATABASE_URL", sqlite_url)
    import asyncio

    async def people() -> None:
        db = Database(sqlite_url)
        await add_people(db, 2, datetime(2026, 12, 1, tzinfo=UTC), timezone="Europe/Copenhagen")
        await db.dispose()

    asyncio.run(people())
    runner = CliRunner()
    made = runner.invoke(app, ["campaign", "create", "Names", "--cadence", "daily 10:00", "--everyone"])
    assert made.exit_code == 0, made.output
    shown = runner.invoke(app, ["campaign", "preview", "Names", "--days", "3", "--people"])
    assert shown.exit_code == 0, shown.output
    assert "…" not in shown.output and "All out by" in shown.output
    assert "P0 <p0@example.org>" in shown.output and "person 1 " not in shown.output
