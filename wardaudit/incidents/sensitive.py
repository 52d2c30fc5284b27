"""Spot patient details where an incident export should hold only codes, places and wards.

The import keeps six things (reference, date, ward, place, category, harm). These checks
refuse a mapped column whose values look like an NHS number, a person's name or a free-text
account, and a column header that names such details. They are tuned against the words
wards use for places, so "Main Lounge" or "Juniper Ward" pass while "Smith, Jane" does not;
anything the mapping itself lists (a code, a ward or place alias) is never suspect.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from wardaudit.identifiers import holds_nhs_number

Concern = Literal["nhs_number", "person_name", "free_text"]

CONCERN_WORDS: dict[Concern, str] = {
    "nhs_number": "look like NHS numbers",
    "person_name": "look like people's names",
    "free_text": "look like free-text descriptions",
}

_WHOLE_TEN_DIGITS = re.compile(r"\d(?:[ \-./]?\d){9}")
_SEPARATORS = re.compile(r"[ \-./]")
_DIGIT = re.compile(r"\d")

_TITLES = "Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Professor|Sir|Dame|Lady|Lord|Rev|Revd|Fr|Sr|Master|Madam"
# Smith, O'Brien, McDonald, Smith-Jones; SMITH as many NHS systems write surnames.
_WORD = r"(?:(?:O['’]|D['’]|Mc|Mac)?[A-Z][a-z]+(?:[A-Z][a-z]+)?(?:['’\-][A-Z][a-z]+)*)"
_UPPER_WORD = r"(?:[A-Z]{2,}(?:['’\-][A-Z]{2,})*)"
_INITIAL = r"(?:[A-Z]\.?)"
_SURNAME_FIRST = re.compile(
    rf"^(?:{_WORD}|{_UPPER_WORD})(?:[ \-](?:{_WORD}|{_UPPER_WORD}))?\s*,\s*{_WORD}"
    rf"(?:\s+(?:{_WORD}|{_INITIAL}))*$"
)
_UPPER_SURNAME = re.compile(rf"^{_UPPER_WORD}\s+{_WORD}(?:\s+(?:{_WORD}|{_INITIAL}))*$")
_TITLE_AND_NAME = re.compile(rf"(?<![A-Za-z])(?:{_TITLES})\.?\s+(?:{_INITIAL}\s+)*({_WORD})")
_CAPITALISED_WORDS = re.compile(
    rf"^(?:{_WORD}|{_UPPER_WORD})(?:\s+{_INITIAL})?(?:\s+(?:{_WORD}|{_UPPER_WORD})){{1,2}}$"
)
_TOKEN = re.compile(r"[A-Za-z][A-Za-z'’]*")

# Words that name places, wards and buildings; a value holding one is a place, not a person.
_PLACE_WORD_LIST = """
    lounge lounges room rooms corridor corridors bathroom bathrooms toilet toilets wc loo
    shower showers garden gardens courtyard yard bedroom bedrooms bed beds bedspace ward
    wards unit units suite suites dining kitchen kitchenette laundry staff base station
    office offices clinic treatment reception entrance exit lobby hall hallway foyer stairs
    stairwell staircase lift door doors zone zones area areas space spaces seclusion care
    therapy activity activities gym quiet main female females male males women women's
    womens woman men men's mens man day night sitting tv television visitor visitors
    visiting family smoking shelter airlock lock nurses nurse nursing ensuite en-suite
    washroom utility store storeroom cupboard meeting interview assessment section place
    safety faith multi-faith chapel games music art craft pool outdoor outside inside
    grounds car park hospital centre center house building block wing floor ground first
    second third upper lower north south east west side rear front back dormitory
    observation window windows bay bays cubicle pantry servery hub pod court lodge cottage
    villa annexe annex community waiting sensory stimulus high low dependency psychiatric
    intensive acute rehabilitation rehab forensic secure pharmacy picu gate gates fence
    path pathway walkway bench shed terrace patio balcony roof basement lounge lobby
    reception canteen cafe café restaurant shop library salon hairdresser laundrette
    cinema studio workshop lab laboratory kitchen dispensary medication meds clinic
    visiting sports field fields hall hallways landing entry vestibule porch bin bins
    ligature de-escalation deescalation calm comfort relaxation sanctuary haven retreat
"""
PLACE_WORDS = frozenset(_PLACE_WORD_LIST.split())


def _normal(text: str) -> str:
    return " ".join(text.split()).casefold()


@dataclass(frozen=True)
class Vocabulary:
    """Names that are known to be wards or places, so never taken for people's names."""

    names: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def of(cls, *groups: Iterable[str]) -> Vocabulary:
        return cls(frozenset(_normal(name) for group in groups for name in group if name))

    def __contains__(self, text: object) -> bool:
        return isinstance(text, str) and _normal(text) in self.names

    def __or__(self, other: Vocabulary) -> Vocabulary:
        return Vocabulary(self.names | other.names)


def nhs_number_in(text: str) -> bool:
    """True when the text holds ten digits, grouped any way, that pass the NHS check.

    The one finder every free-text check uses (:mod:`wardaudit.identifiers`): "bed 4 999
    000 0026" holds one; a group is never split, so an eleven-digit number is not one.
    """
    return holds_nhs_number(text)


def ten_digit_number(text: str) -> str | None:
    """The digits when the whole value is a ten-digit number (separators aside)."""
    stripped = text.strip()
    if _WHOLE_TEN_DIGITS.fullmatch(stripped):
        return _SEPARATORS.sub("", stripped)
    return None


def _has_place_word(text: str) -> bool:
    return any(token.casefold() in PLACE_WORDS for token in _TOKEN.findall(text))


NO_VOCABULARY = Vocabulary()


def person_name_reason(text: str, vocabulary: Vocabulary = NO_VOCABULARY) -> str | None:
    """Why the text reads like a person's name, or None; tuned for few false alarms."""
    value = " ".join(text.split())
    if not value or _DIGIT.search(value) or value in vocabulary:
        return None
    title = _TITLE_AND_NAME.search(value)
    if title and title.group(1).casefold() not in PLACE_WORDS:
        return "a title and a name (such as 'Mrs Smith')"
    if _has_place_word(value):
        return None
    if _SURNAME_FIRST.fullmatch(value):
        return "written like 'Surname, Forename'"
    if _UPPER_SURNAME.fullmatch(value):
        return "written like 'SURNAME Forename'"
    if _CAPITALISED_WORDS.fullmatch(value):
        return "two or three capitalised words, like 'Forename Surname'"
    return None


def free_text_like(text: str) -> bool:
    """A sentence or an account rather than a code, a ward or a place name."""
    return len(text) > 120 or len(text.split()) >= 12


def concern_for(text: str, vocabulary: Vocabulary = NO_VOCABULARY) -> tuple[Concern, str] | None:
    """The worst thing this value of a short, mapped column looks like, with why."""
    if nhs_number_in(text):
        return "nhs_number", "ten digits that pass the NHS number check"
    if free_text_like(text):
        return "free_text", "a long piece of free text"
    reason = person_name_reason(text, vocabulary)
    if reason is not None:
        return "person_name", reason
    return None


# --- column headers -----------------------------------------------------------------------

# Headers refused whole ("Name", "Patient"), and phrases refused wherever they appear.
_PERSON_EXACT = frozenset(
    {"name", "names", "patient", "patients", "person", "client", "service user", "nhs"}
    | {"contact", "contacts", "handler", "investigator", "reporter", "victim", "witness"}
)
_FREE_TEXT_EXACT = frozenset({"account", "learning", "investigation", "findings", "text"})
_PERSON_PHRASES = (
    "nhs number",
    "nhs no",
    "nhsno",
    "patient name",
    "patients name",
    "patient s name",
    "person name",
    "full name",
    "forename",
    "forenames",
    "first name",
    "given name",
    "surname",
    "last name",
    "family name",
    "staff name",
    "reporter name",
    "reporter s name",
    "reported by",
    "date of birth",
    "dob",
    "d o b",
    "birth date",
    "hospital number",
    "hospital no",
    "mrn",
    "rio number",
    "rio id",
    "patient id",
    "patient number",
    "patient no",
    "client id",
    "service user name",
    "address",
    "postcode",
    "post code",
    "telephone",
    "phone",
    "mobile",
    "email",
    "e mail",
    "person affected",
    "persons affected",
    "people affected",
    "persons involved",
    "people involved",
    "witnesses",
    "perpetrator",
    "alleged perpetrator",
)
_FREE_TEXT_PHRASES = (
    "description",
    "descriptions",
    "narrative",
    "details",
    "detail",
    "what happened",
    "notes",
    "note",
    "summary",
    "comments",
    "comment",
    "free text",
    "freetext",
    "action taken",
    "actions taken",
    "immediate action",
    "immediate actions",
    "lessons",
    "lessons learned",
    "lessons learnt",
    "further information",
    "additional information",
    "inc notes",
    "inc actiontaken",
)
_PLACE_HEADER_WORDS = ("location", "place", "area", "ward", "site", "unit", "room")


def _header_words(header: str) -> str:
    return " " + " ".join(re.sub(r"[^a-z0-9]+", " ", header.casefold()).split()) + " "


def header_concern(header: str) -> str | None:
    """Why a column with this header may never be mapped, or None."""
    words = _header_words(header)
    if words.strip() in _PERSON_EXACT or any(f" {p} " in words for p in _PERSON_PHRASES):
        return "its name says it holds details of a person, which WardAudit never imports"
    names_a_place = any(f" {word} " in words for word in _PLACE_HEADER_WORDS)
    free_text = words.strip() in _FREE_TEXT_EXACT or any(
        f" {p} " in words for p in _FREE_TEXT_PHRASES
    )
    if free_text and not names_a_place:
        return (
            "its name says it holds a free-text account, and WardAudit never imports descriptions"
        )
    return None
