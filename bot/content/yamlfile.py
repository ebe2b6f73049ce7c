"""YAML with line numbers: every problem names the file and the line it is about."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from bot.i18n import Problem

M = TypeVar("M", bound=BaseModel)

# libyaml's parser where PyYAML was built with it (its wheels are): every start reads all the
# content, and building the app took 2.4 s with the pure-Python parser, 0.35 s with this one.
SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_with_nodes(text: str) -> tuple[Any, yaml.Node | None]:
    """The document and its node tree (for line numbers), from one parse."""
    loader = SafeLoader(text)
    try:
        node = loader.get_single_node()
        return (loader.construct_document(node) if node is not None else None), node
    finally:
        loader.dispose()


class Located:
    """Parsed YAML plus its node tree, so a key path can be turned into a file line."""

    def __init__(self, path: Path, data: Any, node: yaml.Node | None, first_line: int) -> None:
        self.path = path
        self.data = data
        self.node = node
        self.first_line = first_line  # the file line of the YAML text's first line

    def line(self, loc: Sequence[str | int] = ()) -> int:
        """The line of the deepest key of `loc` that exists (the parent's line for a missing key)."""
        node = self.node
        if node is None:
            return self.first_line
        line = node.start_mark.line
        for part in loc:
            if isinstance(node, yaml.MappingNode):
                found = next(((k, v) for k, v in node.value if k.value == str(part)), None)
                if found is None:
                    break
                line, node = found[0].start_mark.line, found[1]
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
                node = node.value[part]
                line = node.start_mark.line
            else:
                break
        return line + self.first_line

    def problem(self, loc: Sequence[str | int], message: str) -> Problem:
        return Problem(self.path, self.line(loc), message)

    def validate(
        self, model: type[M], data: Any = None, loc: Sequence[str | int] = (), label: str = ""
    ) -> tuple[M | None, list[Problem]]:
        """`data` (by default the whole document, else the part at `loc`) as `model`, or its problems."""
        try:
            return model.model_validate(self.data if data is None else data), []
        except ValidationError as error:
            problems = []
            for item in error.errors():
                field = ".".join(str(p) for p in item["loc"])
                message = item["msg"].removeprefix("Value error, ")
                text = ": ".join(part for part in (label, field, message) if part)
                problems.append(self.problem((*loc, *item["loc"]), text))
            return None, problems


def parse(path: Path, text: str, first_line: int = 1) -> tuple[Located | None, list[Problem]]:
    """Parse `text` (which starts at file line `first_line`) or report the syntax error's line."""
    try:
        data, node = load_with_nodes(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + first_line if mark is not None else first_line
        reason = getattr(error, "problem", None) or str(error)
        return None, [Problem(path, line, f"invalid YAML: {reason}")]
    return Located(path, data, node, first_line), []


def read(path: Path) -> tuple[Located | None, list[Problem]]:
    return parse(path, path.read_text(encoding="utf-8"))
