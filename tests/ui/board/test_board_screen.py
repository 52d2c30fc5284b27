"""The Board screen: figures checked against the store, filters, sorting, the heatmap, the
chart, the board report written off the UI thread, and exchange files in and out."""

from __future__ import annotations

import hashlib
import json
import threading
import time
import zipfile
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from statistics import fmean

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from PySide6.QtCore import QDate, QMimeData, QPointF, Qt, QThreadPool, QUrl
from PySide6.QtGui import QColor, QDropEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QFileDialog,
    QListWidget,
    QMessageBox,
    QPushButton,
    QTableView,
    QTabWidget,
)

import exports.pdf
import exports.xlsx
import ui.board.exchange
import ui.board.screen
from ui import app as ui_app
from ui.board import BoardScreen
from ui.board.dialogs import ExportExchangeDialog, WardAuditsDialog
from ui.board.heatmap import HeatmapModel
from ui.board.import_preview import ImportPreviewDialog
from ui.board.models import BoardTableModel
from ui.context import AppContext
from ui.theme import apply_theme
from wardaudit import clock
from wardaudit.board import default_period
from wardaudit.checklist import Checklist, ChecklistLibrary, from_canonical_json
from wardaudit.errors import Cancelled
from wardaudit.palette import SCREEN
from wardaudit.scoring import RATING_WORDS, display_score
from wardaudit.store import Store
from wardaudit.words import month_words, trend_words

M = BoardTableModel


pytestmark = pytest.mark.usefixtures("dialogs", "plain_theme")


def make_screen(qtbot, store: Store, library: ChecklistLibrary) -> BoardScreen:
    screen = BoardScreen(AppContext(store=store, library=library))
    qtbot.addWidget(screen)
    screen.resize(1240, 740)
    with qtbot.waitSignal(screen.loaded, timeout=10_000):
        screen.show()
    return screen


def reload_with(qtbot, screen: BoardScreen, combo: QComboBox, data: object) -> None:
    with qtbot.waitSignal(screen.loaded, timeout=10_000):
        combo.setCurrentIndex(combo.findData(data))
    qtbot.waitUntil(lambda: not screen.loading)


def rows(screen: BoardScreen) -> list[str]:
    """Ward names in the order the table shows them."""
    return [screen.proxy.index(r, M.WARD).data() for r in range(screen.proxy.rowCount())]


def row_of(model: M, name: str) -> int:
    return next(n for n, f in enumerate(model.figures()) if f.ward.name == name)


def text(model: M, row: int, column: int) -> str:
    return model.index(row, column).data()


def _jpeg(width: int, height: int) -> bytes:
    """A real picture: an exchange file's photos are checked as pictures when read."""
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), (90, 120, 160)).save(out, format="JPEG")
    return out.getvalue()


def complete(
    store: Store,
    checklist: Checklist,
    ward: str,
    sex: str,
    failing: int = 0,
    *,
    photo: bool = False,
) -> str:
    audit = store.audits.start(ward, checklist, by="A matron")
    items = checklist.applicable_items(sex)
    failing_ids = sorted(i.id for i in items if not i.critical)[:failing]
    for item in items:
        store.audits.record_answer(audit.id, item.id, "no" if item.id in failing_ids else "yes")
    if photo:
        store.photos.add(
            audit.id,
            items[0].id,
            _jpeg(10, 8),
            filename="door.jpg",
            media_type="image/jpeg",
            width=10,
            height=8,
        )
    store.audits.complete(audit.id, by="A matron", role="Matron")
    return audit.id


def independent_latest(store: Store, start: str, end: str) -> dict[str, object]:
    """Each ward's latest completed audit in the period, worked out from the audit list."""
    latest: dict[str, object] = {}
    for summary in store.audits.list(status="completed"):
        month = str(summary.completed_at)[:7]
        if not start <= month <= end:
            continue
        current = latest.get(summary.ward_id)
        if current is None or clock.parse_iso(str(summary.completed_at)) > clock.parse_iso(
            str(current.completed_at)  # type: ignore[attr-defined]
        ):
            latest[summary.ward_id] = summary
    return latest


# --- figures ------------------------------------------------------------------------------------


def test_table_figures_equal_figures_worked_out_from_the_store(
    qtbot, demo_store: Store, library: ChecklistLibrary
) -> None:
    screen = make_screen(qtbot, demo_store, library)
    start, end = default_period()
    latest = independent_latest(demo_store, start, end)
    wards = demo_store.wards.list()
    model = screen.model
    assert model.rowCount() == len(wards) == 12

    in_progress = {a.id for a in demo_store.audits.in_progress()}
    today = clock.today()
    open_count: dict[str, int] = {}
    overdue_count: dict[str, int] = {}
    for action in demo_store.actions.list():
        if action.audit_id in in_progress:
            continue  # the board counts the actions of signed-off audits
        if action.status in ("open", "in_progress"):
            open_count[action.ward_id] = open_count.get(action.ward_id, 0) + 1
        if action.is_overdue(today):
            overdue_count[action.ward_id] = overdue_count.get(action.ward_id, 0) + 1

    for ward in wards:
        row = row_of(model, ward.name)
        summary = latest.get(ward.id)
        if summary is None:
            assert text(model, row, M.SCORE) == "Not audited"
            continue
        assert text(model, row, M.SCORE) == display_score(summary.overall)  # type: ignore[attr-defined]
        assert text(model, row, M.RATING) == RATING_WORDS[summary.rating]  # type: ignore[attr-defined]
        assert text(model, row, M.CRITICAL) == ("Yes" if summary.critical_breach else "–")  # type: ignore[attr-defined]
        assert text(model, row, M.LAST_AUDIT) == clock.uk_date(summary.completed_at)  # type: ignore[attr-defined]
        assert text(model, row, M.SITE) == ward.site
        assert text(model, row, M.DESIGNATION) == ward.designation
        assert text(model, row, M.OPEN) == str(open_count.get(ward.id, 0))
        assert text(model, row, M.OVERDUE) == str(overdue_count.get(ward.id, 0))
        figure = model.index(row, 0).data(M.FIGURE_ROLE)
        assert figure.audit_id == summary.id  # type: ignore[attr-defined]
        assert summary.overall in figure.trend  # type: ignore[attr-defined]

    scores = [s.overall for s in latest.values()]  # type: ignore[attr-defined]
    mean_tile = screen.tiles["mean"]
    assert f"{display_score(fmean(scores))}%" in mean_tile.text()
    assert f"{len(scores)} of {len(wards)} wards audited" in mean_tile.text()
    assert mean_tile.accessibleName().startswith("Trust mean: ")
    red = sum(1 for s in latest.values() if s.rating == "red")  # type: ignore[attr-defined]
    assert screen.tiles["red"].accessibleName() == f"Red wards: {red} of {len(scores)} audited"
    overdue = sum(overdue_count.get(w.id, 0) for w in wards)
    assert screen.tiles["overdue"].accessibleName().startswith(f"Overdue actions: {overdue} of")
    for site in screen.board.sites:  # type: ignore[union-attr]
        assert site.name in screen.sites_label.text()
    assert not screen.versions_note.isVisible()


def test_a_ward_with_no_audit_is_not_audited_never_zero(
    qtbot, store: Store, checklist: Checklist, library: ChecklistLibrary
) -> None:
    store.wards.add(site="Ashcombe", name="Audited Ward", sex="male")
    store.wards.add(site="Ashcombe", name="Quiet Ward", sex="male")
    complete(store, checklist, "Audited Ward", "male")
    screen = make_screen(qtbot, store, library)
    quiet = row_of(screen.model, "Quiet Ward")
    assert text(screen.model, quiet, M.SCORE) == "Not audited"
    assert text(screen.model, quiet, M.RATING) == "Not audited"  # as the board report says it
    assert text(screen.model, quiet, M.LAST_AUDIT) == "–"
    index = screen.model.index(quiet, M.SCORE)
    assert index.data(Qt.ItemDataRole.AccessibleTextRole) == "Not audited in the period"
    assert index.data(M.SORT_ROLE) is None
    assert "100.0%" in screen.tiles["mean"].text()
    assert "n = 1 of 2 wards audited" in screen.tiles["mean"].text()
    heat = screen.heatmap_model
    assert heat.index(quiet, HeatmapModel.OVERALL).data() == "Not audited"
    assert heat.index(quiet, 1).data() == "–"
    assert heat.index(quiet, 1).data(Qt.ItemDataRole.BackgroundRole) is None


def test_the_sparkline_column_speaks_its_trend(
    qtbot, demo_store: Store, library: ChecklistLibrary
) -> None:
    screen = make_screen(qtbot, demo_store, library)
    row = row_of(screen.model, "Hawthorn Ward")
    index = screen.model.index(row, M.TREND)
    figure = index.data(M.FIGURE_ROLE)
    assert index.data(M.TREND_ROLE) == figure.trend
    spoken = index.data(Qt.ItemDataRole.AccessibleTextRole)
    assert spoken == f"Trend: {trend_words(figure.trend)}"
    assert spoken.startswith(("Trend: rising", "Trend: falling", "Trend: steady"))
    tooltip = index.data(Qt.ItemDataRole.ToolTipRole)
    months_without = sum(1 for v in figure.trend if v is None)
    assert tooltip.count("no audit") == months_without  # gaps are gaps, never zero
    assert screen.table.grab().width() > 0  # the delegate paints


# --- filters and sorting ------------------------------------------------------------------------


def test_filters_narrow_the_rows(qtbot, demo_store: Store, library: ChecklistLibrary) -> None:
    screen = make_screen(qtbot, demo_store, library)
    reload_with(qtbot, screen, screen.site_filter, "Fenwick House")
    fenwick = [w.name for w in demo_store.wards.list(site="Fenwick House")]
    assert sorted(rows(screen)) == sorted(fenwick)
    assert "Mean of the wards shown" in screen.tiles["mean"].text()
    assert screen.table.isColumnHidden(M.SITE)

    reload_with(qtbot, screen, screen.designation_filter, "mixed")
    assert rows(screen) == ["Linden Ward"]

    reload_with(qtbot, screen, screen.site_filter, None)
    mixed = sorted(w.name for w in demo_store.wards.list() if w.sex == "mixed")
    assert sorted(rows(screen)) == mixed
    reload_with(qtbot, screen, screen.designation_filter, None)
    assert screen.proxy.rowCount() == 12

    service = demo_store.wards.list()[0].service
    reload_with(qtbot, screen, screen.service_filter, service)
    assert sorted(rows(screen)) == sorted(
        w.name for w in demo_store.wards.list() if w.service == service
    )
    reload_with(qtbot, screen, screen.service_filter, None)

    # a period long before the demo trust's audits: every ward shown as not audited
    first = screen.from_month.itemData(0)
    reload_with(qtbot, screen, screen.to_month, first)
    assert screen.from_month.currentData() == first == screen.to_month.currentData()
    assert screen.proxy.rowCount() == 12
    assert {text(screen.model, r, M.SCORE) for r in range(12)} == {"Not audited"}
    assert "Not audited" in screen.tiles["mean"].text()
    assert "n = 0 of 12 wards audited" in screen.tiles["mean"].text()

    # a period of one month: only that month's audits count
    _start, end = default_period()
    reload_with(qtbot, screen, screen.to_month, end)
    reload_with(qtbot, screen, screen.from_month, end)
    latest = independent_latest(demo_store, end, end)
    audited = {
        r
        for r in rows(screen)
        if text(screen.model, row_of(screen.model, r), M.SCORE) != "Not audited"
    }
    assert audited == {s.ward for s in latest.values()}  # type: ignore[attr-defined]
    assert screen.from_month.currentText() == month_words(end, short=True)


def test_sorting_puts_wards_not_audited_last_either_way(
    qtbot, store: Store, checklist: Checklist, library: ChecklistLibrary
) -> None:
    for name in ("Alpha Ward", "Beta Ward", "Gamma Ward"):
        store.wards.add(site="Ashcombe", name=name, sex="female")
    complete(store, checklist, "Alpha Ward", "female", failing=6)
    complete(store, checklist, "Gamma Ward", "female", failing=1)
    screen = make_screen(qtbot, store, library)
    for column in (M.SCORE, M.RATING, M.LAST_AUDIT, M.CRITICAL, M.TREND):
        screen.table.sortByColumn(column, Qt.SortOrder.AscendingOrder)
        assert rows(screen)[-1] == "Beta Ward", column
        screen.table.sortByColumn(column, Qt.SortOrder.DescendingOrder)
        assert rows(screen)[-1] == "Beta Ward", column
    screen.table.sortByColumn(M.SCORE, Qt.SortOrder.AscendingOrder)
    assert rows(screen) == ["Alpha Ward", "Gamma Ward", "Beta Ward"]
    screen.table.sortByColumn(M.SCORE, Qt.SortOrder.DescendingOrder)
    assert rows(screen) == ["Gamma Ward", "Alpha Ward", "Beta Ward"]
    screen.table.sortByColumn(M.WARD, Qt.SortOrder.DescendingOrder)
    assert rows(screen) == ["Gamma Ward", "Beta Ward", "Alpha Ward"]


# --- the heatmap, the versions note, the chart -------------------------------------------------


def test_heatmap_writes_each_section_score_and_shades_it(
    qtbot, demo_store: Store, library: ChecklistLibrary
) -> None:
    screen = make_screen(qtbot, demo_store, library)
    heat = screen.heatmap_model
    board = screen.board
    assert board is not None
    assert heat.columnCount() == 1 + len(board.sections)
    titles = [
        heat.headerData(c, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
        for c in range(heat.columnCount())
    ]
    assert titles == ["Overall"] + [title for _id, title in board.sections]
    for row, figure in enumerate(board.wards):
        assert heat.headerData(row, Qt.Orientation.Vertical) == figure.ward.name
        if not figure.audited:
            continue
        record = demo_store.audits.get(figure.audit_id)
        assert heat.index(row, 0).data() == display_score(record.score.overall)
        by_id = {s.id: s.score for s in record.score.sections}
        for column, (section_id, _title) in enumerate(board.sections, start=1):
            index = heat.index(row, column)
            score = by_id.get(section_id)
            if score is None:
                assert index.data() == "–"
                continue
            assert index.data() == display_score(score)
            shade = SCREEN.heat_step(float(score))
            assert index.data(Qt.ItemDataRole.BackgroundRole) == QColor(shade.fill)
            assert index.data(Qt.ItemDataRole.ForegroundRole) == QColor(shade.text)
            assert index.data(Qt.ItemDataRole.AccessibleTextRole).endswith(
                f"{display_score(score)}%"
            )


def test_heatmap_sorts_by_a_section_with_the_ward_names_following(
    qtbot, demo_store: Store, library: ChecklistLibrary
) -> None:
    screen = make_screen(qtbot, demo_store, library)
    screen.heatmap.sortByColumn(1, Qt.SortOrder.AscendingOrder)
    proxy = screen.heatmap_proxy
    scores = [proxy.index(r, 1).data(HeatmapModel.SORT_ROLE) for r in range(proxy.rowCount())]
    present = [s for s in scores if s is not None]
    assert present == sorted(present) and scores[: len(present)] == present
    for row in range(proxy.rowCount()):
        figure = proxy.index(row, 1).data(HeatmapModel.FIGURE_ROLE)
        assert proxy.headerData(row, Qt.Orientation.Vertical) == figure.ward.name
    screen.tabs.setCurrentIndex(2)
    screen.heatmap.setCurrentIndex(proxy.index(0, 1))
    QTest.keyClick(screen.heatmap, Qt.Key.Key_Return)
    assert isinstance(screen.last_dialog, WardAuditsDialog)
    assert screen.last_dialog.figure == proxy.index(0, 1).data(HeatmapModel.FIGURE_ROLE)


def test_a_note_says_when_checklist_versions_differ(
    qtbot, store: Store, checklist: Checklist, library: ChecklistLibrary
) -> None:
    data = json.loads(checklist.canonical_json)
    data["version"] = checklist.version + 1
    newer = from_canonical_json(json.dumps(data))
    for name, used in (("Old Ward", checklist), ("New Ward", newer)):
        store.wards.add(site="Ashcombe", name=name, sex="female")
        complete(store, used, name, "female")
    screen = make_screen(qtbot, store, library)
    assert screen.versions_note.isVisible()
    note = screen.versions_note.text()
    assert "different checklist versions" in note
    assert f"v{checklist.version} (1 ward)" in note
    assert f"v{checklist.version + 1} (1 ward)" in note


def test_the_chart_draws_the_wards_selected_in_the_table(
    qtbot, demo_store: Store, library: ChecklistLibrary
) -> None:
    screen = make_screen(qtbot, demo_store, library)
    screen.table.sortByColumn(M.WARD, Qt.SortOrder.AscendingOrder)
    screen.table.clearSelection()
    screen.table.selectRow(0)  # Alder Ward
    QTest.mouseClick(
        screen.table.viewport(),
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.ControlModifier,
        screen.table.visualRect(screen.proxy.index(1, 0)).center(),
    )  # and Birch Ward
    names = [line.name for line in screen.chart.lines]
    assert names[:2] == ["Alder Ward", "Birch Ward"]
    assert names[-1].startswith("Trust mean")
    assert len(names) == 3
    birch = next(f for f in screen.board.wards if f.ward.name == "Birch Ward")  # type: ignore[union-attr]
    assert screen.chart.lines[1].values == birch.trend
    assert "Birch Ward" in screen.chart.accessibleDescription()
    assert "Comparing Alder Ward and Birch Ward" in screen.chart_note.text()
    ticked = [
        screen.chooser.item(n).text()
        for n in range(screen.chooser.count())
        if screen.chooser.item(n).checkState() == Qt.CheckState.Checked
    ]
    assert sorted(ticked) == ["Alder Ward", "Birch Ward"]

    # a tap anywhere on a ward in the list ticks it, and the table follows
    screen.tabs.setCurrentIndex(1)
    cedar = next(
        screen.chooser.item(n)
        for n in range(screen.chooser.count())
        if screen.chooser.item(n).text() == "Cedar Ward"
    )
    QTest.mouseClick(
        screen.chooser.viewport(),
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
        screen.chooser.visualItemRect(cedar).center(),
    )
    assert cedar.checkState() == Qt.CheckState.Checked
    assert [line.name for line in screen.chart.lines][:3] == [
        "Alder Ward",
        "Birch Ward",
        "Cedar Ward",
    ]
    selected = {
        screen.proxy.index(i.row(), 0).data() for i in screen.table.selectionModel().selectedRows()
    }
    assert selected == {"Alder Ward", "Birch Ward", "Cedar Ward"}
    # and Space ticks the current ward, for a keyboard
    screen.chooser.setFocus()
    screen.chooser.setCurrentItem(cedar)
    QTest.keyClick(screen.chooser, Qt.Key.Key_Space)
    assert cedar.checkState() == Qt.CheckState.Unchecked
    assert "Cedar Ward" not in [line.name for line in screen.chart.lines]
    screen.clear_button.click()
    assert [line.name for line in screen.chart.lines] == [screen.chart.lines[-1].name]
    assert screen.chart.grab().width() > 0


def test_enter_on_a_ward_lists_its_audits_and_open_asks_for_one(
    qtbot, demo_store: Store, library: ChecklistLibrary
) -> None:
    screen = make_screen(qtbot, demo_store, library)
    screen.table.sortByColumn(M.WARD, Qt.SortOrder.AscendingOrder)
    row = rows(screen).index("Rowan Ward")
    screen.table.setFocus()
    screen.table.setCurrentIndex(screen.proxy.index(row, 0))
    QTest.keyClick(screen.table, Qt.Key.Key_Return)
    dialog = screen.last_dialog
    assert isinstance(dialog, WardAuditsDialog) and dialog.isVisible()
    rowan = demo_store.wards.get("Rowan Ward")
    audits = demo_store.audits.list(ward=rowan.id)
    assert dialog.model.rowCount() == len(audits)
    figure = dialog.figure
    assert dialog.selected_audit() == figure.audit_id  # the one the board counts
    counted = dialog.table.currentIndex().siblingAtColumn(dialog.model.COUNTED).data()
    assert counted == "Yes"
    with qtbot.waitSignal(screen.open_audit_requested) as opened:
        dialog.open_button.click()
    assert opened.args == [figure.audit_id]
    assert not dialog.isVisible()


# --- the board report ---------------------------------------------------------------------------


def test_board_reports_are_written_off_the_ui_thread(
    qtbot,
    demo_store: Store,
    library: ChecklistLibrary,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    screen = make_screen(qtbot, demo_store, library)
    offered: list[str] = []
    targets = {"pdf": tmp_path / "board.pdf", "xlsx": tmp_path / "board"}  # no suffix typed

    def save_as(_parent, _title, proposed, _filter):  # type: ignore[no-untyped-def]
        offered.append(Path(proposed).name)
        return str(targets["pdf" if proposed.endswith(".pdf") else "xlsx"]), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_as)
    seen: list[tuple[bool, list[object]]] = []
    in_progress = {a.id for a in demo_store.audits.in_progress()}

    def spy(writer):  # type: ignore[no-untyped-def]
        def wrapped(board, path, *, actions=None, trust="", **rest):  # type: ignore[no-untyped-def]
            seen.append((threading.current_thread() is threading.main_thread(), list(actions)))
            return writer(board, path, actions=actions, trust=trust, **rest)

        return wrapped

    # the documents' front door calls the writers by these names, as the command line does
    monkeypatch.setattr(exports.pdf, "write_board_report", spy(exports.pdf.write_board_report))
    monkeypatch.setattr(exports.xlsx, "write_board_report", spy(exports.xlsx.write_board_report))

    with qtbot.waitSignal(screen.report_written, timeout=30_000) as written:
        screen.pdf_button.click()
    assert written.args == [tmp_path / "board.pdf"]
    with qtbot.waitSignal(screen.report_written, timeout=30_000) as written:
        screen.xlsx_button.click()
    assert written.args == [tmp_path / "board.xlsx"]

    today = clock.today().strftime("%d-%m-%Y")
    assert offered == [
        f"WardAudit board report {today}.pdf",
        f"WardAudit board report {today}.xlsx",
    ]
    assert [on_ui_thread for on_ui_thread, _ in seen] == [False, False]
    for _, actions in seen:
        assert actions, "the open actions are listed"
        for action in actions:
            assert action.status in ("open", "in_progress")  # type: ignore[attr-defined]
            assert action.audit_id not in in_progress  # type: ignore[attr-defined]

    pdf_text = "".join(page.extract_text() for page in PdfReader(tmp_path / "board.pdf").pages)
    for ward in demo_store.wards.list():
        assert ward.name in pdf_text
    workbook = load_workbook(tmp_path / "board.xlsx", read_only=True)
    assert {"Summary", "Wards", "Sections"} <= set(workbook.sheetnames)
    names = {row[0] for row in workbook["Wards"].iter_rows(values_only=True)} | {
        cell for row in workbook["Wards"].iter_rows(values_only=True) for cell in row
    }
    workbook.close()
    assert "Juniper Ward" in names
    assert isinstance(screen.last_message, QMessageBox)
    assert "saved as board.xlsx" in screen.last_message.text()
    assert screen.pdf_button.isEnabled()


# --- exchange files -----------------------------------------------------------------------------


@pytest.fixture
def laptops(tmp_path: Path, checklist: Checklist) -> Iterator[tuple[Store, Store]]:
    """A matron's laptop with two signed-off audits, and the quality team's empty database."""
    laptop = Store.open(tmp_path / "laptop.sqlite3")
    board = Store.open(tmp_path / "board.sqlite3")
    laptop.wards.add(site="Ashcombe Hospital", name="Juniper Ward", sex="mixed", areas=["Garden"])
    laptop.wards.add(site="Ashcombe Hospital", name="Rowan Ward", sex="female")
    complete(laptop, checklist, "Juniper Ward", "mixed", failing=2, photo=True)
    complete(laptop, checklist, "Rowan Ward", "female", failing=3)
    yield laptop, board
    QThreadPool.globalInstance().waitForDone()
    laptop.close(backup=False)
    board.close(backup=False)


def export_from(
    qtbot, screen: BoardScreen, target: Path, monkeypatch: pytest.MonkeyPatch
) -> object:
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_args: (str(target), ""))
    dialog = screen.export_exchange_file()
    assert isinstance(dialog, ExportExchangeDialog)
    with qtbot.waitSignal(screen.exchange_exported, timeout=10_000) as exported:
        dialog.save_button.click()
    return exported.args[0]


def preview(qtbot, screen: BoardScreen, paths: list[Path]) -> ImportPreviewDialog:
    with qtbot.waitSignal(screen.preview_ready, timeout=10_000):
        screen.import_exchange_files(paths)
    dialog = screen.last_dialog
    assert isinstance(dialog, ImportPreviewDialog) and dialog.isVisible()
    return dialog


def test_an_exchange_file_carries_audits_to_another_database_once(
    qtbot,
    laptops: tuple[Store, Store],
    library: ChecklistLibrary,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    laptop, board = laptops
    file = tmp_path / "juniper and rowan.wardaudit"
    counts = export_from(qtbot, make_screen(qtbot, laptop, library), file, monkeypatch)
    assert counts == {"wards": 2, "audits": 2, "events": counts["events"], "photos": 1}  # type: ignore[index]
    assert file.exists()

    screen = make_screen(qtbot, board, library)
    assert screen.model.rowCount() == 0
    dialog = preview(qtbot, screen, [file])
    assert dialog.summary_text.startswith("Ready to import 2 new audits,")
    assert "2 new wards" in dialog.summary_text and "1 photo" in dialog.summary_text
    assert "New audits: 2" in dialog.details.toPlainText()
    assert board.audits.list() == [], "the preview changes nothing"
    assert dialog.import_button.isEnabled() and not dialog.skip_button.isVisible()
    with (
        qtbot.waitSignal(screen.ctx.changed, timeout=10_000),
        qtbot.waitSignal(screen.loaded, timeout=10_000),
    ):
        dialog.import_button.click()
    assert sorted(a.id for a in board.audits.list()) == sorted(a.id for a in laptop.audits.list())
    assert board.records.fingerprint() == laptop.records.fingerprint()
    assert sorted(rows(screen)) == ["Juniper Ward", "Rowan Ward"]
    assert isinstance(screen.last_message, QMessageBox)
    assert screen.last_message.text() == "The import is finished."
    assert "2 new audits" in screen.last_message.informativeText()

    # the same file again: nothing new, and nothing changes
    before = board.records.fingerprint()
    again = preview(qtbot, screen, [file])
    assert again.summary_text.startswith("Nothing new: everything in this file is already here")
    assert not again.import_button.isEnabled()
    again.cancel_button.click()
    with qtbot.waitSignal(screen.import_finished, timeout=10_000) as finished:
        screen._import(again.previews, False)
    assert finished.args[0][0].plan.new_audits == 0
    assert screen.last_message.text() == "Nothing new was imported."
    assert board.records.fingerprint() == before


def test_a_damaged_file_is_refused_whole_with_nothing_changed(
    qtbot,
    laptops: tuple[Store, Store],
    library: ChecklistLibrary,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from wardaudit.exchange import export_bundle

    laptop, board = laptops
    good = tmp_path / "good.wardaudit"
    export_bundle(laptop, good)
    short = tmp_path / "short.wardaudit"
    short.write_bytes(good.read_bytes()[: good.stat().st_size * 2 // 3])
    notes = tmp_path / "notes.txt"
    notes.write_text("not an exchange file")
    before = board.records.fingerprint()

    screen = make_screen(qtbot, board, library)
    monkeypatch.setattr(
        QFileDialog, "getOpenFileNames", lambda *_args: ([str(short), str(notes)], "")
    )
    with qtbot.waitSignal(screen.preview_ready, timeout=10_000):
        screen.import_button.click()
    dialog = screen.last_dialog
    assert isinstance(dialog, ImportPreviewDialog)
    assert dialog.summary_text == "Nothing can be imported: every file was refused."
    details = dialog.details.toPlainText()
    assert "short.wardaudit" in details and "notes.txt" in details
    assert "damaged or cut short" in details
    assert details.count("Nothing from this file will be imported.") == 2
    assert not dialog.import_button.isEnabled() and not dialog.skip_button.isVisible()
    assert dialog.cancel_button.text() == "Close"
    assert board.records.fingerprint() == before

    # a good file beside a damaged one: the good one can still come in
    mixed = preview(qtbot, screen, [good, short])
    assert "1 file refused" in mixed.summary_text
    with qtbot.waitSignal(screen.import_finished, timeout=10_000):
        mixed.import_button.click()
    assert len(board.audits.list()) == 2
    assert "short.wardaudit: refused." in screen.last_message.informativeText()


def _forge_first_audit(source: Path, target: Path) -> None:
    """A file whose digests are consistent but whose first audit record was changed."""
    with zipfile.ZipFile(source) as zin:
        files = {name: zin.read(name) for name in zin.namelist()}
    records = json.loads(files["records.json"])
    entry = records["audits"][0]
    content = json.loads(entry["content"])
    content["signed_role"] = "Someone else"
    entry["content"] = json.dumps(
        content, sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    entry["digest"] = hashlib.sha256(entry["content"].encode()).hexdigest()
    files["records.json"] = json.dumps(
        records, sort_keys=True, ensure_ascii=False, separators=(",", ":")
    ).encode()
    manifest = json.loads(files["manifest.json"])
    manifest["files"]["records.json"] = hashlib.sha256(files["records.json"]).hexdigest()
    files["manifest.json"] = json.dumps(manifest).encode()
    with zipfile.ZipFile(target, "w") as zout:
        for name, data in files.items():
            zout.writestr(name, data)


def test_conflicts_are_named_in_words_and_never_overwritten(
    qtbot,
    laptops: tuple[Store, Store],
    library: ChecklistLibrary,
    checklist: Checklist,
    tmp_path: Path,
) -> None:
    from wardaudit.exchange import export_bundle, import_bundle

    laptop, board = laptops
    first = tmp_path / "first.wardaudit"
    export_bundle(laptop, first)
    import_bundle(board, first)
    laptop.wards.add(site="Millbrook Centre", name="Birch Ward", sex="male")
    complete(laptop, checklist, "Birch Ward", "male")
    second = tmp_path / "second.wardaudit"
    export_bundle(laptop, second)
    forged = tmp_path / "forged.wardaudit"
    _forge_first_audit(second, forged)
    before = {a.id: a for a in board.audits.list()}

    screen = make_screen(qtbot, board, library)
    dialog = preview(qtbot, screen, [forged])
    assert "1 record in the file conflicts with the records here" in dialog.summary_text
    details = dialog.details.toPlainText()
    assert "differs from the copy here: the copy here is kept as it is" in details
    assert any(name in details for name in ("Juniper Ward", "Rowan Ward"))
    assert "-" * 4 not in details and not any(a in details for a in before), "no record ids"
    assert not dialog.import_button.isEnabled(), "the only file has a conflict"
    assert dialog.skip_button.isVisible() and dialog.skip_button.isEnabled()
    with qtbot.waitSignal(screen.import_finished, timeout=10_000):
        dialog.skip_button.click()
    after = {a.id: a for a in board.audits.list()}
    assert set(after) - set(before) == {a.id for a in laptop.audits.list(ward="Birch Ward")}
    for audit_id, summary in before.items():
        assert after[audit_id] == summary
    assert "1 conflicting record left as it was here" in screen.last_message.informativeText()


def test_files_dropped_on_the_window_open_the_import_preview(
    qtbot,
    laptops: tuple[Store, Store],
    library: ChecklistLibrary,
    tmp_path: Path,
) -> None:
    from wardaudit.exchange import export_bundle

    laptop, board = laptops
    file = tmp_path / "dropped.wardaudit"
    export_bundle(laptop, file)
    window = ui_app.create_main_window(AppContext(store=board, library=library))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: not window.wards.loading)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(file))])
    drop = QDropEvent(
        QPointF(200, 200),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    window.dropEvent(drop)
    assert window.current_page() == "board"
    screen = window.ensure_screen("board")
    qtbot.waitUntil(lambda: isinstance(screen.last_dialog, ImportPreviewDialog), timeout=10_000)
    dialog = screen.last_dialog
    assert dialog.summary_text.startswith("Ready to import 2 new audits")
    with qtbot.waitSignal(screen.import_finished, timeout=10_000):
        dialog.import_button.click()
    assert len(board.audits.list()) == 2
    window.show_page("wards")  # the change hook told the Wards screen its figures moved
    qtbot.waitUntil(lambda: window.wards.model.rowCount() == 2, timeout=10_000)
    QThreadPool.globalInstance().waitForDone()


def test_export_since_a_day_leaves_older_audits_out(
    qtbot,
    laptops: tuple[Store, Store],
    library: ChecklistLibrary,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    laptop, _board = laptops
    screen = make_screen(qtbot, laptop, library)
    file = tmp_path / "later"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_args: (str(file), ""))
    dialog = screen.export_exchange_file()
    assert isinstance(dialog, ExportExchangeDialog)
    assert not dialog.since_date.isEnabled()
    dialog.since_option.setChecked(True)
    assert dialog.since_date.isEnabled()
    tomorrow = clock.today() + timedelta(days=1)
    dialog.since_date.setDate(QDate(tomorrow.year, tomorrow.month, tomorrow.day))
    with qtbot.waitSignal(screen.exchange_exported, timeout=10_000) as exported:
        dialog.save_button.click()
    assert exported.args[0]["audits"] == 0
    assert (tmp_path / "later.wardaudit").exists()
    assert "since" in screen.last_message.text()
    assert laptop.settings.get(ui.board.exchange.LAST_EXPORT_SETTING) == clock.today().isoformat()


# --- accessibility and how it looks ---------------------------------------------------------------


def test_controls_are_named_big_enough_and_reachable_by_keyboard(
    qtbot, demo_store: Store, library: ChecklistLibrary
) -> None:
    screen = make_screen(qtbot, demo_store, library)
    for tab in range(screen.tabs.count()):
        screen.tabs.setCurrentIndex(tab)
        kinds = (QPushButton, QComboBox, QTableView, QListWidget, QTabWidget)
        controls = [w for kind in kinds for w in screen.findChildren(kind) if w.isVisibleTo(screen)]
        for control in controls:
            assert control.accessibleName(), f"{type(control).__name__}"
        for button in screen.findChildren(QPushButton):
            if button.isVisibleTo(screen):
                assert button.height() >= 44, button.text()
        assert screen.tabs.tabBar().tabRect(tab).height() >= 44
        for tile in screen.tiles.values():
            assert ":" in tile.accessibleName()
    screen.tabs.setCurrentIndex(0)
    screen.activateWindow()
    screen.pdf_button.setFocus()
    seen = []
    widget = screen.pdf_button
    for _ in range(20):
        QTest.keyClick(widget, Qt.Key.Key_Tab)
        widget = QApplication.focusWidget() or screen.focusWidget()
        seen.append(widget)
    wanted = [
        screen.xlsx_button,
        screen.export_button,
        screen.import_button,
        screen.from_month,
        screen.to_month,
        screen.site_filter,
        screen.service_filter,
        screen.designation_filter,
        screen.audits_button,
        screen.table,
    ]
    for control in wanted:
        assert control in seen, control.accessibleName()


@pytest.mark.parametrize(
    ("scale", "high_contrast"),
    [(1.0, False), (2.0, False), (1.0, True)],
    ids=["plain", "200", "hc"],
)
def test_the_screen_renders_at_1366_by_768(
    qtbot,
    qapp: QApplication,
    demo_store: Store,
    library: ChecklistLibrary,
    tmp_path: Path,
    scale: float,
    high_contrast: bool,
) -> None:
    apply_theme(qapp, high_contrast=high_contrast, text_scale=scale)
    window = ui_app.create_main_window(AppContext(store=demo_store, library=library))
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitUntil(lambda: not window.wards.loading)
    window.show_page("board")
    screen = window.ensure_screen("board")
    qtbot.waitUntil(lambda: screen.board is not None and not screen.loading, timeout=10_000)
    for tab in range(screen.tabs.count()):
        screen.tabs.setCurrentIndex(tab)
        qapp.processEvents()
        if screen.tabs.currentWidget().isAncestorOf(screen.chart):
            # layout settles over a pass or two of the event loop: the chart gets its room
            qtbot.waitUntil(
                lambda: screen.chart.height() >= screen.chart.minimumSizeHint().height()
            )
        shot = tmp_path / f"board-{tab}.png"
        assert window.grab().save(str(shot))
        assert shot.stat().st_size > 10_000
    # nothing is cut: every button keeps its words whole
    for button in screen.findChildren(QPushButton):
        if button.isVisibleTo(screen):
            assert button.width() >= button.fontMetrics().horizontalAdvance(
                button.text().replace("&", "")
            )
    QThreadPool.globalInstance().waitForDone()


def test_an_export_goes_to_a_destination_carries_what_it_lacks_and_can_be_cancelled(
    qtbot,
    laptops: tuple[Store, Store],
    library: ChecklistLibrary,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    laptop, _board = laptops
    screen = make_screen(qtbot, laptop, library)
    first = export_from(qtbot, screen, tmp_path / "week-1.wardaudit", monkeypatch)
    assert isinstance(first, dict) and first["audits"] == 2
    dialog = screen.export_exchange_file()
    assert dialog is not None and dialog.new_only.isChecked(), "what it lacks, by default"
    assert dialog.destination_name() == "Quality team"
    assert "since the export to it on" in dialog.sent_note.text()
    dialog.reject()
    again = export_from(qtbot, screen, tmp_path / "week-2.wardaudit", monkeypatch)
    assert isinstance(again, dict) and again["audits"] == 0, "the quality team has them all"
    dialog = screen.export_exchange_file()
    assert dialog is not None
    dialog.all_audits.setChecked(True)
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", lambda *_args: (str(tmp_path / "all.wardaudit"), "")
    )
    with qtbot.waitSignal(screen.exchange_exported, timeout=10_000) as everything:
        dialog.save_button.click()
    assert everything.args[0]["audits"] == 2

    # A long export stopped with Cancel: nothing is written.
    started = threading.Event()

    def slow_export(store: Store, path: Path, **options: object) -> dict[str, int]:
        progress = options["progress"]
        progress("Writing the exchange file", 0, 100)  # type: ignore[operator]
        started.set()
        for _ in range(500):
            time.sleep(0.01)
            progress("Writing the exchange file", 1, 100)  # type: ignore[operator]
        raise AssertionError("the export was not cancelled")

    monkeypatch.setattr(ui.board.screen, "export_bundle", slow_export)
    dialog = screen.export_exchange_file()
    assert dialog is not None
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", lambda *_args: (str(tmp_path / "never.wardaudit"), "")
    )
    with qtbot.waitSignal(screen.exchange_exported, timeout=10_000) as stopped:
        dialog.save_button.click()
        qtbot.waitUntil(started.is_set)
        progress_dialog = screen.progress_dialog
        assert progress_dialog is not None
        cancel = next(b for b in progress_dialog.findChildren(QPushButton) if b.text() == "Cancel")
        cancel.click()
    assert isinstance(stopped.args[0], Cancelled)
    assert "cancelled" in screen.status_label.text() and "Nothing was changed" in (
        screen.status_label.text()
    )
    assert not (tmp_path / "never.wardaudit").exists()
