"""Read campaign.toml: every problem is reported as `file: key: what is wrong`, all at once."""

from __future__ import annotations

import difflib
import tomllib
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import holidays
import pycountry
from pydantic import BaseModel, ValidationError

from outreach import locations
from outreach.core import campaign as schema
from outreach.core import locales, rule_settings
from outreach.core.campaign import Campaign, Market
from outreach.errors import CampaignError

Problem = tuple[str, str]  # (dotted key, what is wrong)


def load_campaign(workspace: Path) -> Campaign:
    """Load and validate a workspace's campaign.toml; raise CampaignError listing every problem."""
    path = locations.campaign_file(workspace)
    return validate_campaign(path, _read_toml(path))


def parse_campaign(path: Path, text: str) -> Campaign:
    """Validate campaign.toml text as if it were the file at `path` (used before saving edits)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CampaignError([f"{path}: invalid TOML: {exc}"]) from None
    return validate_campaign(path, data)


def validate_campaign(path: Path, data: dict[str, Any]) -> Campaign:
    """Build the Campaign from parsed TOML; CampaignError lists every problem."""
    problems = list(_tag_problems(data))
    campaign: Campaign | None = None
    try:
        campaign = Campaign.model_validate({**data, "source": path})
    except ValidationError as exc:
        problems.extend(_pydantic_problems(exc))
    if campaign is not None and not problems:
        problems.extend(_cross_check(campaign))
        problems.extend(_resolve_market_rules(campaign, data))
    if problems or campaign is None:
        raise CampaignError([f"{path}: {key}: {message}" for key, message in problems])
    return campaign


def _read_toml(path: Path) -> dict[str, Any]:
    """Parse the file, naming it (and the line, for syntax errors) in any failure."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        hint = "run `outreach init` to create one, or pass --campaign DIR"
        raise CampaignError([f"{path}: file not found; {hint}"]) from None
    except UnicodeDecodeError as exc:
        raise CampaignError([f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})"]) from None
    except OSError as exc:
        raise CampaignError([f"{path}: cannot read: {exc.strerror}"]) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CampaignError([f"{path}: invalid TOML: {exc}"]) from None


def _tag_problems(data: dict[str, Any]) -> Iterator[Problem]:
    """Market tables whose names are not a language plus a country."""
    markets = data.get("markets")
    if not isinstance(markets, dict):
        return
    for tag in markets:
        problem = locales.market_tag_problem(tag)
        if problem:
            yield f"markets.{tag}", problem


def _pydantic_problems(exc: ValidationError) -> Iterator[Problem]:
    """pydantic's errors as (key, message), with friendlier wording for the common ones."""
    for error in exc.errors():
        key = format_key(error["loc"])
        if error["type"] == "extra_forbidden":
            yield key, _unknown_key_message(error["loc"])
        elif error["type"] == "missing":
            yield key, "required but missing"
        else:
            yield key, str(error["msg"]).removeprefix("Value error, ")


def format_key(loc: tuple[int | str, ...]) -> str:
    """A pydantic location as a dotted key; list items count from 1: markets.es-MX.pages[1].url."""
    out = ""
    for part in loc:
        out += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _unknown_key_message(loc: tuple[int | str, ...]) -> str:
    """'unknown key', with the nearest known key when there is one."""
    close = difflib.get_close_matches(str(loc[-1]), _known_keys(), n=1, cutoff=0.75)
    return f"unknown key (did you mean '{close[0]}'?)" if close else "unknown key"


@cache
def _known_keys() -> tuple[str, ...]:
    """Every field name of the campaign schema, for did-you-mean hints."""
    models: list[type[BaseModel]] = [
        schema.Campaign, schema.CampaignInfo, schema.Architecture, schema.Cluster,
        schema.Market, schema.TargetPage, rule_settings.RuleSettings,
    ]
    models += [field.annotation for field in rule_settings.RuleSettings.model_fields.values()
               if isinstance(field.annotation, type) and issubclass(field.annotation, BaseModel)]
    return tuple(sorted({name for model in models for name in model.model_fields}))


def _cross_check(campaign: Campaign) -> Iterator[Problem]:
    """Checks that span several tables: architecture fields, unique URLs, clusters, holidays."""
    yield from _architecture_problems(campaign)
    yield from _duplicate_urls(campaign)
    yield from _unused_clusters(campaign)
    for market in campaign.markets.values():
        problem = holiday_problem(market)
        if problem:
            yield f"markets.{market.tag}.holidays", problem


def _architecture_problems(campaign: Campaign) -> Iterator[Problem]:
    """Each market names the host or path its architecture needs, and no two versions collide."""
    kind = campaign.architecture.type
    if kind == "subfolder" and not campaign.architecture.host:
        yield "architecture.host", "required for a subfolder campaign (the host all markets share)"
    needed = "path" if kind == "subfolder" else "host"
    seen: dict[tuple[str, str], str] = {}
    for market in campaign.markets.values():
        if getattr(market, needed) is None:
            yield f"markets.{market.tag}.{needed}", f"required for a {kind} campaign"
            continue
        version = ((market.host or campaign.architecture.host or "").lower(), market.path or "/")
        if version in seen:
            yield f"markets.{market.tag}", f"same host and path as market {seen[version]}"
        seen[version] = market.tag


def _duplicate_urls(campaign: Campaign) -> Iterator[Problem]:
    """A URL can be the target page of one market only."""
    owner: dict[str, str] = {}
    for market in campaign.by_priority():
        for index, page in enumerate(market.pages, start=1):
            if page.url in owner:
                yield (f"markets.{market.tag}.pages[{index}].url",
                       f"'{page.url}' is already a page of {owner[page.url]}")
            owner.setdefault(page.url, market.tag)


def _unused_clusters(campaign: Campaign) -> Iterator[Problem]:
    """A [clusters.NAME] table must have pages."""
    used = {page.cluster for page in campaign.pages}
    for name in campaign.clusters:
        if name not in used:
            yield f"clusters.{name}", "no page belongs to this cluster"


def holiday_problem(market: Market) -> str | None:
    """Why the market's holiday calendar cannot be used, or None."""
    if market.holidays is None:
        return None
    country, _, subdivision = market.holidays.upper().partition("-")
    if country != market.country:
        return f"'{market.holidays}' is not in the market's country {market.country}"
    supported = _holiday_calendars()
    if country not in supported:
        return f"no public-holiday calendar for {country}"
    if subdivision and not _is_subdivision(market.holidays.upper()):
        return f"'{market.holidays}' is not an ISO 3166-2 subdivision"
    if subdivision and subdivision not in supported[country]:
        return f"no public-holiday calendar for subdivision '{market.holidays}'"
    return None


def _is_subdivision(code: str) -> bool:
    """Whether `code` is an ISO 3166-2 subdivision code such as ES-MD."""
    found: object = pycountry.subdivisions.get(code=code)  # type: ignore[no-untyped-call]
    return found is not None


@cache
def _holiday_calendars() -> dict[str, list[str]]:
    """Countries and subdivisions the holidays package knows."""
    return dict(holidays.list_supported_countries())


def _resolve_market_rules(campaign: Campaign, data: dict[str, Any]) -> Iterator[Problem]:
    """Validate each market's rule overrides merged over the campaign's rules."""
    base = data.get("rules", {})
    raw_markets = data.get("markets", {})
    for raw_tag, raw_market in raw_markets.items():
        override = raw_market.get("rules", {}) if isinstance(raw_market, dict) else {}
        if not override:
            continue
        tag = locales.canonical_tag(raw_tag)
        try:
            merged = rule_settings.merge(base, override)
            campaign._market_rules[tag] = rule_settings.RuleSettings.model_validate(merged)
        except ValidationError as exc:
            for key, message in _pydantic_problems(exc):
                yield f"markets.{raw_tag}.rules.{key}", message
