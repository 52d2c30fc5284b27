"""Reading exports back: PDF text, workbook rows; and the small audit's shape."""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import range_boundaries
from pypdf import PdfReader

from tests.conftest import external_program

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


def plain_header(value: object) -> object:
    """A header as the column is known: "Status (estates: choose)" is "Status"."""
    if isinstance(value, str) and " (estates:" in value:
        return value.split(" (estates:")[0]
    return value


def header_row(rows: list[tuple[Any, ...]], ws: Any = None) -> int:
    """Where a table's header is (0-based): the top of the sheet's Excel table when it has
    one, else the first row with two or more cells filled."""
    tables = list(getattr(ws, "tables", {}).values()) if ws is not None else []
    if tables:
        return int(range_boundaries(tables[0].ref)[1]) - 1
    for index, row in enumerate(rows):
        if sum(1 for cell in row if getattr(cell, "value", cell) is not None) >= 2:
            return index
    return 0


def sheet_rows(path: Path, sheet: str = "Actions") -> list[dict[str, Any]]:
    """The table's rows as dicts by header, with each cell (not just its value)."""
    book = load_workbook(path)
    ws = book[sheet]
    rows = list(ws.iter_rows())
    if not rows:
        return []
    top = header_row(rows, ws)
    headers = [plain_header(cell.value) for cell in rows[top]]
    return [
        dict(zip(headers, row, strict=True))
        for row in rows[top + 1 :]
        if any(cell.value is not None for cell in row)
    ]


def libreoffice(source: Path, to: str, outdir: Path) -> Path:
    """Convert a file with LibreOffice headless (its second reader, as many trusts use),
    in a profile of this test process's own so parallel runs do not collide."""
    program = external_program("soffice", "libreoffice-calc-nogui")
    profile = Path(tempfile.gettempdir()) / f"wardaudit-lo-profile-{os.getpid()}"
    outdir.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(
        [
            program,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            to,
            "--outdir",
            str(outdir),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    suffix = to.split(":")[0]
    written = outdir / f"{source.stem}.{suffix}"
    assert written.exists(), f"LibreOffice wrote nothing: {result.stdout} {result.stderr}"
    return written


def actions_header(ws: Any) -> tuple[int, list[Any]]:
    """The Actions sheet's header row (its number) and its headers as the columns are
    known ("Status", not "Status (estates: choose)")."""
    for number, row in enumerate(ws.iter_rows(max_row=12, values_only=True), start=1):
        if "Action ID" in row:
            return number, [plain_header(value) for value in row]
    raise AssertionError("no Action ID header")
