"""Sign in with OpenID Connect against a local provider; the role comes from STAFET_OIDC_ROLES."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from bot.admin.oidc import providers, role_for
from bot.admin.roles import Role
from bot.app import create_app
from bot.config import load_settings
from tests.support.oidc import FakeProvider
from tests.support.server import live_server


def test_roles_from_patterns() -> None:
    rules = "viewer=*@example.org; hr=hanne@example.org ;coordinator=bo@example.org,cy@example.org;boss=*"
    assert role_for("Hanne@Example.org", rules) is Role.HR
    assert role_for("cy@example.org", rules) is Role.COORDINATOR
    assert role_for("ida@example.org", rules) is Role.VIEWER
    assert role_for("eve@elsewhere.net", rules) is None


def test_providers_come_from_the_environment() -> None:
    assert providers(load_settings()) == []
    both = providers(
        load_settings(
            STAFET_OIDC_ENTRA_CLIENT_ID="app",
            STAFET_OIDC_ENTRA_TENANT="contoso-id",
            STAFET_OIDC_SLACK_CLIENT_ID="s",
        )
    )
    assert [(p.name, p.metadata_url) for p in both] == [
        ("entra", "https://login.microsoftonline.com/contoso-id/v2.0/.well-known/openid-configuration"),
        ("slack", "https://slack.com/.well-known/openid-configuration"),
    ]


@pytest.fixture
async def provider() -> AsyncIterator[FakeProvider]:
    fake = FakeProvider()
    async with live_server(fake.app) as url:
        fake.base = url
        yield fake


@pytest.fixture
def app(sqlite_url: str, provider: FakeProvider, clock) -> FastAPI:  # type: ignore[no-untyped-def]
    settings = load_settings(
        STAFET_DATABASE_URL=sqlite_url,
        STAFET_DEFAULT_LANGUAGE="en",
        STAFET_SCHEDULER=False,
        STAFET_ADMIN_COOKIE_SECURE=False,
        STAFET_SECRET_KEY="test",
        STAFET_OIDC_SLACK_CLIENT_ID=provider.client_id,
        STAFET_OIDC_SLACK_CLIENT_SECRET="secret",
        STAFET_OIDC_SLACK_METADATA_URL=f"{provider.base}/.well-known/openid-configuration",
        STAFET_OIDC_ROLES="hr=hanne@example.org;viewer=*@example.org",
    )
    return create_app(settings, clock=clock, background=False)


async def test_sign_in_with_slack(app: FastAPI, server: str, provider: FakeProvider) -> None:
    async with httpx.AsyncClient(base_url=server, follow_redirects=True) as browser:
        login = await browser.get("/admin/login")
        assert "Sign in with Slack" in login.text
        page = await browser.get("/admin/login/slack")
        assert page.status_code == 200 and str(page.url).endswith("/admin/")
        assert "hanne@example.org (HR admin)" in page.text
        assert (await browser.get("/admin/audit")).status_code == 200

    provider.user = {"sub": "U2", "email": "ida@example.org", "name": "Ida"}
    async with httpx.AsyncClient(base_url=server, follow_redirects=True) as browser:
        page = await browser.get("/admin/login/slack")
        assert "ida@example.org (viewer)" in page.text
        assert (await browser.get("/admin/audit")).status_code == 403

    provider.user = {"sub": "U3", "email": "eve@elsewhere.net", "name": "Eve"}
    async with httpx.AsyncClient(base_url=server, follow_redirects=True) as browser:
        page = await browser.get("/admin/login/slack")
        assert page.status_code == 403 and "has no role" in page.text


async def test_a_forged_callback_is_refused(app: FastAPI, server: str) -> None:
    async with httpx.AsyncClient(base_url=server) as browser:
        response = await browser.get("/admin/auth/slack", params={"code": "x", "state": "forged"})
        assert response.status_code == 401
        assert "stafet_admin=" not in response.headers.get("set-cookie", "")


@pytest.mark.parametrize("forgery", ["wrong_key", "audience", "expired"])
async def test_a_bad_id_token_does_not_sign_in_to_the_dashboard(
    forgery: str, app: FastAPI, server: str, provider: FakeProvider
) -> None:
    provider.forge = forgery
    async with httpx.AsyncClient(base_url=server, follow_redirects=True) as browser:
        page = await browser.get("/admin/login/slack")
        assert page.status_code == 401
        assert "stafet_admin" not in browser.cookies
        assert str((await browser.get("/admin/audit")).url).endswith("/admin/login")
