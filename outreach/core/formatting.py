"""Babel formatting in a market's locale: numbers, percents, currencies, dates, names and plurals.

Nothing here hard-codes a format: every pattern, separator and space (U+00A0, U+202F) comes from
CLDR through Babel and is kept exactly. Results are cached, since pitches repeat the same figures.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from functools import cache, lru_cache

from babel import Locale
from babel.dates import format_date, format_skeleton
from babel.numbers import NumberPattern, format_currency, format_decimal, format_percent

from outreach.core import locales
from outreach.core.briefs import Hook

Number = int | float | Decimal
DATE_STYLES = ("short", "medium", "long", "full", "month")
"""`month` is CLDR's year-and-month skeleton (`marzo de 2025`, `März 2025`)."""

PLURAL_CATEGORIES = ("zero", "one", "two", "few", "many", "other")
COUNT_SLOT = "{n}"
"""Where a plural phrase puts the formatted count: `{n} empresas`."""


def as_decimal(value: object) -> Decimal:
    """A number as an exact Decimal (floats through their shortest repr); TypeError otherwise."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise TypeError(f"expected a number, got {type(value).__name__} {value!r}")
    return value if isinstance(value, Decimal) else Decimal(str(value))


@lru_cache(maxsize=4096)
def _number(tag: str, value: Decimal) -> str:
    return format_decimal(value, locale=locales.babel_locale(tag), decimal_quantization=False)


@lru_cache(maxsize=4096)
def _percent(tag: str, value: Decimal) -> str:
    return format_percent(value / 100, locale=locales.babel_locale(tag), decimal_quantization=False)


@lru_cache(maxsize=4096)
def _currency(tag: str, value: Decimal, code: str, whole: bool) -> str:
    locale = locales.babel_locale(tag)
    if not whole:
        return format_currency(value, code, locale=locale)
    return format_currency(value.quantize(Decimal(1)), code, locale=locale,
                           format=_whole_currency_pattern(tag), currency_digits=False)


@lru_cache(maxsize=4096)
def _plural_category(tag: str, count: str) -> str:
    """Keyed by the count's text, not its value: `1` and `1.0` fall in different categories."""
    return str(locales.babel_locale(tag).plural_form(Decimal(count)))


@cache
def _whole_currency_pattern(tag: str) -> NumberPattern:
    """The locale's own currency pattern with no fraction digits, so symbol and spacing stay CLDR's."""
    pattern: NumberPattern = copy.copy(locales.babel_locale(tag).currency_formats["standard"])
    pattern.frac_prec = (0, 0)
    return pattern


@lru_cache(maxsize=1024)
def _date(tag: str, value: date, style: str) -> str:
    locale = locales.babel_locale(tag)
    if style == "month":
        return format_skeleton("yMMMM", value, locale=locale)
    return format_date(value, style, locale=locale)


class LocaleFormatter:
    """Formatting for one market tag; get one through `formatter(tag)`, which caches it."""

    def __init__(self, tag: str) -> None:
        self.tag = tag
        self.locale: Locale = locales.babel_locale(tag)

    def number(self, value: object) -> str:
        """A decimal number with the locale's separators: `1,234.5` (es-MX), `1.234,5` (es-ES)."""
        return _number(self.tag, as_decimal(value))

    def percent(self, value: object) -> str:
        """A percentage written as 34.7, shown the locale's way: `34.7%` (es-MX), `34,7 %` (es-ES)."""
        return _percent(self.tag, as_decimal(value))

    def currency(self, value: object, code: str, *, whole: bool = False) -> str:
        """An amount in `code`: `$1,234.50` (MXN in es-MX); `whole` drops the cents."""
        return _currency(self.tag, as_decimal(value), code.upper(), whole)

    def date(self, value: object, style: str = "long") -> str:
        """A date in one of DATE_STYLES: `7 de marzo de 2025` (long), `07/03/25` (short, es-MX)."""
        if not isinstance(value, date):
            raise TypeError(f"expected a date, got {type(value).__name__} {value!r}")
        if style not in DATE_STYLES:
            raise ValueError(f"unknown date style '{style}'; use one of {', '.join(DATE_STYLES)}")
        return _date(self.tag, value, style)

    def territory(self, code: str) -> str:
        """A country's name in the market's language: `MX` → `México`."""
        name = self.locale.territories.get(str(code).upper())
        if name is None:
            raise ValueError(f"'{code}' is not a territory code CLDR knows")
        return str(name)

    def language(self, code: str) -> str:
        """A language's name in the market's language: `de` → `alemán`."""
        name = self.locale.languages.get(str(code).lower())
        if name is None:
            raise ValueError(f"'{code}' is not a language code CLDR knows")
        return str(name)

    def plural_category(self, count: object) -> str:
        """The CLDR plural category of a count: Spanish has one, many (1 000 000) and other."""
        return _plural_category(self.tag, str(as_decimal(count)))

    def plural(self, count: object, forms: Mapping[str, str]) -> str:
        """The phrase for the count's category, with `{n}` replaced by the formatted count."""
        category = self.plural_category(count)
        phrase = forms.get(category, forms.get("other"))
        if phrase is None:
            raise ValueError(f"no '{category}' or 'other' form given for {count}")
        # Plain replacement, never str.format: the phrase is template text from reviewers.
        return phrase.replace(COUNT_SLOT, self.number(count))

    def required_plural_categories(self) -> tuple[str, ...]:
        """The categories this locale's plural rules use, `other` included."""
        tags = set(self.locale.plural_form.tags) | {"other"}
        return tuple(category for category in PLURAL_CATEGORIES if category in tags)

    def hook(self, hook: Hook) -> str:
        """A data hook's value as its unit says: number, percent, currency or long date."""
        if isinstance(hook.value, date):
            return self.date(hook.value, "long")
        if hook.unit == "percent":
            return self.percent(hook.value)
        if hook.currency:
            return self.currency(hook.value, hook.currency)
        return self.number(hook.value)


@cache
def formatter(tag: str) -> LocaleFormatter:
    """The cached formatter of a market tag (`es-MX`)."""
    return LocaleFormatter(tag)
