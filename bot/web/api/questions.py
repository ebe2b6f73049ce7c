"""Questions: open ones with SLA state, figures and topics, ambassadors' load, the FAQ queue."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import asdict
from typing import Any, Literal

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel, Field

from bot.admin import questions as view
from bot.admin.audit import AuditLog
from bot.admin.roles import Principal
from bot.context import AppContext
from bot.questions.faq import FaqService
from bot.questions.limits import MESSAGE_LIMIT, QUESTION_LIMIT
from bot.questions.themes import themes
from bot.runtime.errors import UserFacingError
from bot.web.api import auth, errors
from bot.web.api.errors import ApiError
from bot.web.api.paging import Page, PageParams, page_params
from storage.models import FaqEntry
from storage.repositories.questions import FaqRepository

ENTRY_ID = Path(ge=1, le=2**31 - 1)
ERRORS: errors.Responses = {**errors.NOT_FOUND, **errors.CONFLICT}
WITH_BODY: errors.Responses = {**ERRORS, **errors.MALFORMED}


class RejectIn(BaseModel):
    reason: str = Field(min_length=1, max_length=500)


class EditIn(BaseModel):
    question: str = Field(min_length=1, max_length=QUESTION_LIMIT)
    answer: str = Field(min_length=1, max_length=MESSAGE_LIMIT)


def faq_json(entry: FaqEntry) -> dict[str, Any]:
    review = entry.review_at.isoformat() if entry.review_at else None
    return {
        "id": entry.id,
        "status": entry.status,
        "topic": entry.topic,
        "language": entry.language,
        "question": entry.question,
        "answer": entry.answer,
        "review_at": review,
    }


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

    @router.get("/themes")
    async def question_themes(
        months: int = Query(6, ge=1, le=24), _: Principal = Depends(auth.viewer)
    ) -> dict[str, Any]:
        """Questions per topic and department, month by month: counts only, none below k
        (`null`), and none whose hiding subtraction would undo. Department "" is the topic's total."""
        async with context.db.unit_of_work() as session:
            found = await themes(session, context.clock.now(), context.settings.min_group_size, months)
        return {"months": list(found.months), "k": found.k, "rows": [asdict(row) for row in found.rows]}

    @router.get("/ambassadors")
    async def ambassadors(_: Principal = Depends(auth.coordinator)) -> dict[str, Any]:
        async with context.db.unit_of_work() as session:
            return {"ambassadors": await view.ambassador_load(session)}

    @router.get("/faq")
    async def faq_entries(
        status: Literal["proposed", "approved", "rejected", "retired"] = "proposed",
        _: Principal = Depends(auth.coordinator),
    ) -> dict[str, Any]:
        """FAQ entries in one state: by default the proposals waiting for approval."""
        async with context.db.unit_of_work() as session:
            entries = await FaqRepository(session).listing(status)
            return {status: [faq_json(e) for e in entries]}

    async def change(
        entry_id: int, who: Principal, action: str, work: Callable[[FaqService], Awaitable[FaqEntry]]
    ) -> dict[str, Any]:
        async with context.db.unit_of_work() as session:
            service = FaqService(session, context)
            if await service.faq.get(entry_id) is None:
                raise ApiError(404, "not_found", f"no FAQ entry {entry_id}")
            try:
                entry = await work(service)
            except UserFacingError as error:
                message = context.catalogue.text("en", error.key, **error.params)
                raise ApiError(409, "bad_state", message) from None
            await AuditLog(session, context.clock).record(who, f"faq.{action}", f"faq:{entry_id}")
            return faq_json(entry)

    @router.post("/faq/{entry_id}/approve", responses=ERRORS)
    async def approve(entry_id: int = ENTRY_ID, who: Principal = Depends(auth.coordinator)) -> dict[str, Any]:
        """Publish a proposal: searchable at once; its proposer is told."""
        return await change(entry_id, who, "approve", lambda s: s.publish(entry_id, None))

    @router.post("/faq/{entry_id}/reject", responses=WITH_BODY)
    async def reject(
        body: RejectIn, entry_id: int = ENTRY_ID, who: Principal = Depends(auth.coordinator)
    ) -> dict[str, Any]:
        """Turn a proposal down; its proposer is told the reason."""
        return await change(entry_id, who, "reject", lambda s: s.reject(entry_id, None, body.reason))

    @router.put("/faq/{entry_id}", responses=WITH_BODY)
    async def edit(
        body: EditIn, entry_id: int = ENTRY_ID, who: Principal = Depends(auth.coordinator)
    ) -> dict[str, Any]:
        """New wording for a proposed or published entry."""
        return await change(entry_id, who, "edit", lambda s: s.edit(entry_id, body.question, body.answer))

    @router.post("/faq/{entry_id}/retire", responses=ERRORS)
    async def retire(entry_id: int = ENTRY_ID, who: Principal = Depends(auth.coordinator)) -> dict[str, Any]:
        """Stop offering a published entry to people asking."""
        return await change(entry_id, who, "retire", lambda s: s.retire(entry_id))

    return router
