"""Write PR leads' accepted decisions into campaign.toml, keeping its comments and layout."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import tomlkit
from tomlkit.items import Table

from outreach import locations
from outreach.core.campaign import Campaign
from outreach.core.campaign_file import parse_campaign
from outreach.core.workspace import write_atomically
from outreach.errors import CampaignError

Edit = Callable[[tomlkit.TOMLDocument], None]


def edit_campaign(workspace: Path, edit: Edit) -> Campaign:
    """Apply `edit` to campaign.toml; the file changes only if the result validates."""
    path = locations.campaign_file(workspace)
    try:
        document = tomlkit.parse(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomlkit.exceptions.ParseError) as exc:
        raise CampaignError([f"{path}: cannot edit: {exc}"]) from None
    edit(document)
    text = tomlkit.dumps(document)
    campaign = parse_campaign(path, text)
    write_atomically(path, text)
    return campaign


def market_table(document: tomlkit.TOMLDocument, tag: str, *keys: str) -> Table:
    """`[markets.<tag>.<keys…>]`, created (as a super table where possible) when missing."""
    markets = document.get("markets")
    if not isinstance(markets, dict) or tag not in markets:
        raise CampaignError([f"markets.{tag}: no such market in campaign.toml"])
    table: Any = markets[tag]
    for key in keys:
        if key not in table:
            table[key] = tomlkit.table()
        table = table[key]
    return table  # type: ignore[no-any-return]


def set_threshold(tag: str, metric: str, value: float, current: dict[str, float]) -> Edit:
    """An edit that sets `min.<metric>` of the market's quality rule, keeping its other minimums."""
    def edit(document: tomlkit.TOMLDocument) -> None:
        quality = market_table(document, tag, "rules", "quality")
        minimum = quality.get("min")
        if minimum is None:
            minimum = tomlkit.inline_table()
            minimum.update({name: _number(level) for name, level in current.items()})
            quality["min"] = minimum
        minimum[metric] = _number(value)
    return edit


def _number(value: float) -> int | float:
    """Whole numbers as TOML integers, so the file reads `dr = 25`, not `dr = 25.0`."""
    return int(value) if float(value).is_integer() else round(value, 2)
