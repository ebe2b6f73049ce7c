"""`stafet content`: check and list the content tree."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from bot.cli.common import settings_of
from bot.content.check import check_content, quiz_warnings
from bot.content.listing import content_listing

app = typer.Typer(help="Learning content: lessons, tracks, glossary, survey templates.", no_args_is_help=True)


@app.command()
def check(
    ctx: typer.Context,
    path: Path | None = typer.Argument(None, help="Content directory (STAFET_CONTENT_DIR)."),
) -> None:
    """Validate every file; print each problem as file:line: message; exit 1 if any (warnings,
    such as a right answer that is by far the longest option, do not fail the check)."""
    directory = path or settings_of(ctx).content_dir
    if not directory.is_dir():
        typer.echo(f"{directory}: not a directory", err=True)
        raise typer.Exit(2)
    problems = check_content(directory)
    for problem in [*problems, *quiz_warnings(directory)]:
        typer.echo(str(problem))
    if problems:
        typer.echo(f"{len(problems)} problem(s) found.", err=True)
        raise typer.Exit(1)
    typer.echo("Content is valid.")


@app.command("list")
def list_content(
    ctx: typer.Context,
    path: Path | None = typer.Option(None, "--path", help="Content directory (STAFET_CONTENT_DIR)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Show tracks, lessons, glossary terms and survey templates with their languages."""
    listing = content_listing(path or settings_of(ctx).content_dir)
    if as_json:
        typer.echo(json.dumps(listing, ensure_ascii=False))
        return
    for section, items in listing.items():
        typer.echo(f"{section} ({len(items)})")
        for item in items:
            name = item.get("id") or item.get("term")
            extra = f" [{item['track']}, {item['level']}]" if "track" in item else ""
            typer.echo(f"  {name}{extra}: {', '.join(item['languages'])}")
