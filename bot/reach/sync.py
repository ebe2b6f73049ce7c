"""A whole directory sync: pages are fetched at the platform's pace while the previous page is
written, each page in its own unit of work, so memory stays at a page or two."""

from __future__ import annotations

import asyncio
import contextlib

from bot.admin.audit import AuditLog
from bot.admin.roles import Principal
from bot.clock import Clock
from bot.reach.directory import DirectorySource, Page, SyncReport
from bot.reach.linking import DirectoryLinker, LinkOptions
from storage.database import Database
from storage.repositories.reach import ReachRepository

AHEAD = 2  # pages fetched ahead of the one being written


class _DryRun(Exception):
    """Rolls a page's unit of work back after counting what it would have done."""


async def sync_directory(
    db: Database,
    clock: Clock,
    source: DirectorySource,
    options: LinkOptions,
    who: Principal,
    *,
    dry_run: bool = False,
) -> SyncReport:
    """Link every account of `source`; audit-logged unless it was a dry run."""
    platform, workspace = source.platform.value, source.workspace_id
    async with db.unit_of_work() as session:
        cursor = await ReachRepository(session).cursor(platform, workspace)
    queue: asyncio.Queue[Page | None] = asyncio.Queue(maxsize=AHEAD)

    async def fetch() -> None:
        async for page in source.pages(None if dry_run else cursor):
            await queue.put(page)
        await queue.put(None)

    fetcher = asyncio.create_task(fetch())
    report, next_cursor = SyncReport(), cursor
    try:
        while (page := await queue.get()) is not None:
            report.add(await _apply(db, clock, source, options, page, dry_run))
            next_cursor = page.next_cursor or next_cursor
        await fetcher
    finally:
        if not fetcher.done():
            fetcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await fetcher
    if not dry_run:
        async with db.unit_of_work() as session:
            await ReachRepository(session).save_cursor(platform, workspace, next_cursor, clock.now())
            await AuditLog(session, clock).record(
                who, "people.sync", f"{platform}:{workspace}", **report.to_json()
            )
    return report


async def _apply(
    db: Database, clock: Clock, source: DirectorySource, options: LinkOptions, page: Page, dry_run: bool
) -> SyncReport:
    report = SyncReport()
    try:
        async with db.unit_of_work() as session:
            linker = DirectoryLinker(session, source.platform, source.workspace_id, options)
            report = await linker.apply(page.members, clock.now())
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return report
