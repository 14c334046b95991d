"""One export row → one normalised prospect record (a dict of `prospect` columns), or the reason it is bad."""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from operator import itemgetter
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import available_timezones

from outreach.core import geo
from outreach.core.campaign import Market
from outreach.core.cell_memo import Memo
from outreach.core.cell_memo import RowError as RowError  # re-exported: importers catch it from here
from outreach.core.formats import ColumnMap
from outreach.core.inference import Evidence, infer, infer_site, locality, site_key
from outreach.core.normalise import (
    CellError,
    clean_text,
    country_code,
    email_domain,
    first_name_of,
    fold,
    is_missing,
    language_code,
    normalise_email,
    parse_number,
    person_name,
    source_type,
)

_BARE_HOST = re.compile(r"[A-Za-z0-9._-]+", re.ASCII)
"""A cell that is a host name and nothing else (no scheme, port, path or user)."""

CELLS = ("domain", "url", "outlet", "contact_name", "first_name", "last_name", "email", "country", "language",
         "source_type", "timezone")
"""The fields a row's cells are read for, in the order `RowReader.read` takes them."""

Record = dict[str, Any]
"""Column name → value, ready for a bulk insert into `prospect`."""

FREE_MAIL = frozenset({
    "gmail.com", "googlemail.com", "yahoo.com", "yahoo.es", "yahoo.com.mx", "yahoo.com.ar",
    "yahoo.com.br", "yahoo.de", "yahoo.fr", "yahoo.co.uk", "hotmail.com", "hotmail.es", "hotmail.de",
    "hotmail.fr", "hotmail.co.uk", "outlook.com", "outlook.es", "outlook.de", "outlook.fr", "live.com",
    "live.com.mx", "msn.com", "icloud.com", "me.com", "aol.com", "gmx.de", "gmx.net", "gmx.com",
    "web.de", "t-online.de", "proton.me", "protonmail.com", "yandex.com", "mail.ru", "orange.fr",
    "free.fr", "laposte.net", "wanadoo.fr", "sfr.fr", "uol.com.br", "bol.com.br", "terra.com.br",
    "ig.com.br", "prodigy.net.mx", "zoho.com", "fastmail.com", "btinternet.com", "sky.com",
})
"""Mail providers whose domain says nothing about the contact's site."""


@cache
def _timezones() -> frozenset[str]:
    """IANA zone names known to this Python."""
    return frozenset(available_timezones())


@lru_cache(maxsize=1 << 16)
def host_and_path(text: str) -> tuple[str, str]:
    """The normalised host and the path of a domain or URL; ('', '') when it is neither."""
    if _BARE_HOST.fullmatch(text):  # nothing for a URL parser to do: it would give the text, lower-cased
        return _checked_host(geo.normalise_host(text)), ""
    return parsed_host_and_path(text)


def parsed_host_and_path(text: str) -> tuple[str, str]:
    """`host_and_path` by the URL parser, for anything that is not a bare host name."""
    parts = urlsplit(text if "//" in text else f"//{text}")
    try:
        host = geo.normalise_host(parts.hostname or "")
    except ValueError:
        return "", ""
    host = _checked_host(host)
    return (host, parts.path) if host else ("", "")


def _checked_host(host: str) -> str:
    """The host if it has a public suffix and no spaces, else ''."""
    if not host or " " in host or not geo.split_host(host).suffix:
        return ""
    return host


def identity_of(domain: str, email: str | None, contact_name: str | None) -> str:
    """The dedupe key: the registered domain plus the contact's email, else name, else nothing."""
    if email:
        return f"{domain}|e:{email.lower()}"
    if contact_name:
        return f"{domain}|n:{' '.join(sorted(fold(contact_name).split()))}"
    return f"{domain}|"


@dataclass
class RowReader:
    """Reads rows of one table in one format for one market.

    Every cell parser is a pure function of its cells, so each distinct value is worked out once per
    import (`Memo`); a million-row list repeats its domains, names, countries and metrics a lot.
    """

    columns: ColumnMap
    headers: Sequence[str]
    market: Market
    languages: Collection[str]
    check_dns: bool = False

    def __post_init__(self) -> None:
        found = {name: indexes[0] for name, indexes in self.columns.fields.items() if name != "text"}
        self._width = max(found.values(), default=-1) + 1
        # Index -1 is the blank `read` puts after a row's cells: it stands for a column the format lacks.
        self._cells = itemgetter(*(found.get(name, -1) for name in CELLS))
        self._text_indexes = self.columns.fields.get("text", [])
        self._metric_columns = [(name, index, Memo(self._metric_parser(index)))
                                for name, index in self.columns.metrics.items()]
        self._candidates = frozenset(self.languages)
        explicit = self.columns.format.explicit
        self._email = Memo(self._parse_email)
        self._site = Memo(self._parse_site)
        self._mail_site = Memo(self._parse_mail_site)
        self._contact = Memo(self._parse_contact)
        self._stated = Memo(self._parse_stated)
        self._source_type = Memo(lambda cell: self._guard("source_type", source_type, cell, strict=explicit))
        self._zone = Memo(self._parse_zone)
        self._inferred = Memo(lambda key: infer_site(key, "", self._candidates))
        self._place = Memo(lambda key: locality(self.market, *key))
        self._first_name = Memo(lambda key: clean_text(key[0]) or first_name_of(key[1]))

    def read(self, cells: Sequence[str]) -> Record:
        """The prospect this row describes; RowError says which field is wrong."""
        width = len(cells)
        padded = [*cells, ""] if width >= self._width else [*cells, *[""] * (self._width - width + 1)]
        (domain_cell, url_cell, outlet_cell, contact_cell, first_cell, last_cell, email_cell, country_cell,
         language_cell, type_cell, zone_cell) = self._cells(padded)
        email = self._email[email_cell]
        host, url, path, domain = self._site[domain_cell, url_cell] or self._mail_site[email]
        contact = self._contact[contact_cell, first_cell, last_cell]
        country, language, export_language = self._stated[country_cell, language_cell]
        joined = self._joined_text(cells, width) if self._text_indexes else ""
        if joined:
            found = infer(Evidence(host, path, country, language, export_language, joined), self._candidates)
        else:
            found = self._inferred[site_key(host, path, country, language, export_language)]
        kind = self._source_type[type_cell]
        place = self._place[found.country, found.language, kind]
        metrics = self._metrics(cells, width)
        return {
            "identity": identity_of(domain, email, contact), "domain": domain,
            "host": host if host not in (domain, f"www.{domain}") else None, "url": url,
            "outlet": clean_text(outlet_cell) or None, "contact_name": contact,
            "first_name": self._first_name[first_cell, contact],
            "email": email, "country": found.country, "country_source": found.country_source,
            "language": found.language, "language_source": found.language_source,
            "locality": place, "source_type": kind, "metrics": metrics,
            "timezone": self._zone[zone_cell],
        }

    def _joined_text(self, cells: Sequence[str], width: int) -> str:
        """The row's titles and context, one string, for language detection."""
        return " ".join(cells[index] for index in self._text_indexes if index < width)

    def forget(self) -> None:
        """Empty every memo, freeing the values now: a memo's parser refers back to the reader, so left
        to themselves they wait for the cyclic collector, which walks each remembered value."""
        for memo in vars(self).values():
            if isinstance(memo, Memo):
                memo.clear()
        for _, _, memo in self._metric_columns:
            memo.clear()

    def _header(self, name: str) -> str:
        """The header a field was read from, to name it in messages."""
        indexes = self.columns.fields.get(name)
        return self.headers[indexes[0]] if indexes else name

    def _guard(self, name: str, parse: Any, value: str, **kwargs: Any) -> Any:
        """Run a cell parser, turning its complaint into a RowError naming the column."""
        try:
            return parse(value, **kwargs)
        except CellError as exc:
            raise RowError(self._header(name), str(exc)) from None

    def _parse_email(self, value: str) -> str | None:
        """The contact's normalised address, if the row has one."""
        if is_missing(value):
            return None
        return str(self._guard("email", normalise_email, value, check_dns=self.check_dns))

    def _parse_site(self, cells: tuple[str, str]) -> tuple[str, str | None, str, str] | None:
        """(host, url, path, registered domain) from the domain or URL column; None when both are blank."""
        domain, url = cells
        if is_missing(domain) and is_missing(url):
            return None
        host, keep_url, path = self._site_of(domain, url, None)
        return host, keep_url, path, geo.split_host(host).registered_domain

    def _parse_mail_site(self, email: str | None) -> tuple[str, str | None, str, str]:
        """(host, url, path, registered domain) from a work email address, for rows with no site column."""
        host, keep_url, path = self._site_of("", "", email)
        return host, keep_url, path, geo.split_host(host).registered_domain

    def _site_of(self, domain: str, url: str, email: str | None) -> tuple[str, str | None, str]:
        """(host, url, path) from the domain or URL column, else from a work email address."""
        column = "domain" if not is_missing(domain) else "url"
        source = domain if column == "domain" else url
        if is_missing(source):
            mail_domain = email_domain(email)
            if mail_domain and geo.split_host(mail_domain).registered_domain not in FREE_MAIL:
                return geo.normalise_host(mail_domain), None, ""
            raise RowError("domain", "no domain: the row has no domain, URL or work email address")
        host, path = host_and_path(source.strip())
        if not host:
            raise RowError(self._header(column), f"'{source.strip()}' is not a domain or URL")
        keep_url = clean_text(url) if not is_missing(url) else None
        if keep_url and column == "domain":
            path = path or host_and_path(keep_url)[1]  # a page's path can hint where the site aims
        return host, keep_url, path

    @staticmethod
    def _parse_contact(cells: tuple[str, str, str]) -> str | None:
        """The contact's full name, from one column or from first and last names."""
        full, first, last = cells
        name = person_name(full)
        if not name:
            name = clean_text(f"{first} {last}")
        return name or None

    def _parse_stated(self, cells: tuple[str, str]) -> tuple[str | None, str | None, str | None]:
        """(explicit country, explicit language, export language) as the columns state them."""
        country_cell, language_cell = cells
        country = self._guard("country", country_code, country_cell)
        if self.columns.format.explicit:
            return country, self._guard("language", language_code, language_cell), None
        try:
            return country, None, language_code(language_cell)
        except CellError:
            return country, None, None  # an export's odd language label is ignored, not fatal

    def _metric_parser(self, index: int) -> Any:
        """A parser of one metric column's cells, naming that column when a cell is not a number."""
        def parse(value: str) -> float | None:
            try:
                return parse_number(value)
            except CellError as exc:
                raise RowError(self.headers[index], str(exc)) from None
        return parse

    def _metrics(self, cells: Sequence[str], width: int) -> dict[str, float]:
        """Every metric column with a value, by metric name."""
        found: dict[str, float] = {}
        for name, index, parse in self._metric_columns:
            number = parse[cells[index] if index < width else ""]
            if number is not None:
                found[name] = number
        return found

    def _parse_zone(self, cell: str) -> str | None:
        """The contact's IANA time zone, when the row gives one."""
        zone = cell.strip()
        if not zone:
            return None
        if zone not in _timezones():
            raise RowError(self._header("timezone"), f"unknown time zone '{zone}' (use e.g. America/Tijuana)")
        return zone
