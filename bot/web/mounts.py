"""Paths under a mounted sub-application that its mount does not match: a mount's pattern stops
at a line break, so `/api/v1/campaigns/1/a%0Ab` falls through to the outer app, whose 404 has
the web framework's shape. Such a path gets the sub-application's own 404 instead."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from fastapi import FastAPI, Request, Response
from fastapi.exception_handlers import http_exception_handler
from starlette.exceptions import HTTPException


def answer_unmatched(app: FastAPI, answers: Mapping[str, Callable[[], Response]]) -> None:
    """`answers`: mount prefix -> its 404."""

    @app.exception_handler(404)
    async def not_found(request: Request, error: HTTPException) -> Response:
        for prefix, answer in answers.items():
            if request.url.path.startswith(f"{prefix}/"):
                return answer()
        return await http_exception_handler(request, error)
