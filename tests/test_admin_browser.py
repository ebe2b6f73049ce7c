"""HR in a real headless browser: sign in with a token, import people (a bad row first), and more."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from fastapi import FastAPI

from bot.config import Settings
from tests.support.admin import admin_settings, make_token
from tests.test_browser import CHROMIUM, FLAGS, playwright

pytestmark = pytest.mark.browser

CSV = "email,name,department,role,language,timezone,ambassador_topics\n{rows}"
ROWS = (
    "anna@example.org,Anna Holm,Borgerservice,employee,da,Europe/Copenhagen,\n"
    "bo@example.org,Bo Berg,IT,ambassador,en,Europe/Oslo,it security|data\n"
    "karen@example,Karen Olsen,HR,leader,da,Europe/Copenhagen,\n"
)


@pytest.fixture
def settings(sqlite_url: str) -> Settings:
    return admin_settings(sqlite_url)


@pytest.fixture
async def page(server: str) -> AsyncIterator[object]:
    async with playwright.async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        context = await browser.new_context(base_url=server, locale="en-GB", java_script_enabled=False)
        yield await context.new_page()
        await browser.close()


def upload(text: str) -> dict[str, object]:
    return {"name": "people.csv", "mimeType": "text/csv", "buffer": text.encode()}


async def test_hr_signs_in_and_imports_people(app: FastAPI, page) -> None:  # type: ignore[no-untyped-def]
    expect = playwright.expect
    token = await make_token(app, "hr", "Hanne")
    await page.goto("/admin/")
    await expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    await page.fill("#token", token)
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.locator("header")).to_contain_text("Hanne (HR admin)")

    await page.get_by_role("link", name="People").click()
    await page.set_input_files("#file", upload(CSV.format(rows=ROWS)))
    await page.get_by_role("button", name="Check (dry run)").click()
    errors = page.locator("#import-errors")
    await expect(errors).to_contain_text("1 row(s) have errors. Nothing was imported")
    await expect(errors).to_contain_text("Line 4: karen@example is not an email address")
    await expect(page.get_by_text("No people yet")).to_be_visible()

    fixed = ROWS.replace("karen@example,", "karen@example.org,")
    await page.set_input_files("#file", upload(CSV.format(rows=fixed)))
    await page.get_by_role("button", name="Import", exact=True).click()
    await expect(page.get_by_role("status")).to_have_text("Imported: 3 new, 0 updated.")
    await expect(page.locator("table")).to_contain_text("karen@example.org")
