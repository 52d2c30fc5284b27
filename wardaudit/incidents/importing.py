"""An import as the command line and the app run it: read through the mapping, plan, write.

Reading a workbook needs openpyxl, which the core never imports, so the caller hands in
the reader (``exports.incidents.read_export`` reads CSV and workbooks alike). What the
users mapped before (ward and place names saved in the store) joins the mapping's own
aliases here, so every caller plans the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Protocol

from wardaudit.errors import InvalidInput
from wardaudit.incidents.mapping import IncidentMapping, code_key
from wardaudit.incidents.plan import ImportPlan, plan_read
from wardaudit.incidents.reader import DEFAULT_LIMITS, IncidentRead, ReadLimits
from wardaudit.incidents.sensitive import Vocabulary
from wardaudit.model import Ward
from wardaudit.store import Store


class ExportReader(Protocol):
    def __call__(
        self,
        path: Path | str,
        mapping: IncidentMapping,
        *,
        vocabulary: Vocabulary = ...,
        limits: ReadLimits = ...,
        today: date | None = ...,
    ) -> IncidentRead: ...


def with_saved_places(mapping: IncidentMapping, store: Store) -> IncidentMapping:
    """The mapping with the place names users mapped in WardAudit added (the mapping's
    own aliases come first: the trust's file says what its export's names mean)."""
    listed = {code_key(name) for name, _ in mapping.place_aliases}
    saved = tuple(
        (name, place)
        for name, place in store.incidents.place_aliases().items()
        if code_key(name) not in listed
    )
    return replace(mapping, place_aliases=mapping.place_aliases + saved) if saved else mapping


def ward_aliases(
    mapping: IncidentMapping, store: Store, extra: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Export ward name → WardAudit ward: the mapping's, then those users saved, then those
    just given (a later choice wins: a user who maps a name means it)."""
    aliases: dict[str, str] = {}
    for source in (mapping.ward_alias_map, store.incidents.ward_aliases(), extra or {}):
        for name, ward in source.items():
            # one entry per name, however it is written, so the latest choice replaces it
            for known in [k for k in aliases if code_key(k) == code_key(name)]:
                del aliases[known]
            aliases[name] = ward
    return aliases


def parse_ward_alias(text: str) -> tuple[str, str]:
    """``"EXPORT NAME=WardAudit ward"`` as given on the command line."""
    name, equals, ward = text.partition("=")
    name, ward = " ".join(name.split()), " ".join(ward.split())
    if not equals or not name or not ward:
        raise InvalidInput(
            f"a ward alias is written \"NAME IN THE EXPORT=WardAudit ward\" (not '{text}')"
        )
    return name, ward


def resolve_ward(ward: str, wards: Iterable[Ward]) -> str:
    """The name of the ward a user named (by id, name, or name with its case aside)."""
    wards = list(wards)
    for found in wards:
        if ward in (found.id, found.name):
            return found.name
    same = [w.name for w in wards if code_key(w.name) == code_key(ward)]
    if len(same) == 1:
        return same[0]
    raise InvalidInput(f"'{ward}' is not a ward in WardAudit (see 'wardaudit wards list')")


def read_and_plan(
    store: Store,
    path: Path | str,
    mapping: IncidentMapping,
    reader: ExportReader | Callable[..., IncidentRead],
    *,
    extra_aliases: Mapping[str, str] | None = None,
    limits: ReadLimits = DEFAULT_LIMITS,
    today: date | None = None,
) -> ImportPlan:
    """Read an export to its end and say what importing it would change; writes nothing.

    Raises IncidentsRefused when the export cannot be used at all.
    """
    wards = store.wards.list()
    known = {w.name for w in wards}
    extra = {name: resolve_ward(ward, wards) for name, ward in (extra_aliases or {}).items()}
    aliases = ward_aliases(mapping, store, extra)
    full = with_saved_places(mapping, store)
    vocabulary = store.incidents.vocabulary() | Vocabulary.of(aliases, aliases.values())
    read = reader(path, full, vocabulary=vocabulary, limits=limits, today=today)
    return plan_read(
        read,
        store.incidents.existing(),
        sorted(known),
        aliases,
        mapping_title=mapping.title,
    )
