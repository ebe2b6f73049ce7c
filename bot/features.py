"""The chat features, registered in this order; help comes last because it is the fallback."""

from __future__ import annotations

from bot import help
from bot.people import handlers as people
from bot.runtime.router import Router

FEATURES = (people, help)


def register_all(router: Router) -> None:
    for feature in FEATURES:
        feature.register(router)
