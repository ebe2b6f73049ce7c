"""`stafet delivery`: messages the worker gave up on, with the reason, and sending them again."""

from __future__ import annotations

import asyncio

import typer

from bot.admin import delivery
from bot.admin.roles import CLI
from bot.cli.common import console_error, settings_of
from bot.cli.runner import in_unit_of_work

app = typer.Typer(help="Delivery: dead letters and sending them again.", no_args_is_help=True)


@app.command("dead")
def dead(
    ctx: typer.Context, limit: int = typer.Option(50, min=1, max=1000, help="How many, newest first.")
) -> None:
    """List messages Stafet gave up on, with the reason."""

    async def work(session, _clock):  # type: ignore[no-untyped-def]
        return await delivery.dead_letters(session, limit)

    letters, total = asyncio.run(in_unit_of_work(settings_of(ctx), work))
    for d in letters:
        where = " · ".join(part for part in (d.platform, d.campaign, d.recipient) if part)
        typer.echo(
            f"#{d.id}  {d.last_due_at:%Y-%m-%d %H:%M} UTC  {d.status:<13} {d.kind}"
            f"{'  (' + where + ')' if where else ''}  after {d.attempts} attempt(s): {d.reason}"
        )
    typer.echo(
        f"{total} dead letter(s)." if total else "No dead letters: everything was delivered or is on its way."
    )


@app.command("retry")
def retry(
    ctx: typer.Context,
    ids: list[int] = typer.Argument(
        None, min=1, max=delivery.MAX_ID, help="Dead letter ids from `stafet delivery dead`."
    ),
    every: bool = typer.Option(False, "--all", help="Every dead letter."),
) -> None:
    """Queue dead letters again, now, with a fresh attempt count."""
    if bool(ids) == every:
        console_error("Give the ids of dead letters, or --all.")
        raise typer.Exit(2)

    async def work(session, clock):  # type: ignore[no-untyped-def]
        return await delivery.send_again(session, clock, CLI, None if every else ids)

    queued = asyncio.run(in_unit_of_work(settings_of(ctx), work))
    unknown = sorted(set(ids or ()) - set(queued))
    if queued:
        typer.echo(f"Queued again: {len(queued)}.")
    if unknown:
        console_error(f"Not dead letters (see `stafet delivery dead`): {', '.join(map(str, unknown))}.")
        raise typer.Exit(1)
    if not queued:
        typer.echo("No dead letters to send again.")
