"""The Qt binding must not drop references to None: tables return None for most roles."""

from __future__ import annotations

import sys

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt


class _Model(QAbstractTableModel):
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 3

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 3

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> object:
        return "text" if role == Qt.ItemDataRole.DisplayRole else None


def test_a_model_returning_none_keeps_nones_reference_count(qapp: object) -> None:
    """PySide6 6.12.0 lost one reference per call; on Python 3.11 the app then crashed."""
    model = _Model()
    index = model.index(1, 1)
    before = sys.getrefcount(None)
    for _ in range(500):
        index.data(Qt.ItemDataRole.DecorationRole)
    assert sys.getrefcount(None) - before > -100
