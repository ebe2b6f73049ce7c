"""Work a batch adds row by row but writes together: once before each flush and before commit."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

_KEY = "write_hooks"


def before_write(session: AsyncSession, name: str, write: Callable[[Session], None]) -> None:
    """Call `write` before every flush (so queries see its rows) and before commit (a session
    with nothing else to flush still writes them); registered once per session and `name`."""
    registered: set[str] = session.info.setdefault(_KEY, set())
    if name in registered:
        return
    registered.add(name)
    event.listen(session.sync_session, "before_flush", lambda sync, _context, _objects: write(sync))
    event.listen(session.sync_session, "before_commit", write)
