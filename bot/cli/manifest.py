"""`stafet manifest`: what to register Stafet with Slack and Microsoft Teams."""

from __future__ import annotations

from pathlib import Path

import typer

from bot.cli.common import console_error, settings_of

app = typer.Typer(
    help="App manifests and packages to register Stafet with a chat platform.", no_args_is_help=True
)


@app.command()
def slack(
    url: str = typer.Option(..., help="The public https:// address Stafet is reached at."),
    socket_mode: bool = typer.Option(False, help="Connect out through Socket Mode (no public URL needed)."),
) -> None:
    """Print the Slack app manifest; paste it into "Create New App → From an app manifest"."""
    from bot.adapters.slack.manifest import manifest_yaml

    try:
        typer.echo(manifest_yaml(url, socket_mode=socket_mode), nl=False)
    except ValueError as error:
        console_error(str(error))
        raise typer.Exit(2) from None


@app.command("teams")
def teams(
    ctx: typer.Context,
    app_id: str = typer.Option("", help="The bot's Microsoft app id (default: MICROSOFT_APP_ID)."),
    url: str = typer.Option("", help="Stafet's public https:// address (default: STAFET_PUBLIC_URL)."),
    out: Path = typer.Option(Path("stafet-teams.zip"), help="Where to write the zip."),
    template: Path | None = typer.Option(None, help="Folder with manifest.json and the two icons."),
) -> None:
    """Write the Teams app package (manifest and icons) for this bot."""
    from bot.adapters.teams.manifest import TEMPLATE_DIR, ManifestError, build_package

    settings = settings_of(ctx)
    try:
        package = build_package(
            app_id or settings.microsoft_app_id, url or settings.public_url, template or TEMPLATE_DIR
        )
    except ManifestError as error:
        console_error(str(error))
        raise typer.Exit(2) from None
    out.write_bytes(package)
    typer.echo(f"Wrote {out}: upload it in Teams under Apps → Manage your apps → Upload an app.")
