"""Edges worth pinning: failed writes, free-mail providers, every market's ccTLD, format names."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from outreach.core.csvread import read_table, write_csv
from outreach.core.formats import FORMATS, detect_format
from outreach.core.geo import cctld_country
from outreach.core.normalise import CellError, normalise_email, parse_number
from outreach.core.prospect_rows import FREE_MAIL


def test_a_failed_write_leaves_neither_file_nor_temporary(tmp_path: Path) -> None:
    def rows() -> Iterator[list[str]]:
        yield ["1"]
        raise RuntimeError("disk full")

    target = tmp_path / "out.csv"
    with pytest.raises(RuntimeError, match="disk full"):
        write_csv(target, ["id"], rows())
    assert list(tmp_path.iterdir()) == []


def test_an_existing_file_is_replaced_whole(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_text("old\n", encoding="utf-8")
    write_csv(target, ["id"], [["1"]])
    assert target.read_text(encoding="utf-8-sig").splitlines() == ["id", "1"]


@pytest.mark.parametrize(("host", "country"), [
    ("a.com.mx", "MX"), ("a.es", "ES"), ("a.com.ar", "AR"), ("a.de", "DE"), ("a.co.uk", "GB"), ("a.fr", "FR"),
    ("a.com.br", "BR"), ("a.gob.mx", "MX"), ("a.org.ar", "AR"), ("a.gov.br", "BR"), ("a.at", "AT"),
    ("a.ch", "CH"), ("a.ie", "IE"), ("a.pt", "PT"), ("a.be", "BE"), ("a.cl", "CL"), ("a.pe", "PE"),
])
def test_every_market_neighbour_cctld(host: str, country: str) -> None:
    assert cctld_country(host) == country


@pytest.mark.parametrize("tld", ["ad", "as", "bz", "cc", "cd", "co", "dj", "fm", "gg", "io", "la", "me", "ms",
                                 "nu", "sc", "sr", "su", "tv", "tk", "ws", "eu", "asia"])
def test_googles_generic_cctlds_name_no_country(tld: str) -> None:
    assert cctld_country(f"site.{tld}") is None


@pytest.mark.parametrize("provider", ["gmail.com", "hotmail.es", "outlook.com", "yahoo.com.mx", "gmx.de",
                                      "uol.com.br", "orange.fr", "btinternet.com", "prodigy.net.mx"])
def test_free_mail_providers_are_known(provider: str) -> None:
    assert provider in FREE_MAIL


def test_format_names_and_titles_are_unique() -> None:
    assert len({fmt.name for fmt in FORMATS}) == len({fmt.title for fmt in FORMATS}) == len(FORMATS)
    assert FORMATS[-1].name == "outreach", "ours is the fallback, tried last"


def test_ahrefs_intersect_in_domains_mode(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes("Domain\tDomain rating\tDomain traffic\tIntersect\trival.mx/\nuno.mx\t40\t100\t1\t1\n"
                     .encode("utf-16"))
    assert detect_format(read_table(path)).name == "ahrefs-intersect-domains"


@pytest.mark.parametrize(("cell", "number"), [
    ("+12", 12.0), ("1e3", 1000.0), ("2,000,000", 2000000.0), ("0,5", 0.5), ("99.9%", 99.9), ("—", None),
])
def test_more_numbers(cell: str, number: float | None) -> None:
    assert parse_number(cell) == number


@pytest.mark.parametrize("cell", ['"ana"@diario.mx', "ana@[127.0.0.1]", "ana@diario..mx"])
def test_unusual_addresses_are_refused(cell: str) -> None:
    with pytest.raises(CellError):
        normalise_email(cell)
