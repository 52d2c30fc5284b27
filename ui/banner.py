"""The main window's frame around the screens: the navigation bar on the left, the banner
across the top whenever an audit is in progress ("Juniper Ward — 34 of 58 answered —
Resume"), and the note that says the demo trust is open."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFrame, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from ui.theme import touch_button
from ui.widgets.layouts import OneLineLabel
from wardaudit.model import AuditSummary

PAGES = (
    ("wards", "&Wards"),
    ("audit", "&Audit"),
    ("actions", "A&ctions"),
    ("board", "&Board"),
    ("settings", "Se&ttings"),
)


class NavigationBar(QFrame):
    """A button per screen, with Ctrl+1 to Ctrl+5 (and Alt) on the window for each."""

    page_chosen = Signal(str)

    def __init__(self, window: QWidget) -> None:
        super().__init__()
        self.setObjectName("navigation")
        # No exclusive QButtonGroup: it would let Tab reach only the checked button.
        self.buttons: dict[str, QPushButton] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 12, 10, 12)
        layout.setSpacing(10)
        for number, (page, text) in enumerate(PAGES, start=1):
            name = text.replace("&", "")
            button = touch_button(
                text, f"{name} screen", tooltip=f"Show the {name} screen (Ctrl+{number})"
            )
            button.setObjectName("nav")
            button.setCheckable(True)
            button.clicked.connect(lambda _checked=False, p=page: self.page_chosen.emit(p))
            layout.addWidget(button)
            self.buttons[page] = button
            action = QAction(window)
            action.setShortcuts([QKeySequence(f"Ctrl+{number}"), QKeySequence(f"Alt+{number}")])
            action.triggered.connect(lambda _checked=False, p=page: self.page_chosen.emit(p))
            window.addAction(action)
        layout.addStretch(1)
        self.help_button = touch_button(
            "Help (F1)", "Help", tooltip="The keys and a short guide to this screen (F1)"
        )
        self.help_button.setObjectName("nav")
        layout.addWidget(self.help_button)

    def mark(self, page: str) -> None:
        for name, button in self.buttons.items():
            button.setChecked(name == page)
            button.setAccessibleDescription("Showing" if name == page else "")


class AuditBanner(QFrame):
    """The audit in progress, with Resume; hidden while that audit is on screen."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("banner")
        self.setAccessibleName("Audit in progress")
        self.label = OneLineLabel()
        self.label.setAccessibleName("Audit in progress")
        self.resume_button = touch_button(
            "Resume", tooltip="Carry on with this audit", primary=True
        )
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 2, 4, 2)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.resume_button)
        self.hide()

    def show_audit(self, audit: AuditSummary | None, others: int) -> None:
        """Name ``audit`` (and how many ``others`` are in progress), or say nothing."""
        if audit is None:
            self.label.setText("")
            return
        text = f"{audit.ward_name} — {audit.answered} of {audit.applicable} answered"
        if others:
            text += f" (and {others} more audit{'s' if others > 1 else ''} in progress)"
        self.label.setText(text)
        self.resume_button.setAccessibleName(f"Resume the audit of {audit.ward_name}")
        self.setAccessibleDescription(text)


class DemoNote(QFrame):
    """Shown while the demo trust is open: everything in it is made up."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("banner")
        self.label = OneLineLabel("Demo trust: every ward, audit and action in it is made up.")
        self.leave_button = touch_button(
            "Use my own wards",
            tooltip="Close the demo trust and go back to your own database",
        )
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 2, 4, 2)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.leave_button)
        self.hide()
