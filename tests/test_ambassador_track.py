"""The ambassador track on the shipped content: listed in every language, offered only to
ambassadors, and brought by both `tracks` and a campaign nudge through the web chat."""

from __future__ import annotations

import json
import subprocess
import sys

from fastapi import FastAPI

from bot.config import DEFAULT_CONTENT_DIR
from bot.delivery.outbox import Outbox
from storage.repositories.people import PeopleRepository
from tests.learning.conftest import _active_campaign


def test_shipped_content_is_clean_and_lists_the_ambassador_track_in_three_languages() -> None:
    def stafet(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "bot", "content", *args]
        return subprocess.run(command, capture_output=True, text=True, check=False)

    checked = stafet("check", str(DEFAULT_CONTENT_DIR))
    assert (checked.returncode, checked.stdout.strip()) == (0, "Content is valid."), checked.stdout
    listed = json.loads(stafet("list", "--json", "--path", str(DEFAULT_CONTENT_DIR)).stdout)
    tracks = {t["id"]: t["languages"] for t in listed["tracks"]}
    assert tracks["ambassador"] == ["da", "en", "nb"]
    lessons = {lesson["id"]: lesson for lesson in listed["lessons"]}
    for lesson_id in ("amb-sparring-partner", "amb-plain-language", "amb-anonymous-asker", "amb-faq-entry"):
        assert (lessons[lesson_id]["track"], lessons[lesson_id]["languages"]) == (
            "ambassador",
            ["da", "en", "nb"],
        )
    assert lessons["org-project-participation"]["languages"] == ["da", "en", "nb"]
    assert "competence-needs" in {s["id"] for s in listed["surveys"]}


async def _person(app: FastAPI, email: str, *, ambassador: bool, language: str = "en") -> None:
    context = app.state.context
    async with context.db.unit_of_work() as session:
        await PeopleRepository(session).add_person(
            context.clock.now(),
            email=email,
            role="ambassador" if ambassador else "employee",
            is_ambassador=ambassador,
            language=language,
        )


async def test_an_ambassador_picks_the_ambassador_track_and_gets_its_first_lesson(app, chat) -> None:  # type: ignore[no-untyped-def]
    await _person(app, "amb@example.org", ambassador=True, language="nb")
    await _person(app, "emp@example.org", ambassador=False)
    employee = chat("emp@example.org")
    [offer] = await employee.say("tracks")
    assert "The ambassador's craft" not in [c["label"] for c in offer["choices"]]

    ambassador = chat("amb@example.org")
    [offer] = await ambassador.say("læringsløp")
    assert "Ambassadørens håndverk" in [c["label"] for c in offer["choices"]]
    started, card = await ambassador.press("Ambassadørens håndverk")
    assert "Ambassadørens håndverk" in started["text"]
    assert card["title"] == "Sparringspartner i deres eget fag"
    [quiz] = await ambassador.press("Ta quizen")
    assert len(quiz["choices"] or quiz["buttons"]) == 4


async def test_a_campaign_nudge_brings_ambassadors_their_track_and_employees_nothing_of_it(  # type: ignore[no-untyped-def]
    app, chat, deliver
) -> None:
    context = app.state.context
    await _person(app, "amb@example.org", ambassador=True)
    await _person(app, "emp@example.org", ambassador=False)
    people = {email: chat(email) for email in ("amb@example.org", "emp@example.org")}
    for someone in people.values():
        await someone.say("hi")
        await someone.new_messages()
    async with context.db.unit_of_work() as session:
        campaign_id = await _active_campaign(session, context.clock)
        for email in people:
            person = await PeopleRepository(session).by_email(email)
            assert person is not None
            await Outbox(session, context.clock).enqueue(
                key=f"campaign:{campaign_id}:1:{person.id}",
                person_id=person.id,
                kind="nudge",
                payload={"campaign_id": campaign_id, "tracks": ["ambassador"], "occurrence": "1"},
                campaign_id=campaign_id,
            )
    await deliver()
    [card] = [m for m in await people["amb@example.org"].new_messages() if m.get("title")]
    assert card["title"] == "A sparring partner in your own field"
    assert not [m for m in await people["emp@example.org"].new_messages() if m.get("title")]
