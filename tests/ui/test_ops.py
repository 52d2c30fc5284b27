"""The op runner: work off the UI thread, callbacks on it, the busy dialog, errors shown once."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QThreadPool
from PySide6.QtWidgets import QWidget

from ui.context import AppContext, Changes
from ui.ops import Op
from wardaudit.errors import WardAuditError

WAIT_MS = 10_000


@pytest.fixture
def parent(qtbot) -> Iterator[QWidget]:  # type: ignore[no-untyped-def]
    widget = QWidget()
    qtbot.addWidget(widget)
    widget.show()
    yield widget
    QThreadPool.globalInstance().waitForDone()


def test_the_work_runs_off_the_ui_thread_and_its_result_comes_back_on_it(
    qtbot, parent: QWidget, errors: list[BaseException]
) -> None:
    threads: dict[str, threading.Thread] = {}
    results: list[int] = []

    def work() -> int:
        threads["work"] = threading.current_thread()
        return 42

    def done(result: int) -> None:
        threads["success"] = threading.current_thread()
        results.append(result)

    op = Op(parent, work).success(done)
    with qtbot.waitSignal(op.finished, timeout=WAIT_MS) as finished:
        op.run()
        assert op.running
    assert finished.args == [42]
    assert results == [42]
    assert threads["work"] is not threading.main_thread()
    assert threads["success"] is threading.main_thread()
    assert not op.running and errors == []


def test_a_failure_is_shown_in_the_one_error_dialog_and_success_is_not_called(
    qtbot, parent: QWidget, errors: list[BaseException]
) -> None:
    problem = WardAuditError("the file could not be written")
    calls: list[str] = []

    def work() -> None:
        raise problem

    op = Op(parent, work).always(lambda: calls.append("always"))
    op.success(lambda _result: calls.append("success"))
    with qtbot.waitSignal(op.finished, timeout=WAIT_MS) as finished:
        op.run()
    assert finished.args == [problem]
    assert errors == [problem]
    assert calls == ["always"]


def test_a_failure_callback_takes_the_place_of_the_error_dialog(
    qtbot, parent: QWidget, errors: list[BaseException]
) -> None:
    seen: list[BaseException] = []

    def work() -> None:
        raise ValueError("not a number")

    op = Op(parent, work).failure(seen.append)
    with qtbot.waitSignal(op.finished, timeout=WAIT_MS):
        op.run()
    assert [str(error) for error in seen] == ["not a number"]
    assert errors == []


def test_the_busy_dialog_shows_while_the_work_runs_and_is_closed_before_the_callbacks(
    qtbot, parent: QWidget, errors: list[BaseException]
) -> None:
    release = threading.Event()
    visible_in_callback: list[bool] = []

    def work() -> str:
        assert release.wait(WAIT_MS / 1000)
        return "written"

    op = Op(parent, work).busy("Writing the work list…")
    op.success(lambda _result: visible_in_callback.append(op.dialog.isVisible()))  # type: ignore[union-attr]
    op.run()
    dialog = op.dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.labelText() == "Writing the work list…"
    assert dialog.accessibleName() == "Writing the work list…"
    with qtbot.waitSignal(op.finished, timeout=WAIT_MS):
        release.set()
    assert visible_in_callback == [False]
    assert not dialog.isVisible()


def test_a_busy_dialog_with_a_delay_appears_only_if_the_work_takes_longer(
    qtbot, parent: QWidget, errors: list[BaseException]
) -> None:
    quick = Op(parent, lambda: "done").busy("Checking…", delay_ms=5_000)
    with qtbot.waitSignal(quick.finished, timeout=WAIT_MS):
        quick.run()
        assert quick.dialog is not None and not quick.dialog.isVisible()
    assert not quick.dialog.isVisible()

    release = threading.Event()
    slow = Op(parent, lambda: release.wait(WAIT_MS / 1000)).busy("Checking…", delay_ms=50)
    slow.run()
    assert slow.dialog is not None and not slow.dialog.isVisible()
    qtbot.waitUntil(lambda: slow.dialog is not None and slow.dialog.isVisible(), timeout=WAIT_MS)
    with qtbot.waitSignal(slow.finished, timeout=WAIT_MS):
        release.set()
    assert not slow.dialog.isVisible()


def test_nothing_is_called_back_once_the_screen_has_gone(
    qtbot, errors: list[BaseException]
) -> None:
    screen = QWidget()
    release = threading.Event()
    calls: list[str] = []

    def work() -> None:
        assert release.wait(WAIT_MS / 1000)
        raise WardAuditError("too late to say")

    op = Op(screen, work).always(lambda: calls.append("always")).failure(calls.append)
    op.run()
    screen.deleteLater()
    qtbot.waitUntil(lambda: not _alive(screen), timeout=WAIT_MS)
    with qtbot.waitSignal(op.finished, timeout=WAIT_MS):
        release.set()
    assert calls == [] and errors == []


def test_changes_are_announced_after_a_success_as_made_by_the_ops_screen(
    qtbot, parent: QWidget, ctx: AppContext, errors: list[BaseException]
) -> None:
    heard: list[Changes] = []
    order: list[str] = []
    ctx.changed.connect(heard.append)
    ctx.changed.connect(lambda _changes: order.append("changed"))

    op = Op(parent, lambda: 3).changes(ctx, "actions").success(lambda _n: order.append("success"))
    with qtbot.waitSignal(op.finished, timeout=WAIT_MS):
        op.run()
    assert heard == [Changes(frozenset({"actions"}), parent)]
    assert order == ["success", "changed"]  # the screen shows its own result first

    nothing = Op(parent, lambda: 0).changes(ctx, "audits", only_if=bool)
    with qtbot.waitSignal(nothing.finished, timeout=WAIT_MS):
        nothing.run()

    def work() -> None:
        raise WardAuditError("not imported")

    failed = Op(parent, work).changes(ctx, "audits")
    with qtbot.waitSignal(failed.finished, timeout=WAIT_MS):
        failed.run()
    assert len(heard) == 1  # neither a result saying nothing changed, nor a failure


def test_an_op_runs_once(qtbot, parent: QWidget) -> None:
    op = Op(parent, lambda: None)
    with qtbot.waitSignal(op.finished, timeout=WAIT_MS):
        op.run()
    with pytest.raises(RuntimeError):
        op.run()


def _alive(widget: QWidget) -> bool:
    import shiboken6

    return bool(shiboken6.isValid(widget))
