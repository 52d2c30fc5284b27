"""The one way to run slow work off the UI thread: an :class:`Op`.

    Op(screen, lambda: write_work_list(actions, path))
        .busy("Writing the work list…")
        .changes(ctx, "actions")
        .success(lambda path: ...)
        .run()

The work runs on Qt's shared thread pool. **It must never touch a widget**: it gets plain
values (captured before the op starts) and returns a plain value; Qt widgets may only be
used on the UI thread. Everything else runs on the UI thread once the work has ended, in
this order: the busy dialog closes, the ``always`` callbacks run, then ``success`` with the
work's result or ``failure`` with its error, then the change hook fires (on success only).
A failure with no ``failure`` callback is shown through :func:`ui.errors.show_error`, the
one error dialog. When the op's parent widget has gone meanwhile (the database was
switched), no callback runs: the outcome is only logged.

Tests wait for an op with ``qtbot.waitSignal(op.finished)`` or
``qtbot.waitUntil(lambda: not op.running)``.
"""

from __future__ import annotations

import logging
import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

import shiboken6
from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from ui import errors as ui_errors

if TYPE_CHECKING:
    from ui.context import AppContext, Change

log = logging.getLogger(__name__)

T = TypeVar("T")

BUSY_DELAY_MS = 0
"""How long an op runs before its busy dialog appears. Nought, as WardAudit has always
done: every op given a busy message is one a matron waits for (a document written, a
file checked), and the window-modal dialog is what stops a second click meanwhile."""


def busy_dialog(parent: QWidget, text: str) -> QProgressDialog:
    """A busy indicator while work runs in the background: window-modal, so the rest of the
    app still paints, with no Cancel (the work is one transaction or one file write)."""
    progress = QProgressDialog(text, "", 0, 0, parent)
    progress.setCancelButton(None)
    progress.setWindowTitle("WardAudit")
    progress.setAccessibleName(text)
    progress.setMinimumDuration(0)
    progress.setAutoClose(False)
    progress.setWindowModality(Qt.WindowModality.WindowModal)
    progress.setMinimumWidth(480)
    return progress


def _spent() -> Any:
    raise RuntimeError("an op runs once")


class _Outcome(QObject):
    """Carries the result from the worker thread back to the UI thread (a queued signal,
    as this object lives on the UI thread)."""

    done = Signal(object)
    failed = Signal(object)


class _Work(QRunnable):
    def __init__(self, work: Callable[[], Any], outcome: _Outcome) -> None:
        super().__init__()
        self.work = work
        self.outcome = outcome

    def run(self) -> None:
        try:
            result = self.work()
        except BaseException as error:  # reported on the UI thread, never swallowed
            log.exception("background work failed")
            self.outcome.failed.emit(error)
        else:
            self.outcome.done.emit(result)


class Op(QObject, Generic[T]):
    """Slow work off the UI thread, with a busy message and callbacks on the UI thread."""

    finished = Signal(object)  # the result, or the error, once every callback has run

    _running: ClassVar[set[Op[Any]]] = set()  # kept alive until they finish

    def __init__(self, parent: QWidget, work: Callable[[], T]) -> None:
        super().__init__()  # no Qt parent: the op outlives a screen deleted meanwhile
        # A weak reference: a screen keeps its last op, and a cycle would keep a deleted
        # screen's Python side alive.
        self._parent = weakref.ref(parent)
        self._work = work
        self._busy_text = ""
        self._busy_delay_ms = BUSY_DELAY_MS
        self._always: list[Callable[[], object]] = []
        self._success: list[Callable[[T], object]] = []
        self._failure: Callable[[BaseException], object] | None = None
        self._changes: list[tuple[AppContext, tuple[Change, ...], Callable[[T], bool] | None]] = []
        self._dialog: QProgressDialog | None = None
        self._outcome: _Outcome | None = None
        self.running = False
        self.started = False

    # --- building ---------------------------------------------------------------------------

    def busy(self, text: str, *, delay_ms: int = BUSY_DELAY_MS) -> Op[T]:
        """Show ``text`` in a window-modal busy dialog while the work runs."""
        self._busy_text = text
        self._busy_delay_ms = delay_ms
        return self

    def always(self, callback: Callable[[], object]) -> Op[T]:
        """Run ``callback`` when the work ends, whatever the outcome, before the others."""
        self._always.append(callback)
        return self

    def success(self, callback: Callable[[T], object]) -> Op[T]:
        """Run ``callback`` with the work's result."""
        self._success.append(callback)
        return self

    def failure(self, callback: Callable[[BaseException], object]) -> Op[T]:
        """Run ``callback`` with the error instead of showing the error dialog."""
        self._failure = callback
        return self

    def changes(
        self, ctx: AppContext, *kinds: Change, only_if: Callable[[T], bool] | None = None
    ) -> Op[T]:
        """After a success, tell every screen what changed (``ctx.changed``), as made by the
        op's parent; ``only_if(result)`` may say that nothing did."""
        self._changes.append((ctx, kinds, only_if))
        return self

    # --- running ----------------------------------------------------------------------------

    @property
    def dialog(self) -> QProgressDialog | None:
        """The busy dialog (made when the op starts, if a busy message was given)."""
        return self._dialog

    def run(self) -> Op[T]:
        """Start the work on the shared thread pool; returns the op, to wait on in tests."""
        if self.started:
            raise RuntimeError("an op runs once")
        self.started = self.running = True
        Op._running.add(self)
        outcome = _Outcome()
        outcome.done.connect(self._done)
        outcome.failed.connect(self._failed)
        self._outcome = outcome
        parent = self._parent()
        if self._busy_text and parent is not None:
            self._dialog = busy_dialog(parent, self._busy_text)
            if self._busy_delay_ms <= 0:
                self._dialog.show()
            else:
                QTimer.singleShot(self._busy_delay_ms, self._show_dialog_if_running)
        QThreadPool.globalInstance().start(_Work(self._work, outcome))
        return self

    def _show_dialog_if_running(self) -> None:
        if self.running and self._dialog is not None and shiboken6.isValid(self._dialog):
            self._dialog.show()

    def _end(self) -> bool:
        """The work has ended: close the busy dialog; True if the parent is still there."""
        self.running = False
        Op._running.discard(self)
        dialog = self._dialog  # closed, not deleted: it goes with its parent
        if dialog is not None and shiboken6.isValid(dialog):
            dialog.close()
        parent = self._parent()
        alive = parent is not None and shiboken6.isValid(parent)
        if alive:
            for callback in self._always:
                callback()
        return alive

    def _done(self, result: T) -> None:
        try:
            if not self._end():
                log.info("background work finished after its screen closed")
                return
            for callback in self._success:
                callback(result)
            for ctx, kinds, only_if in self._changes:
                if only_if is None or only_if(result):
                    ctx.notify(*kinds, origin=self._parent())
        finally:
            self._release()
            self.finished.emit(result)

    def _failed(self, error: BaseException) -> None:
        try:
            if not self._end():
                log.warning("background work failed after its screen closed: %s", error)
                return
            if self._failure is not None:
                self._failure(error)
            else:
                ui_errors.show_error(self._parent(), error)
        finally:
            self._release()
            self.finished.emit(error)

    def _release(self) -> None:
        """Drop the work and the callbacks: they hold the screen, which may hold this op."""
        self._work = _spent
        self._always, self._success, self._failure, self._changes = [], [], None, []

    @classmethod
    def any_running(cls) -> bool:
        return bool(cls._running)
