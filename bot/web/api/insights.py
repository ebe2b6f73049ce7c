"""Overview figures, the competence coverage heatmap's data, and content with validation status."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any, Literal

from fastapi import APIRouter, Depends, Query

from bot.admin.adoption import STAGES, funnel, transfer
from bot.admin.groups import Figure
from bot.admin.insights import content_status, coverage, learning_figures
from bot.admin.needs import competence_needs
from bot.admin.questions import figures as question_figures
from bot.admin.roles import Principal
from bot.admin.surveys import wave_summaries
from bot.context import AppContext
from bot.surveys.templates import load_templates
from bot.web.api import auth
from storage.repositories.surveys import SurveyRepository


def build_router(context: AppContext) -> APIRouter:
    router = APIRouter(tags=["insights"])
    templates = load_templates(context.settings.content_dir)

    @router.get("/overview")
    async def overview(_: Principal = Depends(auth.viewer)) -> dict[str, Any]:
        """Reach, active learners, completion, accuracy; questions; current surveys with participation."""
        async with context.db.unit_of_work() as session:
            figures = await learning_figures(session, context.clock)
            asked = await question_figures(session, context.clock, context.settings.min_group_size)
            open_waves = await SurveyRepository(session).waves(status="open")
            surveys = await wave_summaries(
                session, open_waves, templates, context.settings.min_group_size, "en"
            )
        return {"learning": asdict(figures), "questions": asked, "surveys": [asdict(s) for s in surveys]}

    @router.get("/coverage")
    async def competence_coverage(
        level: Literal["basic", "advanced"] = Query("basic"), _: Principal = Depends(auth.viewer)
    ) -> dict[str, Any]:
        """Share of each department who completed a lesson per competence area; small groups suppressed."""
        async with context.db.unit_of_work() as session:
            found = await coverage(session, context.content, context.settings.min_group_size, level)
        return {
            "level": level,
            "min_group_size": context.settings.min_group_size,
            "areas": list(found.areas),
            "departments": [
                {
                    "name": name,
                    "people": found.sizes[d],
                    "suppressed": found.sizes[d] is None,
                    "coverage": {area: found.cells[a][d] for a, area in enumerate(found.areas)},
                }
                for d, name in enumerate(found.departments)
            ],
        }

    @router.get("/coverage/needs")
    async def competence_needs_by_department(_: Principal = Depends(auth.viewer)) -> dict[str, Any]:
        """Share of each department reporting a need to learn more per competence area, from the
        newest closed competence-needs wave; cells under k answers (or hiding a smaller group) are null."""
        k = context.settings.min_group_size
        async with context.db.unit_of_work() as session:
            found = await competence_needs(session, templates, k)
        return {
            "wave_id": found.wave_id,
            "closes_at": found.closes_at.isoformat() if found.closes_at else None,
            "min_group_size": k,
            "areas": list(found.areas),
            "departments": [
                {
                    "name": name,
                    "answers": found.answers[d],
                    "suppressed": found.answers[d] is None,
                    "need": {area: found.cells[a][d] for a, area in enumerate(found.areas)},
                }
                for d, name in enumerate(found.departments)
            ],
        }

    @router.get("/funnel")
    async def adoption_funnel(_: Principal = Depends(auth.viewer)) -> dict[str, Any]:
        """Per department: reached, started, completed a track, confident, applied at work; each
        stage counts people who passed the ones before; a hidden count says why (`small`, `complement`)."""
        k = context.settings.min_group_size
        async with context.db.unit_of_work() as session:
            found = await funnel(session, context.content, k, context.settings.default_language)
        return {
            "min_group_size": k,
            "stages": list(STAGES),
            "total": {stage: _figure(f) for stage, f in found.total.items()},
            "departments": [
                {"name": name or None, "stages": {stage: _figure(f) for stage, f in row.items()}}
                for name, row in found.departments.items()
            ],
        }

    @router.get("/transfer")
    async def transfer_answers(
        language: Literal["da", "en", "nb"] = Query("en"), _: Principal = Depends(auth.viewer)
    ) -> dict[str, Any]:
        """Per track, overall and per department: answers to "have you used it in your work?"."""
        k = context.settings.min_group_size
        async with context.db.unit_of_work() as session:
            tracks = await transfer(session, context.content, k, language)
        return {
            "min_group_size": k,
            "tracks": [
                {
                    "track": t.track_id,
                    "title": t.title,
                    "overall": _group(t.overall),
                    "departments": [{"name": name or None, **_group(g)} for name, g in t.departments.items()],
                }
                for t in tracks
            ],
        }

    @router.get("/content")
    async def content(
        language: Literal["da", "en", "nb"] = Query("en"), _: Principal = Depends(auth.viewer)
    ) -> dict[str, Any]:
        """Tracks and lessons with their validation status."""
        status = content_status(context.settings.content_dir, context.content, language)
        return {
            "tracks": [
                {
                    **track,
                    "lessons": [
                        {**asdict(lesson), "valid": not lesson.problems} for lesson in track["lessons"]
                    ],
                }
                for track in status["tracks"]
            ],
            "problems": status["problems"],
        }

    return router


def _figure(figure: Figure) -> dict[str, Any]:
    return {"people": figure.value, "suppressed": not figure.shown, "reason": figure.hidden or None}


def _group(group: Any) -> dict[str, Any]:
    return {
        "answers": _figure(group.answers),
        "counts": group.counts or None,
        "applied": None if group.applied is None else round(group.applied, 3),
    }
