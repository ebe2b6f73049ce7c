"""`stafet db`: migrate the database schema."""

from __future__ import annotations

import typer

from bot.cli.common import settings_of
from storage import migrate

app = typer.Typer(help="Database schema migrations.", no_args_is_help=True)


@app.command()
def upgrade(ctx: typer.Context, revision: str = typer.Argument("heads")) -> None:
    """Upgrade the database to the newest schema (or to REVISION)."""
    migrate.upgrade(settings_of(ctx).database_url, revision)
    typer.echo("Database schema is up to date.")


@app.command()
def downgrade(ctx: typer.Context, revision: str = typer.Argument(...)) -> None:
    """Downgrade the database to REVISION ('base' removes every table)."""
    migrate.downgrade(settings_of(ctx).database_url, revision)
    typer.echo(f"Database schema downgraded to {revision}.")


@app.command()
def current(ctx: typer.Context) -> None:
    """Show the schema revision the database is at."""
    url = settings_of(ctx).database_url
    revisions = ", ".join(sorted(migrate.current_revisions(url))) or "(empty)"
    state = "up to date" if migrate.is_current(url) else "needs `stafet db upgrade`"
    typer.echo(f"{revisions}: {state}")
