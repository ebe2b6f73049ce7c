"""Admin tokens for tests, made the way `stafet admin token create` makes them."""

from __future__ import annotations

from fastapi import FastAPI

from bot.admin.roles import CLI, Role
from bot.admin.tokens import TokenService
from bot.config import Settings, load_settings

ROLES = ("viewer", "coordinator", "hr")


def admin_settings(db_url: str) -> Settings:
    """Plain-HTTP test servers need cookies without the Secure flag."""
    return load_settings(
        STAFET_DATABASE_URL=db_url,
        STAFET_DEFAULT_LANGUAGE="en",
        STAFET_SCHEDULER=False,
        STAFET_ADMIN_COOKIE_SECURE=False,
        STAFET_SECRET_KEY="test-secret",
    )


async def make_token(app: FastAPI, role: str, name: str | None = None) -> str:
    context = app.state.context
    async with context.db.unit_of_work() as session:
        token = await TokenService(session, context.clock).create(CLI, name or f"{role} token", Role(role))
    return token.secret


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}
