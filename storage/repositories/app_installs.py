"""The app installation queue: claimed with a lease like the outbox, shared by every replica."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import AppInstall, Identity


class AppInstallRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def claim(
        self, now: datetime, lease_until: datetime, limit: int, skip_locked: bool
    ) -> Sequence[tuple[AppInstall, Identity]]:
        """Due installations (or ones whose worker died), leased to the caller."""
        query = (
            select(AppInstall)
            .where(
                AppInstall.due_at <= now,
                or_(
                    AppInstall.status == "pending",
                    and_(AppInstall.status == "installing", AppInstall.lease_until < now),
                ),
            )
            .order_by(AppInstall.due_at, AppInstall.id)
            .limit(limit)
        )
        if skip_locked:
            query = query.with_for_update(skip_locked=True)
        rows = list((await self.session.scalars(query)).all())
        for row in rows:
            row.status, row.lease_until, row.updated_at = "installing", lease_until, now
        identities = await self.session.scalars(
            select(Identity).where(Identity.id.in_([row.identity_id for row in rows]))
        )
        by_id = {identity.id: identity for identity in identities.unique()}
        await self.session.flush()
        return [(row, by_id[row.identity_id]) for row in rows if row.identity_id in by_id]
