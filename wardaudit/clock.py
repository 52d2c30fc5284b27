"""Time in Europe/London, as the wards keep it, and the UK way of writing dates."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


def now() -> datetime:
    return datetime.now(LONDON)


def now_iso() -> str:
    """An ISO 8601 timestamp with its UTC offset, as stored and exported."""
    return now().isoformat(timespec="seconds")


def now_precise() -> str:
    """To the microsecond: the history is ordered by these across every laptop."""
    return now().isoformat(timespec="microseconds")


def today() -> date:
    return now().date()


def to_epoch(iso: str) -> int:
    return int(datetime.fromisoformat(iso).timestamp())


def from_epoch(seconds: int) -> str:
    return datetime.fromtimestamp(seconds, LONDON).isoformat(timespec="seconds")


def parse_iso(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(LONDON)


def uk_date(value: date | datetime | str | None) -> str:
    """27/11/2026, the form used in the app and in documents."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if isinstance(value, datetime):
        value = value.astimezone(LONDON) if value.tzinfo else value
        return value.strftime("%d/%m/%Y")
    return value.strftime("%d/%m/%Y")


def uk_datetime(value: datetime | str | None) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo:
        value = value.astimezone(LONDON)
    return value.strftime("%d/%m/%Y %H:%M")
