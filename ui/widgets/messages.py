"""Messages and dialogs that open without a nested event loop, so the app (and tests) keep
running while she reads them. Errors have their own helper: :mod:`ui.errors`."""

from __future__ import annotations

from typing import TypeVar

from PySide6 import QtGui
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QDialog, QMessageBox, QWidget

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


def choice(
    parent: QWidget | None,
    icon: QMessageBox.Icon,
    title: str,
    text: str,
    details: str,
    buttons: tuple[str, str],
    *,
    default: int = 0,
    name: str = "",
    role: QMessageBox.ButtonRole = QMessageBox.ButtonRole.AcceptRole,
) -> tuple[QMessageBox, QAbstractButton, QAbstractButton]:
    """A question with two buttons named for what they do ("Restore this backup", "Keep the
    current database"): the first does it (in ``role``), the second does not and is what
    Escape presses. Returns the box (not yet shown) and its two buttons; ``default`` is the
    index of the one Enter presses."""
    box = QMessageBox(parent)
    box.setIcon(icon)
    box.setWindowTitle(title)
    box.setAccessibleName(name or title)
    box.setText(text)
    box.setInformativeText(details)
    first = box.addButton(buttons[0], role)
    second = box.addButton(buttons[1], QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(second if default else first)
    box.setEscapeButton(second)
    return box, first, second


def announce(widget: QWidget, text: str) -> None:
    """Have a screen reader speak ``text`` (Qt 6.8 announces; older Qt reports a new name)."""
    from PySide6.QtGui import QAccessible, QAccessibleEvent  # large: loaded when first spoken

    announcement = getattr(QtGui, "QAccessibleAnnouncementEvent", None)
    if announcement is not None:
        QAccessible.updateAccessibility(announcement(widget, text))
    else:
        QAccessible.updateAccessibility(QAccessibleEvent(widget, QAccessible.Event.NameChanged))
