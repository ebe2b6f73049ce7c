"""Slack payloads → neutral Events (pure); what is not for the core (trigger ids, message ts) is
returned beside the event in `Interaction`."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from bot.runtime.events import Address, Event, Platform

FORM_BUTTON = "stafet.form"  # a message button that opens a form as a modal
FORM_CALLBACK = "stafet.form"  # callback_id of our modals
FIELD_ACTION = "field"  # action_id of every input in a modal; the block_id is the field name
GLOBAL_SHORTCUT = "ask_ambassador"
MESSAGE_SHORTCUT = "ask_about_message"
QUOTE_LIMIT = 1000
PERSON_SUBTYPES = (None, "file_share", "thread_broadcast")  # what a person writes; not edits or joins


@dataclass(frozen=True, slots=True)
class Source:
    """The message a clicked control sat in, so it can be updated to show the choice."""

    channel: str
    ts: str
    blocks: tuple[dict[str, Any], ...]
    label: str


@dataclass(frozen=True, slots=True)
class Interaction:
    """An Event plus what only the adapter needs: a de-duplication key, a trigger id, the source."""

    event: Event
    dedup_key: str
    trigger_id: str | None = None
    source: Source | None = None
    from_home: bool = False


def encode_action(action: str, n: int) -> str:
    """Block Kit wants action ids unique within a message: append the element's position."""
    return f"{action}#{n}"


def decode_action(action_id: str) -> str:
    action, sep, n = action_id.rpartition("#")
    return action if sep and n.isdigit() else action_id


def _address(team: str, channel: str, user: str) -> Address:
    return Address(Platform.SLACK, team, channel, user)


def message_im(body: dict[str, Any]) -> Interaction | None:
    """A person writing to the bot in its DM; edits, bot posts and other channels are ignored."""
    event = body.get("event", {})
    if event.get("type") != "message" or event.get("channel_type") != "im":
        return None
    if event.get("subtype") not in PERSON_SUBTYPES or event.get("bot_id") or not event.get("user"):
        return None
    team = body.get("team_id") or event.get("team", "")
    address = _address(team, event["channel"], event["user"])
    return Interaction(Event(address, text=_plain(event.get("text", ""))), f"event:{body['event_id']}")


def app_home_opened(body: dict[str, Any]) -> Interaction | None:
    event = body.get("event", {})
    if event.get("tab", "home") != "home":
        return None
    address = _address(body.get("team_id", ""), event.get("channel", ""), event["user"])
    return Interaction(Event(address, text="home"), f"event:{body['event_id']}", from_home=True)


def slash_command(body: dict[str, Any]) -> Interaction:
    """`/stafet next` → text "next"; a bare `/stafet` asks for help. The DM is found later."""
    text = body.get("text", "").strip() or "help"
    address = _address(body["team_id"], "", body["user_id"])
    trigger = body.get("trigger_id")
    return Interaction(Event(address, text=text), f"command:{trigger}", trigger_id=trigger)


def shortcut(body: dict[str, Any]) -> Interaction:
    """Both shortcuts start a question; the message shortcut quotes the message."""
    text = "ask"
    if body.get("type") == "message_action":
        quoted = _plain(body.get("message", {}).get("text", ""))[:QUOTE_LIMIT]
        text = f"ask {quoted}".strip()
    team = (body.get("team") or {}).get("id", "")
    address = _address(team, "", body["user"]["id"])
    trigger = body.get("trigger_id")
    return Interaction(Event(address, text=text), f"shortcut:{trigger}", trigger_id=trigger)


def block_action(body: dict[str, Any]) -> Interaction:
    """A click on a button or a pick in a select, from a message or from App Home."""
    action = body["actions"][0]
    value, label = _picked(action)
    container = body.get("container", {})
    channel = (body.get("channel") or {}).get("id") or container.get("channel_id", "")
    source = None
    message = body.get("message")
    if container.get("type") == "message" and message is not None:
        blocks = tuple(message.get("blocks", ()))
        source = Source(channel, container.get("message_ts") or message["ts"], blocks, label)
    team = (body.get("team") or {}).get("id") or body["user"].get("team_id", "")
    event = Event(
        _address(team, channel, body["user"]["id"]),
        action=decode_action(action["action_id"]),
        value=value,
        source_message_id=source.ts if source else None,
    )
    trigger = body.get("trigger_id")
    key = f"action:{trigger or action.get('action_ts')}"
    return Interaction(event, key, trigger, source, from_home=container.get("type") == "view")


def view_submission(body: dict[str, Any]) -> Interaction:
    """A submitted modal → the form's action and value, with each field by name."""
    view = body["view"]
    meta = json.loads(view.get("private_metadata") or "{}")
    fields = {name: _field_value(inputs) for name, inputs in view.get("state", {}).get("values", {}).items()}
    team = (body.get("team") or {}).get("id", "")
    address = _address(team, meta.get("channel", ""), body["user"]["id"])
    event = Event(address, action=meta.get("action", ""), value=meta.get("value", ""), fields=fields)
    return Interaction(event, f"view:{view['id']}:{view.get('hash', '')}")


def _picked(action: dict[str, Any]) -> tuple[str, str]:
    """(value, label) of a button or a single or multiple select."""
    if "selected_options" in action:
        options = action["selected_options"]
        return ",".join(o["value"] for o in options), ", ".join(o["text"]["text"] for o in options)
    if "selected_option" in action:
        option = action["selected_option"] or {}
        return option.get("value", ""), (option.get("text") or {}).get("text", "")
    return action.get("value", ""), (action.get("text") or {}).get("text", "")


def _field_value(inputs: dict[str, Any]) -> str:
    state = inputs.get(FIELD_ACTION) or next(iter(inputs.values()), {})
    kind = state.get("type")
    if kind == "checkboxes":
        return "true" if state.get("selected_options") else ""
    if "selected_options" in state:
        return ",".join(o["value"] for o in state.get("selected_options") or ())
    if "selected_option" in state:
        return (state.get("selected_option") or {}).get("value", "")
    return (state.get("value") or "").strip()


def _plain(text: str) -> str:
    """Slack escapes &, < and > in message text; the core wants what the person typed."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&").strip()
