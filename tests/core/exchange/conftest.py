"""What the exchange tests share: a real exchange file from a laptop whose audits have
moved on after sign-off (an amendment, an action's new status, an action raised later)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.core.exchange.bundles import audit_ward
from wardaudit.checklist import Checklist
from wardaudit.exchange import export_bundle
from wardaudit.store import Store


@pytest.fixture(scope="session")
def laptop_file(tmp_path_factory: pytest.TempPathFactory, checklist: Checklist) -> Path:
    """The exchange file of a laptop with two signed-off audits and their later history."""
    folder = tmp_path_factory.mktemp("laptop")
    with Store.open(folder / "laptop.sqlite3") as laptop:
        juniper = audit_ward(laptop, checklist, "Juniper Ward", "mixed", failing=2)
        audit_ward(laptop, checklist, "Rowan Ward", "female", site="Millbrook", failing=3)
        action = laptop.audits.get(juniper).actions[0]
        laptop.actions.set_status(action.id, "in_progress", note="Booked", actor="Estates")
        met = next(
            i
            for i in checklist.applicable_items("mixed")
            if not i.critical and i.id not in {a.item for a in laptop.audits.get(juniper).actions}
        )
        # amended to No after sign-off: an action raised after sign-off, then moved on
        laptop.audits.amend_answer(
            juniper, met.id, "no", reason="Found broken the next day", by="A matron", note="broken"
        )
        raised = next(a for a in laptop.audits.get(juniper).actions if a.item == met.id)
        laptop.actions.set_status(raised.id, "done", actor="Estates")
        target = folder / "laptop.wabundle"
        export_bundle(laptop, target)
    return target


@pytest.fixture
def good(laptop_file: Path, tmp_path: Path) -> Path:
    """A copy of the laptop's exchange file, for a test to alter."""
    return Path(shutil.copy(laptop_file, tmp_path / "good.wabundle"))


@pytest.fixture
def board(tmp_path: Path) -> Iterator[Store]:
    """The quality team's database, empty."""
    with Store.open(tmp_path / "board.sqlite3") as opened:
        yield opened


@pytest.fixture(scope="session")
def linked_file(tmp_path_factory: pytest.TempPathFactory, checklist: Checklist) -> Path:
    """The exchange file of a laptop whose second audit of a ward found a problem again and
    linked it to the action the ward's first audit raised, still open."""
    folder = tmp_path_factory.mktemp("linked")
    with Store.open(folder / "laptop.sqlite3") as laptop:
        first = audit_ward(laptop, checklist, "Juniper Ward", "mixed", failing=1)
        action = laptop.audits.get(first).actions[0]
        second = laptop.audits.start("Juniper Ward", checklist, by="A matron").id
        laptop.audits.record_answer(
            second, action.item, "no", note="Still wedged open", link_to=action.id
        )
        for item in checklist.applicable_items("mixed"):
            if item.id != action.item:
                laptop.audits.record_answer(second, item.id, "yes")
        laptop.audits.complete(second, by="A matron", role="Matron")
        target = folder / "linked.wabundle"
        export_bundle(laptop, target)
    return target
