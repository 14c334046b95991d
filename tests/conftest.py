"""Shared fixtures: every test runs with its own config and data folders, never the tester's."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from sqlalchemy import create_engine, text

from outreach.core.db import normalise_url

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def isolated_user_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Point settings and the default store at throwaway folders; clear OUTREACH_* variables."""
    for name in list(os.environ):
        if name.startswith("OUTREACH_") and name != "OUTREACH_TEST_DATABASE_URL":
            monkeypatch.delenv(name)
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("OUTREACH_CONFIG_DIR", str(home / "config"))
    monkeypatch.setenv("OUTREACH_DATA_DIR", str(home / "data"))
    monkeypatch.setenv("OUTREACH_USER", "tester")


@pytest.fixture
def demo_dir() -> Path:
    """The bundled demo campaign workspace (the repository root)."""
    return REPO


@pytest.fixture
def write_campaign(tmp_path: Path) -> Any:
    """Write a campaign.toml (from a dict or raw text) into a fresh folder and return the folder."""
    counter = iter(range(1_000_000))

    def write(content: dict[str, Any] | str) -> Path:
        folder = tmp_path / f"ws{next(counter)}"
        folder.mkdir()
        body = content if isinstance(content, str) else tomli_w.dumps(content)
        (folder / "campaign.toml").write_text(body, encoding="utf-8")
        return folder

    return write


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A SQLite store in a fresh folder that does not exist yet."""
    return f"sqlite:///{tmp_path / 'store' / 'outreach.db'}"


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A PostgreSQL URL whose search_path is a fresh, empty schema (dropped afterwards)."""
    base = os.environ.get("OUTREACH_TEST_DATABASE_URL")
    if not base:
        pytest.skip("OUTREACH_TEST_DATABASE_URL is not set (no PostgreSQL for team-mode tests)")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(normalise_url(base))
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in base else "?"
    try:
        yield f"{base}{separator}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def any_url(request: pytest.FixtureRequest) -> str:
    """Each test using it runs on SQLite and, where one answers, on PostgreSQL."""
    fixture = "sqlite_url" if request.param == "sqlite" else "pg_url"
    return str(request.getfixturevalue(fixture))
