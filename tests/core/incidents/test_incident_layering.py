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


def test_every_name_of_the_incident_package_is_the_one_its_module_defines() -> None:
    """The package loads its names on first use: each is there, and is the module's own."""
    import importlib

    for name in wardaudit.incidents.__all__:
        value = getattr(wardaudit.incidents, name)
        home = importlib.import_module(f"wardaudit.incidents.{wardaudit.incidents._HOMES[name]}")
        assert value is getattr(home, name), name
    assert set(wardaudit.incidents.__all__) <= set(dir(wardaudit.incidents))
    try:
        wardaudit.incidents.no_such_name  # noqa: B018
    except AttributeError:
        pass
    else:
        raise AssertionError("an unknown name must raise AttributeError")


def test_the_store_opens_without_the_incident_reader_mapping_or_privacy_checks() -> None:
    """The store keeps incidents, but opening it (as the Wards screen does) loads only the
    incidents' records, not what reading and checking an export needs."""
    probe = (
        "import sys, wardaudit.store, wardaudit.incidents\n"
        "print(' '.join(sorted(m for m in sys.modules if m.startswith('wardaudit.incidents'))))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    loaded = set(done.stdout.split())
    assert loaded, done.stderr
    for heavy in ("reader", "csvfile", "mapping", "sensitive", "plan", "importing"):
        assert f"wardaudit.incidents.{heavy}" not in loaded, heavy
