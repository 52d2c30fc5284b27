"""The ward's recent sexual safety incidents by place, shown as the matron starts its audit.

Counts only, over the last twelve months, from the incidents held in this database or, on a
ward laptop, from the counts the quality team's latest exchange file brought
(:func:`wardaudit.incidents.recent.recent_incidents`), so she looks harder where incidents
happen. Hidden when nothing is known of the ward's incidents.
"""

from __future__ import annotations

import logging

from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from ui.context import AppContext
from ui.theme import scaled_font
from wardaudit.incidents.recent import RECENT_HINT, RecentIncidents, recent_incidents
from wardaudit.model import Ward

log = logging.getLogger(__name__)


class RecentIncidentsPanel(QFrame):
    """A strip above the item card: incidents by place on the ward, most first."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.recent: RecentIncidents | None = None
        self.setObjectName("recentIncidents")
        self.setAccessibleName("Recent incidents on this ward")
        self.setStyleSheet(
            "QFrame#recentIncidents { border: 2px dashed palette(text); border-radius: 6px; }"
        )
        self.headline = QLabel(self)
        self.headline.setWordWrap(True)
        self.headline.setFont(scaled_font(self.headline, 1.0, bold=True))
        self.places = QLabel(self)
        self.places.setWordWrap(True)
        self.hint = QLabel(self)
        self.hint.setWordWrap(True)
        self.hint.setObjectName("muted")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.setSpacing(2)
        layout.addWidget(self.headline)
        layout.addWidget(self.places)
        layout.addWidget(self.hint)
        self.setVisible(False)

    def show_for(self, ward: Ward) -> None:
        """The ward's incidents by place, or nothing when none are known."""
        try:
            found = recent_incidents(self.ctx.store, ward.id)
        except Exception:  # a reminder only: the audit goes on without it
            log.exception("could not read the ward's recent incidents")
            found = None
        self.recent = found
        if found is None:
            self.setVisible(False)
            return
        self.headline.setText(found.heading())
        places = " · ".join(place.words for place in found.places)
        self.places.setText(places or "None recorded by place.")
        self.hint.setText(f"{RECENT_HINT} {found.source_words()}")
        self.setAccessibleDescription(
            f"{found.heading()}. {places}. {RECENT_HINT} {found.source_words()}"
        )
        self.setVisible(True)
