"""Composing a batch of campaign nudges reads everyone's learning state in a few queries: the
number of SQL statements a delivery round costs does not grow with the people in it. On SQLite
and PostgreSQL."""

from __future__ import annotations

from fastapi import FastAPI
from sqlalchemy import event, func, select

from bot import features
from bot.clock import FixedClock
from bot.delivery.messenger import Target
from bot.runtime.events import Platform
from bot.runtime.replies import Reply
from storage.models import OutboxMessage
from storage.repositories.people import PeopleRepository

# Claim, people, preferences, targets (2), buckets, learning (4), campaigns (3), and one write
# per table: the same for 4 people or 400.
PER_ROUND = 33  # claim, compose, send and record, with the record step's streak and reminder writes


class Recording:
    def __init__(self) -> None:
        self.sent: dict[str, list[str]] = {}

    async def send(self, target: Target, reply: Reply) -> str:
        self.sent.setdefault(target.address.conversation_id, []).append(reply.title or reply.text)
        return f"m{sum(map(len, self.sent.values()))}"


async def _people(app: FastAPI, clock: FixedClock, count: int) -> list[str]:
    emails = [f"learner{n}@example.org" for n in range(count)]
    async with app.state.context.db.unit_of_work() as session:
        repo = PeopleRepository(session)
        for email in emails:
            person = await repo.add_person(clock.now(), email=email)
            person.introduced_at = clock.now()  # they have talked with Stafet before
            identity = await repo.add_identity(person, "web", "local", email, clock.now())
            await repo.remember_conversation(
                platform="web", workspace_id="local", conversation_id=email, identity_id=identity.id,
                now=clock.now(),
            )  # fmt: skip
    return emails


async def test_a_round_of_nudges_costs_statements_per_round_not_per_person(  # type: ignore[no-untyped-def]
    app: FastAPI, nudge, clock: FixedClock
) -> None:
    context = app.state.context
    emails = await _people(app, clock, 40)
    messenger = Recording()
    worker = features.delivery_worker(context, {Platform.WEB: messenger})
    statements: list[str] = []
    event.listen(
        context.db.engine.sync_engine, "before_cursor_execute", lambda *args: statements.append(args[2])
    )
    for occurrence in ("2026-11-23", "2026-11-24"):
        for email in emails:
            await nudge(email, ["basics", "other"], occurrence)
        statements.clear()
        assert await worker.run_once() == len(emails)
        assert len(statements) <= PER_ROUND, statements
        clock.advance(days=1)

    assert messenger.sent == {email: ["Two locks on the door", "Personal data"] for email in emails}
    async with context.db.unit_of_work() as session:
        reminders = await session.scalar(select(func.count()).where(OutboxMessage.key.like("%:reminder")))
    assert reminders == 2 * len(emails)  # one for each nudge, in case it goes unanswered


async def test_several_nudges_to_one_person_in_a_round_bring_successive_lessons(  # type: ignore[no-untyped-def]
    app: FastAPI, nudge, clock: FixedClock
) -> None:
    """What composing one row adds (the lesson sent) is what the next row for them reads."""
    [email] = await _people(app, clock, 1)
    messenger = Recording()
    worker = features.delivery_worker(app.state.context, {Platform.WEB: messenger})
    for occurrence in ("a", "b", "c"):
        await nudge(email, ["basics"], occurrence)
    assert await worker.run_once() == 3
    assert messenger.sent == {email: ["Two locks on the door", "Personal data", "Phishing tricks"]}
