"""`stafet manifest`: print a platform's app manifest with this installation's addresses."""

from __future__ import annotations

import typer

from bot.adapters.slack.manifest import manifest_yaml
from bot.cli.common import console_error

app = typer.Typer(help="App manifests to register Stafet with a chat platform.", no_args_is_help=True)


@app.command()
def slack(
    url: str = typer.Option(..., help="The public https:// address Stafet is reached at."),
    socket_mode: bool = typer.Option(False, help="Connect out through Socket Mode (no public URL needed)."),
) -> None:
    """Print the Slack app manifest; paste it into "Create New App → From an app manifest"."""
    try:
        typer.echo(manifest_yaml(url, socket_mode=socket_mode), nl=False)
    except ValueError as error:
        console_error(str(error))
        raise typer.Exit(2) from None
