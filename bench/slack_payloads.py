"""Signed-request bodies for bench/slack_events.py: DMs and clicks from a few dozen people."""

from __future__ import annotations

import json
from itertools import count
from urllib.parse import urlencode

USERS = 50
_n = count()


def message_body() -> tuple[str, str]:
    n = next(_n)
    user = f"U{n % USERS:04d}"
    event = {
        "type": "message",
        "user": user,
        "text": "help",
        "ts": f"1700000000.{n:06d}",
        "team": "T0001",
        "channel": "D" + user[1:],
        "event_ts": f"1700000000.{n:06d}",
        "channel_type": "im",
    }
    body = {
        "token": "t",
        "team_id": "T0001",
        "api_app_id": "A1",
        "event": event,
        "type": "event_callback",
        "event_id": f"Ev{n:010d}",
        "event_time": 1700000000,
    }
    return json.dumps(body), "application/json"


def action_body() -> tuple[str, str]:
    n = next(_n)
    user = f"U{n % USERS:04d}"
    button = {
        "action_id": "people.language#0",
        "block_id": "b",
        "type": "button",
        "value": "en",
        "text": {"type": "plain_text", "text": "English"},
        "action_ts": f"1700000000.{n:06d}",
    }
    blocks = [
        {"type": "section", "text": {"type": "mrkdwn", "text": "Language?"}},
        {"type": "actions", "elements": [{k: v for k, v in button.items() if k != "action_ts"}]},
    ]
    payload = {
        "type": "block_actions",
        "user": {"id": user, "team_id": "T0001"},
        "team": {"id": "T0001"},
        "container": {"type": "message", "message_ts": "1.1", "channel_id": "D" + user[1:]},
        "channel": {"id": "D" + user[1:]},
        "trigger_id": f"{n}.1.x",
        "api_app_id": "A1",
        "message": {"type": "message", "ts": "1.1", "text": "Language?", "blocks": blocks},
        "actions": [button],
    }
    return urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded"


def body() -> tuple[str, str]:
    return message_body() if next(_n) % 2 else action_body()
