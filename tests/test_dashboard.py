"""The dashboard over real HTTP: login, cookies, CSRF on every form, languages, import, forget."""

from __future__ import annotations

import re

import httpx
import pytest
from fastapi import FastAPI

from bot.config import Settings
from tests.support.admin import admin_settings, make_token


@pytest.fixture
def settings(sqlite_url: str) -> Settings:
    return admin_settings(sqlite_url)


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "no CSRF field in the form"
    return found.group(1)


@pytest.fixture
async def browser(server: str):  # type: ignore[no-untyped-def]
    async with httpx.AsyncClient(base_url=server) as client:
        yield client


async def signed_in(browser: httpx.AsyncClient, app: FastAPI, role: str = "hr") -> str:
    page = await browser.get("/admin/login")
    response = await browser.post(
        "/admin/login", data={"csrf": csrf_of(page.text), "token": await make_token(app, role, "Hanne")}
    )
    assert response.status_code == 303
    return csrf_of((await browser.get("/admin/")).text)


async def test_login_sets_a_safe_session_cookie(app: FastAPI, browser: httpx.AsyncClient) -> None:
    page = await browser.get("/admin/login?lang=da")
    assert "Log ind" in page.text and 'lang="da"' in page.text
    wrong = await browser.post("/admin/login", data={"csrf": csrf_of(page.text), "token": "stf_nope"})
    assert wrong.status_code == 401 and "Den nøgle kender vi ikke" in wrong.text
    token = await make_token(app, "viewer", "Viggo")
    response = await browser.post("/admin/login", data={"csrf": csrf_of(page.text), "token": token})
    assert response.status_code == 303 and response.headers["location"] == "/admin/"
    cookie = next(c for c in response.headers.get_list("set-cookie") if c.startswith("stafet_admin="))
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/admin" in cookie
    overview = await browser.get("/admin/")
    assert "Viggo" in overview.text and "Overblik" in overview.text  # the language choice is remembered
    assert "<script" not in overview.text


def test_cookies_are_secure_by_default(app: FastAPI) -> None:
    from bot.config import load_settings
    from bot.web.admin.session import Sessions

    assert Sessions(load_settings(STAFET_SECRET_KEY="x")).secure is True


async def test_forms_without_the_csrf_token_are_refused(app: FastAPI, browser: httpx.AsyncClient) -> None:
    await browser.get("/admin/login")
    refused = await browser.post("/admin/login", data={"token": await make_token(app, "hr")})
    assert refused.status_code == 403 and "The form had expired" in refused.text
    csrf = await signed_in(browser, app)
    files = {"file": ("p.csv", b"email,name\nanna@example.org,Anna\n", "text/csv")}
    forged = await browser.post(
        "/admin/people/import", data={"csrf": "0" * 64, "mode": "import"}, files=files
    )
    assert forged.status_code == 403
    # Another browser's valid token does not work with this browser's cookie.
    async with httpx.AsyncClient(base_url=str(browser.base_url)) as other:
        theirs = csrf_of((await other.get("/admin/login")).text)
    assert theirs != csrf
    assert (await browser.post("/admin/logout", data={"csrf": theirs})).status_code == 403
    ok = await browser.post("/admin/people/import", data={"csrf": csrf, "mode": "import"}, files=files)
    assert ok.status_code == 200 and "Imported: 1 new, 0 updated." in ok.text


async def test_import_check_fix_import_and_forget(app: FastAPI, browser: httpx.AsyncClient) -> None:
    csrf = await signed_in(browser, app)
    bad = b"email,name,department\nanna@example.org,Anna,IT\nbo@example,Bo,IT\n"
    checked = await browser.post(
        "/admin/people/import",
        data={"csrf": csrf, "mode": "import"},
        files={"file": ("p.csv", bad, "text/csv")},
    )
    assert checked.status_code == 422
    assert "Line 3: bo@example is not an email address" in checked.text
    assert "No people yet" in checked.text
    good = bad.replace(b"bo@example", b"bo@example.org")
    clean = await browser.post(
        "/admin/people/import",
        data={"csrf": csrf, "mode": "check"},
        files={"file": ("p.csv", good, "text/csv")},
    )
    assert "2 people are ready to import" in clean.text and "No people yet" in clean.text
    done = await browser.post(
        "/admin/people/import",
        data={"csrf": csrf, "mode": "import"},
        files={"file": ("p.csv", good, "text/csv")},
    )
    assert "Imported: 2 new, 0 updated." in done.text and "bo@example.org" in done.text
    exported = await browser.post("/admin/people/export", data={"csrf": csrf, "email": "bo@example.org"})
    assert exported.json()["profile"]["display_name"] == "Bo"
    mismatch = await browser.post(
        "/admin/people/forget", data={"csrf": csrf, "email": "bo@example.org", "confirm": "anna@example.org"}
    )
    assert mismatch.status_code == 422 and "bo@example.org" in mismatch.text
    gone = await browser.post(
        "/admin/people/forget", data={"csrf": csrf, "email": "bo@example.org", "confirm": "bo@example.org"}
    )
    assert "personal data and identities are erased" in gone.text and "bo@example.org</td>" not in gone.text
    assert (await browser.get("/admin/people?offset=abc")).status_code == 200
    assert (await browser.get("/admin/audit?offset=abc")).status_code == 422
    audit = await browser.get("/admin/audit")
    for action in ("admin.login", "people.import", "people.export", "people.forget"):
        assert action in audit.text


async def test_revoking_a_token_ends_its_sessions(app: FastAPI, browser: httpx.AsyncClient) -> None:
    from bot.admin.roles import CLI
    from bot.admin.tokens import TokenService

    await signed_in(browser, app)
    assert (await browser.get("/admin/people")).status_code == 200
    context = app.state.context
    async with context.db.unit_of_work() as session:
        await TokenService(session, context.clock).revoke(CLI, "Hanne")
    response = await browser.get("/admin/people")
    assert response.status_code == 303 and response.headers["location"] == "/admin/login"
