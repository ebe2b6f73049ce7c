"""HR sees what people ask about by topic and department over months; no cell names a few people,
not even by subtracting the shown cells from the topic's total."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from fastapi import FastAPI

from bot.config import Settings
from bot.questions.themes import ALL, months_back, themes
from storage.models import Question
from tests.support.admin import admin_settings, bearer, make_token

NOW = datetime(2026, 12, 6, 12, tzinfo=UTC)


@pytest.fixture
def settings(db_url: str) -> Settings:
    return admin_settings(db_url)


async def _asked(app: FastAPI, spread: dict[tuple[str, str, int], int], now: datetime = NOW) -> None:
    """`spread[(topic, department, months ago)]` questions, some of them anonymous."""
    async with app.state.context.db.unit_of_work() as session:
        for (topic, department, ago), count in spread.items():
            for n in range(count):
                session.add(
                    Question(
                        language="da", topic=topic, asker_department=department, status="resolved",
                        anonymous=n % 2 == 0, text=f"secret text {topic} {n}",
                        created_at=now - timedelta(days=31 * ago),
                    )
                )  # fmt: skip


def test_months_count_back_over_new_year() -> None:
    assert months_back(datetime(2027, 2, 1, tzinfo=UTC), 4) == ["2026-11", "2026-12", "2027-01", "2027-02"]


async def test_small_groups_and_their_complement_stay_hidden(app: FastAPI) -> None:
    await _asked(app, {("security", "IT", 0): 7, ("security", "HR", 0): 2, ("security", "Finance", 0): 6})
    async with app.state.context.db.unit_of_work() as session:
        found = await themes(session, NOW, k=5, months=2)
    rows = {(r.topic, r.department): r.counts for r in found.rows}
    assert found.months == ("2026-11", "2026-12")
    assert rows[("security", ALL)] == (0, 15)
    assert rows[("security", "HR")] == (0, None)  # 2 < k
    # 15 - 7 - 6 would give HR's 2 away: the smaller of the others is hidden with it.
    assert rows[("security", "Finance")] == (0, None) and rows[("security", "IT")] == (0, 7)


async def test_api_and_dashboard_show_themes_without_texts(
    app: FastAPI, http: httpx.AsyncClient, server: str
) -> None:
    from tests.test_dashboard import csrf_of  # noqa: F401
    from tests.test_role_matrix import login

    await _asked(
        app,
        {("collaboration", "Sales", 1): 5, ("collaboration", "Sales", 0): 3},
        app.state.context.clock.now(),
    )
    viewer = bearer(await make_token(app, "viewer"))
    body = (await http.get("/api/v1/questions/themes", params={"months": 3}, headers=viewer)).json()
    assert body["k"] == 5 and len(body["months"]) == 3
    sales = next(r for r in body["rows"] if r["department"] == "Sales")
    assert sales["counts"] == [0, 5, None]
    assert "secret" not in str(body)
    assert (
        await http.get("/api/v1/questions/themes", params={"months": 99}, headers=viewer)
    ).status_code == 422
    async with httpx.AsyncClient(base_url=server) as browser:
        await login(browser, await make_token(app, "hr"))
        page = (await browser.get("/admin/questions")).text
    assert "What people ask about" in page and "&lt;5" in page
