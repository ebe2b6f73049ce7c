"""A whole directory sync: pages are fetched at the platform's pace while earlier pages are
written; pages that arrived meanwhile are written together in one unit of work, so writing
keeps up with fetching, and memory stays at a few pages."""

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

AHEAD = 20  # pages fetched ahead of the ones being written
BATCH = 5  # pages written in one unit of work at most
ANALYZE_EVERY = 10_000  # accounts written between refreshes of the database's statistics


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
        await ReachRepository(session).refresh_statistics()
    queue: asyncio.Queue[Page | None] = asyncio.Queue(maxsize=AHEAD)

    async def fetch() -> None:
        async for page in source.pages(None if dry_run else cursor):
            await queue.put(page)
        await queue.put(None)

    fetcher = asyncio.create_task(fetch())
    report, next_cursor = SyncReport(), cursor
    try:
        done, written = False, 0
        while not done:
            pages = [await queue.get()]
            while len(pages) < BATCH and not queue.empty():
                pages.append(queue.get_nowait())
            done = pages[-1] is None
            found = [page for page in pages if page is not None]
            if found:
                merged = Page([m for page in found for m in page.members], found[-1].next_cursor)
                report.add(await _apply(db, clock, source, options, merged, dry_run))
                next_cursor = merged.next_cursor or next_cursor
                written += len(merged.members)
                if written >= ANALYZE_EVERY:
                    written = 0
                    async with db.unit_of_work() as session:
                        await ReachRepository(session).refresh_statistics()
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
