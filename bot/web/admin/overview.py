"""The overview page: the figures HR looks at first."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import func, select

from bot.admin.roles import Principal, Role
from bot.context import AppContext
from bot.web.admin.guard import signed_in
from bot.web.admin.render import Pages
from bot.web.admin.session import Sessions
from storage.models import Person


def build_router(context: AppContext, pages: Pages, sessions: Sessions) -> APIRouter:
    router = APIRouter()

    @router.get("/", response_class=HTMLResponse)
    async def overview(
        request: Request, who: Principal = Depends(signed_in(context, sessions, Role.VIEWER))
    ) -> Response:
        async with context.db.unit_of_work() as session:
            known = Person.email.is_not(None)
            people = await session.scalar(select(func.count()).where(known)) or 0
            ambassadors = await session.scalar(select(func.count()).where(known, Person.is_ambassador)) or 0
        return pages.render(request, "overview.html", who, people=people, ambassadors=ambassadors)

    return router
