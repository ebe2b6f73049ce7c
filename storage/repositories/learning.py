"""Reading and writing learning state: enrolments, items, answers and what was sent."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Enrolment, LearningItem, LearningSend, Leave, Person, QuizAnswer
from storage.repositories import learning_batch


class LearningRepository:
    """People of a loaded batch (see `learning_batch`) are answered from memory."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def load_batch(self, person_ids: Sequence[int], now: datetime) -> None:
        await learning_batch.load(self.session, person_ids, now)

    async def enrolments(self, person_id: int) -> dict[str, Enrolment]:
        if (known := learning_batch.cached(self.session, person_id)) is not None:
            return dict(known.enrolments)
        rows = await self.session.scalars(select(Enrolment).where(Enrolment.person_id == person_id))
        return {row.track_id: row for row in rows}

    def add_enrolments(self, person_id: int, track_ids: Sequence[str], now: datetime) -> None:
        """Start following `track_ids` (none of which the person has a row for yet)."""
        known = learning_batch.cached(self.session, person_id)
        for track_id in track_ids:
            row = Enrolment(person_id=person_id, track_id=track_id, status="active", updated_at=now)
            if known is not None:
                known.enrolments[track_id] = row
                learning_batch.add(self.session, row)
            else:
                self.session.add(row)

    async def set_enrolment(self, person_id: int, track_id: str, status: str, now: datetime) -> Enrolment:
        row = (await self.enrolments(person_id)).get(track_id)
        if row is None:
            row = Enrolment(person_id=person_id, track_id=track_id, status=status, updated_at=now)
            self.session.add(row)
            if (known := learning_batch.cached(self.session, person_id)) is not None:
                known.enrolments[track_id] = row
        elif row.status != status:
            row.status, row.updated_at = status, now
        await self.session.flush()
        return row

    async def learners(self, people: Select[tuple[int]]) -> list[tuple[int, str, bool, str | None]]:
        """(id, role, ambassador, language) of each person in `people`: what picks their lessons."""
        query = select(Person.id, Person.role, Person.is_ambassador, Person.language).where(
            Person.id.in_(people)
        )
        return [tuple(row) for row in (await self.session.execute(query)).all()]  # type: ignore[misc]

    async def lessons_sent(self, people: Select[tuple[int]]) -> dict[int, set[str]]:
        """The lesson ids each of `people` has been sent, in any track."""
        query = select(LearningItem.person_id, LearningItem.lesson_id).where(
            LearningItem.person_id.in_(people)
        )
        found: dict[int, set[str]] = {}
        for person_id, lesson_id in (await self.session.execute(query)).all():
            found.setdefault(person_id, set()).add(lesson_id)
        return found

    async def tracks_stopped(self, people: Select[tuple[int]]) -> dict[int, set[str]]:
        query = select(Enrolment.person_id, Enrolment.track_id).where(
            Enrolment.person_id.in_(people), Enrolment.status != "active"
        )
        found: dict[int, set[str]] = {}
        for person_id, track_id in (await self.session.execute(query)).all():
            found.setdefault(person_id, set()).add(track_id)
        return found

    async def item(self, person_id: int, lesson_id: str) -> LearningItem | None:
        if (known := learning_batch.cached(self.session, person_id)) is not None:
            return known.items.get(lesson_id)
        return await self.session.scalar(
            select(LearningItem).where(
                LearningItem.person_id == person_id, LearningItem.lesson_id == lesson_id
            )
        )

    async def items(self, person_id: int) -> list[LearningItem]:
        if (known := learning_batch.cached(self.session, person_id)) is not None:
            return list(known.items.values())
        rows = await self.session.scalars(
            select(LearningItem).where(LearningItem.person_id == person_id).order_by(LearningItem.id)
        )
        return list(rows)

    async def add_item(self, person_id: int, lesson_id: str, track_id: str, now: datetime) -> LearningItem:
        item = LearningItem(
            person_id=person_id,
            lesson_id=lesson_id,
            track_id=track_id,
            first_sent_at=now,
            correct_count=0,
            correct_streak=0,
        )
        if (known := learning_batch.cached(self.session, person_id)) is not None:
            known.items[lesson_id] = item
            learning_batch.add(self.session, item)
        else:
            self.session.add(item)
            await self.session.flush()
        return item

    async def due_review(
        self, person_id: int, track_ids: Sequence[str], now: datetime
    ) -> LearningItem | None:
        if (known := learning_batch.cached(self.session, person_id)) is not None:
            due = [
                item
                for item in known.items.values()
                if item.track_id in track_ids
                and item.retired_at is None
                and item.due_at is not None
                and item.due_at <= now
            ]
            return min(due, key=lambda item: (item.due_at, item.id or 0), default=None)
        return await self.session.scalar(
            select(LearningItem)
            .where(
                LearningItem.person_id == person_id,
                LearningItem.track_id.in_(track_ids),
                LearningItem.retired_at.is_(None),
                LearningItem.due_at <= now,
            )
            .order_by(LearningItem.due_at, LearningItem.id)
            .limit(1)
        )

    async def unreminded_reviews(self, now: datetime, limit: int) -> list[tuple[LearningItem, Person]]:
        """Items due for review that no outbox row has been queued for yet."""
        result = await self.session.execute(
            select(LearningItem, Person)
            .join(Person, Person.id == LearningItem.person_id)
            .where(
                LearningItem.retired_at.is_(None),
                LearningItem.reminded_at.is_(None),
                LearningItem.due_at <= now,
            )
            .order_by(LearningItem.due_at, LearningItem.id)
            .limit(limit)
        )
        return [(item, person) for item, person in result.all()]

    async def latest_answer(self, person_id: int, lesson_id: str) -> QuizAnswer | None:
        return await self.session.scalar(
            select(QuizAnswer)
            .where(QuizAnswer.person_id == person_id, QuizAnswer.lesson_id == lesson_id)
            .order_by(QuizAnswer.id.desc())
            .limit(1)
        )

    async def add_answer(
        self,
        person_id: int,
        lesson_id: str,
        now: datetime,
        day: date,
        *,
        correct: bool,
        review: bool,
        variant: int = 0,
    ) -> None:
        self.session.add(
            QuizAnswer(
                person_id=person_id,
                lesson_id=lesson_id,
                answered_at=now,
                local_day=day,
                correct=correct,
                review=review,
                variant=variant,
            )
        )
        await self.session.flush()

    async def answers(self, person_id: int) -> list[QuizAnswer]:
        rows = await self.session.scalars(
            select(QuizAnswer).where(QuizAnswer.person_id == person_id).order_by(QuizAnswer.id)
        )
        return list(rows)

    async def add_send(self, person_id: int, lesson_id: str, kind: str, now: datetime, day: date) -> None:
        send = LearningSend(person_id=person_id, lesson_id=lesson_id, kind=kind, sent_at=now, local_day=day)
        if (known := learning_batch.cached(self.session, person_id)) is not None:
            known.sends.append(send)
            learning_batch.add(self.session, send)
        else:
            self.session.add(send)
            await self.session.flush()

    async def sends_on(self, person_id: int, day: date, kinds: Sequence[str]) -> int:
        known = learning_batch.cached(self.session, person_id)
        batch = learning_batch.batch_of(self.session)
        if known is not None and batch is not None and batch.covers_day(day):
            return sum(1 for send in known.sends if send.local_day == day and send.kind in kinds)
        count = await self.session.scalar(
            select(func.count(LearningSend.id)).where(
                LearningSend.person_id == person_id,
                LearningSend.local_day == day,
                LearningSend.kind.in_(kinds),
            )
        )
        return int(count or 0)

    async def sent_since(self, person_id: int, lesson_id: str, kind: str, since: datetime) -> bool:
        known = learning_batch.cached(self.session, person_id)
        batch = learning_batch.batch_of(self.session)
        if known is not None and batch is not None and batch.covers_since(since):
            return any(
                send.lesson_id == lesson_id and send.kind == kind and send.sent_at >= since
                for send in known.sends
            )
        found = await self.session.scalar(
            select(LearningSend.id)
            .where(
                LearningSend.person_id == person_id,
                LearningSend.lesson_id == lesson_id,
                LearningSend.kind == kind,
                LearningSend.sent_at >= since,
            )
            .limit(1)
        )
        return found is not None

    async def leave(self, person_id: int) -> list[Leave]:
        if (known := learning_batch.cached(self.session, person_id)) is not None:
            return list(known.leave)
        rows = await self.session.scalars(
            select(Leave).where(Leave.person_id == person_id).order_by(Leave.first_day)
        )
        return list(rows)

    async def add_leave(self, person_id: int, first_day: date, last_day: date, now: datetime) -> None:
        row = Leave(person_id=person_id, first_day=first_day, last_day=last_day, created_at=now)
        self.session.add(row)
        await self.session.flush()
        if (known := learning_batch.cached(self.session, person_id)) is not None:
            known.leave = sorted([*known.leave, row], key=lambda leave: leave.first_day)

    async def end_leave(self, person_id: int, today: date) -> bool:
        """Cut short leave that covers today or lies ahead; True when there was any."""
        changed = False
        for row in await self.leave(person_id):
            if row.last_day < today:
                continue
            if row.first_day >= today:
                await self.session.delete(row)
                if (known := learning_batch.cached(self.session, person_id)) is not None:
                    known.leave.remove(row)
            else:
                row.last_day = today - timedelta(days=1)
            changed = True
        await self.session.flush()
        return changed

    async def department_size(self, department: str) -> int:
        count = await self.session.scalar(
            select(func.count(Person.id)).where(Person.department == department, Person.email.is_not(None))
        )
        return int(count or 0)

    async def completed_in_department(self, department: str) -> list[tuple[int, str]]:
        """(person id, lesson id) for every lesson completed by someone in `department`."""
        result = await self.session.execute(
            select(LearningItem.person_id, LearningItem.lesson_id)
            .join(Person, Person.id == LearningItem.person_id)
            .where(
                Person.department == department,
                Person.email.is_not(None),
                LearningItem.completed_at.is_not(None),
            )
        )
        return [(person_id, lesson_id) for person_id, lesson_id in result.all()]
