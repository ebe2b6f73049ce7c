"""Admin roles, ordered: a viewer reads, a coordinator also runs campaigns and questions, HR does all.
Provisioning stands apart: an identity provider's token, good for /scim/v2 and nothing else."""

from __future__ import annotations

import getpass
from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    VIEWER = "viewer"
    COORDINATOR = "coordinator"
    HR = "hr"
    PROVISIONING = "provisioning"

    @property
    def rank(self) -> int:
        return _RANK[self]

    def allows(self, needed: Role) -> bool:
        if Role.PROVISIONING in (self, needed):
            return self is needed
        return self.rank >= needed.rank


_RANK = {Role.VIEWER: 0, Role.COORDINATOR: 1, Role.HR: 2, Role.PROVISIONING: -1}


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is acting in the dashboard, the API or the command line."""

    name: str
    role: Role
    token_id: int | None = None
    via: str = ""  # the surface the action came from: cli, dashboard, api or chat


def _account() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # a container user without a passwd entry
        return "unknown account"


CLI = Principal(f"command line ({_account()})", Role.HR, via="cli")
"""Whoever runs `stafet` on the server, named by their operating-system account."""
