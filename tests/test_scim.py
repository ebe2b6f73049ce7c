"""Entra ID and Okta provision people over real HTTP: each request changes the right person only."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from bot.clock import FixedClock
from bot.delivery.outbox import Outbox
from bot.people.audience import Audience
from bot.questions.service import QuestionService
from bot.runtime.replies import Reply
from storage.models import AuditEntry, OutboxMessage, Person
from tests.questions_support import ambassador, open_question
from tests.questions_support import person as questions_person
from tests.support.scim import ENTERPRISE, entra_user, patch, provisioning_client


@pytest.fixture
async def scim(app: FastAPI, server: str) -> AsyncIterator[httpx.AsyncClient]:
    async with await provisioning_client(app, server) as client:
        yield client


async def person(app: FastAPI, email: str) -> Person | None:
    async with app.state.context.db.unit_of_work() as session:
        return await session.scalar(select(Person).where(Person.email == email))


async def create(scim: httpx.AsyncClient, user_name: str, email: str, **extra: Any) -> dict[str, Any]:
    response = await scim.post("/Users", json=entra_user(user_name, email, **extra))
    assert response.status_code == 201, response.text
    return response.json()


async def test_entra_creates_a_person_with_department_language_and_zone(
    app: FastAPI, scim: httpx.AsyncClient
) -> None:
    body = await create(scim, "anna@corp.example", "Anna.Berg@Example.org", timezone="Europe/Oslo")
    assert body["userName"] == "anna@corp.example" and body[ENTERPRISE] == {"department": "Finance"}
    assert "title" not in body and "phoneNumbers" not in body  # attributes Stafet does not keep
    assert body["meta"]["location"].endswith(f"/scim/v2/Users/{body['id']}")
    anna = await person(app, "anna.berg@example.org")
    assert anna is not None and str(anna.id) == body["id"]
    assert (anna.display_name, anna.department, anna.language, anna.timezone, anna.active) == (
        "Anna Berg",
        "Finance",
        "da",
        "Europe/Oslo",
        True,
    )
    assert anna.imported_at is not None  # vouched for by the identity provider: counts towards k
    async with app.state.context.db.unit_of_work() as session:
        entries = (
            await session.scalars(select(AuditEntry).where(AuditEntry.target == f"person:{anna.id}"))
        ).all()
    assert [(e.actor, e.role, e.action) for e in entries] == [
        ("Entra ID", "provisioning", "people.provision")
    ]


@pytest.mark.parametrize(
    "query",
    [
        'userName eq "ANNA@corp.example"',
        'externalId eq "anna"',
        'emails[type eq "work"].value eq "anna.berg@example.org"',
        'emails.value eq "Anna.Berg@example.org"',
        'userName eq "anna@corp.example" and active eq true',
    ],
)
async def test_filters_find_exactly_the_person(scim: httpx.AsyncClient, query: str) -> None:
    anna = await create(scim, "anna@corp.example", "anna.berg@example.org")
    await create(scim, "bo@corp.example", "bo@example.org", external_id="bo")
    found = (await scim.get("/Users", params={"filter": query})).json()
    assert found["totalResults"] == 1 and [u["id"] for u in found["Resources"]] == [anna["id"]]
    none = (await scim.get("/Users", params={"filter": 'userName eq "nobody@corp.example"'})).json()
    assert none["totalResults"] == 0 and none.get("Resources", []) == []


async def test_pages_go_through_everyone_once(scim: httpx.AsyncClient) -> None:
    made = [
        (await create(scim, f"p{n}@corp.example", f"p{n}@example.org", external_id=f"p{n}"))["id"]
        for n in range(5)
    ]
    seen = []
    for start in (1, 3, 5):
        page = (await scim.get("/Users", params={"startIndex": start, "count": 2})).json()
        assert page["totalResults"] == 5 and page["startIndex"] == start
        seen += [u["id"] for u in page["Resources"]]
    assert seen == made


async def test_a_second_user_name_is_a_409_uniqueness(app: FastAPI, scim: httpx.AsyncClient) -> None:
    await create(scim, "anna@corp.example", "anna@example.org")
    again = await scim.post("/Users", json=entra_user("Anna@Corp.example", "other@example.org"))
    assert again.status_code == 409
    assert again.json()["scimType"] == "uniqueness" and again.json()["status"] == "409"
    assert again.headers["content-type"].startswith("application/scim+json")
    assert await person(app, "other@example.org") is None


async def test_someone_imported_from_csv_is_the_same_person(
    app: FastAPI, scim: httpx.AsyncClient, http: httpx.AsyncClient
) -> None:
    from tests.support.admin import bearer, make_token

    hr = bearer(await make_token(app, "hr"))
    csv = "email,name,department\nanna@example.org,Anna B,Sales\n"
    imported = await http.post(
        "/api/v1/people/import", content=csv, headers={**hr, "content-type": "text/csv"}
    )
    assert imported.status_code == 200, imported.text
    before = await person(app, "anna@example.org")
    body = await create(scim, "anna@corp.example", "anna@example.org")
    assert body["id"] == str(before.id)  # type: ignore[union-attr]
    # HR's later import wins over what the provider said, and the provider sees it.
    csv = "email,name,department\nanna@example.org,Anna B,Marketing\n"
    await http.post("/api/v1/people/import", content=csv, headers={**hr, "content-type": "text/csv"})
    shown = (await scim.get(f"/Users/{body['id']}")).json()
    assert shown[ENTERPRISE]["department"] == "Marketing"


async def test_entra_patch_shapes_change_only_their_person(app: FastAPI, scim: httpx.AsyncClient) -> None:
    anna = await create(scim, "anna@corp.example", "anna@example.org")
    await create(scim, "bo@corp.example", "bo@example.org", external_id="bo", display_name="Bo Ek")
    operations = patch(
        {"op": "Replace", "path": 'emails[type eq "work"].value', "value": "anna.berg@example.org"},
        {"op": "Replace", "path": f"{ENTERPRISE}:department", "value": "IT"},
        {"op": "Add", "path": "preferredLanguage", "value": "nb-NO"},
        {"op": "Add", "value": {"displayName": "Anna Berg-Lund", "timezone": "Europe/Oslo"}},
    )
    response = await scim.patch(f"/Users/{anna['id']}", json=operations)
    assert response.status_code == 200, response.text
    assert response.json()["emails"][0]["value"] == "anna.berg@example.org"
    changed = await person(app, "anna.berg@example.org")
    assert changed is not None and str(changed.id) == anna["id"]
    assert (changed.department, changed.language, changed.display_name, changed.timezone) == (
        "IT",
        "nb",
        "Anna Berg-Lund",
        "Europe/Oslo",
    )
    assert await person(app, "anna@example.org") is None
    bo = await person(app, "bo@example.org")
    assert bo is not None and (bo.department, bo.language, bo.display_name) == ("Finance", "da", "Bo Ek")
    assert response.headers["etag"] == 'W/"2"'


async def test_deactivation_stops_every_message_and_leaves_audiences(
    app: FastAPI,
    scim: httpx.AsyncClient,
    chat,
    deliver,  # type: ignore[no-untyped-def]
) -> None:
    anna_chat, bo_chat = chat("anna@example.org"), chat("bo@example.org")
    await anna_chat.say("help")
    await bo_chat.say("help")
    anna = await create(scim, "anna@corp.example", "anna@example.org")
    await create(scim, "bo@corp.example", "bo@example.org", external_id="bo")
    await queue(app, "before")
    off = patch({"op": "Replace", "path": "active", "value": "False"})  # Entra sends booleans as strings
    response = await scim.patch(f"/Users/{anna['id']}", json=off)
    assert response.status_code == 200 and response.json()["active"] is False
    await queue(app, "after")
    await deliver()
    assert [m["text"] for m in await anna_chat.new_messages()] == []
    assert [m["text"] for m in await bo_chat.new_messages()] == ["Note before", "Note after"]
    assert await audience(app) == {"bo@example.org"}
    async with app.state.context.db.unit_of_work() as session:
        rows = (await session.scalars(select(OutboxMessage).where(OutboxMessage.key.like("anna%")))).all()
    assert {r.status for r in rows} == {"dropped"}
    # Okta's shape reactivates: a value object without a path.
    on = patch({"op": "replace", "value": {"active": True}})
    assert (await scim.patch(f"/Users/{anna['id']}", json=on)).json()["active"] is True
    await queue(app, "back")
    await deliver()
    assert [m["text"] for m in await anna_chat.new_messages()] == ["Note back"]
    assert await audience(app) == {"anna@example.org", "bo@example.org"}


async def queue(app: FastAPI, label: str) -> None:
    context = app.state.context
    async with context.db.unit_of_work() as session:
        for email in ("anna@example.org", "bo@example.org"):
            found = await session.scalar(select(Person).where(Person.email == email))
            await Outbox(session, context.clock).enqueue(
                key=f"{email.split('@')[0]}:{label}", person_id=found.id, reply=Reply(text=f"Note {label}")
            )


async def audience(app: FastAPI) -> set[str]:
    async with app.state.context.db.unit_of_work() as session:
        ids = Audience(everyone=True).person_ids()
        return set(await session.scalars(select(Person.email).where(Person.id.in_(ids))))


async def test_okta_replaces_the_whole_user_with_put(app: FastAPI, scim: httpx.AsyncClient) -> None:
    anna = await create(scim, "anna@corp.example", "anna@example.org")
    okta = entra_user("anna@corp.example", "anna@example.org", department="Legal", preferred_language="en-US")
    okta["active"] = False
    response = await scim.put(f"/Users/{anna['id']}", json=okta, headers={"If-Match": 'W/"1"'})
    assert response.status_code == 200, response.text
    found = await person(app, "anna@example.org")
    assert found is not None and (found.department, found.language, found.active) == ("Legal", "en", False)
    stale = await scim.put(f"/Users/{anna['id']}", json=okta, headers={"If-Match": 'W/"1"'})
    assert stale.status_code == 412


async def test_delete_erases_by_the_forget_rules(app: FastAPI, scim: httpx.AsyncClient) -> None:
    anna = await create(scim, "anna@corp.example", "anna@example.org")
    await create(scim, "bo@corp.example", "bo@example.org", external_id="bo")
    assert (await scim.delete(f"/Users/{anna['id']}")).status_code == 204
    assert (await scim.get(f"/Users/{anna['id']}")).status_code == 404
    assert (await scim.delete(f"/Users/{anna['id']}")).status_code == 404
    async with app.state.context.db.unit_of_work() as session:
        tombstone = await session.get(Person, int(anna["id"]))
        actions = (
            await session.scalars(
                select(AuditEntry.action).where(AuditEntry.target == f"person:{anna['id']}")
            )
        ).all()
    assert tombstone is not None and (tombstone.email, tombstone.display_name, tombstone.department) == (
        None,
        "",
        "Finance",
    )
    assert actions[-1] == "people.forget"
    assert await person(app, "bo@example.org") is not None
    listed = (await scim.get("/Users")).json()
    assert [u["userName"] for u in listed["Resources"]] == ["bo@corp.example"]


async def test_a_deactivated_ambassador_gets_no_questions(
    app: FastAPI, scim: httpx.AsyncClient, clock: FixedClock
) -> None:
    context = app.state.context
    async with context.db.unit_of_work() as session:
        await ambassador(session, "a@example.org", clock.now())
        await ambassador(session, "b@example.org", clock.now())
    a = await create(scim, "a@corp.example", "a@example.org")
    off = await scim.patch(f"/Users/{a['id']}", json=patch({"op": "replace", "value": {"active": False}}))
    assert off.status_code == 200
    async with context.db.unit_of_work() as session:
        asker = await questions_person(session, "asker@example.org", clock.now())
        question = await open_question(session, asker, clock.now())
        await QuestionService(session, context).route(question, "asked")
        b = await session.scalar(select(Person).where(Person.email == "b@example.org"))
        assert question.assigned_id == b.id  # type: ignore[union-attr]


async def test_the_same_user_sent_at_once_is_created_once(app: FastAPI, scim: httpx.AsyncClient) -> None:
    body = entra_user("anna@corp.example", "anna@example.org")
    answers = await asyncio.gather(*(scim.post("/Users", json=body) for _ in range(5)))
    assert sorted(r.status_code for r in answers) == [201, 409, 409, 409, 409]
    assert {r.json()["scimType"] for r in answers if r.status_code == 409} == {"uniqueness"}
