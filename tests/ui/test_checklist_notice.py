"""At start-up the app shows one notice naming every checklist file it could not use (every
problem file and every clash, not just the first), each with what to do."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from tests.core.test_cli import SINGLE_SEX_CHECKLIST
from ui import app as ui_app
from ui.mainwindow import MainWindow
from wardaudit.checklist import load_library
from wardaudit.store import Store

pytestmark = pytest.mark.usefixtures("dialogs", "plain_theme")


def test_every_file_that_could_not_be_used_is_named_once_with_what_to_do(
    open_window: Callable[[Store], MainWindow], store: Store, tmp_path: Path
) -> None:
    folder = tmp_path / "trust"
    folder.mkdir()
    (folder / "broken.toml").write_text("[[[[", encoding="utf-8")
    (folder / "empty.toml").write_text("", encoding="utf-8")
    (folder / "night-a.toml").write_text(SINGLE_SEX_CHECKLIST, encoding="utf-8")
    (folder / "night-b.toml").write_text(
        SINGLE_SEX_CHECKLIST.replace("Night-time checks", "Edited night checks"), encoding="utf-8"
    )
    library = load_library([folder])
    assert len(library.problems) == 3
    store.wards.add(site="Ashcombe", name="Juniper Ward", sex="mixed")
    window = open_window(store)

    box = ui_app.show_checklist_problems(window, library)
    assert isinstance(box, QMessageBox)
    assert box.isVisible() and not box.isModal()  # she can carry on working
    assert box.accessibleName() == "Checklist files not used"
    assert box.text().startswith("3 checklist files could not be used.")
    details = box.informativeText()
    for name in ("broken.toml", "empty.toml"):
        path = str(folder / name)
        assert details.count(f"The checklist file {path} was skipped") == 1
        assert f"'wardaudit checklists validate \"{path}\"'" in details
    assert details.count("What to do:") == 2
    assert str(folder / "night-a.toml") in details and str(folder / "night-b.toml") in details
    assert "neither is used until one is removed" in details
    box.close()
    window.shutdown()


def test_no_notice_when_every_file_loads(
    open_window: Callable[[Store], MainWindow], store: Store
) -> None:
    store.wards.add(site="Ashcombe", name="Juniper Ward", sex="mixed")
    window = open_window(store)
    assert ui_app.show_checklist_problems(window, load_library([])) is None
    window.shutdown()
