"""The sealed answer buffer and the live snapshots it feeds."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy import delete, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import SurveyAnswer, SurveyAnswerBuffer, SurveyCell, SurveySnapshot, SurveyWave


class AnswerBufferRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def lock_wave(self, wave_id: int) -> SurveyWave | None:
        """One buffer change per wave at a time (row lock on PostgreSQL; SQLite has one writer)."""
        return await self.session.get(SurveyWave, wave_id, with_for_update=True, populate_existing=True)

    async def sealed(self, wave_id: int) -> list[tuple[int, bytes]]:
        rows = await self.session.execute(
            select(SurveyAnswerBuffer.id, SurveyAnswerBuffer.sealed).where(
                SurveyAnswerBuffer.wave_id == wave_id
            )
        )
        return [(row_id, bytes(sealed)) for row_id, sealed in rows]

    async def add(self, row_id: int, wave_id: int, sealed: bytes) -> None:
        await self.session.execute(
            insert(SurveyAnswerBuffer).values(id=row_id, wave_id=wave_id, sealed=sealed)
        )

    async def drop(self, ids: Sequence[int]) -> None:
        if ids:
            await self.session.execute(delete(SurveyAnswerBuffer).where(SurveyAnswerBuffer.id.in_(ids)))

    async def arrived(self, wave_id: int, counts: Mapping[str, int], k: int) -> list[str]:
        """Count answers that arrived per question; the questions with k since their last snapshot
        get a new one (their live cells recounted) and start counting again."""
        found = {
            s.question_id: s
            for s in await self.session.scalars(
                select(SurveySnapshot).where(SurveySnapshot.wave_id == wave_id)
            )
        }
        due = []
        for question_id, n in counts.items():
            snapshot = found.get(question_id)
            if snapshot is None:
                snapshot = SurveySnapshot(wave_id=wave_id, question_id=question_id, pending=0)
                self.session.add(snapshot)
            snapshot.pending += n
            if snapshot.pending >= k:
                snapshot.pending = 0
                due.append(question_id)
        await self.session.flush()
        for question_id in due:
            await self._recount(wave_id, question_id)
        return due

    async def _recount(self, wave_id: int, question_id: str) -> None:
        a = SurveyAnswer
        await self.session.execute(
            delete(SurveyCell).where(SurveyCell.wave_id == wave_id, SurveyCell.question_id == question_id)
        )
        source = (
            select(a.wave_id, a.dimension, a.question_id, a.grp, a.value, func.count())
            .where(a.wave_id == wave_id, a.question_id == question_id)
            .group_by(a.wave_id, a.dimension, a.question_id, a.grp, a.value)
        )
        columns = ["wave_id", "dimension", "question_id", "grp", "value", "answers"]
        await self.session.execute(insert(SurveyCell).from_select(columns, source))

    async def forget_snapshots(self, wave_id: int) -> None:
        await self.session.execute(delete(SurveySnapshot).where(SurveySnapshot.wave_id == wave_id))
