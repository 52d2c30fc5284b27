"""Several people on the trust database at once, each in a process of their own."""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import PgDatabase
from tests.core.store.trustdb import helpers
from wardaudit.checklist import Checklist
from wardaudit.exchange import export_bundle, import_bundle
from wardaudit.store import Store

pytestmark = pytest.mark.postgresql
SPAWN = multiprocessing.get_context("spawn")


def test_two_people_changing_one_action_lose_nothing(
    pg_database: PgDatabase, checklist: Checklist
) -> None:
    target = pg_database.target()
    with Store.open(target) as store:
        helpers.audit_ward(store, checklist, "Juniper Ward")
        action = store.actions.list()[0]
    barrier = SPAWN.Manager().Barrier(2)
    with SPAWN.Pool(2) as pool:
        runs = [
            pool.apply_async(helpers.change_action, (target, action.id, who, status, barrier))
            for who, status in (("Estates officer", "in_progress"), ("Quality lead", "done"))
        ]
        outcomes = [run.get(60) for run in runs]
    saved = [o for o in outcomes if o[0] == "saved"]
    refused = [o for o in outcomes if o[0] == "refused"]
    assert len(saved) == 1 and len(refused) == 1, outcomes
    winner = saved[0][1]
    assert refused[0][1] == winner, "the loser is told who changed it"
    assert f"{winner} changed this action at " in refused[0][2]
    assert "Your change was not saved" in refused[0][2]
    with Store.open(target) as store:
        now = store.actions.get(action.id)
        assert now.status == {"Estates officer": "in_progress", "Quality lead": "done"}[winner]
        moves = [e for e in store.history.list(action=action.id) if e.kind == "action_status"]
        assert len(moves) == 1 and moves[0].actor == winner
        assert now.version == action.version + 1


def _laptop_files(tmp_path: Path, checklist: Checklist, *, prefix: str = "") -> tuple[Path, Path]:
    """Two exchange files from one laptop that overlap: the second repeats the first's audits
    and adds what happened after (a new audit, and an action moved on after sign-off)."""
    with Store.open(tmp_path / "laptop.sqlite3") as laptop:
        helpers.audit_ward(laptop, checklist, f"{prefix}Juniper Ward")
        helpers.audit_ward(laptop, checklist, f"{prefix}Rowan Ward", failing=3)
        first = tmp_path / "first.wardaudit"
        export_bundle(laptop, first)
        helpers.audit_ward(laptop, checklist, f"{prefix}Birch Ward")
        moved = laptop.actions.list()[0]
        laptop.actions.set_status(moved.id, "in_progress", actor="Estates officer")
        second = tmp_path / "second.wardaudit"
        export_bundle(laptop, second)
    return first, second


def test_overlapping_imports_at_once_end_with_one_copy_of_everything(
    pg_database: PgDatabase, checklist: Checklist, tmp_path: Path
) -> None:
    first, second = _laptop_files(tmp_path, checklist)
    with Store.open(tmp_path / "reference.sqlite3") as reference:  # the same files, in turn
        import_bundle(reference, first)
        import_bundle(reference, second)
        expected, expected_counts = reference.records.fingerprint(), helpers.counts(reference)
    target = pg_database.target()
    files = [first, second, first, second, second, first]
    barrier = SPAWN.Manager().Barrier(len(files))
    with SPAWN.Pool(len(files)) as pool:
        runs = [pool.apply_async(helpers.import_file, (target, str(f), barrier)) for f in files]
        for run in runs:
            run.get(120)
    with Store.open(target) as board:
        assert helpers.counts(board) == expected_counts
        assert board.records.fingerprint() == expected
        moved = [a for a in board.actions.list() if a.status == "in_progress"]
        assert len(moved) == 1, "the change made after sign-off arrived once, and was kept"


def test_a_killed_import_leaves_the_server_as_it_was(
    pg_database: PgDatabase, checklist: Checklist, tmp_path: Path
) -> None:
    first, second = _laptop_files(tmp_path, checklist)
    target = pg_database.target()
    with Store.open(target) as board:
        import_bundle(board, first)
        before, fingerprint = helpers.counts(board), board.records.fingerprint()
    ready = tmp_path / "ready"
    child = SPAWN.Process(target=helpers.import_and_hang, args=(target, str(second), str(ready)))
    child.start()
    deadline = time.monotonic() + 60
    while not ready.exists():
        assert child.is_alive() and time.monotonic() < deadline, "the import never got going"
        time.sleep(0.05)
    os.kill(child.pid or 0, signal.SIGKILL)
    child.join(10)
    with Store.open(target) as board:
        assert helpers.counts(board) == before
        assert board.records.fingerprint() == fingerprint
        started = time.monotonic()
        plan = import_bundle(board, second)  # the writer lock went with the killed client
        assert time.monotonic() - started < 10
        assert plan.new_audits == 1


def test_the_board_read_during_an_import_is_never_half_of_it(
    pg_database: PgDatabase, checklist: Checklist, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process imports a ward's next audit (two more open actions) in the middle of
    a board read: between reading the audits and counting the actions. The board still
    shows one moment, the one before the import, never half of each."""
    target = pg_database.target()
    with Store.open(tmp_path / "laptop.sqlite3") as laptop:
        helpers.audit_ward(laptop, checklist, "Juniper Ward", failing=2)
        export_bundle(laptop, tmp_path / "first.wardaudit")
        with Store.open(target) as board_db:
            import_bundle(board_db, tmp_path / "first.wardaudit")
        helpers.audit_ward(laptop, checklist, "Juniper Ward", failing=2)
        bundle = tmp_path / "second.wardaudit"
        export_bundle(laptop, bundle)
    from wardaudit.board import board_figures
    from wardaudit.store.actions import Actions

    counted = Actions.open_counts

    def import_meanwhile(self: Actions, *args: Any, **kwargs: Any) -> Any:
        importer = SPAWN.Process(target=helpers.import_now, args=(target, str(bundle)))
        importer.start()
        importer.join(60)
        assert importer.exitcode == 0
        return counted(self, *args, **kwargs)

    with Store.open(target, readonly=True) as reader:
        monkeypatch.setattr(Actions, "open_counts", import_meanwhile)
        board = board_figures(reader, start="2000-01", end="2100-12")
        monkeypatch.setattr(Actions, "open_counts", counted)
        audited = [f.ward.name for f in board.wards if f.score is not None]
        assert audited == ["Juniper Ward"]
        assert sum(f.open_actions for f in board.wards) == 2, "actions of the same moment"
        after = board_figures(reader, start="2000-01", end="2100-12")
        assert sum(f.open_actions for f in after.wards) == 4, "the import did arrive"


def _events_in(path: Path) -> set[str]:
    with zipfile.ZipFile(path) as bundle:
        return {e["event"] for e in json.loads(bundle.read("records.json"))["events"]}


def test_incremental_exports_during_imports_miss_no_history_entry(
    pg_database: PgDatabase, checklist: Checklist, tmp_path: Path
) -> None:
    """Three people import overlapping files from three laptops at once while a fourth
    keeps exporting what one destination has not had: together the exports hold every
    history entry the board ends with. Ids come from a sequence, taken at insert time, so
    this holds only because writers commit one after another in the order of their ids
    (the writer lock: see ``wardaudit.store.server.WRITER_LOCK``)."""
    files: list[Path] = []
    for laptop in ("north", "south", "east"):
        folder = tmp_path / laptop
        folder.mkdir()
        first, second = _laptop_files(folder, checklist, prefix=f"{laptop.title()} ")
        files += [first, second]
    target = pg_database.target()
    with pg_database.admin() as conn:  # what the argument rests on: one id at a time
        sequence = conn.execute(
            "SELECT cache_size, cycle FROM pg_sequences WHERE schemaname || '.' || sequencename"
            " = pg_get_serial_sequence('wardaudit.events', 'id')"
        ).fetchone()
    assert sequence == (1, False)
    orders = [files, files[::-1], files[1:] + files[:1]]
    out = tmp_path / "exports"
    out.mkdir()
    stop = tmp_path / "stop"
    barrier = SPAWN.Manager().Barrier(len(orders) + 1)
    with SPAWN.Pool(len(orders) + 1) as pool:
        exporting = pool.apply_async(
            helpers.export_while, (target, str(out), "laptops", str(stop), barrier)
        )
        imports = [
            pool.apply_async(helpers.import_files, (target, [str(f) for f in order], barrier))
            for order in orders
        ]
        for run in imports:
            run.get(300)
        stop.write_text("done")
        written = exporting.get(300)
    sent: set[str] = set()
    for path in written:
        sent |= _events_in(Path(path))
    with Store.open(target) as board:
        held = {e["event"] for e in board.records.for_exchange().events}
    assert len(held) > 30
    assert held - sent == set(), "every history entry reached the destination"


def test_nothing_writes_outside_a_write_transaction(pg_database: PgDatabase) -> None:
    """The session is read-only but for the store's write transactions, each of which takes
    the writer lock first: so no code path can write, or take a history id, without it."""
    from wardaudit.errors import WardAuditError

    insert = "INSERT INTO sites(uuid, name, created_at) VALUES (?, 'Ashcombe', '2026-12-02')"
    with Store.open(pg_database.target()) as store:
        with pytest.raises(WardAuditError, match="read-only transaction"):
            store._db.query(insert, ("one",))
        with store._db.transaction() as conn:
            conn.execute(insert, ("two",))
            held = conn.execute(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"
                " AND pid = pg_backend_pid() AND granted"
            ).fetchone()
        assert held == (1,)
        assert store._db.query("SELECT uuid FROM sites") == [("two",)]
