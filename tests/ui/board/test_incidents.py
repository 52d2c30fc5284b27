"""Incidents on the Board, as the quality team uses them: the import step driven by keyboard
and mouse, the preview that writes nothing, an unknown ward mapped and saved, and the
figures and hotspots shown checked against counts made from the incidents held."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox

from ui.board import BoardScreen
from ui.board.incident_chart import BARS_WORDS, LINE_WORDS, IncidentChart
from ui.board.incident_import import IncidentImportDialog
from ui.board.incidents import HotspotsModel, IncidentWardsModel
from ui.context import AppContext
from ui.theme import apply_theme
from wardaudit.checklist import ChecklistLibrary
from wardaudit.incidents import load_mapping_file, read_csv
from wardaudit.incidents.hotspots import window
from wardaudit.incidents.importing import read_and_plan
from wardaudit.store import Store

ROOT = Path(__file__).resolve().parent.parent.parent.parent
MAPPING = ROOT / "examples" / "incidents" / "generic-mapping.toml"
EXPORT = ROOT / "examples" / "incidents" / "generic-export.csv"

pytestmark = pytest.mark.usefixtures("dialogs", "plain_theme")


def make_screen(qtbot, store: Store, library: ChecklistLibrary) -> BoardScreen:  # type: ignore[no-untyped-def]
    screen = BoardScreen(AppContext(store=store, library=library))
    qtbot.addWidget(screen)
    screen.resize(1366, 768)
    with qtbot.waitSignal(screen.loaded, timeout=10_000):
        screen.show()
    return screen


def open_import(
    qtbot, screen: BoardScreen, monkeypatch: pytest.MonkeyPatch
) -> IncidentImportDialog:  # type: ignore[no-untyped-def]
    """Click Import incidents… and choose the mapping, then the export, as she would."""
    chosen = iter([MAPPING, EXPORT])
    monkeypatch.setattr(screen.files, "open_path", lambda caption, file_filter: next(chosen))
    qtbot.mouseClick(screen.incidents_button, Qt.MouseButton.LeftButton)
    dialog = screen.last_dialog
    assert isinstance(dialog, IncidentImportDialog)
    qtbot.mouseClick(dialog.mapping_button, Qt.MouseButton.LeftButton)
    assert "Generic risk-management export" in dialog.mapping_label.text()
    assert "reference: 'Incident ID'" in dialog.mapping_label.text()
    with qtbot.waitSignal(dialog.previewed, timeout=20_000):
        dialog.export_button.setFocus()
        qtbot.keyClick(dialog.export_button, Qt.Key.Key_Space)  # the keyboard, not the mouse
    return dialog


def test_the_import_step_previews_maps_a_ward_and_imports(
    qtbot, demo_store: Store, library: ChecklistLibrary, monkeypatch: pytest.MonkeyPatch
) -> None:
    screen = make_screen(qtbot, demo_store, library)
    dialog = open_import(qtbot, screen, monkeypatch)
    plan = dialog.plan
    assert plan is not None and not plan.blocked
    assert "Ready to import" in dialog.summary.text()
    assert f"{len(plan.new)} new incidents" in dialog.summary.text()
    assert [w.name for w in plan.unmatched_wards] == ["Poplar Ward"]
    # the preview wrote nothing
    assert demo_store.incidents.count() == 0 and demo_store.incidents.ward_aliases() == {}

    # She maps the export's "Poplar Ward" to Elm Ward with the keyboard: the preview follows.
    box = dialog.ward_choices["Poplar Ward"]
    assert isinstance(box, QComboBox) and box.currentText() == "Leave out for now"
    with qtbot.waitSignal(dialog.previewed, timeout=20_000):
        box.setFocus()
        qtbot.keyClicks(box, "Elm")
    assert dialog.ward_choices["Poplar Ward"].currentData() == "Elm Ward"  # made anew, kept
    again = dialog.plan
    assert again is not None and again.unmatched_wards == ()
    assert len(again.new) == len(plan.new) + plan.unmatched_wards[0].incidents
    assert demo_store.incidents.count() == 0  # still nothing written
    qtbot.waitUntil(lambda: dialog.focusWidget() is dialog.ward_choices["Poplar Ward"])

    with qtbot.waitSignal(dialog.imported, timeout=20_000):
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert demo_store.incidents.count() == len(again.new)
    assert demo_store.incidents.ward_aliases() == {"Poplar Ward": "Elm Ward"}
    assert demo_store.incidents.last_import() is not None

    # The Board hears of it and shows the incidents beside the scores.
    qtbot.waitUntil(lambda: screen.incidents_tab.figures is not None and not screen.loading)
    assert screen.tabs.currentWidget() is screen.incidents_tab
    tab = screen.incidents_tab
    board = screen.board
    assert board is not None
    held = demo_store.incidents.list()
    by_ward = Counter(i.ward for i in held if board.start <= i.date.strftime("%Y-%m") <= board.end)
    beds = {w.name: w.beds for w in demo_store.wards.list()}
    shown = {
        tab.model.index(r, IncidentWardsModel.WARD).data(): tab.model.index(
            r, IncidentWardsModel.PER_BED
        ).data()
        for r in range(tab.model.rowCount())
    }
    for ward, words in shown.items():
        count, ward_beds = by_ward.get(ward, 0), beds[ward]
        assert (
            words
            == f"{count / ward_beds:.1f} per bed ({count} incident{'s' * (count != 1)}, {ward_beds} beds)"
        )
    assert f"{sum(by_ward.values())} sexual safety incidents" in tab.summary.text()

    # She chooses a ward: its chart and its hotspots, places where both occur first.
    row = tab.model.find_row(lambda w: w.ward.name == "Hawthorn Ward")
    tab.table.setFocus()
    tab.table.setCurrentIndex(tab.model.index(0, 0))
    for _ in range(row):
        qtbot.keyClick(tab.table, Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: tab.hotspots is not None and tab.hotspots.ward.name == "Hawthorn Ward")
    spots = tab.hotspots
    assert spots is not None
    first, last = window(board.end)
    hawthorn = Counter(
        i.place
        for i in held
        if i.ward == "Hawthorn Ward" and first <= i.date.strftime("%Y-%m") <= last
    )
    counted = {h.place: h.incidents for h in spots.places if h.incidents}
    assert counted == {place: n for place, n in hawthorn.items() if place}
    both = [h.both for h in spots.places]
    assert both == sorted(both, reverse=True)  # places with both come first
    assert tab.hotspots_model.rowCount() == len(spots.places)
    if any(both):
        assert tab.hotspots_model.index(0, HotspotsModel.BOTH).data() == "Yes, both"
        assert tab.hotspots_model.index(0, 0).data(Qt.ItemDataRole.FontRole).bold()
    ward_months = next(w for w in tab.figures.wards if w.ward.name == "Hawthorn Ward").months  # type: ignore[union-attr]
    assert tab.chart.incidents == ward_months
    assert "Hawthorn Ward" in tab.chart.describe()


def test_an_export_with_problems_imports_nothing_from_the_app(
    qtbot,
    demo_store: Store,
    library: ChecklistLibrary,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    broken = tmp_path / "broken.csv"
    text = EXPORT.read_text(encoding="utf-8").splitlines()
    fields = text[3].split(",")
    fields[2] = "31/02/2026"  # a date that does not exist
    text[3] = ",".join(fields)
    broken.write_text("\n".join(text) + "\n", encoding="utf-8")
    screen = make_screen(qtbot, demo_store, library)
    chosen = iter([MAPPING, broken])
    monkeypatch.setattr(screen.files, "open_path", lambda caption, file_filter: next(chosen))
    qtbot.mouseClick(screen.incidents_button, Qt.MouseButton.LeftButton)
    dialog = screen.last_dialog
    assert isinstance(dialog, IncidentImportDialog)
    dialog.choose_mapping()
    with qtbot.waitSignal(dialog.previewed, timeout=20_000):
        dialog.choose_export()
    assert "Nothing can be imported yet" in dialog.summary.text()
    assert "Row 4" in dialog.details.toPlainText()
    assert not dialog.import_button.isEnabled()
    dialog.import_now()  # a second way in does nothing either
    assert demo_store.incidents.count() == 0


def test_the_chart_reads_without_colour_in_high_contrast(qtbot, qapp: QApplication) -> None:  # type: ignore[no-untyped-def]
    apply_theme(qapp, high_contrast=True, text_scale=1.0)
    chart = IncidentChart()
    qtbot.addWidget(chart)
    chart.resize(720, 340)
    chart.set_data("Juniper Ward", ["2026-01", "2026-02", "2026-03"], [2, 0, 6], [88.0, None, 91.5])
    chart.show()
    image = chart.grab().toImage()
    width, height = image.width(), image.height()
    pixels = [image.pixelColor(x, y) for x in range(0, width, 2) for y in range(0, height, 2)]
    # nothing is told apart by hue: every pixel is a grey between the ink and the ground
    assert all(c.red() == c.green() == c.blue() for c in pixels)
    # the tallest bar (March, the right-hand third) is hatched, not a solid block of ink
    inside = [
        image.pixelColor(x, y).lightness()
        for x in range(int(width * 0.78), int(width * 0.84))
        for y in range(int(height * 0.45), int(height * 0.6))
    ]
    assert max(inside) > 200 and min(inside) < 60
    described = chart.describe()
    assert "Feb 2026: 0 incidents, not audited" in described and "score 91.5%" in described
    assert "right axis, count" in BARS_WORDS and "left axis, %" in LINE_WORDS


def test_the_board_before_any_incident_says_how_to_import(
    qtbot, demo_store: Store, library: ChecklistLibrary
) -> None:
    screen = make_screen(qtbot, demo_store, library)
    assert (
        "No sexual safety incidents have been imported yet" in screen.incidents_tab.summary.text()
    )
    assert screen.incidents_tab.model.rowCount() == 0


def test_a_laptop_board_after_another_import(
    qtbot, demo_store: Store, library: ChecklistLibrary
) -> None:
    """An import made elsewhere (the command line) shows when the Board is next shown."""
    screen = make_screen(qtbot, demo_store, library)
    mapping = load_mapping_file(MAPPING)
    demo_store.incidents.import_plan(read_and_plan(demo_store, EXPORT, mapping, read_csv))
    screen.hide()
    with qtbot.waitSignal(screen.loaded, timeout=10_000):
        screen.show()
    assert screen.incidents_tab.model.rowCount() == len(demo_store.wards.list())
