"""Personal data handling: masking, keyed hashes, redaction of logs.

* A NIK or KK is shown whole only to roles with ``see_nik``; others see ``6202********0001``
  (the kabupaten prefix and the serial: enough to tell two people apart on a list, not enough to
  use the number elsewhere; the birth date in digits 7–12 is hidden).
* The status-check index is keyed by an HMAC of the NIK (key derived from the app's secret), so
  the lookup column of the largest table holds no NIK.
* Person pages are addressed by an opaque reference (HMAC of the person's stable id), never by
  a NIK: a NIK never appears in a URL, and so never in a server or proxy log.
* :class:`RedactFilter` masks any 16-digit run in every log record as a last line of defence.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
from functools import cache

from django.conf import settings

# Sixteen digits, also as people type them: grouped with single spaces, dots or dashes
# ("6202 0453 0570 0001"), the way the damaged NIKs of an export are quoted in the evidence.
# A run mixing separators ("127.0.0.1 2026-11-24 01") is an address and a date, not a NIK.
_SIXTEEN = re.compile(r"(?<![0-9])[0-9](?:[ .\-]?[0-9]){15}(?![0-9])")
MASK = "********"


def mask_id(value: str | None) -> str:
    """``6202011505900003`` → ``6202********0003``; other text: all but the last 4 hidden."""
    if not value:
        return ""
    text = str(value)
    if len(text) == 16 and text.isdigit():
        return f"{text[:4]}{MASK}{text[-4:]}"
    if len(text) <= 4:
        return "*" * len(text)
    return "*" * (len(text) - 4) + text[-4:]


def redact(text: str) -> str:
    """Every 16-digit run (NIK, KK) in ``text`` masked, separators or not."""
    return _SIXTEEN.sub(_masked, text)


def _masked(match: re.Match) -> str:
    written = match.group()
    if len(set(re.sub(r"[0-9]", "", written))) > 1:
        return written
    return mask_id(re.sub(r"[^0-9]", "", written))


@cache
def _key(purpose: str, secret: str) -> bytes:
    return hashlib.sha256(f"semesta.web.{purpose}:{secret}".encode()).digest()


def nik_key(nik: str) -> str:
    """The status-check index key of a NIK: HMAC-SHA256, 128 bits in hex."""
    digest = hmac.new(_key("nik", settings.SECRET_KEY), nik.encode(), hashlib.sha256)
    return digest.hexdigest()[:32]


def person_ref(person_id: str) -> str:
    """The opaque, stable URL reference of a person (same person id → same reference)."""
    digest = hmac.new(_key("person", settings.SECRET_KEY), person_id.encode(), hashlib.sha256)
    return digest.hexdigest()[:20]


class RedactFilter(logging.Filter):
    """Masks NIK/KK-like numbers in log messages and their arguments."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken record is logged as it is
            return True
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True
