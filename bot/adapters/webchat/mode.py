"""Which web chat a running Stafet offers: `open` (a demo where anyone acts as anyone), `signin`
(OpenID Connect) or `off`, and the situations in which each is refused."""

from __future__ import annotations

import ipaddress
from enum import StrEnum

from bot.admin.oidc import providers
from bot.config import ConfigError, Settings


class WebchatMode(StrEnum):
    OPEN = "open"
    SIGNIN = "signin"
    OFF = "off"


def is_loopback(host: str) -> bool:
    """Only this machine can connect: 127.0.0.0/8, ::1 or localhost (never 0.0.0.0 or a name)."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip().strip("[]")).is_loopback
    except ValueError:
        return False


def webchat_mode(settings: Settings) -> WebchatMode:
    """STAFET_WEBCHAT, or its default for this situation; a refused combination is a ConfigError."""
    platforms = [
        name for name, on in (("Slack", settings.slack_enabled), ("Teams", settings.teams_enabled)) if on
    ]
    open_refusal = None
    if platforms:
        open_refusal = f"{' and '.join(platforms)} is configured"
    elif not is_loopback(settings.host):
        open_refusal = f"the server listens on {settings.host}, not on loopback only"
    has_signin = bool(providers(settings))
    match settings.webchat:
        case "":
            if open_refusal is None:
                return WebchatMode.OPEN
            return WebchatMode.SIGNIN if has_signin else WebchatMode.OFF
        case "open" if open_refusal is not None:
            raise ConfigError(
                f"STAFET_WEBCHAT=open lets anyone act as anyone, and {open_refusal}: use signin or off"
            )
        case "signin" if not has_signin:
            raise ConfigError(
                "STAFET_WEBCHAT=signin needs an OpenID Connect provider "
                "(STAFET_OIDC_ENTRA_CLIENT_ID and _TENANT, or STAFET_OIDC_SLACK_CLIENT_ID)"
            )
    return WebchatMode(settings.webchat)
