"""A person in a real headless browser: open /chat, send a message, click a button, see the reply."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator

import pytest

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
