"""Fixtures for prospect tests: a migrated store on SQLite and PostgreSQL with the demo campaign."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session, select

from outreach.core.campaign import Campaign
from outreach.core.campaign_file import load_campaign
from outreach.core.prospects import ImportOptions, ImportReport, import_file
from outreach.core.store import Store

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


@dataclass
class Env:
    """A store, the demo campaign registered in it, and helpers to import and read."""

    store: Store
    campaign: Campaign
    campaign_id: int

    def session(self) -> Any:
        """A transaction on the store."""
        return self.store.transaction()

    def import_file(self, path: Path, market: str = "es-MX", **options: Any) -> ImportReport:
        """Import a file in its own transaction."""
        with self.store.transaction() as session:
            return import_file(session, self.campaign, self.campaign_id, path,
                               ImportOptions(market, **options), self.store.actor)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest) -> str:
    """Each store test runs on SQLite and, where one answers, on PostgreSQL."""
    fixture = "sqlite_url" if request.param == "sqlite" else "pg_url"
    return str(request.getfixturevalue(fixture))


@pytest.fixture
def env(store_url: str, demo_dir: Path) -> Iterator[Env]:
    """The demo campaign in a fresh store."""
    store = Store.open(store_url, actor="tester")
    campaign = load_campaign(demo_dir)
    yield Env(store, campaign, store.campaign_id(campaign))
    store.engine.dispose()


def write_csv_text(folder: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    """A CSV file with exactly this text and encoding."""
    path = folder / name
    path.write_bytes(text.encode(encoding))
    return path


def session_rows(session: Session, model: Any) -> list[Any]:
    """Every row of a table."""
    return list(session.exec(select(model)).all())
