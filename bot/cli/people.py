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
