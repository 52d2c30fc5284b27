"""Starting an audit from the Wards screen with a checklist not written for the ward's
designation is refused with the store's words, and nothing is started."""

from __future__ import annotations

import pytest

from tests.core.test_cli import SINGLE_SEX_CHECKLIST
from ui.context import AppContext
from ui.wards import WardsScreen
from wardaudit.checklist import ChecklistLibrary, load_bytes
from wardaudit.store import Store

pytestmark = pytest.mark.usefixtures("dialogs")


def test_a_mixed_ward_cannot_start_a_checklist_for_single_sex_wards(
    qtbot, store: Store, errors: list[BaseException]
) -> None:
    library = ChecklistLibrary()
    library.add(load_bytes(SINGLE_SEX_CHECKLIST.encode(), "/trust/night.toml"))
    ward = store.wards.add(site="Ashcombe", name="Juniper Ward", sex="mixed")
    screen = WardsScreen(AppContext(store=store, library=library))
    qtbot.addWidget(screen)
    screen.show()
    qtbot.waitUntil(lambda: not screen.loading)
    screen.select_ward(ward.id)
    screen.start_button.click()
    [error] = errors
    assert "is written for male and female wards only" in str(error)
    assert "Juniper Ward is a mixed ward" in str(error)
    assert store.audits.list() == []
