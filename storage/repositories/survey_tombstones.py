"""Forgotten people in open waves: their invitation becomes a count, their answers stay counted.

Forgetting a person mid-wave deletes their participation row (who was invited, how far they got),
but not their answers: those are sealed and stored without a person, and cannot be found
again to take out without the very link anonymity forbids. Taking them out would also be worse:
a published figure dropping by exactly one person's answers tells what that person answered.
So the answers stay as tombstones, and the invitation is kept as an anonymous tally in
`survey_turnout` (dimension `erased:<dimension>`, the same groups the row counted in), which
live turnout adds and close folds into the wave's stored turnout. Turnout and answer counts
then keep agreeing, and nothing left names the person.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import SurveyParticipation, SurveyTurnout, SurveyWave

ERASED = "erased:"
Cells = dict[str, dict[str, tuple[int, int]]]


def counted_in(participation: SurveyParticipation) -> list[tuple[str, str]]:
    """The turnout cells one invitation counts in, as `live_turnout` counts it."""
    if not (participation.reachable or participation.answered):
        return [("unreachable", "")]
    return [("all", ""), ("department", participation.department or ""), ("role", participation.role or "")]


async def keep_counts(session: AsyncSession, person_id: int) -> None:
    """Tally the person's invitations to waves still open, before the invitations are deleted."""
    open_ones = await session.scalars(
        select(SurveyParticipation)
        .join(SurveyWave, SurveyWave.id == SurveyParticipation.wave_id)
        .where(SurveyParticipation.person_id == person_id, SurveyWave.status == "open")
    )
    for participation in list(open_ones):
        # The wave's row lock orders this with its close and with other forgets (PostgreSQL).
        wave_id = participation.wave_id
        wave = await session.get(SurveyWave, wave_id, with_for_update=True, populate_existing=True)
        if wave is None or wave.status != "open":
            continue
        for dimension, grp in counted_in(participation):
            await _add(session, wave_id, ERASED + dimension, grp, int(participation.answered))


async def add_counts(session: AsyncSession, wave_id: int, cells: Cells) -> Cells:
    """Live turnout with the tallies of people forgotten while the wave was open."""
    rows = await session.execute(
        select(
            SurveyTurnout.dimension, SurveyTurnout.grp, SurveyTurnout.invited, SurveyTurnout.responded
        ).where(SurveyTurnout.wave_id == wave_id, SurveyTurnout.dimension.like(f"{ERASED}%"))
    )
    for dimension, grp, invited, responded in rows:
        cell = cells.setdefault(dimension.removeprefix(ERASED), {})
        old = cell.get(grp, (0, 0))
        cell[grp] = (old[0] + invited, old[1] + responded)
    return cells


async def _add(session: AsyncSession, wave_id: int, dimension: str, grp: str, responded: int) -> None:
    row = (
        await session.scalars(
            select(SurveyTurnout).where(
                SurveyTurnout.wave_id == wave_id,
                SurveyTurnout.dimension == dimension,
                SurveyTurnout.grp == grp,
            )
        )
    ).one_or_none()
    if row is None:
        session.add(
            SurveyTurnout(wave_id=wave_id, dimension=dimension, grp=grp, invited=1, responded=responded)
        )
    else:
        row.invited, row.responded = row.invited + 1, row.responded + responded
    await session.flush()
