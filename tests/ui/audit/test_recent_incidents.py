"""On a ward laptop, once an exchange file from the quality team has brought them, the ward's
recent incidents by place are shown as the matron starts its audit: counts only."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path

from ui.audit import AuditScreen
from ui.context import AppContext
from wardaudit.checklist import Checklist, ChecklistLibrary
from wardaudit.exchange import export_bundle, import_bundle
from wardaudit.incidents import load_mapping_file, read_csv
from wardaudit.incidents.importing import read_and_plan
from wardaudit.incidents.words import PLACE_NOT_RECORDED
from wardaudit.store import Store

ROOT = Path(__file__).resolve().parent.parent.parent.parent
EXAMPLES = ROOT / "examples" / "incidents"


def test_the_laptop_shows_the_wards_incidents_by_place_after_an_exchange_file(
    demo_store: Store,
    store: Store,
    checklist: Checklist,
    library: ChecklistLibrary,
    show_audit_screen: Callable[[AppContext], AuditScreen],
    errors: list[BaseException],
    tmp_path: Path,
) -> None:
    quality_team, laptop = demo_store, store
    mapping = load_mapping_file(EXAMPLES / "generic-mapping.toml")
    plan = read_and_plan(quality_team, EXAMPLES / "generic-export.csv", mapping, read_csv)
    quality_team.incidents.import_plan(plan, "Quality lead")
    bundle = tmp_path / "from-the-quality-team.wardaudit"
    export_bundle(quality_team, bundle)

    ctx = AppContext(store=laptop, library=library)
    screen = show_audit_screen(ctx)
    # before any exchange file: nothing is known, nothing is shown
    laptop.wards.add(site="Ashcombe Hospital", name="Rowan Ward", sex="female")
    screen.open_audit(laptop.audits.start("Rowan Ward", checklist).id)
    assert not screen.recent_incidents.isVisible()

    import_bundle(laptop, bundle)
    juniper = laptop.wards.get("Juniper Ward")
    audit = laptop.audits.start(juniper.id, checklist, by="Modern matron")
    screen.open_audit(audit.id)
    panel = screen.recent_incidents
    assert panel.isVisible() and panel.recent is not None
    first, last = panel.recent.first_month, panel.recent.last_month
    expected = Counter(
        i.place or PLACE_NOT_RECORDED
        for i in quality_team.incidents.list(ward="Juniper Ward")
        if first <= i.date.strftime("%Y-%m") <= last
    )
    shown = dict(part.rsplit(": ", 1) for part in panel.places.text().split(" · "))
    assert {place: int(n) for place, n in shown.items()} == dict(expected)
    assert f"{sum(expected.values())} sexual safety incidents recorded on Juniper Ward" in (
        panel.headline.text()
    )
    assert "Look harder where incidents happen" in panel.hint.text()
    assert "brought by an exchange file" in panel.hint.text()
    assert "INC-" not in panel.accessibleDescription()  # counts only, never a reference
    assert laptop.incidents.count() == 0
    assert errors == []
