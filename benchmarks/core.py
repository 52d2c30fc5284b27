"""Core figures: saving one answer durably, scoring and opening a 50,000-audit database."""

from __future__ import annotations

import json
import random
import sqlite3
import time
import uuid
from pathlib import Path

from benchmarks.harness import Result, p95
from wardaudit.checklist import Checklist, load_library
from wardaudit.scoring import Packing
from wardaudit.store import Store

AUDITS_50K = 50_000


def _checklist() -> Checklist:
    return load_library([]).latest("sexual-safety-environment")


def answer_save(workdir: Path, quick: bool) -> list[Result]:
    """p95 of Store.record_answer against a bare sqlite3 upsert + commit on the same disk.

    The store's side is a matron's walk-round: each item of an audit answered once, mostly
    Yes, some Partly or No (which raise their action in the same transaction), audit after
    audit. The bare side upserts one changed row and commits, interleaved with ours so both
    see the same disk and the same noise.
    """
    samples = 400 if quick else 1500
    checklist = _checklist()
    db = workdir / "answers.sqlite3"
    store = Store.open(db)
    items = checklist.applicable_items("mixed")
    wards = samples // len(items) + 1
    for n in range(wards):
        store.wards.add(site="Bench", name=f"Bench Ward {n}", sex="mixed")
    audits = [store.audits.start(f"Bench Ward {n}", checklist).id for n in range(wards)]
    rng = random.Random(1)

    bare = sqlite3.connect(workdir / "bare.sqlite3", isolation_level=None)
    bare.execute("PRAGMA journal_mode = WAL")
    bare.execute("PRAGMA synchronous = FULL")
    bare.execute(
        "CREATE TABLE answers(audit_id INTEGER, item_id TEXT, value TEXT, answered_at INTEGER,"
        " PRIMARY KEY (audit_id, item_id)) WITHOUT ROWID"
    )
    ours: list[float] = []
    plain: list[float] = []
    for n in range(samples):
        audit_id = audits[n // len(items)]
        item = items[n % len(items)]
        roll = rng.random()
        value = (
            "yes"
            if roll < 0.85
            else "na"
            if roll < 0.9
            else "no"
            if roll < 0.94 or item.critical
            else "partial"
        )
        start = time.perf_counter()
        store.audits.record_answer(audit_id, item.id, value)
        ours.append(time.perf_counter() - start)
        start = time.perf_counter()
        bare.execute("BEGIN IMMEDIATE")
        bare.execute(
            "INSERT INTO answers VALUES (?, ?, ?, ?) ON CONFLICT(audit_id, item_id)"
            " DO UPDATE SET value = excluded.value, answered_at = excluded.answered_at",
            (n // len(items), item.id, value, n),
        )
        bare.execute("COMMIT")
        plain.append(time.perf_counter() - start)
    store.close(backup=False)
    bare.close()
    ours_p95, plain_p95 = p95(ours) * 1000, p95(plain) * 1000
    return [
        Result("answer_save_p95_ms", ours_p95, "ms", None, None),
        Result("answer_save_p95_ratio", ours_p95 / plain_p95, "ratio", 1.5, plain_p95),
    ]


def build_50k(path: Path, audits: int = AUDITS_50K) -> Path:
    """A database of ``audits`` completed audits of the built-in checklist (~55 items each).

    Wards and the checklist go through the store; the audits are written in bulk with the
    rows the store writes for a signed-off audit (answers, the actions raised by No and
    Partly, the history event), so the file is the size and shape of a real board database.
    """
    if path.exists():
        return path
    checklist = _checklist()
    partial = path.with_name(path.name + ".building")
    partial.unlink(missing_ok=True)
    store = Store.open(partial)
    sexes = ["male", "female", "mixed"]
    for n in range(200):
        store.wards.add(site=f"Site {n % 6}", name=f"Ward {n:03d}", sex=sexes[n % 3])
    store.checklists.register(checklist)
    store.close(backup=False)
    conn = sqlite3.connect(partial, isolation_level=None)
    conn.execute("PRAGMA synchronous = OFF")
    (version_id,) = conn.execute(
        "SELECT id FROM checklist_versions WHERE content_hash = ?", (checklist.content_hash,)
    ).fetchone()
    ward_rows = conn.execute("SELECT id, sex FROM wards ORDER BY id").fetchall()
    applicable = {sex: checklist.applicable_items(sex) for sex in sexes}
    packing = Packing(checklist)
    rng = random.Random(50)
    conn.execute("BEGIN")
    for audit_rowid in range(1, audits + 1):
        ward_id, sex = ward_rows[audit_rowid % len(ward_rows)]
        month = audit_rowid % 24
        when = f"20{24 + month // 12}-{month % 12 + 1:02d}-15T10:00:00+00:00"
        packed = packing.blank()
        notes = []
        actions = []
        quality = rng.uniform(0.8, 0.99)  # about six actions an audit, as in the demo trust
        for item in applicable[sex]:
            roll = rng.random()
            if item.critical:
                value = "no" if roll > 0.995 else "yes"
            else:
                value = (
                    "yes"
                    if roll < quality
                    else "na"
                    if roll > 0.97
                    else "partial"
                    if roll < quality + 0.1
                    else "no"
                )
            packed = packing.put(packed, item.id, value)
            if value in ("no", "partial"):
                notes.append(
                    (
                        audit_rowid,
                        item.id,
                        "Seen on the walk-round; reported to the nurse in charge.",
                        "Bedroom corridor",
                    )
                )
                actions.append(
                    (
                        str(uuid.uuid4()),
                        audit_rowid,
                        item.id,
                        item.action,
                        item.owner,
                        item.risk.likelihood,
                        item.risk.consequence,
                        when[:10],
                        "done" if roll < 0.5 else "open",
                        when,
                        when,
                    )
                )
        conn.execute(
            "INSERT INTO audits(id, uuid, ward_id, checklist_version_id, status, started_at,"
            " started_by, completed_at, signed_by, signed_role, updated_at, ward_sex, answer_values)"
            " VALUES (?, ?, ?, ?, 'completed', ?, 'A matron', ?, 'A matron', 'Matron', ?, ?, ?)",
            (audit_rowid, str(uuid.uuid4()), ward_id, version_id, when, when, when, sex, packed),
        )
        conn.executemany("INSERT INTO answer_notes VALUES (?, ?, ?, ?)", notes)
        conn.executemany(
            "INSERT INTO actions(uuid, audit_id, item_id, description, owner, likelihood,"
            " consequence, due, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            actions,
        )
        conn.execute(
            "INSERT INTO events(uuid, at, kind, actor, audit_id, detail) VALUES (?, ?, ?, ?, ?, ?)",
            (
                str(uuid.uuid4()),
                when,
                "audit_completed",
                "A matron",
                audit_rowid,
                json.dumps({"role": "Matron"}),
            ),
        )
    conn.execute("COMMIT")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    partial.rename(path)
    return path


def plain_answers_table(db: Path, path: Path) -> sqlite3.Connection:
    """The same answers one row each, as a plain relational design would keep them."""
    if not path.exists():
        source = Store.open(db, readonly=True)
        audits = source.audits.completed_in_period("0000-01", "9999-12")
        source.close()
        weights = {item.id: item.weight_centi for item in audits[0].checklist.items()}
        partial = path.with_name(path.name + ".building")
        partial.unlink(missing_ok=True)
        conn = sqlite3.connect(partial, isolation_level=None)
        conn.execute("PRAGMA synchronous = OFF")
        conn.execute(
            "CREATE TABLE answers(audit_id INTEGER, item_id TEXT, value TEXT,"
            " weight_centi INTEGER, PRIMARY KEY (audit_id, item_id)) WITHOUT ROWID"
        )
        conn.execute("BEGIN")
        for audit_id, audit in enumerate(audits, start=1):
            conn.executemany(
                "INSERT INTO answers VALUES (?, ?, ?, ?)",
                [(audit_id, k, v, weights[k]) for k, v in audit.answer_values().items()],
            )
        conn.execute("COMMIT")
        conn.close()
        partial.rename(path)
    return sqlite3.connect(path)


def score_and_open_50k(workdir: Path, cache: Path, quick: bool) -> list[Result]:
    db = build_50k(cache / "board-50k.sqlite3")
    repeats = 2 if quick else 5
    # open, quick_check included (the store runs it at every open)
    opens = []
    for _ in range(repeats):
        start = time.perf_counter()
        store = Store.open(db)
        opens.append(time.perf_counter() - start)
        store.close(backup=False)
    plain = plain_answers_table(db, cache / "board-50k-plain.sqlite3")
    store = Store.open(db)
    scores = []
    baseline = []
    for _ in range(repeats):
        start = time.perf_counter()
        scored = store.audits.score_all()
        scores.append(time.perf_counter() - start)
        start = time.perf_counter()
        plain.execute(
            "SELECT audit_id, count(*), sum(CASE value WHEN 'yes' THEN 2 * weight_centi"
            " WHEN 'partial' THEN weight_centi ELSE 0 END) FROM answers GROUP BY audit_id"
        ).fetchall()
        baseline.append(time.perf_counter() - start)
    plain.close()
    assert len(scored) == AUDITS_50K
    store.close(backup=False)
    best_score, best_base = min(scores), min(baseline)
    return [
        Result("score_50k_s", best_score, "s", 1.0, None),
        Result("score_50k_ratio", best_score / best_base, "ratio", None, best_base),
        Result("open_50k_s", min(opens), "s", 1.0, None),
    ]
