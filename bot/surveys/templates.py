"""Survey templates: YAML files in `content/surveys/`, validated with file and line."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from bot.content.yamlfile import load_with_nodes
from bot.i18n import Problem

Localised = dict[str, str]
QuestionType = Literal["likert", "scale", "single", "multiple", "text"]


class Option(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(pattern=r"^[a-z0-9_-]+$")
    label: Localised


class Question(BaseModel):
    """Likert 1–5, a 0–10 scale (`enps: true` for eNPS), single or multiple choice, or free text."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(pattern=r"^[a-z0-9_-]+$")
    type: QuestionType
    text: Localised
    low: Localised | None = None
    high: Localised | None = None
    options: tuple[Option, ...] = ()
    enps: bool = False

    @model_validator(mode="after")
    def _shape(self) -> Question:
        if self.type in ("single", "multiple") and not 2 <= len(self.options) <= 10:
            raise ValueError("a choice question needs 2 to 10 options")
        if self.type not in ("single", "multiple") and self.options:
            raise ValueError(f"a {self.type} question has no options")
        if self.enps and self.type != "scale":
            raise ValueError("only a 0-10 scale question can be the eNPS question")
        return self

    @property
    def scale(self) -> tuple[int, int] | None:
        return {"likert": (1, 5), "scale": (0, 10)}.get(self.type)

    def favourable(self, value: int) -> bool:
        """Likert 4–5, 0–10 scale 9–10 (promoters)."""
        return value >= (4 if self.type == "likert" else 9)


class Template(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(pattern=r"^[a-z0-9_-]+$")
    title: Localised
    intro: Localised
    questions: tuple[Question, ...] = Field(min_length=1)

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(self.title)

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)

    def localised(self) -> list[tuple[str, Localised]]:
        """Every translated text with where it sits, to check that all languages are there."""
        found = [("intro", self.intro)]
        for i, q in enumerate(self.questions):
            found += [(f"questions.{i}.text", q.text)]
            found += [(f"questions.{i}.{k}", v) for k, v in (("low", q.low), ("high", q.high)) if v]
            found += [(f"questions.{i}.options.{j}.label", o.label) for j, o in enumerate(q.options)]
        return found


def load_templates(content_dir: Path) -> dict[str, Template]:
    """Every valid template by id (invalid files are left out; `check_templates` names them)."""
    templates: dict[str, Template] = {}
    for path in sorted((content_dir / "surveys").glob("*.yaml")):
        template, problems = _parse(path)
        if template is not None and not problems:
            templates[template.id] = template
    return templates


def check_templates(content_dir: Path) -> list[Problem]:
    problems: list[Problem] = []
    seen: dict[str, Path] = {}
    for path in sorted((content_dir / "surveys").glob("*.yaml")):
        template, found = _parse(path)
        problems += found
        if template is None:
            continue
        if template.id in seen:
            problems.append(Problem(path, 1, f"template id {template.id!r} also used in {seen[template.id]}"))
        seen[template.id] = path
    return problems


def _parse(path: Path) -> tuple[Template | None, list[Problem]]:
    text = path.read_text(encoding="utf-8")
    try:
        data, node = load_with_nodes(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        return None, [Problem(path, mark.line + 1 if mark else 1, f"not valid YAML: {error}")]
    try:
        template = Template.model_validate(data)
    except ValidationError as error:
        return None, [
            Problem(path, _line(node, e["loc"]), f"{'.'.join(map(str, e['loc'])) or 'file'}: {e['msg']}")
            for e in error.errors()
        ]
    problems = []
    languages = set(template.languages)
    if not languages <= {"da", "en", "nb"} or "en" not in languages:
        problems.append(Problem(path, _line(node, ("title",)), "title needs en and only da/en/nb"))
    for where, texts in template.localised():
        if set(texts) != languages or not all(texts.values()):
            loc = tuple(int(p) if p.isdigit() else p for p in where.split("."))
            problems.append(Problem(path, _line(node, loc), f"{where}: needs {sorted(languages)} like title"))
    ids = [q.id for q in template.questions]
    for question_id in {i for i in ids if ids.count(i) > 1}:
        problems.append(Problem(path, _line(node, ("questions",)), f"question id {question_id!r} repeated"))
    if path.stem != template.id:
        problems.append(Problem(path, _line(node, ("id",)), f"id {template.id!r} differs from file name"))
    return template, problems


def _line(node: Any, loc: tuple[Any, ...]) -> int:
    """The line (1-based) of the YAML node at `loc`, or of its nearest existing parent."""
    line = node.start_mark.line + 1 if node is not None else 1
    for part in loc:
        child = None
        if isinstance(node, yaml.MappingNode):
            child = next((v for k, v in node.value if k.value == part), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            child = node.value[part]
        if child is None:
            break
        node, line = child, child.start_mark.line + 1
    return line
