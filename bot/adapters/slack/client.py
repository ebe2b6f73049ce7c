"""Web API clients: interactive calls retry 429s themselves; delivery leaves that to the outbox."""

from __future__ import annotations

import logging
import re

from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import Settings

_TOKEN = re.compile(r"xox[a-z]-[A-Za-z0-9-]+|xapp-[A-Za-z0-9-]+")


def interactive_client(settings: Settings, token: str | None = None) -> AsyncWebClient:
    """For answering a person now: one retry on a dropped connection, up to two on 429."""
    return AsyncWebClient(
        token=token if token is not None else settings.slack_bot_token or None,
        base_url=_base_url(settings),
        timeout=10,
        logger=sdk_logger("web"),
        retry_handlers=[
            AsyncConnectionErrorRetryHandler(),
            AsyncRateLimitErrorRetryHandler(max_retry_count=2),
        ],
    )


def delivery_client(settings: Settings, token: str = "") -> AsyncWebClient:
    """For the outbox: a 429 comes back at once so the row waits out Retry-After in the database.
    With SLACK_BOT_TOKEN's workspace's token unless given another workspace's."""
    return AsyncWebClient(
        token=token or settings.slack_bot_token or None,
        base_url=_base_url(settings),
        timeout=15,
        logger=sdk_logger("web"),
        retry_handlers=[AsyncConnectionErrorRetryHandler()],
    )


def error_code(error: SlackApiError) -> str:
    """Slack's error code, or the HTTP status of an answer that is not JSON (a proxy's 502 page)."""
    data = error.response.data
    return str(data.get("error")) if isinstance(data, dict) else f"HTTP {error.response.status_code}"


def _base_url(settings: Settings) -> str:
    return settings.slack_api_url.rstrip("/") + "/"


class RedactTokens(logging.Filter):
    """The SDKs log request headers at DEBUG; tokens never reach a log line."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if _TOKEN.search(message):
            record.msg, record.args = _TOKEN.sub("xox?-[redacted]", message), None
        return True


# What follows these words in bolt's messages is (part of) a request body: who clicked what.
_BODY = re.compile(r"(body: ?|Unhandled request \(|response for the request \()(.*)", re.DOTALL)


class RedactBodies(logging.Filter):
    """Bolt logs request bodies (a stale request's, an unhandled one's); they hold who answered
    what, so only the words before the body reach the log."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if _BODY.search(message):
            record.msg, record.args = _BODY.sub(r"\1[request body not logged]", message), None
        return True


def sdk_logger(name: str) -> logging.Logger:
    """The logger handed to the SDKs, with tokens and request bodies redacted from every record."""
    logger = logging.getLogger(f"bot.adapters.slack.sdk.{name}")
    for kind in (RedactTokens, RedactBodies):
        if not any(isinstance(f, kind) for f in logger.filters):
            logger.addFilter(kind())
    return logger


def redact_bolt_logs() -> None:
    """Bolt's own loggers (`slack_bolt.*`, one per middleware) copy the app logger's filters only
    when they have none; make sure each has both."""
    for name in list(logging.Logger.manager.loggerDict):
        if name.startswith("slack_bolt"):
            logger = logging.getLogger(name)
            for kind in (RedactTokens, RedactBodies):
                if not any(isinstance(f, kind) for f in logger.filters):
                    logger.addFilter(kind())


# Libraries that log SQL parameters at DEBUG, which for Slack installations include bot tokens.
PARAMETER_LOGGERS = ("aiosqlite", "sqlalchemy.engine.Engine")


def redact_library_logs() -> None:
    for name in PARAMETER_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactTokens) for f in logger.filters):
            logger.addFilter(RedactTokens())
