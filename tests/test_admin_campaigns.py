"""Campaigns from the API and the dashboard: create, edit, preview, state changes, before/after."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI

from bot.config import Settings
from tests.support.admin import admin_settings, bearer, make_token
from tests.support.surveys import add_people, answer, close, open_wave

CAMPAIGN = {
    "name": "Security autumn",
    "cadence": "tue,thu 10:00",
    "audience": {"departments": ["IT"]},
    "window": "09:00-15:00",
}


@pytest.fixture
def settings(db_url: str) -> Settings:
    return admin_settings(db_url)


async def test_create_edit_preview_move_and_audit(app: FastAPI, http: httpx.AsyncClient) -> None:
    await add_people(app.state.context, {("IT", "employee"): 3})
    coordinator = bearer(await make_token(app, "coordinator", "Cora"))
    viewer = bearer(await make_token(app, "viewer"))
    assert (await http.post("/api/v1/campaigns", json=CAMPAIGN, headers=viewer)).status_code == 403
    created = await http.post("/api/v1/campaigns", json=CAMPAIGN, headers=coordinator)
    assert created.status_code == 201 and created.json()["state"] == "draft"
    campaign_id = created.json()["id"]
    bad = await http.post(
        "/api/v1/campaigns", json={**CAMPAIGN, "name": "x", "cadence": "sometimes"}, headers=coordinator
    )
    assert bad.status_code == 422 and bad.json()["error"]["code"].startswith("campaigns_")

    edited = await http.put(
        f"/api/v1/campaigns/{campaign_id}", json={**CAMPAIGN, "cadence": "mon 10:00"}, headers=coordinator
    )
    assert edited.json()["cadence"] == "mon 10:00"
    preview = (await http.get(f"/api/v1/campaigns/{campaign_id}/preview", headers=viewer)).json()
    # Monday 23 November 2026 09:00 local: Mondays 30 Nov and 7 Dec lie ahead, for 3 people each.
    assert [line["recipients"] for line in preview["occurrences"]][-2:] == [3, 3]
    assert preview["days"] == 14

    for action, state in (
        ("resume", "active"),
        ("pause", "paused"),
        ("resume", "active"),
        ("finish", "finished"),
    ):
        moved = await http.post(f"/api/v1/campaigns/{campaign_id}/{action}", headers=coordinator)
        assert moved.json()["state"] == state
    again = await http.post(f"/api/v1/campaigns/{campaign_id}/pause", headers=coordinator)
    assert again.status_code == 409 and again.json()["error"]["code"] == "bad_state"
    hr = bearer(await make_token(app, "hr"))
    audit = [(e["action"], e["actor"]) for e in (await http.get("/api/v1/audit", headers=hr)).json()["items"]]
    assert ("campaign.create", "Cora") in audit and ("campaign.finish", "Cora") in audit
    listed = (await http.get("/api/v1/campaigns", headers=viewer)).json()
    assert [c["name"] for c in listed["items"]] == ["Security autumn"]


async def test_before_and_after_pulse(app: FastAPI, http: httpx.AsyncClient, clock) -> None:  # type: ignore[no-untyped-def]
    context = app.state.context
    people = await add_people(context, {("IT", "employee"): 6})
    coordinator = bearer(await make_token(app, "coordinator"))
    campaign_id = (await http.post("/api/v1/campaigns", json=CAMPAIGN, headers=coordinator)).json()["id"]
    for values in (["2", "2", "3", "3", "2", "3"], ["4", "4", "5", "4", "3", "4"]):
        wave_id = await open_wave(context, "digital-confidence", campaign_id=campaign_id)
        for person_id, value in zip(people, values, strict=True):
            await answer(context, wave_id, person_id, "everyday", value)
        await close(context, clock, wave_id)
    found = (await http.get(f"/api/v1/campaigns/{campaign_id}", headers=coordinator)).json()["results"]
    everyday = next(c for c in found["comparison"] if c["question_id"] == "everyday")
    assert everyday["before"]["mean"] == pytest.approx(2.5) and everyday["after"]["mean"] == pytest.approx(
        4.0
    )
    assert everyday["mean_change"] == pytest.approx(1.5)
    unanswered = next(c for c in found["comparison"] if c["question_id"] != "everyday")
    assert unanswered["before"]["suppressed"] and unanswered["mean_change"] is None


async def test_dashboard_create_shows_the_preview(app: FastAPI, server: str) -> None:
    from tests.test_dashboard import csrf_of
    from tests.test_role_matrix import login

    await add_people(app.state.context, {("IT", "employee"): 2})
    async with httpx.AsyncClient(base_url=server) as browser:
        await login(browser, await make_token(app, "coordinator"))
        page = await browser.get("/admin/campaigns")
        form = {
            "csrf": csrf_of(page.text),
            "name": "Basics",
            "cadence": "weekdays 10:00",
            "departments": "IT",
        }
        bad = await browser.post("/admin/campaigns", data={**form, "cadence": "whenever"})
        assert bad.status_code == 422 and 'role="alert"' in bad.text
        made = await browser.post("/admin/campaigns", data=form)
        assert made.status_code == 303
        detail = (await browser.get(made.headers["location"])).text
        assert "Preview: the next 14 days" in detail and "draft" in detail
        started = await browser.post(
            made.headers["location"] + "/move", data={"csrf": csrf_of(detail), "action": "resume"}
        )
        assert started.status_code == 303
        assert "active" in (await browser.get(made.headers["location"])).text
