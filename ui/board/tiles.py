"""The Board's summary tiles (trust mean with its n, red wards, critical breaches, overdue
actions), the figures by site, and the notes when the figures are not like for like: wards
judged under different checklist versions or settings, scores over time across versions,
designations that answer different numbers of items."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel

from ui.theme import Colours
from ui.widgets.layouts import FlowLayout
from wardaudit.board import Board
from wardaudit.words import group_words, n_words, plural, score_words

TILES = (
    ("mean", "Trust mean"),
    ("red", "Red wards"),
    ("breaches", "Critical breaches"),
    ("overdue", "Overdue actions"),
)


def _tile(name: str) -> QLabel:
    tile = QLabel()
    tile.setObjectName("tile")
    tile.setTextFormat(Qt.TextFormat.RichText)
    tile.setAccessibleName(name)
    return tile


def _note(name: str) -> QLabel:
    """A note beside the figures on what makes them not like for like; hidden when all is."""
    note = QLabel()
    note.setWordWrap(True)
    note.setAccessibleName(name)
    note.hide()
    return note


class SummaryTiles:
    """The labels above the Board's tabs; the screen lays them out in its page."""

    def __init__(self) -> None:
        self.tiles = {key: _tile(name) for key, name in TILES}
        self.sites_label = QLabel()
        self.sites_label.setWordWrap(True)
        self.sites_label.setAccessibleName("Figures by site")
        self.sites_label.setTextFormat(Qt.TextFormat.RichText)
        self.versions_note = _note("Checklist versions")
        self.trend_note = _note("Scores over time")
        self.designations_note = _note("Designations")

    def row(self) -> FlowLayout:
        """The tiles side by side, wrapping at large text."""
        tiles = FlowLayout(spacing=10)
        for tile in self.tiles.values():
            tiles.addWidget(tile)
        return tiles

    def clear(self) -> None:
        for tile in self.tiles.values():
            tile.setText("")
        self.sites_label.setText("")
        for note in self.notes():
            note.hide()

    def notes(self) -> tuple[QLabel, QLabel, QLabel]:
        """The notes in the order to read them: versions, scores over time, designations."""
        return self.versions_note, self.trend_note, self.designations_note

    def show_board(self, board: Board, mean_name: str) -> None:
        """The trust's (or the wards shown's) figures; ``mean_name`` says which."""
        trust = board.trust
        audited = n_words(trust)  # "n = 4 of 4 wards audited", as the board report says it
        self._set(
            "mean",
            score_words(trust.mean),
            f"{mean_name} · {audited}",
            f"{mean_name}: {score_words(trust.mean)}, {audited}",
        )
        self._set(
            "red",
            str(trust.red),
            f"{'ward' if trust.red == 1 else 'wards'} rated Red (of {trust.audited} audited)",
            f"Red wards: {trust.red} of {trust.audited} audited",
        )
        self._set(
            "breaches",
            str(trust.critical_breaches),
            f"{'ward' if trust.critical_breaches == 1 else 'wards'} with a critical breach",
            f"Critical breaches: {plural(trust.critical_breaches, 'ward')} with a critical breach",
        )
        self._set(
            "overdue",
            str(trust.overdue_actions),
            f"overdue action{'s' if trust.overdue_actions != 1 else ''} of {trust.open_actions} open",
            f"Overdue actions: {trust.overdue_actions} of {trust.open_actions} open",
        )
        if len(board.sites) > 1:
            words = " · ".join(
                f"<b>{html.escape(site.name)}</b> {html.escape(group_words(site))}"
                for site in board.sites
            )
            self.sites_label.setText(f"By site: {words}")
            self.sites_label.setAccessibleDescription(
                "; ".join(f"{site.name}: {group_words(site)}" for site in board.sites)
            )
        else:
            self.sites_label.setText("")
        notes = (board.versions_note, board.trend_note, board.designations_note)
        for label, note in zip(self.notes(), notes, strict=True):
            label.setText(f"Note: {note}" if note else "")
            label.setAccessibleDescription(note or "")
            label.setVisible(bool(note))

    def _set(self, key: str, value: str, caption: str, spoken: str) -> None:
        size = QApplication.font().pointSizeF() * 1.6
        self.tiles[key].setText(
            f"<span style='font-size:{size:.1f}pt; font-weight:700'>{html.escape(value)}</span>"
            f"<br>{html.escape(caption)}"
        )
        self.tiles[key].setAccessibleName(spoken)

    def style(self, c: Colours) -> None:
        """Styles drawn from the theme in use (a switch to high contrast applies when shown)."""
        for tile in self.tiles.values():
            tile.setStyleSheet(
                f"QLabel#tile {{ background: {c.base}; color: {c.text}; border: 2px solid "
                f"{c.border}; border-radius: 6px; padding: 6px 14px; }}"
            )
        for note in self.notes():
            note.setStyleSheet(
                f"QLabel {{ background: {c.banner}; color: {c.banner_text}; border: 2px solid "
                f"{c.banner_border}; border-radius: 6px; padding: 4px 10px; }}"
            )
