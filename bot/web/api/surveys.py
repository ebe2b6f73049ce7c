"""Survey waves: participation, k-protected results, trends over waves, CSV of aggregates."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any, Literal

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import Response

from bot.admin.audit import AuditLog
from bot.admin.roles import Principal
from bot.admin.surveys import WaveIn, results_csv, results_json, schedule_wave, trend_json, wave_summaries
from bot.context import AppContext
from bot.runtime.errors import UserFacingError
from bot.surveys.results import WaveResults, wave_results
from bot.surveys.templates import load_templates
from bot.web.api import auth, errors
from bot.web.api.errors import ApiError
from bot.web.api.paging import Page, PageParams, page_params
from storage.repositories.surveys import SurveyRepository

WAVE_ID = Path(ge=1, le=2**31 - 1)


def build_router(context: AppContext) -> APIRouter:
    router = APIRouter(prefix="/surveys", tags=["surveys"])
    templates = load_templates(context.settings.content_dir)
    k = context.settings.min_group_size

    async def results_of(wave_id: int, language: str) -> WaveResults:
        async with context.db.unit_of_work() as session:
            try:
                return await wave_results(session, wave_id, k=k, templates=templates, language=language)
            except UserFacingError as error:
                if error.key == "surveys.error.no_wave":
                    raise ApiError(404, "unknown_wave", f"no survey wave {wave_id}") from None
                raise ApiError(
                    409, "results_not_ready", "results are shown once the wave has closed"
                ) from None

    @router.get("", response_model=Page[dict[str, Any]])
    async def waves(
        params: PageParams = Depends(page_params),
        status: Literal["scheduled", "open", "closed"] | None = Query(None),
        _: Principal = Depends(auth.viewer),
    ) -> Page[dict[str, Any]]:
        """Waves, newest first, with participation (hidden while fewer than k were invited)."""
        async with context.db.unit_of_work() as session:
            every = list(reversed(await SurveyRepository(session).waves(status=status)))
            chosen = every[params.offset : params.offset + params.limit]
            items = [asdict(s) for s in await wave_summaries(session, chosen, templates, k, "en")]
        return Page[dict[str, Any]].of(items, len(every), params)

    @router.post("", status_code=201, responses=errors.MALFORMED)
    async def schedule(body: WaveIn, who: Principal = Depends(auth.coordinator)) -> dict[str, Any]:
        """Plan a wave: opens 09:00, closes 16:00 in the organisation's zone; invites when it opens."""
        async with context.db.unit_of_work() as session:
            try:
                wave_id = await schedule_wave(
                    session, context.clock, body, templates, context.settings.zone, k
                )
            except UserFacingError as error:
                message = context.catalogue.text("en", error.key, **error.params)
                raise ApiError(422, error.key.replace(".", "_"), message) from None
            except ValueError as error:
                raise ApiError(422, "unknown_template", str(error)) from None
            await AuditLog(session, context.clock).record(who, "survey.schedule", f"wave:{wave_id}")
        return {"id": wave_id, "status": "scheduled"}

    @router.get("/{wave_id}", responses={**errors.NOT_FOUND, **errors.CONFLICT})
    async def results(
        wave_id: int = WAVE_ID,
        language: Literal["da", "en", "nb"] = Query("en"),
        _: Principal = Depends(auth.viewer),
    ) -> dict[str, Any]:
        """One wave's results: turnout, and per question the overall and per-group cells."""
        found = await results_of(wave_id, language)
        async with context.db.unit_of_work() as session:
            history = await trend_json(session, found.template_id, templates, k)
        return {**results_json(found), "trend": history}

    @router.get(
        "/{wave_id}/results.csv",
        response_class=Response,
        responses={**errors.CSV, **errors.NOT_FOUND, **errors.CONFLICT},
    )
    async def results_as_csv(
        wave_id: int = WAVE_ID,
        language: Literal["da", "en", "nb"] = Query("en"),
        _: Principal = Depends(auth.viewer),
    ) -> Response:
        """Aggregates as CSV; suppressed cells read "fewer than k"."""
        found = await results_of(wave_id, language)
        return Response(
            results_csv(found),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="survey-{wave_id}.csv"'},
        )

    return router
