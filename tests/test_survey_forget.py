"""Forgetting a person while a wave is open: turnout and answer counts still agree, and nothing left
ties the wave to the person."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select

from bot.config import Settings
from bot.surveys import results
from storage.models import Person, SurveyAnswer, SurveyParticipation
from tests.support.admin import admin_settings, bearer, make_token
from tests.support.surveys import TEMPLATES, add_people, answer, close, open_wave


@pytest.fixture
def settings(db_url: str) -> Settings:
    return admin_settings(db_url)


async def _results(app: FastAPI, wave_id: int) -> results.WaveResults:
    async with app.state.context.db.unit_of_work() as session:
        return await results.wave_results(session, wave_id, k=5, templates=TEMPLATES)


async def _forget(app: FastAPI, http: httpx.AsyncClient, person_id: int) -> None:
    async with app.state.context.db.unit_of_work() as session:
        email = (await session.get(Person, person_id)).email  # type: ignore[union-attr]
    hr = bearer(await make_token(app, "hr", f"forgets {person_id}"))
    assert (await http.post("/api/v1/people/forget", json={"email": email}, headers=hr)).status_code == 200


async def test_forgetting_mid_wave_keeps_turnout_and_answers_in_step(
    app: FastAPI, http: httpx.AsyncClient, clock
) -> None:  # type: ignore[no-untyped-def]
    context = app.state.context
    people = await add_people(context, {("A", "employee"): 7})
    wave_id = await open_wave(context, "enps")
    for person_id in people[:6]:
        await answer(context, wave_id, person_id, "recommend", "9")
    answered_then_forgotten, invited_then_forgotten = people[5], people[6]  # the 6th answer is still buffered
    await _forget(app, http, answered_then_forgotten)
    await _forget(app, http, invited_then_forgotten)

    live = await _results(app, wave_id)
    assert (live.turnout.invited, live.turnout.responded) == (7, 6)
    async with context.db.unit_of_work() as session:
        left = select(func.count()).where(SurveyParticipation.person_id.in_(people[5:]))
        assert await session.scalar(left) == 0  # the person's record of the wave is gone

    await close(context, clock, wave_id)
    final = await _results(app, wave_id)
    recommend = next(q for q in final.questions if q.question_id == "recommend")
    assert (final.turnout.invited, final.turnout.responded) == (7, 6)
    assert recommend.overall.n == final.turnout.responded == 6  # the answer stays, as a tombstone
    departments = {t.group: (t.invited, t.responded) for t in final.turnout_by["department"]}
    assert departments == {"A": (7, 6)}
    async with context.db.unit_of_work() as session:
        tokens = await session.scalars(select(SurveyAnswer.respondent).where(SurveyAnswer.wave_id == wave_id))
        assert set(tokens) == {None}  # no answer can be tied to anyone, the forgotten included
