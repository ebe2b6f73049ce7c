"""Right of access and right to erasure, checked against the database itself; and retention."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from bot.admin import retention
from bot.cli import app as cli
from bot.config import Settings
from bot.delivery.outbox import Outbox
from bot.runtime.replies import Reply
from storage.models import ConversationRef, Identity, OutboxMessage, Person, WebchatMessage
from tests.support.admin import admin_settings, bearer, make_token


@pytest.fixture
def settings(db_url: str) -> Settings:
    return admin_settings(db_url)


async def _count(app, model, *where) -> int:  # type: ignore[no-untyped-def]
    async with app.state.context.db.unit_of_work() as session:
        return await session.scalar(select(func.count()).select_from(model).where(*where)) or 0


async def _a_person_who_chatted(app, chat, clock) -> int:  # type: ignore[no-untyped-def]
    await chat("karen@example.org", "Karen Olsen").say("help")
    await chat("ole@example.org", "Ole Dam").say("help")
    async with app.state.context.db.unit_of_work() as session:
        karen = await session.scalar(select(Person).where(Person.email == "karen@example.org"))
        karen.department = "HR"
        outbox = Outbox(session, clock)
        await outbox.enqueue(
            key="t:sent", person_id=karen.id, reply=Reply(text="Nudge for Karen"), campaign_id=7
        )
        await outbox.enqueue(
            key="t:pending", person_id=karen.id, reply=Reply(text="Later, Karen"), campaign_id=7
        )
        sent = await session.scalar(select(OutboxMessage).where(OutboxMessage.key == "t:sent"))
        sent.status, sent.sent_at = "sent", clock.now()
        return karen.id


async def test_export_then_forget_through_the_api(app, http: httpx.AsyncClient, chat, clock) -> None:  # type: ignore[no-untyped-def]
    karen = await _a_person_who_chatted(app, chat, clock)
    hr = bearer(await make_token(app, "hr", "Hanne from HR"))

    exported = (
        await http.post("/api/v1/people/export", json={"email": "Karen@Example.org"}, headers=hr)
    ).json()
    assert exported["person_id"] == karen
    assert exported["profile"]["display_name"] == "Karen Olsen"
    assert exported["identities"] == [
        {
            "platform": "web",
            "workspace_id": "local",
            "user_id": "karen@example.org",
            "active": True,
            "created_at": clock.now().isoformat(),
        }
    ]
    assert [c["conversation_id"] for c in exported["conversations"]] == ["karen@example.org"]
    assert [m["from"] for m in exported["webchat_messages"]] == ["user", "bot"]
    assert sorted(m["reply"]["text"] for m in exported["outbox"]) == ["Later, Karen", "Nudge for Karen"]
    assert "ole@example.org" not in str(exported)

    forgotten = await http.post("/api/v1/people/forget", json={"email": "karen@example.org"}, headers=hr)
    assert forgotten.status_code == 200

    async with app.state.context.db.unit_of_work() as session:
        row = await session.get(Person, karen)
        assert (row.email, row.display_name, row.timezone, row.language) == (None, "", None, None)
        assert row.department == "HR"  # kept, so department aggregates stay valid
    assert await _count(app, Identity, Identity.person_id == karen) == 0
    assert await _count(app, ConversationRef, ConversationRef.conversation_id == "karen@example.org") == 0
    assert await _count(app, WebchatMessage, WebchatMessage.person_id == karen) == 0
    assert await _count(app, OutboxMessage, OutboxMessage.person_id == karen) == 0
    # The campaign still counts one message sent, now anonymous and without its content.
    async with app.state.context.db.unit_of_work() as session:
        kept = (await session.scalars(select(OutboxMessage).where(OutboxMessage.campaign_id == 7))).all()
        assert [(m.status, m.person_id, m.reply) for m in kept] == [("sent", None, None)]
    # Ole is untouched.
    assert await _count(app, WebchatMessage) == 2
    assert await _count(app, Identity) == 1

    again = await http.post("/api/v1/people/export", json={"email": "karen@example.org"}, headers=hr)
    assert again.status_code == 404 and again.json()["error"]["code"] == "unknown_person"
    audit = (await http.get("/api/v1/audit", headers=hr)).json()["items"]
    assert [(e["action"], e["actor"], e["target"]) for e in audit[:2]] == [
        ("people.forget", "Hanne from HR", f"person:{karen}"),
        ("people.export", "Hanne from HR", f"person:{karen}"),
    ]
    assert "karen" not in str(audit).lower()
    # Chatting again after being forgotten starts a new, empty person.
    await chat("karen@example.org", "Karen Olsen").say("help")
    assert await _count(app, Person, Person.email == "karen@example.org") == 1


async def test_cli_export_and_forget(app, chat, clock, db_url: str) -> None:  # type: ignore[no-untyped-def]
    await _a_person_who_chatted(app, chat, clock)
    env = {"STAFET_DATABASE_URL": db_url}

    def run(*args: str):  # type: ignore[no-untyped-def]
        return asyncio.to_thread(CliRunner().invoke, cli, list(args), env=env)

    exported = await run("people", "export", "karen@example.org")
    assert exported.exit_code == 0 and '"display_name": "Karen Olsen"' in exported.stdout
    forgotten = await run("people", "forget", "karen@example.org", "--yes")
    assert forgotten.exit_code == 0 and "Forgotten" in forgotten.stdout
    assert await _count(app, Person, Person.email == "karen@example.org") == 0
    assert (await run("people", "export", "karen@example.org")).exit_code == 1


async def test_retention_purges_old_delivery_log_only(app, clock) -> None:  # type: ignore[no-untyped-def]
    context = app.state.context
    async with context.db.unit_of_work() as session:
        outbox = Outbox(session, clock)
        for key in ("old-sent", "old-pending", "new-sent"):
            await outbox.enqueue(key=key, person_id=None, reply=Reply(text=key))
        rows = {m.key: m for m in await session.scalars(select(OutboxMessage))}
        rows["old-sent"].status = rows["new-sent"].status = "sent"
        rows["new-sent"].created_at = clock.advance(days=89)
    clock.advance(days=2)
    assert (await retention.purge(context))["delivery_log"] == 1
    async with context.db.unit_of_work() as session:
        assert sorted(await session.scalars(select(OutboxMessage.key))) == ["new-sent", "old-pending"]


async def test_retention_forgets_handled_event_ids_after_two_days(app, clock) -> None:  # type: ignore[no-untyped-def]
    from storage.models.platform_events import ProcessedEvent
    from storage.repositories.platform_events import ProcessedEventRepository

    context = app.state.context
    async with context.db.unit_of_work() as session:
        events = ProcessedEventRepository(session)
        assert await events.first_time("teams", "old", clock.now())
        assert await events.first_time("teams", "new", clock.advance(days=1))
    clock.advance(days=1, seconds=1)
    assert (await retention.purge(context))["event_ids"] == 1
    async with context.db.unit_of_work() as session:
        assert list(await session.scalars(select(ProcessedEvent.event_id))) == ["new"]
        assert not await ProcessedEventRepository(session).first_time("teams", "new", clock.now())


async def test_learning_data_exported_and_private_words_erased(app, http: httpx.AsyncClient, clock) -> None:  # type: ignore[no-untyped-def]
    from storage.models import Enrolment, LearningItem, QuizAnswer
    from storage.repositories.learning import LearningRepository
    from storage.repositories.people import PeopleRepository

    context = app.state.context
    async with context.db.unit_of_work() as session:
        person = await PeopleRepository(session).add_person(
            clock.now(), email="lis@example.org", department="IT"
        )
        learning = LearningRepository(session)
        await learning.set_enrolment(person.id, "organisation", "active", clock.now())
        item = await learning.add_item(person.id, "org-values-correct", "organisation", clock.now())
        item.completed_at, item.reflection = clock.now(), "I could use this in my casework"
        await learning.add_answer(
            person.id, "org-values-correct", clock.now(), clock.now().date(), correct=True, review=False
        )
        await session.flush()
        answer = await session.scalar(select(QuizAnswer).where(QuizAnswer.person_id == person.id))
        answer.confidence = "unsure"
        person_id = person.id
    hr = bearer(await make_token(app, "hr"))
    exported = (
        await http.post("/api/v1/people/export", json={"email": "lis@example.org"}, headers=hr)
    ).json()
    assert exported["learning"]["lessons"][0]["reflection"] == "I could use this in my casework"
    assert exported["learning"]["enrolments"][0]["track"] == "organisation"
    [answered] = exported["learning"]["answers"]
    assert answered["correct"] is True and answered["confidence"] == "unsure"  # how sure they were
    await http.post("/api/v1/people/forget", json={"email": "lis@example.org"}, headers=hr)
    assert await _count(app, Enrolment, Enrolment.person_id == person_id) == 0
    assert await _count(app, LearningItem, LearningItem.reflection.is_not(None)) == 0
    # Completion and accuracy still count this (now anonymous) learner.
    assert await _count(app, LearningItem, LearningItem.completed_at.is_not(None)) == 1
    assert await _count(app, QuizAnswer, QuizAnswer.correct) == 1


async def test_retention_drops_old_reflections(app, clock) -> None:  # type: ignore[no-untyped-def]
    from storage.models import LearningItem
    from storage.repositories.learning import LearningRepository
    from storage.repositories.people import PeopleRepository

    context = app.state.context
    async with context.db.unit_of_work() as session:
        person = await PeopleRepository(session).add_person(clock.now(), email="lis@example.org")
        learning = LearningRepository(session)
        for lesson, days_ago in (("old", 400), ("new", 10)):
            item = await learning.add_item(person.id, lesson, "organisation", clock.now())
            item.completed_at = clock.now() - timedelta(days=days_ago)
            item.reflection = f"{lesson} thoughts"
    counts = await retention.purge(context)
    assert counts["reflections"] == 1
    async with context.db.unit_of_work() as session:
        kept = await session.scalars(
            select(LearningItem.reflection).where(LearningItem.reflection.is_not(None))
        )
        assert list(kept) == ["new thoughts"]


def test_served_access_log_keeps_no_search_words(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A people search names a person; `stafet serve` logs the request without the words."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("STAFET_", "SLACK_"))}
    env = {**clean, "STAFET_PORT": str(port), "STAFET_DATABASE_URL": f"sqlite:///{tmp_path}/s.db"}
    server = subprocess.Popen(
        [sys.executable, "-m", "bot", "serve"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(300):
            try:
                httpx.get(f"{base}/healthz", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.1)  # waiting for a real process to listen, not for a schedule
        response = httpx.get(f"{base}/admin/people?q=anna.berg%40example.org&page=2", timeout=5)
        assert response.status_code in (200, 303, 401)
    finally:
        server.terminate()
        log, _ = server.communicate(timeout=30)
    assert "GET /admin/people?q=…&page=… HTTP/1.1" in log
    assert "anna" not in log and "example.org" not in log
