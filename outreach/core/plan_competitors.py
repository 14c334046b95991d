"""Competitors' backlink exports per market: who links to them, local or global, in which language."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import delete
from sqlmodel import Session, col, select

from outreach.core import audit
from outreach.core.campaign import Campaign
from outreach.core.csvread import read_table
from outreach.core.formats import detect_format, map_columns
from outreach.core.models import CompetitorSource
from outreach.core.prospect_rows import Record, RowError, RowReader
from outreach.errors import BadRow, ImportFileError


@dataclass
class CompetitorImport:
    """What one competitor's export brought: its linking domains by locality, and bad rows."""

    competitor: str
    file: str
    rows: int = 0
    domains: int = 0
    localities: dict[str, int] = field(default_factory=dict)
    bad_rows: list[BadRow] = field(default_factory=list)


def competitor_name(argument: str) -> tuple[str, Path]:
    """`NAME=FILE` names the competitor; a plain FILE is named by its file name's stem."""
    name, separator, path = argument.partition("=")
    if separator and name.strip() and path:
        return name.strip(), Path(path)
    return Path(argument).stem, Path(argument)


def read_sources(campaign: Campaign, market: str, path: Path) -> tuple[list[Record], list[BadRow], int]:
    """One record per linking domain of an export (backlinks or referring domains), and bad rows."""
    table = read_table(path)
    fmt = detect_format(table)
    columns = map_columns(fmt, table.keys)
    if not any(name in columns.fields for name in ("domain", "url")):
        headers = ", ".join(table.headers)
        raise ImportFileError(f"{path}: no referring domain or URL column (headers: {headers})")
    reader = RowReader(columns, table.headers, campaign.market(market), frozenset(campaign.languages))
    by_domain: dict[str, Record] = {}
    bad: list[BadRow] = []
    for number, cells in table.rows:
        try:
            record = reader.read(cells)
        except RowError as exc:
            bad.append(BadRow(path.name, number, exc.field, str(exc)))
            continue
        record["_row"] = number
        by_domain.setdefault(record["domain"], record)
    return list(by_domain.values()), bad, len(table.rows)


def import_competitor(session: Session, campaign: Campaign, campaign_id: int, market: str,
                      competitor: str, path: Path, actor: str) -> CompetitorImport:
    """Replace one competitor's linking domains in a market with those of `path` (one transaction)."""
    tag = campaign.market(market).tag
    records, bad, rows = read_sources(campaign, tag, path)
    session.execute(delete(CompetitorSource).where(
        col(CompetitorSource.campaign_id) == campaign_id, col(CompetitorSource.market) == tag,
        col(CompetitorSource.competitor) == competitor))
    report = CompetitorImport(competitor, path.name, rows, len(records), bad_rows=bad)
    for record in records:
        session.add(CompetitorSource(
            campaign_id=campaign_id, market=tag, competitor=competitor, domain=record["domain"],
            locality=record["locality"], country=record["country"], language=record["language"],
            country_source=record["country_source"], language_source=record["language_source"],
            source_type=record["source_type"], metrics=record["metrics"]))
        report.localities[record["locality"]] = report.localities.get(record["locality"], 0) + 1
    session.flush()
    audit.record(session, actor=actor, action="plan.competitor-import", object_type="market",
                 object_id=tag, campaign_id=campaign_id,
                 detail={"competitor": competitor, "file": path.name, "domains": len(records),
                         "bad_rows": len(bad)})
    return report


def sources(session: Session, campaign_id: int, market: str) -> list[CompetitorSource]:
    """Every competitor's linking domains in a market."""
    query = select(CompetitorSource).where(CompetitorSource.campaign_id == campaign_id,
                                           CompetitorSource.market == market)
    return list(session.exec(query))


def import_all(session: Session, campaign: Campaign, campaign_id: int, market: str,
               files: Sequence[tuple[str, Path]], actor: str) -> list[CompetitorImport]:
    """Import several competitors' exports; all of them land, or (on any file error) none."""
    return [import_competitor(session, campaign, campaign_id, market, name, path, actor)
            for name, path in files]
