"""Importing placements from backlink exports: rows matched to the campaign's target pages.

Each row linking to a declared target page (URL version) becomes a placement of that page's
market, its anchor classified and its source's locality inferred as for prospects; it enters the
rule gate's tallies through `placements.record`. Links to other pages are counted, not kept.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from babel.numbers import get_territory_currencies
from sqlmodel import Session, col, select

from outreach.core import audit, placements
from outreach.core.campaign import Campaign, Market, TargetPage
from outreach.core.csvread import read_table
from outreach.core.formats import ColumnMap, map_columns
from outreach.core.geo import host_of, split_host
from outreach.core.linkcheck_page import url_key
from outreach.core.models import Placement
from outreach.core.normalise import CellError, clean_text, parse_number
from outreach.core.placement_formats import placement_format
from outreach.core.prospect_rows import RowError, RowReader, host_and_path
from outreach.errors import BadRow, BadRowsError

_TRUE = frozenset({"true", "1", "yes", "y", "x", "+", "nofollow", "sponsored", "ugc"})
_CURRENCY = re.compile(r"\b([A-Z]{3})\b")
_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


@dataclass
class PlacementImport:
    """What an import did, for the command line and the app."""

    file: str
    format: str
    rows: int = 0
    new: int = 0
    lost: int = 0
    """New placements the export already marks as lost (kept, not counted by the rule gate)."""
    known: int = 0
    """Rows whose source page and target were already logged (in the store or earlier in the file)."""
    unmatched: Counter[str] = field(default_factory=Counter)
    """Targets that are not declared target pages, with their row counts."""
    markets: Counter[str] = field(default_factory=Counter)
    bad_rows: list[BadRow] = field(default_factory=list)


@dataclass
class _Reader:
    """Turns rows of one table into placements of the campaign."""

    campaign: Campaign
    campaign_id: int
    columns: ColumnMap
    headers: Sequence[str]
    origin: str
    today: date
    pages: dict[str, TargetPage]
    readers: dict[str, RowReader] = field(default_factory=dict)

    def cell(self, cells: Sequence[str], name: str) -> str:
        """A field's raw text in this row ('' when absent)."""
        indexes = self.columns.fields.get(name)
        return cells[indexes[0]].strip() if indexes and indexes[0] < len(cells) else ""

    def header(self, name: str) -> str:
        """The header a field is read from."""
        indexes = self.columns.fields.get(name)
        return self.headers[indexes[0]] if indexes else name

    def page(self, cells: Sequence[str]) -> TargetPage | None:
        """The declared target page this row links to."""
        return self.pages.get(url_key(self.cell(cells, "target_url")))

    def placement(self, cells: Sequence[str], page: TargetPage) -> Placement:
        """The placement a row describes; RowError names the column at fault."""
        market = self.campaign.market(page.market)
        source = self.cell(cells, "url")
        if not source.lower().startswith(("http://", "https://")) or not host_and_path(source)[0]:
            raise RowError(self.header("url"), f"'{source}' is not a page URL")
        found = self._reader(market).read(cells)
        anchor = clean_text(self.cell(cells, "anchor"))
        verdict = placements.classify_anchor(self.campaign, market.tag, page.url, anchor)
        cost, currency = self._cost(cells, market)
        lost = self.cell(cells, "lost").lower() not in ("", "false", "0", "no", "-")
        return Placement(
            campaign_id=self.campaign_id, market=market.tag, page_url=page.url, source_url=source,
            source_domain=split_host(host_of(source)).registered_domain, anchor=anchor,
            anchor_class=verdict.anchor_class.value, anchor_keyword=verdict.keyword, rel=self._rel(cells),
            language=found["language"], country=found["country"], locality=found["locality"],
            found_on=self._day(cells), status="lost" if lost else "live",
            reason=clean_text(self.cell(cells, "reason")) or None, cost=cost, cost_currency=currency,
            origin=self.origin)

    def _reader(self, market: Market) -> RowReader:
        """The prospect row reader for one market (locality depends on the market)."""
        if market.tag not in self.readers:
            self.readers[market.tag] = RowReader(self.columns, self.headers, market,
                                                 frozenset(self.campaign.languages))
        return self.readers[market.tag]

    def _rel(self, cells: Sequence[str]) -> str:
        """follow, or the first of sponsored, ugc, nofollow the row flags."""
        for kind in ("sponsored", "ugc", "nofollow"):
            if self.cell(cells, kind).lower() in _TRUE:
                return kind
        return "follow"

    def _day(self, cells: Sequence[str]) -> date:
        """The day the link was first seen (today when the export does not say)."""
        text = self.cell(cells, "first_seen")
        if not text:
            return self.today
        match = _DATE.search(text)
        try:
            return date(*(int(part) for part in match.groups())) if match else date.fromisoformat(text)
        except ValueError:
            raise RowError(self.header("first_seen"), f"'{text}' is not a date like 2026-11-22") from None

    def _cost(self, cells: Sequence[str], market: Market) -> tuple[float | None, str | None]:
        """The price paid and its currency (the market country's when the cell names none)."""
        text = self.cell(cells, "cost")
        if not text:
            return None, None
        code = _CURRENCY.search(self.cell(cells, "currency").upper() or text.upper())
        try:
            amount = parse_number(re.sub(r"[^\d.,\-]", "", text))
        except CellError as exc:
            raise RowError(self.header("cost"), str(exc)) from None
        if amount is None:
            return None, None
        if code:
            return amount, code.group(1)
        local = get_territory_currencies(market.country)
        return amount, local[0] if local else None


def _known(session: Session, campaign_id: int) -> set[tuple[str, str]]:
    """(source page key, target URL) of every placement already logged for the campaign."""
    rows = session.exec(select(Placement.source_url, Placement.page_url)
                        .where(col(Placement.campaign_id) == campaign_id))
    return {(url_key(source), target) for source, target in rows}


def import_placements(session: Session, campaign: Campaign, campaign_id: int, path: Path, actor: str, *,
                      fmt: str | None = None, strict: bool = False, placed_by: str | None = None,
                      today: date | None = None) -> PlacementImport:
    """Import a backlinks export into the placement log, all in the caller's transaction."""
    table = read_table(path)
    chosen = placement_format(table, fmt)
    pages = {url_key(page.url): page for page in campaign.pages}
    reader = _Reader(campaign, campaign_id, map_columns(chosen, table.keys), table.headers,
                     f"import:{path.name}", today or date.today(), pages)
    report = PlacementImport(path.name, chosen.name, rows=len(table.rows))
    seen = _known(session, campaign_id)
    fresh: list[Placement] = []
    for number, cells in table.rows:
        page = reader.page(cells)
        if page is None:
            report.unmatched[reader.cell(cells, "target_url") or "(blank)"] += 1
            continue
        try:
            placement = reader.placement(cells, page)
        except RowError as exc:
            report.bad_rows.append(BadRow(path.name, number, exc.field, str(exc)))
            continue
        key = (url_key(placement.source_url), placement.page_url)
        if key in seen:
            report.known += 1
            continue
        seen.add(key)
        placement.placed_by = placed_by
        fresh.append(placement)
    if report.bad_rows and strict:
        raise BadRowsError(report.bad_rows)
    for placement in fresh:
        placements.record(session, placement, actor)
        report.markets[placement.market] += 1
        report.lost += placement.status == "lost"
    report.new = len(fresh)
    detail = {"format": chosen.name, "rows": report.rows, "new": report.new, "known": report.known,
              "bad_rows": len(report.bad_rows)}
    audit.record(session, actor=actor, action="placement.import", object_type="import",
                 object_id=path.name, campaign_id=campaign_id, detail=detail)
    return report
