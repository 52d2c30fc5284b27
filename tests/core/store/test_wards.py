"""The register of sites and wards: unique names, designations, sites."""

from __future__ import annotations

import pytest

from wardaudit.errors import (
    InvalidInput,
    NotFound,
)
from wardaudit.store import Store


def test_wards_are_registered_with_unique_names(store: Store) -> None:
    ward = store.wards.add(
        site="Ashcombe", name="Rowan Ward", sex="female", beds=18, areas=["Garden", " ", "Garden"]
    )
    assert ward.designation == "Female" and ward.areas == ("Garden",)
    assert store.wards.get("Rowan Ward") == store.wards.get(ward.id) == ward
    with pytest.raises(InvalidInput, match="already a ward called"):
        store.wards.add(site="Elsewhere", name="rowan ward", sex="male")
    with pytest.raises(InvalidInput, match="male, female or mixed"):
        store.wards.add(site="Ashcombe", name="Odd", sex="both")
    with pytest.raises(InvalidInput, match="beds"):
        store.wards.add(site="Ashcombe", name="Odd", sex="male", beds=-1)
    with pytest.raises(NotFound):
        store.wards.get("Nowhere Ward")
    changed = store.wards.edit(
        ward.id, site="Millbrook", name="Rowan", sex="female", beds=16, areas=["Bay 1"]
    )
    assert (changed.site, changed.name, changed.beds, changed.areas) == (
        "Millbrook",
        "Rowan",
        16,
        ("Bay 1",),
    )
    assert [s.name for s in store.wards.sites()] == ["Ashcombe", "Millbrook"]
