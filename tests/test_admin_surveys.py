"""Survey waves in the API and the dashboard: participation, suppressed cells, trend, CSV."""

from __future__ import annotations

import csv
import io

import httpx
import pytest
from fastapi import FastAPI

from bot.config import Settings
from tests.support.admin import admin_settings, bearer, make_token
from tests.support.surveys import add_people, answer, close, open_wave

GROUPS = {("A", "employee"): 4, ("A", "leader"): 2, ("B", "employee"): 5, ("C", "employee"): 2}
EVERYDAY = ["5", "5", "4", "3", "2", "1", "4", "4", "4", "5", "3", "1", "2"]


@pytest.fixture
def settings(db_url: str) -> Settings:
    return admin_settings(db_url)


async def closed_wave(app: FastAPI, clock, prefix: str = "p") -> int:  # type: ignore[no-untyped-def]
    """13 answers: department A shown, B suppressed (it would reveal C), C never stored."""
    context = app.state.context
    people = await add_people(context, GROUPS, prefix)
    wave_id = await open_wave(context, "digital-confidence")
    for person_id, value in zip(people, EVERYDAY, strict=True):
        await answer(context, wave_id, person_id, "everyday", value)
    await close(context, clock, wave_id)
    return wave_id


async def test_waves_results_and_csv(app: FastAPI, http: httpx.AsyncClient, clock) -> None:  # type: ignore[no-untyped-def]
    wave_id = await closed_wave(app, clock)
    viewer = bearer(await make_token(app, "viewer"))
    listed = (await http.get("/api/v1/surveys", headers=viewer)).json()
    assert listed["total"] == 1
    wave = listed["items"][0]
    assert (wave["id"], wave["status"], wave["invited"], wave["responded"]) == (wave_id, "closed", 13, 13)
    assert wave["participation"] == 1.0

    found = (await http.get(f"/api/v1/surveys/{wave_id}", headers=viewer)).json()
    everyday = next(q for q in found["questions"] if q["question_id"] == "everyday")
    assert everyday["overall"]["n"] == 13
    cells = {c["group"]: c for c in everyday["breakdowns"]["department"]}
    assert cells["A"]["n"] == 6 and cells["B"] == {
        "group": "B",
        "n": None,
        "suppressed": True,
        "hidden": "complement",  # big enough, but A's figures minus B's would give the small group
        "distribution": {},
        "mean": None,
        "favourable": None,
        "enps": None,
    }
    assert [p["wave_id"] for p in found["trend"]] == [wave_id]

    exported = await http.get(f"/api/v1/surveys/{wave_id}/results.csv", headers=viewer)
    assert exported.headers["content-type"].startswith("text/csv")
    rows = [r for r in csv.DictReader(io.StringIO(exported.text)) if r["question"] == "everyday"]
    by_group = {(r["dimension"], r["group"]): r for r in rows}
    assert by_group[("all", "")]["n"] == "13"
    assert by_group[("department", "B")]["n"] == "hidden so the other group cannot be worked out"
    assert "comment" not in exported.text.lower()

    missing = await http.get("/api/v1/surveys/999", headers=viewer)
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "unknown_wave"


async def test_open_wave_results_wait_for_close(app: FastAPI, http: httpx.AsyncClient) -> None:
    context = app.state.context
    await add_people(context, {("A", "employee"): 6})
    wave_id = await open_wave(context, "digital-confidence")
    viewer = bearer(await make_token(app, "viewer"))
    response = await http.get(f"/api/v1/surveys/{wave_id}", headers=viewer)
    assert response.status_code == 200
    assert response.json()["figures"] == "turnout" and response.json()["questions"] == []
    listed = (await http.get("/api/v1/surveys", params={"status": "open"}, headers=viewer)).json()
    assert listed["items"][0]["invited"] == 6 and listed["items"][0]["responded"] == 0


async def test_dashboard_results_page_shows_charts_and_suppression(app: FastAPI, server: str, clock) -> None:  # type: ignore[no-untyped-def]
    from tests.test_role_matrix import login

    wave_id = await closed_wave(app, clock)
    clock.advance(days=30)
    second = await closed_wave(app, clock, "q")
    async with httpx.AsyncClient(base_url=server) as browser:
        await login(browser, await make_token(app, "viewer"))
        listing = (await browser.get("/admin/surveys")).text
        assert f"/admin/surveys/{wave_id}" in listing and "13 of 13 answered (100%)" in listing
        page = (await browser.get(f"/admin/surveys/{second}")).text
        assert page.count("<svg") >= 2  # the question chart and the trend over two waves
        assert "fewer than 5 answers" in page
        assert "Trend across waves" in page
        assert (await browser.get(f"/admin/surveys/{second}/results.csv")).status_code == 200


async def test_overview_shows_open_surveys_and_export_has_invitations(  # type: ignore[no-untyped-def]
    app: FastAPI, server: str, http: httpx.AsyncClient
) -> None:
    from tests.test_role_matrix import login

    context = app.state.context
    people = await add_people(context, {("A", "employee"): 6})
    wave_id = await open_wave(context, "digital-confidence")
    await answer(context, wave_id, people[0], "everyday", "4")
    async with httpx.AsyncClient(base_url=server) as browser:
        await login(browser, await make_token(app, "viewer", "v"))
        overview = (await browser.get("/admin/")).text
        assert "Current surveys" in overview and "1 of 6 answered (17%)" in overview
    hr = bearer(await make_token(app, "hr"))
    async with context.db.unit_of_work() as session:
        from storage.models import Person

        email = (await session.get(Person, people[0])).email
    exported = (await http.post("/api/v1/people/export", json={"email": email}, headers=hr)).json()
    assert exported["surveys"]["invitations"][0]["wave"] == wave_id
    # The answer itself is not linked to the person, so it is not in the export.
    assert set(exported["surveys"]["invitations"][0]) == {"wave", "questions", "responded", "reminders"}
    await http.post("/api/v1/people/forget", json={"email": email}, headers=hr)
    found = (await http.get("/api/v1/surveys", headers=hr)).json()["items"][0]
    # Still invited and answered, now as an anonymous count: turnout agrees with the answer kept.
    assert (found["invited"], found["responded"]) == (6, 1)


async def test_plan_a_wave_from_the_api_and_the_dashboard(
    app: FastAPI, http: httpx.AsyncClient, server: str
) -> None:
    from tests.test_dashboard import csrf_of
    from tests.test_role_matrix import login

    await add_people(app.state.context, {("IT", "employee"): 5})
    coordinator = bearer(await make_token(app, "coordinator", "Cora"))
    body = {
        "template_id": "digital-confidence",
        "departments": ["IT"],
        "opens_on": "2026-12-01",
        "closes_on": "2026-12-04",
    }
    planned = await http.post("/api/v1/surveys", json=body, headers=coordinator)
    assert planned.status_code == 201
    backwards = await http.post(
        "/api/v1/surveys", json={**body, "closes_on": "2026-11-30"}, headers=coordinator
    )
    assert (
        backwards.status_code == 422
        and backwards.json()["error"]["code"] == "surveys_error_close_before_open"
    )
    listed = (await http.get("/api/v1/surveys", headers=coordinator)).json()["items"]
    assert [(w["status"], w["opens_at"]) for w in listed] == [("scheduled", "2026-12-01T08:00:00+00:00")]
    async with httpx.AsyncClient(base_url=server) as browser:
        await login(browser, await make_token(app, "coordinator"))
        page = await browser.get("/admin/surveys")
        form = {
            "csrf": csrf_of(page.text),
            "template": "enps",
            "opens_on": "2026-12-07",
            "closes_on": "2026-12-09",
        }
        assert (await browser.post("/admin/surveys", data=form)).status_code == 303
        assert (await browser.post("/admin/surveys", data={**form, "template": "nope"})).status_code == 422
    assert (await http.get("/api/v1/surveys", headers=coordinator)).json()["total"] == 2


async def test_an_open_wave_links_to_its_turnout(app: FastAPI, server: str) -> None:
    from tests.test_role_matrix import login

    context = app.state.context
    people = await add_people(context, {("A", "employee"): 6})
    wave_id = await open_wave(context, "digital-confidence")
    await answer(context, wave_id, people[0], "everyday", "4")
    async with httpx.AsyncClient(base_url=server) as browser:
        await login(browser, await make_token(app, "viewer", "v"))
        listing = (await browser.get("/admin/surveys")).text
        assert f'href="/admin/surveys/{wave_id}"' in listing
        page = await browser.get(f"/admin/surveys/{wave_id}")
        assert page.status_code == 200
        assert (
            "1 of 6 answered (17%)" in page.text
            and "While the survey is open only turnout is shown; answers follow when it closes." in page.text
        )
        assert (await browser.get("/admin/surveys/999")).status_code == 404


async def test_several_charts_on_one_page_have_their_own_pattern_ids(
    app: FastAPI, server: str, clock
) -> None:  # type: ignore[no-untyped-def]
    import re

    from tests.test_role_matrix import login

    await closed_wave(app, clock)
    clock.advance(days=30)
    second = await closed_wave(app, clock, "q")
    async with httpx.AsyncClient(base_url=server) as browser:
        await login(browser, await make_token(app, "viewer"))
        page = (await browser.get(f"/admin/surveys/{second}")).text
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert page.count("<svg") >= 2 and len(ids) == len(set(ids))
    patterns = re.findall(r'<pattern id="([^"]+)"', page)
    assert len(patterns) == page.count("<svg")
