"""Survey pages: waves with participation, results with charts and trends, CSV of aggregates."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup
from pydantic import ValidationError

from bot.admin.audit import AuditLog
from bot.admin.roles import Principal, Role
from bot.admin.surveys import CsvWords, WaveIn, results_csv, schedule_wave, wave_summaries
from bot.context import AppContext
from bot.runtime.errors import UserFacingError
from bot.surveys.results import QuestionResult, trend, wave_results
from bot.surveys.templates import load_templates
from bot.web.admin import charts
from bot.web.admin.guard import csrf_checked, signed_in
from bot.web.admin.render import Pages
from bot.web.admin.session import Sessions
from storage.repositories.surveys import SurveyRepository


def build_router(context: AppContext, pages: Pages, sessions: Sessions) -> APIRouter:
    router = APIRouter(prefix="/surveys")
    viewer = signed_in(context, sessions, Role.VIEWER)
    coordinator = signed_in(context, sessions, Role.COORDINATOR)
    csrf = csrf_checked(sessions)
    templates = load_templates(context.settings.content_dir)
    k = context.settings.min_group_size

    @router.get("", response_class=HTMLResponse)
    async def waves(request: Request, who: Principal = Depends(viewer)) -> Response:
        language = pages.language(request)
        async with context.db.unit_of_work() as session:
            every = list(reversed(await SurveyRepository(session).waves()))
            summaries = await wave_summaries(session, every[:200], templates, k, language)
        return pages.render(request, "surveys.html", who, waves=summaries, templates=templates)

    @router.post("", dependencies=[Depends(csrf)])
    async def schedule(request: Request, who: Principal = Depends(coordinator)) -> Response:
        """Plan a wave: the survey job invites its audience when it opens."""
        form = {key: str(value) for key, value in (await request.form()).items()}
        language = pages.language(request)
        try:
            wave = WaveIn(
                template_id=form.get("template", ""),
                departments=[d.strip() for d in form.get("departments", "").split(",") if d.strip()],
                opens_on=form.get("opens_on", ""),
                closes_on=form.get("closes_on", ""),
            )
            async with context.db.unit_of_work() as session:
                wave_id = await schedule_wave(
                    session, context.clock, wave, templates, context.settings.zone, k
                )
                await AuditLog(session, context.clock).record(who, "survey.schedule", f"wave:{wave_id}")
        except (UserFacingError, ValidationError, ValueError) as error:
            message = (
                context.catalogue.text(language, error.key, **error.params)
                if isinstance(error, UserFacingError)
                else str(error).splitlines()[0]
            )
            async with context.db.unit_of_work() as session:
                every = list(reversed(await SurveyRepository(session).waves()))
                summaries = await wave_summaries(session, every[:200], templates, k, language)
            return pages.render(
                request, "surveys.html", who, 422, waves=summaries, templates=templates, error=message
            )
        return RedirectResponse("/admin/surveys", 303)

    @router.get("/{wave_id}", response_class=HTMLResponse)
    async def results(request: Request, wave_id: int, who: Principal = Depends(viewer)) -> Response:
        language = pages.language(request)
        t = context.catalogue.text
        suppressed = t(language, "admin.suppressed.answers", k=k)
        async with context.db.unit_of_work() as session:
            try:
                found = await wave_results(session, wave_id, k=k, templates=templates, language=language)
            except UserFacingError as error:
                wave = await SurveyRepository(session).wave(wave_id)
                if wave is not None:  # not closed yet: how many have answered so far
                    [summary] = await wave_summaries(session, [wave], templates, k, language)
                    return pages.render(request, "survey_turnout.html", who, wave=summary)
                return pages.render(
                    request, "error.html", who, 404, message_key=error.key, params=error.params
                )
            points = await trend(session, found.template_id, k=k, templates=templates)
        everyone, others = t(language, "admin.surveys.all"), t(language, "admin.group.others", k=k)
        pictures = {q.question_id: _picture(q, suppressed, everyone, others) for q in found.questions}
        history = None
        if len(points) > 1:
            scaled = [q for q in found.questions if q.type in ("likert", "scale")]
            history = charts.trend(
                t(language, "admin.surveys.trend"),
                [p.opens_at.strftime("%Y-%m-%d") for p in points],
                [
                    charts.Series(q.question_id, [p.questions[q.question_id].mean for p in points])
                    for q in scaled
                ],
                maximum=10 if any(q.type == "scale" for q in scaled) else 5,
                suppressed=suppressed,
            )
        return pages.render(request, "survey.html", who, results=found, pictures=pictures, history=history)

    @router.get("/{wave_id}/results.csv")
    async def as_csv(request: Request, wave_id: int, who: Principal = Depends(viewer)) -> Response:
        language = pages.language(request)
        t = context.catalogue.text
        words = CsvWords(
            t(language, "admin.suppressed.answers", k=k),
            t(language, "admin.suppressed.complement"),
            t(language, "admin.group.others", k=k),
        )
        async with context.db.unit_of_work() as session:
            try:
                found = await wave_results(session, wave_id, k=k, templates=templates, language=language)
            except UserFacingError as error:
                return pages.render(
                    request, "error.html", who, 404, message_key=error.key, params=error.params
                )
        return Response(
            results_csv(found, words),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="survey-{wave_id}.csv"'},
        )

    return router


def _picture(question: QuestionResult, suppressed: str, everyone: str, others: str) -> Markup | None:
    """Means by department for scales; answer counts per option for choices; nothing for free text."""
    cells = [question.overall, *question.breakdowns.get("department", [])]
    labels = [everyone, *[c.group or others for c in cells[1:]]]
    if question.type in ("likert", "scale"):
        top = 5 if question.type == "likert" else 10
        series = [charts.Series("mean", [c.mean for c in cells])]
        return charts.bars(question.text, labels, series, suppressed=suppressed, maximum=top)
    if question.type in ("single", "multiple"):
        overall = question.overall
        if overall.suppressed:
            return charts.bars(question.text, [everyone], [charts.Series("n", [None])], suppressed=suppressed)
        options = [question.label(option) for option in overall.distribution]
        values = [float(v) for v in overall.distribution.values()]
        return charts.bars(question.text, options, [charts.Series("n", values)], suppressed=suppressed)
    return None
