"""Cleaning one cell at a time: names, numbers, emails, countries, languages and source types."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import pycountry
from email_validator import EmailNotValidError, validate_email

from outreach.core.locales import is_country, is_language
from outreach.core.models import SOURCE_TYPES

_SPACES = re.compile(r"\s+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_NUMBER_JUNK = re.compile(r"[\s\u00a0\u202f'%]")
_MISSING = frozenset({"", "-", "–", "—", "n/a", "na", "none", "null", "nan"})
# The common shape of an address: email-validator accepts all of these, so only the rest pay for it.
_PLAIN_LOCAL = re.compile(r"[a-z0-9_+-]+(?:\.[a-z0-9_+-]+)*", re.IGNORECASE | re.ASCII)
_PLAIN_DOMAIN = re.compile(r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}",
                           re.IGNORECASE | re.ASCII)
_RESERVED_LABEL = re.compile(r"^..--", re.ASCII)
_SPECIAL_USE_TLDS = frozenset({"arpa", "invalid", "local", "localhost", "onion", "test"})

SOURCE_TYPE_ALIASES: dict[str, str] = {
    "press": "press", "news": "press", "newspaper": "press", "media": "press", "magazine": "press",
    "news site": "press", "local press": "press", "periodico": "press", "periódico": "press",
    "trade": "trade", "trade publication": "trade", "trade press": "trade", "industry": "trade",
    "association": "association", "asociación": "association", "verband": "association",
    "government": "government", "government/institution": "government", "institution": "government",
    "gov": "government", "university": "government", "education": "government",
    "directory": "directory", "listing": "directory",
    "blogger": "blogger", "blog": "blogger", "influencer": "blogger",
    "chamber": "chamber", "chamber of commerce": "chamber", "cámara": "chamber", "camara": "chamber",
    "global publication": "global-publication", "global-publication": "global-publication",
    "global": "global-publication", "international": "global-publication",
    "other": "other",
}
"""Spellings people and tools use for each source type (keys case-folded)."""

_COUNTRY_SLIPS = {"UK": "GB", "EL": "GR"}


class CellError(ValueError):
    """A cell that cannot be used; the message says why, for the rejects file."""


def clean_text(value: str) -> str:
    """Trimmed, inner whitespace collapsed, Unicode NFC."""
    if value.isascii() and value.isprintable() and "  " not in value and value == value.strip():
        return value  # the common case, already clean
    # Control characters (a NUL from a broken export) never reach the store: PostgreSQL refuses them.
    return unicodedata.normalize("NFC", _SPACES.sub(" ", _CONTROL.sub("", value)).strip())


def is_missing(value: str) -> bool:
    """Whether a cell means 'no value' (blank, a dash, n/a)."""
    return not value or (len(value) < 6 and value.strip().casefold() in _MISSING)


def person_name(value: str) -> str:
    """A contact's name, cleaned; `Pérez, Ana` becomes `Ana Pérez`."""
    name = clean_text(value)
    if name.count(",") == 1:
        last, first = (part.strip() for part in name.split(","))
        if last and first:
            name = f"{first} {last}"
    return name


def first_name_of(name: str | None) -> str | None:
    """The first word of a name, for greetings when no first name is given."""
    return name.split(" ", 1)[0] if name else None


def parse_number(value: str) -> float | None:
    """A metric from an export: `1,234`, `1.234.567`, `12,5`, `45%`; None when blank."""
    if is_missing(value):
        return None
    text = _NUMBER_JUNK.sub("", value)
    text = _decimal_point(text)
    try:
        number = float(text)
    except ValueError:
        raise CellError(f"'{value.strip()}' is not a number") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise CellError(f"'{value.strip()}' is not a number")
    return number


def _decimal_point(text: str) -> str:
    """Turn thousands separators and a decimal comma into plain Python float syntax."""
    commas, dots = text.count(","), text.count(".")
    if commas and dots:
        decimal = "," if text.rfind(",") > text.rfind(".") else "."
        thousands = "." if decimal == "," else ","
        return text.replace(thousands, "").replace(decimal, ".")
    separator = "," if commas else "." if dots else ""
    if not separator:
        return text
    whole, _, tail = text.rpartition(separator)
    grouped = len(tail) == 3 and whole.lstrip("+-") not in ("", "0")
    if text.count(separator) > 1 or grouped:
        return text.replace(separator, "")  # 1,234 and 1.234.567 group thousands; 0.125 does not
    return f"{whole}.{tail}"


def normalise_email(value: str, *, check_dns: bool = False) -> str:
    """A syntactically valid address (domain lower-cased); DNS checked only when asked."""
    address = value.strip().removeprefix("mailto:")
    plain = None if check_dns else plain_email(address)
    if plain is not None:
        return plain
    try:
        return validate_email(address, check_deliverability=check_dns).normalized
    except EmailNotValidError as exc:
        raise CellError(f"'{address}' is not a valid email address: {exc}") from None


def plain_email(address: str) -> str | None:
    """An address of the plain ASCII shape email-validator is known to accept, normalised as it would;
    None for anything else (which then goes to email-validator)."""
    local, at, domain = address.rpartition("@")
    if not at or len(address) > 254 or len(local) > 64 or not _PLAIN_LOCAL.fullmatch(local):
        return None
    lowered = _plain_domain(domain)
    return f"{local}@{lowered}" if lowered else None


@lru_cache(maxsize=1 << 16)
def _plain_domain(domain: str) -> str | None:
    """A mail domain of plain shape, lower-cased; None when email-validator must judge it."""
    if not _PLAIN_DOMAIN.fullmatch(domain):
        return None
    lowered = domain.lower()
    labels = lowered.split(".")
    if labels[-1] in _SPECIAL_USE_TLDS or any(_RESERVED_LABEL.match(label) for label in labels):
        return None
    return lowered


def email_domain(email: str | None) -> str | None:
    """The part of an address after the @."""
    return email.rpartition("@")[2].lower() if email and "@" in email else None


def source_type(value: str, *, strict: bool) -> str | None:
    """One of SOURCE_TYPES; unknown spellings are an error when strict, else 'other'."""
    if is_missing(value):
        return None
    key = clean_text(value).casefold().replace("_", " ")
    found = SOURCE_TYPE_ALIASES.get(key) or SOURCE_TYPE_ALIASES.get(key.replace("-", " "))
    if found:
        return found
    if strict:
        raise CellError(f"unknown source type '{value.strip()}' (use one of: {', '.join(SOURCE_TYPES)})")
    return "other"


@lru_cache(maxsize=1024)
def country_code(value: str) -> str | None:
    """ISO 3166-1 alpha-2 from a code (`mx`, `MEX`, `UK`) or an English name; None when blank."""
    if is_missing(value):
        return None
    text = clean_text(value)
    upper = _COUNTRY_SLIPS.get(text.upper(), text.upper())
    if len(upper) == 2 and is_country(upper):
        return upper
    try:
        return str(pycountry.countries.lookup(text).alpha_2)
    except LookupError:
        raise CellError(f"'{text}' is not a country (use an ISO 3166-1 code such as MX)") from None


@lru_cache(maxsize=1024)
def language_code(value: str) -> str | None:
    """ISO 639-1 from a code or tag (`es`, `es-MX`, `spa`) or an English name; None when blank."""
    if is_missing(value):
        return None
    text = clean_text(value)
    primary = re.split(r"[-_]", text, maxsplit=1)[0].lower()
    if len(primary) == 2 and is_language(primary):
        return primary
    try:
        found = pycountry.languages.lookup(primary if len(primary) == 3 else text)
    except LookupError:
        found = None
    code = getattr(found, "alpha_2", None)
    if not code:
        raise CellError(f"'{text}' is not a language (use an ISO 639-1 code such as es)")
    return str(code)


def fold(text: str) -> str:
    """Lower case without accents, for comparing names (`José` → `jose`)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))
