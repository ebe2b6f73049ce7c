"""What the bot says, before any platform decides how it looks."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from pydantic import TypeAdapter


@dataclass(frozen=True, slots=True)
class Button:
    """A click that sends `value` to `action`; never empty, as Slack drops an empty value."""

    label: str
    action: str
    value: str
    style: Literal["default", "primary", "danger"] = "default"


@dataclass(frozen=True, slots=True)
class Scale:
    """A rating from `low` to `high`, e.g. Likert 1–5 or 0–10, shown as a row of buttons."""

    action: str
    low: int
    high: int
    low_label: str = ""
    high_label: str = ""
    prefix: str = ""  # prepended to each value, so the handler can tell what was rated

    def points(self) -> list[Button]:
        return [Button(str(n), self.action, f"{self.prefix}{n}") for n in range(self.low, self.high + 1)]


@dataclass(frozen=True, slots=True)
class Option:
    label: str
    value: str


@dataclass(frozen=True, slots=True)
class Choice:
    """A list to pick from; `multiple` allows several picks (values joined by commas)."""

    action: str
    options: tuple[Option, ...]
    placeholder: str = ""
    multiple: bool = False


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    label: str
    kind: Literal["text", "textarea", "select", "multiselect", "checkbox"] = "text"
    options: tuple[Option, ...] = ()
    required: bool = False
    placeholder: str = ""
    initial: str = ""
    max_length: int = 0  # characters a text field takes; 0 for the platform's own limit


@dataclass(frozen=True, slots=True)
class Form:
    """A small form; Slack shows it as a modal, Teams as an Adaptive Card, the web inline."""

    action: str
    title: str
    fields: tuple[Field, ...]
    submit_label: str
    value: str = ""  # passed back with the submission, e.g. the id of what the form is about


@dataclass(frozen=True, slots=True)
class Reply:
    """One message: Markdown-light `text` (**bold**, _italic_, [links](url), `-` lists)."""

    text: str = ""
    title: str = ""
    buttons: tuple[Button, ...] = ()
    scale: Scale | None = None
    choice: Choice | None = None
    form: Form | None = None

    def to_json(self) -> dict[str, Any]:
        return _ADAPTER.dump_python(self, mode="json")

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Reply:
        return _ADAPTER.validate_python(data)

    @property
    def interactive(self) -> bool:
        return bool(self.buttons or self.scale or self.choice or self.form)

    def label_for(self, action: str, value: str) -> str | None:
        """The label a person clicked, so the message can be updated to show their choice."""
        for button in (*self.buttons, *(self.scale.points() if self.scale else ())):
            if button.action == action and button.value == value:
                return button.label
        if self.choice and self.choice.action == action:
            labels = [o.label for o in self.choice.options if o.value in value.split(",")]
            return ", ".join(labels) or None
        return None


_ADAPTER = TypeAdapter(Reply)
