"""Refreshing table statistics where the code knows a table has just grown a lot.

Both databases choose query plans from them: PostgreSQL without them estimated a batch's
`person_id = ANY(...)` to match the whole table and read it whole. Autovacuum refreshes
PostgreSQL's a minute or more after a table grows (never, where it is off); SQLite has no such
job. SQLite samples (`analysis_limit`), so a refresh stays quick however large a table grows."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession


async def refresh_statistics(session: AsyncSession, tables: Iterable[str]) -> None:
    names = sorted(set(tables))
    if not names:
        return
    quote = session.bind.dialect.identifier_preparer.quote
    if session.bind.dialect.name == "sqlite":
        await session.execute(text("PRAGMA analysis_limit=1000"))
        for name in names:
            await session.execute(text(f"ANALYZE {quote(name)}"))
    else:
        await session.execute(text(f"ANALYZE {', '.join(quote(name) for name in names)}"))
