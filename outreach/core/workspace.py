"""Create a campaign workspace: campaign.toml with its comments, plus locales/, briefs/, prospects/."""

from __future__ import annotations

import os
import tempfile
from importlib.resources import files
from pathlib import Path

from outreach import locations
from outreach.errors import WorkspaceError

_FOLDER_NOTES = {
    "locales": "One folder per market tag (es-MX/) with locale.toml (address, sign_off, sender, tone,\n"
               "fallback) and the templates subject.j2, pitch.j2, followup-1.j2, followup-2.j2.\n",
    "briefs": "One editorial brief per market: <tag>.md, TOML front matter between '+++' lines\n"
              "(topics, angles, formats, data hooks with their sources) and prose for the team.\n",
    "prospects": "Prospect lists per market: <tag>.csv, imported with `outreach import`.\n",
}


def template_text() -> str:
    """The commented campaign.toml that `init` writes."""
    return files("outreach.data").joinpath("campaign.toml").read_text(encoding="utf-8")


def init_workspace(folder: Path, *, force: bool = False) -> list[Path]:
    """Write a new workspace into `folder`; return the paths created."""
    target = locations.campaign_file(folder)
    if target.exists() and not force:
        raise WorkspaceError(f"{target}: already exists; use --force to overwrite it")
    if folder.exists() and not folder.is_dir():
        raise WorkspaceError(f"{folder}: exists and is not a folder")
    created: list[Path] = []
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for name, note in _FOLDER_NOTES.items():
            created.extend(_make_folder(folder / name, note))
        write_atomically(target, template_text())
    except OSError as exc:
        raise WorkspaceError(f"{folder}: cannot create the workspace: {exc.strerror}") from None
    return [target, *created]


def _make_folder(path: Path, note: str) -> list[Path]:
    """Create a content folder with a README saying what goes in it."""
    path.mkdir(exist_ok=True)
    readme = path / "README.md"
    if readme.exists():
        return [path]
    readme.write_text(note, encoding="utf-8")
    return [path, readme]


def _mode_for(path: Path) -> int:
    """The permission bits a rewrite of `path` should have."""
    # Reading the umask means setting it, which races other threads; 0644 is the usual default.
    return path.stat().st_mode & 0o7777 if path.exists() else 0o644


def write_atomically(path: Path, text: str) -> None:
    """Write through a temporary file and rename, so a crash never leaves half a file."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        # mkstemp creates 0600: a rewritten file keeps its own mode instead.
        os.chmod(temporary, _mode_for(path))
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
