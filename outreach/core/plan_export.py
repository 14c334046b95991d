"""The plan as Markdown and as one self-contained HTML file (inline SVG, no scripts) for a client."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from outreach.core.plan_report import MarketPlan, PlanReport


def _md_cell(value: object) -> str:
    """A Markdown table cell: pipes and line breaks would break the table."""
    return str(value).replace("|", "\\|").replace("\n", " ")


def _md_table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> list[str]:
    """A GitHub-flavoured Markdown table."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_md_cell(cell) for cell in row) + " |" for row in rows]
    return [*lines, ""]


def _share(value: float | None) -> str:
    """A share as a percentage, or a dash."""
    return "–" if value is None else f"{value:.0%}"


def ranking_rows(report: PlanReport) -> list[list[object]]:
    """Rank, market, role, total and each criterion's reason."""
    return [[item.rank, item.tag, item.role, f"{item.total:.2f}",
             "; ".join(f"{score.criterion} {score.score:.2f} ({score.why})" for score in item.scores)]
            for item in report.ranked]


def threshold_rows(plan: MarketPlan) -> list[list[object]]:
    """Metric, current, suggested and why."""
    return [[item.metric, "–" if item.current is None else f"{item.current:g}",
             "–" if item.suggested is None else f"{item.suggested:g}", item.why] for item in plan.thresholds]


def mix_rows(plan: MarketPlan) -> list[list[object]]:
    """Page, its rule, our local share, the competitors' and the suggestion."""
    return [[item.page, item.mix, f"{_share(item.ours.local_share)} of {item.ours.known}",
             _share(item.share), f"{item.rule or '–'}: {item.words}"] for item in plan.mix]


def ramp_rows(plan: MarketPlan) -> list[list[object]]:
    """Page, period, local, global, anchors, and what is live so far."""
    live = {(row.page, row.period): row for row in plan.progress}
    rows: list[list[object]] = []
    for period in plan.ramp.periods:
        done = live.get((period.page, period.period))
        actual = f"{done.actual['local']} local, {done.actual['global']} global" if done else "–"
        anchors = ", ".join(f"{name} {count}" for name, count in period.anchors.items())
        rows.append([period.page, f"days {period.until_day - 29}-{period.until_day}", period.local,
                     period.global_, anchors, actual])
    return rows


def to_markdown(report: PlanReport) -> str:
    """The plan as Markdown."""
    lines = [f"# Plan: {report.campaign}", "", f"As of {report.today.isoformat()}.", "",
             "## Market priorities", ""]
    lines += _md_table(["#", "market", "role", "score", "why"], ranking_rows(report))
    for plan in report.markets:
        lines += [f"## {plan.tag}", "", f"Review: **{plan.review.action}**: {plan.review.why}", "",
                  "### Quality thresholds", ""]
        lines += _md_table(["metric", "now", "suggested", "why"], threshold_rows(plan))
        lines += ["### Local/global mix", ""]
        lines += _md_table(["page", "rule", "ours local", "competitors local", "suggestion"], mix_rows(plan))
        state = "accepted" if plan.accepted else "proposed"
        lines += [f"### Ramp ({state})", "", plan.ramp.why, ""]
        lines += _md_table(["page", "period", "local", "global", "anchors", "live"], ramp_rows(plan))
    return "\n".join(lines)


_STYLE = ("body{font:15px/1.45 system-ui,sans-serif;max-width:980px;margin:2em auto;color:#1d2330}"
          "table{border-collapse:collapse;width:100%;margin:.5em 0 1.5em}"
          "td,th{border-bottom:1px solid #dde;padding:4px 8px;text-align:left;vertical-align:top}"
          "th{background:#f3f4f8}h2{border-top:2px solid #1d2330;padding-top:.6em}")


def _html_table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """An escaped HTML table."""
    head = "".join(f"<th>{escape(name)}</th>" for name in header)
    body = "".join("<tr>" + "".join(f"<td>{escape(str(cell))}</td>" for cell in row) + "</tr>"
                   for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def bars_svg(items: Sequence[tuple[str, float]], maximum: float = 1.0, colour: str = "#3b6fd8") -> str:
    """Horizontal bars, one per (label, value), as inline SVG."""
    height, width, label_width = 22 * len(items) + 4, 640, 170
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img">']
    for index, (label, value) in enumerate(items):
        y = 4 + index * 22
        length = 0 if not maximum else max(0.0, min(1.0, value / maximum)) * (width - label_width - 60)
        value_x = label_width + length + 6
        parts.append(f'<text x="0" y="{y + 14}" font-size="13">{escape(label)}</text>'
                     f'<rect x="{label_width}" y="{y}" width="{length:.1f}" height="16" fill="{colour}"/>'
                     f'<text x="{value_x:.1f}" y="{y + 14}" font-size="12">{value:.2f}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _market_html(plan: MarketPlan) -> str:
    """One market's section."""
    shares = [(f"ours {item.page.rsplit('/', 2)[-2] or item.page}", item.ours.local_share or 0.0)
              for item in plan.mix]
    if plan.mix and plan.mix[0].share is not None:
        shares.append(("competitors", plan.mix[0].share))
    state = "accepted" if plan.accepted else "proposed"
    return "".join([
        f"<h2>{escape(plan.tag)}</h2>",
        f"<p>Review: <strong>{escape(plan.review.action)}</strong>: {escape(plan.review.why)}</p>",
        "<h3>Quality thresholds</h3>",
        _html_table(["metric", "now", "suggested", "why"], threshold_rows(plan)),
        "<h3>Local share: ours and the competitors'</h3>", bars_svg(shares, 1.0, "#2f9e6e"),
        _html_table(["page", "rule", "ours local", "competitors local", "suggestion"], mix_rows(plan)),
        f"<h3>Ramp ({state})</h3><p>{escape(plan.ramp.why)}</p>",
        _html_table(["page", "period", "local", "global", "anchors", "live"], ramp_rows(plan)),
    ])


def to_html(report: PlanReport) -> str:
    """The plan as one HTML file a PR lead can mail: inline CSS and SVG, no scripts, no links out."""
    ranking = bars_svg([(item.tag, item.total) for item in report.ranked])
    return "".join([
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">",
        f"<title>Plan: {escape(report.campaign)}</title><style>{_STYLE}</style></head><body>",
        f"<h1>Plan: {escape(report.campaign)}</h1><p>As of {report.today.isoformat()}.</p>",
        "<h2>Market priorities</h2>", ranking,
        _html_table(["#", "market", "role", "score", "why"], ranking_rows(report)),
        *(_market_html(plan) for plan in report.markets),
        "</body></html>\n",
    ])
