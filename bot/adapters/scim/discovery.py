"""The discovery endpoints: ServiceProviderConfig, ResourceTypes and Schemas (RFC 7644 §4)."""

from __future__ import annotations

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
            return _listing(ResourceType, [_resource_type(request, r) for r in PROVIDER.resource_types])

    @app.get("/ResourceTypes/{name}")
    async def resource_type(request: Request, name: str) -> Response:
        async with provisioning(request, writes=False):
            for found in PROVIDER.resource_types:
                if found.id == name:
                    return wire.respond(_dump(_resource_type(request, found)))
            raise NotFoundException(detail=f"no resource type {name}")

    @app.get("/Schemas")
    async def schemas(request: Request) -> Response:
        async with provisioning(request, writes=False):
            return _listing(Schema, [_schema(request, s) for s in PROVIDER.schemas])

    @app.get("/Schemas/{uri}")
    async def schema(request: Request, uri: str) -> Response:
        async with provisioning(request, writes=False):
            for found in PROVIDER.schemas:
                if found.id == uri:
                    return wire.respond(_dump(_schema(request, found)))
            raise NotFoundException(detail=f"no schema {uri}")


def _resource_type(request: Request, found: ResourceType) -> ResourceType:
    meta = Meta(resource_type="ResourceType", location=wire.location(request, "ResourceTypes", str(found.id)))
    return found.model_copy(update={"meta": meta})


def _schema(request: Request, found: Schema) -> Schema:
    meta = Meta(resource_type="Schema", location=wire.location(request, "Schemas", str(found.id)))
    return found.model_copy(update={"meta": meta})


def _dump(found: Any) -> dict[str, Any]:
    return found.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE)  # type: ignore[no-any-return]


def _listing(model: type[Any], found: list[Any]) -> Response:
    listing = ListResponse[model](  # type: ignore[valid-type]
        total_results=len(found), start_index=1, items_per_page=len(found), resources=found
    )
    return wire.respond(_dump(listing))
