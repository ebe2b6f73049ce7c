"""`stafet content list`: what content exists, and in which languages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from bot.config import LANGUAGES
from bot.content.library import load_library


def _ordered(languages: object) -> list[str]:
    found = set(languages) if isinstance(languages, dict | set | list | tuple) else set()
    return [language for language in LANGUAGES if language in found]


def content_listing(content_dir: Path) -> dict[str, list[dict[str, Any]]]:
    library = load_library(content_dir)
    lessons = []
    for lesson_id, versions in sorted(library.lessons.items()):
        any_version = library.lesson(lesson_id, "en") or next(iter(versions.values()))
        lessons.append(
            {
                "id": lesson_id,
                "track": any_version.track,
                "level": any_version.level,
                "languages": _ordered(versions),
            }
        )
    return {
        "tracks": [{"id": t.id, "languages": _ordered(t.title)} for t in library.tracks.values()],
        "lessons": lessons,
        "glossary": [{"term": g.id, "languages": _ordered(g.entries)} for g in library.glossary],
        "surveys": _surveys(content_dir),
    }


def _surveys(content_dir: Path) -> list[dict[str, Any]]:
    found = []
    for path in sorted((content_dir / "surveys").glob("*.yaml")):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError:
            continue
        if isinstance(data, dict) and "id" in data:
            found.append({"id": str(data["id"]), "languages": _ordered(data.get("title"))})
    return found
