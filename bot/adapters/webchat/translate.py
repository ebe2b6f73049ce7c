"""Web chat JSON → neutral Event (pure)."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field

from bot.adapters.webchat.guard import MAX_ID
from bot.runtime.events import Address, Event, Platform, Profile

WORKSPACE = "local"
MAX_TEXT = 4000
EMAIL = r"^[^@\s]+@[^@\s]+$"


class SignedInSendRequest(BaseModel):
    """`POST /chat/api/send` when signed in: a text, or an action with its value (and form fields)."""

    user: str | None = Field(None, max_length=320)  # only ever the signed-in person's own email
    name: str | None = Field(None, max_length=200)
    text: str | None = Field(None, max_length=MAX_TEXT)
    action: str | None = Field(None, max_length=200)
    value: str = Field("", max_length=MAX_TEXT)
    fields: dict[Annotated[str, Field(max_length=100)], Annotated[str, Field(max_length=MAX_TEXT)]] = Field(
        default_factory=dict, max_length=30
    )
    message: int | None = Field(None, ge=1, le=MAX_ID)  # the message whose control was used
    language: str | None = Field(None, max_length=20)


class SendRequest(SignedInSendRequest):
    """The same in `open` mode, where the request names the person it acts for."""

    user: str = Field(pattern=EMAIL, max_length=320)  # type: ignore[assignment]


def address_of(email: str) -> Address:
    email = email.strip().lower()
    return Address(Platform.WEB, WORKSPACE, email, email)


def to_event(request: SignedInSendRequest, email: str, name: str | None, *, verified: bool) -> Event:
    email = email.strip().lower()
    profile = Profile(
        email=email,
        display_name=name or email.split("@")[0].replace(".", " ").title(),
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
        verified=verified,
    )
