"""The glossary (content/glossary.yaml): plain-language terms in every language."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml


@dataclass(frozen=True)
class GlossaryEntry:
    term: str
    definition: str
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class GlossaryTerm:
    id: str
    entries: dict[str, GlossaryEntry]


def load_glossary(content_dir: Path) -> list[GlossaryTerm]:
    """Every term in the glossary file, or none when there is no file."""
    path = content_dir / "glossary.yaml"
    if not path.exists():
        return []
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    terms = []
    for item in raw:
        entries = {
            language: GlossaryEntry(
                term=str(value["term"]),
                definition=str(value["definition"]),
                aliases=tuple(str(a) for a in value.get("aliases") or ()),
            )
            for language, value in item.items()
            if language != "id" and isinstance(value, dict)
        }
        terms.append(GlossaryTerm(id=str(item["id"]), entries=entries))
    return terms
