"""Survey queries: waves, participation, answers and the GROUP BY aggregates results are built from."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Integer, Select, cast, delete, func, insert, null, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    OutboxMessage,
    Person,
    SurveyAnswer,
    SurveyCell,
    SurveyExposure,
    SurveyParticipation,
    SurveyTurnout,
    SurveyWave,
)
from storage.repositories import survey_tombstones

CHUNK = 5_000
CountRow = tuple[int, str, str, str | None, int | None, int]


TURNOUT_DIMENSIONS = ("all", "department", "role", "unreachable")


class SurveyRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def wave(self, wave_id: int) -> SurveyWave | None:
        return await self.session.get(SurveyWave, wave_id)

    async def waves(
        self, *, status: str | None = None, due_before: datetime | None = None
    ) -> list[SurveyWave]:
        query = select(SurveyWave).order_by(SurveyWave.opens_at, SurveyWave.id)
        if status is not None:
            query = query.where(SurveyWave.status == status)
        if due_before is not None:
            column = SurveyWave.opens_at if status == "scheduled" else SurveyWave.closes_at
            query = query.where(column <= due_before)
        return list((await self.session.scalars(query)).all())

    async def add_wave(self, wave: SurveyWave) -> int:
        self.session.add(wave)
        await self.session.flush()
        return wave.id

    async def count(self, person_ids: Select[tuple[int]]) -> int:
        return int(await self.session.scalar(select(func.count()).select_from(person_ids.subquery())) or 0)

    async def audience_people(self, person_ids: Select[tuple[int]]) -> list[tuple[int, str, str]]:
        rows = await self.session.execute(
            select(Person.id, Person.department, Person.role).where(Person.id.in_(person_ids))
        )
        return [(r[0], r[1], r[2]) for r in rows]

    async def exposures(self, template_id: str, person_ids: Sequence[int]) -> dict[tuple[int, str], int]:
        found: dict[tuple[int, str], int] = {}
        for start in range(0, len(person_ids), CHUNK):
            rows = await self.session.execute(
                select(SurveyExposure.person_id, SurveyExposure.question_id, SurveyExposure.times).where(
                    SurveyExposure.template_id == template_id,
                    SurveyExposure.person_id.in_(person_ids[start : start + CHUNK]),
                )
            )
            found.update({(p, q): t for p, q, t in rows})
        return found

    async def record_exposures(
        self, template_id: str, asked: dict[int, list[str]], seen: set[tuple[int, str]]
    ) -> None:
        """Count one more asking of each assigned question (update known pairs, insert new ones)."""
        for person_id, questions in asked.items():
            for question_id in questions:
                if (person_id, question_id) in seen:
                    await self.session.execute(
                        update(SurveyExposure)
                        .where(
                            SurveyExposure.person_id == person_id,
                            SurveyExposure.template_id == template_id,
                            SurveyExposure.question_id == question_id,
                        )
                        .values(times=SurveyExposure.times + 1)
                    )
                else:
                    self.session.add(
                        SurveyExposure(person_id=person_id, template_id=template_id, question_id=question_id)
                    )
        await self.session.flush()

    async def add_participants(self, rows: list[dict[str, Any]]) -> None:
        for start in range(0, len(rows), CHUNK):
            await self.session.execute(insert(SurveyParticipation), rows[start : start + CHUNK])

    async def participation(self, wave_id: int, person_id: int) -> SurveyParticipation | None:
        return (
            await self.session.scalars(
                select(SurveyParticipation).where(
                    SurveyParticipation.wave_id == wave_id, SurveyParticipation.person_id == person_id
                )
            )
        ).one_or_none()

    async def open_participations(self, person_id: int) -> list[tuple[SurveyWave, SurveyParticipation]]:
        rows = await self.session.execute(
            select(SurveyWave, SurveyParticipation)
            .join(SurveyParticipation, SurveyParticipation.wave_id == SurveyWave.id)
            .where(SurveyParticipation.person_id == person_id, SurveyWave.status == "open")
            .order_by(SurveyWave.closes_at)
        )
        return [(w, p) for w, p in rows]

    async def not_responded(self, wave_id: int, reminders_below: int) -> list[int]:
        rows = await self.session.scalars(
            select(SurveyParticipation.person_id).where(
                SurveyParticipation.wave_id == wave_id,
                SurveyParticipation.responded.is_(False),
                SurveyParticipation.reminders < reminders_below,
            )
        )
        return list(rows)

    async def mark_reminded(self, wave_id: int, person_ids: list[int], count: int) -> None:
        for start in range(0, len(person_ids), CHUNK):
            await self.session.execute(
                update(SurveyParticipation)
                .where(
                    SurveyParticipation.wave_id == wave_id,
                    SurveyParticipation.person_id.in_(person_ids[start : start + CHUNK]),
                )
                .values(reminders=count)
            )

    async def previous_answer(self, wave_id: int, token: str, question_id: str) -> SurveyAnswer | None:
        return (
            await self.session.scalars(
                select(SurveyAnswer).where(
                    SurveyAnswer.wave_id == wave_id,
                    SurveyAnswer.respondent == token,
                    SurveyAnswer.question_id == question_id,
                )
            )
        ).one_or_none()

    async def remove_answer(self, old: SurveyAnswer, role: str | None) -> None:
        """Delete an answer's department row and one interchangeable role row with the same value."""
        twin = (
            select(SurveyAnswer.id)
            .where(
                SurveyAnswer.wave_id == old.wave_id,
                SurveyAnswer.question_id == old.question_id,
                SurveyAnswer.dimension == "role",
                SurveyAnswer.grp.is_(None) if role is None else SurveyAnswer.grp == role,
                SurveyAnswer.value.is_(None) if old.value is None else SurveyAnswer.value == old.value,
            )
            .limit(1)
        )
        twin_id = (await self.session.execute(twin)).scalar_one_or_none()
        ids = [old.id] if twin_id is None else [old.id, twin_id]
        await self.session.execute(delete(SurveyAnswer).where(SurveyAnswer.id.in_(ids)))

    async def add_answers(self, rows: list[dict[str, Any]]) -> None:
        await self.session.execute(insert(SurveyAnswer), rows)

    async def close(self, wave: SurveyWave) -> None:
        """Keep turnout per group; for anonymous waves drop every link between answers and people."""
        final = await self.live_turnout(wave.id)  # with the tallies of people forgotten meanwhile
        await self.session.execute(delete(SurveyTurnout).where(SurveyTurnout.wave_id == wave.id))
        for dimension, cells in final.items():
            for grp, (invited, responded) in cells.items():
                self.session.add(
                    SurveyTurnout(
                        wave_id=wave.id, dimension=dimension, grp=grp, invited=invited, responded=responded
                    )
                )
        await self.aggregate(wave.id)
        if wave.anonymous:
            await self._rewrite_shuffled(wave.id)
            await self.session.execute(
                delete(SurveyParticipation).where(SurveyParticipation.wave_id == wave.id)
            )
            # Invitations and reminders would tell who had not answered when they were sent.
            await self.session.execute(
                delete(OutboxMessage).where(OutboxMessage.key.like(f"survey:{wave.id}:%"))
            )
        wave.token_key = None
        wave.status = "closed"
        await self.session.flush()

    async def _rewrite_shuffled(self, wave_id: int) -> None:
        """Copy the wave's answers in random order without tokens, so storage order says nothing."""
        a = SurveyAnswer
        names = [c.name for c in a.__table__.columns if c.name not in ("id", "respondent")]
        source = (
            select(-a.id, *(getattr(a, n) for n in names), null())
            .where(a.wave_id == wave_id, a.id > 0)
            .order_by(func.random())
        )
        await self.session.execute(insert(a).from_select(["id", *names, "respondent"], source))
        await self.session.execute(delete(a).where(a.wave_id == wave_id, a.id > 0))
        await self.session.execute(update(a).where(a.wave_id == wave_id).values(id=-a.id))

    async def live_turnout(self, wave_id: int) -> dict[str, dict[str, tuple[int, int]]]:
        """Invited and answering counts by group (department and role as stored, '' for hidden).
        Only people Stafet could reach count as invited; the others are counted apart, under
        `unreachable`, unless they answered anyway."""
        p = SurveyParticipation
        counted = or_(p.reachable, p.answered)
        rows = await self.session.execute(
            select(
                p.department,
                p.role,
                counted,
                func.count(),
                func.coalesce(func.sum(cast(p.answered, Integer)), 0),
            )
            .where(p.wave_id == wave_id)
            .group_by(p.department, p.role, counted)
        )
        cells: dict[str, dict[str, tuple[int, int]]] = {k: {} for k in TURNOUT_DIMENSIONS}
        for department, role, reachable, invited, answered in rows:
            if not reachable:
                cells["unreachable"][""] = (cells["unreachable"].get("", (0, 0))[0] + invited, 0)
                continue
            for dimension, grp in (("all", ""), ("department", department or ""), ("role", role or "")):
                old = cells[dimension].get(grp, (0, 0))
                cells[dimension][grp] = (old[0] + invited, old[1] + int(answered))
        return await survey_tombstones.add_counts(self.session, wave_id, cells)

    async def stored_turnout(self, wave_id: int) -> dict[str, dict[str, tuple[int, int]]]:
        rows = await self.session.execute(
            select(
                SurveyTurnout.dimension, SurveyTurnout.grp, SurveyTurnout.invited, SurveyTurnout.responded
            ).where(SurveyTurnout.wave_id == wave_id, SurveyTurnout.dimension.in_(TURNOUT_DIMENSIONS))
        )
        cells: dict[str, dict[str, tuple[int, int]]] = {k: {} for k in TURNOUT_DIMENSIONS}
        for dimension, grp, invited, responded in rows:
            cells[dimension][grp] = (invited, responded)
        return cells

    async def aggregate(self, wave_id: int) -> None:
        """Store the wave's answer counts per cell: one INSERT ... SELECT ... GROUP BY."""
        a = SurveyAnswer
        await self.session.execute(delete(SurveyCell).where(SurveyCell.wave_id == wave_id))
        source = (
            select(a.wave_id, a.dimension, a.question_id, a.grp, a.value, func.count())
            .where(a.wave_id == wave_id)
            .group_by(a.wave_id, a.dimension, a.question_id, a.grp, a.value)
        )
        columns = ["wave_id", "dimension", "question_id", "grp", "value", "answers"]
        await self.session.execute(insert(SurveyCell).from_select(columns, source))

    async def value_counts(self, waves: Sequence[SurveyWave]) -> list[CountRow]:
        """(wave, dimension, question, group, value, answers): every number results are made of.

        Closed waves read the cells their close aggregated; open ones the latest snapshot of each
        question, which changes only once k more answers have arrived (never answer by answer)."""
        c = SurveyCell
        found = await self.session.execute(
            select(c.wave_id, c.dimension, c.question_id, c.grp, c.value, c.answers).where(
                c.wave_id.in_([w.id for w in waves])
            )
        )
        return [tuple(r) for r in found]  # type: ignore[misc]

    async def answer_counts(self, wave_ids: Sequence[int]) -> list[CountRow]:
        """The same counts straight from the answers (what a snapshot or a close computes)."""
        a = SurveyAnswer
        found = await self.session.execute(
            select(a.wave_id, a.dimension, a.question_id, a.grp, a.value, func.count())
            .where(a.wave_id.in_(wave_ids))
            .group_by(a.wave_id, a.dimension, a.question_id, a.grp, a.value)
        )
        return [tuple(r) for r in found]  # type: ignore[misc]

    async def comments(self, wave_id: int, question_id: str) -> list[str]:
        """Free-text answers in random order, so their order says nothing about who or when."""
        rows = await self.session.scalars(
            select(SurveyAnswer.comment)
            .where(
                SurveyAnswer.wave_id == wave_id,
                SurveyAnswer.question_id == question_id,
                SurveyAnswer.dimension == "department",
                SurveyAnswer.comment.is_not(None),
            )
            .order_by(func.random())
        )
        return [c for c in rows if c]
