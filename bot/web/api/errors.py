"""Every 4xx answer has the same shape: {"error": {"code": ..., "message": ...}}."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.dependencies.models import Dependant
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from starlette.exceptions import HTTPException

_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
}


class ErrorBody(BaseModel):
    code: str
    message: str


class ErrorResponse(BaseModel):
    error: ErrorBody


class ApiError(HTTPException):
    """An error the caller can act on, with a stable machine-readable code."""

    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(status, message, headers)
        self.code = code


def body(code: str, message: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message}}


async def known_query_only(request: Request) -> None:
    """A query parameter the operation does not take is refused, so `?limt=5` is no silent default."""
    route = request.scope.get("route")
    dependant = getattr(route, "dependant", None)
    if dependant is None:
        return
    unknown = sorted(set(request.query_params) - _query_names(dependant))
    if unknown:
        raise ApiError(422, "unknown_parameter", f"unknown query parameter: {', '.join(unknown)}")


def _query_names(dependant: Dependant) -> set[str]:
    names = {field.alias for field in dependant.query_params}
    for inner in dependant.dependencies:
        names |= _query_names(inner)
    return names


def install(app: FastAPI) -> None:
    @app.exception_handler(HTTPException)
    async def http_error(_request: Request, error: HTTPException) -> JSONResponse:
        code = getattr(error, "code", None) or _CODES.get(error.status_code, "error")
        return JSONResponse(body(code, str(error.detail)), error.status_code, headers=error.headers)

    @app.exception_handler(RequestValidationError)
    async def invalid(_request: Request, error: RequestValidationError) -> JSONResponse:
        first = error.errors()[0] if error.errors() else {}
        if first.get("type") == "json_invalid":
            return JSONResponse(body("malformed_json", "the body is not valid JSON"), 400)
        where = ".".join(str(p) for p in first.get("loc", ()))
        return JSONResponse(body("invalid_request", f"{where}: {first.get('msg', 'invalid')}"), 422)


def not_found() -> Response:
    """The API's 404 for a path under it that its mount did not match (bot.web.mounts)."""
    return JSONResponse(body("not_found", "Not Found"), 404)


Responses = dict[int | str, dict[str, Any]]


def _error(description: str) -> dict[str, Any]:
    return {"model": ErrorResponse, "description": description}


ERRORS: Responses = {
    401: _error("No or unknown token"),
    403: _error("The token's role may not do this"),
    422: _error("Invalid request"),
}
MALFORMED: Responses = {400: _error("The body is not valid JSON")}
NOT_FOUND: Responses = {404: _error("Nothing with that id")}
CONFLICT: Responses = {409: _error("Not possible in its present state")}
TOO_LARGE: Responses = {413: _error("The upload is too large")}
CSV: Responses = {200: {"description": "CSV", "content": {"text/csv": {"schema": {"type": "string"}}}}}
