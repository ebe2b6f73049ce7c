"""/Users: list and filter, create, read, replace, patch, delete — each change audit-logged."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request, Response
from scim2_models import (
    Context,
    InvalidValueException,
    ListResponse,
    NotFoundException,
    PatchOp,
    PreconditionFailedException,
    ResponseParameters,
    SearchRequest,
    UniquenessException,
)

from bot.adapters.scim import filters, wire
from bot.adapters.scim.access import Gate
from bot.adapters.scim.mapping import account_of, etag, profile_of, user_of, version_of
from bot.adapters.scim.schema import MAX_RESULTS, PROVIDER, User
from bot.context import AppContext
from bot.people.provisioning import (
    Conflict,
    NotProvisioned,
    Provisioned,
    ProvisioningService,
    StaleVersion,
)

DEFAULT_COUNT = 100
# Parametrised once: building these generic models costs more than a whole request.
Search = SearchRequest[User]
Patch = PatchOp[User]
Listing = ListResponse[User]
Shown = ResponseParameters[User]
QUERY = ("filter", "startIndex", "count", "attributes", "excludedAttributes")


def register(app: FastAPI, context: AppContext, provisioning: Gate) -> None:
    @app.get("/Users")
    async def list_users(request: Request) -> Response:
        params = {k: v for k, v in request.query_params.items() if k in QUERY}
        return await _search(context, provisioning, request, params, None)

    @app.post("/Users/.search")
    @app.post("/.search")  # the root search: Users are the only resources
    async def search_users(request: Request) -> Response:
        return await _search(context, provisioning, request, None, Context.SEARCH_REQUEST)

    @app.post("/Users")
    async def create_user(request: Request) -> Response:
        async with provisioning(request) as (session, who):
            user = _validated(User, await wire.body_of(request), Context.RESOURCE_CREATION_REQUEST)
            found = await _guarded(
                ProvisioningService(session, context.clock).create(who, account_of(user), profile_of(user))
            )
            return _one(request, found, 201, Context.RESOURCE_CREATION_RESPONSE)

    @app.get("/Users/{person_id}")
    async def read_user(request: Request, person_id: str) -> Response:
        params = {k: v for k, v in request.query_params.items() if k in QUERY[3:]}
        async with provisioning(request, writes=False) as (session, _who):
            shown = _validated(Shown, params)
            found = await _guarded(ProvisioningService(session, context.clock).get(_id(person_id)))
            return _one(request, found, 200, Context.RESOURCE_QUERY_RESPONSE, shown)

    @app.put("/Users/{person_id}")
    async def replace_user(request: Request, person_id: str) -> Response:
        async with provisioning(request) as (session, who):
            user = _validated(User, await wire.body_of(request), Context.RESOURCE_REPLACEMENT_REQUEST)
            service = ProvisioningService(session, context.clock)
            version = version_of(request.headers.get("if-match"))
            current = await _guarded(service.get(_id(person_id), version))
            found = await _guarded(service.update(who, current, account_of(user), profile_of(user)))
            return _one(request, found, 200, Context.RESOURCE_REPLACEMENT_RESPONSE)

    @app.patch("/Users/{person_id}")
    async def patch_user(request: Request, person_id: str) -> Response:
        async with provisioning(request) as (session, who):
            patch = _validated(Patch, await wire.body_of(request), Context.RESOURCE_PATCH_REQUEST)
            service = ProvisioningService(session, context.clock)
            version = version_of(request.headers.get("if-match"))
            current = await _guarded(service.get(_id(person_id), version))
            user = user_of(current, "")
            with PROVIDER:
                changed = patch.patch(user)
            if not (user.user_name or "").strip():
                raise InvalidValueException(detail="userName cannot be removed or emptied")
            found = current
            if changed:
                found = await _guarded(service.update(who, current, account_of(user), profile_of(user)))
            return _one(request, found, 200, Context.RESOURCE_PATCH_RESPONSE)

    @app.delete("/Users/{person_id}")
    async def delete_user(request: Request, person_id: str) -> Response:
        async with provisioning(request) as (session, who):
            version = version_of(request.headers.get("if-match"))
            await _guarded(ProvisioningService(session, context.clock).erase(who, _id(person_id), version))
        return Response(status_code=204)


async def _search(
    context: AppContext,
    provisioning: Gate,
    request: Request,
    params: dict[str, Any] | None,
    scim_ctx: Context | None,
) -> Response:
    """A query from the URL's parameters, or (`params` None) from a SearchRequest body."""
    async with provisioning(request, writes=False) as (session, _who):
        search = _validated(Search, params if params is not None else await wire.body_of(request), scim_ctx)
        start = max(search.start_index or 1, 1)
        count = min(DEFAULT_COUNT if search.count is None else max(search.count, 0), MAX_RESULTS)
        service = ProvisioningService(session, context.clock)
        if search.filter is None:
            page, total = await service.page(start - 1, count)
            users = [_user(request, found) for found in page]
        else:
            candidates = await service.matching(filters.lookups(search.filter), MAX_RESULTS)
            matching = [u for found in candidates if search.filter.match(u := _user(request, found))]
            total, users = len(matching), matching[start - 1 : start - 1 + count]
    listing = Listing(total_results=total, start_index=start, items_per_page=len(users), resources=users)
    return wire.respond(listing.model_dump(scim_ctx=Context.SEARCH_RESPONSE, response_parameters=search))


def _validated(model: Any, payload: dict[str, Any], scim_ctx: Context | None = None) -> Any:
    with PROVIDER:
        found = model.model_validate(payload, scim_ctx=scim_ctx)
    if isinstance(found, User) and found.user_name is not None and not found.user_name.strip():
        raise InvalidValueException(detail="userName cannot be empty")
    return found


async def _guarded(work: Any) -> Provisioned:
    """The core's refusals, as SCIM errors."""
    try:
        return await work  # type: ignore[no-any-return]
    except NotProvisioned:
        raise NotFoundException(detail="no such user") from None
    except StaleVersion:
        raise PreconditionFailedException(detail="the user changed since that version") from None
    except Conflict as conflict:
        raise UniquenessException(detail=str(conflict)) from None


def _id(text: str) -> int:
    return int(text) if text.isdigit() and len(text) < 10 else -1


def _user(request: Request, found: Provisioned) -> User:
    return user_of(found, wire.location(request, "Users", str(found.person.id)))


def _one(
    request: Request,
    found: Provisioned,
    status: int,
    scim_ctx: Context,
    shown: ResponseParameters[Any] | None = None,
) -> Response:
    user = _user(request, found)
    headers = {"ETag": etag(found.account.version), "Location": str(user.meta.location)}  # type: ignore[union-attr]
    return wire.respond(user.model_dump(scim_ctx=scim_ctx, response_parameters=shown), status, headers)
