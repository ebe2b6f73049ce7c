"""Services directly, on SQLite and PostgreSQL: daily cap, reviews first, roles, progress, coverage."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from fastapi import FastAPI
from sqlalchemy import select

from bot.learning.coverage import team_coverage
from bot.learning.delivery import queue_reviews
from bot.learning.progress import AreaProgress, progress_of
from bot.learning.service import LearningService
from storage.models import OutboxMessage, Person
from storage.repositories.people import PeopleRepository

CPH = ZoneInfo("Europe/Copenhagen")


def at(day: int, hour: int) -> datetime:
    return datetime(2026, 11, day, hour, 0, tzinfo=CPH)


async def _person(session, email: str, **fields: object) -> Person:  # type: ignore[no-untyped-def]
    return await PeopleRepository(session).add_person(at(1, 9), email=email, **fields)


async def test_daily_cap_reviews_first_and_roles(app: FastAPI) -> None:
    context = app.state.context
    async with context.db.unit_of_work() as session:
        service = LearningService(session, context.content, context.settings)
        anna = await _person(session, "anna@example.org")
        sent = [await service.nudge(anna, ["basics"], at(23, 9 + n)) for n in range(4)]
        assert [i.lesson.id if i else None for i in sent] == ["b-mfa", "b-data", "b-adv", None]
        await service.answer(anna, "b-mfa", {0}, at(23, 14))  # wrong: back tomorrow
        tuesday = [await service.nudge(anna, ["basics"], at(24, 9 + n)) for n in range(2)]
        assert [(i.lesson.id, i.review) for i in tuesday if i] == [("b-mfa", True), ("b-mfa", True)]
        # an employee gets nothing from a leaders' track; a leader does
        assert await service.nudge(anna, ["other"], at(25, 9)) is None
        leader = await _person(session, "lea@example.org", role="leader")
        item = await service.nudge(leader, ["other"], at(25, 9))
        assert item is not None and item.lesson.id == "o-lead"
        # a stopped track is never sent again
        await service.set_track(leader, "basics", "stopped", at(25, 10))
        assert await service.nudge(leader, ["basics"], at(26, 9)) is None


async def test_progress_matches_hand_computed_numbers(app: FastAPI) -> None:
    context = app.state.context
    async with context.db.unit_of_work() as session:
        service = LearningService(session, context.content, context.settings)
        carl = await _person(session, "carl@example.org")
        await service.answer(carl, "b-mfa", {0}, at(20, 10))  # Friday: wrong
        await service.answer(carl, "b-mfa", {1}, at(23, 10))  # Monday: review right
        await service.answer(carl, "b-data", {0, 2}, at(23, 11))  # right
        await service.answer(carl, "b-data", {0, 2}, at(24, 10))  # Tuesday: review right, retires
        await service.answer(carl, "b-adv", {0}, at(24, 11))  # wrong
        await service.reflect(carl, "b-adv", "  I will report instead.  ")
        calendar = service.calendar(carl)
        progress = await progress_of(service.repo, context.content, carl, calendar, at(24, 15))
        later = await progress_of(service.repo, context.content, carl, calendar, at(26, 10))
    assert (progress.lessons_done, progress.answers, progress.correct) == (3, 5, 3)
    assert progress.accuracy == 60
    assert progress.streak == 3  # Friday, Monday, Tuesday: the weekend does not break it
    assert progress.points == 3 * 10 + 3 * 5
    assert progress.areas == (
        AreaProgress("collaboration", 0, 1, None),
        AreaProgress("security", 2, 2, "advanced"),
        AreaProgress("data_and_ai", 1, 1, "basic"),
    )
    assert progress.reflections == (("b-adv", "I will report instead."),)
    assert later.streak == 0  # Wednesday was missed


async def test_team_coverage_matches_hand_computed_numbers(app: FastAPI) -> None:
    context = app.state.context
    async with context.db.unit_of_work() as session:
        service = LearningService(session, context.content, context.settings)
        finance = [await _person(session, f"f{n}@example.org", department="Finance") for n in range(5)]
        tiny = [await _person(session, f"t{n}@example.org", department="Tiny") for n in range(3)]
        await service.answer(finance[0], "b-mfa", {1}, at(23, 10))
        await service.answer(finance[0], "b-adv", {0}, at(23, 11))  # wrong still completes the lesson
        await service.answer(finance[1], "b-mfa", {0}, at(23, 10))
        await service.answer(finance[2], "b-data", {0, 2}, at(23, 10))
        await service.answer(tiny[0], "b-mfa", {1}, at(23, 10))
        basic = await team_coverage(session, context.content, "Finance", min_people=2, min_group_size=5)
        advanced = await team_coverage(
            session, context.content, "Finance", min_people=1, level="advanced", min_group_size=5
        )
        too_small = await team_coverage(session, context.content, "Tiny", min_people=1, min_group_size=5)
    assert basic is not None and advanced is not None
    assert basic.group_size == 5
    counts = {a.competence: (a.people, a.covered) for a in basic.areas}
    assert counts["security"] == (2, True)
    assert counts["data_and_ai"] == (1, False)
    assert counts["collaboration"] == (0, False)
    assert len(basic.areas) == 11
    assert {a.competence: a.people for a in advanced.areas if a.people} == {"security": 1}
    assert too_small is None


async def test_home_shows_learning_once_started(chat) -> None:  # type: ignore[no-untyped-def]
    anna = chat("anna@example.org", "Anna")
    [empty] = await anna.say("home")
    assert "Your learning" not in empty["title"]
    await anna.say("tracks")
    await anna.press("Basics")
    [home] = await anna.say("home")
    assert home["title"] == "Your learning"
    assert "Lessons done: 0" in home["text"]
    assert [b["label"] for b in home["buttons"]] == ["Next lesson", "My progress"]


async def test_a_review_past_the_daily_cap_moves_to_the_next_working_morning(app: FastAPI) -> None:
    context = app.state.context
    async with context.db.unit_of_work() as session:
        service = LearningService(session, context.content, context.settings)
        anna = await _person(session, "anna@example.org")
        await service.answer(anna, "o-lead", {1}, at(26, 9))  # wrong: due Friday 27th
        for n in range(3):
            assert await service.nudge(anna, ["basics"], at(27, 9 + n)) is not None
        assert await service.review_to_send(anna, "o-lead", at(27, 13)) is None
        rows = (await session.scalars(select(OutboxMessage))).all()
        assert [(r.kind, r.payload, r.due_at) for r in rows] == [
            ("learning.review", {"lesson_id": "o-lead"}, at(30, 8))
        ]
        item = await service.review_to_send(anna, "o-lead", at(30, 8))
        assert item is not None and item.review
        assert await service.review_to_send(anna, "o-lead", at(30, 9)) is None  # sent once per due date


async def test_the_review_job_queues_once_and_a_stopped_track_gets_no_review(app: FastAPI) -> None:
    context = app.state.context
    async with context.db.unit_of_work() as session:
        service = LearningService(session, context.content, context.settings)
        anna = await _person(session, "anna@example.org")
        await service.set_track(anna, "basics", "active", at(23, 9))
        await service.answer(anna, "b-mfa", {0}, at(23, 9))
        await service.answer(anna, "b-data", {1}, at(23, 9))
        await service.set_track(anna, "basics", "stopped", at(23, 10))
    context.clock.set(at(24, 7))  # due at 08:00: not yet
    await queue_reviews(context)
    context.clock.set(at(24, 9))
    await queue_reviews(context)
    await queue_reviews(context)
    async with context.db.unit_of_work() as session:
        rows = (await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))).all()
        assert [(r.payload, r.due_at) for r in rows] == [
            ({"lesson_id": "b-mfa"}, at(24, 9)),
            ({"lesson_id": "b-data"}, at(24, 9)),
        ]
        service = LearningService(session, context.content, context.settings)
        anna = await PeopleRepository(session).by_email("anna@example.org")
        assert anna is not None
        assert await service.review_to_send(anna, "b-mfa", at(24, 9)) is None


async def test_leave_freezes_the_streak_and_moves_reviews(app: FastAPI) -> None:
    context = app.state.context
    async with context.db.unit_of_work() as session:
        service = LearningService(session, context.content, context.settings)
        anna = await _person(session, "anna@example.org")
        await service.answer(anna, "b-data", {0, 2}, at(19, 10))  # Thursday
        await service.go_away(anna, 1, at(20, 9))  # Friday off
        result = await service.answer(anna, "b-mfa", {0}, at(20, 10))  # wrong, on the day off
        assert result.due_at == at(23, 8)
        await service.go_away(anna, 2, at(23, 9))  # Monday and Tuesday off
        assert await service.nudge(anna, ["basics"], at(23, 10)) is None
        await service.answer(anna, "b-adv", {1}, at(25, 10))  # Wednesday
        calendar = await service.work_calendar(anna)
        progress = await progress_of(service.repo, context.content, anna, calendar, at(25, 15))
    assert progress.streak == 2  # Thursday and Wednesday; the leave between is frozen
