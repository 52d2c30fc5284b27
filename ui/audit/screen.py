"""The audit screen: answer a ward's checklist fast, by keyboard or touch, saving every answer.

A matron walks the ward with a laptop and is interrupted every few minutes, so every
answer is committed durably the moment it is given, "Saved hh:mm:ss" appears only after
the commit returns, and a resumed audit reopens at the item where it was left.

The screen decides what is saved and where to go next; its parts only show: the header
(:mod:`ui.audit.header`), the item list (:mod:`ui.audit.item_list`), the item card with the
action panel (:mod:`ui.audit.card`), the actions left open at earlier audits
(:mod:`ui.audit.previous_actions`) and the summary and sign-off (:mod:`ui.audit.summary`).
It is the longest module of the app (about 750 lines) on purpose: every way an answer
can be given, taken back, moved from or lost (a key, a button, the list, the search, Undo,
leaving, a note half typed) is handled here together, so that each saves before it moves
on and "Saved" is shown only after the commit; split apart, that order would be easy to
break without any one file showing it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QHideEvent, QKeyEvent, QKeySequence, QShortcut, QTextCursor
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QFrame,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from ui import errors as ui_errors
from ui.audit import photos as photo_files
from ui.audit.card import ItemCard
from ui.audit.header import AuditHeader, SaveState
from ui.audit.item_list import ItemList
from ui.audit.keys import ANSWER_KEYS, GUIDANCE_KEY, is_plain_letter
from ui.audit.previous_actions import PreviousActionsPanel
from ui.audit.recent_incidents import RecentIncidentsPanel
from ui.audit.summary import SummaryPage
from ui.context import AppContext, Change
from ui.widgets.messages import announce
from ui.widgets.wheel import install_wheel_guard
from wardaudit import clock
from wardaudit.identifiers import identifier_warning_for
from wardaudit.model import Action, Answer, AuditRecord, HistoryEvent, answer_value
from wardaudit.scoring import ANSWER_WORDS, allowed_answers
from wardaudit.words import answer_word, sentence

log = logging.getLogger(__name__)

DETAIL_SAVE_DELAY_MS = 800  # what she typed is saved this long after she stops (under a second)
TYPING_GAP_MS = 500
"""An answer key is taken as an answer only when no other key follows it within this time,
and none came just before it while she was typing. Two keys closer than this are typing (most
people type a word's letters 150–400 ms apart), so the first letter of "Patient bay…" never
answers Partly: the letters go into the note instead."""
FOLD_AT_POINTS = 19.0  # from 175% text the item list folds away (the base is 11 pt)
TEXT_INPUTS = (QLineEdit, QPlainTextEdit, QTextEdit, QAbstractSpinBox, QComboBox)
ANSWERED: tuple[Change, ...] = ("audits", "actions")  # an answer may raise or withdraw an action


class AuditScreen(QWidget):
    """One audit: the header, the item list, the item card, and the summary and sign-off."""

    progress_changed = Signal(str)  # an answer was saved (the audit's id)
    audit_completed = Signal(str)
    leave_requested = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("auditScreen")
        self.setAccessibleName("Audit")
        self._record: AuditRecord | None = None
        self._item_id: str | None = None
        self._order: list[str] = []
        self._undo: list[tuple[str, Answer | None]] = []
        self._drafts: dict[str, dict[str, str]] = {}  # item: draft field: text (as stored)
        self._earlier: dict[str, Action] = {}  # item: the ward's action still open for it
        self._earlier_from: dict[str, str] = {}  # audit id: " from the audit of dd/mm/yyyy"
        self._pending: tuple[str, str, str, float] | None = None  # item, value, key, pressed
        self._typing_until = 0.0  # a key before this moment is part of typing
        self.answer_timing: tuple[float, float, float] | None = None  # pressed, taken, saved
        self._loading = False
        self._last_saved_item: str | None = None
        self._save_state: SaveState = "none"

        self._detail_timer = QTimer(self)
        self._detail_timer.setSingleShot(True)
        self._detail_timer.setInterval(DETAIL_SAVE_DELAY_MS)
        self._detail_timer.timeout.connect(self._save_details)
        self._pending_timer = QTimer(self)
        self._pending_timer.setSingleShot(True)
        self._pending_timer.setInterval(TYPING_GAP_MS)
        self._pending_timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._pending_timer.timeout.connect(self._settle_pending)
        self._action_timer = QTimer(self)
        self._action_timer.setSingleShot(True)
        self._action_timer.setInterval(DETAIL_SAVE_DELAY_MS)
        self._action_timer.timeout.connect(self._save_action_drafts)

        outer = QVBoxLayout(self)
        outer.setContentsMargins(8, 8, 8, 8)
        outer.setSpacing(6)
        self.header = AuditHeader(self)
        self.header.leave_button.clicked.connect(self._leave)
        self.header.summary_button.clicked.connect(self.show_summary)
        self.header.items_button.toggled.connect(self._items_toggled)
        self._folded = False
        outer.addWidget(self.header)
        self._stack = QStackedWidget(self)
        outer.addWidget(self._stack, 1)

        self._empty = QLabel(
            "No audit is open. Choose a ward on the Wards screen, then start or resume its audit.",
            self,
        )
        self._empty.setWordWrap(True)
        self._empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._stack.addWidget(self._empty)
        self._work = self._build_work_page()
        self._stack.addWidget(self._work)
        self.summary = SummaryPage(ctx, self)
        self._stack.addWidget(self.summary)
        self.summary.item_requested.connect(self._summary_item_requested)
        self.summary.back_requested.connect(self.show_items)
        self.summary.completed.connect(self._on_completed)
        self.summary.amended.connect(self._on_amended)
        self._make_shortcuts()
        self.header.setVisible(False)
        self.note.installEventFilter(self)
        self.card_scroll.viewport().installEventFilter(self)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            install_wheel_guard(app)
            app.installEventFilter(self)  # keys typed in a text field: typing, not answers

    # building ----------------------------------------------------------------------------

    def _build_work_page(self) -> QWidget:
        page = QWidget(self)
        row = QVBoxLayout(page)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(6)
        # Made first, so Tab reaches it before the item list; hidden unless there are any.
        self.previous_panel = PreviousActionsPanel(self.ctx, page)
        self.previous_panel.saved.connect(self._previous_saved)
        self.previous_panel.save_failed.connect(self._not_saved)
        row.addWidget(self.previous_panel)
        self.recent_incidents = RecentIncidentsPanel(self.ctx, page)
        row.addWidget(self.recent_incidents)
        splitter = QSplitter(Qt.Orientation.Horizontal, page)
        splitter.setChildrenCollapsible(False)
        row.addWidget(splitter, 1)

        self.item_list = ItemList(splitter)
        self.item_list.search.textChanged.connect(self._search_changed)
        self.item_list.search.returnPressed.connect(self._jump_to_first_match)
        self.item_list.item_chosen.connect(self._item_chosen)
        self.items_model = self.item_list.model
        self.tree = self.item_list.tree
        self.tree.activated.connect(lambda _index: self._item_activated())

        self.card_scroll = QScrollArea(splitter)
        self.card_scroll.setWidgetResizable(True)
        self.card_scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.card_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.card = card = ItemCard()
        card.answer_chosen.connect(self.answer)
        card.back_button.clicked.connect(self._back_to_last)
        card.note.textChanged.connect(self._note_changed)
        card.location_line.editingFinished.connect(self._location_finished)
        card.location.activated.connect(lambda _index: self._location_finished())
        card.location.editTextChanged.connect(self._location_edited)
        card.add_photo_button.clicked.connect(self.add_photos)
        self.photo_adder = photo_files.PhotoAdder(
            self.ctx, card.add_photo_button, card.photo_busy, self
        )
        self.photo_adder.stored.connect(self._photo_stored)
        self.photo_adder.failed.connect(self._not_saved)
        card.photo_strip.remove_requested.connect(self._remove_photo)
        card.action_panel.changed.connect(self._action_changed)
        card.action_panel.typed.connect(lambda _field, _text: self._action_timer.start())
        card.action_panel.accepted.connect(self.accept_action)
        card.action_panel.raise_new_requested.connect(self._raise_own_action)
        card.action_panel.link_requested.connect(self._link_finding)
        card.previous_button.clicked.connect(self.previous_item)
        card.next_button.clicked.connect(self.next_item)
        # The card's fields the screen (and its tests) reach most, by their plain names.
        self.note, self.location = card.note, card.location
        self.answer_buttons = card.answer_buttons
        self.photo_strip, self.action_panel = card.photo_strip, card.action_panel
        self.card_scroll.setWidget(card)
        splitter.addWidget(self.item_list)
        splitter.addWidget(self.card_scroll)
        # Both sides give way in a narrow window, the card more than the list.
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 3)
        # The list gets room for about 30 characters of question at any text size.
        left_width = max(340, min(460, self.item_list.fontMetrics().averageCharWidth() * 40))
        splitter.setSizes([left_width, max(600, 1340 - left_width)])
        return page

    def _make_shortcuts(self) -> None:
        """Keys for the item page; Y/P/N/A/G come through keyPressEvent so text fields keep them."""

        def bind(keys: tuple[str, ...], slot: Callable[[], object]) -> None:
            for key in keys:
                shortcut = QShortcut(QKeySequence(key), self._work)
                shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
                shortcut.activated.connect(slot)

        bind(("PgDown",), self.next_item)
        bind(("PgUp",), self.previous_item)
        bind(("Right",), lambda: self._arrow(self.next_item))
        bind(("Left",), lambda: self._arrow(self.previous_item))
        bind(("Ctrl+F",), self.focus_search)
        bind(("Ctrl+Z",), self.undo)
        bind(("Ctrl+Return", "Ctrl+Enter"), self.show_summary)
        bind(("Ctrl+S",), self.save_now)
        bind(("Escape",), self._escape)
        bind(("Ctrl+L",), self.header.items_button.toggle)

    # the contract with the main window ------------------------------------------------------

    @property
    def audit_id(self) -> str | None:
        return self._record.audit.id if self._record else None

    @property
    def record(self) -> AuditRecord | None:
        return self._record

    @property
    def current_item(self) -> str | None:
        return self._item_id

    @property
    def last_saved_item(self) -> str | None:
        """The item whose answer was last committed (set only after the commit returned)."""
        return self._last_saved_item

    @property
    def saved_text(self) -> str:
        return self.header.saved_label.text()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self.item_list.size_answer_column()
            self._update_fold()
        super().changeEvent(event)

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self._update_fold()

    # the item list, folded away when the text is large -------------------------------------

    @property
    def items_folded(self) -> bool:
        """True when the item list is folded away to give the card the room (large text or a
        narrow window); "Item list (Ctrl+L)" opens it."""
        return self._folded

    def _update_fold(self) -> None:
        """Fold the item list away when the card would not have room for four answers."""
        if not hasattr(self, "item_list"):
            return
        letter = QApplication.font().pointSizeF()
        folded = letter >= FOLD_AT_POINTS or self.width() < 60 * letter
        if folded == self._folded:
            return
        self._folded = folded
        self.header.items_button.setVisible(folded)
        self.header.items_button.setChecked(False)
        self.item_list.setVisible(not folded)

    def _items_toggled(self, shown: bool) -> None:
        if not self._folded:
            self.header.items_button.setChecked(False)
            return
        self.item_list.setVisible(shown)
        self.header.items_button.setAccessibleName(("Hide" if shown else "Show") + " the item list")
        if shown:
            self.tree.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self.focus_card()

    def help_topic(self) -> str:
        """Which guide F1 shows: answering, or the summary and sign-off."""
        return "summary" if self._stack.currentWidget() is self.summary else "audit"

    def open_audit(self, audit_id: str) -> None:
        """Show an audit where it was left; a completed audit opens on its summary."""
        self._settle_pending()
        if self._record is not None and self._record.audit.status == "in_progress":
            self._save_details()
            self._flush_action()
        try:
            record = self.ctx.store.audits.get(audit_id)
            drafts = (
                self.ctx.store.audits.drafts(audit_id)
                if record.audit.status == "in_progress"
                else []
            )
        except Exception as error:  # shown to the matron and logged
            ui_errors.show_error(self, error)
            return
        self._record = record
        self._undo.clear()
        self._drafts.clear()
        for draft in drafts:
            self._drafts.setdefault(draft.item, {})[draft.field] = draft.text
        self._item_id = None
        self._last_saved_item = None
        self._save_state = "none"
        self.item_list.search.clear()
        self.card.last_strip.setVisible(False)
        self.items_model.set_record(record)
        self.tree.expandAll()
        self._order = self.items_model.item_ids()
        self.header.setVisible(True)
        self._refresh_header()
        if record.audit.status == "completed":
            self._show_summary_page()
            self.summary.focus_first()
            return
        self.previous_panel.show_for(record)
        self._read_earlier_actions(record)
        self.recent_incidents.show_for(record.audit.ward)
        start = record.audit.current_item
        if start not in self._order:
            unanswered = record.unanswered()
            start = unanswered[0] if unanswered else self._order[0]
        self._set_page(self._work)
        self._show_item(start)
        self.focus_card()

    # actions left open at earlier audits ---------------------------------------------------

    def _previous_saved(self, text: str) -> None:
        assert self._record is not None
        self._after_save(None, "actions")
        announce(self.previous_panel, text)
        self.progress_changed.emit(self._record.audit.id)  # the ward's open actions changed

    def _read_earlier_actions(self, record: AuditRecord) -> None:
        """The ward's actions still open from earlier audits, by item: a No or Partly for one
        of those items is linked to it rather than raising a duplicate."""
        self._earlier.clear()
        self._earlier_from.clear()
        try:
            earlier = self.ctx.store.actions.previous_open(record.audit.id)
            signed = self.ctx.store.audits.list(ward=record.audit.ward.id, status="completed")
        except Exception:  # without them every No raises its own action, as before
            log.exception("could not read the ward's open actions")
            return
        for action in earlier:  # newest audit first: the newest open action for an item wins
            self._earlier.setdefault(action.item, action)
        for audit in signed:
            self._earlier_from[audit.id] = f" from the audit of {clock.uk_date(audit.completed_at)}"

    # answering -----------------------------------------------------------------------------

    def answer(self, value: str) -> bool:
        """Save ``value`` for the item shown; False if nothing was saved.

        Yes and N/A move on at once. No and Partly stay on the item with its action shown
        right under the answers, to be checked and accepted (Enter) before moving on.
        """
        self._cancel_pending()
        record = self._record
        if record is None or self._item_id is None or record.audit.status != "in_progress":
            return False
        if self._stack.currentWidget() is not self._work:
            return False
        item = record.checklist.item(self._item_id)
        if value not in allowed_answers(item):
            self._say(
                f"{item.id} is a critical item: only Yes, No or N/A can be given, not Partly. "
                "Nothing was saved."
            )
            return False
        item_id = item.id
        previous = record.answers.get(item_id)
        had_action = any(a.item == item_id for a in record.actions)
        was_linked = any(link.item == item_id for link in record.links)
        note, location = self._typed_details()
        earlier = self._earlier.get(item_id)
        link_to = (
            earlier.id
            if earlier is not None and value in ("no", "partial") and not had_action
            else None
        )
        stored = self._store_answer(item_id, value, note, location, link_to=link_to)
        if stored is None:
            return False
        self._undo.append((item_id, previous))
        for field in ("note", "location"):
            self._drafts.get(item_id, {}).pop(field, None)
        findings_unchanged = (
            value in ("yes", "na")
            and (previous is None or previous.value in ("yes", "na"))
            and not had_action
            and not was_linked
        )
        if findings_unchanged:
            # no action was raised, withdrawn or linked: the answer the store returned is
            # all that changed, so the audit is not read back whole
            self._record = record.with_answer(stored)
            self.items_model.set_record(self._record)
        self._after_save(item_id, *ANSWERED, reload=not findings_unchanged)
        self.progress_changed.emit(record.audit.id)
        if value in ("no", "partial"):
            self._show_item(item_id)
            self._show_action_in_place(item_id)
            return True
        self._show_last(item_id, withdrawn=had_action, unlinked=was_linked)
        self._advance_from(item_id)
        return True

    def _show_action_in_place(self, item_id: str) -> None:
        """After a No or Partly: the action (or the link) where she is looking, Enter to go on."""
        assert self._record is not None
        linked = any(link.item == item_id for link in self._record.links)
        word = ANSWER_WORDS[self._record.answers[item_id].value]
        if linked:
            self._say(
                f"{item_id} saved as {word}. It is linked to the action already open for it. "
                "Press Enter to go on."
            )
        else:
            self._say(f"{item_id} saved as {word}. Check the action, then press Enter to go on.")
        self.action_panel.accept_button.setFocus(Qt.FocusReason.OtherFocusReason)
        QTimer.singleShot(0, self._bring_action_into_view)

    def _bring_action_into_view(self) -> None:
        if self.action_panel.isVisible():
            self.card_scroll.ensureWidgetVisible(self.action_panel, 0, 0)

    def accept_action(self) -> None:
        """Enter on the action: what she typed in it is saved, then on to the next item."""
        record = self._record
        if record is None or self._item_id is None or record.audit.status != "in_progress":
            return
        item_id = self._item_id
        self._flush_action()
        if item_id in record.answers:
            self._show_last(item_id)
            self._advance_from(item_id)

    def _link_finding(self, action_id: str) -> None:
        record = self._record
        if record is None or self._item_id is None:
            return
        item_id = self._item_id
        try:
            self.ctx.store.audits.link_finding(
                record.audit.id, item_id, action_id, actor=self.ctx.auditor_name
            )
        except Exception as error:  # marked "Not saved", shown and logged
            self._not_saved(error)
            return
        self._drop_action_drafts(item_id)
        self._after_save(item_id, *ANSWERED)
        self._show_item(item_id)
        self._show_action_in_place(item_id)

    def _raise_own_action(self) -> None:
        record = self._record
        if record is None or self._item_id is None:
            return
        item_id = self._item_id
        try:
            self.ctx.store.audits.raise_own_action(
                record.audit.id, item_id, actor=self.ctx.auditor_name
            )
        except Exception as error:  # marked "Not saved", shown and logged
            self._not_saved(error)
            return
        self._after_save(item_id, *ANSWERED)
        self._show_item(item_id)
        self._show_action_in_place(item_id)

    def undo(self) -> None:
        """Take back the last answer: the previous value (or none) is restored in the store."""
        record = self._record
        if record is None or record.audit.status != "in_progress":
            return
        if not self._undo:
            self._say("There is no answer to undo.")
            return
        self._save_details()
        item_id, previous = self._undo[-1]
        if previous is None:
            try:
                self.ctx.store.audits.clear_answer(
                    record.audit.id, item_id, actor=self.ctx.auditor_name
                )
            except Exception as error:  # marked "Not saved", shown and logged
                self._not_saved(error)
                return
        elif self._store_answer(item_id, previous.value, previous.note, previous.location) is None:
            return
        self._undo.pop()
        self._after_save(item_id, *ANSWERED)
        self.progress_changed.emit(record.audit.id)
        self.card.last_strip.setVisible(False)
        self._go_to(item_id, save_first=False)
        if previous:
            self._say(f"Undone: {item_id} is back to {answer_word(previous.value)}.")
        else:
            self._say(f"Undone: {item_id} has no answer now.")
        self.focus_card()

    def _store_answer(
        self, item_id: str, value: str, note: str, location: str, *, link_to: str | None = None
    ) -> Answer | None:
        """One answer committed, as the store returned it; None (marked "Not saved", shown,
        logged) if it was not."""
        assert self._record is not None
        try:
            return self.ctx.store.audits.record_answer(
                self._record.audit.id,
                item_id,
                answer_value(value),
                note=note,
                location=location,
                actor=self.ctx.auditor_name,
                link_to=link_to,
            )
        except Exception as error:  # marked "Not saved", shown and logged
            self._not_saved(error)
            return None

    def save_now(self) -> None:
        """Ctrl+S: save the typed note, location and action text without waiting."""
        self._settle_pending()
        self._save_details()
        self._flush_action()

    # moving about --------------------------------------------------------------------------

    def next_item(self) -> None:
        self._settle_pending()
        self._step(1)

    def previous_item(self) -> None:
        self._settle_pending()
        self._step(-1)

    def go_to_item(self, item_id: str) -> None:
        """Show one item (from the list, the search or the summary) and remember the place."""
        if self._record is None or item_id not in self._order:
            return
        self._settle_pending()
        if self._stack.currentWidget() is not self._work:
            self._set_page(self._work)
        self._go_to(item_id)

    def focus_card(self) -> None:
        self.card.setFocus(Qt.FocusReason.OtherFocusReason)

    def focus_search(self) -> None:
        self.item_list.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.item_list.search.selectAll()

    def show_items(self) -> None:
        """Back from the summary to the item card (in-progress audits only)."""
        if self._record is None or self._record.audit.status != "in_progress":
            return
        self._set_page(self._work)
        if self._item_id:
            self._show_item(self._item_id)
        self.focus_card()

    def show_summary(self) -> None:
        """Ctrl+Enter: the summary, with any unanswered items and the sign-off form."""
        if self._record is None:
            return
        self._settle_pending()
        self._save_details()
        self._flush_action()
        self._show_summary_page()
        self.summary.focus_first()

    def _show_summary_page(self) -> None:
        assert self._record is not None
        self.summary.show_record(self._record, self._history())
        self._set_page(self.summary)

    def _history(self) -> list[HistoryEvent]:
        assert self._record is not None
        try:
            return self.ctx.store.history.list(audit=self._record.audit.id)
        except Exception:  # the history is shown for information; the summary still opens
            log.exception("could not read the audit's history")
            return []

    def _set_page(self, page: QWidget) -> None:
        self._stack.setCurrentWidget(page)
        in_progress = self._record is not None and self._record.audit.status == "in_progress"
        self.header.summary_button.setVisible(in_progress and page is self._work)

    def _step(self, direction: int) -> None:
        if self._item_id is None or not self._order:
            return
        position = self._order.index(self._item_id) + direction
        if 0 <= position < len(self._order):
            self._go_to(self._order[position])
        else:
            self._say("This is the last item." if direction > 0 else "This is the first item.")
        self.focus_card()

    def _arrow(self, move: Callable[[], None]) -> None:
        # A drop-down list keeps its arrow keys; everywhere else they turn the page.
        if isinstance(self.focusWidget(), QComboBox):
            return
        move()

    def _advance_from(self, item_id: str) -> None:
        """Move to the next unanswered item after this one (wrapping), else the next item."""
        assert self._record is not None
        answers = self._record.answers
        position = self._order.index(item_id)
        ahead = self._order[position + 1 :] + self._order[: position + 1]
        target = next((other for other in ahead if other not in answers), None)
        if target is None:
            following = self._order[position + 1] if position + 1 < len(self._order) else item_id
            self._go_to(following, after_answer=True)
            self._say(
                f"All {len(self._order)} items are answered. Press Ctrl+Enter for the summary "
                "and sign-off."
            )
        else:
            self._go_to(target, after_answer=True)
        self.focus_card()

    def _go_to(self, item_id: str, *, save_first: bool = True, after_answer: bool = False) -> None:
        self._typing_until = 0.0  # on a new item by her choice: the next key may answer
        if not after_answer:
            self.card.last_strip.setVisible(False)  # it tells of the step just taken, no older
        if save_first:
            self._save_details()
            self._flush_action()
        self._show_item(item_id)
        assert self._record is not None
        try:
            self.ctx.store.audits.set_current_item(self._record.audit.id, item_id)
        except Exception:  # only the resume position; every answer is saved on its own
            log.warning("could not remember the current item %s", item_id, exc_info=True)

    def _back_to_last(self) -> None:
        if self._last_saved_item:
            self.go_to_item(self._last_saved_item)
            self.focus_card()

    def _summary_item_requested(self, item_id: str) -> None:
        self.go_to_item(item_id)
        self.focus_card()

    def _item_activated(self) -> None:
        if self._folded:
            self.header.items_button.setChecked(False)  # the panel folds away again
        self.focus_card()

    def _item_chosen(self, item_id: str) -> None:
        if item_id != self._item_id:
            self._go_to(item_id)
        if self._folded and self.header.items_button.isChecked() and not self.tree.hasFocus():
            self.header.items_button.setChecked(False)

    # showing one item ----------------------------------------------------------------------

    def _show_item(self, item_id: str) -> None:
        record = self._record
        assert record is not None
        item = record.checklist.item(item_id)
        section = record.checklist.section(item.section_id)
        answer = record.answers.get(item_id)
        self._item_id = item_id
        self._loading = True
        try:
            position = self._order.index(item_id) + 1
            drafts = self._drafts.get(item_id, {})
            if answer:
                note, location = answer.note, answer.location
            else:
                note, location = drafts.get("note", ""), drafts.get("location", "")
            self.card.show_item(
                item,
                f"Item {position} of {len(self._order)} · {item.id} · {section.title}",
                answer,
                note=note,
                location=location,
                areas=record.audit.ward.areas,
                first=position <= 1,
                last=position >= len(self._order),
            )
            self._update_note_warning()
            self._show_photos()
            self._show_action(answer)
        finally:
            self._loading = False
        self.item_list.select(item_id)
        self.card.describe_to_screen_readers(item)
        self.card_scroll.verticalScrollBar().setValue(0)

    def _show_action(self, answer: Answer | None) -> None:
        record = self._record
        assert record is not None
        action = None
        if answer and answer.value in ("no", "partial"):
            action = next((a for a in record.actions if a.item == answer.item), None)
            earlier = self._earlier.get(answer.item)
            linked = any(link.item == answer.item for link in record.links)
            if linked and earlier is not None:
                self.action_panel.show_link(earlier, self._earlier_from.get(earlier.audit_id, ""))
                self.action_panel.setVisible(True)
                return
        if action is None:
            self.action_panel.setVisible(False)
            self.action_panel.clear()
            return
        earlier = self._earlier.get(action.item)
        try:
            due_days: int | None = self.ctx.store.risk_matrix.band(action.risk.band).due_days
        except Exception:  # a band from another matrix: the hint is left out
            due_days = None
        self.action_panel.show_action(
            action,
            due_days,
            drafts=self._drafts.get(action.item, {}),
            earlier=earlier,
            earlier_from=self._earlier_from.get(earlier.audit_id, "") if earlier else "",
        )
        self.action_panel.setVisible(True)

    def _show_photos(self) -> None:
        record = self._record
        assert record is not None
        photos = [photo for photo in record.photos if photo.item == self._item_id]
        self.photo_strip.set_photos(
            photos, self.ctx.store.photos.data, editable=record.audit.status == "in_progress"
        )

    def _show_last(self, item_id: str, *, withdrawn: bool = False, unlinked: bool = False) -> None:
        """Say what was just saved, since the card has already moved on."""
        record = self._record
        assert record is not None
        answer = record.answers[item_id]
        word = ANSWER_WORDS[answer.value]
        text = f"{item_id} saved as {word}."
        action = next((a for a in record.actions if a.item == item_id), None)
        if action is not None:
            text += (
                f" Action: {action.risk.score} {action.risk.band_word}, "
                f"due {clock.uk_date(action.due)}, owner {action.owner or 'not set'}."
            )
        elif any(link.item == item_id for link in record.links):
            text += " Linked to the action already open for it."
        elif withdrawn:
            text += f" The action for {item_id} was withdrawn because the answer is now {word}."
        elif unlinked:
            text += (
                f" {item_id} is no longer linked to the open action, because the answer is "
                f"now {word}."
            )
        self.card.show_last(text, item_id)

    # search --------------------------------------------------------------------------------

    def _search_changed(self, _text: str) -> None:
        if self._item_id:
            self.item_list.select(self._item_id)

    def _jump_to_first_match(self) -> None:
        item_id = self.item_list.first_match()
        if item_id:
            self.go_to_item(item_id)
            self.focus_card()

    def _escape(self) -> None:
        self._typing_until = 0.0  # a deliberate step back to the card: keys answer again
        search = self.item_list.search
        if search.hasFocus() and search.text():
            search.clear()
        self.focus_card()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress:
            if (
                isinstance(watched, TEXT_INPUTS)
                and isinstance(event, QKeyEvent)
                and _is_text(event)
                and self.isAncestorOf(watched)
            ):
                self._typing_until = time.monotonic() + TYPING_GAP_MS / 1000
            return False
        if watched is self.card_scroll.viewport() and event.type() == QEvent.Type.Resize:
            self.card.fit_answer_buttons(self.card_scroll.viewport().width())
        elif watched is self.note and event.type() == QEvent.Type.FocusOut and not self._loading:
            self._save_details()
        return super().eventFilter(watched, event)

    # keys ----------------------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Y/P/N/A answer and G shows guidance, when no text field has taken the key; typing
        goes into the note."""
        if (
            self._stack.currentWidget() is self._work
            and is_plain_letter(event)
            and _is_text(event)
            and self._take_key(event)
        ):
            event.accept()
            return
        super().keyPressEvent(event)

    @property
    def answer_pending(self) -> bool:
        """An answer key was pressed and is waiting to be sure it is not typing."""
        return self._pending is not None

    def _take_key(self, event: QKeyEvent) -> bool:
        """A key that reached the card: the start of an answer, or typing for the note.

        A single answer key answers once :data:`TYPING_GAP_MS` pass with no other key; a
        key that follows another that closely, or follows typing in a text field, is text.
        """
        now = time.monotonic()
        text = event.text()
        if self._pending is not None:
            _item, _value, first, _pressed = self._pending
            self._cancel_pending()
            self._to_note(first + text)
            return True
        if event.isAutoRepeat() or now < self._typing_until:
            self._to_note(text)
            return True
        key = Qt.Key(event.key())
        value = ANSWER_KEYS.get(key)
        if value is None and key == GUIDANCE_KEY:
            value = "guidance"
        if value is None:
            self._to_note(text)  # a letter that answers nothing: the start of a note
            return True
        record = self._record
        if record is None or self._item_id is None or record.audit.status != "in_progress":
            return False
        self._pending = (self._item_id, value, text, time.perf_counter())
        self._typing_until = now + TYPING_GAP_MS / 1000
        if value in self.answer_buttons:
            for other, button in self.answer_buttons.items():
                button.setChecked(other == value)
        self._pending_timer.start()
        return True

    def _settle_pending(self) -> None:
        """No key followed the answer key: it was meant. Answer (or show the guidance) now."""
        pending = self._pending
        if pending is None:
            return
        self._pending = None
        self._pending_timer.stop()
        self._typing_until = 0.0  # the gap passed with no other key: the next one is new
        item_id, value, _text, pressed = pending
        if item_id != self._item_id:
            return
        if value == "guidance":
            self.card.guidance_button.toggle()
            return
        taken = time.perf_counter()
        if self.answer(value):
            self.answer_timing = (pressed, taken, time.perf_counter())

    def _cancel_pending(self) -> None:
        if self._pending is None:
            return
        self._pending = None
        self._pending_timer.stop()
        answer = self._current_answer() if self._record is not None else None
        for value, button in self.answer_buttons.items():
            button.setChecked(answer is not None and answer.value == value)

    def _to_note(self, text: str) -> None:
        """Typing that reached the card goes into the note, and nothing is answered."""
        self._typing_until = time.monotonic() + TYPING_GAP_MS / 1000
        record = self._record
        if record is None or record.audit.status != "in_progress" or self._item_id is None:
            return
        self.note.setFocus(Qt.FocusReason.OtherFocusReason)
        cursor = self.note.textCursor()
        cursor.movePosition(QTextCursor.MoveOperation.End)
        cursor.insertText(text)
        self.note.setTextCursor(cursor)
        self._say(
            "That was typing, so it went into the note and nothing was answered. To answer, "
            "press Y, P, N or A on its own, or choose a button."
        )

    # notes, location, photos and the action -------------------------------------------------

    def _typed_details(self) -> tuple[str, str]:
        return self.note.toPlainText().strip(), self.location.currentText().strip()

    def _note_changed(self) -> None:
        if self._loading:
            return
        self._update_note_warning()
        self._detail_timer.start()

    def _location_edited(self, _text: str) -> None:
        if not self._loading:
            self._update_note_warning()
            self._detail_timer.start()

    def _location_finished(self) -> None:
        if not self._loading:
            self._save_details()

    def _update_note_warning(self) -> None:
        note, location = self._typed_details()
        warning = identifier_warning_for({"note": note, "location": location})
        self.card.note_warning.setVisible(warning is not None)
        if warning:
            self.card.note_warning.setText("⚠ " + sentence(warning))
        record = self._record
        unanswered = (
            record is not None and self._item_id is not None and self._item_id not in record.answers
        )
        note, location = self._typed_details()
        self.card.note_hint.setVisible(bool(unanswered and (note or location)))
        if unanswered and (note or location):
            self.card.note_hint.setText(
                "Kept as a draft while you type. It becomes part of the answer when you "
                "answer this item."
            )

    def _save_details(self) -> bool:
        """Save the typed note and location with the item's answer (which they belong to)."""
        self._detail_timer.stop()
        record = self._record
        if record is None or self._item_id is None or record.audit.status != "in_progress":
            return True
        note, location = self._typed_details()
        answer = record.answers.get(self._item_id)
        if answer is None:
            return self._save_drafts(self._item_id, {"note": note, "location": location})
        if note == answer.note and location == answer.location:
            return True
        if self._store_answer(self._item_id, answer.value, note, location) is None:
            return False
        self._after_save(self._item_id, *ANSWERED)
        self.progress_changed.emit(record.audit.id)
        return True

    def _save_drafts(self, item_id: str, fields: dict[str, str]) -> bool:
        """Keep what she typed for an item not yet answered (or an action not yet accepted),
        committed before "Draft saved" is shown."""
        record = self._record
        assert record is not None
        kept = self._drafts.setdefault(item_id, {})
        changed = {f: t for f, t in fields.items() if kept.get(f, "") != t}
        if not changed:
            return True
        try:
            for field, text in changed.items():
                self.ctx.store.audits.save_draft(record.audit.id, item_id, field, text)  # type: ignore[arg-type]
        except Exception as error:  # marked "Not saved", shown and logged
            self._not_saved(error)
            return False
        for field, text in changed.items():
            if text:
                kept[field] = text
            else:
                kept.pop(field, None)
        self._save_state = "saved"
        self.header.show_saved(f"Draft saved {clock.now():%H:%M:%S}")
        self._update_note_warning()
        return True

    def _save_action_drafts(self) -> None:
        """The action's wording or owner typed but not yet saved to it: kept as a draft."""
        self._action_timer.stop()
        action = self.action_panel.action
        record = self._record
        if action is None or record is None or record.audit.status != "in_progress":
            return
        pending = self.action_panel.pending_changes()
        self._save_drafts(
            action.item,
            {
                "action_description": str(pending.get("description", "")),
                "action_owner": str(pending["owner"]) if "owner" in pending else "",
            },
        )

    def _flush_action(self) -> None:
        """Save typed action text to the action itself (its drafts then go)."""
        self._action_timer.stop()
        self.action_panel.flush()

    def _drop_action_drafts(self, item_id: str) -> None:
        kept = self._drafts.get(item_id, {})
        if not any(f in kept for f in ("action_description", "action_owner")):
            return
        assert self._record is not None
        try:
            self.ctx.store.audits.discard_drafts(
                self._record.audit.id, item_id, ("action_description", "action_owner")
            )
        except Exception:  # the action is saved; a stale draft only re-fills the same text
            log.warning("could not discard the action's drafts", exc_info=True)
            return
        kept.pop("action_description", None)
        kept.pop("action_owner", None)

    def _action_changed(self, action_id: str, changes: dict[str, Any]) -> None:
        record = self._record
        if record is None or record.audit.status != "in_progress":
            return
        try:
            self.ctx.store.actions.edit(action_id, actor=self.ctx.auditor_name, **changes)
        except Exception as error:  # marked "Not saved", shown and logged
            self._not_saved(error)
            self._reload()
            self._show_action(self._current_answer())
            return
        changed_item = next((a.item for a in record.actions if a.id == action_id), None)
        if changed_item is not None:
            self._drop_action_drafts(changed_item)
        self._after_save(None, "actions")
        self._show_action(self._current_answer())

    def _current_answer(self) -> Answer | None:
        assert self._record is not None
        return self._record.answers.get(self._item_id or "")

    def add_photos(self) -> None:
        """Choose picture files; each is resized off the UI thread, then stored with the item."""
        record = self._record
        if record is None or self._item_id is None or record.audit.status != "in_progress":
            return
        self.photo_adder.add(record.audit.id, self._item_id)

    def _photo_stored(self, audit_id: str, item_id: str) -> None:
        if self.audit_id == audit_id:
            self._after_save(None, "audits")
            if self._item_id == item_id:
                self._show_photos()

    def _remove_photo(self, photo_id: str) -> None:
        try:
            self.ctx.store.photos.remove(photo_id, actor=self.ctx.auditor_name)
        except Exception as error:  # marked "Not saved", shown and logged
            self._not_saved(error)
            return
        self._after_save(None, "audits")
        self._show_photos()
        self.focus_card()

    # saved, not saved ----------------------------------------------------------------------

    def _reload(self) -> None:
        assert self._record is not None
        self._record = self.ctx.store.audits.get(self._record.audit.id)
        self.items_model.set_record(self._record)

    def _after_save(self, item_id: str | None, *changed: Change, reload: bool = True) -> None:
        """Only called once the store has committed: now "Saved" may be shown, and every
        other screen told what changed. ``reload`` False: the record is already as stored."""
        if reload:
            self._reload()
        if item_id is not None:
            self._last_saved_item = item_id
        self._save_state = "saved"
        self.header.show_saved(f"Saved {clock.now():%H:%M:%S}")
        self._refresh_header()
        self.ctx.notify(*changed, origin=self)

    def _not_saved(self, error: BaseException) -> None:
        self._save_state = "failed"
        self.header.show_not_saved()
        self._say("The last change was NOT saved. Read the message, then try again.")
        ui_errors.show_error(self, error)

    def _refresh_header(self) -> None:
        record = self._record
        if record is None:
            return
        self.header.show_record(record, self._save_state)
        in_progress = record.audit.status == "in_progress"
        self.header.summary_button.setVisible(
            in_progress and self._stack.currentWidget() is self._work
        )

    def _say(self, text: str) -> None:
        self.card.say(text)

    # leaving -------------------------------------------------------------------------------

    def _leave(self) -> None:
        self._flush_all()
        self.leave_requested.emit()

    def _flush_all(self) -> None:
        self._settle_pending()
        if self._record is not None and self._record.audit.status == "in_progress":
            self._save_details()
            self._flush_action()

    def hideEvent(self, event: QHideEvent) -> None:
        # Switching screens or closing the window must not lose a half-typed note.
        self._flush_all()
        super().hideEvent(event)

    def _on_completed(self, audit_id: str) -> None:
        self._record = self.ctx.store.audits.get(audit_id)
        self.items_model.set_record(self._record)
        self._undo.clear()
        self._refresh_header()
        self._show_summary_page()
        self.summary.focus_first()
        self.ctx.notify("audits", "actions", origin=self)
        self.audit_completed.emit(audit_id)

    def _on_amended(self, audit_id: str) -> None:
        self._record = self.ctx.store.audits.get(audit_id)
        self.items_model.set_record(self._record)
        self._save_state = "saved"
        self.header.saved_label.setText(f"Saved {clock.now():%H:%M:%S}")
        self._refresh_header()
        self._show_summary_page()
        self.ctx.notify("audits", "actions", origin=self)


def _is_text(event: QKeyEvent) -> bool:
    """A key that writes a character (a letter, a digit, a space, a stop), not Enter or Tab."""
    text = event.text()
    return (
        len(text) == 1
        and (text.isprintable() or text == " ")
        and not (
            event.modifiers()
            & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier)
        )
    )
