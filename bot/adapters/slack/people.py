"""Slack's side of directory sync: the workspace's members, and team_join / user_change events."""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack.client import delivery_client, error_code
from bot.adapters.slack.members import SlackMembers, Sleep, member_of
from bot.adapters.slack.oauth import installed_workspaces
from bot.admin.roles import Principal
from bot.context import AppContext
from bot.reach.directory import SyncReport
from bot.reach.linking import DirectoryLinker, LinkOptions
from bot.reach.sync import sync_directory
from bot.runtime.events import Platform

log = logging.getLogger(__name__)


def link_options(context: AppContext) -> LinkOptions:
    settings = context.settings
    return LinkOptions(create=settings.slack_sync_create, guests=settings.sync_guests, direct=True)


async def members_source(
    context: AppContext, client: AsyncWebClient, sleep: Sleep | None = None
) -> SlackMembers:
    """The directory of the token's workspace (auth.test names it)."""
    team = (await client.auth_test())["team_id"]
    options = {"sleep": sleep} if sleep is not None else {}
    return SlackMembers(client, str(team), context.settings.slack_directory_rate, **options)


async def member_changed(context: AppContext, team_id: str, user: dict[str, Any]) -> None:
    """team_join or user_change: link, update or deactivate one member at once."""
    if not team_id or not user.get("id"):
        return
    async with context.db.unit_of_work() as session:
        linker = DirectoryLinker(session, Platform.SLACK, team_id, link_options(context))
        report = await linker.apply([member_of(user)], context.clock.now())
    log.info("Slack member %s changed: %s", user.get("id"), report.to_json())


async def sync(
    context: AppContext, who: Principal, *, dry_run: bool = False, sleep: Sleep | None = None
) -> SyncReport:
    """`stafet people sync slack` and the daily job: the workspace of SLACK_BOT_TOKEN, or else
    every workspace Stafet was added to ("Add to Slack"), each with its own token. A workspace
    that fails (its token revoked, Slack down) is logged and the others are still synced."""
    settings = context.settings
    if settings.slack_bot_token:
        tokens = {"": settings.slack_bot_token}
    else:
        tokens = await installed_workspaces(settings, context.db.engine)
    report = SyncReport()
    for team, token in tokens.items():
        # No automatic 429 retries in the client: SlackMembers waits out Retry-After itself.
        try:
            source = await members_source(context, delivery_client(settings, token), sleep)
            report.add(
                await sync_directory(
                    context.db, context.clock, source, link_options(context), who, dry_run=dry_run
                )
            )
        except SlackApiError as error:
            if len(tokens) == 1:
                raise
            log.error("Slack directory sync of workspace %s failed: %s", team, error_code(error))
    return report
