"""Read an incident export saved as CSV, whatever the system and the spreadsheet that wrote it.

Encodings: UTF-8 with or without a byte-order mark, Windows-1252 (what Excel's plain "CSV"
writes on an English Windows), and UTF-16 with its mark ("Unicode text"). The encoding is
settled by checking the whole file before any row is used, so a stray byte on the last
row cannot turn a half-read file into a wrong one. Delimiters: comma, semicolon, tab or
bar, found from the header row. Quoted fields may hold line breaks. Each row is capped in
length while it is read, so one endless field cannot exhaust memory.
"""

from __future__ import annotations

import codecs
import csv
import io
import logging
from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path
from types import TracebackType
from typing import BinaryIO

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

_CHUNK = 1024 * 1024
_DELIMITER_CHOICES = (",", ";", "\t", "|")
_DELIMITER_WORDS = {",": "comma", ";": "semicolon", "\t": "tab", "|": "bar"}
_CODECS = {"utf-8": "utf-8-sig", "windows-1252": "cp1252", "utf-16": "utf-16"}


class _RecordTooLong(Exception):
    pass


class _Lines:
    """Lines for the csv module, never more than ``cap`` characters for one record."""

    def __init__(self, stream: io.TextIOBase, cap: int) -> None:
        self.stream = stream
        self.cap = cap
        self.used = 0

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        line = self.stream.readline(self.cap + 1 - self.used)
        if not line:
            raise StopIteration
        self.used += len(line)
        if self.used > self.cap:
            raise _RecordTooLong
        return line


def _refuse(path: Path, message: str) -> IncidentsRefused:
    return IncidentsRefused(path, [message])


def _check_file(path: Path, limits: ReadLimits) -> int:
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
    return size


def _not_text(path: Path, start: bytes) -> str | None:
    if start.startswith(b"PK\x03\x04"):
        return (
            f"{path.name} is an Excel workbook, not CSV text; import it as a workbook "
            "(give it the .xlsx extension)"
        )
    if start.startswith(b"\xd0\xcf\x11\xe0"):
        return (
            f"{path.name} is an old Excel (.xls) file or a password-protected workbook; open it "
            "in Excel and save it as 'CSV UTF-8' or 'Excel Workbook (.xlsx)'"
        )
    return None


def detect_encoding(handle: BinaryIO, path: Path, wanted: str) -> str:
    """The export's encoding, checked over the whole file before any row is read."""
    start = handle.read(4)
    handle.seek(0)
    if (reason := _not_text(path, start)) is not None:
        raise _refuse(path, reason)
    if wanted == "auto":
        if start.startswith(codecs.BOM_UTF8):
            candidates = ["utf-8"]
        elif start.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            candidates = ["utf-16"]
        else:
            candidates = ["utf-8", "windows-1252"]
    else:
        candidates = [wanted]
    failures: list[str] = []
    for name in candidates:
        handle.seek(0)
        decoder = codecs.getincrementaldecoder(_CODECS[name])("strict")
        offset = 0
        try:
            while chunk := handle.read(_CHUNK):
                text = decoder.decode(chunk)
                if "\x00" in text:
                    raise _refuse(
                        path,
                        f"{path.name} holds NUL characters, so it is not CSV text in a known "
                        "encoding: it may be a report saved under a .csv name, or UTF-16 text "
                        "without its byte-order mark; save it as 'CSV UTF-8 (Comma delimited)'",
                    )
                offset += len(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError as error:
            failures.append(f"{name} (byte {offset + error.start})")
            continue
        handle.seek(0)
        return name
    handle.seek(0)
    raise _refuse(
        path,
        f"{path.name} is not text in a known encoding: it is not "
        + " or ".join(failures)
        + "; open it in Excel and save it as 'CSV UTF-8 (Comma delimited)'",
    )


def _unquoted_count(line: str, delimiter: str) -> int:
    count, quoted = 0, False
    for char in line:
        if char == '"':
            quoted = not quoted
        elif char == delimiter and not quoted:
            count += 1
    return count


def detect_delimiter(sample: str, header_row: int) -> str:
    """The delimiter used most in the header row; a comma when there is no sign of another."""
    lines = sample.splitlines()
    line = lines[header_row - 1] if len(lines) >= header_row else (lines[-1] if lines else "")
    counts = {d: _unquoted_count(line, d) for d in _DELIMITER_CHOICES}
    best = max(_DELIMITER_CHOICES, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


class CsvSource:
    """A CSV export opened for reading; a context manager that closes the file."""

    serial_epoch: date | None = None  # CSV holds text; numbers are never taken for dates

    def __init__(
        self, path: Path | str, options: SourceOptions, limits: ReadLimits = DEFAULT_LIMITS
    ) -> None:
        self.path = Path(path)
        self.limits = limits
        self.header_row = options.header_row
        _check_file(self.path, limits)
        try:
            self._binary: BinaryIO = self.path.open("rb")
        except OSError as error:
            raise InvalidInput(
                f"{self.path} could not be read: {error.strerror or error}"
            ) from None
        try:
            self.encoding = detect_encoding(self._binary, self.path, options.encoding)
            self._stream = io.TextIOWrapper(
                self._binary, encoding=_CODECS[self.encoding], newline=""
            )
            if options.delimiter is not None:
                self.delimiter = options.delimiter
            else:
                sample = self._stream.read(64 * 1024)
                self.delimiter = detect_delimiter(sample, self.header_row)
                self._stream.seek(0)
            self._lines = _Lines(self._stream, limits.max_record_chars)
            self._reader = csv.reader(self._lines, delimiter=self.delimiter)
            self._number = 0
            self.header: Sequence[str] = self._read_header()
        except BaseException:
            self._binary.close()
            raise
        log.info(
            "%s: %s, %s-delimited", self.path.name, self.encoding, _DELIMITER_WORDS[self.delimiter]
        )

    @property
    def name(self) -> str:
        return self.path.name

    def _next(self) -> list[str] | None:
        self._lines.used = 0
        try:
            record = next(self._reader)
        except StopIteration:
            return None
        except _RecordTooLong:
            raise _refuse(
                self.path,
                f"row {self._number + 1} is longer than {self.limits.max_record_chars:,} "
                'characters. Usually a quote (") opens a field and never closes it, or a long '
                "description column is included: leave descriptions out of the export "
                "(WardAudit never reads them) and export again",
            ) from None
        except csv.Error as error:
            raise _refuse(
                self.path, f"row {self._number + 1} cannot be read as CSV ({error})"
            ) from None
        self._number += 1
        return record

    def _read_header(self) -> list[str]:
        for _ in range(self.header_row - 1):
            if self._next() is None:
                break
        header = self._next()
        if header is None:
            raise _refuse(
                self.path,
                f"{self.path.name} ends before its header row (row {self.header_row}); check "
                "[source] header_row in the mapping",
            )
        return [name.replace("\ufeff", "").strip() for name in header]

    def rows(self, columns: Sequence[int]) -> Iterator[tuple[int, Sequence[Cell]]]:
        # the csv module splits the whole record; the columns after the last mapped one go
        end = max(columns, default=-1) + 1
        while (record := self._next()) is not None:
            del record[end:]
            yield self._number, record

    def close(self) -> None:
        self._binary.close()

    def __enter__(self) -> CsvSource:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def read_csv(
    path: Path | str,
    mapping: IncidentMapping,
    *,
    vocabulary: Vocabulary = NO_VOCABULARY,
    limits: ReadLimits = DEFAULT_LIMITS,
    today: date | None = None,
) -> IncidentRead:
    """Read a whole CSV export through its mapping; raises IncidentsRefused when unusable."""
    with CsvSource(path, mapping.source, limits) as source:
        reader = IncidentReader(source, mapping, vocabulary=vocabulary, limits=limits, today=today)
        return reader.result()


def iter_csv(
    path: Path | str,
    mapping: IncidentMapping,
    *,
    vocabulary: Vocabulary = NO_VOCABULARY,
    limits: ReadLimits = DEFAULT_LIMITS,
    today: date | None = None,
) -> Iterator[RowIncident]:
    """The incidents one at a time (a refusal may still come after the last one)."""
    with CsvSource(path, mapping.source, limits) as source:
        yield from IncidentReader(
            source, mapping, vocabulary=vocabulary, limits=limits, today=today
        )
