"""Lessons: `lessons/<track>/<id>.<lang>.md`, YAML front matter then a short Markdown body."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.content import yamlfile
from bot.content.models import MAX_BODY, LessonModel
from bot.i18n import Problem


@dataclass(frozen=True, slots=True)
class Quiz:
    question: str
    options: tuple[str, ...]
    correct: tuple[int, ...]
    explanation: str


@dataclass(frozen=True, slots=True)
class Lesson:
    """One lesson in one language."""

    id: str
    track: str
    language: str
    title: str
    competence: str
    level: str
    roles: tuple[str, ...]
    minutes: int
    quiz: Quiz
    reflection: str
    body: str
    path: Path
    body_line: int
    variants: tuple[Quiz, ...] = ()

    @property
    def quizzes(self) -> tuple[Quiz, ...]:
        """Every question on this lesson's idea; index 0 is `quiz`, the rest are its variants."""
        return (self.quiz, *self.variants)


@dataclass(frozen=True, slots=True)
class LessonFile:
    """A parsed lesson and where its keys are, for checks that compare files."""

    lesson: Lesson
    located: yamlfile.Located


def read_lessons(content_dir: Path) -> tuple[list[LessonFile], list[Problem]]:
    files: list[LessonFile] = []
    problems: list[Problem] = []
    for path in sorted((content_dir / "lessons").glob("**/*.md")):
        found, trouble = read_lesson(path)
        problems += trouble
        if found is not None:
            files.append(found)
    return files, problems


def read_lesson(path: Path) -> tuple[LessonFile | None, list[Problem]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    if not lines or lines[0].strip() != "---":
        return None, [Problem(path, 1, "a lesson starts with a '---' line and YAML front matter")]
    end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
    if end is None:
        return None, [Problem(path, 1, "the front matter has no closing '---' line")]
    located, problems = yamlfile.parse(path, "\n".join(lines[1:end]), first_line=2)
    if located is None:
        return None, problems
    meta, problems = located.validate(LessonModel)
    if meta is None:
        return None, problems
    body = "\n".join(lines[end + 1 :]).strip()
    body_line = end + 2
    problems += _name_problems(path, meta, located)
    if not body:
        problems.append(Problem(path, body_line, "the lesson has no body text"))
    elif len(body) > MAX_BODY:
        problems.append(Problem(path, body_line, f"body is {len(body)} characters; at most {MAX_BODY}"))
    quiz, *variants = (
        Quiz(q.question, tuple(q.options), tuple(q.correct), q.explanation)
        for q in (meta.quiz, *meta.variants)
    )
    lesson = Lesson(
        id=meta.id,
        track=meta.track,
        language=meta.language,
        title=meta.title,
        competence=meta.competence,
        level=meta.level,
        roles=tuple(meta.roles),
        minutes=meta.minutes,
        quiz=quiz,
        reflection=meta.reflection,
        body=body,
        path=path,
        body_line=body_line,
        variants=tuple(variants),
    )
    return LessonFile(lesson, located), problems


def _name_problems(path: Path, meta: LessonModel, located: yamlfile.Located) -> list[Problem]:
    problems = []
    if path.name != f"{meta.id}.{meta.language}.md":
        problems.append(
            located.problem(["id"], f"file name should be {meta.id}.{meta.language}.md (id and language)")
        )
    if path.parent.name != meta.track:
        problems.append(
            located.problem(["track"], f"track {meta.track!r} but the file is in {path.parent.name}/")
        )
    return problems
