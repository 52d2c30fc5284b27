"""Reading exports back: PDF text, workbook rows; and the small audit's shape."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from pypdf import PdfReader

# Text a spreadsheet could take for a formula; every one must come back as plain text.
FORMULA_LIKE = ('=HYPERLINK("http://example.invalid","open")', "+44 20 7946 0000", "-", "@x")


@dataclass(frozen=True)
class SmallAudit:
    id: str
    critical_item: str  # a critical item answered No: a critical breach
    no_items: tuple[str, ...]  # every item answered No or Partly
    photo_item: str


def squash(text: str) -> str:
    """Whitespace made single spaces, so wrapped lines compare with the original text."""
    return re.sub(r"\s+", " ", text).strip()


def pdf_pages(path: Path) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(str(path)).pages]


def sheet_rows(path: Path, sheet: str = "Actions") -> list[dict[str, Any]]:
    """The sheet's rows as dicts by header, with each cell (not just its value)."""
    book = load_workbook(path)
    ws = book[sheet]
    rows = list(ws.iter_rows())
    headers = [cell.value for cell in rows[0]]
    return [
        dict(zip(headers, row, strict=True))
        for row in rows[1:]
        if any(cell.value is not None for cell in row)
    ]
