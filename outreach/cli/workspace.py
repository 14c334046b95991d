"""`outreach init`: create a campaign workspace."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from outreach.cli.output import out
from outreach.core.workspace import init_workspace


def init(
    folder: Annotated[Path, typer.Argument(help="Folder for the new workspace (created if needed).")],
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing campaign.toml.")] = False,
) -> None:
    """Write a new campaign workspace: a commented campaign.toml, locales/, briefs/, prospects/."""
    for path in init_workspace(folder, force=force):
        out.print(f"created {path}")
    out.print(f"next: edit {folder / 'campaign.toml'}, then run `outreach -C {folder} markets`")


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""
    app.command("init")(init)
