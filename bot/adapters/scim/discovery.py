"""The discovery endpoints: ServiceProviderConfig, ResourceTypes and Schemas (RFC 7644 §4)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request, Response
from scim2_models import Context, ListResponse, Meta, NotFoundException, ResourceType, Schema

from bot.adapters.scim import wire
from bot.adapters.scim.access import Gate
from bot.adapters.scim.schema import CONFIG, PROVIDER


def register(app: FastAPI, provisioning: Gate) -> None:
    @app.get("/ServiceProviderConfig")
    async def service_provider_config(request: Request) -> Response:
        async with provisioning(request, writes=False):
            config = CONFIG.model_copy(
                update={"meta": Meta(resource_type="ServiceProviderConfig", location=wire.location(request))}
            )
            return wire.respond(config.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE))

    @app.get("/ResourceTypes")
    async def resource_types(request: Request) -> Response:
        async with provisioning(request, writes=False):
            return _listing(ResourceType, [_located(request, r) for r in PROVIDER.resource_types])

    @app.get("/ResourceTypes/{name}")
    async def resource_type(request: Request, name: str) -> Response:
        async with provisioning(request, writes=False):
            return _one(request, PROVIDER.resource_types, name)

    @app.get("/Schemas")
    async def schemas(request: Request) -> Response:
        async with provisioning(request, writes=False):
            return _listing(Schema, [_located(request, s) for s in PROVIDER.schemas])

    @app.get("/Schemas/{uri}")
    async def schema(request: Request, uri: str) -> Response:
        async with provisioning(request, writes=False):
            return _one(request, PROVIDER.schemas, uri)


def _located(request: Request, found: ResourceType | Schema) -> Any:
    """The resource type or schema with its own meta: "ResourceType" under /ResourceTypes, etc."""
    kind = type(found).__name__
    meta = Meta(resource_type=kind, location=wire.location(request, f"{kind}s", str(found.id)))
    return found.model_copy(update={"meta": meta})


def _one(request: Request, items: Sequence[ResourceType] | Sequence[Schema], wanted: str) -> Response:
    for found in items:
        if found.id == wanted:
            return wire.respond(_dump(_located(request, found)))
    raise NotFoundException(detail=f"no such resource: {wanted}")


def _dump(found: Any) -> dict[str, Any]:
    return found.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE)  # type: ignore[no-any-return]


def _listing(model: type[Any], found: list[Any]) -> Response:
    listing = ListResponse[model](  # type: ignore[valid-type]
        total_results=len(found), start_index=1, items_per_page=len(found), resources=found
    )
    return wire.respond(_dump(listing))
