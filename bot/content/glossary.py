"""The glossary: plain-language definitions of digital terms, a shared language in three languages."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.config import LANGUAGES
from bot.content import yamlfile
from bot.content.models import GlossaryTermModel
from bot.i18n import Problem


@dataclass(frozen=True)
class GlossaryEntry:
    term: str
    definition: str
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class GlossaryTerm:
    id: str
    entries: dict[str, GlossaryEntry]  # language -> entry


def load_glossary(content_dir: Path) -> list[GlossaryTerm]:
    """Every term that parses; `read_glossary` also says what does not."""
    return read_glossary(content_dir)[0]


def read_glossary(content_dir: Path) -> tuple[list[GlossaryTerm], list[Problem]]:
    path = content_dir / "glossary.yaml"
    if not path.exists():
        return [], []
    located, problems = yamlfile.read(path)
    if located is None:
        return [], problems
    if not isinstance(located.data, list):
        return [], [located.problem([], "the glossary is a list of terms (- id: ...)")]
    terms: list[GlossaryTerm] = []
    seen: set[str] = set()
    for index, item in enumerate(located.data):
        label = str(item.get("id", f"term {index + 1}")) if isinstance(item, dict) else f"term {index + 1}"
        model, trouble = located.validate(GlossaryTermModel, item, [index], label)
        problems += trouble
        if model is None:
            continue
        if model.id in seen:
            problems.append(located.problem([index, "id"], f"duplicate glossary id {model.id!r}"))
            continue
        seen.add(model.id)
        entries: dict[str, GlossaryEntry] = {}
        for language in LANGUAGES:
            entry = getattr(model, language)
            if entry is None:
                problems.append(located.problem([index, "id"], f"{model.id}: missing translation {language}"))
                continue
            entries[language] = GlossaryEntry(entry.term, entry.definition, tuple(entry.aliases))
        terms.append(GlossaryTerm(model.id, entries))
    return terms, problems
