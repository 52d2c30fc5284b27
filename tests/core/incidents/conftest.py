"""Fixtures for the incident tests."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from tests.core.incidents.helpers import csv_text


@pytest.fixture
def write_csv(tmp_path: Path) -> Callable[..., Path]:
    """Write rows as a CSV export and give its path."""

    def write(
        rows: Sequence[Sequence[object]],
        *,
        name: str = "export.csv",
        encoding: str = "utf-8",
        delimiter: str = ",",
    ) -> Path:
        path = tmp_path / name
        path.write_bytes(csv_text(rows, delimiter).encode(encoding))
        return path

    return write
