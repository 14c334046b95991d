"""The export formats outreach imports, recognised by their headers, and how their columns map."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from outreach.core.csvread import Table
from outreach.errors import ImportFileError

FIELDS = ("domain", "url", "outlet", "contact_name", "first_name", "last_name", "email", "country",
          "language", "source_type", "timezone", "text")
"""What a row can tell about a prospect; `text` (titles, context) only feeds language detection."""

METRIC_ALIASES: Mapping[str, tuple[str, ...]] = {
    "dr": ("dr", "domain rating"),
    "ur": ("ur", "url rating"),
    "da": ("da", "domain authority"),
    "pa": ("pa", "page authority"),
    "as": ("as", "authority score", "domain ascore"),
    "page_as": ("page ascore",),
    "tf": ("tf", "trust flow", "trustflow", "sourcetrustflow"),
    "cf": ("cf", "citation flow", "citationflow", "sourcecitationflow"),
    "traffic": ("traffic", "domain traffic", "organic traffic", "monthly traffic"),
    "spam_score": ("spam score",),
}
"""Quality metrics by the name outreach keeps, with the headers that carry them (header_key form)."""

_OWN_COLUMNS: Mapping[str, tuple[str, ...]] = {
    "domain": ("domain", "root domain", "registered domain", "referring domain", "website domain"),
    "url": ("url", "website", "site", "page url", "homepage", "web"),
    "outlet": ("outlet", "outlet name", "publication", "site name", "website name", "media", "company"),
    "contact_name": ("contact name", "contact", "name", "full name", "journalist", "author"),
    "first_name": ("first name", "firstname", "given name"),
    "last_name": ("last name", "lastname", "surname", "family name"),
    "email": ("email", "e mail", "email address", "contact email", "mail"),
    "country": ("country", "audience country"),
    "language": ("language", "lang"),
    "source_type": ("source type", "type", "category", "outlet type"),
    "timezone": ("timezone", "time zone", "tz"),
}

Markers = tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Format:
    """One export format: the headers that identify it and the columns each field comes from."""

    name: str
    title: str
    markers: Markers
    """Header groups that must all be present (any alias of each group) to recognise the format."""
    columns: Mapping[str, tuple[str, ...]]
    metrics: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: METRIC_ALIASES)
    explicit: bool = False
    """Our own format: its country and language columns are explicit and its source types strict."""
    gap: bool = False
    """A gap report: one link-count column per compared site; rows already linking to us are skipped."""
    ignored: tuple[str, ...] = ()
    """Headers deliberately not read, such as Semrush's hosting `Country` (never the audience)."""

    def recognises(self, keys: Sequence[str]) -> bool:
        """Whether every marker group has a header in `keys`."""
        present = set(keys)
        return all(any(alias in present for alias in group) for group in self.markers)


@dataclass(frozen=True)
class ColumnMap:
    """Where each field and metric of one format sits in one table."""

    format: Format
    fields: dict[str, list[int]]
    metrics: dict[str, int]
    extra: list[int]
    """Columns no field reads: a gap report's per-site counts, or headers to mention as unused."""


def _ahrefs(name: str, title: str, markers: Markers) -> Format:
    """An Ahrefs export: page URL or domain, the page's language, DR/UR and traffic."""
    return Format(name, title, markers, {
        "url": ("referring page url",), "domain": ("domain",), "language": ("language",),
        "text": ("referring page title", "left context", "right context"),
    }, {**METRIC_ALIASES, "traffic": ("domain traffic", "traffic")})


FORMATS: tuple[Format, ...] = (
    _ahrefs("ahrefs-refdomains", "Ahrefs Referring domains",
            (("domain",), ("dr",), ("dofollow ref. domains", "dofollow ref domains"))),
    _ahrefs("ahrefs-backlinks", "Ahrefs Backlinks",
            (("referring page url",), ("domain rating",), ("target url",))),
    _ahrefs("ahrefs-intersect", "Ahrefs Link Intersect (pages)",
            (("referring page url",), ("domain rating",), ("intersect",))),
    _ahrefs("ahrefs-intersect-domains", "Ahrefs Link Intersect (domains)",
            (("domain",), ("domain rating",), ("intersect",))),
    Format("semrush-backlinks", "Semrush Backlinks",
           (("page ascore",), ("source url",), ("target url",)),
           {"url": ("source url",), "text": ("source title",)}),
    Format("semrush-refdomains", "Semrush Referring Domains",
           (("domain ascore", "authority score"), ("domain",), ("backlinks",)),
           {"domain": ("domain",)}, ignored=("country", "ip", "ip address")),
    Format("semrush-gap", "Semrush Backlink Gap",
           (("domain",), ("domain ascore", "authority score")),
           {"domain": ("domain",)}, gap=True, ignored=("matches",)),
    Format("majestic-backlinks", "Majestic Backlinks",
           (("source url", "sourceurl"), ("target url", "targeturl"), ("sourcetrustflow",)),
           {"url": ("source url", "sourceurl")}),
    Format("majestic-refdomains", "Majestic Referring Domains",
           (("domain",), ("refdomains",), ("trustflow",)),
           {"domain": ("domain",), "language": ("language",)}, ignored=("ip", "countrycode")),
    Format("moz-domains", "Moz Linking Domains", (("root domain",), ("domain authority",)),
           {"domain": ("root domain",)}),
    Format("moz-links", "Moz Inbound Links",
           (("url", "source url", "source page"), ("target url", "target page"), ("page authority",)),
           {"url": ("source url", "source page", "url"), "text": ("title",)}),
    Format("buzzstream", "BuzzStream contacts", (("relationship stage",),), {
        "contact_name": ("name", "full name", "contact name"), "first_name": ("first name",),
        "last_name": ("last name",), "email": ("email 1", "primary email", "email"),
        "url": ("website", "website url", "primary website", "link partner domain", "url"),
        "outlet": ("website name", "company", "organization", "link partner name"),
    }),
    Format("pitchbox", "Pitchbox partners", (("partner url",), ("contact email",)), {
        "url": ("partner url",), "email": ("contact email",), "contact_name": ("contact name",),
        "first_name": ("contact first name",), "last_name": ("contact last name",),
        "outlet": ("company",), "source_type": ("partner category",),
    }),
    Format("outreach", "outreach prospect CSV", (), _OWN_COLUMNS, explicit=True),
)
"""Every format, most specific first; `outreach` (ours) accepts any file with a domain, URL or email."""

_BY_NAME = {fmt.name: fmt for fmt in FORMATS}


def format_names() -> list[str]:
    """Names accepted by `--format`."""
    return [fmt.name for fmt in FORMATS]


def get_format(name: str) -> Format:
    """The format called `name`; ImportFileError lists the known ones."""
    try:
        return _BY_NAME[name.strip().lower()]
    except KeyError:
        raise ImportFileError(f"unknown format '{name}' (formats: {', '.join(format_names())})") from None


def detect_format(table: Table) -> Format:
    """The most specific format whose markers are all present; ours when it finds an identifying column."""
    keys = table.keys
    specific = [fmt for fmt in FORMATS if fmt.markers and fmt.recognises(keys)]
    if specific:
        return max(specific, key=lambda fmt: len(fmt.markers))
    own = _BY_NAME["outreach"]
    found = map_columns(own, keys).fields
    if any(name in found for name in ("domain", "url", "email")):
        return own
    raise ImportFileError(
        f"{table.path}: unrecognised format: no domain, URL or email column among the headers "
        f"({', '.join(table.headers) or 'none'}); name the columns as in the README's "
        f"'Prospect CSV format' or pass --format ({', '.join(format_names())})")


def map_columns(fmt: Format, keys: Sequence[str]) -> ColumnMap:
    """Locate each field's and metric's column; a field may read several (titles and contexts)."""
    position = {key: index for index, key in reversed(list(enumerate(keys)))}
    fields: dict[str, list[int]] = {}
    for name, aliases in fmt.columns.items():
        found = [position[alias] for alias in aliases if alias in position]
        if found:
            fields[name] = found if name == "text" else found[:1]
    metrics = {name: position[alias] for name, aliases in fmt.metrics.items()
               for alias in reversed(aliases) if alias in position}
    used = {index for indexes in fields.values() for index in indexes} | set(metrics.values())
    skipped = {position[key] for key in fmt.ignored if key in position}
    extra = [index for index, key in enumerate(keys) if index not in used | skipped and key]
    return ColumnMap(fmt, fields, metrics, extra)
