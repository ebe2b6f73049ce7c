"""Web chat JSON → neutral Event (pure)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from bot.runtime.events import Address, Event, Platform, Profile

WORKSPACE = "local"


class SendRequest(BaseModel):
    """`POST /chat/api/send`: a text, or an action with its value (and form fields)."""

    user: str = Field(pattern=r"^[^@\s]+@[^@\s]+$", max_length=320)
    name: str | None = Field(None, max_length=200)
    text: str | None = Field(None, max_length=4000)
    action: str | None = Field(None, max_length=200)
    value: str = Field("", max_length=4000)
    fields: dict[str, str] = Field(default_factory=dict)
    message: int | None = None  # the message whose control was used
    language: str | None = None


def address_of(email: str) -> Address:
    email = email.strip().lower()
    return Address(Platform.WEB, WORKSPACE, email, email)


def to_event(request: SendRequest) -> Event:
    email = str(request.user).strip().lower()
    profile = Profile(
        email=email,
        display_name=request.name or email.split("@")[0].replace(".", " ").title(),
        language=request.language,
    )
    return Event(
        address=address_of(email),
        text=(request.text or "").strip(),
        action=request.action,
        value=request.value,
        fields=request.fields,
        profile=profile,
        source_message_id=str(request.message) if request.message is not None else None,
    )
