"""What the checklist and scoring tests share: answers packed as the store keeps them."""

from __future__ import annotations

from collections.abc import Mapping

from wardaudit.checklist import Checklist
from wardaudit.scoring import Packing


def packed(checklist: Checklist, answers: Mapping[str, str]) -> str:
    """``answers`` packed one at a time, as an audit being answered is stored."""
    packing = Packing(checklist)
    result = packing.blank()
    for item_id, value in answers.items():
        result = packing.put(result, item_id, value)
    return result
