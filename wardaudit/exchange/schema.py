"""The written schema of an exchange file: every record and event it may carry.

A digest proves a file is the one its manifest describes, not that what it says makes
sense. Every record and event is checked here, before anything is written, against the
declarations below (types, required fields, no unknown fields, dates and times that
parse, closed sets, ranges, text lengths) and against each other (the checklist version
an audit names, the items it has, the audit and action an event is about), so that
nothing that passes can make a later command fail. One bad record refuses the file: a
malformed record is never a conflict.

The interface a reader calls, in this order: :func:`parse_json` for each JSON member,
:func:`check_manifest`, then :func:`check_records`, which returns what the merge needs and
the photos the file must carry (:meth:`CheckedRecords.expect_photo` for each photo member).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from wardaudit.checklist import DESIGNATIONS, Checklist, from_canonical_json
from wardaudit.errors import BundleInvalid, BundleRefused, ChecklistError
from wardaudit.exchange import incident_counts
from wardaudit.model import ACTION_STATUSES, EVENT_KINDS
from wardaudit.risk import BAND_ORDER
from wardaudit.scoring import ANSWER_CODES, ANSWER_VALUES, UNANSWERED, allowed_answers
from wardaudit.store.records import canonical_json

FORMAT = "wardaudit-bundle"
FORMAT_VERSION = 1

# The span of dates a record may hold. Documents and workbooks print every date in it;
# a laptop whose clock was reset (to 1970, or 1980) still writes dates inside it.
FIRST_DAY = date(1970, 1, 1)
LAST_DAY = date(2099, 12, 31)

# Longest text, in characters, by what the text is. The app's own records are far inside
# each; a longer text is not one a person typed into WardAudit.
NAME = 200  # a ward, site, person, role, owner, area or service
FILENAME = 255
LOCATION = 500
DESCRIPTION = 5_000
FREE_TEXT = 20_000  # a note, reason, status note or estates' comment
MAX_AREAS = 200
MAX_TEAM = 100
MAX_ITEMS = 1_000  # as a checklist may have (checklist.MAX_ITEMS)
MAX_PHOTOS = 2_000
MAX_CHECKLIST_CHARS = 8 * 1024 * 1024

# Never in any text: NUL, halves of surrogate pairs (not text at all) and the two
# non-characters XML forbids. Names hold one line: no control characters either.
_NEVER = re.compile("[\x00\ud800-\udfff\ufffe\uffff]")
_CONTROL = re.compile("[\x00-\x1f\x7f]")
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_DIGEST = re.compile(r"[0-9a-f]{64}")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?[+-]\d{2}:\d{2}")
_ITEM_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,31}")
_CHECKLIST_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")
_MEMBER = re.compile(rf"manifest\.json|records\.json|photos/{_UUID.pattern}")


class Invalid(Exception):
    """A value that breaks the schema, at a path inside its record."""

    def __init__(self, path: str, problem: str) -> None:
        super().__init__(f"{path}: {problem}" if path else problem)
        self.path = path
        self.problem = problem


def _inside(error: Invalid, path: str) -> Invalid:
    """The error of a part, at its place in the whole (paths are built only for errors)."""
    inner = error.path
    if not inner:
        return Invalid(path, error.problem)
    return Invalid(f"{path}{inner}" if inner.startswith("[") else f"{path}.{inner}", error.problem)


def _describe(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return repr(value) if len(value) <= 40 else repr(value[:37] + "...")
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


# --- the declarations' building blocks -------------------------------------------------


class Spec:
    """One field's rule; ``check`` raises Invalid naming the path and what was expected."""

    def check(self, value: Any, path: str) -> None:
        raise NotImplementedError


class Later(Spec):
    """Any value here: it is checked by a declaration of its own (a record, an event's
    detail by its kind), so that a problem names the record it is in."""

    def check(self, value: Any, path: str) -> None:
        return None


@dataclass(frozen=True)
class Text(Spec):
    """Text of at most ``max`` characters; a ``line`` (a name) has no control characters;
    ``filled`` text is not empty and has no spaces at either end."""

    max: int
    line: bool = True
    filled: bool = False
    pattern: re.Pattern[str] | None = None
    what: str = ""

    def check(self, value: Any, path: str) -> None:
        if not isinstance(value, str):
            raise Invalid(path, f"must be text (found {_describe(value)})")
        if len(value) > self.max:
            raise Invalid(path, f"is {len(value):,} characters long; at most {self.max:,}")
        if not value.isprintable() and (
            _NEVER.search(value) or (self.line and _CONTROL.search(value))
        ):
            raise Invalid(path, "holds characters that are not text")
        if self.filled and (not value or value != value.strip()):
            raise Invalid(
                path, f"must not be empty or start or end with a space (found {_describe(value)})"
            )
        if self.pattern is not None and not self.pattern.fullmatch(value):
            raise Invalid(path, f"must be {self.what} (found {_describe(value)})")


@dataclass(frozen=True)
class Whole(Spec):
    """A whole number from ``low`` to ``high`` (true and false are not numbers)."""

    low: int
    high: int

    def check(self, value: Any, path: str) -> None:
        if isinstance(value, bool) or not isinstance(value, int):
            raise Invalid(path, f"must be a whole number (found {_describe(value)})")
        if not self.low <= value <= self.high:
            raise Invalid(
                path, f"must be from {self.low:,} to {self.high:,} (found {_describe(value)})"
            )


@dataclass(frozen=True)
class Number(Spec):
    low: float
    high: float

    def check(self, value: Any, path: str) -> None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise Invalid(path, f"must be a number (found {_describe(value)})")
        if not self.low <= value <= self.high:  # NaN fails this too
            raise Invalid(
                path, f"must be from {self.low:g} to {self.high:g} (found {_describe(value)})"
            )


@dataclass(frozen=True)
class Flag(Spec):
    def check(self, value: Any, path: str) -> None:
        if not isinstance(value, bool):
            raise Invalid(path, f"must be true or false (found {_describe(value)})")


@dataclass(frozen=True)
class OneOf(Spec):
    values: tuple[str, ...]

    def check(self, value: Any, path: str) -> None:
        if not isinstance(value, str) or value not in self.values:
            if len(self.values) > 8:
                raise Invalid(path, f"is not one WardAudit writes (found {_describe(value)})")
            raise Invalid(
                path, f"must be one of {', '.join(self.values)} (found {_describe(value)})"
            )


@dataclass(frozen=True)
class Day(Spec):
    """A date written 2026-11-27, within the span records may hold."""

    def check(self, value: Any, path: str) -> None:
        if not isinstance(value, str) or not _DAY.fullmatch(value):
            raise Invalid(path, f"must be a date written 2026-11-27 (found {_describe(value)})")
        try:
            day = date.fromisoformat(value)
        except ValueError:
            raise Invalid(path, f"is not a real date (found {_describe(value)})") from None
        if not FIRST_DAY <= day <= LAST_DAY:
            raise Invalid(path, f"must be from {FIRST_DAY} to {LAST_DAY} (found {value})")


@dataclass(frozen=True)
class Moment(Spec):
    """A date and time with its UTC offset, as WardAudit writes them."""

    def check(self, value: Any, path: str) -> None:
        if not isinstance(value, str) or not _MOMENT.fullmatch(value):
            raise Invalid(
                path,
                "must be a date and time with its UTC offset, written "
                f"2026-11-27T14:03:12+00:00 (found {_describe(value)})",
            )
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            raise Invalid(path, f"is not a real date and time (found {_describe(value)})") from None
        offset = moment.utcoffset()
        if offset is None or abs(offset.total_seconds()) > 14 * 3600:
            raise Invalid(path, f"has a UTC offset no place uses (found {value[19:]})")
        if not FIRST_DAY <= moment.date() <= LAST_DAY:
            raise Invalid(path, f"must be from {FIRST_DAY} to {LAST_DAY} (found {value})")


@dataclass(frozen=True)
class Id(Spec):
    """A record's id: a UUID as WardAudit writes them (lower case, with hyphens)."""

    def check(self, value: Any, path: str) -> None:
        if not isinstance(value, str) or not _UUID.fullmatch(value):
            raise Invalid(path, f"must be a record id (a UUID) (found {_describe(value)})")


@dataclass(frozen=True)
class Digest(Spec):
    def check(self, value: Any, path: str) -> None:
        if not isinstance(value, str) or not _DIGEST.fullmatch(value):
            raise Invalid(path, f"must be a SHA-256 digest (found {_describe(value)})")


@dataclass(frozen=True)
class Maybe(Spec):
    """The value, or null."""

    spec: Spec

    def check(self, value: Any, path: str) -> None:
        if value is not None:
            self.spec.check(value, path)


@dataclass(frozen=True)
class Many(Spec):
    """A list of at most ``max`` values, each checked; ``unique`` values appear once."""

    spec: Spec
    max: int
    unique: bool = False

    def check(self, value: Any, path: str) -> None:
        if not isinstance(value, list):
            raise Invalid(path, f"must be a list (found {_describe(value)})")
        if len(value) > self.max:
            raise Invalid(path, f"holds {len(value):,} entries; at most {self.max:,}")
        for index, entry in enumerate(value):
            try:
                self.spec.check(entry, "")
            except Invalid as error:
                raise _inside(error, f"{path}[{index}]") from None
        if self.unique and len(set(value)) != len(value):
            raise Invalid(path, "lists the same entry twice")


@dataclass(frozen=True)
class Pair(Spec):
    """A list of exactly two values (a note and its location)."""

    first: Spec
    second: Spec

    def check(self, value: Any, path: str) -> None:
        if not isinstance(value, list) or len(value) != 2:
            raise Invalid(path, f"must be a list of two values (found {_describe(value)})")
        self.first.check(value[0], f"{path}[0]")
        self.second.check(value[1], f"{path}[1]")


@dataclass(frozen=True)
class Keyed(Spec):
    """An object of any keys (each checked by ``key``), at most ``max`` of them."""

    key: Spec
    value: Spec
    max: int

    def check(self, value: Any, path: str) -> None:
        if not isinstance(value, dict):
            raise Invalid(path, f"must be an object (found {_describe(value)})")
        if len(value) > self.max:
            raise Invalid(path, f"holds {len(value):,} entries; at most {self.max:,}")
        for key, entry in value.items():
            try:
                self.key.check(key, "")
            except Invalid as error:
                raise Invalid(path, f"has a key that {error.problem}") from None
            try:
                self.value.check(entry, "")
            except Invalid as error:
                raise _inside(error, f"{path}.{key}" if path else str(key)) from None


@dataclass(frozen=True)
class Table(Spec):
    """An object with these fields: each in ``required`` must be there, the ``optional``
    ones may be, and no other field is allowed."""

    required: Mapping[str, Spec]
    optional: Mapping[str, Spec] = field(default_factory=dict)
    _fields: Mapping[str, Spec] = field(init=False, repr=False, compare=False)
    _names: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_fields", {**self.optional, **self.required})
        object.__setattr__(self, "_names", frozenset(self.required))

    def check(self, value: Any, path: str) -> None:
        if not isinstance(value, dict):
            raise Invalid(path, f"must be an object (found {_describe(value)})")
        prefix = f"{path}." if path else ""
        if not self._names <= value.keys():
            missing = next(name for name in self.required if name not in value)
            raise Invalid(f"{prefix}{missing}", "is missing")
        fields = self._fields
        for name, entry in value.items():
            spec = fields.get(name)
            if spec is None:
                raise Invalid(f"{prefix}{name}"[:120], "is not a field WardAudit writes")
            try:
                spec.check(entry, "")
            except Invalid as error:
                raise _inside(error, f"{prefix}{name}") from None


# --- the declarations ------------------------------------------------------------------

Name = Text(NAME, filled=True)
OptionalName = Text(NAME)
ItemId = Text(32, pattern=_ITEM_ID, what="an item id")
Answer = OneOf(ANSWER_VALUES)
Risk = Whole(1, 5)

MANIFEST = Table(
    {
        "format": OneOf((FORMAT,)),
        "version": Whole(FORMAT_VERSION, FORMAT_VERSION),
        "created_at": Moment(),
        "created_by": OptionalName,
        "since": Maybe(Text(10, pattern=_DAY, what="a date written 2026-11-27")),
        "counts": Table(
            {
                "wards": Whole(0, 10**7),
                "audits": Whole(0, 10**7),
                "events": Whole(0, 10**8),
                "photos": Whole(0, 10**7),
            }
        ),
        "files": Keyed(Text(60, pattern=_MEMBER, what="a file WardAudit writes"), Digest(), 10**6),
    }
)

RECORDS = Table(
    {
        "wards": Many(Later(), 10**6),
        "checklists": Many(Later(), 10**4),
        "audits": Many(Later(), 10**7),
        "events": Many(Later(), 10**8),
    },
    # written only by a database that holds incidents; checked in incident_counts
    {"incident_counts": Many(Later(), incident_counts.MAX_RECORDS)},
)

WARD = Table(
    {
        "ward": Id(),
        "site": Name,
        "name": Name,
        "service": OptionalName,
        "sex": OneOf(DESIGNATIONS),
        "beds": Maybe(Whole(0, 500)),
        "areas": Many(Name, MAX_AREAS, unique=True),
    }
)

CHECKLIST = Table(
    {
        "content_hash": Digest(),
        "id": Text(64, pattern=_CHECKLIST_ID, what="a checklist id"),
        "version": Whole(1, 1_000_000),
        "title": Text(200, filled=True),
        "content": Text(MAX_CHECKLIST_CHARS, line=False),
    }
)

AUDIT_ENTRY = Table({"content": Text(64 * 1024 * 1024, line=False), "digest": Digest()})

TEAM_MEMBER = Table({"name": OptionalName, "role": OptionalName, "patient_or_peer": Flag()})

ACTION = Table(
    {
        "action": Id(),
        "item": ItemId,
        "description": Text(DESCRIPTION, line=False),
        "owner": OptionalName,
        "likelihood": Risk,
        "consequence": Risk,
        "due": Day(),
        "status": OneOf(ACTION_STATUSES),
        "status_note": Text(FREE_TEXT, line=False),
        "comment": Text(FREE_TEXT, line=False),
        "completed_on": Maybe(Day()),
        "created_at": Moment(),
    }
)

PHOTO = Table(
    {
        "photo": Id(),
        "item": ItemId,
        "filename": Text(FILENAME, line=False),  # as the picture's file was named
        "media_type": OneOf(("image/jpeg", "image/png")),
        "width": Whole(1, 20_000),
        "height": Whole(1, 20_000),
        "added_at": Moment(),
        "sha256": Digest(),
    }
)

AUDIT = Table(
    {
        "audit": Id(),
        "ward": Id(),
        "checklist": Digest(),
        "started_at": Moment(),
        "started_by": OptionalName,
        "completed_at": Moment(),
        "signed_by": Name,
        "signed_role": Name,
        "team": Many(TEAM_MEMBER, MAX_TEAM),
        "ward_sex": OneOf(DESIGNATIONS),
        "answers": Text(
            MAX_ITEMS,
            pattern=re.compile(r"[ypna.]*"),
            what="one letter per item (y, p, n, a, or . where it does not apply)",
        ),
        "notes": Keyed(
            ItemId, Pair(Text(FREE_TEXT, line=False), Text(LOCATION, line=False)), MAX_ITEMS
        ),
        "actions": Many(ACTION, MAX_ITEMS),
        "photos": Many(PHOTO, MAX_PHOTOS),
    }
)

EVENT = Table(
    {
        "event": Id(),
        "at": Moment(),
        "kind": OneOf(EVENT_KINDS),
        "actor": OptionalName,
        "audit": Id(),
        "action": Maybe(Id()),
        "detail": Keyed(Text(40), Later(), 20),  # checked by kind below
        "after_signoff": Flag(),
    }
)

_ANSWER_DETAIL = {
    "previous": Answer,
    "note": Text(FREE_TEXT, line=False),
    "previous_note": Text(FREE_TEXT, line=False),
    "location": Text(LOCATION, line=False),
    "reason": Text(FREE_TEXT, line=False),
}
_ACTION_FIELDS = {
    "description": Text(DESCRIPTION, line=False),
    "owner": OptionalName,
    "likelihood": Risk,
    "consequence": Risk,
    "due": Day(),
}

# Each kind of history event that travels, with the detail it carries.
EVENT_DETAILS: dict[str, Table] = {
    "audit_started": Table(
        {
            "ward": Id(),
            "checklist": Text(64, pattern=_CHECKLIST_ID, what="a checklist id"),
            "version": Whole(1, 1_000_000),
            "content_hash": Digest(),
        }
    ),
    "answer_changed": Table({"item": ItemId, "value": Answer}, _ANSWER_DETAIL),
    "answer_details": Table({"item": ItemId, "value": Answer}, _ANSWER_DETAIL),
    "answer_cleared": Table({"item": ItemId, "previous": Answer}),
    "amendment": Table(
        {"item": ItemId, "value": Answer, "reason": Text(FREE_TEXT, line=False, filled=True)},
        _ANSWER_DETAIL,
    ),
    "audit_completed": Table(
        {
            "role": OptionalName,
            "team": Many(TEAM_MEMBER, MAX_TEAM),
            "overall": Maybe(Number(0, 100)),
            "rating": Maybe(OneOf(("green", "amber", "red"))),
            "critical_breach": Flag(),
        }
    ),
    "audit_imported": Table({"answers": Whole(0, MAX_ITEMS), "role": OptionalName}),
    "action_raised": Table(
        {
            "action": Id(),
            "item": ItemId,
            **_ACTION_FIELDS,
            "status": OneOf(("open",)),
            "band": OneOf(BAND_ORDER),
        }
    ),
    "action_withdrawn": Table(
        {"item": ItemId, "action": Id(), "fields": Table(_ACTION_FIELDS)},
    ),
    "action_note": Table({"note": Text(FREE_TEXT, line=False)}),
    "action_changed": Table({}, _ACTION_FIELDS),
    "action_status": Table(
        {
            "status": OneOf(ACTION_STATUSES),
            "status_note": Text(FREE_TEXT, line=False),
            "previous": OneOf(ACTION_STATUSES),
        }
    ),
    "action_update_imported": Table(
        {},
        {
            "status": OneOf(ACTION_STATUSES),
            "comment": Text(FREE_TEXT, line=False),
            "completed_on": Maybe(Day()),
            "previous": OneOf(ACTION_STATUSES),
        },
    ),
    # A finding at a later audit linked to this audit's open action, joined at sign-off.
    "action_linked": Table(
        {
            "finding_audit": Id(),
            "item": ItemId,
            "answer": OneOf((*ANSWER_VALUES, "")),
            "note": Text(FREE_TEXT, line=False),
            "location": Text(LOCATION, line=False),
            "found_on": Day(),
        }
    ),
    "photo_added": Table({"item": ItemId, "photo": Id(), "filename": Text(FILENAME, line=False)}),
    "photo_removed": Table({"item": ItemId, "photo": Id()}),
}
# What may come after sign-off (and is replayed on top of the record); an amendment
# always does. The rest happen while an audit is open, or are the sign-off itself.
AFTER_SIGNOFF_KINDS = frozenset(
    {
        "amendment",
        "action_raised",
        "action_note",
        "action_changed",
        "action_status",
        "action_update_imported",
        "action_linked",
    }
)
# What always comes after sign-off: a later change to the signed-off audit.
ONLY_AFTER_SIGNOFF_KINDS = frozenset({"amendment", "action_linked"})
ACTION_KINDS = frozenset(
    {"action_note", "action_changed", "action_status", "action_update_imported", "action_linked"}
)
# Sites and wards change outside any audit: their events never travel.
TRAVELLING_KINDS = tuple(kind for kind in EVENT_KINDS if kind in EVENT_DETAILS)


# --- reading JSON ------------------------------------------------------------------------


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def parse_json(file: str, member: str, data: bytes | str) -> Any:
    """A JSON member's value; refused (never a traceback) when it is not plain JSON:
    not UTF-8, NaN or infinite numbers, integers of thousands of digits, deep nesting."""
    try:
        text = data.decode("utf-8") if isinstance(data, bytes) else data
        return json.loads(text, parse_constant=_no_constant)
    except RecursionError:
        problem = "it is nested too deeply"
    except UnicodeDecodeError:
        problem = "it is not UTF-8 text"
    except ValueError as error:  # JSONDecodeError, NaN, absurd integers
        problem = str(error)[:120]
    raise BundleRefused(
        f"{file} is damaged or not a WardAudit exchange file: {member} cannot be read "
        f"({problem}). Nothing was imported."
    )


# --- checking a file -----------------------------------------------------------------------


@dataclass(frozen=True)
class PhotoRecord:
    """What an audit's record says of one of its photos; the file's photo must match."""

    audit: str
    media_type: str
    width: int
    height: int
    sha256: str


@dataclass(frozen=True)
class CheckedAudit:
    """A signed-off record from the file: parsed, its text exactly as it came, its digest."""

    content: dict[str, Any]
    text: str
    digest: str


@dataclass
class CheckedRecords:
    """A file's records once checked: the checklist versions rebuilt, each audit's record
    parsed (in the file's order), and the photos the file must carry."""

    checklists: dict[str, Checklist] = field(default_factory=dict)  # by content hash
    audits: list[CheckedAudit] = field(default_factory=list)
    photos: dict[str, PhotoRecord] = field(default_factory=dict)  # by photo id

    def expect_photo(self, file: str, photo: str, sha256: str) -> PhotoRecord:
        """The record of a photo the file carries; refused when no audit has it or it is
        not the picture its audit's record describes."""
        found = self.photos.get(photo)
        if found is None:
            raise BundleRefused(
                f"{file} is not a WardAudit exchange file: it carries photo {photo}, which no "
                "audit in it has. Nothing was imported."
            )
        if found.sha256 != sha256:
            raise BundleInvalid(
                file,
                "audit",
                found.audit,
                "photos",
                f"photo {photo} is not the picture its record describes",
            )
        return found


def check_manifest(file: str, manifest: Any) -> dict[str, Any]:
    """The manifest, checked; refused as not WardAudit's, or as from another format."""
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BundleRefused(f"{file} is not a WardAudit exchange file. Nothing was imported.")
    version = manifest.get("version")
    if version != FORMAT_VERSION:
        raise BundleRefused(
            f"{file} was written by a different WardAudit (exchange format "
            f"{_describe(version)}); update WardAudit on both laptops"
        )
    try:
        MANIFEST.check(manifest, "")
    except Invalid as error:
        raise BundleInvalid(file, "manifest", "", error.path, error.problem) from None
    if "records.json" not in manifest["files"]:
        raise BundleInvalid(file, "manifest", "", "files", "does not list records.json")
    return manifest


def check_records(
    file: str, records: Any, manifest: Mapping[str, Any] | None = None
) -> CheckedRecords:
    """Every record and event of a file, against the schema and against each other.

    Raises BundleInvalid naming the file, the record (its kind and id) and the field. A
    reader holding ``records.json`` parsed whole calls this; one meeting the records one at
    a time feeds a :class:`RecordsCheck` instead (this is that, over the whole file).
    """
    try:
        RECORDS.check(records, "")
    except Invalid as error:
        raise BundleInvalid(file, "records", "", error.path, error.problem) from None
    check = RecordsCheck(file)
    for ward in records["wards"]:
        check.ward(ward)
    for entry in records["checklists"]:
        check.checklist(entry)
    for entry in records["audits"]:
        check.audit(entry)
    for event in records["events"]:
        check.event(event)
    incident_counts.check(file, records, {ward["ward"] for ward in records["wards"]})
    return check.finish(manifest)


class RecordsCheck:
    """The schema applied one record at a time, as a reader meets them.

    Records depend on each other (an audit names its ward and checklist version, an event
    its audit and action), so they are fed in that order: every ward, then every
    checklist version, then every audit, then every event; :meth:`finish` then checks what
    needs them all (the actions that events change, the manifest's counts) and returns
    what the merge and the photos' checks need. Each call raises BundleInvalid naming the
    file, the record and the field; a reader feeding a record out of order is mistaken
    (ValueError), never the file.
    """

    _ORDER = ("ward", "checklist", "audit", "event")

    def __init__(self, file: str) -> None:
        self.file = file
        self._checked = CheckedRecords()
        self._stage = 0
        self._seen = dict.fromkeys(self._ORDER, 0)
        self._ward_sexes: dict[str, str] = {}
        self._ward_names: set[str] = set()
        self._audits: dict[str, _Audit] = {}
        self._action_audit: dict[str, str] = {}  # action id → its audit, across the file
        self._shapes: dict[tuple[str, str], _Shape] = {}
        self._event_ids: set[str] = set()
        self._owners: dict[str, str] = {}  # action id → audit, raised ones included
        self._changes: list[tuple[dict[str, Any], Reporter]] = []
        self._finished = False

    def _next(self, kind: str) -> int:
        """The record's place among those of its kind; refuses a record fed out of order."""
        stage = self._ORDER.index(kind)
        if self._finished or stage < self._stage:
            raise ValueError(f"a {kind} was fed after the {self._ORDER[self._stage]}s")
        if stage == 3 and self._stage < 3:  # the first event: every audit's actions are known
            self._owners = dict(self._action_audit)
        self._stage = stage
        index = self._seen[kind]
        self._seen[kind] = index + 1
        return index

    def ward(self, ward: Any) -> None:
        """A ward: its fields, its id and its name each once in the file."""
        index = self._next("ward")
        file = self.file
        ward_id = _record_id(ward, "ward")
        _check(file, "ward", WARD, ward, ward_id, index)
        if ward_id in self._ward_sexes:
            raise BundleInvalid(file, "ward", ward_id, "ward", "the file holds this ward twice")
        key = name_key(ward["name"])
        if key in self._ward_names:
            raise BundleInvalid(
                file,
                "ward",
                ward_id,
                "name",
                f"another ward in the file is also called {ward['name']!r}",
            )
        self._ward_names.add(key)
        self._ward_sexes[ward_id] = ward["sex"]

    def checklist(self, entry: Any) -> Checklist:
        """A checklist version: its content matched to its hash and valid by today's rules."""
        index = self._next("checklist")
        pinned = _check_checklist(self.file, entry, index, self._checked)
        self._checked.checklists[pinned.content_hash] = pinned
        return pinned

    def audit(self, entry: Any) -> CheckedAudit:
        """A signed-off audit: its record, its answers, notes, actions and photos against
        the checklist version and ward it names."""
        index = self._next("audit")
        file, checked = self.file, self._checked
        content = _parse_audit(file, index, entry)
        audit_id = content["audit"]
        bad = _reporter(file, "audit", audit_id)
        if audit_id in self._audits:
            raise bad("audit", "the file holds this audit twice")
        if content["ward"] not in self._ward_sexes:
            raise bad("ward", "names a ward the file does not carry")
        checklist = checked.checklists.get(content["checklist"])
        if checklist is None:
            raise bad("checklist", "names a checklist version the file does not carry")
        sex = content["ward_sex"]
        if sex not in checklist.designations:
            raise bad("ward_sex", f"{checklist.label} is not for {sex} wards")
        key = (checklist.content_hash, sex)
        shape = self._shapes.get(key) or self._shapes.setdefault(key, _Shape.of(checklist, sex))
        if not shape.answers.fullmatch(content["answers"]):
            raise bad("answers", _answers_problem(checklist, sex, content["answers"]))
        for item_id in content["notes"]:
            if item_id not in shape.applicable:
                _applicable(checklist, sex, item_id, f"notes.{item_id}", bad)
        actions = _check_actions(content, checklist, shape, self._action_audit, bad)
        _check_photos(content, checklist, shape, checked, bad)
        self._audits[audit_id] = _Audit(checklist, content["ward"], sex, actions)
        audit = CheckedAudit(content, entry["content"], entry["digest"])
        checked.audits.append(audit)
        return audit

    def event(self, event: Any) -> None:
        """A history event: its detail by its kind, against the audit it travels with."""
        index = self._next("event")
        file = self.file
        event_id = _record_id(event, "event")
        _check(file, "history event", EVENT, event, event_id, index)
        bad = _reporter(file, "history event", f"{event_id} ({event['kind']})")
        if event_id in self._event_ids:
            raise bad("event", "the file holds this event twice")
        self._event_ids.add(event_id)
        audit = self._audits.get(event["audit"])
        if audit is None:
            raise bad(
                "audit", "names an audit the file does not carry (an event travels with its audit)"
            )
        _check_event(event, audit, bad)
        if event["after_signoff"]:
            if event["kind"] == "action_raised":
                _check_raised(event, audit, self._owners, bad)
            elif event["kind"] in ACTION_KINDS:
                self._changes.append((event, bad))

    def finish(self, manifest: Mapping[str, Any] | None = None) -> CheckedRecords:
        """What needs every record: each action changed after sign-off is one of its own
        audit's (its record's, or raised after sign-off, in any order in the file), and
        the manifest's counts are the file's."""
        self._finished = True
        for event, bad in self._changes:
            action = event["action"]
            if action is None:
                raise bad("action", "names no action of its audit")
            actions = self._audits[event["audit"]].actions
            if action not in actions:
                raise bad("action", "names an action its audit does not have")
            if event["kind"] == "action_linked" and event["detail"]["item"] != actions[action]:
                raise bad("detail.item", "is not the item of the action it is linked to")
        if manifest is not None:
            counts = manifest["counts"]
            found = {
                "wards": self._seen["ward"],
                "audits": self._seen["audit"],
                "events": self._seen["event"],
                "photos": len(self._checked.photos),
            }
            for what, count in found.items():
                if counts[what] != count:
                    raise BundleInvalid(
                        self.file,
                        "manifest",
                        "",
                        f"counts.{what}",
                        f"says {counts[what]:,} but the file holds {count:,}",
                    )
        return self._checked


def _record_id(entry: Any, key: str) -> str:
    value = entry.get(key) if isinstance(entry, dict) else None
    return value if isinstance(value, str) and _UUID.fullmatch(value) else ""


def _check(file: str, kind: str, spec: Spec, entry: Any, record: str, index: int) -> None:
    try:
        spec.check(entry, "")
    except Invalid as error:
        raise BundleInvalid(
            file, kind, record or f"number {index + 1}", error.path, error.problem
        ) from None


def name_key(name: str) -> str:
    """A ward's name as the database compares names (SQLite's NOCASE: ASCII only)."""
    return name.translate(_ASCII_LOWER)


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _check_checklist(file: str, entry: Any, index: int, checked: CheckedRecords) -> Checklist:
    """One checklist version of a file, rebuilt from its content once it is checked."""
    _check(file, "checklist", CHECKLIST, entry, "", index)
    label = f"{entry['id']} v{entry['version']}"
    digest = hashlib.sha256(entry["content"].encode("utf-8")).hexdigest()
    if digest != entry["content_hash"]:
        raise BundleInvalid(
            file, "checklist", label, "content", "does not match its content_hash (altered)"
        )
    if digest in checked.checklists:
        raise BundleInvalid(
            file,
            "checklist",
            label,
            "content_hash",
            "the file holds this checklist version twice",
        )
    try:
        pinned = from_canonical_json(entry["content"], f"checklist {label}", strict=True)
    except ChecklistError as error:
        shown = "; ".join(p.split(": ", 1)[-1] for p in error.problems[:3])
        more = f" (and {len(error.problems) - 3} more)" if len(error.problems) > 3 else ""
        raise BundleInvalid(
            file, "checklist", label, "content", f"is not a valid checklist: {shown}{more}"
        ) from None
    if pinned.content_hash != digest:
        raise BundleInvalid(
            file,
            "checklist",
            label,
            "content",
            "is not written the way WardAudit writes checklists",
        )
    for name, value in (
        ("id", pinned.id),
        ("version", pinned.version),
        ("title", pinned.title),
    ):
        if entry[name] != value:
            raise BundleInvalid(
                file,
                "checklist",
                label,
                name,
                f"differs from the content's own ({_describe(value)})",
            )
    return pinned


@dataclass(frozen=True)
class _Shape:
    """What a checklist version asks of a ward of one designation, for checking many
    audits quickly: its items, those that apply, and the answers each may have."""

    items: frozenset[str]
    applicable: frozenset[str]
    answers: re.Pattern[str]

    @classmethod
    def of(cls, checklist: Checklist, sex: str) -> _Shape:
        codes = []
        for item in checklist.items():
            if not item.applies(sex):
                codes.append(re.escape(UNANSWERED))
            else:
                codes.append("[" + "".join(ANSWER_CODES[v] for v in allowed_answers(item)) + "]")
        return cls(
            frozenset(item.id for item in checklist.items()),
            frozenset(item.id for item in checklist.items() if item.applies(sex)),
            re.compile("".join(codes)),
        )


@dataclass
class _Audit:
    """What the events of an audit are checked against."""

    checklist: Checklist
    ward: str
    sex: str
    actions: dict[str, str]  # action id → item, from its record and later raising


Reporter = Callable[[str, str], BundleInvalid]


def _reporter(file: str, kind: str, record: str) -> Reporter:
    """A maker of the error for one record: ``bad(field, problem)``."""

    def bad(path: str, problem: str) -> BundleInvalid:
        return BundleInvalid(file, kind, record, path, problem)

    return bad


def _parse_audit(file: str, index: int, entry: Any) -> dict[str, Any]:
    """An audit entry's signed-off record: its digest matched, parsed and checked."""
    _check(file, "audit", AUDIT_ENTRY, entry, "", index)
    place = f"number {index + 1}"
    if hashlib.sha256(entry["content"].encode("utf-8")).hexdigest() != entry["digest"]:
        raise BundleInvalid(file, "audit", place, "digest", "does not match the record (altered)")
    content = parse_json(file, f"audit {place}", entry["content"])
    audit_id = _record_id(content, "audit")
    _check(file, "audit", AUDIT, content, audit_id, index)
    if canonical_json(content) != entry["content"]:
        raise BundleInvalid(
            file, "audit", audit_id, "", "is not written the way WardAudit writes records"
        )
    return dict(content)


def _check_actions(
    content: dict[str, Any],
    checklist: Checklist,
    shape: _Shape,
    action_owner: dict[str, str],
    bad: Reporter,
) -> dict[str, str]:
    """An audit's actions: one per applicable item, each id given to one action."""
    actions: dict[str, str] = {}
    for n, action in enumerate(content["actions"]):
        if action["item"] not in shape.applicable:
            _applicable(checklist, content["ward_sex"], action["item"], f"actions[{n}].item", bad)
        if action["item"] in actions.values():
            raise bad(f"actions[{n}].item", f"item {action['item']} has two actions")
        if action["action"] in action_owner:
            raise bad(f"actions[{n}].action", "the file gives this action id to two actions")
        actions[action["action"]] = action["item"]
        action_owner[action["action"]] = content["audit"]
    return actions


def _check_photos(
    content: dict[str, Any],
    checklist: Checklist,
    shape: _Shape,
    checked: CheckedRecords,
    bad: Reporter,
) -> None:
    """An audit's photos: each of an item, each id given to one photo; kept to be matched
    with the pictures the file carries."""
    for n, photo in enumerate(content["photos"]):
        if photo["item"] not in shape.items:
            raise bad(f"photos[{n}].item", f"{checklist.label} has no item {photo['item']!r}")
        if photo["photo"] in checked.photos:
            raise bad(f"photos[{n}].photo", "the file gives this photo id to two photos")
        checked.photos[photo["photo"]] = PhotoRecord(
            content["audit"], photo["media_type"], photo["width"], photo["height"], photo["sha256"]
        )


def _answers_problem(checklist: Checklist, sex: str, packed: str) -> str:
    """What is wrong with an audit's packed answers (once they are known to be wrong)."""
    items = list(checklist.items())
    if len(packed) != len(items):
        return f"holds {len(packed)} answers; {checklist.label} has {len(items)} items"
    for item, code in zip(items, packed, strict=True):
        if not item.applies(sex):
            if code != UNANSWERED:
                return f"answers item {item.id}, which does not apply to a {sex} ward"
        elif code == UNANSWERED:
            return f"item {item.id} is unanswered in a signed-off audit"
        elif code not in {ANSWER_CODES[v] for v in allowed_answers(item)}:
            return f"item {item.id} is critical and cannot be answered Partly"
    return "are not the answers of a signed-off audit"


def _has_item(checklist: Checklist, item_id: str) -> bool:
    return any(item.id == item_id for item in checklist.items())


def _applicable(checklist: Checklist, sex: str, item_id: str, path: str, bad: Reporter) -> None:
    for item in checklist.items():
        if item.id == item_id:
            if not item.applies(sex):
                raise bad(path, f"item {item_id} does not apply to a {sex} ward")
            return
    raise bad(path, f"{checklist.label} has no item {item_id!r}")


def _check_event(event: dict[str, Any], audit: _Audit, bad: Reporter) -> None:
    """An event's detail by its kind, whether it may come after sign-off, and the items
    and answers it names, against its audit."""
    kind, detail, after = event["kind"], event["detail"], event["after_signoff"]
    spec = EVENT_DETAILS.get(kind)
    if spec is None:
        raise bad(
            "kind", "is a change to the register of wards, which never travels in an exchange file"
        )
    try:
        spec.check(detail, "detail")
    except Invalid as error:
        raise bad(error.path, error.problem) from None
    if after and kind not in AFTER_SIGNOFF_KINDS:
        raise bad("after_signoff", f"an event of the kind {kind} never comes after sign-off")
    if kind in ONLY_AFTER_SIGNOFF_KINDS and not after:
        raise bad("after_signoff", f"an event of the kind {kind} always comes after sign-off")
    if "item" in detail:
        if kind in ("photo_added", "photo_removed"):
            if not _has_item(audit.checklist, detail["item"]):
                raise bad("detail.item", f"{audit.checklist.label} has no item {detail['item']!r}")
        else:
            _applicable(audit.checklist, audit.sex, detail["item"], "detail.item", bad)
    if kind in ("amendment", "answer_changed", "answer_details"):
        item = audit.checklist.item(detail["item"])
        if detail["value"] not in allowed_answers(item):
            raise bad("detail.value", f"item {item.id} is critical and cannot be answered Partly")
    if kind == "audit_started" and (
        detail["ward"] != audit.ward or detail["content_hash"] != audit.checklist.content_hash
    ):
        raise bad(
            "detail", "says the audit was started on another ward or checklist than its record"
        )


def _check_raised(
    event: dict[str, Any], audit: _Audit, owners: dict[str, str], bad: Reporter
) -> None:
    """An action raised after sign-off (an amendment to No or Partly): its own id, for an
    item of its audit that has no action yet. It joins the audit's actions."""
    detail = event["detail"]
    raised, item = detail["action"], detail["item"]
    if event["action"] != raised:
        raise bad("action", "is not the action the event raises")
    owner = owners.get(raised)
    if owner is not None and (owner != event["audit"] or audit.actions[raised] != item):
        raise bad("detail.action", "is the id of another action in the file")
    if raised not in audit.actions and item in audit.actions.values():
        raise bad("detail.item", f"item {item} already has an action in this audit")
    audit.actions[raised] = item
    owners[raised] = event["audit"]
