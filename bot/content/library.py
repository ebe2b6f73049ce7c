"""The content a running Stafet serves, loaded once at start-up from `content/`."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from bot.content.glossary import GlossaryTerm, read_glossary
from bot.content.lessons import Lesson, read_lessons
from bot.content.tracks import Track, read_tracks

log = logging.getLogger(__name__)
# Norwegian and Danish readers read each other's language more easily than English.
FALLBACK = {"nb": ("da", "en"), "da": ("nb", "en"), "en": ("da", "nb")}


@dataclass(frozen=True)
class ContentLibrary:
    tracks: dict[str, Track]  # by id, in id order
    lessons: dict[str, dict[str, Lesson]]  # lesson id -> language -> lesson
    glossary: tuple[GlossaryTerm, ...]

    @classmethod
    def empty(cls) -> ContentLibrary:
        return cls({}, {}, ())

    def lesson(self, lesson_id: str, language: str) -> Lesson | None:
        """The lesson in `language`, else in the first language it exists in."""
        versions = self.lessons.get(lesson_id, {})
        for candidate in (language, *FALLBACK.get(language, ("en", "da", "nb"))):
            if candidate in versions:
                return versions[candidate]
        return None

    def track_title(self, track_id: str, language: str) -> str:
        track = self.tracks.get(track_id)
        if track is None:
            return track_id
        order = (language, *FALLBACK.get(language, ("en", "da", "nb")))
        return next((track.title[c] for c in order if c in track.title), track_id)

    def track_lessons(self, track_id: str) -> list[str]:
        """The track's lesson ids, in order, that exist in some language."""
        track = self.tracks.get(track_id)
        return [i for i in track.lessons if i in self.lessons] if track else []


def load_library(content_dir: Path) -> ContentLibrary:
    """What parses; problems are for `stafet content check`, here they are only counted."""
    lesson_files, problems = read_lessons(content_dir)
    track_files, more = read_tracks(content_dir)
    glossary, rest = read_glossary(content_dir)
    if problems or more or rest:
        log.warning("content has %d problems: run `stafet content check`", len(problems + more + rest))
    lessons: dict[str, dict[str, Lesson]] = {}
    for found in lesson_files:
        lessons.setdefault(found.lesson.id, {}).setdefault(found.lesson.language, found.lesson)
    tracks = {t.track.id: t.track for t in sorted(track_files, key=lambda t: t.track.id)}
    return ContentLibrary(tracks, lessons, tuple(glossary))
