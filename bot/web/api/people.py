"""People: the directory, CSV import with a dry run, and the rights of access and erasure."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from bot.admin.importing import parse
from bot.admin.people import PeopleAdminService, UnknownPerson
from bot.admin.roles import Principal
from bot.context import AppContext
from bot.web.api import auth
from bot.web.api.errors import MALFORMED, NOT_FOUND, TOO_LARGE, ApiError, body
from bot.web.api.paging import Page, PageParams, page_params

MAX_UPLOAD = 20 * 1024 * 1024


class PersonOut(BaseModel):
    id: int
    email: str
    name: str
    department: str
    role: str
    language: str | None
    timezone: str | None
    is_ambassador: bool


class RowErrorOut(BaseModel):
    line: int
    code: str
    message: str


class ImportOut(BaseModel):
    dry_run: bool
    ok: bool
    rows: int
    errors: list[RowErrorOut]
    created: int = 0
    updated: int = 0


class EmailIn(BaseModel):
    email: str = Field(min_length=1, max_length=320)


CSV_BODY = {
    "requestBody": {
        "required": True,
        "content": {"text/csv": {"schema": {"type": "string"}}},
        "description": (
            "columns: email, name, department, role (employee, leader, ambassador, coordinator, hr), "
            "language, timezone, ambassador_topics"
        ),
    }
}


def build_router(context: AppContext) -> APIRouter:
    router = APIRouter(prefix="/people", tags=["people"])

    @router.get("", response_model=Page[PersonOut])
    async def list_people(
        params: PageParams = Depends(page_params),
        q: str = Query("", max_length=200, description="part of a name or email"),
        _: Principal = Depends(auth.hr),
    ) -> Page[PersonOut]:
        async with context.db.unit_of_work() as session:
            rows, total = await PeopleAdminService(session, context.clock).directory.page(
                params.limit, params.offset, q
            )
            items = [
                PersonOut(
                    id=p.id,
                    email=p.email or "",
                    name=p.display_name,
                    department=p.department,
                    role=p.role,
                    language=p.language,
                    timezone=p.timezone,
                    is_ambassador=p.is_ambassador,
                )
                for p in rows
            ]
        return Page[PersonOut].of(items, total, params)

    @router.post("/import", response_model=ImportOut, openapi_extra=CSV_BODY, responses=TOO_LARGE)
    async def import_people(
        request: Request,
        dry_run: bool = Query(False, description="check only; nothing is imported"),
        who: Principal = Depends(auth.hr),
    ) -> Any:
        data = await request.body()
        if len(data) > MAX_UPLOAD:
            raise ApiError(413, "too_large", f"at most {MAX_UPLOAD // 1024 // 1024} MB per file")
        parsed = parse(data)
        errors = [RowErrorOut(line=e.line, code=e.code, message=e.message) for e in parsed.errors]
        if dry_run or not parsed.ok:
            out = ImportOut(dry_run=dry_run, ok=parsed.ok, rows=len(parsed.rows), errors=errors)
            if dry_run:
                return out
            detail = body("invalid_rows", f"{len(errors)} row(s) have errors; nothing was imported")
            detail["error"]["rows"] = [e.model_dump() for e in errors]
            return JSONResponse(detail, 422)
        async with context.db.unit_of_work() as session:
            result = await PeopleAdminService(session, context.clock).apply(who, parsed, "api")
        return ImportOut(
            dry_run=False,
            ok=True,
            rows=len(parsed.rows),
            errors=[],
            created=result.created,
            updated=result.updated,
        )

    @router.post("/export", responses={**MALFORMED, **NOT_FOUND})
    async def export_person(request: EmailIn, who: Principal = Depends(auth.hr)) -> dict[str, Any]:
        """Everything stored about one person (right of access)."""
        async with context.db.unit_of_work() as session:
            try:
                return await PeopleAdminService(session, context.clock).export(who, request.email)
            except UnknownPerson:
                raise ApiError(404, "unknown_person", "no person has that email") from None

    @router.post("/forget", responses={**MALFORMED, **NOT_FOUND})
    async def forget_person(request: EmailIn, who: Principal = Depends(auth.hr)) -> dict[str, Any]:
        """Erase one person's personal data and identities; anonymous aggregates stay (right to erasure)."""
        async with context.db.unit_of_work() as session:
            try:
                counts = await PeopleAdminService(session, context.clock).forget(who, request.email)
            except UnknownPerson:
                raise ApiError(404, "unknown_person", "no person has that email") from None
        return {"forgotten": True, "rows": counts}

    return router
