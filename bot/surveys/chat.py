"""How a survey looks in chat: one question at a time, a thank-you, an invitation, a reminder."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.runtime.replies import Button, Choice, Field, Form, Option, Reply, Scale
from bot.surveys.answering import Step
from bot.surveys.templates import Template, load_templates

Translate = Callable[..., str]
SURVEY_ACTIONS = "surveys."  # every survey control's action id starts so


def offers_wave(wave_id: int) -> Callable[[dict[str, Any]], bool]:
    """Whether a stored reply has a control of this wave: a question, its thanks, an invitation."""

    def offers(data: dict[str, Any]) -> bool:
        reply = Reply.from_json(data)
        values = [b.value for b in reply.buttons if b.action.startswith(SURVEY_ACTIONS)]
        if reply.scale is not None and reply.scale.action.startswith(SURVEY_ACTIONS):
            values.append(reply.scale.prefix)
        if reply.choice is not None and reply.choice.action.startswith(SURVEY_ACTIONS):
            values += [o.value for o in reply.choice.options]
        if reply.form is not None and reply.form.action.startswith(SURVEY_ACTIONS):
            values.append(reply.form.value)
        return any(v == str(wave_id) or v.startswith(f"{wave_id}|") for v in values)

    return offers


@lru_cache(maxsize=4)
def templates_in(content_dir: Path) -> dict[str, Template]:
    """Templates are read once per content directory (they change with a deployment)."""
    return load_templates(content_dir)


def step_reply(t: Translate, language: str, step: Step, k: int, zone: ZoneInfo, *, intro: str = "") -> Reply:
    """The next question with its controls and a skip button, or the thank-you when done."""
    title = _local(step.template.title, language)
    wave_id = step.wave.id
    question = step.question
    if question is None:
        key = "surveys.thanks_anonymous" if step.wave.anonymous else "surveys.thanks_named"
        return Reply(
            title=title,
            text=t(key, k=k, closes=closes_text(step.wave.closes_at, zone)),
            buttons=(Button(t("surveys.change"), "surveys.restart", str(wave_id)),),
        )
    ref = f"{wave_id}|{question.id}"
    lines = [intro] if intro else []
    if step.number == 1:
        lines += [_local(step.template.intro, language)]
        lines += [t("surveys.anonymous_note" if step.wave.anonymous else "surveys.named_note", k=k)]
    lines += [f"**{_local(question.text, language)}**"]
    skip = Button(t("surveys.skip"), "surveys.skip", ref)
    heading = f"{title} · {t('surveys.progress', number=step.number, total=step.total)}"
    reply = Reply(title=heading, text="\n\n".join(lines), buttons=(skip,))
    if question.scale is not None:
        low, high = question.scale
        scale = Scale(
            "surveys.answer",
            low,
            high,
            _local(question.low, language) if question.low else "",
            _local(question.high, language) if question.high else "",
            prefix=f"{ref}|",
        )
        return Reply(reply.text, reply.title, reply.buttons, scale=scale)
    options = tuple(Option(_local(o.label, language), f"{ref}|{o.id}") for o in question.options)
    if question.type == "single":
        buttons = tuple(Button(o.label, "surveys.answer", o.value) for o in options)
        return Reply(reply.text, reply.title, (*buttons, skip))
    if question.type == "multiple":
        choice = Choice("surveys.answer", options, placeholder=t("surveys.pick_any"), multiple=True)
        return Reply(reply.text, reply.title, reply.buttons, choice=choice)
    field = Field("comment", _local(question.text, language), kind="textarea")
    form = Form("surveys.comment", title, (field,), t("surveys.send"), value=ref)
    return Reply(reply.text, reply.title, reply.buttons, form=form)


def parse_answer(value: str) -> tuple[int, str, str]:
    """`wave|question|option` (several joined by commas for multiple choice) → wave, question, raw."""
    parts = [p.split("|") for p in value.split(",") if p]
    if not parts or any(len(p) != 3 or not p[0].isdigit() for p in parts):
        raise ValueError(value)
    wave, question = parts[0][0], parts[0][1]
    if any((p[0], p[1]) != (wave, question) for p in parts):
        raise ValueError(value)
    return int(wave), question, ",".join(p[2] for p in parts)


def parse_ref(value: str) -> tuple[int, str]:
    wave, _, question = value.partition("|")
    if not wave.isdigit() or not question:
        raise ValueError(value)
    return int(wave), question


def closes_text(closes_at: datetime, zone: ZoneInfo) -> str:
    return closes_at.astimezone(zone).strftime("%Y-%m-%d %H:%M")


def _local(texts: dict[str, str], language: str) -> str:
    return texts.get(language) or texts.get("en") or next(iter(texts.values()))
