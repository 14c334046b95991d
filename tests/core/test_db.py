"""The store: migrations from empty to head on SQLite and PostgreSQL, transactions, the audit log."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlmodel import SQLModel, select

from outreach.core import audit, db
from outreach.core.campaign_file import load_campaign
from outreach.core.models import AuditEntry, CampaignRecord
from outreach.core.store import Store, register_campaign
from outreach.errors import StoreError

TABLES = {"campaign", "audit_log", "alembic_version"}
SCRIPT = ScriptDirectory(str(db.MIGRATIONS))
REVISIONS = [rev.revision for rev in reversed(list(SCRIPT.walk_revisions()))]
HEAD = SCRIPT.get_current_head()


@pytest.fixture
def url(any_url: str) -> str:
    """Each store test runs on SQLite and, where one answers, on PostgreSQL."""
    return any_url


def test_empty_database_migrates_to_head(url: str) -> None:
    engine = db.make_engine(url)
    before = db.schema_status(engine)
    assert before.current is None and before.pending == REVISIONS
    assert REVISIONS[0] == "0001"
    after = db.upgrade(engine)
    assert after.up_to_date and after.current == after.head == HEAD
    assert set(inspect(engine).get_table_names()) >= TABLES


def test_migrated_schema_matches_the_models(url: str) -> None:
    engine = db.open_engine(url)
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"include_object": db.on_this_dialect(connection.dialect.name)})
        diff = compare_metadata(context, SQLModel.metadata)
    assert diff == []


def test_upgrade_twice_changes_nothing(url: str) -> None:
    engine = db.open_engine(url)
    assert db.upgrade(engine).pending == []
    assert db.schema_status(engine).current == HEAD


def test_failed_transaction_writes_nothing(url: str) -> None:
    engine = db.open_engine(url)
    with pytest.raises(RuntimeError), db.transaction(engine) as session:
        session.add(CampaignRecord(slug="half", name="Half", workspace="/tmp"))
        session.flush()
        raise RuntimeError("crash mid-change")
    with db.transaction(engine) as session:
        assert session.exec(select(CampaignRecord)).all() == []


def test_campaign_is_registered_once_with_one_audit_entry(url: str, demo_dir: Path) -> None:
    store = Store.open(url, actor="ana")
    campaign = load_campaign(demo_dir)
    first, second = store.campaign_id(campaign), store.campaign_id(campaign)
    assert first == second
    with store.transaction() as session:
        rows = audit.entries(session, campaign_id=first)
        assert [(row.actor, row.action, row.object_id) for row in rows] == [
            ("ana", "campaign.register", "tallyro-intl-2026")]
        assert rows[0].at.tzinfo is not None
        assert rows[0].detail["name"] == "Tallyro international launch 2026"


def test_audit_entries_filter_and_order_newest_first(url: str, demo_dir: Path) -> None:
    store = Store.open(url, actor="ana")
    with store.transaction() as session:
        campaign_id = register_campaign(session, load_campaign(demo_dir), "ana")
        for number in range(3):
            audit.record(session, actor="luis", action="prospect.stage", object_type="prospect",
                         object_id=number, campaign_id=campaign_id, detail={"to": "qualified"})
    with store.transaction() as session:
        rows = audit.entries(session, object_type="prospect", limit=2)
        assert [row.object_id for row in rows] == ["2", "1"]
        assert audit.entries(session, object_type="prospect", object_id="0")[0].actor == "luis"


def test_sqlite_store_uses_wal_and_foreign_keys(sqlite_url: str) -> None:
    engine = db.open_engine(sqlite_url)
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
    assert Path(sqlite_url.removeprefix("sqlite:///")).exists()


def test_naive_datetimes_are_refused(sqlite_url: str) -> None:
    engine = db.open_engine(sqlite_url)
    with pytest.raises(Exception, match="naive datetime"), db.transaction(engine) as session:
        session.add(AuditEntry(at=datetime(2026, 1, 1), actor="a", action="x.y",
                               object_type="t", object_id="1"))


@pytest.mark.parametrize(("given", "expected"), [
    ("postgresql://u@h/d", "postgresql+psycopg://u@h/d"),
    ("postgres://u@h/d", "postgresql+psycopg://u@h/d"),
    ("postgresql+psycopg://u@h/d", "postgresql+psycopg://u@h/d"),
    ("sqlite:///x.db", "sqlite:///x.db"),
])
def test_database_urls_are_normalised(given: str, expected: str) -> None:
    assert db.normalise_url(given) == expected


def test_password_is_hidden_when_printed() -> None:
    assert db.safe_url("postgresql://ana:s3cret@db/x") == "postgresql+psycopg://ana:***@db/x"


@pytest.mark.parametrize("url", ["nonsense", "mysql+nodriver://x/y"])
def test_unusable_urls_raise_store_errors(url: str) -> None:
    with pytest.raises(StoreError):
        db.open_engine(url)


def test_unreachable_postgres_is_a_clear_error() -> None:
    with pytest.raises(StoreError, match=r"cannot open postgresql\+psycopg://nobody@127.0.0.1:1/x"):
        db.open_engine("postgresql://nobody@127.0.0.1:1/x")
