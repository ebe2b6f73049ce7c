"""`stafet manifest teams`: build the app package to upload to Microsoft Teams."""

from __future__ import annotations

from pathlib import Path

import typer

from bot.adapters.teams.manifest import TEMPLATE_DIR, ManifestError, build_package
from bot.cli.common import console_error, settings_of

app = typer.Typer(help="Build platform app packages and manifests.", no_args_is_help=True)


@app.command("teams")
def teams(
    ctx: typer.Context,
    app_id: str = typer.Option("", help="The bot's Microsoft app id (default: MICROSOFT_APP_ID)."),
    url: str = typer.Option("", help="Stafet's public https:// address (default: STAFET_PUBLIC_URL)."),
    out: Path = typer.Option(Path("stafet-teams.zip"), help="Where to write the zip."),
    template: Path = typer.Option(TEMPLATE_DIR, help="Folder with manifest.json and the two icons."),
) -> None:
    """Write the Teams app package (manifest and icons) for this bot."""
    settings = settings_of(ctx)
    try:
        package = build_package(app_id or settings.microsoft_app_id, url or settings.public_url, template)
    except ManifestError as error:
        console_error(str(error))
        raise typer.Exit(2) from None
    out.write_bytes(package)
    typer.echo(f"Wrote {out}: upload it in Teams under Apps → Manage your apps → Upload an app.")
