"""Several workspaces: "Add to Slack" installs kept in our database, and each workspace's token."""

from __future__ import annotations

from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.installation_store.sqlalchemy import AsyncSQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import AsyncSQLAlchemyOAuthStateStore
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.adapters.slack.manifest import REDIRECT_PATH, bot_scopes
from bot.config import Settings
from bot.delivery.messenger import DeliveryError

INSTALL_PATH = "/slack/install"
STATE_SECONDS = 600


def oauth_settings(settings: Settings, engine: AsyncEngine) -> AsyncOAuthSettings:
    """slack-sdk's SQLAlchemy stores on our engine; their tables come from our migrations."""
    return AsyncOAuthSettings(
        client_id=settings.slack_client_id,
        client_secret=settings.slack_client_secret,
        scopes=bot_scopes(),
        install_path=INSTALL_PATH,
        redirect_uri_path=REDIRECT_PATH,
        installation_store=AsyncSQLAlchemyInstallationStore(settings.slack_client_id, engine=engine),
        installation_store_bot_only=True,
        state_store=AsyncSQLAlchemyOAuthStateStore(expiration_seconds=STATE_SECONDS, engine=engine),
    )


async def installed_workspaces(settings: Settings, engine: AsyncEngine) -> dict[str, str]:
    """Every workspace Stafet was added to ("Add to Slack"), with its newest bot token."""
    store = AsyncSQLAlchemyInstallationStore(settings.slack_client_id, engine=engine)
    bots = store.bots
    query = (
        select(bots.c.team_id)
        .where(bots.c.client_id == settings.slack_client_id, bots.c.team_id.is_not(None))
        .distinct()
    )
    async with engine.connect() as connection:
        teams = sorted((await connection.execute(query)).scalars())
    tokens = {}
    for team in teams:
        bot = await store.async_find_bot(enterprise_id=None, team_id=team)
        if bot is not None and bot.bot_token:
            tokens[team] = bot.bot_token
    return tokens


class BotTokens:
    """The bot token to send with: the configured one, or the workspace's installation."""

    def __init__(self, token: str, store: AsyncInstallationStore | None = None) -> None:
        self.token = token
        self.store = store

    async def for_workspace(self, team_id: str) -> str:
        if self.store is None:
            return self.token
        bot = await self.store.async_find_bot(enterprise_id=None, team_id=team_id)
        if bot is None or not bot.bot_token:
            raise DeliveryError(f"Stafet is not installed in Slack workspace {team_id}", permanent=True)
        return bot.bot_token
