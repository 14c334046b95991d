"""Market briefs: `briefs/<tag>.md` is TOML front matter between `+++` lines, then prose for the team.

The front matter holds topics, angles, the formats editors prefer, local source types and data
hooks (a local statistic with value, unit, source and date) that templates cite.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from babel.numbers import is_currency
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from outreach import locations
from outreach.core import locales
from outreach.core.campaign import Campaign
from outreach.core.content_files import parse_toml, read_text, validation_problems
from outreach.errors import BriefError

FENCE = "+++"
"""The line that opens and closes the front matter (Hugo's TOML convention)."""

DEFAULT_MAX_AGE_MONTHS = 18
"""A hook older than this (by its `as_of` date) is flagged as stale."""

PLAIN_UNITS = ("number", "percent", "date")
_HOOK_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
MAPPING_METHODS = frozenset(name for name in dir(dict) if not name.startswith("_"))
"""Names a hook cannot have: `hooks.items` is the mapping's method in a template."""

FlagKind = Literal["unsourced", "no-source-url", "stale"]


def _check_unit(unit: str) -> str:
    """A unit is number, percent, date or currency:XXX (an ISO 4217 code Babel knows)."""
    kind, _, code = unit.partition(":")
    if unit in PLAIN_UNITS or (kind == "currency" and is_currency(code)):
        return unit
    if kind == "currency":
        raise ValueError(f"'{code}' is not an ISO 4217 currency code (write it like currency:MXN)")
    raise ValueError(f"unknown unit '{unit}'; use number, percent, date or currency:XXX")


class Hook(BaseModel):
    """A local statistic a pitch can cite: its value, unit, source and the date it describes."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    """The key templates use: `hooks.<name>` (set from the table name)."""
    value: Decimal | date
    """A number (a percentage is written as 34.7, meaning 34.7 %) or, for unit `date`, a date."""
    unit: str
    """`number`, `percent`, `date` or `currency:XXX` (ISO 4217, e.g. `currency:MXN`)."""
    as_of: date
    """The date the figure describes or was published; staleness counts from it."""
    source: str = ""
    """Who published it (`INEGI, Censos Económicos 2024`); empty means unsourced and is flagged."""
    source_url: str | None = None
    """Where an editor can check it."""
    max_age_months: int | None = Field(default=None, ge=1)
    """Overrides the brief's age limit (a five-yearly census stays current longer)."""
    note: str = ""
    """For the team: how the figure was derived, caveats."""

    @field_validator("unit")
    @classmethod
    def _known_unit(cls, unit: str) -> str:
        return _check_unit(unit)

    @field_validator("name")
    @classmethod
    def _identifier(cls, name: str) -> str:
        if not _HOOK_NAME.match(name):
            raise ValueError(f"'{name}' must be lower-case letters, digits and _ (a template name)")
        if name in MAPPING_METHODS:
            raise ValueError(f"'{name}' is taken: templates would get the mapping's method, not the hook")
        return name

    @field_validator("source_url")
    @classmethod
    def _http_url(cls, url: str | None) -> str | None:
        if url is not None and not re.match(r"^https?://[^\s/]+\.[^\s]+$", url):
            raise ValueError(f"'{url}' is not an absolute http(s) URL")
        return url

    @model_validator(mode="after")
    def _value_fits_unit(self) -> Hook:
        if (self.unit == "date") != isinstance(self.value, date):
            wanted = "a date (2027-01-01)" if self.unit == "date" else "a number"
            raise ValueError(f"value: unit '{self.unit}' needs {wanted}")
        return self

    @property
    def currency(self) -> str | None:
        """The ISO 4217 code of a `currency:XXX` hook."""
        kind, _, code = self.unit.partition(":")
        return code if kind == "currency" else None


class Brief(BaseModel):
    """One market's editorial brief."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    market: str
    """The market tag; the file name gives it, and a `market` key must agree."""
    path: Path
    title: str = ""
    topics: tuple[str, ...] = ()
    """What editors in this market cover and read."""
    angles: tuple[str, ...] = ()
    """Story angles that work locally."""
    formats: tuple[str, ...] = ()
    """Formats editors there prefer (data study, guest column, expert quote, tool…)."""
    source_types: tuple[str, ...] = ()
    """Local source types worth pitching (trade press, chambers, government portals…)."""
    max_age_months: int = Field(DEFAULT_MAX_AGE_MONTHS, ge=1)
    """Hooks older than this are flagged as stale."""
    hooks: dict[str, Hook] = Field(default_factory=dict)
    prose: str = ""
    """The Markdown below the front matter: notes for the team."""


@dataclass(frozen=True)
class HookFlag:
    """Something wrong with a hook: unsourced, no link to check it, or stale."""

    hook: str
    kind: FlagKind
    message: str


def brief_path(workspace: Path, tag: str) -> Path:
    """Where a market's brief lives."""
    return locations.briefs_dir(workspace) / f"{tag}.md"


def parse_brief(text: str, path: Path, tag: str) -> Brief:
    """Parse a brief's text; BriefError lists every problem as `file: key: message`."""
    front, first_line, prose = _split_front_matter(text, path)
    data = parse_toml(front, path, BriefError, first_line=first_line)
    problems: list[str] = []
    if "market" in data and locales.canonical_tag(str(data["market"])) != tag:
        problems.append(f"{path}: market: '{data['market']}' does not match the file name ({tag})")
    hooks = data.get("hooks", {})
    if isinstance(hooks, dict):
        data["hooks"] = {name: {**value, "name": name} if isinstance(value, dict) else value
                         for name, value in hooks.items()}
    try:
        brief = Brief.model_validate({**data, "market": tag, "path": path, "prose": prose})
    except ValidationError as exc:
        problems.extend(validation_problems(path, exc))
    if problems:
        raise BriefError(problems)
    return brief


def _split_front_matter(text: str, path: Path) -> tuple[str, int, str]:
    """(front matter, its first line number, prose) of a brief's text."""
    lines = text.lstrip("\ufeff").splitlines()
    if not lines or lines[0].strip() != FENCE:
        raise BriefError([f"{path}: line 1: a brief starts with a '{FENCE}' line, then TOML front "
                          f"matter, then another '{FENCE}' line"])
    for index, line in enumerate(lines[1:], start=1):
        if line.strip() == FENCE:
            return "\n".join(lines[1:index]), 2, "\n".join(lines[index + 1:]).strip()
    raise BriefError([f"{path}: the front matter opened on line 1 is never closed with '{FENCE}'"])


def load_brief(workspace: Path, tag: str) -> Brief | None:
    """A market's brief, or None when the file does not exist."""
    path = brief_path(workspace, tag)
    if not path.is_file():
        return None
    return parse_brief(read_text(path, BriefError), path, tag)


def load_briefs(workspace: Path, campaign: Campaign) -> dict[str, Brief | None]:
    """Every market's brief (None where missing); one BriefError lists every broken file."""
    briefs: dict[str, Brief | None] = {}
    problems: list[str] = []
    for market in campaign.by_priority():
        try:
            briefs[market.tag] = load_brief(workspace, market.tag)
        except BriefError as exc:
            problems.extend(exc.problems)
    if problems:
        raise BriefError(problems)
    return briefs


def stray_briefs(workspace: Path, campaign: Campaign) -> list[Path]:
    """Brief files whose name is not one of the campaign's markets (a typo, or a dropped market)."""
    folder = locations.briefs_dir(workspace)
    tags = set(campaign.markets)
    return sorted(path for path in folder.glob("*.md")
                  if path.name != "README.md" and path.stem not in tags)


def add_months(day: date, months: int) -> date:
    """`day` moved by whole months, clamped to the end of shorter months."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month + 1, candidate)
        except ValueError:
            continue
    raise AssertionError("every month has a 28th")


def stale_after(hook: Hook, brief: Brief, default_months: int | None = None) -> date:
    """The first day the hook counts as stale."""
    months = hook.max_age_months or default_months or brief.max_age_months
    return add_months(hook.as_of, months)


def hook_flags(hook: Hook, brief: Brief, today: date, default_months: int | None = None) -> list[HookFlag]:
    """What to flag about one hook, on `today`."""
    flags = []
    if not hook.source.strip():
        flags.append(HookFlag(hook.name, "unsourced", f"hook '{hook.name}' has no source"))
    elif not hook.source_url:
        flags.append(HookFlag(hook.name, "no-source-url",
                              f"hook '{hook.name}' has no source_url an editor could check"))
    limit = stale_after(hook, brief, default_months)
    if today >= limit:
        months = hook.max_age_months or default_months or brief.max_age_months
        flags.append(HookFlag(hook.name, "stale", f"hook '{hook.name}' is from {hook.as_of}, "
                              f"older than {months} months (stale since {limit})"))
    return flags


def brief_flags(brief: Brief, today: date, default_months: int | None = None) -> Iterator[HookFlag]:
    """Flags of every hook in a brief."""
    for hook in brief.hooks.values():
        yield from hook_flags(hook, brief, today, default_months)


def as_json(brief: Brief, today: date, default_months: int | None = None) -> dict[str, Any]:
    """A brief as plain data for scripts."""
    data = brief.model_dump(mode="json", exclude={"prose"})
    data["flags"] = [flag.__dict__ for flag in brief_flags(brief, today, default_months)]
    return data
