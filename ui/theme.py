"""How WardAudit looks: a readable base font, big touch targets, visible focus, high contrast.

A matron may work on a small touchscreen laptop, at 200% text, or with a high-contrast
theme; every screen takes its sizes and colours from here rather than setting its own.
"""

from __future__ import annotations

import logging
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import QPointF, QRectF, QSettings, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QImage, QPainter, QPalette, QPen
from PySide6.QtWidgets import QApplication, QFormLayout, QProgressBar, QPushButton, QWidget

from wardaudit import palette, paths

log = logging.getLogger(__name__)

BASE_POINT_SIZE = 11.0
MIN_TOUCH_PX = 44
"""The smallest comfortable touch target, in pixels: every button, field and row is at
least this tall (a matron on a 2-in-1 laptop uses her finger)."""
TEXT_SCALES = (1.0, 1.25, 1.5, 1.75, 2.0)
LARGE_TEXT_POINTS = 14.0  # from about 150% text, labels go above their fields

_SETTING_SCALE = "display/text_scale"
_SETTING_CONTRAST = "display/high_contrast"


@dataclass(frozen=True)
class Colours:
    """The few colours every screen needs, in the normal and the high-contrast theme."""

    window: str
    text: str
    base: str
    alternate: str
    button: str
    border: str
    focus: str
    highlight: str
    highlighted_text: str
    muted: str
    banner: str
    banner_text: str
    banner_border: str
    error: str


NORMAL = Colours(
    window="#f4f5f7",
    text="#111111",
    base="#ffffff",
    alternate="#eef1f5",
    button="#ffffff",
    border="#5f6670",
    focus="#0b57d0",
    highlight="#0b57d0",
    highlighted_text="#ffffff",
    muted="#3d434b",
    banner="#fff4cc",
    banner_text="#2b2100",
    banner_border="#b38600",
    error="#a50e0e",
)
HIGH_CONTRAST = Colours(
    window="#000000",
    text="#ffffff",
    base="#000000",
    alternate="#141414",
    button="#000000",
    border="#ffffff",
    focus="#ffff00",
    highlight="#ffff00",
    highlighted_text="#000000",
    muted="#ffffff",
    banner="#000000",
    banner_text="#ffffff",
    banner_border="#ffff00",
    error="#ff8080",
)

_current = {"high_contrast": False, "text_scale": 1.0}


def colours() -> Colours:
    """The colours of the theme in use (screens ask when they draw, so a switch applies)."""
    return HIGH_CONTRAST if _current["high_contrast"] else NORMAL


def current_text_scale() -> float:
    return float(_current["text_scale"])


def is_high_contrast() -> bool:
    return bool(_current["high_contrast"])


def meaning_colours() -> palette.Palette:
    """The colours that carry meaning (ratings, bands, heatmap, overdue) for the theme in use:
    the core's screen palette, so a screen and a report shade a figure alike."""
    return palette.screen(is_high_contrast())


def _palette(c: Colours) -> QPalette:
    palette = QPalette()
    roles = {
        QPalette.ColorRole.Window: c.window,
        QPalette.ColorRole.WindowText: c.text,
        QPalette.ColorRole.Base: c.base,
        QPalette.ColorRole.AlternateBase: c.alternate,
        QPalette.ColorRole.Text: c.text,
        QPalette.ColorRole.Button: c.button,
        QPalette.ColorRole.ButtonText: c.text,
        QPalette.ColorRole.BrightText: c.text,
        QPalette.ColorRole.Highlight: c.highlight,
        QPalette.ColorRole.HighlightedText: c.highlighted_text,
        QPalette.ColorRole.ToolTipBase: c.base,
        QPalette.ColorRole.ToolTipText: c.text,
        QPalette.ColorRole.PlaceholderText: c.muted,
        QPalette.ColorRole.Link: c.focus,
    }
    for role, colour in roles.items():
        palette.setColor(role, QColor(colour))
    disabled = "#8a8a8a" if c is HIGH_CONTRAST else "#6b6b6b"
    for role in (
        QPalette.ColorRole.WindowText,
        QPalette.ColorRole.Text,
        QPalette.ColorRole.ButtonText,
    ):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor(disabled))
    return palette


_image_folder: tempfile.TemporaryDirectory[str] | None = None


def _draw_images(c: Colours) -> dict[str, str]:
    """Checkbox and drop-down arrow images in the theme's colours.

    Fusion draws a checkbox's outline as a darker shade of the window, which vanishes on
    black; drawn images keep the box and its tick visible in both themes.
    """
    global _image_folder
    if _image_folder is None:
        _image_folder = tempfile.TemporaryDirectory(prefix="wardaudit-theme-")
    folder = Path(_image_folder.name)
    suffix = "contrast" if c is HIGH_CONTRAST else "normal"
    made: dict[str, str] = {}

    def canvas(width: int, height: int) -> tuple[QImage, QPainter]:
        image = QImage(width, height, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        return image, painter

    for name, checked in (("unchecked", False), ("checked", True)):
        image, painter = canvas(24, 24)
        painter.setPen(QPen(QColor(c.focus if checked else c.border), 2))
        painter.setBrush(QColor(c.highlight if checked else c.base))
        painter.drawRoundedRect(QRectF(1, 1, 22, 22), 4, 4)
        if checked:
            painter.setPen(QPen(QColor(c.highlighted_text), 3))
            painter.drawPolyline([QPointF(6, 12.5), QPointF(10.5, 17), QPointF(18, 7)])
        painter.end()
        made[name] = str(folder / f"{name}-{suffix}.png")
        image.save(made[name])
    image, painter = canvas(14, 10)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(c.text))
    painter.drawPolygon([QPointF(1, 1), QPointF(13, 1), QPointF(7, 9)])
    painter.end()
    made["arrow"] = str(folder / f"arrow-{suffix}.png")
    image.save(made["arrow"])
    return {key: Path(value).as_posix() for key, value in made.items()}


def stylesheet(c: Colours, point_size: float, images: dict[str, str] | None = None) -> str:
    """Sizes in px stay fixed (44 px targets); text sizes follow the chosen scale."""
    images = images or {}
    heading = round(point_size * 1.45, 1)
    big = round(point_size * 1.15, 1)
    touch = MIN_TOUCH_PX
    return f"""
QWidget {{ color: {c.text}; }}
QMainWindow, QDialog {{ background: {c.window}; }}
/* No min-width here: in a stylesheet it replaces the text's own minimum, and a layout could
   then squeeze a button until its words are cut. touch_button() sets 44 px in code. */
QPushButton, QToolButton {{
    min-height: {touch}px; padding: 4px 16px;
    background: {c.button}; color: {c.text};
    border: 2px solid {c.border}; border-radius: 6px;
}}
QPushButton:hover, QToolButton:hover {{ background: {c.alternate}; }}
QPushButton:pressed, QPushButton:checked {{
    background: {c.highlight}; color: {c.highlighted_text}; border-color: {c.highlight};
}}
QPushButton:focus, QToolButton:focus {{ border: 3px solid {c.focus}; padding: 3px 15px; }}
QPushButton:checked:focus {{ border: 3px solid {c.text}; }}
QPushButton:disabled {{ border-style: dashed; color: {c.muted}; }}
QPushButton#primary {{ font-weight: bold; }}
QPushButton#nav {{ text-align: left; padding-left: 16px; min-height: 52px; }}
QLineEdit, QComboBox, QSpinBox, QDateEdit, QPlainTextEdit, QTextEdit {{
    min-height: {touch - 8}px; padding: 2px 8px; background: {c.base}; color: {c.text};
    border: 2px solid {c.border}; border-radius: 4px;
    selection-background-color: {c.highlight}; selection-color: {c.highlighted_text};
}}
QLineEdit:focus, QComboBox:focus, QSpinBox:focus, QDateEdit:focus, QPlainTextEdit:focus,
QTextEdit:focus {{
    border: 3px solid {c.focus};
}}
QLineEdit:disabled, QComboBox:disabled, QSpinBox:disabled, QDateEdit:disabled,
QPlainTextEdit:disabled, QTextEdit:disabled {{
    border-style: dashed; color: {c.muted}; background: {c.alternate};
}}
QComboBox QAbstractItemView {{
    background: {c.base}; color: {c.text};
    selection-background-color: {c.highlight}; selection-color: {c.highlighted_text};
}}
QCheckBox, QRadioButton {{ min-height: {touch}px; spacing: 10px; }}
QCheckBox::indicator, QRadioButton::indicator {{ width: 24px; height: 24px; }}
QCheckBox::indicator:unchecked {{ image: url({images.get("unchecked", "")}); }}
QCheckBox::indicator:checked {{ image: url({images.get("checked", "")}); }}
QComboBox::drop-down {{
    subcontrol-origin: padding; subcontrol-position: center right; width: 32px; border: none;
}}
QComboBox::down-arrow {{ image: url({images.get("arrow", "")}); width: 14px; height: 10px; }}
QCheckBox:focus, QRadioButton:focus {{ border: 3px solid {c.focus}; border-radius: 4px; }}
QTableView, QListView, QListWidget, QTreeView {{
    background: {c.base}; alternate-background-color: {c.alternate}; color: {c.text};
    border: 2px solid {c.border};
    selection-background-color: {c.highlight}; selection-color: {c.highlighted_text};
}}
QTableView:focus, QListView:focus, QListWidget:focus, QTreeView:focus {{
    border: 3px solid {c.focus};
}}
QListView::item, QListWidget::item {{ min-height: {touch}px; padding: 4px 8px; }}
QHeaderView::section {{
    background: {c.alternate}; color: {c.text}; font-weight: bold;
    padding: 4px 6px; border: 1px solid {c.border};
}}
QGroupBox {{
    font-weight: bold; border: 2px solid {c.border}; border-radius: 6px;
    margin-top: {round(point_size * 1.6)}px; padding: 12px 10px 10px 10px;
}}
QGroupBox::title {{ subcontrol-origin: margin; left: 12px; padding: 0px 6px; }}
QLabel#heading {{ font-size: {heading}pt; font-weight: bold; }}
QLabel#subheading {{ font-size: {big}pt; font-weight: bold; }}
QLabel#muted {{ color: {c.muted}; }}
QLabel#problem {{ color: {c.error}; font-weight: bold; }}
QFrame#banner {{
    background: {c.banner}; border: 2px solid {c.banner_border}; border-radius: 6px;
}}
QFrame#banner QLabel {{ color: {c.banner_text}; font-size: {big}pt; font-weight: bold; }}
QFrame#navigation {{ background: {c.alternate}; border-right: 2px solid {c.border}; }}
QStatusBar {{ color: {c.text}; }}
QToolTip {{ background: {c.base}; color: {c.text}; border: 2px solid {c.border}; }}
QScrollArea {{ border: none; }}
QProgressBar {{ border: 2px solid {c.border}; border-radius: 4px; text-align: center; }}
QProgressBar::chunk {{ background: {c.highlight}; }}
"""


def apply_theme(app: QApplication, *, high_contrast: bool, text_scale: float) -> None:
    """Apply the base font, palette and styles to the whole app, at once."""
    text_scale = min(2.0, max(1.0, float(text_scale)))
    _current["high_contrast"] = bool(high_contrast)
    _current["text_scale"] = text_scale
    c = colours()
    app.setStyle("Fusion")
    font = QFont(app.font())
    point_size = BASE_POINT_SIZE * text_scale
    font.setPointSizeF(point_size)
    app.setFont(font)
    app.setPalette(_palette(c))
    app.setStyleSheet(stylesheet(c, point_size, _draw_images(c)))
    follow_application_font(app)
    log.info("theme applied: high contrast %s, text %d%%", high_contrast, round(text_scale * 100))


FONT_FACTOR_PROPERTY = "wardauditFontFactor"
FONT_BOLD_PROPERTY = "wardauditFontBold"
ROW_WRAP_PROPERTY = "wardauditRowWrap"


def scaled_font(widget: QWidget, factor: float, *, bold: bool = False) -> QFont:
    """The application font ``factor`` times as large (a heading, a question), bold if asked.

    The factor is remembered on ``widget``, so when the text size changes at run time
    :func:`apply_theme` sets the font again from the new application font: a font set on a
    widget no longer follows the application's, and one worked out once from the size of the
    day stayed at that size (the question shrank at 200%, headings stayed huge at 100%).
    """
    widget.setProperty(FONT_FACTOR_PROPERTY, float(factor))
    widget.setProperty(FONT_BOLD_PROPERTY, bool(bold))
    return _font_for(factor, bold)


def _font_for(factor: float, bold: bool) -> QFont:
    font = QFont(QApplication.font())
    font.setPointSizeF(font.pointSizeF() * factor)
    if bold:
        font.setBold(True)
    return font


def row_wrap(widget: QWidget) -> QFormLayout.RowWrapPolicy:
    """Labels beside fields at normal sizes; above them at large text, so nothing is cut.

    The form's widget is remembered, so a change of text size re-wraps it at once.
    """
    widget.setProperty(ROW_WRAP_PROPERTY, True)
    return _row_wrap_now()


def _row_wrap_now() -> QFormLayout.RowWrapPolicy:
    if QApplication.font().pointSizeF() >= LARGE_TEXT_POINTS:
        return QFormLayout.RowWrapPolicy.WrapAllRows
    return QFormLayout.RowWrapPolicy.DontWrapRows


def follow_application_font(app: QApplication) -> None:
    """Every widget given a scaled font or a wrapping form takes the new text size now."""
    policy = _row_wrap_now()
    for widget in app.allWidgets():
        factor = widget.property(FONT_FACTOR_PROPERTY)
        if factor is not None:
            widget.setFont(_font_for(float(factor), bool(widget.property(FONT_BOLD_PROPERTY))))
        if widget.property(ROW_WRAP_PROPERTY):
            forms = [widget.layout(), *widget.findChildren(QFormLayout)]
            for form in forms:
                if isinstance(form, QFormLayout) and form.parentWidget() is widget:
                    form.setRowWrapPolicy(policy)


def row_height() -> int:
    """Table rows tall enough to touch, and for the text at the chosen size."""
    line = QFontMetrics(QApplication.font()).height()
    return max(MIN_TOUCH_PX, line + 16)


# --- remembered display choices -------------------------------------------------------------


def display_settings() -> QSettings:
    """Display choices belong to this laptop's user, not to the database, so they live here."""
    folder = paths.config_dir()
    folder.mkdir(parents=True, exist_ok=True)
    return QSettings(str(folder / "display.ini"), QSettings.Format.IniFormat)


def load_display() -> tuple[bool, float]:
    """(high contrast, text scale) as last chosen; the defaults on a first run."""
    settings = display_settings()
    high_contrast = str(settings.value(_SETTING_CONTRAST, "false")).lower() in ("true", "1")
    try:
        scale = float(str(settings.value(_SETTING_SCALE, "1.0")))
    except ValueError:
        scale = 1.0
    return high_contrast, min(2.0, max(1.0, scale))


def save_display(*, high_contrast: bool, text_scale: float) -> None:
    settings = display_settings()
    settings.setValue(_SETTING_CONTRAST, "true" if high_contrast else "false")
    settings.setValue(_SETTING_SCALE, f"{text_scale:.2f}")
    settings.sync()


# --- shared control helpers -----------------------------------------------------------------

W = TypeVar("W", bound=QWidget)


def touch_sized(widget: W, height: int = MIN_TOUCH_PX) -> W:
    """``widget`` at least a touch target tall (or ``height``); returns it, for chaining."""
    widget.setMinimumHeight(height)
    return widget


def loading_bar(name: str, width: int = 160, *, fixed: bool = False) -> QProgressBar:
    """A screen's "still loading" bar: it moves without a figure and is hidden at first."""
    bar = QProgressBar()
    bar.setRange(0, 0)
    if fixed:
        bar.setFixedWidth(width)
    else:
        bar.setMaximumWidth(width)
    bar.setTextVisible(False)
    bar.setAccessibleName(name)
    bar.hide()
    return bar


def touch_button(
    text: str,
    accessible_name: str = "",
    *,
    tooltip: str = "",
    primary: bool = False,
    parent: QWidget | None = None,
) -> QPushButton:
    """A button big enough for a finger that Enter and Space both press."""
    button = QPushButton(text, parent)
    button.setAccessibleName(accessible_name or text.replace("&", ""))
    if tooltip:
        button.setToolTip(tooltip)
        button.setAccessibleDescription(tooltip)
    # Outside dialogs Qt presses a button on Space only; matrons expect Enter to work too.
    button.setAutoDefault(True)
    button.setMinimumSize(MIN_TOUCH_PX, MIN_TOUCH_PX)  # even where the stylesheet is not applied
    if primary:
        button.setObjectName("primary")
    return button
