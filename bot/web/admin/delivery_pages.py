"""The delivery page: messages Stafet gave up on, why, and a button to send them again."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import Field

from bot.admin import delivery
from bot.admin.roles import Principal, Role
from bot.context import AppContext
from bot.web.admin.guard import csrf_checked, signed_in
from bot.web.admin.render import Pages
from bot.web.admin.session import Sessions

PAGE = 50


def build_router(context: AppContext, pages: Pages, sessions: Sessions) -> APIRouter:
    router = APIRouter(prefix="/delivery")
    hr = signed_in(context, sessions, Role.HR)
    csrf = csrf_checked(sessions)

    @router.get("", response_class=HTMLResponse)
    async def dead_letters(
        request: Request,
        offset: int = Query(0, ge=0, le=10_000_000),
        queued: int | None = Query(None, ge=0),
        who: Principal = Depends(hr),
    ) -> Response:
        async with context.db.unit_of_work() as session:
            letters, total = await delivery.dead_letters(session, PAGE, offset)
        return pages.render(
            request,
            "delivery.html",
            who,
            letters=letters,
            total=total,
            offset=offset,
            size=PAGE,
            queued=queued,
        )

    @router.post("/retry", dependencies=[Depends(csrf)])
    async def retry(
        ids: list[Annotated[int, Field(ge=1, le=delivery.MAX_ID)]] = Form([], max_length=delivery.MAX_IDS),
        every: bool = Form(False),
        who: Principal = Depends(hr),
    ) -> Response:
        async with context.db.unit_of_work() as session:
            queued = await delivery.send_again(session, context.clock, who, None if every else ids)
        if queued:
            context.delivery_wakeup.set()
        return RedirectResponse(f"/admin/delivery?queued={len(queued)}", 303)

    return router
