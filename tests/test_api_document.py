"""The OpenAPI document names every status an operation answers, with the error body's schema."""

from __future__ import annotations

import httpx
import pytest

from bot.config import Settings
from tests.support.admin import admin_settings, bearer, make_token

ERROR_SCHEMA = {"$ref": "#/components/schemas/ErrorResponse"}


@pytest.fixture
def settings(db_url: str) -> Settings:
    return admin_settings(db_url)


async def test_unknown_ids_wrong_states_malformed_json_and_typos_are_documented(
    app, http: httpx.AsyncClient
) -> None:  # type: ignore[no-untyped-def]
    hr = bearer(await make_token(app, "hr"))
    malformed = await http.post(
        "/api/v1/campaigns", content=b'{"name": "Copilot', headers={**hr, "content-type": "application/json"}
    )
    assert malformed.status_code == 400
    assert malformed.json()["error"]["code"] == "malformed_json"
    unknown = await http.get("/api/v1/campaigns/77", headers=hr)
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "unknown_campaign"

    # A line break in a path stops the API's mount from matching: the 404 still has the API's shape.
    broken = await http.post("/api/v1/campaigns/77/J%0A%C2%B5", headers=hr)
    assert broken.status_code == 404 and broken.json()["error"]["code"] == "not_found"
    elsewhere = await http.get("/nowhere")
    assert elsewhere.status_code == 404 and elsewhere.json() == {"detail": "Not Found"}

    typo = await http.get("/api/v1/people", params={"limt": "5"}, headers=hr)
    assert typo.status_code == 422 and typo.json()["error"]["code"] == "unknown_parameter"
    assert (await http.get("/api/v1/people", params={"limit": "5"}, headers=hr)).status_code == 200

    paths = (await http.get("/api/v1/openapi.json")).json()["paths"]
    expected = {
        ("post", "/campaigns"): {"400", "401", "403", "422"},
        ("get", "/campaigns/{campaign_id}"): {"401", "403", "404", "422"},
        ("post", "/campaigns/{campaign_id}/{action}"): {"401", "403", "404", "409", "422"},
        ("get", "/surveys/{wave_id}"): {"401", "403", "404", "409", "422"},
        ("post", "/people/import"): {"401", "403", "413", "422"},
        ("post", "/people/forget"): {"400", "401", "403", "404", "422"},
    }
    for (method, path), statuses in expected.items():
        responses = paths[path][method]["responses"]
        assert statuses <= set(responses), (method, path, sorted(responses))
        for status in statuses:
            assert responses[status]["content"]["application/json"]["schema"] == ERROR_SCHEMA
    csv = paths["/surveys/{wave_id}/results.csv"]["get"]["responses"]["200"]["content"]
    assert set(csv) == {"text/csv"}
