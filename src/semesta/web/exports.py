"""Excel downloads (semesta.excel), written to a temporary file and sent as one response."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

from django.http import HttpResponse

from semesta.excel import Sheet, write_workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(filename: str, sheets: Sequence[Sheet]) -> HttpResponse:
    handle, name = tempfile.mkstemp(suffix=".xlsx")
    os.close(handle)
    path = Path(name)
    try:
        write_workbook(path, sheets)
        content = path.read_bytes()
    finally:
        path.unlink(missing_ok=True)
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
