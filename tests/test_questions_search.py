"""Self-help search finds approved FAQ entries and glossary terms in Danish, English and Norwegian."""

from __future__ import annotations

import pytest
from fastapi import FastAPI

from bot.config import DEFAULT_CONTENT_DIR
from bot.questions.matching import words
from bot.questions.search import glossary, glossary_hits, self_help, synonyms
from storage.models import FaqEntry
from storage.repositories.questions import FaqRepository

ENTRIES = [
    ("da", "Hvordan deler jeg en fil i Teams?", "Træk filen ind i samtalen, eller brug knappen Vedhæft."),
    ("nb", "Hvordan lager jeg et sterkt passord?", "Bruk en passordbehandler og lange setninger."),
    ("en", "How do I book a meeting room?", "Use the room finder in Outlook."),
]


@pytest.mark.parametrize(
    ("query", "language", "expected"),
    [
        ("kan jeg dele filer?", "da", "Hvordan deler jeg en fil i Teams?"),  # prefix: "dele" finds "deler"
        ("passord som er sterkt", "nb", "Hvordan lager jeg et sterkt passord?"),
        ("vedhæft", "da", "Hvordan deler jeg en fil i Teams?"),  # in the answer, with æ
        ("meeting rooms", "en", "How do I book a meeting room?"),
    ],
)
async def test_faq_search_in_every_language(app: FastAPI, query: str, language: str, expected: str) -> None:
    context = app.state.context
    async with context.db.unit_of_work() as session:
        repository = FaqRepository(session)
        for lang, question, answer in ENTRIES:
            await repository.add(
                FaqEntry(
                    language=lang, question=question, answer=answer, status="approved",
                    created_at=context.clock.now(),
                )
            )  # fmt: skip
        await repository.add(
            FaqEntry(language="da", question="Hvordan deler jeg skærmen?", answer="Ikke godkendt endnu.",
                     created_at=context.clock.now())
        )  # fmt: skip
        hits = await self_help(repository, [], synonyms(DEFAULT_CONTENT_DIR), query, language)
    assert [hit.title for hit in hits] == [expected]


def test_glossary_matches_terms_and_aliases_in_any_language() -> None:
    terms = glossary(DEFAULT_CONTENT_DIR)
    assert glossary_hits(terms, "Hvad er MFA?", "da")[0].title == "Tofaktorgodkendelse"
    assert glossary_hits(terms, "what is phishing", "nb")[0].title.lower().startswith("phishing")
    assert words("How do I use the VPN?") == ["vpn"]
