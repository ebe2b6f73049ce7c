"""Neutral Reply → the web chat's JSON message (pure); text becomes safe HTML."""

from __future__ import annotations

from typing import Any

from markdown_it import MarkdownIt

from bot.runtime.replies import Reply
from storage.models import WebchatMessage

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})


def text_html(text: str) -> str:
    return _markdown.render(text)


def reply_json(reply: Reply) -> dict[str, Any]:
    """The controls of a reply, flattened so a script can click them: label, action, value."""
    buttons = [
        {"label": b.label, "action": b.action, "value": b.value, "style": b.style} for b in reply.buttons
    ]
    scale = None
    if reply.scale:
        scale = {
            "low_label": reply.scale.low_label,
            "high_label": reply.scale.high_label,
            "buttons": [
                {"label": b.label, "action": b.action, "value": b.value} for b in reply.scale.points()
            ],
        }
    choices = []
    if reply.choice:
        choices = [
            {"label": o.label, "action": reply.choice.action, "value": o.value} for o in reply.choice.options
        ]
    form = None
    if reply.form:
        form = {
            "action": reply.form.action,
            "title": reply.form.title,
            "submit": reply.form.submit_label,
            "value": reply.form.value,
            "fields": [
                {
                    "name": f.name,
                    "label": f.label,
                    "kind": f.kind,
                    "required": f.required,
                    "placeholder": f.placeholder,
                    "initial": f.initial,
                    "options": [{"label": o.label, "value": o.value} for o in f.options],
                }
                for f in reply.form.fields
            ],
        }
    return {
        "title": reply.title,
        "text": reply.text,
        "html": text_html(reply.text) if reply.text else "",
        "buttons": buttons,
        "scale": scale,
        "choices": choices,
        "multiple": bool(reply.choice and reply.choice.multiple),
        "placeholder": reply.choice.placeholder if reply.choice else "",
        "form": form,
    }


def message_json(message: WebchatMessage) -> dict[str, Any]:
    """A stored message as `GET /chat/api/messages` returns it; answered controls are gone."""
    base: dict[str, Any] = {
        "n": message.id,
        "from": message.sender,
        "at": message.created_at.isoformat(),
        "chosen": message.chosen,
    }
    if message.reply is None:
        body = reply_json(Reply(text=message.text))
    else:
        body = reply_json(Reply.from_json(message.reply))
    if message.chosen is not None:
        body.update(buttons=[], scale=None, choices=[], form=None)
    return base | body
