"""Socket Mode (SLACK_APP_TOKEN): the same turns over Slack's websocket, acked by envelope id."""

from __future__ import annotations

import asyncio

from bot.app import create_app
from bot.clock import FixedClock
from bot.config import load_settings
from tests.support.server import live_server
from tests.support.slack import APP_TOKEN, BOT_TOKEN, SIGNING_SECRET, FakeSlack
from tests.support.slack_fixtures import Payload


async def test_events_arrive_over_the_websocket(
    db_url: str, clock: FixedClock, fake_slack: FakeSlack, payload: Payload
) -> None:
    settings = load_settings(
        STAFET_DATABASE_URL=db_url,
        STAFET_DEFAULT_LANGUAGE="en",
        STAFET_SCHEDULER=False,
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_APP_TOKEN=APP_TOKEN,
        SLACK_API_URL=fake_slack.url,
    )
    app = create_app(settings, clock=clock, background=False)
    async with live_server(app):
        await asyncio.wait_for(fake_slack.socket.connected.wait(), timeout=5)
        envelope = {
            "envelope_id": "e-1",
            "type": "events_api",
            "payload": payload("message_im"),
            "accepts_response_payload": False,
            "retry_attempt": 0,
            "retry_reason": "",
        }
        await fake_slack.socket.push(envelope)
        ack = await asyncio.wait_for(fake_slack.socket.acks.get(), timeout=5)
        assert ack["envelope_id"] == "e-1"
        command = {
            "envelope_id": "e-2",
            "type": "slash_commands",
            "payload": payload("slash_command"),
            "accepts_response_payload": True,
        }
        await fake_slack.socket.push(command)
        ack = await asyncio.wait_for(fake_slack.socket.acks.get(), timeout=5)
        assert ack["envelope_id"] == "e-2"
        await app.state.slack.work.idle()
    assert [c.token for c in fake_slack.calls if c.method == "apps.connections.open"] == [APP_TOKEN]
    posted = fake_slack.called("chat.postMessage")
    assert [p["channel"] for p in posted] == ["D0ANNA", "D0ANNA"]
