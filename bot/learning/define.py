"""`define <term>`: the glossary, forgiving of typos, in the reader's language."""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz, process, utils

from bot.content.glossary import GlossaryEntry, GlossaryTerm

MATCH = 80  # a score at or above this is the term meant
SUGGEST = 60
SHORT = 3  # names this short ("AI", "KI") only match whole, or "email" would mean AI
PREFIX = 5  # a query this long may be the start of a longer name


@dataclass(frozen=True, slots=True)
class Lookup:
    entry: GlossaryEntry | None
    suggestions: tuple[str, ...]  # terms that come close, when nothing matched
    near: bool = True  # False: the only suggestion is the closest of far-off terms


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
    found = process.extract(query, names, scorer=_score, processor=utils.default_process, limit=8)
    if found and found[0][1] >= MATCH:
        return Lookup(_in(owners[found[0][2]], language), ())
    suggestions: list[str] = []
    for _, score, index in found:
        term = _in(owners[index], language).term
        if score >= SUGGEST and term not in suggestions:
            suggestions.append(term)
    if suggestions or not found:
        return Lookup(None, tuple(suggestions[:3]))
    return Lookup(None, (_in(owners[found[0][2]], language).term,), near=False)  # the closest, however far


def _score(query: str, name: str, **_: object) -> float:
    """Typos, whole words and the start of a compound count ("tofaktor" finds
    "tofaktorgodkendelse"); a name merely somewhere inside a word does not ("email" is no "AI",
    nor "svindelmail")."""
    if min(len(query), len(name)) <= SHORT:
        return 100.0 if query == name else fuzz.ratio(query, name) * 0.6
    starts = [fuzz.ratio(query, word[: len(query)]) for word in (name, *name.split())]
    prefix = 0.95 * max(starts) if len(query) >= PREFIX else 0.0
    whole_words = fuzz.token_set_ratio(query, name) if set(query.split()) & set(name.split()) else 0.0
    return max(fuzz.ratio(query, name), whole_words, prefix)


def _in(term: GlossaryTerm, language: str) -> GlossaryEntry:
    return term.entries.get(language) or term.entries.get("en") or next(iter(term.entries.values()))
