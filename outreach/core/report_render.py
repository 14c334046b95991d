"""The report as rows (for terminal tables and the app), Markdown, one HTML file, JSON and CSV."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict
from html import escape
from pathlib import Path
from typing import Any

from outreach.core.csvread import write_csv
from outreach.core.report_html import bars_svg, columns_svg, html_page, html_table, md_table
from outreach.core.reports import MarketReport, Report, VersionReport

Rows = list[list[object]]
HEADERS = {
    "placements": ["found", "page", "source", "anchor", "class", "rel", "locality", "status", "check"],
    "anchors": ["class", "links", "share", "plan"],
    "locality": ["page", "local", "global", "unknown", "local share", "plan", "verdict"],
    "velocity": ["month", "new links", "by URL version"],
    "funnel": ["step", "prospects", "of all"],
    "rates": ["template", "locale", "sent", "answered", "rate"],
    "quarters": ["quarter", "new", "lost"],
    "changes": ["day", "source", "change", "before", "after"],
}
"""Column headers of each table, shared by every output."""


def percent(value: float | None) -> str:
    """A share as a whole percentage, or a dash."""
    return "–" if value is None else f"{value:.0%}"


def short_page(url: str) -> str:
    """A target page as its path (the host is the campaign's)."""
    return "/" + url.split("://", 1)[-1].split("/", 1)[-1] if "://" in url else url


def placement_rows(market: MarketReport) -> Rows:
    """The market's placements, newest first."""
    rows: Rows = []
    for view in market.placements:
        row = view.placement
        rows.append([row.found_on.isoformat(), short_page(row.page_url), row.source_url, row.anchor,
                     row.anchor_class, row.rel, row.locality, row.status, view.check or "not checked"])
    return rows


def anchor_rows(version: VersionReport) -> Rows:
    """Each anchor class on a URL version: links, share and planned share."""
    return [[item.anchor_class, item.links, percent(item.share), percent(item.planned)]
            for item in version.anchors]


def locality_verdict(version: VersionReport) -> str:
    """Whether the local share is inside the planned band."""
    if version.local_share is None:
        return "no links yet"
    low, high = version.band
    if version.local_share < low:
        return "below plan"
    return "above plan" if version.local_share > high else "on plan"


def locality_rows(market: MarketReport) -> Rows:
    """Local, global and unknown live links per URL version, against the planned band."""
    return [[short_page(v.url), v.localities.get("local", 0), v.localities.get("global", 0),
             v.localities.get("unknown", 0), percent(v.local_share),
             f"{v.band[0]:.0%}–{v.band[1]:.0%} ({v.band_name})", locality_verdict(v)]
            for v in market.versions]


def velocity_rows(market: MarketReport) -> Rows:
    """New links per month, and how they split over the URL versions."""
    rows: Rows = []
    for index, (month, count) in enumerate(zip(market.months, market.monthly, strict=True)):
        split = ", ".join(f"{short_page(v.url)} {v.monthly[index]}"
                          for v in market.versions if v.monthly[index])
        rows.append([month, count, split])
    return rows


def funnel_rows(market: MarketReport) -> Rows:
    """Prospects, pitched, replied, won, each with its share of all prospects."""
    steps = asdict(market.funnel)
    total = market.funnel.prospects
    return [[step, count, percent(count / total if total else None)] for step, count in steps.items()]


def rate_rows(market: MarketReport) -> Rows:
    """Pitches sent and answered per template and locale."""
    return [[rate.template, rate.locale, rate.sent, rate.answered, percent(rate.rate)]
            for rate in market.rates]


def quarter_rows(market: MarketReport) -> Rows:
    """New and lost links per quarter."""
    return [list(row) for row in market.quarters]


def change_rows(market: MarketReport) -> Rows:
    """Link changes the checks found, newest first."""
    return [[change.at.date().isoformat(), next((v.placement.source_url for v in market.placements
                                                 if v.placement.id == change.placement_id), "?"),
             change.kind, change.before or "", change.after or ""] for change in market.changes]


def market_tables(market: MarketReport) -> Iterator[tuple[str, str, Rows]]:
    """(title, header key, rows) of each table of a market's section, in reading order."""
    yield "Placements", "placements", placement_rows(market)
    for version in market.versions:
        title = f"Anchor classes on {short_page(version.url)} ({version.anchor_plan})"
        yield title, "anchors", anchor_rows(version)
    yield "Local/global share per URL version", "locality", locality_rows(market)
    yield f"New links per month (cap {market.cap_30d} per 30 days)", "velocity", velocity_rows(market)
    yield "Pipeline funnel", "funnel", funnel_rows(market)
    yield "Reply rate per template and locale", "rates", rate_rows(market)
    yield "New and lost links per quarter", "quarters", quarter_rows(market)
    yield "Link changes", "changes", change_rows(market)


def to_markdown(report: Report) -> str:
    """The report as Markdown."""
    lines = [f"# Links report: {report.campaign}", "", f"As of {report.today.isoformat()}.", ""]
    for market in report.markets:
        lines += [f"## {market.tag}", ""]
        for title, key, rows in market_tables(market):
            lines += [f"### {title}", ""]
            lines += md_table(HEADERS[key], rows) if rows else ["None yet.", ""]
    return "\n".join(lines)


def _charts(market: MarketReport) -> Iterator[tuple[str, str]]:
    """(table key, chart placed before that table) for a market's section."""
    for version in market.versions:
        shares = [(item.anchor_class, item.share or 0.0) for item in version.anchors]
        yield f"anchors:{version.url}", bars_svg(shares, marks=[item.planned for item in version.anchors])
    local = [(short_page(v.url)[-24:], v.local_share or 0.0) for v in market.versions]
    yield "locality", bars_svg(local, colour="#2f9e6e", marks=[v.band[0] for v in market.versions])
    months = [(month[2:], count) for month, count in zip(market.months, market.monthly, strict=True)]
    yield "velocity", columns_svg(months, cap=market.cap_30d)
    steps = [(step, float(count)) for step, count in asdict(market.funnel).items()]
    yield "funnel", bars_svg(steps, maximum=float(max(market.funnel.prospects, 1)), colour="#8a5cd1")


def to_html(report: Report) -> str:
    """The report as one self-contained HTML file with inline SVG charts (red ticks mark the plan)."""
    body = [f"<h1>Links report: {escape(report.campaign)}</h1><p>As of {report.today.isoformat()}. "
            "Red ticks and lines mark the plan.</p>"]
    for market in report.markets:
        charts = dict(_charts(market))
        body.append(f"<h2>{escape(market.tag)}</h2>")
        versions = iter(market.versions)
        for title, key, rows in market_tables(market):
            chart_key = f"anchors:{next(versions).url}" if key == "anchors" else key
            body.append(f"<h3>{escape(title)}</h3>{charts.get(chart_key, '')}")
            body.append(html_table(HEADERS[key], rows) if rows else "<p>None yet.</p>")
    return html_page(f"Links report: {report.campaign}", *body)


def _table_name(title: str, key: str) -> str:
    """A table's key in JSON: anchor tables are named by their page."""
    return f"anchors {title.split(' on ', 1)[1].split(' (')[0]}" if key == "anchors" else key


def to_json(report: Report) -> dict[str, Any]:
    """The report as plain data for scripts."""
    return {"campaign": report.campaign, "today": report.today.isoformat(), "markets": [
        {"market": market.tag, **{_table_name(title, key): [dict(zip(HEADERS[key], row, strict=True))
                                                            for row in rows]
                                  for title, key, rows in market_tables(market)}}
        for market in report.markets]}


CSV_COLUMNS = list(dict.fromkeys(name for names in HEADERS.values() for name in names))
"""Every table's columns, once each: the CSV holds all tables, a row filling its table's columns."""


def csv_rows(report: Report) -> Iterator[list[object]]:
    """Every table of the report as rows of one wide CSV: market, section, then the columns."""
    for market in report.markets:
        for title, key, rows in market_tables(market):
            for row in rows:
                values = dict(zip(HEADERS[key], row, strict=True))
                yield [market.tag, title, *(values.get(name, "") for name in CSV_COLUMNS)]


def write_report_csv(path: Path, report: Report) -> int:
    """Write the report as CSV (formula-proof cells) and return its row count."""
    return write_csv(path, ["market", "section", *CSV_COLUMNS], csv_rows(report))
