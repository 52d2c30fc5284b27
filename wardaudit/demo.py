"""A believable fictional trust for trying WardAudit: three sites, twelve wards, two years.

Wards have their own story: some improve, some slip, one has a door that keeps being
propped open. Actions move through every status, some are overdue, and one audit is in
progress. Every name here is invented.

``wards`` and ``months`` build a larger trust of the same kind (more sites of twelve
wards each, wards that follow the same stories under their own names); ``photos`` adds
photo-like pictures to the findings, six to ten an audit with findings, 150–400 KB each
as the app saves them, so the app can be tried (and measured) as a trust will use it.
"""

from __future__ import annotations

import logging
import os
import random
import re
import shutil
import uuid
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from wardaudit import clock
from wardaudit.checklist import Checklist, ChecklistLibrary
from wardaudit.errors import DatabaseMissing, InvalidInput, StoreError
from wardaudit.model import ActionStatus, AnswerValue, Designation, TeamMember
from wardaudit.progress import Progress, no_progress
from wardaudit.scoring import allowed_answers
from wardaudit.store import TRUST_NAME_SETTING, Store, lockfile
from wardaudit.store.photos import NewPhoto

log = logging.getLogger(__name__)

DEMO_CHECKLIST = "sexual-safety-environment"
MONTHS = 24
# The latest months are audited on the newest checklist version and older months on the one
# before, as in a trust that moved to a new version, so the board's versions note is seen.
NEWEST_VERSION_MONTHS = 4
PHOTOS_PER_AUDIT = (6, 10)  # an audit with findings, as matrons photograph them
MAX_WARDS = 240
MAX_MONTHS = 120
BUILDING_WORDS = "Building the demo trust"


@dataclass(frozen=True)
class DemoWard:
    site: str
    name: str
    sex: Designation
    service: str
    beds: int
    start_quality: float  # chance an item is fully met at the start of the two years
    end_quality: float  # ... and at the end
    trouble: tuple[str, ...] = ()  # items that fail more often on this ward


TRUST_NAME = "Ashcombe and Fenwick NHS Foundation Trust (demonstration)"
SITES = ("Ashcombe Hospital", "Millbrook Centre", "Fenwick House")
WARDS = (
    DemoWard("Ashcombe Hospital", "Juniper Ward", "mixed", "Acute adult", 20, 0.78, 0.93),
    DemoWard("Ashcombe Hospital", "Rowan Ward", "female", "Acute adult", 18, 0.90, 0.95),
    DemoWard(
        "Ashcombe Hospital",
        "Hawthorn Ward",
        "male",
        "Psychiatric intensive care",
        10,
        0.86,
        0.74,
        ("B02", "B04", "D02"),
    ),
    DemoWard(
        "Ashcombe Hospital", "Willow Ward", "mixed", "Older adult", 16, 0.80, 0.82, ("A03", "C03")
    ),
    DemoWard("Millbrook Centre", "Alder Ward", "female", "Rehabilitation", 14, 0.92, 0.97),
    DemoWard("Millbrook Centre", "Birch Ward", "male", "Acute adult", 20, 0.70, 0.88),
    DemoWard(
        "Millbrook Centre",
        "Cedar Ward",
        "mixed",
        "Acute adult",
        22,
        0.88,
        0.72,
        ("A03", "A07", "B05"),
    ),
    DemoWard("Millbrook Centre", "Elm Ward", "female", "Psychiatric intensive care", 8, 0.85, 0.91),
    DemoWard("Fenwick House", "Hazel Ward", "male", "Rehabilitation", 15, 0.93, 0.96),
    DemoWard(
        "Fenwick House",
        "Linden Ward",
        "mixed",
        "Older adult",
        18,
        0.74,
        0.80,
        ("C04", "D05", "D06"),
    ),
    DemoWard("Fenwick House", "Maple Ward", "female", "Eating disorders", 12, 0.89, 0.93),
    DemoWard("Fenwick House", "Sycamore Ward", "male", "Forensic low secure", 16, 0.82, 0.90),
)

# Larger trusts: more sites of twelve wards each, the wards following the same stories.
MORE_SITES = (
    "Wrenfield Hospital",
    "Larkspur Centre",
    "Kestrel Lodge",
    "Thornbury Vale House",
    "Marlow Fen Hospital",
    "Saltings Unit",
    "Brackenridge Hospital",
    "Oxlip House",
    "Quarrymoor Centre",
    "Teasel Court",
)
MORE_NAMES = (
    "Aspen",
    "Beech",
    "Blackthorn",
    "Bramble",
    "Broom",
    "Campion",
    "Catkin",
    "Clover",
    "Cowslip",
    "Dogwood",
    "Elder",
    "Fern",
    "Foxglove",
    "Gorse",
    "Harebell",
    "Heather",
    "Holly",
    "Hornbeam",
    "Ivy",
    "Jasmine",
    "Larch",
    "Laurel",
    "Lavender",
    "Lilac",
    "Magnolia",
    "Medlar",
    "Mulberry",
    "Myrtle",
    "Oak",
    "Olive",
    "Orchid",
    "Osier",
    "Pine",
    "Poplar",
    "Primrose",
    "Quince",
    "Redwood",
    "Rosemary",
    "Rush",
    "Saffron",
    "Sage",
    "Sedge",
    "Sorrel",
    "Spruce",
    "Tamarisk",
    "Teasel",
    "Thistle",
    "Thyme",
    "Violet",
    "Walnut",
    "Whitebeam",
    "Wisteria",
    "Yarrow",
    "Yew",
    "Acacia",
    "Bay",
    "Cherry",
    "Cypress",
    "Damson",
    "Fig",
    "Hemlock",
    "Lupin",
)


def demo_wards(count: int = len(WARDS)) -> tuple[DemoWard, ...]:
    """The first ``count`` wards: the twelve, then more sites of twelve like them."""
    if not 1 <= count <= MAX_WARDS:
        raise InvalidInput(f"the demo trust has between 1 and {MAX_WARDS} wards (not {count})")
    wards = list(WARDS[:count])
    for n in range(len(WARDS), count):
        like = WARDS[n % len(WARDS)]
        base = MORE_NAMES[(n - len(WARDS)) % len(MORE_NAMES)]
        round_ = (n - len(WARDS)) // len(MORE_NAMES)
        name = f"{base} Ward" + (f" {round_ + 1}" if round_ else "")
        site = MORE_SITES[(n // len(WARDS) - 1) % len(MORE_SITES)]
        if n // len(WARDS) - 1 >= len(MORE_SITES):
            site += f" {(n // len(WARDS) - 1) // len(MORE_SITES) + 1}"
        wards.append(
            DemoWard(
                site,
                name,
                like.sex,
                like.service,
                like.beds,
                like.start_quality,
                like.end_quality,
                like.trouble,
            )
        )
    return tuple(wards)


AREAS = {
    "male": (
        "Bedroom corridor",
        "Main lounge",
        "Dining room",
        "Garden",
        "Bathroom 1",
        "Bathroom 2",
        "Staff base",
        "Activity room",
        "Laundry",
    ),
    "female": (
        "Bedroom corridor",
        "Main lounge",
        "Quiet room",
        "Dining room",
        "Garden",
        "Bathroom 1",
        "Bathroom 2",
        "Staff base",
        "Laundry",
    ),
    "mixed": (
        "Female bedroom corridor",
        "Male bedroom corridor",
        "Women's lounge",
        "Main lounge",
        "Dining room",
        "Garden",
        "Female bathrooms",
        "Male bathrooms",
        "Zone door",
        "Staff base",
        "Laundry",
    ),
}

AUDITORS = (
    ("Ward manager", "Ward manager"),
    ("Modern matron", "Matron"),
    ("Deputy ward manager", "Deputy ward manager"),
    ("Quality lead", "Quality and safety lead"),
)

NOTES = {
    "no": (
        "Seen on the walk-round at {time}.",
        "Staff aware; reported to the nurse in charge.",
        "Estates job logged on the helpdesk.",
        "Third time this quarter.",
        "Raised at the safety huddle.",
    ),
    "partial": (
        "Mostly in place; gaps noted.",
        "Improving since last month but not yet complete.",
        "Partly met: see location.",
    ),
}


def _quality(ward: DemoWard, month_index: int, rng: random.Random, months: int) -> float:
    share = month_index / max(1, months - 1)
    base = ward.start_quality + (ward.end_quality - ward.start_quality) * share
    return min(0.99, max(0.4, base + rng.uniform(-0.04, 0.04)))


def _answer_for(
    item_id: str,
    critical: bool,
    options: tuple[str, ...],
    quality: float,
    ward: DemoWard,
    rng: random.Random,
) -> AnswerValue:
    trouble = item_id in ward.trouble
    if critical:
        chance_no = (1 - quality) * (0.35 if trouble else 0.05)
        return "no" if rng.random() < chance_no else "yes"
    if rng.random() < 0.04:
        return "na"
    roll = rng.random()
    met = quality - (0.25 if trouble else 0.0)
    if roll < met:
        return "yes"
    if "partial" in options and roll < met + (1 - met) * 0.55:
        return "partial"
    return "no"


def _answers(
    checklist: Checklist, ward: DemoWard, quality: float, rng: random.Random, when: datetime
) -> dict[str, tuple[AnswerValue, str, str]]:
    answers = {}
    areas = AREAS[ward.sex]
    for item in checklist.applicable_items(ward.sex):
        value = _answer_for(item.id, item.critical, allowed_answers(item), quality, ward, rng)
        note = location = ""
        if value in NOTES:
            note = rng.choice(NOTES[value]).format(time=when.strftime("%H:%M"))
            location = rng.choice(areas)
        answers[item.id] = (value, note, location)
    return answers


def _photos_for(
    answers: dict[str, tuple[AnswerValue, str, str]], rng: random.Random
) -> list[NewPhoto]:
    """Six to ten photos of an audit's findings (its No and Partly answers), if it has any."""
    from wardaudit.demo_photos import photo_like_jpeg

    findings = [item for item, (value, _, _) in answers.items() if value in ("no", "partial")]
    if not findings:
        return []
    photos = []
    for n in range(rng.randint(*PHOTOS_PER_AUDIT)):
        item = findings[n] if n < len(findings) else rng.choice(findings)
        picture = photo_like_jpeg(rng.getrandbits(48))
        photos.append(
            NewPhoto(item, picture.data, f"{item}-{n + 1}.jpg", picture.width, picture.height)
        )
    return photos


def build_demo_trust(
    store: Store,
    library: ChecklistLibrary,
    *,
    seed: int = 2018,
    wards: int = len(WARDS),
    months: int = MONTHS,
    photos: bool = False,
    progress: Progress = no_progress,
) -> str:
    """Fill an empty database with the fictional trust; refuses one that holds wards.

    ``progress`` hears ("Building the demo trust", audits made, audits to make)."""
    if not store.is_empty():
        raise InvalidInput(
            f"{store.location} already holds wards; the demo trust goes only into an "
            "empty database (use --db with a new file)"
        )
    if not 1 <= months <= MAX_MONTHS:
        raise InvalidInput(f"the demo trust covers 1 to {MAX_MONTHS} months (not {months})")
    trust = demo_wards(wards)
    checklist = library.latest(DEMO_CHECKLIST)
    earlier = [c for c in library.versions.get(DEMO_CHECKLIST, []) if c.version < checklist.version]
    previous = earlier[-1] if earlier else checklist
    rng = random.Random(seed)
    photo_rng = random.Random(seed * 7 + 1)  # its own, so the trust is the same with or without
    store.settings.set(TRUST_NAME_SETTING, TRUST_NAME)
    for ward in trust:
        store.wards.add(
            site=ward.site,
            name=ward.name,
            sex=ward.sex,
            service=ward.service,
            beds=ward.beds,
            areas=AREAS[ward.sex],
        )
    now = clock.now()
    audits = actions_moved = photo_count = photo_bytes = 0
    progress(BUILDING_WORDS, 0, months * len(trust))
    for month_back in range(months, 0, -1):
        month_index = months - month_back
        for place, ward in enumerate(trust, start=1):
            if rng.random() < 0.08 and month_back not in (1, 2):
                continue  # a month missed: the board shows it as not audited
            day = rng.randint(2, 26)
            if month_back == 1:
                # the latest round was days ago, so its actions are still open and most are
                # not yet due, as on a real ward
                when = now - timedelta(days=rng.randint(3, 14))
            else:
                when = now - timedelta(days=30.4 * month_back)
                when = when.replace(day=day)
            when = when.replace(
                hour=rng.randint(9, 16), minute=rng.randint(0, 59), second=0, microsecond=0
            )
            quality = _quality(ward, month_index, rng, months)
            used = checklist if month_back <= NEWEST_VERSION_MONTHS else previous
            who, role = rng.choice(AUDITORS)
            team = [TeamMember(who, role)]
            if rng.random() < 0.4:
                team.append(TeamMember("Peer support worker", "Peer assessor", True))
            if rng.random() < 0.25:
                team.append(TeamMember("Patient representative", "Patient assessor", True))
            answers = _answers(used, ward, quality, rng, when)
            pictures = _photos_for(answers, photo_rng) if photos else []
            store.audits.import_completed(
                ward.name,
                used,
                answers=answers,
                started_at=(when - timedelta(minutes=rng.randint(40, 90))).isoformat(
                    timespec="seconds"
                ),
                completed_at=when.isoformat(timespec="seconds"),
                by=who,
                role=role,
                team=team,
                photos=pictures,
            )
            audits += 1
            photo_count += len(pictures)
            photo_bytes += sum(len(p.data) for p in pictures)
            progress(BUILDING_WORDS, month_index * len(trust) + place, months * len(trust))
    # Move actions along: old ones mostly finished, recent ones still open, some overdue.
    today = clock.today()
    for action in store.actions.list():
        age = (today - clock.parse_iso(action.created_at).date()).days
        roll = rng.random()
        # old jobs are mostly finished; a few long-standing ones linger, as on real wards
        bands: tuple[tuple[ActionStatus, float], ...]
        if age > 120:
            bands = (("verified", 0.64), ("done", 0.92), ("cannot_do", 0.98), ("in_progress", 1.0))
        elif age > 45:
            bands = (("done", 0.55), ("verified", 0.8), ("in_progress", 0.95), ("open", 1.0))
        else:
            bands = (("in_progress", 0.35), ("open", 1.0))
        status = next(name for name, upper in bands if roll < upper)
        if status == "open":
            continue
        note = {
            "cannot_do": "Needs capital funding; interim mitigation in place (zonal observation).",
            "done": "Completed by estates.",
            "verified": "Checked at the following audit.",
            "in_progress": "Job booked with the contractor.",
        }[status]
        store.actions.set_status(action.id, status, note=note, actor="Estates officer")
        actions_moved += 1
    # One audit in progress, about halfway through, on the first ward.
    ward = trust[0]
    audit = store.audits.start(ward.name, checklist, by="Modern matron")
    applicable = checklist.applicable_items(ward.sex)
    quality = _quality(ward, months - 1, rng, months)
    for item in applicable[: len(applicable) * 3 // 5]:
        value = _answer_for(item.id, item.critical, allowed_answers(item), quality, ward, rng)
        store.audits.record_answer(audit.id, item.id, value, actor="Modern matron")
    total_actions = len(store.actions.list())
    sites = len({w.site for w in trust})
    pictures_words = (
        f", {photo_count} photos ({photo_bytes / 1e6:,.0f} MB in "
        f"{store.photo_folder if store.engine == 'sqlite' else 'the trust database'})"
        if photos
        else ""
    )
    return (
        f"demo trust created in {store.target}: {sites} sites, {len(trust)} wards, "
        f"{audits} completed audits over {months} months, {total_actions} actions "
        f"({actions_moved} moved on from open){pictures_words}, 1 audit in progress "
        f"({ward.name})"
    )


# --- all or nothing ---------------------------------------------------------------------------


def create_demo(path: Path | str, build: Callable[[Store], str]) -> tuple[str, list[str]]:
    """Run ``build`` (the demo builder) on the database at ``path``, all or nothing.

    Whatever the builder writes through the store is one transaction, so a ``demo`` killed
    at any moment leaves the database as it was: an empty database stays empty, and where
    there was none, there is still none (the trust is built in a temporary file beside it,
    under the database's own lock, and moved into place only when whole). Returns the
    builder's summary and the warnings of closing (a backup that failed).
    """
    path = Path(path).expanduser().absolute()
    try:
        store = Store.open(path, create=False)
    except DatabaseMissing:
        return _create_beside(path, build)
    return _build_in(store, build)


def _build_in(store: Store, build: Callable[[Store], str]) -> tuple[str, list[str]]:
    try:
        _refuse_unless_empty(store)
        with store.all_or_nothing():
            summary = build(store)
    except BaseException:
        store.close(backup=False)  # rolled back: nothing changed that a backup should keep
        raise
    return summary, store.close()


def _refuse_unless_empty(store: Store) -> None:
    if not store.is_empty():
        raise InvalidInput(
            f"{store.location} already holds wards; the demo trust goes only into an "
            "empty database (use --db with a new file)"
        )


_STRAY = "-demo-"


def _stray_pattern(path: Path) -> re.Pattern[str]:
    return re.compile(rf"^\.{re.escape(path.stem)}{_STRAY}[0-9a-f]{{12}}(?:[.-].*)?$")


def _clear_strays(path: Path) -> None:
    """Remove what a killed demo left beside ``path``; only called under the database's lock,
    so no demo can be building one of them now."""
    pattern = _stray_pattern(path)
    for entry in path.parent.iterdir():
        if not pattern.match(entry.name):
            continue
        log.info("removing what an interrupted demo left: %s", entry)
        with suppress(OSError):
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()


def _create_beside(path: Path, build: Callable[[Store], str]) -> tuple[str, list[str]]:
    lock = lockfile.take(path)
    temporary = path.with_name(f".{path.stem}{_STRAY}{uuid.uuid4().hex[:12]}{path.suffix}")
    try:
        if path.exists() and path.stat().st_size > 0:
            # made by another copy between the look and the lock: build in it instead
            lock.release()
            return create_demo(path, build)
        _clear_strays(path)
        store = Store.open(temporary)
        try:
            with store.all_or_nothing():
                summary = build(store)
        finally:
            warnings = store.close(backup=False)
        _move_into_place(temporary, path)
    except BaseException:
        _clear_strays(path)
        raise
    finally:
        if lock.is_locked:
            lock.release()
    return summary.replace(str(temporary), str(path)), warnings


def _move_into_place(temporary: Path, path: Path) -> None:
    """What the builder made beside the temporary database first, then the database itself:
    its arrival is the moment the demo exists."""
    siblings = [
        entry
        for entry in temporary.parent.iterdir()
        if entry.name.startswith(temporary.stem + "-")
        and entry.name not in {f"{temporary.name}-wal", f"{temporary.name}-shm"}
    ]
    for entry in siblings:
        target = path.with_name(path.stem + entry.name[len(temporary.stem) :])
        if target.exists():
            raise StoreError(
                f"{target} is already there, so the demo trust was not put in place and "
                "nothing was changed. Move it aside, then try again."
            )
    with open(temporary, "rb+") as whole:
        os.fsync(whole.fileno())
    for entry in siblings:
        os.replace(entry, path.with_name(path.stem + entry.name[len(temporary.stem) :]))
    os.replace(temporary, path)
    with suppress(OSError):
        Path(f"{temporary}.lock").unlink()
    if os.name == "posix":
        handle = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(handle)
        finally:
            os.close(handle)
