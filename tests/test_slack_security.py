"""Only requests signed by Slack in the last five minutes get in; tokens stay out of the logs."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable

import pytest
from fastapi import FastAPI
from sqlalchemy import func, select

from storage.models import Person
from storage.models.platform_events import ProcessedEvent
from tests.support.slack import BOT_TOKEN, FakeSlack, SlackSender, signed_headers
from tests.support.slack_fixtures import Payload, Settle


async def _nothing_stored(app: FastAPI) -> None:
    async with app.state.context.db.unit_of_work() as session:
        assert await session.scalar(select(func.count()).select_from(Person)) == 0
        assert await session.scalar(select(func.count()).select_from(ProcessedEvent)) == 0


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
