"""People in the dashboard: the directory, CSV import (check first), export and forget."""

from __future__ import annotations

import json

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from bot.admin.importing import parse
from bot.admin.people import PeopleAdminService, UnknownPerson
from bot.admin.questions import ambassador_load
from bot.admin.roles import Principal, Role
from bot.context import AppContext
from bot.web.admin.guard import csrf_checked, signed_in
from bot.web.admin.render import Pages
from bot.web.admin.session import Sessions

PAGE = 50
MAX_UPLOAD = 20 * 1024 * 1024


def build_router(context: AppContext, pages: Pages, sessions: Sessions) -> APIRouter:
    router = APIRouter(prefix="/people")
    hr = signed_in(context, sessions, Role.HR)
    csrf = csrf_checked(sessions)

    async def show(request: Request, who: Principal, status: int = 200, **values: object) -> Response:
        given = request.query_params.get("offset", "0")
        offset = int(given) if given.isdigit() else 0
        search = request.query_params.get("q", "")[:200]
        async with context.db.unit_of_work() as session:
            people, total = await PeopleAdminService(session, context.clock).directory.page(
                PAGE, offset, search
            )
            ambassadors = await ambassador_load(session)
        return pages.render(
            request,
            "people.html",
            who,
            status,
            people=people,
            ambassadors=ambassadors,
            total=total,
            offset=offset,
            size=PAGE,
            q=search,
            **values,
        )

    @router.get("", response_class=HTMLResponse)
    async def directory(request: Request, who: Principal = Depends(hr)) -> Response:
        return await show(request, who)

    @router.post("/import", dependencies=[Depends(csrf)], response_class=HTMLResponse)
    async def import_file(
        request: Request,
        file: UploadFile = File(...),
        mode: str = Form("check"),
        who: Principal = Depends(hr),
    ) -> Response:
        data = await file.read(MAX_UPLOAD + 1)
        parsed = parse(data[:MAX_UPLOAD])
        if mode != "import" or not parsed.ok:
            return await show(
                request, who, 200 if parsed.ok else 422, parsed=parsed, checked=mode != "import"
            )
        async with context.db.unit_of_work() as session:
            result = await PeopleAdminService(session, context.clock).apply(who, parsed, file.filename or "")
        return await show(request, who, imported=result)

    @router.post("/export", dependencies=[Depends(csrf)])
    async def export(request: Request, email: str = Form(""), who: Principal = Depends(hr)) -> Response:
        async with context.db.unit_of_work() as session:
            try:
                data = await PeopleAdminService(session, context.clock).export(who, email)
            except UnknownPerson:
                return await show(request, who, 404, unknown=email)
        return Response(
            json.dumps(data, ensure_ascii=False, indent=2),
            media_type="application/json",
            headers={"Content-Disposition": f'attachment; filename="person-{data["person_id"]}.json"'},
        )

    @router.post("/forget", dependencies=[Depends(csrf)], response_class=HTMLResponse)
    async def forget(
        request: Request, email: str = Form(""), confirm: str = Form(""), who: Principal = Depends(hr)
    ) -> Response:
        if confirm.strip().lower() != email.strip().lower():
            return await show(request, who, 422, confirm_mismatch=True)
        async with context.db.unit_of_work() as session:
            try:
                await PeopleAdminService(session, context.clock).forget(who, email)
            except UnknownPerson:
                return await show(request, who, 404, unknown=email)
        return await show(request, who, forgotten=True)

    return router
