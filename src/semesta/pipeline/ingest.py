"""Ingest a folder of exports into a workspace for one period, losing nothing.

For every file: rows read = rows ingested + rows quarantined, and every rejected or repaired value
is recorded with its file, sheet, row, column, value and reason. Files are first read into
temporary staging tables (a file that turns out broken is refused there, nothing written); then
all accepted files are normalised and written in one transaction, so a crash or a kill leaves
the workspace as it was. Re-importing the same file for the same period changes nothing.
"""

from __future__ import annotations

import hashlib
import os
import queue
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

from semesta.core.identifiers import with_layers
from semesta.core.text import Bilingual, SemestaError
from semesta.pipeline import normalize, readers
from semesta.pipeline.layouts import Layout, header_key
from semesta.pipeline.workspace import (
    Workspace,
    check_period,
    ensure_layout_table,
    one,
    period_end,
)

Progress = Callable[[str], None]
# Less than the workspace default: beside this process run reader processes (up to
# READERS_MEMORY), and DuckDB spills the typed tables to disk beyond this. Goal: the whole
# ingest of a million residents under 2 GB (bench/ingest.py).
INGEST_MEMORY_LIMIT = "500MB"


@dataclass
class FileReport:
    file: str
    status: str  # "ingested", "already_ingested", "refused"
    layout: str | None = None
    sheets: list[str] = field(default_factory=list)
    rows_read: int = 0
    rows_ingested: int = 0
    rows_quarantined: int = 0
    values_repaired: dict[str, int] = field(default_factory=dict)
    values_rejected: dict[str, int] = field(default_factory=dict)
    ignored_columns: list[str] = field(default_factory=list)
    message: dict[str, str] | None = None

    @property
    def balanced(self) -> bool:
        return self.rows_read == self.rows_ingested + self.rows_quarantined


@dataclass
class IngestReport:
    period: str
    workspace: str
    files: list[FileReport]

    def totals(self) -> dict[str, int]:
        done = [f for f in self.files if f.status == "ingested"]
        return {
            "files_ingested": len(done),
            "files_already_ingested": sum(f.status == "already_ingested" for f in self.files),
            "files_refused": sum(f.status == "refused" for f in self.files),
            "rows_read": sum(f.rows_read for f in done),
            "rows_ingested": sum(f.rows_ingested for f in done),
            "rows_quarantined": sum(f.rows_quarantined for f in done),
            "values_repaired": sum(sum(f.values_repaired.values()) for f in done),
            "values_rejected": sum(sum(f.values_rejected.values()) for f in done),
        }

    def as_dict(self) -> dict:
        return {
            "period": self.period,
            "workspace": self.workspace,
            "files": [asdict(f) for f in self.files],
            "totals": self.totals(),
        }


def ingest(
    folder: Path,
    period: str,
    workspace: Workspace,
    *,
    replace: bool = False,
    progress: Progress = lambda _: None,
    workers: int | None = None,
) -> IngestReport:
    """Ingest every top-level file of ``folder``; ``workers`` processes read files in parallel
    (default: two for large inputs, none for small ones)."""
    check_period(period)
    paths = _export_files(folder)
    as_of = period_end(period)
    mapping = workspace.mapping()
    db = workspace.connect(memory_limit=INGEST_MEMORY_LIMIT)
    try:
        reports = [FileReport(path.name, "refused") for path in paths]
        jobs = []
        for index, path in enumerate(paths):
            sha = _sha256(path)
            replaces = _previous_versions(db, reports[index], period, sha, replace)
            if replaces is not None:
                jobs.append((index, path, sha, replaces))
        spill = workspace.path / ".tmp"
        staged: list[_Staged] = []
        for (index, path, sha, replaces), outcome in _read_files(jobs, mapping, spill, workers):
            report = reports[index]
            if isinstance(outcome, dict):
                report.message = outcome
                continue
            plan, staged_path = outcome
            report.status, report.layout = "ingested", plan.layout.name
            report.sheets = [s.name for s in plan.sheets if s.name]
            report.ignored_columns = sorted({c for s in plan.sheets for c in s.ignored})
            progress(f"{path.name}: dibaca, dinormalkan / read, normalising")
            # Typed now, while the reader processes still parse the other files.
            table, typed = _load_and_type(db, f"stage_{index}", staged_path, plan.layout, as_of)
            staged.append(_Staged(report, plan, table, sha, replaces, typed))
        if staged:
            _commit(db, staged, period, progress)
        return IngestReport(period, str(workspace.path), reports)
    finally:
        db.close()


def _export_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        raise SemestaError(
            Bilingual(f"Folder '{folder}' tidak ditemukan.", f"Folder '{folder}' not found.")
        )
    paths = sorted(
        p for p in folder.iterdir() if p.is_file() and not p.name.startswith((".", "~$"))
    )
    if not paths:
        raise SemestaError(
            Bilingual(
                f"Folder '{folder}' tidak berisi berkas.", f"Folder '{folder}' contains no files."
            )
        )
    return paths


@dataclass
class _Staged:
    report: FileReport
    plan: readers.FilePlan
    table: str  # the typed temporary table
    sha256: str
    replaces: list[int]
    typed: list[normalize.Typed]


def _previous_versions(db, report: FileReport, period: str, sha: str, replace: bool):
    """File ids this file replaces ([] for a new file), or None when it must not be read."""
    previous = db.execute(
        "SELECT file_id, sha256 FROM files WHERE period = ? AND file_name = ?",
        [period, report.file],
    ).fetchall()
    if any(row[1] == sha for row in previous):
        report.status = "already_ingested"
        report.message = Bilingual(
            "Sudah diimpor untuk periode ini; tidak ada yang berubah.",
            "Already ingested for this period; nothing changed.",
        ).as_dict()
        return None
    if previous and not replace:
        report.message = Bilingual(
            f"Berkas bernama sama dengan isi berbeda sudah diimpor untuk {period}; pakai --ganti "
            "untuk menggantinya.",
            f"A file of the same name with other content was ingested for {period}; use "
            "--replace to replace it.",
        ).as_dict()
        return None
    return [row[0] for row in previous]


SUBPROCESS_FROM_BYTES = 4 << 20  # below this, starting a reader process costs more than it saves
# Memory of the readers running at one time. python-calamine loads a whole sheet: a reader holds
# about 12x the size of its spreadsheet (1 GB for an 84 MB, million-row BPJS export), while a
# CSV is streamed in batches. Two large spreadsheets are therefore read one after the other.
READERS_MEMORY = 1200 << 20
SPREADSHEET_MEMORY_PER_BYTE = 12
CSV_READER_MEMORY = 64 << 20


def _reader_memory(path: Path) -> int:
    if path.suffix.lower() in readers.SPREADSHEET_SUFFIXES:
        return path.stat().st_size * SPREADSHEET_MEMORY_PER_BYTE
    return CSV_READER_MEMORY


def _read_files(jobs, mapping, spill: Path, workers: int | None):
    """Read each file into a Parquet file in ``spill``; yield (job, plan and path or refusal)
    as each is ready.

    Parsing a large XLSX is the slowest step and uses one core, so large files are read by
    reader processes (``python -m semesta.pipeline.readers``), two at a time, while this process
    types what is ready. Each free reader takes the largest file whose memory fits beside the
    readers running (READERS_MEMORY); one reader may always run. Small files are read here.
    """
    spill.mkdir(parents=True, exist_ok=True)
    for stale in spill.glob("stage_*"):  # left by a killed run
        stale.unlink()
    workers = max(1, workers or min(2, os.cpu_count() or 1))
    pending = sorted(jobs, key=lambda job: -job[1].stat().st_size)
    done: queue.Queue = queue.Queue()
    turn = threading.Condition()
    running: list[int] = []  # memory of each running reader

    def run(job):
        target = spill / f"stage_{job[0]}.parquet"
        if workers > 1 and job[1].stat().st_size >= SUBPROCESS_FROM_BYTES:
            return readers.read_to_parquet_in_subprocess(job[1], mapping, target)
        return readers.read_to_parquet(job[1], mapping, target)

    def fits(job) -> bool:
        return not running or sum(running) + _reader_memory(job[1]) <= READERS_MEMORY

    def reader() -> None:
        while True:
            with turn:
                turn.wait_for(lambda: not pending or any(fits(job) for job in pending))
                if not pending:
                    return
                job = next(job for job in pending if fits(job))
                pending.remove(job)
                memory = _reader_memory(job[1])
                running.append(memory)
            try:
                done.put((job, run(job)))
            except BaseException as error:  # handed to the caller, raised there
                done.put((job, error))
            finally:
                with turn:
                    running.remove(memory)
                    turn.notify_all()

    threads = [threading.Thread(target=reader, daemon=True) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for _ in range(len(jobs)):
        job, outcome = done.get()
        if isinstance(outcome, BaseException):
            raise outcome
        yield job, outcome
    for thread in threads:
        thread.join()


def _commit(db, staged: list[_Staged], period: str, progress: Progress) -> None:
    """Write every typed file, all in one transaction."""
    db.execute("BEGIN TRANSACTION")
    try:
        for item in staged:
            progress(f"{item.plan.path.name}: menulis / writing")
            _write(db, item, item.typed, period)
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    for item in staged:
        db.execute(f"DROP TABLE IF EXISTS {item.table}")


def _load_and_type(db, stage: str, staged: Path, layout: Layout, as_of: date):
    """Type a read file in one SQL pass: values, reason codes, repair codes and the row's own
    verdict; returns the typed temporary table and its columns."""
    path = str(staged).replace("'", "''")
    db.execute(f"CREATE OR REPLACE TEMP VIEW {stage} AS SELECT * FROM read_parquet('{path}')")
    normalize.load_vocabularies(db, stage, layout)
    typed = normalize.typed_columns(layout, as_of)
    values = ", ".join(f'{t.value} AS "{t.name}"' for t in typed)
    codes = ", ".join(f'{t.code} AS "_code_{t.name}"' for t in typed if t.code)
    repairs = ", ".join(f'{t.repair} AS "_repair_{t.name}"' for t in typed if t.repair)
    raw_cols = ", ".join(f'"{c.name}" AS "_raw_{c.name}"' for c in layout.columns)
    parts = ", ".join(p for p in (raw_cols, values, codes, repairs) if p)
    source = with_layers(stage, [t.layers for t in typed])
    verdict = (
        f"SELECT *, {_row_verdict(layout)} AS _row_reason "
        f"FROM (SELECT _sheet, _row, {parts} FROM {source}) AS _typed"
    )
    db.execute(
        f"CREATE OR REPLACE TEMP TABLE {stage}_typed AS "
        f"SELECT {_kept_columns(layout, typed)} FROM ({verdict}) AS _verdict"
    )
    db.execute(f"DROP VIEW {stage}")
    staged.unlink()
    return f"{stage}_typed", typed


def _kept_columns(layout: Layout, typed: list[normalize.Typed]) -> str:
    """The typed table's columns; a raw value is kept only where the quarantine or the repair
    log will show it (~1 % of rows), not for every clean row: at a million rows the raw copies
    were a third of the ingest's memory."""
    kept = ["_sheet", "_row", "_row_reason"]
    kept += [f'"{t.name}"' for t in typed]
    kept += [f'"_code_{t.name}"' for t in typed if t.code]
    kept += [f'"_repair_{t.name}"' for t in typed if t.repair]
    for column in layout.columns:
        flags = [f'"_code_{t.name}"' for t in typed if t.raw == column.name and t.code]
        flags += [f'"_repair_{t.name}"' for t in typed if t.raw == column.name and t.repair]
        shown = " OR ".join(["_row_reason IS NOT NULL", *(f"{f} IS NOT NULL" for f in flags)])
        kept.append(f'CASE WHEN {shown} THEN "_raw_{column.name}" END AS "_raw_{column.name}"')
    return ", ".join(kept)


def _row_verdict(layout: Layout) -> str:
    raw = [f'"_raw_{c.name}"' for c in layout.columns]
    empty = " AND ".join(f"nullif(trim({r}), '') IS NULL" for r in raw)
    header_keys = {header_key(a) for c in layout.columns for a in c.aliases}
    keys = "[" + ", ".join(f"'{k}'" for k in sorted(header_keys)) + "]"
    cells = "[" + ", ".join(normalize.key_sql(r) for r in raw) + "]"
    # One list function, not a sum of CASEs: DuckDB evaluates a sum of CASEs on every row even
    # in a later WHEN, where a function runs only on the rows that reach it.
    header_words = f"len(list_intersect({keys}, {cells}))"
    no_identity = " AND ".join(f'"{c}" IS NULL' for c in layout.row_needs_any) or "FALSE"
    # A valid identifier is never a header, so the costly header test runs only on the few rows
    # without one.
    kinds = {c.name: c.kind for c in layout.columns}
    valid_id = " OR ".join(
        f'"{c}" IS NOT NULL'
        for c in layout.row_needs_any
        if kinds.get(c) in readers.IDENTIFIER_KINDS
    )
    return (
        f"CASE WHEN {empty} THEN 'baris_kosong' "
        + (f"WHEN {valid_id} THEN NULL " if valid_id else "")
        + f"WHEN {header_words} >= 2 THEN 'baris_judul_berulang' "
        f"WHEN {no_identity} THEN 'baris_tanpa_identitas' END"
    )


def _write(db, item: _Staged, typed: list[normalize.Typed], period: str) -> None:
    layout, report = item.plan.layout, item.report
    ensure_layout_table(db, layout, typed)
    for old in item.replaces:
        for name in (layout.name, "quarantine", "repairs", "files"):
            db.execute(f"DELETE FROM {name} WHERE file_id = ?", [old])
    file_id = one(db, "SELECT coalesce(max(file_id), 0) + 1 FROM files")[0]
    source = item.table
    names = ", ".join(f'"{t.name}"' for t in typed)
    # In the file's order without a sort: the typed table holds it (preserve_insertion_order),
    # sheets in workbook order, where sorting by sheet name would put "Data 10" before "Data 2".
    db.execute(
        f"INSERT INTO {layout.name} (period, file_id, sheet, row_number, {names}) "
        f"SELECT ?, ?, _sheet, _row, {names} FROM {source} WHERE _row_reason IS NULL",
        [period, file_id],
    )
    _write_quarantine(db, item, typed, period, file_id)
    _write_repairs(db, item, typed, file_id)
    _fill_report(db, item, typed, file_id)
    db.execute(
        "INSERT INTO files (file_id, period, layout, file_name, sha256, sheets, rows_read, "
        "rows_ingested, rows_quarantined, values_repaired, values_rejected) VALUES "
        "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            file_id,
            period,
            layout.name,
            report.file,
            item.sha256,
            ", ".join(report.sheets),
            report.rows_read,
            report.rows_ingested,
            report.rows_quarantined,
            sum(report.values_repaired.values()),
            sum(report.values_rejected.values()),
        ],
    )


def _reason_table(db, layout: Layout, typed: list[normalize.Typed]) -> None:
    """Bilingual reason texts per (column, code), with the column's own details filled in."""
    rows = []
    for t in typed:
        column = next((c for c in layout.columns if c.name == t.name), None)
        low, high = column.range if column and column.range else (None, None)
        for code, text in normalize.REASONS.items():
            filled = (
                text.format(low=low, high=high, columns=" / ".join(layout.row_needs_any))
                if "{" in text.id
                else text
            )
            rows.append((t.name, code, filled.id, filled.en))
    for code in ("baris_kosong", "baris_judul_berulang", "baris_tanpa_identitas"):
        text = normalize.REASONS[code].format(columns=" / ".join(layout.row_needs_any))
        rows.append(("", code, text.id, text.en))
    db.execute(
        "CREATE OR REPLACE TEMP TABLE reason_text (column_name VARCHAR, code VARCHAR, "
        "text_id VARCHAR, text_en VARCHAR)"
    )
    db.executemany("INSERT INTO reason_text VALUES (?, ?, ?, ?)", rows)


def _write_quarantine(db, item: _Staged, typed, period: str, file_id: int) -> None:
    layout = item.plan.layout
    _reason_table(db, layout, typed)
    source = item.table
    whole_row = " || ' | ' || ".join(f"coalesce(\"_raw_{c.name}\", '')" for c in layout.columns)
    parts = [
        f"SELECT _sheet, _row, NULL AS column_name, {whole_row} AS value, 'row' AS scope, "
        f"_row_reason AS code, '' AS text_column FROM {source} WHERE _row_reason IS NOT NULL"
    ]
    for t in typed:
        if t.code:
            parts.append(
                f"SELECT _sheet, _row, '{t.raw}', \"_raw_{t.raw}\", 'value', \"_code_{t.name}\", "
                f"'{t.name}' FROM {source} "
                f'WHERE _row_reason IS NULL AND "_code_{t.name}" IS NOT NULL'
            )
    union = " UNION ALL ".join(parts)
    db.execute(
        f"INSERT INTO quarantine SELECT ?, ?, ?, q._sheet, q._row, q.column_name, q.value, "
        f"q.scope, q.code, r.text_id, r.text_en FROM ({union}) q LEFT JOIN reason_text r "
        f"ON r.column_name = q.text_column AND r.code = q.code ORDER BY q._sheet, q._row",
        [file_id, period, item.report.file],
    )


def _write_repairs(db, item: _Staged, typed, file_id: int) -> None:
    source = item.table
    parts = [
        f'SELECT _sheet, _row, \'{t.raw}\', "_raw_{t.raw}", "{t.name}", "_repair_{t.name}" '
        f'FROM {source} WHERE _row_reason IS NULL AND "_repair_{t.name}" IS NOT NULL'
        for t in typed
        if t.repair
    ]
    if parts:
        db.execute(f"INSERT INTO repairs SELECT ?, * FROM ({' UNION ALL '.join(parts)})", [file_id])


def _fill_report(db, item: _Staged, typed, file_id: int) -> None:
    report = item.report
    source = item.table
    read, quarantined = one(db, f"SELECT count(*), count(_row_reason) FROM {source}")
    report.rows_read, report.rows_quarantined = read, quarantined
    report.rows_ingested = one(
        db, f"SELECT count(*) FROM {item.plan.layout.name} WHERE file_id = ?", [file_id]
    )[0]
    rejected = db.execute(
        "SELECT column_name || ': ' || reason_code, count(*) FROM quarantine "
        "WHERE file_id = ? AND scope = 'value' GROUP BY ALL",
        [file_id],
    ).fetchall()
    repaired = db.execute(
        "SELECT column_name || ': ' || reason_code, count(*) FROM repairs "
        "WHERE file_id = ? GROUP BY ALL",
        [file_id],
    ).fetchall()
    report.values_rejected = dict(sorted(Counter(dict(rejected)).items()))
    report.values_repaired = dict(sorted(Counter(dict(repaired)).items()))
    if not report.balanced:  # a defect in this module, never the user's fault
        raise RuntimeError(f"row accounting does not add up for {report.file}")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 22):
            digest.update(chunk)
    return digest.hexdigest()
