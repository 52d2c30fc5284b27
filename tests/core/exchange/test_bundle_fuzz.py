"""Fuzzing the exchange file reader for a bounded time: whatever the bytes, reading gives
a checked file or a BundleRefused (never another exception), and a file it accepts can be
imported and read back. Mutations are made to the file's bytes, and to a member's bytes
with the manifest signed again (so the schema, not the digest, is what is tried). Every
failure fuzzing has found is kept in ``fixtures/`` and tried on each run."""

from __future__ import annotations

import json
import os
import shutil
import zlib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.core.exchange.bundles import members, write_signed
from wardaudit.errors import BundleRefused
from wardaudit.exchange import import_bundle, read_bundle
from wardaudit.store import Store
from wardaudit.views import audit_json

FIXTURES = Path(__file__).resolve().parent / "fixtures"

# Bounded: well under a minute in all. In CI the examples are derived from the test's
# name, so a run is repeatable; on a developer's machine they vary, to find new cases.
FUZZ = settings(
    max_examples=int(os.environ.get("WARDAUDIT_FUZZ_EXAMPLES", "150")),
    deadline=None,
    derandomize=bool(os.environ.get("CI")),
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
)


def _mutate(data: bytes, edits: list[tuple[int, int, int]]) -> bytes:
    """Apply (kind, place, value) edits: flip a byte, cut, insert, or repeat a stretch."""
    out = bytearray(data)
    for kind, place, value in edits:
        if not out:
            break
        at = place % len(out)
        if kind == 0:
            out[at] ^= value or 1
        elif kind == 1:
            del out[at : at + 1 + value % 64]
        elif kind == 2:
            out[at:at] = bytes([value]) * (1 + value % 7)
        else:
            out[at:at] = out[at : at + 1 + value % 200]
    return bytes(out)


EDITS = st.lists(
    st.tuples(st.integers(0, 3), st.integers(0, 2**31), st.integers(0, 255)),
    min_size=1,
    max_size=6,
)

# Edits of the records as text: JSON's own punctuation and values, where a byte-level
# flip would mostly give text that is not JSON at all.
TOKENS = [
    b"null", b"true", b"false", b"0", b"-1", b"1e400", b"NaN", b"9" * 5000, b'""', b"[]",
    b"{}", b'"x"', b"\\u0000", b"\\ud800", b'"2099-12-31"', b'"no"', b'"cannot_do"',
    b"[[[[[[[[[[", b",", b":", b'"', b"}", b"]",
]  # fmt: skip


def _edit_text(data: bytes, edits: list[tuple[int, int]]) -> bytes:
    out = data
    for token, place in edits:
        at = place % max(1, len(out))
        # replace the value or punctuation starting here with a token
        end = at
        while end < len(out) and out[end : end + 1] not in b',:}]"':
            end += 1
        out = out[:at] + TOKENS[token % len(TOKENS)] + out[max(end, at + 1) :]
    return out


TEXT_EDITS = st.lists(
    st.tuples(st.integers(0, len(TOKENS) - 1), st.integers(0, 2**31)), min_size=1, max_size=4
)


def _try(path: Path, store: Store) -> None:
    """Read and import a file: refused cleanly, or imported and readable back."""
    try:
        read_bundle(path)
    except BundleRefused as error:
        assert str(error)
        return
    plan = import_bundle(store, path, skip_conflicts=True)
    assert plan.file == path.name
    for summary in store.audits.list():
        json.dumps(audit_json(store.audits.get(summary.id)))


@pytest.fixture
def fresh(tmp_path: Path):  # type: ignore[no-untyped-def]
    with Store.open(tmp_path / "fuzz.sqlite3") as store:
        yield store


@FUZZ
@given(edits=EDITS)
def test_any_bytes_are_read_or_refused(
    edits: list[tuple[int, int, int]], laptop_file: Path, tmp_path: Path, fresh: Store
) -> None:
    path = tmp_path / "mutated.wabundle"
    path.write_bytes(_mutate(laptop_file.read_bytes(), edits))
    _keep_if_it_fails(path, fresh)


@FUZZ
@given(member=st.sampled_from(["records.json", "manifest.json", "photo"]), edits=TEXT_EDITS)
def test_any_signed_member_is_read_or_refused(
    member: str,
    edits: list[tuple[int, int]],
    laptop_file: Path,
    tmp_path: Path,
    fresh: Store,
) -> None:
    files = members(laptop_file)
    name = member if member != "photo" else next(n for n in files if n.startswith("photos/"))
    files[name] = _edit_text(files[name], edits)
    manifest = json.loads(files["manifest.json"]) if member != "manifest.json" else None
    path = tmp_path / "signed.wabundle"
    if manifest is None:  # the manifest itself altered: written as it is
        import zipfile

        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for member_name, data in files.items():
                archive.writestr(member_name, data)
    else:
        write_signed(path, files, manifest=manifest)
    _keep_if_it_fails(path, fresh)


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False)
    | st.text(max_size=12)
    | st.sampled_from(
        ["", "yes", "no", "open", "mixed", "2026-11-27", "2026-11-27T10:00:00+00:00"]
    ),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)


def _replace_at(value: object, steps: list[int], new: object) -> object:
    """``value`` with the part reached by ``steps`` (each picks a key or an index) replaced."""
    if not steps or not isinstance(value, dict | list) or not value:
        return new
    if isinstance(value, dict):
        key = sorted(value)[steps[0] % len(value)]
        return {**value, key: _replace_at(value[key], steps[1:], new)}
    index = steps[0] % len(value)
    return [*value[:index], _replace_at(value[index], steps[1:], new), *value[index + 1 :]]


@FUZZ
@given(
    steps=st.lists(st.integers(0, 2**16), min_size=1, max_size=6),
    new=JSON_VALUES,
    inside_record=st.booleans(),
)
def test_any_value_anywhere_in_the_records_is_read_or_refused(
    steps: list[int],
    new: object,
    inside_record: bool,
    laptop_file: Path,
    tmp_path: Path,
    fresh: Store,
) -> None:
    """A value replaced anywhere in the records, or inside an audit's signed-off record,
    and every digest made to match again."""
    from tests.core.exchange.bundles import Replaced, canonical, resign_records

    def change(records: dict[str, Any]) -> object:
        audits = records["audits"]
        if inside_record and audits:
            entry = audits[steps[0] % len(audits)]
            content = json.loads(entry["content"])
            entry["content"] = canonical(_replace_at(content, steps[1:], new)).decode()
            return None
        return Replaced(_replace_at(records, steps, new))

    path = resign_records(laptop_file, tmp_path / "value.wabundle", change)
    _keep_if_it_fails(path, fresh)


def _keep_if_it_fails(path: Path, store: Store) -> None:
    """Run a case; one that fails is copied into fixtures/ to become a regression case."""
    try:
        _try(path, store)
    except Exception:
        FIXTURES.mkdir(exist_ok=True)
        kept = FIXTURES / f"found-{zlib.crc32(path.read_bytes()):08x}.wabundle"
        shutil.copy(path, kept)
        raise


@pytest.mark.parametrize(
    "case", sorted(FIXTURES.glob("*.wabundle")), ids=lambda p: p.name
)  # fmt: skip
def test_every_case_fuzzing_found_is_read_or_refused(case: Path, fresh: Store) -> None:
    _try(case, fresh)
