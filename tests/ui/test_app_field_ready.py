"""The main window on a ward laptop: it opens maximised and returns where it was, and after a
crash the next start offers the interrupted audit whichever database it was in."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import QRect

from ui import app as ui_app
from ui.mainwindow import GEOMETRY_SETTING, LAST_DATABASE_SETTING
from ui.session import SESSION_OPEN, demo_path_for
from ui.theme import display_settings
from wardaudit import paths
from wardaudit.store import Store

pytestmark = pytest.mark.usefixtures("dialogs", "quiet_messages", "plain_theme")


def test_a_crash_in_the_demo_trust_is_offered_at_the_next_start(
    qtbot, demo_db: Path, quiet_messages
) -> None:
    home = paths.default_db_path()
    home.parent.mkdir(parents=True, exist_ok=True)
    with Store.open(home):
        pass  # her own database: empty, closed cleanly
    demo = demo_path_for(home)
    shutil.copy(demo_db, demo)
    with Store.open(demo) as store:
        audit = store.audits.in_progress()[0]
        store.settings.set(SESSION_OPEN, "1", bookkeeping=True)  # the app died with it open
    settings = display_settings()
    settings.setValue(LAST_DATABASE_SETTING, str(demo))
    settings.sync()

    window = ui_app.start()
    assert window is not None
    qtbot.addWidget(window)
    assert window.ctx.store.path == demo  # not the empty home database
    assert window.home_db_path == home  # "Use my own wards" still goes home
    assert any(f"The audit of {audit.ward_name} was interrupted" in t for t in quiet_messages)
    window.shutdown()
    window.close()

    again = ui_app.start()  # closed cleanly this time: her own database as usual
    assert again is not None
    qtbot.addWidget(again)
    assert again.ctx.store.path == home
    again.shutdown()


def test_the_window_opens_maximised_on_a_laptop_and_remembers_its_place(
    qtbot, store: Store, open_window
) -> None:
    window = open_window(store)
    window.place_on_screen()
    qtbot.wait(10)
    room = window.screen().availableGeometry()
    if room.width() <= 1920 and room.height() <= 1080:
        assert window.isMaximized()
    window.showNormal()
    window.setGeometry(QRect(40, 50, 1100, 700))
    qtbot.wait(10)
    window.close()  # saves where it was

    saved = display_settings().value(GEOMETRY_SETTING)
    assert saved is not None and not saved.isEmpty()
    second = open_window(store)
    second.place_on_screen()
    qtbot.wait(10)
    assert not second.isMaximized()  # as she left it, not maximised again
    assert second.height() == 700  # (the test screen is narrower than 1100 px)
    second.close()
