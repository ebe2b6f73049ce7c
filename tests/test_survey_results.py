"""Results maths against hand-computed figures, k suppression and the differencing attack."""

from __future__ import annotations

from itertools import combinations

import pytest
from fastapi import FastAPI
from sqlalchemy import select

from bot.runtime.errors import UserFacingError
from bot.surveys import results
from storage.models import SurveyParticipation
from tests.support.surveys import TEMPLATES, add_people, answer, close, open_wave

K = 5
# Department A: 6 people, B: 5, C: 2 (too small to be stored); two leaders in A, the rest employees.
GROUPS = {("A", "employee"): 4, ("A", "leader"): 2, ("B", "employee"): 5, ("C", "employee"): 2}
EVERYDAY = ["5", "5", "4", "3", "2", "1", "4", "4", "4", "5", "3", "1", "2"]


async def _fixture(app: FastAPI, clock) -> tuple[int, list[int]]:  # type: ignore[no-untyped-def]
    context = app.state.context
    people = await add_people(context, GROUPS)
    wave_id = await open_wave(context, "digital-confidence")
    for person_id, value in zip(people, EVERYDAY, strict=True):
        await answer(context, wave_id, person_id, "everyday", value)
    await close(context, clock, wave_id)
    return wave_id, people


async def _results(app: FastAPI, wave_id: int) -> results.WaveResults:
    async with app.state.context.db.unit_of_work() as session:
        return await results.wave_results(session, wave_id, k=K, templates=TEMPLATES)


async def test_hand_computed_figures(app: FastAPI, clock) -> None:  # type: ignore[no-untyped-def]
    wave_id, _ = await _fixture(app, clock)
    found = await _results(app, wave_id)
    assert (found.turnout.invited, found.turnout.responded) == (13, 13)
    everyday = next(q for q in found.questions if q.question_id == "everyday")
    overall = everyday.overall
    assert overall.n == 13
    assert overall.distribution == {"1": 2, "2": 2, "3": 2, "4": 4, "5": 3}
    assert overall.mean == pytest.approx(43 / 13)
    assert overall.favourable == pytest.approx(7 / 13)
    departments = {c.group: c for c in everyday.breakdowns["department"]}
    assert departments["A"].n == 6 and departments["A"].mean == pytest.approx(20 / 6)
    assert departments["A"].favourable == pytest.approx(3 / 6)
    # B has 5 answers, but showing it would reveal C (13 - 6 - 5 = 2 < k): suppressed too.
    assert departments["B"].suppressed and departments["B"].n is None and departments["B"].mean is None
    assert departments[""].suppressed  # C was stored as no department at all
    # Roles: 2 leaders are too few to store, so the employees' cell would reveal them.
    assert all(c.suppressed for c in everyday.breakdowns["role"])
    unanswered = next(q for q in found.questions if q.question_id == "new-tool")
    assert unanswered.overall.suppressed and unanswered.overall.n is None


async def test_differencing_attack_learns_nothing(app: FastAPI, clock) -> None:  # type: ignore[no-untyped-def]
    wave_id, _ = await _fixture(app, clock)
    found = await _results(app, wave_id)
    for question in found.questions:
        parent = question.overall
        if parent.suppressed:
            assert all(c.suppressed for cells in question.breakdowns.values() for c in cells)
            continue
        for cells in question.breakdowns.values():
            visible = [c for c in cells if not c.suppressed]
            for size in range(1, len(visible) + 1):
                for subset in combinations(visible, size):
                    rest = parent.n - sum(c.n for c in subset)
                    assert rest == 0 or rest >= K, "subtracting visible groups isolated fewer than k"
                    if rest:
                        leftover = {
                            v: parent.distribution[v] - sum(c.distribution[v] for c in subset)
                            for v in parent.distribution
                        }
                        assert sum(leftover.values()) >= K


async def test_enps_and_choices(app: FastAPI, clock) -> None:  # type: ignore[no-untyped-def]
    context = app.state.context
    people = await add_people(context, {("A", "employee"): 7})
    wave_id = await open_wave(context, "enps")
    for person_id, value in zip(people, ["10", "9", "9", "8", "7", "6", "0"], strict=True):
        await answer(context, wave_id, person_id, "recommend", value)
    confidence = await open_wave(context, "digital-confidence")
    for person_id, picks in zip(
        people,
        [
            "colleague",
            "colleague,ambassador",
            "it-support",
            "ambassador,online,colleague",
            "online",
            "colleague",
            "it-support",
        ],
        strict=True,
    ):
        await answer(context, confidence, person_id, "help-from", picks)
    await close(context, clock, wave_id)
    found = await _results(app, wave_id)
    recommend = found.questions[0].overall
    assert recommend.enps == pytest.approx(100 * (3 - 2) / 7)
    assert recommend.mean == pytest.approx(49 / 7)
    assert recommend.favourable == pytest.approx(3 / 7)
    found = await _results(app, confidence)
    help_from = next(q for q in found.questions if q.question_id == "help-from").overall
    assert help_from.n == 7
    assert help_from.distribution == {
        "colleague": 4,
        "ambassador": 2,
        "it-support": 2,
        "online": 2,
        "other": 0,
        "nowhere": 0,
    }


async def test_trend_and_before_after_comparison(app: FastAPI, clock) -> None:  # type: ignore[no-untyped-def]
    context = app.state.context
    people = await add_people(context, {("A", "employee"): 5})
    waves = []
    for values in (["2", "3", "2", "4", "3"], ["4", "4", "5", "3", "4"]):
        wave_id = await open_wave(context, "digital-confidence", campaign_id=7)
        for person_id, value in zip(people, values, strict=True):
            await answer(context, wave_id, person_id, "everyday", value)
        await close(context, clock, wave_id)
        waves.append(wave_id)
    async with context.db.unit_of_work() as session:
        points = await results.trend(session, "digital-confidence", k=K, templates=TEMPLATES, campaign_id=7)
        changes = await results.compare(session, waves[0], waves[1], k=K, templates=TEMPLATES)
    assert [p.questions["everyday"].mean for p in points] == [pytest.approx(2.8), pytest.approx(4.0)]
    everyday = next(c for c in changes if c.question_id == "everyday")
    assert everyday.mean_change == pytest.approx(1.2)
    assert everyday.favourable_change == pytest.approx(4 / 5 - 1 / 5)
    assert next(c for c in changes if c.question_id == "security").mean_change is None


async def test_results_wait_for_close_unless_live(app: FastAPI, clock) -> None:  # type: ignore[no-untyped-def]
    context = app.state.context
    await add_people(context, {("A", "employee"): 5})
    wave_id = await open_wave(context, "enps")
    turnout_only = await _results(app, wave_id)
    assert turnout_only.figures == "turnout" and turnout_only.questions == []
    assert turnout_only.turnout.invited == 5
    live = await open_wave(context, "enps", live_results=True)
    people = await add_people(context, {("A", "employee"): 5}, prefix="late")  # not in the audience
    found = await _results(app, live)
    assert found.turnout.invited == 5 and found.questions[0].overall.suppressed
    async with context.db.unit_of_work() as session:
        query = select(SurveyParticipation.person_id).where(SurveyParticipation.wave_id == live)
        invited = list(await session.scalars(query))
    for person_id in invited:
        await answer(context, live, person_id, "recommend", "8")
    live_cell = (await _results(app, live)).questions[0].overall
    assert (live_cell.n, live_cell.mean) == (5, 8.0)
    await close(context, clock, live)
    assert (await _results(app, live)).questions[0].overall == live_cell
    with pytest.raises(UserFacingError):
        await answer(context, live, people[0], "recommend", "8")
