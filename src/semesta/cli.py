"""The one command line: ``semesta synth | ingest | demo | nik | wilayah``.

Every command that produces results takes ``--json`` and then prints exactly one JSON document on
stdout; progress and messages go to stderr. Errors caused by the input are shown in Bahasa
Indonesia and English, never as a traceback, with exit code 2.
"""

from __future__ import annotations

import errno
import json
import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from semesta.console import (
    JsonOption,
    LangOption,
    emit,
    number,
    parse_date,
    plain,
    progress,
)
from semesta.core.text import Bilingual, SemestaError

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    rich_markup_mode=None,
    help="Semesta: Jaminan Kesehatan Semesta untuk Pemda / UHC for a Pemda.",
)


def main() -> None:
    try:
        code = app(standalone_mode=False)
    except SemestaError as error:
        _fail(error.message)
    except (typer.Abort, KeyboardInterrupt):
        _fail(Bilingual("Dibatalkan.", "Cancelled."), code=130)
    except typer.Exit as done:
        sys.exit(done.exit_code)
    except typer.TyperException as error:  # usage errors: the parser explains them itself
        show = getattr(error, "show", None)
        if show:
            show()
        sys.exit(getattr(error, "exit_code", 2))
    except Exception as error:
        trouble = _path_error(error)
        if trouble is not None:
            _fail(trouble)
        if os.environ.get("SEMESTA_DEBUG"):
            raise
        _fail(
            Bilingual(
                f"Kesalahan tak terduga: {type(error).__name__}: {error}. Laporkan ke "
                "pengelola Semesta (SEMESTA_DEBUG=1 menampilkan rinciannya).",
                f"Unexpected error: {type(error).__name__}: {error}. Please report it "
                "(SEMESTA_DEBUG=1 shows details).",
            ),
            code=1,
        )
    if code == 130:  # Typer turns Ctrl+C inside a command into exit code 130
        _fail(Bilingual("Dibatalkan.", "Cancelled."), code=130)
    sys.exit(code if isinstance(code, int) else 0)


def _fail(message: Bilingual, code: int = 2) -> None:
    typer.echo(f"GALAT: {message.id}\nERROR: {message.en}", err=True)
    sys.exit(code)


_PATH_REASONS = {
    errno.EEXIST: Bilingual("sudah ada dan bukan folder", "exists and is not a folder"),
    errno.ENOTDIR: Bilingual("bagian jalurnya bukan folder", "part of the path is not a folder"),
    errno.EISDIR: Bilingual("adalah folder, bukan berkas", "is a folder, not a file"),
    errno.EACCES: Bilingual("tidak ada izin", "permission denied"),
    errno.EROFS: Bilingual("hanya dapat dibaca", "is read-only"),
    errno.ENOSPC: Bilingual("disk penuh", "the disk is full"),
}


def _path_error(error: BaseException) -> Bilingual | None:
    """A file or folder the user named cannot be used (a file where a folder is needed, a
    folder where a file is, no permission): the OSError behind ``error`` (xlsxwriter wraps it)."""
    cause: BaseException | None = error
    while cause is not None and not (isinstance(cause, OSError) and cause.filename):
        cause = cause.__cause__ or cause.__context__
    if cause is None:
        return None
    assert isinstance(cause, OSError)
    text = cause.strerror or type(cause).__name__
    reason = _PATH_REASONS.get(cause.errno or 0, Bilingual(text, text))
    return Bilingual(
        f"'{cause.filename}' tidak dapat dipakai: {reason.id}.",
        f"Cannot use '{cause.filename}': {reason.en}.",
    )


@app.command()
def synth(
    out: Annotated[Path, typer.Option("--out", help="Folder tujuan / output folder")],
    region: Annotated[str, typer.Option(help="Kode kabupaten/kota, mis. 62.02")] = "62.02",
    population: Annotated[int, typer.Option(help="Jumlah penduduk / residents")] = 454_515,
    seed: Annotated[int, typer.Option(help="Benih acak / random seed")] = 1,
    period: Annotated[str, typer.Option(help="Bulan data BPJS, YYYY-MM")] = "2025-06",
    dirt: Annotated[
        list[str] | None,
        typer.Option(help="Tingkat kotoran, mis. --dirt name_variant=0.05 / dirt rate override"),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Tulis ekspor sintetis sebuah kabupaten / write a synthetic kabupaten's exports."""
    from semesta.pipeline.workspace import check_period
    from semesta.synth.exports import synthesize
    from semesta.synth.options import SynthOptions

    check_period(period)
    _check_population(population)
    options = SynthOptions(region=region, population=population, seed=seed, period=period)
    if dirt:
        options = options.with_dirt(**_parse_rates(dirt))
    report = synthesize(options, out, progress=progress())
    lines = [f"{f['file']:<48} {number(f['rows']):>12} baris" for f in report["files"]]
    lines.append(
        f"Kebenaran (truth) di {out / 'truth'}: "
        + ", ".join(f"{k} {number(v)}" for k, v in report["truth"].items())
    )
    emit(as_json, report, "\n".join(lines))


def _check_population(population: int) -> None:
    if population < 100:
        raise SemestaError(Bilingual("Penduduk minimal 100.", "Population must be at least 100."))


def _parse_rates(items: list[str]) -> dict[str, float]:
    rates = {}
    for item in items:
        key, _, value = item.partition("=")
        try:
            rates[key.strip()] = float(value)
        except ValueError:
            raise SemestaError(
                Bilingual(
                    f"--dirt '{item}': tulis nama=angka.", f"--dirt '{item}': write name=number."
                )
            ) from None
    try:
        from semesta.synth.options import SynthOptions

        SynthOptions().with_dirt(**rates)
    except ValueError as error:
        raise SemestaError(Bilingual(f"--dirt: {error}", f"--dirt: {error}")) from None
    return rates


@app.command()
def ingest(
    folder: Annotated[Path, typer.Argument(help="Folder berisi ekspor / folder of exports")],
    period: Annotated[str, typer.Option(help="Periode YYYY-MM")],
    workspace: Annotated[Path, typer.Option(help="Folder workspace")],
    replace: Annotated[
        bool,
        typer.Option(
            "--ganti/--no-ganti",
            "--replace",
            help="Ganti berkas bernama sama / replace same-named files",
        ),
    ] = False,
    as_json: JsonOption = False,
    lang: LangOption = "id",
) -> None:
    """Muat ekspor ke workspace untuk satu periode / ingest exports for one period."""
    from semesta.pipeline.ingest import ingest as run
    from semesta.pipeline.workspace import Workspace

    report = run(folder, period, Workspace(workspace), replace=replace, progress=progress())
    document = report.as_dict()
    emit(as_json, document, ingest_table(document, lang))
    if document["totals"]["files_refused"]:
        raise typer.Exit(3)


def ingest_table(document: dict, lang: str = "id") -> str:
    en = lang == "en"
    head = (
        ("File", "Kind", "Read", "Ingested", "Quarantined", "Repaired", "Rejected values")
        if en
        else ("Berkas", "Jenis", "Dibaca", "Masuk", "Karantina", "Diperbaiki", "Nilai ditolak")
    )
    rows = [head]
    notes = []
    for f in document["files"]:
        if f["status"] == "ingested":
            rows.append(
                (
                    f["file"],
                    f["layout"],
                    number(f["rows_read"]),
                    number(f["rows_ingested"]),
                    number(f["rows_quarantined"]),
                    number(sum(f["values_repaired"].values())),
                    number(sum(f["values_rejected"].values())),
                )
            )
        else:
            rows.append((f["file"], f["layout"] or "-", "-", "-", "-", "-", "-"))
            notes.append(f"- {f['file']}: {f['message']['en' if en else 'id']}")
        if f.get("ignored_columns"):
            notes.append(
                f"- {f['file']}: "
                + ("columns ignored: " if en else "kolom diabaikan: ")
                + ", ".join(f["ignored_columns"])
            )
    t = document["totals"]
    rows.append(
        (
            "Total" if en else "Jumlah",
            "",
            number(t["rows_read"]),
            number(t["rows_ingested"]),
            number(t["rows_quarantined"]),
            number(t["values_repaired"]),
            number(t["values_rejected"]),
        )
    )
    widths = [max(len(str(r[i])) for r in rows) for i in range(len(head))]
    lines = [
        "  ".join(
            str(c).ljust(w) if i < 2 else str(c).rjust(w)
            for i, (c, w) in enumerate(zip(r, widths, strict=True))
        )
        for r in rows
    ]
    lines.insert(1, "-" * len(lines[0]))
    lines.append("")
    lines.append(
        "Every row is accounted for: read = ingested + quarantined."
        if en
        else "Setiap baris terhitung: dibaca = masuk + karantina."
    )
    return "\n".join(lines + notes)


@app.command()
def demo(
    out: Annotated[Path, typer.Option(help="Folder demo")] = Path("demo"),
    population: Annotated[int, typer.Option(help="Jumlah penduduk")] = 454_515,
    serve: Annotated[
        bool, typer.Option("--serve/--no-serve", help="Jalankan aplikasi web / serve the app")
    ] = True,
    port: Annotated[int, typer.Option(help="Port aplikasi web")] = 8000,
    as_json: JsonOption = False,
    lang: LangOption = "id",
) -> None:
    """Kabupaten contoh: buat, muat, terbitkan, sajikan / generate, ingest, publish, serve."""
    from semesta.pipeline.ingest import ingest as run
    from semesta.pipeline.workspace import Workspace
    from semesta.synth.exports import synthesize
    from semesta.synth.options import SynthOptions

    _check_population(population)
    options = SynthOptions(population=population)
    exports = out / "ekspor"
    report_progress = progress()
    typer.echo(
        f"1/4 Membuat ekspor sintetis Kab. Kotawaringin Timur ({number(population)} "
        f"penduduk) di {exports} ...",
        err=True,
    )
    synth_report = synthesize(options, exports, progress=report_progress)
    typer.echo(f"2/4 Memuat ke workspace {out / 'workspace'} ...", err=True)
    report = run(
        exports,
        options.period,
        Workspace(out / "workspace"),
        replace=True,
        progress=report_progress,
    )
    document = {"synth": synth_report, "ingest": report.as_dict()}
    document["reconcile"] = _demo_reconcile(out, options.period, report_progress)
    from semesta.commands.web import demo_announce, demo_serve, demo_web

    demo_web(out, options.period, port=port, document=document)
    human = ingest_table(document["ingest"], lang) + _demo_findings(document["reconcile"], lang)
    emit(as_json, document, human + demo_announce(document))
    if serve:
        demo_serve(port)


def _demo_reconcile(out: Path, period: str, report_progress) -> dict:
    from semesta.pipeline.anomalies import reconcile
    from semesta.pipeline.workspace import Workspace
    from semesta.reports.action_lists import write_reconciliation

    typer.echo("3/4 Memadankan register, mencari anomali / reconciling ...", err=True)
    workspace = Workspace(out / "workspace")
    reconciled = reconcile(workspace, period, progress=report_progress)
    book = write_reconciliation(workspace, reconciled, out / "rekonsiliasi.xlsx")
    return reconciled.as_dict() | {"xlsx": str(book)}


def _demo_findings(reconciled: dict, lang: str) -> str:
    findings = number(sum(rule["findings"] for rule in reconciled["rules"]))
    saving = number(reconciled["monthly_rupiah_total"])
    if lang == "en":
        return (
            f"\nReconciliation: {findings} findings; acting on them saves Rp {saving} a month. "
            f"Action lists: {reconciled['xlsx']}"
        )
    return (
        f"\nRekonsiliasi: {findings} temuan; bila ditindaklanjuti hemat Rp {saving} per bulan. "
        f"Daftar tindakan: {reconciled['xlsx']}"
    )


@app.command()
def aturan(
    on: Annotated[
        str, typer.Option("--tanggal", help="Tanggal YYYY-MM-DD (default: hari ini)")
    ] = "",
    as_json: JsonOption = False,
) -> None:
    """Aturan yang berlaku pada suatu tanggal, dengan sumbernya / rules in force on a date."""
    from semesta.core import rules

    day = parse_date(on)
    document = []
    for file_name in rules.packaged_rule_files():
        rule_file = rules.packaged_rules(file_name.removesuffix(".toml"))
        for series in rule_file.series:
            version = rule_file.find(series, day)
            if version is not None:
                document.append(
                    {
                        "file": file_name,
                        "series": series,
                        "effective_from": version.effective_from,
                        "effective_to": version.effective_to,
                        "values": plain(dict(version.values)),
                        "source": version.source,
                    }
                )
    human = "\n".join(
        f"{d['file']}:{d['series']} (berlaku {d['effective_from']}"
        f"{' s.d. ' + str(d['effective_to']) if d['effective_to'] else ''})\n"
        f"    {json.dumps(d['values'], ensure_ascii=False, default=str)[:300]}\n"
        f"    sumber: {d['source'][:200]}"
        for d in document
    )
    emit(as_json, document, human)


@app.command()
def nik(
    value: Annotated[str, typer.Argument(help="NIK yang diperiksa / NIK to check")],
    as_of: Annotated[str, typer.Option("--per", help="Tanggal acuan YYYY-MM-DD")] = "",
    as_json: JsonOption = False,
    lang: LangOption = "id",
) -> None:
    """Periksa dan jelaskan satu NIK / check and explain one NIK (nothing is logged)."""
    from semesta.core.identifiers import parse_nik

    result = parse_nik(value, as_of=parse_date(as_of))
    document = {
        "status": result.status,
        "nik": result.nik,
        "problem": result.problem,
        "repairs": list(result.repairs),
        "message": result.message.as_dict(),
        "kabupaten_code": result.kabupaten_code,
        "sex": result.sex,
        "birth_date": result.birth_date,
        "century_ambiguous": result.century_ambiguous,
    }
    emit(as_json, document, result.message.en if lang == "en" else result.message.id)
    if result.status == "rejected":
        raise typer.Exit(1)


@app.command()
def wilayah(
    query: Annotated[str, typer.Argument(help="Kode atau nama wilayah / region code or name")],
    as_json: JsonOption = False,
) -> None:
    """Cari wilayah Kemendagri 2025 menurut kode atau nama / look up a region."""
    from semesta.core.regions import regions

    index = regions()
    found = [index.get(query)] if index.get(query) else index.find(query)
    document = [
        {
            "code": r.code,
            "name": r.name,
            "level": r.level,
            "kind": r.kind,
            "path": [a.name for a in index.ancestors(r.code)],
        }
        for r in found
        if r
    ]
    human = "\n".join(f"{d['code']:<14} {d['kind']:<10} {' › '.join(d['path'])}" for d in document)
    emit(as_json, document, human or "Tidak ditemukan / not found")
    if not document:
        raise typer.Exit(1)


# Command groups, one module each under semesta.commands (see docs/architecture.md).
from semesta.commands import reconcile as _reconcile  # noqa: E402

app.command(name="reconcile")(_reconcile.reconcile)

from semesta.commands.uhc import uhc_app  # noqa: E402

app.add_typer(uhc_app, name="uhc")

from semesta.commands.budget import budget_app  # noqa: E402

app.add_typer(budget_app, name="budget")

from semesta.commands.web import web_app  # noqa: E402

app.add_typer(web_app, name="web")

if __name__ == "__main__":
    main()
