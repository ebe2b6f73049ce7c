"""The competence-needs survey: planned from its template, answered in the web chat, and once
closed shown per department and area on /admin/coverage and in the API, with k applied."""

from __future__ import annotations

import itertools
from datetime import timedelta

import httpx
import pytest
from fastapi import FastAPI

from bot.config import Settings
from bot.surveys import waves
from tests.support.admin import admin_settings, bearer, make_token
from tests.support.surveys import TEMPLATES, add_people, answer, close

# Department sizes: IT answers in full; one person in Finance answers (six were asked, so its
# group is stored); HR's four are too few to be stored as a department at all.
GROUPS = {("IT", "employee"): 5, ("Finance", "employee"): 6, ("HR", "employee"): 4}
VIEWERS = itertools.count(1)


@pytest.fixture
def settings(db_url: str) -> Settings:
    return admin_settings(db_url)


async def _planned_and_opened(app: FastAPI, http: httpx.AsyncClient) -> int:
    """A coordinator plans the wave from the template through the API; the scheduler opens it."""
    context = app.state.context
    coordinator = bearer(await make_token(app, "coordinator"))
    body = {"template_id": "competence-needs", "opens_on": "2026-11-24", "closes_on": "2026-11-27"}
    planned = await http.post("/api/v1/surveys", json=body, headers=coordinator)
    assert planned.status_code == 201, planned.text
    wave_id = planned.json()["id"]
    context.clock.set(context.clock.now() + timedelta(days=1))
    async with context.db.unit_of_work() as session:
        assert await waves.open_due(session, context.clock, TEMPLATES, context.settings.min_group_size) == [
            wave_id
        ]
    return wave_id


async def _needs(http: httpx.AsyncClient, app: FastAPI) -> dict:  # type: ignore[type-arg]
    viewer = bearer(await make_token(app, "viewer", f"viewer {next(VIEWERS)}"))
    response = await http.get("/api/v1/coverage/needs", headers=viewer)
    assert response.status_code == 200
    return response.json()


async def _page(app: FastAPI, server: str) -> str:
    from tests.test_role_matrix import login

    async with httpx.AsyncClient(base_url=server) as browser:
        await login(browser, await make_token(app, "viewer", f"viewer {next(VIEWERS)}"))
        return (await browser.get("/admin/coverage")).text


async def test_closed_wave_needs_show_per_department_and_a_lone_answer_never_does(  # type: ignore[no-untyped-def]
    app: FastAPI, http: httpx.AsyncClient, server: str, chat, deliver, clock
) -> None:
    context = app.state.context
    people = await add_people(context, GROUPS)
    it, finance, hr = people[:5], people[5:11], people[11:]
    wave_id = await _planned_and_opened(app, http)
    await deliver()
    first = chat("p.it.employee.0@example.org")
    [invitation] = [m for m in await first.new_messages() if m["choices"] or m["buttons"]]
    labels = [c["label"] for c in first.controls(invitation)]
    assert labels[:4] == ["No need", "Some", "A lot", "Not relevant / Don't know"]
    await first.press("Some")  # digital mindset: one answer in all, too few to show anywhere

    for person, value in zip(it, ["much", "much", "much", "none", "unsure"], strict=True):
        await answer(context, wave_id, person, "security", value)
    for person, value in zip(it, ["some", "some", "none", "none", "none"], strict=True):
        await answer(context, wave_id, person, "data_and_ai", value)
    await answer(context, wave_id, finance[0], "security", "much")  # the one person HR must not read
    for person in hr:
        await answer(context, wave_id, person, "security", "none")

    # While the wave is open nothing shows, not even to the API.
    assert (await _needs(http, app))["departments"] == []
    assert "No closed waves yet" in await _page(app, server)

    await close(context, clock, wave_id)
    found = await _needs(http, app)
    assert found["wave_id"] == wave_id and found["min_group_size"] == 5
    departments = {d["name"]: d for d in found["departments"]}
    assert set(departments) == {"IT", "Finance"}  # HR was too small to be stored as a department
    assert departments["IT"]["answers"] == 5
    assert departments["IT"]["need"]["security"] == pytest.approx(3 / 5)
    assert departments["IT"]["need"]["data_and_ai"] == pytest.approx(2 / 5)
    assert departments["IT"]["need"]["digital_mindset"] is None
    finance_row = departments["Finance"]
    assert finance_row["suppressed"] is True and finance_row["answers"] is None
    assert set(finance_row["need"].values()) == {None}

    page = await _page(app, server)
    assert "Competence needs by department" in page and "60%" in page and "40%" in page
    assert "fewer than 5 answers" in page
    assert "100%" not in page  # Finance's lone "a lot" is nowhere as a figure

    # The same wave's own results page hides Finance as well.
    viewer = bearer(await make_token(app, "viewer", f"viewer {next(VIEWERS)}"))
    results = (await http.get(f"/api/v1/surveys/{wave_id}", headers=viewer)).json()
    security = next(q for q in results["questions"] if q["question_id"] == "security")
    cells = {c["group"]: c for c in security["breakdowns"]["department"]}
    assert cells["Finance"]["suppressed"] is True and cells["Finance"]["distribution"] == {}


async def test_a_shown_department_cannot_be_subtracted_to_reveal_a_small_one(  # type: ignore[no-untyped-def]
    app: FastAPI, http: httpx.AsyncClient, clock
) -> None:
    """IT alone has k answers, but the organisation's total minus IT would be Finance's one person."""
    context = app.state.context
    people = await add_people(context, {("IT", "employee"): 5, ("Finance", "employee"): 6})
    wave_id = await _planned_and_opened(app, http)
    for person in people[:5]:
        await answer(context, wave_id, person, "security", "none")
    await answer(context, wave_id, people[5], "security", "much")
    await close(context, clock, wave_id)
    departments = {d["name"]: d for d in (await _needs(http, app))["departments"]}
    assert departments["IT"]["need"]["security"] is None
    assert departments["Finance"]["need"]["security"] is None
    viewer = bearer(await make_token(app, "viewer", f"viewer {next(VIEWERS)}"))
    results = (await http.get(f"/api/v1/surveys/{wave_id}", headers=viewer)).json()
    security = next(q for q in results["questions"] if q["question_id"] == "security")
    assert security["overall"]["n"] == 6  # the total is public, so IT's own figure must stay hidden
