"""Questions: open ones with SLA state, figures and topics, ambassadors' load, the FAQ queue."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from fastapi import APIRouter, Depends, Path

from bot.admin import questions as view
from bot.admin.audit import AuditLog
from bot.admin.roles import Principal
from bot.context import AppContext
from bot.web.api import auth, errors
from bot.web.api.errors import ApiError
from bot.web.api.paging import Page, PageParams, page_params

ENTRY_ID = Path(ge=1, le=2**31 - 1)


def build_router(context: AppContext) -> APIRouter:
    router = APIRouter(prefix="/questions", tags=["questions"])

    @router.get("", response_model=Page[dict[str, Any]])
    async def open_questions(
        params: PageParams = Depends(page_params), _: Principal = Depends(auth.coordinator)
    ) -> Page[dict[str, Any]]:
        """Open questions, oldest first, with their SLA state (askers are never named)."""
        async with context.db.unit_of_work() as session:
            every = await view.open_questions(session, context.clock)
        items = [asdict(q) for q in every[params.offset : params.offset + params.limit]]
        return Page[dict[str, Any]].of(items, len(every), params)

    @router.get("/figures")
    async def figures(_: Principal = Depends(auth.viewer)) -> dict[str, Any]:
        """The last 30 days: open, answered, median times, questions per topic (k-protected)."""
        async with context.db.unit_of_work() as session:
            return await view.figures(session, context.clock, context.settings.min_group_size)

    @router.get("/ambassadors")
    async def ambassadors(_: Principal = Depends(auth.coordinator)) -> dict[str, Any]:
        async with context.db.unit_of_work() as session:
            return {"ambassadors": await view.ambassador_load(session)}

    @router.get("/faq")
    async def faq_queue(_: Principal = Depends(auth.coordinator)) -> dict[str, Any]:
        """Proposed FAQ entries waiting for approval."""
        async with context.db.unit_of_work() as session:
            entries = await view.faq_queue(session)
            return {
                "proposed": [
                    {
                        "id": e.id,
                        "topic": e.topic,
                        "language": e.language,
                        "question": e.question,
                        "answer": e.answer,
                    }
                    for e in entries
                ]
            }

    @router.post("/faq/{entry_id}/approve", responses=errors.NOT_FOUND)
    async def approve(entry_id: int = ENTRY_ID, who: Principal = Depends(auth.coordinator)) -> dict[str, Any]:
        async with context.db.unit_of_work() as session:
            entry = await view.approve(session, context.clock, entry_id)
            if entry is None:
                raise ApiError(404, "not_pending", f"no proposed FAQ entry {entry_id}")
            await AuditLog(session, context.clock).record(who, "faq.approve", f"faq:{entry_id}")
            return {"id": entry.id, "status": entry.status, "review_at": entry.review_at.isoformat()}

    return router
