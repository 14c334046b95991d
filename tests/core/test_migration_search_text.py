"""Migration 0016: an existing store's prospects get their search text, and the step can be undone."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config

from outreach.core import db
from outreach.core.search_text import search_text

PEOPLE = [("diario.mx", "Diario del Bajío", "Lucía RAMÍREZ", "lucia@diario.mx"),
          ("otro.mx", None, None, None)]


def migrate(engine: sa.Engine, revision: str, *, down: bool = False) -> None:
    """Upgrade (or downgrade) the store to this revision."""
    with engine.begin() as connection:
        config = Config()
        config.set_main_option("script_location", str(db.MIGRATIONS))
        config.attributes["connection"] = connection
        (command.downgrade if down else command.upgrade)(config, revision)


@pytest.fixture
def at_0015(any_url: str) -> Iterator[sa.Engine]:
    """A store at 0015 holding two prospects (and the SQL of 0015's listing index)."""
    engine = db.make_engine(any_url)
    migrate(engine, "0015")
    now = datetime.now(UTC)
    with engine.begin() as connection:
        campaign = connection.execute(sa.text(
            "INSERT INTO campaign (slug, name, workspace, created_at) VALUES ('c', 'C', '/w', :now) RETURNING id"),
            {"now": now}).scalar_one()
        for number, (domain, outlet, contact, email) in enumerate(PEOPLE):
            connection.execute(sa.text(
                "INSERT INTO prospect (campaign_id, market, identity, domain, outlet, contact_name, email, "
                "country_source, language_source, locality, metrics, stage, do_not_contact, created_at, "
                "updated_at) VALUES (:c, 'es-MX', :i, :d, :o, :n, :e, 'unknown', 'unknown', 'unknown', '{}', "
                "'new', false, :now, :now)"),
                {"c": campaign, "i": f"p{number}", "d": domain, "o": outlet, "n": contact, "e": email, "now": now})
    yield engine
    engine.dispose()


def stored(engine: sa.Engine) -> list[str]:
    """The search text of each prospect, by id."""
    with engine.connect() as connection:
        return list(connection.execute(sa.text("SELECT search_text FROM prospect ORDER BY id")).scalars())


def indexes(engine: sa.Engine) -> set[str]:
    """Names of the prospect table's indexes."""
    return {str(index["name"]) for index in sa.inspect(engine).get_indexes("prospect")}


def test_upgrade_fills_in_existing_prospects_and_downgrade_undoes_it(at_0015: sa.Engine) -> None:
    sqlite = at_0015.dialect.name == "sqlite"
    migrate(at_0015, "0016")
    assert stored(at_0015) == [search_text(*person) for person in PEOPLE]
    assert stored(at_0015)[0] == "diario.mx\x1fdiario del bajío\x1flucía ramírez\x1flucia@diario.mx"
    assert ("ix_prospect_listing_search" in indexes(at_0015)) is sqlite
    assert ("ix_prospect_listing" in indexes(at_0015)) is not sqlite
    migrate(at_0015, "0015", down=True)
    columns = {column["name"] for column in sa.inspect(at_0015).get_columns("prospect")}
    assert "search_text" not in columns
    assert "ix_prospect_listing" in indexes(at_0015) and "ix_prospect_listing_search" not in indexes(at_0015)
    migrate(at_0015, "head")
    assert stored(at_0015) == [search_text(*person) for person in PEOPLE]
