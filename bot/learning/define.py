"""`define <term>`: the glossary, forgiving of typos, in the reader's language."""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz, process, utils

from bot.content.glossary import GlossaryEntry, GlossaryTerm

MATCH = 80  # a score at or above this is the term meant
SUGGEST = 60


@dataclass(frozen=True, slots=True)
class Lookup:
    entry: GlossaryEntry | None
    suggestions: tuple[str, ...]  # terms that come close, when nothing matched


def define(glossary: tuple[GlossaryTerm, ...], query: str, language: str) -> Lookup:
    """The best match among every term and alias in every language, shown in `language`."""
    names: list[str] = []
    owners: list[GlossaryTerm] = []
    for glossary_term in glossary:
        for entry in glossary_term.entries.values():
            for name in (entry.term, *entry.aliases):
                names.append(name)
                owners.append(glossary_term)
    if not names or not query.strip():
        return Lookup(None, ())
    found = process.extract(query, names, scorer=fuzz.WRatio, processor=utils.default_process, limit=8)
    if found and found[0][1] >= MATCH:
        return Lookup(_in(owners[found[0][2]], language), ())
    suggestions: list[str] = []
    for _, score, index in found:
        term = _in(owners[index], language).term
        if score >= SUGGEST and term not in suggestions:
            suggestions.append(term)
    return Lookup(None, tuple(suggestions[:3]))


def _in(term: GlossaryTerm, language: str) -> GlossaryEntry:
    return term.entries.get(language) or term.entries.get("en") or next(iter(term.entries.values()))
