"""Competence needs per department: what people say they need to learn, beside what they covered.

The figures come from the newest closed wave of the `competence-needs` survey (one question per
competence area) through the survey results themselves, so every cell obeys the same rules: at
least k answers, and hidden when what the shown cells leave over would be fewer than k. Open waves
never count, not even with live results: a need is a statement about a person, read only once
the wave has closed and its participation list is gone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.content.models import COMPETENCES
from bot.surveys.figures import Cell
from bot.surveys.results import wave_results
from bot.surveys.templates import Template
from storage.repositories.surveys import SurveyRepository

NEEDS_TEMPLATE = "competence-needs"
NEED = ("some", "much")  # the options that report a need; "none" and "unsure" do not


@dataclass(frozen=True, slots=True)
class NeedsMap:
    """Areas × departments; a None cell or answer count is hidden (fewer than k, or its complement)."""

    wave_id: int | None
    closes_at: datetime | None
    areas: tuple[str, ...]
    departments: list[str]
    answers: list[int | None]  # per department: people who answered the wave
    cells: list[list[float | None]]  # share who report some or a lot of need, per area and department


async def competence_needs(
    session: AsyncSession, templates: dict[str, Template], min_group_size: int
) -> NeedsMap:
    template = templates.get(NEEDS_TEMPLATE)
    closed = await SurveyRepository(session).waves(status="closed")
    waves = [w for w in closed if w.template_id == NEEDS_TEMPLATE]
    if template is None or not waves:
        return NeedsMap(None, None, (), [], [], [])
    wave = max(waves, key=lambda w: (w.closes_at, w.id))
    results = await wave_results(session, wave.id, k=min_group_size, templates=templates)
    asked = {q.question_id: q for q in results.questions}
    areas = tuple(area for area in COMPETENCES if area in asked)
    turnout = {t.group: t for t in results.turnout_by["department"] if t.group}
    by_area = {area: {c.group: c for c in asked[area].breakdowns["department"] if c.group} for area in areas}
    departments = sorted(set(turnout).union(*(set(cells) for cells in by_area.values())))
    return NeedsMap(
        wave_id=wave.id,
        closes_at=wave.closes_at,
        areas=areas,
        departments=departments,
        answers=[turnout[d].responded if d in turnout else None for d in departments],
        cells=[[_need(by_area[area].get(d)) for d in departments] for area in areas],
    )


def _need(cell: Cell | None) -> float | None:
    if cell is None or cell.suppressed or not cell.n:
        return None
    return round(sum(cell.distribution.get(option, 0) for option in NEED) / cell.n, 3)
