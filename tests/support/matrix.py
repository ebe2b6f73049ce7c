"""Every API endpoint and dashboard page with the lowest role that may use it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str
    role: str  # lowest role allowed
    ok: int = 200  # status for an allowed role with this request
    request: dict[str, Any] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def url(self) -> str:
        """The path with example ids: they name nothing, so an allowed role gets a 404."""
        return self.path.format_map(_Missing())


class _Missing(dict):  # type: ignore[type-arg]
    def __missing__(self, key: str) -> str:
        return "pause" if key == "action" else "999"


CSV = "email,name\nanna@example.org,Anna\n"

API: list[Endpoint] = [
    Endpoint("GET", "/api/v1/me", "viewer"),
    Endpoint("GET", "/api/v1/people", "hr"),
    Endpoint(
        "POST",
        "/api/v1/people/import?dry_run=true",
        "hr",
        request={"content": CSV, "headers": {"Content-Type": "text/csv"}},
    ),
    Endpoint("POST", "/api/v1/people/export", "hr", 404, {"json": {"email": "nobody@example.org"}}),
    Endpoint("POST", "/api/v1/people/forget", "hr", 404, {"json": {"email": "nobody@example.org"}}),
    Endpoint("GET", "/api/v1/audit", "hr"),
    Endpoint("GET", "/api/v1/overview", "viewer"),
    Endpoint("GET", "/api/v1/coverage", "viewer"),
    Endpoint("GET", "/api/v1/funnel", "viewer"),
    Endpoint("GET", "/api/v1/transfer", "viewer"),
    Endpoint("GET", "/api/v1/coverage/needs", "viewer"),
    Endpoint("GET", "/api/v1/reach", "viewer"),
    Endpoint("GET", "/api/v1/content", "viewer"),
    Endpoint("GET", "/api/v1/surveys", "viewer"),
    Endpoint(
        "POST",
        "/api/v1/surveys",
        "coordinator",
        422,
        {"json": {"template_id": "nope", "opens_on": "2026-12-01", "closes_on": "2026-12-04"}},
    ),
    Endpoint("GET", "/api/v1/surveys/{wave_id}", "viewer", 404),
    Endpoint("GET", "/api/v1/surveys/{wave_id}/results.csv", "viewer", 404),
    Endpoint("GET", "/api/v1/campaigns", "viewer"),
    Endpoint("POST", "/api/v1/campaigns", "coordinator", 422, {"json": {"name": "x", "cadence": "never"}}),
    Endpoint("GET", "/api/v1/campaigns/{campaign_id}", "viewer", 404),
    Endpoint(
        "PUT",
        "/api/v1/campaigns/{campaign_id}",
        "coordinator",
        404,
        {"json": {"name": "x", "cadence": "mon 9:00"}},
    ),
    Endpoint("GET", "/api/v1/campaigns/{campaign_id}/preview", "viewer", 404),
    Endpoint("POST", "/api/v1/campaigns/{campaign_id}/{action}", "coordinator", 404),
    Endpoint("GET", "/api/v1/questions", "coordinator"),
    Endpoint("GET", "/api/v1/questions/figures", "viewer"),
    Endpoint("GET", "/api/v1/questions/ambassadors", "coordinator"),
    Endpoint("GET", "/api/v1/questions/faq", "coordinator"),
    Endpoint("GET", "/api/v1/questions/themes", "viewer"),
    Endpoint("POST", "/api/v1/questions/faq/{entry_id}/approve", "coordinator", 404),
    Endpoint(
        "POST", "/api/v1/questions/faq/{entry_id}/reject", "coordinator", 404, {"json": {"reason": "no"}}
    ),
    Endpoint(
        "PUT",
        "/api/v1/questions/faq/{entry_id}",
        "coordinator",
        404,
        {"json": {"question": "q", "answer": "a"}},
    ),
    Endpoint("POST", "/api/v1/questions/faq/{entry_id}/retire", "coordinator", 404),
    Endpoint("GET", "/api/v1/delivery/dead-letters", "hr"),
    Endpoint("POST", "/api/v1/delivery/dead-letters/retry", "hr", request={"json": {"ids": [999]}}),
]

PAGES: list[Endpoint] = [
    Endpoint("GET", "/admin/", "viewer"),
    Endpoint("GET", "/admin/people", "hr"),
    Endpoint("GET", "/admin/audit", "hr"),
    Endpoint("GET", "/admin/reach", "viewer"),
    Endpoint("GET", "/admin/coverage", "viewer"),
    Endpoint("GET", "/admin/learning", "viewer"),
    Endpoint("GET", "/admin/content", "viewer"),
    Endpoint("GET", "/admin/surveys", "viewer"),
    Endpoint("GET", "/admin/campaigns", "viewer"),
    Endpoint("GET", "/admin/questions", "coordinator"),
    Endpoint("GET", "/admin/delivery", "hr"),
]
