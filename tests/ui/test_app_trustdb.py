"""The desktop app on the trust database (PostgreSQL): the quality team's screens, no lost
update between two people, a reader's login that changes nothing, no backups or demo,
and no session marker shared between the people using it.

Run on a throwaway server (``pg_server``): skipped without server binaries on a
developer's machine, failed in CI.
"""

from __future__ import annotations

import socket
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QThreadPool, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QProgressDialog

from tests.conftest import PG_PASSWORD, PgDatabase
from tests.core.store.trustdb import helpers
from ui import app as ui_app
from ui.actions import ActionsScreen
from ui.board import BoardScreen
from ui.board.import_preview import ImportPreviewDialog
from ui.mainwindow import LAST_DATABASE_SETTING, MainWindow
from ui.session import SESSION_AUDIT, SESSION_OPEN
from ui.theme import display_settings
from ui.widgets.trustdb import BACKUP_WORDS, EMPTY_WORDS, IN_PROGRESS_WORDS, READER_WORDS
from wardaudit.checklist import Checklist, ChecklistLibrary
from wardaudit.cli import main
from wardaudit.errors import (
    ChangedMeanwhile,
    DatabaseTooNew,
    DatabaseTooOld,
    NotPermitted,
    ServerUnavailable,
)
from wardaudit.exchange import export_bundle
from wardaudit.model import Action
from wardaudit.store import Store

pytestmark = pytest.mark.usefixtures("dialogs", "quiet_messages", "plain_theme")

LOAD_MS = 30_000


@pytest.fixture
def open_on(qtbot, library: ChecklistLibrary) -> Iterator[Callable[[str], MainWindow]]:  # type: ignore[no-untyped-def]
    """Start the app as ``wardaudit --db TARGET`` does, wards loaded; shut down after."""
    opened: list[MainWindow] = []

    def start(target: str) -> MainWindow:
        window = ui_app.start(target)
        assert window is not None
        window.ctx.library = library
        qtbot.addWidget(window)
        opened.append(window)
        qtbot.waitUntil(lambda: not window.wards.loading, timeout=LOAD_MS)
        return window

    yield start
    QThreadPool.globalInstance().waitForDone()
    for window in opened:
        window.shutdown()


def shown(qtbot, window: MainWindow, page: str) -> Any:  # type: ignore[no-untyped-def]
    """Show a page of the window and wait for its figures."""
    window.show_page(page)
    screen = window.ensure_screen(page)
    qtbot.waitUntil(lambda: not screen.loading, timeout=LOAD_MS)
    return screen


def still_to_do(qtbot, window: MainWindow) -> tuple[ActionsScreen, Action]:  # type: ignore[no-untyped-def]
    screen = shown(qtbot, window, "actions")
    assert isinstance(screen, ActionsScreen)
    qtbot.waitUntil(lambda: screen.model.rowCount() > 0, timeout=LOAD_MS)
    action = screen.selected_action()
    assert action is not None
    return screen, action


def choose(box: Any, text: str) -> None:
    index = box.findText(text)
    assert index >= 0, f"{text!r} is not offered"
    box.setCurrentIndex(index)


def test_the_command_line_opens_the_app_on_a_server_target(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    asked: list[object] = []
    monkeypatch.setattr(ui_app, "run_app", lambda db_path=None: asked.append(db_path) or 0)
    assert main(["--db", "service=wardaudit"]) == 0
    assert main(["--db", "postgresql://db.trust.nhs.uk/wardaudit?sslmode=verify-full"]) == 0
    assert asked == [
        "service=wardaudit",
        "postgresql://db.trust.nhs.uk/wardaudit?sslmode=verify-full",
    ]  # handed on as the target, not made into a file path


def test_the_window_opens_on_the_trust_database_with_its_screens(
    qtbot, open_on, pg_demo_database: PgDatabase, errors: list[BaseException]
) -> None:
    window = open_on(pg_demo_database.target())
    assert (
        window.windowTitle()
        == f"WardAudit — Trust database (this computer/{pg_demo_database.name})"
    )
    wards = window.wards
    assert wards.model.rowCount() == 12
    # audits are done on the ward laptops: no Start audit, and the words say why
    assert not wards.start_button.isVisibleTo(window)
    assert wards.no_audits_note.isVisibleTo(window)
    assert "done on the ward laptops" in wards.no_audits_note.text()
    assert wards.add_button.isEnabled() and wards.edit_button.isEnabled()
    assert window.banner_text() == ""  # the demo's audit in progress is not offered here

    board = shown(qtbot, window, "board")
    assert isinstance(board, BoardScreen)
    assert board.model.rowCount() == 12 and board.import_button.isEnabled()
    actions, _action = still_to_do(qtbot, window)
    assert actions.details.save_button.isEnabled() and actions.import_button.isEnabled()
    assert errors == []


def test_an_action_is_changed_on_the_server_and_a_second_window_is_told_who_changed_it(
    qtbot, open_on, pg_demo_database: PgDatabase, errors: list[BaseException]
) -> None:
    first = open_on(pg_demo_database.target("t_quality"))
    second = open_on(pg_demo_database.target("t_quality2"))
    first.ctx.set_auditor("An estates officer", "Estates")
    second.ctx.set_auditor("A quality lead", "Quality")
    assert second.ctx.auditor_name == "A quality lead"  # each person's own, on this computer
    assert first.ctx.auditor_name == "An estates officer"
    mine, action = still_to_do(qtbot, first)
    theirs, _ = still_to_do(qtbot, second)
    assert theirs.select_action(action.id)  # both have the same action open

    choose(mine.details.status_edit, "Done")
    mine.details.note_edit.setPlainText("New lock fitted to the garden door")
    assert mine.save_update()
    with Store.open(pg_demo_database.target()) as server:
        saved = server.actions.get(action.id)
        assert (saved.status, saved.status_note) == ("done", "New lock fitted to the garden door")
        assert server.history.list(action=action.id)[-1].actor == "An estates officer"

    choose(theirs.details.status_edit, "Cannot do")
    theirs.details.note_edit.setPlainText("No contractor this month")
    assert not theirs.save_update()
    [refused] = errors
    assert isinstance(refused, ChangedMeanwhile)
    assert str(refused).startswith("An estates officer changed this action at ")
    assert "while you had it open; it is now Done" in str(refused)
    assert theirs.details.note_edit.toPlainText() == "No contractor this month"  # kept for her
    with Store.open(pg_demo_database.target()) as server:
        assert server.actions.get(action.id).status == "done"  # nothing overwritten


def test_with_no_name_set_a_change_is_recorded_as_the_login_and_a_conflict_names_it(
    qtbot, open_on, pg_demo_database: PgDatabase, errors: list[BaseException]
) -> None:
    first = open_on(pg_demo_database.target("t_quality"))
    second = open_on(pg_demo_database.target("t_quality2"))
    assert first.ctx.auditor_name == ""  # nobody has set a name in Settings
    mine, action = still_to_do(qtbot, first)
    theirs, _ = still_to_do(qtbot, second)
    assert theirs.select_action(action.id)

    choose(mine.details.status_edit, "In progress")
    mine.details.note_edit.setPlainText("Contractor booked")
    assert mine.save_update()
    with Store.open(pg_demo_database.target()) as server:
        assert server.history.list(action=action.id)[-1].actor == "t_quality (login)"

    choose(theirs.details.status_edit, "Done")
    assert not theirs.save_update()
    [refused] = errors
    assert isinstance(refused, ChangedMeanwhile)
    assert str(refused).startswith("t_quality (login) changed this action at ")

    # a name set in Settings is what is recorded from then on
    first.ctx.set_auditor("A quality lead", "Quality")
    assert first.ctx.actor == "A quality lead"


def test_a_reader_login_opens_read_only_and_changes_nothing(
    qtbot,
    open_on,
    pg_demo_database: PgDatabase,
    checklist: Checklist,
    errors: list[BaseException],
    tmp_path: Path,
) -> None:
    with Store.open(pg_demo_database.target()) as server:
        before = (server.records.fingerprint(), server.settings.keys_starting(""))
    window = open_on(pg_demo_database.target("t_reader"))
    assert window.ctx.readonly
    wards = window.wards
    assert wards.model.rowCount() == 12
    for button in (wards.add_button, wards.edit_button):
        assert not button.isEnabled()
        assert button.toolTip() == READER_WORDS == button.accessibleDescription()
    assert wards.add_ward() is None and wards.edit_ward() is None

    board = shown(qtbot, window, "board")
    assert board.model.rowCount() == 12 and board.pdf_button.isEnabled()  # reports: yes
    for button in (board.import_button, board.incidents_button, board.export_button):
        assert not button.isEnabled() and button.toolTip() == READER_WORDS
    laptop = tmp_path / "laptop.sqlite3"
    bundle = tmp_path / "juniper.wardaudit"
    with Store.open(laptop) as matron:
        helpers.audit_ward(matron, checklist, "Juniper Ward")
        export_bundle(matron, bundle)
    board.import_exchange_files([bundle])  # dropped on the window: refused in words
    assert board.last_message is not None and board.last_message.text() == READER_WORDS

    actions, action = still_to_do(qtbot, window)
    details = actions.details
    assert details.reader_note.isVisibleTo(window)
    for field in (details.status_edit, details.note_edit, details.owner_edit, details.save_button):
        assert not field.isEnabled() and field.accessibleDescription() == READER_WORDS
    assert not actions.import_button.isEnabled()
    assert not actions.save_update()
    details.open_audit_button.click()  # reading an audit is fine
    assert window.current_page() == "audit" and window.audit_screen is not None
    assert window.audit_screen.audit_id == action.audit_id
    amend = window.audit_screen.summary.locked.amend_button
    assert not amend.isEnabled() and amend.toolTip() == READER_WORDS

    window.show_page("settings")
    window.settings.name_edit.setText("A board member")
    window.settings.save_auditor()  # kept on this computer: allowed for a reader
    assert window.ctx.auditor_name == "A board member"
    window.shutdown()
    assert errors == []
    with Store.open(pg_demo_database.target()) as server:
        assert (server.records.fingerprint(), server.settings.keys_starting("")) == before


def test_settings_on_the_trust_database_shows_no_backups_and_which_database(
    qtbot, open_on, pg_demo_database: PgDatabase
) -> None:
    window = open_on(pg_demo_database.target())
    window.show_page("settings")
    settings = window.settings
    for gone in (
        settings.backup_button,
        settings.restore_button,
        settings.backup_list,
        settings.backup_folder_label,
        settings.open_db_button,
        settings.folder_note,
    ):
        assert not gone.isVisibleTo(window)
    assert settings.backup_note.text() == BACKUP_WORDS
    assert settings.db_label.text().startswith(
        f"This database: Trust database (this computer/{pg_demo_database.name}), on the "
        "trust's PostgreSQL server"
    )
    assert "folder" not in settings.photo_label.text()
    assert settings.photo_label.text().endswith("kept in the trust database, with their records)")


def test_one_persons_session_never_offers_another_an_interrupted_audit(
    qtbot, open_on, pg_demo_database: PgDatabase, quiet_messages: list[str]
) -> None:
    with Store.open(pg_demo_database.target()) as server:
        in_progress = server.audits.in_progress()[0]
        # a marker as a session on a file leaves it (a file's database copied up, say)
        server.settings.set(SESSION_OPEN, "1", bookkeeping=True)
        server.settings.set(SESSION_AUDIT, in_progress.id, bookkeeping=True)
        completed = next(a for a in server.audits.list() if a.status == "completed")

    first = open_on(pg_demo_database.target("t_quality"))
    assert first.open_audit(completed.id)  # remembered for her on this computer only
    assert first.ctx.own_setting(SESSION_AUDIT) == completed.id
    assert not first.open_audit(in_progress.id)  # not answered here
    assert first.audit_empty_label.text() == IN_PROGRESS_WORDS
    # first's window "crashes": it never shuts down; another person opens the database
    second = open_on(pg_demo_database.target("t_quality2"))
    assert not any("was interrupted" in text for text in quiet_messages)
    assert second.banner_text() == "" and second.ctx.own_setting(SESSION_AUDIT) == ""
    second.shutdown()
    with Store.open(pg_demo_database.target()) as server:  # nobody's session wrote here
        assert server.settings.get(SESSION_OPEN) == "1"
        assert server.settings.get(SESSION_AUDIT) == in_progress.id


def test_an_empty_trust_database_says_imports_fill_it_and_takes_a_bundle_from_the_board(
    qtbot,
    open_on,
    pg_database: PgDatabase,
    checklist: Checklist,
    quiet_messages: list[str],
    tmp_path: Path,
) -> None:
    window = open_on(pg_database.target())
    assert window.last_prompt is not None
    assert window.last_prompt.text() == "The trust database is empty."
    assert window.last_prompt.informativeText() == EMPTY_WORDS
    assert "There are no wards in this database yet." not in quiet_messages  # no demo offer

    laptop = tmp_path / "laptop.sqlite3"
    bundle = tmp_path / "juniper.wardaudit"
    with Store.open(laptop) as matron:
        audit = helpers.audit_ward(matron, checklist, "Juniper Ward")
        export_bundle(matron, bundle)
    board = shown(qtbot, window, "board")
    with qtbot.waitSignal(board.preview_ready, timeout=LOAD_MS):
        board.import_exchange_files([bundle])
    preview = board.last_dialog
    assert isinstance(preview, ImportPreviewDialog)
    assert preview.summary_text.startswith("Ready to import 1 new audit,")
    with qtbot.waitSignal(board.import_finished, timeout=LOAD_MS):
        preview.import_button.click()
    assert isinstance(board.last_message, QMessageBox)
    assert board.last_message.text() == "The import is finished."
    with Store.open(pg_database.target()) as server:
        assert [a.id for a in server.audits.list()] == [audit]


def test_the_trust_database_is_remembered_without_a_password_and_opens_again(
    qtbot,
    open_on,
    pg_server: Any,
    pg_database: PgDatabase,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    target = pg_server.tcp_conninfo(pg_database.name, "t_quality", password=PG_PASSWORD)
    window = open_on(target)
    assert window.windowTitle() == f"WardAudit — Trust database (localhost/{pg_database.name})"
    window.shutdown()
    remembered = str(display_settings().value(LAST_DATABASE_SETTING))
    assert f"dbname={pg_database.name}" in remembered and "user=t_quality" in remembered
    assert PG_PASSWORD not in remembered and "password" not in remembered
    # without --db: her own file, the remembered server not taken for one
    assert ui_app.interrupted_elsewhere(Path("home.sqlite3")) is None
    # the remembered target opens again, libpq finding the password in her password file
    pgpass = tmp_path / "pgpass.conf"
    pgpass.write_text(f"localhost:{pg_server.port}:{pg_database.name}:t_quality:{PG_PASSWORD}\n")
    pgpass.chmod(0o600)
    monkeypatch.setenv("PGPASSFILE", str(pgpass))
    again = open_on(remembered)
    assert again.ctx.store.target == remembered
    assert again.wards.model.rowCount() == 0


def test_server_problems_are_dialogs_naming_what_to_do(
    qtbot, pg_database: PgDatabase, errors: list[BaseException], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert ui_app.start(pg_database.target("t_nobody")) is None
    with socket.socket() as s:  # a port with nobody listening
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    assert ui_app.start(f"host=127.0.0.1 port={port} dbname=wardaudit connect_timeout=3") is None
    monkeypatch.setitem(sys.modules, "psycopg", None)  # the ward laptops' bundle: no driver
    assert ui_app.start("service=wardaudit") is None
    refused, down, no_driver = errors
    assert isinstance(refused, NotPermitted) and "wardaudit_reader" in str(refused)
    assert isinstance(down, ServerUnavailable) and "no database server is answering" in str(down)
    assert isinstance(no_driver, ServerUnavailable)
    assert "installed without the PostgreSQL driver" in str(no_driver)


def test_a_trust_database_older_or_newer_than_this_wardaudit_is_a_dialog_saying_what_to_do(
    qtbot, pg_database: PgDatabase, errors: list[BaseException]
) -> None:
    with pg_database.admin() as conn:  # as if the last upgrade step had not been run yet
        (latest,) = conn.execute("SELECT max(version) FROM wardaudit.schema_version").fetchone()
        conn.execute("DELETE FROM wardaudit.schema_version WHERE version = %s", (latest,))
    assert ui_app.start(pg_database.target()) is None
    with pg_database.admin() as conn:  # upgraded by a newer WardAudit than this one
        conn.execute(
            "INSERT INTO wardaudit.schema_version(version) VALUES (%s), (%s)",
            (latest, latest + 1),
        )
    assert ui_app.start(pg_database.target()) is None
    too_old, too_new = errors
    assert isinstance(too_old, DatabaseTooOld) and "trustdb upgrade" in str(too_old)
    assert isinstance(too_new, DatabaseTooNew) and "install the newer WardAudit" in str(too_new)
    with pg_database.admin() as conn:  # neither start changed the database
        assert conn.execute("SELECT max(version) FROM wardaudit.schema_version").fetchone() == (
            latest + 1,
        )


def test_a_server_slow_to_answer_shows_connecting_and_she_can_cancel(
    qtbot, errors: list[BaseException]
) -> None:
    seen: list[str] = []

    def look() -> None:  # runs only if the window's thread is free while the server is awaited
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QProgressDialog) and widget.isVisible():
                seen.append(widget.labelText())
                qtbot.keyClick(widget, Qt.Key.Key_Escape)  # as she would, from the keyboard

    with socket.socket() as listening:  # takes the connection and never answers
        listening.bind(("127.0.0.1", 0))
        listening.listen(1)
        port = listening.getsockname()[1]
        QTimer.singleShot(ui_app.CONNECT_DIALOG_AFTER_MS + 600, look)
        opened = ui_app.start(f"host=127.0.0.1 port={port} dbname=wardaudit connect_timeout=20")
        assert opened is None  # she cancelled: WardAudit stops, nothing opened
        assert seen and seen[0].startswith("Connecting to the trust database")
    assert errors == []  # a cancel is her choice, not a problem to report


def test_check_photos_reads_the_photos_kept_in_the_trust_database(
    qtbot, open_on, pg_database: PgDatabase, checklist: Checklist
) -> None:
    with Store.open(pg_database.target()) as server:
        server.wards.add(site="Northgate Hospital", name="Orchid Ward", sex="female")
        audit = server.audits.start("Orchid Ward", checklist)
        item = checklist.applicable_items("female")[0].id
        for n in range(2):
            server.photos.add(
                audit.id,
                item,
                bytes([n]) * 5000,
                filename=f"p{n}.jpg",
                media_type="image/jpeg",
                width=1,
                height=1,
            )
    window = open_on(pg_database.target())
    window.show_page("settings")
    settings = window.settings
    assert settings.photo_label.text().startswith("Photos: 2 ")
    with qtbot.waitSignal(settings.photo_check_finished, timeout=LOAD_MS) as checked:
        settings.check_photos_button.click()
    report = checked.args[0]
    assert report.checked == 2 and report.problems == ()
    assert "every one is as it was saved" in settings.photo_status.text()
