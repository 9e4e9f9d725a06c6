"""The exports a Dinas Kesehatan receives, as declarative layouts.

Each layout names its canonical columns, their kind (which normaliser reads them) and the header
spellings seen in real exports. Ingestion recognises a file by its header: the layout whose
required columns are all present and which matches most columns wins. A header that no alias
covers can be mapped once by the user in the workspace's ``pemetaan_kolom.toml``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from semesta.core.text import Bilingual

# Column kinds, each with one normaliser in pipeline/normalize.py.
KINDS = (
    "nik",
    "kk",
    "noka",
    "text",
    "name",
    "sex",
    "date",
    "int",
    "rupiah",
    "desa",
    "segment",
    "status",
)


@dataclass(frozen=True)
class Column:
    name: str
    kind: str
    aliases: tuple[str, ...]
    required: bool = False  # the header must be present
    range: tuple[int, int] | None = None  # for kind "int"


@dataclass(frozen=True)
class Layout:
    name: str  # table name in the workspace
    title: Bilingual
    columns: tuple[Column, ...]
    # A row is kept when at least one of these columns holds a usable value; otherwise it is
    # quarantined as a whole (e.g. a BPJS row with neither a card number nor a NIK).
    row_needs_any: tuple[str, ...] = field(default=())

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)


def header_key(text: object) -> str:
    """Headers compared without case, spaces or punctuation: "Tgl. Lahir" == "TGL_LAHIR"."""
    return re.sub(r"[^A-Z0-9]", "", str(text or "").upper())


def _c(
    name: str,
    kind: str,
    *aliases: str,
    required: bool = False,
    range: tuple[int, int] | None = None,
) -> Column:
    return Column(name, kind, (name, *aliases), required, range)


NIK = _c(
    "nik",
    "nik",
    "NIK",
    "NO NIK",
    "NOMOR NIK",
    "NOMOR INDUK KEPENDUDUKAN",
    "NO KTP",
    "NIK PESERTA",
    required=True,
)
NIK_OPTIONAL = Column("nik", "nik", NIK.aliases)
NAMA = _c(
    "nama",
    "name",
    "NAMA",
    "NAMA LENGKAP",
    "NAMA_LGKP",
    "NAMA PESERTA",
    "NM PESERTA",
    "NAMA PEGAWAI",
)
NO_KK = _c("no_kk", "kk", "NO KK", "NO_KK", "NOMOR KK", "NKK", "NOMOR KARTU KELUARGA", "NO. KK")
TGL_LAHIR = _c(
    "tanggal_lahir", "date", "TGL LAHIR", "TGL_LHR", "TANGGAL LAHIR", "TGLLAHIR", "TGL. LAHIR"
)
JK = _c("jenis_kelamin", "sex", "JK", "JENIS KELAMIN", "JENIS_KLMIN", "KELAMIN", "SEX", "L/P")

DKB = Layout(
    "dkb",
    Bilingual("Data Kependudukan Bersih (Dukcapil)", "Clean population data (Dukcapil)"),
    (
        NIK,
        _c("no_kk", "kk", *NO_KK.aliases[1:], required=True),
        _c("nama", "name", *NAMA.aliases[1:], required=True),
        JK,
        _c("tempat_lahir", "text", "TEMPAT LAHIR", "TMPT_LHR", "TMPT LAHIR"),
        TGL_LAHIR,
        _c("alamat", "text", "ALAMAT", "ALAMAT LENGKAP"),
        _c("rt", "text", "RT", "NO_RT", "NO RT"),
        _c("rw", "text", "RW", "NO_RW", "NO RW"),
        _c(
            "kode_desa",
            "desa",
            "KODE DESA",
            "KODE_KEL",
            "KODE DESA/KEL",
            "KD DESA",
            "KODE KELURAHAN",
            "KODE WILAYAH",
            required=True,
        ),
        _c(
            "hubungan_keluarga",
            "text",
            "HUBUNGAN KELUARGA",
            "SHDK",
            "STAT_HBKEL",
            "STATUS HUBUNGAN",
        ),
        _c("status_hidup", "text", "STATUS HIDUP", "KETERANGAN HIDUP", "HIDUP/MATI"),
        _c(
            "tanggal_meninggal",
            "date",
            "TGL MENINGGAL",
            "TANGGAL MENINGGAL",
            "TGL_MATI",
            "TANGGAL KEMATIAN",
        ),
        _c("status_pindah", "text", "STATUS PINDAH", "KETERANGAN PINDAH", "PINDAH"),
        _c("tanggal_pindah", "date", "TGL PINDAH", "TANGGAL PINDAH", "TGL_PINDAH"),
    ),
    row_needs_any=("nik", "nama"),
)

BPJS = Layout(
    "bpjs_peserta",
    Bilingual("Daftar peserta JKN (BPJS Kesehatan)", "JKN membership list (BPJS Kesehatan)"),
    (
        _c(
            "no_kartu",
            "noka",
            "NO KARTU",
            "NOKA",
            "NOMOR KARTU",
            "NO KIS",
            "NO. KARTU JKN",
            "NOMOR PESERTA",
            "NO_KARTU",
            required=True,
        ),
        NIK,
        NAMA,
        TGL_LAHIR,
        JK,
        _c("hubungan_keluarga", "text", "PISA", "HUBUNGAN KELUARGA", "HUB KELUARGA"),
        _c(
            "segmen",
            "segment",
            "SEGMEN",
            "SEGMEN PESERTA",
            "NAMA SEGMEN",
            "JENIS PESERTA",
            "KEPESERTAAN",
            required=True,
        ),
        _c("kelas", "int", "KELAS", "HAK KELAS", "KELAS RAWAT", range=(1, 3)),
        _c(
            "status_peserta",
            "status",
            "STATUS",
            "STATUS PESERTA",
            "STATUS KEPESERTAAN",
            required=True,
        ),
        _c(
            "keterangan_status",
            "text",
            "KETERANGAN",
            "KETERANGAN STATUS",
            "ALASAN NON AKTIF",
            "KET STATUS",
        ),
        _c("kode_faskes", "text", "KODE FASKES", "KODE PPK", "KD PPK", "KODE FKTP"),
        _c("nama_faskes", "text", "NAMA FASKES", "NAMA PPK", "NM PPK", "FKTP"),
        _c("tmt", "date", "TMT", "TGL TMT", "TANGGAL MULAI", "TMT PESERTA"),
        _c("alamat", "text", "ALAMAT"),
    ),
    row_needs_any=("no_kartu", "nik"),
)

DTSEN = Layout(
    "dtsen",
    Bilingual(
        "Data Tunggal Sosial dan Ekonomi Nasional (DTSEN)",
        "National socio-economic register (DTSEN)",
    ),
    (
        NIK,
        NO_KK,
        NAMA,
        _c(
            "desil",
            "int",
            "DESIL",
            "DESIL NASIONAL",
            "PERINGKAT DESIL",
            "DESIL KESEJAHTERAAN",
            required=True,
            range=(1, 10),
        ),
        _c(
            "tanggal_data", "date", "TANGGAL DATA", "PER TANGGAL", "TGL PEMUTAKHIRAN", "POSISI DATA"
        ),
    ),
    # A row whose NIK Excel destroyed still has its KK and name: reconciliation links it.
    row_needs_any=("nik", "no_kk"),
)

ASN = Layout(
    "pegawai_asn",
    Bilingual("Daftar ASN dan PPPK (BKPSDM)", "Civil servants and P3K (BKPSDM)"),
    (
        _c("nip", "text", "NIP", "NIP BARU", "NI PPPK", required=True),
        NIK,
        NAMA,
        TGL_LAHIR,
        _c("status_kepegawaian", "text", "STATUS KEPEGAWAIAN", "JENIS PEGAWAI", "STATUS PEGAWAI"),
        _c("instansi", "text", "INSTANSI", "UNIT KERJA", "OPD", "PERANGKAT DAERAH"),
    ),
    row_needs_any=("nik", "nama"),
)

PERANGKAT_DESA = Layout(
    "perangkat_desa",
    Bilingual("Daftar kepala desa dan perangkat desa", "Village heads and officials"),
    (
        NIK,
        NAMA,
        _c("jabatan", "text", "JABATAN", required=True),
        _c("kode_desa", "desa", "KODE DESA", "KODE_KEL", "KD DESA"),
        _c("nama_desa", "text", "DESA", "NAMA DESA", "DESA/KELURAHAN"),
    ),
    row_needs_any=("nik", "nama"),
)

PEKERJA = Layout(
    "pekerja_badan_usaha",
    Bilingual("Daftar pekerja badan usaha", "Company workers"),
    (
        NIK,
        NAMA,
        TGL_LAHIR,
        _c(
            "pemberi_kerja",
            "text",
            "NAMA PERUSAHAAN",
            "PERUSAHAAN",
            "BADAN USAHA",
            "PEMBERI KERJA",
            required=True,
        ),
        _c("tanggal_masuk", "date", "TGL MASUK", "TANGGAL MASUK KERJA", "MULAI BEKERJA"),
    ),
    row_needs_any=("nik", "nama"),
)

KEMATIAN = Layout(
    "kematian",
    Bilingual("Daftar kematian", "Death list"),
    (
        NIK,
        NAMA,
        _c(
            "tanggal_meninggal",
            "date",
            "TGL MENINGGAL",
            "TANGGAL MENINGGAL",
            "TANGGAL KEMATIAN",
            "TGL KEMATIAN",
            required=True,
        ),
        _c("sumber", "text", "SUMBER", "SUMBER DATA", "PELAPOR"),
    ),
    row_needs_any=("nik", "nama"),
)

TAGIHAN = Layout(
    "tagihan",
    Bilingual(
        "Tagihan iuran PBPU-BP Pemda (BPJS Kesehatan)", "PBPU-BP Pemda premium invoice (BPJS)"
    ),
    (
        _c("no_kartu", "noka", "NO KARTU", "NOKA", "NOMOR KARTU", "NO KIS", required=True),
        NIK_OPTIONAL,
        NAMA,
        _c("kelas", "int", "KELAS", "HAK KELAS", range=(1, 3)),
        _c(
            "iuran",
            "rupiah",
            "IURAN",
            "JUMLAH IURAN",
            "TAGIHAN",
            "NOMINAL",
            "BESAR IURAN",
            required=True,
        ),
        _c("bulan_tagihan", "text", "BULAN", "PERIODE", "BULAN TAGIHAN"),
    ),
    row_needs_any=("no_kartu", "nik"),
)

LAYOUTS: tuple[Layout, ...] = (DKB, BPJS, DTSEN, ASN, PERANGKAT_DESA, PEKERJA, KEMATIAN, TAGIHAN)
LAYOUT_BY_NAME = {layout.name: layout for layout in LAYOUTS}


def match_headers(
    headers: list[str], mapping: dict[str, str] | None = None
) -> list[tuple[Layout, dict[int, str]]]:
    """Layouts whose required columns are all in ``headers``, best first.

    Returns, for each, the header position → canonical column map. ``mapping`` is the user's own
    header → column map (keys compared like headers), consulted before the built-in aliases.
    """
    user = {header_key(k): v for k, v in (mapping or {}).items()}
    keys = [header_key(h) for h in headers]
    matches = []
    for layout in LAYOUTS:
        found: dict[int, str] = {}
        for position, key in enumerate(keys):
            column = user.get(key) or _alias_index(layout).get(key)
            if column and column not in found.values():
                found[position] = column
        if set(layout.required) <= set(found.values()):
            matches.append((layout, found))
    return sorted(matches, key=lambda m: -len(m[1]))


_ALIAS_CACHE: dict[str, dict[str, str]] = {}


def _alias_index(layout: Layout) -> dict[str, str]:
    if layout.name not in _ALIAS_CACHE:
        _ALIAS_CACHE[layout.name] = {
            header_key(alias): column.name for column in layout.columns for alias in column.aliases
        }
    return _ALIAS_CACHE[layout.name]
