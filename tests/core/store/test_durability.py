"""A killed process loses no acknowledged answer or photo, and the database stays sound."""

from __future__ import annotations

import hashlib
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from wardaudit.checklist import Checklist
from wardaudit.store import Store

# The file itself: its lock, its integrity check, its backups, its upgrades.
pytestmark = pytest.mark.sqlite_only

WRITER = Path(__file__).with_name("_answer_writer.py")
RUNS = 30


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_sigkill_at_random_moments_loses_no_acknowledged_answer_or_photo(
    tmp_path: Path, checklist: Checklist
) -> None:
    db = tmp_path / "durable.sqlite3"
    with Store.open(db) as store:
        for n, sex in enumerate(["male", "female", "mixed"]):
            store.wards.add(site="Ashcombe", name=f"Ward {n}", sex=sex)
            store.audits.start(f"Ward {n}", checklist)
    rng = random.Random(2018)
    checked = checked_photos = 0
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[3])}
    for run in range(RUNS):
        writer = subprocess.Popen(
            [sys.executable, str(WRITER), str(db), str(run)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        assert writer.stdout is not None
        assert writer.stdout.readline().strip() == "ready", (
            writer.stderr.read() if writer.stderr else ""
        )
        time.sleep(rng.uniform(0.0, 0.25))
        writer.send_signal(signal.SIGKILL)
        out, _ = writer.communicate()
        assert writer.returncode == -signal.SIGKILL
        # For each answer, the newest 'saved' line must be in the database, unless a newer
        # 'intent' (written but not yet acknowledged when the kill came) replaced it.
        saved: dict[tuple[str, str], tuple[str, str]] = {}
        photos: dict[str, str] = {}
        in_flight: tuple[str, str, str, str] | None = None
        for line in out.splitlines():
            parts = line.split()
            if len(parts) != 5:
                continue  # the kill can cut the last line short
            kind, audit_id, item, value, note = parts
            if kind == "saved":
                saved[(audit_id, item)] = (value, note)
                in_flight = None
            elif kind == "intent":
                in_flight = (audit_id, item, value, note)
            elif kind == "photo":
                photos[audit_id] = item  # its id and the SHA-256 of its bytes
        with Store.open(db) as store:
            assert store._db.conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
            for (audit_id, item), (value, note) in saved.items():
                stored = store.audits.get(audit_id).answers[item]
                allowed = {(value, note)}
                if in_flight and in_flight[:2] == (audit_id, item):
                    allowed.add((in_flight[2], in_flight[3]))
                assert (stored.value, stored.note) in allowed, (run, item)
                checked += 1
            for photo_id, sha256 in photos.items():
                data = store.photos.data(photo_id)  # checked against its digest as it is read
                assert hashlib.sha256(data).hexdigest() == sha256, (run, photo_id)
                checked_photos += 1
            # No record refers to a photo that is not there, acknowledged or not.
            assert store.photos.check().problems == (), run
    assert checked > RUNS, "the writer must have acknowledged answers before being killed"
    assert checked_photos > RUNS // 3, "... and photos"
