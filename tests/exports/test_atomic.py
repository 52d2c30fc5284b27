"""Files are written whole or not at all: a failed export leaves nothing half-written."""

from __future__ import annotations

import errno
import tempfile
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
    def broken(book: object, record: AuditRecord) -> None:
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
