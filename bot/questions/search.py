"""Self-help: FAQ entries (full-text search in the database) and glossary terms, in da/en/nb."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from bot.content.glossary import GlossaryTerm, load_glossary
from bot.content.synonyms import load_synonyms
from bot.questions.matching import Candidate, Synonyms, rank, words
from storage.repositories.questions import FaqRepository


@dataclass(frozen=True, slots=True)
class Hit:
    title: str
    body: str
    topic: str = ""
    entry_id: int | None = None  # an FAQ entry, which a person may say answered them


def glossary(content_dir: Path) -> list[GlossaryTerm]:
    """The glossary, read again only when its file changes."""
    path = content_dir / "glossary.yaml"
    return _glossary(content_dir, path.stat().st_mtime if path.exists() else 0.0)


@lru_cache(maxsize=4)
def _glossary(content_dir: Path, _mtime: float) -> list[GlossaryTerm]:
    return load_glossary(content_dir)


def synonyms(content_dir: Path) -> Synonyms:
    """The synonym groups, read again only when their file changes."""
    path = content_dir / "synonyms.yaml"
    return _synonyms(content_dir, path.stat().st_mtime if path.exists() else 0.0)


@lru_cache(maxsize=4)
def _synonyms(content_dir: Path, _mtime: float) -> Synonyms:
    return Synonyms(load_synonyms(content_dir))


def glossary_hits(glossary: list[GlossaryTerm], text: str, language: str) -> list[Hit]:
    """Terms whose name or alias (in any language) starts with a word of the question."""
    wanted = [w for w in words(text) if len(w) >= 3]
    scored = []
    for term in glossary:
        names = {w for entry in term.entries.values() for n in (entry.term, *entry.aliases) for w in words(n)}
        score = sum(1 for w in wanted if any(n.startswith(w) or w.startswith(n) for n in names))
        entry = term.entries.get(language) or term.entries.get("en") or next(iter(term.entries.values()))
        if score:
            scored.append((-score, entry.term, Hit(entry.term, entry.definition)))
    return [hit for *_, hit in sorted(scored, key=lambda item: (item[0], item[1]))]


async def self_help(
    faq: FaqRepository,
    glossary: list[GlossaryTerm],
    same: Synonyms,
    text: str,
    language: str,
    limit: int = 3,
) -> list[Hit]:
    """Up to `limit` answers: approved FAQ entries first, then glossary terms."""
    entries = {entry.id: (entry, aliases) for entry, aliases in await faq.approved()}
    candidates = [Candidate(e.id, e.question, e.answer, tuple(a)) for e, a in entries.values()]
    best = [entries[i][0] for i in rank(text, candidates, same, limit)]
    hits = [Hit(e.question, e.answer, e.topic, e.id) for e in best]
    return (hits + glossary_hits(glossary, text, language))[:limit]
