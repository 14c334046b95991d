"""Every export format is recognised by its headers, and its columns land in the right fields."""

from __future__ import annotations

from pathlib import Path

import pytest

from outreach.core.csvread import read_table
from outreach.core.formats import FORMATS, detect_format, format_names, get_format, map_columns
from outreach.errors import ImportFileError

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


@pytest.mark.parametrize(("fixture", "name", "encoding", "delimiter"), [
    ("outreach_prospects.csv", "outreach", "utf-8", ","),
    ("ahrefs_refdomains.csv", "ahrefs-refdomains", "utf-16-le", "\t"),
    ("ahrefs_backlinks.csv", "ahrefs-backlinks", "utf-16-le", "\t"),
    ("ahrefs_intersect.csv", "ahrefs-intersect", "utf-16-le", "\t"),
    ("semrush_backlinks.csv", "semrush-backlinks", "utf-8", ","),
    ("semrush_refdomains.csv", "semrush-refdomains", "utf-8", ";"),
    ("semrush_gap.csv", "semrush-gap", "utf-8", ","),
    ("majestic_backlinks.csv", "majestic-backlinks", "utf-8", ","),
    ("majestic_refdomains.csv", "majestic-refdomains", "utf-8", ","),
    ("moz_domains.csv", "moz-domains", "utf-8", ","),
    ("moz_links.csv", "moz-links", "utf-8", ","),
    ("buzzstream_contacts.csv", "buzzstream", "cp1252", ","),
    ("pitchbox_partners.csv", "pitchbox", "utf-8-sig", ";"),
])
def test_each_fixture_is_recognised(fixture: str, name: str, encoding: str, delimiter: str) -> None:
    table = read_table(FIXTURES / fixture)
    assert detect_format(table).name == name
    assert (table.encoding, table.delimiter) == (encoding, delimiter)


def test_every_format_has_a_fixture() -> None:
    tested = {"outreach", "ahrefs-refdomains", "ahrefs-backlinks", "ahrefs-intersect", "semrush-backlinks",
              "semrush-refdomains", "semrush-gap", "majestic-backlinks", "majestic-refdomains",
              "moz-domains", "moz-links", "buzzstream", "pitchbox"}
    assert set(format_names()) - tested == {"ahrefs-intersect-domains"}


@pytest.mark.parametrize(("fixture", "field", "header"), [
    ("ahrefs_refdomains.csv", "domain", "Domain"),
    ("ahrefs_backlinks.csv", "url", "Referring page URL"),
    ("ahrefs_backlinks.csv", "language", "Language"),
    ("semrush_backlinks.csv", "url", "Source url"),
    ("majestic_backlinks.csv", "url", "Source URL"),
    ("moz_domains.csv", "domain", "Root Domain"),
    ("buzzstream_contacts.csv", "email", "Email 1"),
    ("buzzstream_contacts.csv", "url", "Website"),
    ("pitchbox_partners.csv", "source_type", "Partner Category"),
])
def test_fields_map_to_the_documented_headers(fixture: str, field: str, header: str) -> None:
    table = read_table(FIXTURES / fixture)
    columns = map_columns(detect_format(table), table.keys)
    assert table.headers[columns.fields[field][0]] == header


@pytest.mark.parametrize(("fixture", "metric", "header"), [
    ("ahrefs_refdomains.csv", "dr", "DR"),
    ("ahrefs_refdomains.csv", "traffic", "Traffic"),
    ("ahrefs_backlinks.csv", "dr", "Domain rating"),
    ("ahrefs_backlinks.csv", "traffic", "Domain traffic"),
    ("semrush_refdomains.csv", "as", "Domain ascore"),
    ("semrush_backlinks.csv", "page_as", "Page ascore"),
    ("majestic_backlinks.csv", "tf", "SourceTrustFlow"),
    ("majestic_refdomains.csv", "cf", "CitationFlow"),
    ("moz_domains.csv", "da", "Domain Authority"),
    ("outreach_prospects.csv", "dr", "dr"),
])
def test_metrics_keep_their_names(fixture: str, metric: str, header: str) -> None:
    table = read_table(FIXTURES / fixture)
    columns = map_columns(detect_format(table), table.keys)
    assert table.headers[columns.metrics[metric]] == header


def test_semrush_hosting_country_is_never_read() -> None:
    table = read_table(FIXTURES / "semrush_refdomains.csv")
    columns = map_columns(detect_format(table), table.keys)
    assert "country" not in columns.fields
    assert table.keys.index("country") not in columns.extra, "ignored on purpose, not 'unused'"


@pytest.mark.parametrize(("headers", "name"), [
    pytest.param(["Website", "E-Mail", "Full Name", "Publication"], "outreach", id="own-aliases"),
    pytest.param(["URL", "Contact"], "outreach", id="url-only"),
    pytest.param(["Email"], "outreach", id="email-only"),
    pytest.param(["Domain", "Domain ascore", "Backlinks", "IP", "Country"], "semrush-refdomains",
                 id="refdomains-beats-gap"),
    pytest.param(["Domain", "Authority Score", "mysite.com", "rival.com"], "semrush-gap", id="old-gap"),
    pytest.param(["SourceURL", "TargetURL", "SourceTrustFlow"], "majestic-backlinks", id="majestic-api"),
])
def test_formats_are_recognised_by_header_names(tmp_path: Path, headers: list[str], name: str) -> None:
    path = tmp_path / "x.csv"
    path.write_text(",".join(headers) + "\n" + ",".join("x" for _ in headers) + "\n", encoding="utf-8")
    assert detect_format(read_table(path)).name == name


def test_unrecognised_headers_say_what_to_do(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("foo,bar\n1,2\n", encoding="utf-8")
    with pytest.raises(ImportFileError, match=r"unrecognised format: no domain, URL or email.*foo, bar"):
        detect_format(read_table(path))


def test_forcing_an_unknown_format_lists_the_known_ones() -> None:
    with pytest.raises(ImportFileError, match="unknown format 'ahref' \\(formats: ahrefs-refdomains"):
        get_format("ahref")
    assert get_format(" Moz-Links ").name == "moz-links"


def test_marker_counts_make_detection_unambiguous() -> None:
    for fmt in FORMATS:
        others = [other for other in FORMATS if other is not fmt and other.markers == fmt.markers]
        assert not others, f"{fmt.name} shares its markers with {others[0].name}"
