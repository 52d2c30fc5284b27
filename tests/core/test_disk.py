"""The disk's failures, each made for real where it can be, told apart in words she can act on.

A full disk, a read-only disk, folder or file, a folder or a file in the way, a name too
long, a damaged file, an empty file, a journal left without its database: each is refused
with its own error and its own advice (a backup is offered only for a damaged file), with
nothing changed, nothing lost and nothing left behind.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from tests.core.disk_helpers import (
    NOBODY,
    chattr,
    fill,
    listing,
    need_root,
    open_folder,
    remount,
    small_disk,
    wardaudit_as,
)
from wardaudit import location
from wardaudit.checklist import Checklist
from wardaudit.cli import main
from wardaudit.errors import (
    DatabaseDamaged,
    DatabaseInUse,
    DatabaseMissing,
    DatabasePathUnusable,
    DatabaseReadOnly,
    DiskFull,
    JournalWithoutDatabase,
)
from wardaudit.store import Store, backups

RESTORE = "backups restore"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def contents(path: Path) -> list[str]:
    """Everything the database holds, as SQL: equal lists mean nothing was changed."""
    conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def make_audit(path: Path, checklist: Checklist, *, wards: int = 1) -> tuple[str, list[str]]:
    """A database with wards and an audit of the first: the audit's id and its item ids."""
    with Store.open(path) as store:
        for n in range(wards):
            store.wards.add(
                site="Ashcombe",
                name=f"Ward {n}",
                sex="mixed",
                areas=[f"Area {k} " + "x" * 200 for k in range(40)],
            )
        audit = store.audits.start("Ward 0", checklist, by="A matron")
    return audit.id, [i.id for i in checklist.applicable_items("mixed")]


# --- a full disk -------------------------------------------------------------------------------


def test_a_full_disk_refuses_the_answer_and_keeps_every_saved_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], checklist: Checklist
) -> None:
    with small_disk(tmp_path / "disk") as disk:
        db = disk / "ward.sqlite3"
        audit_id, items = make_audit(db, checklist)
        status, _, _ = run(capsys, "--db", str(db), "audit", "answer", audit_id, items[0], "yes")
        assert status == 0
        filler = fill(disk, leave=256 * 1024)
        before = contents(db)
        status, out, err = run(
            capsys, "--db", str(db), "audit", "answer", audit_id, items[1], "no",
            "--note", "n" * 1_500_000,
        )  # fmt: skip
        assert status == 1 and out == ""
        assert (
            f"wardaudit: error: the disk holding {disk} is full, so this change was NOT saved. "
            in err
        )
        assert (
            "Free some space on the laptop's disk, then try again: nothing saved before was lost."
            in err
        )
        assert RESTORE not in err and "damaged" not in err
        filler.unlink()
        assert contents(db) == before, "nothing half-saved"
        assert backups.is_good(db), "the file passes its integrity check"
        with Store.open(db) as store:
            answers = store.audits.get(audit_id).answers
            assert answers[items[0]].value == "yes" and items[1] not in answers
        status, out, _ = run(capsys, "--db", str(db), "audit", "answer", audit_id, items[1], "no")
        assert status == 0 and out.startswith("saved:")


def test_a_full_disk_raises_disk_full_in_the_store(tmp_path: Path, checklist: Checklist) -> None:
    with small_disk(tmp_path / "disk") as disk:
        db = disk / "ward.sqlite3"
        audit_id, items = make_audit(db, checklist)
        store = Store.open(db)
        try:
            store.audits.record_answer(audit_id, items[0], "yes")
            filler = fill(disk)
            with pytest.raises(DiskFull, match="this change was NOT saved") as refused:
                store.audits.record_answer(audit_id, items[1], "no", note="n" * 200_000)
            assert RESTORE not in str(refused.value)
            filler.unlink()
            record = store.audits.get(audit_id)
            assert record.answers[items[0]].value == "yes" and items[1] not in record.answers
        finally:
            store.close(backup=False)


def test_no_database_is_left_half_made_on_a_full_disk(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with small_disk(tmp_path / "disk") as disk:
        fill(disk)
        db = disk / "new.sqlite3"
        status, _, err = run(
            capsys, "--db", str(db), "wards", "add", "--site", "S", "--name", "W", "--sex", "male"
        )
        assert status == 1
        assert f"the disk holding {disk} is full, so no database could be made at {db}" in err
        assert RESTORE not in err
        assert not db.exists() and not Path(f"{db}-wal").exists()
        assert not Path(f"{db}-shm").exists()
        with pytest.raises(DiskFull):
            Store.open(db)
        assert not db.exists()


def test_an_upgrade_that_has_no_room_for_its_backup_changes_nothing(
    tmp_path: Path, checklist: Checklist
) -> None:
    from tests.core.store.test_safety import make_v1_database

    with small_disk(tmp_path / "disk") as disk:
        db = disk / "old.sqlite3"
        make_v1_database(db, checklist)
        with sqlite3.connect(db) as conn:  # a ward's worth of notes, so a backup needs room
            conn.executemany(
                "INSERT INTO answer_notes VALUES (1, ?, ?, '')",
                [(f"X{n:03d}", "n" * 2000) for n in range(200)],
            )
        before = digest(db)
        fill(disk, leave=96 * 1024)  # room to open it, not for its backup
        with pytest.raises(DiskFull, match="could not be upgraded") as refused:
            Store.open(db)
        assert "nothing was changed and nothing was lost" in str(refused.value)
        assert RESTORE not in str(refused.value)
        assert digest(db) == before
        assert not any(p.name.endswith(".partial") for p in disk.rglob("*"))


# --- a backup that fails after the change was saved ---------------------------------------------


def test_an_answer_saved_before_the_backup_fails_is_reported_saved(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], checklist: Checklist
) -> None:
    with small_disk(tmp_path / "disk", size="8m") as disk:
        db = disk / "ward.sqlite3"
        audit_id, items = make_audit(db, checklist, wards=40)
        for stray in backups.list_backups(db):
            stray.unlink()  # the first close made one; this run's close must make its own
        room = 192 * 1024
        assert db.stat().st_size > 2 * room
        fill(disk, leave=room)  # room for the answer, not for a copy of the database
        status, out, err = run(capsys, "--db", str(db), "audit", "answer", audit_id, items[0], "no")
        assert status == 0
        assert out.startswith(f"saved: {items[0]} No")
        assert f"wardaudit: warning: the backup of {db.name} was not made: the disk holding " in err
        assert "is full. Everything already entered is saved in the database." in err
        assert "wardaudit: error" not in err and RESTORE not in err
        folder = backups.backup_dir(db)
        assert not folder.exists() or not any(folder.iterdir()), "no half-written backup"
        with Store.open(db, readonly=True) as store:
            assert store.audits.get(audit_id).answers[items[0]].value == "no"


def test_every_write_command_succeeds_when_only_the_backup_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], checklist: Checklist
) -> None:
    need_root("to make the backups folder unchangeable")
    db = tmp_path / "ward.sqlite3"
    audit_id, items = make_audit(db, checklist)
    folder = backups.backup_dir(db)
    for old in backups.list_backups(db):
        old.unlink()
    chattr("+i", folder)
    try:
        common = ["--db", str(db)]
        commands = [
            ["wards", "add", "--site", "S", "--name", "Rowan", "--sex", "female"],
            ["audit", "start", "--ward", "Rowan", "--checklist", checklist.id],
            ["audit", "answer", audit_id, items[0], "yes", "--note", "fine"],
        ]
        commands += [["audit", "answer", audit_id, item, "yes"] for item in items[1:]]
        commands += [
            ["audit", "complete", audit_id, "--by", "A matron", "--role", "Matron"],
            ["audit", "amend", audit_id, items[0], "no", "--reason", "Seen again", "--by", "M"],
        ]
        for command in commands:
            status, _, err = run(capsys, *common, *command)
            assert status == 0, (command, err)
            assert "wardaudit: warning: the backup of ward.sqlite3 was not made: WardAudit " in err
            assert "cannot write to the backups folder" in err and "wardaudit: error" not in err
    finally:
        chattr("-i", folder)
    with Store.open(db, readonly=True) as store:
        record = store.audits.get(audit_id)
        assert record.audit.status == "completed" and record.answers[items[0]].value == "no"
        assert store.wards.get("Rowan").name == "Rowan"


# --- read-only disks, folders and files ----------------------------------------------------------


def test_a_read_only_disk_refuses_writing_and_still_reads(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], checklist: Checklist
) -> None:
    with small_disk(tmp_path / "disk") as disk:
        db = disk / "ward.sqlite3"
        audit_id, items = make_audit(db, checklist)
        before = digest(db)
        names = listing(disk)
        remount(disk, "ro")
        status, _, err = run(capsys, "--db", str(db), "audit", "answer", audit_id, items[0], "yes")
        assert status == 1
        assert err.startswith(
            f"wardaudit: error: WardAudit cannot write to this folder: {disk} is on a disk that "
            "is read-only"
        )
        assert "Nothing was changed." in err and RESTORE not in err and "full" not in err
        with pytest.raises(DatabaseReadOnly):
            Store.open(db)
        status, out, err = run(capsys, "--db", str(db), "wards", "list", "--json")
        assert status == 0, err
        assert [w["name"] for w in json.loads(out)] == ["Ward 0"]
        status, out, _ = run(capsys, "--db", str(db), "audits", "show", audit_id, "--json")
        assert status == 0 and json.loads(out)["id"] == audit_id
        remount(disk, "rw")
        assert digest(db) == before and listing(disk) == names


def answer_refused_to_nobody(db: Path, audit_id: str, item: str, home: Path, said: str) -> None:
    """Another user account's answer is refused with a message starting ``said``, without
    the advice to restore, and the database file is not changed."""
    before = digest(db)
    done = wardaudit_as(NOBODY, ["--db", str(db), "audit", "answer", audit_id, item, "yes"], home)
    assert done.returncode == 1
    assert done.stderr.startswith(said)
    assert RESTORE not in done.stderr and digest(db) == before


def test_a_folder_she_may_not_write_is_named(checklist: Checklist) -> None:
    need_root("to run as another user account")
    with open_folder() as home:
        shared = home / "shared"
        shared.mkdir()
        db = shared / "ward.sqlite3"
        audit_id, items = make_audit(db, checklist)
        for leftover in shared.iterdir():
            if leftover != db:
                shutil.rmtree(leftover) if leftover.is_dir() else leftover.unlink()
        db.chmod(0o666)  # the file would let her, the folder (root's, 0755) does not
        answer_refused_to_nobody(
            db,
            audit_id,
            items[0],
            home,
            f"wardaudit: error: WardAudit cannot write to this folder: {shared} does not let "
            "you create or change files there. Nothing was changed.",
        )
        assert listing(shared) == ["ward.sqlite3"]


def test_a_database_file_marked_read_only_is_named(checklist: Checklist) -> None:
    need_root("to run as another user account")
    with open_folder() as home:
        mine = home / "mine"
        mine.mkdir()
        db = mine / "ward.sqlite3"
        audit_id, items = make_audit(db, checklist)
        shutil.rmtree(backups.backup_dir(db))
        for path in (mine, db, *mine.iterdir()):
            os.chown(path, NOBODY, NOBODY)
        db.chmod(0o444)  # her own file, marked read-only
        answer_refused_to_nobody(
            db,
            audit_id,
            items[0],
            home,
            f"wardaudit: error: WardAudit cannot write to the database file {db}: it is marked "
            "read-only. Nothing was changed. Clear the read-only mark",
        )
        reading = wardaudit_as(NOBODY, ["--db", str(db), "wards", "list"], home)
        assert reading.returncode == 0 and "Ward 0" in reading.stdout


def test_an_unchangeable_database_file_is_refused_before_anything_is_written(
    db_path: Path, checklist: Checklist
) -> None:
    need_root("to mark a file unchangeable")
    audit_id, items = make_audit(db_path, checklist)
    chattr("+i", db_path)
    try:
        with pytest.raises(DatabaseReadOnly, match=r"it is marked read-only\. Nothing was changed"):
            Store.open(db_path)
    finally:
        chattr("-i", db_path)
    with Store.open(db_path) as store:
        assert items[0] not in store.audits.get(audit_id).answers


# --- the wrong thing at the path -------------------------------------------------------------


def test_a_folder_given_as_the_database_is_refused_and_nothing_is_made(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "WardAudit"
    folder.mkdir()
    for command in (
        ["wards", "list"],
        ["wards", "add", "--site", "S", "--name", "W", "--sex", "male"],
    ):
        status, _, err = run(capsys, "--db", str(folder), *command)
        assert status == 1
        assert err == (
            f"wardaudit: error: {folder} is a folder, not a database file. Nothing was "
            "changed. Give the path of the database file itself, such as "
            f"{folder / 'wardaudit.sqlite3'}.\n"
        )
    with pytest.raises(DatabasePathUnusable):
        Store.open(folder)
    assert listing(tmp_path) == ["WardAudit"] and listing(folder) == []


def test_a_path_through_a_file_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("a file, not a folder")
    status, _, err = run(capsys, "--db", str(notes / "ward.sqlite3"), "wards", "add",
                         "--site", "S", "--name", "W", "--sex", "male")  # fmt: skip
    assert status == 1
    assert f"wardaudit: error: {notes} is a file, not a folder, so there can be no database" in err
    with pytest.raises(DatabasePathUnusable):
        Store.open(notes / "deeper" / "ward.sqlite3")
    assert listing(tmp_path) == ["notes.txt"]


def test_a_name_too_long_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for path in (tmp_path / ("w" * 300 + ".sqlite3"), tmp_path / "/".join(["d" * 200] * 25) / "w"):
        status, _, err = run(capsys, "--db", str(path), "wards", "add",
                             "--site", "S", "--name", "W", "--sex", "male")  # fmt: skip
        assert status == 1
        assert "is too long for this computer" in err and "Choose a shorter" in err
        with pytest.raises(DatabasePathUnusable, match="too long"):
            Store.open(path)
    assert listing(tmp_path) == []


def test_a_database_open_in_another_copy_is_refused(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with Store.open(db_path) as holder:
        holder.wards.add(site="S", name="W", sex="male")
        status, _, err = run(capsys, "--db", str(db_path), "wards", "add",
                             "--site", "S", "--name", "X", "--sex", "male")  # fmt: skip
        assert status == 1 and "already open in another copy of WardAudit" in err
        assert RESTORE not in err
        with pytest.raises(DatabaseInUse):
            Store.open(db_path)
    with Store.open(db_path, readonly=True) as store:
        assert [w.name for w in store.wards.list()] == ["W"]


# --- a damaged, an empty and a lost database --------------------------------------------------------


def _scribble(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(path.read_bytes())
    for offset in range(2 * 4096, len(data) - 4096, 4096):
        data[offset + 8 : offset + 200] = os.urandom(192)
    path.write_bytes(bytes(data))


def test_only_a_damaged_database_is_given_the_advice_to_restore(
    db_path: Path, capsys: pytest.CaptureFixture[str], checklist: Checklist
) -> None:
    make_audit(db_path, checklist, wards=20)
    made = backups.list_backups(db_path)
    assert made
    _scribble(db_path)
    before = digest(db_path)
    for command in (
        ["wards", "list"],
        ["wards", "add", "--site", "S", "--name", "W", "--sex", "male"],
    ):
        status, _, err = run(capsys, "--db", str(db_path), *command)
        assert status == 1
        assert err.startswith(f"wardaudit: error: the database {db_path} is damaged")
        assert f'{RESTORE} "{made[0]}"' in err and "Nothing has been changed" in err
    assert digest(db_path) == before


def test_an_empty_file_is_a_new_database_unless_backups_say_it_held_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "ward.sqlite3"
    db.touch()
    status, _, err = run(capsys, "--db", str(db), "wards", "list")
    assert status == 1 and f"wardaudit: error: the file {db} is empty; nothing was created" in err
    assert db.stat().st_size == 0 and listing(tmp_path) == ["ward.sqlite3"]
    status, _, err = run(capsys, "--db", str(db), "wards", "add", "--site", "S", "--name", "W",
                         "--sex", "male")  # fmt: skip
    assert status == 0, err
    # Emptied after it held wards (a sync tool, a failed copy): damaged, never started afresh.
    db.write_bytes(b"")
    for suffix in ("-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    with pytest.raises(DatabaseDamaged, match="the file is empty") as refused:
        Store.open(db)
    assert RESTORE in str(refused.value)
    status, _, err = run(capsys, "--db", str(db), "wards", "add", "--site", "S", "--name", "X",
                         "--sex", "male")  # fmt: skip
    assert status == 1 and "damaged (the file is empty (0 bytes), yet there are backups" in err
    assert db.stat().st_size == 0


def test_a_journal_left_without_its_database_is_never_built_over(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "ward.sqlite3"
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA wal_autocheckpoint = 0")
    conn.execute("CREATE TABLE answers(note TEXT)")
    conn.execute("INSERT INTO answers VALUES ('the latest answer')")
    # the database is copied away while its journal still holds the latest changes
    journal = Path(f"{db}-wal")
    kept = journal.read_bytes()
    conn.close()
    db.unlink()
    journal.write_bytes(kept)
    names = listing(tmp_path)
    for command in (
        ["wards", "list"],
        ["wards", "add", "--site", "S", "--name", "W", "--sex", "male"],
    ):
        status, _, err = run(capsys, "--db", str(db), *command)
        assert status == 1
        assert err.startswith(
            f"wardaudit: error: there is no database at {db}, but its journal ward.sqlite3-wal"
        )
        assert "put it back beside its journal" in err
    with pytest.raises(JournalWithoutDatabase):
        Store.open(db)
    assert listing(tmp_path) == names and journal.read_bytes() == kept


# --- read-only commands never make a database -------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        ["wards", "list"],
        ["wards", "list", "--json"],
        ["audits", "list"],
        ["audits", "show", "0000", "--json"],
        ["export", "action-plan", "0000", "--pdf", "{out}/plan.pdf"],
        ["export", "actions", "--xlsx", "{out}/actions.xlsx"],
        ["export", "board", "--pdf", "{out}/board.pdf"],
        ["bundle", "export", "{out}/exchange.wardaudit"],
        ["backups", "list"],
    ],
)
def test_a_command_that_only_reads_creates_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    data = tmp_path / "data"
    data.mkdir()
    db = data / "wardaudit.sqlite3"
    filled = [part.replace("{out}", str(out)) for part in command]
    status, stdout, err = run(capsys, "--db", str(db), *filled)
    assert status == 1 and stdout == ""
    assert err == (
        f"wardaudit: error: there is no WardAudit database at {db}; nothing was created. To "
        "make one, open the WardAudit app on it, or try WardAudit with a fictional trust: "
        f'wardaudit --db "{db}" demo\n'
    )
    assert listing(data) == [] and listing(out) == []


def test_the_default_folder_is_not_made_by_a_command_that_only_reads(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from wardaudit import paths

    home = tmp_path / "home"
    monkeypatch.setenv("XDG_DATA_HOME", str(home))
    status, _, err = run(capsys, "audits", "list")
    assert status == 1 and "there is no WardAudit database at" in err
    assert not home.exists() and not paths.default_db_path().parent.exists()
    with pytest.raises(DatabaseMissing):
        Store.open(tmp_path / "absent.sqlite3", readonly=True)
    assert listing(tmp_path) == []


def test_backups_are_listed_when_the_database_is_gone(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with Store.open(db_path) as store:
        store.wards.add(site="S", name="W", sex="male")
    [made] = backups.list_backups(db_path)
    for path in (db_path, Path(f"{db_path}-wal"), Path(f"{db_path}-shm")):
        path.unlink(missing_ok=True)
    status, out, err = run(capsys, "--db", str(db_path), "backups", "list")
    assert status == 0 and out.strip() == str(made)
    assert f"wardaudit: warning: there is no database at {db_path}; these are backups" in err
    assert not db_path.exists()


# --- a risky place and an unexplained disk error ----------------------------------------------------


def test_a_database_on_a_network_drive_works_with_a_warning(
    db_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # No network share can be mounted here; the mount table's answer is the narrowest point.
    monkeypatch.setattr(location, "_mount_type", lambda path: "cifs")
    status, out, err = run(capsys, "--db", str(db_path), "wards", "add", "--site", "S",
                           "--name", "W", "--sex", "male")  # fmt: skip
    assert status == 0 and out.strip()
    assert (
        f"wardaudit: warning: the database {db_path} is on a network drive. SQLite databases "
        "can be corrupted on network drives" in err
    )


def test_a_disk_error_that_is_neither_full_nor_read_only_says_so(db_path: Path) -> None:
    from wardaudit.errors import DiskError
    from wardaudit.store.database import explain

    failure = sqlite3.OperationalError("disk I/O error")
    failure.sqlite_errorcode = 10 | (3 << 8)  # type: ignore[attr-defined]  # SQLITE_IOERR_WRITE
    failure.sqlite_errorname = "SQLITE_IOERR_WRITE"  # type: ignore[attr-defined]
    db_path.touch()
    error = explain(db_path, failure, "save")
    assert isinstance(error, DiskError) and not isinstance(error, DiskFull)
    assert "reported an error (disk I/O error). This change was NOT saved" in str(error)
    assert RESTORE not in str(error)
