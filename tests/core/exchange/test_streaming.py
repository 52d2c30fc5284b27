"""Exchange files streamed: photos straight from the store into the archive (stored, not
compressed again), memory that does not grow with the file, exports that carry what the
destination lacks, and a cancelled export that leaves nothing."""

from __future__ import annotations

import hashlib
import io
import json
import random
import time
import tracemalloc
import zipfile
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

import wardaudit.exchange.read as read
from wardaudit.checklist import Checklist
from wardaudit.cli import main
from wardaudit.errors import BundleRefused, Cancelled, PhotoUnreadable
from wardaudit.exchange import export_bundle, import_bundle, limits
from wardaudit.exchange.limits import Limits
from wardaudit.exchange.write import last_export_to
from wardaudit.store import Store
from wardaudit.store.photos import NewPhoto


def jpeg(seed: int, side: int = 200) -> bytes:
    """A real JPEG of noise (so it weighs what its pixels do)."""
    rng = random.Random(seed)
    image = Image.frombytes("RGB", (side, side), rng.randbytes(side * side * 3))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=90)
    return out.getvalue()


def signed_off_audit(
    store: Store, checklist: Checklist, ward: str, photos: int, *, seed: int = 0, side: int = 200
) -> str:
    """A signed-off audit of a new ward with ``photos`` photos on its findings."""
    store.wards.add(site="Ashcombe", name=ward, sex="mixed")
    items = checklist.applicable_items("mixed")
    failing = [i.id for i in items if not i.critical][:3]
    answers = {i.id: ("no" if i.id in failing else "yes", "", "") for i in items}
    return store.audits.import_completed(
        ward,
        checklist,
        answers=answers,  # type: ignore[arg-type]
        started_at="2026-11-02T09:00:00+00:00",
        completed_at="2026-11-02T10:00:00+00:00",
        by="A matron",
        role="Matron",
        photos=[
            NewPhoto(failing[n % 3], jpeg(seed * 1000 + n, side), f"p{n}.jpg", side, side)
            for n in range(photos)
        ],
    )


def test_photos_go_into_the_archive_stored_as_they_are(
    tmp_path: Path, checklist: Checklist
) -> None:
    with Store.open(tmp_path / "laptop.sqlite3") as store:
        signed_off_audit(store, checklist, "Juniper Ward", 3)
        export_bundle(store, tmp_path / "out.wabundle")
    with zipfile.ZipFile(tmp_path / "out.wabundle") as archive:
        photos = [i for i in archive.infolist() if i.filename.startswith("photos/")]
        assert len(photos) == 3
        assert all(i.compress_type == zipfile.ZIP_STORED for i in photos)
        assert archive.getinfo("records.json").compress_type == zipfile.ZIP_DEFLATED


def _export_peak(tmp_path: Path, checklist: Checklist, photos: int) -> tuple[int, int]:
    """(peak bytes Python allocated while exporting, the file's size)."""
    with Store.open(tmp_path / f"trust-{photos}.sqlite3") as store:
        signed_off_audit(store, checklist, "Juniper Ward", photos, seed=photos, side=400)
        target = tmp_path / f"out-{photos}.wabundle"
        tracemalloc.start()
        try:
            export_bundle(store, target)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    return peak, target.stat().st_size


def test_exporting_holds_no_more_in_memory_for_a_file_four_times_the_size(
    tmp_path: Path, checklist: Checklist
) -> None:
    small_peak, small_size = _export_peak(tmp_path, checklist, 10)
    large_peak, large_size = _export_peak(tmp_path, checklist, 40)
    assert large_size > 3.5 * small_size
    assert large_peak < small_peak * 1.25 + 256 * 1024, (small_peak, large_peak)
    assert large_peak < large_size / 2, "the photos were never all in memory"


def test_by_default_an_export_carries_what_its_destination_has_not_had(
    tmp_path: Path, checklist: Checklist
) -> None:
    laptop = Store.open(tmp_path / "laptop.sqlite3")
    board = Store.open(tmp_path / "board.sqlite3")
    try:
        signed_off_audit(laptop, checklist, "Juniper Ward", 2, seed=1)
        first = export_bundle(laptop, tmp_path / "to-board.wabundle")
        assert (first["audits"], first["photos"]) == (1, 2)
        assert import_bundle(board, tmp_path / "to-board.wabundle").new_audits == 1
        later = signed_off_audit(laptop, checklist, "Rowan Ward", 1, seed=2)
        second = export_bundle(laptop, tmp_path / "to-board.wabundle")
        assert (second["audits"], second["photos"]) == (1, 1), "only the new audit"
        plan = import_bundle(board, tmp_path / "to-board.wabundle")
        assert plan.new_audits == 1 and later in {a.id for a in board.audits.list()}
        # An action moved on after sign-off travels as history, with its audit.
        action = laptop.actions.list(audit=later)[0]
        laptop.actions.set_status(action.id, "done", note="Fixed")
        third = export_bundle(laptop, tmp_path / "to-board.wabundle")
        assert third["audits"] == 1 and third["events"] >= 1
        import_bundle(board, tmp_path / "to-board.wabundle")
        assert board.records.fingerprint() == laptop.records.fingerprint()
        nothing = export_bundle(laptop, tmp_path / "to-board.wabundle")
        assert nothing["audits"] == 0
        # Another destination has had nothing yet; and everything is one choice away.
        assert export_bundle(laptop, tmp_path / "to-tablet.wabundle")["audits"] == 2
        assert export_bundle(laptop, tmp_path / "x.wabundle", destination="to-board")["audits"] == 0
        assert export_bundle(laptop, tmp_path / "to-board.wabundle", everything=True)["audits"] == 2
        mark = last_export_to(laptop, "to-board")
        assert mark is not None and mark.file == "to-board.wabundle"
    finally:
        laptop.close(backup=False)
        board.close(backup=False)


def test_the_command_line_exports_what_is_new_or_everything(
    tmp_path: Path, checklist: Checklist, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "laptop.sqlite3"
    with Store.open(db) as store:
        signed_off_audit(store, checklist, "Juniper Ward", 1)
    out = tmp_path / "board.wabundle"
    assert main(["--db", str(db), "bundle", "export", str(out)]) == 0
    assert "1 audit(s)" in capsys.readouterr().out
    assert main(["--db", str(db), "bundle", "export", str(out)]) == 0
    said = capsys.readouterr().out
    assert "0 audit(s)" in said and "--all" in said
    assert main(["--db", str(db), "bundle", "export", str(out), "--all"]) == 0
    assert "1 audit(s)" in capsys.readouterr().out
    assert (
        main(["--db", str(db), "bundle", "export", str(out), "--all", "--since", "2026-01-01"]) == 1
    )


def test_a_cancelled_export_leaves_no_file_and_records_nothing(
    tmp_path: Path, checklist: Checklist
) -> None:
    with Store.open(tmp_path / "laptop.sqlite3") as store:
        signed_off_audit(store, checklist, "Juniper Ward", 6)
        target = tmp_path / "board.wabundle"
        seen: list[int] = []

        def cancel_half_way(what: str, done: int, total: int) -> None:
            seen.append(done)
            if done > total / 2:
                raise Cancelled("stopped")

        with pytest.raises(Cancelled, match="no exchange file was written"):
            export_bundle(store, target, progress=cancel_half_way)
        assert len(seen) > 2
        assert not target.exists()
        assert sorted(p.name for p in tmp_path.iterdir() if "partial" in p.name) == []
        assert last_export_to(store, "board") is None
        assert export_bundle(store, target)["audits"] == 1, "nothing was marked as sent"


def test_a_damaged_photo_stops_the_export_rather_than_travel(
    tmp_path: Path, checklist: Checklist
) -> None:
    with Store.open(tmp_path / "laptop.sqlite3") as store:
        audit = signed_off_audit(store, checklist, "Juniper Ward", 2)
        photo = store.audits.get(audit).photos[0]
        sha256, _ = store.photos.digest(photo.id)
        (store.photo_folder / sha256[:2] / sha256).write_bytes(jpeg(99))
        target = tmp_path / "board.wabundle"
        with pytest.raises(PhotoUnreadable, match="check --photos"):
            export_bundle(store, target)
        assert not target.exists()
        assert not [p for p in tmp_path.iterdir() if "partial" in p.name]


def _import_peak(tmp_path: Path, checklist: Checklist, photos: int) -> tuple[int, int]:
    with Store.open(tmp_path / f"from-{photos}.sqlite3") as store:
        signed_off_audit(store, checklist, "Juniper Ward", photos, seed=photos, side=400)
        bundle = tmp_path / f"in-{photos}.wabundle"
        export_bundle(store, bundle)
    with Store.open(tmp_path / f"into-{photos}.sqlite3") as target:
        tracemalloc.start()
        try:
            plan = import_bundle(target, bundle)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert plan.new_photos == photos
        assert target.photos.check().problems == ()
    return peak, bundle.stat().st_size


def test_importing_holds_no_more_in_memory_for_a_file_four_times_the_size(
    tmp_path: Path, checklist: Checklist, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Checks slower than the reading, as on a laptop whose decoder is busy: the reader runs
    # as far ahead of them as it ever may in both files, and no further in the larger.
    real_check = limits.check_photo

    def slow_check(*args: Any, **kwargs: Any) -> None:
        time.sleep(0.01)
        real_check(*args, **kwargs)

    monkeypatch.setattr("wardaudit.exchange.check.check_photo", slow_check)
    small_peak, small_size = _import_peak(tmp_path, checklist, 20)
    large_peak, large_size = _import_peak(tmp_path, checklist, 80)
    assert large_size > 3.5 * small_size
    assert large_peak < small_peak * 1.25 + 256 * 1024, (small_peak, large_peak)
    assert large_peak < large_size / 2, "the photos were never all in memory"


def test_photos_stream_into_the_photo_folder_so_keeping_one_is_a_rename(
    tmp_path: Path, checklist: Checklist
) -> None:
    with Store.open(tmp_path / "laptop.sqlite3") as laptop:
        signed_off_audit(laptop, checklist, "Juniper Ward", 4)
        export_bundle(laptop, tmp_path / "in.wabundle")
    with Store.open(tmp_path / "board.sqlite3") as board:
        streaming: list[int] = []

        def look(what: str, done: int, total: int) -> None:
            streaming.append(len(list(board.photo_folder.glob(".incoming-*"))))

        import_bundle(board, tmp_path / "in.wabundle", progress=look)
        assert max(streaming) == 4, "each photo waits in the photo folder itself"
        assert not list(board.photo_folder.glob("**/.incoming-*")), "and is renamed into place"
        assert board.photos.check().checked == 4


def _nothing_kept(board: Store) -> None:
    assert board.audits.list() == []
    assert not [
        p for p in board.photo_folder.rglob("*") if p.is_file() and not p.name.startswith(".open-")
    ]


def test_a_cancelled_or_refused_import_keeps_no_photo_and_no_record(
    tmp_path: Path, checklist: Checklist
) -> None:
    with Store.open(tmp_path / "laptop.sqlite3") as laptop:
        signed_off_audit(laptop, checklist, "Juniper Ward", 6)
        export_bundle(laptop, tmp_path / "in.wabundle")
    with Store.open(tmp_path / "board.sqlite3") as board:

        def cancel_half_way(what: str, done: int, total: int) -> None:
            if done > total / 2:
                raise Cancelled("stopped")

        with pytest.raises(Cancelled):
            import_bundle(board, tmp_path / "in.wabundle", progress=cancel_half_way)
        _nothing_kept(board)

        def cancel_before_the_records(what: str, done: int, total: int) -> None:
            if what.startswith("Saving") and done == total:
                raise Cancelled("stopped")

        with pytest.raises(Cancelled):
            import_bundle(board, tmp_path / "in.wabundle", progress=cancel_before_the_records)
        _nothing_kept(board)
        # A photo altered in the file (its manifest re-signed to match): refused whole.
        altered = tmp_path / "altered.wabundle"
        with (
            zipfile.ZipFile(tmp_path / "in.wabundle") as source,
            zipfile.ZipFile(altered, "w") as target,
        ):
            names = source.namelist()
            photo = next(n for n in names if n.startswith("photos/"))
            manifest = json.loads(source.read("manifest.json"))
            for name in names:
                data = source.read(name)
                if name == photo:
                    data = jpeg(12345)
                    manifest["files"][name] = hashlib.sha256(data).hexdigest()
                if name != "manifest.json":
                    target.writestr(name, data)
            target.writestr("manifest.json", json.dumps(manifest))
        with pytest.raises(BundleRefused, match="is not the picture its record describes"):
            import_bundle(board, altered)
        _nothing_kept(board)
        assert import_bundle(board, tmp_path / "in.wabundle").new_photos == 6


def test_a_photo_over_the_cap_is_refused_and_leaves_nothing_in_the_photo_folder(
    tmp_path: Path, checklist: Checklist
) -> None:
    with Store.open(tmp_path / "laptop.sqlite3") as laptop:
        signed_off_audit(laptop, checklist, "Juniper Ward", 2, side=400)
        export_bundle(laptop, tmp_path / "in.wabundle")
    small = Limits(max_photo_bytes=10_000)
    with Store.open(tmp_path / "board.sqlite3") as board:
        with (
            board.photos.receiving() as receiver,
            pytest.raises(BundleRefused, match="more than WardAudit ever writes"),
        ):
            read.read_bundle(tmp_path / "in.wabundle", small, receiver=receiver)
        _nothing_kept(board)
