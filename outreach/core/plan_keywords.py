"""A keyword export (Ahrefs, Semrush, Google Keyword Planner) → a market's volume and difficulty."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from outreach.core.csvread import read_table
from outreach.core.normalise import CellError, parse_number
from outreach.errors import ImportFileError

VOLUME = ("volume", "search volume", "avg. monthly searches", "avg monthly searches", "sv")
DIFFICULTY = ("kd", "keyword difficulty", "difficulty", "kd %", "competition (indexed value)")


@dataclass(frozen=True)
class KeywordSummary:
    """Total monthly volume and volume-weighted difficulty of the keywords in one export."""

    keywords: int
    volume: int
    difficulty: float | None


def summarise_keywords(path: Path) -> KeywordSummary:
    """Read a keyword export; errors name the file, row and column."""
    table = read_table(path)
    keys = table.keys
    volume_at = next((keys.index(name) for name in VOLUME if name in keys), None)
    if volume_at is None:
        raise ImportFileError(f"{path}: no search volume column (looked for: {', '.join(VOLUME)})")
    difficulty_at = next((keys.index(name) for name in DIFFICULTY if name in keys), None)
    total, weighted, weight = 0, 0.0, 0
    for number, cells in table.rows:
        volume = _cell(path, number, table.headers[volume_at], cells, volume_at) or 0.0
        total += int(volume)
        difficulty = (_cell(path, number, table.headers[difficulty_at], cells, difficulty_at)
                      if difficulty_at is not None else None)
        if difficulty is not None:
            weighted, weight = weighted + difficulty * max(volume, 1), weight + int(max(volume, 1))
    return KeywordSummary(len(table.rows), total, round(weighted / weight, 1) if weight else None)


def _cell(path: Path, number: int, header: str, cells: list[str], index: int) -> float | None:
    """One numeric cell, or an ImportFileError naming where it is."""
    try:
        return parse_number(cells[index] if index < len(cells) else "")
    except CellError as exc:
        raise ImportFileError(f"{path}: row {number}: {header.strip()}: {exc}") from None
