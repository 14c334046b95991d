"""Every shortcut of the bulk import gives what the slow path gives: hosts, emails, memos, indexes, GC."""

from __future__ import annotations

import gc
import random
import string
from collections.abc import Iterator
from pathlib import Path

import pytest
from email_validator import EmailNotValidError, validate_email
from sqlalchemy import Column, Engine, Index, Integer, MetaData, String, Table, create_engine, text

from outreach.core.bulk import bulk_insert, indexes_deferred
from outreach.core.cell_memo import Memo, RowError
from outreach.core.db import make_engine
from outreach.core.geo import cctld_country, country_language, url_hint
from outreach.core.hot_loops import gc_paused
from outreach.core.inference import Evidence, Inferred, infer_site, site_key
from outreach.core.normalise import CellError, normalise_email, plain_email
from outreach.core.prospect_rows import host_and_path, parsed_host_and_path


def _random_host(rng: random.Random) -> str:
    """A bare host-like string: letters, digits, dots, dashes, underscores, any case."""
    alphabet = string.ascii_letters + string.digits + ".-_"
    body = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 14)))
    return body + rng.choice(["", ".com", ".COM.mx", ".co.uk", ".", "..", ".xn--p1ai", ".local", ".ck"])


def test_bare_hosts_skip_the_url_parser_with_the_same_result() -> None:
    rng = random.Random(7)
    for candidate in (_random_host(rng) for _ in range(5000)):
        assert host_and_path(candidate) == parsed_host_and_path(candidate), candidate


@pytest.mark.parametrize("cell", ["Diario.COM.mx", "www.diario.mx.", "diario", "-x-.com", "a_b.es", "..",
                                  "https://diario.mx/a", "diario.mx:8080", "user@diario.mx"])
def test_host_cells_agree_with_the_url_parser(cell: str) -> None:
    assert host_and_path(cell) == parsed_host_and_path(cell)


def _validator(address: str) -> str | None:
    """What email-validator makes of an address (None: refused)."""
    try:
        return validate_email(address, check_deliverability=False).normalized
    except EmailNotValidError:
        return None


def _random_address(rng: random.Random) -> str:
    """Addresses near the edges of the plain shape: case, dots, long parts, odd labels, several @."""
    local = "".join(rng.choice(string.ascii_letters + string.digits + "._+-@") for _ in range(rng.randint(0, 70)))
    labels = ["".join(rng.choice(string.ascii_letters + string.digits + "-") for _ in range(rng.randint(0, 8)))
              for _ in range(rng.randint(1, 3))]
    tld = rng.choice(["com", "MX", "de", "c0m", "x", "local", "test", "arpa", "xn--p1ai", "onion"])
    return f"{local}@{'.'.join([*labels, tld])}"


def test_the_plain_email_shape_is_a_subset_of_what_email_validator_accepts() -> None:
    rng = random.Random(11)
    plain = 0
    for address in (_random_address(rng) for _ in range(4000)):
        fast = plain_email(address)
        if fast is not None:
            plain += 1
            assert fast == _validator(address), address
    assert plain > 200  # the sample does exercise the fast path


@pytest.mark.parametrize("address", ["Ana.Garcia@Diario.COM.mx", "a+b@x-y.es", "ana@ab--cd.com", "ana@x.test",
                                     f"{'a' * 65}@diario.mx", "ana@@diario.mx", "ana.@diario.mx",
                                     f"ana@{'d' * 250}.com", "josé@correo.es"])
def test_normalised_emails_match_email_validator(address: str) -> None:
    try:
        found: str | None = normalise_email(address)
    except CellError:
        found = None
    assert found == _validator(address)


def test_a_memo_works_each_value_out_once_and_never_remembers_a_refusal() -> None:
    calls: list[str] = []

    def parse(value: str) -> int:
        calls.append(value)
        if not value.isdigit():
            raise RowError("dr", f"'{value}' is not a number")
        return int(value)

    memo = Memo(parse, limit=2)
    assert [memo["1"], memo["1"], memo["2"], memo["3"], memo["3"]] == [1, 1, 2, 3, 3]
    assert calls == ["1", "2", "3", "3"]  # past the limit, values are worked out again
    for _ in range(2):
        with pytest.raises(RowError, match="'x' is not a number") as caught:
            memo["x"]
        assert caught.value.field == "dr"
    assert "x" not in memo


METADATA = MetaData()
ITEMS = Table("items", METADATA, Column("id", Integer, primary_key=True), Column("name", String),
              Column("kind", String), Index("ix_items_name", "name"), Index("ix_items_kind_name", "kind", "name"),
              Index("uq_items_kind", "kind", "id", unique=True))


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    """A SQLite database with an indexed table."""
    made = make_engine(f"sqlite:///{tmp_path / 'i.db'}")
    METADATA.create_all(made)
    yield made
    made.dispose()


def _indexes(engine: Engine) -> list[tuple[str, str]]:
    """Index names and statements on the table."""
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'items' ORDER BY name"))]


def _plan(engine: Engine) -> str:
    """How SQLite finds rows by name (it must use the rebuilt index)."""
    with engine.connect() as connection:
        return " ".join(str(row[-1]) for row in connection.execute(
            text("EXPLAIN QUERY PLAN SELECT id FROM items WHERE name = 'n5'")))


def test_a_big_insert_rebuilds_the_same_indexes(engine: Engine) -> None:
    before = _indexes(engine)
    with engine.begin() as connection, indexes_deferred(connection, ITEMS, 100):
        assert len(_plain(connection)) == 1  # only the unique index is left while rows go in
        bulk_insert(connection, ITEMS, ("name", "kind"), [(f"n{i}", "k") for i in range(100)])
    assert _indexes(engine) == before
    assert "ix_items_name" in _plan(engine)


def _plain(connection: object) -> list[object]:
    """Indexes present on the table inside the transaction."""
    return list(connection.exec_driver_sql("PRAGMA index_list(items)").all())  # type: ignore[attr-defined]


def test_a_failed_import_leaves_the_indexes_in_place(engine: Engine) -> None:
    before = _indexes(engine)
    with pytest.raises(RuntimeError), engine.begin() as connection, indexes_deferred(connection, ITEMS, 100):
        raise RuntimeError("boom")
    assert _indexes(engine) == before


def test_a_small_insert_into_a_big_table_keeps_its_indexes(engine: Engine) -> None:
    with engine.begin() as connection:
        bulk_insert(connection, ITEMS, ("name", "kind"), [(f"n{i}", "k") for i in range(10)])
    with engine.begin() as connection, indexes_deferred(connection, ITEMS, 5):
        assert len(_plain(connection)) == 3


def test_without_a_real_transaction_nothing_is_dropped(tmp_path: Path) -> None:
    plain = create_engine(f"sqlite:///{tmp_path / 'p.db'}")  # pysqlite would autocommit the DROP
    METADATA.create_all(plain)
    with plain.begin() as connection, indexes_deferred(connection, ITEMS, 100):
        assert len(_plain(connection)) == 3
    plain.dispose()


def test_the_collector_is_paused_and_restored() -> None:
    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()  # a caller's own choice is kept
    finally:
        gc.enable()


@pytest.mark.parametrize(("hosts", "path", "shared"), [
    (["diario.com.mx", "otro.com.mx", "xn--bjrn-lra.com.mx"], "", True),
    (["mx.diario.com", "mx.otro.com"], "/es/economia", True),
    (["www.a.co.uk", "www.b.co.uk"], "/mx/", True),
    (["blog.a.ck", "blog.b.ck"], "", False),  # a wildcard suffix: a.ck and b.ck are suffixes themselves
    (["", ""], "/de/", True),
])
def test_inference_by_subdomain_and_suffix_is_inference_by_host(hosts: list[str], path: str,
                                                                shared: bool) -> None:
    keys = [site_key(host, path, None, None, "fr") for host in hosts]
    assert (len(set(keys)) == 1) is shared
    for host, key in zip(hosts, keys, strict=True):
        expected = Inferred(*_first_principles(Evidence(host, path, export_language="fr")))
        assert infer_site(key, "", frozenset({"es", "de"})) == expected


def _first_principles(evidence: Evidence) -> tuple[str | None, str, str | None, str]:
    """Country and language by the documented order, from the whole host (no key, no memo)."""
    cctld = cctld_country(evidence.host) if evidence.host else None
    hint = url_hint(evidence.host, evidence.path, frozenset({"es", "de"}))
    country = next(((value, source) for value, source in ((cctld, "cctld"), (hint.country, "path-hint"))
                    if value), (None, "unknown"))
    language = next(((value, source) for value, source in (
        (evidence.export_language, "export-language"), (hint.language, "path-hint"),
        (country_language(cctld) if cctld else None, "cctld")) if value), (None, "unknown"))
    return (*country, *language)
