"""`stafet people`: import from CSV, and the rights of access (export) and erasure (forget)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import typer

from bot.admin.importing import parse
from bot.admin.people import PeopleAdminService, UnknownPerson
from bot.admin.roles import CLI
from bot.cli.common import console_error, settings_of
from bot.cli.runner import in_unit_of_work

app = typer.Typer(help="People: import, export, forget.", no_args_is_help=True)


@app.command("import")
def import_people(
    ctx: typer.Context,
    file: Path = typer.Argument(
        ..., exists=True, dir_okay=False, help="CSV with email, name, department, ..."
    ),
    dry_run: bool = typer.Option(False, "--dry-run", help="check every row; import nothing"),
) -> None:
    """Import people; nothing is imported while any row has an error."""
    parsed = parse(file.read_bytes())
    for error in parsed.errors:
        console_error(f"{file.name}:{error.line}: {error.message} ({error.code})")
    if not parsed.ok:
        console_error(f"{len(parsed.errors)} row(s) have errors; nothing was imported.")
        raise typer.Exit(1)
    if dry_run:
        typer.echo(f"{file.name} is fine: {len(parsed.rows)} people would be imported.")
        return

    async def work(session, clock):  # type: ignore[no-untyped-def]
        return await PeopleAdminService(session, clock).apply(CLI, parsed, file.name)

    result = asyncio.run(in_unit_of_work(settings_of(ctx), work))
    typer.echo(f"Imported {result.created} new and updated {result.updated} people.")


@app.command("sync")
def sync(
    ctx: typer.Context,
    platform: str = typer.Argument(..., metavar="slack|teams", help="whose directory to read"),
    dry_run: bool = typer.Option(False, "--dry-run", help="count what would change; change nothing"),
) -> None:
    """Link the platform's accounts to people by email; deactivated accounts get no more messages."""
    settings = settings_of(ctx)
    if platform not in ("slack", "teams"):
        console_error("Name a platform: slack or teams.")
        raise typer.Exit(2)
    if platform == "slack" and not (settings.slack_bot_token or settings.slack_client_id):
        console_error("Neither SLACK_BOT_TOKEN nor SLACK_CLIENT_ID is set: no Slack workspace to read.")
        raise typer.Exit(2)
    if platform == "teams" and not settings.teams_enabled:
        console_error("MICROSOFT_APP_ID is not set: there is no Entra ID tenant to read.")
        raise typer.Exit(2)
    from bot.adapters.people_sync import run_sync  # imported here: it loads the platform SDKs

    report = asyncio.run(run_sync(settings, platform, CLI, dry_run=dry_run))
    typer.echo(("Dry run, nothing changed. " if dry_run else "") + f"People sync from {platform}:")
    for line in report.lines():
        typer.echo(f"  {line}")
    if platform == "teams" and not dry_run:
        typer.echo("`stafet serve` installs the app for the newly linked; the Reach page shows progress.")


@app.command("export")
def export(ctx: typer.Context, email: str = typer.Argument(...)) -> None:
    """Print everything stored about a person as JSON (right of access)."""

    async def work(session, clock):  # type: ignore[no-untyped-def]
        return await PeopleAdminService(session, clock).export(CLI, email)

    try:
        data = asyncio.run(in_unit_of_work(settings_of(ctx), work))
    except UnknownPerson:
        console_error(f"Nobody has the email {email}.")
        raise typer.Exit(1) from None
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2))


@app.command("forget")
def forget(
    ctx: typer.Context,
    email: str = typer.Argument(...),
    yes: bool = typer.Option(False, "--yes", help="do not ask for confirmation"),
) -> None:
    """Erase a person's personal data and identities; anonymous aggregates stay valid."""
    if not yes and not typer.confirm(f"Erase everything personal about {email}? This cannot be undone"):
        raise typer.Exit(1)

    async def work(session, clock):  # type: ignore[no-untyped-def]
        return await PeopleAdminService(session, clock).forget(CLI, email)

    try:
        counts = asyncio.run(in_unit_of_work(settings_of(ctx), work))
    except UnknownPerson:
        console_error(f"Nobody has the email {email}.")
        raise typer.Exit(1) from None
    typer.echo(f"Forgotten: {sum(counts.values())} rows erased or anonymised.")
