"""What the dashboard shows must not mislead: reach and completion from the same lessons, a hidden
figure never shown as 0, a hidden group says why, the group without a department has a name, and
choices read as their labels (dashboard, CSV, CLI)."""

from __future__ import annotations

import asyncio
import csv
import io
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest
from fastapi import FastAPI
from typer.testing import CliRunner

from bot.cli import app as cli
from bot.clock import FixedClock
from bot.config import Settings
from tests.support.admin import admin_settings, make_token
from tests.support.surveys import add_people, answer, close, open_wave
from tests.test_role_matrix import login

# A shown, B hidden only because C (2 people, never stored) could otherwise be worked out.
GROUPS = {("A", "employee"): 6, ("B", "employee"): 5, ("C", "employee"): 2}
PICKS = ["colleague", "colleague,ambassador", "it-support", "online", "colleague", "ambassador",
         "colleague", "it-support", "online", "colleague", "colleague", "online", "ambassador"]  # fmt: skip


@pytest.fixture
def settings(sqlite_url: str) -> Settings:
    return admin_settings(sqlite_url)


def tile(html: str, tile_id: str) -> str:
    found = re.search(rf'id="{tile_id}">(.*?)</div>', html, re.S)
    assert found, tile_id
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(1))).strip()


@asynccontextmanager
async def browser_for(server: str, app: FastAPI, role: str = "viewer") -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=server) as browser:
        await login(browser, await make_token(app, role, f"{role} token"))
        yield browser


async def test_reach_counts_the_lessons_completion_counts(  # type: ignore[no-untyped-def]
    app: FastAPI, server: str, chat
) -> None:
    """Lessons asked for in chat (not sent by a campaign) used to leave reach at 0% beside a
    completion figure: both now count the same lessons of the same people."""
    anna = chat("anna@example.org", "Anna")
    await anna.say("hi")
    [_, card] = await anna.click("learning.track", "organisation")
    lesson_id = next(b["value"] for b in card["buttons"] if b["action"] == "learning.quiz")
    quiz = app.state.context.content.lesson(lesson_id, "en").quiz
    await anna.click("learning.answer", ",".join(f"{lesson_id}:{i}" for i in quiz.correct))
    await chat("bo@example.org", "Bo").say("hi")
    async with browser_for(server, app) as browser:
        html = (await browser.get("/admin/")).text
    assert tile(html, "reach") == "50% reached: 1 of 2 people have had a lesson"
    assert tile(html, "completion") == "100% of the lessons people had are completed (1 of 1 lessons)"


async def test_a_suppressed_count_says_fewer_than_k_not_zero(app: FastAPI, server: str) -> None:
    async with browser_for(server, app, "coordinator") as browser:
        overview = (await browser.get("/admin/")).text
        questions = (await browser.get("/admin/questions")).text
    assert tile(overview, "questions-answered") == "fewer than 5 questions resolved, last 30 days"
    assert tile(overview, "questions-median") == "fewer than 5 questions median minutes to answer"
    resolved = re.search(r'<div class="tile">((?:(?!</div>).)*resolved, last 30 days)', questions, re.S)
    assert resolved and "fewer than 5 questions" in resolved.group(1) and ">0<" not in resolved.group(1)


async def _closed_wave(app: FastAPI, clock: FixedClock) -> int:
    context = app.state.context
    people = await add_people(context, GROUPS)
    wave_id = await open_wave(context, "digital-confidence")
    for person_id, picks in zip(people, PICKS, strict=True):
        await answer(context, wave_id, person_id, "everyday", "4")
        await answer(context, wave_id, person_id, "help-from", picks)
    await close(context, clock, wave_id)
    return wave_id


async def test_hidden_groups_say_why_and_others_are_named(  # type: ignore[no-untyped-def]
    app: FastAPI, server: str, clock
) -> None:
    wave_id = await _closed_wave(app, clock)
    async with browser_for(server, app) as browser:
        page = (await browser.get(f"/admin/surveys/{wave_id}")).text
    rows = [
        " | ".join(re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", r, re.S))
        for r in re.findall(r"<tr>(.*?)</tr>", page, re.S)
    ]
    assert "B | hidden so the other group cannot be worked out" in rows
    assert "Others: no department, or a group smaller than 5 | fewer than 5 answers" in rows
    assert "–" not in " ".join(rows)


async def test_choices_show_labels_in_the_readers_language(  # type: ignore[no-untyped-def]
    app: FastAPI, server: str, clock, settings: Settings
) -> None:
    wave_id = await _closed_wave(app, clock)
    async with browser_for(server, app) as browser:
        page = (await browser.get(f"/admin/surveys/{wave_id}")).text
        danish = (await browser.get(f"/admin/surveys/{wave_id}/results.csv?lang=da")).text
    assert "A colleague" in page and "IT support" in page and ">it-support<" not in page
    rows = [r for r in csv.DictReader(io.StringIO(danish)) if r["question"] == "help-from"]
    overall = next(r for r in rows if r["dimension"] == "all")
    assert overall["distribution"].startswith("En kollega=6; En digital ambassadør=3; It-support=2")
    hidden = next(r for r in rows if r["group"] == "B")
    assert hidden["n"] == "skjult, så den anden gruppe ikke kan regnes ud"

    await app.state.context.db.dispose()
    result = await asyncio.to_thread(
        CliRunner().invoke,
        cli,
        ["survey", "results", str(wave_id)],
        env={"STAFET_DATABASE_URL": settings.database_url},
    )
    assert "chosen most: A colleague (13 answers)" in result.output, result.output
