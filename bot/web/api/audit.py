"""The audit log, newest first, for HR admins."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel

from bot.admin.roles import Principal
from bot.context import AppContext
from bot.web.api import auth
from bot.web.api.paging import Page, PageParams, page_params
from storage.repositories.admin import AuditRepository


class AuditOut(BaseModel):
    id: int
    at: datetime
    actor: str
    role: str
    action: str
    target: str
    detail: dict[str, Any]


def build_router(context: AppContext) -> APIRouter:
    router = APIRouter(tags=["audit"])

    @router.get("/audit", response_model=Page[AuditOut])
    async def audit(
        params: PageParams = Depends(page_params), _: Principal = Depends(auth.hr)
    ) -> Page[AuditOut]:
        async with context.db.unit_of_work() as session:
            rows, total = await AuditRepository(session).page(params.limit, params.offset)
            items = [
                AuditOut(
                    id=e.id,
                    at=e.at,
                    actor=e.actor,
                    role=e.role,
                    action=e.action,
                    target=e.target,
                    detail=e.detail,
                )
                for e in rows
            ]
        return Page[AuditOut].of(items, total, params)

    @router.get("/me")
    async def me(who: Principal = Depends(auth.viewer)) -> dict[str, str]:
        """Who the token belongs to and its role."""
        return {"name": who.name, "role": who.role.value}

    return router
