"""Neutral Reply → Adaptive Card 1.5 as JSON (pure).

Every Action.Submit carries a routing key (`stafet`: action, value) and what is needed to
redraw the card once answered (`label`, `echo`), since Teams sends back only the data.
A button sends no inputs (`associatedInputs: none`): Teams would otherwise refuse it until
every required input on the card is filled in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from bot.adapters.teams.translate import ROUTING_KEY
from bot.runtime.replies import Button, Choice, Field, Form, Reply, Scale
from bot.runtime.usertext import Run, carried, has_said, runs, said, unmarked

SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
VERSION = "1.5"
CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
ROW = 6  # Teams shows at most six actions in a row before hiding the rest in a menu
CHOICE_INPUT = "choice"
ECHO_LIMIT = 600
STYLES = {"primary": "positive", "danger": "destructive"}
PREVIEW = 1200  # characters of a long text shown before "Show all"
MORE_ID = "more"
SUMMARY_LIMIT = 100
_MARKUP = re.compile(r"\*\*(.+?)\*\*|\[([^\]]+)\]\([^)\s]+\)|(?<!\w)_(.+?)_(?!\w)")

Json = dict[str, Any]


@dataclass(frozen=True, slots=True)
class CardLabels:
    """The card's own words, in the reader's language."""

    submit: str  # the button under a choice list
    show_all: str  # reveals the rest of a long text


def message(reply: Reply, labels: CardLabels) -> Json:
    """The activity to send: plain Markdown text when nothing is interactive and no one's typed
    words are in it, else a card (whose rich text shows those words literally)."""
    if not (reply.interactive or reply.title or has_said(reply.text)):
        return {"type": "message", "text": reply.text, "textFormat": "markdown"}
    return {
        "type": "message",
        "summary": summary(reply.title or reply.text),
        "attachments": [{"contentType": CONTENT_TYPE, "content": card(reply, labels)}],
    }


def summary(text: str) -> str:
    """The notification preview is plain text: no Markdown marks, one line, short."""
    plain = _MARKUP.sub(lambda m: next(g for g in m.groups() if g is not None), unmarked(text))
    plain = " ".join(plain.split())
    return plain if len(plain) <= SUMMARY_LIMIT else plain[: SUMMARY_LIMIT - 1].rstrip() + "…"


def card(reply: Reply, labels: CardLabels) -> Json:
    """The whole reply as one card; a long text shows its beginning and a "Show all" toggle."""
    echo = {"title": reply.title, "text": _clip(reply.text)}
    body = _text_blocks(reply.title, reply.text, labels.show_all)
    body += _action_rows([_submit(b, echo) for b in reply.buttons])
    if reply.scale:
        body += _scale(reply.scale, echo)
    if reply.choice:
        body += _choice(reply.choice, labels.submit, echo)
    if reply.form:
        body += _form(reply.form, echo)
    return _card(body)


def answered_card(routing: Json, chosen: str) -> Json:
    """The card as it looked, without its controls and with the person's answer under it."""
    echo = routing.get("echo") or {}
    body = _text_blocks(echo.get("title", ""), echo.get("text", ""))
    if has_said(chosen):  # what they typed into a form: literal runs, not Markdown
        body.append(
            {"type": "RichTextBlock", "inlines": [{**_run(r), "color": "good"} for r in runs(f"✓ {chosen}")]}
        )
    else:
        body.append({"type": "TextBlock", "text": f"✓ {chosen}".strip(), "wrap": True, "color": "good"})
    return _card(body)


def chosen_label(routing: Json, value: str, fields: dict[str, str]) -> str:
    """What the person picked, in the words the card showed them."""
    if routing.get("label"):
        return str(routing["label"])
    labels = routing.get("labels") or {}
    if labels:
        return ", ".join(labels.get(v, v) for v in value.split(",") if v)
    names = routing.get("fields") or {}
    if names:
        return "; ".join(f"{names.get(k, k)}: {said(v)}" for k, v in fields.items() if v)
    return value


def _card(body: list[Json]) -> Json:
    return {"type": "AdaptiveCard", "$schema": SCHEMA, "version": VERSION, "body": body}


def _text_blocks(title: str, text: str, show_all: str = "") -> list[Json]:
    blocks: list[Json] = []
    if title:
        blocks.append(
            {"type": "TextBlock", "text": unmarked(title), "weight": "Bolder", "size": "Medium", "wrap": True}
        )
    shown, rest = _split(text) if show_all else (text, "")
    blocks += _paragraphs(shown)
    if rest:
        blocks.append({"type": "Container", "id": MORE_ID, "isVisible": False, "items": _paragraphs(rest)})
        toggle = {"type": "Action.ToggleVisibility", "title": show_all, "targetElements": [MORE_ID]}
        blocks.append({"type": "ActionSet", "actions": [toggle]})
    return blocks


def _paragraphs(text: str) -> list[Json]:
    paragraphs = (p.strip() for p in carried(text.split("\n\n")))
    return [_paragraph(paragraph) for paragraph in paragraphs if unmarked(paragraph).strip()]


def _paragraph(text: str) -> Json:
    """A TextBlock reads Markdown; where a person's words are, a RichTextBlock's runs do not."""
    if not has_said(text):
        return {"type": "TextBlock", "text": text, "wrap": True}
    return {"type": "RichTextBlock", "inlines": [_run(run) for run in runs(text)]}


def _run(run: Run) -> Json:
    out: Json = {"type": "TextRun", "text": run.text}
    if run.bold:
        out["weight"] = "Bolder"
    if run.italic:
        out["italic"] = True
    if run.url:
        out["selectAction"] = {"type": "Action.OpenUrl", "url": run.url}
    return out


def _split(text: str) -> tuple[str, str]:
    """A long text's beginning (cut at a paragraph, line or word end) and the rest."""
    if len(text) <= PREVIEW * 5 // 4:
        return text, ""
    head = text[:PREVIEW]
    cut = max(head.rfind("\n\n"), head.rfind("\n"), head.rfind(" "))
    cut = cut if cut > PREVIEW // 2 else PREVIEW
    head, rest = carried([text[:cut], text[cut:]])
    return head.rstrip() + " …", "… " + rest.lstrip()


def _submit(button: Button, echo: Json) -> Json:
    action: Json = {
        "type": "Action.Submit",
        "title": button.label,
        "associatedInputs": "none",
        "data": {
            ROUTING_KEY: {"action": button.action, "value": button.value, "label": button.label, "echo": echo}
        },
    }
    if button.style in STYLES:
        action["style"] = STYLES[button.style]
    return action


def _action_rows(actions: list[Json]) -> list[Json]:
    return [{"type": "ActionSet", "actions": actions[i : i + ROW]} for i in range(0, len(actions), ROW)]


def _scale(scale: Scale, echo: Json) -> list[Json]:
    rows = _action_rows([_submit(point, echo) for point in scale.points()])
    if not (scale.low_label or scale.high_label):
        return rows
    ends = {
        "type": "ColumnSet",
        "columns": [
            {"type": "Column", "width": "stretch", "items": [_small(scale.low_label, "Left")]},
            {"type": "Column", "width": "stretch", "items": [_small(scale.high_label, "Right")]},
        ],
    }
    return [*rows, ends]


def _small(text: str, align: str) -> Json:
    return {
        "type": "TextBlock",
        "text": text,
        "size": "Small",
        "isSubtle": True,
        "wrap": True,
        "horizontalAlignment": align,
    }


def _choice(choice: Choice, submit_label: str, echo: Json) -> list[Json]:
    options = [{"title": o.label, "value": o.value} for o in choice.options]
    expanded = choice.multiple or len(options) <= 5
    chooser: Json = {
        "type": "Input.ChoiceSet",
        "id": CHOICE_INPUT,
        "choices": options,
        "style": "expanded" if expanded else "compact",
        "isMultiSelect": choice.multiple,
        "isRequired": True,
    }
    if choice.placeholder:
        chooser["placeholder"] = choice.placeholder
    routing = {
        "action": choice.action,
        "input": CHOICE_INPUT,
        "labels": {o.value: o.label for o in choice.options},
        "echo": echo,
    }
    submit = {"type": "Action.Submit", "title": submit_label, "data": {ROUTING_KEY: routing}}
    return [chooser, {"type": "ActionSet", "actions": [submit]}]


def _form(form: Form, echo: Json) -> list[Json]:
    items: list[Json] = []
    if form.title:
        items.append({"type": "TextBlock", "text": form.title, "weight": "Bolder", "wrap": True})
    items += [_input(f) for f in form.fields]
    routing = {
        "action": form.action,
        "value": form.value,
        "fields": {f.name: f.label for f in form.fields},
        "echo": echo,
    }
    submit = {"type": "Action.Submit", "title": form.submit_label, "data": {ROUTING_KEY: routing}}
    return [*items, {"type": "ActionSet", "actions": [submit]}]


def _input(field: Field) -> Json:
    common: Json = {"id": field.name, "label": field.label, "isRequired": field.required}
    if field.kind == "checkbox":
        return {
            **common,
            "type": "Input.Toggle",
            "title": field.label,
            "valueOn": "true",
            "valueOff": "false",
            "value": field.initial or "false",
        }
    if field.kind in ("select", "multiselect"):
        multiple = field.kind == "multiselect"
        return {
            **common,
            "type": "Input.ChoiceSet",
            "choices": [{"title": o.label, "value": o.value} for o in field.options],
            "isMultiSelect": multiple,
            "style": "expanded" if multiple else "compact",
            "value": _offered(field),
            **({"placeholder": field.placeholder} if field.placeholder else {}),
        }
    text: Json = {
        **common,
        "type": "Input.Text",
        "isMultiline": field.kind == "textarea",
        "placeholder": field.placeholder,
        "value": field.initial,
    }
    if field.max_length:
        text["maxLength"] = field.max_length
    return text


def _offered(field: Field) -> str:
    """Only values the list offers may be preset; Teams shows anything else as a blank choice."""
    offered = {o.value for o in field.options}
    return ",".join(v for v in field.initial.split(",") if v in offered)


def _clip(text: str) -> str:
    return text if len(text) <= ECHO_LIMIT else text[: ECHO_LIMIT - 1].rstrip() + "…"
