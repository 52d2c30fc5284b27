"""Estates' returned workbook, by the names the screens still import, until they call the front door.

Nothing in ``exports`` or ``wardaudit`` imports this module: the import is
:func:`exports.documents.read_updates` and :func:`exports.documents.apply_updates` (written in
:mod:`exports.xlsx.updates`), and ``UpdatesRefused`` lives in :mod:`wardaudit.errors`.
Delete it once no screen imports it.
"""

from __future__ import annotations

from exports.documents import apply_updates, read_updates
from wardaudit.errors import UpdatesRefused

__all__ = ["UpdatesRefused", "apply_updates", "read_updates"]
