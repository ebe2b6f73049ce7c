"""HR sees the messages Stafet gave up on, with the reason, and sends them again: in the
dashboard, the API and the command line, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import insert, select
from typer.testing import CliRunner

from bot.cli import app as cli
from bot.clock import FixedClock
from bot.config import Settings
from bot.delivery.messenger import DeliveryError, Target
from bot.delivery.worker import DeliveryWorker
from bot.runtime.events import Platform
from bot.runtime.replies import Reply
from storage.models import AuditEntry, OutboxMessage
from tests.support.admin import admin_settings, bearer, make_token
from tests.support.population import add_people
from tests.test_dashboard import signed_in


@pytest.fixture
def settings(db_url: str) -> Settings:
    return admin_settings(db_url)


class Gone:
    """Slack says the conversation no longer exists: no point in trying again by itself."""

    def __init__(self) -> None:
        self.sent: list[str] = []
        self.broken = True

    async def send(self, target: Target, reply: Reply) -> str:
        if self.broken:
            raise DeliveryError("channel_not_found", permanent=True)
        self.sent.append(reply.text)
        return f"m{len(self.sent)}"


async def _lesson(*_args: object) -> Reply:
    return Reply(text="lesson")


async def _two_dead_letters(app: FastAPI, clock: FixedClock, platform: Gone) -> DeliveryWorker:
    """P0's nudge and a ready message to P1 (which could answer an anonymous question)."""
    context = app.state.context
    await add_people(context.db, 2, clock.now())
    async with context.db.unit_of_work() as session:
        await session.execute(
            insert(OutboxMessage),
            [
                {"key": "nudge:1", "person_id": 1, "kind": "nudge", "payload": {}, "status": "pending",
                 "due_at": clock.now(), "attempts": 0, "created_at": clock.now()},
                {"key": "question:7:answer", "person_id": 2, "kind": "message", "reply": {"text": "answer"},
                 "status": "pending", "due_at": clock.now(), "attempts": 0, "created_at": clock.now()},
            ],
        )  # fmt: skip
    worker = DeliveryWorker(context, {Platform.SLACK: platform}, {"nudge": _lesson})
    await worker.run_once()
    return worker


async def _statuses(app: FastAPI) -> dict[str, str]:
    async with app.state.context.db.unit_of_work() as session:
        rows = (await session.execute(select(OutboxMessage.key, OutboxMessage.status))).all()
    return dict(rows)  # type: ignore[arg-type]


async def test_dashboard_lists_dead_letters_and_sends_the_chosen_one_again(
    app: FastAPI, clock: FixedClock, server: str
) -> None:
    platform = Gone()
    worker = await _two_dead_letters(app, clock, platform)
    assert await _statuses(app) == {"nudge:1": "dead", "question:7:answer": "dead"}
    async with httpx.AsyncClient(base_url=server) as browser:
        csrf = await signed_in(browser, app)
        page = await browser.get("/admin/delivery")
        assert page.status_code == 200
        assert page.text.count("channel_not_found") == 2 and "Send all 2 again" in page.text
        assert "P0" in page.text  # a nudge names its recipient
        assert "P1" not in page.text and "question:7" not in page.text  # a ready message does not
        nudge_id = await _id_of(app, "nudge:1")
        sent = await browser.post("/admin/delivery/retry", data={"csrf": csrf, "ids": str(nudge_id)})
        assert sent.status_code == 303
        after = await browser.get(sent.headers["location"])
        assert "Queued again: 1." in after.text and after.text.count("channel_not_found") == 1
        forged = await browser.post("/admin/delivery/retry", data={"csrf": "nope", "every": "true"})
        assert forged.status_code == 403
    assert await _statuses(app) == {"nudge:1": "pending", "question:7:answer": "dead"}
    platform.broken = False
    assert await worker.run_once() == 1 and platform.sent == ["lesson"]
    async with app.state.context.db.unit_of_work() as session:
        [entry] = (
            await session.scalars(select(AuditEntry).where(AuditEntry.action == "delivery.retry"))
        ).all()
    assert (entry.actor, entry.target, entry.detail) == (
        "Hanne",
        f"outbox:{nudge_id}",
        {"via": "dashboard", "count": 1},
    )


async def test_api_lists_dead_letters_and_sends_all_again(
    app: FastAPI, clock: FixedClock, http: httpx.AsyncClient
) -> None:
    platform = Gone()
    worker = await _two_dead_letters(app, clock, platform)
    token = bearer(await make_token(app, "hr"))
    listed = (await http.get("/api/v1/delivery/dead-letters?limit=1", headers=token)).json()
    assert listed["total"] == 2 and listed["next_offset"] == 1
    [first] = listed["items"]
    assert first["reason"] == "channel_not_found" and first["status"] == "dead" and first["attempts"] == 1
    rest = (await http.get("/api/v1/delivery/dead-letters?offset=1", headers=token)).json()["items"]
    assert {first["recipient"], rest[0]["recipient"]} == {"P0", None}
    too_many = await http.post(
        "/api/v1/delivery/dead-letters/retry", json={"ids": list(range(501))}, headers=token
    )
    assert too_many.status_code == 422 and too_many.json()["error"]["code"]
    queued = await http.post("/api/v1/delivery/dead-letters/retry", json={}, headers=token)
    assert queued.json() == {"queued": 2}
    assert (await http.get("/api/v1/delivery/dead-letters", headers=token)).json()["total"] == 0
    platform.broken = False
    assert await worker.run_once() == 2 and sorted(platform.sent) == ["answer", "lesson"]


async def test_cli_lists_and_retries(app: FastAPI, clock: FixedClock, db_url: str) -> None:
    await _two_dead_letters(app, clock, Gone())
    env = {"STAFET_DATABASE_URL": db_url}

    def run(*args: str):  # type: ignore[no-untyped-def]
        return asyncio.to_thread(CliRunner().invoke, cli, list(args), env=env)

    listed = await run("delivery", "dead")
    assert listed.exit_code == 0 and listed.stdout.count("channel_not_found") == 2
    assert "slack · P0" in listed.stdout and "2 dead letter(s)." in listed.stdout
    assert (await run("delivery", "retry")).exit_code == 2  # neither ids nor --all
    retried = await run("delivery", "retry", str(await _id_of(app, "question:7:answer")))
    assert retried.exit_code == 0 and "Queued again: 1." in retried.stdout
    assert "Queued again: 1." in (await run("delivery", "retry", "--all")).stdout
    assert "No dead letters" in (await run("delivery", "dead")).stdout
    assert set((await _statuses(app)).values()) == {"pending"}


async def _id_of(app: FastAPI, key: str) -> int:
    async with app.state.context.db.unit_of_work() as session:
        return (await session.scalars(select(OutboxMessage.id).where(OutboxMessage.key == key))).one()
