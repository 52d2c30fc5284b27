"""Desktop app figures: start-up against a bare Qt window, and an answer key to 'Saved'."""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.harness import Result, p95
from wardaudit.checklist import load_library
from wardaudit.demo import build_demo_trust
from wardaudit.store import Store

PROBE = Path(__file__).with_name("_startup_probe.py")
ROOT = Path(__file__).resolve().parent.parent


def _time_to_ready(args: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, str(PROBE), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    assert process.stdout is not None
    line = process.stdout.readline().strip()
    elapsed = time.perf_counter() - start
    process.wait(timeout=30)
    if line != "ready":
        raise RuntimeError(f"the start-up probe ({args[0]}) did not become ready")
    return elapsed


def startup(workdir: Path, quick: bool) -> list[Result]:
    template = workdir / "demo-template.sqlite3"
    with Store.open(template) as store:
        build_demo_trust(store, load_library([]))
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "PYTHONPATH": str(ROOT),
        "XDG_DATA_HOME": str(workdir / "data"),
        "XDG_CONFIG_HOME": str(workdir / "config"),
        "XDG_STATE_HOME": str(workdir / "state"),
        # An installed WardAudit starts from compiled bytecode, as Qt's own modules do here;
        # a shell that turns bytecode off would have ours compiled from source every start.
        # The compiled files go to the benchmark's folder, never beside the sources.
        "PYTHONPYCACHEPREFIX": str(workdir / "pycache"),
    }
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    warm = workdir / "demo-warm.sqlite3"
    shutil.copy(template, warm)
    _time_to_ready(["bare"], env)  # each side's first start compiles and fills the disk cache
    _time_to_ready(["app", str(warm)], env)
    ours, bare = [], []
    for n in range(3 if quick else 7):
        db = workdir / f"demo-{n}.sqlite3"
        shutil.copy(template, db)
        bare.append(_time_to_ready(["bare"], env))
        ours.append(_time_to_ready(["app", str(db)], env))
    ours_s, bare_s = statistics.median(ours), statistics.median(bare)
    return [
        Result("startup_s", ours_s, "s", None, None),
        Result("startup_ratio", ours_s / bare_s, "ratio", 2.5, bare_s),
    ]


def answer_to_saved(workdir: Path, quick: bool) -> list[Result]:
    """From an answer key press on the audit screen to 'Saved' shown, p95, with a draft note
    typed and saved before every fifth answer.

    An answer key is taken as an answer once ``TYPING_GAP_MS`` pass with no second key (so
    the first letter of a typed word never answers). ``answer_to_saved_p95_ms`` is measured
    from the moment the key is taken as an answer to "Saved" (the commit and the screen's
    work); ``answer_key_to_saved_p95_ms`` from the key press itself, gap included.
    """
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from ui.audit import AuditScreen
    from ui.audit.screen import TYPING_GAP_MS
    from ui.context import AppContext

    app = QApplication.instance() or QApplication([])
    library = load_library([])
    checklist = library.latest("sexual-safety-environment")
    store = Store.open(workdir / "answers.sqlite3")
    ctx = AppContext(store=store, library=library)
    timings: list[float] = []
    whole: list[float] = []
    drafts = 0
    keys = {"yes": Qt.Key.Key_Y, "na": Qt.Key.Key_A, "no": Qt.Key.Key_N}
    for n in range(2 if quick else 6):
        name = f"Timing Ward {n}"
        store.wards.add(site="Bench", name=name, sex="mixed", areas=["Garden"])
        audit = store.audits.start(name, checklist)
        screen = AuditScreen(ctx)
        screen.resize(1366, 768)
        screen.show()
        screen.open_audit(audit.id)
        app.processEvents()
        for k in range(len(checklist.applicable_items("mixed"))):
            value = "no" if k % 9 == 4 else "na" if k % 13 == 6 else "yes"
            if k % 5 == 2:  # a note typed before the answer, kept as a draft
                QTest.keyClicks(screen.note, "Door closer stiff")
                screen.save_now()
                assert screen.saved_text.startswith("Draft saved")
                drafts += 1
                screen.focus_card()
                # she stops typing before answering: a key straight after typing is more text
                QTest.qWait(TYPING_GAP_MS + 20)
            before = screen.last_saved_item
            QTest.keyClick(screen.card, keys[value])
            while screen.answer_pending:
                app.processEvents()
                time.sleep(0.002)
            assert screen.saved_text.startswith("Saved") and screen.last_saved_item != before
            assert screen.answer_timing is not None
            pressed, taken, saved = screen.answer_timing
            timings.append(saved - taken)
            whole.append(saved - pressed)
            if value == "no":
                screen.accept_action()
            app.processEvents()
        screen.close()
        screen.deleteLater()
        app.processEvents()
    store.close(backup=False)
    assert drafts
    return [
        Result("answer_to_saved_p95_ms", p95(timings) * 1000, "ms", 30, None),
        Result("answer_key_to_saved_p95_ms", p95(whole) * 1000, "ms", TYPING_GAP_MS + 30, None),
    ]


def run(workdir: Path, cache: Path, quick: bool) -> list[Result]:
    return [*startup(workdir, quick), *answer_to_saved(workdir, quick)]
