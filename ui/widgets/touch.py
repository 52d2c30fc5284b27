"""Drop-down rows a finger can hit: at least 44 px, like every other control she touches.

Qt's own drop-down lists draw their rows with a delegate that ignores the style sheet, so
their rows are about 25 px whatever the theme says (measured at 100% text). A styled
delegate makes the rows follow the theme's ``QListView::item`` rule (the list is a list
view), which sets 44 px. Installed once on the application, it reaches every drop-down, including those
made after it and those inside dialogs.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QComboBox, QStyledItemDelegate


def give_touch_rows(combo: QComboBox) -> None:
    """Draw ``combo``'s list with the styled delegate unless it has a delegate of its own."""
    if isinstance(combo.itemDelegate(), QStyledItemDelegate):
        return  # already styled, or a delegate of ours that draws its own rows
    combo.setItemDelegate(QStyledItemDelegate(combo))


class TouchRows(QObject):
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Polish and isinstance(watched, QComboBox):
            give_touch_rows(watched)
        return False


_rows: TouchRows | None = None


def install_touch_rows(app: QApplication | None = None) -> None:
    """Install on the application once (calling again changes nothing)."""
    global _rows
    app = app or QApplication.instance()  # type: ignore[assignment]
    assert isinstance(app, QApplication), "touch rows need the QApplication"
    if _rows is None:
        _rows = TouchRows()
    if not app.property("wardauditTouchRows"):
        app.installEventFilter(_rows)
        app.setProperty("wardauditTouchRows", True)
        for widget in app.allWidgets():
            if isinstance(widget, QComboBox):
                give_touch_rows(widget)
