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
import json
import pickle
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import islice
from operator import itemgetter
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from python_calamine import CalamineWorkbook

from semesta.core.text import Bilingual, SemestaError
from semesta.pipeline.layouts import Layout, match_headers

HEADER_SEARCH_ROWS = 30  # a title block is a few lines; a header further down is not a header
BATCH_ROWS = 50_000
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
    # Sheets parsed while looking for the header, kept so the file is parsed once.
    loaded: dict[str, Any] = field(default_factory=dict, repr=False)

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
        raise _no_header(path, [_split(line) for line in lines])
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
    batch = _Batch(file_plan, sheet)
    with file_plan.path.open(encoding=file_plan.encoding, newline="", errors="replace") as handle:
        reader = csv.reader(handle, delimiter=file_plan.delimiter)
        # Up to the header's line: a quoted title cell may span several lines.
        while reader.line_num < sheet.header_row and next(reader, None) is not None:
            pass
        numbers: list[int] = []
        rows: list[list] = []
        last_line = reader.line_num
        for cells in reader:
            numbers.append(last_line + 1)  # a quoted field may span lines: report its first
            rows.append(cells)
            last_line = reader.line_num
            if len(rows) >= BATCH_ROWS:
                yield batch.build(numbers, rows)
                numbers, rows = [], []
    if rows:
        yield batch.build(numbers, rows)


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
        sheets, skipped, layout, loaded = [], [], None, {}
        seen: list[list[str]] = []  # the first rows of sheets without a header, for the refusal
        for name in workbook.sheet_names:
            sheet = workbook.get_sheet_by_name(name)
            found = _find_header(sheet, mapping)
            if found is None:
                skipped.append(name)
                seen += [
                    [_text(c) for c in row] for row in islice(sheet.iter_rows(), HEADER_SEARCH_ROWS)
                ]
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
            loaded[name] = sheet
    except SemestaError:
        raise
    except Exception as error:  # calamine raises its own types for broken workbooks
        raise refuse(
            path,
            f"tidak dapat dibaca sebagai lembar kerja ({error}).",
            f"cannot be read as a spreadsheet ({error}).",
        ) from error
    if layout is None:
        raise _no_header(path, seen)
    return FilePlan(path, "xlsx", layout, sheets, skipped_sheets=skipped, loaded=loaded)


def _find_header(sheet, mapping) -> tuple[Layout, SheetPlan] | None:
    # iter_rows() yields every row from the sheet's first (empty ones above the data too) but
    # only the columns from sheet.start onwards (python-calamine issue #177): its row index is
    # the Excel row, its column index is shifted by the start column.
    for index, cells in zip(range(HEADER_SEARCH_ROWS), sheet.iter_rows(), strict=False):
        texts = [_text(c) for c in cells]
        matches = match_headers(texts, mapping)
        if matches:
            layout, columns = matches[0]
            ignored = [t for i, t in enumerate(texts) if i not in columns and t.strip()]
            start_col = sheet.start[1] if sheet.start else 0
            shifted = {position + start_col: name for position, name in columns.items()}
            return layout, SheetPlan(sheet.name, index + 1, shifted, ignored)
    return None


def _spreadsheet_batches(file_plan: FilePlan) -> Iterator[pa.RecordBatch]:
    workbook = None
    for sheet_plan in file_plan.sheets:
        sheet = file_plan.loaded.pop(sheet_plan.name, None)
        if sheet is None:
            workbook = workbook or CalamineWorkbook.from_path(str(file_plan.path))
            sheet = workbook.get_sheet_by_name(sheet_plan.name)
        start_col = sheet.start[1] if sheet.start else 0
        batch = _Batch(file_plan, sheet_plan, column_offset=start_col)
        # iter_rows() starts at the sheet's first row (see _find_header): skip to the header's.
        cells = islice(sheet.iter_rows(), sheet_plan.header_row, None)
        row_number = sheet_plan.header_row + 1  # as Excel shows it
        while rows := list(islice(cells, BATCH_ROWS)):
            yield batch.build(list(range(row_number, row_number + len(rows))), rows)
            row_number += len(rows)
        del sheet, cells


class _Batch:
    """Turns a list of rows into one Arrow record batch, column by column."""

    def __init__(self, file_plan: FilePlan, sheet: SheetPlan, column_offset: int = 0):
        self.schema = file_plan.schema()
        self.sheet = sheet.name
        by_name = {name: position - column_offset for position, name in sheet.columns.items()}
        self.positions = [by_name.get(c.name) for c in file_plan.layout.columns]
        self.identifiers = [by_name.get(name) for name in file_plan.identifier_columns]
        self.width = max((p for p in self.positions if p is not None), default=-1) + 1

    def build(self, numbers: list[int], rows: list[list]) -> pa.RecordBatch:
        if min(map(len, rows), default=self.width) < self.width:  # a short CSV line
            rows = [r if len(r) >= self.width else r + [""] * (self.width - len(r)) for r in rows]
        count = len(rows)
        arrays = [pa.array([self.sheet] * count, pa.string()), pa.array(numbers, pa.int64())]
        arrays += [
            pa.nulls(count, pa.string()) if p is None else _text_array(_column(rows, p))
            for p in self.positions
        ]
        arrays += [
            pa.array([False] * count if p is None else _numeric(_column(rows, p)), pa.bool_())
            for p in self.identifiers
        ]
        return pa.RecordBatch.from_arrays(arrays, schema=self.schema)


def _column(rows: list[list], position: int) -> list:
    # map + itemgetter runs in C: this touches every cell of a million-row export.
    return list(map(itemgetter(position), rows))


def _text_array(cells: list) -> pa.Array:
    """The cells as text, as ``_text`` writes them. A column of one kind (most are) is turned
    into text by Arrow in C: text as it is, dates as ISO, whole numbers without ``.0``."""
    try:
        array = pa.array(cells, pa.string())
        if array.null_count == 0:
            return array
    except (pa.ArrowTypeError, pa.ArrowInvalid):
        pass
    classes = set(map(type, cells))
    if classes == {dt.date}:
        return pa.array(cells, pa.date32()).cast(pa.string())
    if classes == {float}:
        array = pa.array(cells, pa.float64())
        whole = pc.all(pc.equal(array, pc.floor(array))).as_py()
        if whole and pc.max(pc.abs(array)).as_py() < 1e17:  # as _float_text
            return array.cast(pa.int64()).cast(pa.string())
    text_of = _TEXT_BY_CLASS.get
    return pa.array([text_of(c.__class__, _text)(c) for c in cells], pa.string())


def _numeric(cells: list) -> list[bool]:
    return [c.__class__ in (int, float) for c in cells]


def _text(cell: object) -> str:
    """A cell as the text a person would read; numbers without a spurious ``.0``."""
    if cell is None:
        return ""
    if isinstance(cell, str):
        return cell
    if isinstance(cell, bool):
        return "TRUE" if cell else "FALSE"
    if isinstance(cell, float):
        return _float_text(cell)
    if isinstance(cell, dt.datetime):
        return cell.date().isoformat() if cell.time() == dt.time() else cell.isoformat(" ")
    if isinstance(cell, dt.date):
        return cell.isoformat()
    return str(cell)


def _float_text(cell: float) -> str:
    return str(int(cell)) if cell.is_integer() and abs(cell) < 1e17 else repr(cell)


# The common cell classes straight to their text, without _text's chain of tests: a column of
# dates or numbers has a million of them.
_TEXT_BY_CLASS: dict[type, Any] = {str: str.__str__, float: _float_text, dt.date: dt.date.isoformat}


def _split(line: str) -> list[str]:
    """The cells of a CSV line whose delimiter is unknown (the first of ``;``, tab, ``|``)."""
    delimiter = next((d for d in (";", "\t", "|") if d in line), ",")
    return next(csv.reader([line], delimiter=delimiter), [])


def _no_header(path: Path, rows: list[list[str]]) -> SemestaError:
    """Say what was expected and what was seen, and how to map a header once."""
    seen = ""
    for row in rows:  # the first row that looks like a header: several cells of words
        cells = [c.strip() for c in row if c.strip()]
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


# --- reading into a staged Parquet file, in this process or a reader process -----------------


def read_to_parquet(path: Path, mapping: dict[str, str] | None, target: Path):
    """Plan and read one file into a Parquet file; a refusal comes back as its message.

    Parquet, not Arrow IPC: the ingest then scans it with DuckDB's own reader, inside DuckDB's
    memory limit, where a memory-mapped Arrow file stays resident while it is typed.
    """
    try:
        file_plan = plan(path, mapping)
        with pq.ParquetWriter(str(target), file_plan.schema(), compression="snappy") as out:
            for batch in read_batches(file_plan):
                out.write_batch(batch)
        file_plan.loaded.clear()
        return file_plan, target
    except SemestaError as error:
        target.unlink(missing_ok=True)
        return error.message.as_dict()
    except Exception as error:  # a broken file discovered while reading: refuse it
        target.unlink(missing_ok=True)
        return refuse(
            path,
            f"gagal dibaca ({type(error).__name__}: {error}).",
            f"reading failed ({type(error).__name__}: {error}).",
        ).message.as_dict()


def read_to_parquet_in_subprocess(path: Path, mapping: dict[str, str] | None, target: Path):
    """``read_to_parquet`` in a fresh interpreter, so that two large files parse on two cores."""
    outcome_file = target.with_suffix(".outcome")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "semesta.pipeline.readers",
            str(path),
            str(target),
            json.dumps(mapping or {}),
            str(outcome_file),
        ],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0 or not outcome_file.exists():
        target.unlink(missing_ok=True)
        return refuse(
            path,
            f"pembaca berhenti ({done.stderr.strip()[-300:]}).",
            f"the reader stopped ({done.stderr.strip()[-300:]}).",
        ).message.as_dict()
    outcome = pickle.loads(outcome_file.read_bytes())
    outcome_file.unlink()
    return outcome


if __name__ == "__main__":
    # Import by name, so that what is pickled refers to semesta.pipeline.readers, not __main__.
    from semesta.pipeline import readers as _module

    _path, _target, _mapping, _outcome = sys.argv[1:5]
    _result = _module.read_to_parquet(Path(_path), json.loads(_mapping), Path(_target))
    Path(_outcome).write_bytes(pickle.dumps(_result))
