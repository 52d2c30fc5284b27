"""The wheel guard: scrolling the page never changes a drop-down, number, date or slider.

A matron scrolls the item card with a touchpad; in plain Qt, whatever control passes under
the pointer takes the wheel and changes its value (the location became "Dining room", a
likelihood went from 3 to 4) and the change was saved. One application-wide event filter
stops that everywhere: a wheel over such a control she has not clicked or tabbed into goes
to the page around it, which scrolls. Once the control has the focus the wheel works in it
as usual, and an open drop-down list scrolls as any list does.

The same filter gives every drop-down rows a finger can hit (:mod:`ui.widgets.touch`), as
each is polished: both are rules for every control of the app, made now or later.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QAbstractSlider,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QScrollBar,
    QWidget,
)

from ui.widgets.touch import give_touch_rows

GUARDED = (QComboBox, QAbstractSpinBox, QAbstractSlider)
"""Controls whose value a wheel would change: drop-downs, spin boxes and date fields, sliders."""


def guarded_control(widget: QWidget | None) -> QWidget | None:
    """The guarded control ``widget`` belongs to (itself, or the box its text field is in)."""
    while widget is not None:
        if isinstance(widget, QScrollBar):
            return None  # a scroll bar is meant to be wheeled
        if isinstance(widget, GUARDED):
            return widget
        if widget.isWindow():
            return None
        widget = widget.parentWidget()
    return None


class WheelGuard(QObject):
    """Sends a wheel over an unfocused drop-down, spin box, date field or slider to the page."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.Polish and isinstance(watched, GUARDED):
            _polish(watched)
            return False
        if kind != QEvent.Type.Wheel or not isinstance(watched, QWidget):
            return False
        control = guarded_control(watched)
        if control is None or control.hasFocus() or _focus_within(control):
            return False
        page = _scroll_area_around(control)
        if page is not None:
            QApplication.sendEvent(page.viewport(), event)
        return True  # the control never sees it


def _focus_within(control: QWidget) -> bool:
    focused = QApplication.focusWidget()
    return focused is not None and (focused is control or control.isAncestorOf(focused))


def _scroll_area_around(widget: QWidget) -> QAbstractScrollArea | None:
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QAbstractScrollArea):
            return parent
        parent = parent.parentWidget()
    return None


_guard: WheelGuard | None = None


def install_wheel_guard(app: QApplication | None = None) -> WheelGuard:
    """Install the guard on the application once (calling again changes nothing)."""
    global _guard
    app = app or QApplication.instance()  # type: ignore[assignment]
    assert isinstance(app, QApplication), "the wheel guard needs the QApplication"
    if _guard is None:
        _guard = WheelGuard()
    if not app.property("wardauditWheelGuard"):
        app.installEventFilter(_guard)
        app.setProperty("wardauditWheelGuard", True)
        for widget in app.allWidgets():  # made before the guard: the same rules for them
            if isinstance(widget, GUARDED):
                _polish(widget)
    return _guard


def _polish(control: QWidget) -> None:
    # Qt lets a wheel give a drop-down the focus (and so the value): clicks and Tab only.
    if control.focusPolicy() == Qt.FocusPolicy.WheelFocus:
        control.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    if isinstance(control, QComboBox):
        give_touch_rows(control)
