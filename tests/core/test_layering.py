"""The layering in DESIGN.md: the core never loads Qt or the exporters; exports never load Qt."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import wardaudit

HEAVY = ("PySide6", "shiboken6", "reportlab", "openpyxl", "exports", "ui")


def loaded_after(code: str) -> set[str]:
    probe = code + "\nimport sys\nprint(' '.join(sorted({m.split('.')[0] for m in sys.modules})))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return set(done.stdout.split())


def test_every_core_module_imports_without_qt_or_exporters() -> None:
    modules = [f"wardaudit.{m.name}" for m in pkgutil.iter_modules(wardaudit.__path__)]
    assert "wardaudit.cli" in modules and "wardaudit.store" in modules
    loaded = loaded_after("\n".join(f"import {m}" for m in modules if m != "wardaudit.__main__"))
    assert not loaded & set(HEAVY), loaded & set(HEAVY)


def test_exports_never_load_qt() -> None:
    import exports

    modules = [f"exports.{m.name}" for m in pkgutil.iter_modules(exports.__path__)]
    loaded = loaded_after("import exports\n" + "\n".join(f"import {m}" for m in modules))
    assert not loaded & {"PySide6", "shiboken6", "ui"}


def test_a_list_command_loads_no_gui() -> None:
    code = "from wardaudit.cli import main\ntry:\n    main(['checklists', 'list'])\nexcept SystemExit:\n    pass"
    loaded = loaded_after(code)
    assert not loaded & set(HEAVY)
