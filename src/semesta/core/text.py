"""Bilingual messages and user-facing errors.

Every message a person reads exists in Bahasa Indonesia (the default) and English, so that a
district officer and a reviewer from elsewhere read the same fact.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Bilingual:
    id: str
    en: str

    def __str__(self) -> str:
        return f"{self.id} / {self.en}"

    def format(self, **values: object) -> Bilingual:
        return Bilingual(self.id.format(**values), self.en.format(**values))

    def as_dict(self) -> dict[str, str]:
        return {"id": self.id, "en": self.en}


class SemestaError(Exception):
    """An error caused by the input or the user's request, shown without a traceback."""

    def __init__(self, message: Bilingual):
        super().__init__(str(message))
        self.message = message
