"""Teams translate and render as pure functions, on recorded activities; the app package."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from botbuilder.core import TurnContext
from botbuilder.core.adapters import TestAdapter
from botbuilder.schema import Activity
from typer.testing import CliRunner

from bot.adapters.teams import render
from bot.adapters.teams.manifest import ManifestError, build_package
from bot.adapters.teams.messenger import retry_after_seconds
from bot.adapters.teams.translate import conversation_kind, is_bot_added, profile_of, reference_of, to_event
from bot.cli import app as cli
from bot.runtime.replies import Button, Choice, Field, Form, Option, Reply, Scale

PAYLOADS = Path(__file__).parent / "payloads" / "teams"
ROOT = Path(__file__).resolve().parent.parent
LABELS = render.CardLabels("OK", "Show all")
APP_ID = "00000000-0000-4000-8000-00000000b07a"


def recorded(name: str) -> Activity:
    return Activity().deserialize(json.loads((PAYLOADS / f"{name}.json").read_text()))


def test_channel_message_loses_the_mention_and_keeps_tenant_locale_and_zone() -> None:
    activity = recorded("channel_mention")
    event = to_event(activity, profile_of(activity))
    assert event is not None and event.text == "hjælp" and not event.is_action
    assert event.address.workspace_id == "72f988bf-0000-4000-8000-000000000001"
    assert event.address.conversation_id == "19:general@thread.tacv2"  # the channel, not the thread
    assert event.profile.language == "da-DK" and event.profile.timezone == "Europe/Copenhagen"
    assert conversation_kind(activity) == "channel"
    reference = reference_of(activity)
    assert reference["conversation"]["id"] == "19:general@thread.tacv2"
    assert "activityId" not in reference and reference["serviceUrl"].startswith("https://smba")


def test_form_submission_becomes_an_action_with_fields() -> None:
    activity = recorded("submit_form")
    event = to_event(activity, profile_of(activity, email="Anna@Example.org"))
    assert event is not None
    assert (event.action, event.value, event.source_message_id) == (
        "questions.ask",
        "draft-3",
        "1763886000000",
    )
    assert event.fields == {
        "question": "How do I share a file safely?",
        "anonymous": "true",
        "topics": "security,teams",
    }
    assert event.profile.email == "anna@example.org" and event.profile.timezone == "Europe/Oslo"


def test_installation_in_a_team_is_recognised() -> None:
    activity = recorded("installation_update")
    assert is_bot_added(activity) and conversation_kind(activity) == "channel"
    assert to_event(activity, profile_of(activity)) is None
    removed = recorded("installation_update")
    removed.action = "remove"
    assert not is_bot_added(removed)


def test_plain_text_stays_text_and_controls_become_a_card() -> None:
    assert render.message(Reply(text="Hello **there**"), LABELS) == {
        "type": "message",
        "text": "Hello **there**",
        "textFormat": "markdown",
    }
    reply = Reply(title="Quiz", text="First.\n\nSecond.", buttons=(Button("Go", "x.go", "1", "danger"),))
    card = render.message(reply, LABELS)["attachments"][0]["content"]
    assert card["$schema"].startswith("http://adaptivecards.io") and card["version"] == "1.5"
    assert [b["text"] for b in card["body"] if b["type"] == "TextBlock"] == ["Quiz", "First.", "Second."]
    [action] = card["body"][-1]["actions"]
    assert action["type"] == "Action.Submit" and action["style"] == "destructive"
    assert action["data"]["stafet"] | {} == {
        "action": "x.go",
        "value": "1",
        "label": "Go",
        "echo": {"title": "Quiz", "text": "First.\n\nSecond."},
    }


def test_form_and_choice_render_as_inputs_with_one_submit() -> None:
    form = Form(
        "questions.ask",
        "Ask an ambassador",
        (
            Field("question", "Your question", "textarea", required=True, placeholder="Type here"),
            Field("topic", "Topic", "select", (Option("Excel", "excel"), Option("Teams", "teams"))),
            Field("anonymous", "Ask anonymously", "checkbox"),
        ),
        "Send",
        value="draft-3",
    )
    body = render.card(Reply(form=form), LABELS)["body"]
    kinds = [(item["type"], item.get("id")) for item in body]
    assert kinds == [
        ("TextBlock", None),
        ("Input.Text", "question"),
        ("Input.ChoiceSet", "topic"),
        ("Input.Toggle", "anonymous"),
        ("ActionSet", None),
    ]
    assert body[1]["isMultiline"] and body[1]["isRequired"] and body[1]["label"] == "Your question"
    [submit] = body[-1]["actions"]
    assert submit["title"] == "Send" and submit["data"]["stafet"]["value"] == "draft-3"
    choice = Choice("people.language", (Option("Dansk", "da"), Option("English", "en")), multiple=True)
    chooser, actions = render.card(Reply(choice=choice), LABELS)["body"]
    assert chooser["isMultiSelect"] and chooser["style"] == "expanded"
    routing = actions["actions"][0]["data"]["stafet"]
    assert render.chosen_label(routing, "da,en", {}) == "Dansk, English"


def test_scale_rows_and_answered_card() -> None:
    body = render.card(Reply(text="Rate", scale=Scale("s.rate", 1, 5, "Low", "High")), LABELS)["body"]
    assert [len(b["actions"]) for b in body if b["type"] == "ActionSet"] == [5]
    assert body[-1]["type"] == "ColumnSet"
    routing = body[1]["actions"][2]["data"]["stafet"]
    answered = render.answered_card(routing, render.chosen_label(routing, "3", {}))
    assert [b["text"] for b in answered["body"]] == ["Rate", "✓ 3"]


async def test_rendered_messages_are_valid_bot_framework_activities() -> None:
    """Through botbuilder's own TestAdapter, as the SDK would send them."""
    reply = Reply(title="Pulse", text="How are you?", scale=Scale("s.rate", 1, 5))

    async def logic(context: TurnContext) -> None:
        await context.send_activity(Activity().deserialize(render.message(reply, LABELS)))

    adapter = TestAdapter(logic)
    await adapter.receive_activity("hi")
    sent = adapter.get_next_activity()
    assert sent.attachments[0].content_type == render.CONTENT_TYPE
    assert sent.attachments[0].content["body"][0]["text"] == "Pulse"
    assert sent.summary == "Pulse"


def test_retry_after_as_seconds_or_http_date(clock) -> None:  # type: ignore[no-untyped-def]
    assert retry_after_seconds("12", clock.now()) == 12
    assert retry_after_seconds("Mon, 23 Nov 2026 08:01:00 GMT", clock.now()) == 60
    assert retry_after_seconds("soon", clock.now()) is None


def test_app_package_has_manifest_and_icons() -> None:
    package = zipfile.ZipFile(io.BytesIO(build_package(APP_ID, "https://stafet.example.org/")))
    assert sorted(package.namelist()) == ["color.png", "manifest.json", "outline.png"]
    manifest: dict[str, Any] = json.loads(package.read("manifest.json"))
    assert manifest["id"] == APP_ID and manifest["bots"][0]["botId"] == APP_ID
    assert manifest["validDomains"] == ["stafet.example.org"]
    assert manifest["developer"]["privacyUrl"] == "https://stafet.example.org/privacy"
    assert "{{" not in json.dumps(manifest)
    assert package.read("color.png")[16:24] == (192).to_bytes(4, "big") * 2
    assert package.read("outline.png")[16:24] == (32).to_bytes(4, "big") * 2
    with pytest.raises(ManifestError, match="GUID"):
        build_package("my-bot", "https://stafet.example.org")
    with pytest.raises(ManifestError, match="https"):
        build_package(APP_ID, "http://stafet.example.org")


def test_botbuilder_is_imported_only_by_the_teams_adapter() -> None:
    outside = [
        path.relative_to(ROOT)
        for folder in ("bot", "storage")
        for path in (ROOT / folder).rglob("*.py")
        if "adapters/teams" not in path.as_posix()
        and any(
            line.lstrip().startswith(("import ", "from "))
            and any(sdk in line for sdk in ("botbuilder", "botframework", "msrest"))
            for line in path.read_text().splitlines()
        )
    ]
    assert outside == []


def test_stafet_manifest_teams_writes_the_zip(tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "teams.zip"
    args = ["manifest", "teams", "--app-id", APP_ID, "--url", "https://stafet.example.org", "--out", str(out)]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "manifest.json" in zipfile.ZipFile(out).namelist()
    refused = runner.invoke(cli, ["manifest", "teams", "--app-id", "nope", "--url", "https://x.example"])
    assert refused.exit_code == 2
