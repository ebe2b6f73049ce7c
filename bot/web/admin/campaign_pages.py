"""Campaign pages: list, create and edit with the 14-day preview, pause/resume/finish, results."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from bot.admin.audit import AuditLog
from bot.admin.campaigns import find, preview_json, results
from bot.admin.roles import Principal, Role
from bot.campaigns.service import CampaignService
from bot.campaigns.spec import KnownContent
from bot.context import AppContext
from bot.runtime.errors import UserFacingError
from bot.surveys.templates import load_templates
from bot.web.admin import charts
from bot.web.admin.campaign_form import campaign_in, posted_values, values_of
from bot.web.admin.guard import csrf_checked, signed_in
from bot.web.admin.render import Pages
from bot.web.admin.session import Sessions

ACTIONS = ("pause", "resume", "finish")


def build_router(context: AppContext, pages: Pages, sessions: Sessions) -> APIRouter:
    router = APIRouter(prefix="/campaigns")
    viewer = signed_in(context, sessions, Role.VIEWER)
    coordinator = signed_in(context, sessions, Role.COORDINATOR)
    csrf = csrf_checked(sessions)
    templates = load_templates(context.settings.content_dir)
    known = KnownContent(frozenset(context.content.tracks), frozenset(templates))

    def choices(request: Request) -> dict[str, Any]:
        """The tracks and survey templates the form offers, titled in the page's language."""
        language = pages.language(request)
        library = context.content
        return {
            "track_choices": [(t, library.track_title(t, language)) for t in library.tracks],
            "template_choices": {
                t.id: t.title.get(language) or t.title.get("en") or t.id for t in templates.values()
            },
        }

    async def listing(
        request: Request,
        who: Principal,
        status: int = 200,
        values: dict[str, Any] | None = None,
        **more: object,
    ) -> Response:
        async with context.db.unit_of_work() as session:
            every = list(await CampaignService(session, context.clock).repo.all())
        shown = {"campaigns": every, "values": values or values_of(None), **choices(request), **more}
        return pages.render(request, "campaigns.html", who, status, **shown)

    def problem(request: Request, error: Exception) -> str:
        if isinstance(error, UserFacingError):
            return context.catalogue.text(pages.language(request), error.key, **error.params)
        if isinstance(error, ValidationError):
            first = error.errors()[0]
            return f"{'.'.join(str(p) for p in first['loc'])}: {first['msg']}"
        return str(error)

    @router.get("", response_class=HTMLResponse)
    async def campaigns(request: Request, who: Principal = Depends(viewer)) -> Response:
        return await listing(request, who)

    @router.post("", dependencies=[Depends(csrf)])
    async def create(request: Request, who: Principal = Depends(coordinator)) -> Response:
        values = posted_values(await request.form())
        try:
            spec = campaign_in(values).spec()
            async with context.db.unit_of_work() as session:
                campaign = await CampaignService(session, context.clock).create(spec, known)
                await AuditLog(session, context.clock).record(
                    who, "campaign.create", f"campaign:{campaign.id}"
                )
        except (UserFacingError, ValidationError, ValueError) as error:
            return await listing(request, who, 422, values, error=problem(request, error))
        return RedirectResponse(f"/admin/campaigns/{campaign.id}", 303)

    @router.get("/{campaign_id}", response_class=HTMLResponse)
    async def show(request: Request, campaign_id: int, who: Principal = Depends(viewer)) -> Response:
        return await detail(request, campaign_id, who)

    async def detail(
        request: Request,
        campaign_id: int,
        who: Principal,
        status: int = 200,
        values: dict[str, Any] | None = None,
        **more: object,
    ) -> Response:
        language = pages.language(request)
        t = context.catalogue.text
        k = context.settings.min_group_size
        async with context.db.unit_of_work() as session:
            campaign = await find(session, context.clock, campaign_id)
            if campaign is None:
                return pages.render(request, "error.html", who, 404, message_key="admin.campaigns.unknown")
            lines = await preview_json(session, context, campaign, language)
            found = await results(session, campaign, templates, k)
        picture = None
        if found.comparison:
            picture = charts.bars(
                t(language, "admin.campaigns.before_after"),
                [c.question_id for c in found.comparison],
                [
                    charts.Series(
                        t(language, "admin.campaigns.before"), [c.before.mean for c in found.comparison]
                    ),
                    charts.Series(
                        t(language, "admin.campaigns.after"), [c.after.mean for c in found.comparison]
                    ),
                ],
                suppressed=t(language, "admin.suppressed.answers", k=k),
                maximum=5,
            )
        shown = {
            "campaign": campaign,
            "lines": lines,
            "found": found,
            "picture": picture,
            "actions": ACTIONS,
            "values": values or values_of(campaign),
            **choices(request),
        }
        return pages.render(request, "campaign.html", who, status, **shown, **more)

    @router.post("/{campaign_id}/edit", dependencies=[Depends(csrf)])
    async def edit(request: Request, campaign_id: int, who: Principal = Depends(coordinator)) -> Response:
        values = posted_values(await request.form())
        try:
            spec = campaign_in(values).spec()  # the form shows every field, so none is kept
            async with context.db.unit_of_work() as session:
                campaign = await find(session, context.clock, campaign_id)
                if campaign is None:
                    return pages.render(
                        request, "error.html", who, 404, message_key="admin.campaigns.unknown"
                    )
                await CampaignService(session, context.clock).edit(campaign, spec, known)
                await AuditLog(session, context.clock).record(who, "campaign.edit", f"campaign:{campaign_id}")
        except (UserFacingError, ValidationError, ValueError) as error:
            return await detail(request, campaign_id, who, 422, values, error=problem(request, error))
        return RedirectResponse(f"/admin/campaigns/{campaign_id}", 303)

    @router.post("/{campaign_id}/move", dependencies=[Depends(csrf)])
    async def move(request: Request, campaign_id: int, who: Principal = Depends(coordinator)) -> Response:
        action = str((await request.form()).get("action", ""))
        if action not in ACTIONS:
            return await detail(request, campaign_id, who, 422)
        try:
            async with context.db.unit_of_work() as session:
                await CampaignService(session, context.clock).move(campaign_id, action)
                await AuditLog(session, context.clock).record(
                    who, f"campaign.{action}", f"campaign:{campaign_id}"
                )
        except UserFacingError as error:
            return await detail(request, campaign_id, who, 409, error=problem(request, error))
        return RedirectResponse(f"/admin/campaigns/{campaign_id}", 303)

    return router
