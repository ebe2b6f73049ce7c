"""Teams' side of reaching everyone: the Entra ID directory through Graph, and the installer."""

from __future__ import annotations

from bot.adapters.graph.client import GraphClient
from bot.adapters.graph.login import Login
from bot.adapters.graph.users import EntraUsers, Sleep
from bot.adapters.teams.installer import TeamsInstaller
from bot.admin.roles import Principal
from bot.config import Settings
from bot.context import AppContext
from bot.reach.directory import SyncReport
from bot.reach.linking import LinkOptions
from bot.reach.sync import sync_directory


def login_for(settings: Settings) -> Login:
    return Login(
        settings.login_url,
        settings.microsoft_app_tenant_id,
        settings.microsoft_app_id,
        settings.microsoft_app_password,
    )


def link_options(settings: Settings) -> LinkOptions:
    return LinkOptions(create=settings.teams_sync_create, guests=settings.sync_guests, direct=False)


async def sync(
    context: AppContext, who: Principal, *, dry_run: bool = False, sleep: Sleep | None = None
) -> SyncReport:
    """`stafet people sync teams` and the daily job; installations are queued for the installer."""
    settings = context.settings
    graph = GraphClient(settings.graph_url, login_for(settings))
    try:
        options = {"sleep": sleep} if sleep is not None else {}
        source = EntraUsers(graph, settings.microsoft_app_tenant_id, **options)
        return await sync_directory(
            context.db, context.clock, source, link_options(settings), who, dry_run=dry_run
        )
    finally:
        await graph.close()


def build_installer(settings: Settings, login: Login | None = None) -> TeamsInstaller | None:
    """Only with the bot's credentials, a tenant and the app's id in the tenant's app catalog."""
    if not (settings.teams_enabled and settings.microsoft_app_tenant_id and settings.teams_catalog_app_id):
        return None
    login = login or login_for(settings)
    return TeamsInstaller(
        GraphClient(settings.graph_url, login),
        login,
        app_id=settings.microsoft_app_id,
        catalog_app_id=settings.teams_catalog_app_id,
        service_url=settings.teams_service_url,
    )
