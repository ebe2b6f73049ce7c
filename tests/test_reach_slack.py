"""Everyone in the Slack workspace is reached without writing first: directory sync over the
Web API, a first message posted to the user id, and deactivated members left alone."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select
from typer.testing import CliRunner

from bot.adapters.slack import people as slack_people
from bot.admin.roles import CLI
from bot.app import create_app
from bot.cli import app as cli
from bot.clock import FixedClock
from bot.config import load_settings
from storage.models import AuditEntry, ConversationRef, Identity, Person
from tests.support.admin import bearer, make_token
from tests.support.server import live_server
from tests.support.slack import BOT_TOKEN, SIGNING_SECRET, TEAM, FakeSlack, SlackSender, fake_slack_server
from tests.support.surveys import open_wave

CSV = (
    "email,name,department\nanna@example.org,Anna Holm,Finance\nbo@example.org,Bo Berg,IT\n"
    "carl@example.org,Carl Dahl,IT\ndina@example.org,Dina Eng,Sales\n"
    "frida@example.org,Frida Fjord,HR\n"  # five imported: a survey needs k of them
)


@pytest.fixture
async def workspace() -> AsyncIterator[FakeSlack]:
    fake = FakeSlack()
    fake.add_user("U0ANNA", "anna@example.org", "Anna Holm", locale="da-DK")
    fake.add_user("U0BO", "bo@example.org", "Bo Berg")
    fake.add_user("U0CARL", "carl@example.org", "Carl Dahl")
    fake.add_user("U0EVE", "eve@example.org", "Eve Fo")  # not imported by HR
    fake.add_user("U0GUEST", "gus@partner.example", "Gus Guest", is_restricted=True)
    fake.add_user("U0BOT", None, "Helper", is_bot=True)
    fake.add_user("U0GONE", "gone@example.org", "Gone Person", deleted=True)
    fake.add_user("U0NOMAIL", None, "No Mail")
    for n in range(300):  # more than one page of 200
        fake.add_user(f"U1{n:04d}", f"extra{n}@example.org", f"Extra {n}")
    async with fake_slack_server(fake):
        yield fake


def _settings(db_url: str, fake: FakeSlack, **extra: str):  # type: ignore[no-untyped-def]
    return load_settings(
        STAFET_DATABASE_URL=db_url,
        STAFET_DEFAULT_LANGUAGE="en",
        STAFET_SCHEDULER=False,
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=fake.url,
        STAFET_SLACK_DIRECTORY_RATE="60000",
        STAFET_OPERATOR="HR at Acme",
        **extra,
    )


@pytest.fixture
def reach_app(db_url: str, clock: FixedClock, workspace: FakeSlack) -> FastAPI:
    return create_app(_settings(db_url, workspace), clock=clock, background=False)


async def _import(app: FastAPI, csv: str = CSV) -> None:
    from bot.admin.importing import parse
    from bot.admin.people import PeopleAdminService

    context = app.state.context
    async with context.db.unit_of_work() as session:
        await PeopleAdminService(session, context.clock).apply(CLI, parse(csv.encode()), "people.csv")


async def test_sync_links_by_email_and_everyone_reachable_gets_the_invitation(
    reach_app: FastAPI, workspace: FakeSlack
) -> None:
    await _import(reach_app)
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    workspace.rate_limit("users.list", retry_after=3)
    context = reach_app.state.context
    report = await slack_people.sync(context, CLI, sleep=sleep)
    assert report.to_json() == {
        "linked": 3,
        "new": 0,
        "deactivated": 0,
        "unmatched": {"bot": 1, "deleted": 1, "guest": 1, "no_email": 1, "not_imported": 301},
    }
    assert 3.0 in waits  # the 429's Retry-After was honoured, then the same page asked again
    listed = workspace.called("users.list")
    assert len(listed) == 3 and all(int(call["limit"]) == 200 for call in listed)
    async with context.db.unit_of_work() as session:
        [audit] = (await session.scalars(select(AuditEntry).where(AuditEntry.action == "people.sync"))).all()
        assert audit.detail["linked"] == 3

    workspace.calls.clear()
    wave_id = await open_wave(context, "digital-confidence", live_results=True)
    assert await reach_app.state.worker.run_once() == 3  # Anna, Bo and Carl; Dina has no account
    assert await reach_app.state.worker.run_once() == 0
    assert "conversations.open" not in workspace.methods()
    posts = workspace.called("chat.postMessage")
    by_person: dict[str, list[tuple[str, str]]] = {}
    for post in posts:
        by_person.setdefault(post["channel"][1:], []).append((post["channel"], post.get("text") or ""))
    # Anna, Bo and Carl never wrote: each gets the introduction first, posted to their user id,
    # then the first question in the DM that post opened.
    assert set(by_person) == {"0ANNA", "0BO", "0CARL"}
    for who, sent in by_person.items():
        [(first, intro), (second, _question)] = sent
        assert (first, second) == (f"U{who}", f"D{who}")
        assert "HR at Acme" in intro
        # In their own language: Anna's Slack speaks Danish.
        assert ("påmindelser fra" if who == "0ANNA" else "nudges off") in intro
    # Dina has no Slack account: her invitation is undeliverable, and nothing was posted for her.
    async with context.db.unit_of_work() as session:
        refs = (await session.scalars(select(ConversationRef))).all()
        assert {r.conversation_id for r in refs} == {"D0ANNA", "D0BO", "D0CARL"}  # recorded from the response

    token = await make_token(reach_app, "viewer")
    async with live_server(reach_app) as url, httpx.AsyncClient(base_url=url, headers=bearer(token)) as http:
        reach = (await http.get("/api/v1/reach")).json()
        results = (await http.get(f"/api/v1/surveys/{wave_id}")).json()
    assert reach["total"]["reachable"] == 3 and reach["total"]["by_platform"]["slack"] == 3
    it = next(d for d in reach["items"] if d["department"] == "IT")
    assert (it["people"], it["reachable"]) == (2, 2)
    sales = next(d for d in reach["items"] if d["department"] == "Sales")
    assert sales["unreachable"]["no_account"] == 1  # Dina
    # Turnout counts the three who could be reached; Dina is shown apart.
    assert (results["turnout"]["invited"], results["unreachable"]) == (3, 2)  # Dina and Frida


async def test_a_deactivated_member_gets_nothing(reach_app: FastAPI, workspace: FakeSlack) -> None:
    await _import(reach_app)
    context = reach_app.state.context
    await slack_people.sync(context, CLI)
    workspace.users["U0BO"]["deleted"] = True
    report = await slack_people.sync(context, CLI)
    assert report.deactivated == 1
    workspace.calls.clear()
    await open_wave(context, "digital-confidence")
    while await reach_app.state.worker.run_once():
        pass
    channels = {post["channel"] for post in workspace.called("chat.postMessage")}
    assert channels == {"U0ANNA", "D0ANNA", "U0CARL", "D0CARL"}  # nothing to Bo


async def test_team_join_and_user_change_keep_the_directory_current(
    db_url: str, clock: FixedClock, workspace: FakeSlack
) -> None:
    app = create_app(
        _settings(db_url, workspace, STAFET_SLACK_SYNC_CREATE="true"), clock=clock, background=False
    )
    async with live_server(app) as url, httpx.AsyncClient(base_url=url, timeout=10) as http:
        slack = SlackSender(http)
        joined = workspace.add_user("U0NEW", "new@example.org", "Nina New", tz="Europe/Copenhagen")
        event = {
            "type": "event_callback",
            "team_id": TEAM,
            "event_id": "Ev1",
            "event": {"type": "team_join", "user": joined},
        }
        assert (await slack.event(event)).status_code == 200
        await app.state.slack.work.idle()
        async with app.state.context.db.unit_of_work() as session:
            nina = (await session.scalars(select(Person).where(Person.email == "new@example.org"))).one()
            assert nina.display_name == "Nina New"
        changed = dict(joined, deleted=True)
        event = {
            "type": "event_callback",
            "team_id": TEAM,
            "event_id": "Ev2",
            "event": {"type": "user_change", "user": changed},
        }
        assert (await slack.event(event)).status_code == 200
        await app.state.slack.work.idle()
        async with app.state.context.db.unit_of_work() as session:
            [identity] = (await session.scalars(select(Identity).where(Identity.user_id == "U0NEW"))).all()
            assert identity.active is False


async def test_people_sync_command_prints_counts(
    db_url: str, workspace: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STAFET_DATABASE_URL", db_url)
    monkeypatch.setenv("SLACK_BOT_TOKEN", BOT_TOKEN)
    monkeypatch.setenv("SLACK_SIGNING_SECRET", SIGNING_SECRET)
    monkeypatch.setenv("SLACK_API_URL", workspace.url)
    monkeypatch.setenv("STAFET_SLACK_DIRECTORY_RATE", "60000")
    # In a thread: the fake Slack answers from this test's event loop.
    result = await asyncio.to_thread(CliRunner().invoke, cli, ["people", "sync", "slack", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "Dry run" in result.output and "linked: 0" in result.output
    assert "no person with that email" in result.output
