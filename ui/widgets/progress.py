"""Progress of an op's work in its busy dialog, and a Cancel button that stops the work.

    progress = OpProgress(cancellable=True)
    op = Op(screen, lambda: export_bundle(store, path, progress=progress)).busy("…").run()
    progress.attach(op)

The work calls ``progress(what, done, total)`` on the worker thread; the figures reach the
dialog through a queued signal. After Cancel, the next call raises
:class:`wardaudit.errors.Cancelled`, and the work undoes what it did.
"""

from __future__ import annotations

import threading
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, Signal

from wardaudit.errors import Cancelled


def _amount(done: int, total: int, unit: str) -> str:
    if unit == "bytes":
        if total >= 1e9:
            return f"{done / 1e9:.1f} of {total / 1e9:.1f} GB"
        return f"{done / 1e6:,.0f} of {total / 1e6:,.0f} MB"
    return f"{done:,} of {total:,} {unit}".rstrip()


class OpProgress(QObject):
    """What the work has done, shown as it goes; and her Cancel, heard by the work."""

    moved = Signal(str, int, int)

    def __init__(self, *, cancellable: bool = False, unit: str = "") -> None:
        super().__init__()
        self.cancellable = cancellable
        self.unit = unit
        self._cancel = threading.Event()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def cancel(self) -> None:
        self._cancel.set()

    def __call__(self, what: str, done: int, total: int) -> None:
        """Called by the work on the worker thread."""
        if self._cancel.is_set():
            raise Cancelled(f"{what.lower()} was cancelled")
        self.moved.emit(what, done, total)

    def attach(self, op: Any) -> None:
        """Show the figures in the op's busy dialog, with a Cancel button if it may stop."""
        dialog = op.dialog
        if dialog is None:
            return
        if self.cancellable:
            dialog.setCancelButtonText("Cancel")
            dialog.canceled.connect(self.cancel)

        def show(what: str, done: int, total: int) -> None:
            if not shiboken6.isValid(dialog) or self.cancelled:
                return
            dialog.setRange(0, 1000)
            dialog.setValue(min(1000, int(1000 * done / total)) if total else 0)
            dialog.setLabelText(f"{what}: {_amount(done, total, self.unit)}…")

        self.moved.connect(show)
