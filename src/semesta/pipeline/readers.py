"""Read an export as it really arrives, into Arrow batches of raw text.

A CSV may use ``;`` or ``,``, be UTF-8 with or without BOM or Windows-1252, and carry a title
block above its header; an XLSX may spread over several sheets. Nothing is typed here: every cell
becomes text, with its position (sheet and 1-based row as a person sees it in Excel or a text
editor) so that normalisation can quarantine it by name. Identifier cells that a spreadsheet
stored as numbers are flagged, because Excel keeps only 15 significant digits (reference §3.1).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
from python_calamine import CalamineWorkbook

from semesta.core.text import Bilingual, SemestaError
from semesta.pipeline.layouts import Layout, match_headers

HEADER_SEARCH_ROWS = 30  # a title block is a few lines; a header further down is not a header
BATCH_ROWS = 100_000
SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")
IDENTIFIER_KINDS = ("nik", "kk", "noka")


@dataclass
class SheetPlan:
    name: str  # "" for CSV
    header_row: int  # 1-based
    columns: dict[int, str]  # position → canonical column
    ignored: list[str]  # headers not recognised


@dataclass
class FilePlan:
    path: Path
    fmt: str  # "csv" or "xlsx"
    layout: Layout
    sheets: list[SheetPlan]
    encoding: str = "utf-8"
    delimiter: str = ","
    skipped_sheets: list[str] = field(default_factory=list)

    @property
    def identifier_columns(self) -> list[str]:
        return [c.name for c in self.layout.columns if c.kind in IDENTIFIER_KINDS]

    def schema(self) -> pa.Schema:
        fields = [pa.field("_sheet", pa.string()), pa.field("_row", pa.int64())]
        fields += [pa.field(c.name, pa.string()) for c in self.layout.columns]
        fields += [pa.field(f"_numeric_{c}", pa.bool_()) for c in self.identifier_columns]
        return pa.schema(fields)


def refuse(path: Path, id_text: str, en_text: str) -> SemestaError:
    return SemestaError(
        Bilingual(
            f"Berkas '{path.name}' ditolak: {id_text}", f"File '{path.name}' refused: {en_text}"
        )
    )


def plan(path: Path, mapping: dict[str, str] | None = None) -> FilePlan:
    """Recognise the file: its format, layout, header rows and columns; refuse what is not."""
    head = _head_bytes(path)
    if not head:
        raise refuse(path, "berkas kosong.", "the file is empty.")
    if head.startswith(b"PK") or path.suffix.lower() in SPREADSHEET_SUFFIXES:
        return _plan_spreadsheet(path, head, mapping)
    if b"\x00" in head:
        raise refuse(
            path,
            "isinya biner, bukan teks CSV (mungkin berkas lain yang diganti nama).",
            "it is binary, not CSV text (perhaps another file renamed).",
        )
    return _plan_csv(path, mapping)


def read_batches(file_plan: FilePlan) -> Iterator[pa.RecordBatch]:
    """The file's data rows as batches of text, with sheet and row number."""
    if file_plan.fmt == "csv":
        yield from _csv_batches(file_plan)
    else:
        yield from _spreadsheet_batches(file_plan)


# --- CSV -----------------------------------------------------------------------------------


def _head_bytes(path: Path, size: int = 65_536) -> bytes:
    with path.open("rb") as handle:
        return handle.read(size)


def _detect_encoding(path: Path) -> str:
    """UTF-8 (with or without BOM) when every byte decodes; otherwise Windows-1252."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    with path.open("rb") as handle:
        try:
            while chunk := handle.read(1 << 22):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "cp1252"
    return "utf-8-sig"


def _plan_csv(path: Path, mapping: dict[str, str] | None) -> FilePlan:
    encoding = _detect_encoding(path)
    with path.open(encoding=encoding, newline="") as handle:
        lines = [line for _, line in zip(range(HEADER_SEARCH_ROWS), handle, strict=False)]
    best = None
    for number, line in enumerate(lines, start=1):
        for delimiter in (";", ",", "\t", "|"):
            cells = next(csv.reader([line], delimiter=delimiter))
            if len(cells) < 2:
                continue
            matches = match_headers(cells, mapping)
            if matches and (best is None or len(matches[0][1]) > len(best[2][1])):
                best = (number, delimiter, matches[0], cells)
        if best:
            break
    if best is None:
        raise _no_header(path, lines, ",", mapping)
    number, delimiter, (layout, columns), cells = best
    ignored = [c for i, c in enumerate(cells) if i not in columns and c.strip()]
    return FilePlan(
        path,
        "csv",
        layout,
        [SheetPlan("", number, columns, ignored)],
        encoding=encoding,
        delimiter=delimiter,
    )


def _csv_batches(file_plan: FilePlan) -> Iterator[pa.RecordBatch]:
    sheet = file_plan.sheets[0]
    builder = _BatchBuilder(file_plan, sheet)
    with file_plan.path.open(encoding=file_plan.encoding, newline="", errors="replace") as handle:
        reader = csv.reader(handle, delimiter=file_plan.delimiter)
        for _ in range(sheet.header_row):
            next(reader, None)
        last_line = reader.line_num
        for cells in reader:
            builder.add(last_line + 1, cells)  # a quoted field may span lines: report its first
            last_line = reader.line_num
            if builder.full:
                yield builder.flush()
    if builder.rows:
        yield builder.flush()


# --- spreadsheets --------------------------------------------------------------------------


def _plan_spreadsheet(path: Path, head: bytes, mapping: dict[str, str] | None) -> FilePlan:
    if path.suffix.lower() in (".xlsx", ".xlsm") and not zipfile.is_zipfile(path):
        raise refuse(
            path,
            "bukan berkas XLSX yang utuh (rusak atau bukan Excel).",
            "not a complete XLSX file (corrupted or not Excel).",
        )
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        sheets, skipped, layout = [], [], None
        for name in workbook.sheet_names:
            sheet = workbook.get_sheet_by_name(name)
            found = _find_header(sheet, mapping)
            if found is None:
                skipped.append(name)
                continue
            found_layout, plan_ = found
            if layout is not None and found_layout.name != layout.name:
                raise refuse(
                    path,
                    f"lembar '{name}' berisi {found_layout.title.id}, lembar lain "
                    f"{layout.title.id}; pisahkan menjadi berkas sendiri.",
                    f"sheet '{name}' holds {found_layout.title.en}, other sheets "
                    f"{layout.title.en}; split them into separate files.",
                )
            layout = found_layout
            sheets.append(plan_)
    except SemestaError:
        raise
    except Exception as error:  # calamine raises its own types for broken workbooks
        raise refuse(
            path,
            f"tidak dapat dibaca sebagai lembar kerja ({error}).",
            f"cannot be read as a spreadsheet ({error}).",
        ) from error
    if layout is None:
        raise _no_header(path, [], None, mapping)
    return FilePlan(path, "xlsx", layout, sheets, skipped_sheets=skipped)


def _find_header(sheet, mapping) -> tuple[Layout, SheetPlan] | None:
    start_row = sheet.start[0] if sheet.start else 0
    for index, cells in zip(range(HEADER_SEARCH_ROWS), sheet.iter_rows(), strict=False):
        texts = [_text(c) for c in cells]
        matches = match_headers(texts, mapping)
        if matches:
            layout, columns = matches[0]
            ignored = [t for i, t in enumerate(texts) if i not in columns and t.strip()]
            start_col = sheet.start[1] if sheet.start else 0
            shifted = {position + start_col: name for position, name in columns.items()}
            return layout, SheetPlan(sheet.name, start_row + index + 1, shifted, ignored)
    return None


def _spreadsheet_batches(file_plan: FilePlan) -> Iterator[pa.RecordBatch]:
    workbook = CalamineWorkbook.from_path(str(file_plan.path))
    for sheet_plan in file_plan.sheets:
        sheet = workbook.get_sheet_by_name(sheet_plan.name)
        start_row, start_col = sheet.start if sheet.start else (0, 0)
        builder = _BatchBuilder(file_plan, sheet_plan, column_offset=start_col)
        for index, cells in enumerate(sheet.iter_rows()):
            row_number = start_row + index + 1
            if row_number <= sheet_plan.header_row:
                continue
            builder.add(row_number, cells)
            if builder.full:
                yield builder.flush()
        if builder.rows:
            yield builder.flush()


class _BatchBuilder:
    """Collects rows column by column and hands them out as Arrow record batches."""

    def __init__(self, file_plan: FilePlan, sheet: SheetPlan, column_offset: int = 0):
        self.schema = file_plan.schema()
        self.sheet = sheet.name
        self.positions = [
            (position - column_offset, name) for position, name in sorted(sheet.columns.items())
        ]
        self.identifiers = set(file_plan.identifier_columns)
        self.names = [c.name for c in file_plan.layout.columns]
        self._reset()

    def _reset(self) -> None:
        self.rows: list[int] = []
        self.values: dict[str, list[str | None]] = {name: [] for name in self.names}
        self.numeric: dict[str, list[bool]] = {name: [] for name in self.identifiers}

    @property
    def full(self) -> bool:
        return len(self.rows) >= BATCH_ROWS

    def add(self, row_number: int, cells: list) -> None:
        self.rows.append(row_number)
        width = len(cells)
        present = set()
        for position, name in self.positions:
            cell = cells[position] if position < width else None
            present.add(name)
            if name in self.identifiers:
                self.numeric[name].append(
                    isinstance(cell, (int, float)) and not isinstance(cell, bool)
                )
            self.values[name].append(_text(cell))
        for name in self.names:
            if name not in present:
                self.values[name].append(None)
                if name in self.identifiers:
                    self.numeric[name].append(False)

    def flush(self) -> pa.RecordBatch:
        arrays = [
            pa.array([self.sheet] * len(self.rows), pa.string()),
            pa.array(self.rows, pa.int64()),
        ]
        arrays += [pa.array(self.values[name], pa.string()) for name in self.names]
        arrays += [
            pa.array(self.numeric[name], pa.bool_())
            for name in [
                f.name.removeprefix("_numeric_")
                for f in self.schema
                if f.name.startswith("_numeric_")
            ]
        ]
        batch = pa.RecordBatch.from_arrays(arrays, schema=self.schema)
        self._reset()
        return batch


def _text(cell: object) -> str:
    """A cell as the text a person would read; numbers without a spurious ``.0``."""
    if cell is None:
        return ""
    if isinstance(cell, str):
        return cell
    if isinstance(cell, bool):
        return "TRUE" if cell else "FALSE"
    if isinstance(cell, float):
        return str(int(cell)) if cell.is_integer() and abs(cell) < 1e17 else repr(cell)
    if isinstance(cell, dt.datetime):
        return cell.date().isoformat() if cell.time() == dt.time() else cell.isoformat(" ")
    if isinstance(cell, dt.date):
        return cell.isoformat()
    return str(cell)


def _no_header(
    path: Path, lines: list[str], delimiter: str | None, mapping: dict[str, str] | None
) -> SemestaError:
    """Say what was expected and what was seen, and how to map a header once."""
    seen = ""
    for line in lines:  # the first line that looks like a header: several cells of words
        cells = [
            c.strip()
            for c in next(csv.reader([line], delimiter=";" if ";" in line else ","), [])
            if c.strip()
        ]
        if len(cells) >= 2 and sum(any(ch.isalpha() for ch in c) for c in cells) * 2 >= len(cells):
            seen = ", ".join(cells)[:200]
            break
    hint_id = " Kolom yang terbaca: " + seen + "." if seen else ""
    hint_en = " Columns read: " + seen + "." if seen else ""
    return refuse(
        path,
        "kolom wajib tidak ditemukan, sehingga jenis data tidak dikenali (DKB, peserta BPJS, "
        "DTSEN, ASN, perangkat desa, pekerja, kematian, tagihan)."
        + hint_id
        + " Jika nama kolomnya berbeda, petakan sekali di pemetaan_kolom.toml pada workspace.",
        "required columns not found, so the kind of data is not recognised (DKB, BPJS members, "
        "DTSEN, civil servants, village officials, workers, deaths, invoice)."
        + hint_en
        + " If the headers are named differently, map them once in the workspace's "
        "pemetaan_kolom.toml.",
    )
