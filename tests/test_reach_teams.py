"""Everyone in the Entra ID tenant is reached in Teams without installing the app themselves:
the directory through Microsoft Graph (msal client credentials against a token endpoint over
TLS), proactive installation honouring 429, the one-to-one chat opened through the connector."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from bot.adapters.teams import people as teams_people
from bot.admin.importing import parse
from bot.admin.people import PeopleAdminService
from bot.admin.roles import CLI
from bot.app import create_app
from bot.clock import FixedClock
from bot.config import load_settings
from bot.reach.installs import InstallWorker
from bot.runtime.events import Platform
from storage.models import AppInstall, ConversationRef, Identity
from tests.support.admin import bearer, make_token
from tests.support.graph import (
    APP_ID,
    CATALOG_APP_ID,
    TENANT,
    FakeGraph,
    FakeLogin,
    self_signed,
    serve,
    serve_in_thread,
)
from tests.support.server import live_server
from tests.support.surveys import open_wave
from tests.support.teams import FakeConnector, fake_connector

CSV = (
    "email,name,department\nanna@example.org,Anna Holm,Finance\nbo@example.org,Bo Berg,IT\n"
    "carl@example.org,Carl Dahl,IT\ndina@example.org,Dina Eng,Sales\n"
    "frida@example.org,Frida Fjord,HR\n"  # five imported: a survey needs k of them
)


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return self_signed(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def login(certificate: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeLogin]:
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(certificate[0]))  # msal (requests) trusts the fake
    fake = FakeLogin()
    with serve_in_thread(fake.app(), certificate) as url:
        fake.url = url
        yield fake


@pytest.fixture
async def graph() -> AsyncIterator[FakeGraph]:
    fake = FakeGraph(page_size=2)
    fake.add_user(
        "obj-anna", "Anna@Example.org", "Anna Holm", preferredLanguage="da-DK", department="Finance"
    )
    fake.add_user("obj-bo", "bo@example.org", "Bo Berg")
    fake.add_user("obj-carl", "carl@example.org", "Carl Dahl", accountEnabled=False)
    fake.add_user("obj-erik", "erik@example.org", "Erik Not Imported")
    fake.add_user("obj-guest", "gus@partner.example", "Gus Guest", userType="Guest")
    async with serve(fake.app()) as url:
        fake.url = url
        yield fake


@pytest.fixture
async def connector() -> AsyncIterator[FakeConnector]:
    async with fake_connector() as running:
        yield running


@pytest.fixture
async def teams_app(
    db_url: str, clock: FixedClock, login: FakeLogin, graph: FakeGraph, connector: FakeConnector
) -> AsyncIterator[FastAPI]:
    settings = load_settings(
        STAFET_DATABASE_URL=db_url,
        STAFET_DEFAULT_LANGUAGE="en",
        STAFET_SCHEDULER=False,
        MICROSOFT_APP_ID=APP_ID,
        MICROSOFT_APP_PASSWORD="client-secret",
        MICROSOFT_APP_TENANT_ID=TENANT,
        STAFET_LOGIN_URL=login.url,
        STAFET_GRAPH_URL=graph.url,
        STAFET_TEAMS_CATALOG_APP_ID=CATALOG_APP_ID,
        STAFET_TEAMS_SERVICE_URL=connector.url,
        STAFET_GRAPH_RATE="1000",
    )
    app = create_app(settings, clock=clock, background=False)
    yield app
    await app.state.installs.installers[Platform.TEAMS].close()  # its HTTP session; no lifespan ran


async def _import(app: FastAPI) -> None:
    context = app.state.context
    async with context.db.unit_of_work() as session:
        await PeopleAdminService(session, context.clock).apply(CLI, parse(CSV.encode()), "people.csv")


async def _reach(app: FastAPI) -> dict[str, Any]:
    token = await make_token(app, "viewer", name=f"viewer {uuid.uuid4().hex}")
    async with live_server(app) as url, httpx.AsyncClient(base_url=url, headers=bearer(token)) as http:
        response = await http.get("/api/v1/reach")
    assert response.status_code == 200
    return response.json()  # type: ignore[no-any-return]


async def test_sync_install_and_invite_everyone_reachable_in_teams(
    teams_app: FastAPI, clock: FixedClock, login: FakeLogin, graph: FakeGraph, connector: FakeConnector
) -> None:
    await _import(teams_app)
    context = teams_app.state.context
    graph.refuse["obj-bo"] = (403, "Forbidden")  # e.g. a policy blocks the app for Bo
    report = await teams_people.sync(context, CLI)
    assert report.to_json() == {
        "linked": 2,
        "new": 0,
        "deactivated": 0,
        "unmatched": {"deleted": 1, "guest": 1, "not_imported": 1},
    }
    assert login.tokens["https://graph.microsoft.com/.default"] >= 1
    async with context.db.unit_of_work() as session:
        identities = (await session.scalars(select(Identity).where(Identity.platform == "teams"))).all()
        assert {i.user_id for i in identities} == {"obj-anna", "obj-bo"}  # Entra object ids

    graph.throttle_next, graph.retry_after = 2, 30
    installs = teams_app.state.installs
    assert await installs.run_once() == 0 and graph.throttled == 2
    assert await installs.run_once() == 0  # the whole queue waits out Retry-After
    clock.advance(seconds=31)
    assert await installs.run_once() == 1
    assert sum(graph.installs.values()) == 1  # Anna once; Bo refused
    async with context.db.unit_of_work() as session:
        rows = {r.identity_id: r for r in (await session.scalars(select(AppInstall))).all()}
        by_user = {i.id: i.user_id for i in (await session.scalars(select(Identity))).all()}
        states = {by_user[i]: (r.status, r.last_error or "") for i, r in rows.items()}
        refs = (await session.scalars(select(ConversationRef))).all()
    assert states["obj-anna"] == ("done", "")
    assert states["obj-bo"][0] == "failed" and "Forbidden" in states["obj-bo"][1]
    assert [r.conversation_id for r in refs] == ["a:chat-obj-anna"]
    [chat] = connector.chats
    assert chat["members"] == [{"id": "obj-anna"}] and chat["tenantId"] == TENANT
    reach = await _reach(teams_app)
    it = next(d for d in reach["items"] if d["department"] == "IT")
    assert it["unreachable"] == {"deactivated": 0, "install_failed": 1, "not_installed": 0, "no_account": 1}
    [error] = reach["install_errors"]
    assert "403" in error and "Forbidden" in error  # Graph's own words, for the Teams administrator
    assert reach["total"]["by_platform"] == {"slack": 0, "teams": 1, "web": 0}

    await open_wave(context, "digital-confidence")
    while await teams_app.state.worker.run_once():
        pass
    sent = connector.messages()
    assert {m.conversation_id for m in sent} == {"a:chat-obj-anna"}
    intro, _question = sent
    assert "påmindelser fra" in str(intro.body)  # introduced in Danish, her preferred language

    # A later sync reads only what changed: Anna's account is disabled, and she gets nothing more.
    graph.change("obj-anna", accountEnabled=False)
    calls = graph.requests["delta"]
    report = await teams_people.sync(context, CLI)
    assert graph.requests["delta"] == calls + 1 and report.deactivated == 1
    async with context.db.unit_of_work() as session:
        [anna] = (await session.scalars(select(Identity).where(Identity.user_id == "obj-anna"))).all()
        assert anna.active is False
    finance = next(d for d in (await _reach(teams_app))["items"] if d["department"] == "Finance")
    assert (finance["reachable"], finance["unreachable"]["deactivated"]) == (0, 1)


async def test_an_install_whose_worker_died_is_not_installed_twice(
    teams_app: FastAPI, clock: FixedClock, graph: FakeGraph, connector: FakeConnector
) -> None:
    await _import(teams_app)
    context = teams_app.state.context
    await teams_people.sync(context, CLI)
    graph.installed.add("obj-anna")  # installed, then the worker died before recording it
    assert await teams_app.state.installs.run_once() == 2
    assert graph.installs["obj-anna"] == 0  # 409: straight on to the conversation
    assert {c["members"][0]["id"] for c in connector.chats} == {"obj-anna", "obj-bo"}
    clock.advance(timedelta(days=1))
    assert await teams_app.state.installs.run_once() == 0


async def test_two_replicas_share_the_queue_and_nobody_is_installed_twice(
    teams_app: FastAPI, graph: FakeGraph, connector: FakeConnector
) -> None:
    await _import(teams_app)
    context = teams_app.state.context
    await teams_people.sync(context, CLI)
    installer = teams_people.build_installer(context.settings)
    assert installer is not None
    other = InstallWorker(context.db, context.clock, {Platform.TEAMS: installer}, context.settings.graph_rate)
    done = await asyncio.gather(teams_app.state.installs.run_once(), other.run_once())
    await installer.close()
    assert sum(done) == 2
    assert dict(graph.installs) == {"obj-anna": 1, "obj-bo": 1}
    assert len(connector.chats) == 2
