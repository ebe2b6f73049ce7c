"""Ranking FAQ entries for a question without a hosted model: Snowball stems in Danish,
Norwegian and English, a synonym list, and typo tolerance (rapidfuzz), weighted by how rare
a word is among the entries (so "Teams" in every entry decides nothing)."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache

import Stemmer
from rapidfuzz import fuzz, process

WORD = re.compile(r"\w+", re.UNICODE)
_STEMMERS = {"da": "danish", "nb": "norwegian", "en": "english"}
# Question words and fillers in the three languages: they match everything and help nothing.
_STOP_WORDS = (
    "how what why when where which who the and can does with for you your this that are have not "
    "get use there their from into about after before again just some any all one "
    "hvordan hvad hvorfor hvornår hvor hvilken hvem og det den jeg kan man med til har ikke der som "
    "hva hvilke når gjør gør min mit mine meg mig også eller skal vil jeg får fik fikk kan kunne "
    "sig seg mit mitt min mine din dit ditt dine vores vår våre hos på af av for fra ved "
    "do did is it an to of in on my me or be at as by we us if no so up "
    "er en et at vi du de os oss om så nu nå ja"
)
STOP = frozenset(_STOP_WORDS.split())
QUESTION_WEIGHT, ANSWER_WEIGHT, TYPO_WEIGHT = 1.0, 0.4, 0.7
MIN_TYPO_LENGTH, TYPO_SCORE = 5, 84


@cache
def _stemmer(language: str) -> Stemmer.Stemmer:
    return Stemmer.Stemmer(_STEMMERS[language])


def words(text: str, limit: int | None = None) -> list[str]:
    """The searchable words of a text: lowercase, two letters or more, no stop words, once each."""
    found: list[str] = []
    for word in WORD.findall(text.lower()):
        if len(word) >= 2 and word not in STOP and word not in found and not word.startswith("_"):
            found.append(word)
    return found[:limit]


def stems(word: str) -> frozenset[str]:
    """The word's stem in each language: whichever language it is in, one of them is right."""
    return frozenset(_stemmer(language).stemWord(word) for language in _STEMMERS)


class Synonyms:
    """Each word of a synonym group, by its stems, leads to the group."""

    def __init__(self, groups: Iterable[Sequence[str]]) -> None:
        self._group: dict[str, str] = {}
        for number, group in enumerate(groups):
            for word in group:
                for stem in stems(word.lower()):
                    self._group.setdefault(stem, f"~{number}")

    def terms(self, word: str) -> frozenset[str]:
        """The word's stems, plus the group it belongs to, if any."""
        found = stems(word)
        return found | {self._group[s] for s in found if s in self._group}


@dataclass(frozen=True, slots=True)
class Candidate:
    """One approved entry as the matcher sees it: its own words and the askings stored with it."""

    id: int
    question: str
    answer: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class _Prepared:
    id: int
    strong: frozenset[str]  # terms of the question and its aliases
    weak: frozenset[str]  # terms of the answer
    vocabulary: tuple[str, ...]  # the plain words, for typos


def rank(question: str, candidates: Sequence[Candidate], synonyms: Synonyms, limit: int = 3) -> list[int]:
    """Ids of the best-matching candidates, best first; none that shares no word with the question."""
    asked = words(question, 12)
    if not asked or not candidates:
        return []
    prepared = [_prepare(c, synonyms) for c in candidates]
    asked_terms = [synonyms.terms(w) for w in asked]
    rarity = [_rarity(terms, prepared) for terms in asked_terms]
    scored = []
    for entry in prepared:
        score = 0.0
        for word, terms, weight in zip(asked, asked_terms, rarity, strict=True):
            if terms & entry.strong:
                score += QUESTION_WEIGHT * weight
            elif terms & entry.weak:
                score += ANSWER_WEIGHT * weight
            elif len(word) >= MIN_TYPO_LENGTH and _near(word, entry.vocabulary):
                score += TYPO_WEIGHT * weight
        if score > 0:
            scored.append((-score, entry.id))
    return [entry_id for _, entry_id in sorted(scored)[:limit]]


def _prepare(candidate: Candidate, synonyms: Synonyms) -> _Prepared:
    strong_words = [w for text in (candidate.question, *candidate.aliases) for w in words(text)]
    weak_words = words(candidate.answer)
    return _Prepared(
        candidate.id,
        frozenset(t for w in strong_words for t in synonyms.terms(w)),
        frozenset(t for w in weak_words for t in synonyms.terms(w)),
        tuple(dict.fromkeys(w for w in (*strong_words, *weak_words) if len(w) >= MIN_TYPO_LENGTH - 1)),
    )


def _rarity(terms: frozenset[str], prepared: Sequence[_Prepared]) -> float:
    """Inverse document frequency: a word most entries share says little about which one is meant."""
    holding = sum(1 for entry in prepared if terms & (entry.strong | entry.weak))
    return math.log(1 + len(prepared) / (1 + holding)) + 0.1


def _near(word: str, vocabulary: Sequence[str]) -> bool:
    return process.extractOne(word, vocabulary, scorer=fuzz.ratio, score_cutoff=TYPO_SCORE) is not None
