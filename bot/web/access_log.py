"""The server's access log without query values: searches carry names and emails
(`/admin/people?q=anna@x.org`), and a log line is kept far longer than the search."""

from __future__ import annotations

import logging
from urllib.parse import parse_qsl, urlsplit

ACCESS_LOGGER = "uvicorn.access"
HIDDEN = "…"


class HideQueryValues(logging.Filter):
    """Keeps the path and the parameter names, replaces every value with an ellipsis."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) == 5 and isinstance(args[2], str):
            record.args = (*args[:2], hide_query_values(args[2]), *args[3:])
        return True


def hide_query_values(path: str) -> str:
    parts = urlsplit(path)
    if not parts.query:
        return path
    names = [name for name, _ in parse_qsl(parts.query, keep_blank_values=True)]
    return parts.path + "?" + "&".join(f"{name}={HIDDEN}" for name in names)


def install() -> None:
    logging.getLogger(ACCESS_LOGGER).addFilter(HideQueryValues())
