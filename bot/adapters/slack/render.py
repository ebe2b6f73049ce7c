"""Neutral Replies → Block Kit (pure): messages, modals for forms, and the App Home view."""

from __future__ import annotations

import base64
import json
import re
import zlib
from collections.abc import Sequence
from typing import Any

from bot.adapters.slack.richtext import rich_text
from bot.adapters.slack.translate import FIELD_ACTION, FORM_BUTTON, FORM_CALLBACK, encode_action
from bot.runtime.replies import Button, Choice, Field, Form, Reply
from bot.runtime.usertext import has_said, unmarked

Block = dict[str, Any]
SECTION_LIMIT = 3000
TEXT_LIMIT = 12000  # of a message's text in all its sections: Slack refuses much more (msg_blocks_too_long)
INPUT_LIMIT = 3000  # the most a plain_text_input may be set to take
MESSAGE_BLOCKS = 50
HOME_BLOCKS = 100
VALUE_LIMIT = 2000
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")


def mrkdwn(text: str) -> str:
    """Our Markdown-light → Slack mrkdwn: **bold** → *bold*, [a](u) → <u|a>, `-` lists → bullets."""
    text = escape(text)
    text = _BOLD.sub(r"*\1*", text)
    text = _LINK.sub(r"<\2|\1>", text)
    return "\n".join("• " + line[2:] if line.startswith("- ") else line for line in text.split("\n"))


def escape(text: str) -> str:
    """Slack's three control characters, so `<!channel>` or `<url|label>` stays text."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def plain(text: str, limit: int) -> dict[str, Any]:
    text = unmarked(text)
    return {"type": "plain_text", "text": (text[: limit - 1] + "…") if len(text) > limit else text}


def message(reply: Reply) -> dict[str, Any]:
    """`text` (notifications, screen readers) and `blocks` for chat.postMessage / chat.update.

    The fallback is mrkdwn too: it is escaped, or a person's `<!channel>` would ping."""
    fallback = " ".join(part for part in (reply.title, reply.text) if part) or " "
    text = escape(_squash(unmarked(fallback)))[:SECTION_LIMIT]
    return {"text": text, "blocks": blocks(reply)[:MESSAGE_BLOCKS]}


def blocks(reply: Reply) -> list[Block]:
    out: list[Block] = []
    if reply.title:
        out.append({"type": "header", "text": plain(reply.title, 150)})
    if has_said(reply.text):
        out.append(rich_text(reply.text, TEXT_LIMIT))
    text = "" if has_said(reply.text) else mrkdwn(reply.text)
    if len(text) > TEXT_LIMIT:
        text = text[: TEXT_LIMIT - 1] + "…"
    for start in range(0, len(text), SECTION_LIMIT):
        out.append(
            {"type": "section", "text": {"type": "mrkdwn", "text": text[start : start + SECTION_LIMIT]}}
        )
    elements: list[Block] = []
    if reply.scale:
        elements += [_button(b, len(elements) + i) for i, b in enumerate(reply.scale.points())]
    elements += [_button(b, len(elements) + i) for i, b in enumerate(reply.buttons)]
    if reply.choice:
        elements.append(_select(reply.choice, len(elements)))
    if reply.form:
        elements.append(form_button(reply.form, len(elements)))
    if reply.scale and (reply.scale.low_label or reply.scale.high_label):
        hint = f"{reply.scale.low} = {reply.scale.low_label}   {reply.scale.high} = {reply.scale.high_label}"
        out.append({"type": "context", "elements": [{"type": "mrkdwn", "text": mrkdwn(hint)}]})
    for start in range(0, len(elements), 25):
        out.append({"type": "actions", "elements": elements[start : start + 25]})
    return out


def form_button(form: Form, n: int) -> Block:
    """Outside an interaction a form cannot open at once: a button carries it until clicked."""
    return {
        "type": "button",
        "action_id": encode_action(FORM_BUTTON, n),
        "text": plain(form.title or form.submit_label, 75),
        "value": pack_form(form),
        "style": "primary",
    }


def pack_form(form: Form) -> str:
    data = json.dumps(Reply(form=form).to_json()["form"], separators=(",", ":"))
    if len(data) <= VALUE_LIMIT:
        return data
    return "z:" + base64.urlsafe_b64encode(zlib.compress(data.encode(), 9)).decode()


def unpack_form(value: str) -> Form:
    data = zlib.decompress(base64.urlsafe_b64decode(value[2:])).decode() if value.startswith("z:") else value
    form = Reply.from_json({"form": json.loads(data)}).form
    assert form is not None
    return form


def modal(form: Form, channel: str = "") -> dict[str, Any]:
    """A form as a modal for views.open; `private_metadata` carries what the submission needs."""
    metadata = json.dumps({"action": form.action, "value": form.value, "channel": channel})
    return {
        "type": "modal",
        "callback_id": FORM_CALLBACK,
        "title": plain(form.title or form.submit_label, 24),
        "submit": plain(form.submit_label, 24),
        "private_metadata": metadata,
        "blocks": [_input(field) for field in form.fields],
    }


def home(replies: Sequence[Reply]) -> dict[str, Any]:
    """Every home section, separated by dividers, as one App Home view for views.publish."""
    out: list[Block] = []
    for reply in replies:
        if out:
            out.append({"type": "divider"})
        out.extend(blocks(reply))
    return {"type": "home", "blocks": out[:HOME_BLOCKS]}


def answered(source_blocks: Sequence[Block], note: str) -> list[Block]:
    """The clicked message without its controls, with a note saying what was chosen."""
    kept = [b for b in source_blocks if b.get("type") not in ("actions", "input")]
    return [*kept, {"type": "context", "elements": [{"type": "mrkdwn", "text": mrkdwn(note)}]}]


def _button(button: Button, n: int) -> Block:
    out: Block = {
        "type": "button",
        "action_id": encode_action(button.action, n),
        "text": plain(button.label, 75),
        "value": button.value[:VALUE_LIMIT],
    }
    if button.style != "default":
        out["style"] = button.style
    return out


def _option(label: str, value: str) -> Block:
    return {"text": plain(label, 75), "value": value[:150]}


def _select(choice: Choice, n: int) -> Block:
    out: Block = {
        "type": "multi_static_select" if choice.multiple else "static_select",
        "action_id": encode_action(choice.action, n),
        "options": [_option(o.label, o.value) for o in choice.options][:100],
    }
    if choice.placeholder:
        out["placeholder"] = plain(choice.placeholder, 150)
    return out


def _input(field: Field) -> Block:
    element: Block
    if field.kind in ("text", "textarea"):
        element = {"type": "plain_text_input", "multiline": field.kind == "textarea"}
        if field.initial:
            element["initial_value"] = field.initial
        if field.max_length:
            element["max_length"] = min(field.max_length, INPUT_LIMIT)
    elif field.kind == "checkbox":
        element = {"type": "checkboxes", "options": [_option(field.label, "true")]}
        if field.initial == "true":
            element["initial_options"] = element["options"]
    else:
        options = [_option(o.label, o.value) for o in field.options][:100]
        element = {"type": "static_select" if field.kind == "select" else "multi_static_select"}
        element["options"] = options
        chosen = [o for o in options if o["value"] in field.initial.split(",")] if field.initial else []
        if chosen and field.kind == "select":
            element["initial_option"] = chosen[0]
        elif chosen:
            element["initial_options"] = chosen
    element["action_id"] = FIELD_ACTION
    if field.placeholder and field.kind != "checkbox":
        element["placeholder"] = plain(field.placeholder, 150)
    return {
        "type": "input",
        "block_id": field.name,
        "label": plain(field.label, 2000),
        "optional": not field.required,
        "element": element,
    }


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("**", "")).strip()
