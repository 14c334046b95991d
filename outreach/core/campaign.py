"""campaign.toml → Campaign, Market, TargetPage: validated, frozen, never half-loaded."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, time
from functools import cache, cached_property
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar, cast
from zoneinfo import available_timezones

from babel import UnknownLocaleError
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    field_validator,
    model_validator,
)

from outreach.core import locales
from outreach.core.plan_settings import MarketPlanning, PlanningSettings, RampPeriod
from outreach.core.rule_settings import RampStep, RuleSettings
from outreach.core.send_settings import SendingSettings
from outreach.errors import NotFoundError

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MixRule = Literal["local-first", "balanced", "global-first"]
ArchitectureType = Literal["cctld", "subdomain", "subfolder"]

T = TypeVar("T")

_WINDOW = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


def _parse_window(value: object) -> object:
    """Turn `"09:30-13:30"` into a (start, end) pair of times."""
    if not isinstance(value, str):
        return value
    match = _WINDOW.match(value)
    if not match:
        raise ValueError(f"'{value}' is not a window like '09:30-13:30'")
    h1, m1, h2, m2 = (int(group) for group in match.groups())
    if h1 > 23 or h2 > 24 or m1 > 59 or m2 > 59 or (h2 == 24 and m2):
        raise ValueError(f"'{value}' is not a valid time window")
    start, end = time(h1, m1), time(23, 59, 59) if h2 == 24 else time(h2, m2)
    if start >= end:
        raise ValueError(f"'{value}' ends before it starts")
    return (start, end)


Window = Annotated[tuple[time, time], BeforeValidator(_parse_window)]


@cache
def _timezones() -> frozenset[str]:
    """IANA time zone names known to this Python (tzdata)."""
    return frozenset(available_timezones())


class _Frozen(BaseModel):
    """Frozen model that rejects unknown keys, so typos in campaign.toml are reported."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class TargetPage(_Frozen):
    """One URL version of a page of the client site, for one market."""

    url: str = Field(min_length=1)
    """The page's canonical, absolute URL."""
    market: str
    """Tag of the market the page serves (set from the enclosing table)."""
    hreflang: str
    """The page's hreflang value; the market's tag unless this is a language-only page."""
    name: str | None = None
    """A short label for people ("Payroll software")."""
    cluster: str | None = None
    """The hreflang cluster of pages that are versions of each other."""
    mix: MixRule = "local-first"
    """Link mix rule: local-first, balanced or global-first."""
    keywords: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    """Target keywords per language code; a plain list means the page's language."""
    alternates: dict[str, str] | None = None
    """hreflang annotations the live page carries today, code → URL, to audit them."""
    local_share: float | None = Field(None, ge=0, le=1)
    """Planned share of local sources (e.g. 0.67); the local-mix rule aims at it when set."""

    @model_validator(mode="before")
    @classmethod
    def _keywords_in_page_language(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("keywords"), list):
            language = locales.language_of(str(data.get("hreflang", "")))
            data = {**data, "keywords": {language: data["keywords"]}}
        return data

    @field_validator("keywords")
    @classmethod
    def _keyword_languages(cls, value: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
        for language in value:
            if not locales.is_language(language):
                raise ValueError(f"'{language}' is not an ISO 639-1 language code")
        return value

    @cached_property
    def language(self) -> str:
        """The page's language code (`es`)."""
        return locales.language_of(self.hreflang)


class Market(_Frozen):
    """One market: a language and a country, with its time zone, hours and target pages."""

    tag: str
    """BCP 47 tag such as `es-MX` (set from the table name)."""
    language: str
    """ISO 639-1 language; derived from the tag, and must agree with it when given."""
    country: str
    """ISO 3166-1 alpha-2 country; derived from the tag, and must agree with it when given."""
    timezone: str
    """IANA time zone of the market's business hours, e.g. `America/Mexico_City`."""
    business_days: tuple[Weekday, ...]
    """Days editors work; defaults to the country's working week from CLDR."""
    business_hours: tuple[Window, ...] = ((time(9, 0), time(17, 30)),)
    """Local windows for sending, e.g. ["09:30-13:30", "16:00-18:00"]."""
    holidays: str | None = None
    """Country or ISO 3166-2 subdivision whose public holidays are skipped (`ES-MD`)."""
    priority: int = Field(1, ge=1)
    """1 is the highest; planning and the app order markets by it."""
    host: str | None = None
    """Host of the market's version (ccTLD or subdomain campaigns)."""
    path: str | None = None
    """Path prefix of the market's version (subfolder campaigns), e.g. `/mx/`."""
    launched: date | None = None
    """Day outreach started in this market; the velocity ramp counts from it."""
    cities: tuple[str, ...] = ()
    """Cities of the market, added to the bundled names the anchor-geo rule knows."""
    rules: dict[str, Any] = Field(default_factory=dict)
    """Overrides of the campaign's [rules] for this market."""
    sending: dict[str, Any] = Field(default_factory=dict)
    """Overrides of the campaign's [sending] for this market (mailbox, follow-ups, reply prefix…)."""
    planning: MarketPlanning = MarketPlanning()
    """The PR lead's planning inputs: search volume, competitiveness, people."""
    ramp: tuple[RampPeriod, ...] = ()
    """An accepted ramp plan per URL version and 30-day period (`outreach plan ramp --accept`)."""
    pages: tuple[TargetPage, ...] = ()
    """The market's target pages (URL versions)."""

    @model_validator(mode="before")
    @classmethod
    def _fill_from_tag(cls, data: Any) -> Any:
        if not isinstance(data, dict) or not isinstance(data.get("tag"), str):
            return data
        tag = data["tag"]
        filled = {**data}
        for key, derived in (("language", locales.language_of(tag)),
                             ("country", locales.country_of(tag) or "")):
            if filled.get(key) is not None and str(filled[key]).lower() != derived.lower():
                raise ValueError(f"{key} '{filled[key]}' does not agree with the tag '{tag}'")
            filled[key] = derived
        filled.setdefault("business_days", _working_week(tag))
        pages = filled.get("pages", [])
        if isinstance(pages, list):
            filled["pages"] = [_page_defaults(page, tag) for page in pages]
        return filled

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        if value not in _timezones():
            raise ValueError(f"unknown timezone '{value}'")
        return value

    @field_validator("path")
    @classmethod
    def _slashed_path(cls, value: str | None) -> str | None:
        if value is not None and not (value.startswith("/") and value.endswith("/")):
            raise ValueError(f"'{value}' must start and end with '/', like '/mx/'")
        return value

    @field_validator("business_days")
    @classmethod
    def _some_days(cls, value: tuple[Weekday, ...]) -> tuple[Weekday, ...]:
        if not value:
            raise ValueError("a market needs at least one business day")
        return tuple(sorted(set(value), key=WEEKDAYS.index))

    @model_validator(mode="after")
    def _ramp_on_own_pages(self) -> Market:
        urls, seen = {page.url for page in self.pages}, set()
        for period in self.ramp:
            if period.page not in urls:
                raise ValueError(f"ramp: '{period.page}' is not one of {self.tag}'s pages")
            if (period.page, period.period) in seen:
                raise ValueError(f"ramp: period {period.period} of '{period.page}' is planned twice")
            seen.add((period.page, period.period))
        return self

    @cached_property
    def ramp_steps(self) -> tuple[RampStep, ...]:
        """The accepted ramp as cumulative caps since launch, summed over the market's pages."""
        by_period: dict[int, int] = {}
        for period in self.ramp:
            by_period[period.period] = by_period.get(period.period, 0) + period.links
        steps, total = [], 0
        for number in range(1, max(by_period, default=0) + 1):
            total += by_period.get(number, 0)
            steps.append(RampStep(until_day=number * 30, links=total))
        return tuple(steps)

    @property
    def holiday_region(self) -> str:
        """The holiday calendar to use: the subdivision when set, else the country."""
        return self.holidays or self.country


def _working_week(tag: str) -> list[str]:
    """The country's working days from CLDR (Mon-Fri in most markets)."""
    try:
        locale = locales.babel_locale(tag)
    except (ValueError, LookupError, UnknownLocaleError):
        return list(WEEKDAYS[:5])
    start, end = locale.weekend_start, locale.weekend_end
    weekend = {start, end} if start <= end else set(range(start, 7)) | set(range(0, end + 1))
    return [day for index, day in enumerate(WEEKDAYS) if index not in weekend]


def _page_defaults(page: Any, tag: str) -> Any:
    """A page table with its market and default hreflang filled in."""
    if not isinstance(page, dict):
        return page
    return {"hreflang": tag, **page, "market": tag}


class CampaignInfo(_Frozen):
    """Who the campaign is for."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{1,62}$")
    """Short identifier, unique in a store: lower-case letters, digits and hyphens."""
    name: str = Field(min_length=1)
    """Name people see."""
    site: str = Field(min_length=1)
    """The client site's global home page URL."""
    brands: tuple[str, ...] = Field(min_length=1)
    """Brand names, used to classify anchors as branded."""


class Architecture(_Frozen):
    """How the client site separates its market versions."""

    type: ArchitectureType
    """cctld (site.com.mx), subdomain (mx.site.com) or subfolder (site.com/mx/)."""
    host: str | None = None
    """The shared host of a subfolder campaign (`www.site.com`)."""


class Cluster(_Frozen):
    """Settings of one hreflang cluster."""

    x_default: str | None = None
    """URL for users no version matches (a language selector or the global page)."""


class Campaign(_Frozen):
    """A whole campaign.toml, validated; look up markets and pages through its methods."""

    campaign: CampaignInfo
    architecture: Architecture
    markets: dict[str, Market] = Field(min_length=1)
    clusters: dict[str, Cluster] = Field(default_factory=dict)
    rules: RuleSettings = RuleSettings()
    planning: PlanningSettings = PlanningSettings()
    sending: SendingSettings = SendingSettings()
    """How messages are timed and sent; each market's [sending] table overrides keys."""
    source: Path = Path("campaign.toml")
    _market_rules: dict[str, RuleSettings] = PrivateAttr(default_factory=dict)
    _derived: dict[str, Any] = PrivateAttr(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _tag_markets(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("markets"), dict):
            markets = {
                locales.canonical_tag(key): ({**value, "tag": locales.canonical_tag(key)}
                                             if isinstance(value, dict) else value)
                for key, value in data["markets"].items()
            }
            data = {**data, "markets": markets}
        return data

    @model_validator(mode="after")
    def _market_sending_valid(self) -> Campaign:
        for market in self.markets.values():
            if market.sending:
                try:
                    self._merged_sending(market)
                except ValueError as exc:
                    raise ValueError(f"markets.{market.tag}.sending: {exc}") from None
        return self

    def _merged_sending(self, market: Market) -> SendingSettings:
        return SendingSettings.model_validate({**self.sending.model_dump(exclude_unset=True),
                                               **market.sending})

    def sending_for(self, tag: str) -> SendingSettings:
        """A market's sending settings: the campaign's [sending] with the market's overrides."""
        market = self.market(tag)
        return self.derived(f"sending:{market.tag}", lambda: self._merged_sending(market))

    @property
    def id(self) -> str:
        """The campaign's identifier."""
        return self.campaign.id

    @property
    def pages(self) -> tuple[TargetPage, ...]:
        """Every target page, market by market in priority order."""
        return tuple(page for market in self.by_priority() for page in market.pages)

    @property
    def languages(self) -> tuple[str, ...]:
        """The campaign's languages, each once, in priority order."""
        return tuple(dict.fromkeys(market.language for market in self.by_priority()))

    def by_priority(self) -> list[Market]:
        """Markets ordered by priority, then tag."""
        return sorted(self.markets.values(), key=lambda market: (market.priority, market.tag))

    def market(self, tag: str) -> Market:
        """The market with this tag; NotFoundError names the known ones."""
        found = self.markets.get(tag) or self.markets.get(locales.canonical_tag(tag))
        if found is None:
            known = ", ".join(sorted(self.markets))
            raise NotFoundError(f"unknown market '{tag}' in {self.source} (markets: {known})")
        return found

    def find_page(self, url: str) -> TargetPage | None:
        """The target page with this URL, if the campaign declares one."""
        index = self.derived("pages-by-url", lambda: {page.url: page for page in self.pages})
        return index.get(url.strip())

    def page(self, url: str) -> TargetPage:
        """The target page with this URL; NotFoundError when it is not in the campaign."""
        found = self.find_page(url)
        if found is None:
            raise NotFoundError(f"'{url}' is not a target page in {self.source}")
        return found

    def cluster_pages(self, name: str) -> list[TargetPage]:
        """Pages of one hreflang cluster."""
        return [page for page in self.pages if page.cluster == name]

    def derived(self, key: str, build: Callable[[], T]) -> T:
        """An object built from this campaign once (an index, a classifier) and reused after."""
        cache = self.__pydantic_private__["_derived"]  # type: ignore[index]  # pydantic's __getattr__ is slow
        if key not in cache:
            cache[key] = build()
        return cast(T, cache[key])

    def rules_for(self, tag: str) -> RuleSettings:
        """The rule settings of a market: the campaign's [rules] with its overrides."""
        overrides: dict[str, RuleSettings] = self.__pydantic_private__["_market_rules"]  # type: ignore[index]
        return overrides.get(self.market(tag).tag, self.rules)
