"""Only provisioning tokens reach /scim/v2 (and nothing else); bad requests get SCIM 400s, never 500."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from bot.adapters.scim.access import TRUSTED_FOR
from bot.admin.roles import CLI
from bot.admin.tokens import TokenService
from bot.clock import FixedClock
from bot.config import Settings
from tests.support.admin import ROLES, admin_settings, bearer, make_token
from tests.support.scim import ENTERPRISE, MEDIA, entra_user, patch, provisioning_client
from tests.test_dashboard import csrf_of

ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"


@pytest.fixture
def settings(sqlite_url: str) -> Settings:
    return admin_settings(sqlite_url)


@pytest.fixture
async def scim(app: FastAPI, server: str) -> AsyncIterator[httpx.AsyncClient]:
    async with await provisioning_client(app, server) as client:
        yield client


@pytest.mark.parametrize(
    "path", ["/Users", "/ServiceProviderConfig", "/Schemas", "/Users/1", "/Users?filter=(("]
)
async def test_other_roles_and_no_token_are_refused(app: FastAPI, http: httpx.AsyncClient, path: str) -> None:
    answers = {None: (await http.get(f"/scim/v2{path}")).status_code}
    bad = await http.get(f"/scim/v2{path}", headers=bearer("stf_not-a-real-token"))
    answers["unknown"] = bad.status_code
    for role in ROLES:
        token = await make_token(app, role, f"{role} {path}")
        response = await http.get(f"/scim/v2{path}", headers=bearer(token))
        answers[role] = response.status_code
        assert response.json()["schemas"] == [ERROR]
    assert answers == {None: 401, "unknown": 401, "viewer": 403, "coordinator": 403, "hr": 403}
    assert bad.headers["www-authenticate"].startswith("Bearer")


async def test_a_provisioning_token_is_good_for_nothing_else(app: FastAPI, http: httpx.AsyncClient) -> None:
    token = await make_token(app, "provisioning", "Okta")
    assert (await http.get("/api/v1/people", headers=bearer(token))).status_code == 403
    assert (await http.get("/api/v1/audit", headers=bearer(token))).status_code == 403
    page = await http.get("/admin/login")
    login = await http.post("/admin/login", data={"token": token, "csrf": csrf_of(page.text)})
    assert login.status_code == 401


async def test_a_revoked_token_stops_within_seconds(
    app: FastAPI, scim: httpx.AsyncClient, clock: FixedClock
) -> None:
    assert (await scim.get("/Users")).status_code == 200
    context = app.state.context
    async with context.db.unit_of_work() as session:
        await TokenService(session, context.clock).revoke(CLI, "Entra ID")
    clock.advance(TRUSTED_FOR)
    refused = await scim.get("/Users")
    assert refused.status_code == 401
    assert (
        await scim.post("/Users", json=entra_user("late@corp.example", "late@example.org"))
    ).status_code == 401
    clock.advance(seconds=1)
    assert (await scim.get("/Users")).status_code == 401


async def test_a_trusted_token_does_not_vouch_for_another(app: FastAPI, http: httpx.AsyncClient) -> None:
    provisioning = await make_token(app, "provisioning", "Entra ID")
    viewer = await make_token(app, "viewer", "viewer")
    assert (await http.get("/scim/v2/Users", headers=bearer(provisioning))).status_code == 200
    assert (await http.get("/scim/v2/Users", headers=bearer(viewer))).status_code == 403
    forged = bearer(provisioning + "x")
    assert (await http.get("/scim/v2/Users", headers=forged)).status_code == 401
    assert (await http.get("/scim/v2/Users", headers=bearer(provisioning))).status_code == 200


BAD_FILTERS = [
    ("userName eq", "invalidFilter"),
    ('userName zz "x"', "invalidFilter"),
    ('title eq "Consultant"', "invalidFilter"),
    ('userName eq "a" or userName eq "b"', "invalidFilter"),
    ('name.givenName sw "A"', "invalidFilter"),
    ("((", "invalidFilter"),
    ('emails[type eq "work"', "invalidFilter"),
]


@pytest.mark.parametrize(("query", "scim_type"), BAD_FILTERS)
async def test_bad_filters_are_scim_400s(scim: httpx.AsyncClient, query: str, scim_type: str) -> None:
    response = await scim.get("/Users", params={"filter": query})
    assert response.status_code == 400, response.text
    assert response.json()["scimType"] == scim_type and response.json()["schemas"] == [ERROR]


def _user(**change: Any) -> dict[str, Any]:
    return {**entra_user("anna@corp.example", "anna@example.org"), **change}


BAD_BODIES: list[tuple[str, str, Any]] = [
    ("POST", "/Users", b"{not json"),
    ("POST", "/Users", b"[1, 2]"),
    ("POST", "/Users", b"\xff\xfe"),
    ("POST", "/Users", {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"]}),  # no userName
    ("POST", "/Users", _user(userName=42)),
    ("POST", "/Users", _user(active="maybe")),
    ("POST", "/Users", _user(emails=[{"value": "not an email", "type": "work"}])),
    ("POST", "/Users", _user(emails="anna@example.org")),
    ("POST", "/Users", _user(schemas=["urn:example:unknown"])),
    ("PATCH", "/Users/{id}", patch({"op": "Move", "path": "active", "value": True})),
    ("PATCH", "/Users/{id}", patch({"op": "Replace", "path": "emails[type eq]", "value": "x"})),
    ("PATCH", "/Users/{id}", patch({"op": "Remove", "path": "userName"})),
    ("PATCH", "/Users/{id}", patch({"op": "Replace", "path": "active", "value": "Perhaps"})),
    ("PATCH", "/Users/{id}", {"Operations": "none"}),
    ("PUT", "/Users/{id}", {"userName": ""}),
    (
        "POST",
        "/Users/.search",
        {"filter": "userName eq", "schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"]},
    ),
]


@pytest.mark.parametrize(("method", "path", "body"), BAD_BODIES)
async def test_bad_bodies_are_scim_400s(scim: httpx.AsyncClient, method: str, path: str, body: Any) -> None:
    created = await scim.post("/Users", json=entra_user("first@corp.example", "first@example.org"))
    url = path.format(id=created.json()["id"])
    content = body if isinstance(body, bytes) else httpx.Request("POST", "/", json=body).content
    response = await scim.request(method, url, content=content, headers={"Content-Type": MEDIA})
    assert response.status_code == 400, response.text
    assert response.json()["schemas"] == [ERROR] and response.json()["status"] == "400"
    shown = (await scim.get(f"/Users/{created.json()['id']}")).json()
    assert shown["userName"] == "first@corp.example" and shown["active"] is True


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/Users/999999", 404),
        ("GET", "/Users/abc", 404),
        ("GET", "/Groups", 404),
        ("GET", "/Users/a%0Ab", 404),  # a line break: the mount does not match, the outer app answers
        ("DELETE", "/Users", 405),
    ],
)
async def test_unknown_things_are_scim_errors(
    scim: httpx.AsyncClient, method: str, path: str, status: int
) -> None:
    response = await scim.request(method, path)
    assert response.status_code == status and response.json()["schemas"] == [ERROR]


async def test_odd_paging_numbers_are_read_as_the_rfc_says(scim: httpx.AsyncClient) -> None:
    await scim.post("/Users", json=entra_user("anna@corp.example", "anna@example.org"))
    for params in ({"startIndex": 0}, {"startIndex": -3, "count": -1}, {"count": 100000}):
        assert (await scim.get("/Users", params=params)).status_code == 200
    assert (await scim.get("/Users", params={"startIndex": "abc"})).status_code == 400


TOKENS = (
    "userName externalId emails emails.value id eq ne co sw pr gt and or not ( ) [ ] "
    '"anna@example.org" " true 42 null type . \\ \u00e6 ' + f"{ENTERPRISE}:department"
).split(" ")
VALUES: list[Any] = [
    None,
    True,
    "False",
    0,
    -1,
    1.5,
    "",
    "x" * 400,
    [],
    [{}],
    {},
    {"value": None},
    ["a"],
    "da-DK",
]
ATTRIBUTES = [
    *[
        "userName",
        "active",
        "emails",
        "displayName",
        "name",
        "preferredLanguage",
        "timezone",
        "externalId",
        "schemas",
        "id",
        "meta",
    ],
    ENTERPRISE,
]
OPS = ["add", "Add", "replace", "Replace", "remove", "Remove", "move", "", None]
PATHS = [
    *[None, "active", 'emails[type eq "work"].value', "emails[type eq", "name.givenName", "members"],
    *[f"{ENTERPRISE}:department", "userName", "", "emails[value pr]", "x.y.z"],
]


async def test_random_requests_never_fail_the_server(scim: httpx.AsyncClient) -> None:
    """A small seeded fuzzer: odd filters, bodies and patch operations get 2xx or SCIM 4xx, never 5xx."""
    import random

    rng = random.Random(7)
    created = (await scim.post("/Users", json=entra_user("first@corp.example", "first@example.org"))).json()
    seen = []
    for _ in range(60):
        query = " ".join(rng.choice(TOKENS) for _ in range(rng.randint(1, 7)))
        seen.append(await scim.get("/Users", params={"filter": query}))
    for n in range(60):
        body = entra_user(f"fuzz{n}@corp.example", f"fuzz{n}@example.org")
        for attribute in rng.sample(ATTRIBUTES, 2):
            body[attribute] = rng.choice(VALUES)
        seen.append(await scim.post("/Users", json=body))
    for _ in range(60):
        operation = {"op": rng.choice(OPS), "path": rng.choice(PATHS), "value": rng.choice(VALUES)}
        operation = {k: v for k, v in operation.items() if v is not None or rng.random() < 0.3}
        seen.append(await scim.patch(f"/Users/{created['id']}", json=patch(operation)))
    assert all(r.status_code < 500 for r in seen), [r.text for r in seen if r.status_code >= 500][:3]
    errors = [r for r in seen if r.status_code >= 400]
    assert errors and all(r.json()["schemas"] == [ERROR] for r in errors)
