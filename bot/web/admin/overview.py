"""The overview, competence coverage and content pages: the figures HR looks at first."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from bot.admin.adoption import STAGES, funnel, transfer
from bot.admin.insights import content_status, coverage, learning_figures
from bot.admin.needs import competence_needs
from bot.admin.questions import figures as question_figures
from bot.admin.roles import Principal, Role
from bot.admin.surveys import wave_summaries
from bot.context import AppContext
from bot.learning.transfer import ANSWERS
from bot.reach.figures import PLATFORMS, REASONS, reach_figures
from bot.surveys.templates import load_templates
from bot.web.admin import charts
from bot.web.admin.guard import signed_in
from bot.web.admin.render import Pages
from bot.web.admin.session import Sessions
from storage.repositories.surveys import SurveyRepository


def build_router(context: AppContext, pages: Pages, sessions: Sessions) -> APIRouter:
    router = APIRouter()
    viewer = signed_in(context, sessions, Role.VIEWER)
    templates = load_templates(context.settings.content_dir)

    @router.get("/", response_class=HTMLResponse)
    async def overview(request: Request, who: Principal = Depends(viewer)) -> Response:
        async with context.db.unit_of_work() as session:
            figures = await learning_figures(session, context.clock)
            open_waves = await SurveyRepository(session).waves(status="open")
            surveys = await wave_summaries(
                session, open_waves, templates, context.settings.min_group_size, pages.language(request)
            )
            asked = await question_figures(session, context.clock, context.settings.min_group_size)
        return pages.render(request, "overview.html", who, learning=figures, surveys=surveys, questions=asked)

    @router.get("/coverage", response_class=HTMLResponse)
    async def coverage_page(
        request: Request, level: str = "basic", who: Principal = Depends(viewer)
    ) -> Response:
        level = level if level in ("basic", "advanced") else "basic"
        language = pages.language(request)
        t = context.catalogue.text
        async with context.db.unit_of_work() as session:
            found = await coverage(session, context.content, context.settings.min_group_size, level)
            needs = await competence_needs(session, templates, context.settings.min_group_size)
        k = context.settings.min_group_size
        picture = charts.heatmap(
            t(language, "admin.coverage.title"),
            [t(language, f"learning.area.{area}") for area in found.areas],
            found.departments,
            found.cells,
            suppressed=t(language, "admin.suppressed.people", k=k),
        )
        needs_picture = charts.heatmap(
            t(language, "admin.needs.title"),
            [t(language, f"learning.area.{area}") for area in needs.areas],
            needs.departments,
            needs.cells,
            suppressed=t(language, "admin.suppressed.answers", k=k),
        )
        return pages.render(
            request,
            "coverage.html",
            who,
            found=found,
            picture=picture,
            level=level,
            needs=needs,
            needs_picture=needs_picture,
        )

    @router.get("/learning", response_class=HTMLResponse)
    async def learning_page(request: Request, who: Principal = Depends(viewer)) -> Response:
        """The adoption funnel per department and the transfer answers per track."""
        k, language = context.settings.min_group_size, pages.language(request)
        async with context.db.unit_of_work() as session:
            found = await funnel(session, context.content, k, context.settings.default_language)
            tracks = await transfer(session, context.content, k, language)
        return pages.render(
            request, "learning.html", who, found=found, stages=STAGES, transfer=tracks, answers=ANSWERS
        )

    @router.get("/reach", response_class=HTMLResponse)
    async def reach_page(request: Request, who: Principal = Depends(viewer)) -> Response:
        async with context.db.unit_of_work() as session:
            found = await reach_figures(session)
        return pages.render(request, "reach.html", who, reach=found, platforms=PLATFORMS, reasons=REASONS)

    @router.get("/content", response_class=HTMLResponse)
    async def content_page(request: Request, who: Principal = Depends(viewer)) -> Response:
        status = content_status(context.settings.content_dir, context.content, pages.language(request))
        return pages.render(request, "content.html", who, report=status)

    return router
