"""SCIM on the wire: `application/scim+json` bodies in and out, and errors as SCIM Error messages."""

from __future__ import annotations

import json
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError
from scim2_models import Context, Error, InvalidSyntaxException, SCIMException
from starlette.exceptions import HTTPException

MEDIA_TYPE = "application/scim+json"
MAX_BODY = 1_000_000


def respond(payload: dict[str, Any], status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(json.dumps(payload), status, headers, media_type=MEDIA_TYPE)


def error(
    status: int, detail: str, scim_type: str | None = None, headers: dict[str, str] | None = None
) -> Response:
    return respond(_dump(Error(status=status, scim_type=scim_type, detail=detail)), status, headers)


def not_found() -> Response:
    """SCIM's 404 for a path under /scim/v2 that its mount did not match (bot.web.mounts)."""
    return error(404, "Not Found")


def location(request: Request, *parts: str) -> str:
    """An absolute URL under /scim/v2 (the request's own without parts)."""
    if not parts:
        return str(request.url).split("?")[0]
    root = str(request.base_url).rstrip("/")
    mount = request.scope.get("root_path", "")
    return "/".join([root if root.endswith(mount) else root + mount, *parts])


async def body_of(request: Request) -> dict[str, Any]:
    """The request's JSON object; anything else is a 400 invalidSyntax."""
    raw = await request.body()
    if len(raw) > MAX_BODY:
        raise InvalidSyntaxException(detail=f"the body is larger than {MAX_BODY} bytes")
    try:
        payload = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise InvalidSyntaxException(detail="the body is not JSON") from None
    if not isinstance(payload, dict):
        raise InvalidSyntaxException(detail="the body is not a JSON object")
    return payload


def install(app: FastAPI) -> None:
    """Every error under /scim/v2 answers as a SCIM Error, with its scimType where one applies."""

    @app.exception_handler(SCIMException)
    async def scim_error(_request: Request, exc: SCIMException) -> Response:
        found = exc.to_error()
        return respond(_dump(found), found.status or 400)

    @app.exception_handler(ValidationError)
    async def invalid(_request: Request, exc: ValidationError) -> Response:
        found = Error.from_validation_error(exc.errors()[0])
        return respond(_dump(found), found.status or 400)

    @app.exception_handler(RequestValidationError)
    async def bad_request(_request: Request, exc: RequestValidationError) -> Response:
        return error(400, "the request is not valid", "invalidValue")

    @app.exception_handler(HTTPException)
    async def http_error(_request: Request, exc: HTTPException) -> Response:
        return error(exc.status_code, str(exc.detail), headers=exc.headers)


def _dump(found: Error) -> dict[str, Any]:
    return found.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE)
