"""Who gets a question: eligibility, then a fixed ranking whose reasons are stored."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from bot.questions.hours import is_working_now
from storage.models import Ambassador, Person

NEVER = datetime.min.replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Need:
    """What the question asks for; the asker's id only excludes, it is never recorded."""

    topic: str
    language: str
    asker_id: int | None
    asker_department: str
    passed_by: tuple[int, ...]
    preference: str  # none | same | other department


@dataclass(frozen=True, slots=True)
class Decision:
    ambassador_id: int | None
    reasons: tuple[str, ...]
    candidates: int


def available(ambassador: Ambassador, now: datetime) -> bool:
    """Not away, and any out-of-office period is over."""
    if ambassador.status == "available":
        return True
    return ambassador.status == "out" and ambassador.away_until is not None and ambassador.away_until <= now


def choose(
    need: Need, pool: list[tuple[Ambassador, Person]], load: dict[int, int], now: datetime
) -> Decision:
    """Topic, then language, then working now, then department preference, load, fair rotation.

    The recorded number of candidates counts the eligible ambassadors as if anyone had asked:
    leaving out an asker who is an ambassador would tell who asked."""
    eligible = [
        ambassador
        for ambassador, _person in pool
        if ambassador.person_id not in need.passed_by
        and available(ambassador, now)
        and load.get(ambassador.person_id, 0) < ambassador.cap
    ]
    ranked = []
    for ambassador in eligible:
        pid = ambassador.person_id
        if pid == need.asker_id:
            continue
        topic = need.topic in ambassador.topics
        language = need.language in ambassador.languages
        working = is_working_now(ambassador, now)
        same = bool(need.asker_department) and ambassador.department == need.asker_department
        preferred = need.preference == "none" or (same if need.preference == "same" else not same)
        last = ambassador.last_assigned_at or NEVER
        key = (not topic, not language, not working, not preferred, load.get(pid, 0), last, pid)
        ranked.append((key, ambassador, topic, language, working, preferred))
    if not ranked:
        return Decision(None, ("no eligible ambassador",), len(eligible))
    ranked.sort(key=lambda item: item[0])
    key, ambassador, topic, language, working, preferred = ranked[0]
    reasons = [
        f"topic {need.topic} (proficiency {ambassador.topics[need.topic]})" if topic else "no topic match",
        f"speaks {need.language}" if language else f"does not speak {need.language}",
        "in working hours" if working else "outside working hours",
        f"open questions {key[4]}",
        "last assigned "
        + (ambassador.last_assigned_at.isoformat() if ambassador.last_assigned_at else "never"),
    ]
    if need.preference != "none":
        reasons.insert(3, "department preference met" if preferred else "department preference not met")
    return Decision(ambassador.person_id, tuple(reasons), len(eligible))
