"""The English catalog: complete, compiled, and covering every string the pages use."""

from __future__ import annotations

import re
from pathlib import Path

from semesta.web.catalog import LOCALE, read_po, write_mo

PO = LOCALE / "en" / "LC_MESSAGES" / "django.po"
WEB = Path(__file__).parents[2] / "src" / "semesta" / "web"


def test_the_committed_mo_is_the_compiled_po():
    assert PO.with_suffix(".mo").read_bytes() == write_mo(read_po(PO))


def test_every_message_has_an_english_translation():
    entries = [e for e in read_po(PO) if e.msgid]
    assert len(entries) > 300
    assert not [e.msgid for e in entries if not e.msgstr]
    assert not [e.msgid for e in entries if "fuzzy" in e.flags]


def test_placeholders_survive_translation():
    for entry in read_po(PO):
        names = sorted(re.findall(r"%\((\w+)\)s", entry.msgid))
        assert names == sorted(re.findall(r"%\((\w+)\)s", entry.msgstr)) or not entry.msgid


def test_every_string_of_the_templates_and_views_is_in_the_catalog():
    known = {e.msgid for e in read_po(PO)}
    used = set()
    for template in (WEB / "templates").rglob("*.html"):
        used |= set(re.findall(r'{% translate "([^"]+)"', template.read_text(encoding="utf-8")))
    for module in WEB.rglob("*.py"):
        text = module.read_text(encoding="utf-8")
        used |= set(re.findall(r'\b(?:_|gettext|gettext_lazy)\(\s*"([^"]+)"\s*\)', text))
    assert used
    assert not sorted(used - known)


def test_msgfmt_free_compilation_reads_back_with_python_gettext(tmp_path):
    import gettext

    mo = tmp_path / "django.mo"
    mo.write_bytes(write_mo(read_po(PO)))
    with mo.open("rb") as handle:
        catalog = gettext.GNUTranslations(handle)
    assert catalog.gettext("Cek status kepesertaan JKN") == "Check JKN membership status"
    assert catalog.pgettext("rows ingested", "Masuk") == "Ingested"
