"""Read an incident export saved as an Excel workbook (.xlsx), row by row.

openpyxl's read-only mode streams the sheet; the workbook's members are checked first
(their number and their size once decompressed, encryption), so a crafted file cannot
make the reader unpack more than the limits allow. Rows then go through the same checks
as a CSV export (``wardaudit.incidents.reader``): the same mapping, caps and refusals.
Date cells come as dates; numbers in the date column are read as Excel serial dates.
"""

from __future__ import annotations

import logging
import zipfile
from collections.abc import Iterator, Sequence
from datetime import date, datetime, time
from pathlib import Path
from types import TracebackType
from typing import Any
from xml.etree.ElementTree import ParseError

from wardaudit.errors import InvalidInput, NotFound
from wardaudit.incidents.errors import IncidentsRefused, size_words
from wardaudit.incidents.mapping import IncidentMapping, SourceOptions
from wardaudit.incidents.model import RowIncident
from wardaudit.incidents.reader import (
    DEFAULT_LIMITS,
    Cell,
    IncidentRead,
    IncidentReader,
    ReadLimits,
)
from wardaudit.incidents.sensitive import NO_VOCABULARY, Vocabulary

log = logging.getLogger(__name__)

MAX_MEMBERS = 10_000
# What openpyxl raises on a damaged or crafted workbook, each turned into a plain refusal.
_DAMAGED = (
    zipfile.BadZipFile,
    ParseError,
    ValueError,
    KeyError,
    IndexError,
    TypeError,
    AttributeError,
    OSError,
    EOFError,
)
_EPOCH_1900 = date(1899, 12, 30)
_EPOCH_1904 = date(1904, 1, 1)


def _refuse(path: Path, message: str) -> IncidentsRefused:
    return IncidentsRefused(path, [message])


def _check_archive(path: Path, limits: ReadLimits) -> None:
    """Refuse what is not a plain workbook before openpyxl unpacks anything."""
    if not path.exists():
        raise NotFound(f"there is no file {path}")
    if path.is_dir():
        raise InvalidInput(f"{path} is a folder; give the incident export (.csv or .xlsx)")
    if not path.is_file():  # a pipe or a device could never end
        raise InvalidInput(f"{path} is not an ordinary file, so it is not read")
    size = path.stat().st_size
    if size == 0:
        raise _refuse(path, f"{path.name} is empty (0 bytes)")
    if size > limits.max_bytes:
        raise _refuse(
            path,
            f"{path.name} is {size_words(size)}; an incident export may be at most "
            f"{size_words(limits.max_bytes)} (export a shorter period)",
        )
    with path.open("rb") as handle:
        start = handle.read(8)
    if start.startswith(b"\xd0\xcf\x11\xe0"):
        raise _refuse(
            path,
            f"{path.name} is an old Excel (.xls) file or a password-protected workbook; open "
            "it in Excel, remove any password and save it as 'Excel Workbook (.xlsx)'",
        )
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError):
        raise _refuse(path, f"{path.name} is not an Excel workbook (.xlsx) or is damaged") from None
    if len(members) > MAX_MEMBERS:
        raise _refuse(path, f"{path.name} has {len(members):,} parts; it is not an incident export")
    names = [m.filename for m in members]
    if len(set(names)) != len(names):
        raise _refuse(
            path, f"{path.name} holds two parts with the same name; it is not a plain workbook"
        )
    if any(m.flag_bits & 0x1 for m in members):
        raise _refuse(path, f"{path.name} is encrypted; save it again without a password")
    unpacked = sum(m.file_size for m in members)
    if unpacked > limits.max_unpacked_bytes:
        raise _refuse(
            path,
            f"{path.name} unpacks to {size_words(unpacked)}; an incident export may unpack "
            f"to at most {size_words(limits.max_unpacked_bytes)}",
        )


def _cell(value: Any) -> Cell:
    if value is None or isinstance(value, str | int | float | date | datetime):
        return value
    if isinstance(value, time):
        return value.isoformat()
    return str(value)


class XlsxSource:
    """One sheet of an .xlsx export opened for streaming; a context manager."""

    def __init__(
        self, path: Path | str, options: SourceOptions, limits: ReadLimits = DEFAULT_LIMITS
    ) -> None:
        from openpyxl import load_workbook  # type: ignore[import-untyped]
        from openpyxl.utils.exceptions import InvalidFileException  # type: ignore[import-untyped]

        self.path = Path(path)
        self.limits = limits
        self.header_row = options.header_row
        _check_archive(self.path, limits)
        # A file object, not the name: openpyxl would refuse a workbook saved as ".csv",
        # and read-only mode then streams the sheet from the disk.
        self._handle = self.path.open("rb")
        try:
            self._book = load_workbook(self._handle, read_only=True, data_only=True)
        except (InvalidFileException, *_DAMAGED):
            self._handle.close()
            raise _refuse(
                self.path, f"{self.path.name} is not an Excel workbook (.xlsx) or is damaged"
            ) from None
        try:
            sheets = self._book.sheetnames
            if options.sheet is not None:
                if options.sheet not in sheets:
                    listed = ", ".join(repr(s) for s in sheets[:20])
                    raise _refuse(
                        self.path,
                        f"{self.path.name} has no sheet {options.sheet!r} (it has {listed}); "
                        "check [source] sheet in the mapping",
                    )
                self._sheet = self._book[options.sheet]
            else:
                if not self._book.worksheets:
                    raise _refuse(self.path, f"{self.path.name} has no worksheet")
                self._sheet = self._book.worksheets[0]
            self.sheet_name = str(self._sheet.title)
            epoch = getattr(self._book, "epoch", None)
            self.serial_epoch: date | None = (
                _EPOCH_1904 if isinstance(epoch, datetime) and epoch.year == 1904 else _EPOCH_1900
            )
            self._rows = self._sheet.iter_rows(values_only=True)
            self._number = 0
            self.header: Sequence[str] = self._read_header()
        except BaseException:
            self.close()
            raise

    @property
    def name(self) -> str:
        return self.path.name

    def _next(self) -> tuple[Cell, ...] | None:
        try:
            values = next(self._rows)
        except StopIteration:
            return None
        except _DAMAGED:
            # the exception's text may quote a cell, so it is not repeated
            raise _refuse(
                self.path,
                f"row {self._number + 1} of the sheet cannot be read: the workbook is damaged "
                "or was not written by a spreadsheet program",
            ) from None
        self._number += 1
        cells = tuple(_cell(v) for v in values)
        length = sum(len(c) for c in cells if isinstance(c, str))
        if length > self.limits.max_record_chars:
            raise _refuse(
                self.path,
                f"row {self._number} is longer than {self.limits.max_record_chars:,} characters; "
                "leave long description columns out of the export (WardAudit never reads them)",
            )
        return cells

    def _read_header(self) -> list[str]:
        for _ in range(self.header_row - 1):
            if self._next() is None:
                break
        header = self._next()
        if header is None:
            raise _refuse(
                self.path,
                f"the sheet {self.sheet_name!r} ends before its header row (row "
                f"{self.header_row}); check [source] header_row in the mapping",
            )
        return ["" if v is None else str(v).strip() for v in header]

    def rows(self, columns: Sequence[int]) -> Iterator[tuple[int, Sequence[Cell]]]:
        # Only as far as the last mapped column: openpyxl hands over no cell beyond it.
        self._rows = self._sheet.iter_rows(
            min_row=self._number + 1, max_col=max(columns, default=0) + 1, values_only=True
        )
        while (cells := self._next()) is not None:
            yield self._number, cells

    def close(self) -> None:
        self._book.close()
        self._handle.close()

    def __enter__(self) -> XlsxSource:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def read_xlsx(
    path: Path | str,
    mapping: IncidentMapping,
    *,
    vocabulary: Vocabulary = NO_VOCABULARY,
    limits: ReadLimits = DEFAULT_LIMITS,
    today: date | None = None,
) -> IncidentRead:
    """Read a whole workbook export through its mapping; raises IncidentsRefused when unusable."""
    with XlsxSource(path, mapping.source, limits) as source:
        reader = IncidentReader(source, mapping, vocabulary=vocabulary, limits=limits, today=today)
        return reader.result()


def iter_xlsx(
    path: Path | str,
    mapping: IncidentMapping,
    *,
    vocabulary: Vocabulary = NO_VOCABULARY,
    limits: ReadLimits = DEFAULT_LIMITS,
    today: date | None = None,
) -> Iterator[RowIncident]:
    """The incidents one at a time (a refusal may still come after the last one)."""
    with XlsxSource(path, mapping.source, limits) as source:
        yield from IncidentReader(
            source, mapping, vocabulary=vocabulary, limits=limits, today=today
        )


def read_export(
    path: Path | str,
    mapping: IncidentMapping,
    *,
    vocabulary: Vocabulary = NO_VOCABULARY,
    limits: ReadLimits = DEFAULT_LIMITS,
    today: date | None = None,
) -> IncidentRead:
    """A CSV or a workbook export, told apart by its content, not only its name."""
    from wardaudit.incidents.csvfile import read_csv

    path = Path(path)
    is_workbook = path.suffix.casefold() in (".xlsx", ".xlsm")
    if path.is_file():
        with path.open("rb") as handle:
            is_workbook = handle.read(4) == b"PK\x03\x04"
    reader = read_xlsx if is_workbook else read_csv
    return reader(path, mapping, vocabulary=vocabulary, limits=limits, today=today)
