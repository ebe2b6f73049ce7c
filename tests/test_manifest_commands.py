"""Every command the Slack manifest and the Teams manifest advertise reaches a handler, in every language."""

from __future__ import annotations

import json

import pytest
import yaml

from bot.adapters.slack.manifest import TEMPLATE as SLACK_MANIFEST
from bot.adapters.teams.manifest import TEMPLATE_DIR
from bot.config import DEFAULT_CONTENT_DIR, LANGUAGES
from bot.features import register_all
from bot.i18n import Catalogue
from bot.runtime.router import Router


def _router() -> Router:
    router = Router(Catalogue(DEFAULT_CONTENT_DIR / "messages"))
    register_all(router)
    return router


def _slack_commands() -> list[str]:
    [command] = yaml.safe_load(SLACK_MANIFEST.read_text(encoding="utf-8"))["features"]["slash_commands"]
    return [part.split()[0] for part in command["usage_hint"].split("|")]


def _teams_commands() -> list[str]:
    manifest = json.loads((TEMPLATE_DIR / "manifest.json").read_text(encoding="utf-8"))
    return [
        c["title"] for bot in manifest["bots"] for group in bot["commandLists"] for c in group["commands"]
    ]


@pytest.mark.parametrize("word", sorted({*_slack_commands(), *_teams_commands()}))
@pytest.mark.parametrize("language", LANGUAGES)
def test_an_advertised_command_is_no_fallback(word: str, language: str) -> None:
    router = _router()
    assert word in router.commands, f"{word!r} is advertised but no command"
    assert router.resolve_text(word, language).handler is router.commands[word].handler


def test_the_manifests_advertise_something() -> None:
    assert {"help", "next", "ask", "survey", "home"} <= set(_slack_commands())
    assert {"help", "home", "language"} <= set(_teams_commands())
