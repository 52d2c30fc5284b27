"""What the screens say and hold back on the trust database: audits are not done there,
and a reader's login changes nothing.

Audits are answered on ward laptops, offline, and reach the trust database in exchange
files; so on it the app offers no "Start audit" and no interrupted audit. A board
member's login (``Store.readonly``) reads only: every control that would change data is
disabled, saying why, so nothing she presses ends in a refusal from the server.
"""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

READER_WORDS = (
    "Your login reads the trust database only, so nothing can be changed from it. "
    "Changes need membership of wardaudit_quality: ask the database administrator."
)
NO_AUDITS_WORDS = (
    "Audits are not started on the trust database: they are done on the ward laptops, "
    "offline, and arrive here in exchange files (Board, Import exchange files). "
    "Here you can open a ward's signed-off audits, amend them and follow their actions."
)
IN_PROGRESS_WORDS = (
    "This audit is still in progress. Audits are answered on the ward laptop and arrive "
    "in the trust database in an exchange file once signed off; it can be opened here then."
)
EMPTY_WORDS = (
    "The trust database is empty: there are no wards in it yet. Imports fill it: on the "
    "Board, Import exchange files brings in the wards and signed-off audits of the ward "
    "laptops, and Import incidents the trust's incident export."
)
BACKUP_WORDS = (
    "The trust database is backed up by the trust's PostgreSQL backups, made by IT "
    "(WardAudit makes no copies of it). To have something put back from them, ask IT."
)

_TOOLTIP = "wardaudit_writable_tooltip"
_DESCRIPTION = "wardaudit_writable_description"


def allow_change(widget: QWidget, enabled: bool, *, readonly: bool) -> None:
    """Enable a control that changes data as ``enabled`` says, unless the login reads only:
    then it is disabled, its tooltip and accessible description saying why. Its own words
    come back when the database changes to one the login may change."""
    if widget.property(_TOOLTIP) is None:
        widget.setProperty(_TOOLTIP, widget.toolTip())
        widget.setProperty(_DESCRIPTION, widget.accessibleDescription())
    if readonly:
        widget.setEnabled(False)
        widget.setToolTip(READER_WORDS)
        widget.setAccessibleDescription(READER_WORDS)
        return
    widget.setEnabled(enabled)
    widget.setToolTip(str(widget.property(_TOOLTIP)))
    widget.setAccessibleDescription(str(widget.property(_DESCRIPTION)))
