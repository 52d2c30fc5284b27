"""The layering in DESIGN.md: the core never loads Qt or the exporters; exports never load Qt;
nothing outside the store touches the store's private names or writes SQL."""

from __future__ import annotations

import ast
import pkgutil
import re
import subprocess
import sys
from pathlib import Path

import wardaudit

ROOT = Path(__file__).resolve().parents[2]
STORE = ROOT / "wardaudit" / "store"
STORE_TESTS = ROOT / "tests" / "core" / "store"  # the store's own tests may look inside it
PRODUCT = ("wardaudit", "exports", "ui", "installer")  # what ships: no SQL outside the store
# benchmarks and tests build their own plain SQLite files (the baselines, old schemas)
EVERYWHERE = (*PRODUCT, "benchmarks", "tests")
STORE_LIKE = re.compile(
    r"(^|[._])[a-z_]*store(\.(settings|wards|checklists|audits|actions|history|records|photos))?$",
    re.IGNORECASE,
)
SQL = re.compile(
    r"^\s*(SELECT\s.*\sFROM\s|INSERT\s+(OR\s+\w+\s+)?INTO\s|UPDATE\s+\w+\s+SET\s|DELETE\s+FROM\s"
    r"|CREATE\s+(TABLE|INDEX|TRIGGER|VIEW)\s|ALTER\s+TABLE\s|DROP\s+(TABLE|INDEX|TRIGGER)\s"
    r"|PRAGMA\s+\w+|(BEGIN|COMMIT|ROLLBACK)\b)",
    re.DOTALL,
)

HEAVY = ("PySide6", "shiboken6", "reportlab", "openpyxl", "exports", "ui")


def loaded_after(code: str) -> set[str]:
    probe = code + "\nimport sys\nprint(' '.join(sorted({m.split('.')[0] for m in sys.modules})))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return set(done.stdout.split())


def test_every_core_module_imports_without_qt_or_exporters() -> None:
    modules = [m.name for m in pkgutil.walk_packages(wardaudit.__path__, "wardaudit.")]
    assert {"wardaudit.cli", "wardaudit.store", "wardaudit.store.audits"} <= set(modules)
    assert "wardaudit.exchange.merge" in modules
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


# --- the store keeps its insides to itself -----------------------------------------------


def store_private_names() -> set[str]:
    """Every private name the store package defines: functions, classes, methods, constants
    and instance attributes beginning with one underscore."""
    names: set[str] = set()
    for path in STORE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.ClassDef):
                names.add(node.name)
            elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
                names.add(node.attr)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                names.add(node.id)
    return {n for n in names if n.startswith("_") and not n.startswith("__")}


def private_uses(source: str, private: set[str]) -> list[tuple[int, str]]:
    """Lines that import a private name from the store, reach one of its private names
    through an object (an object's own ``self._x`` is its own business), or reach any
    private name through something called a store (``demo_store._query``)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("wardaudit.store"):
            found += [(node.lineno, a.name) for a in node.names if a.name.startswith("_")]
        elif isinstance(node, ast.Attribute) and node.attr.startswith("_"):
            if node.attr.startswith("__"):
                continue
            own = isinstance(node.value, ast.Name) and node.value.id in ("self", "cls")
            if (node.attr in private and not own) or STORE_LIKE.search(ast.unparse(node.value)):
                found.append((node.lineno, node.attr))
    return sorted(found)


def sql_in(source: str) -> list[tuple[int, str]]:
    """Lines with an SQL statement in a string, or an import of sqlite3."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if SQL.match(node.value):
                found.append((node.lineno, node.value.strip().split("\n")[0][:60]))
        elif isinstance(node, ast.Import | ast.ImportFrom):
            modules = (
                [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module]
            )
            found += [(node.lineno, "import sqlite3") for m in modules if m == "sqlite3"]
    return sorted(found)


def python_files(folders: tuple[str, ...], *, outside: tuple[Path, ...]) -> list[Path]:
    return [
        path
        for folder in folders
        for path in sorted((ROOT / folder).rglob("*.py"))
        if not any(path.is_relative_to(place) for place in outside)
    ]


def test_the_checks_catch_what_they_look_for() -> None:
    """Each check finds a planted offence, so an empty result below means something."""
    planted = (
        "from wardaudit.store.audits import _team_json\n"
        "rows = store._db.query('SELECT id FROM audits WHERE uuid = ?', (x,))\n"
        "self._db = None\n"
        "import sqlite3\n"
        "demo_store._query('x')\n"
        "self.ctx.store.audits._old_thing()\n"
        "Store._insert_action(conn, 1, {}, '')\n"
    )
    private = store_private_names()
    assert {"_db", "_row", "_apply"} <= private
    assert private_uses(planted, private) == [
        (1, "_team_json"),
        (2, "_db"),
        (5, "_query"),
        (6, "_old_thing"),
        (7, "_insert_action"),
    ]
    assert [line for line, _ in sql_in(planted)] == [2, 4]
    assert sql_in("label = 'Select a ward, then update its details'\n") == []


def test_nothing_outside_the_store_uses_its_private_names() -> None:
    private = store_private_names()
    offences = [
        f"{path.relative_to(ROOT)}:{line}: {name}"
        for path in python_files(EVERYWHERE, outside=(STORE, STORE_TESTS))
        for line, name in private_uses(path.read_text(encoding="utf-8"), private)
    ]
    assert not offences, "store private names used outside the store:\n" + "\n".join(offences)


def test_nothing_outside_the_store_writes_sql() -> None:
    offences = [
        f"{path.relative_to(ROOT)}:{line}: {text}"
        for path in python_files(PRODUCT, outside=(STORE,))
        for line, text in sql_in(path.read_text(encoding="utf-8"))
    ]
    assert not offences, "SQL outside wardaudit/store/:\n" + "\n".join(offences)
