"""The API's doors: no token → 401, a revoked or unknown token → 401, a role too low → 403,
and errors always in the {"error": {"code", "message"}} shape."""

from __future__ import annotations

import httpx
import pytest

from bot.config import Settings
from tests.support.admin import admin_settings, bearer, make_token


@pytest.fixture
def settings(db_url: str) -> Settings:
    return admin_settings(db_url)


async def test_no_token_unknown_token_and_wrong_role(app, http: httpx.AsyncClient) -> None:
    response = await http.get("/api/v1/people")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "missing_token"
    assert response.headers["www-authenticate"] == "Bearer"

    response = await http.get("/api/v1/people", headers=bearer("stf_not-a-real-token"))
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_token"

    viewer = await make_token(app, "viewer")
    response = await http.get("/api/v1/people", headers=bearer(viewer))
    assert response.status_code == 403
    assert response.json()["error"] == {
        "code": "forbidden",
        "message": "this needs the hr role; the token has viewer",
    }
    me = await http.get("/api/v1/me", headers=bearer(viewer))
    assert me.json() == {"name": "viewer token", "role": "viewer"}


async def test_revoked_token_stops_working_at_once(app, http: httpx.AsyncClient) -> None:
    from bot.admin.roles import CLI
    from bot.admin.tokens import TokenService

    secret = await make_token(app, "hr", "reporting script")
    assert (await http.get("/api/v1/audit", headers=bearer(secret))).status_code == 200
    context = app.state.context
    async with context.db.unit_of_work() as session:
        await TokenService(session, context.clock).revoke(CLI, "reporting script")
    assert (await http.get("/api/v1/audit", headers=bearer(secret))).status_code == 401


async def test_validation_errors_have_a_code(app, http: httpx.AsyncClient) -> None:
    hr = await make_token(app, "hr")
    response = await http.get("/api/v1/audit", params={"limit": 0}, headers=bearer(hr))
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_request"
    assert "limit" in response.json()["error"]["message"]


async def test_openapi_document_lists_the_bearer_scheme(http: httpx.AsyncClient) -> None:
    document = (await http.get("/api/v1/openapi.json")).json()
    assert document["openapi"].startswith("3.")
    assert "/people" in document["paths"] and "/audit" in document["paths"]
    assert document["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"


async def test_audit_log_pages_newest_first(app, http: httpx.AsyncClient) -> None:
    hr = await make_token(app, "hr")
    for n in range(3):
        await make_token(app, "viewer", f"viewer {n}")
    first = (await http.get("/api/v1/audit", params={"limit": 2}, headers=bearer(hr))).json()
    assert first["total"] == 4 and first["next_offset"] == 2
    assert [e["target"] for e in first["items"]] == ["viewer 2", "viewer 1"]
    assert first["items"][0]["action"] == "token.create"
    assert first["items"][0]["actor"].startswith("command line (")
    assert first["items"][0]["detail"]["via"] == "cli"
    rest = (await http.get("/api/v1/audit", params={"limit": 2, "offset": 2}, headers=bearer(hr))).json()
    assert [e["target"] for e in rest["items"]] == ["viewer 0", "hr token"] and rest["next_offset"] is None
