"""What a platform's directory says about its accounts, and what a sync did with them."""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Literal, Protocol

from bot.runtime.events import Platform

Kind = Literal["member", "guest", "bot"]


@dataclass(frozen=True, slots=True)
class Member:
    """One account in a Slack workspace or an Entra ID tenant, as the core sees it."""

    user_id: str
    email: str | None
    name: str = ""
    department: str = ""
    language: str | None = None
    timezone: str | None = None
    kind: Kind = "member"
    active: bool = True  # False: deleted, deactivated or disabled on the platform


@dataclass(frozen=True, slots=True)
class Page:
    """Some members, and (on the last page of a delta listing) where the next sync starts."""

    members: list[Member]
    next_cursor: str | None = None


class DirectorySource(Protocol):
    """A platform directory, read page by page at the pace the platform allows."""

    platform: Platform
    workspace_id: str
    # True: the bot may write to a member straight away (Slack); False: the app must be
    # installed for them first (Teams).
    direct: bool

    def pages(self, cursor: str | None) -> AsyncIterator[Page]: ...


UNMATCHED_REASONS = {
    "bot": "a bot or app",
    "guest": "a guest (STAFET_SYNC_GUESTS is off)",
    "no_email": "no email address on the account",
    "not_imported": "no person with that email (creating people is off)",
    "deleted": "deleted or deactivated, never linked",
}


@dataclass(slots=True)
class SyncReport:
    """Counts for the person who ran the sync; unmatched accounts are counted by reason."""

    linked: int = 0
    new: int = 0
    deactivated: int = 0
    unmatched: Counter[str] = field(default_factory=Counter)

    def add(self, other: SyncReport) -> None:
        self.linked += other.linked
        self.new += other.new
        self.deactivated += other.deactivated
        self.unmatched.update(other.unmatched)

    def to_json(self) -> dict[str, object]:
        return {
            "linked": self.linked,
            "new": self.new,
            "deactivated": self.deactivated,
            "unmatched": dict(sorted(self.unmatched.items())),
        }

    def lines(self) -> list[str]:
        lines = [f"linked: {self.linked}", f"new: {self.new}", f"deactivated: {self.deactivated}"]
        lines.append(f"unmatched: {sum(self.unmatched.values())}")
        for reason, count in sorted(self.unmatched.items()):
            lines.append(f"  {count} {UNMATCHED_REASONS.get(reason, reason)}")
        return lines
