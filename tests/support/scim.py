"""A provisioning token and a small client speaking SCIM as an identity provider would."""

from __future__ import annotations

from typing import Any

import httpx
from fastapi import FastAPI

from tests.support.admin import bearer, make_token

MEDIA = "application/scim+json"
CORE = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


async def provisioning_client(app: FastAPI, server: str, name: str = "Entra ID") -> httpx.AsyncClient:
    token = await make_token(app, "provisioning", name)
    return httpx.AsyncClient(
        base_url=f"{server}/scim/v2", headers={**bearer(token), "Content-Type": MEDIA}, timeout=10
    )


def entra_user(user_name: str, email: str, **extra: Any) -> dict[str, Any]:
    """The shape Entra ID POSTs with its default attribute mappings (unknown attributes included)."""
    return {
        "schemas": [CORE, ENTERPRISE],
        "externalId": extra.pop("external_id", user_name.split("@")[0]),
        "userName": user_name,
        "active": True,
        "displayName": extra.pop("display_name", "Anna Berg"),
        "title": "Consultant",
        "emails": [{"primary": True, "type": "work", "value": email}],
        "meta": {"resourceType": "User"},
        "name": {"formatted": "Anna Berg", "familyName": "Berg", "givenName": "Anna"},
        "phoneNumbers": [{"type": "work", "value": "+45 1234 5678"}],
        "roles": [],
        "preferredLanguage": extra.pop("preferred_language", "da-DK"),
        ENTERPRISE: {"department": extra.pop("department", "Finance"), "employeeNumber": "1001"},
        **extra,
    }


def patch(*operations: dict[str, Any]) -> dict[str, Any]:
    return {"schemas": [PATCH], "Operations": list(operations)}
