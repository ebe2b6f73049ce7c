"""Campaign pages: list, create and edit with the 14-day preview, pause/resume/finish, results."""

from __future__ import annotations

import re
from datetime import date

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from bot.admin.audit import AuditLog
from bot.admin.campaign_input import AudienceIn, CampaignIn
from bot.admin.campaigns import find, preview_json, results
from bot.admin.roles import Principal, Role
from bot.campaigns.service import CampaignService
from bot.campaigns.spec import KnownContent, spec_of
from bot.context import AppContext
from bot.runtime.errors import UserFacingError
from bot.surveys.templates import load_templates
from bot.web.admin import charts
from bot.web.admin.guard import csrf_checked, signed_in
from bot.web.admin.render import Pages
from bot.web.admin.session import Sessions

ACTIONS = ("pause", "resume", "finish")


def _list(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"[,\n;]", text) if part.strip()]


def _form_to_campaign(form: dict[str, str]) -> CampaignIn:
    return CampaignIn(
        name=form.get("name", ""),
        cadence=form.get("cadence", ""),
        audience=AudienceIn(
            everyone=form.get("everyone") == "on",
            departments=_list(form.get("departments", "")),
            roles=_list(form.get("roles", "")),
            ambassadors=form.get("ambassadors") == "on",
            emails=_list(form.get("emails", "")),
        ),
        timezone=form.get("timezone") or None,
        window=form.get("window") or None,
        working_days=form.get("working_days") or None,
        jitter_minutes=int(form.get("jitter_minutes") or 30),
        starts_on=date.fromisoformat(form["starts_on"]) if form.get("starts_on") else None,
        ends_on=date.fromisoformat(form["ends_on"]) if form.get("ends_on") else None,
    )


def build_router(context: AppContext, pages: Pages, sessions: Sessions) -> APIRouter:
    router = APIRouter(prefix="/campaigns")
    viewer = signed_in(context, sessions, Role.VIEWER)
    coordinator = signed_in(context, sessions, Role.COORDINATOR)
    csrf = csrf_checked(sessions)
    templates = load_templates(context.settings.content_dir)
    known = KnownContent(frozenset(context.content.tracks), frozenset(templates))

    async def listing(request: Request, who: Principal, status: int = 200, **values: object) -> Response:
        async with context.db.unit_of_work() as session:
            every = list(await CampaignService(session, context.clock).repo.all())
        return pages.render(request, "campaigns.html", who, status, campaigns=every, **values)

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
        form = {k: str(v) for k, v in (await request.form()).items()}
        try:
            spec = _form_to_campaign(form).spec()
            async with context.db.unit_of_work() as session:
                campaign = await CampaignService(session, context.clock).create(spec, known)
                await AuditLog(session, context.clock).record(
                    who, "campaign.create", f"campaign:{campaign.id}"
                )
        except (UserFacingError, ValidationError, ValueError) as error:
            return await listing(request, who, 422, error=problem(request, error), form=form)
        return RedirectResponse(f"/admin/campaigns/{campaign.id}", 303)

    @router.get("/{campaign_id}", response_class=HTMLResponse)
    async def show(request: Request, campaign_id: int, who: Principal = Depends(viewer)) -> Response:
        return await detail(request, campaign_id, who)

    async def detail(
        request: Request, campaign_id: int, who: Principal, status: int = 200, **values: object
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
        shown = {"campaign": campaign, "lines": lines, "found": found, "picture": picture, "actions": ACTIONS}
        return pages.render(request, "campaign.html", who, status, **shown, **values)

    @router.post("/{campaign_id}/edit", dependencies=[Depends(csrf)])
    async def edit(request: Request, campaign_id: int, who: Principal = Depends(coordinator)) -> Response:
        form = {k: str(v) for k, v in (await request.form()).items()}
        try:
            edited = _form_to_campaign(form)
            async with context.db.unit_of_work() as session:
                campaign = await find(session, context.clock, campaign_id)
                if campaign is None:
                    return pages.render(
                        request, "error.html", who, 404, message_key="admin.campaigns.unknown"
                    )
                spec = edited.spec(keep=spec_of(campaign))  # the form has no tracks etc. yet
                await CampaignService(session, context.clock).edit(campaign, spec, known)
                await AuditLog(session, context.clock).record(who, "campaign.edit", f"campaign:{campaign_id}")
        except (UserFacingError, ValidationError, ValueError) as error:
            return await detail(request, campaign_id, who, 422, error=problem(request, error))
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
