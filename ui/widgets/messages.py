"""Messages and dialogs that open without a nested event loop, so the app (and tests) keep
running while she reads them. Errors have their own helper: :mod:`ui.errors`."""

from __future__ import annotations

from typing import TypeVar

from PySide6 import QtGui
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible, QAccessibleEvent
from PySide6.QtWidgets import QDialog, QMessageBox, QWidget

D = TypeVar("D", bound=QDialog)


def open_dialog(dialog: D) -> D:
    """Open ``dialog`` (window-modal, as its own class says) and delete it once closed."""
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog


def tell(parent: QWidget, title: str, text: str, details: str = "") -> QMessageBox:
    """A result she should read and close; it does not stop the app while open."""
    box = QMessageBox(
        QMessageBox.Icon.Information, title, text, QMessageBox.StandardButton.Ok, parent
    )
    box.setAccessibleName(title)
    if details:
        box.setInformativeText(details)
    return open_dialog(box)


def announce(widget: QWidget, text: str) -> None:
    """Have a screen reader speak ``text`` (Qt 6.8 announces; older Qt reports a new name)."""
    announcement = getattr(QtGui, "QAccessibleAnnouncementEvent", None)
    if announcement is not None:
        QAccessible.updateAccessibility(announcement(widget, text))
    else:
        QAccessible.updateAccessibility(QAccessibleEvent(widget, QAccessible.Event.NameChanged))
