"""The Slack app manifest with this installation's URLs, for "Create app from manifest"."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

TEMPLATE = Path(__file__).resolve().parents[3] / "deploy" / "slack" / "manifest.yaml"
EVENTS_PATH = "/slack/events"
REDIRECT_PATH = "/slack/oauth_redirect"


def manifest(base_url: str, *, socket_mode: bool = False, template: Path = TEMPLATE) -> dict[str, Any]:
    """The template with every request URL pointing at `base_url` (or none, for Socket Mode)."""
    parts = urlsplit(base_url)
    if parts.scheme != "https" or not parts.netloc:
        raise ValueError(f"Slack only calls https:// addresses, got {base_url!r}")
    root = base_url.rstrip("/")
    data: dict[str, Any] = yaml.safe_load(template.read_text(encoding="utf-8"))
    settings = data["settings"]
    data["oauth_config"]["redirect_urls"] = [root + REDIRECT_PATH]
    for command in data["features"]["slash_commands"]:
        command["url"] = root + EVENTS_PATH
    settings["event_subscriptions"]["request_url"] = root + EVENTS_PATH
    settings["interactivity"]["request_url"] = root + EVENTS_PATH
    if socket_mode:
        settings["socket_mode_enabled"] = True
        for command in data["features"]["slash_commands"]:
            del command["url"]
        del settings["event_subscriptions"]["request_url"]
        del settings["interactivity"]["request_url"]
    return data


def bot_scopes(template: Path = TEMPLATE) -> list[str]:
    """The scopes the manifest asks for, which an OAuth install asks for too."""
    return list(yaml.safe_load(template.read_text(encoding="utf-8"))["oauth_config"]["scopes"]["bot"])


def manifest_yaml(base_url: str, *, socket_mode: bool = False) -> str:
    data = manifest(base_url, socket_mode=socket_mode)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1000)
