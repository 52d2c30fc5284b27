"""The audit screen's item models: the sections and items with a mark for each answer, the
search over them, and the team on the walk-round."""

from __future__ import annotations

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)

from ui.widgets.tables import ROOT as _ROOT
from ui.widgets.tables import RowsTableModel, bold_font
from wardaudit.checklist import Item, Section
from wardaudit.model import Answer, AuditRecord, TeamMember
from wardaudit.words import answer_word

# The answer marks in the item list: a symbol and a word, never colour alone.
MARKS = {"yes": "✓ Yes", "partial": "½ Partly", "no": "✗ No", "na": "– N/A"}
UNANSWERED_MARK = "○"


class AuditItemsModel(QAbstractItemModel):
    """Sections (with answered of applicable) and their items (with a mark for each answer).

    Two levels: a section row's internal id is 0; an item row's is its section's row + 1.
    """

    COLUMN_ITEM, COLUMN_ANSWER = 0, 1
    HEADERS = ("Item", "Answer")
    ITEM_ID_ROLE = Qt.ItemDataRole.UserRole + 1
    SEARCH_ROLE = Qt.ItemDataRole.UserRole + 2
    VALUE_ROLE = Qt.ItemDataRole.UserRole + 3

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._audit_id: str | None = None
        self._sections: list[tuple[Section, list[Item]]] = []
        self._answers: dict[str, Answer] = {}
        self._places: dict[str, tuple[int, int]] = {}

    # building ----------------------------------------------------------------------------

    def set_record(self, record: AuditRecord) -> None:
        """Show ``record``; the same audit again only refreshes marks and progress."""
        sex = record.audit.ward.sex
        if record.audit.id == self._audit_id:
            # Only the rows whose answer changed (and their sections' progress) are redrawn:
            # refreshing every row made the list re-measure itself on every key press.
            before = self._answers
            self._answers = dict(record.answers)
            changed = {
                item_id
                for item_id in before.keys() | self._answers.keys()
                if before.get(item_id) != self._answers.get(item_id)
            }
            sections: set[int] = set()
            for item_id in changed:
                place = self._places.get(item_id)
                if place is None:
                    continue
                sections.add(place[0])
                parent = self.index(place[0], 0)
                self.dataChanged.emit(
                    self.index(place[1], 0, parent), self.index(place[1], 1, parent)
                )
            for row in sections:
                self.dataChanged.emit(self.index(row, 0), self.index(row, 1))
            return
        self.beginResetModel()
        self._audit_id = record.audit.id
        self._answers = dict(record.answers)
        self._sections = []
        self._places = {}
        for section in record.checklist.sections:
            items = [item for item in section.items if item.applies(sex)]
            if items:
                for number, item in enumerate(items):
                    self._places[item.id] = (len(self._sections), number)
                self._sections.append((section, items))
        self.endResetModel()

    def item_ids(self) -> list[str]:
        return [item.id for _, items in self._sections for item in items]

    def item_index(self, item_id: str, column: int = 0) -> QModelIndex:
        place = self._places.get(item_id)
        if place is None:
            return QModelIndex()
        return self.index(place[1], column, self.index(place[0], 0))

    def section_progress(self, row: int) -> tuple[int, int]:
        _, items = self._sections[row]
        return sum(1 for item in items if item.id in self._answers), len(items)

    # the model interface -----------------------------------------------------------------

    def index(
        self, row: int, column: int, parent: QModelIndex | QPersistentModelIndex = _ROOT
    ) -> QModelIndex:
        if not self.hasIndex(row, column, parent):
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, column, 0)
        return self.createIndex(row, column, parent.row() + 1)

    def parent(self, index: QModelIndex | QPersistentModelIndex = _ROOT) -> QModelIndex:  # type: ignore[override]
        if not index.isValid() or index.internalId() == 0:
            return QModelIndex()
        return self.createIndex(int(index.internalId()) - 1, 0, 0)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        if not parent.isValid():
            return len(self._sections)
        if parent.internalId() == 0 and parent.column() == 0:
            return len(self._sections[parent.row()][1])
        return 0

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:
        return 2

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if not index.isValid():
            return None
        if index.internalId() == 0:
            return self._section_data(index.row(), index.column(), role)
        section, items = self._sections[int(index.internalId()) - 1]
        return self._item_data(items[index.row()], section, index.column(), role)

    def _section_data(self, row: int, column: int, role: int) -> object:
        section, _ = self._sections[row]
        answered, applicable = self.section_progress(row)
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.COLUMN_ITEM:
                return section.title
            return f"{answered} / {applicable}" + (" ✓" if answered == applicable else "")
        if role in (Qt.ItemDataRole.AccessibleTextRole, Qt.ItemDataRole.ToolTipRole):
            return f"{section.title}: {answered} of {applicable} answered"
        if role == Qt.ItemDataRole.FontRole:
            return bold_font()
        if role == self.SEARCH_ROLE:
            return section.title
        return None

    def _item_data(self, item: Item, section: Section, column: int, role: int) -> object:
        answer = self._answers.get(item.id)
        value = answer.value if answer else None
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.COLUMN_ITEM:
                return f"{item.id}  {item.question}"
            return MARKS[value] if value else UNANSWERED_MARK
        if role == Qt.ItemDataRole.AccessibleTextRole:
            word = answer_word(value, "not answered")
            return f"{item.id}, {word}: {item.question}"
        if role == Qt.ItemDataRole.ToolTipRole:
            word = answer_word(value)
            critical = " (critical)" if item.critical else ""
            return f"{item.id}{critical}: {item.question}\n{word}"
        if role == self.ITEM_ID_ROLE:
            return item.id
        if role == self.VALUE_ROLE:
            return value
        if role == self.SEARCH_ROLE:
            location = answer.location if answer else ""
            note = answer.note if answer else ""
            return f"{item.id} {item.question} {location} {note}"
        return None


class ItemSearch(QSortFilterProxyModel):
    """Filters the item list by what a matron types: item id, question, note or location."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setFilterRole(AuditItemsModel.SEARCH_ROLE)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setRecursiveFilteringEnabled(True)
        self.setAutoAcceptChildRows(True)


class TeamTableModel(RowsTableModel):
    """The people who audited with the matron, including patient or peer assessors."""

    NAME, ROLE, PEER = 0, 1, 2
    HEADERS = ("Name", "Role", "Patient or peer assessor")
    MEMBER_ROLE = Qt.ItemDataRole.UserRole + 1
    _rows: list[TeamMember]

    def members(self) -> list[TeamMember]:
        """The team as entered, leaving out rows with no name."""
        return [
            TeamMember(m.name.strip(), m.role.strip(), m.patient_or_peer)
            for m in self._rows
            if m.name.strip()
        ]

    def add_member(self) -> int:
        row = len(self._rows)
        self.beginInsertRows(QModelIndex(), row, row)
        self._rows.append(TeamMember("", ""))
        self.endInsertRows()
        return row

    def remove_member(self, row: int) -> None:
        if 0 <= row < len(self._rows):
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._rows[row]
            self.endRemoveRows()

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == self.PEER:
            return base | Qt.ItemFlag.ItemIsUserCheckable
        return base | Qt.ItemFlag.ItemIsEditable

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if not index.isValid():
            return None
        member = self._rows[index.row()]
        column = index.column()
        if role == self.MEMBER_ROLE:
            return member
        if column == self.PEER:
            if role == Qt.ItemDataRole.CheckStateRole:
                return Qt.CheckState.Checked if member.patient_or_peer else Qt.CheckState.Unchecked
            if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
                return "Yes" if member.patient_or_peer else "No"
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return member.name if column == self.NAME else member.role
        return None

    def setData(
        self,
        index: QModelIndex | QPersistentModelIndex,
        value: object,
        role: int = Qt.ItemDataRole.EditRole,
    ) -> bool:
        if not index.isValid():
            return False
        member = self._rows[index.row()]
        column = index.column()
        if column == self.PEER and role == Qt.ItemDataRole.CheckStateRole:
            checked = value in (Qt.CheckState.Checked, Qt.CheckState.Checked.value, 2)
            member = TeamMember(member.name, member.role, checked)
        elif column in (self.NAME, self.ROLE) and role == Qt.ItemDataRole.EditRole:
            text = str(value or "")
            if column == self.NAME:
                member = TeamMember(text, member.role, member.patient_or_peer)
            else:
                member = TeamMember(member.name, text, member.patient_or_peer)
        else:
            return False
        self._rows[index.row()] = member
        self.dataChanged.emit(index, index, [role])
        return True
