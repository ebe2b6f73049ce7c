"""`stafet admin`: access tokens for the dashboard and the API."""

from __future__ import annotations

import asyncio

import typer

from bot.admin.roles import CLI, Role
from bot.admin.tokens import TokenError, TokenService
from bot.cli.common import console_error, settings_of
from bot.cli.runner import in_unit_of_work

app = typer.Typer(help="Dashboard and API access.", no_args_is_help=True)
token_app = typer.Typer(help="Access tokens (shown once, stored hashed).", no_args_is_help=True)
app.add_typer(token_app, name="token")


@token_app.command("create")
def create(
    ctx: typer.Context,
    name: str = typer.Option(..., "--name", help="who or what the token is for"),
    role: Role = typer.Option(..., "--role", help="hr, coordinator, viewer, or provisioning (SCIM only)"),
) -> None:
    """Create a token and print it once; only its hash is stored."""

    async def work(session, clock):  # type: ignore[no-untyped-def]
        return await TokenService(session, clock).create(CLI, name, role)

    try:
        token = asyncio.run(in_unit_of_work(settings_of(ctx), work))
    except TokenError as error:
        console_error(str(error))
        raise typer.Exit(1) from None
    typer.echo(token.secret)
    typer.echo(f"Token {token.name!r} ({token.role.value}) created. It is shown only now.", err=True)


@token_app.command("revoke")
def revoke(ctx: typer.Context, name: str = typer.Argument(..., help="the token's name")) -> None:
    """Revoke a token: its API calls and dashboard sessions stop working at once."""

    async def work(session, clock):  # type: ignore[no-untyped-def]
        await TokenService(session, clock).revoke(CLI, name)

    try:
        asyncio.run(in_unit_of_work(settings_of(ctx), work))
    except TokenError as error:
        console_error(str(error))
        raise typer.Exit(1) from None
    typer.echo(f"Token {name!r} revoked.")


@token_app.command("list")
def list_tokens(ctx: typer.Context) -> None:
    """Names, roles and state of every token (never the secrets)."""

    async def work(session, clock):  # type: ignore[no-untyped-def]
        return list(await TokenService(session, clock).tokens.all())

    for token in asyncio.run(in_unit_of_work(settings_of(ctx), work)):
        state = f"revoked {token.revoked_at:%Y-%m-%d}" if token.revoked_at else "active"
        typer.echo(f"{token.name}\t{token.role}\t{state}")
