"""Where outreach keeps its settings and data; the one module that knows file locations."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_config_path, user_data_path

APP_NAME = "outreach"
CAMPAIGN_FILE = "campaign.toml"


def config_dir() -> Path:
    """Folder of the user's settings file (`OUTREACH_CONFIG_DIR` overrides it)."""
    override = os.environ.get("OUTREACH_CONFIG_DIR")
    return Path(override) if override else user_config_path(APP_NAME)


def settings_file() -> Path:
    """The user's settings file, read if it exists."""
    return config_dir() / "settings.toml"


def data_dir() -> Path:
    """Folder of the default store (`OUTREACH_DATA_DIR` overrides it)."""
    override = os.environ.get("OUTREACH_DATA_DIR")
    return Path(override) if override else user_data_path(APP_NAME)


def default_database_path() -> Path:
    """The SQLite store shared by every campaign of this user."""
    return data_dir() / "outreach.db"


def campaign_file(workspace: Path) -> Path:
    """The campaign.toml of a workspace folder."""
    return workspace / CAMPAIGN_FILE


def locales_dir(workspace: Path) -> Path:
    """Folder of a workspace's locale pitch templates."""
    return workspace / "locales"


def briefs_dir(workspace: Path) -> Path:
    """Folder of a workspace's editorial briefs."""
    return workspace / "briefs"


def prospects_dir(workspace: Path) -> Path:
    """Folder of a workspace's prospect lists."""
    return workspace / "prospects"
