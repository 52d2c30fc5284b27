"""The incident core loads no Qt, reportlab or openpyxl; the workbook reader loads no Qt."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import wardaudit.incidents


def loaded_after(code: str) -> set[str]:
    probe = code + "\nimport sys\nprint(' '.join(sorted({m.split('.')[0] for m in sys.modules})))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return set(done.stdout.split())


def test_every_incident_module_imports_without_qt_or_exporters() -> None:
    modules = [
        f"wardaudit.incidents.{m.name}" for m in pkgutil.iter_modules(wardaudit.incidents.__path__)
    ]
    assert "wardaudit.incidents.reader" in modules and "wardaudit.incidents.plan" in modules
    loaded = loaded_after("\n".join(f"import {m}" for m in modules))
    assert not loaded & {"PySide6", "shiboken6", "reportlab", "openpyxl", "exports", "ui"}


def test_the_workbook_reader_loads_openpyxl_only_when_a_workbook_is_read() -> None:
    loaded = loaded_after("import exports.incidents")
    assert not loaded & {"PySide6", "shiboken6", "ui", "openpyxl", "reportlab"}
