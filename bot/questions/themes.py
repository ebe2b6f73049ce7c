"""What people ask about, for HR: questions per topic and department, month by month.

No text and no asker: counts only. A cell below the minimum group size is hidden, and so is the
next smallest cell of the same month and topic when the hidden ones could otherwise be worked
out from the topic's total (subtracting the shown cells would name a small group).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Question

ALL = ""  # the row of a topic over every department
ASKED = ("open", "claimed", "answered", "resolved", "escalated", "self_solved")


@dataclass(frozen=True, slots=True)
class ThemeRow:
    topic: str
    department: str  # ALL for the topic's total
    counts: tuple[int | None, ...]  # one per month; None: fewer than k


@dataclass(frozen=True, slots=True)
class Themes:
    months: tuple[str, ...]  # "2026-10", oldest first
    rows: tuple[ThemeRow, ...]
    k: int


def months_back(now: datetime, count: int) -> list[str]:
    year, month = now.year, now.month
    found = []
    for _ in range(count):
        found.append(f"{year:04d}-{month:02d}")
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return found[::-1]


async def themes(session: AsyncSession, now: datetime, k: int, months: int = 6) -> Themes:
    """The last `months` calendar months (this one included), k-protected."""
    shown_months = months_back(now, months)
    first = datetime.fromisoformat(f"{shown_months[0]}-01").replace(tzinfo=now.tzinfo)
    rows = await session.execute(
        select(Question.created_at, Question.topic, Question.asker_department).where(
            Question.created_at >= first, Question.status.in_(ASKED)
        )
    )
    counted: Counter[tuple[str, str, str]] = Counter()
    for asked_at, topic, department in rows:
        month = f"{asked_at.year:04d}-{asked_at.month:02d}"
        counted[(month, topic, department or "")] += 1
    topics = sorted({t for _, t, _ in counted})
    result = []
    for topic in topics:
        departments = sorted({d for _, t, d in counted if t == topic})
        cells = {d: [counted[(m, topic, d)] for m in shown_months] for d in departments}
        totals = [sum(cells[d][i] for d in departments) for i in range(len(shown_months))]
        hidden = {d: [None if 0 < n < k else n for n in cells[d]] for d in departments}
        for i in range(len(shown_months)):
            _protect_complement([hidden[d] for d in departments], [cells[d][i] for d in departments], i, k)
        result.append(ThemeRow(topic, ALL, tuple(n if n >= k or n == 0 else None for n in totals)))
        result += [ThemeRow(topic, d, tuple(hidden[d])) for d in departments]
    return Themes(tuple(shown_months), tuple(result), k)


def _protect_complement(shown: list[list[int | None]], actual: list[int], month: int, k: int) -> None:
    """Hide more cells of this month until what is hidden adds up to k or more (or nothing is)."""
    while True:
        hidden = [i for i, row in enumerate(shown) if row[month] is None]
        hidden_sum = sum(actual[i] for i in hidden)
        if hidden_sum == 0 or hidden_sum >= k:
            return
        visible = [i for i, row in enumerate(shown) if row[month] not in (None, 0)]
        if not visible:
            return
        smallest = min(visible, key=lambda i: actual[i])
        shown[smallest][month] = None
