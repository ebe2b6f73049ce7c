"""Slash command, clicks, selects, shortcuts and modals over real HTTP against the fake Web API."""

from __future__ import annotations

import dataclasses
import json

import pytest
from fastapi import FastAPI

from bot.runtime.replies import Field, Form, Option, Reply
from bot.runtime.turn import Turn
from tests.support.slack import FakeSlack, SlackSender
from tests.support.slack_fixtures import Payload, Settle

SUBMITTED: list[tuple[str, dict[str, str]]] = []


def _ask_form(value: str) -> Form:
    fields = (
        Field("question", "Your question", "textarea", required=True, initial=value),
        Field("topic", "Topic", "select", (Option("Teams", "teams"), Option("Excel", "excel"))),
        Field("anonymous", "Ask anonymously", "checkbox"),
    )
    return Form("demo.submit", "Ask an ambassador", fields, "Send", value=value[:40])


@pytest.fixture(autouse=True)
def ask_handlers(slack_app: FastAPI) -> None:
    """Stand-ins for the questions feature: `ask` answers with a form, the form is submitted."""
    router = slack_app.state.dispatcher.router
    SUBMITTED.clear()

    async def ask(turn: Turn) -> Reply:
        return Reply(form=_ask_form(turn.args))

    async def submit(turn: Turn) -> Reply:
        SUBMITTED.append((turn.event.value, dict(turn.event.fields)))
        return Reply(text=f"Sent to an ambassador: {turn.event.fields['question']}")

    # The real `ask` starts with self-help; these tests need it to answer with a form at once.
    router.commands["ask"] = dataclasses.replace(router.commands["ask"], handler=ask)
    router.action("demo.submit", submit)


async def test_slash_command_answers_in_the_dm(
    slack: SlackSender,
    payload: Payload,
    fake_slack: FakeSlack,
    settle: Settle,
) -> None:
    response = await slack.command(payload("slash_command"))
    assert response.status_code == 200
    assert response.text == "I've answered you in our direct messages (Apps → Stafet)."
    await settle()
    assert fake_slack.methods() == ["users.info", "conversations.open", "chat.postMessage"]
    [posted] = fake_slack.called("chat.postMessage")
    assert posted["channel"] == "D0ANNA"
    assert "help" in posted["text"].lower() or posted["blocks"][0]["type"] == "header"


async def test_slash_command_subcommand_reaches_its_handler(
    slack: SlackSender,
    payload: Payload,
    fake_slack: FakeSlack,
    settle: Settle,
) -> None:
    command = payload("slash_command")
    command["text"], command["channel_id"] = "language", "D0ANNA"
    await slack.command(command)  # first use: the DM is not known yet
    await settle()
    command["trigger_id"] = "1700000009.9999.zzzz"
    again = await slack.command(command)
    assert again.status_code == 200 and again.text == ""  # in the DM the answer needs no pointer
    await settle()
    posted, _ = fake_slack.called("chat.postMessage")
    [actions] = [b for b in posted["blocks"] if b["type"] == "actions"]
    [select] = actions["elements"]
    assert select["type"] == "static_select" and select["action_id"] == "people.language#0"
    assert [o["value"] for o in select["options"]] == ["da", "en", "nb"]


async def test_picking_in_a_select_updates_the_message(
    slack: SlackSender,
    payload: Payload,
    fake_slack: FakeSlack,
    settle: Settle,
    slack_app: FastAPI,
) -> None:
    assert (await slack.interaction(payload("block_actions_select"))).status_code == 200
    await settle()
    assert fake_slack.methods() == ["users.info", "chat.update", "chat.postMessage"]
    [update] = fake_slack.called("chat.update")
    assert (update["channel"], update["ts"]) == ("D0ANNA", "1700000000.000001")
    assert [b["type"] for b in update["blocks"]] == ["section", "context"]
    assert update["blocks"][-1]["elements"][0]["text"] == "✓ Du valgte: Danish"
    [posted] = fake_slack.called("chat.postMessage")
    assert posted["text"] == "Sådan. Fra nu af skriver jeg på dansk."


@pytest.mark.parametrize("name", ["block_actions_quiz", "block_actions_survey", "block_actions_claim"])
async def test_button_clicks_reach_their_handler_once(
    slack: SlackSender,
    payload: Payload,
    fake_slack: FakeSlack,
    settle: Settle,
    slack_app: FastAPI,
    name: str,
) -> None:
    seen: list[tuple[str | None, str]] = []

    async def record(turn: Turn) -> Reply:
        seen.append((turn.event.action, turn.event.value))
        return Reply(text="Thanks!")

    action = payload(name)["actions"][0]
    slack_app.state.dispatcher.router.action(action["action_id"].split("#")[0], record)
    for _ in range(2):
        assert (await slack.interaction(payload(name))).status_code == 200
    await settle()
    assert seen == [(action["action_id"].split("#")[0], action["value"])]
    [update] = fake_slack.called("chat.update")
    assert update["blocks"][-1]["elements"][0]["text"] == f"✓ Du valgte: {action['text']['text']}"
    assert all(b["type"] != "actions" for b in update["blocks"])


async def test_a_handler_can_replace_the_clicked_message(
    slack: SlackSender,
    payload: Payload,
    fake_slack: FakeSlack,
    settle: Settle,
    slack_app: FastAPI,
) -> None:
    async def quiz(turn: Turn) -> Reply:
        turn.source_update = Reply(text="*Capital of France?* Paris: correct")
        return Reply(text="Well done")

    slack_app.state.dispatcher.router.action("quiz.answer", quiz)
    await slack.interaction(payload("block_actions_quiz"))
    await settle()
    [update] = fake_slack.called("chat.update")
    assert update["text"] == "*Capital of France?* Paris: correct"
    assert [b["type"] for b in update["blocks"]] == ["section"]


@pytest.mark.parametrize("name", ["shortcut_global", "shortcut_message"])
async def test_shortcuts_open_the_question_form(
    slack: SlackSender,
    payload: Payload,
    fake_slack: FakeSlack,
    settle: Settle,
    name: str,
) -> None:
    shortcut = payload(name)
    assert (await slack.interaction(shortcut)).status_code == 200
    await settle()
    assert fake_slack.methods() == ["users.info", "conversations.open", "views.open"]
    [opened] = fake_slack.called("views.open")
    assert opened["trigger_id"] == shortcut["trigger_id"]
    view = opened["view"]
    assert view["type"] == "modal" and view["callback_id"] == "stafet.form"
    assert [b["block_id"] for b in view["blocks"]] == ["question", "topic", "anonymous"]
    initial = view["blocks"][0]["element"].get("initial_value", "")
    if name == "shortcut_message":
        assert initial == "Does anyone know how to share a Teams recording & keep it private?"
    else:
        assert initial == ""


async def test_modal_submission_becomes_an_action_with_fields(
    slack: SlackSender,
    payload: Payload,
    fake_slack: FakeSlack,
    settle: Settle,
) -> None:
    await slack.event(payload("app_home_opened"))
    await settle()
    response = await slack.interaction(payload("view_submission"))
    assert response.status_code == 200 and response.text == ""
    await settle()
    assert SUBMITTED == [
        ("from-shortcut", {"question": "How do I share a recording?", "topic": "teams", "anonymous": "true"})
    ]
    [posted] = fake_slack.called("chat.postMessage")
    assert posted["channel"] == "D0ANNA"
    assert posted["text"] == "Sent to an ambassador: How do I share a recording?"
    opened, refreshed = fake_slack.called("views.publish")  # App Home shows what the submission changed
    assert refreshed["user_id"] == "U0ANNA" and refreshed["view"]["type"] == "home"


async def test_a_form_in_a_dm_opens_as_a_modal_from_its_button(
    slack: SlackSender,
    payload: Payload,
    fake_slack: FakeSlack,
    settle: Settle,
) -> None:
    message = payload("message_im")
    message["event"]["text"] = "ask How do I book a room?"
    await slack.event(message)
    await settle()
    [posted] = fake_slack.called("chat.postMessage")
    [button] = [e for b in posted["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert button["action_id"] == "stafet.form#0" and button["text"]["text"] == "Ask an ambassador"
    click = payload("block_actions_quiz")
    click["actions"] = [{**click["actions"][0], "action_id": button["action_id"], "value": button["value"]}]
    await slack.interaction(click)
    await settle()
    [opened] = fake_slack.called("views.open")
    assert opened["trigger_id"] == click["trigger_id"]
    assert opened["view"]["blocks"][0]["element"]["initial_value"] == "How do I book a room?"
    assert json.loads(opened["view"]["private_metadata"])["channel"] == "D0ANNA"
