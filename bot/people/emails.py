"""One rule for what counts as an email address, wherever a person is named by one."""

from __future__ import annotations

import re

_EMAIL = re.compile(r"^[^@\s,;<>\"']+@[^@\s,;<>\"']+\.[^@\s,;<>\"'.][^@\s,;<>\"']*$")


def is_email(text: str) -> bool:
    return bool(_EMAIL.match(text.strip()))


def normalised_email(text: str) -> str:
    """Lower-cased and trimmed; ValueError with a one-line reason when it is not an address."""
    email = text.strip().lower()
    if not is_email(email):
        raise ValueError(f"{text.strip() or '(empty)'} is not an email address")
    return email
