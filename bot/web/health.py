"""`/healthz` for load balancers and `/metrics` for Prometheus."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from bot.context import AppContext
from bot.scheduler import SchedulerState

log = logging.getLogger(__name__)


def build_router(
    context: AppContext, scheduler: SchedulerState, extra: Callable[[], dict[str, Any]]
) -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get("/healthz")
    async def healthz() -> JSONResponse:
        try:
            await context.db.ping()
            database = "ok"
        except Exception as error:  # report, don't crash: the load balancer needs an answer
            log.warning("health check: database unreachable: %s", error)
            database = "unreachable"
        body = {
            "status": "ok" if database == "ok" else "degraded",
            "database": {"state": database, "dialect": context.db.dialect},
            "scheduler": {
                "running": scheduler.running,
                "leader": scheduler.leader,
                "last_heartbeat": scheduler.last_heartbeat.isoformat() if scheduler.last_heartbeat else None,
            },
            **extra(),
        }
        return JSONResponse(body, status_code=200 if database == "ok" else 503)

    @router.get("/metrics")
    async def metrics() -> Response:
        return Response(generate_latest(context.metrics.registry), media_type=CONTENT_TYPE_LATEST)

    return router
