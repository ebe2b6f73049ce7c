"""The long-lived things a running Stafet shares, built once in the entry point."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from bot.clock import Clock
from bot.config import Settings
from bot.content.library import ContentLibrary
from bot.i18n import Catalogue
from bot.metrics import Metrics
from storage.database import Database


@dataclass(slots=True)
class AppContext:
    settings: Settings
    clock: Clock
    db: Database
    catalogue: Catalogue
    content: ContentLibrary = field(default_factory=ContentLibrary.empty)
    metrics: Metrics = field(default_factory=Metrics)
    delivery_wakeup: asyncio.Event = field(default_factory=asyncio.Event)
