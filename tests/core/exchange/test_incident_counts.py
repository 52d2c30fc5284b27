"""Incident counts travel to ward laptops in exchange files: counts only, never an incident."""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest

from tests.core.exchange.test_streaming import signed_off_audit
from wardaudit.checklist import Checklist
from wardaudit.errors import BundleConflicts, BundleRefused
from wardaudit.exchange import export_bundle, import_bundle
from wardaudit.incidents import load_mapping_file, read_csv
from wardaudit.incidents.hotspots import window
from wardaudit.incidents.importing import read_and_plan
from wardaudit.incidents.recent import recent_incidents
from wardaudit.paths import photo_dir
from wardaudit.store import Store

ROOT = Path(__file__).resolve().parent.parent.parent.parent
EXAMPLES = ROOT / "examples" / "incidents"


@pytest.fixture
def quality_team(demo_store: Store) -> Store:
    mapping = load_mapping_file(EXAMPLES / "generic-mapping.toml")
    plan = read_and_plan(demo_store, EXAMPLES / "generic-export.csv", mapping, read_csv)
    demo_store.incidents.import_plan(plan, "Quality lead")
    return demo_store


def rewrite(source: Path, target: Path, change) -> None:  # type: ignore[no-untyped-def]
    """The file with its records changed and its manifest's digests made to match."""
    with zipfile.ZipFile(source) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    records = json.loads(files["records.json"])
    change(records)
    files["records.json"] = json.dumps(records).encode()
    manifest = json.loads(files["manifest.json"])
    manifest["files"]["records.json"] = hashlib.sha256(files["records.json"]).hexdigest()
    files["manifest.json"] = json.dumps(manifest).encode()
    with zipfile.ZipFile(target, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)


def test_a_laptop_gets_counts_by_place_and_never_an_incident(
    quality_team: Store, tmp_path: Path
) -> None:
    bundle = tmp_path / "from-the-quality-team.wardaudit"
    export_bundle(quality_team, bundle)
    with zipfile.ZipFile(bundle) as archive:
        text = archive.read("records.json").decode("utf-8")
    records = json.loads(text)
    assert "INC-" not in text  # no reference travels
    assert all(set(r) == {"snapshot", "ward", "as_of", "first_month", "last_month", "counts"}
               for r in records["incident_counts"])  # fmt: skip

    laptop = Store.open(tmp_path / "laptop.sqlite3")
    try:
        plan = import_bundle(laptop, bundle)
        assert plan.new_incident_counts == len(records["incident_counts"]) > 0
        assert "incident counts for" in plan.describe()
        assert laptop.incidents.count() == 0  # counts only
        juniper = laptop.wards.get("Juniper Ward")
        snapshot = laptop.incidents.snapshot(juniper.id)
        assert snapshot is not None
        # The same counts as the quality team's own, place by place.
        first, last = snapshot.first_month, snapshot.last_month
        assert (first, last) == window(last)
        expected = Counter(
            i.place for i in quality_team.incidents.list(ward="Juniper Ward")
            if first <= i.date.strftime("%Y-%m") <= last
        )  # fmt: skip
        got: Counter[str] = Counter()
        for place, _month, count in snapshot.counts:
            got[place] += count
        assert got == expected

        # what the matron is shown as she starts the audit: the same, by the ward's areas
        recent = recent_incidents(laptop, "Juniper Ward")
        assert recent is not None and recent.as_of == snapshot.as_of
        assert {p.place: p.count for p in recent.places} == dict(expected)
        assert recent.total == sum(expected.values())
        assert "brought by an exchange file" in recent.source_words()
        assert recent_incidents(laptop, "Rowan Ward") is not None
        held_here = recent_incidents(quality_team, "Juniper Ward")
        assert held_here is not None and held_here.as_of is None

        # again: nothing new, nothing doubled
        again = import_bundle(laptop, bundle)
        assert again.new_incident_counts == 0
        assert laptop.incidents.snapshot(juniper.id) == snapshot
    finally:
        laptop.close(backup=False)


def test_exporting_twice_gives_the_same_records(quality_team: Store, tmp_path: Path) -> None:
    first, second = tmp_path / "a.wardaudit", tmp_path / "b.wardaudit"
    export_bundle(quality_team, first)
    export_bundle(quality_team, second)

    def counts(path: Path) -> object:
        with zipfile.ZipFile(path) as archive:
            return json.loads(archive.read("records.json"))["incident_counts"]

    assert counts(first) == counts(second)


def test_altered_counts_under_the_same_id_are_a_conflict(
    quality_team: Store, tmp_path: Path
) -> None:
    bundle = tmp_path / "counts.wardaudit"
    export_bundle(quality_team, bundle)
    laptop = Store.open(tmp_path / "laptop.sqlite3")
    try:
        import_bundle(laptop, bundle)
        forged = tmp_path / "forged.wardaudit"

        def more(records: dict) -> None:  # type: ignore[type-arg]
            records["incident_counts"][0]["counts"][0][2] += 1

        rewrite(bundle, forged, more)
        with pytest.raises(BundleConflicts, match="incident counts"):
            import_bundle(laptop, forged)
    finally:
        laptop.close(backup=False)


@pytest.mark.parametrize(
    "forge",
    [
        lambda r: r["incident_counts"][0].update(reference="INC-1"),
        lambda r: r["incident_counts"][0]["counts"].append(["Garden", "2026-13", 1]),
        lambda r: r["incident_counts"][0]["counts"].append(["Garden", "1980-01", 1]),
        lambda r: r["incident_counts"][0]["counts"][0].__setitem__(2, 0),
        lambda r: r["incident_counts"][0]["counts"][0].__setitem__(2, "3"),
        lambda r: r["incident_counts"][0]["counts"][0].__setitem__(0, "x" * 500),
        lambda r: r["incident_counts"][0].update(ward="00000000-0000-4000-8000-000000000000"),
        lambda r: r["incident_counts"].append(r["incident_counts"][0]),
        lambda r: r.update(incident_counts={"not": "a list"}),
    ],
)
def test_counts_that_break_the_rules_refuse_the_file(
    quality_team: Store, tmp_path: Path, forge: object
) -> None:
    bundle = tmp_path / "counts.wardaudit"
    export_bundle(quality_team, bundle)
    forged = tmp_path / "forged.wardaudit"
    rewrite(bundle, forged, forge)
    laptop = Store.open(tmp_path / "laptop.sqlite3")
    try:
        with pytest.raises(BundleRefused, match=r"incident[ _]counts"):
            import_bundle(laptop, forged)
        assert laptop.wards.list() == []  # nothing from the file was written
    finally:
        laptop.close(backup=False)


def test_forged_counts_refuse_the_file_before_any_photo_is_read(
    quality_team: Store, checklist: Checklist, tmp_path: Path
) -> None:
    signed_off_audit(quality_team, checklist, "Larch Ward", photos=3)
    bundle = tmp_path / "counts.wardaudit"
    export_bundle(quality_team, bundle, everything=True)
    forged = tmp_path / "forged.wardaudit"
    rewrite(bundle, forged, lambda r: r["incident_counts"][0]["counts"][0].__setitem__(2, 0))
    with zipfile.ZipFile(forged) as archive:
        assert sum(n.startswith("photos/") for n in archive.namelist()) == 3
    heard: list[tuple[str, int, int]] = []
    laptop = Store.open(tmp_path / "laptop.sqlite3")
    try:
        with pytest.raises(BundleRefused, match=r"incident[ _]counts"):
            import_bundle(laptop, forged, progress=lambda *report: heard.append(report))
        assert heard == []  # refused on its records, before the first photo was streamed
        assert laptop.wards.list() == [] and laptop.photos.count() == 0
        folder = photo_dir(tmp_path / "laptop.sqlite3")
        assert not folder.exists() or not any(p.is_file() for p in folder.rglob("*"))
        import_bundle(laptop, bundle, progress=lambda *report: heard.append(report))
        assert heard and laptop.photos.count() == 3  # the file as written is taken whole
    finally:
        laptop.close(backup=False)


def test_a_database_without_incidents_writes_files_as_before(
    demo_store: Store, tmp_path: Path
) -> None:
    bundle = tmp_path / "plain.wardaudit"
    export_bundle(demo_store, bundle)
    with zipfile.ZipFile(bundle) as archive:
        records = json.loads(archive.read("records.json"))
    assert set(records) == {"wards", "checklists", "audits", "events"}


def test_new_counts_reach_a_laptop_whose_ward_had_no_audit_since_the_last_file(
    quality_team: Store, tmp_path: Path
) -> None:
    """The quality team imports incidents again; the next file to a laptop carries every
    ward's new counts, though none of that ward's audits changed in between."""
    laptop = Store.open(tmp_path / "laptop.sqlite3")
    try:
        first = tmp_path / "first.wardaudit"
        export_bundle(quality_team, first, destination="Juniper laptop")
        import_bundle(laptop, first)
        juniper = laptop.wards.get("Juniper Ward").id
        before = laptop.incidents.snapshot(juniper)
        assert before is not None

        # nothing new since: the next file carries no counts it has had already
        quiet = tmp_path / "quiet.wardaudit"
        assert export_bundle(quality_team, quiet, destination="Juniper laptop")["audits"] == 0
        with zipfile.ZipFile(quiet) as archive:
            assert "incident_counts" not in json.loads(archive.read("records.json"))

        # one more sexual safety incident on Juniper Ward, imported by the quality team
        rows = (EXAMPLES / "generic-export.csv").read_text(encoding="utf-8").splitlines()
        newest = max(  # Juniper Ward's latest sexual safety incident, made again
            (r for r in rows if ",Juniper Ward," in r and ",Sexual safety," in r),
            key=lambda r: datetime.strptime(r.split(",")[2], "%d/%m/%Y"),
        )
        extra = tmp_path / "next-export.csv"
        extra.write_text(
            "\n".join([rows[0], "INC-99001," + newest.split(",", 1)[1]]) + "\n", encoding="utf-8"
        )
        mapping = load_mapping_file(EXAMPLES / "generic-mapping.toml")
        plan = read_and_plan(quality_team, extra, mapping, read_csv)
        assert quality_team.incidents.import_plan(plan, "Quality lead").new == 1

        second = tmp_path / "second.wardaudit"
        written = export_bundle(quality_team, second, destination="Juniper laptop")
        assert written["audits"] == 0  # no audit changed, and still the counts travel
        assert written["incident_counts"] > 0
        merged = import_bundle(laptop, second)
        assert merged.new_incident_counts > 0
        after = laptop.incidents.snapshot(juniper)
        assert after is not None and after.id != before.id

        def total(snapshot: object) -> int:
            return sum(count for _place, _month, count in snapshot.counts)  # type: ignore[attr-defined]

        assert total(after) == total(before) + 1
    finally:
        laptop.close(backup=False)
