"""Drop-down rows are at least 44 px high, at every text size, in every drop-down."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication, QComboBox, QDialog, QVBoxLayout

from ui.audit import AuditScreen
from ui.theme import MIN_TOUCH_PX, apply_theme
from ui.widgets.wheel import install_wheel_guard


def popup_row_heights(qtbot, combo: QComboBox) -> list[int]:  # type: ignore[no-untyped-def]
    combo.showPopup()
    view = combo.view()
    qtbot.waitUntil(view.isVisible)
    heights = [view.visualRect(view.model().index(row, 0)).height() for row in range(combo.count())]
    combo.hidePopup()
    return heights


@pytest.mark.parametrize("scale", [1.0, 2.0])
def test_a_drop_down_made_anywhere_has_rows_a_finger_can_hit(
    qtbot, qapp: QApplication, plain_theme, scale: float
) -> None:
    install_wheel_guard(qapp)
    apply_theme(qapp, high_contrast=False, text_scale=scale)
    dialog = QDialog()  # made after the install, as every dialog of the app is
    qtbot.addWidget(dialog)
    combo = QComboBox(dialog)
    combo.addItems(["Bedroom corridor", "Dining room", "Garden"])
    QVBoxLayout(dialog).addWidget(combo)
    dialog.show()
    heights = popup_row_heights(qtbot, combo)
    assert len(heights) == 3
    assert min(heights) >= MIN_TOUCH_PX, heights


def test_the_risk_drop_downs_of_the_action_in_place_have_touch_rows(
    qtbot, qapp: QApplication, screen: AuditScreen
) -> None:
    install_wheel_guard(qapp)  # the main window installs it; the screen here is on its own
    panel = screen.action_panel
    for combo in (panel.likelihood, panel.consequence):
        combo.ensurePolished()
        assert min(popup_row_heights(qtbot, combo)) >= MIN_TOUCH_PX
