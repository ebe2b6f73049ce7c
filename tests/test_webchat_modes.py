"""The web chat's three modes: which one a situation gets, which ones `stafet serve` refuses, what
`open` (the quick start's demo) and `off` look like over real HTTP, on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import create_engine, select, text

from bot.adapters.webchat.mode import WebchatMode, is_loopback, webchat_mode
from bot.app import create_app
from bot.clock import FixedClock
from bot.config import ConfigError, load_settings
from bot.delivery.outbox import Outbox
from bot.delivery.rows import targets_for
from bot.people.service import PeopleService
from bot.runtime.events import Address, Platform, Profile
from bot.runtime.replies import Reply
from storage import migrate
from storage.database import sync_url
from storage.models import OutboxMessage
from storage.repositories.people import PeopleRepository
from tests.support.server import live_server

SLACK = {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s"}
TEAMS = {"MICROSOFT_APP_ID": "app", "MICROSOFT_APP_PASSWORD": "p"}
OIDC = {"STAFET_OIDC_SLACK_CLIENT_ID": "c", "STAFET_OIDC_SLACK_CLIENT_SECRET": "s"}
NOTHING: dict[str, str] = {}


@pytest.mark.parametrize(
    ("host", "configured", "expected"),
    [
        ("127.0.0.1", NOTHING, WebchatMode.OPEN),
        ("::1", NOTHING, WebchatMode.OPEN),
        ("localhost", OIDC, WebchatMode.OPEN),
        ("127.0.0.1", SLACK, WebchatMode.OFF),
        ("127.0.0.1", TEAMS, WebchatMode.OFF),
        ("127.0.0.1", SLACK | OIDC, WebchatMode.SIGNIN),
        ("0.0.0.0", NOTHING, WebchatMode.OFF),
        ("0.0.0.0", OIDC, WebchatMode.SIGNIN),
        ("stafet.example.org", OIDC, WebchatMode.SIGNIN),
    ],
)
def test_the_default_mode_follows_the_situation(
    host: str, configured: dict[str, str], expected: WebchatMode
) -> None:
    assert webchat_mode(load_settings(STAFET_HOST=host, **configured)) is expected


@pytest.mark.parametrize(
    ("asked", "host", "configured", "reason"),
    [
        ("open", "0.0.0.0", NOTHING, "listens on 0.0.0.0, not on loopback only"),
        ("open", "192.168.1.20", NOTHING, "listens on 192.168.1.20"),
        ("open", "127.0.0.1", SLACK, "Slack is configured"),
        ("open", "127.0.0.1", TEAMS, "Teams is configured"),
        ("signin", "127.0.0.1", NOTHING, "needs an OpenID Connect provider"),
    ],
)
def test_a_mode_the_situation_does_not_allow_is_refused(
    asked: str, host: str, configured: dict[str, str], reason: str
) -> None:
    with pytest.raises(ConfigError, match=reason) as refused:
        webchat_mode(load_settings(STAFET_WEBCHAT=asked, STAFET_HOST=host, **configured))
    assert "\n" not in str(refused.value)
    with pytest.raises(ConfigError):
        create_app(load_settings(STAFET_WEBCHAT=asked, STAFET_HOST=host, **configured), background=False)


def test_asked_for_explicitly_where_allowed() -> None:
    assert webchat_mode(load_settings(STAFET_WEBCHAT="off")) is WebchatMode.OFF
    assert webchat_mode(load_settings(STAFET_WEBCHAT="signin", **OIDC)) is WebchatMode.SIGNIN
    assert (
        webchat_mode(load_settings(STAFET_WEBCHAT="off", STAFET_HOST="0.0.0.0", **SLACK)) is WebchatMode.OFF
    )
    assert is_loopback("127.0.0.2") and is_loopback("[::1]") and not is_loopback("::")


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("STAFET_", "SLACK_", "MICROSOFT_"))}
    return {**clean, "STAFET_DATABASE_URL": f"sqlite:///{tmp_path}/s.db", **extra}


@pytest.mark.parametrize(
    ("options", "extra", "reason"),
    [
        (["--host", "0.0.0.0"], {"STAFET_WEBCHAT": "open"}, "not on loopback only"),
        ([], {"STAFET_WEBCHAT": "open", **SLACK}, "Slack is configured"),
        ([], {"STAFET_WEBCHAT": "signin"}, "needs an OpenID Connect provider"),
    ],
)
def test_serve_stops_with_one_line_naming_the_reason(
    tmp_path: Path, options: list[str], extra: dict[str, str], reason: str
) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bot", "serve", *options],
        capture_output=True,
        text=True,
        env=_env(tmp_path, **extra),
        cwd=tmp_path,
        timeout=60,
    )
    assert done.returncode == 2
    [line] = done.stderr.strip().splitlines()
    assert line.startswith("Configuration error: STAFET_WEBCHAT=") and reason in line
    assert not (tmp_path / "s.db").exists()  # refused before touching anything


@pytest.fixture
def quick_start(tmp_path: Path) -> Iterator[str]:
    """`stafet serve` as the README's quick start runs it: nothing configured, loopback."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "bot", "serve", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=_env(tmp_path),
        cwd=tmp_path,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                httpx.get(f"{base}/healthz", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.1)  # waiting for a real process to listen, not for a schedule
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_the_quick_start_serves_the_open_demo_on_loopback(quick_start: str) -> None:
    health = httpx.get(f"{quick_start}/healthz", timeout=5).json()
    assert health["webchat"]["mode"] == "open" and "anyone" in health["webchat"]["warning"]
    page = httpx.get(f"{quick_start}/chat?lang=en", timeout=5)
    assert page.status_code == 200 and "Demo mode: anyone on this machine can act as anyone" in page.text
    sent = httpx.post(
        f"{quick_start}/chat/api/send",
        json={"user": "anna@example.org", "text": "help", "language": "en"},
        timeout=10,
    )
    assert sent.json()["messages"][-1]["title"] == "Hi, I'm Stafet"
    history = httpx.get(f"{quick_start}/chat/api/messages", params={"user": "anna@example.org"}, timeout=5)
    assert [m["from"] for m in history.json()["messages"]] == ["user", "bot"]


async def test_the_demo_banner_speaks_the_persons_language(http: httpx.AsyncClient, app: FastAPI) -> None:
    catalogue = app.state.context.catalogue
    for language in ("da", "en", "nb"):
        page = await http.get("/chat", headers={"Accept-Language": language})
        assert catalogue.text(language, "webchat.demo") in page.text
    assert (await http.get("/chat/api/people")).status_code == 404


async def test_off_answers_404_everywhere_under_chat(sqlite_url: str, clock: FixedClock) -> None:
    app = create_app(load_settings(STAFET_DATABASE_URL=sqlite_url, **SLACK), clock=clock, background=False)
    assert Platform.WEB not in app.state.messengers
    async with live_server(app) as url, httpx.AsyncClient(base_url=url) as http:
        for path in ("/chat", "/chat/static/chat.js", "/chat/api/messages?user=a@b.c", "/chat/api/people"):
            assert (await http.get(path)).status_code == 404, path
        assert (await http.post("/chat/api/send", json={"user": "a@b.c", "text": "hi"})).status_code == 404
        assert (await http.get("/")).headers["location"] == "/admin/"
        assert (await http.get("/healthz")).json()["webchat"] == {"mode": "off"}


async def test_open_mode_bounds_sizes_and_numbers_without_echo(http: httpx.AsyncClient) -> None:
    for after in ("99999999999999999999999", "9999999999", "-1"):
        response = await http.get("/chat/api/messages", params={"user": "anna@example.org", "after": after})
        assert response.status_code == 422, after
    secret = "confidential-" + "x" * 4000
    too_long = await http.post("/chat/api/send", json={"user": "anna@example.org", "text": secret})
    assert too_long.status_code == 422 and "confidential" not in too_long.text
    huge = await http.post(
        "/chat/api/send", json={"user": "a@b.c", "text": "y", "value": "confidential" * 9000}
    )
    assert huge.status_code == 413 and "confidential" not in huge.text
    big = await http.post(
        "/chat/api/send", json={"user": "anna@example.org", "action": "x", "message": 99999999999999999999999}
    )
    assert big.status_code == 422
    assert (await http.get("/chat/api/messages", params={"user": "anna@example.org"})).json() == {
        "messages": []
    }


async def test_open_mode_never_takes_over_a_teams_conversation(app: FastAPI, chat, clock: FixedClock) -> None:  # type: ignore[no-untyped-def]
    context = app.state.context
    async with context.db.unit_of_work() as session:
        await PeopleService(PeopleRepository(session)).identify(
            Address(Platform.TEAMS, "tenant", "a:1", "29:anna"),
            Profile(email="anna@example.org"),
            clock.now(),
        )
    clock.advance(minutes=5)
    await chat("anna@example.org").say("hi")  # anyone on this machine could have typed that
    await chat("bo@example.org").say("hi")

    async def targets(unverified: bool) -> dict[str, Platform]:
        async with context.db.unit_of_work() as session:
            outbox = Outbox(session, context.clock)
            for email in ("anna@example.org", "bo@example.org"):
                person = await PeopleRepository(session).by_email(email)
                assert person is not None
                await outbox.enqueue(
                    key=f"n:{email}:{unverified}", person_id=person.id, reply=Reply(text="Nudge")
                )
            rows = (
                await session.scalars(select(OutboxMessage).where(OutboxMessage.key.like(f"%:{unverified}")))
            ).all()
            found = await targets_for(session, rows, app.state.messengers, unverified=unverified)
            return {row.key.split(":")[1]: found[row.id].address.platform for row in rows if row.id in found}

    assert app.state.worker.unverified_targets is True
    assert await targets(True) == {"anna@example.org": Platform.TEAMS, "bo@example.org": Platform.WEB}
    # Where nobody signs in (any other mode), a demo conversation is nobody's delivery target.
    assert await targets(False) == {"anna@example.org": Platform.TEAMS}


def test_web_chat_conversations_from_before_sign_in_become_unverified(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'm.db'}"
    migrate.upgrade(url, "0014_hr_digest")
    engine = create_engine(sync_url(url))
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO conversation_refs"
                " (platform, workspace_id, conversation_id, kind, reference, updated_at) VALUES"
                " ('web', 'local', 'anna@example.org', 'personal', '{}', '2026-11-23 08:00:00'),"
                " ('slack', 'T1', 'D1', 'personal', '{}', '2026-11-23 08:00:00')"
            )
        )
    migrate.upgrade(url)
    with engine.connect() as connection:
        kinds = dict(connection.execute(text("SELECT platform, kind FROM conversation_refs")).tuples().all())
    engine.dispose()
    assert kinds == {"web": "unverified", "slack": "personal"}
