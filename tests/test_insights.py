"""Overview figures, the coverage heatmap (small departments suppressed) and content status."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from fastapi import FastAPI

from bot.config import Settings
from storage.repositories.learning import LearningRepository
from storage.repositories.people import PeopleRepository
from tests.support.admin import admin_settings, bearer, make_token


@pytest.fixture
def settings(db_url: str) -> Settings:
    return admin_settings(db_url)


async def _organisation(app: FastAPI, clock) -> None:  # type: ignore[no-untyped-def]
    """Six people in IT (two of them learning), two in HR (too few to show)."""
    async with app.state.context.db.unit_of_work() as session:
        people, learning = PeopleRepository(session), LearningRepository(session)
        ids = []
        for n in range(6):
            person = await people.add_person(clock.now(), email=f"it{n}@example.org", department="IT")
            ids.append(person.id)
        for n in range(2):
            await people.add_person(
                clock.now(), email=f"hr{n}@example.org", department="HR", is_ambassador=True
            )
        day = clock.now().date()
        for person_id in ids[:2]:
            await learning.add_send(person_id, "org-values-correct", "lesson", clock.now(), day)
            item = await learning.add_item(person_id, "org-values-correct", "organisation", clock.now())
            item.completed_at = clock.now()
            await learning.add_answer(
                person_id, "org-values-correct", clock.now(), day, correct=True, review=False
            )
        await learning.add_send(ids[2], "org-ambassadors", "lesson", clock.now() - timedelta(days=9), day)
        await learning.add_item(ids[2], "org-ambassadors", "organisation", clock.now() - timedelta(days=9))
        old = clock.now() - timedelta(days=8)
        await learning.add_answer(ids[2], "org-values-correct", old, day, correct=False, review=False)


async def test_overview_and_coverage(app: FastAPI, http: httpx.AsyncClient, clock) -> None:  # type: ignore[no-untyped-def]
    await _organisation(app, clock)
    viewer = bearer(await make_token(app, "viewer"))
    overview = (await http.get("/api/v1/overview", headers=viewer)).json()
    assert overview["questions"]["open"] == 0 and overview["surveys"] == []
    learning = overview["learning"]
    assert learning == {
        "people": 8,
        "ambassadors": 2,
        "reached": 3,
        "reach": 0.375,
        "active_this_week": 2,
        "lessons_sent": 3,
        "lessons_completed": 2,
        "completion": 0.667,
        "answers": 3,
        "accuracy": 0.667,
    }
    found = (await http.get("/api/v1/coverage", headers=viewer)).json()
    assert found["min_group_size"] == 5
    hr, it = found["departments"]
    assert (hr["name"], hr["suppressed"], hr["people"]) == ("HR", True, None)
    assert set(hr["coverage"].values()) == {None}
    assert (it["name"], it["people"]) == ("IT", 6)
    assert it["coverage"]["workflow_automation"] == pytest.approx(2 / 6)
    assert it["coverage"]["trainer_skills"] == 0


async def test_dashboard_pages_show_the_pictures(app: FastAPI, server: str, clock) -> None:  # type: ignore[no-untyped-def]
    from tests.test_role_matrix import login

    await _organisation(app, clock)
    async with httpx.AsyncClient(base_url=server) as browser:
        await login(browser, await make_token(app, "viewer"))
        overview = (await browser.get("/admin/")).text
        assert "38%" in overview and "of the lessons people had are completed (2 of 3 lessons)" in overview
        page = (await browser.get("/admin/coverage")).text
        assert "<svg" in page and "Better workflows and automation" in page
        assert "fewer than 5 people" in page and "33%" in page
        content = (await browser.get("/admin/content?lang=da")).text
        assert "org-values-correct" in content and "Validering" in content


async def test_content_status_lists_tracks_and_lessons(app: FastAPI, http: httpx.AsyncClient) -> None:
    body = (await http.get("/api/v1/content", headers=bearer(await make_token(app, "viewer")))).json()
    lessons = {lesson["id"]: lesson for track in body["tracks"] for lesson in track["lessons"]}
    assert lessons["org-values-correct"]["valid"] is True
    assert set(lessons["org-values-correct"]["languages"]) >= {"da", "en"}
    assert body["problems"] == []
