"""Every command and chat action that changes state leaves an audit line naming who and from where."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from bot.cli import app as cli
from storage.database import Database
from storage.models import AuditEntry, FaqEntry, OutboxMessage
from tests.support.admin import bearer, make_token

PEOPLE = (
    "email,name,department,role,language\n"
    "hanne@example.org,Hanne Hansen,HR,hr,en\n"
    "carl@example.org,Carl Krog,Digitalisation,coordinator,en\n"
    "bo@example.org,Bo Berg,IT,employee,en\n"
    "eva@example.org,Eva Eng,IT,employee,en\n"
    "finn@example.org,Finn Fog,IT,employee,en\n"
)


def _add_rows(url: str) -> tuple[int, int]:
    """A proposed FAQ entry and a dead letter, as the chat and the worker would leave them."""

    async def add() -> tuple[int, int]:
        db = Database(url)
        now = datetime(2026, 12, 1, 9, tzinfo=UTC)
        try:
            async with db.unit_of_work() as session:
                entry = FaqEntry(language="en", question="How do I share?", answer="A link.", created_at=now)
                dead = OutboxMessage(
                    key="audit:dead", status="dead", due_at=now, created_at=now, reply={"text": "hi"}
                )
                session.add_all([entry, dead])
                await session.flush()
                return entry.id, dead.id
        finally:
            await db.dispose()

    return asyncio.run(add())


def _audit(url: str) -> list[AuditEntry]:
    async def read() -> list[AuditEntry]:
        db = Database(url)
        try:
            async with db.unit_of_work() as session:
                return list((await session.execute(select(AuditEntry).order_by(AuditEntry.id))).scalars())
        finally:
            await db.dispose()

    return asyncio.run(read())


def test_every_state_changing_command_is_audited(
    sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STAFET_DATABASE_URL", sqlite_url)
    runner = CliRunner()
    people = tmp_path / "people.csv"
    people.write_text(PEOPLE, encoding="utf-8")

    def run(*args: str) -> str:
        result = runner.invoke(cli, list(args))
        assert result.exit_code == 0, result.output
        return result.output

    entry_id, dead_id = _add_rows(sqlite_url)
    commands = [
        (("admin", "token", "create", "--name", "Vera", "--role", "viewer"), "token.create", "Vera"),
        (("admin", "token", "revoke", "Vera"), "token.revoke", "Vera"),
        (("people", "import", str(people)), "people.import", "people.csv"),
        (("people", "export", "bo@example.org"), "people.export", None),
        (("ambassador", "add", "bo@example.org", "--topic", "security"), "ambassador.add", "bo@example.org"),
        (("ambassador", "update", "bo@example.org", "--cap", "3"), "ambassador.update", "bo@example.org"),
        (("ambassador", "group", "slack", "T1", "C1"), "ambassador.group", "slack:T1:C1"),
        (("ambassador", "remove", "bo@example.org"), "ambassador.remove", "bo@example.org"),
        (("campaign", "create", "Basics", "--cadence", "tue 10:00", "--everyone"), "campaign.create", None),
        (("campaign", "resume", "Basics"), "campaign.resume", None),
        (("campaign", "pause", "Basics"), "campaign.pause", None),
        (("campaign", "finish", "Basics"), "campaign.finish", None),
        (
            (
                "survey",
                "create",
                "enps",
                "--opens",
                "tomorrow 09:00",
                "--closes",
                "2030-01-01T12:00",
                "--everyone",
            ),
            "survey.schedule",
            None,
        ),  # fmt: skip
        (("faq", "approve", str(entry_id), "--by", "carl@example.org"), "faq.approve", f"faq:{entry_id}"),
        (("delivery", "retry", str(dead_id)), "delivery.retry", f"outbox:{dead_id}"),
        (("people", "forget", "bo@example.org", "--yes"), "people.forget", None),
    ]
    for args, action, target in commands:
        before = len(_audit(sqlite_url))
        run(*args)
        added = _audit(sqlite_url)[before:]
        assert [e.action for e in added] == [action], args
        assert added[0].actor.startswith("command line (") and added[0].detail.get("via") == "cli"
        if target is not None:
            assert added[0].target == target


async def test_faq_approval_in_chat_is_audited_with_the_coordinator(
    app, http: httpx.AsyncClient, chat
) -> None:  # type: ignore[no-untyped-def]
    headers = {**bearer(await make_token(app, "hr")), "Content-Type": "text/csv"}
    assert (await http.post("/api/v1/people/import", content=PEOPLE, headers=headers)).status_code == 200
    context = app.state.context
    async with context.db.unit_of_work() as session:
        entry = FaqEntry(language="en", question="Q?", answer="A.", created_at=context.clock.now())
        session.add(entry)
        await session.flush()
        entry_id = entry.id
    await chat("carl@example.org").click("questions.faq_approve", str(entry_id))
    async with context.db.unit_of_work() as session:
        row = (
            await session.execute(select(AuditEntry).where(AuditEntry.action == "faq.approve"))
        ).scalar_one()
    assert (row.actor, row.role, row.target, row.detail) == (
        "carl@example.org",
        "coordinator",
        f"faq:{entry_id}",
        {"via": "chat"},
    )


async def test_api_and_dashboard_actions_say_where_they_came_from(app, http: httpx.AsyncClient) -> None:  # type: ignore[no-untyped-def]
    hr = await make_token(app, "hr")
    created = await http.post(
        "/api/v1/campaigns", json={"name": "Via API", "cadence": "tue 10:00"}, headers=bearer(hr)
    )
    assert created.status_code in (200, 201), created.text
    audit = (await http.get("/api/v1/audit", headers=bearer(hr))).json()["items"]
    newest = audit[0]
    assert (newest["action"], newest["detail"]["via"]) == ("campaign.create", "api")
