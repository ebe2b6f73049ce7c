"""Questions for the coordinator: SLA state, figures, ambassadors' load, FAQ approval; privacy."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from bot.config import Settings
from bot.questions import registry
from storage.models import FaqEntry, Question
from storage.repositories.people import PeopleRepository
from tests.support.admin import admin_settings, bearer, make_token


@pytest.fixture
def settings(db_url: str) -> Settings:
    return admin_settings(db_url)


async def _questions(app: FastAPI, clock) -> dict[str, int]:  # type: ignore[no-untyped-def]
    context = app.state.context
    now = clock.now()
    async with context.db.unit_of_work() as session:
        bo = await registry.save(
            session, "bo@example.org", registry.Profile(topics={"security": 3}), now, create=True
        )
        people = PeopleRepository(session)
        asker = await people.add_person(now, email="karen@example.org", display_name="Karen", department="HR")
        shy = await people.add_person(now, email="ole@example.org", display_name="Ole", department="HR")
        base = {"language": "en", "topic": "security", "asker_department": "HR", "created_at": now}
        fresh = Question(asker_id=asker.id, text="How do I spot phishing?", status="open", **base)
        fresh.assigned_id, fresh.routed_at, fresh.assigned_at = bo.person_id, now, now
        late = Question(asker_id=shy.id, anonymous=True, text="What is MFA?", status="open", **base)
        late.assigned_id, late.routed_at = bo.person_id, now - timedelta(days=3)
        late.assigned_at = now - timedelta(days=3)  # Friday 09:00: a working day and more
        session.add_all([fresh, late])
        entry = {"language": "en", "topic": "security", "question": "Is MFA safe?", "answer": "Yes."}
        session.add(FaqEntry(**entry, status="proposed", proposed_by=bo.person_id, created_at=now))
        await session.flush()
        return {"fresh": fresh.id, "late": late.id}


async def test_open_questions_with_sla_load_and_faq(app: FastAPI, http: httpx.AsyncClient, clock) -> None:  # type: ignore[no-untyped-def]
    ids = await _questions(app, clock)
    coordinator = bearer(await make_token(app, "coordinator", "Cora"))
    found = (await http.get("/api/v1/questions", headers=coordinator)).json()
    states = {q["id"]: q["sla"] for q in found["items"]}
    assert states == {ids["fresh"]: "on_time", ids["late"]: "overdue"}
    assert "karen" not in str(found).lower() and "ole" not in str(found).lower()  # askers are never named
    assert {q["holder"] for q in found["items"]} == {"bo"}
    load = (await http.get("/api/v1/questions/ambassadors", headers=coordinator)).json()["ambassadors"]
    assert load == [{"name": "bo", "department": "", "topics": {"security": 3}, "status": "available",
                     "open": 2, "cap": 5}]  # fmt: skip
    figures = (await http.get("/api/v1/questions/figures", headers=coordinator)).json()
    assert figures["open"] == 2 and figures["suppressed"] is True  # fewer than 5 routed questions
    queue = (await http.get("/api/v1/questions/faq", headers=coordinator)).json()["proposed"]
    approved = await http.post(f"/api/v1/questions/faq/{queue[0]['id']}/approve", headers=coordinator)
    assert approved.json()["status"] == "approved"
    again = await http.post(f"/api/v1/questions/faq/{queue[0]['id']}/approve", headers=coordinator)
    assert again.status_code == 409
    assert again.json()["error"]["message"] == f"FAQ entry #{queue[0]['id']} has already been approved."
    assert (await http.post("/api/v1/questions/faq/999/approve", headers=coordinator)).status_code == 404
    viewer = bearer(await make_token(app, "viewer"))
    assert (await http.get("/api/v1/questions", headers=viewer)).status_code == 403


async def test_export_and_forget_keep_anonymous_askers_hidden(
    app: FastAPI, http: httpx.AsyncClient, clock
) -> None:  # type: ignore[no-untyped-def]
    ids = await _questions(app, clock)
    hr = bearer(await make_token(app, "hr"))
    karen = (await http.post("/api/v1/people/export", json={"email": "karen@example.org"}, headers=hr)).json()
    assert [q["text"] for q in karen["questions"]["asked"]] == ["How do I spot phishing?"]
    ole = (await http.post("/api/v1/people/export", json={"email": "ole@example.org"}, headers=hr)).json()
    # Ole's own export holds his anonymous question, marked so; nobody else's names him.
    assert [(q["text"], q["anonymous"]) for q in ole["questions"]["asked"]] == [("What is MFA?", True)]
    assert "What is MFA" not in str(karen)
    await http.post("/api/v1/people/forget", json={"email": "karen@example.org"}, headers=hr)
    await http.post("/api/v1/people/forget", json={"email": "bo@example.org"}, headers=hr)
    async with app.state.context.db.unit_of_work() as session:
        fresh = await session.get(Question, ids["fresh"])
        assert (fresh.text, fresh.asker_id, fresh.assigned_id, fresh.topic) == ("", None, None, "security")
        entry = (await session.scalars(select(FaqEntry))).one()
        assert entry.proposed_by is None and entry.answer == "Yes."


async def test_retention_empties_old_resolved_questions(app: FastAPI, clock) -> None:  # type: ignore[no-untyped-def]
    from bot.admin import retention

    ids = await _questions(app, clock)
    async with app.state.context.db.unit_of_work() as session:
        question = await session.get(Question, ids["fresh"])
        question.status, question.resolved_at = "resolved", clock.now() - timedelta(days=400)
    assert (await retention.purge(app.state.context))["question_texts"] == 1
    async with app.state.context.db.unit_of_work() as session:
        assert (await session.get(Question, ids["fresh"])).text == ""
        assert (await session.get(Question, ids["late"])).text == "What is MFA?"


async def test_dashboard_questions_page(app: FastAPI, server: str, clock) -> None:  # type: ignore[no-untyped-def]
    from tests.test_dashboard import csrf_of
    from tests.test_role_matrix import login

    await _questions(app, clock)
    async with httpx.AsyncClient(base_url=server) as browser:
        await login(browser, await make_token(app, "coordinator"))
        page = (await browser.get("/admin/questions")).text
        assert "overdue" in page and "Is MFA safe?" in page and "bo" in page
        entry = page.split('name="entry" value="')[1].split('"')[0]
        done = await browser.post(
            "/admin/questions/faq/decide", data={"csrf": csrf_of(page), "entry": entry, "decision": "approve"}
        )
        assert done.status_code == 303
        assert "Nothing is waiting." in (await browser.get("/admin/questions")).text
