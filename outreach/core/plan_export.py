"""The plan as Markdown and as one self-contained HTML file (inline SVG, no scripts) for a client."""

from __future__ import annotations

from html import escape

from outreach.core.plan_report import MarketPlan, PlanReport
from outreach.core.report_html import bars_svg, html_page, html_table, md_table


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
    lines += md_table(["#", "market", "role", "score", "why"], ranking_rows(report))
    for plan in report.markets:
        lines += [f"## {plan.tag}", "", f"Review: **{plan.review.action}**: {plan.review.why}", "",
                  "### Quality thresholds", ""]
        lines += md_table(["metric", "now", "suggested", "why"], threshold_rows(plan))
        lines += ["### Local/global mix", ""]
        lines += md_table(["page", "rule", "ours local", "competitors local", "suggestion"], mix_rows(plan))
        state = "accepted" if plan.accepted else "proposed"
        lines += [f"### Ramp ({state})", "", plan.ramp.why, ""]
        lines += md_table(["page", "period", "local", "global", "anchors", "live"], ramp_rows(plan))
    return "\n".join(lines)


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
        html_table(["metric", "now", "suggested", "why"], threshold_rows(plan)),
        "<h3>Local share: ours and the competitors'</h3>", bars_svg(shares, 1.0, "#2f9e6e"),
        html_table(["page", "rule", "ours local", "competitors local", "suggestion"], mix_rows(plan)),
        f"<h3>Ramp ({state})</h3><p>{escape(plan.ramp.why)}</p>",
        html_table(["page", "period", "local", "global", "anchors", "live"], ramp_rows(plan)),
    ])


def to_html(report: PlanReport) -> str:
    """The plan as one HTML file a PR lead can mail: inline CSS and SVG, no scripts, no links out."""
    ranking = bars_svg([(item.tag, item.total) for item in report.ranked])
    return html_page(
        f"Plan: {report.campaign}",
        f"<h1>Plan: {escape(report.campaign)}</h1><p>As of {report.today.isoformat()}.</p>",
        "<h2>Market priorities</h2>", ranking,
        html_table(["#", "market", "role", "score", "why"], ranking_rows(report)),
        *(_market_html(plan) for plan in report.markets))
