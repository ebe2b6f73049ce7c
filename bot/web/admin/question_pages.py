"""The questions page: open questions with SLA state, topics, ambassadors' load, FAQ approvals."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from bot.admin import questions as view
from bot.admin.audit import AuditLog
from bot.admin.roles import Principal, Role
from bot.context import AppContext
from bot.questions.faq import FaqService
from bot.questions.limits import MESSAGE_LIMIT, QUESTION_LIMIT
from bot.questions.themes import themes
from bot.runtime.errors import UserFacingError
from bot.web.admin import charts
from bot.web.admin.guard import csrf_checked, signed_in
from bot.web.admin.render import Pages
from bot.web.admin.session import Sessions
from storage.repositories.questions import FaqRepository


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
            published = await FaqRepository(session).listing("approved")
            asked = await themes(session, context.clock.now(), k)
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
            published=published,
            themes=asked,
            picture=picture,
        )

    @router.post("/faq/decide", dependencies=[Depends(csrf)])
    async def decide(
        entry: int = Form(..., ge=1, le=2**31 - 1),
        decision: str = Form(...),
        question: str = Form("", max_length=QUESTION_LIMIT),
        answer: str = Form("", max_length=MESSAGE_LIMIT),
        reason: str = Form("", max_length=500),
        who: Principal = Depends(coordinator),
    ) -> Response:
        """Approve a proposal as edited on the page, reject it with a reason, or retire an entry."""
        async with context.db.unit_of_work() as session:
            service, audit = FaqService(session, context), AuditLog(session, context.clock)
            found = await service.faq.get(entry)
            try:
                if decision == "approve" and found is not None:
                    if (question.strip(), answer.strip()) != (found.question, found.answer):
                        await service.edit(entry, question or found.question, answer or found.answer)
                        await audit.record(who, "faq.edit", f"faq:{entry}")
                    await service.publish(entry, None)
                elif decision == "reject":
                    await service.reject(entry, None, reason)
                elif decision == "retire":
                    await service.retire(entry)
                else:
                    return RedirectResponse("/admin/questions", 303)
            except UserFacingError:
                return RedirectResponse("/admin/questions", 303)  # decided meanwhile, elsewhere
            await audit.record(who, f"faq.{decision}", f"faq:{entry}")
        return RedirectResponse("/admin/questions", 303)

    return router
