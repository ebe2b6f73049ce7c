"""Tracks: `tracks/<id>.yaml`, an ordered list of lessons for some roles."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.content import yamlfile
from bot.content.models import TrackModel
from bot.i18n import Problem


@dataclass(frozen=True, slots=True)
class Track:
    id: str
    roles: tuple[str, ...]
    title: dict[str, str]
    description: dict[str, str]
    lessons: tuple[str, ...]

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(sorted(self.title))


@dataclass(frozen=True, slots=True)
class TrackFile:
    track: Track
    located: yamlfile.Located


def read_tracks(content_dir: Path) -> tuple[list[TrackFile], list[Problem]]:
    files: list[TrackFile] = []
    problems: list[Problem] = []
    for path in sorted((content_dir / "tracks").glob("*.yaml")):
        located, trouble = yamlfile.read(path)
        problems += trouble
        if located is None:
            continue
        model, trouble = located.validate(TrackModel)
        problems += trouble
        if model is None:
            continue
        if path.stem != model.id:
            problems.append(located.problem(["id"], f"file name should be {model.id}.yaml"))
        track = Track(
            model.id,
            tuple(model.roles),
            {str(k): v for k, v in model.title.items()},
            {str(k): v for k, v in model.description.items()},
            tuple(model.lessons),
        )
        files.append(TrackFile(track, located))
    return files, problems
