"""Errors a person should read, as opposed to errors an operator should."""

from __future__ import annotations


class UserFacingError(Exception):
    """Becomes a polite reply in the person's language: `key` names a catalogue message."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params
