"""Backlink exports that become placements (Ahrefs, Semrush, Majestic, BuzzStream link partners).

The formats reuse `formats.Format` and `map_columns`; the source page's column is named `url`
(and titles and context `text`) so the prospect `RowReader` infers the source's country,
language and locality exactly as a prospect import does.
"""

from __future__ import annotations

from outreach.core.csvread import Table
from outreach.core.formats import Format
from outreach.errors import ImportFileError

PLACEMENT_FORMATS: tuple[Format, ...] = (
    Format("ahrefs-backlinks", "Ahrefs Backlinks",
           (("referring page url",), ("target url",), ("anchor",)), {
               "url": ("referring page url",), "target_url": ("target url",), "anchor": ("anchor",),
               "nofollow": ("nofollow",), "ugc": ("ugc",), "sponsored": ("sponsored",),
               "first_seen": ("first seen",), "lost": ("lost",), "language": ("language",),
               "text": ("referring page title", "left context", "right context")}),
    Format("semrush-backlinks", "Semrush Backlinks",
           (("source url",), ("target url",), ("page ascore",)), {
               "url": ("source url",), "target_url": ("target url",), "anchor": ("anchor",),
               "nofollow": ("nofollow",), "ugc": ("ugc",), "sponsored": ("sponsored",),
               "first_seen": ("first seen",), "lost": ("lost link",), "text": ("source title",)}),
    Format("majestic-backlinks", "Majestic Backlinks",
           (("source url", "sourceurl"), ("target url", "targeturl"), ("anchor text", "anchortext")), {
               "url": ("source url", "sourceurl"), "target_url": ("target url", "targeturl"),
               "anchor": ("anchor text", "anchortext"), "nofollow": ("flagnofollow",),
               "first_seen": ("source first found date", "firstindexeddate"), "lost": ("datelost",)}),
    Format("buzzstream-links", "BuzzStream link partners", (("linking from",), ("linking to",)), {
        "url": ("linking from",), "target_url": ("linking to",), "anchor": ("anchor text",),
        "cost": ("payment amount",), "currency": ("payment currency", "currency"),
        "reason": ("acquisition method",), "first_seen": ("payment date", "date found", "date")}),
)
"""Placement exports, recognised by their headers."""


def placement_format(table: Table, name: str | None = None) -> Format:
    """The format called `name`, or the one whose headers the table has; ImportFileError otherwise."""
    names = ", ".join(fmt.name for fmt in PLACEMENT_FORMATS)
    if name is not None:
        found = next((fmt for fmt in PLACEMENT_FORMATS if fmt.name == name.strip().lower()), None)
        if found is None:
            raise ImportFileError(f"unknown placement format '{name}' (formats: {names})")
        return found
    matching = [fmt for fmt in PLACEMENT_FORMATS if fmt.recognises(table.keys)]
    if not matching:
        raise ImportFileError(
            f"{table.path}: not a backlinks export this tool reads ({names}): it needs a source page "
            f"and a target URL column (headers: {', '.join(table.headers) or 'none'})")
    return matching[0]
