"""One row at a time: what each cell becomes, and why a row is refused."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from outreach.core.campaign_file import load_campaign
from outreach.core.cell_memo import Memo
from outreach.core.csvread import header_key
from outreach.core.formats import get_format, map_columns
from outreach.core.prospect_rows import RowError, RowReader, host_and_path, identity_of

OWN = ["domain", "url", "outlet", "contact_name", "first_name", "last_name", "email", "country", "language",
       "source_type", "dr", "traffic", "timezone"]


@pytest.fixture(scope="module")
def reader(demo_dir: Path) -> RowReader:
    """A reader of our own format for the es-MX market."""
    campaign = load_campaign(demo_dir)
    columns = map_columns(get_format("outreach"), [header_key(name) for name in OWN])
    return RowReader(columns, OWN, campaign.market("es-MX"), frozenset(campaign.languages))


@pytest.fixture(scope="module")
def demo_dir() -> Path:
    """The repository's demo workspace (module scope for the reader fixture)."""
    return Path(__file__).resolve().parents[2]


def row(**cells: str) -> list[str]:
    """A row of our format with these cells set."""
    return [cells.get(name, "") for name in OWN]


@pytest.mark.parametrize(("cells", "expected"), [
    pytest.param(row(domain="diario.com.mx"),
                 {"domain": "diario.com.mx", "host": None, "identity": "diario.com.mx|", "country": "MX",
                  "language": "es", "locality": "local"}, id="bare-domain"),
    pytest.param(row(domain="WWW.Diario.COM.MX."), {"domain": "diario.com.mx", "host": None},
                 id="www-and-case"),
    pytest.param(row(domain="https://www.diario.com.mx/contacto/"), {"domain": "diario.com.mx"},
                 id="url-in-domain"),
    pytest.param(row(domain="blog.diario.com.mx"), {"domain": "diario.com.mx", "host": "blog.diario.com.mx"},
                 id="subdomain-kept-as-host"),
    pytest.param(row(url="http://diario.com.mx:8080/x"),
                 {"domain": "diario.com.mx", "url": "http://diario.com.mx:8080/x"}, id="url-with-port"),
    pytest.param(row(domain="bücher.de"), {"domain": "xn--bcher-kva.de", "country": "DE"}, id="idn-punycode"),
    pytest.param(row(email="ana@diario.com.mx"), {"domain": "diario.com.mx", "email": "ana@diario.com.mx",
                                                  "identity": "diario.com.mx|e:ana@diario.com.mx"},
                 id="domain-from-work-email"),
    pytest.param(row(domain="diario.com.mx", email="Ana@Diario.com.mx"),
                 {"email": "Ana@diario.com.mx", "identity": "diario.com.mx|e:ana@diario.com.mx"},
                 id="email-case"),
    pytest.param(row(domain="diario.com.mx", contact_name="Pérez, Ana"),
                 {"contact_name": "Ana Pérez", "first_name": "Ana", "identity": "diario.com.mx|n:ana perez"},
                 id="swapped-name"),
    pytest.param(row(domain="diario.com.mx", first_name="Ana", last_name="Pérez"),
                 {"contact_name": "Ana Pérez", "first_name": "Ana"}, id="name-in-parts"),
    pytest.param(row(domain="diario.com.mx", contact_name="Ana Pérez", first_name="Anita"),
                 {"first_name": "Anita"}, id="first-name-given"),
    pytest.param(row(domain="diario.com.mx", contact_name="  Ana   Pérez "), {"contact_name": "Ana Pérez"},
                 id="name-spaces"),
    pytest.param(row(domain="site.com", country="Mexico", language="Spanish"),
                 {"country": "MX", "country_source": "explicit", "language": "es",
                  "language_source": "explicit"}, id="explicit-names"),
    pytest.param(row(domain="site.com", language="en"), {"locality": "global", "language": "en"},
                 id="english-dotcom-is-global"),
    pytest.param(row(domain="site.com"), {"locality": "unknown", "country": None}, id="dotcom-unknown"),
    pytest.param(row(domain="diario.es"), {"locality": "global", "country": "ES"}, id="spanish-site-in-mx"),
    pytest.param(row(domain="site.com", source_type="global publication"),
                 {"locality": "global", "source_type": "global-publication"}, id="global-publication"),
    pytest.param(row(domain="site.com", url="https://site.com/mx/"),
                 {"country": "MX", "country_source": "path-hint", "locality": "local"}, id="path-hint-local"),
    pytest.param(row(domain="diario.com.mx", dr="45", traffic="1.234.567"),
                 {"metrics": {"dr": 45.0, "traffic": 1234567.0}}, id="metrics"),
    pytest.param(row(domain="diario.com.mx", dr="n/a"), {"metrics": {}}, id="missing-metric"),
    pytest.param(row(domain="diario.com.mx", timezone="America/Tijuana"), {"timezone": "America/Tijuana"},
                 id="timezone"),
    pytest.param(row(domain="diario.com.mx", source_type="Trade Publication"), {"source_type": "trade"},
                 id="source-type-alias"),
])
def test_rows_become_records(reader: RowReader, cells: list[str], expected: dict[str, Any]) -> None:
    record = reader.read(cells)
    assert {key: record[key] for key in expected} == expected


@pytest.mark.parametrize(("cells", "field", "reason"), [
    pytest.param(row(), "domain", "no domain", id="empty"),
    pytest.param(row(email="ana@gmail.com"), "domain", "no domain", id="free-mail-only"),
    pytest.param(row(domain="not a domain"), "domain", "is not a domain or URL", id="spaces"),
    pytest.param(row(domain="localhost"), "domain", "is not a domain or URL", id="no-suffix"),
    pytest.param(row(url="https:///path"), "url", "is not a domain or URL", id="url-without-host"),
    pytest.param(row(domain="diario.com.mx", email="ana@"), "email", "is not a valid email", id="bad-email"),
    pytest.param(row(domain="diario.com.mx", dr="lots"), "dr", "'lots' is not a number", id="bad-metric"),
    pytest.param(row(domain="diario.com.mx", country="Atlantis"), "country", "'Atlantis' is not a country",
                 id="bad-country"),
    pytest.param(row(domain="diario.com.mx", language="Klingon"), "language", "'Klingon' is not a language",
                 id="bad-language"),
    pytest.param(row(domain="diario.com.mx", source_type="podcast"), "source_type", "unknown source type",
                 id="bad-source-type"),
    pytest.param(row(domain="diario.com.mx", timezone="Mexico/Nowhere"), "timezone", "unknown time zone",
                 id="bad-timezone"),
])
def test_bad_rows_name_the_field(reader: RowReader, cells: list[str], field: str, reason: str) -> None:
    with pytest.raises(RowError, match=reason) as caught:
        reader.read(cells)
    assert caught.value.field == field


def test_short_rows_read_as_blank_cells(reader: RowReader) -> None:
    assert reader.read(["diario.com.mx"])["domain"] == "diario.com.mx"


def test_forgetting_empties_every_memo_and_reads_the_same_after(demo_dir: Path) -> None:
    campaign = load_campaign(demo_dir)
    columns = map_columns(get_format("outreach"), [header_key(name) for name in OWN])
    fresh = RowReader(columns, OWN, campaign.market("es-MX"), frozenset(campaign.languages))
    cells = row(domain="diario.com.mx", email="ana@diario.com.mx", contact_name="Ana Pérez", dr="45")
    first = fresh.read(cells)
    fresh.forget()
    memos = [value for value in vars(fresh).values() if isinstance(value, Memo)]
    memos += [memo for _, _, memo in fresh._metric_columns]
    assert memos and not any(memos)
    assert fresh.read(cells) == first


def test_an_exports_odd_language_is_ignored_not_fatal(demo_dir: Path) -> None:
    campaign = load_campaign(demo_dir)
    headers = ["Referring page URL", "Language", "Domain rating", "Target URL"]
    columns = map_columns(get_format("ahrefs-backlinks"), [header_key(name) for name in headers])
    export = RowReader(columns, headers, campaign.market("es-MX"), frozenset(campaign.languages))
    record = export.read(["https://diario.com.mx/x", "Klingon", "40", "https://www.tallyro.com/mx/"])
    assert (record["language"], record["language_source"]) == ("es", "cctld")
    record = export.read(["https://site.com/x", "en", "40", "https://www.tallyro.com/mx/"])
    assert (record["language"], record["language_source"]) == ("en", "export-language")


@pytest.mark.parametrize(("domain", "email", "name", "identity"), [
    ("diario.mx", "Ana@Diario.mx", "Ana", "diario.mx|e:ana@diario.mx"),
    ("diario.mx", None, "Pérez  Ana", "diario.mx|n:ana perez"),
    ("diario.mx", None, "Ana Pérez", "diario.mx|n:ana perez"),
    ("diario.mx", None, None, "diario.mx|"),
])
def test_identity(domain: str, email: str | None, name: str | None, identity: str) -> None:
    assert identity_of(domain, email, name) == identity


@pytest.mark.parametrize(("text", "host", "path"), [
    ("diario.mx", "diario.mx", ""),
    ("https://Diario.MX/a/b?x=1", "diario.mx", "/a/b"),
    ("//diario.mx/", "diario.mx", "/"),
    ("diario", "", ""),
    ("http://[::1]/", "", ""),
    ("two words.mx", "", ""),
])
def test_host_and_path(text: str, host: str, path: str) -> None:
    assert host_and_path(text) == (host, path)
