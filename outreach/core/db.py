"""The store: an engine from a URL (SQLite by default, PostgreSQL for teams) and its migrations."""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError, SQLAlchemyError
from sqlmodel import Session

from outreach.errors import MigrationError, StoreError

MIGRATIONS = Path(__file__).with_name("migrations")
_LOCK_ID = zlib.crc32(b"outreach-migrations")  # PostgreSQL advisory lock for schema upgrades


@dataclass(frozen=True)
class SchemaStatus:
    """Where a database's schema stands against the migrations this version ships."""

    url: str
    current: str | None
    head: str
    pending: list[str]

    @property
    def up_to_date(self) -> bool:
        """Whether no migration is waiting."""
        return not self.pending


def normalise_url(url: str) -> str:
    """Accept `postgresql://` and `postgres://` as psycopg 3 URLs; pass others through."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url


def make_engine(url: str) -> Engine:
    """An engine for `url`; a SQLite file and its folder are created on first use, in WAL mode."""
    try:
        parsed = make_url(normalise_url(url))
    except ArgumentError as exc:
        raise StoreError(f"invalid database URL '{url}': {exc}") from None
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed.database)
    try:
        return create_engine(parsed, pool_pre_ping=True)
    except (ArgumentError, ImportError) as exc:
        raise StoreError(f"cannot use database URL '{safe_url(url)}': {exc}") from None


def _sqlite_engine(database: str | None) -> Engine:
    """A SQLite engine with WAL, foreign keys, a busy timeout and real transactions."""
    if database and database != ":memory:":
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(f"sqlite:///{database or ':memory:'}",
                           connect_args={"timeout": 30, "check_same_thread": False})
    event.listen(engine, "connect", _sqlite_pragmas)
    event.listen(engine, "begin", _sqlite_begin)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """Per-connection settings; autocommit at the driver so SQLAlchemy controls BEGIN."""
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    """Start every transaction explicitly, so DDL and writes are atomic (pysqlite does not)."""
    mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
    connection.exec_driver_sql(f"BEGIN {mode}")


def safe_url(url: str) -> str:
    """A URL fit to print: the password hidden."""
    try:
        return make_url(normalise_url(url)).render_as_string(hide_password=True)
    except ArgumentError:
        return "<invalid URL>"


def _alembic_config(connection: Connection) -> Config:
    """Alembic settings pointing at the migrations shipped in this package."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def schema_status(engine: Engine) -> SchemaStatus:
    """The database's revision and the migrations still to apply."""
    script = ScriptDirectory(str(MIGRATIONS))
    head = script.get_current_head() or ""
    try:
        with engine.connect() as connection:
            current = MigrationContext.configure(connection).get_current_revision()
    except OperationalError as exc:
        raise StoreError(f"cannot open {safe_url(str(engine.url))}: {exc.orig}") from None
    pending = [rev.revision for rev in script.iterate_revisions(head, current)]
    return SchemaStatus(safe_url(str(engine.url)), current, head, list(reversed(pending)))


def upgrade(engine: Engine) -> SchemaStatus:
    """Apply pending migrations in one transaction (serialised between processes on PostgreSQL)."""
    try:
        with engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": _LOCK_ID})
            command.upgrade(_alembic_config(connection), "head")
    except OperationalError as exc:
        raise StoreError(f"cannot open {safe_url(str(engine.url))}: {exc.orig}") from None
    except SQLAlchemyError as exc:
        raise MigrationError(f"migration failed on {safe_url(str(engine.url))}: {exc}") from exc
    return schema_status(engine)


def open_engine(url: str, *, migrate: bool = True) -> Engine:
    """An engine for `url`, its schema brought to head unless `migrate` is False."""
    engine = make_engine(url)
    if migrate and not schema_status(engine).up_to_date:
        upgrade(engine)
    return engine


@contextmanager
def transaction(engine: Engine) -> Iterator[Session]:
    """A session whose work commits together at the end, or not at all."""
    with Session(engine, expire_on_commit=False) as session, session.begin():
        yield session


def on_this_dialect(dialect: str) -> Any:
    """An Alembic `include_object` hook that skips indexes the models create on other dialects only."""

    def include(item: Any, name: str | None, kind: str, reflected: bool, compare_to: Any) -> bool:
        wanted = getattr(item, "info", {}).get("dialect") if kind == "index" and not reflected else None
        return wanted in (None, dialect)

    return include
