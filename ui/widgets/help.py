"""F1 help: the keys and a short guide to the screen she is on, in a window that does not
stop the app (she can keep it open beside the audit)."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QScrollArea, QVBoxLayout, QWidget

from ui.theme import MIN_TOUCH_PX

COMMON_KEYS = (
    ("Ctrl+1 … Ctrl+5", "Wards, Audit, Actions, Board, Settings"),
    ("Tab / Shift+Tab", "Move between controls"),
    ("Enter or Space", "Press the button that has the focus"),
    ("F1", "This help"),
)

TOPICS: dict[str, tuple[str, str, tuple[tuple[str, str], ...]]] = {
    "wards": (
        "Wards",
        "Choose a ward, then Start audit (or Resume audit if one is in progress). The table "
        "shows each ward's last score, its rating in words and colour, critical breaches and "
        "open actions.",
        (("Enter", "Start or resume the chosen ward's audit"),),
    ),
    "audit": (
        "Answering an audit",
        "Read the question, then press one answer key on its own. Every answer is saved at "
        "once (the header says “Saved” with the time). A No or Partly stays on the item and "
        "shows its action: check the owner, risk and due date, then press Enter to go on. If "
        "the ward already has that action open from an earlier audit, the finding is linked "
        "to it, so estates get one action, not two. Typing goes into the note: a word typed "
        "on the card never answers anything. A note typed before the answer is kept as a "
        "draft and becomes part of the answer.",
        (
            ("Y, P, N, A", "Yes, Partly, No, N/A (pressed on their own)"),
            ("Enter", "Accept the action shown and go on"),
            ("G", "What good looks like and why"),
            ("Page Down / Page Up, arrows", "Next and previous item"),
            ("Ctrl+F", "Find an item"),
            ("Ctrl+L", "Show or hide the item list (folded away at large text)"),
            ("Ctrl+Z", "Undo the last answer"),
            ("Ctrl+S", "Save what is typed now"),
            ("Ctrl+Enter", "Summary and sign-off"),
            ("Esc", "Back to the question"),
        ),
    ),
    "summary": (
        "Summary and sign-off",
        "The score, the rating and any critical breach come first, then each section and the "
        "actions by risk. Unanswered items block sign-off: choose one to go to it. Sign off "
        "with your name and role; the audit is then locked, and later corrections are "
        "amendments with a reason. After sign-off, save the action plan as PDF or Excel, or "
        "print it.",
        (("Esc", "Back to the items (before sign-off)"), ("Tab", "To the sign-off form")),
    ),
    "actions": (
        "Actions",
        "Every action across the wards. Filter by site, ward, owner, band or status; choose "
        "one to see its history and update it. Export the work list for estates as PDF or "
        "Excel, and take back their returned workbook.",
        (),
    ),
    "board": (
        "Board",
        "Wards compared over a period: scores, ratings, critical breaches and overdue "
        "actions. Save the board report, or exchange files with other laptops (drop a file "
        "on the window to import it).",
        (),
    ),
    "settings": (
        "Settings",
        "Text size and high contrast apply at once. Backups, the database in use and the "
        "trust's name are here too.",
        (),
    ),
}


def help_html(topic: str) -> str:
    title, guide, keys = TOPICS.get(topic, TOPICS["wards"])
    rows = "".join(
        f"<tr><td><b>{html.escape(k)}</b>&nbsp;&nbsp;</td><td>{html.escape(v)}</td></tr>"
        for k, v in (*keys, *COMMON_KEYS)
    )
    return f"<h2>{html.escape(title)}</h2><p>{html.escape(guide)}</p><h3>Keys</h3><table>{rows}</table>"


class HelpDialog(QDialog):
    """The guide and the keys for one screen."""

    def __init__(self, topic: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        title = TOPICS.get(topic, TOPICS["wards"])[0]
        self.setWindowTitle(f"Help: {title}")
        self.setAccessibleName(f"Help: {title}")
        self.topic = topic
        layout = QVBoxLayout(self)
        self.text = QLabel(help_html(topic))
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.text)
        layout.addWidget(scroll, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        for button in buttons.buttons():
            button.setMinimumHeight(MIN_TOUCH_PX)
        buttons.rejected.connect(self.close)
        layout.addWidget(buttons)
        self.resize(620, 560)


def show_help(parent: QWidget, topic: str) -> HelpDialog:
    """Open the help for ``topic`` without stopping the app; Esc or Close shuts it."""
    dialog = HelpDialog(topic, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.setModal(False)
    dialog.show()
    return dialog
