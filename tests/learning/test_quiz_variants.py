"""Quiz variants through the web chat: a review asks the lesson's idea in other words, retiring
counts per lesson whichever wording was answered, and a card is judged by the variant it showed."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from fastapi import FastAPI
from sqlalchemy import select

from bot.clock import FixedClock
from bot.config import DEFAULT_CONTENT_DIR
from bot.learning.delivery import queue_reviews
from storage.models import QuizAnswer

CPH = ZoneInfo("Europe/Copenhagen")
FIXTURE = Path(__file__).parent.parent / "fixtures" / "learning_content"
FIRST = "Which of these is a second factor?"
SECOND = "After your password, your bank asks for a code sent to your phone. What is that code?"
THIRD = "Which login has two locks on the door?"
RIGHT = ("A code from an app on your phone", "A second factor", "Password and a tap on your phone")
VARIANTS = {
    "en": f'''variants:
  - question: "{SECOND}"
    options: ["A second factor", "A second password", "A recovery question"]
    correct: [0]
    explanation: "The code proves you have your phone."
  - question: "{THIRD}"
    options: ["Password and username", "Password and a secret question", "{RIGHT[2]}"]
    correct: [2]
    explanation: "Only the tap proves something you have."
''',
    "da": """variants:
  - question: "Efter adgangskoden beder banken om en kode sendt til din telefon. Hvad er koden?"
    options: ["En anden faktor", "En ekstra adgangskode", "Et kontrolspørgsmål"]
    correct: [0]
    explanation: "Koden viser, at du har din telefon."
  - question: "Hvilket login har to låse på døren?"
    options:
      - "Adgangskode og brugernavn"
      - "Adgangskode og et hemmeligt spørgsmål"
      - "Adgangskode og et tryk på telefonen"
    correct: [2]
    explanation: "Kun trykket viser noget, du har."
""",
}


@pytest.fixture
def content_dir(tmp_path: Path) -> Path:
    """The learning fixture with two variants on the first lesson, in both its languages."""
    directory = tmp_path / "content"
    shutil.copytree(FIXTURE, directory)
    for language, variants in VARIANTS.items():
        path = directory / "lessons" / "basics" / f"b-mfa.{language}.md"
        path.write_text(path.read_text("utf-8").replace("reflection:", f"{variants}reflection:", 1), "utf-8")
    (directory / "messages").symlink_to(DEFAULT_CONTENT_DIR / "messages")
    return directory


async def _first_quiz(person, email: str, nudge, deliver) -> dict:  # type: ignore[no-untyped-def]
    await person.say("hi")
    await nudge(email, ["basics"], "2026-11-23")
    assert await deliver() == 1
    await person.new_messages()
    [quiz] = await person.press("Take the quiz")
    return quiz


async def _review_on(day: int, app: FastAPI, clock: FixedClock, deliver, person) -> dict:  # type: ignore[no-untyped-def]
    clock.set(datetime(2026, 11, day, 9, 0, tzinfo=CPH))
    await queue_reviews(app.state.context)
    assert await deliver() == 1
    [review] = await person.new_messages()
    return review


async def _variants_answered(app: FastAPI) -> list[tuple[int, bool]]:
    async with app.state.context.db.unit_of_work() as session:
        rows = await session.execute(select(QuizAnswer.variant, QuizAnswer.correct).order_by(QuizAnswer.id))
    return [(variant, correct) for variant, correct in rows.all()]


async def test_a_review_asks_another_variant_and_two_right_in_a_row_retire_the_lesson(  # type: ignore[no-untyped-def]
    chat, app: FastAPI, deliver, nudge, clock: FixedClock
) -> None:
    anna = chat("anna@example.org", "Anna")
    quiz = await _first_quiz(anna, "anna@example.org", nudge, deliver)
    assert quiz["text"] == FIRST
    [again] = await anna.click("learning.quiz", "b-mfa")
    assert again["text"] == FIRST  # the same question until it is answered
    await anna.press(RIGHT[0])
    await anna.press("Sure")

    review = await _review_on(24, app, clock, deliver, anna)
    assert review["title"] == "Review: Two locks on the door"
    assert review["text"] == SECOND
    assert {b["label"] for b in review["buttons"]} >= {"A second factor", "A second password"}
    [retired] = await anna.press(RIGHT[1])
    assert retired["text"].startswith("Right!\n\nThe code proves you have your phone.")
    assert "answered this one right twice in a row, so it won't come back" in retired["text"]
    await anna.press("Sure")

    clock.set(datetime(2026, 12, 30, 9, 0, tzinfo=CPH))
    await queue_reviews(app.state.context)
    assert await deliver() == 0
    [progress] = await anna.say("progress")
    assert "Quiz accuracy: 100% (2 of 2 answers right)" in progress["text"]
    assert "Correct and confident: 1" in progress["text"]  # one idea, however many wordings
    assert await _variants_answered(app) == [(0, True), (1, True)]


async def test_reviews_rotate_through_the_variants_and_a_wrong_one_resets_the_streak(  # type: ignore[no-untyped-def]
    chat, app: FastAPI, deliver, nudge, clock: FixedClock
) -> None:
    bo = chat("bo@example.org", "Bo")
    await _first_quiz(bo, "bo@example.org", nudge, deliver)
    await bo.press("Your username")  # wrong: back tomorrow
    assert (await _review_on(24, app, clock, deliver, bo))["text"] == SECOND
    [right] = await bo.press(RIGHT[1])
    assert "I'll ask you again on Wednesday 25 November" in right["text"]
    assert (await _review_on(25, app, clock, deliver, bo))["text"] == THIRD
    [wrong] = await bo.press("Password and username")
    assert wrong["text"].startswith(f"Not quite. The right answer: **{RIGHT[2]}**.")
    assert (await _review_on(26, app, clock, deliver, bo))["text"] == FIRST  # round again
    [right] = await bo.press(RIGHT[0])
    assert "won't come back" not in right["text"]  # a wrong answer in between broke the streak
    assert await _variants_answered(app) == [(0, False), (1, True), (2, False), (0, True)]


async def test_an_old_card_is_judged_against_the_variant_it_showed(  # type: ignore[no-untyped-def]
    chat, app: FastAPI, deliver, nudge, clock: FixedClock, http
) -> None:
    anna = chat("anna@example.org", "Anna")
    old = await _first_quiz(anna, "anna@example.org", nudge, deliver)
    await anna.press("Your username")  # wrong: the review comes tomorrow
    review = await _review_on(24, app, clock, deliver, anna)
    assert review["text"] == SECOND  # the key of this variant is its option 0 ...
    note = next(b for b in old["buttons"] if b["label"] == "Your password written on a note")
    assert note["value"].endswith(":0")  # ... and option 0 of the old card is a wrong answer there
    clicked = await http.post(
        "/chat/api/send",
        json={
            "user": "anna@example.org",
            "action": note["action"],
            "value": note["value"],
            "message": old["n"],
        },
    )
    [verdict] = [m for m in clicked.json()["messages"] if m["from"] == "bot" and m["n"] > review["n"]]
    assert verdict["text"].startswith(f"Not quite. The right answer: **{RIGHT[0]}**.")
    for forged in ("b-mfa:7:0", "b-mfa:1:9", "b-mfa:x:1", "b-mfa:0:1,b-mfa:1:0"):
        [refused] = await anna.click("learning.answer", forged)
        assert refused["text"] == "I can't find that lesson any more.", forged
    assert await _variants_answered(app) == [(0, False), (0, False)]
    # the last answer was to the first wording, so the next review asks the second again
    assert (await _review_on(25, app, clock, deliver, anna))["text"] == SECOND


async def test_a_danish_learner_gets_the_danish_variant(  # type: ignore[no-untyped-def]
    chat, app: FastAPI, deliver, nudge, clock: FixedClock
) -> None:
    bo = chat("bo@example.org", "Bo")
    await bo.say("sprog")
    await bo.press("Danish")
    await nudge("bo@example.org", ["basics"], "1")
    await deliver()
    await bo.new_messages()
    await bo.press("Tag quizzen")
    await bo.press("En kode fra en app på din telefon")
    review = await _review_on(24, app, clock, deliver, bo)
    assert review["text"].startswith("Efter adgangskoden beder banken om en kode")
    [right] = await bo.press("En anden faktor")
    assert right["text"].startswith("Rigtigt!\n\nKoden viser, at du har din telefon.")
