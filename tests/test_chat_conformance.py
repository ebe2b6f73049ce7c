"""What Teams and Slack clients would trip over: inputs a button must not send, presets, length.

Every card the connector receives is checked against the Adaptive Card 1.5 schema and every Slack
payload against slack_sdk's Block Kit models (see tests/support/conformance.py and the fixtures).
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import FastAPI
from sqlalchemy import select

from bot.adapters.teams import render
from bot.config import DEFAULT_CONTENT_DIR
from bot.i18n import Catalogue
from bot.questions import cards
from bot.questions.limits import MESSAGE_LIMIT, QUESTION_LIMIT
from bot.runtime.replies import Reply
from bot.surveys.answering import Step
from bot.surveys.chat import step_reply
from storage.models import Question, QuestionMessage, SurveyWave
from tests.conftest import START
from tests.support.conformance import card_problems
from tests.support.slack import FakeSlack, SlackSender
from tests.support.slack_fixtures import Payload, Settle
from tests.support.surveys import TEMPLATES
from tests.support.teams import action_titled, card_of, connector, people, teams, texts

__all__ = ["connector", "teams"]  # fixtures
LABELS = render.CardLabels("OK", "Show all")
CATALOGUE = Catalogue(DEFAULT_CONTENT_DIR / "messages")


def en(key: str, /, **params: object) -> str:
    return CATALOGUE.text("en", key, **params)


def _actions(card: dict[str, Any]) -> list[dict[str, Any]]:
    return [a for item in card["body"] for a in item.get("actions", ())]


def test_skip_beside_a_required_multi_select_sends_no_inputs() -> None:
    template = TEMPLATES["digital-confidence"]
    question = next(q for q in template.questions if q.type == "multiple")
    wave = SurveyWave(id=4, template_id=template.id, opens_at=START, closes_at=START, anonymous=True)
    step = Step(wave, template, question, 2, len(template.questions))
    card = render.card(step_reply(en, "en", step, 5, START.tzinfo), LABELS)  # type: ignore[arg-type]
    [chooser] = [item for item in card["body"] if item["type"] == "Input.ChoiceSet"]
    assert chooser["isMultiSelect"] and chooser["isRequired"]
    skip = next(a for a in _actions(card) if a["title"] == en("surveys.skip"))
    assert skip["associatedInputs"] == "none"
    assert card_problems(card) == []


def test_a_suggested_topic_that_is_not_listed_is_offered_as_the_own_tag() -> None:
    question = Question(id=3, topic="sharepoint-migration", text="How do I move my files?", language="en")
    card = render.card(cards.details_form(en, question), LABELS)
    topic = next(item for item in card["body"] if item.get("id") == "topic")
    tag = next(item for item in card["body"] if item.get("id") == "tag")
    assert topic["value"] == "" and tag["value"] == "sharepoint-migration"
    listed = render.card(
        cards.details_form(en, Question(id=4, topic="security", text="x", language="en")), LABELS
    )
    assert next(item for item in listed["body"] if item.get("id") == "topic")["value"] == "security"
    assert card_problems(card) == card_problems(listed) == []


def test_a_long_text_shows_its_beginning_and_a_show_all_toggle() -> None:
    long = "\n\n".join(f"Paragraph {n}: " + "word " * 60 for n in range(12))
    card = render.card(Reply(text=long, buttons=()), LABELS)
    shown = " ".join(texts(card))
    assert "Paragraph 0" in shown and "Paragraph 11" not in shown
    [hidden] = [item for item in card["body"] if item["type"] == "Container"]
    assert hidden["isVisible"] is False and "Paragraph 11" in json.dumps(hidden)
    [toggle] = _actions(card)
    assert toggle == {
        "type": "Action.ToggleVisibility",
        "title": "Show all",
        "targetElements": [hidden["id"]],
    }
    assert card_problems(card) == []


async def test_solved_beside_the_required_reply_sends_no_inputs_and_the_preview_is_plain(  # type: ignore[no-untyped-def]
    app, teams, connector, deliver
) -> None:
    anna, bo = teams("29:anna", "Anna"), teams("29:bo", "Bo")
    await anna.install()
    await bo.install()
    asker, owner = await people(app)
    context = app.state.context
    async with context.db.unit_of_work() as session:
        now = context.clock.now()
        question = Question(
            asker_id=asker.id, owner_id=owner.id, language="en", topic="security", text="MFA, how?",
            status="claimed", created_at=now, routed_at=now,
        )  # fmt: skip
        session.add(question)
        await session.flush()
        question_id = question.id
    answer = {
        "stafet": {"action": "questions.answer", "value": str(question_id)},
        "text": "Open **Security**.",
    }
    await bo.submit(answer, reply_to="card-1")
    assert await deliver() == 1
    [to_anna] = [m for m in connector.messages() if m.conversation_id == anna.conversation_id][-1:]
    assert "**" not in to_anna.body["summary"] and to_anna.body["summary"].startswith(
        "Answer to your question"
    )
    card = card_of(to_anna.body)
    solved = action_titled(card, en("questions.thread.solved"))
    assert solved["associatedInputs"] == "none"
    reply_box = next(item for item in card["body"] if item["type"] == "Input.Text")
    assert reply_box["isRequired"] and reply_box["maxLength"] == MESSAGE_LIMIT
    send = action_titled(card, en("questions.thread.send"))
    assert "associatedInputs" not in send  # the form's own button does send the reply

    too_long = {
        "stafet": {"action": "questions.answer", "value": str(question_id)},
        "text": "x" * (MESSAGE_LIMIT + 1),
    }
    await bo.submit(too_long, reply_to="card-2")
    refused = connector.messages()[-1].body
    assert refused["text"] == en("questions.too_long", limit=MESSAGE_LIMIT, length=MESSAGE_LIMIT + 1)
    async with context.db.unit_of_work() as session:
        stored = (await session.scalars(select(QuestionMessage.body))).all()
    assert stored == ["Open **Security**."]


async def test_a_pasted_novel_is_refused_politely_in_the_persons_language(
    slack: SlackSender, payload: Payload, fake_slack: FakeSlack, settle: Settle, slack_app: FastAPI
) -> None:
    pasted = ("Lorem ipsum dolor sit amet, consectetur adipiscing elit. " * 340)[:19_300] + "?"
    message = payload("message_im")
    message["event"]["text"] = pasted
    message["event"].pop("blocks")
    await slack.event(message)
    await settle()
    [posted] = fake_slack.called("chat.postMessage")
    da = CATALOGUE.text("da", "questions.too_long", limit=QUESTION_LIMIT, length=len(pasted))
    assert "2000" in da and posted["text"] == da  # Anna's Slack speaks Danish
    async with slack_app.state.context.db.unit_of_work() as session:
        assert (await session.scalars(select(Question))).all() == []


async def test_the_digest_switch_carries_a_value_slack_keeps(
    slack: SlackSender, payload: Payload, fake_slack: FakeSlack, settle: Settle, slack_app: FastAPI
) -> None:
    await slack.event(payload("message_im"))
    await settle()
    async with slack_app.state.context.db.unit_of_work() as session:
        [anna] = await people(slack_app)
        (await session.merge(anna)).role = "hr"
    message = payload("message_im")
    message["event"] |= {"text": "digest", "ts": "1700000002.000100", "client_msg_id": "digest-1"}
    message["event_id"] = "Ev0DIGEST"
    message["event"].pop("blocks")
    await slack.event(message)
    await settle()
    posted = fake_slack.called("chat.postMessage")[-1]
    [switch] = [e for b in posted["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert switch["value"] == "off"
    # the fake_slack fixture then checks every payload against slack_sdk's models
