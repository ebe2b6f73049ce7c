"""Anonymity against whoever reads the database or the log: xmin and ctid pairing on PostgreSQL,
respondent tokens rebuilt from the database alone, the sealed buffer, every table that names a
person, the captured log, Slack's copy of a clicked answer, and the survey secret itself."""

from __future__ import annotations

import json
import logging
import os
import stat
import time
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import Table, select, text

import storage.models  # noqa: F401
from bot.config import ConfigError, load_settings
from bot.surveys import jobs
from bot.surveys.anonymity import respondent_token
from storage.base import Base
from storage.models import SurveyParticipation, SurveyWave
from tests.support.slack import FakeSlack, SlackSender, signed_headers
from tests.support.slack_fixtures import Payload, Settle
from tests.support.surveys import SILENT, add_people, answer, answered_in_chat, imported, open_wave
from tests.test_config import run_stafet

QUESTIONS = ("everyday", "new-tool", "ask-for-help", "security")


async def _sql(app: FastAPI, query: str) -> list[Any]:
    async with app.state.context.db.unit_of_work() as session:
        return list((await session.execute(text(query))).all())


async def test_postgres_reader_cannot_pair_answers_with_people(app: FastAPI, db_url: str) -> None:
    if not db_url.startswith("postgresql"):
        pytest.skip("xmin and ctid are PostgreSQL's")
    context = app.state.context
    groups = {("A", "employee"): 3, ("A", "leader"): 2, ("B", "employee"): 2, ("B", "leader"): 3}
    people = await add_people(context, groups)
    wave_id = await open_wave(context, "digital-confidence")
    for person_id in people:
        for question in QUESTIONS:
            await answer(context, wave_id, person_id, question, "4")  # one value: it pairs nothing
    joined = await _sql(
        app,
        "SELECT p.person_id FROM survey_participation p JOIN survey_answers a ON a.xmin = p.xmin "
        "UNION ALL SELECT p.person_id FROM survey_participation p "
        "JOIN survey_answer_buffer b ON b.xmin = p.xmin",
    )
    assert joined == []
    batches = await _sql(
        app,
        "SELECT xmin::text, count(DISTINCT respondent) FROM survey_answers "
        "WHERE dimension = 'department' GROUP BY 1",
    )
    assert len(batches) >= 1 and all(n >= context.settings.min_group_size for _, n in batches)

    # ctid order: pair each department row with the role row stored right after it.
    rows = await _sql(app, "SELECT dimension, grp, respondent FROM survey_answers ORDER BY ctid")
    async with context.db.unit_of_work() as session:
        wave = await session.get(SurveyWave, wave_id)
        key = wave.token_key
        by_token = {
            respondent_token(key, context.settings.survey_secret, wave_id, p.person_id): p.role
            for p in await session.scalars(select(SurveyParticipation))
        }
        # A database reader has the per-wave key but not STAFET_SURVEY_SECRET.
        rebuilt = {
            respondent_token(key, pepper, wave_id, p.person_id)
            for p in await session.scalars(select(SurveyParticipation))
            for pepper in ("", "stafet", "secret")
        }
    stored = {r[2] for r in rows if r[2]}
    assert stored and not stored & rebuilt
    guesses = []
    for i, (dimension, _, token) in enumerate(rows):
        if dimension == "department":
            following = next((grp for d, grp, _ in rows[i + 1 :] if d == "role"), None)
            guesses.append(following == by_token[token])
    assert len(guesses) > 20 and not all(guesses)

    sealed = await _sql(app, "SELECT sealed FROM survey_answer_buffer")
    assert sealed and not any(q.encode() in bytes(s) for (s,) in sealed for q in QUESTIONS)


def _names_a_person(table: Table) -> bool:
    columns = {c.name for c in table.columns}
    people_fk = any(fk.column.table.name == "people" for fk in table.foreign_keys)
    return table.name in ("people", "identities") or people_fk or bool(columns & {"email", "person_id"})


async def _rows_naming_people(app: FastAPI) -> str:
    found = []
    async with app.state.context.db.unit_of_work() as session:
        for table in Base.metadata.sorted_tables:
            if _names_a_person(table):
                found += [json.dumps([str(v) for v in row]) for row in await session.execute(select(table))]
    return "\n".join(found)


async def test_no_row_that_names_a_person_and_no_log_line_holds_an_answer(  # type: ignore[no-untyped-def]
    app: FastAPI, chat, deliver, clock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    wave_id, people, comments = await answered_in_chat(app, chat, deliver)
    asker = chat("asker.secret@example.org")
    question = "Can my manager read my private chats zebra?"
    await asker.say(f"ask {question}")
    secrets = [*comments, question, *(p.user for p in people), asker.user]
    while_open = await _rows_naming_people(app)
    assert while_open and not [c for c in comments if c in while_open]
    clock.advance(days=8)
    await app.state.worker.run_once()
    await jobs.close_waves(app.state.context)
    stored = await _sql(app, f"SELECT comment FROM survey_answers WHERE wave_id = {wave_id}")
    assert {c for (c,) in stored if c} == set(comments)  # the answers themselves are kept, unnamed
    after_close = await _rows_naming_people(app)
    assert not [c for c in comments if c in after_close]
    server = [r for r in caplog.records if not r.name.startswith(("httpx", "httpcore"))]
    logged = "\n".join(r.getMessage() + (r.exc_text or "") for r in server)
    assert logged and not [s for s in secrets if s in logged]


async def test_slack_never_echoes_a_survey_answer_nor_logs_a_stale_body(  # type: ignore[no-untyped-def]
    slack: SlackSender,
    payload: Payload,
    fake_slack: FakeSlack,
    settle: Settle,
    slack_app: FastAPI,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    context = slack_app.state.context
    await imported(context, "anna@example.org", *SILENT)
    wave_id = await open_wave(context, "enps")
    click = payload("block_actions_survey")
    click["actions"][0].update(
        action_id="surveys.answer", value=f"{wave_id}|recommend|8", text={"type": "plain_text", "text": "8"}
    )
    body = f"payload={json.dumps(click)}"
    stale = signed_headers(body, timestamp=int(time.time()) - 6 * 60)
    assert (
        await slack.raw(body, "application/x-www-form-urlencoded", sign=False, **stale)
    ).status_code == 401
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith(("slack", "bot")))
    assert "U0ANNA" not in logged and "recommend|8" not in logged
    assert (await slack.interaction(click)).status_code == 200
    await settle()
    [update] = fake_slack.called("chat.update")
    assert update["text"] == "✓ Svar registreret"  # Anna reads Danish
    assert "8" not in json.dumps(update["blocks"][-1])


def test_postgres_without_a_survey_secret_refuses_to_start(tmp_path: Path) -> None:
    url = "postgresql://postgres@127.0.0.1:5432/nowhere"
    with pytest.raises(ConfigError, match="STAFET_SURVEY_SECRET: required with PostgreSQL"):
        load_settings(STAFET_DATABASE_URL=url, STAFET_SURVEY_SECRET="")
    result = run_stafet("serve", STAFET_DATABASE_URL=url)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    [line] = [x for x in result.stderr.splitlines() if x.strip()]
    assert "STAFET_SURVEY_SECRET" in line


def test_sqlite_gets_a_generated_secret_beside_its_database(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/stafet.db"
    first = load_settings(STAFET_DATABASE_URL=url, STAFET_SURVEY_SECRET="").survey_secret
    file = tmp_path / "stafet.db.survey-secret"
    assert len(first) == 64 and file.read_text() == first
    assert stat.S_IMODE(os.stat(file).st_mode) == 0o600
    assert load_settings(STAFET_DATABASE_URL=url, STAFET_SURVEY_SECRET="").survey_secret == first
