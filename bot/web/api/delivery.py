"""Dead letters: messages the delivery worker gave up on, with the reason, and a retry."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from bot.admin import delivery
from bot.admin.roles import Principal
from bot.context import AppContext
from bot.web.api import auth, errors
from bot.web.api.paging import Page, PageParams, page_params


class DeadLetterOut(BaseModel):
    id: int
    status: str = Field(description="dead (gave up after retries or a permanent error) or undeliverable")
    kind: str
    recipient: str | None = Field(
        description="hidden for ready messages, which may answer anonymous questions"
    )
    campaign: str | None
    platform: str | None
    attempts: int
    reason: str
    last_due_at: datetime


class RetryIn(BaseModel):
    ids: list[Annotated[int, Field(ge=1, le=delivery.MAX_ID)]] | None = Field(
        None, max_length=delivery.MAX_IDS, description="dead letters to send again; omit for all of them"
    )


def build_router(context: AppContext) -> APIRouter:
    router = APIRouter(prefix="/delivery", tags=["delivery"])

    @router.get("/dead-letters", response_model=Page[DeadLetterOut])
    async def dead_letters(
        params: PageParams = Depends(page_params), _: Principal = Depends(auth.hr)
    ) -> Page[DeadLetterOut]:
        """Newest first."""
        async with context.db.unit_of_work() as session:
            letters, total = await delivery.dead_letters(session, params.limit, params.offset)
        return Page[DeadLetterOut].of([DeadLetterOut(**asdict(d)) for d in letters], total, params)

    @router.post("/dead-letters/retry", responses=errors.MALFORMED)
    async def retry(body: RetryIn, who: Principal = Depends(auth.hr)) -> dict[str, int]:
        """Queue dead letters again, now, with a fresh attempt count."""
        async with context.db.unit_of_work() as session:
            queued = await delivery.send_again(session, context.clock, who, body.ids)
        if queued:
            context.delivery_wakeup.set()
        return {"queued": len(queued)}

    return router
