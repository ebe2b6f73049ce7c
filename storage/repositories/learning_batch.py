"""A batch's learning state loaded in a few queries, so composing many nudges costs no query each.

The delivery worker loads it for the people of a claimed batch; `LearningRepository` then answers
from memory for them and keeps it up to date as it writes, and asks the database for anyone else.
Rows it adds for them are written before the next flush or commit, one INSERT per table: through
the ORM, SQLite would insert them one statement each (it cannot match generated ids to rows).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from storage.lists import one_of
from storage.models import Enrolment, LearningItem, LearningSend, Leave
from storage.write_hooks import before_write

_KEY = "learning_batch"
New = Enrolment | LearningItem | LearningSend
WRITTEN = (Enrolment, LearningItem, LearningSend)  # in foreign-key order
SENDS_BACK = timedelta(days=3)  # covers "today" in every time zone, and a review due yesterday
EARLIEST_OFFSET = timedelta(hours=14)  # a local day starts at most 14 hours before its UTC midnight


@dataclass(slots=True)
class PersonLearning:
    """One person's enrolments, items (in id order), leave, and sends since the batch's `since`."""

    enrolments: dict[str, Enrolment] = field(default_factory=dict)
    items: dict[str, LearningItem] = field(default_factory=dict)
    leave: list[Leave] = field(default_factory=list)
    sends: list[LearningSend] = field(default_factory=list)


@dataclass(slots=True)
class LearningBatch:
    since: datetime
    people: dict[int, PersonLearning] = field(default_factory=dict)
    new: list[New] = field(default_factory=list)  # added, not written yet

    def covers_day(self, day: date) -> bool:
        """True when every send recorded on local `day` (in any zone) is in memory."""
        return datetime.combine(day, time(), UTC) - EARLIEST_OFFSET >= self.since

    def covers_since(self, instant: datetime) -> bool:
        return instant >= self.since


def batch_of(session: AsyncSession) -> LearningBatch | None:
    return session.info.get(_KEY)


def cached(session: AsyncSession, person_id: int) -> PersonLearning | None:
    batch: LearningBatch | None = session.info.get(_KEY)
    return batch.people.get(person_id) if batch is not None else None


def add(session: AsyncSession, row: New) -> None:
    """A new row for someone in the batch: written at the next flush with the others."""
    batch: LearningBatch = session.info[_KEY]
    batch.new.append(row)


def _write_new(session: Session) -> None:
    """Insert the batch's new rows, then ask the database again for the people they belong to
    (the written rows are not tracked by the session, so later changes must come from it)."""
    batch: LearningBatch | None = session.info.get(_KEY)
    if batch is None or not batch.new:
        return
    new, batch.new = batch.new, []
    for model in WRITTEN:
        columns = [column.key for column in model.__table__.columns if column.key != "id"]
        rows = [{key: getattr(row, key) for key in columns} for row in new if type(row) is model]
        if rows:
            session.connection().execute(insert(model.__table__), rows)
    for row in new:
        batch.people.pop(row.person_id, None)


async def load(session: AsyncSession, person_ids: Sequence[int], now: datetime) -> None:
    """Load what composing learning messages reads for `person_ids`: four queries in all."""
    batch: LearningBatch | None = session.info.get(_KEY)
    if batch is None:
        batch = session.info[_KEY] = LearningBatch(now - SENDS_BACK)
        before_write(session, _KEY, _write_new)
    wanted = sorted({p for p in person_ids if p not in batch.people})
    if not wanted:
        return
    fresh = {person_id: PersonLearning() for person_id in wanted}
    for enrolment in await session.scalars(
        select(Enrolment).where(one_of(session, Enrolment.person_id, wanted))
    ):
        fresh[enrolment.person_id].enrolments[enrolment.track_id] = enrolment
    query = (
        select(LearningItem).where(one_of(session, LearningItem.person_id, wanted)).order_by(LearningItem.id)
    )
    for item in await session.scalars(query):
        fresh[item.person_id].items[item.lesson_id] = item
    query_leave = select(Leave).where(one_of(session, Leave.person_id, wanted)).order_by(Leave.first_day)
    for leave in await session.scalars(query_leave):
        fresh[leave.person_id].leave.append(leave)
    query_sends = select(LearningSend).where(
        one_of(session, LearningSend.person_id, wanted), LearningSend.sent_at >= batch.since
    )
    for send in await session.scalars(query_sends.order_by(LearningSend.id)):
        fresh[send.person_id].sends.append(send)
    batch.people.update(fresh)
