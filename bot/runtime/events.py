"""What arrives from a platform, stripped of the platform."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Platform(StrEnum):
    WEB = "web"
    SLACK = "slack"
    TEAMS = "teams"


@dataclass(frozen=True, slots=True)
class Address:
    """Where a message came from, or where a reply goes."""

    platform: Platform
    workspace_id: str  # Slack team id, Teams tenant id, "local" for web chat
    conversation_id: str
    user_id: str


@dataclass(frozen=True, slots=True)
class Profile:
    """What the platform told us about the sender; used to create or enrich the person."""

    email: str | None = None
    display_name: str | None = None
    language: str | None = None
    timezone: str | None = None


@dataclass(frozen=True, slots=True)
class Event:
    """A message (`text`) or a click/submission (`action` with `value` and form `fields`)."""

    address: Address
    text: str = ""
    action: str | None = None
    value: str = ""
    fields: dict[str, str] = field(default_factory=dict, hash=False)
    profile: Profile = Profile()
    source_message_id: str | None = None
    # False when the platform cannot vouch for the sender (the web chat's open demo mode): such a
    # conversation is reached only where it is allowed and never before a verified one.
    verified: bool = True

    @property
    def is_action(self) -> bool:
        return self.action is not None
