"""What Stafet takes from a SCIM User, attribute by attribute (pure functions, no server)."""

from __future__ import annotations

from typing import Any

import pytest
from scim2_models import Context

from bot.adapters.scim.mapping import profile_of, user_name_key, version_of
from bot.adapters.scim.schema import PROVIDER, User
from tests.support.scim import entra_user


def user(**change: Any) -> User:
    with PROVIDER:
        return User.model_validate(
            {**entra_user("Anna@Corp.example", "anna@example.org"), **change},
            scim_ctx=Context.RESOURCE_CREATION_REQUEST,
        )


@pytest.mark.parametrize(
    ("tag", "language"),
    [
        ("da-DK", "da"),
        ("nb_NO", "nb"),
        ("no", "nb"),
        ("nn-NO", "nb"),
        ("EN-us", "en"),
        ("sv-SE", None),
        ("", None),
    ],
)
def test_preferred_language_becomes_a_language_stafet_speaks(tag: str, language: str | None) -> None:
    assert profile_of(user(preferredLanguage=tag)).language == language


@pytest.mark.parametrize(
    ("zone", "kept"), [("Europe/Oslo", "Europe/Oslo"), ("Mars/Base", None), ("../etc", None)]
)
def test_only_real_time_zones_are_taken(zone: str, kept: str | None) -> None:
    assert profile_of(user(timezone=zone)).timezone == kept


def test_the_work_email_wins_and_user_name_is_the_fallback() -> None:
    emails = [
        {"value": "home@example.org", "type": "home", "primary": True},
        {"value": "Work@Example.org", "type": "work"},
    ]
    assert profile_of(user(emails=emails)).email == "work@example.org"
    assert profile_of(user(emails=emails[:1])).email == "home@example.org"
    assert profile_of(user(emails=None)).email == "anna@corp.example"
    assert profile_of(user(emails=None, userName="anna")).email is None


def test_name_department_and_active() -> None:
    profile = profile_of(user(displayName=None))
    assert (profile.display_name, profile.department, profile.active) == ("Anna Berg", "Finance", True)
    assert profile_of(user(active=False)).active is False
    assert profile_of(user(active=None)).active is True  # no `active` is not a deactivation
    assert user_name_key("ANNA@corp.Example") == "anna@corp.example"


@pytest.mark.parametrize(
    ("header", "version"), [(None, None), ("*", None), ('W/"3"', 3), ('"3"', 3), ("junk", -1)]
)
def test_if_match(header: str | None, version: int | None) -> None:
    assert version_of(header) == version
