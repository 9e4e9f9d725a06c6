"""Budget documents and workbooks: the APBD plan, the monthly bill, the eligibility decision and
its preview, the invoice check, the planning calendar.

Each ``*_document`` function turns core and pipeline results into one JSON-ready dict (what
``--json`` prints, what the web app can show); each ``write_*`` function writes that document as
a formatted workbook through :mod:`semesta.excel`. Money is integer Rupiah throughout.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from semesta.core import budget as bg
from semesta.core.money import format_percent, format_rupiah, percent_of
from semesta.excel import Column, Sheet, write_workbook

# --- the APBD plan --------------------------------------------------------------------------


def plan_document(
    plan: bg.ApbdPlan,
    *,
    rate_note: str,
    region: str | None = None,
    figures: dict[str, Any] | None = None,
    targets: Sequence[bg.CoverageTarget] = (),
    projection: Sequence[bg.ProjectionYear] = (),
    growth_pct: str = "0",
    rate_changes: dict[int, int] | None = None,
    shares: dict[str, str] | None = None,
    calendar: Sequence[bg.DeadlineStatus] = (),
    today: date | None = None,
) -> dict[str, Any]:
    """The plan by start month, with what the workspace adds (coverage gaps, saving), the
    projection, the province/kabupaten split and the calendar."""
    document: dict[str, Any] = {
        "year": plan.year,
        "region": region,
        "participants": plan.participants,
        "existing": plan.existing,
        "monthly": plan.monthly,
        "rate_note": rate_note,
        "options": [
            {
                "start_month": o.start_month,
                "start_month_name": bg.MONTHS_ID[o.start_month - 1],
                "months": o.month_count,
                "participants": plan.participants,
                "cost": o.cost,
                "existing": o.existing,
                "total": o.total,
                "by_month": [asdict(m) for m in o.months],
            }
            for o in plan.options
        ],
    }
    if figures is not None:
        population, registered = figures["population"], figures["registered"]
        rate = figures["rate"]
        document["workspace"] = {
            **figures,
            "coverage_pct": _pct(registered, population),
            "active_pct": _pct(figures["active"], population),
            "yearly_saving": figures["monthly_saving"] * 12,
            "targets": [
                {
                    "coverage_pct": str(t.coverage_pct),
                    "participants_needed": (
                        n := bg.coverage_gap(population, registered, t.coverage_pct)
                    ),
                    "monthly": n * rate,
                    "yearly": n * rate * 12,
                    "source": t.source,
                }
                for t in targets
            ],
        }
    if projection:
        document["projection"] = {
            "growth_pct": growth_pct,
            "rate_changes": {str(k): v for k, v in sorted((rate_changes or {}).items())},
            "years": [asdict(p) for p in projection],
        }
    if shares:
        monthly = plan.monthly
        document["split"] = {
            "shares_pct": dict(shares),
            "source": "Seed 000: Bali shares JKN-KBS iuran with each kabupaten/kota (BKK); "
            "percentages as agreed in the Pergub/PKS",
            "monthly": bg.split_cost(monthly, shares),
            "year": bg.split_cost(plan.options[0].cost, shares) if plan.options else {},
            "year_label": (
                f"{bg.MONTHS_ID[plan.options[0].start_month - 1]}–Desember {plan.year}"
                if plan.options
                else ""
            ),
            "projection": [
                {"year": p.year, "parts": bg.split_cost(p.cost, shares)} for p in projection
            ],
        }
    if calendar:
        document["calendar"] = calendar_document(calendar, today or date.today())
    return document


def _pct(part: int, whole: int) -> str | None:
    return format_percent(percent_of(part, whole)) if whole else None


def calendar_document(statuses: Sequence[bg.DeadlineStatus], today: date) -> dict[str, Any]:
    return {
        "today": today.isoformat(),
        "deadlines": [
            {
                "code": s.deadline.code,
                "budget_year": s.deadline.budget_year,
                "due": s.deadline.due.isoformat(),
                "days_left": s.days_left,
                "status": s.status,
                "status_label": s.status_label.as_dict(),
                "label": s.deadline.label.as_dict(),
                "action": s.deadline.action.as_dict(),
                "source": s.deadline.source,
            }
            for s in statuses
        ],
    }


def plan_text(document: dict[str, Any], lang: str = "id") -> str:
    """Tabel 1 of seed 001 in the terminal, then the workspace figures, projection and split."""
    en = lang == "en"
    rp = format_rupiah
    head = (
        ("Start month", "Months", "Participants", "Cost to year end", "Total with existing")
        if en
        else (
            "Bulan mulai",
            "Bulan",
            "Peserta",
            "Kebutuhan s.d. Desember",
            "Total termasuk yang ada",
        )
    )
    rows = [head]
    for o in document["options"]:
        name = bg.MONTHS_EN[o["start_month"] - 1] if en else o["start_month_name"]
        rows.append((name, str(o["months"]), _n(o["participants"]), rp(o["cost"]), rp(o["total"])))
    lines = [
        (
            f"APBD plan {document['year']}: {_n(document['participants'])} participants, "
            f"{rp(document['monthly'])} a month; existing allocation {rp(document['existing'])}."
            if en
            else f"Rencana APBD {document['year']}: {_n(document['participants'])} peserta, "
            f"{rp(document['monthly'])} per bulan; anggaran yang ada {rp(document['existing'])}."
        ),
        f"({document['rate_note']})",
        "",
        *_table(rows, right={1, 2, 3, 4}),
    ]
    ws = document.get("workspace")
    if ws:
        lines += [
            "",
            (
                f"Workspace {ws['period']}: population {_n(ws['population'])}, registered "
                f"{_n(ws['registered'])} ({ws['coverage_pct']}), active {_n(ws['active'])} "
                f"({ws['active_pct']}); rate {rp(ws['rate'])}."
                if en
                else f"Workspace {ws['period']}: penduduk {_n(ws['population'])}, terdaftar "
                f"{_n(ws['registered'])} ({ws['coverage_pct']}), aktif {_n(ws['active'])} "
                f"({ws['active_pct']}); tarif {rp(ws['rate'])}."
            ),
        ]
        for t in ws["targets"]:
            pct = t["coverage_pct"].replace(".", ",")
            lines.append(
                f"  {'Coverage' if en else 'Cakupan'} {pct} %: "
                f"{'+' + _n(t['participants_needed'])} "
                f"{'participants' if en else 'peserta'} = {rp(t['monthly'])}"
                f"/{'month' if en else 'bulan'}, {rp(t['yearly'])}/{'year' if en else 'tahun'}"
            )
        saving = "Saving if the lists are acted on" if en else "Hemat bila daftar ditindaklanjuti"
        lines.append(
            f"  {saving}: {rp(ws['monthly_saving'])}/{'month' if en else 'bulan'}, "
            f"{rp(ws['yearly_saving'])}/{'year' if en else 'tahun'} ({ws['saving_source']})"
        )
    projection = document.get("projection")
    if projection:
        growth = f"{decimal_text(projection['growth_pct'])} %/{'year' if en else 'th'}"
        lines += ["", ("Projection" if en else "Proyeksi") + f" ({growth}):"]
        for p in projection["years"]:
            lines.append(
                f"  {p['year']}: {_n(p['participants'])} × {rp(p['rate'])} × 12 = {rp(p['cost'])}"
            )
    split = document.get("split")
    if split:
        parts = ", ".join(f"{k} {rp(v)}" for k, v in split["monthly"].items())
        lines += ["", ("Split per month: " if en else "Pembagian per bulan: ") + parts]
    calendar = document.get("calendar")
    if calendar:
        lines += ["", *calendar_text(calendar, lang)]
    return "\n".join(lines)


def calendar_text(calendar: dict[str, Any], lang: str = "id") -> list[str]:
    en = lang == "en"
    key = "en" if en else "id"
    lines = [
        ("Planning calendar, today " if en else "Kalender perencanaan, hari ini ")
        + calendar["today"]
    ]
    for d in calendar["deadlines"]:
        days = d["days_left"]
        when = (
            (f"{-days} days ago" if en else f"{-days} hari lalu")
            if days < 0
            else (f"in {days} days" if en else f"{days} hari lagi")
        )
        lines.append(
            f"  {d['due']}  TA {d['budget_year']}  {d['status_label'][key]:<20} {when:<16} "
            f"{d['label'][key]}"
        )
    return lines


def _n(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def _signed(value: int) -> str:
    return ("+" if value > 0 else "") + _n(value)


def _table(rows: Sequence[Sequence[str]], right: set[int]) -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    out = [
        "  ".join(
            c.rjust(w) if i in right else c.ljust(w)
            for i, (c, w) in enumerate(zip(r, widths, strict=True))
        ).rstrip()
        for r in rows
    ]
    out.insert(1, "-" * len(out[0]))
    return out


def write_plan(path: Path, document: dict[str, Any]) -> Path:
    """The plan as a workbook: Tabel 1, the months of each option, and what else the document
    holds (workspace gaps, projection, split, calendar)."""
    year = document["year"]
    sheets = [
        Sheet(
            "Rencana APBD",
            f"Kebutuhan anggaran iuran PBPU-BP Pemda tahun {year} per bulan mulai",
            [
                Column("No", "int", 5),
                Column("Bulan mulai UHC", "text", 16),
                Column("Jumlah bulan", "int", 8),
                Column("Penambahan peserta", "int", 14),
                Column("Kebutuhan s.d. Desember (Rp)", "rupiah", 20),
                Column("Anggaran yang ada (Rp)", "rupiah", 18),
                Column("Total termasuk yang ada (Rp)", "rupiah", 20),
            ],
            [
                (
                    i,
                    o["start_month_name"],
                    o["months"],
                    o["participants"],
                    o["cost"],
                    o["existing"],
                    o["total"],
                )
                for i, o in enumerate(document["options"], start=1)
            ],
            [
                f"{_n(document['participants'])} peserta × tarif = "
                f"{format_rupiah(document['monthly'])} per bulan. {document['rate_note']}",
                "Cara hitung seperti Tabel 1 seed 001 (BPJS Cabang Bengkulu, 31 Mei 2023).",
            ],
        ),
        Sheet(
            "Rincian bulanan",
            f"Rincian per bulan untuk setiap bulan mulai, tahun {year}",
            [
                Column("Bulan mulai", "text", 14),
                Column("Bulan", "text", 12),
                Column("Peserta", "int"),
                Column("Tarif (Rp)", "rupiah", 12),
                Column("Iuran (Rp)", "rupiah"),
            ],
            [
                (
                    o["start_month_name"],
                    bg.MONTHS_ID[m["month"] - 1],
                    m["participants"],
                    m["rate"],
                    m["amount"],
                )
                for o in document["options"]
                for m in o["by_month"]
            ],
        ),
    ]
    ws = document.get("workspace")
    if ws:
        sheets.append(_workspace_sheet(ws))
    if document.get("projection"):
        sheets.append(_projection_sheet(document["projection"], document.get("split")))
    if document.get("split"):
        sheets.append(_split_sheet(document["split"]))
    if document.get("calendar"):
        sheets.append(calendar_sheet(document["calendar"]))
    return write_workbook(path, sheets)


def _workspace_sheet(ws: dict[str, Any]) -> Sheet:
    rows: list[tuple[Any, ...]] = [
        ("Penduduk (DKB, hidup, tidak pindah)", ws["population"], None, None, ""),
        ("Terdaftar JKN", ws["registered"], None, None, ws["coverage_pct"] or ""),
        ("Aktif", ws["active"], None, None, ws["active_pct"] or ""),
        (
            "Peserta PBPU-BP Pemda aktif (kartu)",
            ws["pemda_paid_active"],
            ws["pemda_paid_active"] * ws["rate"],
            ws["pemda_paid_active"] * ws["rate"] * 12,
            "",
        ),
        (
            "Layak dibiayai Pemda (aturan kelayakan)",
            ws["eligible"],
            ws["eligible"] * ws["rate"],
            ws["eligible"] * ws["rate"] * 12,
            "",
        ),
    ]
    for t in ws["targets"]:
        rows.append(
            (
                f"Tambahan peserta untuk cakupan {t['coverage_pct'].replace('.', ',')} %",
                t["participants_needed"],
                t["monthly"],
                t["yearly"],
                t["source"][:200],
            )
        )
    rows.append(
        (
            "Hemat bila daftar rekonsiliasi ditindaklanjuti",
            None,
            ws["monthly_saving"],
            ws["yearly_saving"],
            f"sumber: {ws['saving_source']}",
        )
    )
    for r in ws["saving_by_rule"]:
        rows.append(
            (
                f"  {r['rule_code']}",
                r["findings"],
                r["monthly_rupiah"],
                r["monthly_rupiah"] * 12,
                "",
            )
        )
    return Sheet(
        "Kebutuhan UHC",
        f"Kebutuhan dan penghematan dari workspace, periode {ws['period']}",
        [
            Column("Uraian", "text", 48),
            Column("Orang", "int"),
            Column("Rp/bulan", "rupiah"),
            Column("Rp/tahun", "rupiah"),
            Column("Keterangan", "text", 60),
        ],
        rows,
        [
            f"Tarif Pemda {format_rupiah(ws['rate'])} per orang per bulan; cakupan dari "
            f"{ws['coverage_source']}."
        ],
    )


def _projection_sheet(projection: dict[str, Any], split: dict[str, Any] | None) -> Sheet:
    names = list(split["shares_pct"]) if split else []
    parts = {p["year"]: p["parts"] for p in split["projection"]} if split else {}
    return Sheet(
        "Proyeksi",
        f"Proyeksi kebutuhan tahunan (pertumbuhan {decimal_text(projection['growth_pct'])} % "
        "per tahun)",
        [
            Column("Tahun", "int", 8),
            Column("Peserta", "int"),
            Column("Tarif (Rp)", "rupiah", 12),
            Column("Kebutuhan setahun (Rp)", "rupiah", 20),
            *[Column(f"Bagian {n} (Rp)", "rupiah", 20) for n in names],
        ],
        [
            (
                p["year"],
                p["participants"],
                p["rate"],
                p["cost"],
                *[parts[p["year"]][n] for n in names],
            )
            for p in projection["years"]
        ],
        [
            "Perubahan tarif: "
            + (
                ", ".join(f"{y}: {format_rupiah(r)}" for y, r in projection["rate_changes"].items())
                or "tidak ada"
            )
        ],
    )


def _split_sheet(split: dict[str, Any]) -> Sheet:
    names = list(split["shares_pct"])
    return Sheet(
        "Pembagian biaya",
        "Pembagian biaya provinsi dan kabupaten/kota",
        [Column("Uraian", "text", 30), *[Column(f"{n} (Rp)", "rupiah", 20) for n in names]],
        [
            ("Persen", *[None for _ in names]),
            ("Per bulan", *[split["monthly"][n] for n in names]),
            (split["year_label"], *[split["year"].get(n) for n in names]),
        ],
        [
            "Bagian: " + ", ".join(f"{n} {p} %" for n, p in split["shares_pct"].items()),
            split["source"],
            "Pembulatan sisa terbesar: setiap bagian selisih < Rp 1 dari bagian persisnya, "
            "jumlahnya sama dengan total.",
        ],
    )


def calendar_sheet(calendar: dict[str, Any]) -> Sheet:
    return Sheet(
        "Kalender",
        f"Kalender perencanaan dan penganggaran (hari ini {calendar['today']})",
        [
            Column("Tenggat", "date"),
            Column("TA", "int", 6),
            Column("Langkah", "text", 50),
            Column("Status", "text", 18),
            Column("Hari lagi", "int", 9),
            Column("Yang harus dilakukan", "text", 60),
            Column("Sumber", "text", 60),
        ],
        [
            (
                date.fromisoformat(d["due"]),
                d["budget_year"],
                d["label"]["id"],
                d["status_label"]["id"],
                d["days_left"],
                d["action"]["id"],
                d["source"],
            )
            for d in calendar["deadlines"]
        ],
    )


# --- the monthly bill -----------------------------------------------------------------------


def bill_document(bill: bg.MonthlyBill, figures: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "month": bill.month.isoformat()[:7],
        "lines": [
            {
                "code": line.code,
                "label": line.label.as_dict(),
                "count": line.count,
                "rate": line.rate,
                "amount": line.amount,
                "source": line.source,
            }
            for line in bill.lines
        ],
        "total": bill.total,
        "yearly": bill.total * 12,
        **({"workspace": figures} if figures else {}),
    }


def bill_text(document: dict[str, Any], lang: str = "id") -> str:
    key = "en" if lang == "en" else "id"
    lines = [("Bill for " if key == "en" else "Tagihan bulan ") + document["month"]]
    for line in document["lines"]:
        lines.append(
            f"  {line['label'][key]}: {_n(line['count'])} × {format_rupiah(line['rate'])} = "
            f"{format_rupiah(line['amount'])}"
        )
    lines.append(("  Total: " if key == "en" else "  Jumlah: ") + format_rupiah(document["total"]))
    return "\n".join(lines)


# --- eligibility ----------------------------------------------------------------------------


def eligibility_text(document: dict[str, Any], lang: str = "id") -> str:
    key = "en" if lang == "en" else "id"
    rp = format_rupiah
    lines = []
    report = document.get("decision")
    if report:
        rules = report["rules"]
        lines += [
            (
                f"Eligibility {report['period']} (rules from {rules['effective_from']}, desil "
                f"{rules['desil']}): {_n(report['eligible'])} of {_n(report['persons'])} persons "
                f"eligible = {rp(report['monthly_cost'])}/month, {rp(report['yearly_cost'])}/year."
                if key == "en"
                else f"Kelayakan {report['period']} (aturan mulai {rules['effective_from']}, desil "
                f"{rules['desil']}): {_n(report['eligible'])} dari {_n(report['persons'])} orang "
                f"layak = {rp(report['monthly_cost'])}/bulan, {rp(report['yearly_cost'])}/tahun."
            ),
            "",
        ]
        en = key == "en"
        rows = [
            (
                "Code" if en else "Kode",
                "Eligible" if en else "Layak",
                "Persons" if en else "Orang",
                "Pemda-paid" if en else "Pemda aktif",
                "Rp/month" if en else "Rp/bulan",
                "Meaning" if en else "Keterangan",
            )
        ]
        yes, no = ("yes", "no") if en else ("ya", "tidak")
        for r in report["by_rule"]:
            rows.append(
                (
                    r["rule_code"],
                    yes if r["eligible"] else no,
                    _n(r["persons"]),
                    _n(r["pemda_aktif"]),
                    rp(r["monthly_rupiah"]),
                    r["label"][key],
                )
            )
        lines += _table(rows, right={2, 3, 4})
        lines.append(
            (
                "Active Pemda-paid but not eligible: "
                if key == "en"
                else "Aktif dibayar Pemda tetapi tidak layak: "
            )
            + f"{_n(report['pemda_aktif_not_eligible'])} = {rp(report['monthly_saving'])}/"
            + ("month" if key == "en" else "bulan")
        )
    preview = document.get("preview")
    if preview:
        lines += [
            "",
            ("Preview: " if key == "en" else "Pratinjau: ")
            + ", ".join(preview["proposed"]["proposed_changes"]),
            (
                f"  enter {_n(preview['entering'])}, leave {_n(preview['leaving'])} (of whom "
                f"{_n(preview['leaving_pemda_aktif'])} paid now); eligible "
                f"{_n(preview['eligible_before'])} → {_n(preview['eligible_after'])}"
                if key == "en"
                else f"  masuk {_n(preview['entering'])}, keluar {_n(preview['leaving'])} "
                f"({_n(preview['leaving_pemda_aktif'])} di antaranya dibayar sekarang); layak "
                f"{_n(preview['eligible_before'])} → {_n(preview['eligible_after'])}"
            ),
            f"  {rp(preview['monthly_change'])}/{'month' if key == 'en' else 'bulan'}, "
            f"{rp(preview['yearly_change'])}/{'year' if key == 'en' else 'tahun'}",
        ]
        for t in preview["transitions"][:12]:
            lines.append(f"    {t['from']} → {t['to']}: {_n(t['persons'])}")
    line = document.get("budget_line")
    if line:
        lines += [
            "",
            (
                f"Budget {rp(line['monthly_budget'])}/month pays for {_n(line['funded'])} of "
                f"{_n(line['eligible'])}; {_n(line['below'])} below the line "
                f"({rp(line['monthly_shortfall'])}/month short)."
                if key == "en"
                else f"Anggaran {rp(line['monthly_budget'])}/bulan cukup untuk "
                f"{_n(line['funded'])} dari {_n(line['eligible'])}; {_n(line['below'])} di bawah "
                f"garis (kurang {rp(line['monthly_shortfall'])}/bulan)."
            ),
            "  " + ", ".join(f"{k}: {_n(v)}" for k, v in line["below_by_desil"].items()),
        ]
    if document.get("recommendations_loaded") is not None:
        lines.append(
            ("Dinsos letters loaded: " if key == "en" else "Surat rekomendasi Dinsos dimuat: ")
            + _n(document["recommendations_loaded"])
        )
    if document.get("xlsx"):
        lines.append(f"Excel: {document['xlsx']}")
    return "\n".join(lines)


def write_eligibility(
    path: Path,
    document: dict[str, Any],
    below: Sequence[tuple] = (),
    movers: Sequence[tuple] = (),
) -> Path:
    sheets = []
    report = document.get("decision")
    if report:
        sheets.append(
            Sheet(
                "Ringkasan kelayakan",
                f"Kelayakan PBPU-BP Pemda, periode {report['period']}",
                [
                    Column("Kode", "text", 22),
                    Column("Layak", "text", 7),
                    Column("Orang", "int"),
                    Column("Penduduk", "int"),
                    Column("Sedang dibayar Pemda", "int", 12),
                    Column("Rp/bulan", "rupiah"),
                    Column("Keterangan", "text", 44),
                    Column("Instansi", "text", 12),
                    Column("Tindakan", "text", 50),
                    Column("Sumber", "text", 60),
                ],
                [
                    (
                        r["rule_code"],
                        "ya" if r["eligible"] else "tidak",
                        r["persons"],
                        r["residents"],
                        r["pemda_aktif"],
                        r["monthly_rupiah"],
                        r["label"]["id"],
                        r["office"],
                        r["action"]["id"],
                        r["source"],
                    )
                    for r in report["by_rule"]
                ],
                [
                    f"Tarif {format_rupiah(report['rate'])} per orang per bulan; aturan berlaku "
                    f"mulai {report['rules']['effective_from']}; desil {report['rules']['desil']}.",
                    "Rp/bulan: untuk yang layak = biaya; untuk yang tidak layak = yang berhenti "
                    "dibayar bila peserta Pemda aktif dikeluarkan.",
                ],
            )
        )
    preview = document.get("preview")
    if preview:
        sheets.append(
            Sheet(
                "Pratinjau perubahan",
                "Pratinjau perubahan aturan: " + ", ".join(preview["proposed"]["proposed_changes"]),
                [
                    Column("Arah", "text", 8),
                    Column("Kode sekarang", "text", 22),
                    Column("Kode usulan", "text", 22),
                    Column("Orang", "int"),
                    Column("Sedang dibayar Pemda", "int", 12),
                ],
                [
                    (t["direction"], t["from"], t["to"], t["persons"], t["pemda_aktif"])
                    for t in preview["transitions"]
                ],
                [
                    f"Masuk {_n(preview['entering'])}, keluar {_n(preview['leaving'])}; "
                    f"{format_rupiah(preview['monthly_change'])}/bulan, "
                    f"{format_rupiah(preview['yearly_change'])}/tahun."
                ],
            )
        )
        if movers:
            sheets.append(
                Sheet(
                    "Yang masuk dan keluar",
                    "Orang yang masuk atau keluar menurut aturan usulan",
                    [
                        Column("Arah", "text", 8),
                        Column("ID orang", "id"),
                        Column("NIK", "id"),
                        Column("Nama", "text", 26),
                        Column("Kode desa", "id", 12),
                        Column("Desil", "int", 6),
                        Column("Kode sekarang", "text", 22),
                        Column("Kode usulan", "text", 22),
                    ],
                    movers,
                )
            )
    line = document.get("budget_line")
    if line:
        sheets.append(
            Sheet(
                "Di bawah garis anggaran",
                f"Layak tetapi di bawah garis anggaran {format_rupiah(line['monthly_budget'])}"
                "/bulan",
                [
                    Column("Peringkat", "int", 9),
                    Column("NIK", "id"),
                    Column("Nama", "text", 26),
                    Column("Kode desa", "id", 12),
                    Column("Desil", "int", 6),
                    Column("Prioritas", "text", 24),
                    Column("Mengapa", "text", 70),
                ],
                below,
                [
                    f"Terbiayai {_n(line['funded'])} dari {_n(line['eligible'])}; "
                    f"kurang {format_rupiah(line['monthly_shortfall'])}/bulan."
                ],
            )
        )
    return write_workbook(path, sheets)


# --- the invoice ----------------------------------------------------------------------------


def invoice_text(document: dict[str, Any], lang: str = "id") -> str:
    key = "en" if lang == "en" else "id"
    rp = format_rupiah
    d = document
    lines = [
        (
            f"Invoice {d['file_name']} ({d['period']}): {_n(d['rows_billed'])} rows, "
            f"{rp(d['rupiah_billed'])}."
            if key == "en"
            else f"Tagihan {d['file_name']} ({d['period']}): {_n(d['rows_billed'])} baris, "
            f"{rp(d['rupiah_billed'])}."
        ),
        (
            f"  accepted {_n(d['rows_accepted'])} rows, payable {rp(d['rupiah_payable'])}"
            if key == "en"
            else f"  diterima {_n(d['rows_accepted'])} baris, "
            f"layak dibayar {rp(d['rupiah_payable'])}"
        ),
        (
            f"  billed but not accepted {_n(d['rows_not_accepted'])} rows = "
            f"{rp(d['rupiah_not_accepted'])}:"
            if key == "en"
            else f"  ditagih tetapi tidak diterima {_n(d['rows_not_accepted'])} baris = "
            f"{rp(d['rupiah_not_accepted'])}:"
        ),
    ]
    for f in d["by_finding"]:
        lines.append(
            f"    {f['code']:<22} {_n(f['rows']):>7}  {rp(f['rupiah']):>16}  "
            f"{f.get('label', {}).get(key, '')}"
        )
    lines.append("  eligible but not billed:" if key == "en" else "  layak tetapi tidak ditagih:")
    for f in d["eligible_not_billed"]:
        lines.append(
            f"    {f['code']:<22} {_n(f['persons']):>7}  {rp(f['rupiah']):>16}  "
            f"{f.get('label', {}).get(key, '')}"
        )
    lines += [
        (
            f"  Pemda list: {_n(d['eligible_persons'])} eligible = {rp(d['expected_rupiah'])}; "
            f"difference {_signed(d['headcount_difference'])} persons, "
            f"{rp(d['rupiah_difference'])}"
            if key == "en"
            else f"  Daftar Pemda: {_n(d['eligible_persons'])} layak = {rp(d['expected_rupiah'])}; "
            f"selisih {_signed(d['headcount_difference'])} orang, {rp(d['rupiah_difference'])}"
        ),
        (
            f"  rows with another rate: {_n(d['rate_difference_rows'])}, "
            f"{rp(d['rate_difference_rupiah'])}"
            if key == "en"
            else f"  baris dengan tarif lain: {_n(d['rate_difference_rows'])}, "
            f"{rp(d['rate_difference_rupiah'])}"
        ),
    ]
    if d.get("xlsx"):
        lines.append(f"Excel: {d['xlsx']}")
    return "\n".join(lines)


def write_invoice(
    path: Path,
    document: dict[str, Any],
    not_accepted: Sequence[tuple],
    rate_rows: Sequence[tuple],
    not_billed: Sequence[tuple],
) -> Path:
    d = document
    summary = [
        ("Baris ditagih BPJS", d["rows_billed"], d["rupiah_billed"]),
        ("Orang ditagih", d["persons_billed"], None),
        ("Diterima (layak, tidak ganda)", d["rows_accepted"], d["rupiah_payable"]),
        ("Ditagih tetapi tidak diterima", d["rows_not_accepted"], d["rupiah_not_accepted"]),
        *[
            (f"  {f['code']}: {f.get('label', {}).get('id', '')}", f["rows"], f["rupiah"])
            for f in d["by_finding"]
        ],
        ("Daftar Pemda: orang layak × tarif", d["eligible_persons"], d["expected_rupiah"]),
        *[
            (
                f"  tidak ditagih — {f['code']}: {f.get('label', {}).get('id', '')}",
                f["persons"],
                f["rupiah"],
            )
            for f in d["eligible_not_billed"]
        ],
        ("Selisih jumlah orang (ditagih − layak)", d["headcount_difference"], None),
        ("Selisih Rupiah (ditagih − daftar Pemda)", None, d["rupiah_difference"]),
        (
            f"TAG-TARIF: {d['rate_difference_finding'].get('label', {}).get('id', '')} — "
            f"{d['rate_difference_finding'].get('action', {}).get('id', '')}",
            d["rate_difference_rows"],
            d["rate_difference_rupiah"],
        ),
    ]
    sheets = [
        Sheet(
            "Ringkasan",
            f"Verifikasi tagihan iuran PBPU-BP Pemda {d['period']} — {d['file_name']}",
            [Column("Uraian", "text", 60), Column("Jumlah", "int"), Column("Rupiah", "rupiah", 20)],
            summary,
            [
                f"Tarif Pemda yang berlaku {format_rupiah(d['rate'])} per orang per bulan.",
                "Lampiran verifikasi pembayaran: bayar baris yang diterima; baris lain "
                "dikonfirmasi ke BPJS sesuai tindakan di lembar berikut.",
            ],
        ),
        Sheet(
            "Ditagih tidak layak",
            "Ditagih tetapi tidak diterima, dengan alasan, bukti dan tindakan",
            [
                Column("Baris", "int", 7),
                Column("No kartu", "id", 16),
                Column("NIK", "id"),
                Column("Nama", "text", 26),
                Column("Iuran (Rp)", "rupiah", 12),
                Column("Kode", "text", 22),
                Column("Alasan", "text", 40),
                Column("Bukti", "text", 50),
                Column("Tindakan", "text", 50),
            ],
            [(*r[:7], _plain(r[7]), r[8]) for r in not_accepted],
        ),
        Sheet(
            "Layak tidak ditagih",
            "Layak menurut aturan Pemda tetapi tidak ada di tagihan",
            [
                Column("NIK", "id"),
                Column("Nama", "text", 26),
                Column("Kode desa", "id", 12),
                Column("Desil", "int", 6),
                Column("Kode kelayakan", "text", 22),
                Column("Kode", "text", 22),
                Column("Keterangan", "text", 44),
                Column("Rp/bulan", "rupiah", 12),
            ],
            not_billed,
        ),
        Sheet(
            "Selisih tarif",
            "Baris dengan iuran berbeda dari tarif yang berlaku",
            [
                Column("Baris", "int", 7),
                Column("No kartu", "id", 16),
                Column("NIK", "id"),
                Column("Nama", "text", 26),
                Column("Iuran ditagih (Rp)", "rupiah", 14),
                Column("Tarif (Rp)", "rupiah", 12),
                Column("Selisih (Rp)", "rupiah", 12),
            ],
            rate_rows,
        ),
    ]
    return write_workbook(path, sheets)


def _plain(evidence: str) -> str:
    if not evidence:
        return ""
    try:
        items = json.loads(evidence)
    except ValueError:
        return evidence
    return "; ".join(f"{k}: {_value(v)}" for k, v in items.items() if v not in (None, []))


def _value(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def calendar_workbook(path: Path, calendar: dict[str, Any]) -> Path:
    return write_workbook(path, [calendar_sheet(calendar)])


def decimal_text(value: Decimal | str) -> str:
    """``Decimal("98.6")`` → ``"98,6"``."""
    return str(value).replace(".", ",")
