"""Pieces every client export shares: Markdown and HTML tables, inline SVG charts, the page shell.

Charts are plain SVG with no scripts and no links out, so a report stays one file a PR lead
can mail; every text is escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

STYLE = ("body{font:15px/1.45 system-ui,sans-serif;max-width:980px;margin:2em auto;color:#1d2330}"
         "table{border-collapse:collapse;width:100%;margin:.5em 0 1.5em}"
         "td,th{border-bottom:1px solid #dde;padding:4px 8px;text-align:left;vertical-align:top}"
         "th{background:#f3f4f8}h2{border-top:2px solid #1d2330;padding-top:.6em}")
"""The inline stylesheet of every HTML export."""

_SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img">'


def md_cell(value: object) -> str:
    """A Markdown table cell: pipes and line breaks would break the table."""
    return str(value).replace("|", "\\|").replace("\n", " ")


def md_table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> list[str]:
    """A GitHub-flavoured Markdown table, then a blank line."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(md_cell(cell) for cell in row) + " |" for row in rows]
    return [*lines, ""]


def html_table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """An escaped HTML table."""
    head = "".join(f"<th>{escape(name)}</th>" for name in header)
    body = "".join("<tr>" + "".join(f"<td>{escape(str(cell))}</td>" for cell in row) + "</tr>"
                   for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def bars_svg(items: Sequence[tuple[str, float]], maximum: float = 1.0, colour: str = "#3b6fd8",
             marks: Sequence[float | None] = ()) -> str:
    """Horizontal bars, one per (label, value), as inline SVG; `marks` draws a plan tick on each bar."""
    height, width, label_width = 22 * len(items) + 4, 640, 170
    room = width - label_width - 60
    parts = [_SVG.format(width=width, height=height)]
    for index, (label, value) in enumerate(items):
        y = 4 + index * 22
        length = 0 if not maximum else max(0.0, min(1.0, value / maximum)) * room
        value_x = label_width + length + 6
        parts.append(f'<text x="0" y="{y + 14}" font-size="13">{escape(label)}</text>'
                     f'<rect x="{label_width}" y="{y}" width="{length:.1f}" height="16" fill="{colour}"/>'
                     f'<text x="{value_x:.1f}" y="{y + 14}" font-size="12">{value:.2f}</text>')
        mark = marks[index] if index < len(marks) else None
        if mark is not None and maximum:
            x = label_width + max(0.0, min(1.0, mark / maximum)) * room
            parts.append(f'<line x1="{x:.1f}" y1="{y - 2}" x2="{x:.1f}" y2="{y + 18}" stroke="#d8463b" '
                         'stroke-width="2"/>')
    parts.append("</svg>")
    return "".join(parts)


def columns_svg(items: Sequence[tuple[str, int]], cap: int | None = None, colour: str = "#2f9e6e") -> str:
    """Vertical columns, one per (label, count), with an optional dashed cap line, as inline SVG."""
    width, height, bottom = max(640, 44 * len(items)), 160, 130
    peak = max([count for _, count in items] + [cap or 0, 1])
    step = width / max(len(items), 1)
    parts = [_SVG.format(width=width, height=height)]
    for index, (label, count) in enumerate(items):
        tall = count / peak * (bottom - 14)
        x = index * step + 4
        parts.append(f'<rect x="{x:.1f}" y="{bottom - tall:.1f}" width="{step - 8:.1f}" '
                     f'height="{tall:.1f}" fill="{colour}"/>'
                     f'<text x="{x:.1f}" y="{bottom + 14}" font-size="10">{escape(label)}</text>'
                     f'<text x="{x:.1f}" y="{bottom - tall - 3:.1f}" font-size="11">{count}</text>')
    if cap is not None:
        y = bottom - cap / peak * (bottom - 14)
        parts.append(f'<line x1="0" y1="{y:.1f}" x2="{width}" y2="{y:.1f}" stroke="#d8463b" '
                     f'stroke-dasharray="5,4"/><text x="{width - 90}" y="{y - 3:.1f}" font-size="11">'
                     f"cap {cap}/30 days</text>")
    parts.append("</svg>")
    return "".join(parts)


def html_page(title: str, *body: str) -> str:
    """One self-contained HTML document: inline CSS, no scripts, no links out."""
    return "".join(["<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">",
                    f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>",
                    *body, "</body></html>\n"])
