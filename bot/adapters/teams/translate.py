"""Bot Framework activity → neutral Event and the facts the glue needs about it (pure)."""

from __future__ import annotations

import html
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from botbuilder.core import TurnContext
from botbuilder.schema import Activity, ActivityTypes

from bot.runtime.events import Address, Event, Platform, Profile

ROUTING_KEY = "stafet"  # Action.Submit data: {"stafet": {"action", "value", ...}, <input id>: <value>}


def tenant_of(activity: Activity) -> str:
    """Teams puts the tenant in channelData; the SDK's own conversation field often stays empty."""
    channel_data = activity.channel_data or {}
    tenant = (channel_data.get("tenant") or {}).get("id") if isinstance(channel_data, dict) else None
    conversation = activity.conversation
    return tenant or (conversation.tenant_id if conversation else None) or activity.channel_id or "teams"


def conversation_kind(activity: Activity) -> str:
    """`personal` for one-to-one chats, `channel` for team channels and group chats."""
    conversation_type = activity.conversation.conversation_type if activity.conversation else None
    return "personal" if conversation_type in (None, "personal") else "channel"


def channel_conversation_id(conversation_id: str) -> str:
    """A channel thread's id is the channel's id plus `;messageid=...`; new posts go to the channel."""
    return conversation_id.split(";messageid=")[0]


def address_of(activity: Activity) -> Address:
    sender = activity.from_property.id if activity.from_property else ""
    conversation = channel_conversation_id(activity.conversation.id)
    return Address(Platform.TEAMS, tenant_of(activity), conversation, sender or "")


def reference_of(activity: Activity) -> dict[str, Any]:
    """The ConversationReference as JSON, without the activity id so sends start a new message."""
    reference = TurnContext.get_conversation_reference(activity)
    reference.activity_id = None
    reference.conversation.id = channel_conversation_id(reference.conversation.id)
    reference.conversation.tenant_id = tenant_of(activity)
    return reference.serialize()


def profile_of(activity: Activity, email: str | None = None, name: str | None = None) -> Profile:
    """Email (from the member roster), name, locale and time zone the client reported."""
    client_info = _client_info(activity)
    zone = activity.local_timezone or client_info.get("timezone")
    sender_name = activity.from_property.name if activity.from_property else None
    return Profile(
        email=email.strip().lower() if email else None,
        display_name=name or sender_name or None,
        language=activity.locale or client_info.get("locale"),
        timezone=zone if _known_zone(zone) else None,
    )


def to_event(activity: Activity, profile: Profile) -> Event | None:
    """A message with text or with an Action.Submit `value`; anything else is not an event."""
    if activity.type != ActivityTypes.message:
        return None
    address = address_of(activity)
    submitted = activity.value if isinstance(activity.value, dict) else None
    routing = submitted.get(ROUTING_KEY) if submitted else None
    if isinstance(routing, dict) and routing.get("action"):
        assert submitted is not None
        fields = {k: _text(v) for k, v in submitted.items() if k != ROUTING_KEY}
        chosen_input = routing.get("input")
        value = fields.pop(chosen_input, "") if chosen_input else _text(routing.get("value", ""))
        return Event(
            address=address,
            action=str(routing["action"]),
            value=value,
            fields=fields,
            profile=profile,
            source_message_id=activity.reply_to_id,
        )
    text = _without_mentions(activity)
    if not text:
        return None
    return Event(address=address, text=text, profile=profile, source_message_id=activity.id)


def is_bot_added(activity: Activity) -> bool:
    """The bot was installed: added to a chat or a team, or an app installation was recorded."""
    if activity.type == ActivityTypes.installation_update:
        return (activity.action or "add").startswith("add")
    if activity.type == ActivityTypes.conversation_update:
        bot_id = activity.recipient.id if activity.recipient else None
        return any(member.id == bot_id for member in activity.members_added or ())
    return False


def _without_mentions(activity: Activity) -> str:
    """In channels the bot is @mentioned; the mention is not part of what was said."""
    text = activity.text or ""
    bot_id = activity.recipient.id if activity.recipient else None
    for entity in activity.entities or ():
        mention = entity.additional_properties or {}
        if entity.type == "mention" and (mention.get("mentioned") or {}).get("id") == bot_id:
            text = text.replace(mention.get("text") or "", "")
    return html.unescape(text).replace("\xa0", " ").strip()


def _client_info(activity: Activity) -> dict[str, Any]:
    for entity in activity.entities or ():
        if entity.type == "clientInfo":
            return dict(entity.additional_properties or {})
    return {}


def _known_zone(zone: str | None) -> bool:
    if not zone:
        return False
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)
