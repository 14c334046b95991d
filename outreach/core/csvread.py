"""Reading and writing CSV exports safely: encodings, delimiters, header names, formula-proof cells."""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from outreach.errors import ImportFileError

DELIMITERS = ("\t", ";", ",")
"""Delimiters an export may use; sniffed from the first lines."""

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig", "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16", "utf-16-le"),
         (codecs.BOM_UTF16_BE, "utf-16", "utf-16-be"))
"""(byte-order mark, codec that strips it, name reported to the user)."""
_SNIFF_CHARS = 64 * 1024
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_HEADER_JUNK = re.compile(r"[\s_\-–—]+")


@dataclass
class Table:
    """A decoded CSV: its original headers, normalised header keys, and the data rows."""

    path: Path
    encoding: str
    delimiter: str
    headers: list[str]
    rows: list[tuple[int, list[str]]]
    """(spreadsheet row number, cells) for every non-blank data row; the header is row 1."""

    @property
    def keys(self) -> list[str]:
        """The headers as `header_key` spells them, for matching aliases."""
        return [header_key(name) for name in self.headers]


def header_key(name: str) -> str:
    """A header as matching sees it: no BOM, case-folded, spaces/underscores/dashes as one space."""
    return _HEADER_JUNK.sub(" ", name.replace("\ufeff", "")).strip().casefold()


def decode(data: bytes, name: str) -> tuple[str, str]:
    """Decode a file's bytes: BOM first (UTF-8, UTF-16 LE/BE), then UTF-8, then cp1252."""
    for bom, codec, label in _BOMS:
        if data.startswith(bom):
            return _decode_as(data, codec, name), label
    bomless = _bomless_utf16(data)
    if bomless:
        return _decode_as(data, bomless, name), bomless
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return _decode_as(data, "cp1252", name), "cp1252"


def _bomless_utf16(data: bytes) -> str | None:
    """UTF-16 without a BOM shows as a NUL in every other byte of ASCII text."""
    sample = data[:2000]
    if len(sample) < 8 or sample.count(0) < len(sample) // 3:
        return None
    odd_nuls, even_nuls = sample[1::2].count(0), sample[0::2].count(0)
    return "utf-16-le" if odd_nuls > even_nuls else "utf-16-be"


def _decode_as(data: bytes, encoding: str, name: str) -> str:
    """Decode with one encoding or say where the file stops making sense."""
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            f"{name}: cannot decode byte {exc.start} as {encoding} (not UTF-8, UTF-16 or cp1252 "
            "text); save the file as UTF-8 and try again") from None


def sniff_delimiter(text: str) -> str:
    """The delimiter (tab, semicolon or comma) giving the most columns, consistently, in the first lines."""
    sample = _complete_lines(text[:_SNIFF_CHARS])
    best, best_score = ",", (0, 0)
    for delimiter in DELIMITERS:
        widths = [len(row) for row in _sample_rows(sample, delimiter)]
        if not widths:
            continue
        consistent = sum(width == widths[0] for width in widths)
        score = (widths[0], consistent) if widths[0] > 1 else (0, 0)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _complete_lines(sample: str) -> str:
    """The sample cut at its last line break, so no half row confuses the sniffer."""
    cut = sample.rfind("\n")
    return sample if cut < 0 else sample[: cut + 1]


def _sample_rows(sample: str, delimiter: str) -> list[list[str]]:
    """Up to 20 rows of the sample parsed with one delimiter; none if it does not parse."""
    try:
        reader = csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter)
        return [row for _, row in zip(range(20), reader, strict=False) if any(row)]
    except csv.Error:
        return []


def read_table(path: Path) -> Table:
    """Read a whole CSV export into memory, decoded and split into rows."""
    name = str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ImportFileError(f"{name}: cannot read the file: {exc.strerror}") from None
    if not data.strip():
        raise ImportFileError(f"{name}: the file is empty")
    text, encoding = decode(data, name)
    del data
    delimiter = sniff_delimiter(text)
    headers, rows = _parse(text, delimiter, name)
    return Table(path, encoding, delimiter, headers, rows)


def _parse(text: str, delimiter: str, name: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Split decoded text into a header and numbered, non-blank data rows."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[tuple[int, list[str]]] = []
    number = 1
    try:
        headers = [cell.replace("\ufeff", "").strip() for cell in next(reader)]
        for number, cells in enumerate(reader, start=2):
            if "".join(cells).strip():  # not blank: some cell has more than whitespace
                rows.append((number, cells))
    except csv.Error as exc:
        raise ImportFileError(f"{name}: row {number + 1}: malformed CSV: {exc}") from None
    return headers, rows


def safe_cell(value: object) -> str:
    """A cell a spreadsheet will show as text: a leading = + - @ tab or CR gets a quote first."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[object]]) -> int:
    """Write UTF-8 CSV (BOM for spreadsheets) atomically, every cell formula-proof; return the row count."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    count = 0
    try:
        with os.fdopen(handle, "w", encoding="utf-8-sig", newline="") as stream:
            writer = csv.writer(stream)
            writer.writerow([safe_cell(name) for name in header])
            for row in rows:
                writer.writerow([safe_cell(cell) for cell in row])
                count += 1
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return count


def iter_cells(table: Table, column: int) -> Iterator[str]:
    """One column of every row, '' where a row is short."""
    for _, cells in table.rows:
        yield cells[column] if column < len(cells) else ""
