"""Several workspaces: "Add to Slack" stores the installation; each workspace is answered with its token."""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from bot.app import create_app
from bot.clock import FixedClock
from bot.config import load_settings
from bot.delivery.outbox import Outbox
from bot.runtime.replies import Reply
from storage.models import Person, slack_installations, slack_oauth_states
from tests.support.server import live_server
from tests.support.slack import BOT_TOKEN, OTHER_TOKEN, SIGNING_SECRET, TEAM, FakeSlack, SlackSender
from tests.support.slack_fixtures import Payload


@pytest.fixture
def oauth_app(db_url: str, clock: FixedClock, fake_slack: FakeSlack) -> FastAPI:
    settings = load_settings(
        STAFET_DATABASE_URL=db_url,
        STAFET_DEFAULT_LANGUAGE="en",
        STAFET_SCHEDULER=False,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_CLIENT_ID="1111.2222",
        SLACK_CLIENT_SECRET="client-secret",
        SLACK_API_URL=fake_slack.url,
    )
    return create_app(settings, clock=clock, background=False)


@pytest.fixture
async def oauth_http(oauth_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with live_server(oauth_app) as url, httpx.AsyncClient(base_url=url, timeout=10) as http:
        yield http


async def test_install_then_answer_the_new_workspace_with_its_token(
    oauth_app: FastAPI,
    oauth_http: httpx.AsyncClient,
    fake_slack: FakeSlack,
    payload: Payload,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    page = await oauth_http.get("/slack/install")
    assert page.status_code == 200
    [state] = re.findall(r"state=([\w-]+)", page.text)
    assert "scope=chat%3Awrite" in page.text or "scope=chat:write" in page.text
    cookie = page.headers["set-cookie"].split(";")[0]
    done = await oauth_http.get(
        "/slack/oauth_redirect", params={"code": "c0de", "state": state}, headers={"Cookie": cookie}
    )
    assert done.status_code == 200, done.text
    async with oauth_app.state.context.db.engine.connect() as connection:
        rows = (await connection.execute(select(slack_installations))).mappings().all()
        states = (await connection.execute(select(slack_oauth_states))).all()
    assert [(r["team_id"], r["bot_token"], r["client_id"]) for r in rows] == [
        ("T0002", OTHER_TOKEN, "1111.2222")
    ]
    assert states == []  # used up

    message = payload("message_im")
    message["team_id"] = "T0002"
    message["event"]["team"] = "T0002"
    message["authorizations"][0]["team_id"] = "T0002"
    assert (await SlackSender(oauth_http).event(message)).status_code == 200
    await oauth_app.state.slack.work.idle()
    posted = [c for c in fake_slack.calls if c.method == "chat.postMessage"]
    assert [(c.token, c.args["channel"]) for c in posted] == [(OTHER_TOKEN, "D0ANNA")]

    context = oauth_app.state.context
    async with context.db.unit_of_work() as session:
        anna = (await session.scalars(select(Person))).one()
        await Outbox(session, context.clock).enqueue(key="n:1", person_id=anna.id, reply=Reply(text="Nudge"))
    assert await oauth_app.state.worker.run_once() == 1
    assert (fake_slack.calls[-1].method, fake_slack.calls[-1].token) == ("chat.postMessage", OTHER_TOKEN)
    assert OTHER_TOKEN not in caplog.text  # the SDK logs the token exchange's answer at DEBUG


async def test_an_unknown_workspace_gets_no_answer(
    oauth_app: FastAPI, oauth_http: httpx.AsyncClient, fake_slack: FakeSlack, payload: Payload
) -> None:
    response = await SlackSender(oauth_http).event(payload("message_im"))
    await oauth_app.state.slack.work.idle()
    assert response.status_code == 200  # bolt answers "please reinstall"; nothing is dispatched
    assert [c.method for c in fake_slack.calls if c.method == "chat.postMessage"] == []


def test_our_tables_match_what_slack_sdk_reads_and_writes() -> None:
    from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
    from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
    from sqlalchemy import MetaData

    from storage.models import slack_bots

    theirs = MetaData()
    expected = {
        "slack_installations": SQLAlchemyInstallationStore.build_installations_table(
            theirs, "slack_installations"
        ),
        "slack_bots": SQLAlchemyInstallationStore.build_bots_table(theirs, "slack_bots"),
        "slack_oauth_states": SQLAlchemyOAuthStateStore.build_oauth_states_table(
            theirs, "slack_oauth_states"
        ),
    }
    for ours in (slack_installations, slack_bots, slack_oauth_states):
        sdk = expected[ours.name]
        columns = [(c.name, str(c.type), c.nullable, c.primary_key) for c in ours.columns]
        assert columns == [(c.name, str(c.type), c.nullable, c.primary_key) for c in sdk.columns]
        assert {i.name for i in ours.indexes} == {i.name for i in sdk.indexes}


async def test_directory_sync_reads_every_workspace_stafet_was_added_to(
    oauth_app: FastAPI,
    oauth_http: httpx.AsyncClient,
    fake_slack: FakeSlack,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """With "Add to Slack" there is no SLACK_BOT_TOKEN: each installed workspace's members are
    linked with its own token, so HR's campaign reaches people in all of them without writing
    first. A workspace whose token was revoked is logged and the others are still synced."""
    from slack_sdk.oauth.installation_store import Installation
    from slack_sdk.oauth.installation_store.sqlalchemy import AsyncSQLAlchemyInstallationStore

    from bot.adapters import people_sync
    from bot.adapters.slack import people as slack_people
    from bot.admin.importing import parse
    from bot.admin.people import PeopleAdminService
    from bot.admin.roles import CLI
    from storage.models import Identity

    context = oauth_app.state.context
    page = await oauth_http.get("/slack/install")  # workspace T0002 adds Stafet
    [state] = re.findall(r"state=([\w-]+)", page.text)
    cookie = page.headers["set-cookie"].split(";")[0]
    done = await oauth_http.get(
        "/slack/oauth_redirect", params={"code": "c0de", "state": state}, headers={"Cookie": cookie}
    )
    assert done.status_code == 200
    store = AsyncSQLAlchemyInstallationStore("1111.2222", engine=context.db.engine)
    for team, token in ((TEAM, BOT_TOKEN), ("T0003", "xoxb-revoked")):  # two installed earlier
        installed = Installation(
            app_id="A0STAFET", user_id="U0ADMIN", team_id=team, bot_token=token, bot_user_id="UBOT"
        )
        await store.async_save(installed)
    fake_slack.add_user("U2DORA", "dora@example.org", "Dora Dahl", team="T0002")  # (T0001: Anna, Bo)
    fake_slack.add_user("U2EVE", "eve@example.org", "Eve Eng", team="T0002")  # not imported by HR
    csv = "email,name,department\nanna@example.org,Anna Holm,IT\ndora@example.org,Dora Dahl,HR\n"
    async with context.db.unit_of_work() as session:
        await PeopleAdminService(session, context.clock).apply(CLI, parse(csv.encode()), "people.csv")

    report = await slack_people.sync(context, CLI)
    assert (report.linked, report.unmatched["not_imported"]) == (2, 2)  # Bo and Eve
    async with context.db.unit_of_work() as session:
        linked = {(i.workspace_id, i.user_id) for i in await session.scalars(select(Identity))}
    assert linked == {(TEAM, "U0ANNA"), ("T0002", "U2DORA")}
    listed = [c.token for c in fake_slack.calls if c.method == "users.list"]
    assert sorted(listed) == sorted([BOT_TOKEN, OTHER_TOKEN])
    assert "Slack directory sync of workspace T0003 failed" in caplog.text
    assert "people.sync.slack" in [job.name for job in people_sync.jobs(context.settings)]  # daily
