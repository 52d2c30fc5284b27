"""Turn the rows of an incident export into checked incidents, one row at a time.

The reader works on any source of rows (the CSV reader here, the workbook reader in
``exports``): it finds the mapped columns in the header, takes from each row only the cells
the mapping names, checks them and yields an ``Incident``. Nothing else in a row is kept.
Problems in single rows are collected (a bounded list, then a count); a file whose mapped
columns hold patient details, or that is too big, is refused whole.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Protocol, TypeVar, cast

from wardaudit import clock
from wardaudit.identifiers import is_valid_nhs_number
from wardaudit.incidents.errors import IncidentsRefused
from wardaudit.incidents.mapping import IncidentMapping, header_key
from wardaudit.incidents.model import Incident, RowIncident
from wardaudit.incidents.sensitive import (
    CONCERN_WORDS,
    NO_VOCABULARY,
    Concern,
    Vocabulary,
    concern_for,
    ten_digit_number,
)
from wardaudit.incidents.vocabulary import Category, Harm, more_severe

log = logging.getLogger(__name__)
_T = TypeVar("_T")

Cell = str | int | float | date | datetime | None

EARLIEST = date(1990, 1, 1)
MAX_LENGTH = {
    "reference": 64,
    "date": 64,
    "ward": 120,
    "place": 120,
    "category": 300,
    "harm": 200,
}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
SHOWN_ROWS = 5


@dataclass(frozen=True)
class ReadLimits:
    """What a reader may be made to do by one export, whoever wrote it."""

    max_bytes: int = 100 * 1024 * 1024  # the file on disk
    max_unpacked_bytes: int = 400 * 1024 * 1024  # a workbook's members once decompressed
    max_rows: int = 200_000  # rows holding any mapped value
    max_scanned_rows: int = 1_100_000  # rows of any kind, empty ones included
    max_record_chars: int = 100_000  # one row, every column together
    max_problems: int = 50  # problems listed before the rest are only counted


DEFAULT_LIMITS = ReadLimits()


class RowSource(Protocol):
    """A header and rows of cells, as an export's reader hands them over."""

    @property
    def name(self) -> str: ...  # the file's name, for messages

    @property
    def header(self) -> Sequence[str]: ...

    @property
    def header_row(self) -> int: ...

    @property
    def serial_epoch(self) -> date | None:
        """Day 0 of spreadsheet serial dates when numbers in the date column are such."""
        ...

    def rows(self, columns: Sequence[int]) -> Iterator[tuple[int, Sequence[Cell]]]:
        """(row number as a spreadsheet shows it, cells) for every row below the header.

        ``columns`` are the (0-based) columns the mapping reads; a source may stop each row
        after the last of them, so the others are not even handed over.
        """
        ...


class ProblemList:
    """The first problems in full, then only a count: a bad file never floods the screen."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.shown: list[str] = []
        self.total = 0

    def add(self, message: str) -> None:
        self.total += 1
        if len(self.shown) < self.limit:
            self.shown.append(message)

    def lines(self) -> list[str]:
        more = self.total - len(self.shown)
        return [*self.shown, f"... and {more} more"] if more > 0 else list(self.shown)


@dataclass
class _ColumnConcern:
    concern: Concern
    reason: str
    rows: list[int] = field(default_factory=list)
    count: int = 0


@dataclass(frozen=True)
class IncidentRead:
    """Everything read from one export: incidents, counts and the problems of single rows."""

    source: str
    incidents: tuple[RowIncident, ...]
    rows_read: int  # rows holding any mapped value
    skipped: int  # rows whose category the mapping leaves out (unlisted = "skip")
    problems: tuple[str, ...]  # the first few dozen, each naming its row
    problem_count: int

    @property
    def ward_names(self) -> set[str]:
        return {row.incident.ward for row in self.incidents}


def _rows_text(rows: Sequence[int], count: int) -> str:
    shown = ", ".join(str(r) for r in rows[:SHOWN_ROWS])
    more = count - min(len(rows), SHOWN_ROWS)
    return f"row {shown}" if count == 1 else f"rows {shown}" + (f" and {more} more" if more else "")


class IncidentReader:
    """Iterate to get incidents; afterwards ``result()`` has counts and row problems.

    Raises IncidentsRefused when the export cannot be used at all: a mapped column missing,
    a mapped column holding NHS numbers, names or free text (known only once every row is
    read, so a caller writes nothing before the iteration has finished), or a limit passed.
    """

    def __init__(
        self,
        source: RowSource,
        mapping: IncidentMapping,
        *,
        vocabulary: Vocabulary = NO_VOCABULARY,
        limits: ReadLimits = DEFAULT_LIMITS,
        today: date | None = None,
    ) -> None:
        self.source = source
        self.mapping = mapping
        self.limits = limits
        self.today = today or clock.today()
        self.problems = ProblemList(limits.max_problems)
        self.rows_read = 0
        self.skipped = 0
        self.incidents: list[RowIncident] = []
        self._finished = False
        self._flags = 0  # values flagged as patient details, all columns together
        self._good: dict[tuple[str, object], object] = {}
        wards = Vocabulary.of(
            (s for s, _ in mapping.ward_aliases), (t for _, t in mapping.ward_aliases)
        )
        places = Vocabulary.of(
            (s for s, _ in mapping.place_aliases), (t for _, t in mapping.place_aliases)
        )
        self._ward_vocabulary = vocabulary | wards
        self._place_vocabulary = vocabulary | places
        self._concerns: dict[tuple[str, str], _ColumnConcern] = {}
        self._ten_digit_refs = 0
        self._ten_digit_nhs: list[int] = []
        self._indices = self._find_columns()
        self._mapped = sorted({i for indices in self._indices.values() for i in indices})
        # Wards, places and codes repeat on every row: each distinct value is judged once.
        self._judged: dict[tuple[str, str], tuple[Concern, str] | None] = {}

    # --- the header -----------------------------------------------------------------------

    def _find_columns(self) -> dict[str, list[int]]:
        header = [header_key(str(name)) if name is not None else "" for name in self.source.header]
        positions: dict[str, list[int]] = {}
        for index, key in enumerate(header):
            if key:
                positions.setdefault(key, []).append(index)
        problems: list[str] = []
        indices: dict[str, list[int]] = {}
        for role, column in self.mapping.columns.named():
            found = positions.get(header_key(column), [])
            if not found:
                problems.append(
                    f"the mapping's {role} column {column!r} is not in the header row "
                    f"(row {self.source.header_row})"
                )
            elif len(found) > 1:
                places = " and ".join(str(i + 1) for i in found[:3])
                problems.append(
                    f"the column {column!r} appears more than once in the header row (columns "
                    f"{places}), so WardAudit cannot tell which holds the {role}"
                )
            else:
                indices.setdefault(role, []).append(found[0])
        if problems:
            names = [str(n) for n in self.source.header if n not in (None, "")]
            listed = ", ".join(repr(n[:40]) for n in names[:30])
            if len(names) > 30:
                listed += f" and {len(names) - 30} more"
            problems.append(
                f"the header row (row {self.source.header_row}) has: {listed or 'no names'}; "
                "check [source] header_row and the column names in the mapping"
            )
            raise IncidentsRefused(self.source.name, problems)
        return indices

    # --- one row --------------------------------------------------------------------------

    def _flag(self, role: str, column: str, row: int, concern: Concern, reason: str) -> None:
        found = self._concerns.setdefault((role, column), _ColumnConcern(concern, reason))
        if concern == "nhs_number" and found.concern != "nhs_number":
            found.concern, found.reason = concern, reason  # the gravest concern is reported
        found.count += 1
        self._flags += 1
        if len(found.rows) < SHOWN_ROWS:
            found.rows.append(row)

    def _text(self, value: Cell, role: str) -> str:
        if type(value) is str:
            return " ".join(value.split())
        if value is None:
            return ""
        if isinstance(value, bool):
            return str(value).upper()
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        if isinstance(value, datetime | date):
            return value.isoformat()
        return " ".join(str(value).split())

    def _checked(self, value: Cell, role: str, column: str, row: int, where: str) -> str | None:
        """The cell as text, or None after noting why it cannot be used."""
        text = self._text(value, role)
        if _CONTROL.search(text):
            self.problems.add(f"{where}: the {role} holds control characters")
            return None
        if len(text) > MAX_LENGTH[role]:
            self._flag(role, column, row, "free_text", "a long piece of free text")
            return None
        return text

    def _concern(self, text: str, role: str, column: str, row: int, vocabulary: Vocabulary) -> bool:
        key = (role, text)
        if key in self._judged:
            found = self._judged[key]
        else:
            found = concern_for(text, vocabulary)
            if len(self._judged) < 50_000:
                self._judged[key] = found
        if found is None:
            return False
        self._flag(role, column, row, *found)
        return True

    def _date(self, value: Cell, row: int, where: str) -> date | None:
        column = self.mapping.columns.date
        if isinstance(value, datetime):
            return self._date_in_range(value.date(), where)
        if isinstance(value, date):
            return self._date_in_range(value, where)
        epoch = self.source.serial_epoch
        if isinstance(value, int | float) and not isinstance(value, bool) and epoch is not None:
            return self._serial(float(value), epoch, where)
        text = self._checked(value, "date", column, row, where)
        if text is None:
            return None
        if not text:
            self.problems.add(f"{where}: no date")
            return None
        parsed = self._parse_date(text)
        if parsed is not None:
            return self._date_in_range(parsed, where)
        if self._concern(text, "date", column, row, NO_VOCABULARY):
            return None
        formats = ", ".join(self.mapping.date_formats)
        shown = text if len(text) <= 30 else text[:27] + "..."
        self.problems.add(f"{where}: the date {shown!r} does not match the formats {formats}")
        return None

    def _parse_date(self, text: str) -> date | None:
        candidates = [text]
        for separator in (" ", "T"):
            if separator in text:
                candidates.append(text.split(separator, 1)[0])  # a time after the date
        for candidate in candidates:
            for fmt in self.mapping.date_formats:
                if fmt == "iso":
                    try:
                        return datetime.fromisoformat(candidate).date()
                    except ValueError:
                        continue
                if fmt == "serial":
                    try:
                        serial = float(candidate)
                    except ValueError:
                        continue
                    return self._serial_date(serial)
                try:
                    return datetime.strptime(candidate, fmt).date()
                except ValueError:
                    continue
        return None

    @staticmethod
    def _serial_date(serial: float, epoch: date = date(1899, 12, 30)) -> date | None:
        if not 1 <= serial < 2_958_466:  # spreadsheets stop at 31/12/9999
            return None
        return epoch + timedelta(days=int(serial))

    def _serial(self, serial: float, epoch: date, where: str) -> date | None:
        parsed = self._serial_date(serial, epoch)
        if parsed is None:
            self.problems.add(f"{where}: the date cell holds a number that is not a date")
            return None
        return self._date_in_range(parsed, where)

    def _date_in_range(self, value: date, where: str) -> date | None:
        if value > self.today:
            self.problems.add(f"{where}: the date {clock.uk_date(value)} is in the future")
            return None
        if value < EARLIEST:
            self.problems.add(f"{where}: the date {clock.uk_date(value)} is before 1990")
            return None
        return value

    def _reference(self, value: Cell, row: int, where: str) -> str | None:
        column = self.mapping.columns.reference
        text = self._checked(value, "reference", column, row, where)
        if text is None:
            return None
        if not text:
            self.problems.add(f"{where}: no reference; every incident needs its reference")
            return None
        digits = ten_digit_number(text)
        if digits is not None:
            # A trust's own ten-digit numbers pass the NHS check about one time in eleven;
            # NHS numbers always do. The share decides, once every row is read.
            self._ten_digit_refs += 1
            if is_valid_nhs_number(digits):
                self._ten_digit_nhs.append(row)
            return text
        if self._concern(text, "reference", column, row, NO_VOCABULARY):
            return None
        return text

    def _category(
        self, cells: Sequence[Cell], row: int, where: str
    ) -> tuple[Category | None, bool]:
        """(the category or None after a problem, whether the mapping skips the row)."""
        parts: list[str] = []
        for index, column in zip(
            self._indices["category"], self.mapping.columns.category, strict=True
        ):
            text = self._checked(_cell(cells, index), "category", column, row, where)
            if text is None:
                return None, False
            if text:
                parts.append(text)
        code = " / ".join(parts)
        if not code:
            self.problems.add(f"{where}: no category")
            return None, False
        category = self.mapping.category_for(code)
        if category is not None:
            return category, False
        column = " + ".join(self.mapping.columns.category)
        if self._concern(code, "category", column, row, NO_VOCABULARY):
            return None, False
        if self.mapping.unlisted_categories == "skip":
            return None, True
        shown = code if len(code) <= 60 else code[:57] + "..."
        self.problems.add(
            f"{where}: the category {shown!r} is not listed under [categories.codes] in the mapping"
        )
        return None, False

    def _harm(self, cells: Sequence[Cell], row: int, where: str) -> tuple[bool, Harm | None]:
        """(usable, the most severe mapped harm or None when not graded)."""
        harm: Harm | None = None
        graded = False
        for index, column in zip(self._indices["harm"], self.mapping.columns.harm, strict=True):
            text = self._checked(_cell(cells, index), "harm", column, row, where)
            if text is None:
                return False, None
            if not text:
                continue
            level = self.mapping.harm_for(text)
            if level is None:
                if self._concern(text, "harm", column, row, NO_VOCABULARY):
                    return False, None
                if self.mapping.unlisted_harm == "refuse":
                    shown = text if len(text) <= 60 else text[:57] + "..."
                    self.problems.add(
                        f"{where}: the harm {shown!r} is not listed under [harm.codes] in the mapping"
                    )
                    return False, None
                continue
            graded = True
            harm = more_severe(harm, level)
        if not graded and self.mapping.blank_harm == "refuse":
            self.problems.add(f"{where}: no harm level")
            return False, None
        return True, harm

    def _ward(self, value: Cell, row: int, where: str) -> str | None:
        column = self.mapping.columns.ward
        ward = self._checked(value, "ward", column, row, where)
        if ward is None:
            return None
        if not ward:
            self.problems.add(f"{where}: no ward")
            return None
        if self._concern(ward, "ward", column, row, self._ward_vocabulary):
            return None
        return ward

    def _place(self, value: Cell, row: int, where: str) -> str | None:
        column = self.mapping.columns.place or ""
        text = self._checked(value, "place", column, row, where)
        if text is None:
            return None
        if not text:
            return ""
        if self._concern(text, "place", column, row, self._place_vocabulary):
            return None
        return self.mapping.place_for(text)

    def _memo(self, role: str, raw: object, judge: Callable[[], _T]) -> _T:
        """Judge a value once: wards, places, codes and dates repeat on every row.

        Only a value judged without any problem is remembered, so a bad value is reported
        on every row that has it.
        """
        key = (role, raw)
        good = self._good
        if key in good:
            return cast(_T, good[key])
        before = (self.problems.total, self._flags)
        value = judge()
        if (self.problems.total, self._flags) == before and len(good) < 100_000:
            good[key] = value
        return value

    def _row(self, row: int, cells: Sequence[Cell]) -> RowIncident | None:
        count = len(cells)
        for index in self._mapped:
            value = cells[index] if index < count else None
            if value is not None and (type(value) is not str or value.strip()):
                break
        else:
            return None  # none of the mapped cells holds anything
        self.rows_read += 1
        if self.rows_read > self.limits.max_rows:
            raise IncidentsRefused(
                self.source.name,
                [
                    f"the export has more than {self.limits.max_rows:,} incident rows; export "
                    "a shorter period (or only sexual safety incidents) and import each part"
                ],
            )
        where = f"Row {row}"
        before = self.problems.total
        indices = self._indices
        memo = self._memo
        category, skip = memo(
            "category",
            tuple(_cell(cells, i) for i in indices["category"]),
            lambda: self._category(cells, row, where),
        )
        if skip:
            self.skipped += 1
            return None
        reference = self._reference(_cell(cells, indices["reference"][0]), row, where)
        raw_date = _cell(cells, indices["date"][0])
        when = memo("date", raw_date, lambda: self._date(raw_date, row, where))
        raw_ward = _cell(cells, indices["ward"][0])
        ward = memo("ward", raw_ward, lambda: self._ward(raw_ward, row, where))
        place: str | None = ""
        if "place" in indices:
            raw_place = _cell(cells, indices["place"][0])
            place = memo("place", raw_place, lambda: self._place(raw_place, row, where))
        usable, harm = memo(
            "harm",
            tuple(_cell(cells, i) for i in indices["harm"]),
            lambda: self._harm(cells, row, where),
        )
        if (
            reference is None
            or when is None
            or ward is None
            or place is None
            or category is None
            or not usable
            or self.problems.total > before
        ):
            return None
        return RowIncident(row, Incident(reference, when, ward, place, category, harm))

    # --- the whole file -------------------------------------------------------------------

    def __iter__(self) -> Iterator[RowIncident]:
        if self._finished:
            yield from self.incidents
            return
        for scanned, (row, cells) in enumerate(self.source.rows(self._mapped), start=1):
            if scanned > self.limits.max_scanned_rows:
                raise IncidentsRefused(
                    self.source.name,
                    [f"the export has more than {self.limits.max_scanned_rows:,} rows"],
                )
            found = self._row(row, cells)
            if found is not None:
                self.incidents.append(found)
                yield found
        self._refuse_sensitive_columns()
        self._finished = True
        log.info(
            "read %d incidents from %d rows of %s (%d skipped, %d problems)",
            len(self.incidents),
            self.rows_read,
            self.source.name,
            self.skipped,
            self.problems.total,
        )

    def _refuse_sensitive_columns(self) -> None:
        if self._ten_digit_nhs and len(self._ten_digit_nhs) * 2 >= self._ten_digit_refs:
            found = _ColumnConcern(
                "nhs_number",
                "ten-digit numbers that pass the NHS number check",
                self._ten_digit_nhs[:SHOWN_ROWS],
                len(self._ten_digit_nhs),
            )
            self._concerns[("reference", self.mapping.columns.reference)] = found
        if not self._concerns:
            return
        problems = []
        for (role, column), found in self._concerns.items():
            advice = {
                "nhs_number": "an incident export for WardAudit must not carry NHS numbers",
                "person_name": (
                    "WardAudit keeps no names; if these are really ward or place names, list "
                    "them under [wards.aliases] or [places.aliases] in the mapping"
                ),
                "free_text": "WardAudit never imports descriptions",
            }[found.concern]
            problems.append(
                f"the {role} column {column!r} holds values that {CONCERN_WORDS[found.concern]} "
                f"({_rows_text(found.rows, found.count)}: {found.reason}); {advice}. Map "
                "another column, or remove these values from the export, and import again"
            )
        raise IncidentsRefused(self.source.name, problems)

    def result(self) -> IncidentRead:
        """Read to the end (if not yet done) and give everything found."""
        if not self._finished:
            for _ in self:
                pass
        return IncidentRead(
            source=self.source.name,
            incidents=tuple(self.incidents),
            rows_read=self.rows_read,
            skipped=self.skipped,
            problems=tuple(self.problems.lines()),
            problem_count=self.problems.total,
        )


def _cell(cells: Sequence[Cell], index: int) -> Cell:
    return cells[index] if index < len(cells) else None
