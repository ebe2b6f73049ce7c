"""Transfer answers and the adoption funnel on the dashboard and in the API: learners answer in
the web chat, HR reads the Learning page; no viewer can single out one person's answer."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from bot.clock import FixedClock
from bot.config import Settings, load_settings
from bot.learning.transfer import queue_transfer_questions
from storage.repositories.people import PeopleRepository
from tests.learning.test_transfer import BASICS, right_answer
from tests.support.admin import bearer, make_token

K = 3
COMPLEMENT = "hidden so the other group cannot be worked out"
SMALL = f"fewer than {K} people"


@pytest.fixture
def settings(sqlite_url: str, content_dir: Path) -> Settings:
    return load_settings(
        STAFET_DATABASE_URL=sqlite_url,
        STAFET_DEFAULT_LANGUAGE="en",
        STAFET_SCHEDULER=False,
        STAFET_CONTENT_DIR=str(content_dir),
        STAFET_MIN_GROUP_SIZE=K,
        STAFET_ADMIN_COOKIE_SECURE=False,
        STAFET_SECRET_KEY="test-secret",
    )


async def finish(chat, app: FastAPI, email: str, department: str, *, sure: bool = True) -> None:  # type: ignore[no-untyped-def]
    person = chat(email)
    await person.say("hi")
    async with app.state.context.db.unit_of_work() as session:
        found = await PeopleRepository(session).by_email(email)
        assert found is not None
        found.department = department
    for lesson_id in BASICS:
        await person.click("learning.answer", right_answer(app, lesson_id))
    if sure:
        await person.click("learning.confidence", f"{BASICS[0]}:sure")


async def ask_and_answer(chat, app: FastAPI, clock: FixedClock, deliver, answers: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    clock.advance(days=8)
    await queue_transfer_questions(app.state.context)
    await deliver()
    for email, answer in answers.items():
        replies = await chat(email).click("learning.transfer", f"basics:{answer}")
        assert replies[-1]["text"].startswith("Thank you.")


async def learning_page(http: httpx.AsyncClient, app: FastAPI, role: str = "viewer") -> str:
    if (await http.get("/admin/learning")).status_code == 200:  # signed in already
        return (await http.get("/admin/learning")).text
    page = await http.get("/admin/login")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert csrf
    token = await make_token(app, role, "Vera")
    await http.post("/admin/login", data={"csrf": csrf.group(1), "token": token})
    response = await http.get("/admin/learning")
    assert response.status_code == 200
    return response.text


def row(html: str, section: str, label: str) -> str:
    """The text of the table row starting with `label` inside the element with id `section`."""
    start = html.index(f'id="{section}"')
    part = html[start : html.index("</table>", start)]
    for found in re.findall(r"<tr[^>]*>(.*?)</tr>", part, re.S):
        cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", found, re.S)]
        if cells and cells[0] == label:
            return " | ".join(cells)
    raise AssertionError(f"no row {label!r} in {section}")


async def test_transfer_by_track_and_department_only_at_k(  # type: ignore[no-untyped-def]
    chat, app: FastAPI, http: httpx.AsyncClient, deliver, clock: FixedClock
) -> None:
    for n in range(4):
        await finish(chat, app, f"s{n}@example.org", "Sales")
    for n in range(2):
        await finish(chat, app, f"i{n}@example.org", "IT")
    await ask_and_answer(
        chat, app, clock, deliver,
        {"s0@example.org": "several", "s1@example.org": "once", "s2@example.org": "not_yet",
         "s3@example.org": "once", "i0@example.org": "once", "i1@example.org": "not_relevant"},
    )  # fmt: skip
    html = await learning_page(http, app)
    assert row(html, "transfer-basics", "Everyone") == "Everyone | 6 | 1 | 3 | 1 | 1 | 67%"
    assert row(html, "transfer-basics", "IT") == f"IT | {SMALL}"
    # Sales has enough answers, but showing it would let anyone subtract IT's two from the total.
    assert row(html, "transfer-basics", "Sales") == f"Sales | {COMPLEMENT}"

    await finish(chat, app, "i2@example.org", "IT")
    for n in range(4, 6):
        await finish(chat, app, f"s{n}@example.org", "Sales")
    for n in range(3):  # people without a department are a group of their own, and say so
        await finish(chat, app, f"n{n}@example.org", "")
    await ask_and_answer(
        chat, app, clock, deliver,
        {"i2@example.org": "several", "s4@example.org": "several", "s5@example.org": "not_relevant",
         "n0@example.org": "not_yet", "n1@example.org": "not_yet", "n2@example.org": "once"},
    )  # fmt: skip
    html = await learning_page(http, app)
    assert row(html, "transfer-basics", "IT") == "IT | 3 | 1 | 1 | 0 | 1 | 67%"
    assert row(html, "transfer-basics", "Sales") == "Sales | 6 | 2 | 2 | 1 | 1 | 67%"
    assert row(html, "transfer-basics", "No department") == "No department | 3 | 0 | 1 | 2 | 0 | 33%"


async def test_figures_move_only_when_k_more_have_answered(  # type: ignore[no-untyped-def]
    chat, app: FastAPI, http: httpx.AsyncClient, deliver, clock: FixedClock
) -> None:
    """The attack: a viewer reads the page, watches one known colleague answer, and reads it again."""
    for n in range(3):
        await finish(chat, app, f"s{n}@example.org", "Sales")
    await ask_and_answer(
        chat, app, clock, deliver,
        {"s0@example.org": "once", "s1@example.org": "once", "s2@example.org": "once"},
    )  # fmt: skip
    before = await learning_page(http, app)
    assert row(before, "transfer-basics", "Everyone") == "Everyone | 3 | 0 | 3 | 0 | 0 | 100%"
    assert row(before, "funnel", "Everyone") == "Everyone | 3 | 3 | 3 | 3 | 3"

    await finish(chat, app, "target@example.org", "Sales")
    await ask_and_answer(chat, app, clock, deliver, {"target@example.org": "several"})
    after = await learning_page(http, app)
    assert row(after, "transfer-basics", "Everyone") == "Everyone | 3 | 0 | 3 | 0 | 0 | 100%"
    assert row(after, "funnel", "Everyone") == "Everyone | 4 | 4 | 4 | 4 | 3"  # applied waits too

    for n in range(3, 5):
        await finish(chat, app, f"s{n}@example.org", "Sales")
    await ask_and_answer(chat, app, clock, deliver, {"s3@example.org": "once", "s4@example.org": "not_yet"})
    moved = await learning_page(http, app)
    assert row(moved, "transfer-basics", "Everyone") == "Everyone | 6 | 1 | 4 | 1 | 0 | 83%"
    assert row(moved, "funnel", "Everyone") == "Everyone | 6 | 6 | 6 | 6 | 5"


async def test_adoption_funnel_per_department_with_k(  # type: ignore[no-untyped-def]
    chat, app: FastAPI, http: httpx.AsyncClient, deliver, clock: FixedClock
) -> None:
    for n in range(4):
        await finish(chat, app, f"s{n}@example.org", "Sales", sure=n < 3)
    for n in range(3):
        await finish(chat, app, f"h{n}@example.org", "HR")
    for n in range(3):  # reached and started, never finished
        person = chat(f"h{n + 3}@example.org")
        await person.say("hi")
        async with app.state.context.db.unit_of_work() as session:
            found = await PeopleRepository(session).by_email(f"h{n + 3}@example.org")
            assert found is not None
            found.department = "HR"
        await person.click("learning.answer", right_answer(app, BASICS[0]))
    await ask_and_answer(
        chat, app, clock, deliver,
        {"s0@example.org": "several", "s1@example.org": "once", "s2@example.org": "once",
         "s3@example.org": "once", "h0@example.org": "not_yet", "h1@example.org": "once"},
    )  # fmt: skip
    html = await learning_page(http, app)
    assert row(html, "funnel", "Everyone") == "Everyone | 10 | 10 | 7 | 6 | 4"
    # s3 applied but was never sure: the funnel counts only those who passed every step before.
    # HR's one "applied" is hidden, so Sales' three are too: 4 minus 3 would give HR's.
    assert row(html, "funnel", "Sales") == f"Sales | 4 | 4 | 4 | 3 | {COMPLEMENT}"
    assert row(html, "funnel", "HR") == f"HR | 6 | 6 | 3 | 3 | {SMALL}"

    norwegian = (await http.get("/admin/learning?lang=nb")).text
    assert "Utbredelse per avdeling" in norwegian and "Brukt i arbeidet" in norwegian
    assert "Ja, flere ganger" in norwegian  # the answers' names in the reader's language
    assert 'href="/admin/learning"' in html  # in the navigation

    api = await http.get("/api/v1/funnel", headers=bearer(await make_token(app, "viewer")))
    hr = next(d for d in api.json()["departments"] if d["name"] == "HR")
    assert hr["stages"]["applied"] == {"people": None, "suppressed": True, "reason": "small"}
    assert api.json()["total"]["applied"]["people"] == 4


async def test_a_viewer_cannot_learn_one_persons_answer(  # type: ignore[no-untyped-def]
    chat, app: FastAPI, http: httpx.AsyncClient, deliver, clock: FixedClock
) -> None:
    """The attack: the target is alone in a department of k-1 with a colleague whose answer the
    viewer knows; or the viewer subtracts the other departments from the total."""
    for n in range(4):
        await finish(chat, app, f"s{n}@example.org", "Sales")
    await finish(chat, app, "target@example.org", "Legal")
    await finish(chat, app, "colleague@example.org", "Legal")
    await ask_and_answer(
        chat, app, clock, deliver,
        {"s0@example.org": "once", "s1@example.org": "once", "s2@example.org": "once",
         "s3@example.org": "once", "colleague@example.org": "once", "target@example.org": "not_relevant"},
    )  # fmt: skip
    headers = bearer(await make_token(app, "viewer"))
    found = (await http.get("/api/v1/transfer", headers=headers)).json()["tracks"][0]
    by_name = {d["name"]: d for d in found["departments"]}
    assert by_name["Legal"]["answers"]["reason"] == "small" and by_name["Legal"]["counts"] is None
    # Sales (4) is big enough, but total minus Sales would give Legal's two answers.
    assert by_name["Sales"]["answers"]["reason"] == "complement" and by_name["Sales"]["counts"] is None
    assert found["overall"]["counts"]["not_relevant"] == 1  # the organisation's figure, not a person's
    funnel = (await http.get("/api/v1/funnel", headers=headers)).json()
    legal = next(d for d in funnel["departments"] if d["name"] == "Legal")["stages"]
    sales = next(d for d in funnel["departments"] if d["name"] == "Sales")["stages"]
    assert legal["applied"]["people"] is None and sales["applied"]["people"] is None
    html = await learning_page(http, app)
    assert row(html, "transfer-basics", "Legal") == f"Legal | {SMALL}"
    assert "not_relevant" not in html
