"""Campaign rows, who receives an occurrence, and bulk changes to a campaign's outbox rows."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from storage.lists import array_rows, one_of
from storage.models import (
    Campaign,
    CampaignParticipant,
    CampaignWave,
    DeliveryPreference,
    OutboxMessage,
    Person,
)
from storage.statistics import refresh_statistics

Recipient = tuple[int, str | None, str | None, str | None, str | None]  # id, zone, window, window, days

UNSENT = ("pending", "held")  # planned, not taken by a worker yet
_LOADED = "campaign_participants"  # session.info: (campaign, person) -> participant or None
_CAMPAIGNS = "campaigns"  # session.info: the batch's campaigns, held


class CampaignRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, campaign: Campaign) -> Campaign:
        self.session.add(campaign)
        await self.session.flush()
        return campaign

    async def get(self, ref: str | int) -> Campaign | None:
        if isinstance(ref, int) or str(ref).isdigit():
            return await self.session.get(Campaign, int(ref))
        return (await self.session.scalars(select(Campaign).where(Campaign.name == ref))).one_or_none()

    async def all(self) -> Sequence[Campaign]:
        return (await self.session.scalars(select(Campaign).order_by(Campaign.id))).all()

    async def active(self) -> Sequence[Campaign]:
        return (await self.session.scalars(select(Campaign).where(Campaign.state == "active"))).all()

    async def waves(self, campaign_id: int) -> Sequence[CampaignWave]:
        query = select(CampaignWave).where(CampaignWave.campaign_id == campaign_id).order_by(CampaignWave.id)
        return (await self.session.scalars(query)).all()

    async def recipients(self, audience_ids: Select[tuple[int]], campaign_id: int) -> list[Recipient]:
        """Everyone in the audience who takes part, with their own delivery preferences."""
        left_out = select(CampaignParticipant.person_id).where(
            CampaignParticipant.campaign_id == campaign_id, CampaignParticipant.status != "active"
        )
        query = (
            select(
                Person.id,
                Person.timezone,
                DeliveryPreference.window_start,
                DeliveryPreference.window_end,
                DeliveryPreference.working_days,
            )
            .outerjoin(DeliveryPreference, DeliveryPreference.person_id == Person.id)
            .where(
                Person.id.in_(audience_ids),
                Person.id.not_in(left_out),
                func.coalesce(DeliveryPreference.opted_out, False).is_(False),
            )
            .order_by(Person.id)
        )
        return [tuple(row) for row in (await self.session.execute(query)).all()]  # type: ignore[misc]

    async def enqueue_many(self, rows: list[dict[str, Any]]) -> int:
        """Insert outbox rows (each with the same columns), skipping keys that exist; returns how
        many were new (counted from what the insert returns). On PostgreSQL the rows go as one
        array per column: as multi-row VALUES, psycopg parsed statements of thousands of
        placeholders again each time, 80% of planning 100,000 nudges."""
        if not rows:
            return 0
        table = OutboxMessage.__table__
        if self.session.bind.dialect.name != "postgresql":
            statement = sqlite.insert(table).on_conflict_do_nothing(index_elements=["key"])
            return len((await self.session.execute(statement.returning(table.c.id), rows)).all())
        names = list(rows[0])
        new = array_rows(*((name, table.c[name].type, [row[name] for row in rows]) for name in names))
        insert = postgresql.insert(table).from_select(names, select(*(new.c[name] for name in names)))
        statement = insert.on_conflict_do_nothing(index_elements=["key"]).returning(table.c.id)
        return len((await self.session.execute(statement)).all())

    async def refresh_outbox_statistics(self) -> None:
        """After planning many rows: the delivery claim is planned from the table's statistics.
        Without them both databases took the (status, due_at) index and sorted every row due so
        far on each claim (PostgreSQL 50-300 ms with 100,000 planned), instead of reading the
        waiting rows' index in due order and stopping at the batch."""
        await refresh_statistics(self.session, [OutboxMessage.__tablename__])

    async def hold_pending(self, campaign_id: int) -> int:
        """Pending rows of a paused campaign wait as "held" until it resumes."""
        return await self._move(campaign_id, "pending", "held")

    async def release_held(self, campaign_id: int) -> int:
        return await self._move(campaign_id, "held", "pending")

    async def drop_unsent(self, campaign_id: int) -> int:
        return await self._move(campaign_id, ("pending", "held"), "cancelled")

    async def _move(self, campaign_id: int, old: str | tuple[str, ...], new: str) -> int:
        olds = (old,) if isinstance(old, str) else old
        statement = (
            update(OutboxMessage)
            .where(and_(OutboxMessage.campaign_id == campaign_id, OutboxMessage.status.in_(olds)))
            .values(status=new)
            .execution_options(synchronize_session=False)
        )
        return (await self.session.execute(statement)).rowcount  # type: ignore[attr-defined]

    async def unsent_nudges(self, campaign_id: int) -> list[tuple[int, dict[str, Any], datetime]]:
        """(id, payload, due) of the campaign's nudges and reminders not sent yet."""
        query = select(OutboxMessage.id, OutboxMessage.payload, OutboxMessage.due_at).where(
            OutboxMessage.campaign_id == campaign_id,
            OutboxMessage.kind == "nudge",
            OutboxMessage.status.in_(UNSENT),
        )
        return [(i, payload or {}, due) for i, payload, due in (await self.session.execute(query)).all()]

    async def rewrite_unsent(
        self, payloads: dict[int, dict[str, Any]], cancelled: list[int], why: str
    ) -> None:
        """New payloads for some unsent rows, and others cancelled with the reason."""
        if payloads:
            rows = [{"id": i, "payload": payload} for i, payload in payloads.items()]
            await self.session.execute(update(OutboxMessage), rows)
        for start in range(0, len(cancelled), 5000):  # stay below every driver's parameter limit
            statement = (
                update(OutboxMessage)
                # A row a worker has taken meanwhile is on its way: it stays as it is.
                .where(
                    OutboxMessage.id.in_(cancelled[start : start + 5000]),
                    OutboxMessage.status.in_(UNSENT),
                )
                .values(status="cancelled", last_error=why)
                .execution_options(synchronize_session=False)
            )
            await self.session.execute(statement)

    async def drop_pending_for(self, campaign_id: int, person_id: int, reason: str) -> int:
        """A person's unsent nudges of one campaign go when their participation pauses."""
        statement = (
            update(OutboxMessage)
            .where(
                OutboxMessage.campaign_id == campaign_id,
                OutboxMessage.person_id == person_id,
                OutboxMessage.status == "pending",
            )
            .values(status="dropped", last_error=reason)
            .execution_options(synchronize_session=False)
        )
        return (await self.session.execute(statement)).rowcount  # type: ignore[attr-defined]

    async def outbox_counts(self, campaign_id: int) -> dict[str, int]:
        query = (
            select(OutboxMessage.status, func.count())
            .where(OutboxMessage.campaign_id == campaign_id)
            .group_by(OutboxMessage.status)
        )
        return {status: count for status, count in (await self.session.execute(query)).all()}

    async def load_batch(self, keys: Collection[tuple[int, int]]) -> None:
        """Load a batch's campaigns and (campaign, person) standings at once, and hold them in the
        session (its identity map keeps rows only while referenced): then they need no query."""
        loaded: dict[tuple[int, int], CampaignParticipant | None] = self.session.info.setdefault(_LOADED, {})
        wanted = set(keys) - loaded.keys()
        if not wanted:
            return
        campaign_ids = {c for c, _ in wanted}
        campaigns = await self.session.scalars(select(Campaign).where(Campaign.id.in_(campaign_ids)))
        self.session.info.setdefault(_CAMPAIGNS, []).extend(campaigns)
        query = select(CampaignParticipant).where(
            CampaignParticipant.campaign_id.in_({c for c, _ in wanted}),
            one_of(self.session, CampaignParticipant.person_id, {p for _, p in wanted}),
        )
        loaded.update(dict.fromkeys(wanted))
        for found in await self.session.scalars(query):
            loaded[(found.campaign_id, found.person_id)] = found

    async def participant(self, campaign_id: int, person_id: int, now: datetime) -> CampaignParticipant:
        key = (campaign_id, person_id)
        loaded: dict[tuple[int, int], CampaignParticipant | None] = self.session.info.get(_LOADED, {})
        found = loaded[key] if key in loaded else await self.session.get(CampaignParticipant, key)
        if found is None:
            found = CampaignParticipant(
                campaign_id=campaign_id,
                person_id=person_id,
                status="active",
                ignored_streak=0,
                updated_at=now,
            )
            self.session.add(found)
            if key in loaded:
                loaded[key] = found  # inserted with the rest of the batch at the next flush
            else:
                await self.session.flush()
        return found
