"""What the store's tests share: a ward with an audit of it just started."""

from __future__ import annotations

import pytest

from wardaudit.checklist import Checklist
from wardaudit.store import Store


@pytest.fixture
def ward_and_audit(store: Store, checklist: Checklist) -> tuple[str, str]:
    ward = store.wards.add(
        site="Ashcombe",
        name="Juniper Ward",
        sex="mixed",
        service="Acute",
        beds=20,
        areas=["Zone door", "Women's lounge"],
    )
    audit = store.audits.start(ward.name, checklist, by="A matron")
    return ward.id, audit.id
