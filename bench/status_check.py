"""Benchmark: the puskesmas status check with the 1 M-resident kabupaten loaded.

    python bench/status_check.py [--workspace bench/out/workspace-1000000] [--checks 2000]

1. Copies the ingested 1 M workspace (never writes the original) into bench/out/status-check/.
2. If the copy has no reconciliation (``person`` table), builds ``person`` from an exact-NIK join
   of ``dkb`` and ``bpjs_peserta`` (plus deaths and DTSEN deciles) and says so: the status check
   reads only the published persons, so how they were linked does not change its speed.
3. Publishes the period into a fresh SQLite app database (the production default), timed.
4. Status checks through the whole Django stack (middleware, session, permission, region scope,
   HMAC index lookup, answer, audit row written), as a kabupaten-wide puskesmas account: 90 %
   NIKs of the register, 10 % valid-looking NIKs that are not in it. p50/p95/p99.
5. Baseline in the same run: the naive design, a request that opens the DuckDB workspace
   read-only and looks the NIK up in ``bpjs_peserta`` and ``dkb``. Prints the ratio of the
   p95s. Goal (issue 7): p95 under 100 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PERIOD = "2025-06"

EXACT_NIK_PERSON = """
CREATE OR REPLACE TABLE person AS
WITH d AS (
  SELECT * FROM dkb WHERE period = $period AND nik IS NOT NULL
  QUALIFY row_number() OVER (PARTITION BY nik ORDER BY file_id, row_number) = 1),
b AS (
  SELECT nik, bool_or(aktif) AS active,
         arg_min(segmen_kelompok, (NOT aktif)::INT) AS segmen_kelompok,
         arg_min(kelas, (NOT aktif)::INT) AS kelas,
         arg_min(status_peserta, (NOT aktif)::INT) AS status_peserta,
         arg_min(keterangan_status, (NOT aktif)::INT) AS keterangan_status,
         arg_min(kode_faskes, (NOT aktif)::INT) AS kode_faskes,
         arg_min(nama_faskes, (NOT aktif)::INT) AS nama_faskes,
         arg_min(no_kartu, (NOT aktif)::INT) AS no_kartu,
         any_value(nama) AS nama
  FROM bpjs_peserta WHERE period = $period AND nik IS NOT NULL GROUP BY nik),
k AS (SELECT nik, min(tanggal_meninggal) AS tanggal FROM kematian
      WHERE period = $period AND nik IS NOT NULL GROUP BY nik),
w AS (SELECT nik, min(desil) AS desil FROM dtsen WHERE period = $period AND nik IS NOT NULL
      GROUP BY nik)
SELECT $period AS period, COALESCE(d.nik, b.nik) AS person_id, COALESCE(d.nik, b.nik) AS nik,
       d.no_kk, COALESCE(d.nama, b.nama) AS nama, d.jenis_kelamin, d.tanggal_lahir, d.kode_desa,
       substr(d.kode_desa, 1, 6) AS kode_kecamatan, d.nik IS NOT NULL AS in_dkb,
       d.nik IS NOT NULL AND COALESCE(d.tanggal_meninggal, k.tanggal) IS NULL
         AND d.status_pindah IS NULL AND starts_with(COALESCE(d.kode_desa, ''), '6202')
         AS resident,
       COALESCE(d.tanggal_meninggal, k.tanggal) AS meninggal, d.tanggal_pindah AS pindah,
       w.desil, NULL::VARCHAR AS formal_worker, NULL::VARCHAR AS employer,
       b.nik IS NOT NULL AS registered, COALESCE(b.active, FALSE) AS active,
       b.segmen_kelompok, b.kelas, b.status_peserta, b.keterangan_status, b.kode_faskes,
       b.nama_faskes, b.no_kartu
FROM d FULL OUTER JOIN b ON b.nik = d.nik
LEFT JOIN k ON k.nik = COALESCE(d.nik, b.nik)
LEFT JOIN w ON w.nik = COALESCE(d.nik, b.nik)
"""


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def summary(values: list[float]) -> dict[str, float]:
    return {
        "n": len(values),
        "p50_ms": round(1000 * statistics.median(values), 2),
        "p95_ms": round(1000 * percentile(values, 0.95), 2),
        "p99_ms": round(1000 * percentile(values, 0.99), 2),
        "max_ms": round(1000 * max(values), 2),
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workspace", default=str(ROOT / "bench/out/workspace-1000000"))
    parser.add_argument("--out", default=str(ROOT / "bench/out/status-check"))
    parser.add_argument("--checks", type=int, default=2000)
    parser.add_argument("--baseline-checks", type=int, default=300)
    args = parser.parse_args()
    source, out = Path(args.workspace), Path(args.out)
    if not (source / "semesta.duckdb").exists():
        sys.exit(f"{source} has no workspace: run `make bench` (bench/ingest.py) first")
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    copy = out / "workspace"
    shutil.copytree(source, copy)

    from semesta.pipeline.workspace import Workspace

    workspace = Workspace(copy)
    db = workspace.connect()
    tables = {r[0] for r in db.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    basis = "person (reconciliation)"
    if "person" not in tables:
        basis = "person from an exact-NIK join of dkb and bpjs_peserta (no reconciliation yet)"
        db.execute(EXACT_NIK_PERSON.replace("$period", f"'{PERIOD}'"))
    persons = db.execute("SELECT count(*) FROM person WHERE period = ?", [PERIOD]).fetchall()[0][0]
    niks = [
        r[0]
        for r in db.execute(
            "SELECT nik FROM person WHERE period = ? AND nik IS NOT NULL USING SAMPLE 5000 ROWS",
            [PERIOD],
        ).fetchall()
    ]
    db.close()
    print(f"basis: {basis}; {persons:,} persons", file=sys.stderr)

    os.environ["SEMESTA_SECRET_KEY"] = "semesta-benchmark-only"
    os.environ.pop("SEMESTA_DB_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "semesta.web.settings"
    from semesta.commands.web import _migrate, setup

    setup(out / "web", copy)
    _migrate()
    from django.conf import settings

    settings.ALLOWED_HOSTS.append("testserver")
    from django.test import Client

    from semesta.web.models import AuditEvent, Person, User
    from semesta.web.publish import publish

    started = time.perf_counter()
    publication = publish(workspace, PERIOD)
    publish_seconds = time.perf_counter() - started
    assert Person.objects.filter(publication=publication).count() == persons
    print(f"published in {publish_seconds:.1f} s", file=sys.stderr)

    user = User.objects.create_user(
        "bench",
        password="x",
        role="petugas_puskesmas",
        region_code=publication.kabupaten_code or "6202",
    )
    client = Client()
    client.force_login(user)
    session = client.session
    session["purpose"] = "pelayanan"
    session.save()

    rng = random.Random(7)
    sample = []
    for _ in range(args.checks):
        if rng.random() < 0.9:
            sample.append(rng.choice(niks))
        else:  # a valid-looking NIK that is not in the register: 6202, day 01, serial 9xxx
            sample.append(f"620201010190{rng.randrange(9000, 10000):04d}")
    for nik in sample[:50]:  # warm-up: caches, connection, templates
        client.post("/cek-status/", {"nik": nik})
    times, covered = [], 0
    for nik in sample:
        start = time.perf_counter()
        response = client.post("/cek-status/", {"nik": nik})
        times.append(time.perf_counter() - start)
        assert response.status_code == 200
        covered += b"TERJAMIN JKN" in response.content and b"TIDAK TERJAMIN" not in response.content
    audited = AuditEvent.objects.filter(action="status_check").count()
    app = summary(times)

    import duckdb

    baseline_times = []
    for nik in sample[: args.baseline_checks]:
        start = time.perf_counter()
        naive = duckdb.connect(str(copy / "semesta.duckdb"), read_only=True)
        naive.execute(
            "SELECT segmen_kelompok, aktif, kode_faskes, nama_faskes FROM bpjs_peserta "
            "WHERE period = ? AND nik = ?",
            [PERIOD, nik],
        ).fetchall()
        naive.execute(
            "SELECT nama, kode_desa FROM dkb WHERE period = ? AND nik = ?", [PERIOD, nik]
        ).fetchall()
        naive.close()
        baseline_times.append(time.perf_counter() - start)
    baseline = summary(baseline_times)
    document = {
        "basis": basis,
        "persons": persons,
        "publish_seconds": round(publish_seconds, 1),
        "database": settings.DATABASES["default"]["ENGINE"],
        "app": app,
        "covered_share": round(covered / len(sample), 3),
        "audit_rows": audited,
        "baseline_naive_duckdb": baseline,
        "p95_ratio_baseline_over_app": round(baseline["p95_ms"] / app["p95_ms"], 1),
        "goal_p95_ms": 100,
        "goal_met": app["p95_ms"] < 100,
    }
    print(json.dumps(document, indent=2))
    print(
        f"status check p95 {app['p95_ms']} ms (p50 {app['p50_ms']}, p99 {app['p99_ms']}) over "
        f"{app['n']} checks of {persons:,} persons; naive DuckDB lookup p95 "
        f"{baseline['p95_ms']} ms: {document['p95_ratio_baseline_over_app']}x; goal < 100 ms: "
        f"{'met' if document['goal_met'] else 'NOT met'}",
        file=sys.stderr,
    )
    return 0 if document["goal_met"] else 1


if __name__ == "__main__":
    sys.exit(main())
