"""Self-help: FAQ entries (full-text search in the database) and glossary terms, in da/en/nb."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from bot.content.glossary import GlossaryTerm, load_glossary
from storage.models import FaqEntry
from storage.repositories.questions import FaqRepository

WORD = re.compile(r"\w+", re.UNICODE)
# Question words and fillers in the three languages: they match everything and help nothing.
_STOP_WORDS = (
    "how what why when where which who the and can does with for you your this that are have not "
    "hvordan hvad hvorfor hvornår hvor hvilken hvem og det den jeg kan man med til har ikke der som "
    "hva hvilke når gjør gør min mit mine meg mig også eller"
)
STOP = frozenset(_STOP_WORDS.split())


@dataclass(frozen=True, slots=True)
class Hit:
    title: str
    body: str
    topic: str = ""


def glossary(content_dir: Path) -> list[GlossaryTerm]:
    """The glossary, read again only when its file changes."""
    path = content_dir / "glossary.yaml"
    return _glossary(content_dir, path.stat().st_mtime if path.exists() else 0.0)


@lru_cache(maxsize=4)
def _glossary(content_dir: Path, _mtime: float) -> list[GlossaryTerm]:
    return load_glossary(content_dir)


def words(text: str, limit: int = 8) -> list[str]:
    """The searchable words of a question: lowercase, three letters or more, no stop words."""
    found: list[str] = []
    for word in WORD.findall(text.lower()):
        if len(word) >= 3 and word not in STOP and word not in found and not word.startswith("_"):
            found.append(word)
    return found[:limit]


def glossary_hits(glossary: list[GlossaryTerm], text: str, language: str) -> list[Hit]:
    """Terms whose name or alias (in any language) starts with a word of the question."""
    wanted = words(text)
    scored = []
    for term in glossary:
        names = {w for entry in term.entries.values() for n in (entry.term, *entry.aliases) for w in words(n)}
        score = sum(1 for w in wanted if any(n.startswith(w) or w.startswith(n) for n in names))
        entry = term.entries.get(language) or term.entries.get("en") or next(iter(term.entries.values()))
        if score:
            scored.append((-score, entry.term, Hit(entry.term, entry.definition)))
    return [hit for *_, hit in sorted(scored, key=lambda item: (item[0], item[1]))]


async def self_help(
    faq: FaqRepository, glossary: list[GlossaryTerm], text: str, language: str, limit: int = 3
) -> list[Hit]:
    """Up to `limit` answers: approved FAQ entries first, then glossary terms."""
    entries: list[FaqEntry] = await faq.search(words(text), limit)
    hits = [Hit(e.question, e.answer, e.topic) for e in entries]
    return (hits + glossary_hits(glossary, text, language))[:limit]
