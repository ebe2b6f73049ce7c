"""`stafet survey`: plan a wave, list it, read the summary and export aggregates as CSV."""

from __future__ import annotations

import asyncio
import csv
import io

from typer.testing import CliRunner

from bot.app import build_context
from bot.cli import app as cli
from bot.clock import FixedClock
from bot.config import load_settings
from tests.conftest import START
from tests.support.surveys import add_people, answer, close, open_wave

COMMENTS = ["Too many logins", "Good courses", "More time to learn", "Ask the ambassadors", "Fine",
            "Better wifi", "Shorter videos", "Less email", "More sparring", "Keep it up"]  # fmt: skip


def _closed_wave(url: str) -> int:
    async def setup() -> int:
        clock = FixedClock(START)
        context = build_context(load_settings(STAFET_DATABASE_URL=url), clock)
        people = await add_people(context, {("A", "employee"): 6, ("B", "employee"): 6})
        wave_id = await open_wave(context, "enps")
        for i, person_id in enumerate(people):
            await answer(context, wave_id, person_id, "recommend", str(i % 11))
            if i < len(COMMENTS):
                await answer(context, wave_id, person_id, "why", COMMENTS[i])
        await close(context, clock, wave_id)
        await context.db.dispose()
        return wave_id

    return asyncio.run(setup())


def test_create_list_results_and_export(sqlite_url: str) -> None:
    runner = CliRunner()
    env = {"STAFET_DATABASE_URL": sqlite_url}
    wave_id = _closed_wave(sqlite_url)  # imports the people the planned wave is for
    planned = runner.invoke(
        cli, ["survey", "create", "enps", "--opens", "2026-12-01T09:00", "--closes", "2026-12-08T09:00",
              "--department", "A"], env=env,
    )  # fmt: skip
    assert planned.exit_code == 0, planned.output
    assert "planned" in planned.output
    unknown = runner.invoke(
        cli, ["survey", "create", "nope", "--opens", "2026-12-01", "--closes", "2026-12-02"], env=env
    )
    assert unknown.exit_code == 1
    listed = runner.invoke(cli, ["survey", "list"], env=env)
    assert "enps\tscheduled" in listed.output and "enps\tclosed" in listed.output
    summary = runner.invoke(cli, ["survey", "results", str(wave_id)], env=env)
    assert "Turnout: 12 of 12 (100%)" in summary.output
    assert "eNPS" in summary.output
    exported = runner.invoke(cli, ["survey", "export", str(wave_id)], env=env)
    rows = list(csv.DictReader(io.StringIO(exported.output)))
    overall = next(r for r in rows if r["question"] == "recommend" and r["dimension"] == "all")
    assert overall["n"] == "12" and float(overall["mean"]) == round(55 / 12, 4)
    departments = {
        r["group"]: r for r in rows if r["question"] == "recommend" and r["dimension"] == "department"
    }
    assert departments["A"]["n"] == "6" and departments["B"]["n"] == "6"
    assert sorted(r["distribution"] for r in rows if r["dimension"] == "comment") == sorted(COMMENTS)
    quiet = runner.invoke(cli, ["survey", "export", str(wave_id), "--no-comments"], env=env)
    assert "Too many logins" not in quiet.output and "recommend" in quiet.output
