"""Routing by command word (in any language), action id, intent, and the help fallback."""

from __future__ import annotations

import pytest

from bot.config import DEFAULT_CONTENT_DIR
from bot.i18n import Catalogue
from bot.runtime.events import Address, Event, Platform
from bot.runtime.replies import Reply
from bot.runtime.router import Router
from bot.runtime.turn import Turn

ADDRESS = Address(Platform.WEB, "local", "a@x.org", "a@x.org")


async def language(turn: Turn) -> Reply:
    return Reply("language")


async def fallback(turn: Turn) -> Reply:
    return Reply("fallback")


async def question(turn: Turn) -> Reply:
    return Reply("question")


@pytest.fixture
def router() -> Router:
    router = Router(Catalogue(DEFAULT_CONTENT_DIR / "messages"))
    router.command("language", language)
    router.action("people.language", language)
    router.intent("question", lambda text, _lang: text.endswith("?"), question)
    router.fallback(fallback)
    return router


@pytest.mark.parametrize("text", ["language", "sprog", "språk", "/Sprog", "SPROG en"])
def test_command_words_in_every_language(router: Router, text: str) -> None:
    assert router.resolve(Event(ADDRESS, text=text), "en").handler is language


def test_command_arguments_are_passed_on(router: Router) -> None:
    assert router.resolve(Event(ADDRESS, text="sprog  nb "), "da").args == "nb"


def test_action_routes_by_id(router: Router) -> None:
    route = router.resolve(Event(ADDRESS, action="people.language", value="da"), "en")
    assert route.handler is language


def test_unknown_action_and_text_fall_back(router: Router) -> None:
    assert router.resolve(Event(ADDRESS, action="nope"), "en").handler is fallback
    assert router.resolve(Event(ADDRESS, text="blah blah"), "en").handler is fallback


def test_intent_recognises_free_text(router: Router) -> None:
    assert router.resolve(Event(ADDRESS, text="How do I share a file?"), "en").handler is question


def test_duplicates_raise_at_start_up(router: Router) -> None:
    with pytest.raises(ValueError, match="registered twice"):
        router.action("people.language", language)
    with pytest.raises(ValueError, match="registered twice"):
        router.command("language", language)
