"""``wardaudit incidents import | list | mapping validate`` as a quality team runs them, on a
database file and on the trust database; and the incidents' way on to the board report and,
as counts, into exchange files."""

from __future__ import annotations

import csv
import hashlib
import json
from collections import Counter
from pathlib import Path

import pytest

from tests.core.incidents.helpers import EXAMPLES, FIXTURES, SMALL_HEADER, csv_text, good_row
from wardaudit.cli import main
from wardaudit.store import Store

EXPORT = str(EXAMPLES / "generic-export.csv")
MAPPING = str(EXAMPLES / "generic-mapping.toml")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def files_digest(db: Path) -> str:
    """The database file and its write-ahead log, byte for byte (not the lock, nor the
    shared-memory index SQLite keeps beside a database in WAL mode)."""
    digest = hashlib.sha256()
    for path in (db, db.with_name(db.name + "-wal")):
        if path.exists() and path.stat().st_size:  # an empty log holds nothing
            digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()


def sexual_safety_references(ward_not: str = "Poplar Ward") -> set[str]:
    with open(EXPORT, encoding="utf-8", newline="") as handle:
        return {
            row["Incident ID"]
            for row in csv.DictReader(handle)
            if row["Incident type"] == "Sexual safety" and row["Ward"] != ward_not
        }


def test_the_dry_run_writes_nothing(
    capsys: pytest.CaptureFixture[str], demo_target: str, engine: str
) -> None:
    file = Path(demo_target) if engine == "sqlite" else None
    before = files_digest(file) if file else None
    with Store.open(demo_target) as store:
        history = store.history.list()
    status, out, _ = run(
        capsys, "--db", demo_target, "incidents", "import", EXPORT, "--mapping", MAPPING,
        "--dry-run", "--ward-alias", "Poplar Ward=Elm Ward",
    )  # fmt: skip
    assert status == 0
    assert "dry run: nothing has been changed" in out
    assert f"{len(sexual_safety_references(ward_not=''))} new incidents" in out
    if file:
        assert files_digest(file) == before
    with Store.open(demo_target) as store:
        assert store.incidents.count() == 0 and store.incidents.ward_aliases() == {}
        assert store.incidents.imports() == [] and store.history.list() == history


def test_import_then_list_as_json(capsys: pytest.CaptureFixture[str], demo_target: str) -> None:
    db = demo_target
    status, out, _ = run(
        capsys,
        "--db",
        db,
        "incidents",
        "import",
        EXPORT,
        "--mapping",
        MAPPING,
        "--by",
        "Quality lead",
    )
    assert status == 0
    wanted = sexual_safety_references()
    assert f"imported {len(wanted)} new incident(s) and 0 regraded" in out
    # the unknown ward is named, with how to map it
    assert "'Poplar Ward'" in out and '--ward-alias "Poplar Ward=WARD"' in out
    assert '"Poplar Ward" = "WardAudit ward name"' in out

    status, out, _ = run(capsys, "--db", db, "incidents", "list", "--json")
    listed = json.loads(out)
    assert {item["reference"] for item in listed} == wanted
    assert all(
        set(item) == {"reference", "date", "ward", "place", "category", "harm"} for item in listed
    )
    assert [item["date"] for item in listed] == sorted(item["date"] for item in listed)
    status, out, _ = run(
        capsys, "--db", db, "incidents", "list", "--ward", "Hawthorn Ward", "--json"
    )
    hawthorn = json.loads(out)
    assert hawthorn and {item["ward"] for item in hawthorn} == {"Hawthorn Ward"}
    status, out, _ = run(capsys, "--db", db, "incidents", "list", "--since", "2026-11-01")
    assert status == 0 and out.startswith("DATE")
    assert all(line[6:10] == "2026" for line in out.splitlines()[1:])

    # again: nothing changes
    status, out, _ = run(capsys, "--db", db, "incidents", "import", EXPORT, "--mapping", MAPPING)
    assert status == 0 and "nothing to change" in out


def test_a_ward_alias_is_saved_for_next_time(
    capsys: pytest.CaptureFixture[str], demo_target: str
) -> None:
    db = demo_target
    run(capsys, "--db", db, "incidents", "import", EXPORT, "--mapping", MAPPING)
    status, out, _ = run(
        capsys, "--db", db, "incidents", "import", EXPORT, "--mapping", MAPPING,
        "--ward-alias", "POPLAR WARD=Elm Ward",
    )  # fmt: skip
    assert status == 0 and "1 ward name(s) mapped for next time" in out
    status, out, _ = run(capsys, "--db", db, "incidents", "import", EXPORT, "--mapping", MAPPING)
    assert "Poplar" not in out and "nothing to change" in out
    _, out, _ = run(capsys, "--db", db, "incidents", "list", "--json")
    assert {i["reference"] for i in json.loads(out)} == sexual_safety_references(ward_not="")


def test_an_export_with_problem_rows_imports_nothing(
    capsys: pytest.CaptureFixture[str], demo_target: str, tmp_path: Path
) -> None:
    mapping = tmp_path / "small.toml"
    from tests.core.incidents.helpers import SMALL_MAPPING

    mapping.write_text(SMALL_MAPPING, encoding="utf-8")
    export = tmp_path / "export.csv"
    bad = good_row(2)
    bad[4] = "Stalking"  # a code the mapping does not list
    export.write_text(csv_text([SMALL_HEADER, good_row(1), bad]), encoding="utf-8")
    status, out, err = run(
        capsys, "--db", demo_target, "incidents", "import", str(export), "--mapping", str(mapping)
    )
    assert status == 1
    assert "Row 3: the category 'Stalking' is not listed" in out
    assert "nothing has been imported" in err
    with Store.open(demo_target) as store:
        assert store.incidents.count() == 0


def test_a_workbook_export(capsys: pytest.CaptureFixture[str], demo_target: str) -> None:
    status, out, _ = run(
        capsys, "--db", demo_target, "incidents", "import", str(FIXTURES / "radar-events.xlsx"),
        "--mapping", str(FIXTURES / "radar-events.toml"),
    )  # fmt: skip
    assert status == 0 and "radar-events.xlsx" in out
    with Store.open(demo_target) as store:
        assert store.incidents.count() > 0


def test_mapping_validate(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    status, out, _ = run(capsys, "incidents", "mapping", "validate", MAPPING)
    assert status == 0
    assert "valid: Generic risk-management export" in out and "place 'Exact location'" in out
    bad = tmp_path / "bad.toml"
    bad.write_text('format = 1\ntitle = "x"\n[columns]\ndescription = "Description"\n')
    status, out, _ = run(capsys, "incidents", "mapping", "validate", MAPPING, str(bad))
    assert status == 1
    assert "'description' cannot be mapped" in out and "'reference' is missing" in out
    status, _, err = run(capsys, "incidents", "import", EXPORT, "--mapping", str(bad))
    assert status == 1 and "wardaudit: error: the incident mapping" in err
    status, _, err = run(
        capsys, "incidents", "import", EXPORT, "--mapping", MAPPING, "--ward-alias", "x"
    )
    assert status == 1 and "a ward alias is written" in err


def _imported(capsys: pytest.CaptureFixture[str], db: str) -> list[dict[str, str]]:
    """The example export imported through the command line; the incidents it lists."""
    status, _, _ = run(capsys, "--db", db, "incidents", "import", EXPORT, "--mapping", MAPPING)
    assert status == 0
    status, out, _ = run(capsys, "--db", db, "incidents", "list", "--json")
    assert status == 0
    listed: list[dict[str, str]] = json.loads(out)
    assert listed
    return listed


def test_the_board_report_counts_the_incidents_listed(
    capsys: pytest.CaptureFixture[str], demo_target: str, tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    listed = _imported(capsys, demo_target)
    months = sorted(item["date"][:7] for item in listed)
    start, end = months[0], months[-1]
    report = tmp_path / "board.xlsx"
    status, _, err = run(
        capsys, "--db", demo_target, "export", "board", "--from", start, "--to", end,
        "--no-suppression", "--xlsx", str(report),
    )  # fmt: skip
    assert status == 0, err
    book = load_workbook(report, read_only=True)  # a read-only workbook keeps its file open
    try:
        rows = list(book["Incidents"].iter_rows(values_only=True))
    finally:
        book.close()
    top = next(i for i, row in enumerate(rows) if row and row[0] == "Each ward over the period")
    header = list(rows[top + 1])
    wards: dict[str, object] = {}
    for row in rows[top + 2 :]:
        if len(row) < 2 or row[1] is None:  # the trust's line closes the table
            break
        wards[str(row[0])] = row[header.index("Incidents")]
    expected = Counter(item["ward"] for item in listed)
    assert {ward: n for ward, n in wards.items() if n} == dict(expected)


def test_an_exchange_file_from_the_board_carries_the_counts_to_a_laptop(
    capsys: pytest.CaptureFixture[str], demo_target: str, tmp_path: Path
) -> None:
    listed = _imported(capsys, demo_target)
    bundle = tmp_path / "to-the-wards.wardaudit"
    status, out, err = run(capsys, "--db", demo_target, "bundle", "export", str(bundle), "--all")
    assert status == 0, err
    assert "with incident counts for " in out
    laptop = tmp_path / "laptop.sqlite3"
    status, out, err = run(capsys, "--db", str(laptop), "bundle", "import", str(bundle))
    assert status == 0, err
    carried = 0
    with Store.open(laptop) as store:
        assert store.incidents.count() == 0  # counts only, never an incident
        for ward in store.wards.list():
            snapshot = store.incidents.snapshot(ward.id)
            if snapshot is None:
                continue
            held = sum(count for _place, _month, count in snapshot.counts)
            expected = sum(
                1
                for item in listed
                if item["ward"] == ward.name
                and snapshot.first_month <= item["date"][:7] <= snapshot.last_month
            )
            assert held == expected, ward.name
            carried += held
    assert carried > 0
