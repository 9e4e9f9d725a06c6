"""Formatted Excel workbooks for the people who live in Excel: one module for every report.

A report is a list of ``Sheet``: a title, optional notes, a header row, the rows. Every sheet
gets a bold coloured header, frozen panes, an autofilter, column widths and number formats
(Rupiah and counts with digit grouping, percentages, dates), so the office can sort, filter and
print it at once. Excel shows ``#,##0`` with the reader's own separators: 1.088.451.000 on an
Indonesian PC. XlsxWriter writes in constant memory row by row.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from fractions import Fraction
from pathlib import Path
from typing import Any, Literal

import xlsxwriter

Kind = Literal["text", "int", "rupiah", "percent", "date", "id"]

_FORMATS: dict[str, dict[str, Any]] = {
    "text": {},
    "id": {"num_format": "@"},  # NIK, KK, card numbers: text, never a number Excel may round
    "int": {"num_format": "#,##0"},
    "rupiah": {"num_format": '"Rp" #,##0'},
    "percent": {"num_format": "0.00%"},
    "date": {"num_format": "dd/mm/yyyy"},
}
_WIDTH = {"text": 24, "id": 19, "int": 12, "rupiah": 18, "percent": 10, "date": 12}
_MAX_SHEET_NAME = 31  # Excel's limit


@dataclass(frozen=True)
class Column:
    header: str
    kind: Kind = "text"
    width: int | None = None


@dataclass
class Sheet:
    name: str
    title: str
    columns: Sequence[Column]
    rows: Iterable[Sequence[Any]]
    notes: Sequence[str] = field(default_factory=tuple)


def sheet_name(name: str) -> str:
    """A name Excel accepts: at most 31 characters, none of []:*?/\\."""
    cleaned = "".join(" " if c in "[]:*?/\\" else c for c in name).strip()
    return cleaned[:_MAX_SHEET_NAME] or "Sheet"


def write_workbook(path: Path, sheets: Sequence[Sheet]) -> Path:
    """Write ``sheets`` to ``path`` (.xlsx) and return the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook = xlsxwriter.Workbook(
        str(path), {"constant_memory": True, "strings_to_numbers": False}
    )
    try:
        title = workbook.add_format({"bold": True, "font_size": 13})
        note = workbook.add_format({"italic": True, "font_color": "#555555"})
        header = workbook.add_format(
            {
                "bold": True,
                "bg_color": "#1F6E43",
                "font_color": "#FFFFFF",
                "text_wrap": True,
                "valign": "top",
                "border": 1,
            }
        )
        cell = {kind: workbook.add_format(spec) for kind, spec in _FORMATS.items()}
        used: set[str] = set()
        for sheet in sheets:
            _write_sheet(workbook, sheet, used, title, note, header, cell)
    finally:
        workbook.close()
    return path


def _unique(name: str, used: set[str]) -> str:
    candidate, n = sheet_name(name), 2
    while candidate.lower() in used:
        suffix = f" ({n})"
        candidate = sheet_name(name)[: _MAX_SHEET_NAME - len(suffix)] + suffix
        n += 1
    used.add(candidate.lower())
    return candidate


def _write_sheet(workbook, sheet: Sheet, used, title, note, header, cell) -> None:
    ws = workbook.add_worksheet(_unique(sheet.name, used))
    ws.write(0, 0, sheet.title, title)
    for i, text in enumerate(sheet.notes, start=1):
        ws.write(i, 0, text, note)
    top = len(sheet.notes) + 2
    for c, column in enumerate(sheet.columns):
        ws.set_column(c, c, column.width or _WIDTH[column.kind], cell[column.kind])
        ws.write(top, c, column.header, header)
    last = top
    for last, row in enumerate(sheet.rows, start=top + 1):
        for c, (column, value) in enumerate(zip(sheet.columns, row, strict=True)):
            _write_cell(ws, last, c, column.kind, value, cell[column.kind])
    ws.freeze_panes(top + 1, 0)
    if sheet.columns:
        ws.autofilter(top, 0, max(last, top), len(sheet.columns) - 1)


def _write_cell(ws, row: int, col: int, kind: str, value: Any, fmt) -> None:
    if value is None:
        ws.write_blank(row, col, None, fmt)
    elif kind == "id":
        ws.write_string(row, col, str(value), fmt)
    elif kind == "percent":
        ws.write_number(row, col, float(Fraction(value)), fmt)  # display only; sums stay exact
    elif kind in ("int", "rupiah"):
        ws.write_number(row, col, int(value), fmt)
    elif kind == "date" and isinstance(value, date | datetime):
        ws.write_datetime(row, col, value, fmt)
    else:
        ws.write(row, col, value, fmt)
