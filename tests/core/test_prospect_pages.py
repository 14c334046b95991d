"""The app's prospect listing: keyset pages in every order, a capped count, the last contact."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlmodel import select

from outreach.core import requests
from outreach.core.mailbox_tables import InboundEvent
from outreach.core.models import LinkRequest
from outreach.core.prospect_pages import Cursor, Listing, ListingRow, count, count_label, page
from outreach.errors import ProspectError
from tests.core.conftest import FIXTURES, Env


@pytest.fixture
def listed(env: Env) -> Env:
    """Two files in es-MX (metrics on some rows only, emails on some) and one in es-AR."""
    env.import_file(FIXTURES / "ahrefs_refdomains.csv")
    env.import_file(FIXTURES / "outreach_prospects.csv")
    env.import_file(FIXTURES / "moz_domains.csv", market="es-AR")
    return env


def walk(env: Env, listing: Listing) -> list[ListingRow]:
    """Every page, following the cursors."""
    rows: list[ListingRow] = []
    cursor: Cursor | None = None
    with env.session() as session:
        for _ in range(100):
            found = page(session, listing, cursor)
            rows += found.rows
            if found.next is None:
                return rows
            cursor = found.next
    raise AssertionError("the pages never ended")


def key_of(row: ListingRow, sort: str) -> Any:
    """The value a row is sorted by."""
    name = sort.lstrip("-")
    return row.metrics.get(name) if name in ("dr", "traffic") else getattr(row, name)


@pytest.mark.parametrize("sort", ["domain", "-domain", "dr", "-dr", "email", "-email", "country", "-traffic"])
def test_keyset_pages_cover_every_row_once_in_order(listed: Env, sort: str) -> None:
    everything = walk(listed, Listing(listed.campaign_id, "es-MX", sort=sort, limit=1000))
    paged = walk(listed, Listing(listed.campaign_id, "es-MX", sort=sort, limit=3))
    assert [row.id for row in paged] == [row.id for row in everything]
    with listed.session() as session:
        assert len(paged) == count(session, Listing(listed.campaign_id, "es-MX")) > 6
    values = [key_of(row, sort) for row in paged]
    present = [value for value in values if value is not None]
    assert values == present + [None] * (len(values) - len(present))  # NULLs last either way
    assert present == sorted(present, reverse=sort.startswith("-"))


def test_filter_text_matches_any_field_case_insensitively_and_literally(listed: Env) -> None:
    rows = walk(listed, Listing(listed.campaign_id, "es-MX", text="DIARIO"))
    assert rows and all("diario" in " ".join(str(value).lower() for value in
                                              (row.domain, row.outlet, row.contact_name, row.email))
                        for row in rows)
    assert walk(listed, Listing(listed.campaign_id, "es-MX", text="%")) == []
    assert walk(listed, Listing(listed.campaign_id, "es-MX", text="_")) == []
    assert {row.domain for row in walk(listed, Listing(listed.campaign_id, None))} > \
        {row.domain for row in walk(listed, Listing(listed.campaign_id, "es-MX"))}


def test_count_stops_at_the_cap(listed: Env) -> None:
    with listed.session() as session:
        everything = count(session, Listing(listed.campaign_id, "es-MX"))
        assert count(session, Listing(listed.campaign_id, "es-MX"), cap=3) == 4
        assert count(session, Listing(listed.campaign_id, "es-MX"), cap=everything) == everything
    assert (count_label(4, cap=3), count_label(3, cap=3), count_label(9876), count_label(12345)) == ("3+", "3", "9,876", "10,000+")


def test_unknown_sort_is_refused(listed: Env) -> None:
    with listed.session() as session, pytest.raises(ProspectError, match="cannot sort by 'colour'"):
        page(session, Listing(listed.campaign_id, "es-MX", sort="colour"))


def test_last_contact_is_the_latest_pitch(listed: Env) -> None:
    first = walk(listed, Listing(listed.campaign_id, "es-MX"))[0]
    assert first.last_contact is None
    with listed.session() as session:
        for day in (3, 9):
            request = requests.create(session, listed.campaign, listed.campaign_id, prospect_id=first.id,
                                      page_url="https://www.tallyro.com/mx/nomina/", anchor="Tallyro",
                                      actor="tester")
            request.pitched_at = datetime(2026, 11, day, 10, tzinfo=UTC)
            session.add(request)
        assert len(session.exec(select(LinkRequest)).all()) == 2
    again = walk(listed, Listing(listed.campaign_id, "es-MX"))[0]
    assert again.last_contact == datetime(2026, 11, 9, 10, tzinfo=UTC)


def test_last_mail_is_the_latest_reply_bounce_or_unsubscribe(listed: Env) -> None:
    first, second = walk(listed, Listing(listed.campaign_id, "es-MX"))[:2]
    assert first.last_mail is None
    events = [("reply", first.id, datetime(2026, 11, 20, 9, tzinfo=UTC)),
              ("hard-bounce", first.id, datetime(2026, 11, 22, 9, tzinfo=UTC)),
              ("auto-reply", first.id, datetime(2026, 11, 23, 9, tzinfo=UTC)),
              ("unsubscribe", second.id, None)]
    with listed.session() as session:
        for uid, (kind, prospect_id, received) in enumerate(events, start=1):
            session.add(InboundEvent(mailbox="mx", folder="INBOX", uidvalidity=1, uid=uid,
                                     message_key=f"<m{uid}@example.com>", kind=kind, prospect_id=prospect_id,
                                     received_at=received, recorded_at=datetime(2026, 11, 24, 9, tzinfo=UTC)))
    again = {row.id: row for row in walk(listed, Listing(listed.campaign_id, "es-MX"))}
    assert again[first.id].last_mail == "hard-bounce 2026-11-22"
    assert again[second.id].last_mail == "unsubscribe 2026-11-24"
