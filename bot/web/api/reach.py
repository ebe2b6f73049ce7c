"""Reach: per department, how many people Stafet can write to, on which platform, and why not."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends

from bot.admin.roles import Principal
from bot.context import AppContext
from bot.reach.figures import reach_figures
from bot.web.api import auth


def build_router(context: AppContext) -> APIRouter:
    router = APIRouter(tags=["reach"])

    @router.get("/reach")
    async def reach(_: Principal = Depends(auth.viewer)) -> dict[str, Any]:
        """Per department: people, reachable on slack / teams / web, and unreachable by reason
        (deactivated, install_failed, not_installed, no_account); install errors as the platform gave them."""
        async with context.db.unit_of_work() as session:
            return (await reach_figures(session)).to_json()

    return router
