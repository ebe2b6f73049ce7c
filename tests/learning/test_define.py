"""`define` with the shipped glossary: short aliases match only whole, compounds by their start."""

from __future__ import annotations

import pytest

from bot.config import DEFAULT_CONTENT_DIR
from bot.content.glossary import load_glossary
from bot.learning.define import define

GLOSSARY = tuple(load_glossary(DEFAULT_CONTENT_DIR))


@pytest.mark.parametrize(
    ("query", "term"),
    [
        ("ai", "Artificial intelligence"),
        ("KI", "Artificial intelligence"),
        ("phising", "Phishing"),
        ("tofaktor", "Two-factor authentication"),  # the start of "tofaktorgodkendelse"
        ("digital ambasador", "Digital ambassador"),
    ],
)
def test_the_term_meant(query: str, term: str) -> None:
    found = define(GLOSSARY, query, "en")
    assert found.entry is not None and found.entry.term == term


@pytest.mark.parametrize("query", ["email", "training", "e-mail", "detail"])
def test_a_short_alias_inside_a_word_is_not_a_match(query: str) -> None:
    found = define(GLOSSARY, query, "en")
    assert found.entry is None or found.entry.term != "Artificial intelligence"


def test_an_unknown_term_still_offers_the_closest() -> None:
    found = define(GLOSSARY, "blockchain", "en")
    assert found.entry is None and len(found.suggestions) >= 1
