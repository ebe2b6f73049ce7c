"""Composers turn a planned outbox row (`kind` + `payload`) into a message at send time."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.context import AppContext
from bot.runtime.replies import Reply
from storage.models import OutboxMessage, Person

# (session, person, payload, now, app) -> the message, or None to skip it (opted out, nothing due).
Composer = Callable[[AsyncSession, Person, dict[str, Any], datetime, AppContext], Awaitable[Reply | None]]

# (session, claimed rows, now): loads what composers and gates read for a whole batch, in a few
# queries, so that composing each row needs none of its own.
Preload = Callable[[AsyncSession, Sequence[OutboxMessage], datetime], Awaitable[None]]
