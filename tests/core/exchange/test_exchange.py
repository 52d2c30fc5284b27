"""Exchange files: laptops and the board merge by union; damage and alteration are refused."""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest

from tests.core.exchange.bundles import audit_ward, resign_records
from wardaudit.checklist import Checklist
from wardaudit.cli import main
from wardaudit.errors import BundleConflicts, BundleRefused
from wardaudit.exchange import export_bundle, import_bundle, read_bundle
from wardaudit.store import Store


@pytest.fixture
def laptops(
    tmp_path: Path, checklist: Checklist, engine: str, request: pytest.FixtureRequest
) -> tuple[Store, Store]:
    """A ward laptop's file and the board's database: a second file, or the trust database."""
    a = Store.open(tmp_path / "laptop-a.sqlite3")
    if engine == "postgresql":
        b = Store.open(request.getfixturevalue("pg_database").target())
    else:
        b = Store.open(tmp_path / "laptop-b.sqlite3")
    audit_ward(a, checklist, "Juniper Ward", "mixed")
    audit_ward(a, checklist, "Rowan Ward", "female", failing=4)
    audit_ward(b, checklist, "Birch Ward", "male", site="Millbrook")
    yield a, b
    a.close(backup=False)
    b.close(backup=False)


def test_two_laptops_exchange_both_ways_and_end_identical(
    tmp_path: Path, laptops: tuple[Store, Store]
) -> None:
    a, b = laptops
    # laptop A's actions move on after sign-off; then both export
    action = a.actions.list(ward="Juniper Ward")[0]
    a.actions.set_status(action.id, "in_progress", note="Booked", actor="Estates")
    a_file, b_file = tmp_path / "a.wabundle", tmp_path / "b.wabundle"
    export_bundle(a, a_file)
    export_bundle(b, b_file)
    plan = import_bundle(b, a_file)
    assert (plan.new_audits, plan.conflicts) == (2, [])
    assert plan.new_photos == 2
    import_bundle(a, b_file)
    assert a.records.fingerprint() == b.records.fingerprint()
    assert {w.name for w in b.wards.list()} == {"Juniper Ward", "Rowan Ward", "Birch Ward"}
    assert b.actions.get(action.id).status == "in_progress"
    photo = b.audits.get(b.audits.list(ward="Juniper Ward")[0].id).photos[0]
    assert b.photos.data(photo.id) == a.photos.data(photo.id)
    # importing again changes nothing
    before = b.records.fingerprint()
    again = import_bundle(b, a_file)
    assert (again.new_audits, again.new_events, again.conflicts) == (0, 0, [])
    assert b.records.fingerprint() == before


def test_a_later_export_with_moved_actions_merges_cleanly(
    tmp_path: Path, laptops: tuple[Store, Store]
) -> None:
    a, b = laptops
    first = tmp_path / "first.wabundle"
    export_bundle(a, first)
    import_bundle(b, first)
    # on the board's copy, estates close one action; on the laptop, the matron amends an answer
    action = b.actions.list(ward="Juniper Ward")[0]
    b.actions.set_status(action.id, "done", actor="Estates")
    audit_id = a.audits.list(ward="Rowan Ward")[0].id
    item = next(
        i for i in a.checklists.for_audit(audit_id).applicable_items("female") if not i.critical
    )
    a.audits.amend_answer(
        audit_id, item.id, "partial", reason="Re-checked the next morning", by="A matron"
    )
    second = tmp_path / "second.wabundle"
    export_bundle(a, second)
    plan = import_bundle(b, second)
    assert plan.conflicts == [] and plan.new_events >= 1
    back = tmp_path / "back.wabundle"
    export_bundle(b, back)
    import_bundle(a, back)
    assert a.records.fingerprint() == b.records.fingerprint()
    assert a.actions.get(action.id).status == "done"
    assert b.audits.get(audit_id).answers[item.id].value == "partial"


def test_replaying_the_history_gives_the_state_already_held(
    store: Store, checklist: Checklist
) -> None:
    audit_id = audit_ward(store, checklist, "Elm Ward", "female", failing=3)
    action = store.audits.get(audit_id).actions[0]
    store.actions.edit(action.id, likelihood=5, consequence=5, actor="A matron")
    store.actions.set_status(action.id, "cannot_do", note="Needs capital funding", actor="Estates")
    item = checklist.applicable_items("female")[5]
    store.audits.amend_answer(
        audit_id, item.id, "no", reason="Lock found broken", by="A matron", note="broken"
    )
    before = store.records.fingerprint()
    store.records.replay(audit_id)
    assert store.records.fingerprint() == before


def _rewrite(source: Path, target: Path, change) -> None:  # type: ignore[no-untyped-def]
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w") as zout:
        files = {name: zin.read(name) for name in zin.namelist()}
        change(files)
        for name, data in files.items():
            zout.writestr(name, data)


def test_damaged_cut_short_altered_and_foreign_files_are_refused(
    tmp_path: Path, laptops: tuple[Store, Store]
) -> None:
    a, b = laptops
    good = tmp_path / "good.wabundle"
    export_bundle(a, good)
    before = b.records.fingerprint()
    data = good.read_bytes()

    flipped = tmp_path / "flipped.wabundle"
    middle = len(data) // 2
    flipped.write_bytes(data[:middle] + bytes([data[middle] ^ 0x01]) + data[middle + 1 :])
    short = tmp_path / "short.wabundle"
    short.write_bytes(data[: len(data) * 2 // 3])
    foreign = tmp_path / "foreign.wabundle"
    with zipfile.ZipFile(foreign, "w") as z:
        z.writestr("word/document.xml", "<doc/>")
    text = tmp_path / "notes.wabundle"
    text.write_text("not a bundle at all")
    altered = tmp_path / "altered.wabundle"

    def alter(files: dict[str, bytes]) -> None:
        files["records.json"] = files["records.json"].replace(b'"Matron"', b'"Director"', 1)

    _rewrite(good, altered, alter)
    for bad in (flipped, short, foreign, text, altered):
        with pytest.raises(BundleRefused):
            import_bundle(b, bad)
        assert b.records.fingerprint() == before, bad.name


def test_an_event_of_a_kind_wardaudit_never_writes_is_refused(
    tmp_path: Path, laptops: tuple[Store, Store]
) -> None:
    """Digests prove the file is the one its manifest describes; the kinds are checked too."""
    a, b = laptops
    good = tmp_path / "good.wabundle"
    export_bundle(a, good)
    forged = tmp_path / "forged.wabundle"

    def forge(files: dict[str, bytes]) -> None:
        records = json.loads(files["records.json"])
        records["events"][0]["kind"] = "records_deleted"
        files["records.json"] = json.dumps(records).encode()
        manifest = json.loads(files["manifest.json"])
        manifest["files"]["records.json"] = hashlib.sha256(files["records.json"]).hexdigest()
        files["manifest.json"] = json.dumps(manifest).encode()

    _rewrite(good, forged, forge)
    before = b.records.fingerprint()
    with pytest.raises(
        BundleRefused, match=r"history event \S+, kind: is not one WardAudit writes"
    ):
        import_bundle(b, forged)
    assert b.records.fingerprint() == before


def test_a_changed_record_under_an_existing_id_is_a_conflict(
    tmp_path: Path, laptops: tuple[Store, Store]
) -> None:
    a, b = laptops
    good = tmp_path / "good.wabundle"
    export_bundle(a, good)
    import_bundle(b, good)
    # forge a file whose record and digests are consistent but whose content differs
    forged = tmp_path / "forged.wabundle"

    def forge(files: dict[str, bytes]) -> None:
        records = json.loads(files["records.json"])
        entry = records["audits"][0]
        content = json.loads(entry["content"])
        content["signed_role"] = "Someone else"
        entry["content"] = json.dumps(
            content, sort_keys=True, ensure_ascii=False, separators=(",", ":")
        )
        entry["digest"] = hashlib.sha256(entry["content"].encode()).hexdigest()
        files["records.json"] = json.dumps(
            records, sort_keys=True, ensure_ascii=False, separators=(",", ":")
        ).encode()
        manifest = json.loads(files["manifest.json"])
        manifest["files"]["records.json"] = hashlib.sha256(files["records.json"]).hexdigest()
        files["manifest.json"] = json.dumps(manifest).encode()

    _rewrite(good, forged, forge)
    before = b.records.fingerprint()
    with pytest.raises(BundleConflicts) as refused:
        import_bundle(b, forged)
    assert (
        len(refused.value.conflicts) == 1
        and "signed-off record differs" in refused.value.conflicts[0]
    )
    assert b.records.fingerprint() == before
    plan = import_bundle(b, forged, skip_conflicts=True)
    assert len(plan.conflicts) == 1
    [conflict] = plan.conflict_records
    assert conflict.kind == "audit" and conflict.record in plan.conflicts[0]
    assert b.records.fingerprint() == before, "the conflicting record was left as it was"


def test_bundle_commands(
    tmp_path: Path, laptops: tuple[Store, Store], capsys: pytest.CaptureFixture[str]
) -> None:
    a, b = laptops
    a_path, b_path = a.target, b.target
    a.close(backup=False)
    b.close(backup=False)
    bundle = tmp_path / "cli.wabundle"
    assert main(["--db", str(a_path), "bundle", "export", str(bundle)]) == 0
    assert "exported 2 audit(s)" in capsys.readouterr().out
    assert main(["--db", str(b_path), "bundle", "import", str(bundle), "--dry-run"]) == 0
    assert "would import" in capsys.readouterr().out
    assert main(["--db", str(b_path), "audits", "list", "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)) == 1, "a dry run changes nothing"
    assert main(["--db", str(b_path), "bundle", "import", str(bundle)]) == 0
    assert "imported cli.wabundle: 2 new audit(s)" in capsys.readouterr().out
    assert main(["--db", str(b_path), "audits", "list", "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)) == 3
    broken = tmp_path / "broken.wabundle"
    broken.write_bytes(bundle.read_bytes()[:100])
    assert main(["--db", str(b_path), "bundle", "import", str(broken)]) == 1
    assert "wardaudit: error:" in capsys.readouterr().err
    assert (
        main(
            ["--db", str(a_path), "bundle", "export", str(tmp_path / "x"), "--since", "27/11/2026"]
        )
        == 1
    )
    assert "--since must be a date" in capsys.readouterr().err


def test_a_change_timed_before_the_raising_of_its_action_keeps_its_action(
    laptop_file: Path, tmp_path: Path
) -> None:
    """A laptop whose clock is behind stamps its change to an action earlier than the
    amendment that raised it: the change still belongs to that action, here and in every
    exchange file written from here."""

    def earlier(records: dict[str, Any]) -> None:
        raised = next(
            e for e in records["events"] if e["kind"] == "action_raised" and e["after_signoff"]
        )
        change = next(
            e
            for e in records["events"]
            if e["kind"] == "action_status" and e["action"] == raised["action"]
        )
        change["at"] = "2020-01-01T09:00:00+00:00"

    skewed = resign_records(laptop_file, tmp_path / "skewed.wabundle", earlier)
    with Store.open(tmp_path / "board.sqlite3") as board:
        assert import_bundle(board, skewed).conflicts == []
        export_bundle(board, tmp_path / "onward.wabundle")
    onward = read_bundle(tmp_path / "onward.wabundle").records
    changed = [e for e in onward["events"] if e["at"] == "2020-01-01T09:00:00+00:00"]
    assert len(changed) == 1 and changed[0]["action"] is not None
    with Store.open(tmp_path / "third.sqlite3") as third:
        assert import_bundle(third, tmp_path / "onward.wabundle").conflicts == []
        kinds = [e.kind for e in third.history.list(action=changed[0]["action"])]
        assert "action_status" in kinds and "action_raised" in kinds
