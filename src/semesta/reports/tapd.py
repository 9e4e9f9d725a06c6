"""A one-page PDF summary of the APBD plan for the TAPD (Tim Anggaran Pemerintah Daerah),
rendered with WeasyPrint from the package template ``templates/tapd_ringkasan.html``.

It shows what the TAPD decides on: the monthly need, the cost by start month (seed 001 Tabel 1),
what the workspace adds (coverage gaps, saving), the projection, the province/kabupaten split
and the deadlines still ahead. Numbers use the Indonesian format (Rp 1.088.451.000; 98,60 %).
"""

from __future__ import annotations

import html
from datetime import date
from importlib import resources
from pathlib import Path
from string import Template
from typing import Any

from semesta.core.budget import MONTHS_ID
from semesta.core.money import format_rupiah

TEMPLATE = "tapd_ringkasan.html"
_FONT_SIZES = (9.0, 8.5, 8.0, 7.5, 7.0, 6.5)  # shrink until it fits one page


def _n(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def _e(text: object) -> str:
    return html.escape(str(text))


def _table(
    head: list[tuple[str, bool]], rows: list[list[str]], classes: list[str] | None = None
) -> str:
    cells = "".join(
        f'<th class="n">{_e(h)}</th>' if num else f"<th>{_e(h)}</th>" for h, num in head
    )
    body = []
    for i, row in enumerate(rows):
        css = f' class="{classes[i]}"' if classes and classes[i] else ""
        tds = "".join(
            f'<td class="n">{c}</td>' if num else f"<td>{c}</td>"
            for c, (_, num) in zip(row, head, strict=True)
        )
        body.append(f"<tr{css}>{tds}</tr>")
    return f"<table><thead><tr>{cells}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def render_html(document: dict[str, Any], region_name: str | None = None, font: float = 9.0) -> str:
    """The filled template for a plan document (:func:`semesta.reports.budget.plan_document`)."""
    year = document["year"]
    monthly = document["monthly"]
    prepared = (
        date.fromisoformat(document["calendar"]["today"])
        if "calendar" in document
        else date.today()
    )
    where = region_name or document.get("region") or ""
    keys = [
        (_n(document["participants"]), "peserta yang dibiayai"),
        (format_rupiah(monthly), "per bulan"),
        (format_rupiah(monthly * 12), "setahun penuh (12 bulan)"),
        (format_rupiah(document["existing"]), "sudah ada di APBD"),
    ]
    plan_rows, classes = [], []
    for i, o in enumerate(document["options"], start=1):
        plan_rows.append(
            [
                str(i),
                _e(o["start_month_name"]),
                str(o["months"]),
                _n(o["participants"]),
                format_rupiah(o["cost"]),
                format_rupiah(o["total"]),
            ]
        )
        classes.append("chosen" if o["start_month"] == document.get("chosen_month") else "")
    plan_table = _table(
        [
            ("No", False),
            ("Mulai", False),
            ("Bulan", True),
            ("Peserta", True),
            ("Kebutuhan s.d. Desember", True),
            ("Total termasuk yang ada", True),
        ],
        plan_rows,
        classes,
    )
    return Template(
        resources.files("semesta.reports").joinpath("templates", TEMPLATE).read_text("utf-8")
    ).substitute(
        title=_e(f"Ringkasan untuk TAPD — iuran JKN PBPU-BP Pemda tahun anggaran {year}"),
        subtitle=_e(
            f"{where} · disiapkan {prepared.day} {MONTHS_ID[prepared.month - 1]} {prepared.year}"
            f" · {document['rate_note']}"
        ),
        prepared=_e(prepared.isoformat()),
        font=f"{font:g}",
        keys="".join(f'<div class="key"><b>{_e(v)}</b><span>{_e(t)}</span></div>' for v, t in keys),
        plan_table=plan_table,
        workspace_block=_workspace(document.get("workspace")),
        projection_block=_projection(document.get("projection")),
        split_block=_split(document.get("split")),
        calendar_block=_calendar(document.get("calendar")),
        sources=_e(
            "Sumber: tarif Pemda dari pemda_rates.toml (Perpres 64/2020; reference §1.3–1.4); "
            "cara hitung per bulan mulai sesuai Tabel 1 seed 001 (BPJS Cabang Bengkulu, 2023); "
            "jadwal dari apbd_calendar.toml (PP 12/2019; seed 001: RKPD minggu ke-4 Mei tahun "
            "sebelumnya)."
        ),
    )


def _workspace(ws: dict[str, Any] | None) -> str:
    if not ws:
        return ""
    rows = [
        ["Penduduk", _n(ws["population"]), "", ""],
        ["Terdaftar JKN", _n(ws["registered"]), _e(ws["coverage_pct"] or ""), ""],
        ["Aktif", _n(ws["active"]), _e(ws["active_pct"] or ""), ""],
    ]
    for t in ws["targets"]:
        pct = t["coverage_pct"].replace(".", ",")
        rows.append(
            [
                f"Tambahan peserta untuk cakupan {pct} %",
                _n(t["participants_needed"]),
                format_rupiah(t["monthly"]),
                format_rupiah(t["yearly"]),
            ]
        )
    rows.append(
        [
            "Hemat bila daftar rekonsiliasi ditindaklanjuti",
            "",
            format_rupiah(ws["monthly_saving"]),
            format_rupiah(ws["yearly_saving"]),
        ]
    )
    head = [
        ("Periode " + ws["period"], False),
        ("Orang", True),
        ("Rp/bulan · %", True),
        ("Rp/tahun", True),
    ]
    return "<h2>Dari data workspace</h2>" + _table(head, rows)


def _projection(projection: dict[str, Any] | None) -> str:
    if not projection:
        return ""
    rows = [
        [str(p["year"]), _n(p["participants"]), format_rupiah(p["rate"]), format_rupiah(p["cost"])]
        for p in projection["years"][:6]
    ]
    head = [("Tahun", False), ("Peserta", True), ("Tarif", True), ("Setahun", True)]
    growth = projection["growth_pct"].replace(".", ",")
    return f"<div><h2>Proyeksi (pertumbuhan {_e(growth)} %/tahun)</h2>{_table(head, rows)}</div>"


def _split(split: dict[str, Any] | None) -> str:
    if not split:
        return ""
    names = list(split["shares_pct"])
    rows = [
        ["Persen", *[_e(split["shares_pct"][n]).replace(".", ",") + " %" for n in names]],
        ["Per bulan", *[format_rupiah(split["monthly"][n]) for n in names]],
        [_e(split["year_label"]), *[format_rupiah(split["year"][n]) for n in names]],
    ]
    head = [("", False), *[(n, True) for n in names]]
    return f"<div><h2>Pembagian provinsi / kabupaten</h2>{_table(head, rows)}</div>"


def _calendar(calendar: dict[str, Any] | None) -> str:
    if not calendar:
        return ""
    rows, classes = [], []
    deadlines = calendar["deadlines"]
    passed = [d for d in deadlines if d["status"] == "lewat"]
    shown = passed[-2:] + [d for d in deadlines if d["status"] != "lewat"]  # the TAPD looks ahead
    for d in shown:
        due = date.fromisoformat(d["due"])
        days = d["days_left"]
        when = f"{-days}&nbsp;hari lalu" if days < 0 else f"{days}&nbsp;hari lagi"
        rows.append(
            [
                f"{due.day}&nbsp;{MONTHS_ID[due.month - 1][:3]}&nbsp;{due.year}",
                str(d["budget_year"]),
                _e(d["label"]["id"]),
                f'<span class="{d["status"]}">'
                f"{_e(d['status_label']['id']).replace(' ', '&nbsp;')}</span>",
                when,
            ]
        )
        classes.append("")
    head = [("Tenggat", False), ("TA", False), ("Langkah", False), ("Status", False), ("", True)]
    return f"<h2>Kalender perencanaan (hari ini {_e(calendar['today'])})</h2>" + _table(
        head, rows, classes
    )


def write_tapd_pdf(path: Path, document: dict[str, Any], region_name: str | None = None) -> int:
    """Write the one-page summary to ``path``; returns the number of pages (1 unless the content
    cannot fit even at the smallest font)."""
    from weasyprint import HTML

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    rendered = None
    for font in _FONT_SIZES:
        rendered = HTML(string=render_html(document, region_name, font)).render()
        if len(rendered.pages) == 1:
            break
    assert rendered is not None
    rendered.write_pdf(str(path))
    return len(rendered.pages)
