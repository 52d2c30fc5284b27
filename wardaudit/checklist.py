"""Checklists as data: load a TOML checklist file, validate every part of it, and pin it.

A file is validated whole, so its author sees every problem at once, each naming the
file, the place (section and item) and what was expected. Whatever a file holds (wrong
types, NaN, huge numbers, deep nesting, bytes that are not text) comes back as a list of
problems, never as a crash: a trust's checklist folder is outside WardAudit's control.
A checklist's identity for an audit is its content hash: an audit keeps the exact content
it was answered against, and the settings in that content decide its questions and which
items are critical, so the pinned content alone fixes the audit's meaning.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import re
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any

from wardaudit.errors import ChecklistConflict, ChecklistError, NotFound

log = logging.getLogger(__name__)

DESIGNATIONS: tuple[str, ...] = ("male", "female", "mixed")
DESIGNATION_WORDS = {"male": "Male", "female": "Female", "mixed": "Mixed"}
FORMAT_VERSION = 1

# Limits on what a checklist file may make WardAudit do. The built-in checklist uses a
# fraction of each; a file past them is refused with a problem, never read regardless.
MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_PROBLEMS = 100
MAX_VERSION = 1_000_000
MAX_SECTIONS = 50
MAX_ITEMS = 1000
MAX_SETTINGS = 20
MAX_CHOICES = 20
MAX_SOURCES = 20
MAX_WEIGHT = 100
TEXT_LIMITS = {
    "title": 200,
    "description": 10_000,
    "question": 400,
    "guidance": 5000,
    "owner": 80,
    "action": 1000,
    "source": 400,
    "label": 200,
}

_ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
_ITEM_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$")
_SETTING_NAME_RE = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
_CHOICE_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")

_TOP_KEYS = {
    "format",
    "id",
    "version",
    "title",
    "description",
    "published",
    "designations",
    "thresholds",
    "settings",
    "sections",
}
_THRESHOLD_KEYS = {"green", "amber", "section_floor"}
_SECTION_KEYS = {"id", "title", "description", "items"}
_ITEM_KEYS = {
    "id",
    "question",
    "guidance",
    "weight",
    "critical",
    "critical_when",
    "variants",
    "applies_to",
    "risk",
    "owner",
    "action",
    "sources",
}
_VARIANT_KEYS = {"question", "guidance", "action", "critical", "weight", "risk"}
_SETTING_KEYS = {"description", "choices", "value", "labels", "affects"}


@dataclass(frozen=True)
class DefaultRisk:
    likelihood: int
    consequence: int


@dataclass(frozen=True)
class Item:
    """One question, as it reads under the checklist's settings (already resolved)."""

    id: str
    section_id: str
    question: str
    guidance: str
    weight: float
    critical: bool
    applies_to: tuple[str, ...]
    risk: DefaultRisk
    owner: str
    action: str
    sources: tuple[str, ...]
    # the settings whose value changes this item (through critical_when or variants)
    depends_on: tuple[str, ...] = ()

    @property
    def weight_centi(self) -> int:
        """The weight in hundredths, so scores are summed exactly in integers."""
        return round(self.weight * 100)

    def applies(self, sex: str) -> bool:
        return sex in self.applies_to


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    description: str
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Setting:
    name: str
    description: str
    choices: tuple[str, ...]
    value: str
    # short words for each choice, for documents ("Judged under: ..."), where the file gives them
    labels: tuple[tuple[str, str], ...] = ()
    # the items the file says this setting changes (validated against the items)
    affects: tuple[str, ...] = ()

    def label_of(self, choice: str | None = None) -> str:
        """The words for a choice (the current value by default), or the choice itself."""
        wanted = self.value if choice is None else choice
        return dict(self.labels).get(wanted, wanted)


@dataclass(frozen=True)
class Thresholds:
    green: float = 90.0
    amber: float = 75.0
    # when set, a ward with any section scoring below it cannot be rated green
    section_floor: float | None = None


@dataclass(frozen=True)
class SettingChoice:
    """One setting as an audit was judged under it: its name, the value and its words."""

    name: str
    value: str
    words: str  # the file's label for the value; empty where the file gives none


@dataclass(frozen=True)
class JudgedUnder:
    """What an audit's questions, critical items and rating were judged under.

    All of it is part of the checklist content an audit is pinned to (the settings' values
    and the thresholds are in the content, so in its hash): an audit answered under v1
    stays judged under v1's rules whatever the files say now. Equal values mean the same
    rules, so a board can tell wards judged alike from wards that were not.
    """

    checklist_id: str
    title: str
    version: int
    settings: tuple[SettingChoice, ...]
    thresholds: Thresholds

    @property
    def label(self) -> str:
        """ "Sexual safety: ward environment v2"."""
        return f"{self.title} v{self.version}"


@dataclass(frozen=True)
class Checklist:
    id: str
    version: int
    title: str
    description: str
    thresholds: Thresholds
    sections: tuple[Section, ...]
    settings: tuple[Setting, ...]
    content_hash: str
    canonical_json: str = field(repr=False, compare=False)
    source: str = field(default="", compare=False)
    designations: tuple[str, ...] = DESIGNATIONS

    def items(self) -> Iterator[Item]:
        for section in self.sections:
            yield from section.items

    @cached_property
    def _items_by_id(self) -> dict[str, Item]:
        """Looked up on every answer saved, so made once rather than searched each time."""
        return {item.id: item for item in self.items()}

    def item(self, item_id: str) -> Item:
        found = self._items_by_id.get(item_id)
        if found is not None:
            return found
        raise NotFound(f"checklist {self.id} v{self.version} has no item '{item_id}'")

    def applicable_items(self, sex: str) -> list[Item]:
        return [item for item in self.items() if item.applies(sex)]

    def section(self, section_id: str) -> Section:
        for section in self.sections:
            if section.id == section_id:
                return section
        raise NotFound(f"checklist {self.id} has no section '{section_id}'")

    def setting(self, name: str) -> Setting:
        for setting in self.settings:
            if setting.name == name:
                return setting
        raise NotFound(f"checklist {self.id} v{self.version} has no setting '{name}'")

    @property
    def label(self) -> str:
        return f"{self.title} (v{self.version})"

    @property
    def setting_values(self) -> dict[str, str]:
        """Each setting's value by name, as this content holds it."""
        return {setting.name: setting.value for setting in self.settings}

    @property
    def judged_under(self) -> JudgedUnder:
        """The version, settings and thresholds an audit of this content is judged under."""
        return JudgedUnder(
            checklist_id=self.id,
            title=self.title,
            version=self.version,
            settings=tuple(
                SettingChoice(s.name, s.value, dict(s.labels).get(s.value, ""))
                for s in self.settings
            ),
            thresholds=self.thresholds,
        )


# --- validation -------------------------------------------------------------------------


class _Problems:
    """Collects problems, each prefixed with the place in the file it concerns.

    At most MAX_PROBLEMS are kept, so a file of junk gives a readable list, not a flood.
    """

    def __init__(self, path: str) -> None:
        self.path = path
        self.items: list[str] = []
        self.dropped = 0

    def add(self, place: str, message: str) -> None:
        if len(self.items) >= MAX_PROBLEMS:
            self.dropped += 1
            return
        where = f"{self.path}: {place}: " if place else f"{self.path}: "
        self.items.append(where + message)

    def __len__(self) -> int:
        return len(self.items) + self.dropped

    def listing(self) -> list[str]:
        if not self.dropped:
            return list(self.items)
        return [*self.items, f"{self.path}: and {self.dropped} more problem(s) not listed"]


def _describe(value: Any) -> str:
    """A value as a problem can quote it: short, on one line, whatever it is."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return repr(value) if len(value) < 40 else repr(value[:37] + "...")
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, int):
        digits = len(str(abs(value))) if abs(value) < 10**60 else 61
        return (
            repr(value)
            if digits <= 12
            else f"a number of {digits if digits <= 60 else 'over 60'} digits"
        )
    if isinstance(value, float):
        return repr(value)
    return f"a {type(value).__name__}"  # a TOML date or time


def _key_name(key: Any) -> str:
    return _describe(key) if isinstance(key, str) else _describe(str(key))


def _text(
    p: _Problems,
    place: str,
    table: dict[str, Any],
    key: str,
    *,
    required: bool,
    strict: bool = True,
) -> str:
    """The text at ``key``, stripped; held to its length in TEXT_LIMITS when ``strict``."""
    limit = TEXT_LIMITS.get(key)
    value = table.get(key)
    if value is None:
        if required:
            p.add(place, f"'{key}' is missing; expected some text")
        return ""
    if not isinstance(value, str):
        p.add(place, f"'{key}' must be text in quotes (found {_describe(value)})")
        return ""
    if required and not value.strip():
        p.add(place, f"'{key}' is empty; expected some text")
    if strict and limit is not None and len(value) > limit:
        p.add(place, f"'{key}' is too long: {len(value):,} characters (at most {limit:,})")
    return value.strip()


def _unknown_keys(p: _Problems, place: str, table: dict[str, Any], allowed: set[str]) -> None:
    unknown = [key for key in table if key not in allowed]
    for key in sorted(unknown[:10], key=str):
        p.add(
            place, f"unknown key {_key_name(key)} (expected one of: {', '.join(sorted(allowed))})"
        )
    if len(unknown) > 10:
        p.add(place, f"and {len(unknown) - 10} more unknown keys")


def _number(
    p: _Problems, place: str, key: str, value: Any, low: float, high: float | None
) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        p.add(place, f"'{key}' must be a number (found {_describe(value)})")
        return None
    if isinstance(value, float) and not math.isfinite(value):
        p.add(place, f"'{key}' must be an ordinary number, not {_describe(value)}")
        return None
    if not (low <= value and (high is None or value <= high)):
        bound = f"between {low:g} and {high:g}" if high is not None else f"at least {low:g}"
        p.add(place, f"'{key}' must be {bound} (found {_describe(value)})")
        return None
    return float(value)


def _is_date(text: str) -> bool:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return False
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _place_id(raw: Any, pattern: re.Pattern[str]) -> str | None:
    """An id fit to name a place in a problem: only one that is valid (short, plain)."""
    if isinstance(raw, str) and pattern.match(raw):
        return raw
    return None


def load_mapping(data: Any, source: str, *, strict: bool = True) -> Checklist:
    """Validate already-parsed checklist data; raises ChecklistError listing every problem.

    ``strict`` applies every limit a new file must meet (text lengths, counts, version
    range, dates, names, an item for each designation). Content pinned with stored audits
    is read with ``strict=False``: it passed the checks of its day, and an audit must stay
    readable even if a later WardAudit tightens a limit.
    """
    p = _Problems(source)
    if not isinstance(data, dict):
        p.add("", "the content must be a table of keys (a checklist file)")
        raise ChecklistError(source, p.listing())
    try:
        checklist = _parse(data, p, source, strict)
    except RecursionError:
        p.add("", "is nested too deeply to be a checklist")
        checklist = None
    if checklist is None:
        raise ChecklistError(source, p.listing())
    return checklist


def _parse(data: dict[str, Any], p: _Problems, source: str, strict: bool) -> Checklist | None:  # noqa: C901 - a validator checks each part of the file in turn
    _unknown_keys(p, "top level", data, _TOP_KEYS)

    fmt = data.get("format")
    if fmt is None:
        p.add("top level", f"'format' is missing; expected format = {FORMAT_VERSION}")
    elif isinstance(fmt, bool) or not isinstance(fmt, int) or fmt != FORMAT_VERSION:
        p.add("top level", f"'format' must be {FORMAT_VERSION} (found {_describe(fmt)})")

    checklist_id = _text(p, "top level", data, "id", required=True)
    if checklist_id and not _ID_RE.match(checklist_id):
        p.add(
            "top level",
            "'id' must be lower-case letters, digits and hyphens, at most 64 "
            f"(found {_describe(checklist_id)})",
        )
    version = data.get("version")
    if version is None:
        p.add("top level", "'version' is missing; expected a whole number such as 1")
        version = 0
    elif isinstance(version, bool) or not isinstance(version, int) or version < 1:
        p.add(
            "top level",
            f"'version' must be a whole number of 1 or more (found {_describe(version)})",
        )
        version = 0
    elif version > MAX_VERSION and strict:
        p.add(
            "top level",
            f"'version' must be at most {MAX_VERSION:,} (found {_describe(version)})",
        )
        version = 0
    title = _text(p, "top level", data, "title", required=True, strict=strict)
    description = _text(p, "top level", data, "description", required=False, strict=strict)
    if "published" in data:
        published = data["published"]
        if not isinstance(published, str):
            p.add("top level", "'published' must be a date in quotes, such as \"2026-11-27\"")
        elif strict and not _is_date(published):
            p.add(
                "top level",
                f"'published' must be a date written as \"2026-11-27\" (found {_describe(published)})",
            )

    designations = DESIGNATIONS
    if "designations" in data:
        raw = data["designations"]
        if (
            not isinstance(raw, list)
            or not raw
            or not all(isinstance(d, str) and d in DESIGNATIONS for d in raw)
            or len(set(raw)) != len(raw)
        ):
            p.add(
                "top level",
                "'designations' must list the ward designations the checklist is for, each "
                'once, from "male", "female" and "mixed"',
            )
        else:
            designations = tuple(d for d in DESIGNATIONS if d in raw)

    thresholds = _parse_thresholds(p, data.get("thresholds", {}))
    raw_settings = data.get("settings", {})
    settings = _parse_settings(p, raw_settings, strict)
    # names of settings given, valid or not: an item naming a broken one is not told twice
    setting_names = set(raw_settings) if isinstance(raw_settings, dict) else set()

    raw_sections = data.get("sections")
    sections: list[Section] = []
    if raw_sections is None:
        p.add("top level", "there are no sections; expected at least one [[sections]] table")
        raw_sections = []
    elif not isinstance(raw_sections, list):
        p.add("top level", "'sections' must be a list of [[sections]] tables")
        raw_sections = []
    elif not raw_sections:
        p.add("top level", "there are no sections; expected at least one [[sections]] table")
    elif strict and len(raw_sections) > MAX_SECTIONS:
        p.add(
            "top level", f"has {len(raw_sections):,} sections; at most {MAX_SECTIONS} are allowed"
        )
        raw_sections = raw_sections[:MAX_SECTIONS]
    item_count = sum(
        len(s["items"])
        for s in raw_sections
        if isinstance(s, dict) and isinstance(s.get("items"), list)
    )
    too_many_items = strict and item_count > MAX_ITEMS
    if too_many_items:
        p.add("top level", f"has {item_count:,} items; at most {MAX_ITEMS:,} are allowed")
    seen_sections: set[str] = set()
    seen_items: dict[str, str] = {}
    for index, raw_section in enumerate([] if too_many_items else raw_sections, start=1):
        place = f"section {index}"
        if not isinstance(raw_section, dict):
            p.add(place, "must be a [[sections]] table")
            continue
        named = _place_id(raw_section.get("id"), _ID_RE)
        if named:
            place = f"section '{named}'"
        _unknown_keys(p, place, raw_section, _SECTION_KEYS)
        section_id = _text(p, place, raw_section, "id", required=True)
        if section_id and not _ID_RE.match(section_id):
            p.add(place, "'id' must be lower-case letters, digits and hyphens, at most 64")
        if section_id in seen_sections:
            p.add(place, f"the section id '{section_id}' is used twice")
        seen_sections.add(section_id)
        section_title = _text(p, place, raw_section, "title", required=True, strict=strict)
        section_description = _text(
            p, place, raw_section, "description", required=False, strict=strict
        )
        raw_items = raw_section.get("items")
        if not isinstance(raw_items, list) or not raw_items:
            p.add(place, "has no items; expected at least one [[sections.items]] table")
            raw_items = []
        items: list[Item] = []
        for item_index, raw_item in enumerate(raw_items, start=1):
            item = _parse_item(
                p,
                place,
                item_index,
                raw_item,
                section_id,
                settings,
                setting_names,
                seen_items,
                strict,
            )
            if item is not None:
                items.append(item)
        sections.append(Section(section_id, section_title, section_description, tuple(items)))

    all_items = [item for section in sections for item in section.items]
    for item in all_items:
        extra = [d for d in item.applies_to if d not in designations]
        if extra:
            p.add(
                f"item '{item.id}'",
                f"'applies_to' names {extra[0]} wards, which the checklist's 'designations' leave out",
            )
    if strict and not len(p):
        for designation in designations:
            if not any(item.applies(designation) for item in all_items):
                p.add(
                    "top level",
                    f"no item applies to {designation} wards, so an audit of one would have no "
                    "questions; give an item that designation in 'applies_to', or list only the "
                    "designations the checklist is for under 'designations'",
                )
    for setting in settings.values():
        if not setting.affects:
            continue
        changed = {item.id for item in all_items if setting.name in item.depends_on}
        listed = set(setting.affects)
        place = f"setting '{setting.name}'"
        for item_id in sorted(listed - changed):
            p.add(
                place,
                f"'affects' lists {_describe(item_id)}, but that item does not depend on this setting",
            )
        for item_id in sorted(changed - listed):
            p.add(place, f"'affects' leaves out item '{item_id}', which depends on this setting")

    if len(p):
        return None
    try:
        canonical = json.dumps(
            data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False
        )
        encoded = canonical.encode("utf-8")
    except (TypeError, ValueError, UnicodeEncodeError):
        p.add("", "holds values that cannot be stored (such as text that is not valid Unicode)")
        return None
    return Checklist(
        id=checklist_id,
        version=int(version),
        title=title,
        description=description,
        thresholds=thresholds,
        sections=tuple(sections),
        settings=tuple(settings.values()),
        content_hash=hashlib.sha256(encoded).hexdigest(),
        canonical_json=canonical,
        source=source,
        designations=designations,
    )


def _parse_thresholds(p: _Problems, raw: Any) -> Thresholds:
    if not isinstance(raw, dict):
        p.add("thresholds", "must be a table with 'green' and 'amber'")
        return Thresholds()
    _unknown_keys(p, "thresholds", raw, _THRESHOLD_KEYS)
    green = _number(p, "thresholds", "green", raw.get("green", 90), 0, 100)
    amber = _number(p, "thresholds", "amber", raw.get("amber", 75), 0, 100)
    floor = None
    if "section_floor" in raw:
        floor = _number(p, "thresholds", "section_floor", raw["section_floor"], 0, 100)
    if green is None or amber is None:
        return Thresholds()
    if amber > green:
        p.add("thresholds", f"'amber' ({amber:g}) must not be above 'green' ({green:g})")
    return Thresholds(green=green, amber=amber, section_floor=floor)


def _parse_settings(p: _Problems, raw_settings: Any, strict: bool) -> dict[str, Setting]:  # noqa: C901 - a validator checks each part of the file in turn
    settings: dict[str, Setting] = {}
    if not isinstance(raw_settings, dict):
        p.add("settings", "must be a table of named settings")
        return settings
    if strict and len(raw_settings) > MAX_SETTINGS:
        p.add("settings", f"has {len(raw_settings)} settings; at most {MAX_SETTINGS} are allowed")
        return settings
    for name, raw in raw_settings.items():
        if not isinstance(name, str) or (strict and not _SETTING_NAME_RE.match(name)):
            p.add(
                f"setting {_key_name(name)}",
                "a setting's name must be lower-case letters, digits and '_', starting with a "
                "letter (at most 32), such as corridor_rule",
            )
            continue
        place = f"setting '{name}'"
        if not isinstance(raw, dict):
            p.add(place, "must be a table with 'description', 'choices' and 'value'")
            continue
        _unknown_keys(p, place, raw, _SETTING_KEYS)
        setting_description = _text(p, place, raw, "description", required=True, strict=strict)
        choices = raw.get("choices")
        if (
            not isinstance(choices, list)
            or not choices
            or not all(isinstance(c, str) and c for c in choices)
        ):
            p.add(place, "'choices' must be a non-empty list of text values")
            continue
        if len(set(choices)) != len(choices):
            p.add(place, "'choices' lists a value twice")
            continue
        if strict and len(choices) > MAX_CHOICES:
            p.add(place, f"has {len(choices)} choices; at most {MAX_CHOICES} are allowed")
            continue
        if strict and not all(_CHOICE_RE.match(c) for c in choices):
            bad = next(c for c in choices if not _CHOICE_RE.match(c))
            p.add(
                place,
                "each choice must be lower-case letters, digits and hyphens, at most 64 "
                f"(found {_describe(bad)})",
            )
            continue
        value = raw.get("value")
        if not isinstance(value, str) or value not in choices:
            p.add(place, f"'value' must be one of {choices} (found {_describe(value)})")
            continue
        labels: tuple[tuple[str, str], ...] = ()
        if "labels" in raw:
            raw_labels = raw["labels"]
            if not isinstance(raw_labels, dict) or not all(
                isinstance(v, str) and v.strip() and len(v) <= TEXT_LIMITS["label"]
                for v in raw_labels.values()
            ):
                p.add(
                    place,
                    "'labels' must be a table giving each choice a few words of text "
                    f"(at most {TEXT_LIMITS['label']} characters)",
                )
                continue
            unknown = [k for k in raw_labels if k not in choices]
            if unknown:
                p.add(
                    place,
                    f"'labels' names {_key_name(unknown[0])}, which is not one of the choices",
                )
                continue
            labels = tuple((c, raw_labels[c].strip()) for c in choices if c in raw_labels)
        affects: tuple[str, ...] = ()
        if "affects" in raw:
            raw_affects = raw["affects"]
            if (
                not isinstance(raw_affects, list)
                or not raw_affects
                or not all(isinstance(a, str) and _ITEM_ID_RE.match(a) for a in raw_affects)
                or len(set(raw_affects)) != len(raw_affects)
            ):
                p.add(
                    place, "'affects' must be a list of the ids of the items it changes, each once"
                )
                continue
            affects = tuple(raw_affects)
        settings[name] = Setting(
            name, setting_description, tuple(choices), value, labels=labels, affects=affects
        )
    return settings


def _parse_risk(p: _Problems, place: str, raw_risk: Any) -> DefaultRisk | None:
    if raw_risk is None:
        p.add(place, "'risk' is missing; expected { likelihood = 1-5, consequence = 1-5 }")
        return None
    if not isinstance(raw_risk, dict):
        p.add(place, "'risk' must be a table { likelihood = 1-5, consequence = 1-5 }")
        return None
    _unknown_keys(p, place + " risk", raw_risk, {"likelihood", "consequence"})
    values: dict[str, int] = {}
    for key in ("likelihood", "consequence"):
        value = raw_risk.get(key)
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
            p.add(
                place,
                f"risk '{key}' must be a whole number from 1 to 5 (found {_describe(value)})",
            )
        else:
            values[key] = value
    if len(values) != 2:
        return None
    return DefaultRisk(values["likelihood"], values["consequence"])


def _parse_weight(p: _Problems, place: str, value: Any) -> float:
    checked = _number(p, place, "weight", value, 0, MAX_WEIGHT)
    if checked is None:
        return 1.0
    if checked <= 0:
        p.add(place, "'weight' must be greater than 0 (use applies_to to leave an item out)")
    elif abs(checked * 100 - round(checked * 100)) > 1e-9:
        p.add(place, f"'weight' may have at most two decimal places (found {checked})")
    else:
        return checked
    return 1.0


def _parse_critical(p: _Problems, place: str, raw: dict[str, Any]) -> bool:
    critical = raw.get("critical", False)
    if not isinstance(critical, bool):
        p.add(place, f"'critical' must be true or false (found {_describe(critical)})")
        return False
    return critical


def _parse_variants(  # noqa: C901 - a validator checks each part of the file in turn
    p: _Problems,
    place: str,
    raw: Any,
    settings: dict[str, Setting],
    setting_names: set[str],
    strict: bool,
) -> tuple[str, dict[str, Any]] | None:
    """The item's wording and flags for the current value of one setting, if it varies.

    Returns (setting name, the fields that replace the item's own for the current value).
    Every variant is validated, the current one or not: a trust may switch the setting.
    """
    example = "[sections.items.variants.sex_basis.annex-b-2019] with question, guidance, ..."
    if not isinstance(raw, dict) or not raw:
        p.add(place, f"'variants' must be a table such as {example}")
        return None
    if len(raw) > 1:
        p.add(place, "'variants' may follow one setting only; split the item if it needs two")
        return None
    name, by_choice = next(iter(raw.items()))
    setting = settings.get(name)
    if setting is None:
        if name not in setting_names:
            p.add(
                place,
                f"'variants' names the setting {_key_name(name)}, which is not defined under [settings]",
            )
        return None
    if not isinstance(by_choice, dict) or not by_choice:
        p.add(place, f"'variants.{name}' must be a table with one table per choice")
        return None
    current: dict[str, Any] = {}
    for choice, fields in by_choice.items():
        where = f"{place} variant {name} = {_key_name(choice)}"
        if choice not in setting.choices:
            p.add(where, f"{_key_name(choice)} is not one of the choices {list(setting.choices)}")
            continue
        if not isinstance(fields, dict) or not fields:
            p.add(where, "must be a table with one or more of: " + ", ".join(sorted(_VARIANT_KEYS)))
            continue
        _unknown_keys(p, where, fields, _VARIANT_KEYS)
        checked: dict[str, Any] = {}
        for key in ("question", "guidance", "action"):
            if key in fields:
                checked[key] = _text(p, where, fields, key, required=True, strict=strict)
        if "question" in checked and checked["question"] and not checked["question"].endswith("?"):
            p.add(where, "'question' must end with '?'")
        if "critical" in fields:
            checked["critical"] = _parse_critical(p, where, fields)
        if "weight" in fields:
            checked["weight"] = _parse_weight(p, where, fields["weight"])
        if "risk" in fields:
            checked["risk"] = _parse_risk(p, where, fields["risk"])
        if choice == setting.value:
            current = checked
    return name, current


def _parse_item(  # noqa: C901 - a validator checks each part of the file in turn
    p: _Problems,
    section_place: str,
    index: int,
    raw: Any,
    section_id: str,
    settings: dict[str, Setting],
    setting_names: set[str],
    seen_items: dict[str, str],
    strict: bool,
) -> Item | None:
    place = f"{section_place}, item {index}"
    if not isinstance(raw, dict):
        p.add(place, "must be a [[sections.items]] table")
        return None
    named = _place_id(raw.get("id"), _ITEM_ID_RE)
    if named:
        place = f"{section_place}, item '{named}'"
    before = len(p)
    _unknown_keys(p, place, raw, _ITEM_KEYS)
    item_id = _text(p, place, raw, "id", required=True)
    if item_id and not _ITEM_ID_RE.match(item_id):
        p.add(place, "'id' must be letters, digits, '.', '_' or '-' (at most 32), such as A01")
    if item_id in seen_items:
        p.add(place, f"the item id '{item_id}' is already used in section '{seen_items[item_id]}'")
    elif item_id:
        seen_items[item_id] = section_id
    question = _text(p, place, raw, "question", required=True, strict=strict)
    if strict and question and not question.endswith("?"):
        p.add(place, "'question' must end with '?' (Yes means compliant)")
    guidance = _text(p, place, raw, "guidance", required=True, strict=strict)
    owner = _text(p, place, raw, "owner", required=True, strict=strict)
    action = _text(p, place, raw, "action", required=True, strict=strict)

    weight = _parse_weight(p, place, raw["weight"]) if "weight" in raw else 1.0

    critical = _parse_critical(p, place, raw)
    depends_on: list[str] = []

    critical_when = raw.get("critical_when")
    if critical_when is not None:
        if not isinstance(critical_when, dict) or not critical_when:
            p.add(
                place,
                "'critical_when' must be a table such as { corridor_rule = \"code-of-practice\" }",
            )
        elif critical:
            p.add(place, "'critical_when' has no effect on an item that is already critical")
        elif "variants" in raw:
            p.add(place, "use 'critical' inside 'variants' rather than 'critical_when' as well")
        else:
            matched = True
            for name, wanted in critical_when.items():
                setting = settings.get(name)
                if setting is None:
                    if name not in setting_names:
                        p.add(
                            place,
                            f"'critical_when' names the setting {_key_name(name)}, which is not defined under [settings]",
                        )
                    matched = False
                elif not isinstance(wanted, str) or wanted not in setting.choices:
                    p.add(
                        place,
                        f"'critical_when' wants {name} = {_describe(wanted)}, not one of {list(setting.choices)}",
                    )
                    matched = False
                else:
                    depends_on.append(name)
                    if setting.value != wanted:
                        matched = False
            critical = matched

    risk = _parse_risk(p, place, raw.get("risk"))

    if "variants" in raw:
        varied = _parse_variants(p, place, raw["variants"], settings, setting_names, strict)
        if varied is not None:
            name, current = varied
            depends_on.append(name)
            question = current.get("question", question)
            guidance = current.get("guidance", guidance)
            action = current.get("action", action)
            critical = current.get("critical", critical)
            weight = current.get("weight", weight)
            risk = current.get("risk", risk)

    applies_to: tuple[str, ...] = DESIGNATIONS
    if "applies_to" in raw:
        raw_applies = raw["applies_to"]
        if not isinstance(raw_applies, list) or not raw_applies:
            p.add(
                place, '\'applies_to\' must be a non-empty list such as ["male", "female", "mixed"]'
            )
        else:
            bad = [v for v in raw_applies if not isinstance(v, str) or v not in DESIGNATIONS]
            if bad:
                p.add(
                    place, f"'applies_to' has {_describe(bad[0])}; expected male, female or mixed"
                )
            elif len(set(raw_applies)) != len(raw_applies):
                p.add(place, "'applies_to' lists a designation twice")
            else:
                applies_to = tuple(d for d in DESIGNATIONS if d in raw_applies)

    raw_sources = raw.get("sources")
    sources: tuple[str, ...] = ()
    if raw_sources is None:
        p.add(place, "'sources' is missing; expected a list of at least one citation")
    elif (
        not isinstance(raw_sources, list)
        or not raw_sources
        or not all(isinstance(s, str) and s.strip() for s in raw_sources)
    ):
        p.add(place, "'sources' must be a list of at least one non-empty citation")
    elif strict and len(raw_sources) > MAX_SOURCES:
        p.add(place, f"has {len(raw_sources)} sources; at most {MAX_SOURCES} are allowed")
    elif strict and any(len(s) > TEXT_LIMITS["source"] for s in raw_sources):
        p.add(place, f"a source is longer than {TEXT_LIMITS['source']} characters")
    else:
        sources = tuple(s.strip() for s in raw_sources)

    if len(p) > before or risk is None:
        return None
    return Item(
        id=item_id,
        section_id=section_id,
        question=question,
        guidance=guidance,
        weight=weight,
        critical=critical,
        applies_to=applies_to,
        risk=risk,
        owner=owner,
        action=action,
        sources=sources,
        depends_on=tuple(dict.fromkeys(depends_on)),
    )


def validate_file(path: Path | str) -> list[str]:
    """Every problem in a checklist file, one line each; an empty list when it is valid."""
    try:
        load_file(path)
    except ChecklistError as error:
        return error.problems
    except Exception as error:  # a fault in WardAudit, not in the file: say so, never crash
        log.exception("checking the checklist file %s failed", path)
        return [
            f"{path}: could not be checked because of a fault in WardAudit ({type(error).__name__}); please report it"
        ]
    return []


def read_capped(path: Path) -> bytes:
    """The bytes of a regular file of at most MAX_FILE_BYTES, read without reading more."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise ChecklistError(path, [f"{path}: the file does not exist"]) from None
    except OSError as error:
        raise ChecklistError(
            path, [f"{path}: cannot be read ({error.strerror or error})"]
        ) from None
    if stat.S_ISDIR(info.st_mode):
        raise ChecklistError(path, [f"{path}: is a folder, not a checklist file"])
    if not stat.S_ISREG(info.st_mode):
        raise ChecklistError(path, [f"{path}: is not an ordinary file, so it is not read"])
    too_big = [
        f"{path}: is too large for a checklist file ({info.st_size:,} bytes; at most "
        f"{MAX_FILE_BYTES:,}); it was not read"
    ]
    if info.st_size > MAX_FILE_BYTES:
        raise ChecklistError(path, too_big)
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)  # the file may have grown since stat
    except IsADirectoryError:
        raise ChecklistError(path, [f"{path}: is a folder, not a checklist file"]) from None
    except OSError as error:
        raise ChecklistError(
            path, [f"{path}: cannot be read ({error.strerror or error})"]
        ) from None
    if len(raw) > MAX_FILE_BYTES:
        raise ChecklistError(path, too_big)
    return raw


def load_file(path: Path | str) -> Checklist:
    """Read and validate a checklist file; raises ChecklistError listing every problem."""
    path = Path(path)
    return load_bytes(read_capped(path), str(path))


def load_bytes(raw_bytes: bytes, source: str) -> Checklist:
    """Validate the bytes of a checklist file; raises ChecklistError and nothing else."""
    if len(raw_bytes) > MAX_FILE_BYTES:
        raise ChecklistError(
            source,
            [f"{source}: is too large for a checklist file (at most {MAX_FILE_BYTES:,} bytes)"],
        )
    try:
        text = raw_bytes.decode("utf-8-sig")  # a byte-order mark, as some editors write, is fine
    except UnicodeDecodeError as error:
        raise ChecklistError(
            source, [f"{source}: is not UTF-8 text (byte {error.start:,}); save it as UTF-8"]
        ) from None
    if not text.strip():
        raise ChecklistError(source, [f"{source}: the file is empty"])
    import tomllib  # only when a file is read: the app shows its wards without it

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ChecklistError(source, [f"{source}: is not valid TOML: {error}"]) from None
    except RecursionError:
        raise ChecklistError(
            source, [f"{source}: is not usable TOML: its lists or tables are nested too deeply"]
        ) from None
    except ValueError as error:  # such as an integer of thousands of digits
        raise ChecklistError(source, [f"{source}: is not usable TOML: {error}"]) from None
    return load_mapping(data, source)


def from_canonical_json(
    canonical: str, source: str = "database", *, strict: bool = False
) -> Checklist:
    """Rebuild a pinned checklist from the exact content stored with its audits.

    Content from outside (an exchange file) should pass ``strict=True``: it must meet every
    rule a checklist file meets today.
    """
    try:
        data = json.loads(canonical)
    except (ValueError, RecursionError) as error:
        detail = "nested too deeply" if isinstance(error, RecursionError) else str(error)[:200]
        raise ChecklistError(
            source, [f"{source}: the stored checklist content is not readable ({detail})"]
        ) from None
    return load_mapping(data, source, strict=strict)


# --- finding checklists -----------------------------------------------------------------


def builtin_dir() -> Path:
    """The folder of built-in checklists: installed beside the package, or in the source tree."""
    here = Path(__file__).resolve().parent
    installed = here / "builtin_checklists"  # a wheel or the desktop bundle
    if installed.is_dir():
        return installed
    return here.parent / "checklists"  # a source checkout or an editable install


def _problem_summary(error: ChecklistError, shown: int = 3) -> str:
    prefix = f"{error.path}: "
    lines = [p[len(prefix) :] if p.startswith(prefix) else p for p in error.problems]
    text = "; ".join(lines[:shown])
    if len(lines) > shown:
        text += (
            f"; and {len(lines) - shown} more (see 'wardaudit checklists validate {error.path}')"
        )
    return text


@dataclass
class ChecklistLibrary:
    """Every checklist found in the built-in and trust folders, with the files that failed.

    Two files giving one checklist id and version different content are a conflict: neither
    is used, and if that version is the newest of its checklist, ``latest`` refuses (naming
    both files) rather than fall back to an older version nobody chose.
    """

    versions: dict[str, list[Checklist]] = field(default_factory=dict)
    problems: list[ChecklistError] = field(default_factory=list)
    conflicts: dict[tuple[str, int], ChecklistConflict] = field(default_factory=dict)

    def add(self, checklist: Checklist) -> None:
        versions = self.versions.setdefault(checklist.id, [])
        versions[:] = [v for v in versions if v.version != checklist.version]
        versions.append(checklist)
        versions.sort(key=lambda c: c.version)

    def _blocking_conflict(self, checklist_id: str) -> ChecklistConflict | None:
        newest = max((c.version for c in self.versions.get(checklist_id, [])), default=0)
        clashes = [
            error
            for (cid, version), error in self.conflicts.items()
            if cid == checklist_id and version > newest
        ]
        return max(clashes, key=lambda e: e.version) if clashes else None

    def latest(self, checklist_id: str) -> Checklist:
        conflict = self._blocking_conflict(checklist_id)
        if conflict is not None:
            raise conflict
        versions = self.versions.get(checklist_id)
        if not versions:
            known = ", ".join(sorted(self.versions)) or "none"
            raise NotFound(f"no checklist with id '{checklist_id}' (known: {known})")
        return versions[-1]

    def all_latest(self) -> list[Checklist]:
        return [
            versions[-1]
            for checklist_id, versions in sorted(self.versions.items())
            if versions and self._blocking_conflict(checklist_id) is None
        ]

    @property
    def warnings(self) -> list[str]:
        """One line per file skipped or in conflict, for the app and the command line."""
        lines = []
        for error in self.problems:
            if isinstance(error, ChecklistConflict):
                lines.append(str(error))
            else:
                lines.append(
                    f"the checklist file {error.path} was skipped: {_problem_summary(error)}"
                )
        return lines


def _checklist_files(folder: Path, library: ChecklistLibrary) -> list[Path]:
    try:
        if not folder.is_dir():
            return []
        return sorted(folder.glob("*.toml"))
    except OSError as error:
        library.problems.append(
            ChecklistError(
                folder,
                [f"{folder}: the checklist folder cannot be read ({error.strerror or error})"],
            )
        )
        return []


def load_library(extra_dirs: Iterable[Path] | None = None) -> ChecklistLibrary:
    """Load built-in checklists, then trust folders; a bad file is skipped, never fatal."""
    from wardaudit.paths import trust_checklist_dirs

    library = ChecklistLibrary()
    dirs = [builtin_dir(), *(trust_checklist_dirs() if extra_dirs is None else extra_dirs)]
    found: dict[tuple[str, int], list[Checklist]] = {}
    seen_files: set[str] = set()
    for folder in dirs:
        for path in _checklist_files(folder, library):
            try:
                key = str(path.resolve())
            except OSError:
                key = str(path)
            if key in seen_files:
                continue  # the same folder named twice
            seen_files.add(key)
            try:
                checklist = load_file(path)
            except ChecklistError as error:
                library.problems.append(error)
                continue
            except Exception as error:  # a fault in WardAudit must not stop the app either
                log.exception("reading the checklist file %s failed", path)
                library.problems.append(
                    ChecklistError(
                        path,
                        [
                            f"{path}: could not be read because of a fault in WardAudit ({type(error).__name__})"
                        ],
                    )
                )
                continue
            found.setdefault((checklist.id, checklist.version), []).append(checklist)
    for (checklist_id, version), copies in found.items():
        if len({c.content_hash for c in copies}) == 1:
            library.add(copies[0])  # the same content in two files is no conflict
            continue
        conflict = ChecklistConflict(checklist_id, version, [c.source for c in copies])
        library.conflicts[(checklist_id, version)] = conflict
        library.problems.append(conflict)
    return library


def default_checklist(checklists: Iterable[Checklist]) -> Checklist:
    """The checklist offered first: the first built-in one, else the first the trust has.

    ``checklists`` is usually ``ChecklistLibrary.all_latest()``; with none at all there is
    nothing to offer, which is an error a person can act on.
    """
    offered = list(checklists)
    if not offered:
        raise NotFound(
            "there is no checklist to offer: the built-in checklists are missing and the "
            "trust's folder has none"
        )
    folder = builtin_dir().resolve()
    for checklist in offered:
        if checklist.source and folder in _folders_above(checklist.source):
            return checklist
    return offered[0]


def _folders_above(source: str) -> list[Path]:
    try:
        return list(Path(source).resolve().parents)
    except OSError:
        return []
