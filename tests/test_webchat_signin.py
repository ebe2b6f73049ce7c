"""The web chat in `signin` mode next to Slack, over real HTTP with a local OpenID Connect provider:
nobody reads, writes or receives as someone else, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select

from bot.clock import FixedClock
from bot.config import Settings, load_settings
from bot.delivery.outbox import Outbox
from bot.delivery.rows import targets_for
from bot.people.service import PeopleService
from bot.runtime.events import Address, Platform, Profile
from bot.runtime.replies import Reply
from storage.base import Base
from storage.models import OutboxMessage, Person
from storage.repositories.people import PeopleRepository
from tests.questions_support import ambassador, open_question, person
from tests.support.oidc import FORGERIES, FakeProvider
from tests.support.server import live_server
from tests.support.slack import BOT_TOKEN, SIGNING_SECRET, FakeSlack
from tests.support.webchat import sign_in


@pytest.fixture
async def provider() -> AsyncIterator[FakeProvider]:
    fake = FakeProvider()
    async with live_server(fake.app) as url:
        fake.base = url
        yield fake


@pytest.fixture
def settings(db_url: str, provider: FakeProvider, fake_slack: FakeSlack) -> Settings:
    """Slack is configured and so is Sign in with Slack: the web chat defaults to `signin`."""
    return load_settings(
        STAFET_DATABASE_URL=db_url,
        STAFET_DEFAULT_LANGUAGE="en",
        STAFET_SCHEDULER=False,
        STAFET_ADMIN_COOKIE_SECURE=False,
        STAFET_SECRET_KEY="test-secret",
        STAFET_OIDC_SLACK_CLIENT_ID=provider.client_id,
        STAFET_OIDC_SLACK_CLIENT_SECRET="secret",
        STAFET_OIDC_SLACK_METADATA_URL=f"{provider.base}/.well-known/openid-configuration",
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=fake_slack.url,
    )


async def _organisation(app: FastAPI, clock: FixedClock) -> dict[str, int]:
    """Anna talks to Stafet in Slack and has an open question; Hanne is HR; Cy is an ambassador."""
    context = app.state.context
    now = clock.now()
    async with context.db.unit_of_work() as session:
        anna = await PeopleService(PeopleRepository(session)).identify(
            Address(Platform.SLACK, "T0001", "D0ANNA", "U0ANNA"),
            Profile(email="anna@example.org", display_name="Anna Holm"),
            now,
        )
        hanne = await person(session, "hanne@example.org", now, role="hr")
        await ambassador(session, "cy@example.org", now)
        question = await open_question(session, anna, now)
        return {"anna": anna.id, "hanne": hanne.id, "question": question.id}


async def _rows(app: FastAPI) -> dict[str, int]:
    """How many rows every table holds: an attack that changed nothing leaves this as it was."""
    async with app.state.context.db.unit_of_work() as session:
        return {
            table.name: await session.scalar(select(func.count()).select_from(table)) or 0
            for table in Base.metadata.sorted_tables
        }


ATTACKS = [
    ("post", {"user": "anna@example.org", "text": "hi"}),  # become Anna's newest conversation
    ("post", {"user": "cy@example.org", "action": "questions.claim", "value": "1"}),  # claim as ambassador
    (
        "post",
        {"user": "cy@example.org", "action": "questions.answer", "value": "1", "fields": {"answer": "x"}},
    ),
    ("post", {"user": "hanne@example.org", "text": "survey-results"}),  # HR's results
    ("post", {"user": "mallory@elsewhere.net", "text": "hi"}),  # a new person in --everyone
    ("get", "/chat/api/messages?user=anna@example.org&after=0"),  # Anna's transcript
    ("get", "/chat/api/stream?user=anna@example.org&after=0"),
    ("get", "/chat/api/people"),
    ("get", "/chat/api/messages?user=%C3%A5nna@example.org"),  # not ASCII: still a plain refusal
]


async def _attack(http: httpx.AsyncClient, method: str, what: object) -> httpx.Response:
    if method == "post":
        return await http.post("/chat/api/send", json=what)
    return await http.get(str(what))


async def test_every_attack_without_a_session_is_refused_and_changes_nothing(
    app: FastAPI, http: httpx.AsyncClient, clock: FixedClock
) -> None:
    await _organisation(app, clock)
    before = await _rows(app)
    for method, what in ATTACKS:
        response = await _attack(http, method, what)
        assert response.status_code in (401, 404), (what, response.status_code)
        assert "anna" not in response.text and "hanne" not in response.text
    assert (await http.get("/chat/api/people")).status_code == 404
    assert await _rows(app) == before
    health = (await http.get("/healthz")).json()
    assert health["webchat"] == {"mode": "signin"}


async def test_a_signed_in_person_cannot_act_as_anyone_else(
    app: FastAPI, http: httpx.AsyncClient, clock: FixedClock, provider: FakeProvider
) -> None:
    await _organisation(app, clock)
    await sign_in(http, provider, "eve@example.org", "Eve")
    before = await _rows(app)
    for method, what in ATTACKS:
        response = await _attack(http, method, what)
        assert response.status_code in (403, 404), (what, response.status_code)
    assert await _rows(app) == before


async def test_a_signed_in_person_reads_and_writes_only_their_own_conversation(
    app: FastAPI, server: str, clock: FixedClock, provider: FakeProvider
) -> None:
    async with (
        httpx.AsyncClient(base_url=server, timeout=10) as anna_browser,
        httpx.AsyncClient(base_url=server, timeout=10) as bo_browser,
    ):
        anna = await sign_in(anna_browser, provider, "anna@example.org", "Anna Holm")
        [help_reply] = await anna.say("help")
        assert help_reply["title"] == "Hi, I'm Stafet"
        bo = await sign_in(bo_browser, provider, "bo@example.org", "Bo Berg")
        assert await bo.history() == []
        [language] = await anna.press("Language")
        # Bo uses a control of Anna's message by its number: it is not his, so hers stays open.
        choice = language["choices"][0]
        sent = await bo_browser.post(
            "/chat/api/send", json={"action": choice["action"], "value": "da", "message": language["n"]}
        )
        assert sent.status_code == 200 and all(m["n"] != language["n"] for m in sent.json()["messages"])
        mine = await anna.history()
        assert [m["from"] for m in mine] == ["user", "bot", "user", "bot"]
        still_open = next(m for m in mine if m["n"] == language["n"])
        assert still_open["chosen"] is None and still_open["choices"]
        assert not {m["n"] for m in mine} & {m["n"] for m in await bo.history()}
    async with app.state.context.db.unit_of_work() as session:
        people = {p.email: p for p in (await session.scalars(select(Person))).unique()}
    assert set(people) == {"anna@example.org", "bo@example.org"}
    assert people["anna@example.org"].display_name == "Anna Holm"
    assert people["anna@example.org"].language is None and people["bo@example.org"].language == "da"


async def test_the_web_chat_becomes_a_delivery_target_only_after_sign_in(
    app: FastAPI, http: httpx.AsyncClient, clock: FixedClock, provider: FakeProvider
) -> None:
    ids = await _organisation(app, clock)
    context = app.state.context

    async def target() -> Platform:
        async with context.db.unit_of_work() as session:
            await Outbox(session, context.clock).enqueue(
                key=f"nudge:{clock.now().isoformat()}", person_id=ids["anna"], reply=Reply(text="Nudge")
            )
            rows = (await session.scalars(select(OutboxMessage))).all()
            found = await targets_for(session, rows, app.state.messengers)
            platform = found[rows[-1].id].address.platform
            for row in rows:
                await session.delete(row)
        return platform

    refused = await http.post("/chat/api/send", json={"user": "anna@example.org", "text": "hi"})
    assert refused.status_code == 401
    assert await target() is Platform.SLACK
    clock.advance(timedelta(minutes=1))
    anna = await sign_in(http, provider, "anna@example.org")
    await anna.say("hi")
    assert await target() is Platform.WEB  # her own choice, made signed in


@pytest.mark.parametrize("forgery", FORGERIES)
async def test_a_bad_id_token_is_refused(
    forgery: str, db_url: str, http: httpx.AsyncClient, provider: FakeProvider
) -> None:
    if "postgresql" in db_url:
        pytest.skip("the ID token check does not touch the database")
    provider.user = {"sub": "U9", "email": "mallory@example.org", "name": "Mallory"}
    provider.forge = forgery
    page = await http.get("/chat/signin/slack", follow_redirects=True)
    assert page.status_code == 401
    assert "Sign-in did not succeed" in page.text
    assert "stafet_chat" not in http.cookies
    assert (await http.get("/chat/api/messages")).status_code == 401


async def test_a_forged_session_cookie_is_refused(http: httpx.AsyncClient) -> None:
    http.cookies.set("stafet_chat", "eyJlbWFpbCI6ImFubmFAZXhhbXBsZS5vcmcifQ.forged.signature", path="/chat")
    assert (await http.get("/chat/api/messages")).status_code == 401


async def test_signing_out_ends_the_session(http: httpx.AsyncClient, provider: FakeProvider) -> None:
    anna = await sign_in(http, provider, "anna@example.org")
    await anna.say("hi")
    cross_site = await http.post("/chat/signin/out", headers={"Origin": "https://evil.example"})
    assert cross_site.status_code == 403
    out = await http.post("/chat/signin/out", headers={"Origin": str(http.base_url).rstrip("/")})
    assert out.status_code == 303
    assert (await http.get("/chat/api/messages")).status_code == 401


async def test_sends_are_rate_limited_per_session(
    http: httpx.AsyncClient, server: str, clock: FixedClock, provider: FakeProvider
) -> None:
    anna = await sign_in(http, provider, "anna@example.org")
    for n in range(30):
        await anna.say(f"note {n}")
    refused = await http.post("/chat/api/send", json={"text": "one more"})
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1
    async with httpx.AsyncClient(base_url=server, timeout=10) as other:
        bo = await sign_in(other, provider, "bo@example.org")
        assert await bo.say("hi")  # another session has its own budget
    clock.advance(timedelta(seconds=4))
    assert (await http.post("/chat/api/send", json={"text": "later"})).status_code == 200


async def test_size_and_numbers_are_bounded_without_echo(
    app: FastAPI, http: httpx.AsyncClient, provider: FakeProvider
) -> None:
    await sign_in(http, provider, "anna@example.org")
    before = await _rows(app)
    secret = "confidential-" + "x" * 4000
    too_long = await http.post("/chat/api/send", json={"text": secret})
    assert too_long.status_code == 422 and "confidential" not in too_long.text
    huge = await http.post("/chat/api/send", json={"text": "y", "value": "confidential" * 10_000})
    assert huge.status_code == 413 and "confidential" not in huge.text
    for after in ("99999999999999999999999", "9999999999", "-1", "1e3", "²"):
        response = await http.get("/chat/api/messages", params={"after": after})
        assert response.status_code == 422, after
        assert (await http.get("/chat/api/stream", params={"after": after})).status_code == 422
    big = await http.post("/chat/api/send", json={"action": "x", "message": 99999999999999999999999})
    assert big.status_code == 422
    cross_site = await http.post(
        "/chat/api/send", json={"text": "hi"}, headers={"Origin": "https://evil.example"}
    )
    assert cross_site.status_code == 403
    assert await _rows(app) == before
