"""The questions page: open questions with SLA state, topics, ambassadors' load, FAQ approvals."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from bot.admin import questions as view
from bot.admin.audit import AuditLog
from bot.admin.roles import Principal, Role
from bot.context import AppContext
from bot.web.admin import charts
from bot.web.admin.guard import csrf_checked, signed_in
from bot.web.admin.render import Pages
from bot.web.admin.session import Sessions


def build_router(context: AppContext, pages: Pages, sessions: Sessions) -> APIRouter:
    router = APIRouter(prefix="/questions")
    coordinator = signed_in(context, sessions, Role.COORDINATOR)
    csrf = csrf_checked(sessions)

    @router.get("", response_class=HTMLResponse)
    async def questions(request: Request, who: Principal = Depends(coordinator)) -> Response:
        t = context.catalogue.text
        language = pages.language(request)
        k = context.settings.min_group_size
        async with context.db.unit_of_work() as session:
            found = await view.open_questions(session, context.clock)
            numbers = await view.figures(session, context.clock, k)
            load = await view.ambassador_load(session)
            queue = await view.faq_queue(session)
        topics = numbers["topics"]
        picture = None
        if topics:
            picture = charts.bars(
                t(language, "admin.questions.per_topic"),
                [row["topic"] for row in topics],
                [charts.Series("n", [float(row["count"]) for row in topics])],
                suppressed=t(language, "admin.suppressed.answers", k=k),
            )
        return pages.render(
            request,
            "questions.html",
            who,
            questions=found,
            numbers=numbers,
            load=load,
            queue=queue,
            picture=picture,
        )

    @router.post("/faq/approve", dependencies=[Depends(csrf)])
    async def approve(entry: int = Form(...), who: Principal = Depends(coordinator)) -> Response:
        async with context.db.unit_of_work() as session:
            if await view.approve(session, context.clock, entry) is not None:
                await AuditLog(session, context.clock).record(who, "faq.approve", f"faq:{entry}")
        return RedirectResponse("/admin/questions", 303)

    return router
