"""Files are written whole or not at all: a failed export leaves nothing half-written."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

import exports.pdf.base
import exports.xlsx.action_plan
from exports import atomic, pdf, xlsx
from exports.atomic import atomic_write
from wardaudit.errors import ExportFailed, WardAuditError
from wardaudit.model import AuditRecord


def test_the_file_appears_only_when_written_whole(tmp_path: Path) -> None:
    target = tmp_path / "plan.pdf"
    with atomic_write(target) as temporary:
        assert temporary.parent == tmp_path
        assert not target.exists()
        temporary.write_bytes(b"whole")
    assert target.read_bytes() == b"whole"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.pdf"]


def test_a_failing_writer_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "plan.xlsx"
    target.write_bytes(b"last week's plan")
    with pytest.raises(RuntimeError), atomic_write(target) as temporary:
        temporary.write_bytes(b"half a fi")
        raise RuntimeError("the writer broke")
    assert target.read_bytes() == b"last week's plan"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.xlsx"]


def test_a_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    with (
        pytest.raises(ExportFailed, match="does not exist"),
        atomic_write(tmp_path / "no" / "x.pdf"),
    ):
        pass
    assert list(tmp_path.iterdir()) == []


def test_a_folder_that_cannot_be_written_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: object, **kwargs: object) -> int:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(atomic.os, "open", refuse)
    with pytest.raises(ExportFailed, match="permission denied"), atomic_write(tmp_path / "x.pdf"):
        pass
    assert list(tmp_path.iterdir()) == []


def test_a_full_disk_is_a_clear_error_and_leaves_nothing(tmp_path: Path) -> None:
    with (
        pytest.raises(ExportFailed, match="full") as caught,
        atomic_write(tmp_path / "x.pdf") as temporary,
    ):
        temporary.write_bytes(b"part")
        raise OSError(errno.ENOSPC, "No space left on device")
    assert isinstance(caught.value, WardAuditError)
    assert list(tmp_path.iterdir()) == []


def test_a_folder_given_as_the_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ExportFailed, match="is a folder"), atomic_write(tmp_path):
        pass


def test_a_pdf_export_that_fails_part_way_leaves_no_file(
    tmp_path: Path, small_record: AuditRecord, monkeypatch: pytest.MonkeyPatch
) -> None:
    pages = []

    def broken(self: object, canvas: object, doc: object) -> None:
        pages.append(canvas)
        if len(pages) == 2:
            raise RuntimeError("the second page failed")

    monkeypatch.setattr(exports.pdf.base.Furniture, "draw", broken)
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(RuntimeError):
        pdf.write_action_plan(small_record, out / "plan.pdf")
    assert len(pages) == 2
    assert list(out.iterdir()) == []


def test_a_workbook_export_that_fails_part_way_leaves_no_file(
    tmp_path: Path, small_record: AuditRecord, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(book: object, record: AuditRecord, printing: object) -> None:
        raise RuntimeError("answers failed")

    monkeypatch.setattr(exports.xlsx.action_plan, "_answers", broken)
    out = tmp_path / "out"
    out.mkdir()
    # A temporary folder of this test's own: others on the machine write theirs to /tmp.
    streams = tmp_path / "tmp"
    streams.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(streams))
    with pytest.raises(RuntimeError):
        xlsx.write_action_plan(small_record, out / "plan.xlsx")
    assert list(out.iterdir()) == []
    assert list(streams.glob("openpyxl.*")) == []


_KILLED_EXPORT = """
import os, signal, sys
from exports.atomic import atomic_write
with atomic_write(sys.argv[1]) as temporary:
    temporary.write_bytes(b"half a document")
    print("writing", flush=True)
    if sys.argv[2] == "die":
        os.kill(os.getpid(), signal.SIGKILL)
    sys.stdin.readline()  # a long export, still running
"""


def _export_process(target: Path, how: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    process = subprocess.Popen(
        [sys.executable, "-c", _KILLED_EXPORT, str(target), how],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert process.stdout is not None and process.stdout.readline().strip() == "writing"
    return process


def _age(path: Path, seconds: float) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then))


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_the_next_export_clears_what_a_killed_one_left(tmp_path: Path) -> None:
    killed = _export_process(tmp_path / "plan.pdf", "die")
    killed.communicate()
    assert killed.returncode == -signal.SIGKILL
    [stray] = [p for p in tmp_path.iterdir() if p.name.endswith(".part")]
    assert stray.name.startswith(".plan.pdf.")
    # a moment later another export runs: a temporary so fresh might still be written
    with atomic_write(tmp_path / "board.pdf") as temporary:
        temporary.write_bytes(b"board")
    assert stray.exists()
    # ... an hour later, the next export tidies it away
    _age(stray, 3600)
    with atomic_write(tmp_path / "board.pdf") as temporary:
        temporary.write_bytes(b"board again")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["board.pdf"]


@pytest.mark.skipif(sys.platform == "win32", reason="locks on open files differ on Windows")
def test_a_temporary_another_export_is_writing_is_never_removed(tmp_path: Path) -> None:
    running = _export_process(tmp_path / "actions.xlsx", "wait")
    try:
        [busy] = [p for p in tmp_path.iterdir() if p.name.endswith(".part")]
        _age(busy, 3600)  # a slow export: its temporary has not changed for an hour
        assert atomic.remove_stale_temporaries(tmp_path) == []
        assert busy.exists()
    finally:
        running.communicate(input="\n")
    assert running.returncode == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["actions.xlsx"]


def test_only_temporaries_of_our_own_naming_are_removed(tmp_path: Path) -> None:
    ours = tmp_path / ".plan.pdf.0123456789ab.part"
    theirs = [
        ".plan.pdf.part",  # another program's
        "plan.pdf.0123456789ab.part",  # not hidden
        ".plan.pdf.0123456789AB.part",  # not our hex
        ".plan.pdf.0123456789ab.part.bak",
        "notes.txt",
    ]
    for name in [ours.name, *theirs]:
        (tmp_path / name).write_bytes(b"x")
        _age(tmp_path / name, 3600)
    (tmp_path / ".dir.0123456789ab.part").mkdir()
    link = tmp_path / ".link.0123456789ab.part"
    link.symlink_to(tmp_path / "notes.txt")
    assert atomic.remove_stale_temporaries(tmp_path) == [ours]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [*theirs, ".dir.0123456789ab.part", ".link.0123456789ab.part"]
    )
