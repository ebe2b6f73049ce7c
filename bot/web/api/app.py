"""The /api/v1 sub-application, with its own OpenAPI document at /api/v1/openapi.json."""

from __future__ import annotations

from fastapi import Depends, FastAPI

from bot.context import AppContext
from bot.web.api import audit, campaigns, delivery, errors, insights, people, questions, reach, surveys

ROUTERS = (people, audit, insights, reach, surveys, campaigns, questions, delivery)


def build_api(context: AppContext) -> FastAPI:
    api = FastAPI(
        title="Stafet API",
        version="1",
        description="Send `Authorization: Bearer <token>` (tokens from `stafet admin token create`).",
        docs_url=None,
        redoc_url=None,
        responses=errors.ERRORS,
        dependencies=[Depends(errors.known_query_only)],
    )
    api.state.context = context
    errors.install(api)
    for module in ROUTERS:
        api.include_router(module.build_router(context))
    return api
