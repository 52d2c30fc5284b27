"""Settings: her name and role, backups made and restored, another database, display choices."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QFileDialog

from ui.context import AppContext
from ui.settings import SettingsScreen
from ui.settings.backups import backup_label
from ui.theme import BASE_POINT_SIZE, load_display
from wardaudit.checklist import ChecklistLibrary
from wardaudit.errors import NotFound
from wardaudit.store import Store, backups

pytestmark = pytest.mark.usefixtures("dialogs", "plain_theme")


def make_settings(qtbot, store: Store, library: ChecklistLibrary) -> SettingsScreen:
    screen = SettingsScreen(AppContext(store=store, library=library))
    qtbot.addWidget(screen)
    screen.show()
    return screen


def test_name_and_role_are_saved_to_the_store(qtbot, store: Store, library) -> None:
    screen = make_settings(qtbot, store, library)
    assert screen.name_edit.text() == ""
    qtbot.keyClicks(screen.name_edit, "  Modern matron ")
    qtbot.keyClicks(screen.role_edit, "Matron")
    QTest.keyClick(screen.role_edit, Qt.Key.Key_Return)
    assert store.settings.get("auditor_name") == "Modern matron"
    assert store.settings.get("auditor_role") == "Matron"
    assert screen.ctx.auditor_name == "Modern matron"
    assert screen.auditor_status.text().startswith("Saved at ")

    screen.name_edit.clear()
    qtbot.keyClicks(screen.name_edit, "Ward manager")
    screen.save_auditor_button.click()
    assert store.settings.get("auditor_name") == "Ward manager"


def test_the_database_location_is_shown(qtbot, store: Store, library) -> None:
    screen = make_settings(qtbot, store, library)
    assert str(store.path) in screen.db_label.text()
    assert not screen.location_warning.isVisible()
    assert str(backups.backup_dir(store.path)) in screen.backup_folder_label.text()


def test_make_a_backup_and_see_it_listed(qtbot, store: Store, library) -> None:
    store.wards.add(site="Northgate Hospital", name="Orchid Ward", sex="female")
    screen = make_settings(qtbot, store, library)
    assert screen.backups_shown() == []
    assert screen.backup_list.item(0).text() == "No backups yet"
    assert not screen.restore_button.isEnabled()

    with qtbot.waitSignal(screen.backup_finished, timeout=20_000) as made:
        screen.backup_button.click()
    path = made.args[0]
    assert isinstance(path, Path) and path.is_file()
    assert screen.backups_shown() == backups.list_backups(store.path) == [path]
    label = screen.backup_list.item(0).text()
    assert re.match(r"^\d\d/\d\d/\d{4} \d\d:\d\d — Made from Settings \(\d+ KB\)$", label), label
    assert screen.selected_backup() == path
    assert screen.restore_button.isEnabled()
    assert "Backup made at" in screen.backup_status.text()


def test_backups_are_listed_newest_first(qtbot, store: Store, library) -> None:
    older = store.backup_now("manual")
    newer = store.backup_now("periodic")
    screen = make_settings(qtbot, store, library)
    shown = screen.backups_shown()
    assert set(shown) == {older, newer}
    assert shown == backups.list_backups(store.path)
    assert "Made automatically" in backup_label(newer)


def test_restore_warns_first_then_restores_and_reopens(qtbot, store: Store, open_window) -> None:
    store.wards.add(site="Northgate Hospital", name="Orchid Ward", sex="female")
    backup = store.backup_now("manual")
    store.wards.add(site="Northgate Hospital", name="Poppy Ward", sex="male")
    window = open_window(store)
    window.begin_session(offer_first_run=False)
    window.show_page("settings")
    settings = window.settings
    settings.backup_list.setCurrentRow(settings.backups_shown().index(backup))

    box = settings.confirm_restore()
    assert box is not None and box.isVisible()
    assert box.text().startswith("Restore the backup made on ")
    assert "current file is kept beside the database" in box.informativeText()
    keep = next(b for b in box.buttons() if b.text() == "Keep the current database")
    assert box.defaultButton() is keep  # Enter does the safe thing
    keep.click()
    assert window.ctx.store is store
    assert {w.name for w in store.wards.list()} == {"Orchid Ward", "Poppy Ward"}

    box = settings.confirm_restore()
    restore = next(b for b in box.buttons() if b.text() == "Restore this backup")
    with qtbot.waitSignal(window.store_replaced, timeout=20_000):
        restore.click()
    restored = window.ctx.store
    assert restored is not store and restored.path == store.path
    assert [w.name for w in restored.wards.list()] == ["Orchid Ward"]
    with pytest.raises(NotFound):
        restored.wards.get("Poppy Ward")
    kept = list(store.path.parent.glob(f"{store.path.name}.replaced-*"))
    assert len(kept) == 1
    with Store.open(kept[0], readonly=True) as previous:  # nothing she entered is lost
        assert {w.name for w in previous.wards.list()} == {"Orchid Ward", "Poppy Ward"}
    assert "Backup restored" in settings.backup_status.text()
    assert store.path.name in window.windowTitle()
    window.shutdown()


def test_open_a_different_database(
    qtbot, demo_store: Store, open_window, tmp_path: Path, monkeypatch
) -> None:
    other = tmp_path / "other.sqlite3"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kwargs: (str(other), ""))
    window = open_window(demo_store)
    window.begin_session()
    window.show_page("settings")
    window.settings.open_db_button.click()

    assert window.ctx.db_path == other
    assert "other.sqlite3" in window.windowTitle()
    assert str(other) in window.settings.db_label.text()
    assert window.last_prompt is not None  # an empty database: the first-run offer
    assert window.last_prompt.text() == "There are no wards in this database yet."
    qtbot.waitUntil(lambda: not window.wards.loading)
    assert window.wards.model.rowCount() == 0
    # the first database was closed cleanly: its lock is free and its session flag cleared
    with Store.open(demo_store.path) as again:
        assert again.settings.get("session_open") == "0"
    window.shutdown()


def test_text_size_and_high_contrast_apply_at_once_and_are_remembered(
    qtbot, store: Store, library
) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    screen = make_settings(qtbot, store, library)
    assert load_display() == (False, 1.0)

    screen.text_size.setFocus()
    QTest.keyClick(screen.text_size, Qt.Key.Key_End)  # the largest: 200%
    assert screen.text_size.currentText() == "200%"
    assert app.font().pointSizeF() == pytest.approx(BASE_POINT_SIZE * 2)
    assert load_display() == (False, 2.0)

    screen.high_contrast.setFocus()
    QTest.keyClick(screen.high_contrast, Qt.Key.Key_Space)
    assert screen.high_contrast.isChecked()
    assert app.palette().color(QPalette.ColorRole.Window).name() == "#000000"
    assert app.palette().color(QPalette.ColorRole.Highlight).name() == "#ffff00"
    assert load_display() == (True, 2.0)

    again = make_settings(qtbot, store, library)  # a new screen shows what is in force
    assert again.text_size.currentText() == "200%"
    assert again.high_contrast.isChecked()


# --- photos ---------------------------------------------------------------------------------


def _ward_with_photos(store: Store, library: ChecklistLibrary, count: int) -> list[str]:
    checklist = library.latest("sexual-safety-environment")
    store.wards.add(site="Northgate Hospital", name="Orchid Ward", sex="female")
    audit = store.audits.start("Orchid Ward", checklist)
    item = checklist.applicable_items("female")[0].id
    return [
        store.photos.add(
            audit.id,
            item,
            bytes([n]) * 5000,
            filename=f"p{n}.jpg",
            media_type="image/jpeg",
            width=1,
            height=1,
        ).id
        for n in range(count)
    ]


def test_settings_say_the_photos_and_backups_are_in_the_databases_one_folder(
    qtbot, store: Store, library
) -> None:
    _ward_with_photos(store, library, 2)
    screen = make_settings(qtbot, store, library)
    note = screen.folder_note.text()
    assert str(store.path.parent) in note and "whole folder" in note
    assert store.photo_folder.name in note and backups.backup_dir(store.path).name in note
    assert store.photo_folder.parent == store.path.parent
    assert screen.photo_label.text().startswith("Photos: 2 ")
    assert screen.check_photos_button.isEnabled()


def test_check_photos_runs_in_the_background_and_offers_to_put_back_damaged_ones(
    qtbot, store: Store, library
) -> None:
    photos = _ward_with_photos(store, library, 3)
    store.backup_now("manual")
    sha256, _ = store.photos.digest(photos[1])
    (store.photo_folder / sha256[:2] / sha256).write_bytes(b"scrambled")
    screen = make_settings(qtbot, store, library)
    with qtbot.waitSignal(screen.photo_check_finished, timeout=20_000) as checked:
        op = screen.check_photos()
        assert op is not None and op.dialog is not None and op.dialog.isVisible()
        assert not screen.check_photos_button.isEnabled(), "one check at a time"
    report = checked.args[0]
    assert report.checked == 3 and [p.photo for p in report.problems] == [photos[1]]
    assert "1 damaged or missing" in screen.photo_status.text()
    box = screen.last_photo_report
    assert box is not None and box.isVisible() and "p1.jpg" in box.informativeText()
    put_back = next(b for b in box.buttons() if b.text() == "Put back copies from the backups")
    with qtbot.waitSignal(screen.photo_check_finished, timeout=20_000) as repaired:
        put_back.click()
    assert repaired.args[0].problems == () and len(repaired.args[0].repaired) == 1
    assert "every one is as it was saved" in screen.photo_status.text()
    assert store.photos.data(photos[1]) == bytes([1]) * 5000
    assert screen.check_photos_button.isEnabled()
