"""`stafet content check`: every problem in the content tree, as `file:line: message`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from bot.content.glossary import read_glossary
from bot.content.lessons import LessonFile, read_lessons
from bot.content.synonyms import read_synonyms
from bot.content.tracks import read_tracks
from bot.i18n import Catalogue, Problem
from bot.surveys.templates import check_templates

Checker = Callable[[Path], list[Problem]]
REQUIRED = ("da", "en")  # nb where the track is translated to nb
SAME_IN_EVERY_LANGUAGE = ("track", "competence", "level", "roles", "minutes")


def check_lessons(content_dir: Path) -> list[Problem]:
    files, problems = read_lessons(content_dir)
    tracks = {t.track.id: t.track for t in read_tracks(content_dir)[0]}
    by_id: dict[str, list[LessonFile]] = {}
    for found in files:
        lesson, located = found.lesson, found.located
        versions = by_id.setdefault(lesson.id, [])
        if any(v.lesson.language == lesson.language for v in versions):
            problems.append(located.problem(["id"], f"duplicate lesson {lesson.id!r} in {lesson.language}"))
            continue
        versions.append(found)
        track = tracks.get(lesson.track)
        if track is None:
            problems.append(located.problem(["track"], f"unknown track {lesson.track!r}"))
        elif lesson.id not in track.lessons:
            problems.append(
                located.problem(["track"], f"{lesson.id} is not listed in tracks/{track.id}.yaml")
            )
    for lesson_id, versions in by_id.items():
        problems += _compare_languages(versions)
        first = versions[0]
        track = tracks.get(first.lesson.track)
        wanted = (*REQUIRED, "nb") if track and "nb" in track.title else REQUIRED
        have = {v.lesson.language for v in versions}
        for language in wanted:
            if language not in have:
                problems.append(
                    first.located.problem(["language"], f"{lesson_id}: missing translation {language}")
                )
    return problems


def _compare_languages(versions: list[LessonFile]) -> list[Problem]:
    reference = versions[0].lesson
    problems = []
    for found in versions[1:]:
        lesson = found.lesson
        for name in SAME_IN_EVERY_LANGUAGE:
            if getattr(lesson, name) != getattr(reference, name):
                problems.append(found.located.problem([name], f"{name} differs from {reference.path.name}"))
        if len(lesson.variants) != len(reference.variants):
            problems.append(
                found.located.problem(
                    ["variants"] if lesson.variants else ["quiz"],
                    f"{len(lesson.variants)} quiz variants but {len(reference.variants)} "
                    f"in {reference.path.name}",
                )
            )
        for index, (quiz, other) in enumerate(zip(lesson.quizzes, reference.quizzes, strict=False)):
            if quiz.correct != other.correct or len(quiz.options) != len(other.options):
                where = "quiz" if index == 0 else f"variant {index}"
                problems.append(
                    found.located.problem(
                        _quiz_path(index, "correct"), f"{where} options differ from {reference.path.name}"
                    )
                )
    return problems


def _quiz_path(index: int, key: str) -> list[str | int]:
    """Where quiz number `index` (0 is `quiz`, then the variants) keeps `key` in the front matter."""
    return ["quiz", key] if index == 0 else ["variants", index - 1, key]


def check_tracks(content_dir: Path) -> list[Problem]:
    files, problems = read_tracks(content_dir)
    lessons = {f.lesson.id: f.lesson for f in read_lessons(content_dir)[0]}
    for found in files:
        track, located = found.track, found.located
        for language in REQUIRED:
            if language not in track.title:
                problems.append(located.problem(["title"], f"missing translation {language}"))
        if set(track.title) != set(track.description):
            problems.append(located.problem(["description"], "title and description differ in languages"))
        seen: set[str] = set()
        for index, lesson_id in enumerate(track.lessons):
            lesson = lessons.get(lesson_id)
            if lesson_id in seen:
                problems.append(located.problem(["lessons", index], f"{lesson_id} is listed twice"))
            elif lesson is None:
                problems.append(located.problem(["lessons", index], f"unknown lesson {lesson_id!r}"))
            elif lesson.track != track.id:
                problems.append(
                    located.problem(["lessons", index], f"{lesson_id} belongs to track {lesson.track!r}")
                )
            seen.add(lesson_id)
    return problems


def check_glossary(content_dir: Path) -> list[Problem]:
    return read_glossary(content_dir)[1]


def check_synonyms(content_dir: Path) -> list[Problem]:
    return read_synonyms(content_dir)[1]


def check_messages(content_dir: Path) -> list[Problem]:
    directory = content_dir / "messages"
    return Catalogue(directory).problems() if directory.is_dir() else []


MIN_QUIZZES = 2  # the quiz and at least one variant, so a review never repeats the last wording


def check_quiz_count(content_dir: Path) -> list[Problem]:
    """Lessons with fewer than MIN_QUIZZES questions (told once, at the first language's quiz):
    their review would ask the question the learner has just answered, word for word."""
    problems: list[Problem] = []
    seen: set[str] = set()
    for found in read_lessons(content_dir)[0]:
        lesson = found.lesson
        if lesson.id in seen or len(lesson.quizzes) >= MIN_QUIZZES:
            continue
        seen.add(lesson.id)
        message = (
            f"{lesson.id} has {len(lesson.quizzes)} quiz question; "
            f"a lesson needs at least {MIN_QUIZZES} (the quiz and its variants)"
        )
        problems.append(found.located.problem(["quiz"], message))
    return problems


CHECKERS: list[Checker] = [
    check_lessons,
    check_quiz_count,
    check_tracks,
    check_glossary,
    check_synonyms,
    check_messages,
    check_templates,
]


WIDE_MARGIN = 1.5  # a right answer this many times longer than every other option gives itself away


def quiz_warnings(content_dir: Path) -> list[Problem]:
    """Quizzes (and variants) whose single right answer is by far the longest option: learners guess it."""
    warnings = []
    for found in read_lessons(content_dir)[0]:
        for index, quiz in enumerate(found.lesson.quizzes):
            if len(quiz.correct) != 1:
                continue
            key = len(quiz.options[quiz.correct[0]])
            others = max(len(text) for i, text in enumerate(quiz.options) if i != quiz.correct[0])
            if key >= WIDE_MARGIN * others and key - others >= 15:
                message = (
                    f"warning: the right answer is the longest option by far ({key} vs {others} characters)"
                )
                warnings.append(found.located.problem(_quiz_path(index, "correct"), message))
    return sorted(warnings, key=lambda p: (str(p.file), p.line))


def check_content(content_dir: Path) -> list[Problem]:
    """All checkers' problems, ordered by file and line."""
    problems = [problem for checker in CHECKERS for problem in checker(content_dir)]
    return sorted(set(problems), key=lambda p: (str(p.file), p.line, p.message))
