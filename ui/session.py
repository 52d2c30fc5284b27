"""The open database's session: the flag that tells a crash from a clean close, where a
resumed audit opens, the demo trust's own file, and the questions asked at start.

The main window runs the session (:meth:`ui.mainwindow.MainWindow.begin_session`); the
rules and the words of its questions are here.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QAbstractButton, QCheckBox, QMessageBox, QWidget

from ui.widgets.messages import choice
from wardaudit.checklist import ChecklistLibrary
from wardaudit.errors import NotFound
from wardaudit.model import AuditRecord, AuditSummary
from wardaudit.store import Store

SESSION_OPEN = "session_open"  # "1" while the app has this database open
SESSION_AUDIT = "session_audit"  # the audit last opened on the audit screen
DEMO_SETTING = "demo_trust"  # "1" in a database holding the made-up demo trust
BACKUP_INTERVAL_MS = 30 * 60 * 1000


def demo_path_for(db_path: Path) -> Path:
    """The demo trust lives in its own file beside her database, never mixed into it."""
    return db_path.with_name(f"{db_path.stem}-demo{db_path.suffix or '.sqlite3'}")


DEMO_PHOTOS_COST = (
    "With photos of the findings: about 2,000 pictures, some 600 MB more on this laptop, "
    "and a few minutes to build"
)


def build_demo(store: Store, library: ChecklistLibrary, *, photos: bool = False) -> str:
    """Fill the demo file (runs in the worker) and mark it as the demo."""
    from wardaudit.demo import build_demo_trust

    with store.all_or_nothing():  # the app closed halfway leaves an empty demo, built again
        summary = build_demo_trust(store, library, photos=photos)
        store.settings.set(DEMO_SETTING, "1")
    return summary


def resume_item(record: AuditRecord) -> str | None:
    """Where a resumed audit opens: the item she was on, else the first unanswered one."""
    order = [item.id for item in record.checklist.applicable_items(record.audit.ward.sex)]
    if record.audit.current_item in order:
        return record.audit.current_item
    unanswered = record.unanswered()
    if unanswered:
        return unanswered[0]
    return order[0] if order else None


def interrupted_question(
    parent: QWidget, audit: AuditSummary, record: AuditRecord
) -> tuple[QMessageBox, QAbstractButton]:
    """After a crash: reopen the interrupted audit at its item? Returns the box and its
    "Reopen the audit" button."""
    item_id = resume_item(record)
    question = ""
    if item_id:
        try:
            question = record.checklist.item(item_id).question
        except NotFound:
            item_id = None
    where = f"item {item_id}" if item_id else "its first item"
    details = f"“{question}”\n\n" if question else ""
    box, reopen, _later = choice(
        parent,
        QMessageBox.Icon.Question,
        "Audit interrupted",
        f"The audit of {audit.ward_name} was interrupted. Reopen it at {where}?",
        f"{details}{audit.answered} of {audit.applicable} items are answered. Every "
        "answer given before WardAudit closed is saved.",
        ("Reopen the audit", "Not now"),
    )
    return box, reopen


def first_run_question(parent: QWidget) -> tuple[QMessageBox, QAbstractButton]:
    """An empty database: the demo trust, or her own wards? Returns the box and its
    "Open the demo trust" button."""
    box, demo, _own = choice(
        parent,
        QMessageBox.Icon.Information,
        "Welcome to WardAudit",
        "There are no wards in this database yet.",
        "Open the demo trust to try WardAudit: a made-up trust with three sites, twelve "
        "wards and two years of audits, kept in a separate file so it never mixes with "
        "your own.\n\nOr start with your own wards: add your first ward now.",
        ("Open the demo trust", "Start with my own wards"),
        default=1,
    )
    photos = QCheckBox(DEMO_PHOTOS_COST, box)  # owned by the box, not by Python
    photos.setAccessibleName("Demo trust with photos")
    photos.setChecked(False)
    box.setCheckBox(photos)
    return box, demo
