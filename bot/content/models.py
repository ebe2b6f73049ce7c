"""The schema of content files; `extra="forbid"` so a misspelt key is an error, not a silence."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Language = Literal["da", "en", "nb"]
Level = Literal["basic", "advanced"]
Role = Literal["employee", "ambassador", "leader"]
Competence = Literal[
    "digital_mindset",
    "workflow_automation",
    "basic_skills",
    "digital_innovation",
    "project_participation",
    "trainer_skills",
    "service_communication",
    "collaboration",
    "digital_leadership",
    "security",
    "data_and_ai",
]
COMPETENCES: tuple[str, ...] = Competence.__args__  # type: ignore[attr-defined]
LEVELS: tuple[str, ...] = ("basic", "advanced")
SLUG = r"^[a-z0-9][a-z0-9-]*$"
MAX_BODY = 1200


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class QuizModel(Strict):
    question: str = Field(min_length=1)
    options: list[str] = Field(min_length=2, max_length=5)
    correct: list[int] = Field(min_length=1)
    explanation: str = Field(min_length=1)

    @model_validator(mode="after")
    def _sane(self) -> QuizModel:
        if any(not 0 <= i < len(self.options) for i in self.correct):
            raise ValueError(f"correct must be option indices from 0 to {len(self.options) - 1}")
        if len(set(self.correct)) != len(self.correct):
            raise ValueError("correct lists an option twice")
        if len(set(self.correct)) == len(self.options):
            raise ValueError("every option is correct; a quiz needs at least one wrong option")
        if len({o.strip().lower() for o in self.options}) != len(self.options):
            raise ValueError("two options have the same text")
        return self


class LessonModel(Strict):
    id: str = Field(pattern=SLUG)
    track: str = Field(pattern=SLUG)
    language: Language
    title: str = Field(min_length=1)
    competence: Competence
    level: Level
    roles: list[Role] = Field(min_length=1)
    minutes: int = Field(ge=1, le=10)
    quiz: QuizModel
    variants: list[QuizModel] = Field(default=[], max_length=2)  # more questions on the same idea
    reflection: str = Field(min_length=1)


class TrackModel(Strict):
    id: str = Field(pattern=SLUG)
    roles: list[Role] = Field(min_length=1)
    title: dict[Language, str]
    description: dict[Language, str]
    lessons: list[str] = Field(min_length=1)


class GlossaryEntryModel(Strict):
    term: str = Field(min_length=1)
    definition: str = Field(min_length=1)
    aliases: list[str] = []


class GlossaryTermModel(Strict):
    id: str = Field(pattern=SLUG)
    da: GlossaryEntryModel | None = None
    en: GlossaryEntryModel | None = None
    nb: GlossaryEntryModel | None = None
