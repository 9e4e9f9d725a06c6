"""Message catalogs without GNU gettext: read a ``.po`` file, write its ``.mo``.

Django needs compiled ``.mo`` files; ``compilemessages`` calls gettext's ``msgfmt``, which a
fresh office PC does not have. The compiled catalog is committed, and this module (pure Python,
the GNU ``.mo`` format without the optional hash table) rebuilds it:
``python -m semesta.web.catalog``. A test checks that the committed ``.mo`` is this module's
output for the committed ``.po``. Extracting new strings (``django-admin makemessages``) still
needs xgettext, on a developer's machine only (scripts/update-messages.sh).
"""

from __future__ import annotations

import ast
import struct
import sys
from dataclasses import dataclass, field
from pathlib import Path

LOCALE = Path(__file__).resolve().parent / "locale"


@dataclass
class Entry:
    msgid: str
    msgstr: str = ""
    msgctxt: str | None = None
    flags: set[str] = field(default_factory=set)

    @property
    def key(self) -> str:
        """The .mo key: ``context\\x04msgid`` when there is a context."""
        return f"{self.msgctxt}\x04{self.msgid}" if self.msgctxt is not None else self.msgid


def _string(text: str) -> str:
    return ast.literal_eval(text.strip())


def read_po(path: Path) -> list[Entry]:
    """The entries of a .po file (singular messages; the app uses no plurals)."""
    entries: list[Entry] = []
    current: Entry | None = None
    field_name = ""
    flags: set[str] = set()

    def flush() -> None:
        nonlocal current
        if current is not None:
            entries.append(current)
        current = None

    for raw in Path(path).read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            flush()
            flags = set()
            continue
        if line.startswith("#,"):
            flags |= {f.strip() for f in line[2:].split(",")}
            continue
        if line.startswith("#"):
            continue
        keyword, _, rest = line.partition(" ")
        if keyword in ("msgctxt", "msgid", "msgstr"):
            if keyword in ("msgctxt", "msgid") and current is not None and current.msgid:
                flush()
            if current is None:
                current = Entry("", flags=flags)
            field_name = keyword
            setattr(current, keyword, _string(rest))
        elif line.startswith('"') and current is not None:
            setattr(current, field_name, (getattr(current, field_name) or "") + _string(line))
    flush()
    return entries


def write_mo(entries: list[Entry]) -> bytes:
    """GNU .mo bytes: the header entry and every translated, non-fuzzy message."""
    kept = sorted(
        (e for e in entries if e.msgid == "" or (e.msgstr and "fuzzy" not in e.flags)),
        key=lambda e: e.key.encode("utf-8"),
    )
    keys = [e.key.encode("utf-8") for e in kept]
    values = [e.msgstr.encode("utf-8") for e in kept]
    count = len(kept)
    header = 7 * 4
    originals_at = header
    translations_at = originals_at + count * 8
    data_at = translations_at + count * 8
    offsets: list[tuple[int, int]] = []
    data = b""
    for item in (*keys, *values):
        offsets.append((len(item), data_at + len(data)))
        data += item + b"\0"
    table = b"".join(struct.pack("<II", length, at) for length, at in offsets)
    return (
        struct.pack("<7I", 0x950412DE, 0, count, originals_at, translations_at, 0, data_at)
        + table
        + data
    )


def compile_all(locale: Path = LOCALE) -> list[Path]:
    written = []
    for po in sorted(locale.glob("*/LC_MESSAGES/*.po")):
        mo = po.with_suffix(".mo")
        mo.write_bytes(write_mo(read_po(po)))
        written.append(mo)
    return written


if __name__ == "__main__":
    for path in compile_all(Path(sys.argv[1]) if len(sys.argv) > 1 else LOCALE):
        print(path)
