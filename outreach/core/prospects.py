"""Importing a prospect list into a market: read, normalise, reject bad rows, merge, mark, dedupe."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session

from outreach.core import audit, geo
from outreach.core.campaign import Campaign, Market
from outreach.core.csvread import Table, read_table, write_csv
from outreach.core.dnc import Blocklist
from outreach.core.forked import in_parts
from outreach.core.formats import ColumnMap, Format, detect_format, get_format, map_columns
from outreach.core.hot_loops import gc_paused
from outreach.core.normalise import CellError, parse_number
from outreach.core.progress import EVERY, Progress, step
from outreach.core.prospect_dedupe import refresh_clusters
from outreach.core.prospect_rows import Record, RowError, RowReader
from outreach.core.prospect_writes import PROSPECTS, ProspectWriter, core, merge_values
from outreach.errors import BadRow, BadRowsError, ImportFileError


@dataclass(frozen=True)
class ImportOptions:
    """How to import one file."""

    market: str
    format: str | None = None
    """Force a format by name instead of recognising it from the headers."""
    strict: bool = False
    """Abort the whole import, writing nothing, if any row is bad."""
    check_dns: bool = False
    """Check that each email's domain accepts mail (slow: one DNS query per domain)."""
    rejects: Path | None = None
    """Where bad rows go; `<file>.rejects.csv` beside the input when not given."""
    dedupe: bool = True
    """Refresh the market's fuzzy dedupe clusters after writing."""


PARALLEL_ROWS = 50_000
"""From this many rows a forked process normalises half of them (below, forking costs more than it gains)."""


@dataclass
class ImportReport:
    """What an import did, for the command line and the app."""

    file: str
    format: str
    encoding: str
    delimiter: str
    rows: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    merged_rows: int = 0
    """Rows folded into an earlier row of the same file (same domain and contact)."""
    suppressed: int = 0
    """Rows skipped because the email or domain was forgotten or hard-bounced."""
    already_linking: int = 0
    """Gap-report rows skipped because the site already links to the campaign."""
    do_not_contact: int = 0
    bad_rows: list[BadRow] = field(default_factory=list)
    rejects_path: Path | None = None
    unused_columns: list[str] = field(default_factory=list)
    clusters: int = 0
    collisions: list[str] = field(default_factory=list)
    """Domains of this file that are also prospects in another market of the campaign."""

    @property
    def changed(self) -> bool:
        """Whether the import wrote anything."""
        return bool(self.new or self.updated)


def import_file(session: Session, campaign: Campaign, campaign_id: int, path: Path,
                options: ImportOptions, actor: str, *, progress: Progress | None = None) -> ImportReport:
    """Import one file into one market, all in the caller's transaction.

    `progress` hears each phase (reading, writing, dedupe) and, while reading, every EVERY rows;
    when it answers False the import raises Cancelled and the caller's transaction writes nothing.
    """
    with gc_paused():
        return _import(session, campaign, campaign_id, path, options, actor, progress)


def _import(session: Session, campaign: Campaign, campaign_id: int, path: Path,
            options: ImportOptions, actor: str, progress: Progress | None) -> ImportReport:
    """`import_file` itself."""
    market = campaign.market(options.market)
    step(progress, "reading", 0, 0)
    table = read_table(path)
    fmt = get_format(options.format) if options.format else detect_format(table)
    columns = map_columns(fmt, table.keys)
    _require_site_column(columns, table)
    report = ImportReport(str(path), fmt.name, table.encoding, _delimiter_name(table.delimiter),
                          rows=len(table.rows), unused_columns=_unused(columns, table, fmt))
    records = _read_rows(table, columns, campaign, market, options, report, progress)
    if report.bad_rows and options.strict:
        raise BadRowsError(report.bad_rows)
    rejected = _only_bad_rows(table, report.bad_rows)
    del table  # a big file's cells are not needed past this point: free them before writing
    unique = apply_blocklist(session, _merge_within_file(records, market, report), report)
    del records
    step(progress, "writing", report.rows, report.rows)
    writer = ProspectWriter(session, campaign_id, market, actor)
    result = writer.write(unique, {"file": path.name, "format": fmt.name})
    report.new, report.updated = len(result.new_ids), len(result.updated_ids)
    report.unchanged = result.unchanged
    report.collisions = collisions(session, campaign_id, market.tag, (record["domain"] for record in unique))
    del unique  # nor the records during dedupe, which reads the market back
    if options.dedupe and report.changed:
        step(progress, "dedupe", report.rows, report.rows)
        report.clusters = refresh_clusters(session, campaign_id, market.tag)
    session.expire_all()
    if report.changed:
        _audit(session, campaign_id, market, report, actor)
    if report.bad_rows:
        report.rejects_path = write_rejects(options.rejects or default_rejects_path(path), rejected,
                                            report.bad_rows)
    return report


def _only_bad_rows(table: Table, bad_rows: Sequence[BadRow]) -> Table:
    """The table with just the rows the rejects file shows."""
    wanted = {bad.row for bad in bad_rows}
    return replace(table, rows=[(number, cells) for number, cells in table.rows if number in wanted])


def _require_site_column(columns: ColumnMap, table: Table) -> None:
    """A forced format must still find a domain, URL or email column in the file."""
    if not any(name in columns.fields for name in ("domain", "url", "email")):
        raise ImportFileError(f"{table.path}: no domain, URL or email column for format "
                              f"'{columns.format.name}' (headers: {', '.join(table.headers)})")


def _delimiter_name(delimiter: str) -> str:
    """A delimiter as people name it."""
    return {"\t": "tab", ";": "semicolon", ",": "comma"}[delimiter]


def _unused(columns: ColumnMap, table: Table, fmt: Format) -> list[str]:
    """Headers nothing reads (a gap report's per-site columns are read, so not listed)."""
    return [] if fmt.gap else [table.headers[index] for index in columns.extra]


def _read_rows(table: Table, columns: ColumnMap, campaign: Campaign, market: Market,
               options: ImportOptions, report: ImportReport,
               progress: Progress | None = None) -> list[Record]:
    """Normalise every row, a big file's on both cores; bad ones go to the report, gap rows already linking
    are skipped."""
    reader = RowReader(columns, table.headers, market, frozenset(campaign.languages), options.check_dns)
    ours, competitors = _gap_columns(columns, table, campaign) if columns.format.gap else (None, [])
    origin = f"gap:{','.join(competitors)}" if competitors else table.path.name

    def read(start: int, stop: int, here: bool) -> RowsRead:
        return _read_slice(table, reader, ours, origin, start, stop, progress if here else None)
    records: list[Record] = []
    try:
        for part in in_parts(read, len(table.rows), minimum=PARALLEL_ROWS):
            records += part.records
            report.bad_rows += part.bad_rows
            report.already_linking += part.already_linking
    finally:
        reader.forget()
    return records


@dataclass
class RowsRead:
    """What reading some rows of a table gave."""

    records: list[Record] = field(default_factory=list)
    bad_rows: list[BadRow] = field(default_factory=list)
    already_linking: int = 0


def _read_slice(table: Table, reader: RowReader, ours: int | None, origin: str, start: int, stop: int,
                progress: Progress | None) -> RowsRead:
    """Normalise the rows start..stop-1 of a table."""
    name = table.path.name
    read = RowsRead()
    for done, (number, cells) in enumerate(table.rows[start:stop], start=start):
        if done % EVERY == 0:
            step(progress, "reading", done, len(table.rows))
        try:
            if ours is not None and _links_to_us(cells, ours, table.headers[ours]):
                read.already_linking += 1
                continue
            record = reader.read(cells)
        except RowError as exc:
            read.bad_rows.append(BadRow(name, number, exc.field, str(exc)))
            continue
        record["_row"] = number
        record["origin"] = origin
        read.records.append(record)
    return read


def _gap_columns(columns: ColumnMap, table: Table, campaign: Campaign) -> tuple[int | None, list[str]]:
    """In a gap report: the column counting links to the campaign's site, and the competitors' names."""
    own = geo.split_host(geo.host_of(campaign.campaign.site)).registered_domain
    ours, competitors = None, []
    for index in columns.extra:
        header = table.headers[index].strip().rstrip("/")
        site = geo.split_host(geo.normalise_host(header.split("//")[-1].split("/")[0])).registered_domain
        if site == own:
            ours = index
        else:
            competitors.append(header)
    return ours, competitors


def _links_to_us(cells: Sequence[str], index: int, header: str) -> bool:
    """Whether a gap row's own-site column counts any link."""
    try:
        count = parse_number(cells[index] if index < len(cells) else "")
    except CellError as exc:
        raise RowError(header, str(exc)) from None
    return bool(count)


def _merge_within_file(records: list[Record], market: Market, report: ImportReport) -> list[Record]:
    """One record per identity: later rows only fill in what earlier rows left blank."""
    by_identity: dict[str, Record] = {}
    for record in records:
        first = by_identity.get(record["identity"])
        if first is None:
            by_identity[record["identity"]] = record
        else:
            first.update(merge_values(first, record, market))
            report.merged_rows += 1
    return list(by_identity.values())


def apply_blocklist(session: Session, records: list[Record], report: ImportReport) -> list[Record]:
    """Drop suppressed records; flag those on the do-not-contact list."""
    blocklist = Blocklist.load(session)
    if blocklist.is_empty:  # nothing to match: a million rows are spared two checks each
        for record in records:
            record["do_not_contact"] = False
        return records[:]
    kept: list[Record] = []
    for record in records:
        hosts = (record["host"], record["domain"])
        if blocklist.suppresses(record["email"], *hosts):
            report.suppressed += 1
            continue
        record["do_not_contact"] = blocklist.blocks(record["email"], *hosts)
        report.do_not_contact += record["do_not_contact"]
        kept.append(record)
    return kept


def collisions(session: Session, campaign_id: int, market: str, domains: Iterable[str]) -> list[str]:
    """Which of `domains` are also prospects in another market of the campaign.

    The other markets are read first: when they have no prospects, a million domains need not be walked.
    """
    query = (select(PROSPECTS.c.domain).distinct()
             .where(PROSPECTS.c.campaign_id == campaign_id, PROSPECTS.c.market != market))
    found = set(core(session).execute(query).scalars().all())
    return sorted(found.intersection(domains)) if found else []


def _audit(session: Session, campaign_id: int, market: Market, report: ImportReport, actor: str) -> None:
    """One audit entry per import; each prospect's own history is in its events."""
    detail: dict[str, Any] = {"market": market.tag, "format": report.format, "rows": report.rows,
                              "new": report.new, "updated": report.updated,
                              "bad_rows": len(report.bad_rows), "suppressed": report.suppressed}
    audit.record(session, actor=actor, action="prospect.import", object_type="import",
                 object_id=Path(report.file).name, campaign_id=campaign_id, detail=detail)


def default_rejects_path(path: Path) -> Path:
    """`list.csv` → `list.rejects.csv`, beside the input."""
    return path.with_name(f"{path.stem}.rejects.csv")


def write_rejects(path: Path, table: Table, bad_rows: Sequence[BadRow]) -> Path:
    """Write the bad rows as the input had them, after their row number and reason."""
    cells = dict(table.rows)
    width = len(table.headers)
    rows = [[bad.row, f"{bad.field}: {bad.reason}" if bad.field else bad.reason,
             *(cells[bad.row] + [""] * width)[:width]] for bad in bad_rows]
    write_csv(path, ["row", "reason", *table.headers], rows)
    return path


def count_prospects(session: Session, campaign_id: int, market: str | None = None) -> int:
    """How many prospects a campaign (or one of its markets) has."""
    query = select(func.count()).select_from(PROSPECTS).where(PROSPECTS.c.campaign_id == campaign_id)
    if market is not None:
        query = query.where(PROSPECTS.c.market == market)
    return int(core(session).execute(query).scalar_one())
