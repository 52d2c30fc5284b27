"""The Wards screen's dialogs: adding or editing a ward with its areas, and choosing the
checklist when the trust has more than one."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QGuiApplication, QIntValidator, QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ui import errors as ui_errors
from ui.context import AppContext
from ui.theme import current_text_scale, touch_button
from ui.widgets.layouts import buddy_label
from ui.widgets.wheel import install_wheel_guard
from wardaudit.checklist import DESIGNATION_WORDS, DESIGNATIONS, Checklist
from wardaudit.errors import InvalidInput, WardAuditError
from wardaudit.model import Ward
from wardaudit.words import sentence

log = logging.getLogger(__name__)

# Ways of naming a ward's service, offered as suggestions (she can type her own).
SERVICE_SUGGESTIONS = (
    "Acute adult",
    "Psychiatric intensive care",
    "Older adult",
    "Rehabilitation",
    "Forensic low secure",
    "Forensic medium secure",
    "Eating disorders",
    "Mother and baby",
)


# --- adding and editing a ward ----------------------------------------------------------------


def _line_of(box: QComboBox) -> QLineEdit:
    """The text field of an editable box (where she types a name not in the list)."""
    line = box.lineEdit()
    assert line is not None
    return line


class WardDialog(QDialog):
    """Add or edit a ward; problems are shown inside the dialog, which stays open to fix them."""

    saved = Signal(object)  # the saved Ward

    def __init__(
        self,
        ctx: AppContext,
        ward: Ward | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        install_wheel_guard()  # opened from the Wards screen, maybe before the app put it on
        self.ctx = ctx
        self.ward = ward
        self.setWindowTitle("Edit ward" if ward else "Add a ward")
        self.setAccessibleName(self.windowTitle())
        self.setModal(True)

        self.site_edit = QComboBox()
        self.site_edit.setEditable(True)
        self.site_edit.addItems([site.name for site in ctx.store.wards.sites()])
        self.site_edit.setCurrentIndex(-1)
        self.site_edit.setAccessibleName("Site")
        _line_of(self.site_edit).setPlaceholderText("For example, the hospital's name")

        self.name_edit = QLineEdit()
        self.name_edit.setAccessibleName("Ward name")
        self.name_edit.setPlaceholderText("For example, Juniper Ward")

        self.designation_edit = QComboBox()
        self.designation_edit.setAccessibleName("Designation")
        for sex in DESIGNATIONS:
            self.designation_edit.addItem(DESIGNATION_WORDS[sex], sex)
        self.designation_edit.setPlaceholderText("Choose male, female or mixed")
        self.designation_edit.setCurrentIndex(-1)
        self.designation_edit.setToolTip(
            "Who the ward is for. It decides which checklist items apply."
        )

        self.service_edit = QComboBox()
        self.service_edit.setEditable(True)
        self.service_edit.setAccessibleName("Service type")
        known = sorted(
            {w.service for w in ctx.store.wards.list() if w.service} | set(SERVICE_SUGGESTIONS)
        )
        self.service_edit.addItems(known)
        self.service_edit.setCurrentIndex(-1)
        _line_of(self.service_edit).setPlaceholderText("For example, Acute adult")

        self.beds_edit = QLineEdit()
        self.beds_edit.setValidator(QIntValidator(0, 500, self.beds_edit))
        self.beds_edit.setAccessibleName("Beds")
        self.beds_edit.setPlaceholderText("Number of beds; leave empty if not known")

        self.areas_list = QListWidget()
        self.areas_list.setAccessibleName("Areas of the ward")
        self.areas_list.setToolTip(
            "Bays, corridors, lounges, bathrooms: offered as locations when answering. "
            "Double-click or press F2 to rename one."
        )
        self.areas_list.setMinimumHeight(150)
        self.area_edit = QLineEdit()
        self.area_edit.setAccessibleName("New area")
        self.area_edit.setPlaceholderText("New area, for example Female lounge")
        self.area_edit.installEventFilter(self)  # Enter adds the area; it must not save the ward
        self.add_area_button = touch_button("Add area", tooltip="Add the area typed beside it")
        self.add_area_button.setAutoDefault(False)
        self.add_area_button.clicked.connect(self.add_area)
        self.remove_area_button = touch_button("Remove area", tooltip="Remove the selected area")
        self.remove_area_button.setAutoDefault(False)
        self.remove_area_button.clicked.connect(self.remove_area)
        self.typical_areas_button = touch_button(
            "Add typical areas",
            tooltip="Add the usual areas for the ward's designation; edit them afterwards",
        )
        self.typical_areas_button.setAutoDefault(False)
        self.typical_areas_button.clicked.connect(self.add_typical_areas)

        self.problem_label = QLabel()
        self.problem_label.setObjectName("problem")
        self.problem_label.setWordWrap(True)
        self.problem_label.setAccessibleName("Problem")
        self.problem_label.hide()

        large_text = current_text_scale() >= 1.5
        form = QFormLayout()
        form.setRowWrapPolicy(
            QFormLayout.RowWrapPolicy.WrapAllRows  # labels above fields: the width is for text
            if large_text
            else QFormLayout.RowWrapPolicy.WrapLongRows
        )
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        form.addRow(buddy_label("&Site", self.site_edit), self.site_edit)
        form.addRow(buddy_label("Ward &name", self.name_edit), self.name_edit)
        form.addRow(buddy_label("&Designation", self.designation_edit), self.designation_edit)
        form.addRow(buddy_label("Ser&vice", self.service_edit), self.service_edit)
        form.addRow(buddy_label("&Beds", self.beds_edit), self.beds_edit)

        area_entry = QHBoxLayout()
        area_entry.addWidget(self.area_edit, 1)
        area_entry.addWidget(self.add_area_button)
        area_buttons = QHBoxLayout()
        area_buttons.addWidget(self.remove_area_button)
        area_buttons.addWidget(self.typical_areas_button)
        area_buttons.addStretch(1)
        areas_box = QVBoxLayout()
        areas_box.addWidget(self.areas_list, 1)
        areas_box.addLayout(area_entry)
        areas_box.addLayout(area_buttons)
        form.addRow(buddy_label("&Areas", self.areas_list), areas_box)

        self.buttons = QDialogButtonBox()
        self.save_button = self.buttons.addButton(
            "Save ward", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.save_button.setAccessibleName("Save ward")
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setAccessibleName("Cancel")
        self.save_button.setDefault(True)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)

        # The form scrolls, so at 200% text on a 768 px screen nothing is squeezed or hidden;
        # the problem and the Save button stay in view below it.
        fields = QWidget()
        fields.setLayout(form)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(fields)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.problem_label)
        layout.addWidget(self.buttons)
        self._fit_to_screen(620 if not large_text else 760, 660)

        if ward is not None:
            self.site_edit.setCurrentText(ward.site)
            self.name_edit.setText(ward.name)
            self.designation_edit.setCurrentIndex(DESIGNATIONS.index(ward.sex))
            self.service_edit.setCurrentText(ward.service)
            self.beds_edit.setText("" if ward.beds is None else str(ward.beds))
            for area in ward.areas:
                self._append_area(area)
        self.site_edit.setFocus()

    def _fit_to_screen(self, width: int, height: int) -> None:
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is not None:
            room = screen.availableGeometry()
            width, height = min(width, room.width() - 40), min(height, room.height() - 60)
        self.resize(width, height)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.area_edit
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        ):
            self.add_area()
            return True
        return super().eventFilter(watched, event)

    def _append_area(self, text: str) -> None:
        item = QListWidgetItem(text)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
        self.areas_list.addItem(item)

    def areas(self) -> list[str]:
        found = (self.areas_list.item(n).text().strip() for n in range(self.areas_list.count()))
        return [area for area in found if area]

    def add_area(self) -> None:
        text = self.area_edit.text().strip()
        if not text:
            self.area_edit.setFocus()
            return
        if text.casefold() not in {a.casefold() for a in self.areas()}:
            self._append_area(text)
            self.areas_list.setCurrentRow(self.areas_list.count() - 1)
        self.area_edit.clear()
        self.area_edit.setFocus()

    def remove_area(self) -> None:
        row = self.areas_list.currentRow()
        if row >= 0:
            self.areas_list.takeItem(row)

    def add_typical_areas(self) -> None:
        from wardaudit.demo import AREAS  # the usual areas of a ward of each designation

        sex = self.designation_edit.currentData()
        if sex is None:
            self.show_problem("Choose the ward's designation first: the usual areas depend on it.")
            return
        have = {a.casefold() for a in self.areas()}
        for area in AREAS[sex]:
            if area.casefold() not in have:
                self._append_area(area)

    def show_problem(self, text: str) -> None:
        self.problem_label.setText(text)
        self.problem_label.show()

    def problems(self) -> list[str]:
        """What must be fixed before the ward can be saved, in her words."""
        found = []
        if not self.site_edit.currentText().strip():
            found.append("Enter the site (the hospital or unit the ward belongs to).")
        if not self.name_edit.text().strip():
            found.append("Enter the ward's name.")
        if self.designation_edit.currentData() is None:
            found.append("Choose whether the ward is male, female or mixed.")
        beds = self.beds_edit.text().strip()
        if beds and not (beds.isdigit() and int(beds) <= 500):
            found.append("Beds must be a whole number from 0 to 500, or left empty.")
        return found

    def save(self) -> None:
        problems = self.problems()
        if problems:
            self.show_problem("\n".join(problems))
            return
        beds_text = self.beds_edit.text().strip()
        beds = int(beds_text) if beds_text else None
        fields = {
            "site": self.site_edit.currentText().strip(),
            "name": self.name_edit.text().strip(),
            "sex": self.designation_edit.currentData(),
            "service": self.service_edit.currentText().strip(),
            "beds": beds,
            "areas": self.areas(),
            "actor": self.ctx.actor,
        }
        try:
            if self.ward is None:
                saved = self.ctx.store.wards.add(**fields)
            else:
                saved = self.ctx.store.wards.edit(self.ward.id, **fields)
        except InvalidInput as error:
            self.show_problem(sentence(error) + ".")
            return
        except WardAuditError as error:
            ui_errors.show_error(self, error)
            return
        log.info("ward saved: %s", saved.name)
        self.saved.emit(saved)
        self.accept()


class ChecklistDialog(QDialog):
    """Choose which checklist to audit against when the trust has more than one."""

    def __init__(
        self, checklists: Sequence[Checklist], default: Checklist, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        install_wheel_guard()  # opened from the Wards screen, maybe before the app put it on
        self.setWindowTitle("Choose a checklist")
        self.setAccessibleName("Choose a checklist")
        self.checklists = list(checklists)
        self.list = QListWidget()
        self.list.setAccessibleName("Checklists")
        for checklist in self.checklists:
            self.list.addItem(checklist.label)
        self.list.setCurrentRow(self.checklists.index(default))
        self.list.itemActivated.connect(lambda _item: self.accept())
        buttons = QDialogButtonBox()
        start = buttons.addButton("Start audit", QDialogButtonBox.ButtonRole.AcceptRole)
        start.setAccessibleName("Start audit")
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        prompt = QLabel("Which checklist should this audit use?")
        prompt.setWordWrap(True)
        layout.addWidget(prompt)
        layout.addWidget(self.list, 1)
        layout.addWidget(buttons)
        self.resize(520, 360)

    def chosen(self) -> Checklist:
        return self.checklists[max(0, self.list.currentRow())]
