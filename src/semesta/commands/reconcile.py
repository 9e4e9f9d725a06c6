"""``semesta reconcile``: link the registers of a period, find every anomaly, write the lists."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from semesta.console import JsonOption, LangOption, emit, number, progress


def reconcile(
    workspace: Annotated[Path, typer.Option(help="Folder workspace")],
    period: Annotated[str, typer.Option(help="Periode YYYY-MM")],
    xlsx: Annotated[
        Path | None, typer.Option("--xlsx", help="Tulis buku kerja Excel / write an Excel workbook")
    ] = None,
    as_json: JsonOption = False,
    lang: LangOption = "id",
) -> None:
    """Padankan register dan temukan anomali / reconcile the registers and find anomalies."""
    from semesta.pipeline.anomalies import reconcile as run
    from semesta.pipeline.workspace import Workspace, check_period

    check_period(period)
    place = Workspace(workspace)
    place.connect(read_only=True).close()  # a clear message when the workspace does not exist
    report = run(place, period, progress=progress())
    document = report.as_dict()
    if xlsx:
        from semesta.reports.action_lists import write_reconciliation

        document["xlsx"] = str(write_reconciliation(place, report, xlsx))
    emit(as_json, document, _table(document, lang))


def _table(document: dict, lang: str) -> str:
    en = lang == "en"
    link = document["linkage"]
    lines = [
        (
            f"Records {number(link['records'])}: exact NIK {number(link['exact'])}, "
            f"Splink {number(link['splink_linked'])}, review {number(link['review'])}, "
            f"unlinked {number(link['unlinked'])}."
            if en
            else f"Rekaman {number(link['records'])}: cocok NIK {number(link['exact'])}, "
            f"Splink {number(link['splink_linked'])}, ditinjau {number(link['review'])}, "
            f"tidak cocok {number(link['unlinked'])}."
        ),
        "",
    ]
    width = max(len(r["rule_code"]) for r in document["rules"]) if document["rules"] else 10
    for r in document["rules"]:
        lines.append(
            f"{r['rule_code']:<{width}}  {number(r['findings']):>9}  "
            f"Rp {number(r['monthly_rupiah']):>13}/{'month' if en else 'bulan'}  "
            f"{r['title_en' if en else 'title_id']}"
        )
    total = number(document["monthly_rupiah_total"])
    saving = (
        "Monthly saving if every list is acted on"
        if en
        else "Hemat per bulan bila semua daftar ditindaklanjuti"
    )
    lines.append(f"\n{saving}: Rp {total}")
    if document.get("xlsx"):
        lines.append(f"Excel: {document['xlsx']}")
    return "\n".join(lines)
