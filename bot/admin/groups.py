"""k-protected counts per department for HR: a figure is shown only when at least k people stand
behind it and hiding the small ones leaves nothing that subtraction from the total gives away."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bot.surveys.anonymity import visible_groups

SMALL = "small"  # fewer than k people
COMPLEMENT = "complement"  # enough people, hidden so the other hidden group cannot be worked out
NO_DEPARTMENT = ""  # people without a department form a group of their own, labelled as such


@dataclass(frozen=True, slots=True)
class Figure:
    """A count, or None with the reason it is hidden."""

    value: int | None
    hidden: str = ""

    @property
    def shown(self) -> bool:
        return self.value is not None


def protect_total(total: int, k: int) -> Figure:
    return Figure(total) if total >= k else Figure(None, SMALL)


def protect_groups(counts: Mapping[str, int], k: int) -> dict[str, Figure]:
    """Each group's count, hidden below k or when showing it would reveal a hidden group."""
    total = sum(counts.values())
    shown = visible_groups(dict(counts), total, k)
    return {
        group: Figure(n) if group in shown else Figure(None, SMALL if n < k else COMPLEMENT)
        for group, n in counts.items()
    }
