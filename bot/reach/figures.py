"""Who Stafet can write to, per department and platform, and why the others cannot be reached."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession

from storage.repositories.reach_figures import ReachFiguresRepository

PLATFORMS = ("slack", "teams", "web")
# Why a person cannot be reached, most telling first: the first that applies is counted.
REASONS = ("deactivated", "install_failed", "not_installed", "no_account")


@dataclass(slots=True)
class DepartmentReach:
    department: str
    people: int = 0
    reachable: int = 0
    by_platform: Counter[str] = field(default_factory=Counter)
    unreachable: Counter[str] = field(default_factory=Counter)

    def to_json(self) -> dict[str, object]:
        return {
            "department": self.department,
            "people": self.people,
            "reachable": self.reachable,
            "by_platform": {platform: self.by_platform[platform] for platform in PLATFORMS},
            "unreachable": {reason: self.unreachable[reason] for reason in REASONS},
        }


@dataclass(slots=True)
class Reach:
    departments: list[DepartmentReach]
    total: DepartmentReach
    install_errors: Counter[str]  # the platform's error -> people whose installation failed with it

    def to_json(self) -> dict[str, object]:
        return {
            "items": [d.to_json() for d in self.departments],
            "total": self.total.to_json(),
            "install_errors": dict(self.install_errors.most_common()),
        }


async def reach_figures(session: AsyncSession) -> Reach:
    repo = ReachFiguresRepository(session)
    platforms: dict[int, set[str]] = defaultdict(set)
    for person_id, platform in await repo.reachable():
        platforms[person_id].add(platform)
    deactivated = await repo.deactivated()
    installs: dict[int, tuple[str, str | None]] = {}
    for person_id, status, error in await repo.installs():
        if installs.get(person_id, ("", None))[0] != "failed":
            installs[person_id] = (status, error)
    departments: dict[str, DepartmentReach] = {}
    total = DepartmentReach("")
    errors: Counter[str] = Counter()
    for person_id, department in await repo.people():
        row = departments.setdefault(department, DepartmentReach(department))
        reached = platforms.get(person_id, set())
        for figures in (row, total):
            figures.people += 1
            figures.reachable += bool(reached)
            figures.by_platform.update(reached)
        if reached:
            continue
        status, error = installs.get(person_id, ("", None))
        if person_id in deactivated:
            reason = "deactivated"
        elif status == "failed":
            reason = "install_failed"
            errors[error or "unknown"] += 1
        elif status:
            reason = "not_installed"
        else:
            reason = "no_account"
        row.unreachable[reason] += 1
        total.unreachable[reason] += 1
    return Reach(sorted(departments.values(), key=lambda d: d.department), total, errors)
