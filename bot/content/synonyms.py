"""Words that mean the same to someone asking ("kodeord", "adgangskode", "password"), across languages."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from bot.content import yamlfile
from bot.i18n import Problem


class SynonymsModel(BaseModel):
    """`content/synonyms.yaml`: groups of words, any language, each group matched as one word."""

    model_config = ConfigDict(extra="forbid")
    groups: list[list[str]] = Field(default_factory=list)


def load_synonyms(content_dir: Path) -> list[tuple[str, ...]]:
    """Every group that parses; `read_synonyms` also says what does not."""
    return read_synonyms(content_dir)[0]


def read_synonyms(content_dir: Path) -> tuple[list[tuple[str, ...]], list[Problem]]:
    path = content_dir / "synonyms.yaml"
    if not path.exists():
        return [], []
    located, problems = yamlfile.read(path)
    if located is None:
        return [], problems
    model, problems = located.validate(SynonymsModel)
    if model is None:
        return [], problems
    groups, seen = [], {}
    for index, group in enumerate(model.groups):
        words = tuple(word.strip().lower() for word in group if word.strip())
        if len(words) < 2:
            problems.append(located.problem(["groups", index], "a group needs at least two words"))
            continue
        for word in words:
            if word in seen and seen[word] != index:
                problems.append(
                    located.problem(["groups", index], f"{word!r} is already in group {seen[word] + 1}")
                )
            seen[word] = index
        groups.append(words)
    return groups, problems
