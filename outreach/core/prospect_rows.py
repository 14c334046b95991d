"""One export row → one normalised prospect record (a dict of `prospect` columns), or the reason it is bad."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import available_timezones

from outreach.core import geo
from outreach.core.campaign import Market
from outreach.core.formats import ColumnMap
from outreach.core.inference import Evidence, infer, locality
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


class RowError(ValueError):
    """A row cannot become a prospect; `field` names the column at fault."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(reason)
        self.field = field


@cache
def _timezones() -> frozenset[str]:
    """IANA zone names known to this Python."""
    return frozenset(available_timezones())


@lru_cache(maxsize=1 << 16)
def host_and_path(text: str) -> tuple[str, str]:
    """The normalised host and the path of a domain or URL; ('', '') when it is neither."""
    parts = urlsplit(text if "//" in text else f"//{text}")
    try:
        host = geo.normalise_host(parts.hostname or "")
    except ValueError:
        return "", ""
    if not host or " " in host or not geo.split_host(host).suffix:
        return "", ""
    return host, parts.path


def identity_of(domain: str, email: str | None, contact_name: str | None) -> str:
    """The dedupe key: the registered domain plus the contact's email, else name, else nothing."""
    if email:
        return f"{domain}|e:{email.lower()}"
    if contact_name:
        return f"{domain}|n:{' '.join(sorted(fold(contact_name).split()))}"
    return f"{domain}|"


@dataclass
class RowReader:
    """Reads rows of one table in one format for one market."""

    columns: ColumnMap
    headers: Sequence[str]
    market: Market
    languages: Collection[str]
    check_dns: bool = False

    def read(self, cells: Sequence[str]) -> Record:
        """The prospect this row describes; RowError says which field is wrong."""
        text = {name: self._cell(cells, name) for name in self.columns.fields if name != "text"}
        email = self._email(text.get("email", ""))
        host, url, path = self._site(text.get("domain", ""), text.get("url", ""), email)
        contact = self._contact(text)
        explicit = self.columns.format.explicit
        evidence = Evidence(host, path, *self._stated(text, explicit), self._joined_text(cells))
        found = infer(evidence, self.languages)
        kind = self._guard("source_type", source_type, text.get("source_type", ""), strict=explicit)
        domain = geo.split_host(host).registered_domain
        return {
            "identity": identity_of(domain, email, contact), "domain": domain,
            "host": host if host not in (domain, f"www.{domain}") else None, "url": url,
            "outlet": clean_text(text.get("outlet", "")) or None, "contact_name": contact,
            "first_name": clean_text(text.get("first_name", "")) or first_name_of(contact),
            "email": email, "country": found.country, "country_source": found.country_source,
            "language": found.language, "language_source": found.language_source,
            "locality": locality(self.market, found.country, found.language, kind),
            "source_type": kind, "metrics": self._metrics(cells), "timezone": self._zone(text),
        }

    def _cell(self, cells: Sequence[str], name: str) -> str:
        """The raw text of a field's column in this row ('' when the row is short)."""
        index = self.columns.fields[name][0]
        return cells[index] if index < len(cells) else ""

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

    def _email(self, value: str) -> str | None:
        """The contact's normalised address, if the row has one."""
        if is_missing(value):
            return None
        return str(self._guard("email", normalise_email, value, check_dns=self.check_dns))

    def _site(self, domain: str, url: str, email: str | None) -> tuple[str, str | None, str]:
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

    def _contact(self, text: dict[str, str]) -> str | None:
        """The contact's full name, from one column or from first and last names."""
        name = person_name(text.get("contact_name", ""))
        if not name:
            name = clean_text(f"{text.get('first_name', '')} {text.get('last_name', '')}")
        return name or None

    def _stated(self, text: dict[str, str], explicit: bool) -> tuple[str | None, str | None, str | None]:
        """(explicit country, explicit language, export language) as the columns state them."""
        country = self._guard("country", country_code, text.get("country", ""))
        language_cell = text.get("language", "")
        if explicit:
            return country, self._guard("language", language_code, language_cell), None
        try:
            return country, None, language_code(language_cell)
        except CellError:
            return country, None, None  # an export's odd language label is ignored, not fatal

    def _joined_text(self, cells: Sequence[str]) -> str:
        """Titles and context joined, for language detection."""
        indexes = self.columns.fields.get("text", [])
        return " ".join(cells[index] for index in indexes if index < len(cells))

    def _metrics(self, cells: Sequence[str]) -> dict[str, float]:
        """Every metric column with a value, by metric name."""
        found: dict[str, float] = {}
        for name, index in self.columns.metrics.items():
            value = cells[index] if index < len(cells) else ""
            try:
                number = parse_number(value)
            except CellError as exc:
                raise RowError(self.headers[index], str(exc)) from None
            if number is not None:
                found[name] = number
        return found

    def _zone(self, text: dict[str, str]) -> str | None:
        """The contact's IANA time zone, when the row gives one."""
        zone = text.get("timezone", "").strip()
        if not zone:
            return None
        if zone not in _timezones():
            raise RowError(self._header("timezone"), f"unknown time zone '{zone}' (use e.g. America/Tijuana)")
        return zone
