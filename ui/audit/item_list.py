"""The audit's item list: the sections and their items with a mark for each answer, and a
search over item ids, questions, notes and locations (Ctrl+F)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPersistentModelIndex, QSize, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QLineEdit,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from ui.audit.keys import is_answer_key
from ui.audit.models import AuditItemsModel, ItemSearch
from ui.theme import MIN_TOUCH_PX, touch_sized


class TallRows(QStyledItemDelegate):
    """Rows at least a touch target high so a finger can pick an item on a touch screen."""

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        size = super().sizeHint(option, index)
        return QSize(size.width(), max(size.height(), MIN_TOUCH_PX))


class ItemTree(QTreeView):
    """The item list; answer keys pass through it to the audit screen instead of searching."""

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if is_answer_key(event):
            event.ignore()
            return
        super().keyPressEvent(event)


class ItemList(QWidget):
    """The search field over the tree of sections and items."""

    item_chosen = Signal(str)  # an item id she picked in the list

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._syncing = False
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        self.search = touch_sized(QLineEdit(self))
        self.search.setPlaceholderText("Find an item (Ctrl+F)")
        self.search.setAccessibleName("Find an item")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._filter)
        self.search.installEventFilter(self)  # Down moves from the search into the list
        column.addWidget(self.search)
        self.model = AuditItemsModel(self)
        self.proxy = ItemSearch(self)
        self.proxy.setSourceModel(self.model)
        self.tree = ItemTree(self)
        self.tree.setModel(self.proxy)
        self.tree.setItemDelegate(TallRows(self.tree))
        self.tree.setAccessibleName("Sections and items")
        self.tree.setUniformRowHeights(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        # A fixed answer column sized from the font: sizing it to its contents made the list
        # measure every row on every answer.
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Fixed)
        self.size_answer_column()
        self.tree.selectionModel().currentChanged.connect(self._current_changed)
        column.addWidget(self.tree, 1)
        self.no_match = QLabel("No item matches.", self)
        self.no_match.setVisible(False)
        column.addWidget(self.no_match)

    def size_answer_column(self) -> None:
        metrics = self.tree.fontMetrics()
        widest = max(
            metrics.horizontalAdvance(text)
            for text in ("½ Partly", "○ Not yet", "14 / 14 ✓", "✗ No")
        )
        self.tree.header().resizeSection(1, widest + 3 * metrics.averageCharWidth())

    def select(self, item_id: str) -> None:
        """Show ``item_id`` as the current row (without asking to go to it)."""
        index = self.proxy.mapFromSource(self.model.item_index(item_id))
        self._syncing = True
        try:
            if index.isValid():
                self.tree.setCurrentIndex(index)
                self.tree.scrollTo(index)
            else:
                self.tree.clearSelection()
        finally:
            self._syncing = False

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._syncing or not current.isValid():
            return
        item_id = current.data(AuditItemsModel.ITEM_ID_ROLE)
        if item_id:
            self.item_chosen.emit(str(item_id))

    def _filter(self, text: str) -> None:
        self._syncing = True
        try:
            self.proxy.setFilterFixedString(text.strip())
            self.tree.expandAll()
        finally:
            self._syncing = False
        self.no_match.setVisible(bool(text.strip()) and self.proxy.rowCount() == 0)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.search
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Down
        ):
            self.tree.setFocus(Qt.FocusReason.OtherFocusReason)
            return True
        return super().eventFilter(watched, event)

    def first_match(self) -> str | None:
        for row in range(self.proxy.rowCount()):
            section = self.proxy.index(row, 0)
            if self.proxy.rowCount(section):
                found = self.proxy.index(0, 0, section).data(AuditItemsModel.ITEM_ID_ROLE)
                return str(found) if found else None
        return None
