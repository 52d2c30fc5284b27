"""A trust's incident mapping: which export columns hold what, and what its codes mean.

The mapping is a small TOML file a trust writes once for its risk-management system, like
a checklist: read with ``tomllib`` and validated whole, so its author sees every problem at
once, each naming the file and the place in it. It can name only the six things WardAudit
keeps (reference, date, ward, place, category, harm); a key for a description or a
person's details is refused, and so is a column whose header says it holds one.
"""

from __future__ import annotations

import math
import re
import stat
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal, cast

from wardaudit.incidents.errors import MappingError
from wardaudit.incidents.sensitive import header_concern
from wardaudit.incidents.vocabulary import CATEGORIES, HARMS, Category, Harm

FORMAT_VERSION = 1
MAX_MAPPING_BYTES = 1024 * 1024
MAX_CODES = 5000
MAX_NESTING = 6
MAX_HEADER_ROW = 1000
MAX_COLUMN_NAME = 200
MAX_CODE_LENGTH = 200

Encoding = Literal["auto", "utf-8", "windows-1252", "utf-16"]
ENCODINGS: tuple[Encoding, ...] = ("auto", "utf-8", "windows-1252", "utf-16")
_ENCODING_NAMES: dict[str, Encoding] = {
    "auto": "auto",
    "utf-8": "utf-8",
    "utf8": "utf-8",
    "windows-1252": "windows-1252",
    "cp1252": "windows-1252",
    "utf-16": "utf-16",
    "utf16": "utf-16",
}
_DELIMITERS = {",": ",", ";": ";", "tab": "\t", "\t": "\t", "|": "|"}
Unlisted = Literal["refuse", "skip"]  # a category code the mapping does not list
UnlistedHarm = Literal["refuse", "not_graded"]
Blank = Literal["not_graded", "refuse"]

DEFAULT_DATE_FORMATS = ("%d/%m/%Y", "iso")
SPECIAL_DATE_FORMATS = ("iso", "serial")

_TOP_KEYS = {
    "format",
    "title",
    "description",
    "source",
    "columns",
    "dates",
    "categories",
    "harm",
    "wards",
    "places",
}
_SOURCE_KEYS = {"encoding", "delimiter", "sheet", "header_row"}
_COLUMN_KEYS = {"reference", "date", "ward", "place", "category", "harm"}
_REQUIRED_COLUMNS = ("reference", "date", "ward", "category", "harm")
# Keys an author might reach for; each is refused with the reason, never as a mere typo.
_FORBIDDEN_COLUMN_KEYS = {
    "description": "descriptions are free text, and WardAudit never imports them",
    "details": "descriptions are free text, and WardAudit never imports them",
    "narrative": "descriptions are free text, and WardAudit never imports them",
    "notes": "descriptions are free text, and WardAudit never imports them",
    "summary": "descriptions are free text, and WardAudit never imports them",
    "comments": "descriptions are free text, and WardAudit never imports them",
    "free_text": "descriptions are free text, and WardAudit never imports them",
    "action_taken": "descriptions are free text, and WardAudit never imports them",
    "patient": "WardAudit never imports details of a patient",
    "patient_name": "WardAudit never imports details of a patient",
    "name": "WardAudit never imports people's names",
    "nhs_number": "WardAudit never imports NHS numbers",
    "date_of_birth": "WardAudit never imports details of a patient",
    "dob": "WardAudit never imports details of a patient",
    "age": "WardAudit never imports details of a patient",
    "sex": "WardAudit never imports details of a patient",
    "gender": "WardAudit never imports details of a patient",
    "ethnicity": "WardAudit never imports details of a patient",
    "address": "WardAudit never imports details of a patient",
    "postcode": "WardAudit never imports details of a patient",
    "reporter": "WardAudit never imports the names of staff",
    "staff": "WardAudit never imports the names of staff",
    "handler": "WardAudit never imports the names of staff",
    "perpetrator": "WardAudit never imports details of the people involved",
    "victim": "WardAudit never imports details of the people involved",
    "person": "WardAudit never imports details of the people involved",
}
_CATEGORY_KEYS = {"unlisted", "codes"}
_HARM_KEYS = {"unlisted", "blank", "codes"}
_ALIAS_KEYS = {"aliases"}
_DATE_KEYS = {"formats"}
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_DASHES = re.compile(r"[\u2010-\u2015\u2212]")
_SLASH = re.compile(r"\s*/\s*")


def code_key(text: str) -> str:
    """How codes, ward and place names are compared: case, spacing and dash styles aside."""
    text = _DASHES.sub("-", text)
    text = _SLASH.sub(" / ", text)
    return " ".join(text.split()).casefold()


def header_key(text: str) -> str:
    """How a mapped column is found in the export's header row: case and spacing aside."""
    return " ".join(text.replace("\ufeff", "").split()).casefold()


@dataclass(frozen=True)
class SourceOptions:
    encoding: Encoding = "auto"
    delimiter: str | None = None  # None: found from the header row
    sheet: str | None = None  # xlsx only; None: the first sheet
    header_row: int = 1  # rows above it are skipped


@dataclass(frozen=True)
class Columns:
    """The export's column names for each thing WardAudit keeps (as written in the mapping)."""

    reference: str
    date: str
    ward: str
    place: str | None
    category: tuple[str, ...]  # joined with " / " when more than one
    harm: tuple[str, ...]  # the most severe of them counts

    def named(self) -> list[tuple[str, str]]:
        """(role, column) for every mapped column, in the order a person reads them."""
        pairs = [("reference", self.reference), ("date", self.date), ("ward", self.ward)]
        if self.place is not None:
            pairs.append(("place", self.place))
        pairs += [("category", name) for name in self.category]
        pairs += [("harm", name) for name in self.harm]
        return pairs


@dataclass(frozen=True)
class IncidentMapping:
    """A validated mapping; built only by ``load_mapping_file`` or ``load_mapping_bytes``."""

    title: str
    description: str
    source: SourceOptions
    columns: Columns
    date_formats: tuple[str, ...]
    category_codes: tuple[tuple[str, Category], ...]  # (code as written, category)
    unlisted_categories: Unlisted
    harm_codes: tuple[tuple[str, Harm], ...]
    unlisted_harm: UnlistedHarm
    blank_harm: Blank
    ward_aliases: tuple[tuple[str, str], ...]  # (name in the export, WardAudit ward)
    place_aliases: tuple[tuple[str, str], ...]  # (name in the export, WardAudit place)
    path: str = field(default="", compare=False)
    _category_lookup: dict[str, Category] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    _harm_lookup: dict[str, Harm] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    _place_lookup: dict[str, str] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        self._category_lookup.update((code_key(c), v) for c, v in self.category_codes)
        self._harm_lookup.update((code_key(c), v) for c, v in self.harm_codes)
        self._place_lookup.update((code_key(s), t) for s, t in self.place_aliases)

    def category_for(self, code: str) -> Category | None:
        return self._category_lookup.get(code_key(code))

    def harm_for(self, code: str) -> Harm | None:
        return self._harm_lookup.get(code_key(code))

    def place_for(self, name: str) -> str:
        """The WardAudit place an export's place name stands for (itself when not aliased)."""
        return self._place_lookup.get(code_key(name), " ".join(name.split()))

    @property
    def ward_alias_map(self) -> dict[str, str]:
        return dict(self.ward_aliases)


# --- validation ---------------------------------------------------------------------------


class _Problems:
    def __init__(self, path: str) -> None:
        self.path = path
        self.items: list[str] = []

    def add(self, place: str, message: str) -> None:
        self.items.append(
            f"{self.path}: {place}: {message}" if place else f"{self.path}: {message}"
        )


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and not math.isfinite(value):
        return "a number that is not finite (nan or inf)"
    if isinstance(value, str):
        shown = _CONTROL.sub("?", value)
        return repr(shown) if len(shown) < 40 else repr(shown[:37] + "...")
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, datetime | date):
        return f"the date {value.isoformat()} (write it in quotes)"
    text = repr(value)
    return text if len(text) < 40 else text[:37] + "..."


def _unknown_keys(p: _Problems, place: str, table: dict[str, Any], allowed: set[str]) -> None:
    for key in sorted(set(table) - allowed, key=str):
        p.add(
            place, f"unknown key {_describe(key)} (expected one of: {', '.join(sorted(allowed))})"
        )


def _table(p: _Problems, place: str, data: dict[str, Any], key: str) -> dict[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        p.add(place, f"'{key}' must be a table, such as [{key}] (found {_describe(value)})")
        return {}
    return value


def _text(
    p: _Problems, place: str, table: dict[str, Any], key: str, *, required: bool, limit: int = 2000
) -> str:
    value = table.get(key)
    if value is None:
        if required:
            p.add(place, f"'{key}' is missing; expected some text in quotes")
        return ""
    if not isinstance(value, str):
        p.add(place, f"'{key}' must be text in quotes (found {_describe(value)})")
        return ""
    if required and not value.strip():
        p.add(place, f"'{key}' is empty; expected some text")
    if len(value) > limit:
        p.add(place, f"'{key}' is {len(value)} characters long; at most {limit}")
        return ""
    return value.strip()


def _column_name(p: _Problems, place: str, key: str, value: Any) -> str | None:
    if not isinstance(value, str):
        p.add(place, f"'{key}' must be a column name in quotes (found {_describe(value)})")
        return None
    name = " ".join(value.split())
    if not name:
        p.add(place, f"'{key}' is empty; expected the export's column name")
        return None
    if len(value) > MAX_COLUMN_NAME or _CONTROL.search(value):
        p.add(place, f"'{key}' is not a column name (too long or holds control characters)")
        return None
    concern = header_concern(name)
    if concern is not None:
        p.add(place, f"'{key}' names the column {name!r}, which may not be mapped: {concern}")
        return None
    return name


def _column_list(p: _Problems, place: str, key: str, value: Any, most: int) -> tuple[str, ...]:
    values = value if isinstance(value, list) else [value]
    if isinstance(value, list) and not 1 <= len(value) <= most:
        p.add(place, f"'{key}' must name 1 to {most} columns (found {len(value)})")
        return ()
    names = [_column_name(p, place, key, item) for item in values]
    if any(name is None for name in names):
        return ()
    return tuple(cast(list[str], names))


def _depth(value: Any) -> int:
    """How deeply tables and lists nest (iteratively: a hostile file cannot recurse us)."""
    deepest, stack = 0, [(value, 0)]
    while stack:
        item, level = stack.pop()
        deepest = max(deepest, level)
        if level > MAX_NESTING:
            break
        if isinstance(item, dict):
            stack.extend((v, level + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, level + 1) for v in item)
    return deepest


def _check_date_formats(p: _Problems, raw: Any) -> tuple[str, ...]:
    place = "[dates]"
    if raw is None:
        return DEFAULT_DATE_FORMATS
    if not isinstance(raw, list) or not raw:
        p.add(place, '\'formats\' must be a list such as ["%d/%m/%Y", "iso"]')
        return DEFAULT_DATE_FORMATS
    formats: list[str] = []
    sample = datetime(2025, 4, 3, 14, 5, 6)  # day and month differ, so a swap shows
    for value in raw:
        if not isinstance(value, str) or not value.strip() or len(value) > 64:
            p.add(place, f'each format must be text such as "%d/%m/%Y" (found {_describe(value)})')
            continue
        if value in SPECIAL_DATE_FORMATS:
            formats.append(value)
            continue
        try:
            written = sample.strftime(value)
            back = datetime.strptime(written, value)
        except ValueError:
            p.add(place, f"the format {value!r} is not a date format (see docs/incidents.md)")
            continue
        if back.date() != sample.date():
            p.add(
                place,
                f"the format {value!r} does not give a whole date; it needs the day (%d), "
                "the month (%m or %b) and the year (%Y)",
            )
            continue
        formats.append(value)
    # Two formats that read the same text as different dates (day-first and month-first).
    for first in formats:
        for second in formats:
            if first >= second or first in SPECIAL_DATE_FORMATS or second in SPECIAL_DATE_FORMATS:
                continue
            written = sample.strftime(first)
            try:
                other = datetime.strptime(written, second)
            except ValueError:
                continue
            if other.date() != sample.date():
                p.add(
                    place,
                    f"the formats {first!r} and {second!r} read {written!r} as different dates; "
                    "keep only the one your export uses",
                )
    return tuple(formats) if formats else DEFAULT_DATE_FORMATS


def _codes(
    p: _Problems,
    place: str,
    table: dict[str, Any],
    allowed: tuple[str, ...],
    kind: str,
) -> list[tuple[str, str]]:
    raw = table.get("codes")
    if raw is None:
        p.add(
            place,
            f"'codes' is missing; expected [{place.strip('[]')}.codes] listing the export's codes",
        )
        return []
    if not isinstance(raw, dict):
        p.add(place, f'\'codes\' must be a table of "export code" = "{kind}"')
        return []
    if not raw:
        p.add(place, "'codes' is empty; list at least one of the export's codes")
    if len(raw) > MAX_CODES:
        p.add(place, f"'codes' lists {len(raw)} codes; at most {MAX_CODES}")
        return []
    pairs: list[tuple[str, str]] = []
    seen: dict[str, str] = {}
    for code, value in raw.items():
        if not code.strip() or len(code) > MAX_CODE_LENGTH or _CONTROL.search(code):
            p.add(
                place, f"the code {_describe(code)} is empty, too long or holds control characters"
            )
            continue
        if not isinstance(value, str) or value not in allowed:
            p.add(
                place,
                f"the code {_describe(code)} maps to {_describe(value)}; expected one of: "
                + ", ".join(allowed),
            )
            continue
        key = code_key(code)
        if key in seen and seen[key] != code:
            p.add(
                place,
                f"the codes {seen[key]!r} and {code!r} are the same code (case and spacing "
                "aside); list it once",
            )
            continue
        seen[key] = code
        pairs.append((code, value))
    return pairs


def _choice(
    p: _Problems, place: str, table: dict[str, Any], key: str, choices: tuple[str, ...]
) -> str:
    value = table.get(key, choices[0])
    if value not in choices:
        p.add(
            place,
            f"'{key}' must be one of {', '.join(repr(c) for c in choices)} (found {_describe(value)})",
        )
        return choices[0]
    return cast(str, value)


def _aliases(p: _Problems, data: dict[str, Any], key: str) -> list[tuple[str, str]]:
    place = f"[{key}]"
    table = _table(p, "top level", data, key)
    _unknown_keys(p, place, table, _ALIAS_KEYS)
    raw = table.get("aliases", {})
    if not isinstance(raw, dict):
        p.add(
            place, f'\'aliases\' must be a table of "name in the export" = "WardAudit {key[:-1]}"'
        )
        return []
    if len(raw) > MAX_CODES:
        p.add(place, f"'aliases' lists {len(raw)} names; at most {MAX_CODES}")
        return []
    pairs: list[tuple[str, str]] = []
    seen: dict[str, str] = {}
    for source, target in raw.items():
        if not source.strip() or len(source) > MAX_CODE_LENGTH or _CONTROL.search(source):
            p.add(
                place,
                f"the name {_describe(source)} is empty, too long or holds control characters",
            )
            continue
        if (
            not isinstance(target, str)
            or not target.strip()
            or len(target) > MAX_CODE_LENGTH
            or _CONTROL.search(target)
        ):
            p.add(
                place,
                f"{_describe(source)} must map to a {key[:-1]} name in quotes (found {_describe(target)})",
            )
            continue
        normal = code_key(source)
        if normal in seen:
            p.add(
                place,
                f"the names {seen[normal]!r} and {source!r} are the same (case and spacing aside)",
            )
            continue
        seen[normal] = source
        pairs.append((" ".join(source.split()), " ".join(target.split())))
    return pairs


def _parse(data: dict[str, Any], p: _Problems, source_name: str) -> IncidentMapping | None:  # noqa: C901 - a validator checks each part of the file in turn
    if _depth(data) > MAX_NESTING:
        p.add("top level", f"tables and lists nest more than {MAX_NESTING} deep; a mapping needs 3")
        return None
    _unknown_keys(p, "top level", data, _TOP_KEYS)
    fmt = data.get("format")
    if fmt is None:
        p.add("top level", f"'format' is missing; expected format = {FORMAT_VERSION}")
    elif isinstance(fmt, bool) or fmt != FORMAT_VERSION:
        p.add("top level", f"'format' must be {FORMAT_VERSION} (found {_describe(fmt)})")
    title = _text(p, "top level", data, "title", required=True, limit=200)
    description = _text(p, "top level", data, "description", required=False)

    # [source]
    raw_source = _table(p, "top level", data, "source")
    _unknown_keys(p, "[source]", raw_source, _SOURCE_KEYS)
    encoding: Encoding = "auto"
    raw_encoding = raw_source.get("encoding", "auto")
    if not isinstance(raw_encoding, str) or raw_encoding.casefold() not in _ENCODING_NAMES:
        p.add(
            "[source]",
            f"'encoding' must be one of {', '.join(ENCODINGS)} (found {_describe(raw_encoding)})",
        )
    else:
        encoding = _ENCODING_NAMES[raw_encoding.casefold()]
    delimiter: str | None = None
    raw_delimiter = raw_source.get("delimiter", "auto")
    if raw_delimiter != "auto":
        if not isinstance(raw_delimiter, str) or raw_delimiter not in _DELIMITERS:
            p.add(
                "[source]",
                '\'delimiter\' must be "auto", ",", ";", "tab" or "|" '
                f"(found {_describe(raw_delimiter)})",
            )
        else:
            delimiter = _DELIMITERS[raw_delimiter]
    sheet: str | None = None
    if "sheet" in raw_source:
        sheet = _text(p, "[source]", raw_source, "sheet", required=True, limit=31) or None
    header_row = raw_source.get("header_row", 1)
    if (
        isinstance(header_row, bool)
        or not isinstance(header_row, int)
        or not 1 <= header_row <= MAX_HEADER_ROW
    ):
        p.add(
            "[source]",
            f"'header_row' must be a whole number from 1 to {MAX_HEADER_ROW} "
            f"(found {_describe(header_row)})",
        )
        header_row = 1

    # [columns]
    raw_columns = _table(p, "top level", data, "columns")
    for key in sorted(set(raw_columns) & set(_FORBIDDEN_COLUMN_KEYS)):
        p.add("[columns]", f"'{key}' cannot be mapped: {_FORBIDDEN_COLUMN_KEYS[key]}")
    _unknown_keys(
        p,
        "[columns]",
        {k: v for k, v in raw_columns.items() if k not in _FORBIDDEN_COLUMN_KEYS},
        _COLUMN_KEYS,
    )
    for key in _REQUIRED_COLUMNS:
        if key not in raw_columns:
            p.add("[columns]", f"'{key}' is missing; name the export's column that holds the {key}")
    single: dict[str, str | None] = {}
    for key in ("reference", "date", "ward", "place"):
        single[key] = (
            _column_name(p, "[columns]", key, raw_columns[key]) if key in raw_columns else None
        )
    category = (
        _column_list(p, "[columns]", "category", raw_columns["category"], 3)
        if "category" in raw_columns
        else ()
    )
    harm = (
        _column_list(p, "[columns]", "harm", raw_columns["harm"], 2)
        if "harm" in raw_columns
        else ()
    )
    roles: dict[str, str] = {}
    for role, name in [
        *single.items(),
        *(("category", c) for c in category),
        *(("harm", h) for h in harm),
    ]:
        if name is None:
            continue
        key = header_key(name)
        if key in roles and roles[key] != role:
            p.add("[columns]", f"the column {name!r} is mapped as both {roles[key]} and {role}")
        elif key in roles:
            p.add("[columns]", f"the column {name!r} is listed twice for the {role}")
        roles.setdefault(key, role)

    # [dates]
    raw_dates = _table(p, "top level", data, "dates")
    _unknown_keys(p, "[dates]", raw_dates, _DATE_KEYS)
    date_formats = _check_date_formats(p, raw_dates.get("formats"))

    # [categories] and [harm]
    raw_categories = _table(p, "top level", data, "categories")
    _unknown_keys(p, "[categories]", raw_categories, _CATEGORY_KEYS)
    category_codes = _codes(p, "[categories]", raw_categories, CATEGORIES, "category")
    unlisted_categories = _choice(p, "[categories]", raw_categories, "unlisted", ("refuse", "skip"))
    raw_harm = _table(p, "top level", data, "harm")
    _unknown_keys(p, "[harm]", raw_harm, _HARM_KEYS)
    harm_codes = _codes(p, "[harm]", raw_harm, HARMS, "harm level")
    unlisted_harm = _choice(p, "[harm]", raw_harm, "unlisted", ("refuse", "not_graded"))
    blank_harm = _choice(p, "[harm]", raw_harm, "blank", ("not_graded", "refuse"))

    ward_aliases = _aliases(p, data, "wards")
    place_aliases = _aliases(p, data, "places")

    if p.items:
        return None
    assert single["reference"] and single["date"] and single["ward"]
    return IncidentMapping(
        title=title,
        description=description,
        source=SourceOptions(encoding, delimiter, sheet, header_row),
        columns=Columns(
            reference=single["reference"],
            date=single["date"],
            ward=single["ward"],
            place=single["place"],
            category=category,
            harm=harm,
        ),
        date_formats=date_formats,
        category_codes=tuple((c, cast(Category, v)) for c, v in category_codes),
        unlisted_categories=cast(Unlisted, unlisted_categories),
        harm_codes=tuple((c, cast(Harm, v)) for c, v in harm_codes),
        unlisted_harm=cast(UnlistedHarm, unlisted_harm),
        blank_harm=cast(Blank, blank_harm),
        ward_aliases=tuple(ward_aliases),
        place_aliases=tuple(place_aliases),
        path=source_name,
    )


def load_mapping_bytes(raw: bytes, source: str = "mapping") -> IncidentMapping:
    """Validate a mapping's bytes; raises MappingError listing every problem."""
    p = _Problems(source)
    if len(raw) > MAX_MAPPING_BYTES:
        raise MappingError(
            source,
            [
                f"{source}: is larger than {MAX_MAPPING_BYTES // 1024} KB; a mapping is a small text file"
            ],
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise MappingError(
            source, [f"{source}: is not UTF-8 text (byte {error.start}); save it as UTF-8"]
        ) from None
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise MappingError(source, [f"{source}: the file is empty"])
    import tomllib  # only when a mapping is read

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise MappingError(source, [f"{source}: is not valid TOML: {error}"]) from None
    except RecursionError:
        raise MappingError(
            source, [f"{source}: tables and lists nest too deeply to be a mapping"]
        ) from None
    except ValueError as error:  # such as an integer of thousands of digits
        raise MappingError(source, [f"{source}: is not usable TOML: {error}"]) from None
    mapping = _parse(data, p, source)
    if mapping is None:
        raise MappingError(source, p.items)
    return mapping


def load_mapping_file(path: Path | str) -> IncidentMapping:
    """Read and validate a mapping file, reading no more than a mapping can hold."""
    path = Path(path)
    try:
        info = path.stat()
    except FileNotFoundError:
        raise MappingError(path, [f"{path}: the file does not exist"]) from None
    except OSError as error:
        raise MappingError(path, [f"{path}: cannot be read ({error.strerror or error})"]) from None
    if stat.S_ISDIR(info.st_mode):
        raise MappingError(path, [f"{path}: is a folder, not a mapping file"])
    if not stat.S_ISREG(info.st_mode):  # a pipe or a device could never end
        raise MappingError(path, [f"{path}: is not an ordinary file, so it is not read"])
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_MAPPING_BYTES + 1)
    except FileNotFoundError:
        raise MappingError(path, [f"{path}: the file does not exist"]) from None
    except IsADirectoryError:
        raise MappingError(path, [f"{path}: is a folder, not a mapping file"]) from None
    except OSError as error:
        raise MappingError(path, [f"{path}: cannot be read ({error.strerror})"]) from None
    return load_mapping_bytes(raw, str(path))


def validate_mapping_file(path: Path | str) -> list[str]:
    """Every problem in a mapping file, one line each; an empty list when it is valid."""
    try:
        load_mapping_file(path)
    except MappingError as error:
        return error.problems
    return []
