"""``semesta budget``: whom the Pemda pays for, what it costs each month, whether the BPJS invoice
is right, and the APBD plan.

    semesta budget plan --year 2023 --participants 28795 --rate 37800 --existing 3700000000
    semesta budget plan --workspace W --period P [--years 5 --growth-pct 1.2 --provinsi-pct 40]
    semesta budget bill --workspace W --period P | --month 2025-06 --pemda-paid N --kelas3 N
    semesta budget eligibility --workspace W --period P [--preview-desil-max 4] [--budget RP]
    semesta budget invoice FILE --workspace W --period P [--xlsx FILE]
    semesta budget calendar [--year 2027] [--today 2026-05-01]

Every command takes ``--json`` (one JSON document on stdout) and ``--lang en``; ``plan`` also
writes ``--xlsx`` and a one-page ``--pdf`` for the TAPD.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Annotated

import typer

from semesta.console import JsonOption, LangOption, emit, parse_date, progress
from semesta.core.money import parse_rupiah
from semesta.core.text import Bilingual, SemestaError

budget_app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    rich_markup_mode=None,
    help="Sasaran dan anggaran PBPU-BP Pemda / targeting and budget for PBPU-BP Pemda.",
)

WorkspaceOption = Annotated[
    Path | None, typer.Option("--workspace", help="Folder workspace (setelah semesta reconcile)")
]
PeriodOption = Annotated[str, typer.Option("--period", help="Periode YYYY-MM")]
XlsxOption = Annotated[
    Path | None, typer.Option("--xlsx", help="Tulis buku kerja Excel / write an Excel workbook")
]
TodayOption = Annotated[
    str, typer.Option("--today", help="Tanggal acuan YYYY-MM-DD (default: hari ini)")
]


def _need(value: object, option: str) -> None:
    if value in (None, "", 0):
        raise SemestaError(
            Bilingual(f"Opsi {option} wajib diisi di sini.", f"Option {option} is required here.")
        )


def _money(text: str, option: str) -> int:
    value = parse_rupiah(text)
    if value < 0:
        raise SemestaError(
            Bilingual(f"{option} tidak boleh negatif.", f"{option} must not be negative.")
        )
    return value


def _decimal(text: str, option: str) -> str:
    try:
        value = Decimal(text.replace(",", "."))
    except InvalidOperation:
        raise SemestaError(
            Bilingual(
                f"{option} '{text}' bukan angka (tulis mis. 1,5).",
                f"{option} '{text}' is not a number (write e.g. 1.5).",
            )
        ) from None
    if not value.is_finite():
        raise SemestaError(Bilingual(f"{option} tidak sah.", f"{option} is invalid."))
    return str(value)


def _rate_changes(items: list[str] | None) -> dict[int, int]:
    changes = {}
    for item in items or []:
        year, _, amount = item.partition("=")
        if not year.strip().isdigit() or not amount.strip():
            raise SemestaError(
                Bilingual(
                    f"--rate-change '{item}': tulis TAHUN=RUPIAH, mis. 2027=45000.",
                    f"--rate-change '{item}': write YEAR=RUPIAH, e.g. 2027=45000.",
                )
            )
        changes[int(year)] = _money(amount, "--rate-change")
    return changes


def _region(code: str) -> str:
    """A region code typed by the user: a mistyped one must not fall back to the default rate."""
    from semesta.core.regions import regions

    if code and regions().get(code) is None:
        raise SemestaError(
            Bilingual(
                f"Kode wilayah '{code}' tidak dikenal (Kepmendagri 2025).",
                f"Unknown region code '{code}' (Kepmendagri 2025).",
            )
        )
    return code


def _workspace(path: Path | None, period: str):
    from semesta.pipeline.workspace import Workspace, check_period

    _need(path, "--workspace")
    _need(period, "--period")
    check_period(period)
    assert path is not None
    place = Workspace(path)
    place.connect(read_only=True).close()  # a clear message when it does not exist
    return place


# --- plan -----------------------------------------------------------------------------------


@budget_app.command()
def plan(
    year: Annotated[int, typer.Option("--year", help="Tahun anggaran")] = 0,
    participants: Annotated[
        int | None, typer.Option("--participants", "--peserta", help="Jumlah peserta")
    ] = None,
    rate: Annotated[str, typer.Option("--rate", "--tarif", help="Rupiah/orang/bulan")] = "",
    region: Annotated[
        str, typer.Option("--region", help="Kode wilayah: tarif dari pemda_rates.toml")
    ] = "",
    existing: Annotated[
        str, typer.Option("--existing", help="Anggaran yang sudah ada di APBD (Rupiah)")
    ] = "0",
    from_month: Annotated[
        int, typer.Option("--from-month", help="Bulan mulai pertama (1–12; 0 = otomatis)")
    ] = 0,
    workspace: WorkspaceOption = None,
    period: PeriodOption = "",
    target: Annotated[
        list[str] | None, typer.Option("--target", help="Cakupan target %, mis. 98 (berulang)")
    ] = None,
    years: Annotated[int, typer.Option("--years", help="Tahun proyeksi ke depan")] = 0,
    growth_pct: Annotated[
        str, typer.Option("--growth-pct", help="Pertumbuhan peserta %/tahun")
    ] = "0",
    rate_change: Annotated[
        list[str] | None,
        typer.Option("--rate-change", help="Tarif baru mulai tahun: TAHUN=RUPIAH (berulang)"),
    ] = None,
    provinsi_pct: Annotated[
        str, typer.Option("--provinsi-pct", help="Bagian provinsi % (sisanya kabupaten/kota)")
    ] = "",
    today: TodayOption = "",
    as_json: JsonOption = False,
    xlsx: XlsxOption = None,
    pdf: Annotated[
        Path | None, typer.Option("--pdf", help="Ringkasan satu halaman untuk TAPD (PDF)")
    ] = None,
    lang: LangOption = "id",
) -> None:
    """Rencana APBD per bulan mulai, proyeksi, pembagian biaya / APBD plan by start month."""
    from semesta.core import budget as bg
    from semesta.core import rules
    from semesta.core.regions import regions
    from semesta.reports.budget import plan_document, plan_text

    day = parse_date(today)
    region = _region(region)
    figures = None
    if workspace is not None or period:
        from semesta.pipeline.eligibility import period_bounds, workspace_figures

        place = _workspace(workspace, period)
        found = workspace_figures(place, period, progress())
        figures = found.as_dict()
        region = region or found.region
        year = year or int(period[:4])
        targets = (
            tuple(bg.CoverageTarget(Decimal(_decimal(t, "--target")), "--target") for t in target)
            if target
            else bg.coverage_targets(period_bounds(period)[1])
        )
    else:
        _need(year, "--year")
        _need(participants, "--participants")
        targets = ()
    if not rate and not region:
        raise SemestaError(
            Bilingual(
                "Isi --rate (Rupiah per orang per bulan) atau --region (tarif dari aturan).",
                "Give --rate (Rupiah per person per month) or --region (rate from the rules).",
            )
        )
    if rate:
        fixed = _money(rate, "--rate")

        def rate_of(on: date) -> int:
            return fixed

        rate_note = f"tarif Rp {fixed:,} per orang per bulan (diberikan)".replace(",", ".")
    else:
        code = region

        def rate_of(on: date) -> int:
            return rules.pemda_rate(code, on)

        found_region = regions().get(region)
        name = found_region.name if found_region else region
        rate_note = f"tarif Pemda {name} dari pemda_rates.toml"
    basis = "--participants"
    if participants is None:
        # From the workspace: the residents still to register for the first coverage target
        # (seed 001's "penambahan peserta"); once it is reached, the Pemda's eligible list.
        assert figures is not None
        gap = (
            bg.coverage_gap(figures["population"], figures["registered"], targets[0].coverage_pct)
            if targets
            else 0
        )
        if gap:
            participants = gap
            pct = str(targets[0].coverage_pct).replace(".", ",")
            basis = f"tambahan peserta untuk cakupan {pct} %"
        else:
            participants = figures["eligible"]
            basis = "daftar Pemda: semua penduduk yang layak (aturan kelayakan)"
        rate_note = f"{basis}; {rate_note}"
    # Automatic first month: the months still ahead when planning the current year.
    first_month = from_month or (min(day.month + 1, 12) if year == day.year else 1)
    apbd = bg.apbd_plan(year, participants, rate_of, _money(existing, "--existing"), first_month)
    projection: tuple[bg.ProjectionYear, ...] = ()
    changes = _rate_changes(rate_change)
    growth = _decimal(growth_pct, "--growth-pct")
    if years:
        base = figures["eligible"] if figures else participants
        projection = bg.project(year + 1, years, base, rate_of(date(year, 12, 1)), growth, changes)
    shares = None
    if provinsi_pct:
        share = Decimal(_decimal(provinsi_pct, "--provinsi-pct"))
        shares = {"provinsi": str(share), "kabupaten": str(100 - share)}
    deadlines = bg.planning_calendar(year) + bg.planning_calendar(year + 1)
    document = plan_document(
        apbd,
        rate_note=rate_note,
        region=region or None,
        figures=figures,
        targets=targets,
        projection=projection,
        growth_pct=growth,
        rate_changes=changes,
        shares=shares,
        calendar=bg.calendar_status(tuple(sorted(deadlines, key=lambda d: d.due)), day),
        today=day,
    )
    if xlsx:
        from semesta.reports.budget import write_plan

        document["xlsx"] = str(write_plan(xlsx, document))
    if pdf:
        from semesta.reports.tapd import write_tapd_pdf

        found_region = regions().get(region) if region else None
        pages = write_tapd_pdf(pdf, document, found_region.name if found_region else None)
        document["pdf"] = {"path": str(pdf), "pages": pages}
    human = plan_text(document, lang)
    for kind in ("xlsx",):
        if document.get(kind):
            human += f"\nExcel: {document[kind]}"
    if document.get("pdf"):
        human += f"\nPDF: {document['pdf']['path']}"
    emit(as_json, document, human)


# --- bill -----------------------------------------------------------------------------------


@budget_app.command()
def bill(
    workspace: WorkspaceOption = None,
    period: PeriodOption = "",
    month: Annotated[str, typer.Option("--month", help="Bulan tagihan YYYY-MM")] = "",
    pemda_paid: Annotated[
        int | None, typer.Option("--pemda-paid", help="Peserta PBPU-BP Pemda aktif")
    ] = None,
    kelas3: Annotated[
        int | None, typer.Option("--kelas3", help="Peserta PBPU/BP kelas III aktif")
    ] = None,
    region: Annotated[str, typer.Option("--region", help="Kode wilayah, mis. 62.02")] = "",
    rate: Annotated[str, typer.Option("--rate", help="Tarif Rupiah/orang/bulan")] = "",
    as_json: JsonOption = False,
    lang: LangOption = "id",
) -> None:
    """Tagihan bulan ini: iuran PBPU-BP Pemda + bantuan iuran kelas III / the month's bill."""
    from semesta.core import budget as bg
    from semesta.pipeline.workspace import check_period
    from semesta.reports.budget import bill_document, bill_text

    region = _region(region)
    figures = None
    if workspace is not None:
        from semesta.pipeline.eligibility import workspace_figures

        place = _workspace(workspace, period)
        found = workspace_figures(place, period, progress())
        figures = found.as_dict()
        month = month or period
        pemda_paid = found.pemda_paid_active if pemda_paid is None else pemda_paid
        kelas3 = found.kelas3_mandiri_active if kelas3 is None else kelas3
        region = region or found.region
    _need(month, "--month")
    check_period(month)
    if pemda_paid is None or kelas3 is None:
        raise SemestaError(
            Bilingual(
                "Isi --workspace dan --period, atau --pemda-paid dan --kelas3.",
                "Give --workspace and --period, or --pemda-paid and --kelas3.",
            )
        )
    first = date(int(month[:4]), int(month[5:7]), 1)
    result = bg.monthly_bill(
        first,
        pemda_paid,
        kelas3,
        region=region or None,
        rate=_money(rate, "--rate") if rate else None,
    )
    document = bill_document(result, figures)
    emit(as_json, document, bill_text(document, lang))


# --- eligibility ----------------------------------------------------------------------------


@budget_app.command()
def eligibility(
    workspace: WorkspaceOption = None,
    period: PeriodOption = "",
    preview_desil_max: Annotated[
        int | None, typer.Option("--preview-desil-max", help="Pratinjau: desil tertinggi")
    ] = None,
    preview_desil_min: Annotated[
        int | None, typer.Option("--preview-desil-min", help="Pratinjau: desil terendah")
    ] = None,
    preview_without_desil: Annotated[
        str,
        typer.Option(
            "--preview-without-desil", help="Pratinjau: eligible | not_eligible (tanpa DTSEN)"
        ),
    ] = "",
    preview_allow_mandiri: Annotated[
        bool | None,
        typer.Option(
            "--preview-allow-mandiri/--preview-no-mandiri",
            help="Pratinjau: peserta mandiri aktif boleh dipindah",
        ),
    ] = None,
    preview_disable: Annotated[
        list[str] | None,
        typer.Option("--preview-disable", help="Pratinjau: matikan aturan, mis. ELG-FORMAL"),
    ] = None,
    budget: Annotated[
        str, typer.Option("--budget", help="Anggaran per bulan (Rupiah): siapa di bawah garis")
    ] = "",
    rekomendasi: Annotated[
        Path | None,
        typer.Option("--rekomendasi", help="CSV surat rekomendasi Dinsos (NIK, NOMOR SURAT, ...)"),
    ] = None,
    as_json: JsonOption = False,
    xlsx: XlsxOption = None,
    lang: LangOption = "id",
) -> None:
    """Keputusan kelayakan per orang, pratinjau perubahan aturan / eligibility and preview."""
    from semesta.core.eligibility import eligibility_rules
    from semesta.pipeline import eligibility as pe
    from semesta.reports.budget import eligibility_text, write_eligibility

    place = _workspace(workspace, period)
    document: dict = {}
    without = None if not preview_without_desil else _without_desil(preview_without_desil)
    previewing = bool(preview_disable) or any(
        v is not None
        for v in (preview_desil_min, preview_desil_max, without, preview_allow_mandiri)
    )
    if rekomendasi is not None:
        document["recommendations_loaded"] = pe.load_recommendations(place, period, rekomendasi)
    if previewing and rekomendasi is None:
        report = pe.ensure_decided(place, period, progress())
    else:
        report = pe.decide(place, period, progress=progress())
    document["decision"] = report.as_dict()
    movers: list[tuple] = []
    if previewing:
        current = eligibility_rules(pe.period_bounds(period)[1])
        proposed = current.changed(
            desil_min=preview_desil_min,
            desil_max=preview_desil_max,
            without_desil_eligible=without,
            allow_active_mandiri=preview_allow_mandiri,
            disable=preview_disable or (),
        )
        document["preview"] = pe.preview(place, period, proposed).as_dict()
        if xlsx:
            movers = pe.preview_people(place, period, proposed)
    below: list[tuple] = []
    if budget:
        line = pe.budget_line(place, period, _money(budget, "--budget"))
        document["budget_line"] = line.as_dict()
        if xlsx:
            below = pe.below_line_people(place, period, line.funded)
    if xlsx:
        document["xlsx"] = str(write_eligibility(xlsx, document, below, movers))
    emit(as_json, document, eligibility_text(document, lang))


def _without_desil(text: str) -> bool:
    if text not in ("eligible", "not_eligible"):
        raise SemestaError(
            Bilingual(
                "--preview-without-desil: tulis eligible atau not_eligible.",
                "--preview-without-desil: write eligible or not_eligible.",
            )
        )
    return text == "eligible"


# --- invoice --------------------------------------------------------------------------------


@budget_app.command()
def invoice(
    file: Annotated[Path, typer.Argument(help="Berkas tagihan BPJS (XLSX/CSV)")],
    workspace: WorkspaceOption = None,
    period: PeriodOption = "",
    as_json: JsonOption = False,
    xlsx: XlsxOption = None,
    lang: LangOption = "id",
) -> None:
    """Periksa tagihan BPJS terhadap daftar Pemda / check a BPJS invoice against the list."""
    from semesta.pipeline import eligibility as pe
    from semesta.reports.budget import invoice_text, write_invoice

    place = _workspace(workspace, period)
    file_id = pe.ingest_invoice(place, period, file)
    check = pe.check_invoice(place, period, file_id, progress())
    document = check.as_dict()
    if xlsx:
        document["xlsx"] = str(
            write_invoice(
                xlsx,
                document,
                pe.invoice_rows(place, period, file_id, "not_accepted"),
                pe.invoice_rows(place, period, file_id, "rate"),
                pe.invoice_rows(place, period, file_id, "not_billed"),
            )
        )
    emit(as_json, document, invoice_text(document, lang))


# --- calendar -------------------------------------------------------------------------------


@budget_app.command()
def calendar(
    year: Annotated[
        int, typer.Option("--year", help="Tahun anggaran (0 = tahun berjalan dan berikutnya)")
    ] = 0,
    today: TodayOption = "",
    as_json: JsonOption = False,
    xlsx: XlsxOption = None,
    lang: LangOption = "id",
) -> None:
    """Tenggat RKPD, KUA-PPAS, APBD, APBD-Perubahan / the planning calendar against today."""
    from semesta.core import budget as bg
    from semesta.reports.budget import calendar_document, calendar_text, calendar_workbook

    day = parse_date(today)
    years = (year,) if year else (day.year, day.year + 1)
    deadlines = tuple(
        sorted((d for y in years for d in bg.planning_calendar(y)), key=lambda d: d.due)
    )
    document = calendar_document(bg.calendar_status(deadlines, day), day)
    document["earliest_full_year"] = bg.earliest_fundable_year(day)
    human = calendar_text(document, lang)
    human.append(
        (
            "First budget year whose RKPD can still take the need: "
            if lang == "en"
            else "Tahun anggaran pertama yang RKPD-nya masih dapat memuat kebutuhan: "
        )
        + str(document["earliest_full_year"])
    )
    if xlsx:
        document["xlsx"] = str(calendar_workbook(xlsx, document))
        human.append(f"Excel: {document['xlsx']}")
    emit(as_json, document, "\n".join(human))
