"""Write generic-export.csv: a made-up incident export for the demonstration trust.

    python examples/incidents/make_example.py

Two years of incidents (December 2024 to November 2026) on the demo trust's wards, laid
out as a generic risk-management export would be. Every name, number and account in it is
invented. It holds the columns a real export carries and WardAudit must never import: a
patient's name, an NHS number (from the 999 range, which is never issued to a patient) and
a free-text description. The mapping beside it (generic-mapping.toml) maps none of them.
"""

from __future__ import annotations

import csv
import random
import sys
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))

from wardaudit.demo import AREAS, WARDS  # noqa: E402
from wardaudit.identifiers import is_valid_nhs_number  # noqa: E402

FIRST_DAY = date(2024, 12, 1)
LAST_DAY = date(2026, 11, 30)
SEED = 2018

HEADER = [
    "Incident ID",
    "Reported date",
    "Incident date",
    "Time",
    "Site",
    "Ward",
    "Exact location",
    "Incident type",
    "Sub-category",
    "Physical harm",
    "Psychological harm",
    "Patient name",
    "Patient NHS number",
    "Description",
    "Reported by",
    "Status",
]

# (sub-category, weight, places that make it likelier)
SEXUAL_SAFETY = (
    ("Exposure / nudity", 30, ("Bedroom corridor", "Main lounge", "Garden")),
    ("Sexual harassment - verbal", 26, ("Main lounge", "Dining room", "Women's lounge")),
    ("Sexual harassment - non-verbal", 10, ("Main lounge", "Garden")),
    ("Sexual assault - patient on patient", 14, ("Garden", "Bedroom corridor", "Zone door")),
    ("Sexual assault - patient on staff", 6, ("Staff base", "Dining room")),
    ("Alleged rape", 2, ("Bedroom corridor", "Female bedroom corridor")),
    ("Sexual activity between patients", 6, ("Garden", "Laundry")),
    ("Staff sexual boundary concern", 2, ("Staff base",)),
    ("Other sexual safety concern", 4, ("Main lounge",)),
)
OTHER_TYPES = (
    ("Violence and aggression", "Physical assault - patient on staff"),
    ("Self-harm", "Self-harm - ligature"),
    ("Slips, trips and falls", "Fall - unwitnessed"),
    ("Medication", "Omitted dose"),
)
PHYSICAL = (
    "No physical harm",
    "Low physical harm",
    "Moderate physical harm",
    "Severe physical harm",
)
PSYCHOLOGICAL = (
    "No psychological harm",
    "Low psychological harm",
    "Moderate psychological harm",
    "Severe psychological harm",
)
# How the export writes some wards and places; generic-mapping.toml maps them back.
WARD_SPELLINGS = {
    "Hawthorn Ward": ("Hawthorn Ward", "Hawthorn PICU"),
    "Cedar Ward": ("Cedar Ward", "CEDAR WARD", "Cedar"),
    "Linden Ward": ("Linden Ward", "Linden Ward (older adults)"),
}
PLACE_SPELLINGS = {"Main lounge": ("Main lounge", "Lounge"), "Garden": ("Garden", "Garden area")}
EXTRA_WARD = "Poplar Ward"  # in the export, not in the demo trust: the import lists it
FORENAMES = ("Alex", "Sam", "Jordan", "Casey", "Robin", "Morgan", "Jamie", "Riley", "Charlie")
SURNAMES = ("Ashdown", "Bramley", "Coldwell", "Dunmore", "Elsworth", "Farrant", "Gosling")
REPORTERS = ("Staff nurse", "Healthcare assistant", "Ward manager", "Nurse in charge")
STORIES = (
    "At about {time} staff saw a patient in the {place} behaving in a way that made others "
    "uncomfortable. Staff intervened, the patient was redirected and observations increased.",
    "A patient reported to staff that another patient had made sexual comments in the "
    "{place}. Both were spoken with separately; safeguarding informed.",
    "Incident in the {place}, not seen directly by staff because of the layout. Reported by a "
    "patient the next morning. Police informed at the patient's wish.",
    "During the evening a patient was found undressed in the {place}. Dignity maintained, "
    "patient supported back to their bedroom.",
)


def _nhs_number(rng: random.Random) -> str:
    while True:
        digits = "999" + "".join(rng.choice("0123456789") for _ in range(7))
        if is_valid_nhs_number(digits):
            return f"{digits[:3]} {digits[3:6]} {digits[6:]}"


def _harm(rng: random.Random, subcategory: str) -> tuple[str, str]:
    serious = subcategory in ("Alleged rape", "Sexual assault - patient on patient")
    physical = PHYSICAL[rng.choices((0, 1, 2), (80, 17, 3))[0]]
    psychological = PSYCHOLOGICAL[
        rng.choices((0, 1, 2, 3), (20, 45, 28, 7) if serious else (45, 45, 9, 1))[0]
    ]
    return physical, psychological


def rows(rng: random.Random) -> list[list[str]]:
    days = (LAST_DAY - FIRST_DAY).days
    wards = [*WARDS]
    weights = [w.beds * (1.6 if w.sex == "mixed" else 1.0) for w in wards]
    found: list[list[str]] = []
    number = 40211
    for _ in range(360):
        number += rng.randint(1, 9)
        ward = rng.choices(wards, weights)[0]
        ward_name = rng.choice(WARD_SPELLINGS.get(ward.name, (ward.name,)))
        if rng.random() < 0.02:
            ward_name = EXTRA_WARD
        when = FIRST_DAY + timedelta(days=rng.randint(0, days))
        reported = min(LAST_DAY, when + timedelta(days=rng.choice((0, 0, 0, 1, 2))))
        areas = AREAS[ward.sex]
        if rng.random() < 0.17:
            kind, subcategory = rng.choice(OTHER_TYPES)
            place = rng.choice(areas)
        else:
            kind = "Sexual safety"
            subcategory, _, likely = rng.choices(SEXUAL_SAFETY, [s[1] for s in SEXUAL_SAFETY])[0]
            preferred = [p for p in likely if p in areas]
            place = rng.choice(preferred) if preferred and rng.random() < 0.6 else rng.choice(areas)
        shown_place = rng.choice(PLACE_SPELLINGS.get(place, (place,)))
        if rng.random() < 0.05:
            shown_place = ""  # not recorded
        physical, psychological = _harm(rng, subcategory)
        status = "Closed" if when < LAST_DAY - timedelta(days=60) else "Being reviewed"
        if status == "Being reviewed" and rng.random() < 0.4:
            physical = psychological = ""  # not yet graded
        time_of_day = f"{rng.randint(0, 23):02d}:{rng.choice((0, 15, 30, 45)):02d}"
        row = [
            f"INC-{number}",
            reported.strftime("%d/%m/%Y"),
            when.strftime("%d/%m/%Y"),
            time_of_day,
            ward.site,
            ward_name,
            shown_place,
            kind,
            subcategory,
            physical,
            psychological,
            f"{rng.choice(SURNAMES).upper()}, {rng.choice(FORENAMES)}",
            _nhs_number(rng),
            rng.choice(STORIES).format(time=time_of_day, place=(shown_place or "ward").lower()),
            rng.choice(REPORTERS),
            status,
        ]
        found.append(row)
        if kind == "Sexual safety" and rng.random() < 0.04:
            # one row per person affected: the same incident again, graded for the other person
            again = list(row)
            again[9], again[10] = _harm(rng, subcategory)
            again[11] = f"{rng.choice(SURNAMES).upper()}, {rng.choice(FORENAMES)}"
            again[12] = _nhs_number(rng)
            found.append(again)
    found.sort(key=lambda r: (r[2][6:], r[2][3:5], r[2][:2], r[0]))
    return found


def main() -> None:
    rng = random.Random(SEED)
    target = HERE / "generic-export.csv"
    with target.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows(rng))
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
