"""What exchange files would bring in, before anything changes: new audits, history and
photos, what is already here, conflicts in words, and files refused whole."""

from __future__ import annotations

import html
from collections.abc import Sequence

from PySide6.QtCore import QRect, Qt, Signal
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ui.board.exchange import FilePreview
from ui.theme import touch_sized
from wardaudit.words import new_records_words, plural


class ImportPreviewDialog(QDialog):
    """What the files would bring in, before anything changes; she chooses how to go on."""

    import_chosen = Signal(bool)  # skip_conflicts

    def __init__(self, previews: Sequence[FilePreview], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.previews = list(previews)
        self.setWindowTitle("Import exchange files")
        self.setAccessibleName("Import exchange files: preview")
        usable = [p for p in self.previews if p.plan is not None]
        refused = [p for p in self.previews if p.plan is None]
        conflicted = [p for p in usable if p.conflicts]
        self.new_total = sum(p.new for p in usable)
        self.new_without_conflicts = sum(p.new for p in usable if not p.conflicts)
        self.summary_text = self.summarise(usable, refused, conflicted)
        headline, _, rest = self.summary_text.partition(". ")
        self.summary = QLabel(
            f"<b>{html.escape(headline)}{'.' if rest else ''}</b> {html.escape(rest)}"
        )
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName("Import summary")
        self.summary.setAccessibleDescription(self.summary_text)

        self.details = QTextBrowser()
        self.details.setAccessibleName("What each file holds")
        self.details.setOpenLinks(False)
        self.details.setHtml(self.details_html())

        self.buttons = QDialogButtonBox()
        self.import_button = self.buttons.addButton(
            "&Import", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.import_button.setAccessibleName("Import")
        self.import_button.setToolTip(
            "Import the files without conflicts; a file with conflicts is left out whole"
            if conflicted
            else "Import what is new; nothing already here changes"
        )
        self.import_button.setEnabled(self.new_without_conflicts > 0)
        self.skip_button = self.buttons.addButton(
            "Import, &leaving conflicts as they are", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.skip_button.setAccessibleName("Import, leaving conflicts as they are")
        self.skip_button.setToolTip(
            "Import everything new, including from files with conflicts; the conflicting "
            "records here stay exactly as they are"
        )
        self.skip_button.setVisible(bool(conflicted))
        self.skip_button.setEnabled(bool(conflicted) and self.new_total > 0)
        self.cancel_button = self.buttons.addButton(
            "Cancel" if self.new_total else "Close", QDialogButtonBox.ButtonRole.RejectRole
        )
        self.cancel_button.setAccessibleName(self.cancel_button.text())
        for button in (self.import_button, self.skip_button, self.cancel_button):
            touch_sized(button)  # the width follows its words
        self.import_button.clicked.connect(lambda: self._choose(False))
        self.skip_button.clicked.connect(lambda: self._choose(True))
        self.cancel_button.clicked.connect(self.reject)
        if self.import_button.isEnabled():
            self.import_button.setDefault(True)
        else:
            self.cancel_button.setDefault(True)

        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.details, 1)
        layout.addWidget(self.buttons)
        screen = self.screen() or QApplication.primaryScreen()
        room = screen.availableGeometry() if screen else QRect(0, 0, 1366, 768)
        self.resize(min(900, room.width() - 40), min(560, room.height() - 60))

    def summarise(
        self,
        usable: list[FilePreview],
        refused: list[FilePreview],
        conflicted: list[FilePreview],
    ) -> str:
        files = "this file" if len(self.previews) == 1 else "these files"
        sentences = []
        if not usable:
            sentences.append(
                "Nothing can be imported: "
                + ("the file was refused." if len(refused) == 1 else "every file was refused.")
            )
        elif self.new_total == 0:
            sentences.append(f"Nothing new: everything in {files} is already here.")
        else:
            plans = [p.plan for p in usable if p.plan]
            totals = new_records_words(
                audits=sum(plan.new_audits for plan in plans),
                events=sum(plan.new_events for plan in plans),
                wards=sum(plan.new_wards for plan in plans),
                photos=sum(plan.new_photos for plan in plans),
                incident_counts=sum(plan.new_incident_counts for plan in plans),
            )
            sentences.append(f"Ready to import {totals}.")
        conflicts = sum(len(p.conflicts) for p in conflicted)
        if conflicts:
            sentences.append(
                f"{plural(conflicts, 'record')} in the file{'s' if len(self.previews) > 1 else ''} "
                f"{'conflicts' if conflicts == 1 else 'conflict'} with the records here (the same "
                "id, different content). The records here are never overwritten."
            )
        if refused and usable:
            sentences.append(
                f"{plural(len(refused), 'file')} refused: nothing from "
                f"{'it' if len(refused) == 1 else 'them'} will be imported."
            )
        return " ".join(sentences)

    def details_html(self) -> str:
        parts = []
        for preview in self.previews:
            name = html.escape(preview.path.name)
            parts.append(f"<h3>{name}</h3>")
            if preview.plan is None:
                parts.append(
                    f"<p><b>Refused.</b> {html.escape(preview.refused)}</p>"
                    "<p>Nothing from this file will be imported.</p>"
                )
                continue
            plan = preview.plan
            rows = (
                ("New audits", plan.new_audits),
                ("New history events", plan.new_events),
                ("New wards", plan.new_wards),
                ("Photos", plan.new_photos),
                ("Already here (records of any kind)", plan.present),
            )
            parts.append("<ul>")
            parts.extend(f"<li>{label}: {count}</li>" for label, count in rows)
            parts.append("</ul>")
            if preview.new == 0 and not preview.conflicts:
                parts.append("<p>Nothing new in this file.</p>")
            if preview.conflicts:
                parts.append(
                    f"<p><b>{plural(len(preview.conflicts), 'conflict')}</b>: the same id as a "
                    "record here with different content. The record here is kept; with "
                    "<i>Import</i> this file is left out whole, with <i>Import, leaving "
                    "conflicts as they are</i> the rest of it is imported.</p><ul>"
                )
                parts.extend(f"<li>{html.escape(c)}</li>" for c in preview.conflicts)
                parts.append("</ul>")
        if len(self.previews) > 1:
            parts.append(
                "<p>Each file is imported in one step of its own, so a damaged file never "
                "leaves half its records behind; a record in two files is imported once.</p>"
            )
        return "".join(parts)

    def _choose(self, skip_conflicts: bool) -> None:
        self.import_chosen.emit(skip_conflicts)
        self.accept()
