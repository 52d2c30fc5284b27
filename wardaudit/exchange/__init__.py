"""Exchange files: signed-off audits travel between laptops and the board's database.

``write`` makes a file, ``read`` opens and checks one whole, ``merge`` holds the rules
that take its records in (a union; the same id with other content is a conflict, never
overwritten). ``schema`` is the written schema every record and event is checked against
before anything is written, and ``limits`` the caps on what a file may make the reader do
(member sizes and count, names, compression, photos' pixels); ``check`` keeps a file's
checks in the order a reader calls them (docs/exchange-format.md describes the format).
These are the names the rest of WardAudit uses.
"""

from __future__ import annotations

from wardaudit.exchange.merge import Conflict, ImportPlan, import_bundle, plan_merge
from wardaudit.exchange.read import Bundle, read_bundle
from wardaudit.exchange.write import export_bundle

__all__ = [
    "Bundle",
    "Conflict",
    "ImportPlan",
    "export_bundle",
    "import_bundle",
    "plan_merge",
    "read_bundle",
]
