"""A field she cannot change (a reader's login, a form waiting for its action) looks held:
dashed, greyed, on the shaded background, in both themes, as held buttons already do."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication, QComboBox, QDateEdit, QLineEdit, QPlainTextEdit

from ui.theme import apply_theme, colours


@pytest.mark.parametrize("high_contrast", [False, True])
@pytest.mark.parametrize("kind", [QLineEdit, QComboBox, QDateEdit, QPlainTextEdit])
def test_a_disabled_field_is_drawn_unlike_an_enabled_one(
    qtbot, qapp: QApplication, kind: type, high_contrast: bool
) -> None:  # type: ignore[no-untyped-def]
    apply_theme(qapp, high_contrast=high_contrast, text_scale=1.0)
    try:
        fields = []
        for enabled in (True, False):
            field = kind()
            qtbot.addWidget(field)
            field.resize(220, 48)
            field.setEnabled(enabled)
            field.show()
            fields.append(field)
        qtbot.waitExposed(fields[1])
        inside = [f.grab().toImage().pixelColor(5, 24).name() for f in fields]
        assert inside[0] != inside[1]
        assert inside[1] == colours().alternate.lower()
    finally:
        apply_theme(qapp, high_contrast=False, text_scale=1.0)
