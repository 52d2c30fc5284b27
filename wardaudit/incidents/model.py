"""An incident as WardAudit keeps it: six facts and nothing about the people involved."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from wardaudit.incidents.vocabulary import Category, Harm, category_word, harm_word

FIELDS = ("reference", "date", "ward", "place", "category", "harm")


@dataclass(frozen=True)
class Incident:
    """One sexual safety incident from the trust's risk-management system.

    ``ward`` is the export's ward name until an import plan resolves it to a WardAudit ward;
    ``place`` is empty when the export does not say where on the ward; ``harm`` is None
    while the incident is not yet graded.
    """

    reference: str
    date: date
    ward: str
    place: str
    category: Category
    harm: Harm | None

    @property
    def category_word(self) -> str:
        return category_word(self.category)

    @property
    def harm_word(self) -> str:
        return harm_word(self.harm)

    def as_json(self) -> dict[str, str | None]:
        """The object ``incidents list --json`` gives for it."""
        return {
            "reference": self.reference,
            "date": self.date.isoformat(),
            "ward": self.ward,
            "place": self.place,
            "category": self.category,
            "harm": self.harm,
        }


@dataclass(frozen=True)
class RowIncident:
    """An incident with the row of the export it came from, for previews and problems."""

    row: int
    incident: Incident
