"""The demo trust is built all or nothing: killed or failed at any moment, the database is
as it was (empty stays empty, none stays none), and what a killed build left is cleared."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from wardaudit.checklist import ChecklistLibrary
from wardaudit.demo import build_demo_trust, create_demo
from wardaudit.errors import InvalidInput
from wardaudit.store import TRUST_NAME_SETTING, Store, backups

ROOT = Path(__file__).resolve().parents[2]
RUNS = 6


def contents(path: Path) -> list[str]:
    conn = sqlite3.connect(path)  # recovers the journal as any later open would
    try:
        return [line for line in conn.iterdump() if "sqlite_stat" not in line]
    finally:
        conn.close()


def is_whole_demo(path: Path) -> bool:
    with Store.open(path, readonly=True) as store:
        return len(store.wards.list()) == 12 and len(store.audits.in_progress()) == 1


def demo_command(db: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-m", "wardaudit", "--db", str(db), "demo", "--seed", "3"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def strays(folder: Path, db: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(f".{db.stem}-demo-"))


def whole_run_seconds(folder: Path) -> float:
    db = folder / "timing.sqlite3"
    started = time.monotonic()
    done = demo_command(db)
    out, err = done.communicate()
    assert done.returncode == 0, err
    assert f"demo trust created in {db}:" in out, "the summary names the database, not a temporary"
    return time.monotonic() - started


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_a_killed_demo_leaves_no_database_where_there_was_none(tmp_path: Path) -> None:
    seconds = whole_run_seconds(tmp_path)
    folder = tmp_path / "ward"
    folder.mkdir()
    db = folder / "wardaudit.sqlite3"
    rng = random.Random(2018)
    killed_mid_build = 0
    for _ in range(RUNS):
        demo = demo_command(db)
        time.sleep(rng.uniform(0.3, seconds))
        if strays(folder, db):
            killed_mid_build += 1
        demo.send_signal(signal.SIGKILL)
        demo.communicate()
        if demo.returncode == 0:  # it finished first: whole, never half
            assert is_whole_demo(db)
            for made in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
                made.unlink(missing_ok=True)  # a read-only look may leave its journal behind
            continue
        assert demo.returncode == -signal.SIGKILL
        if db.exists() and is_whole_demo(db):  # killed after its commit, while closing
            for made in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
                made.unlink(missing_ok=True)
            continue
        assert not db.exists() and not Path(f"{db}-wal").exists(), "no database, as before"
    assert killed_mid_build, "at least one kill must have come while the trust was being built"
    done = demo_command(db)
    _, err = done.communicate()
    assert done.returncode == 0, err
    assert is_whole_demo(db)
    assert strays(folder, db) == [], "the next demo clears what the killed ones left"


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_a_killed_demo_leaves_an_empty_database_as_it_was(tmp_path: Path) -> None:
    seconds = whole_run_seconds(tmp_path)
    db = tmp_path / "empty.sqlite3"
    with Store.open(db) as store:
        store.settings.set(TRUST_NAME_SETTING, "A trust of our own")
    before = contents(db)
    rng = random.Random(7)
    killed = 0
    for _ in range(RUNS):
        demo = demo_command(db)
        time.sleep(rng.uniform(0.3, seconds))
        demo.send_signal(signal.SIGKILL)
        demo.communicate()
        if demo.returncode == 0:
            break  # whole: the database holds the demo, which is one of the two allowed states
        killed += 1
        if contents(db) != before:  # killed after its commit, while closing: whole, never half
            assert is_whole_demo(db), "killed at any moment, nothing or all of the demo stays"
            break
    assert killed, "at least one run must have been killed"


def test_a_builder_that_fails_halfway_changes_nothing(
    tmp_path: Path, library: ChecklistLibrary
) -> None:
    def failing(store: Store) -> str:
        store.wards.add(site="Ashcombe", name="Juniper Ward", sex="mixed")
        store.settings.set(TRUST_NAME_SETTING, "half a trust")
        raise RuntimeError("the builder broke")

    absent = tmp_path / "absent.sqlite3"
    with pytest.raises(RuntimeError):
        create_demo(absent, failing)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["absent.sqlite3.lock"]

    empty = tmp_path / "empty.sqlite3"
    Store.open(empty).close()
    before = contents(empty)
    with pytest.raises(RuntimeError):
        create_demo(empty, failing)
    assert contents(empty) == before
    assert backups.list_backups(empty) == [], "nothing changed, so nothing to back up"

    summary, warnings = create_demo(empty, lambda store: build_demo_trust(store, library, seed=2))
    assert summary.startswith(f"demo trust created in {empty}:") and warnings == []
    with pytest.raises(InvalidInput, match="already holds wards"):
        create_demo(empty, lambda store: build_demo_trust(store, library, seed=2))


def test_what_a_killed_demo_left_is_cleared_and_nothing_else(
    tmp_path: Path, library: ChecklistLibrary
) -> None:
    db = tmp_path / "wardaudit.sqlite3"
    left = [
        ".wardaudit-demo-0123456789ab.sqlite3",
        ".wardaudit-demo-0123456789ab.sqlite3-wal",
        ".wardaudit-demo-0123456789ab.sqlite3.lock",
    ]
    for name in left:
        (tmp_path / name).write_bytes(b"left by a killed demo")
    (tmp_path / ".wardaudit-demo-0123456789ab-photos").mkdir()
    others = [".wardaudit-demo-notes.txt", "wardaudit-demo-0123456789ab.sqlite3", ".other.part"]
    for name in others:
        (tmp_path / name).write_text("not ours to remove")
    create_demo(db, lambda store: build_demo_trust(store, library, seed=2))
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [*others, "wardaudit.sqlite3", "wardaudit.sqlite3.lock"]
    )


def test_many_actions_as_one_transaction_keep_none_when_one_fails(store: Store) -> None:
    store.wards.add(site="S", name="Kept", sex="male")
    with pytest.raises(RuntimeError), store.all_or_nothing():
        store.wards.add(site="S", name="Gone", sex="male")
        store.wards.add(site="S", name="Also gone", sex="female")
        raise RuntimeError("halfway")
    assert [w.name for w in store.wards.list()] == ["Kept"]
    with store.all_or_nothing():
        store.wards.add(site="S", name="Both", sex="male")
        with pytest.raises(InvalidInput, match="already a ward"):
            store.wards.add(site="T", name="Kept", sex="male")  # refused inside: only it undone
        store.wards.add(site="S", name="Stay", sex="female")
    assert [w.name for w in store.wards.list()] == ["Both", "Kept", "Stay"]
    assert [s.name for s in store.wards.sites()] == ["S"]


def test_changes_undone_call_for_no_backup(db_path: Path) -> None:
    with Store.open(db_path) as store:
        store.wards.add(site="S", name="Kept", sex="male")
    before = backups.list_backups(db_path)
    store = Store.open(db_path)
    with pytest.raises(RuntimeError), store.all_or_nothing():
        store.wards.add(site="S", name="Gone", sex="male")
        raise RuntimeError("halfway")
    with pytest.raises(InvalidInput):
        store.wards.add(site="T", name="Kept", sex="male")
    assert not store.data_changed_since_open()
    assert store.close(min_backup_age_s=0) == []
    assert backups.list_backups(db_path) == before
