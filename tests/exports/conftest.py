"""Audits to export: a small signed-off one with awkward text, and helpers to read files back."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from tests.exports.export_helpers import FORMULA_LIKE, SmallAudit
from wardaudit.checklist import Checklist
from wardaudit.model import ActionChange, AuditRecord
from wardaudit.scoring import allowed_answers
from wardaudit.store import Store


def _jpeg(width: int = 640, height: int = 480) -> bytes:
    picture = Image.new("RGB", (width, height), (120, 140, 160))
    out = io.BytesIO()
    picture.save(out, format="JPEG")
    return out.getvalue()


@pytest.fixture
def small_audit(store: Store, checklist: Checklist) -> SmallAudit:
    """Juniper Ward, mixed: one critical breach, three more failures, notes that look like formulas."""
    ward = store.wards.add(
        site="Ashcombe Hospital",
        name="Juniper Ward",
        sex="mixed",
        service="Acute adult",
        beds=20,
        areas=["Zone door", "Main lounge"],
    )
    audit = store.audits.start(ward.id, checklist, by="Modern matron")
    items = checklist.applicable_items("mixed")
    critical = next(item for item in items if item.critical)
    others = [item for item in items if not item.critical][:3]
    failing = {critical.id: ("no", "Door wedged open with a towel.", "Zone door")}
    for item, note, (value, location) in zip(
        others,
        FORMULA_LIKE,
        (("no", "-"), ("partial", "@x"), ("no", "Main lounge")),
        strict=False,
    ):
        assert value in allowed_answers(item)
        failing[item.id] = (value, note, location)
    for item in items:
        value, note, location = failing.get(item.id, ("yes", "", ""))
        store.audits.record_answer(audit.id, item.id, value, note=note, location=location)
    store.photos.add(
        audit.id,
        critical.id,
        _jpeg(),
        filename="door.jpg",
        media_type="image/jpeg",
        width=640,
        height=480,
    )
    store.audits.complete(audit.id, by="Modern matron", role="Matron")
    record = store.audits.get(audit.id)
    # An estates comment that looks like a formula, and another that is a phone number.
    first, second = record.actions[0], record.actions[1]
    store.actions.apply_updates(
        [
            ActionChange(first.id, status="in_progress", comment=FORMULA_LIKE[0]),
            ActionChange(second.id, comment=FORMULA_LIKE[1]),
        ]
    )
    return SmallAudit(audit.id, critical.id, tuple(failing), critical.id)


@pytest.fixture
def small_record(store: Store, small_audit: SmallAudit) -> AuditRecord:
    return store.audits.get(small_audit.id)
