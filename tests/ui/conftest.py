"""Fixtures the screen tests share: dialogs that never block, error dialogs recorded, the
plain theme put back, a context over the test's store, and the main window."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QThreadPool
from PySide6.QtWidgets import QApplication, QMessageBox

import ui.errors
from ui.context import AppContext
from ui.theme import apply_theme
from wardaudit.checklist import ChecklistLibrary
from wardaudit.store import Store

if TYPE_CHECKING:
    from ui.mainwindow import MainWindow


class MessageBoxes(list[str]):
    """The text of every message box that would have been shown, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.press: set[str] = set()  # buttons to press, by their text, when a box asks


@pytest.fixture
def dialogs(monkeypatch: pytest.MonkeyPatch) -> Iterator[MessageBoxes]:
    """No modal message box may block a test: exec() records its text, presses any button
    named in ``dialogs.press`` and returns at once. Background work ends before the test's
    store closes."""
    shown = MessageBoxes()

    def fake_exec(box: QMessageBox) -> int:
        shown.append(box.text())
        for button in box.buttons():
            if button.text() in shown.press:
                button.click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", fake_exec)
    yield shown
    QThreadPool.globalInstance().waitForDone()


@pytest.fixture
def quiet_messages(monkeypatch: pytest.MonkeyPatch, dialogs: MessageBoxes) -> MessageBoxes:
    """Messages opened without waiting (``open()``) are recorded with the rest, not shown."""
    monkeypatch.setattr(QMessageBox, "open", lambda box: dialogs.append(box.text()))
    return dialogs


@pytest.fixture
def errors(monkeypatch: pytest.MonkeyPatch) -> list[BaseException]:
    """Error dialogs are recorded instead of shown (nothing may block a test)."""
    shown: list[BaseException] = []
    monkeypatch.setattr(
        ui.errors, "show_error", lambda parent, error, title="": shown.append(error)
    )
    return shown


@pytest.fixture
def plain_theme(qapp: QApplication) -> Iterator[None]:
    """A test may change the text size or contrast; the next one starts with the plain theme."""
    yield
    apply_theme(qapp, high_contrast=False, text_scale=1.0)


@pytest.fixture
def ctx(store: Store, library: ChecklistLibrary) -> AppContext:
    return AppContext(store=store, library=library)


@pytest.fixture
def open_window(qtbot, library: ChecklistLibrary) -> Callable[[Store], MainWindow]:  # type: ignore[no-untyped-def]
    """Opens the main window over a store, shown, once its ward table has loaded."""

    from ui.app import create_main_window

    def open_over(store: Store) -> MainWindow:
        window = create_main_window(AppContext(store=store, library=library))
        qtbot.addWidget(window)
        window.show()
        qtbot.waitUntil(lambda: not window.wards.loading)
        return window

    return open_over


@pytest.fixture(autouse=True)
def _widgets_left_are_destroyed_on_the_ui_thread() -> Iterator[None]:
    """After each screen test, what it left for deletion is deleted, and the widgets no
    longer referred to are collected, here on the window's thread. Left to a later full
    collection, they could be destroyed by whichever thread ran it (a worker's), while the
    window's thread walked every widget, as applying the theme does."""
    yield
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    gc.collect()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
