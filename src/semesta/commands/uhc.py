"""``semesta uhc``: UHC indicators, status, award category and gaps by region and period.

    semesta uhc --workspace PATH --period P [--level kabupaten|kecamatan|desa] [--json|--xlsx F]
    semesta uhc classify --date 2026-01-27 --population N --registered N --active N
                         --pemda N --arrears RUPIAH [--json]

The first reads the workspace's stored aggregates (``semesta.pipeline.uhc``; computed once
after each ingest or reconciliation); the second classifies figures typed in by hand (a province
looking at its kabupaten, or a region whose person-level data is not loaded).
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from semesta.console import JsonOption, LangOption, emit, number, parse_date, progress
from semesta.core import indicators as ind
from semesta.core.money import format_rupiah, parse_rupiah
from semesta.core.text import Bilingual, SemestaError

if TYPE_CHECKING:
    from semesta.pipeline.uhc import AreaReport, UhcReport

uhc_app = typer.Typer(
    add_completion=False,
    rich_markup_mode=None,
    invoke_without_command=True,
    help="Indikator, status dan kategori UHC, celah ke target / UHC indicators, status, gaps.",
)

ArrearsOption = Annotated[
    str,
    typer.Option(
        "--arrears",
        "--tunggakan",
        help="Tunggakan iuran PBPU-BP Pemda dalam Rupiah (kosong = tidak diketahui) / "
        "Pemda arrears in Rupiah (empty = not known)",
    ),
]
VariantOption = Annotated[
    str,
    typer.Option(
        "--award-variant",
        help="Bacaan lain kriteria UHC Award, mis. madya_keaktifan_98 / another reading",
    ),
]
AwardYearOption = Annotated[
    int,
    typer.Option("--award-year", help="Tahun UHC Award (0 = penghargaan berikutnya) / award year"),
]

_LEVEL_NAMES = {
    "kabupaten": Bilingual("Kabupaten", "Kabupaten"),
    "kecamatan": Bilingual("Kecamatan", "Kecamatan"),
    "desa": Bilingual("Desa", "Desa"),
}


def _t(text: Bilingual, lang: str) -> str:
    return text.en if lang == "en" else text.id


def _dotted(code: str) -> str:
    from semesta.core.regions import canonical_code

    return canonical_code(code) or code


def _award_short(award: ind.Award) -> str:
    """``madya``; ``pratama (madya?)`` when a better category depends on unknown figures."""
    reached = award.category or "-"
    if not award.possible:
        return reached
    maybe = f"{award.possible[0]}?"
    return maybe if award.category is None else f"{reached} ({maybe})"


def _arrears(text: str) -> int | None:
    return parse_rupiah(text) if text.strip() else None


@uhc_app.callback()
def uhc(
    ctx: typer.Context,
    workspace: Annotated[Path | None, typer.Option("--workspace", help="Folder workspace")] = None,
    period: Annotated[str, typer.Option("--period", help="Periode YYYY-MM")] = "",
    level: Annotated[
        str, typer.Option("--level", help="kabupaten | kecamatan | desa")
    ] = "kabupaten",
    xlsx: Annotated[
        Path | None,
        typer.Option("--xlsx", help="Tulis Excel (satu lembar per tingkat) / write Excel"),
    ] = None,
    arrears: ArrearsOption = "",
    variant: VariantOption = "",
    award_year: AwardYearOption = 0,
    as_json: JsonOption = False,
    lang: LangOption = "id",
) -> None:
    """Status UHC per kabupaten, kecamatan dan desa / UHC status by region for a period."""
    if ctx.invoked_subcommand is not None:
        return
    if workspace is None or not period:
        raise SemestaError(
            Bilingual(
                "Tulis --workspace PATH dan --period YYYY-MM (atau 'semesta uhc classify ...').",
                "Give --workspace PATH and --period YYYY-MM (or 'semesta uhc classify ...').",
            )
        )
    from semesta.pipeline import uhc as pipeline
    from semesta.pipeline.workspace import Workspace

    if level not in pipeline.LEVELS:
        raise SemestaError(
            Bilingual(
                f"Tingkat '{level}' tidak dikenal: pilih kabupaten, kecamatan atau desa.",
                f"Unknown level '{level}': choose kabupaten, kecamatan or desa.",
            )
        )
    levels = pipeline.LEVELS if xlsx else ("kabupaten", level) if level != "kabupaten" else (level,)
    result = pipeline.report(
        Workspace(workspace),
        period,
        levels,
        arrears=_arrears(arrears),
        variant=variant or None,
        award_year=award_year or None,
        progress=progress(),
    )
    document = pipeline.report_dict(result)
    document["areas"] = [a for a in document["areas"] if a["level"] == level]
    if xlsx is not None:
        document["xlsx"] = str(write_excel(result, xlsx))
        typer.echo(f"Excel: {xlsx}", err=True)
    emit(as_json, document, report_text(result, level, lang))


@uhc_app.command()
def classify(
    population: Annotated[int, typer.Option("--population", help="Penduduk (DKB)")],
    registered: Annotated[int, typer.Option("--registered", help="Peserta terdaftar")],
    active: Annotated[int, typer.Option("--active", help="Peserta aktif")],
    on: Annotated[str, typer.Option("--date", help="Tanggal data YYYY-MM-DD")] = "",
    pemda: Annotated[
        int | None, typer.Option("--pemda", help="Peserta PBPU-BP Pemda (kosong = tak diketahui)")
    ] = None,
    pbi_apbn: Annotated[
        int | None, typer.Option("--pbi-apbn", help="Peserta PBI APBN (kosong = tak diketahui)")
    ] = None,
    arrears: ArrearsOption = "",
    variant: VariantOption = "",
    award_year: AwardYearOption = 0,
    as_json: JsonOption = False,
    lang: LangOption = "id",
) -> None:
    """Status dan kategori dari angka agregat / status and category from typed-in totals."""
    counts = ind.Counts(
        population=population,
        registered=registered,
        active=active,
        pemda=pemda,
        pbi_apbn=pbi_apbn,
    )
    result = ind.classify(
        counts,
        parse_date(on),
        arrears=_arrears(arrears),
        variant=variant or None,
        award_year=award_year or None,
    )
    emit(as_json, ind.classification_dict(result), classification_text(result, lang))


# --- human text -----------------------------------------------------------------------------


def _pct(value: Fraction | None, lang: str, digits: int = 2) -> str:
    return "-" if value is None else _t(ind.percent_text(value, digits), lang)


def _signed(value: int) -> str:
    """A change in persons with its sign and Indonesian grouping: ``+1.000``, ``-25``."""
    return ("+" if value >= 0 else "-") + number(abs(value))


def _points(value: Fraction | None, lang: str) -> str:
    if value is None:
        return "-"
    sign = "+" if value >= 0 else "-"
    text = _t(ind.percent_text(abs(value)), lang).replace(" %", "")
    return f"{sign}{text} {'pts' if lang == 'en' else 'poin'}"


def _outcome_lines(outcomes: Sequence[ind.Outcome], lang: str, indent: str = "  - ") -> list[str]:
    return [f"{indent}{_t(o.text, lang)}" for o in outcomes]


def classification_text(result: ind.Classification, lang: str = "id") -> str:
    en = lang == "en"
    counts = result.counts
    lines = [
        (f"Figures on {result.on}:" if en else f"Angka per {result.on}:")
        + f" {'population' if en else 'penduduk'} {number(counts.population)},"
        + f" {'registered' if en else 'peserta'} {number(counts.registered)},"
        + f" {'active' if en else 'aktif'} {number(counts.active)}"
    ]
    lines += _indicator_lines(result, lang)
    lines += _status_lines(result, lang)
    lines += _award_lines(result, lang)
    lines.append("Gap to each target:" if en else "Celah ke setiap target:")
    lines += _gap_lines(result.gaps, None, lang)
    return "\n".join(lines)


def _indicator_lines(result: ind.Classification, lang: str) -> list[str]:
    return [
        f"  {_t(d.label, lang)}: {_pct(result.indicators.get(d.name), lang)}"
        for d in ind.indicator_definitions(result.on)
    ]


def _status_lines(result: ind.Classification, lang: str) -> list[str]:
    status = result.status
    lines = [f"Status: {_t(status.label, lang)} [{status.code}; {status.rule.code}]"]
    lines += _outcome_lines(status.checks, lang)
    lines.append(("  Action: " if lang == "en" else "  Tindakan: ") + _t(status.action, lang))
    return lines


def _award_lines(result: ind.Classification, lang: str) -> list[str]:
    award = result.award
    variant = f", {award.variant}" if award.variant else ""
    lines = [f"UHC Award {award.award_year}{variant}: {_t(award.label, lang)} [{award.code}]"]
    lines += _outcome_lines(award.minimum, lang)
    for category in award.categories:
        if not category.published:
            note = "thresholds not published" if lang == "en" else "ambang tidak dipublikasikan"
            lines.append(f"  {category.label}: {note}")
            continue
        met = {True: "✓", False: "✗", None: "?"}[category.met]
        lines.append(f"  {category.label} {met}")
        lines += _outcome_lines(category.checks, lang, "      ")
    if award.action.id:
        lines.append(("  Action: " if lang == "en" else "  Tindakan: ") + _t(award.action, lang))
    return lines


def _gap_lines(
    gaps: Sequence[ind.Gap], closures: Sequence[ind.Closure] | None, lang: str
) -> list[str]:
    en = lang == "en"
    head = (
        ("target", "missing", "register", "reactivate", "closable", "left", "Rp/month")
        if en
        else ("target", "kurang", "daftar", "aktifkan", "tertutup", "sisa", "Rp/bulan")
    )
    rows: list[tuple[str, ...]] = [head]
    for i, gap in enumerate(gaps):
        name = (
            ("coverage " if en else "cakupan ")
            if gap.target.metric == "coverage_pct"
            else ("activity " if en else "keaktifan ")
        )
        level = (
            _t(ind.percent_text(gap.target.level, 1), lang).replace(",0 ", " ").replace(".0 ", " ")
        )
        row = [name + level, number(gap.missing), number(gap.register), number(gap.reactivate)]
        if closures is not None:
            closure = closures[i]
            row += [
                number(closure.closed),
                number(closure.remaining),
                format_rupiah(closure.monthly_rupiah),
            ]
        else:
            row += ["-", "-", "-"]
        rows.append(tuple(row))
    return _table(rows, indent="  ")


def _table(rows: Sequence[Sequence[str]], indent: str = "") -> list[str]:
    """Columns padded to their widest cell; numeric columns right-aligned, header included."""
    widths = [max(len(str(r[i])) for r in rows) for i in range(len(rows[0]))]
    numeric = [i > 0 and all(_numeric(str(r[i])) for r in rows[1:]) for i in range(len(widths))]
    return [
        indent
        + "  ".join(
            str(c).rjust(w) if numeric[i] else str(c).ljust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        ).rstrip()
        for row in rows
    ]


def _numeric(text: str) -> bool:
    """A count, a percentage or an amount: digits with separators, %, Rp and signs only."""
    body = text.replace("Rp", "").replace("%", "").replace("poin", "").replace("pts", "")
    return text == "-" or (
        any(ch.isdigit() for ch in body) and all(ch in "0123456789.,+- " for ch in body)
    )


def report_text(result: UhcReport, level: str, lang: str = "id") -> str:
    from semesta.pipeline import uhc as pipeline

    en = lang == "en"
    name = result.kabupaten_name or result.kabupaten
    lines = [
        f"{name} ({_dotted(result.kabupaten)}), {'period' if en else 'periode'} {result.period} "
        f"({'rules as of' if en else 'aturan per'} {result.on})",
        _t(pipeline.BASIS_NOTES[result.basis], lang),
    ]
    if level == "kabupaten":
        for item in result.level("kabupaten"):
            lines += _area_block(item, lang)
        return "\n".join(lines)
    rows: list[tuple[str, ...]] = [
        (
            (
                "code",
                "name",
                "population",
                "registered",
                "active",
                "coverage",
                "activity",
                "status",
                "award",
                "to 98 %",
                "to active 80 %",
            )
            if en
            else (
                "kode",
                "nama",
                "penduduk",
                "peserta",
                "aktif",
                "cakupan",
                "keaktifan",
                "status",
                "award",
                "ke 98 %",
                "ke aktif 80 %",
            )
        )
    ]
    for item in result.level(level):
        res = item.result
        gaps = {g.target.name: g.missing for g in res.gaps}
        rows.append(
            (
                _dotted(item.area.kode),
                (item.area.nama or "?")[:24],
                number(item.area.counts.population),
                number(item.area.counts.registered),
                number(item.area.counts.active),
                _pct(res.indicators["coverage_pct"], lang),
                _pct(res.indicators["active_pct"], lang),
                res.status.code.removeprefix("UHC-"),
                _award_short(res.award),
                number(gaps.get("coverage_98", 0)),
                number(gaps.get("active_80", 0)),
            )
        )
    lines += _table(rows)
    return "\n".join(lines)


def _area_block(item: AreaReport, lang: str) -> list[str]:
    from semesta.pipeline import uhc as pipeline

    en = lang == "en"
    area, result = item.area, item.result
    counts = area.counts
    lines = [
        "",
        f"{area.nama or area.kode} ({_dotted(area.kode)}): "
        f"{'population' if en else 'penduduk'} {number(counts.population)}, "
        f"{'registered' if en else 'peserta'} {number(counts.registered)}, "
        f"{'active' if en else 'aktif'} {number(counts.active)}",
    ]
    lines += _indicator_lines(result, lang)
    if item.change is not None:
        change = item.change
        lines.append(
            f"{'Change since' if en else 'Perubahan sejak'} {change.period}: "
            f"{'population' if en else 'penduduk'} {_signed(change.population)}, "
            f"{'registered' if en else 'peserta'} {_signed(change.registered)}, "
            f"{'active' if en else 'aktif'} {_signed(change.active)}; "
            f"{'coverage' if en else 'cakupan'} {_points(change.points['coverage_pct'], lang)}, "
            f"{'activity' if en else 'keaktifan'} {_points(change.points['active_pct'], lang)}"
        )
    lines += _status_lines(result, lang)
    lines += _award_lines(result, lang)
    if item.listed_view is not None:
        listed = item.listed_view
        lines.append(
            ("As BPJS counts (its list): " if en else "Menurut daftar BPJS: ")
            + f"{'registered' if en else 'peserta'} {number(area.listed or 0)}, "
            f"{'active' if en else 'aktif'} {number(area.listed_active or 0)}; "
            f"{'coverage' if en else 'cakupan'} {_pct(listed.indicators['coverage_pct'], lang)}, "
            f"{'activity' if en else 'keaktifan'} {_pct(listed.indicators['active_pct'], lang)} "
            f"→ {_t(listed.status.label, lang)}; UHC Award: {_t(listed.award.label, lang)}"
        )
        lines.append("  " + _t(pipeline.LISTED_NOTE, lang))
    lines.append("Gap to each target:" if en else "Celah ke setiap target:")
    lines += _gap_lines(result.gaps, item.closures, lang)
    lines.append(
        "Who could close it, best per Rupiah of APBD first:"
        if en
        else "Siapa yang dapat menutupnya, termurah bagi APBD lebih dulu:"
    )
    rows: list[tuple[str, ...]] = [
        ("lever", "persons", "Rp/person/month", "action")
        if en
        else ("pengungkit", "orang", "Rp/orang/bulan", "tindakan")
    ]
    for option in item.levers:
        rows.append(
            (
                _t(option.lever.label, lang),
                number(option.persons),
                format_rupiah(option.rupiah_per_person),
                _t(option.lever.action, lang),
            )
        )
    lines += _table(rows, indent="  ")
    return lines


# --- Excel ----------------------------------------------------------------------------------


def write_excel(result: UhcReport, path: Path) -> Path:
    """One formatted sheet per level with status and gap, plus levers and segments."""
    from semesta.excel import Column, Sheet, write_workbook
    from semesta.pipeline import uhc as pipeline

    first = next(iter(result.areas), None)
    targets = [g.target for g in first.result.gaps] if first else []
    notes = [
        f"{result.kabupaten_name or result.kabupaten} — periode {result.period}, aturan per "
        f"{result.on}; tarif PBPU-BP Pemda {format_rupiah(result.rate)} per orang per bulan",
        pipeline.BASIS_NOTES[result.basis].id,
        "Keaktifan = peserta aktif ÷ penduduk (seed 001; referensi §2.2). Persen dihitung eksak.",
    ]
    if result.arrears is None:
        notes.append("Tunggakan iuran Pemda tidak diberikan: syarat 'lunas' tidak dapat dinilai.")
    columns = [
        Column("Kode", "id", 14),
        Column("Nama", "text", 26),
        Column("Kode induk", "id", 12),
        Column("Penduduk", "int"),
        Column("Peserta", "int"),
        Column("Aktif", "int"),
        Column("Cakupan", "percent"),
        Column("Keaktifan (aktif ÷ penduduk)", "percent", 14),
        Column("Aktif ÷ peserta", "percent"),
        Column("Didaftarkan Pemda", "percent"),
        Column("PBI APBN", "percent"),
        Column("Δ cakupan", "percent"),
        Column("Δ keaktifan", "percent"),
        Column("Status UHC", "text", 26),
        Column("Alasan status", "text", 60),
        Column("Tindakan", "text", 50),
        Column("UHC Award", "text", 22),
        Column("Tindakan UHC Award", "text", 40),
    ]
    for target in targets:
        kind = "daftar" if target.metric == "coverage_pct" else "aktif"
        shown = f"{target.level.normalize():f}".replace(".", ",")  # 83,5 %
        columns.append(Column(f"Kurang {kind} ke {shown} %", "int"))
    columns += [Column("Biaya/bulan tutup ke aktif 80 %", "rupiah")]
    sheets = []
    for level in pipeline.LEVELS:
        rows = [_excel_row(item, targets) for item in result.level(level)]
        level_notes = list(notes)
        for item in result.level(level):
            if item.listed_view is not None:
                view = item.listed_view
                level_notes.append(
                    f"Menurut daftar BPJS: peserta {number(item.area.listed or 0)}, aktif "
                    f"{number(item.area.listed_active or 0)}; cakupan "
                    f"{_pct(view.indicators['coverage_pct'], 'id')}, keaktifan "
                    f"{_pct(view.indicators['active_pct'], 'id')} → {view.status.label.id}. "
                    + pipeline.LISTED_NOTE.id
                )
        sheets.append(
            Sheet(
                name=_LEVEL_NAMES[level].id,
                title=f"Status UHC per {level} / UHC status by {level}",
                columns=columns,
                rows=rows,
                notes=level_notes,
            )
        )
    sheets.append(_lever_sheet(result))
    sheets.append(_segment_sheet(result))
    return write_workbook(path, sheets)


def _share(value: Fraction | None) -> Fraction | None:
    return None if value is None else value / 100


def _excel_row(item: AreaReport, targets: Sequence[ind.GapTarget]) -> list[Any]:
    area, result = item.area, item.result
    values = result.indicators
    change = item.change.points if item.change is not None else {}
    gaps = {g.target.name: g.missing for g in result.gaps}
    reasons = "; ".join(o.text.id for o in ind.failing(result.status.checks)) or "semua terpenuhi"
    closure80 = next((c for c in item.closures if c.gap.target.name == "active_80"), None)
    return [
        area.kode,
        area.nama,
        area.kode_induk,
        area.counts.population,
        area.counts.registered,
        area.counts.active,
        _share(values.get("coverage_pct")),
        _share(values.get("active_pct")),
        _share(values.get("active_of_registered_pct")),
        _share(values.get("pemda_registered_pct")),
        _share(values.get("pbi_apbn_pct")),
        _share(change.get("coverage_pct")),
        _share(change.get("active_pct")),
        result.status.label.id,
        reasons,
        result.status.action.id,
        result.award.label.id,
        result.award.action.id,
        *[gaps.get(t.name, 0) for t in targets],
        closure80.monthly_rupiah if closure80 else 0,
    ]


def _lever_sheet(result: UhcReport) -> Any:
    from semesta.excel import Column, Sheet

    columns = [
        Column("Tingkat", "text", 11),
        Column("Kode", "id", 14),
        Column("Nama", "text", 26),
        Column("Urutan", "int", 8),
        Column("Pengungkit", "text", 34),
        Column("Orang", "int"),
        Column("Menambah cakupan", "text", 10),
        Column("Rp/orang/bulan (APBD)", "rupiah"),
        Column("Rp/bulan (APBD)", "rupiah"),
        Column("Tindakan", "text", 60),
        Column("Sumber", "text", 40),
    ]
    rows = [
        [
            item.area.level,
            item.area.kode,
            item.area.nama,
            rank,
            option.lever.label.id,
            option.persons,
            "ya" if option.lever.gains_coverage else "tidak",
            option.rupiah_per_person,
            option.monthly_rupiah,
            option.lever.action.id,
            option.lever.source,
        ]
        for item in result.areas
        for rank, option in enumerate(item.levers, start=1)
    ]
    return Sheet(
        name="Penutup celah",
        title="Siapa yang dapat menutup celah, termurah per Rupiah APBD lebih dulu / "
        "who could close the gap, best per Rupiah first",
        columns=columns,
        rows=rows,
        notes=[
            "Setiap penduduk yang belum aktif masuk tepat satu pengungkit "
            "(data/rules/indikator.toml [[levers]])."
        ],
    )


def _segment_sheet(result: UhcReport) -> Any:
    from semesta.excel import Column, Sheet

    columns = [
        Column("Tingkat", "text", 11),
        Column("Kode", "id", 14),
        Column("Nama", "text", 26),
        Column("Segmen", "text", 18),
        Column("Penduduk", "int"),
        Column("Peserta", "int"),
        Column("Aktif", "int"),
        Column("% penduduk", "percent"),
    ]
    rows = [
        [
            item.area.level,
            item.area.kode,
            item.area.nama,
            segment,
            population,
            registered,
            active,
            Fraction(population, item.area.counts.population),
        ]
        for item in result.areas
        for segment, population, registered, active in item.area.segments
    ]
    return Sheet(
        name="Segmen",
        title="Penduduk menurut kelompok segmen / residents by segment group",
        columns=columns,
        rows=rows,
    )
