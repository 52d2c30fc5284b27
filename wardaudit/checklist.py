"""Checklists as data: load a TOML checklist file, validate every part of it, and pin it.

A file is validated whole, so its author sees every problem at once, each naming the
file, the place (section and item) and what was expected. A checklist's identity for an
audit is its content hash: an audit keeps the exact content it was answered against.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wardaudit.errors import ChecklistError, NotFound

DESIGNATIONS: tuple[str, ...] = ("male", "female", "mixed")
DESIGNATION_WORDS = {"male": "Male", "female": "Female", "mixed": "Mixed"}
FORMAT_VERSION = 1

_ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
_ITEM_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$")

_TOP_KEYS = {
    "format",
    "id",
    "version",
    "title",
    "description",
    "published",
    "thresholds",
    "settings",
    "sections",
}
_SECTION_KEYS = {"id", "title", "description", "items"}
_ITEM_KEYS = {
    "id",
    "question",
    "guidance",
    "weight",
    "critical",
    "critical_when",
    "applies_to",
    "risk",
    "owner",
    "action",
    "sources",
}
_SETTING_KEYS = {"description", "choices", "value"}


@dataclass(frozen=True)
class DefaultRisk:
    likelihood: int
    consequence: int


@dataclass(frozen=True)
class Item:
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


@dataclass(frozen=True)
class Thresholds:
    green: float = 90.0
    amber: float = 75.0


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

    def items(self) -> Iterator[Item]:
        for section in self.sections:
            yield from section.items

    def item(self, item_id: str) -> Item:
        for item in self.items():
            if item.id == item_id:
                return item
        raise NotFound(f"checklist {self.id} v{self.version} has no item '{item_id}'")

    def applicable_items(self, sex: str) -> list[Item]:
        return [item for item in self.items() if item.applies(sex)]

    def section(self, section_id: str) -> Section:
        for section in self.sections:
            if section.id == section_id:
                return section
        raise NotFound(f"checklist {self.id} has no section '{section_id}'")

    @property
    def label(self) -> str:
        return f"{self.title} (v{self.version})"


# --- validation -------------------------------------------------------------------------


class _Problems:
    """Collects problems, each prefixed with the place in the file it concerns."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.items: list[str] = []

    def add(self, place: str, message: str) -> None:
        where = f"{self.path}: {place}: " if place else f"{self.path}: "
        self.items.append(where + message)


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return repr(value) if len(value) < 40 else repr(value[:37] + "...")
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    return repr(value)


def _text(p: _Problems, place: str, table: dict[str, Any], key: str, *, required: bool) -> str:
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
    return value.strip()


def _unknown_keys(p: _Problems, place: str, table: dict[str, Any], allowed: set[str]) -> None:
    for key in sorted(set(table) - allowed):
        p.add(place, f"unknown key '{key}' (expected one of: {', '.join(sorted(allowed))})")


def _number(
    p: _Problems, place: str, key: str, value: Any, low: float, high: float | None
) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        p.add(place, f"'{key}' must be a number (found {_describe(value)})")
        return None
    if value < low or (high is not None and value > high):
        bound = f"between {low:g} and {high:g}" if high is not None else f"at least {low:g}"
        p.add(place, f"'{key}' must be {bound} (found {value})")
        return None
    return float(value)


def _parse(data: dict[str, Any], p: _Problems, source: str) -> Checklist | None:
    _unknown_keys(p, "top level", data, _TOP_KEYS)

    fmt = data.get("format")
    if fmt is None:
        p.add("top level", f"'format' is missing; expected format = {FORMAT_VERSION}")
    elif fmt != FORMAT_VERSION or isinstance(fmt, bool):
        p.add("top level", f"'format' must be {FORMAT_VERSION} (found {_describe(fmt)})")

    checklist_id = _text(p, "top level", data, "id", required=True)
    if checklist_id and not _ID_RE.match(checklist_id):
        p.add(
            "top level",
            f"'id' must be lower-case letters, digits and hyphens (found {checklist_id!r})",
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
    title = _text(p, "top level", data, "title", required=True)
    description = _text(p, "top level", data, "description", required=False)
    if "published" in data and not isinstance(data["published"], str):
        p.add("top level", "'published' must be a date in quotes, such as \"2026-11-27\"")

    thresholds = Thresholds()
    raw_thresholds = data.get("thresholds", {})
    if not isinstance(raw_thresholds, dict):
        p.add("thresholds", "must be a table with 'green' and 'amber'")
    else:
        _unknown_keys(p, "thresholds", raw_thresholds, {"green", "amber"})
        green = _number(p, "thresholds", "green", raw_thresholds.get("green", 90), 0, 100)
        amber = _number(p, "thresholds", "amber", raw_thresholds.get("amber", 75), 0, 100)
        if green is not None and amber is not None:
            if amber > green:
                p.add(
                    "thresholds",
                    f"'amber' ({amber:g}) must not be above 'green' ({green:g})",
                )
            thresholds = Thresholds(green=green, amber=amber)

    settings: dict[str, Setting] = {}
    raw_settings = data.get("settings", {})
    if not isinstance(raw_settings, dict):
        p.add("settings", "must be a table of named settings")
        raw_settings = {}
    for name, raw in raw_settings.items():
        place = f"setting '{name}'"
        if not isinstance(raw, dict):
            p.add(place, "must be a table with 'description', 'choices' and 'value'")
            continue
        _unknown_keys(p, place, raw, _SETTING_KEYS)
        setting_description = _text(p, place, raw, "description", required=True)
        choices = raw.get("choices")
        if (
            not isinstance(choices, list)
            or not choices
            or not all(isinstance(c, str) and c for c in choices)
        ):
            p.add(place, "'choices' must be a non-empty list of text values")
            continue
        value = raw.get("value")
        if value not in choices:
            p.add(place, f"'value' must be one of {choices} (found {_describe(value)})")
            continue
        settings[name] = Setting(name, setting_description, tuple(choices), str(value))

    raw_sections = data.get("sections")
    sections: list[Section] = []
    if raw_sections is None:
        p.add("top level", "there are no sections; expected at least one [[sections]] table")
        raw_sections = []
    elif not isinstance(raw_sections, list):
        p.add("top level", "'sections' must be a list of [[sections]] tables")
        raw_sections = []
    seen_sections: set[str] = set()
    seen_items: dict[str, str] = {}
    for index, raw_section in enumerate(raw_sections, start=1):
        place = f"section {index}"
        if not isinstance(raw_section, dict):
            p.add(place, "must be a [[sections]] table")
            continue
        section_id = raw_section.get("id")
        if isinstance(section_id, str) and section_id:
            place = f"section '{section_id}'"
        _unknown_keys(p, place, raw_section, _SECTION_KEYS)
        section_id = _text(p, place, raw_section, "id", required=True)
        if section_id and not _ID_RE.match(section_id):
            p.add(place, "'id' must be lower-case letters, digits and hyphens")
        if section_id in seen_sections:
            p.add(place, f"the section id '{section_id}' is used twice")
        seen_sections.add(section_id)
        section_title = _text(p, place, raw_section, "title", required=True)
        section_description = _text(p, place, raw_section, "description", required=False)
        raw_items = raw_section.get("items")
        if not isinstance(raw_items, list) or not raw_items:
            p.add(place, "has no items; expected at least one [[sections.items]] table")
            raw_items = []
        items: list[Item] = []
        for item_index, raw_item in enumerate(raw_items, start=1):
            item = _parse_item(p, place, item_index, raw_item, section_id, settings, seen_items)
            if item is not None:
                items.append(item)
        sections.append(Section(section_id, section_title, section_description, tuple(items)))

    if p.items:
        return None
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return Checklist(
        id=checklist_id,
        version=int(version),
        title=title,
        description=description,
        thresholds=thresholds,
        sections=tuple(sections),
        settings=tuple(settings.values()),
        content_hash=hashlib.sha256(canonical.encode("utf-8")).hexdigest(),
        canonical_json=canonical,
        source=source,
    )


def _parse_item(
    p: _Problems,
    section_place: str,
    index: int,
    raw: Any,
    section_id: str,
    settings: dict[str, Setting],
    seen_items: dict[str, str],
) -> Item | None:
    place = f"{section_place}, item {index}"
    if not isinstance(raw, dict):
        p.add(place, "must be a [[sections.items]] table")
        return None
    raw_id = raw.get("id")
    if isinstance(raw_id, str) and raw_id:
        place = f"{section_place}, item '{raw_id}'"
    before = len(p.items)
    _unknown_keys(p, place, raw, _ITEM_KEYS)
    item_id = _text(p, place, raw, "id", required=True)
    if item_id and not _ITEM_ID_RE.match(item_id):
        p.add(place, "'id' must be letters, digits, '.', '_' or '-' (at most 32), such as A01")
    if item_id in seen_items:
        p.add(place, f"the item id '{item_id}' is already used in section '{seen_items[item_id]}'")
    elif item_id:
        seen_items[item_id] = section_id
    question = _text(p, place, raw, "question", required=True)
    guidance = _text(p, place, raw, "guidance", required=True)
    owner = _text(p, place, raw, "owner", required=True)
    action = _text(p, place, raw, "action", required=True)

    weight = 1.0
    if "weight" in raw:
        checked = _number(p, place, "weight", raw["weight"], 0, 100)
        if checked is not None:
            if checked <= 0:
                p.add(
                    place, "'weight' must be greater than 0 (use applies_to to leave an item out)"
                )
            elif abs(checked * 100 - round(checked * 100)) > 1e-9:
                p.add(place, f"'weight' may have at most two decimal places (found {checked})")
            else:
                weight = checked

    critical = raw.get("critical", False)
    if not isinstance(critical, bool):
        p.add(place, f"'critical' must be true or false (found {_describe(critical)})")
        critical = False

    critical_when = raw.get("critical_when")
    if critical_when is not None:
        if not isinstance(critical_when, dict) or not critical_when:
            p.add(
                place,
                "'critical_when' must be a table such as { corridor_rule = \"code-of-practice\" }",
            )
        elif critical:
            p.add(place, "'critical_when' has no effect on an item that is already critical")
        else:
            matched = True
            for name, wanted in critical_when.items():
                setting = settings.get(name)
                if setting is None:
                    p.add(
                        place,
                        f"'critical_when' names the setting '{name}', which is not defined under [settings]",
                    )
                    matched = False
                elif wanted not in setting.choices:
                    p.add(
                        place,
                        f"'critical_when' wants {name} = {_describe(wanted)}, not one of {list(setting.choices)}",
                    )
                    matched = False
                elif setting.value != wanted:
                    matched = False
            critical = matched

    applies_to: tuple[str, ...] = DESIGNATIONS
    if "applies_to" in raw:
        raw_applies = raw["applies_to"]
        if not isinstance(raw_applies, list) or not raw_applies:
            p.add(
                place, '\'applies_to\' must be a non-empty list such as ["male", "female", "mixed"]'
            )
        else:
            bad = [v for v in raw_applies if v not in DESIGNATIONS]
            if bad:
                p.add(
                    place, f"'applies_to' has {_describe(bad[0])}; expected male, female or mixed"
                )
            elif len(set(raw_applies)) != len(raw_applies):
                p.add(place, "'applies_to' lists a designation twice")
            else:
                applies_to = tuple(d for d in DESIGNATIONS if d in raw_applies)

    risk = DefaultRisk(3, 3)
    raw_risk = raw.get("risk")
    if raw_risk is None:
        p.add(place, "'risk' is missing; expected { likelihood = 1-5, consequence = 1-5 }")
    elif not isinstance(raw_risk, dict):
        p.add(place, "'risk' must be a table { likelihood = 1-5, consequence = 1-5 }")
    else:
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
        if len(values) == 2:
            risk = DefaultRisk(values["likelihood"], values["consequence"])

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
    else:
        sources = tuple(s.strip() for s in raw_sources)

    if len(p.items) > before:
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
    )


def validate_file(path: Path | str) -> list[str]:
    """Every problem in a checklist file, one line each; an empty list when it is valid."""
    try:
        load_file(path)
    except ChecklistError as error:
        return error.problems
    return []


def load_file(path: Path | str) -> Checklist:
    """Read and validate a checklist file; raises ChecklistError listing every problem."""
    path = Path(path)
    p = _Problems(str(path))
    try:
        raw_bytes = path.read_bytes()
    except FileNotFoundError:
        raise ChecklistError(path, [f"{path}: the file does not exist"]) from None
    except IsADirectoryError:
        raise ChecklistError(path, [f"{path}: is a folder, not a checklist file"]) from None
    except OSError as error:
        raise ChecklistError(path, [f"{path}: cannot be read ({error.strerror})"]) from None
    return load_bytes(raw_bytes, str(path), p)


def load_bytes(raw_bytes: bytes, source: str, p: _Problems | None = None) -> Checklist:
    p = p or _Problems(source)
    try:
        text = raw_bytes.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ChecklistError(
            source, [f"{source}: is not UTF-8 text (byte {error.start}); save it as UTF-8"]
        ) from None
    if not text.strip():
        raise ChecklistError(source, [f"{source}: the file is empty"])
    import tomllib  # only when a file is read: the app shows its wards without it

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ChecklistError(source, [f"{source}: is not valid TOML: {error}"]) from None
    checklist = _parse(data, p, source)
    if checklist is None:
        raise ChecklistError(source, p.items)
    return checklist


def from_canonical_json(canonical: str, source: str = "database") -> Checklist:
    """Rebuild a pinned checklist from the exact content stored with its audits."""
    data = json.loads(canonical)
    p = _Problems(source)
    checklist = _parse(data, p, source)
    if checklist is None:
        raise ChecklistError(source, p.items)
    return checklist


# --- finding checklists -----------------------------------------------------------------


def builtin_dir() -> Path:
    """The folder of built-in checklists: installed beside the package, or in the source tree."""
    here = Path(__file__).resolve().parent
    installed = here / "builtin_checklists"  # a wheel or the desktop bundle
    if installed.is_dir():
        return installed
    return here.parent / "checklists"  # a source checkout or an editable install


@dataclass
class ChecklistLibrary:
    """Every checklist found in the built-in and trust folders, with the files that failed."""

    versions: dict[str, list[Checklist]] = field(default_factory=dict)
    problems: list[ChecklistError] = field(default_factory=list)

    def add(self, checklist: Checklist) -> None:
        versions = self.versions.setdefault(checklist.id, [])
        versions[:] = [v for v in versions if v.version != checklist.version]
        versions.append(checklist)
        versions.sort(key=lambda c: c.version)

    def latest(self, checklist_id: str) -> Checklist:
        versions = self.versions.get(checklist_id)
        if not versions:
            known = ", ".join(sorted(self.versions)) or "none"
            raise NotFound(f"no checklist with id '{checklist_id}' (known: {known})")
        return versions[-1]

    def all_latest(self) -> list[Checklist]:
        return [versions[-1] for _, versions in sorted(self.versions.items())]


def load_library(extra_dirs: Iterable[Path] | None = None) -> ChecklistLibrary:
    """Load built-in checklists, then trust folders (a trust file of the same id and version wins)."""
    from wardaudit.paths import trust_checklist_dirs

    library = ChecklistLibrary()
    dirs = [builtin_dir(), *(trust_checklist_dirs() if extra_dirs is None else extra_dirs)]
    for folder in dirs:
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.toml")):
            try:
                library.add(load_file(path))
            except ChecklistError as error:
                library.problems.append(error)
    return library
