"""Only requests signed by Slack in the last five minutes get in; tokens and request bodies stay
out of the logs; oversized, malformed and foreign requests are turned away."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable

import pytest
from fastapi import FastAPI
from sqlalchemy import func, select

from bot.adapters.slack.endpoint import MAX_BODY
from storage.models import Person
from storage.models.platform_events import ProcessedEvent
from storage.models.slack_inbox import SlackInboxEntry
from tests.support.slack import BOT_TOKEN, FakeSlack, SlackSender, signed_headers
from tests.support.slack_fixtures import Payload, Settle


async def _nothing_stored(app: FastAPI) -> None:
    async with app.state.context.db.unit_of_work() as session:
        assert await session.scalar(select(func.count()).select_from(Person)) == 0
        assert await session.scalar(select(func.count()).select_from(ProcessedEvent)) == 0
        assert await session.scalar(select(func.count()).select_from(SlackInboxEntry)) == 0


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param(lambda body: signed_headers(body, secret="not-the-secret"), id="forged"),
        pytest.param(lambda body: signed_headers(body, timestamp=int(time.time()) - 6 * 60), id="stale"),
        pytest.param(lambda body: {}, id="missing"),
        pytest.param(lambda body: signed_headers(body + " "), id="body-changed"),
    ],
)
async def test_unsigned_requests_are_refused(
    slack: SlackSender,
    payload: Payload,
    fake_slack: FakeSlack,
    settle: Settle,
    slack_app: FastAPI,
    headers: Callable[[str], dict[str, str]],
) -> None:
    for kind, body, content_type in (
        ("event", json.dumps(payload("message_im")), "application/json"),
        ("verification", json.dumps(payload("url_verification")), "application/json"),
    ):
        response = await slack.raw(body, content_type, sign=False, **headers(body))
        assert response.status_code == 401, kind
    await settle()
    assert fake_slack.methods() == []
    await _nothing_stored(slack_app)


async def test_tokens_never_reach_the_logs(
    slack: SlackSender,
    payload: Payload,
    settle: Settle,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    await slack.event(payload("message_im"))
    await settle()
    assert "chat.postMessage" in caplog.text  # the SDK did log its requests at DEBUG
    assert BOT_TOKEN not in caplog.text
    assert "secrettokenvalue" not in caplog.text


async def test_refused_requests_leave_their_bodies_out_of_the_logs(
    slack: SlackSender, payload: Payload, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    answer = payload("message_im")
    answer["event"]["text"] = "My honest survey answer: my manager never listens"
    body = json.dumps(answer)
    stale = signed_headers(body, timestamp=int(time.time()) - 6 * 60)  # genuine, but too old
    forged = signed_headers(body, secret="not-the-secret")
    for headers in (stale, forged, {}):
        assert (await slack.raw(body, "application/json", sign=False, **headers)).status_code == 401
    assert "Slack request refused" in caplog.text
    assert "manager never listens" not in caplog.text


@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "chunked"])
async def test_a_body_over_the_limit_is_refused_unread(
    slack: SlackSender,
    payload: Payload,
    fake_slack: FakeSlack,
    settle: Settle,
    slack_app: FastAPI,
    declared: bool,
) -> None:
    huge = payload("message_im")
    huge["event"]["text"] = "x" * (MAX_BODY + 1)
    body = json.dumps(huge).encode()
    headers = {"Content-Type": "application/json", **signed_headers(body.decode())}
    content = body if declared else _chunks(body)
    response = await slack.http.post("/slack/events", content=content, headers=headers)
    assert response.status_code == 413
    await settle()
    assert fake_slack.methods() == []
    await _nothing_stored(slack_app)


async def _chunks(body: bytes):  # type: ignore[no-untyped-def]
    for start in range(0, len(body), 64 * 1024):
        yield body[start : start + 64 * 1024]


async def test_the_largest_slack_payloads_still_fit(
    slack: SlackSender, payload: Payload, fake_slack: FakeSlack, settle: Settle
) -> None:
    """A message of Slack's longest (40,000 characters, all escaped) is well under the limit."""
    longest = payload("message_im")
    longest["event"]["text"] = "&lt;" * 10_000
    longest["event"]["blocks"] = [{"type": "section", "text": {"type": "mrkdwn", "text": "å" * 3000}}] * 50
    assert (await slack.event(longest)).status_code == 200
    await settle()
    assert len(fake_slack.called("chat.postMessage")) == 1


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b'{"type": "event_callback", "event": ', "application/json"),
        (b"payload=%7Bnot-json", "application/x-www-form-urlencoded"),
        (b'{"text": "\xff\xfe"}', "application/json"),
    ],
    ids=["truncated-json", "form-payload-not-json", "not-utf8"],
)
async def test_a_malformed_body_is_a_400_without_a_traceback(
    slack: SlackSender,
    slack_app: FastAPI,
    caplog: pytest.LogCaptureFixture,
    body: bytes,
    content_type: str,
) -> None:
    caplog.set_level(logging.DEBUG)
    for headers in ({}, signed_headers(body.decode("latin-1"))):
        sent = {"Content-Type": content_type, **headers}
        response = await slack.http.post("/slack/events", content=body, headers=sent)
        assert response.status_code == 400
        assert response.json() == {"error": "malformed request"}
    assert "Traceback" not in caplog.text
    await _nothing_stored(slack_app)


async def test_events_from_another_workspace_are_ignored_with_one_token(
    slack: SlackSender, payload: Payload, fake_slack: FakeSlack, settle: Settle, slack_app: FastAPI
) -> None:
    foreign = payload("message_im")
    foreign["team_id"] = foreign["context_team_id"] = foreign["event"]["team"] = "T0THEM"
    foreign["authorizations"][0]["team_id"] = "T0THEM"
    assert (await slack.event(foreign)).status_code == 200
    click = payload("block_actions_quiz")
    click["team"]["id"] = click["user"]["team_id"] = "T0THEM"
    assert (await slack.interaction(click)).status_code == 200
    await settle()
    assert fake_slack.methods() == []
    await _nothing_stored(slack_app)
