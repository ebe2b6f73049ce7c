"""Two SQLite writers taking turns: one waiting for the write lock gets it once the other
commits (it asks every millisecond instead of sleeping in SQLite's busy handler), sees what the
other wrote, and a busy timeout still ends a wait that never ends."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from storage import database
from storage.database import Database


async def test_a_writer_waiting_for_the_lock_takes_it_when_the_other_commits(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path}/lock.db")
    async with db.unit_of_work() as session:
        await session.execute(text("CREATE TABLE claims (row INTEGER PRIMARY KEY, worker TEXT)"))
    order: list[str] = []

    async def second() -> None:
        async with db.unit_of_work() as session:
            await db.lock_for_writing(session)
            taken = await session.scalar(text("SELECT worker FROM claims WHERE row = 1"))
            order.append(f"second saw {taken}")

    async with db.unit_of_work() as session:
        await db.lock_for_writing(session)
        waiting = asyncio.create_task(second())
        await asyncio.sleep(0.2)  # the second writer keeps asking meanwhile
        await session.execute(text("INSERT INTO claims VALUES (1, 'first')"))
        order.append("first commits")
    await waiting
    assert order == ["first commits", "second saw first"]
    await db.dispose()


async def test_a_lock_never_given_up_ends_in_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(database, "SQLITE_BUSY_TIMEOUT_MS", 100)
    db = Database(f"sqlite:///{tmp_path}/lock.db")
    async with db.unit_of_work() as holder:
        await db.lock_for_writing(holder)
        with pytest.raises(OperationalError, match="locked"):
            async with db.unit_of_work() as session:
                await db.lock_for_writing(session)
    await db.dispose()
