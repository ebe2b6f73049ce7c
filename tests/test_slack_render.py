"""Replies → Block Kit and payloads → Events, as pure functions on recorded shapes."""

from __future__ import annotations

import json

from bot.adapters.slack import render, translate
from bot.runtime.replies import Button, Choice, Field, Form, Option, Reply, Scale
from tests.support.slack_fixtures import Payload


def _elements(blocks: list[dict]) -> list[dict]:  # type: ignore[type-arg]
    return [e for b in blocks if b["type"] == "actions" for e in b["elements"]]


def test_markdown_light_becomes_mrkdwn() -> None:
    text = "**Tip**: see [the guide](https://x.example/a?b=1&c=2)\n- one\n- two <script>"
    assert render.mrkdwn(text) == (
        "*Tip*: see <https://x.example/a?b=1&amp;c=2|the guide>\n• one\n• two &lt;script&gt;"
    )


def test_action_ids_are_unique_and_decode_back() -> None:
    reply = Reply(
        text="Rate it",
        scale=Scale("survey.answer", 1, 5, "Not at all", "Very", prefix="q2:"),
        buttons=(Button("Skip", "survey.answer", "q2:skip"),),
    )
    elements = _elements(render.message(reply)["blocks"])
    ids = [e["action_id"] for e in elements]
    assert len(set(ids)) == len(ids) == 6
    assert {translate.decode_action(i) for i in ids} == {"survey.answer"}
    assert [e["value"] for e in elements][:2] == ["q2:1", "q2:2"]
    context = [b for b in render.blocks(reply) if b["type"] == "context"]
    assert context[0]["elements"][0]["text"] == "1 = Not at all   5 = Very"


def test_long_text_is_split_and_fallback_text_is_plain() -> None:
    reply = Reply(title="Lesson", text="**x** " * 1000)
    message = render.message(reply)
    sections = [b for b in message["blocks"] if b["type"] == "section"]
    assert len(sections) == 2 and all(len(s["text"]["text"]) <= 3000 for s in sections)
    assert message["text"].startswith("Lesson x x")


def test_multiple_choice_is_a_multi_select() -> None:
    choice = Choice("topics", (Option("Teams", "teams"), Option("Excel", "excel")), "Pick", multiple=True)
    [select] = _elements(render.blocks(Reply(choice=choice)))
    assert select["type"] == "multi_static_select" and select["placeholder"]["text"] == "Pick"


def test_a_form_round_trips_through_its_button_and_modal() -> None:
    form = Form(
        "demo.submit",
        "Ask an ambassador about something long",
        (Field("q", "Question", "textarea", required=True, initial="x" * 3000),),
        "Send",
        value="42",
    )
    [button] = _elements(render.blocks(Reply(form=form)))
    assert button["value"].startswith("z:") and len(button["value"]) <= 2000
    assert render.unpack_form(button["value"]) == form
    view = render.modal(form, "D1")
    assert len(view["title"]["text"]) <= 24
    metadata = json.loads(view["private_metadata"])
    assert metadata == {"action": "demo.submit", "value": "42", "channel": "D1"}
    assert view["blocks"][0]["element"]["multiline"] is True and view["blocks"][0]["optional"] is False


def test_answered_message_loses_its_controls() -> None:
    blocks = render.blocks(Reply(text="Pick", buttons=(Button("A", "x", "a"),)))
    assert [b["type"] for b in render.answered(blocks, "✓ A")] == ["section", "context"]


def test_recorded_payloads_translate_to_neutral_events(payload: Payload) -> None:
    message = translate.message_im(payload("message_im"))
    assert message is not None and message.event.text == "help"
    assert message.event.address.conversation_id == "D0ANNA" and message.dedup_key == "event:Ev0MSG000001"
    with_file = payload("message_im")
    with_file["event"]["subtype"] = "file_share"
    assert translate.message_im(with_file) is not None
    select = translate.block_action(payload("block_actions_select"))
    assert (select.event.action, select.event.value) == ("people.language", "da")
    assert select.source is not None and select.source.label == "Danish"
    survey = translate.block_action(payload("block_actions_survey"))
    assert (survey.event.action, survey.event.value, survey.source and survey.source.label) == (
        "survey.answer",
        "s7:q2:4",
        "4",
    )
    command = translate.slash_command(payload("slash_command"))
    assert command.event.text == "help" and command.event.address.conversation_id == ""
    quoted = translate.shortcut(payload("shortcut_message"))
    assert quoted.event.text.startswith("ask Does anyone know") and "&amp;" not in quoted.event.text
    submitted = translate.view_submission(payload("view_submission"))
    assert submitted.event.fields["anonymous"] == "true" and submitted.event.action == "demo.submit"
