"""The learner's whole flow through the web chat over HTTP, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from fastapi import FastAPI
from sqlalchemy import select

from bot.clock import FixedClock
from bot.learning.delivery import queue_reviews
from storage.models import OutboxMessage, QuizAnswer

CPH = ZoneInfo("Europe/Copenhagen")
RIGHT = "A code from an app on your phone"
EXPLANATION = "A second factor is something you have, like your phone, on top of something you know."


async def test_nudge_wrong_answer_review_next_working_day_then_retire(  # type: ignore[no-untyped-def]
    chat, app: FastAPI, deliver, nudge, clock: FixedClock
) -> None:
    anna = chat("anna@example.org", "Anna")
    await anna.say("hi")
    await anna.new_messages()
    await nudge("anna@example.org", ["basics"], "2026-11-23")
    assert await deliver() == 1
    [card] = await anna.new_messages()
    assert card["title"] == "Two locks on the door"
    assert "A password alone is one lock." in card["text"]
    assert [b["label"] for b in card["buttons"]] == ["Take the quiz", "Later", "Stop this track"]

    [quiz] = await anna.press("Take the quiz")
    assert quiz["text"] == "Which of these is a second factor?"
    feedback, reflection = await anna.press("Your username")
    assert feedback["text"] == (
        f"Not quite. The right answer: **{RIGHT}**.\n\n{EXPLANATION}\n\n"
        "I'll ask you again on Tuesday 24 November.\n\nHow sure were you?"
    )
    assert [b["label"] for b in feedback["buttons"]] == ["Sure", "Unsure", "I guessed"]
    assert reflection["text"] == "Where do you log in with only a password today?"
    assert reflection["form"]["action"] == "learning.reflect"
    [saved] = await anna.click("learning.reflect", "b-mfa", fields={"reflection": "The old case system."})
    assert saved["text"].startswith("Saved. Only you can see it")

    context = app.state.context
    clock.advance(hours=6)  # still Monday: nothing is due yet
    await queue_reviews(context)
    assert await deliver() == 0

    clock.set(datetime(2026, 11, 24, 8, 5, tzinfo=CPH))
    await queue_reviews(context)
    assert await deliver() == 1
    [review] = await anna.new_messages()
    assert review["title"] == "Review: Two locks on the door"
    [right] = await anna.press(RIGHT)
    assert right["text"] == (
        f"Right!\n\n{EXPLANATION}\n\nI'll ask you again on Wednesday 25 November.\n\nHow sure were you?"
    )

    clock.set(datetime(2026, 11, 25, 9, 0, tzinfo=CPH))
    await queue_reviews(context)
    assert await deliver() == 1
    [review] = await anna.new_messages()
    [retired] = await anna.press(RIGHT)
    assert "You have answered this one right twice in a row, so it won't come back." in retired["text"]

    clock.set(datetime(2026, 12, 30, 9, 0, tzinfo=CPH))
    await queue_reviews(context)
    assert await deliver() == 0
    [progress] = await anna.say("progress")
    assert "Lessons done: 1" in progress["text"]
    assert "Quiz accuracy: 67% (2 of 3 answers right)" in progress["text"]
    assert "- _Two locks on the door_: The old case system." in progress["text"]


async def test_review_on_friday_comes_back_monday(  # type: ignore[no-untyped-def]
    chat, deliver, nudge, clock: FixedClock
) -> None:
    clock.set(datetime(2026, 11, 27, 10, 0, tzinfo=CPH))  # a Friday
    bo = chat("bo@example.org", "Bo")
    await bo.say("hi")
    await nudge("bo@example.org", ["basics"], "fri")
    await deliver()
    await bo.new_messages()
    await bo.press("Take the quiz")
    feedback, _ = await bo.press("Your username")
    assert "I'll ask you again on Monday 30 November." in feedback["text"]


async def test_snooze_brings_the_card_back_inside_working_hours(  # type: ignore[no-untyped-def]
    chat, deliver, nudge, clock: FixedClock
) -> None:
    anna = chat("anna@example.org", "Anna")
    await anna.say("hi")
    await nudge("anna@example.org", ["basics"], "w1")
    await deliver()
    await anna.new_messages()
    [ask] = await anna.press("Later")
    assert [b["label"] for b in ask["buttons"]] == ["In an hour", "Tomorrow morning"]
    [done] = await anna.press("In an hour")
    assert done["text"] == "Fine, I'll bring it back Monday 23 November at 10:00."
    await anna.new_messages()
    assert await deliver() == 0
    clock.advance(hours=1)
    assert await deliver() == 1
    [again] = await anna.new_messages()
    assert again["title"] == "Two locks on the door"

    await anna.press("Later")
    [done] = await anna.press("Tomorrow morning")
    assert done["text"] == "Fine, I'll bring it back Tuesday 24 November at 08:00."


async def test_stop_means_nothing_more_until_resumed(  # type: ignore[no-untyped-def]
    chat, app: FastAPI, deliver, nudge
) -> None:
    anna = chat("anna@example.org", "Anna")
    await anna.say("hi")
    await nudge("anna@example.org", ["basics"], "1")
    await deliver()
    await anna.new_messages()
    [stopped] = await anna.press("Stop this track")
    assert stopped["text"].startswith("You have left the track **Basics**.")
    assert [b["label"] for b in stopped["buttons"]] == ["Resume track"]

    await nudge("anna@example.org", ["basics"], "2")
    assert await deliver() == 0
    async with app.state.context.db.unit_of_work() as session:
        # (the campaign's own reminder rows for unanswered nudges are not the learning nudges)
        nudges = select(OutboxMessage.status).where(~OutboxMessage.key.endswith(":reminder"))
        statuses = (await session.scalars(nudges.order_by(OutboxMessage.id))).all()
    assert statuses == ["sent", "skipped"]

    await anna.new_messages()
    [back] = await anna.press("Resume track")
    assert back["text"] == "Welcome back to **Basics**."
    await nudge("anna@example.org", ["basics"], "3")
    assert await deliver() == 1
    [card] = await anna.new_messages()
    assert card["title"] == "Personal data"  # the next unseen lesson; the skipped one comes at the end


async def test_self_paced_next_tracks_and_multiple_choice(chat) -> None:  # type: ignore[no-untyped-def]
    anna = chat("anna@example.org", "Anna")
    no_track, tracks = await anna.say("next")
    assert no_track["text"].startswith("You are not following a track yet.")
    assert [c["label"] for c in tracks["choices"]] == ["Basics"]  # "Other" is for leaders
    started, card = await anna.press("Basics")
    assert started["text"] == "You are now following **Basics**. Here is your first lesson:"
    await anna.press("Take the quiz")
    await anna.press(RIGHT)
    [again] = await anna.click("learning.answer", "b-mfa:1")
    assert again["text"] == "You have already answered this one. It will come back for review later."
    [garbage] = await anna.click("learning.answer", "nonsense")
    assert garbage["text"] == "I can't find that lesson any more."
    [card] = await anna.say("next")
    assert card["title"] == "Personal data"
    [quiz] = await anna.press("Take the quiz")
    assert quiz["multiple"] is True
    feedback, _ = await anna.click("learning.answer", "b-data:0,b-data:2")
    assert feedback["text"].startswith("Right!")
    [dansk] = await anna.say("forløb")
    assert "following, 2 of 3 done" in dansk["text"]


async def test_define_forgives_typos_and_suggests(chat) -> None:  # type: ignore[no-untyped-def]
    anna = chat("anna@example.org", "Anna")
    [found] = await anna.say("define phising")
    assert found["title"] == "Phishing"
    assert found["text"].startswith("Fake emails that try to trick you.")
    [alias] = await anna.say("define 2fa")
    assert alias["title"] == "Two-factor authentication"
    [unknown] = await anna.say("define blockchain")
    assert unknown["text"].startswith('I don\'t know "blockchain"')
    assert len(unknown["buttons"]) == 1  # the closest term is offered, however far
    for word in ("email", "training", "e-mail"):  # "AI" hides inside them, but is not meant
        [reply] = await anna.say(f"define {word}")
        assert reply.get("title") != "Artificial intelligence", word

    [dansk] = await anna.say("forklar tofaktor")
    assert dansk["title"] == "Two-factor authentication"  # Anna reads English


async def test_a_danish_learner_reads_everything_in_danish(  # type: ignore[no-untyped-def]
    chat, deliver, nudge
) -> None:
    bo = chat("bo@example.org", "Bo")
    await bo.say("sprog")
    await bo.press("Danish")
    await nudge("bo@example.org", ["basics"], "1")
    await deliver()
    [card] = await bo.new_messages()
    assert card["title"] == "To låse på døren"
    assert [b["label"] for b in card["buttons"]] == ["Tag quizzen", "Senere", "Stop dette forløb"]
    await bo.press("Tag quizzen")
    feedback, reflection = await bo.press("Dit brugernavn")
    assert feedback["text"].startswith("Ikke helt. Det rigtige svar: **En kode fra en app på din telefon**.")
    assert feedback["text"].endswith("Jeg spørger dig igen tirsdag den 24. november.\n\nHvor sikker var du?")
    assert reflection["text"] == "Hvor logger du i dag ind med kun en adgangskode?"
    [progress] = await bo.say("fremskridt")
    assert progress["title"] == "Din læring"
    assert "- It- og datasikkerhed: 1/2 (grundlæggende)" in progress["text"]
    [term] = await bo.say("forklar phishing")
    assert term["text"].startswith("Falske mails der vil narre dig.")


async def test_away_pauses_nudges_until_back(chat, deliver, nudge) -> None:  # type: ignore[no-untyped-def]
    anna = chat("anna@example.org", "Anna")
    [ask] = await anna.say("away")
    assert [b["label"] for b in ask["buttons"]] == ["1 week", "2 weeks", "3 weeks", "I'm back"]
    [set_] = await anna.press("2 weeks")
    assert set_["text"] == "Enjoy! I'll be quiet until after Sunday 6 December."
    await nudge("anna@example.org", ["basics"], "1")
    assert await deliver() == 0
    await anna.say("away")
    [back] = await anna.press("I'm back")
    assert back["text"] == "Welcome back! Your lessons and reviews start again."
    await nudge("anna@example.org", ["basics"], "2")
    assert await deliver() == 1


async def test_a_refused_second_click_leaves_the_shown_choice_alone(chat, deliver, nudge, http) -> None:  # type: ignore[no-untyped-def]
    anna = chat("anna@example.org", "Anna")
    await anna.say("hi")
    await nudge("anna@example.org", ["basics"], "2026-11-23")
    await deliver()
    await anna.new_messages()
    [quiz] = await anna.press("Take the quiz")
    await anna.press("Your username")
    right = next(b for b in quiz["buttons"] if b["label"] == RIGHT)
    again = await http.post(
        "/chat/api/send",
        json={
            "user": "anna@example.org",
            "action": right["action"],
            "value": right["value"],
            "message": quiz["n"],
        },
    )
    assert "already answered" in again.json()["messages"][-1]["text"]
    [shown] = [m for m in await anna.history() if m["n"] == quiz["n"]]
    assert shown["chosen"] == "Your username"


async def test_quiz_options_are_in_another_order_for_each_person_and_found_by_value(  # type: ignore[no-untyped-def]
    chat, deliver, nudge
) -> None:
    orders = []
    for n in range(4):
        person = chat(f"p{n}@example.org", f"P{n}")
        await person.say("hi")
        await nudge(f"p{n}@example.org", ["basics"], "2026-11-23")
        await deliver()
        await person.new_messages()
        [quiz] = await person.press("Take the quiz")
        labels = [b["label"] for b in quiz["buttons"]]
        orders.append(labels)
        again = await person.history()
        assert [b["label"] for b in again[-1]["buttons"]] == labels  # one card keeps its order
        feedback, _ = await person.press(RIGHT)
        assert feedback["text"].startswith("Right!")  # wherever the right answer stood
    assert len({tuple(order) for order in orders}) > 1
    assert {frozenset(order) for order in orders} == {frozenset(orders[0])}


async def test_confidence_moves_the_next_review(
    chat, deliver, nudge, app: FastAPI, clock: FixedClock
) -> None:  # type: ignore[no-untyped-def]
    anna, bo = chat("anna@example.org", "Anna"), chat("bo@example.org", "Bo")
    for person, email in ((anna, "anna@example.org"), (bo, "bo@example.org")):
        await person.say("hi")
        await nudge(email, ["basics"], "2026-11-23")
    await deliver()
    await anna.new_messages()
    await bo.new_messages()
    await anna.press("Take the quiz")
    await anna.press("Your username")  # wrong
    [urgent] = await anna.press("Sure")  # ... and sure of it: a misconception
    assert urgent["text"].startswith("Thanks for saying so: a mistake made with confidence")
    assert "Monday 23 November at 11:00" in urgent["text"]  # two hours on, still today
    [again] = await anna.click("learning.confidence", "b-mfa:unsure")
    assert again["text"] == "You have already said how sure you were of that answer."
    await bo.press("Take the quiz")
    await bo.press(RIGHT)
    [guess] = await bo.press("I guessed")
    assert guess["text"].startswith("Then it is not quite yours yet")
    async with app.state.context.db.unit_of_work() as session:
        sure = dict((await session.execute(select(QuizAnswer.person_id, QuizAnswer.confidence))).all())
    assert sorted(sure.values()) == ["guessed", "sure"]
    [progress] = await bo.say("progress")
    assert "Correct and confident: 0" in progress["text"]  # a right guess is not yet knowledge
