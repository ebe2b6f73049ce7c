"""The messages of learning: lesson card, quiz, feedback, reflection prompt (pure Reply builders)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from hashlib import sha256
from zoneinfo import ZoneInfo

from babel.dates import format_datetime

from bot.content.lessons import Lesson
from bot.learning.service import AnswerResult, Item
from bot.learning.srs import CONFIDENCE
from bot.runtime.replies import Button, Choice, Field, Form, Option, Reply

Say = Callable[..., str]  # (key, **params) -> text in the reader's language


def when_text(instant: datetime, zone: ZoneInfo, language: str, *, with_time: bool = False) -> str:
    """A day (and time) in the reader's zone and words, e.g. "Tuesday 24 November at 08:00"."""
    day = "EEEE d MMMM" if language == "en" else "EEEE 'den' d. MMMM"
    at = "'at'" if language == "en" else "'kl.'"
    pattern = f"{day} {at} HH:mm" if with_time else day
    return format_datetime(instant.astimezone(zone), pattern, locale=language)


def item_reply(say: Say, item: Item, showing: str = "") -> Reply:
    """A lesson card, or a review's quiz with its options in the order of this `showing`."""
    if item.review:
        return quiz_reply(say, item.lesson, item.variant, review=True, showing=showing)
    return lesson_card(say, item.lesson)


def showing_of(person_id: int, now: datetime) -> str:
    """One showing of a quiz to one person: the options' order differs between people and times."""
    return f"{person_id}:{now.isoformat()}"


def shuffled(count: int, lesson_id: str, showing: str) -> list[int]:
    """Option indexes in an order fixed by the lesson and the showing, so the right answer is
    found by its value and never by its place (or by being first, last or in file order)."""
    return sorted(range(count), key=lambda i: sha256(f"{lesson_id}:{showing}:{i}".encode()).digest())


def lesson_card(say: Say, lesson: Lesson) -> Reply:
    text = f"{lesson.body}\n\n_{say('learning.card.minutes', minutes=lesson.minutes)}_"
    return Reply(
        title=lesson.title,
        text=text,
        buttons=(
            Button(say("learning.card.quiz"), "learning.quiz", lesson.id, "primary"),
            Button(say("learning.card.later"), "learning.later", lesson.id),
            Button(say("learning.card.stop"), "learning.stop", lesson.track, "danger"),
        ),
    )


def answer_value(lesson_id: str, variant: int, option: int) -> str:
    """What an option's button carries: the card's own variant, so an old card is judged by it."""
    return f"{lesson_id}:{variant}:{option}"


def quiz_reply(
    say: Say, lesson: Lesson, variant: int = 0, *, review: bool = False, showing: str = ""
) -> Reply:
    """Buttons for one right answer; a multiple choice when several options are right."""
    title = say("learning.review.title", title=lesson.title) if review else lesson.title
    quiz = lesson.quizzes[variant]
    order = shuffled(len(quiz.options), f"{lesson.id}:{variant}", showing)
    if len(quiz.correct) > 1:
        options = tuple(Option(quiz.options[i], answer_value(lesson.id, variant, i)) for i in order)
        text = f"{quiz.question}\n\n{say('learning.quiz.several')}"
        return Reply(title=title, text=text, choice=Choice("learning.answer", options, multiple=True))
    buttons = tuple(
        Button(quiz.options[i], "learning.answer", answer_value(lesson.id, variant, i)) for i in order
    )
    if review:
        buttons += (Button(say("learning.card.stop"), "learning.stop", lesson.track, "danger"),)
    return Reply(title=title, text=quiz.question, buttons=buttons)


def feedback(say: Say, result: AnswerResult, zone: ZoneInfo, language: str) -> list[Reply]:
    """Right or wrong with the explanation, when it comes back, then (first time) the reflection."""
    quiz = result.quiz
    if result.correct:
        verdict = say("learning.feedback.right")
    else:
        right = ", ".join(f"**{quiz.options[i]}**" for i in quiz.correct)
        verdict = say("learning.feedback.wrong", answer=right)
    if result.retired:
        after = say("learning.feedback.retired")
    elif result.due_at is not None:
        after = say("learning.feedback.again", date=when_text(result.due_at, zone, language))
    else:
        after = ""
    ask = say("learning.confidence.ask")
    sure = tuple(
        Button(say(f"learning.confidence.{level}"), "learning.confidence", f"{result.lesson.id}:{level}")
        for level in CONFIDENCE
    )
    text = "\n\n".join(part for part in (verdict, quiz.explanation, after, ask) if part)
    replies = [Reply(text=text, buttons=sure)]
    if result.first:
        replies.append(reflection_prompt(say, result.lesson))
    return replies


def confidence_noted(say: Say, result: AnswerResult, level: str, zone: ZoneInfo, language: str) -> Reply:
    """What their confidence changed: when the question comes back now."""
    if result.retired or result.due_at is None:
        return Reply(text=say("learning.confidence.noted_retired"))
    when = when_text(result.due_at, zone, language, with_time=True)
    if not result.correct:
        key = (
            "learning.confidence.noted_misconception"
            if level == "sure"
            else "learning.confidence.noted_wrong"
        )
    else:
        key = "learning.confidence.noted_right" if level == "sure" else "learning.confidence.noted_not_yet"
    return Reply(text=say(key, date=when))


def reflection_prompt(say: Say, lesson: Lesson) -> Reply:
    field = Field(
        "reflection", say("learning.reflect.label"), "textarea", placeholder=say("learning.reflect.hint")
    )
    form = Form(
        "learning.reflect", say("learning.reflect.title"), (field,), say("learning.reflect.save"), lesson.id
    )
    return Reply(text=lesson.reflection, form=form)


def snooze_choice(say: Say, lesson_id: str) -> Reply:
    return Reply(
        text=say("learning.later.ask"),
        buttons=(
            Button(say("learning.later.hour"), "learning.snooze", f"{lesson_id}:hour"),
            Button(say("learning.later.morning"), "learning.snooze", f"{lesson_id}:morning"),
        ),
    )


def stopped(say: Say, track_id: str, title: str) -> Reply:
    return Reply(
        text=say("learning.stopped", track=title),
        buttons=(Button(say("learning.resume"), "learning.resume", track_id),),
    )
