"""The chat features, in order. Each module listed has `register(router)` and may contribute
home sections (`HOME`), scheduled jobs (`JOBS`) and outbox composers (`COMPOSERS`), and
optionally delivery gates (`GATES`), batch loaders for them (`PRELOADS`) and the tables
composing adds a row to with each message (`GROWS`).
Help comes last because it is the fallback."""

from __future__ import annotations

from collections.abc import Mapping
from types import ModuleType

from bot import admin, help, home
from bot.campaigns import handlers as campaigns
from bot.context import AppContext
from bot.delivery.compose import Composer, Preload
from bot.delivery.messenger import Messenger
from bot.delivery.policy import AfterSent, Gate
from bot.delivery.worker import DeliveryWorker
from bot.digest import handlers as digest
from bot.learning import handlers as learning
from bot.people import handlers as people
from bot.questions import handlers as questions
from bot.runtime.events import Platform
from bot.runtime.router import Router
from bot.scheduler import RecurringJob
from bot.surveys import handlers as surveys

FEATURES: tuple[ModuleType, ...] = (people, learning, surveys, questions, campaigns, digest, admin)


def register_all(router: Router) -> None:
    for feature in FEATURES:
        feature.register(router)
    home.register(router, [section for feature in FEATURES for section in feature.HOME])
    help.register(router)


def jobs() -> list[RecurringJob]:
    return [job for feature in FEATURES for job in feature.JOBS]


def composers() -> dict[str, Composer]:
    merged: dict[str, Composer] = {}
    for feature in FEATURES:
        for kind, composer in feature.COMPOSERS.items():
            if kind in merged:
                raise ValueError(f"outbox kind {kind!r} has two composers")
            merged[kind] = composer
    return merged


def gates() -> list[Gate]:
    """Send-time rules features add to the delivery worker (optional `GATES`)."""
    return [gate for feature in FEATURES for gate in getattr(feature, "GATES", [])]


def after_sent() -> list[AfterSent]:
    """What features do once a message is recorded as sent (optional `AFTER_SENT`)."""
    return [hook for feature in FEATURES for hook in getattr(feature, "AFTER_SENT", [])]


def preloads() -> list[Preload]:
    """What features load per claimed batch so composing and gating each row needs no query."""
    return [preload for feature in FEATURES for preload in getattr(feature, "PRELOADS", [])]


def growing_tables() -> list[str]:
    """Tables delivering a message adds rows to (optional `GROWS`): the worker keeps their
    statistics current while they grow from nothing on a new installation."""
    return sorted({table for feature in FEATURES for table in getattr(feature, "GROWS", [])})


def delivery_worker(
    app: AppContext, messengers: Mapping[Platform, Messenger], *, unverified_targets: bool = False
) -> DeliveryWorker:
    """A delivery worker with every feature's composers, gates, after-sent hooks, preloads and
    growing tables, as the server runs it."""
    return DeliveryWorker(
        app,
        messengers,
        composers(),
        gates(),
        after_sent(),
        preloads(),
        growing=growing_tables(),
        unverified_targets=unverified_targets,
    )
