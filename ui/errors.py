"""The one place where errors become dialogs a matron can act on."""

from __future__ import annotations

import logging

from PySide6.QtWidgets import QMessageBox, QWidget

from wardaudit.errors import WardAuditError
from wardaudit.words import sentence

log = logging.getLogger(__name__)


def show_error(parent: QWidget | None, error: BaseException, title: str = "WardAudit") -> None:
    """Show ``error`` in a dialog; unexpected errors are logged with their traceback."""
    if isinstance(error, WardAuditError):
        log.warning("%s", error)
        message = sentence(error)
    else:
        log.error("unexpected error", exc_info=error)
        message = (
            "Something went wrong that WardAudit did not expect. Everything saved before "
            f"this is safe. The details are in the log file.\n\n{type(error).__name__}: {error}"
        )
    box = QMessageBox(
        QMessageBox.Icon.Warning, title, message, QMessageBox.StandardButton.Ok, parent
    )
    box.setAccessibleName(title)
    box.exec()
