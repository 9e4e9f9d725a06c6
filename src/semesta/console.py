"""What every command module shares: the ``--json`` and ``--lang`` options, output, progress,
dates and Indonesian numbers. Kept apart from ``cli`` so that command groups (``uhc``,
``budget``, ...) live in their own modules under ``semesta.commands``."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from datetime import date
from typing import Annotated, Any

import typer

from semesta.core.text import Bilingual, SemestaError

JsonOption = Annotated[
    bool, typer.Option("--json", help="Cetak satu dokumen JSON / print one JSON document.")
]
LangOption = Annotated[str, typer.Option("--lang", envvar="SEMESTA_LANG", help="id | en")]


def emit(as_json: bool, document: Any, human: str) -> None:
    """One JSON document on stdout with ``--json``, else the human text."""
    if as_json:
        typer.echo(json.dumps(document, ensure_ascii=False, indent=2, default=str))
    else:
        typer.echo(human)


def progress(enabled: bool = True) -> Callable[[str], None]:
    """A reporter that prints at most twice a second on stderr, with the elapsed time."""
    start = time.monotonic()
    last = [0.0]

    def report(message: str) -> None:
        now = time.monotonic()
        if enabled and now - last[0] >= 0.5:
            last[0] = now
            typer.echo(f"[{now - start:6.1f} s] {message}", err=True)

    return report


def number(value: int) -> str:
    """Indonesian digit grouping: 1.088.451."""
    return f"{value:,}".replace(",", ".")


def parse_date(text: str) -> date:
    """YYYY-MM-DD, or today when empty."""
    if not text:
        return date.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise SemestaError(
            Bilingual(
                f"Tanggal '{text}' tidak valid: tulis YYYY-MM-DD.",
                f"Date '{text}' is not valid: write YYYY-MM-DD.",
            )
        ) from None


def plain(value: Any) -> Any:
    """Rule values (dataclasses, Decimals, tuples) as JSON-ready data."""
    if hasattr(value, "__dataclass_fields__"):
        return {k: plain(v) for k, v in vars(value).items() if v is not None}
    if isinstance(value, Mapping):  # rule tables are read-only MappingProxyType
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return str(value) if not isinstance(value, int | str | bool) else value
