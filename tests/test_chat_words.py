"""Words people type instead of pressing buttons: leave until a date, back, days only, short questions."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from bot.people.typed_dates import typed_day
from storage.models import DeliveryPreference, Question

TODAY = date(2026, 12, 6)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("until 2026-12-20", date(2026, 12, 20)),
        ("til 20.12.2026", date(2026, 12, 20)),
        ("indtil 20/12", date(2026, 12, 20)),
        ("20-12-26", date(2026, 12, 20)),
        ("til 3.1.", date(2027, 1, 3)),
        ("until the 20th", None),
        ("31.02.2027", None),
    ],
)
def test_the_last_day_of_leave_is_read_day_first(text: str, expected: date | None) -> None:
    assert typed_day(text, TODAY) == expected


async def test_away_until_a_date_and_back_in_each_language(chat, app) -> None:  # type: ignore[no-untyped-def]
    anna = chat("anna@example.org")
    [reply] = await anna.say("away until 2026-12-20")
    assert reply["text"].startswith("Enjoy! I'll be quiet until after") and "20" in reply["text"]
    assert reply["buttons"] == []
    [reply] = await anna.say("back")
    assert reply["text"] == "Welcome back! Your lessons and reviews start again."
    async with app.state.context.db.unit_of_work() as session:
        assert (await session.scalars(select(DeliveryPreference.away_until))).one() is None

    [reply] = await anna.say("away until someday")
    assert reply["text"].startswith('I couldn\'t read a date in "until someday"')
    [reply] = await anna.say("away until 2027-06-01")
    assert reply["text"] == "The last day of leave must be today or within the next 90 days."

    mette = chat("mette@example.org")
    await mette.say("sprog da")
    [reply] = await mette.say("fravær til 20.12")
    assert reply["text"].startswith("God fornøjelse! Jeg er stille til efter")
    [reply] = await mette.say("tilbage")
    assert reply["text"].startswith("Velkommen tilbage!")


async def test_working_days_alone_keep_the_window(chat, app) -> None:  # type: ignore[no-untyped-def]
    mette = chat("mette@example.org")
    await mette.say("sprog da")
    [reply] = await mette.say("arbejdstid hverdage")
    assert reply["text"] == "Sådan: Kampagnebeskeder når dig man-fre, inden for kampagnens tidsrum."
    await mette.say("arbejdstid 09:00-14:00 man-tor")
    [reply] = await mette.say("arbejdstid hverdage")
    assert reply["text"].startswith("Sådan: Kampagnebeskeder når dig man-fre, 09:00–14:00")


async def test_a_short_question_starts_asking(chat, app) -> None:  # type: ignore[no-untyped-def]
    bo = chat("bo@example.org")
    replies = await bo.say("why?")
    assert "help" not in replies[0]["text"].lower()
    async with app.state.context.db.unit_of_work() as session:
        assert (await session.scalars(select(Question.text))).one() == "why?"
