"""Routing, rule by rule: each case makes B win where the id tie-break alone would pick A."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from fastapi import FastAPI

from bot.clock import FixedClock
from bot.questions.service import QuestionService
from storage.models import Person
from tests.questions_support import ambassador, open_question, person


@dataclass(frozen=True)
class Case:
    a: dict[str, Any] = field(default_factory=dict)
    b: dict[str, Any] = field(default_factory=dict)
    a_load: int = 0
    preference: str = "none"
    asker_is_a: bool = False
    a_passed: bool = False
    reason: str = ""


HOUR = timedelta(hours=1)
CASES = {
    "topic beats language": Case(
        a={"topics": {"collaboration": 3}}, b={"languages": ("en",)}, reason="topic security"
    ),
    "language": Case(a={"languages": ("en",)}, reason="speaks da"),
    "available now": Case(a={"hours": "12:00-16:00"}, reason="in working hours"),
    "lowest load": Case(a_load=1, reason="open questions 0"),
    "longest since last assignment": Case(a={"ago": HOUR}, b={"ago": 2 * HOUR}),
    "never assigned goes first": Case(a={"ago": HOUR}, reason="last assigned never"),
    "never the asker": Case(asker_is_a=True),
    "prefer same department": Case(a={"department": "Finance"}, b={"department": "Sales"}, preference="same"),
    "prefer another department": Case(a={"department": "Sales"}, preference="other"),
    "away is skipped": Case(a={"status": "away"}),
    "out of office is skipped": Case(a={"status": "out", "until": 24 * HOUR}),
    "cap reached is skipped": Case(a={"cap": 1}, a_load=1),
    "who passed is skipped": Case(a_passed=True),
}


async def _make(session, email, now, spec):  # type: ignore[no-untyped-def]
    spec = dict(spec)
    ago, until = spec.pop("ago", None), spec.pop("until", None)
    extra = {"last_assigned_at": now - ago} if ago else {}
    if until:
        extra["away_until"] = now + until
    return await ambassador(session, email, now, **spec, **extra)


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
async def test_routing_rule(case: Case, app: FastAPI, clock: FixedClock) -> None:
    context = app.state.context
    context.settings.question_department_preference = case.preference
    now = clock.now()
    async with context.db.unit_of_work() as session:
        a = await _make(session, "a@example.org", now, case.a)
        b = await _make(session, "b@example.org", now, case.b)
        other = await person(session, "asker@example.org", now, department="Sales")
        asker = await session.get(Person, a.person_id) if case.asker_is_a else other
        for _ in range(case.a_load):
            await open_question(session, other, now, status="claimed", owner_id=a.person_id)
        question = await open_question(
            session, asker, now, passed_by=[a.person_id] if case.a_passed else [], asker_department="Sales"
        )
        await QuestionService(session, context).route(question, "asked")
        assert question.assigned_id == b.person_id
        decision = question.routing[-1]
        assert decision["ambassador_id"] == b.person_id and decision["event"] == "asked"
        assert case.reason in " | ".join(decision["reasons"])


async def test_nobody_eligible_escalates_and_records_why(app: FastAPI, clock: FixedClock) -> None:
    context = app.state.context
    now = clock.now()
    async with context.db.unit_of_work() as session:
        only = await ambassador(session, "a@example.org", now)
        asker = await session.get(Person, only.person_id)
        question = await open_question(session, asker, now)
        await QuestionService(session, context).route(question, "asked")
        assert question.status == "escalated" and question.assigned_id is None
        assert question.routing[0]["reasons"] == ["no eligible ambassador"]
