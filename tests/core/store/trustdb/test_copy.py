"""Moving a board's database file up to the trust database: all of it, verified."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import PgDatabase
from tests.core.store.trustdb import helpers
from wardaudit.board import board_figures
from wardaudit.cli import main
from wardaudit.errors import InvalidInput, StoreError
from wardaudit.store import Store
from wardaudit.store.copy import copy_to_server

pytestmark = pytest.mark.postgresql


def test_the_demo_trust_moves_up_whole_and_the_board_reads_the_same(
    demo_db: Path, pg_database: PgDatabase, capsys: pytest.CaptureFixture[str]
) -> None:
    with Store.open(demo_db, readonly=True) as file:
        expected = file.records.fingerprint()
        expected_counts = helpers.counts(file)
        file_board = board_figures(file, start="2021-01", end="2026-12")
        history = [(e.kind, e.at) for e in file.history.list()]
    assert main(["trustdb", "copy", str(demo_db), pg_database.target("postgres")]) == 0
    out = capsys.readouterr().out
    assert f"the fingerprint of everything that travels is {expected} on both" in out
    with Store.open(pg_database.target()) as board:
        assert board.records.fingerprint() == expected
        assert helpers.counts(board) == expected_counts
        assert [(e.kind, e.at) for e in board.history.list()] == history, "history in order"
        server_board = board_figures(board, start="2021-01", end="2026-12")
        assert [(f.ward.name, f.score, f.rating, f.open_actions) for f in server_board.wards] == [
            (f.ward.name, f.score, f.rating, f.open_actions) for f in file_board.wards
        ]
        added = board.wards.add(site="Ashcombe", name="A new ward", sex="female")
        assert added.name == "A new ward", "the row counters moved on past the copied rows"


def test_a_copy_goes_only_into_an_empty_trust_database(
    demo_db: Path, pg_database: PgDatabase
) -> None:
    with pytest.raises(StoreError, match="wardaudit_owner"):
        copy_to_server(demo_db, pg_database.target("t_quality"))
    copy_to_server(demo_db, pg_database.target("t_admin"))
    with Store.open(pg_database.target()) as board:
        before = helpers.counts(board)
    with pytest.raises(InvalidInput, match="already holds data"):
        copy_to_server(demo_db, pg_database.target("t_admin"))
    with Store.open(pg_database.target()) as board:
        assert helpers.counts(board) == before


def test_names_the_server_holds_to_be_one_are_named_and_nothing_is_copied(
    pg_database: PgDatabase, tmp_path: Path
) -> None:
    """A file tells case apart only in A to Z; the trust database in every alphabet."""
    path = tmp_path / "board.sqlite3"
    with Store.open(path) as file:
        file.wards.add(site="Ashcombe", name="École Ward", sex="mixed")
        file.wards.add(site="Ashcombe", name="école Ward", sex="mixed")
    with pytest.raises(InvalidInput, match="école Ward"):
        copy_to_server(path, pg_database.target("t_admin"))
    with Store.open(pg_database.target()) as board:
        assert board.wards.list() == []
