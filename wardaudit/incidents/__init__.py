"""Sexual safety incidents from the trust's risk-management system, beside the environment.

A trust's export (CSV here; workbooks through ``exports.incidents``) is read through the
trust's mapping file into ``Incident`` records holding six facts: reference, date, ward,
place, category and harm, and nothing about the people involved. ``plan_import`` says what
an import would change. No Qt, reportlab or openpyxl is imported here.
"""

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
