"""The base of every screen: it hears that data changed, refreshes when it is next shown,
loads its rows off the UI thread, and holds its busy state while a slow op runs.

A screen only declares what it listens to, in the manner of Vorta's ``BaseTab``::

    class WardsScreen(Screen):
        LISTENS_TO = frozenset({"wards", "audits", "actions"})

        def refresh(self) -> None:
            self.load(lambda: ward_overview(store), self._show_rows, self._not_loaded)

A change of one of those kinds made elsewhere (``ctx.notify``, or an op's ``changes``)
marks the screen stale: it refreshes at once if it is showing, else the next time it is
shown. A screen never hears its own changes (the one who made them knows already).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar, TypeVar

from PySide6.QtCore import Signal
from PySide6.QtGui import QHideEvent, QShowEvent
from PySide6.QtWidgets import QProgressDialog, QWidget

from ui.context import AppContext, Change, Changes
from ui.ops import Op

T = TypeVar("T")


class Screen(QWidget):
    """A page of the main window over the open store."""

    LISTENS_TO: ClassVar[frozenset[Change]] = frozenset()
    """The kinds of change that make this screen's figures out of date."""

    REFRESH_ON_SHOW: ClassVar[bool] = False
    """True: refreshed every time it is shown, whatever it heard (its figures may rest on
    changes no one announces, such as the clock passing a due date)."""

    open_audit_requested = Signal(str)  # an audit id, for the main window to show

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.loading = False
        self._stale = True
        self._generation = 0
        self._busy_op: Op[Any] | None = None
        ctx.changed.connect(self._heard)

    # --- the change hook --------------------------------------------------------------------

    def refresh(self) -> None:
        """Read the screen's figures afresh (subclasses: usually through :meth:`load`)."""

    def _heard(self, changes: Changes) -> None:
        if changes.origin is not self and changes.touch(self.LISTENS_TO):
            self.mark_stale()

    def mark_stale(self) -> None:
        """The figures are out of date: refresh now if showing, else when next shown."""
        self._stale = True
        if self.isVisible():
            self._refresh()

    def _refresh(self) -> None:
        self._stale = False
        self.refresh()

    def refresh_now(self) -> None:
        """Start reading the figures before the screen is first shown: the first screen's rows
        are read in the worker while the rest of the window is made."""
        if not self.loading:
            self._refresh()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if (self._stale or self.REFRESH_ON_SHOW) and not self.loading:
            self._refresh()

    def hideEvent(self, event: QHideEvent) -> None:
        if self.REFRESH_ON_SHOW:
            self._stale = True
        super().hideEvent(event)

    # --- loading off the UI thread ----------------------------------------------------------

    def load(
        self,
        work: Callable[[], T],
        show: Callable[[T], object],
        failed: Callable[[BaseException], object],
    ) -> Op[T]:
        """Load in the worker; a later load wins over an earlier one (whose result is
        dropped). ``loading`` is True meanwhile; ``failed`` shows the error itself."""
        self._generation += 1
        generation = self._generation
        self._stale = False
        self.loading = True

        def current() -> bool:
            return generation == self._generation

        def shown(result: T) -> None:
            if current():
                show(result)

        def not_shown(error: BaseException) -> None:
            if current():
                self.loading = False
                failed(error)

        return Op(self, work).success(shown).failure(not_shown).run()

    # --- slow work she waits for ------------------------------------------------------------

    @property
    def busy(self) -> bool:
        """An export, import or report this screen started is still running."""
        return self._busy_op is not None and self._busy_op.running

    @property
    def progress_dialog(self) -> QProgressDialog | None:
        """The busy dialog of the last slow op (kept after it closed, for a look)."""
        return self._busy_op.dialog if self._busy_op is not None else None

    def run_busy(self, op: Op[T]) -> Op[T]:
        """Run an op that makes the screen busy until it ends: :meth:`busy_changed` is
        called as it starts and again as it ends, before its other callbacks."""
        op.always(self.busy_changed)
        self._busy_op = op
        op.run()
        self.busy_changed()
        return op

    def busy_changed(self) -> None:
        """Enable or disable what may not run twice (subclasses)."""
