"""What estates' returned workbook will change, shown before anything does."""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QVBoxLayout,
    QWidget,
)

from ui.theme import touch_button
from wardaudit.words import sentence


class ImportPreviewDialog(QDialog):
    """What estates' workbook will change, before anything does: apply all of it, or cancel."""

    def __init__(self, plan: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plan = plan
        count = len(plan.updates)
        self.setWindowTitle("Check the changes before applying them")
        self.setAccessibleName(self.windowTitle())
        self.setModal(True)
        plural = "s" if count != 1 else ""
        intro = QLabel(
            f"<b>{html.escape(plan.path.name, quote=False)}</b>: {count} action{plural} will change "
            f"({plan.rows_read} row{'s' if plan.rows_read != 1 else ''} read). Nothing has "
            "changed yet. Apply all of them, or cancel and nothing changes."
        )
        intro.setWordWrap(True)
        intro.setAccessibleName("What the workbook will change")

        self.changes = QListWidget()
        self.changes.setAccessibleName(f"The {count} change{plural}")
        self.changes.setWordWrap(True)
        self.changes.addItems(plan.describe())
        changes_label = QLabel("&Changes")
        changes_label.setObjectName("subheading")
        changes_label.setBuddy(self.changes)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(changes_label)
        layout.addWidget(self.changes, 2)

        self.warnings = QListWidget()
        self.warnings.setAccessibleName("Warnings: read these before applying")
        self.warnings.setWordWrap(True)
        self.warnings.addItems([sentence(w) for w in plan.warnings])
        if plan.warnings:
            warnings_label = QLabel("&Please read before applying")
            warnings_label.setObjectName("subheading")
            warnings_label.setBuddy(self.warnings)
            layout.addWidget(warnings_label)
            layout.addWidget(self.warnings, 1)
        else:
            self.warnings.hide()

        # Every edit the import does not take, with what to do instead: never dropped silently.
        not_taken = getattr(plan, "not_taken", ())
        total = getattr(plan, "not_taken_total", len(not_taken))
        self.not_taken = QListWidget()
        self.not_taken.setAccessibleName(
            f"{total} edit{'s' if total != 1 else ''} not taken back, with what to do instead"
        )
        self.not_taken.setWordWrap(True)
        self.not_taken.addItems([sentence(line) for line in not_taken])
        if not_taken:
            not_taken_label = QLabel(f"&Not taken back ({total}): each with what to do instead")
            not_taken_label.setObjectName("subheading")
            not_taken_label.setWordWrap(True)
            not_taken_label.setBuddy(self.not_taken)
            layout.addWidget(not_taken_label)
            layout.addWidget(self.not_taken, 1)
        else:
            self.not_taken.hide()

        self.apply_button = touch_button(
            f"Apply all {count} change{plural}",
            tooltip="Change every action listed, all together (or none, if anything fails)",
            primary=True,
        )
        self.apply_button.setDefault(True)
        self.apply_button.clicked.connect(self.accept)
        self.cancel_button = touch_button("Cancel", tooltip="Close this and change nothing")
        self.cancel_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.apply_button)
        layout.addLayout(buttons)
        for listing in (self.changes, self.warnings, self.not_taken):
            listing.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            listing.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        # Sized to the text, within the window it belongs to, so 200% text reads easily.
        metrics = self.fontMetrics()
        room = parent.window().size() if parent is not None else QSize(1366, 768)
        self.resize(
            max(640, min(metrics.averageCharWidth() * 80, room.width() - 40)),
            max(420, min(metrics.height() * 26, room.height() - 40)),
        )
        self.apply_button.setFocus()
