"""The adoption funnel of a large organisation, through the API, on SQLite and PostgreSQL: more
learners than one PostgreSQL statement may take parameters (65,535)."""

from __future__ import annotations

import httpx
from fastapi import FastAPI
from sqlalchemy import Integer, Select, String, cast, insert, literal, select

from bot.clock import FixedClock
from storage.models import LearningItem, Person
from storage.repositories.learning import LearningRepository
from storage.repositories.people import PeopleRepository
from tests.support.admin import bearer, make_token

LEARNERS = 70_000


def numbers(upto: int) -> Select[tuple[int]]:
    """1, 2, ... upto, made by the database itself (a recursive query both databases run)."""
    counting = select(literal(1, Integer).label("n")).cte("numbers", recursive=True)
    counting = counting.union_all(select(counting.c.n + 1).where(counting.c.n < upto))
    return select(counting.c.n)


async def test_the_funnel_counts_more_learners_than_a_statement_takes_parameters(
    app: FastAPI, http: httpx.AsyncClient, clock: FixedClock
) -> None:
    context = app.state.context
    async with context.db.unit_of_work() as session:
        first = await PeopleRepository(session).add_person(clock.now(), email="p0@example.org")
        item = await LearningRepository(session).add_item(
            first.id, "org-values-correct", "organisation", clock.now()
        )
        item.completed_at = clock.now()
        await session.flush()
        # Everyone else is a copy of the first learner, written by the database.
        people, items = Person.__table__, LearningItem.__table__
        n = numbers(LEARNERS - 1).subquery()
        copied = [c.name for c in people.columns if c.name not in ("id", "email")]
        email = literal("p") + cast(n.c.n, String) + literal("@example.org")
        await session.execute(
            insert(people).from_select(
                ["email", *copied],
                select(email, *(people.c[name] for name in copied))
                .select_from(n)
                .join(people, people.c.id == first.id),
            )
        )
        columns = [c.name for c in items.columns if c.name not in ("id", "person_id")]
        template = items.alias("template")
        await session.execute(
            insert(items).from_select(
                ["person_id", *columns],
                select(people.c.id, *(template.c[name] for name in columns))
                .join(template, template.c.id == item.id)
                .where(people.c.id != first.id),
            )
        )
    hr = bearer(await make_token(app, "viewer"))
    response = await http.get("/api/v1/funnel", headers=hr, timeout=60)
    assert response.status_code == 200, response.text
    total = response.json()["total"]
    assert total["reached"]["people"] == total["started"]["people"] == LEARNERS
