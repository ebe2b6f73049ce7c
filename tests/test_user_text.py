"""What a person typed is shown as typed: no disguised link, heading, fake bold line or channel ping
from an anonymous asker on the ambassador's card, in web chat, Slack, Teams and the dashboard."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from bot.config import Settings
from bot.questions import registry
from bot.questions.registry import Profile
from storage.models import Person, Question
from tests.support.admin import admin_settings, make_token
from tests.support.slack import FakeSlack, SlackSender
from tests.support.slack_fixtures import Payload, Settle
from tests.support.teams import action_titled, card_of, connector, teams

__all__ = ["connector", "teams"]  # fixtures

ATTACK = "[Reset your password](https://evil.example)\n# URGENT\n**From:** The CEO <!channel>"
LINK = '<a href="https://evil.example" rel="noopener nofollow">https://evil.example</a>'


@pytest.fixture
def settings(db_url: str) -> Settings:
    return admin_settings(db_url)


async def _ambassador(app: FastAPI, email: str) -> None:
    context = app.state.context
    async with context.db.unit_of_work() as session:
        profile = Profile(topics={"security": 3}, languages=["en"], hours="08:00-16:00")
        await registry.save(session, email, profile, context.clock.now(), create=True)


async def _ask_on_web_chat(chat, app: FastAPI, deliver) -> tuple[Any, Any, str]:  # type: ignore[no-untyped-def]
    bo = chat("bo@example.org", "Bo Berg")
    await bo.say("hi")
    await _ambassador(app, "bo@example.org")
    anna = chat("anna@example.org", "Anna Holm")
    await anna.say(f"ask {ATTACK}")
    form = next(r["form"] for r in await anna.press("Ask a person") if r.get("form"))
    await anna.click(form["action"], form["value"], fields={"topic": "security", "anonymous": "on"})
    await deliver()
    await bo.new_messages()
    return anna, bo, form["value"]


async def test_web_chat_shows_question_and_answer_as_typed(chat, app: FastAPI, deliver) -> None:  # type: ignore[no-untyped-def]
    anna, bo, question_id = await _ask_on_web_chat(chat, app, deliver)
    [card] = [m for m in await bo.history() if "anonymous colleague" in m["text"]]
    html = card["html"]
    assert LINK in html  # the real address, linked to itself
    assert ">Reset your password</a>" not in html and "<h1" not in html
    assert "[Reset your password](" in html and "# URGENT" in html
    assert html.count("<strong>From:</strong>") == 1  # ours stays bold; the fake line does not
    assert "**From:** The CEO &lt;!channel&gt;" in html
    assert "\ue000" not in card["text"] and ATTACK in card["text"]

    await bo.press("Claim")
    await bo.click(
        "questions.answer", question_id, fields={"text": "# Done\n[Click here](https://evil.example)"}
    )
    await deliver()
    [answer] = [m for m in await anna.new_messages() if "Click here" in m["text"]]
    assert "<strong>Answer to your question" in answer["html"]
    assert "<h1" not in answer["html"] and ">Click here</a>" not in answer["html"] and LINK in answer["html"]
    [asked] = [m for m in await anna.history() if m["from"] != "bot" and "URGENT" in m["text"]]
    assert "<h1" not in asked["html"] and "<strong>" not in asked["html"]  # her own words, echoed


async def test_dashboard_escapes_question_text(chat, app: FastAPI, deliver, server: str) -> None:  # type: ignore[no-untyped-def]
    from tests.test_role_matrix import login

    await _ask_on_web_chat(chat, app, deliver)
    async with httpx.AsyncClient(base_url=server) as browser:
        await login(browser, await make_token(app, "coordinator"))
        page = (await browser.get("/admin/questions")).text
    assert "[Reset your password](https://evil.example)" in page
    assert "**From:** The CEO &lt;!channel&gt;" in page
    assert 'href="https://evil.example"' not in page and "<h1>URGENT" not in page


def _rich_text(posted: dict[str, Any]) -> list[dict[str, Any]]:
    blocks = posted["blocks"] if isinstance(posted["blocks"], list) else json.loads(posted["blocks"])
    return [e for b in blocks if b["type"] == "rich_text" for s in b["elements"] for e in s["elements"]]


async def test_slack_card_shows_the_question_literally_and_pings_nobody(
    slack: SlackSender, payload: Payload, fake_slack: FakeSlack, settle: Settle, slack_app: FastAPI
) -> None:
    hello = payload("message_im")
    hello["event_id"], hello["event"]["user"], hello["event"]["channel"] = "Ev0BO", "U0BO", "D0BO"
    await slack.event(hello)
    await settle()
    await _ambassador(slack_app, "bo@example.org")
    asked = payload("message_im")
    # As Slack sends what Anna typed: &, < and > escaped, her @channel already a mention.
    asked["event"]["text"] = "ask " + ATTACK.replace("<", "&lt;").replace(">", "&gt;")
    await slack.event(asked)
    await settle()
    async with slack_app.state.context.db.unit_of_work() as session:
        question = (await session.scalars(select(Question))).one()
    sent = payload("view_submission")
    sent["view"]["private_metadata"] = json.dumps(
        {"action": "questions.submit", "value": str(question.id), "channel": "D0ANNA"}
    )
    values = sent["view"]["state"]["values"]
    del values["question"]
    values["topic"]["field"]["selected_option"] = {
        "text": {"type": "plain_text", "text": "Security"},
        "value": "security",
    }
    await slack.interaction(sent)
    await settle()
    fake_slack.calls.clear()
    assert await slack_app.state.worker.run_once() >= 1

    [card] = [c for c in fake_slack.called("chat.postMessage") if c["channel"] == "D0BO"]
    elements = _rich_text(card)
    shown = "".join(e.get("text", e.get("url", "")) for e in elements)
    assert ATTACK in shown
    links = [e for e in elements if e["type"] == "link"]
    assert links == [{"type": "link", "url": "https://evil.example"}]  # shows its real address
    bold = [e["text"] for e in elements if e.get("style", {}).get("bold")]
    assert bold == ["From:", "Topic:"]  # ours only; the asker's fake "From:" line is plain
    assert not [e for e in elements if e["type"] in ("broadcast", "user", "usergroup")]
    assert "<!channel>" not in card["text"] and "&lt;!channel&gt;" in card["text"]
    assert "<https://evil.example|" not in json.dumps(card)


async def test_teams_card_shows_question_in_text_runs(app: FastAPI, teams, connector, deliver) -> None:  # type: ignore[no-untyped-def]
    bo = teams("29:bo", "Bo Berg")
    await bo.install()
    anna = teams("29:anna", "Anna Holm")
    await anna.install()
    async with app.state.context.db.unit_of_work() as session:
        people = list((await session.scalars(select(Person))).all())
        for person, email in zip(people, ("bo@example.org", "anna@example.org"), strict=True):
            person.email = email
    await _ambassador(app, "bo@example.org")
    await anna.say(f"ask {ATTACK}")
    offer = connector.messages()[-1]
    await anna.submit(action_titled(card_of(offer.body), "Ask a person")["data"], reply_to=offer.id)
    form = connector.messages()[-1]
    submit = action_titled(card_of(form.body), "Send")["data"]
    await anna.submit({**submit, "topic": "security", "tag": "", "anonymous": "true"}, reply_to=form.id)
    before = len(connector.messages())
    await deliver()
    [card_msg] = [m for m in connector.messages()[before:] if m.conversation_id == bo.conversation_id]
    card = card_of(card_msg.body)
    blocks = json.dumps([b for b in card["body"] if b["type"] == "TextBlock"])
    assert "evil.example" not in blocks and "URGENT" not in blocks  # no Markdown block holds her words
    [rich] = [b for b in card["body"] if b["type"] == "RichTextBlock"]
    runs = rich["inlines"]
    assert "".join(r["text"] for r in runs) == ATTACK
    assert [r for r in runs if "selectAction" in r] == [
        {
            "type": "TextRun",
            "text": "https://evil.example",
            "selectAction": {"type": "Action.OpenUrl", "url": "https://evil.example"},
        }
    ]
    assert not [r for r in runs if r.get("weight")]  # the fake "From:" is not bold
    ours = [b["text"] for b in card["body"] if b["type"] == "TextBlock"]
    assert any(text.startswith("**From:**") for text in ours)  # our own Markdown still bold

    await bo.submit(action_titled(card, "Claim")["data"], reply_to=card_msg.id)
    write = next(m for m in reversed(connector.messages()) if m.conversation_id == bo.conversation_id)
    send = action_titled(card_of(write.body), "Send")["data"]
    await bo.submit({**send, "text": "# Done\n[Click here](https://evil.example)"}, reply_to=write.id)
    redrawn = card_of(connector.updates()[-1].body)  # his form, answered: what he wrote under it
    assert any("Click here" in json.dumps(b) for b in redrawn["body"] if b["type"] == "RichTextBlock")
    assert "evil.example" not in json.dumps([b for b in redrawn["body"] if b["type"] == "TextBlock"])
    before = len(connector.messages())
    await deliver()
    answer = next(m for m in connector.messages()[before:] if "Click here" in json.dumps(m.body))
    shown = card_of(answer.body)["body"]
    assert "evil.example" not in json.dumps([b for b in shown if b["type"] == "TextBlock"])
    assert any("https://evil.example" in json.dumps(b) for b in shown if b["type"] == "RichTextBlock")
