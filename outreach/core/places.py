"""Names of countries, cities and currencies per country, for spotting another market in an anchor."""

from __future__ import annotations

import tomllib
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from babel.numbers import get_currency_name, get_territory_currencies

from outreach.core import locales
from outreach.core.campaign import Campaign
from outreach.core.text import fold, ngrams, original_words, tokens

# Currency symbols that name one currency, read as their ISO code; `$` is left out because
# many pesos and dollars use it.
_SYMBOLS = {"R$": "BRL", "€": "EUR", "£": "GBP"}
_EXTRA_LANGUAGES = ("en",)


@dataclass(frozen=True)
class PlaceName:
    """One name found in a text, with every country it can mean."""

    text: str
    kind: str
    """`country`, `city` or `currency`."""
    countries: frozenset[str]


@cache
def _bundled() -> dict[str, dict[str, list[str]]]:
    """The bundled cities and aliases per country (outreach/data/places.toml)."""
    raw = files("outreach.data").joinpath("places.toml").read_text(encoding="utf-8")
    return tomllib.loads(raw)


@cache
def _currencies_of(country: str) -> tuple[str, ...]:
    """Currencies legal in a country today, from CLDR."""
    return tuple(get_territory_currencies(country))


class PlaceIndex:
    """Folded names → the countries (and kind) they denote, for a set of countries and languages."""

    def __init__(self, countries: set[str], languages: set[str],
                 extra_cities: dict[str, tuple[str, ...]]) -> None:
        self._names: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        for country in sorted(countries):
            self._add_country(country, languages, extra_cities.get(country, ()))
        self._longest = max((len(name.split()) for name in self._names), default=1)

    def _add(self, name: str, kind: str, country: str) -> None:
        folded = fold(name)
        if folded:
            self._names[folded][kind].add(country)

    def _add_country(self, country: str, languages: set[str], cities: tuple[str, ...]) -> None:
        bundled = _bundled().get(country, {})
        for language in sorted(languages | set(_EXTRA_LANGUAGES)):
            self._add(locales.country_name(country, display=language), "country", country)
            for code in _currencies_of(country):
                for count in (1, 2):
                    self._add(get_currency_name(code, count=count, locale=language), "currency", country)
        for alias in bundled.get("aliases", []):
            self._add(alias, "country", country)
        for city in [*bundled.get("cities", []), *cities]:
            self._add(city, "city", country)
        for code in _currencies_of(country):
            self._add(code, "currency", country)

    def find(self, text: str) -> list[PlaceName]:
        """Every known name in `text` as written there, longest first where names overlap."""
        for symbol, code in _SYMBOLS.items():
            text = text.replace(symbol, f" {code} ")
        words, written = tokens(text), original_words(text)
        if len(written) != len(words):
            written = words
        found: list[PlaceName] = []
        taken: set[int] = set()
        runs = sorted(ngrams(words, self._longest), key=lambda run: run[0] - run[1])
        for start, end, joined in runs:
            kinds = self._names.get(joined)
            if not kinds or taken & set(range(start, end)):
                continue
            taken |= set(range(start, end))
            as_written = " ".join(written[start:end])
            for kind, countries in kinds.items():
                found.append(PlaceName(as_written, kind, frozenset(countries)))
        return found

    def foreign_names(self, text: str, target_country: str) -> list[PlaceName]:
        """Names in `text` that cannot mean the target country (ambiguous names are allowed)."""
        found = self.find(text)
        local = {name.text for name in found if target_country in name.countries}
        return [name for name in found if name.text not in local]


def index_for(campaign: Campaign) -> PlaceIndex:
    """The place index of a campaign: its markets' countries, in its languages."""
    countries = {market.country for market in campaign.markets.values()}
    cities: dict[str, tuple[str, ...]] = defaultdict(tuple)
    for market in campaign.markets.values():
        cities[market.country] += market.cities
    return PlaceIndex(countries, set(campaign.languages), dict(cities))
