"""A person in a real headless browser: open /chat (the open demo, or signed in through a local
OpenID Connect provider), send a message, click a button, see the reply."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator

import pytest

from bot.app import create_app
from bot.clock import FixedClock
from bot.config import load_settings
from tests.support.oidc import FakeProvider
from tests.support.server import live_server

playwright = pytest.importorskip("playwright.async_api")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

NEEDS_CHROMIUM = pytest.mark.skipif(
    shutil.which("chromium") is None, reason="Debian's chromium is not installed"
)
pytestmark = [pytest.mark.browser, NEEDS_CHROMIUM]


@pytest.fixture
def db_url(sqlite_url: str) -> str:
    return sqlite_url


@pytest.fixture
async def page(server: str) -> AsyncIterator[object]:
    async with playwright.async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        context = await browser.new_context(base_url=server, locale="en-GB")
        yield await context.new_page()
        await browser.close()


async def test_chat_in_a_browser(page) -> None:  # type: ignore[no-untyped-def]
    expect = playwright.expect
    await page.goto("/chat?lang=en")
    await expect(page.locator("#demo")).to_contain_text("Demo mode: anyone on this machine can act as anyone")
    await page.fill("#who", "Karen Olsen")
    await page.click("#login button")
    await page.fill("#text", "help")
    await page.press("#text", "Enter")
    await expect(page.locator(".msg.bot h2")).to_have_text("Hi, I'm Stafet")
    await page.get_by_role("button", name="Language").click()
    await expect(page.locator(".msg.bot").last).to_contain_text("Which language")
    await page.get_by_role("button", name="Norwegian (bokmål)").click()
    await expect(page.locator(".msg.bot").last).to_have_text("Sånn. Fra nå av skriver jeg på norsk (bokmål).")
    # Both answered messages now show the choice instead of their buttons.
    await expect(page.locator(".chosen")).to_have_count(2)
    await expect(page.get_by_role("button", name="Danish")).to_have_count(0)


@pytest.fixture
async def provider() -> AsyncIterator[FakeProvider]:
    fake = FakeProvider()
    async with live_server(fake.app) as url:
        fake.base = url
        yield fake


async def test_sign_in_then_chat_in_a_browser(
    sqlite_url: str, clock: FixedClock, provider: FakeProvider
) -> None:
    expect = playwright.expect
    settings = load_settings(
        STAFET_DATABASE_URL=sqlite_url,
        STAFET_DEFAULT_LANGUAGE="en",
        STAFET_SCHEDULER=False,
        STAFET_ADMIN_COOKIE_SECURE=False,
        STAFET_SECRET_KEY="test-secret",
        STAFET_WEBCHAT="signin",
        STAFET_OIDC_SLACK_CLIENT_ID=provider.client_id,
        STAFET_OIDC_SLACK_CLIENT_SECRET="secret",
        STAFET_OIDC_SLACK_METADATA_URL=f"{provider.base}/.well-known/openid-configuration",
    )
    app = create_app(settings, clock=clock, background=False)
    async with live_server(app) as url, playwright.async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        page = await (await browser.new_context(base_url=url, locale="en-GB")).new_page()
        await page.goto("/chat")
        await expect(page.locator("#demo")).to_have_count(0)
        await expect(page.locator("#who")).to_have_count(0)
        await page.get_by_role("link", name="Sign in with Slack").click()
        await expect(page.locator("#me")).to_have_text("Hanne <hanne@example.org>")
        await page.fill("#text", "help")
        await page.press("#text", "Enter")
        await expect(page.locator(".msg.bot h2")).to_have_text("Hi, I'm Stafet")
        await page.get_by_role("button", name="Language").click()
        await page.get_by_role("button", name="Danish").click()
        await expect(page.locator(".msg.bot").last).to_have_text("Sådan. Fra nu af skriver jeg på dansk.")
        await page.reload()  # the session, not the page, knows who this is
        await expect(page.locator(".chosen")).to_have_count(2)
        await page.get_by_role("button", name="Sign out").click()
        await expect(page.get_by_role("link", name="Sign in with Slack")).to_be_visible()
        await expect(page.locator(".msg")).to_have_count(0)
        await browser.close()
