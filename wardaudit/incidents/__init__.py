"""Sexual safety incidents from the trust's risk-management system, beside the environment.

A trust's export (CSV here; workbooks through ``exports.incidents``) is read through the
trust's mapping file into ``Incident`` records holding six facts: reference, date, ward,
place, category and harm, and nothing about the people involved. ``plan_import`` says what
an import would change. No Qt, reportlab or openpyxl is imported here.

The names below are loaded when first used, so the store (which keeps incidents) and the
Wards screen start without the reader, the mapping and the checks for patient details.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from wardaudit.incidents.csvfile import CsvSource, iter_csv, read_csv
    from wardaudit.incidents.errors import IncidentsRefused, MappingError
    from wardaudit.incidents.mapping import (
        IncidentMapping,
        load_mapping_bytes,
        load_mapping_file,
        validate_mapping_file,
    )
    from wardaudit.incidents.model import Incident, RowIncident
    from wardaudit.incidents.plan import ImportPlan, Regrade, UnmatchedWard, plan_import
    from wardaudit.incidents.reader import IncidentRead, IncidentReader, ReadLimits, RowSource
    from wardaudit.incidents.sensitive import Vocabulary
    from wardaudit.incidents.vocabulary import (
        CATEGORIES,
        CATEGORY_WORDS,
        HARM_WORDS,
        HARMS,
        Category,
        Harm,
    )

# each public name and the module it lives in
_HOMES = {
    "CsvSource": "csvfile",
    "iter_csv": "csvfile",
    "read_csv": "csvfile",
    "IncidentsRefused": "errors",
    "MappingError": "errors",
    "IncidentMapping": "mapping",
    "load_mapping_bytes": "mapping",
    "load_mapping_file": "mapping",
    "validate_mapping_file": "mapping",
    "Incident": "model",
    "RowIncident": "model",
    "ImportPlan": "plan",
    "Regrade": "plan",
    "UnmatchedWard": "plan",
    "plan_import": "plan",
    "IncidentRead": "reader",
    "IncidentReader": "reader",
    "ReadLimits": "reader",
    "RowSource": "reader",
    "Vocabulary": "sensitive",
    "CATEGORIES": "vocabulary",
    "CATEGORY_WORDS": "vocabulary",
    "HARMS": "vocabulary",
    "HARM_WORDS": "vocabulary",
    "Category": "vocabulary",
    "Harm": "vocabulary",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_HOMES))


__all__ = [
    "CATEGORIES",
    "CATEGORY_WORDS",
    "HARMS",
    "HARM_WORDS",
    "Category",
    "CsvSource",
    "Harm",
    "ImportPlan",
    "Incident",
    "IncidentMapping",
    "IncidentRead",
    "IncidentReader",
    "IncidentsRefused",
    "MappingError",
    "ReadLimits",
    "Regrade",
    "RowIncident",
    "RowSource",
    "UnmatchedWard",
    "Vocabulary",
    "iter_csv",
    "load_mapping_bytes",
    "load_mapping_file",
    "plan_import",
    "read_csv",
    "validate_mapping_file",
]
