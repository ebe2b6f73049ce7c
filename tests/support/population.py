"""Many people reachable on (fake) Slack workspaces or Teams tenants, inserted in bulk, for
delivery tests and benchmarks."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert, select

from storage.database import Database
from storage.models import ConversationRef, Identity, OutboxMessage, Person


async def add_people(
    db: Database,
    count: int,
    now: datetime,
    *,
    workspaces: int = 1,
    timezone: str | None = None,
    start: int = 0,
    platform: str = "slack",
) -> None:
    """People p{n}@example.org with a Slack (or `platform`) identity and a direct conversation each."""
    prefix = {"teams": ("tenant-", "29:", "a:")}.get(platform, ("T", "U", "D"))
    async with db.unit_of_work() as session:
        people = [
            {"email": f"p{n}@example.org", "display_name": f"P{n}", "department": "", "role": "employee",
             "is_ambassador": False, "created_at": now, "timezone": timezone,
             "introduced_at": now}  # they have a conversation with Stafet already
            for n in range(start, start + count)
        ]  # fmt: skip
        await session.execute(insert(Person), people)
        ids = (await session.scalars(select(Person.id).where(Person.id > 0).order_by(Person.id))).all()[
            start:
        ]
        await session.execute(
            insert(Identity),
            [
                {"person_id": pid, "platform": platform, "workspace_id": f"{prefix[0]}{i % workspaces}",
                 "user_id": f"{prefix[1]}{pid}", "created_at": now}
                for i, pid in enumerate(ids)
            ],
        )  # fmt: skip
        wanted = set(ids)
        identities = (
            await session.execute(
                select(Identity.id, Identity.workspace_id, Identity.person_id).where(
                    Identity.platform == platform
                )
            )
        ).all()
        await session.execute(
            insert(ConversationRef),
            [
                {"identity_id": iid, "platform": platform, "workspace_id": ws,
                 "conversation_id": f"{prefix[2]}{pid}",
                 "kind": "personal", "reference": {}, "updated_at": now}
                for iid, ws, pid in identities if pid in wanted
            ],
        )  # fmt: skip


async def queue_messages(db: Database, now: datetime) -> int:
    """One ready message per person, due now."""
    async with db.unit_of_work() as session:
        ids = (await session.scalars(select(Person.id))).all()
        await session.execute(
            insert(OutboxMessage),
            [
                {"key": f"test:{pid}", "person_id": pid, "kind": "message", "reply": {"text": f"hello {pid}"},
                 "status": "pending", "due_at": now, "attempts": 0, "created_at": now}
                for pid in ids
            ],
        )  # fmt: skip
    return len(ids)


async def queue_to_one(db: Database, count: int, now: datetime, person_id: int = 1) -> None:
    """`count` messages to one person, all due now (keys many:0, many:1, ...)."""
    async with db.unit_of_work() as session:
        session.add_all(
            OutboxMessage(
                key=f"many:{n}", person_id=person_id, kind="message", reply={"text": f"{n}"},
                status="pending", due_at=now, created_at=now,
            )
            for n in range(count)
        )  # fmt: skip
