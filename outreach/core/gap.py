"""`outreach gap FILE`: sites linking to competitors but not to us become prospects, per market.

Reads an Ahrefs Link Intersect or Semrush Backlink Gap export (format detection and row reading
are the prospect import's), finds the per-site columns, keeps rows where a competitor's column
counts links and ours does not, assigns each domain to the market of its country (or of its
language, when only one market speaks it) and writes them with the prospect writer, origin
`gap:<competitor>[,<competitor>…]`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlmodel import Session

from outreach.core import audit, geo
from outreach.core.campaign import Campaign, Market
from outreach.core.csvread import Table, read_table
from outreach.core.formats import Format, detect_format, get_format, map_columns
from outreach.core.inference import locality
from outreach.core.normalise import CellError, parse_number
from outreach.core.prospect_rows import Record, RowError, RowReader, host_and_path
from outreach.core.prospect_writes import ProspectWriter
from outreach.core.prospects import ImportReport, apply_blocklist
from outreach.errors import BadRow, ImportFileError

GAP_FORMATS = ("semrush-gap", "ahrefs-intersect", "ahrefs-intersect-domains")


@dataclass
class GapImport:
    """What `outreach gap` found and wrote."""

    file: str
    format: str
    ours: str | None
    """Header of the column counting links to the campaign's site (None: the export has none)."""
    competitors: list[str]
    rows: int = 0
    already_linking: int = 0
    """Rows skipped because the site links to us already."""
    no_competitor: int = 0
    added: dict[str, tuple[int, int]] = field(default_factory=dict)
    """Market → (new prospects, updated prospects)."""
    domains: Counter[str] = field(default_factory=Counter)
    """Market → gap domains assigned to it."""
    unassigned: list[str] = field(default_factory=list)
    """Domains no single market matches (pass --market to add them to one)."""
    suppressed: int = 0
    do_not_contact: int = 0
    bad_rows: list[BadRow] = field(default_factory=list)


def _site_columns(table: Table, extra: Sequence[int], own: str) -> tuple[int | None, list[tuple[int, str]]]:
    """Our column and the competitors' (index, name): the unread columns whose header is a site."""
    ours, competitors = None, []
    for index in extra:
        header = table.headers[index].strip()
        host = host_and_path(header)[0] if "." in header else ""  # `Author` is a TLD, not a site
        if not host:
            continue
        if geo.split_host(host).registered_domain == own:
            ours = index
        else:
            competitors.append((index, header.split("//")[-1].rstrip("/")))
    return ours, competitors


def _links(cells: Sequence[str], index: int) -> bool:
    """Whether a per-site cell counts a link (a number above 0, or any text but 0 and dashes)."""
    text = cells[index].strip() if index < len(cells) else ""
    try:
        return bool(parse_number(text))
    except CellError:
        return text not in ("", "-", "–")


def _market_for(campaign: Campaign, record: Record) -> Market | None:
    """The market of the domain's country, else the only market of its language."""
    by_country = [m for m in campaign.markets.values() if m.country == record["country"]]
    if len(by_country) == 1:
        return by_country[0]
    by_language = [m for m in campaign.markets.values() if m.language == record["language"]]
    return by_language[0] if len(by_language) == 1 else None


def _gap_format(table: Table, name: str | None) -> Format:
    """The export's format, which must be a gap report."""
    fmt = get_format(name) if name else detect_format(table)
    if fmt.name not in GAP_FORMATS:
        raise ImportFileError(f"{table.path}: this is a {fmt.title} export, not an Ahrefs Link Intersect "
                              "or Semrush Backlink Gap export")
    return fmt


def read_gap(campaign: Campaign, path: Path, market: str | None = None,
             fmt: str | None = None) -> tuple[GapImport, dict[str, list[Record]]]:
    """Gap domains of an export, grouped by market (one record per domain, competitors merged)."""
    table = read_table(path)
    chosen = _gap_format(table, fmt)
    columns = map_columns(chosen, table.keys)
    own = geo.split_host(geo.host_of(campaign.campaign.site)).registered_domain
    ours, competitors = _site_columns(table, columns.extra, own)
    if not competitors:
        raise ImportFileError(f"{path}: no competitor columns (a column per compared site, headed with "
                              f"its domain); headers: {', '.join(table.headers)}")
    report = GapImport(path.name, chosen.name, table.headers[ours] if ours is not None else None,
                       [name for _, name in competitors], rows=len(table.rows))
    forced = campaign.market(market) if market else None
    reader = RowReader(columns, table.headers, forced or campaign.by_priority()[0],
                       frozenset(campaign.languages))
    by_domain = _collect(table, reader, ours, competitors, report)
    grouped: dict[str, list[Record]] = {}
    for domain, record in by_domain.items():
        target = forced or _market_for(campaign, record)
        if target is None:
            report.unassigned.append(domain)
            continue
        record["locality"] = locality(target, record["country"], record["language"], record["source_type"])
        record["origin"] = f"gap:{','.join(record.pop('_competitors'))}"
        grouped.setdefault(target.tag, []).append(record)
        report.domains[target.tag] += 1
    return report, grouped


def _collect(table: Table, reader: RowReader, ours: int | None, competitors: list[tuple[int, str]],
             report: GapImport) -> dict[str, Record]:
    """One record per gap domain, with every competitor it links to; skipped and bad rows counted."""
    by_domain: dict[str, Record] = {}
    for number, cells in table.rows:
        if ours is not None and _links(cells, ours):
            report.already_linking += 1
            continue
        linking = [name for index, name in competitors if _links(cells, index)]
        if not linking:
            report.no_competitor += 1
            continue
        try:
            record = reader.read(cells)
        except RowError as exc:
            report.bad_rows.append(BadRow(table.path.name, number, exc.field, str(exc)))
            continue
        known = by_domain.get(record["domain"])
        if known is not None:
            known["_competitors"] += [name for name in linking if name not in known["_competitors"]]
            continue
        record.update({"_row": number, "_competitors": linking, "identity": f"{record['domain']}|"})
        record.update({name: None for name in ("email", "contact_name", "first_name")})
        by_domain[record["domain"]] = record
    return by_domain


def import_gap(session: Session, campaign: Campaign, campaign_id: int, path: Path, actor: str, *,
               market: str | None = None, fmt: str | None = None) -> GapImport:
    """Add an export's gap domains as prospects of their markets, in the caller's transaction."""
    report, grouped = read_gap(campaign, path, market, fmt)
    for tag, records in sorted(grouped.items()):
        blocked = ImportReport(file=path.name, format=report.format, encoding="", delimiter="")
        kept = apply_blocklist(session, records, blocked)
        report.suppressed += blocked.suppressed
        report.do_not_contact += blocked.do_not_contact
        written = ProspectWriter(session, campaign_id, campaign.market(tag), actor).write(
            kept, {"file": path.name, "format": report.format})
        report.added[tag] = (len(written.new_ids), len(written.updated_ids))
    session.expire_all()
    detail = {"format": report.format, "competitors": report.competitors, "markets": dict(report.domains),
              "unassigned": len(report.unassigned)}
    audit.record(session, actor=actor, action="prospect.gap-import", object_type="import",
                 object_id=path.name, campaign_id=campaign_id, detail=detail)
    return report
