"""`stafet manifest slack` prints a manifest Slack accepts, with this installation's URLs."""

from __future__ import annotations

import yaml
from typer.testing import CliRunner

from bot.adapters.slack import translate
from bot.adapters.slack.listeners import COMMAND
from bot.cli import app


def test_manifest_points_every_url_at_the_given_host() -> None:
    result = CliRunner().invoke(app, ["manifest", "slack", "--url", "https://stafet.acme.dk/"])
    assert result.exit_code == 0, result.output
    data = yaml.safe_load(result.output)
    settings = data["settings"]
    assert settings["event_subscriptions"]["request_url"] == "https://stafet.acme.dk/slack/events"
    assert settings["interactivity"] == {
        "is_enabled": True,
        "request_url": "https://stafet.acme.dk/slack/events",
    }
    assert set(settings["event_subscriptions"]["bot_events"]) == {
        "message.im",
        "app_home_opened",
        "team_join",
        "user_change",
    }
    [command] = data["features"]["slash_commands"]
    assert (command["command"], command["url"]) == (COMMAND, "https://stafet.acme.dk/slack/events")
    callbacks = {s["callback_id"]: s["type"] for s in data["features"]["shortcuts"]}
    assert callbacks == {translate.GLOBAL_SHORTCUT: "global", translate.MESSAGE_SHORTCUT: "message"}
    assert data["features"]["app_home"]["home_tab_enabled"] is True
    scopes = set(data["oauth_config"]["scopes"]["bot"])
    assert {"chat:write", "commands", "im:history", "users:read.email"} <= scopes
    assert "example.org" not in result.output


def test_socket_mode_manifest_has_no_request_urls() -> None:
    result = CliRunner().invoke(app, ["manifest", "slack", "--url", "https://x.example", "--socket-mode"])
    data = yaml.safe_load(result.output)
    assert data["settings"]["socket_mode_enabled"] is True
    assert "request_url" not in data["settings"]["interactivity"]
    assert "url" not in data["features"]["slash_commands"][0]


def test_plain_http_is_refused_with_a_clear_line() -> None:
    result = CliRunner().invoke(app, ["manifest", "slack", "--url", "http://localhost:8000"])
    assert result.exit_code == 2
    assert "https://" in result.output
