"""The change hook: a screen hears what changed elsewhere and refreshes, at once if it is
showing, else the next time it is shown; it never hears its own changes."""

from __future__ import annotations

from typing import ClassVar

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from ui.actions import ActionsScreen
from ui.context import AppContext, Change
from ui.wards import WardsScreen
from ui.wards.models import WardTableModel
from ui.widgets.screen import Screen
from wardaudit.checklist import ChecklistLibrary
from wardaudit.store import Store

pytestmark = pytest.mark.usefixtures("quiet_messages")


class CountingScreen(Screen):
    """A screen that only counts its refreshes."""

    LISTENS_TO: ClassVar[frozenset[Change]] = frozenset({"wards"})

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.refreshes = 0

    def refresh(self) -> None:
        self.refreshes += 1


def test_a_hidden_screen_refreshes_once_when_next_shown(qtbot, ctx: AppContext) -> None:
    screen = CountingScreen(ctx)
    qtbot.addWidget(screen)
    screen.show()
    assert screen.refreshes == 1  # the first showing reads the figures
    screen.hide()
    ctx.notify("wards")
    ctx.notify("wards", "audits")
    assert screen.refreshes == 1, "nothing is read while nobody looks"
    screen.show()
    assert screen.refreshes == 2
    screen.hide()
    screen.show()
    assert screen.refreshes == 2, "shown again with nothing changed: nothing read again"


def test_a_showing_screen_refreshes_at_once_but_only_for_what_it_listens_to(
    qtbot, ctx: AppContext
) -> None:
    screen = CountingScreen(ctx)
    qtbot.addWidget(screen)
    screen.show()
    ctx.notify("wards")
    assert screen.refreshes == 2
    ctx.notify("actions")
    ctx.notify()
    assert screen.refreshes == 2
    ctx.notify("wards", origin=screen)  # its own change: it knows already
    assert screen.refreshes == 2


def test_a_change_made_on_the_actions_screen_refreshes_the_wards_screen_when_next_shown(
    qtbot, demo_store: Store, library: ChecklistLibrary, errors: list[BaseException]
) -> None:
    ctx = AppContext(store=demo_store, library=library)
    wards = WardsScreen(ctx)
    qtbot.addWidget(wards)
    with qtbot.waitSignal(wards.rows_loaded, timeout=20_000):
        wards.show()
    loads: list[bool] = []
    wards.rows_loaded.connect(lambda: loads.append(True))
    wards.hide()

    actions = ActionsScreen(ctx)
    qtbot.addWidget(actions)
    with qtbot.waitSignal(actions.rows_loaded, timeout=20_000):
        actions.show()
    action = next(a for a in demo_store.actions.list() if a.status == "open")
    before = open_actions(wards, action.ward_id)
    actions.clear_filters()
    assert actions.select_action(action.id)
    actions.details.status_edit.setCurrentIndex(actions.details.status_edit.findData("done"))
    with qtbot.waitSignal(ctx.changed) as heard:
        assert actions.save_update()
    assert heard.args[0].kinds == {"actions"} and heard.args[0].origin is actions
    qtbot.wait(50)
    assert loads == [], "the Wards screen is hidden: it waits until it is shown"
    assert open_actions(wards, action.ward_id) == before

    actions.hide()
    with qtbot.waitSignal(wards.rows_loaded, timeout=20_000):
        wards.show()
    assert open_actions(wards, action.ward_id) == before - 1
    assert errors == []


def open_actions(screen: WardsScreen, ward_id: str) -> int:
    row = screen.model.row_for_ward(ward_id)
    text = screen.model.index(row, WardTableModel.OPEN_ACTIONS).data(Qt.ItemDataRole.DisplayRole)
    return int(text)
