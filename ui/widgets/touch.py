"""Drop-down rows a finger can hit: at least 44 px, like every other control she touches.

Qt's own drop-down lists draw their rows with a delegate that ignores the style sheet, so
their rows are about 25 px whatever the theme says (measured at 100% text). A styled
delegate makes the rows follow the theme's ``QListView::item`` rule (the list is a list
view), which sets 44 px. The application-wide guard of :mod:`ui.widgets.wheel` calls this
for every drop-down as it is polished, so it reaches those made later and those in dialogs.
"""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QStyledItemDelegate


def give_touch_rows(combo: QComboBox) -> None:
    """Draw ``combo``'s list with the styled delegate unless it has a delegate of its own."""
    if isinstance(combo.itemDelegate(), QStyledItemDelegate):
        return  # already styled, or a delegate of ours that draws its own rows
    combo.setItemDelegate(QStyledItemDelegate(combo))
