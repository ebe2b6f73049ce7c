"""The /scim/v2 sub-application."""

from __future__ import annotations

from fastapi import FastAPI

from bot.adapters.scim import discovery, users, wire
from bot.adapters.scim.access import Gate
from bot.context import AppContext


def build_scim(context: AppContext) -> FastAPI:
    scim = FastAPI(title="Stafet SCIM", docs_url=None, redoc_url=None, openapi_url=None)
    wire.install(scim)
    provisioning = Gate(context)
    discovery.register(scim, provisioning)
    users.register(scim, context, provisioning)
    return scim
