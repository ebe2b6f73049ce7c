"""The adoption funnel per department (reached, started, completed a track, confident, applied at
work) and the transfer answers per track and department; every count k-protected."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.admin.groups import Figure, protect_groups, protect_total
from bot.content.library import ContentLibrary
from bot.learning.transfer import ANSWERS, APPLIED, finished
from storage.repositories.adoption import AdoptionRepository
from storage.repositories.transfer import TransferRepository

STAGES = ("reached", "started", "completed", "confident", "applied")


@dataclass(frozen=True, slots=True)
class Funnel:
    """Each stage counts the people who also passed every stage before it."""

    total: dict[str, Figure]
    departments: dict[str, dict[str, Figure]]  # department ("" none) -> stage -> figure


async def funnel(session: AsyncSession, content: ContentLibrary, k: int, default_language: str) -> Funnel:
    repo = AdoptionRepository(session)
    reached = await repo.reached()
    answered = await repo.answered_lessons()
    people = {p.id: p for p in await repo.learners()}
    started = {p for p in reached if p in answered}
    completed = {
        p
        for p in started
        if p in people
        and any(finished(content, t, people[p], done, default_language) for t, done in answered[p].items())
    }
    confident = completed & await repo.confident()
    applied = confident & await repo.applied(APPLIED, k)
    stages = dict(zip(STAGES, (set(reached), started, completed, confident, applied), strict=True))
    names = sorted(set(reached.values()))
    per_stage = {}
    for stage, found in stages.items():
        counts = Counter(reached[p] for p in found)
        per_stage[stage] = protect_groups({name: counts[name] for name in names}, k)
    return Funnel(
        total={stage: protect_total(len(found), k) for stage, found in stages.items()},
        departments={name: {stage: per_stage[stage][name] for stage in STAGES} for name in names},
    )


@dataclass(frozen=True, slots=True)
class TransferGroup:
    """One track's answers in one department (or all): `answers` is a Figure, `counts` only when shown."""

    answers: Figure
    counts: dict[str, int]

    @property
    def applied(self) -> float | None:
        n = self.answers.value
        return sum(self.counts[a] for a in APPLIED) / n if n else None


@dataclass(frozen=True, slots=True)
class TransferTrack:
    track_id: str
    title: str
    overall: TransferGroup
    departments: dict[str, TransferGroup]


async def transfer(
    session: AsyncSession, content: ContentLibrary, k: int, language: str
) -> list[TransferTrack]:
    """Per track with answers: how many said they used it at work, overall and per department."""
    by_track: dict[str, dict[str, Counter[str]]] = {}
    for track_id, department, answer, n in await TransferRepository(session).answer_counts(k):
        by_track.setdefault(track_id, {}).setdefault(department or "", Counter())[answer] += n
    found = []
    for track_id, groups in sorted(by_track.items()):
        total: Counter[str] = sum(groups.values(), Counter())
        overall = protect_total(total.total(), k)
        shown = protect_groups({name: c.total() for name, c in groups.items()}, k)
        found.append(
            TransferTrack(
                track_id,
                content.track_title(track_id, language),
                _group(overall, total),
                {name: _group(shown[name], groups[name]) for name in sorted(groups)},
            )
        )
    return found


def _group(figure: Figure, counts: Counter[str]) -> TransferGroup:
    return TransferGroup(figure, {a: counts[a] for a in ANSWERS} if figure.shown else {})
