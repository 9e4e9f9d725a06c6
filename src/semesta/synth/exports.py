"""Write what a Dinas Kesehatan really receives, with its dirt, and the truth behind it.

Each export is an Arrow table with the layout's canonical columns plus hidden ``_person`` (ground
truth id), ``_dirt`` (presentation damage in this row) and ``_numeric`` (identifier columns that
Excel stored as numbers). Writers turn it into the file format and header spelling of a real
export; ``truth/`` records every injected anomaly and which person each exported row is.
"""

from __future__ import annotations

import io
import multiprocessing
import os
import tempfile
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import xlsxwriter

from semesta.core import rules
from semesta.core.regions import regions
from semesta.pipeline.layouts import LAYOUT_BY_NAME
from semesta.synth import names
from semesta.synth.membership import (
    PEMDA,
    SEGMENT_EXPORT_NAMES,
    FormalWorkers,
    Membership,
    apply_welloff,
    build_formal_workers,
    build_membership,
)
from semesta.synth.options import SynthOptions
from semesta.synth.population import RELATIONS, Population, build

Progress = Callable[[str], None]
EXCEL_EPOCH = date(1899, 12, 30)
FIXED_TIMESTAMP = datetime(2025, 7, 1, 8, 0, 0)  # same seed, same bytes


@dataclass
class Export:
    file_name: str
    layout: str
    table: pa.Table  # canonical columns (strings, dates, ints) + _person, _dirt, _numeric_*
    fmt: str  # "csv" or "xlsx"
    title: tuple[str, ...] = ()
    delimiter: str = ","
    encoding: str = "utf-8"
    bom: bool = False
    split: str = "files"  # past Excel's row limit: "files" or "sheets"
    date_columns: tuple[str, ...] = ()  # written as real Excel dates
    serial_columns: tuple[str, ...] = ()  # written as Excel serial numbers
    headers: dict[str, str] = field(default_factory=dict)
    max_rows: int = 1_048_575  # Excel's 1,048,576 rows a sheet, less the header


def synthesize(options: SynthOptions, out: Path, progress: Progress = lambda _: None) -> dict:
    """Generate the kabupaten, write every export into ``out`` and the truth into ``out/truth``."""
    out.mkdir(parents=True, exist_ok=True)
    progress("populasi / population")
    pop = build(options)
    rng = np.random.default_rng(options.seed + 1)
    members, events = build_membership(pop, rng)
    workers = build_formal_workers(pop, members, rng, events)
    apply_welloff(pop, members, rng, events)
    death_list = _death_list(pop, rng)

    name_of = pop.full_names()
    exports = [
        _dkb(pop, name_of, death_list, options),
        _bpjs(pop, members, name_of, rng, options),
        _dtsen(pop, name_of, options),
        *_worker_exports(pop, workers, name_of, rng, options),
        _deaths(pop, death_list, name_of, options),
    ]
    exports.append(_invoice(exports[1], options))
    for export in exports:
        export.max_rows = options.xlsx_max_rows
        _choose_headers(export, rng, options)
        _present(export, rng, options)

    progress("menulis berkas / writing files")
    written = _write_all(exports, out)
    progress("kebenaran / truth")
    truth = _truth(pop, members, workers, death_list, written, options)
    truth_dir = out / "truth"
    truth_dir.mkdir(exist_ok=True)
    pacsv.write_csv(truth, truth_dir / "anomalies.csv")
    pq.write_table(_row_index(written), truth_dir / "rows.parquet")
    pq.write_table(_persons(pop, name_of), truth_dir / "persons.parquet")
    counts = pc.value_counts(truth["kind"]).to_pylist()
    return {
        "region": options.region,
        "population": int(pop.resident.sum()),
        "files": [{"file": w.file_name, "rows": w.rows} for w in written],
        "truth": {c["values"]: c["counts"] for c in counts},
    }


# --- exports -----------------------------------------------------------------------------


def _dkb(
    pop: Population,
    name_of: pa.Array,
    death_list: tuple[np.ndarray, np.ndarray],
    opts: SynthOptions,
) -> Export:
    persons = np.flatnonzero(pop.in_dkb)
    # Deaths known only from the death list are still "HIDUP" in this DKB.
    dead_known = ~np.isnat(pop.died_on) & ~np.isin(np.arange(pop.size), death_list[1])
    moved = ~np.isnat(pop.moved_on)
    order = np.lexsort((pop.relation[persons], pop.family[persons], pop.person_desa[persons]))
    persons = persons[order]
    take = pa.array(persons)
    desa = pop.desa_codes[pop.person_desa[persons]]
    rng = np.random.default_rng(opts.seed + 2)
    table = pa.table(
        {
            "nik": pop.nik.take(take),
            "no_kk": pop.kk.take(take),
            "nama": name_of.take(take),
            "jenis_kelamin": np.where(pop.female[persons], "PEREMPUAN", "LAKI-LAKI"),
            "tempat_lahir": _birth_places(pop, persons, rng),
            "tanggal_lahir": _text_dates(pop.birth[persons], "%d-%m-%Y"),
            "alamat": _addresses(pop.family[persons], rng),
            "rt": _zero_pad(pop.family[persons] % 17 + 1, 3),
            "rw": _zero_pad(pop.family[persons] % 7 + 1, 3),
            "kode_desa": pa.array(desa),
            "hubungan_keluarga": np.array(RELATIONS)[pop.relation[persons]],
            "status_hidup": np.where(dead_known[persons], "MATI", "HIDUP"),
            "tanggal_meninggal": _text_dates(
                np.where(dead_known[persons], pop.died_on[persons], np.datetime64("NaT")),
                "%d-%m-%Y",
            ),
            "status_pindah": np.where(moved[persons], "PINDAH KELUAR", ""),
            "tanggal_pindah": _text_dates(pop.moved_on[persons], "%d-%m-%Y"),
            "_person": persons,
        }
    )
    semester = "I" if opts.dkb_as_of.month <= 6 else "II"
    kab = regions().get(opts.region)
    assert kab is not None
    return Export(
        f"dkb_{kab.digits}_semester{semester}_{opts.dkb_as_of.year}.csv",
        "dkb",
        table,
        "csv",
        title=(
            f"DATA KEPENDUDUKAN BERSIH SEMESTER {semester} TAHUN {opts.dkb_as_of.year}",
            kab.name.upper(),
            "",
        ),
        delimiter=";",
        encoding="cp1252",
    )


def _bpjs(
    pop: Population,
    members: Membership,
    name_of: pa.Array,
    rng: np.random.Generator,
    opts: SynthOptions,
) -> Export:
    persons = members.person
    take = pa.array(persons)
    nik = pop.nik.take(take).to_numpy(zero_copy_only=False).astype(object)
    for row, mistyped in members.nik_override.items():
        nik[row] = mistyped
    variant = rng.integers(0, 3, len(persons))
    segment_names = np.array(
        [
            SEGMENT_EXPORT_NAMES[s][min(v, len(SEGMENT_EXPORT_NAMES[s]) - 1)]
            for s, v in zip(members.segment.tolist(), variant.tolist(), strict=True)
        ],
        dtype=object,
    )
    kecamatan = pop.person_desa[persons] % 20
    kab = regions().get(opts.region)
    assert kab is not None
    kec_names = {r.code[-2:]: r.name.upper() for r in regions().children(kab.code)}
    faskes_no = np.array([int(pop.desa_codes[d][4:6]) for d in pop.person_desa[persons]])
    tmt = np.datetime64("2014-01-01") + rng.integers(0, 11 * 365, len(persons)).astype(
        "timedelta64[D]"
    )
    pisa = np.select(
        [
            pop.relation[persons] == 0,
            pop.relation[persons] == 1,
            pop.relation[persons] == 2,
            pop.relation[persons] == 3,
        ],
        ["1", "3", "2", "4"],
        "5",
    )
    table = pa.table(
        {
            "no_kartu": members.noka,
            "nik": pa.array(nik, pa.string()),
            "nama": name_of.take(take),
            "tanggal_lahir": pa.array(pop.birth[persons]),
            "jenis_kelamin": np.where(pop.female[persons], "P", "L"),
            "hubungan_keluarga": pisa,
            "segmen": pa.array(segment_names, pa.string()),
            "kelas": members.kelas.astype("int64"),
            "status_peserta": np.where(members.active, "AKTIF", "NON AKTIF"),
            "keterangan_status": pa.array(members.reason, pa.string()),
            "kode_faskes": [
                f"{n:02d}{kab.digits[2:]}P{k:03d}"
                for n, k in zip(faskes_no.tolist(), (kecamatan % 3 + 1).tolist(), strict=True)
            ],
            "nama_faskes": [f"PUSKESMAS {kec_names[f'{n:02d}']}" for n in faskes_no.tolist()],
            "tmt": _text_dates(tmt, "%Y-%m-%d"),
            "alamat": _addresses(pop.family[persons], np.random.default_rng(opts.seed + 3)),
            "_person": persons,
            "_row": np.arange(len(persons)),
        }
    )
    # Rows exported twice (a join gone wrong at the branch office).
    dup = np.flatnonzero(rng.random(len(persons)) < opts.dirt.duplicate_row)
    dirt = np.full(table.num_rows, "", dtype=object)
    table = table.append_column("_dirt", pa.array(dirt, pa.string()))
    copies = table.take(pa.array(dup)).set_column(
        table.schema.get_field_index("_dirt"),
        "_dirt",
        pa.array(["duplikat_baris"] * len(dup), pa.string()),
    )
    table = pa.concat_tables([table, copies])
    table = table.sort_by(
        [("kode_faskes", "ascending"), ("no_kartu", "ascending"), ("_dirt", "ascending")]
    ).drop_columns(["_row"])
    return Export(
        f"bpjs_peserta_{kab.digits}_{opts.period}.xlsx",
        "bpjs_peserta",
        table,
        "xlsx",
        split="files",
        date_columns=("tanggal_lahir",),
    )


def _dtsen(pop: Population, name_of: pa.Array, opts: SynthOptions) -> Export:
    persons = np.flatnonzero(pop.in_dtsen & pop.in_dkb)
    persons = persons[np.lexsort((pop.relation[persons], pop.family[persons]))]
    take = pa.array(persons)
    as_of = opts.dkb_as_of.replace(day=1) - timedelta(days=1)
    table = pa.table(
        {
            "nik": pop.nik.take(take),
            "no_kk": pop.kk.take(take),
            "nama": name_of.take(take),
            "desil": pop.desil[persons].astype("int64"),
            "tanggal_data": pa.array([as_of] * len(persons), pa.date32()),
            "_person": persons,
        }
    )
    kab = regions().get(opts.region)
    assert kab is not None
    return Export(
        f"dtsen_{kab.digits}_{as_of:%Y-%m}.xlsx",
        "dtsen",
        table,
        "xlsx",
        split="sheets",
        serial_columns=("tanggal_data",),
    )


def _worker_exports(
    pop: Population,
    workers: FormalWorkers,
    name_of: pa.Array,
    rng: np.random.Generator,
    opts: SynthOptions,
) -> list[Export]:
    kab = regions().get(opts.region)
    assert kab is not None
    asn = workers.asn
    nip = [
        f"{b:%Y%m%d}{2005 + int(y):04d}{int(m):02d}{1 + int(f)}{i % 1000:03d}"
        for b, y, m, f, i in zip(
            pop.birth[asn].astype(object),
            rng.integers(0, 20, len(asn)),
            rng.integers(1, 13, len(asn)),
            pop.female[asn],
            range(len(asn)),
            strict=True,
        )
    ]
    asn_table = pa.table(
        {
            "nip": nip,
            "nik": pop.nik.take(pa.array(asn)),
            "nama": name_of.take(pa.array(asn)),
            "tanggal_lahir": _text_dates(pop.birth[asn], "%d/%m/%Y"),
            "status_kepegawaian": workers.asn_status,
            "instansi": workers.asn_opd,
            "_person": asn,
        }
    )
    perangkat = workers.perangkat
    desa = pop.desa_codes[pop.person_desa[perangkat]]
    perangkat_table = pa.table(
        {
            "nik": pop.nik.take(pa.array(perangkat)),
            "nama": name_of.take(pa.array(perangkat)),
            "jabatan": workers.perangkat_jabatan,
            "kode_desa": [f"{c[:2]}.{c[2:4]}.{c[4:6]}.{c[6:]}" for c in desa],
            "nama_desa": [regions().get(c).name.upper() for c in desa],  # type: ignore[union-attr]
            "_person": perangkat,
        }
    )
    pekerja = workers.pekerja
    pekerja_table = pa.table(
        {
            "nik": pop.nik.take(pa.array(pekerja)),
            "nama": name_of.take(pa.array(pekerja)),
            "tanggal_lahir": _text_dates(pop.birth[pekerja], "%Y-%m-%d"),
            "pemberi_kerja": workers.pekerja_employer,
            "tanggal_masuk": _text_dates(
                np.datetime64("2010-01-01")
                + rng.integers(0, 15 * 365, len(pekerja)).astype("timedelta64[D]"),
                "%d-%m-%Y",
            ),
            "_person": pekerja,
        }
    )
    return [
        Export(
            f"bkpsdm_asn_pppk_{kab.digits}_{opts.period}.xlsx",
            "pegawai_asn",
            asn_table,
            "xlsx",
            title=("DAFTAR PEGAWAI ASN DAN PPPK", f"PEMERINTAH {kab.name.upper()}", ""),
        ),
        Export(
            f"perangkat_desa_{kab.digits}_{opts.period}.csv",
            "perangkat_desa",
            perangkat_table,
            "csv",
            delimiter=",",
            bom=True,
        ),
        Export(
            f"pekerja_badan_usaha_{kab.digits}_{opts.period}.xlsx",
            "pekerja_badan_usaha",
            pekerja_table,
            "xlsx",
        ),
    ]


def _deaths(
    pop: Population,
    death_list: tuple[np.ndarray, np.ndarray],
    name_of: pa.Array,
    opts: SynthOptions,
) -> Export:
    persons = np.sort(death_list[0])
    kab = regions().get(opts.region)
    assert kab is not None
    sources = np.where(np.isin(persons, death_list[1]), "LAPORAN DESA", "AKTA KEMATIAN DUKCAPIL")
    table = pa.table(
        {
            "nik": pop.nik.take(pa.array(persons)),
            "nama": name_of.take(pa.array(persons)),
            "tanggal_meninggal": _text_dates(pop.died_on[persons], "%d/%m/%Y"),
            "sumber": sources,
            "_person": persons,
        }
    )
    return Export(f"kematian_{kab.digits}_{opts.period}.csv", "kematian", table, "csv")


def _invoice(bpjs: Export, opts: SynthOptions) -> Export:
    """BPJS bills the Pemda for every active row of its segment, whoever that row is."""
    table = bpjs.table
    segment_names = {n for n in SEGMENT_EXPORT_NAMES[PEMDA]}
    is_pemda = pc.is_in(table["segmen"], pa.array(sorted(segment_names)))
    billed = table.filter(pc.and_(is_pemda, pc.equal(table["status_peserta"], "AKTIF")))
    billed = billed.filter(pc.equal(billed["_dirt"], ""))
    kab = regions().get(opts.region)
    assert kab is not None
    invoice = pa.table(
        {
            "no_kartu": billed["no_kartu"],
            "nik": billed["nik"],
            "nama": billed["nama"],
            "kelas": billed["kelas"],
            "iuran": pa.array([invoice_rate(opts)] * billed.num_rows, pa.int64()),
            "bulan_tagihan": pa.array([opts.period] * billed.num_rows),
            "_person": billed["_person"],
        }
    )
    return Export(
        f"tagihan_pbpu_pemda_{kab.digits}_{opts.period}.xlsx",
        "tagihan",
        invoice,
        "xlsx",
        title=(
            "TAGIHAN IURAN PESERTA PBPU DAN BP PEMERINTAH DAERAH",
            f"{kab.name.upper()} BULAN {opts.period}",
            "",
        ),
    )


def invoice_rate(opts: SynthOptions) -> int:
    """The Pemda's rate per participant in the invoice month (rules as data)."""
    if opts.pemda_rate is not None:
        return opts.pemda_rate
    year, month = (int(part) for part in opts.period.split("-"))
    return rules.pemda_rate(opts.region, date(year, month, 1))


def _death_list(pop: Population, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """(people on the death list, those of them the DKB does not yet know are dead)."""
    dead = np.flatnonzero(~np.isnat(pop.died_on))
    only_list = dead[rng.random(len(dead)) < pop.options.dirt.death_list_only]
    also_listed = dead[rng.random(len(dead)) < 0.5]
    return np.union1d(only_list, also_listed), only_list


# --- presentation dirt ---------------------------------------------------------------------


def _choose_headers(export: Export, rng: np.random.Generator, opts: SynthOptions) -> None:
    """Each export spells its headers its own way, as real ones do."""
    layout = LAYOUT_BY_NAME[export.layout]
    for name in export.table.column_names:
        if name.startswith("_"):
            continue
        aliases = layout.column(name).aliases[1:]
        pick = int(rng.integers(0, len(aliases))) if opts.dirt.header_variants else 0
        export.headers[name] = aliases[pick]


def _present(export: Export, rng: np.random.Generator, opts: SynthOptions) -> None:
    """Excel damage to identifiers and spelling variants of names."""
    table = export.table
    n = table.num_rows
    dirt = (
        table["_dirt"].to_numpy(zero_copy_only=False).astype(object)
        if "_dirt" in table.column_names
        else np.full(n, "", dtype=object)
    )
    numeric = np.zeros(n, bool)
    if export.layout in ("dkb", "bpjs_peserta", "dtsen") and "nik" in table.column_names:
        nik = table["nik"].to_numpy(zero_copy_only=False).astype(object)
        hit = np.flatnonzero((rng.random(n) < opts.dirt.nik_excel_damage) & (dirt == ""))
        for row in hit:
            nik[row], form, is_number = _damage(nik[row], export.layout, rng)
            dirt[row] = f"nik_rusak:{form}"
            numeric[row] = is_number
        table = table.set_column(
            table.schema.get_field_index("nik"), "nik", pa.array(nik, pa.string())
        )
    if export.layout in ("bpjs_peserta", "dtsen"):
        nama = table["nama"].to_numpy(zero_copy_only=False).astype(object)
        hit = np.flatnonzero((rng.random(n) < opts.dirt.name_variant) & (dirt == ""))
        for row in hit:
            respelt = _respell(nama[row], rng)
            if respelt != nama[row]:  # "SRI" or "ANNA" may have no other spelling
                nama[row] = respelt
                dirt[row] = "ejaan_nama"
        table = table.set_column(
            table.schema.get_field_index("nama"), "nama", pa.array(nama, pa.string())
        )
    table = table.drop_columns([c for c in ("_dirt",) if c in table.column_names])
    export.table = table.append_column("_dirt", pa.array(dirt, pa.string())).append_column(
        "_numeric_nik", pa.array(numeric)
    )


def _damage(nik: str, layout: str, rng: np.random.Generator) -> tuple[str, str, bool]:
    """What Excel and hurried typing do to a 16-digit NIK (reference §3.1; issue 3)."""
    if layout == "bpjs_peserta":  # a numeric cell: Excel keeps 15 significant digits
        return f"{int(nik[:15]) * 10}", "dibulatkan", True
    forms = ("notasi_ilmiah", "apostrof", "spasi", "akhiran_desimal")
    form = forms[int(rng.integers(0, len(forms)))]
    if form == "notasi_ilmiah":
        return f"{nik[0]}.{nik[1:6]}E+15", form, False
    if form == "apostrof":
        return "'" + nik, form, False
    if form == "spasi":
        return f"{nik[:4]} {nik[4:8]} {nik[8:12]} {nik[12:]}", form, False
    return nik + ".0", form, False


def _respell(name: str, rng: np.random.Generator) -> str:
    words = name.split()
    for i, word in enumerate(words):
        if word in names.VARIANTS:
            options = names.VARIANTS[word]
            words[i] = options[int(rng.integers(0, len(options)))]
            return " ".join(words)
    word = words[-1]
    if len(word) > 3:
        i = int(rng.integers(1, len(word) - 1))
        words[-1] = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    return " ".join(words)


# --- writers -------------------------------------------------------------------------------


@dataclass
class Written:
    file_name: str
    layout: str
    rows: int
    index: pa.Table  # file, sheet, row_number, _person, _dirt


def _write_all(exports: list[Export], out: Path) -> list[Written]:
    jobs = []
    written = []
    for export in exports:
        for file_name, sheets in _split(export):
            written.append(
                Written(
                    file_name,
                    export.layout,
                    sum(t.num_rows for _, t in sheets),
                    _index(file_name, export, sheets),
                )
            )
            jobs.append((export, file_name, sheets))
    workers = min(2, os.cpu_count() or 1)
    big_first = sorted(jobs, key=lambda j: -sum(t.num_rows for _, t in j[2]))
    # Writer processes are spawned, not forked, and get their rows as Arrow files on disk
    # rather than pickled tables: a forked child would carry the whole population, and a
    # pickled export one more copy of it per file.
    with (
        tempfile.TemporaryDirectory(dir=out, prefix=".menulis-") as staging,
        ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool,
    ):
        futures = []
        for n, (export, file_name, sheets) in enumerate(big_first):
            staged = []
            for k, (sheet, table) in enumerate(sheets):
                path = Path(staging) / f"{n}-{k}.arrow"
                with pa.ipc.new_file(str(path), table.schema) as sink:
                    sink.write_table(table)
                staged.append((sheet, str(path)))
            light = replace(export, table=export.table.slice(0, 0))
            futures.append(pool.submit(_write_one, light, file_name, staged, out))
        for future in futures:
            future.result()
    return written


def _split(export: Export) -> list[tuple[str, list[tuple[str, pa.Table]]]]:
    """Past Excel's row limit an export continues in another sheet or another file."""
    table = export.table
    if export.fmt == "csv":
        return [(export.file_name, [("", table)])]
    limit = export.max_rows - len(export.title)
    parts = [table.slice(i, limit) for i in range(0, max(table.num_rows, 1), limit)]
    if len(parts) == 1:
        return [(export.file_name, [("Sheet1", parts[0])])]
    if export.split == "sheets":
        return [(export.file_name, [(f"Data {i + 1}", p) for i, p in enumerate(parts)])]
    stem = export.file_name.removesuffix(".xlsx")
    return [(f"{stem}_bagian{i + 1}.xlsx", [("Sheet1", p)]) for i, p in enumerate(parts)]


def _index(file_name: str, export: Export, sheets: list[tuple[str, pa.Table]]) -> pa.Table:
    first_data_row = len(export.title) + 2  # 1-based: title lines, then the header
    tables = [
        pa.table(
            {
                "file": pa.array([file_name] * t.num_rows, pa.string()),
                "sheet": pa.array([sheet] * t.num_rows, pa.string()),
                "row_number": pa.array(np.arange(t.num_rows) + first_data_row),
                "person_id": t["_person"],
                "dirt": t["_dirt"],
            }
        )
        for sheet, t in sheets
    ]
    return pa.concat_tables(tables)


def _visible(export: Export, table: pa.Table) -> pa.Table:
    columns = [c for c in table.column_names if not c.startswith("_")]
    return table.select(columns).rename_columns([export.headers[c] for c in columns])


def _write_one(export: Export, file_name: str, staged: list[tuple[str, str]], out: Path):
    sheets = [(sheet, pa.ipc.open_file(pa.memory_map(path)).read_all()) for sheet, path in staged]
    if export.fmt == "csv":
        _write_csv(export, sheets[0][1], out / file_name)
    else:
        _write_xlsx(export, sheets, out / file_name)


def _write_csv(export: Export, table: pa.Table, path: Path) -> None:
    """Written batch by batch: a 5 M-row DKB never exists as one string in memory."""
    visible = _visible(export, table)
    batches = visible.to_batches(max_chunksize=_CELL_BATCH * 4) or [
        pa.RecordBatch.from_pylist([], visible.schema)
    ]
    with path.open("wb") as out:
        out.write(b"\xef\xbb\xbf" if export.bom else b"")
        title = "".join(f"{line}\r\n" for line in export.title)
        out.write(title.encode(export.encoding, errors="replace"))
        for i, batch in enumerate(batches):
            buffer = io.BytesIO()
            options = pacsv.WriteOptions(
                delimiter=export.delimiter, quoting_style="needed", include_header=i == 0
            )
            pacsv.write_csv(batch, buffer, options)
            text = buffer.getvalue().decode("utf-8").replace('"', "")  # exports rarely quote
            out.write(text.replace("\n", "\r\n").encode(export.encoding, errors="replace"))


def _write_xlsx(export: Export, sheets: list[tuple[str, pa.Table]], path: Path) -> None:
    workbook = xlsxwriter.Workbook(
        str(path),
        {
            "constant_memory": True,
            "default_date_format": "dd-mm-yyyy",
            "strings_to_numbers": False,
            "strings_to_formulas": False,
            "strings_to_urls": False,
        },
    )
    workbook.set_properties({"created": FIXED_TIMESTAMP, "author": "semesta synth"})
    bold = workbook.add_format({"bold": True})
    for sheet_name, table in sheets:
        sheet = workbook.add_worksheet(sheet_name)
        row = 0
        for line in export.title:
            sheet.write_string(row, 0, line, bold)
            row += 1
        visible = _visible(export, table)
        sheet.write_row(row, 0, visible.column_names, bold)
        row += 1
        numeric = table["_numeric_nik"].to_numpy(zero_copy_only=False)
        nik_position = table.column_names.index("nik") if "nik" in table.column_names else -1
        start = 0
        for batch in table.to_batches(max_chunksize=_CELL_BATCH):  # Python objects per batch
            columns = [
                _cells(export, name, batch.column(name))
                for name in table.column_names
                if not name.startswith("_")
            ]
            for i, values in enumerate(zip(*columns, strict=True), start=start):
                cells = list(values)
                if numeric[i]:
                    cells[nik_position] = float(cells[nik_position])
                sheet.write_row(row + i, 0, cells)
            start += batch.num_rows
    workbook.close()


_CELL_BATCH = 65_536


def _cells(export: Export, name: str, column: pa.Array | pa.ChunkedArray) -> list:
    """Python values for one column, in the cell type the real export uses."""
    values = column.to_pylist()
    if name in export.serial_columns:
        return [(v - EXCEL_EPOCH).days if v else "" for v in values]
    if name in export.date_columns:
        return [v if v else "" for v in values]
    return ["" if v is None else v for v in values]


# --- truth ---------------------------------------------------------------------------------


def _row_index(written: list[Written]) -> pa.Table:
    return pa.concat_tables([w.index for w in written])


def _persons(pop: Population, name_of: pa.Array) -> pa.Table:
    return pa.table(
        {
            "person_id": np.arange(pop.size),
            "nik": pop.nik,
            "nama": name_of,
            "tanggal_lahir": pa.array(pop.birth),
            "perempuan": pop.female,
            "kode_desa": pa.array(pop.desa_codes[pop.person_desa]),
            "keluarga": pop.family,
            "penduduk": pop.resident,
            "di_dkb": pop.in_dkb,
            "meninggal": pa.array(pop.died_on),
            "pindah": pa.array(pop.moved_on),
            "desil": pop.desil,
            "di_dtsen": pop.in_dtsen,
        }
    )


def _truth(
    pop: Population,
    members: Membership,
    workers: FormalWorkers,
    death_list: tuple[np.ndarray, np.ndarray],
    written: list[Written],
    opts: SynthOptions,
) -> pa.Table:
    """Every anomaly, from the ground truth (not the dirty exports), with the people involved."""
    db = duckdb.connect()
    db.register("person", _persons(pop, pop.full_names()))
    db.register(
        "member",
        pa.table(
            {
                "person_id": members.person,
                "segment": members.segment,
                "active": members.active,
                "reason": pa.array(members.reason, pa.string()),
                "noka": members.noka,
            }
        ),
    )
    formal = pa.table(
        {
            "person_id": np.concatenate([workers.asn, workers.perangkat, workers.pekerja]),
            "list": np.concatenate(
                [
                    np.full(len(workers.asn), "ASN/PPPK"),
                    np.full(len(workers.perangkat), "PERANGKAT DESA"),
                    np.full(len(workers.pekerja), "PEKERJA BADAN USAHA"),
                ]
            ),
            "employer": np.concatenate(
                [
                    workers.asn_opd,
                    np.full(len(workers.perangkat), "PEMERINTAH DESA"),
                    workers.pekerja_employer,
                ]
            ),
        }
    )
    db.register("formal", formal)
    db.register("death_list", pa.table({"person_id": death_list[0]}))
    db.register("rows", _row_index(written))
    twice = [p for p in members.person[list(members.nik_override)]]
    db.register("twice", pa.table({"person_id": np.array(twice, dtype="int64")}))
    pbi_max = opts.pbi_desil_max
    sql = f"""
    WITH m AS (SELECT * FROM member),
    act AS (SELECT person_id,
              bool_or(active) AS any_active,
              bool_or(active AND segment = 1) AS pemda,
              bool_or(active AND segment = 0) AS pbi,
              bool_or(active AND segment IN (2, 3)) AS ppu
            FROM m GROUP BY person_id),
    p AS (SELECT person.*, act.any_active, act.pemda, act.pbi, act.ppu,
                 act.person_id IS NOT NULL AS registered,
                 meninggal IS NOT NULL OR person.person_id IN (SELECT person_id FROM death_list)
                   AS dead
          FROM person LEFT JOIN act USING (person_id))
    SELECT 'meninggal_masih_aktif' AS kind, person_id, nik, '' AS detail FROM p
      WHERE dead AND any_active
    UNION ALL SELECT 'pindah_masih_pemda', person_id, nik, '' FROM p
      WHERE pindah IS NOT NULL AND meninggal IS NULL AND pemda
    UNION ALL SELECT 'bukan_penduduk_pemda', person_id, nik, '' FROM p WHERE NOT di_dkb AND pemda
    UNION ALL SELECT 'ganda_pbi_pemda', person_id, nik, '' FROM p WHERE pbi AND pemda
    UNION ALL SELECT 'ganda_pemda_ppu', person_id, nik, '' FROM p WHERE pemda AND ppu
    UNION ALL SELECT 'pekerja_formal_pemda', p.person_id, nik, list || ': ' || employer
      FROM p JOIN formal USING (person_id) WHERE pemda AND penduduk
    UNION ALL SELECT 'mampu_pemda', person_id, nik, 'desil ' || desil FROM p
      WHERE penduduk AND di_dtsen AND desil > {pbi_max} AND pemda
    UNION ALL SELECT 'miskin_belum_terdaftar', person_id, nik, 'desil ' || desil FROM p
      WHERE penduduk AND NOT dead AND di_dtsen AND desil <= {pbi_max} AND NOT registered
    UNION ALL SELECT 'miskin_nonaktif', person_id, nik, 'desil ' || desil FROM p
      WHERE penduduk AND NOT dead AND di_dtsen AND desil <= {pbi_max} AND registered
        AND NOT any_active
    UNION ALL SELECT 'belum_terdaftar', person_id, nik, kode_desa FROM p
      WHERE penduduk AND NOT dead AND NOT registered
    UNION ALL SELECT 'nonaktif', m.person_id, p.nik, m.reason FROM m JOIN p USING (person_id)
      WHERE NOT m.active
    UNION ALL SELECT 'keluarga_terpisah', person_id, nik, CAST(keluarga AS VARCHAR) FROM p
      WHERE penduduk AND NOT dead AND di_dtsen AND desil <= {pbi_max}
        AND NOT coalesce(any_active, false)
        AND keluarga IN (SELECT keluarga FROM p WHERE penduduk AND any_active)
    UNION ALL SELECT 'duplikat_orang', person_id, nik, '' FROM p
      WHERE person_id IN (SELECT person_id FROM twice)
    UNION ALL SELECT CASE WHEN dirt LIKE 'nik_rusak:%' THEN 'nik_rusak' ELSE dirt END,
      rows.person_id, p.nik, rows.file || '!' || rows.sheet || '!' || rows.row_number || ' ' || dirt
      FROM rows JOIN p USING (person_id) WHERE dirt <> ''
    ORDER BY kind, person_id, detail
    """
    return db.sql(sql).to_arrow_table()


# --- small helpers -------------------------------------------------------------------------


def _zero_pad(values: np.ndarray, width: int) -> pa.Array:
    return pc.utf8_lpad(pc.cast(pa.array(values), pa.string()), width, "0")


def _text_dates(days: np.ndarray, fmt: str) -> pa.Array:
    dates = pa.array(days.astype("datetime64[D]"))
    return pc.fill_null(pc.strftime(pc.cast(dates, pa.timestamp("s")), format=fmt), "")


def _addresses(family: np.ndarray, rng: np.random.Generator) -> pa.Array:
    street = np.array(names.STREETS)[family % len(names.STREETS)]
    number = (family * 7919) % 211 + 1
    return pc.binary_join_element_wise(
        pa.array(street),
        pa.array(["NO."] * len(family)),
        pc.cast(pa.array(number), pa.string()),
        " ",
    )


def _birth_places(pop: Population, persons: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    local = np.array(names.BIRTH_PLACES_LOCAL)[
        rng.integers(0, len(names.BIRTH_PLACES_LOCAL), len(persons))
    ]
    migrant = np.array(names.BIRTH_PLACES_MIGRANT)[
        rng.integers(0, len(names.BIRTH_PLACES_MIGRANT), len(persons))
    ]
    from_elsewhere = ~np.char.startswith(
        pop.nik.take(pa.array(persons)).to_numpy(zero_copy_only=False).astype(str),
        pop.desa_codes[0][:4],
    )
    return np.where(from_elsewhere, migrant, local)
