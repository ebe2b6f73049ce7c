"""Every endpoint × every role: the API answers 401/403/2xx, the dashboard login/403/200."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI

from bot.config import Settings
from tests.support.admin import ROLES, admin_settings, bearer, make_token
from tests.support.matrix import API, PAGES, Endpoint

RANK = {role: n for n, role in enumerate(ROLES)}


@pytest.fixture
def settings(sqlite_url: str) -> Settings:
    return admin_settings(sqlite_url)


def expected(endpoint: Endpoint, role: str | None) -> int:
    if role is None:
        return 401
    return endpoint.ok if RANK[role] >= RANK[endpoint.role] else 403


async def test_the_matrix_covers_every_api_route(http: httpx.AsyncClient) -> None:
    paths = (await http.get("/api/v1/openapi.json")).json()["paths"]
    routes = {(method.upper(), "/api/v1" + path) for path, item in paths.items() for method in item}
    assert routes == {(e.method, e.path.split("?")[0]) for e in API}


@pytest.mark.parametrize("endpoint", API, ids=lambda e: e.id)
async def test_api_roles(endpoint: Endpoint, app: FastAPI, http: httpx.AsyncClient) -> None:
    tokens = {role: await make_token(app, role) for role in ROLES}
    seen = {}
    for role in (None, *ROLES):
        headers = {**endpoint.request.get("headers", {}), **(bearer(tokens[role]) if role else {})}
        request = {**endpoint.request, "headers": headers}
        response = await http.request(endpoint.method, endpoint.url, **request)
        seen[role] = response.status_code
        if response.status_code >= 400:
            assert set(response.json()["error"]) >= {"code", "message"}
    assert seen == {role: expected(endpoint, role) for role in (None, *ROLES)}


@pytest.mark.parametrize("endpoint", PAGES, ids=lambda e: e.id)
async def test_dashboard_roles(endpoint: Endpoint, app: FastAPI, server: str) -> None:
    seen = {}
    for role in (None, *ROLES):
        async with httpx.AsyncClient(base_url=server) as browser:
            if role is not None:
                await login(browser, await make_token(app, role, f"{role} {endpoint.path}"))
            response = await browser.request(endpoint.method, endpoint.url)
            seen[role] = 401 if response.headers.get("location") == "/admin/login" else response.status_code
    assert seen == {role: expected(endpoint, role) for role in (None, *ROLES)}


async def login(browser: httpx.AsyncClient, token: str) -> None:
    from tests.test_dashboard import csrf_of

    page = await browser.get("/admin/login")
    response = await browser.post("/admin/login", data={"csrf": csrf_of(page.text), "token": token})
    assert response.status_code == 303, response.text
