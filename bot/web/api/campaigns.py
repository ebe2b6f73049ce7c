"""Campaigns: list, create, edit, the 14-day preview, pause/resume/finish, results."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any, Literal

from fastapi import APIRouter, Depends, Path, Query

from bot.admin.audit import AuditLog
from bot.admin.campaign_input import CampaignIn
from bot.admin.campaigns import campaign_json, find, preview_json, results
from bot.admin.roles import Principal
from bot.campaigns.service import CampaignService
from bot.campaigns.spec import KnownContent, spec_of
from bot.context import AppContext
from bot.runtime.errors import UserFacingError
from bot.surveys.templates import load_templates
from bot.web.api import auth, errors
from bot.web.api.errors import ApiError
from bot.web.api.paging import Page, PageParams, page_params

CAMPAIGN_ID = Path(ge=1, le=2**31 - 1)


def build_router(context: AppContext) -> APIRouter:
    router = APIRouter(prefix="/campaigns", tags=["campaigns"])
    templates = load_templates(context.settings.content_dir)
    known = KnownContent(frozenset(context.content.tracks), frozenset(templates))

    def refused(error: UserFacingError) -> ApiError:
        message = context.catalogue.text("en", error.key, **error.params)
        return ApiError(
            404 if error.key == "campaigns.unknown" else 422, error.key.replace(".", "_"), message
        )

    async def existing(session: Any, campaign_id: int) -> Any:
        campaign = await find(session, context.clock, campaign_id)
        if campaign is None:
            raise ApiError(404, "unknown_campaign", f"no campaign {campaign_id}")
        return campaign

    @router.get("", response_model=Page[dict[str, Any]])
    async def campaigns(
        params: PageParams = Depends(page_params), _: Principal = Depends(auth.viewer)
    ) -> Page[dict[str, Any]]:
        async with context.db.unit_of_work() as session:
            every = list(await CampaignService(session, context.clock).repo.all())
        items = [campaign_json(c) for c in every[params.offset : params.offset + params.limit]]
        return Page[dict[str, Any]].of(items, len(every), params)

    @router.post("", status_code=201, responses=errors.MALFORMED)
    async def create(body: CampaignIn, who: Principal = Depends(auth.coordinator)) -> dict[str, Any]:
        """A new campaign, in draft until resumed. A broken rule answers 422 with a code such as
        `campaigns_unknown_track`, `campaigns_unknown_template`, `campaigns_bad_phase`,
        `campaigns_phases_need_event`, `campaigns_waves_need_date` or `campaigns_bad_cadence`."""
        async with context.db.unit_of_work() as session:
            try:
                campaign = await CampaignService(session, context.clock).create(body.spec(), known)
            except UserFacingError as error:
                raise refused(error) from None
            await AuditLog(session, context.clock).record(who, "campaign.create", f"campaign:{campaign.id}")
            return campaign_json(campaign)

    @router.put("/{campaign_id}", responses={**errors.MALFORMED, **errors.NOT_FOUND})
    async def edit(
        body: CampaignIn, campaign_id: int = CAMPAIGN_ID, who: Principal = Depends(auth.coordinator)
    ) -> dict[str, Any]:
        """Change the settings. Tracks, event date, phases and waves change only while the campaign
        is a draft or paused (422 `campaigns_pause_to_change`); left out, they stay as they are."""
        async with context.db.unit_of_work() as session:
            campaign = await existing(session, campaign_id)
            try:
                spec = body.spec(keep=spec_of(campaign))
                await CampaignService(session, context.clock).edit(campaign, spec, known)
            except UserFacingError as error:
                raise refused(error) from None
            await AuditLog(session, context.clock).record(who, "campaign.edit", f"campaign:{campaign.id}")
            return campaign_json(campaign)

    @router.get("/{campaign_id}", responses=errors.NOT_FOUND)
    async def show(campaign_id: int = CAMPAIGN_ID, _: Principal = Depends(auth.viewer)) -> dict[str, Any]:
        """Settings and results: delivery counts and the before/after pulse comparison."""
        async with context.db.unit_of_work() as session:
            campaign = await existing(session, campaign_id)
            found = await results(session, campaign, templates, context.settings.min_group_size)
        comparison = [
            {**asdict(c), "mean_change": c.mean_change, "favourable_change": c.favourable_change}
            for c in found.comparison
        ]
        return {
            **campaign_json(campaign),
            "results": {
                "outbox": found.outbox,
                "waves": found.waves,
                "before": found.before,
                "after": found.after,
                "comparison": comparison,
            },
        }

    @router.get("/{campaign_id}/preview", responses=errors.NOT_FOUND)
    async def preview(
        campaign_id: int = CAMPAIGN_ID,
        days: int = Query(14, ge=1, le=31),
        _: Principal = Depends(auth.viewer),
    ) -> dict[str, Any]:
        """Who gets which lesson when over the next days, skipped days with reasons, expected delivery."""
        async with context.db.unit_of_work() as session:
            campaign = await existing(session, campaign_id)
            lines = await preview_json(session, context, campaign, context.settings.default_language, days)
        return {"campaign": campaign.id, "days": days, "occurrences": lines}

    @router.post("/{campaign_id}/{action}", responses={**errors.NOT_FOUND, **errors.CONFLICT})
    async def move(
        action: Literal["pause", "resume", "finish"],
        campaign_id: int = CAMPAIGN_ID,
        who: Principal = Depends(auth.coordinator),
    ) -> dict[str, Any]:
        async with context.db.unit_of_work() as session:
            await existing(session, campaign_id)
            try:
                campaign = await CampaignService(session, context.clock).move(campaign_id, action)
            except UserFacingError as error:
                raise ApiError(
                    409, "bad_state", context.catalogue.text("en", error.key, **error.params)
                ) from None
            await AuditLog(session, context.clock).record(
                who, f"campaign.{action}", f"campaign:{campaign.id}"
            )
            return campaign_json(campaign)

    return router
