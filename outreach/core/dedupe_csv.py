"""Dedupe any CSV on the columns a user names, whatever they mean: `id,cluster` for every row."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from outreach.core.comparisons import Comparison, Strings, as_strings
from outreach.core.csvread import Table, header_key, iter_cells, read_table, write_csv
from outreach.core.dedupe import Clustering, cluster
from outreach.errors import ImportFileError

_MULTI_WORD_SHARE = 0.3
"""Columns where more values than this have several words are compared ignoring word order."""


@dataclass(frozen=True)
class CsvDedupeReport:
    """What `dedupe-csv` did."""

    rows: int
    clusters: int
    """Clusters of two or more rows."""
    duplicate_rows: int
    """Rows that joined another row's cluster."""
    threshold: float
    threshold_learnt: bool
    candidates: int
    out: Path


def dedupe_csv(path: Path, fields: Sequence[str], out: Path, *, id_column: str | None = None,
               threshold: float | None = None) -> CsvDedupeReport:
    """Cluster the rows of `path` on `fields` and write `id,cluster` to `out`."""
    table = read_table(path)
    indexes = [_column(table, name) for name in fields]
    comparisons = [_comparison(table.headers[index], as_strings(list(iter_cells(table, index))))
                   for index in indexes]
    ids = _ids(table, id_column)
    if len(ids) < 2:
        labels = np.arange(len(ids), dtype=np.int64)
        result = None
    else:
        result = cluster(comparisons, threshold=threshold, same=_same_values(comparisons))
        labels = result.labels
    numbers = _cluster_numbers(labels)
    write_csv(out, ["id", "cluster"], zip(ids, numbers, strict=True))
    return _report(len(ids), labels, result, threshold, out)


def _column(table: Table, name: str) -> int:
    """The index of a named column, matched like import headers (case and spacing ignored)."""
    keys = table.keys
    wanted = header_key(name)
    if wanted not in keys:
        raise ImportFileError(f"{table.path}: no column '{name}' (columns: {', '.join(table.headers)})")
    return keys.index(wanted)


def _comparison(name: str, values: Strings) -> Comparison:
    """Jaro-Winkler for single words and codes; word-order-free similarity for multi-word text."""
    present = [value for value in values.tolist() if value]
    multi = sum(" " in value for value in present) > _MULTI_WORD_SHARE * max(len(present), 1)
    return Comparison(name, values, similarity="token-sort" if multi else "jaro-winkler",
                      thresholds=(0.9, 0.75) if multi else (0.92, 0.8))


def _same_values(comparisons: Sequence[Comparison]) -> list[str]:
    """A key per row that is equal when every compared value is (rows that are all blank stay apart)."""
    rows = zip(*(comparison.values.tolist() for comparison in comparisons), strict=True)
    return [("\x1f".join(values) if any(values) else f"\x00{index}") for index, values in enumerate(rows)]


def _ids(table: Table, id_column: str | None) -> list[str]:
    """Each row's id: the --id column's value, else its row number in the file."""
    if id_column is None:
        return [str(number) for number, _ in table.rows]
    return [value.strip() for value in iter_cells(table, _column(table, id_column))]


def _cluster_numbers(labels: np.ndarray) -> list[int]:
    """Cluster numbers 1, 2, 3… in order of first appearance."""
    numbering: dict[int, int] = {}
    return [numbering.setdefault(int(label), len(numbering) + 1) for label in labels.tolist()]


def _report(rows: int, labels: np.ndarray, result: Clustering | None, threshold: float | None,
            out: Path) -> CsvDedupeReport:
    """Summarise a run."""
    sizes = np.bincount(labels) if rows else np.zeros(0, dtype=np.int64)
    clusters = int((sizes > 1).sum())
    duplicates = int(sizes[sizes > 1].sum()) - clusters
    if result is None:
        given = threshold if threshold is not None else 0.5
        return CsvDedupeReport(rows, 0, 0, given, threshold is None, 0, out)
    return CsvDedupeReport(rows, clusters, duplicates, result.threshold, result.threshold_learnt,
                           result.candidates, out)
