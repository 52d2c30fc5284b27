"""Run slow work off the UI thread and call back on it.

The background function must never touch a widget: it gets plain arguments and returns
a plain result; ``on_done`` and ``on_error`` run on the UI thread.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

log = logging.getLogger(__name__)


class _Signals(QObject):
    done = Signal(object)
    failed = Signal(object)


class _Job(QRunnable):
    def __init__(self, fn: Callable[[], Any], signals: _Signals) -> None:
        super().__init__()
        self.fn = fn
        self.signals = signals

    def run(self) -> None:
        try:
            result = self.fn()
        except BaseException as error:  # reported on the UI thread, never swallowed
            log.exception("background job failed")
            self.signals.failed.emit(error)
        else:
            self.signals.done.emit(result)


_alive: set[_Signals] = set()


def run_in_background(
    fn: Callable[[], Any],
    on_done: Callable[[Any], None],
    on_error: Callable[[BaseException], None],
) -> _Signals:
    """Start ``fn`` on the shared thread pool; returns the signals object (for tests to wait on)."""
    signals = _Signals()
    _alive.add(signals)

    def finished(result: Any) -> None:
        _alive.discard(signals)
        on_done(result)

    def failed(error: BaseException) -> None:
        _alive.discard(signals)
        on_error(error)

    signals.done.connect(finished)
    signals.failed.connect(failed)
    QThreadPool.globalInstance().start(_Job(fn, signals))
    return signals
