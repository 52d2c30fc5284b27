"""The Board screen's notes beside the figures: designations that answer different numbers of
items point to the Designation filter by name, and go when one designation is chosen; scores
over time across checklist versions are noted, as the demo trust shows."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QComboBox

from ui.board import BoardScreen
from ui.context import AppContext
from wardaudit.board import board_figures
from wardaudit.checklist import Checklist, ChecklistLibrary
from wardaudit.store import Store

pytestmark = pytest.mark.usefixtures("dialogs", "plain_theme")


def make_screen(qtbot, store: Store, library: ChecklistLibrary) -> BoardScreen:  # type: ignore[no-untyped-def]
    screen = BoardScreen(AppContext(store=store, library=library))
    qtbot.addWidget(screen)
    screen.resize(1240, 740)
    with qtbot.waitSignal(screen.loaded, timeout=10_000):
        screen.show()
    return screen


def choose(qtbot, screen: BoardScreen, combo: QComboBox, data: object) -> None:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(screen.loaded, timeout=10_000):
        combo.setCurrentIndex(combo.findData(data))
    qtbot.waitUntil(lambda: not screen.loading)


def test_designations_note_points_to_the_designation_filter(
    qtbot, store: Store, checklist: Checklist, library: ChecklistLibrary
) -> None:
    for name, sex in (("Juniper Ward", "mixed"), ("Birch Ward", "male")):
        store.wards.add(site="Ashcombe", name=name, sex=sex)  # type: ignore[arg-type]
        audit = store.audits.start(name, checklist)
        for item in checklist.applicable_items(sex):
            store.audits.record_answer(audit.id, item.id, "yes")
        store.audits.complete(audit.id, by="A matron", role="Matron")
    screen = make_screen(qtbot, store, library)
    tiles = screen.summary_tiles
    expected = board_figures(store).designations_note
    assert expected and "choose a designation in the Designation filter" in expected
    assert tiles.designations_note.isVisible()
    assert tiles.designations_note.text() == f"Note: {expected}"
    assert tiles.designations_note.accessibleName() == "Designations"
    assert not tiles.versions_note.isVisible() and not tiles.trend_note.isVisible()
    choose(qtbot, screen, screen.designation_filter, "male")
    assert not tiles.designations_note.isVisible()
    choose(qtbot, screen, screen.designation_filter, None)
    assert tiles.designations_note.isVisible()


def test_the_demo_trust_shows_scores_over_time_across_versions(
    qtbot, demo_store: Store, library: ChecklistLibrary
) -> None:
    screen = make_screen(qtbot, demo_store, library)
    note = screen.summary_tiles.trend_note
    assert note.isVisible()
    assert "Sexual safety: ward environment v1" in note.text()
    assert "Sexual safety: ward environment v2" in note.text()
    assert note.accessibleDescription() == board_figures(demo_store).trend_note
