"""Campaigns from the API and the dashboard: create, edit, preview, state changes, before/after."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import httpx
import pytest
from fastapi import FastAPI

from bot.campaigns.jobs import plan_due
from bot.config import Settings
from tests.support.admin import admin_settings, bearer, make_token
from tests.support.surveys import add_people, answer, close, open_wave

CAMPAIGN = {
    "name": "Security autumn",
    "cadence": "tue,thu 10:00",
    "audience": {"departments": ["IT"]},
    "window": "09:00-15:00",
}


@pytest.fixture
def settings(db_url: str) -> Settings:
    return admin_settings(db_url)


async def test_create_edit_preview_move_and_audit(app: FastAPI, http: httpx.AsyncClient) -> None:
    await add_people(app.state.context, {("IT", "employee"): 3})
    coordinator = bearer(await make_token(app, "coordinator", "Cora"))
    viewer = bearer(await make_token(app, "viewer"))
    assert (await http.post("/api/v1/campaigns", json=CAMPAIGN, headers=viewer)).status_code == 403
    created = await http.post("/api/v1/campaigns", json=CAMPAIGN, headers=coordinator)
    assert created.status_code == 201 and created.json()["state"] == "draft"
    campaign_id = created.json()["id"]
    bad = await http.post(
        "/api/v1/campaigns", json={**CAMPAIGN, "name": "x", "cadence": "sometimes"}, headers=coordinator
    )
    assert bad.status_code == 422 and bad.json()["error"]["code"].startswith("campaigns_")

    edited = await http.put(
        f"/api/v1/campaigns/{campaign_id}", json={**CAMPAIGN, "cadence": "mon 10:00"}, headers=coordinator
    )
    assert edited.json()["cadence"] == "mon 10:00"
    preview = (await http.get(f"/api/v1/campaigns/{campaign_id}/preview", headers=viewer)).json()
    # Monday 23 November 2026 09:00 local: Mondays 30 Nov and 7 Dec lie ahead, for 3 people each.
    assert [line["recipients"] for line in preview["occurrences"]][-2:] == [3, 3]
    assert preview["days"] == 14

    for action, state in (
        ("resume", "active"),
        ("pause", "paused"),
        ("resume", "active"),
        ("finish", "finished"),
    ):
        moved = await http.post(f"/api/v1/campaigns/{campaign_id}/{action}", headers=coordinator)
        assert moved.json()["state"] == state
    again = await http.post(f"/api/v1/campaigns/{campaign_id}/pause", headers=coordinator)
    assert again.status_code == 409 and again.json()["error"]["code"] == "bad_state"
    hr = bearer(await make_token(app, "hr"))
    audit = [(e["action"], e["actor"]) for e in (await http.get("/api/v1/audit", headers=hr)).json()["items"]]
    assert ("campaign.create", "Cora") in audit and ("campaign.finish", "Cora") in audit
    listed = (await http.get("/api/v1/campaigns", headers=viewer)).json()
    assert [c["name"] for c in listed["items"]] == ["Security autumn"]


async def test_before_and_after_pulse(app: FastAPI, http: httpx.AsyncClient, clock) -> None:  # type: ignore[no-untyped-def]
    context = app.state.context
    people = await add_people(context, {("IT", "employee"): 6})
    coordinator = bearer(await make_token(app, "coordinator"))
    campaign_id = (await http.post("/api/v1/campaigns", json=CAMPAIGN, headers=coordinator)).json()["id"]
    for values in (["2", "2", "3", "3", "2", "3"], ["4", "4", "5", "4", "3", "4"]):
        wave_id = await open_wave(context, "digital-confidence", campaign_id=campaign_id)
        for person_id, value in zip(people, values, strict=True):
            await answer(context, wave_id, person_id, "everyday", value)
        await close(context, clock, wave_id)
    found = (await http.get(f"/api/v1/campaigns/{campaign_id}", headers=coordinator)).json()["results"]
    everyday = next(c for c in found["comparison"] if c["question_id"] == "everyday")
    assert everyday["before"]["mean"] == pytest.approx(2.5) and everyday["after"]["mean"] == pytest.approx(
        4.0
    )
    assert everyday["mean_change"] == pytest.approx(1.5)
    unanswered = next(c for c in found["comparison"] if c["question_id"] != "everyday")
    assert unanswered["before"]["suppressed"] and unanswered["mean_change"] is None


async def test_dashboard_create_shows_the_preview(app: FastAPI, server: str) -> None:
    from tests.test_dashboard import csrf_of
    from tests.test_role_matrix import login

    await add_people(app.state.context, {("IT", "employee"): 2})
    async with httpx.AsyncClient(base_url=server) as browser:
        await login(browser, await make_token(app, "coordinator"))
        page = await browser.get("/admin/campaigns")
        form = {
            "csrf": csrf_of(page.text),
            "name": "Basics",
            "cadence": "weekdays 10:00",
            "departments": "IT",
        }
        bad = await browser.post("/admin/campaigns", data={**form, "cadence": "whenever"})
        assert bad.status_code == 422 and 'role="alert"' in bad.text
        typo = await browser.post("/admin/campaigns", data={**form, "jitter_minutes": "ten"})
        assert typo.status_code == 422
        assert "Spread is a whole number of minutes from 0 to 600." in typo.text
        assert "invalid literal" not in typo.text
        made = await browser.post("/admin/campaigns", data=form)
        assert made.status_code == 303
        detail = (await browser.get(made.headers["location"])).text
        assert "Preview: the next 14 days" in detail and "draft" in detail
        started = await browser.post(
            made.headers["location"] + "/move", data={"csrf": csrf_of(detail), "action": "resume"}
        )
        assert started.status_code == 303
        assert "active" in (await browser.get(made.headers["location"])).text


async def test_api_campaign_with_two_tracks_previews_their_lessons(
    app: FastAPI, http: httpx.AsyncClient
) -> None:
    await add_people(app.state.context, {("IT", "employee"): 2, ("IT", "leader"): 1})
    coordinator = bearer(await make_token(app, "coordinator"))
    body = {**CAMPAIGN, "cadence": "mon 10:00", "tracks": ["leadership", "strategy"]}
    created = await http.post("/api/v1/campaigns", json=body, headers=coordinator)
    assert created.status_code == 201 and created.json()["tracks"] == ["leadership", "strategy"]
    preview = await http.get(f"/api/v1/campaigns/{created.json()['id']}/preview", headers=coordinator)
    # Mondays 23 and 30 November: each brings everyone their next lesson, leadership first for the leader.
    lines = preview.json()["occurrences"]
    first, second = ({ls["title"]: ls["people"] for ls in line["lessons"]} for line in lines[:2])
    assert first == {"Why digital transformation?": 2, "Digitalisation is a leadership task": 1}
    assert second == {"Digital maturity: where are we?": 2, "Lead the change: readiness, not resistance": 1}


async def test_api_refuses_unknown_content_with_a_code(app: FastAPI, http: httpx.AsyncClient) -> None:
    coordinator = bearer(await make_token(app, "coordinator"))
    pulse = {"template_id": "horoscope", "offset_days": -3}
    for body, code in (
        ({**CAMPAIGN, "tracks": ["strategy", "cooking"]}, "campaigns_unknown_track"),
        ({**CAMPAIGN, "starts_on": "2026-12-01", "waves": [pulse]}, "campaigns_unknown_template"),
        (
            {**CAMPAIGN, "phases": [{"name": "pre", "from_day": -7, "to_day": -1}]},
            "campaigns_phases_need_event",
        ),
    ):
        refused = await http.post("/api/v1/campaigns", json=body, headers=coordinator)
        assert (refused.status_code, refused.json()["error"]["code"]) == (422, code)
    refused = await http.post(
        "/api/v1/campaigns", json={**CAMPAIGN, "tracks": ["cooking"]}, headers=coordinator
    )
    assert refused.json()["error"]["message"] == "There is no content track called cooking."
    schema = (await http.get("/api/v1/openapi.json")).json()["components"]["schemas"]
    assert {"tracks", "event_date", "phases", "waves", "catch_up_days"} <= set(
        schema["CampaignIn"]["properties"]
    )
    assert {"template_id", "offset_days", "open_days"} <= set(schema["PulseIn"]["properties"])


async def test_api_campaign_with_event_phases_and_pulses(app: FastAPI, http: httpx.AsyncClient) -> None:
    coordinator = bearer(await make_token(app, "coordinator"))
    body = {
        **CAMPAIGN,
        "tracks": ["technology"],
        "event_date": "2026-12-10",
        "phases": [{"name": "pre-work", "from_day": -14, "to_day": -1, "cadence": "mon,wed 10:00"}],
        "waves": [
            {"template_id": "digital-confidence", "offset_days": -7},
            {"template_id": "digital-confidence", "offset_days": 21, "open_days": 7},
        ],
        "catch_up_days": 1,
    }
    made = (await http.post("/api/v1/campaigns", json=body, headers=coordinator)).json()
    assert made["event_date"] == "2026-12-10" and made["catch_up_days"] == 1
    assert made["phases"] == [{"name": "pre-work", "from_day": -14, "to_day": -1, "cadence": "mon,wed 10:00"}]
    assert [(w["offset_days"], w["open_days"], w["survey_wave_id"]) for w in made["waves"]] == [
        (-7, 5, None),
        (21, 7, None),
    ]
    shown = (await http.get(f"/api/v1/campaigns/{made['id']}", headers=coordinator)).json()
    assert shown["waves"] == made["waves"] and shown["tracks"] == ["technology"]


async def test_api_tracks_change_while_paused_and_a_started_pulse_stays(
    app: FastAPI, http: httpx.AsyncClient
) -> None:
    context = app.state.context
    await add_people(context, {("IT", "employee"): 2})
    coordinator = bearer(await make_token(app, "coordinator"))
    pulse = {"template_id": "digital-confidence", "offset_days": 0}
    body = {**CAMPAIGN, "tracks": ["strategy"], "starts_on": "2026-11-24", "waves": [pulse]}
    campaign_id = (await http.post("/api/v1/campaigns", json=body, headers=coordinator)).json()["id"]
    url = f"/api/v1/campaigns/{campaign_id}"
    await http.post(f"{url}/resume", headers=coordinator)
    await plan_due(context)  # the pulse opens tomorrow, so it is scheduled as a survey wave now

    refused = await http.put(url, json={**body, "tracks": ["technology"]}, headers=coordinator)
    assert (refused.status_code, refused.json()["error"]["code"]) == (422, "campaigns_pause_to_change")
    without_new_fields = {**CAMPAIGN, "cadence": "mon 10:00", "starts_on": "2026-11-24"}
    older_client = await http.put(url, json=without_new_fields, headers=coordinator)
    assert older_client.status_code == 200 and older_client.json()["tracks"] == ["strategy"]

    await http.post(f"{url}/pause", headers=coordinator)
    edited = await http.put(url, json={**body, "tracks": ["technology"]}, headers=coordinator)
    assert edited.status_code == 200 and edited.json()["tracks"] == ["technology"]
    preview = (await http.get(f"{url}/preview", headers=coordinator)).json()["occurrences"]
    assert preview[0]["lessons"] == [{"id": "tech-phishing", "title": "Spot the phishing mail", "people": 2}]

    dropped = await http.put(url, json={**body, "waves": []}, headers=coordinator)
    assert (dropped.status_code, dropped.json()["error"]["code"]) == (422, "campaigns_wave_started")
    after = {"template_id": "digital-confidence", "offset_days": 28}
    added = await http.put(url, json={**body, "waves": [pulse, after]}, headers=coordinator)
    assert [(w["offset_days"], w["survey_wave_id"] is not None) for w in added.json()["waves"]] == [
        (0, True),
        (28, False),
    ]


KICK_OFF = {
    "name": "Kick-off",
    "cadence": "weekdays 10:00",
    "departments": "IT",
    "tracks": ["strategy", "technology"],
    "event_date": "2026-12-10",
    "phase_name": ["pre-work", ""],
    "phase_from_day": ["-14", ""],
    "phase_to_day": ["-1", ""],
    "phase_cadence": ["", ""],
    "pulse_template_id": ["digital-confidence", ""],
    "pulse_days": ["7", "14"],
    "pulse_when": ["before", "after"],
    "pulse_open_days": ["5", "5"],
    "pulse_questions": ["", ""],
}


async def test_dashboard_form_takes_tracks_a_phase_and_a_pulse_before(app: FastAPI, server: str) -> None:
    from tests.test_dashboard import csrf_of
    from tests.test_role_matrix import login

    await add_people(app.state.context, {("IT", "employee"): 2})
    async with httpx.AsyncClient(base_url=server) as browser:
        await login(browser, await make_token(app, "coordinator"))
        page = await browser.get("/admin/campaigns")
        assert 'name="tracks" value="strategy"' in page.text and "Technology at work" in page.text
        assert '<option value="digital-confidence"' in page.text
        form = {**KICK_OFF, "csrf": csrf_of(page.text)}

        refused = await browser.post("/admin/campaigns", data={**form, "tracks": ["strategy", "cooking"]})
        assert refused.status_code == 422
        assert "There is no content track called cooking." in refused.text
        assert 'value="Kick-off"' in refused.text and 'value="pre-work"' in refused.text  # as HR left it

        made = await browser.post("/admin/campaigns", data=form)
        assert made.status_code == 303
        detail = (await browser.get(made.headers["location"])).text
        assert "Strategy and digital transformation, Technology at work" in detail
        assert "pre-work: days -14 to -1" in detail
        assert "Confidence with digital tools: 7 days before, open 5 days" in detail
        assert "Why digital transformation? (2)" in detail  # the preview's first lesson, for both
        danish = (await browser.get(made.headers["location"] + "?lang=da")).text
        assert "Strategi og digital omstilling, Teknologi i hverdagen" in danish
        listing = (await browser.get("/admin/campaigns?lang=da")).text
        assert "hverdage 10:00" in listing and "weekdays" not in listing.split("<tbody>")[-1]


async def test_dashboard_changes_tracks_of_a_paused_campaign_only(app: FastAPI, server: str) -> None:
    from tests.test_dashboard import csrf_of
    from tests.test_role_matrix import login

    async with httpx.AsyncClient(base_url=server) as browser:
        await login(browser, await make_token(app, "coordinator"))
        csrf = csrf_of((await browser.get("/admin/campaigns")).text)
        where = (await browser.post("/admin/campaigns", data={**KICK_OFF, "csrf": csrf})).headers["location"]
        await browser.post(f"{where}/move", data={"csrf": csrf, "action": "resume"})
        edit = {**KICK_OFF, "csrf": csrf, "tracks": ["leadership"]}

        refused = await browser.post(f"{where}/edit", data=edit)
        assert refused.status_code == 422 and "Pause it first" in refused.text

        await browser.post(f"{where}/move", data={"csrf": csrf, "action": "pause"})
        assert (await browser.post(f"{where}/edit", data=edit)).status_code == 303
        detail = (await browser.get(where)).text
        tracks = detail.split('id="campaign-tracks">')[1].split("</span>")[0]
        assert tracks == "Digital leadership"


async def test_dashboard_preview_names_holidays_in_the_readers_language(  # type: ignore[no-untyped-def]
    app: FastAPI, server: str, clock
) -> None:
    from tests.test_dashboard import csrf_of
    from tests.test_role_matrix import login

    clock.set(datetime(2026, 12, 21, 8, 0, tzinfo=ZoneInfo("Europe/Copenhagen")))
    await add_people(app.state.context, {("IT", "employee"): 2})
    async with httpx.AsyncClient(base_url=server) as browser:
        await login(browser, await make_token(app, "coordinator"))
        page = await browser.get("/admin/campaigns")
        form = {"csrf": csrf_of(page.text), "name": "Winter", "cadence": "weekdays 10:00"}
        form["departments"] = "IT"
        made = await browser.post("/admin/campaigns", data=form)
        english = (await browser.get(made.headers["location"])).text
        danish = (await browser.get(made.headers["location"] + "?lang=da")).text
    assert "DK holiday: Christmas Day: 2" in english
    assert "helligdag (DK): Juledag: 2" in danish and "Christmas" not in danish


def test_a_cadence_reads_in_the_dashboard_reader_s_language() -> None:
    from bot.campaigns.cadence import describe_cadence

    danish = "man|tir|ons|tor|fre|lør|søn"
    assert describe_cadence("tue,thu 10:00", danish, "hver dag", "hverdage") == "tir,tor 10:00"
    assert describe_cadence("weekdays 9:30", danish, "hver dag", "hverdage") == "hverdage 09:30"
    assert describe_cadence("daily 8:00", danish, "hver dag", "hverdage") == "hver dag 08:00"
    assert describe_cadence("0 10 * * 2", danish, "hver dag", "hverdage") == "0 10 * * 2"
