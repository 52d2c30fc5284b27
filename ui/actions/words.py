"""How the Actions screen words an action: overdue days, its status, and its history."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from ui.errors import sentence
from wardaudit import clock
from wardaudit.model import ACTION_STATUS_WORDS, Action, HistoryEvent
from wardaudit.risk import BAND_WORDS


def overdue_days(action: Action, today: date) -> int:
    """Days past the due date for an action still to do; 0 when it is not overdue."""
    return (today - action.due).days if action.is_overdue(today) else 0


def overdue_words(days: int) -> str:
    if days <= 0:
        return ""
    return f"Overdue {days} day{'s' if days != 1 else ''}"


def status_word(status: object) -> str:
    return ACTION_STATUS_WORDS.get(str(status), str(status))


def date_text(value: object) -> str:
    try:
        return clock.uk_date(str(value)) if value else ""
    except ValueError:
        return str(value)


def describe_event(event: HistoryEvent) -> str:  # noqa: C901 - one sentence for each kind of event
    """What happened to an action, in words: "Status changed to Done", "Note: ..."."""
    detail = event.detail
    kind = event.kind
    if kind == "action_status":
        status = status_word(detail.get("status"))
        previous = detail.get("previous")
        if previous == detail.get("status"):
            text = f"Note added (status stays {status})"
        else:
            text = f"Status changed to {status}"
            if previous:
                text += f" (was {status_word(previous)})"
        note = str(detail.get("status_note") or "").strip()
        return text + (f"\nNote: {note}" if note else "")
    if kind == "action_update_imported":
        parts = []
        if "status" in detail:
            parts.append(f"status changed to {status_word(detail['status'])}")
        if "completed_on" in detail:
            parts.append(f"completed on {date_text(detail['completed_on'])}")
        if "comment" in detail:
            comment = str(detail["comment"] or "").strip()
            parts.append(f"comment “{comment}”" if comment else "comment removed")
        return "From estates' returned workbook: " + ("; ".join(parts) or "no change")
    if kind == "action_changed":
        parts = []
        if "description" in detail:
            parts.append("the action's wording changed")
        if "owner" in detail:
            parts.append(f"owner {detail['owner'] or 'not set'}")
        if "likelihood" in detail or "consequence" in detail:
            parts.append(f"risk {detail.get('likelihood')} × {detail.get('consequence')}")
        if "due" in detail:
            parts.append(f"due {date_text(detail['due'])}")
        return "Details changed: " + ("; ".join(parts) or "no change")
    if kind == "action_raised":
        band = BAND_WORDS.get(str(detail.get("band")), str(detail.get("band") or ""))
        text = "Raised at the audit"
        if band:
            text += f": {band} risk"
        if detail.get("due"):
            text += f", due {date_text(detail['due'])}"
        if detail.get("owner"):
            text += f", owner {detail['owner']}"
        return text
    if kind == "action_note":
        return "Note: " + sentence(str(detail.get("note") or ""))
    return sentence(kind.replace("_", " "))


def history_lines(action: Action, events: Sequence[HistoryEvent]) -> list[str]:
    """The action's history, newest first: when (dd/mm/yyyy hh:mm), who, and what, in words."""
    lines = []
    for event in reversed(events):
        who = f" · {event.actor}" if event.actor else ""
        lines.append(f"{clock.uk_datetime(event.at)}{who}\n{describe_event(event)}")
    if not any(event.kind == "action_raised" for event in events):
        # Actions from an audit recorded whole (imported) have no event of their own raising.
        lines.append(f"{clock.uk_datetime(action.created_at)}\nRaised at the audit")
    return lines
