"""`stafet jobs`: the recurring jobs, and running them now instead of waiting for their tick."""

from __future__ import annotations

import asyncio

import typer

from bot.admin.audit import AuditLog
from bot.admin.roles import CLI
from bot.cli.common import console_error, settings_of
from bot.config import Settings
from bot.features import jobs as every_job
from bot.scheduler import RecurringJob

app = typer.Typer(help="Recurring jobs: list them, or run them now.", no_args_is_help=True)


@app.command("list")
def list_jobs() -> None:
    """Every recurring job and how often the scheduler runs it."""
    for job in every_job():
        typer.echo(f"{job.name:<28} every {job.every_seconds:g} s")


@app.command("run")
def run(
    ctx: typer.Context,
    names: list[str] = typer.Argument(None, help="Job names from `stafet jobs list`."),
    due: bool = typer.Option(False, "--due", help="Every job: whatever is due now gets done."),
) -> None:
    """Run jobs once, now (the database says what is due, so running early does no harm)."""
    known = {job.name: job for job in every_job()}
    if bool(names) == due:
        console_error("Name the jobs to run, or give --due for all of them.")
        raise typer.Exit(2)
    unknown = [name for name in names or () if name not in known]
    if unknown:
        console_error(f"No such job: {', '.join(unknown)} (see `stafet jobs list`).")
        raise typer.Exit(1)
    chosen = list(known.values()) if due else [known[name] for name in names]
    asyncio.run(_run(settings_of(ctx), chosen))
    typer.echo(f"Ran {', '.join(job.name for job in chosen)}.")


async def _run(settings: Settings, chosen: list[RecurringJob]) -> None:
    from bot.app import build_context

    context = build_context(settings)
    try:
        for job in chosen:
            await job.run(context)
        async with context.db.unit_of_work() as session:
            await AuditLog(session, context.clock).record(CLI, "jobs.run", ",".join(j.name for j in chosen))
    finally:
        await context.db.dispose()
