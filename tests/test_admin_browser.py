"""HR in a real headless browser: sign in with a token, import people (a bad row first), and more."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from fastapi import FastAPI

from bot.config import Settings
from tests.support.admin import admin_settings, make_token
from tests.test_browser import CHROMIUM, FLAGS, NEEDS_CHROMIUM, playwright

pytestmark = [pytest.mark.browser, NEEDS_CHROMIUM]

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
    await expect(page.locator("table").first).to_contain_text("karen@example.org")
    await expect(page.locator("#ambassadors")).to_contain_text("it security (2), data (2)")


async def test_hr_plans_a_campaign_and_reads_survey_results(app: FastAPI, page, clock) -> None:  # type: ignore[no-untyped-def]
    from tests.test_admin_surveys import closed_wave

    expect = playwright.expect
    wave_id = await closed_wave(app, clock)  # department B is suppressed: it would reveal C
    await page.goto("/admin/login")
    await page.fill("#token", await make_token(app, "hr", "Hanne"))
    await page.get_by_role("button", name="Sign in").click()

    await page.get_by_role("link", name="Campaigns").click()
    await page.fill("#name", "Security basics")
    await page.fill("#cadence", "weekdays 10:00")
    await page.fill("#departments", "A")
    await page.fill("#window", "09:00-15:00")
    await page.get_by_label("Technology at work").check()
    await page.get_by_role("button", name="Create draft").click()
    await expect(page.get_by_role("heading", name="Security basics")).to_be_visible()
    await expect(page.locator("#campaign-tracks")).to_have_text("Technology at work")
    preview = page.locator("#preview")
    await expect(preview).to_contain_text("Preview: the next 14 days")
    await expect(preview.locator("tbody tr")).to_have_count(10)  # ten working days in the next fortnight
    first = preview.locator("tbody tr").first.locator("td")
    await expect(first.nth(1)).to_have_text("6")
    await expect(first.nth(2)).to_have_text("Spot the phishing mail (6)")
    await page.get_by_role("button", name="Start / resume").click()
    await expect(page.get_by_role("heading", name="Security basics")).to_contain_text("active")

    await page.get_by_role("link", name="Surveys").click()
    await page.locator(f"a[href='/admin/surveys/{wave_id}']").click()
    await expect(page.locator("svg.chart").first).to_be_visible()
    suppressed = page.locator("tr", has=page.locator("td", has_text="B")).locator("td.suppressed").first
    await expect(suppressed).to_have_text("hidden so the other group cannot be worked out")
    await expect(page.get_by_role("link", name="Download aggregates (CSV)")).to_be_visible()
