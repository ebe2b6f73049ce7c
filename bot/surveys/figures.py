"""Figures from counts: distribution, mean, favourable share and eNPS per cell, k-protected."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from bot.surveys.anonymity import visible_groups
from bot.surveys.templates import Question

DIMENSIONS = ("department", "role")
OTHER = ""  # the cell for people whose group was too small to store
SMALL = "small"
COMPLEMENT = "complement"

Counts = dict[tuple[int, str, str], dict[str | None, dict[int | None, int]]]


@dataclass(frozen=True, slots=True)
class Cell:
    """One group's figures for one question; when `suppressed` every figure is None."""

    group: str
    n: int | None
    suppressed: bool = False
    hidden: str = ""  # why suppressed: "small" (under k) or "complement" (protects a small group)
    distribution: dict[str, int] = field(default_factory=dict)
    mean: float | None = None
    favourable: float | None = None  # share of 4–5 (Likert) or 9–10 (0–10 scale)
    enps: float | None = None  # % promoters − % detractors, for the eNPS question


def index_counts(rows: list[tuple[int, str, str, str | None, int | None, int]]) -> Counts:
    counts: Counts = defaultdict(lambda: defaultdict(dict))
    for wave_id, dimension, question_id, grp, value, n in rows:
        counts[(wave_id, dimension, question_id)][grp][value] = n
    return counts


def question_cells(
    counts: Counts, wave_id: int, question: Question, k: int
) -> tuple[Cell, dict[str, list[Cell]]]:
    by_group = counts.get((wave_id, "department", question.id), {})
    total: dict[int | None, int] = defaultdict(int)
    for values in by_group.values():
        for value, n in values.items():
            total[value] += n
    overall = cell(OTHER, total, question, k)
    breakdowns: dict[str, list[Cell]] = {}
    for dimension in DIMENSIONS if question.type != "text" else ("department",):
        groups = counts.get((wave_id, dimension, question.id), {})
        sizes = {g: sum(v.values()) for g, v in groups.items()}
        shown = visible_groups(sizes, sum(sizes.values()), k)
        breakdowns[dimension] = [
            cell(g, groups[g], question, k) if g in shown else hidden_cell(g, sizes[g], k)
            for g in sorted(groups, key=lambda g: (g is None, g or ""))
        ]
    return overall, breakdowns


def hidden_cell(group: str | None, n: int, k: int) -> Cell:
    """A group not shown: too small, or big enough but hidden so a small one cannot be subtracted out."""
    reason = COMPLEMENT if group is not None and n >= k else SMALL
    return Cell(group or OTHER, None, suppressed=True, hidden=reason)


def cell(group: str, values: dict[int | None, int], question: Question, k: int) -> Cell:
    n = sum(values.values())
    if n < k:
        return Cell(group, None, suppressed=True, hidden=SMALL)
    if question.type == "text":
        return Cell(group, n)
    if question.type in ("single", "multiple"):
        distribution = {o.id: 0 for o in question.options}
        for value, count in values.items():
            for i, option in enumerate(question.options):
                hit = value == i if question.type == "single" else bool((value or 0) & (1 << i))
                distribution[option.id] += count if hit else 0
        return Cell(group, n, distribution=distribution)
    low, high = question.scale or (0, 0)
    distribution = {str(p): values.get(p, 0) for p in range(low, high + 1)}
    mean = sum((v or 0) * c for v, c in values.items()) / n
    favourable = sum(c for v, c in values.items() if v is not None and question.favourable(v)) / n
    enps = None
    if question.enps:
        detractors = sum(c for v, c in values.items() if v is not None and v <= 6)
        enps = 100 * (favourable - detractors / n)
    return Cell(group, n, distribution=distribution, mean=mean, favourable=favourable, enps=enps)
