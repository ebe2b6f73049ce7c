"""Neutral Reply → the web chat's JSON message (pure); text becomes safe HTML."""

from __future__ import annotations

import html
import re
from typing import Any

from markdown_it import MarkdownIt

from bot.runtime.replies import Reply
from bot.runtime.usertext import links, parts, said, unmarked
from storage.models import WebchatMessage

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
_SLOT = re.compile("\ue002(\\d+)\ue003")


def text_html(text: str) -> str:
    """Our Markdown rendered; what a person typed stands in a slot, filled in escaped afterwards."""
    typed: list[str] = []
    source = ""
    for piece, is_typed in parts(text):
        if is_typed:
            source += f"\ue002{len(typed)}\ue003"
            typed.append(piece)
        else:
            source += piece
    rendered = _markdown.render(source)
    return _SLOT.sub(lambda m: _plain_html(typed[int(m.group(1))]), rendered) if typed else rendered


def _plain_html(text: str) -> str:
    """A person's text as HTML: escaped, line breaks kept, web addresses linked to themselves."""
    out = []
    for piece, is_link in links(text):
        shown = html.escape(piece)
        out.append(f'<a href="{shown}" rel="noopener nofollow">{shown}</a>' if is_link else shown)
    return "".join(out).replace("\n", "<br>\n")


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
        "title": unmarked(reply.title),
        "text": unmarked(reply.text),
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
        body = reply_json(Reply(text=said(message.text)))
    else:
        body = reply_json(Reply.from_json(message.reply))
    if message.chosen is not None:
        body.update(buttons=[], scale=None, choices=[], form=None)
    return base | body
