"""The app and its main window: title, navigation, the banner, sessions, first run, start-up errors."""

from __future__ import annotations

import logging
import logging.handlers
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QLineEdit,
    QListWidget,
    QPushButton,
    QTableView,
)

import ui.session as session
from ui import app as ui_app
from ui.mainwindow import MainWindow
from ui.session import SESSION_OPEN, demo_path_for
from ui.wards.dialogs import WardDialog
from wardaudit.checklist import ChecklistLibrary
from wardaudit.store import Store, backups

pytestmark = pytest.mark.usefixtures("dialogs", "plain_theme")


@pytest.fixture
def window(open_window, demo_store: Store) -> Iterator[MainWindow]:
    win = open_window(demo_store)
    yield win
    win.shutdown()


def test_title_names_wardaudit_and_the_database(window: MainWindow, demo_db: Path) -> None:
    assert "WardAudit" in window.windowTitle()
    assert demo_db.name in window.windowTitle()
    assert window.current_page() == "wards"
    assert [b.text().replace("&", "") for b in window.nav_buttons.values()] == [
        "Wards",
        "Audit",
        "Actions",
        "Board",
        "Settings",
    ]


def test_ctrl_number_keys_move_between_screens(qtbot, window: MainWindow) -> None:
    window.activateWindow()
    qtbot.waitActive(window)
    QTest.keyClick(window, Qt.Key.Key_5, Qt.KeyboardModifier.ControlModifier)
    assert window.current_page() == "settings"
    assert window.nav_buttons["settings"].isChecked()
    QTest.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.AltModifier)
    assert window.current_page() == "wards"


@pytest.mark.parametrize("page", ["wards", "settings"])
def test_every_button_is_reachable_with_tab(qtbot, window: MainWindow, page: str) -> None:
    window.activateWindow()
    window.show_page(page)
    window.nav_buttons["wards"].setFocus()
    seen = []
    widget = window.nav_buttons["wards"]
    for _ in range(40):
        QTest.keyClick(widget, Qt.Key.Key_Tab)
        widget = QApplication.focusWidget() or window.focusWidget()
        seen.append(widget)
    wanted = [b for b in window.findChildren(QPushButton) if b.isVisible() and b.isEnabled()]
    assert window.resume_button in wanted and window.nav_buttons["audit"] in wanted
    for button in wanted:
        assert button in seen, button.text()


@pytest.mark.parametrize("page", ["wards", "audit", "settings"])
def test_controls_have_screen_reader_names(window: MainWindow, page: str) -> None:
    if page == "audit":
        window.show_page("wards")
        window.audit_page.setCurrentWidget(window.audit_empty)
        window.pages.setCurrentWidget(window.audit_page)
    else:
        window.show_page(page)
    kinds = (QPushButton, QLineEdit, QComboBox, QCheckBox, QListWidget, QTableView)
    controls = [w for kind in kinds for w in window.findChildren(kind) if w.isVisibleTo(window)]
    assert len(controls) >= 4
    for control in controls:
        assert control.accessibleName(), f"{type(control).__name__} {control.objectName()}"


def test_banner_names_the_audit_in_progress(window: MainWindow, demo_store: Store) -> None:
    audit = demo_store.audits.in_progress()[0]
    assert window.banner_text() == (
        f"Juniper Ward — {audit.answered} of {audit.applicable} answered — Resume"
    )
    assert window.resume_button.accessibleName() == "Resume the audit of Juniper Ward"


def test_banner_goes_when_no_audit_is_in_progress(qtbot, demo_store, open_window) -> None:
    audit = demo_store.audits.in_progress()[0]
    record = demo_store.audits.get(audit.id)
    for item in record.unanswered():
        demo_store.audits.record_answer(audit.id, item, "na")
    demo_store.audits.complete(audit.id, by="Modern matron", role="Matron")
    win = open_window(demo_store)
    assert win.banner_text() == ""
    win.shutdown()


def test_resume_opens_the_audit_in_progress(
    qtbot, window: MainWindow, demo_store, monkeypatch
) -> None:
    opened: list[str] = []
    monkeypatch.setattr(window, "open_audit", opened.append)
    window.resume_button.setFocus()
    QTest.keyClick(window.resume_button, Qt.Key.Key_Space)
    assert opened == [demo_store.audits.in_progress()[0].id]


def test_resume_shows_the_audit_screen_at_its_item_and_the_banner_follows(
    qtbot, window: MainWindow, demo_store
) -> None:
    pytest.importorskip("ui.audit")
    audit = demo_store.audits.in_progress()[0]
    record = demo_store.audits.get(audit.id)
    left_at = record.audit.current_item or record.unanswered()[0]
    window.resume_button.click()
    screen = window.audit_screen
    assert screen is not None and screen.audit_id == audit.id
    assert window.current_page() == "audit"
    assert screen.current_item == left_at
    assert window.banner_text() == ""  # the audit screen itself shows the progress

    with qtbot.waitSignal(screen.progress_changed):
        assert screen.answer("yes")  # saved, as when she presses Y
    window.show_page("wards")
    assert window.banner_text().startswith(f"Juniper Ward — {audit.answered + 1} of ")


def test_interrupted_session_is_named_and_reopened_at_its_item(
    qtbot, demo_store: Store, open_window, monkeypatch
) -> None:
    audit = demo_store.audits.in_progress()[0]
    record = demo_store.audits.get(audit.id)
    left_at = [i.id for i in record.checklist.applicable_items("mixed")][5]
    demo_store.audits.set_current_item(audit.id, left_at)  # she had gone back to an earlier item
    demo_store.settings.set(SESSION_OPEN, "1")  # the last run never closed cleanly

    win = open_window(demo_store)
    opened: list[str] = []
    monkeypatch.setattr(win, "open_audit", opened.append)
    win.begin_session()
    box = win.last_prompt
    assert box is not None and box.isVisible()
    assert box.text() == f"The audit of Juniper Ward was interrupted. Reopen it at item {left_at}?"
    question = demo_store.audits.get(audit.id).checklist.item(left_at).question
    assert question in box.informativeText()
    reopen = next(b for b in box.buttons() if b.text() == "Reopen the audit")
    reopen.click()
    assert opened == [audit.id]

    # a clean close clears the flag, so the next start asks nothing
    win.end_session()
    assert demo_store.settings.get(SESSION_OPEN) == "0"
    again = open_window(demo_store)
    again.begin_session()
    assert again.last_prompt is None
    assert demo_store.settings.get(SESSION_OPEN) == "1"
    again.shutdown()


def test_interrupted_audit_without_a_remembered_item_opens_at_the_first_unanswered(
    qtbot, demo_store: Store, open_window
) -> None:
    audit = demo_store.audits.in_progress()[0]
    first_unanswered = demo_store.audits.get(audit.id).unanswered()[0]
    demo_store.settings.set(SESSION_OPEN, "1")
    win = open_window(demo_store)
    win.begin_session()
    assert win.last_prompt.text() == (
        f"The audit of Juniper Ward was interrupted. Reopen it at item {first_unanswered}?"
    )
    try:
        import ui.audit  # noqa: F401
    except ImportError:
        win.shutdown()
        return
    next(b for b in win.last_prompt.buttons() if b.text() == "Reopen the audit").click()
    assert win.audit_screen.audit_id == audit.id
    assert win.audit_screen.current_item == first_unanswered
    win.shutdown()


def test_first_run_builds_the_demo_trust_in_the_worker(
    qtbot, store: Store, open_window, monkeypatch
) -> None:
    threads: list[threading.Thread] = []
    real_build = session.build_demo

    def recording_build(demo_store: Store, demo_library: ChecklistLibrary, **options: bool) -> str:
        threads.append(threading.current_thread())
        assert options.get("photos", False) is False, "photos only when she asks"
        return real_build(demo_store, demo_library)

    monkeypatch.setattr(session, "build_demo", recording_build)
    home = store.path
    win = open_window(store)
    win.begin_session()
    box = win.last_prompt
    assert box is not None and box.text() == "There are no wards in this database yet."
    with_photos = box.checkBox()
    assert with_photos is not None and not with_photos.isChecked()
    assert "600 MB" in with_photos.text() and "minutes" in with_photos.text()
    demo_button = next(b for b in box.buttons() if b.text() == "Open the demo trust")
    with qtbot.waitSignal(win.demo_ready, timeout=60_000):
        demo_button.click()
        assert win.progress_dialog is not None and win.progress_dialog.isVisible()
    assert threads and threads[0] is not threading.main_thread()
    assert win.ctx.db_path == demo_path_for(home)
    assert demo_path_for(home).name in win.windowTitle()
    qtbot.waitUntil(lambda: win.wards.model.rowCount() == 12)
    assert win.demo_note.isVisible()
    assert win.banner_text().startswith("Juniper Ward — ")

    with Store.open(home, readonly=True) as own:  # her own database stays her own
        assert own.is_empty()
    win.shutdown()


def test_the_demo_offer_builds_photos_only_when_asked(
    qtbot, store: Store, open_window, monkeypatch
) -> None:
    asked: list[dict[str, bool]] = []
    real_build = session.build_demo

    def recording_build(demo_store: Store, demo_library: ChecklistLibrary, **options: bool) -> str:
        asked.append(options)
        return real_build(demo_store, demo_library)  # the photos themselves are tested in core

    monkeypatch.setattr(session, "build_demo", recording_build)
    win = open_window(store)
    win.begin_session()
    box = win.last_prompt
    box.checkBox().setChecked(True)
    with qtbot.waitSignal(win.demo_ready, timeout=60_000):
        next(b for b in box.buttons() if b.text() == "Open the demo trust").click()
        assert "with photos" in win.progress_dialog.labelText()
    assert asked == [{"photos": True}]
    win.shutdown()


def test_first_run_can_start_with_her_own_wards(qtbot, store: Store, open_window) -> None:
    win = open_window(store)
    win.begin_session()
    own = next(b for b in win.last_prompt.buttons() if b.text() == "Start with my own wards")
    own.click()
    assert win.current_page() == "wards"
    assert isinstance(win.wards.last_dialog, WardDialog) and win.wards.last_dialog.isVisible()
    assert win.ctx.db_path == store.path
    win.wards.last_dialog.reject()
    win.shutdown()


def test_quitting_backs_up_changes_and_clears_the_session(qtbot, store: Store, open_window) -> None:
    win = open_window(store)
    win.begin_session(offer_first_run=False)
    store.wards.add(site="Northgate Hospital", name="Orchid Ward", sex="female")
    assert backups.list_backups(store.path) == []
    win.shutdown()
    assert len(backups.list_backups(store.path)) == 1
    with Store.open(store.path, readonly=True) as again:
        assert again.settings.get(SESSION_OPEN) == "0"


def test_a_backup_that_fails_on_quitting_is_a_warning_and_the_answer_is_kept(
    qtbot, store: Store, open_window
) -> None:
    win = open_window(store)
    win.begin_session(offer_first_run=False)
    store.wards.add(site="Northgate Hospital", name="Orchid Ward", sex="female")
    backups_folder = store.path.parent / f"{store.path.stem}-backups"
    backups_folder.write_text("a file where the backups folder should be")
    [warning] = win.shutdown()
    assert warning.startswith(
        f"the backup of {store.path.name} was not made: {backups_folder} is a file, where the "
        "backups folder should be."
    )
    assert "Everything already entered is saved in the database." in warning
    with Store.open(store.path, readonly=True) as again:
        assert [w.name for w in again.wards.list()] == ["Orchid Ward"]


def test_a_folder_opened_as_the_database_is_named_in_the_dialog(
    qtbot, tmp_path: Path, errors: list[BaseException]
) -> None:
    from wardaudit.errors import DatabasePathUnusable

    assert ui_app.open_store(tmp_path) is None
    [shown] = errors
    assert isinstance(shown, DatabasePathUnusable)
    assert str(shown).startswith(f"{tmp_path} is a folder, not a database file.")
    assert list(tmp_path.iterdir()) == []


def test_start_opens_the_database_and_offers_the_first_run(qtbot, tmp_path: Path) -> None:
    path = tmp_path / "start.sqlite3"
    win = ui_app.start(path)
    assert win is not None
    qtbot.addWidget(win)
    assert win.isVisible() and "start.sqlite3" in win.windowTitle()
    assert win.last_prompt is not None
    assert win.last_prompt.text() == "There are no wards in this database yet."
    win.shutdown()


def test_a_second_copy_is_told_the_database_is_in_use(qtbot, store: Store, dialogs) -> None:
    assert ui_app.open_store(store.path) is None
    assert dialogs == ["WardAudit is already open on this laptop."]


def _damage(path: Path) -> None:
    data = bytearray(path.read_bytes())
    page = 4096
    for start in range(page, len(data), page):  # every page after the header's
        data[start : start + 200] = b"\xa5" * 200
    path.write_bytes(bytes(data))


def test_a_damaged_database_is_restored_only_when_she_agrees(
    qtbot, tmp_path: Path, dialogs
) -> None:
    path = tmp_path / "ward.sqlite3"
    with Store.open(path) as store:
        store.wards.add(site="Northgate Hospital", name="Orchid Ward", sex="female")
        store.backup_now("manual")
    _damage(path)

    assert ui_app.open_store(path) is None  # she closes instead: nothing is touched
    assert dialogs[-1] == "The WardAudit database is damaged."
    assert not list(tmp_path.glob("ward.sqlite3.replaced-*"))

    dialogs.press.add("Restore the backup")
    store = ui_app.open_store(path)
    assert store is not None
    try:
        assert [w.name for w in store.wards.list()] == ["Orchid Ward"]
    finally:
        store.close(backup=False)
    assert list(tmp_path.glob("ward.sqlite3.replaced-*"))  # the damaged file is kept
    assert dialogs[-1].startswith("The backup from ")


def test_unexpected_errors_are_logged_then_shown(qtbot, dialogs, caplog) -> None:
    error = ValueError("something odd")
    with caplog.at_level(logging.CRITICAL, logger="ui.app"):
        ui_app._excepthook(ValueError, error, None)
    assert any(r.levelno == logging.CRITICAL for r in caplog.records)
    assert len(dialogs) == 1 and "did not expect" in dialogs[0]


def test_logging_goes_to_a_rotating_file_in_the_log_folder(tmp_path: Path) -> None:
    root = logging.getLogger()
    before = list(root.handlers)
    level = root.level
    try:
        target = ui_app.setup_logging()
        logging.getLogger("ui.test").info("a line before the first screen")
        added = [h for h in root.handlers if h not in before]
        assert len(added) == 1 and isinstance(added[0], ui_app.LogFile)
        assert not isinstance(added[0].file, logging.handlers.RotatingFileHandler)
        ui_app.rotate_logs_from_now()
        assert isinstance(added[0].file, logging.handlers.RotatingFileHandler)
        assert added[0].file.maxBytes == ui_app.LOG_BYTES
        logging.getLogger("ui.test").info("a line after it")
        added[0].flush()
        assert target.name == "wardaudit.log"
        text = target.read_text(encoding="utf-8")
        assert text.count("a line before the first screen") == 1
        assert text.count("a line after it") == 1
        # a full log is rotated, the old lines kept in the first of the old files
        logging.getLogger("ui.test").debug("not at the log's level")
        logging.getLogger("ui.test").info("%s", "x" * ui_app.LOG_BYTES)
        logging.getLogger("ui.test").info("a line in a new file")
        added[0].flush()
        assert "a line in a new file" in target.read_text(encoding="utf-8")
        assert "a line after it" not in target.read_text(encoding="utf-8")
        old_files = sorted(target.parent.glob("wardaudit.log.*"))
        assert old_files and len(old_files) <= ui_app.LOG_FILES_KEPT
        assert any("a line after it" in f.read_text(encoding="utf-8") for f in old_files)
    finally:
        for handler in [h for h in root.handlers if h not in before]:
            root.removeHandler(handler)
            handler.close()
        root.setLevel(level)


def test_screenshots_are_rendered(qtbot, tmp_path: Path) -> None:
    from ui.screenshots import render

    lines = render(tmp_path)
    for name in ("home.png", "settings.png"):
        assert (tmp_path / name).stat().st_size > 10_000, lines
    try:
        import ui.audit  # noqa: F401
    except ImportError:
        return
    for name in ("audit-in-progress.png", "no-answer-action.png", "summary.png"):
        assert (tmp_path / name).stat().st_size > 10_000, lines


def test_an_older_database_moves_its_photos_out_with_progress_shown(
    qtbot, tmp_path: Path, library: ChecklistLibrary, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtCore import QTimer

    from tests.core.store.old_schemas import build_v4_with_photos
    from wardaudit.store import migrations

    path = tmp_path / "old.sqlite3"
    expected = build_v4_with_photos(path, library.latest("sexual-safety-environment"), 8)
    monkeypatch.setattr(migrations, "MOVE_BATCH_PHOTOS", 2)
    labels: list[str] = []
    real_set_label = ui_app.QProgressDialog.setLabelText
    monkeypatch.setattr(
        ui_app.QProgressDialog,
        "setLabelText",
        lambda self, text: (labels.append(text), real_set_label(self, text))[1],
    )
    ticks = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(1)
    store = ui_app.open_store(path)
    timer.stop()
    assert store is not None
    try:
        assert any("of 8" in text for text in labels), labels
        assert ticks, "the window kept painting while the photos moved"
        assert Store.photos_waiting_in(path) == 0
        for photo_id, data in expected.items():
            assert store.photos.data(photo_id) == data
    finally:
        store.close(backup=False)


def test_the_ward_rows_are_read_once_while_the_window_is_made(
    qtbot, demo_store: Store, library: ChecklistLibrary, monkeypatch
) -> None:
    """The first screen's rows are read in the worker as the window is built, not again
    when it is shown, and are the ward register's."""
    import ui.wards.screen as wards_screen
    from ui.context import AppContext

    reads: list[int] = []
    real = wards_screen.ward_overview

    def counted(store: Store):  # type: ignore[no-untyped-def]
        reads.append(1)
        return real(store)

    monkeypatch.setattr(wards_screen, "ward_overview", counted)
    win = ui_app.create_main_window(AppContext(store=demo_store, library=library))
    qtbot.addWidget(win)
    assert win.wards.loading  # already being read, before the window is shown
    win.show()
    qtbot.waitUntil(lambda: not win.wards.loading)
    qtbot.wait(20)
    assert reads == [1]
    shown = {win.wards.model.rows()[n].ward.name for n in range(win.wards.model.rowCount())}
    assert shown == {ward.name for ward in demo_store.wards.list()}
    win.shutdown()
