"""Nothing an exchange file's check accepts can make a later command fail.

Hypothesis builds files the way an attacker would: it takes a real exported file and
rewrites its records and history around the schema's edges (the longest texts, odd
Unicode, the first and last dates, every risk value, actions in every status, every kind
of history event, unusual but valid histories), signs it again, and the check must accept
it. Then it is imported and every reader runs: the audit list and each audit as JSON, each
action plan, the estates work list and the board report (PDF and workbook), and an
exchange file written back and imported into a fresh database.
"""

from __future__ import annotations

import json
import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests.core.exchange.bundles import canonical, resign_records
from wardaudit import clock
from wardaudit.checklist import Checklist, Item, from_canonical_json
from wardaudit.cli import main
from wardaudit.exchange import import_bundle, read_bundle
from wardaudit.exchange import schema as S
from wardaudit.model import ACTION_STATUSES
from wardaudit.risk import BAND_ORDER
from wardaudit.scoring import ANSWER_CODES, UNANSWERED, allowed_answers
from wardaudit.store import Store

# Each example imports a file and writes eight documents: a bounded, repeatable run. A
# failing example is reported as drawn, not shrunk (shrinking one takes many minutes).
ACCEPTED = settings(
    max_examples=int(os.environ.get("WARDAUDIT_BUNDLE_EXAMPLES", "12")),
    deadline=None,
    derandomize=bool(os.environ.get("CI")),
    phases=(Phase.explicit, Phase.reuse, Phase.generate),
    print_blob=True,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
)

_ODD = [
    "Zażółć gęślą jaźń",
    "\u015e\u0131rnak, \u021aar\u0103, Ti\u1ebfng Vi\u1ec7t",
    "Ελληνικά Кириллица",
    "مرحبا اردو",
    "বাংলা ગુજરાતી ਪੰਜਾਬੀ",
    "中文病房",
    "e\u0301\u0301\u0301",
    "👩🏽\u200d⚕️ 🚪",
    "\u200b\u200d\u2060",
    "=SUM(A1:A9)",
    "@cmd",
    "+44 20 7946 0958",
    "-",
    "<b>&amp;</b>",
    "a\u2028b\u2029c",
    "\U0001f600" * 3,
]
_CONTROL = ["\t", "\x0b", "\x0c", "\r\n", "\x1b[31m", "\x7f", "\x85"]


def _fill(piece: str, size: int) -> str:
    text = (piece * (size // max(1, len(piece)) + 1))[:size]
    return text


# Texts are drawn to the schema's own limits, with the line breaks and control characters
# pasted notes carry: documents flow long text across pages and cells. Set
# WARDAUDIT_PRINTABLE_TEXT=60 to draw short one-line texts only (to tell a text fault from
# another when a run fails).
PRINTABLE_TEXT: int | None = int(os.environ.get("WARDAUDIT_PRINTABLE_TEXT", "0")) or None


def texts(limit: int, *, line: bool, filled: bool = False) -> st.SearchStrategy[str]:
    """Text up to ``limit`` characters, from the schema's edges: its longest, odd scripts,
    formula-like and, for free text, the control characters pasted notes carry."""
    if PRINTABLE_TEXT is not None:
        limit, line = min(limit, PRINTABLE_TEXT), True
    pieces = list(_ODD) + ([] if line else [*list(_CONTROL), "line one\nline two"])
    alphabet = st.characters(
        blacklist_categories=("Cs",) + (("Cc",) if line else ()),
        blacklist_characters="\x00\ufffe\uffff",
    )
    strategy = st.one_of(
        st.text(alphabet, max_size=24),
        st.sampled_from(pieces),
        st.builds(_fill, st.sampled_from([*pieces, "x", "W "]), st.just(limit)),
        st.builds(_fill, st.sampled_from(pieces), st.integers(1, limit)),
    )
    if filled:
        strategy = strategy.map(lambda t: t.strip()[:limit]).filter(bool)
    return strategy


def moments() -> st.SearchStrategy[str]:
    now = clock.now()
    edges = [
        "1970-01-01T00:00:00+00:00",
        "1970-01-01T00:00:00+14:00",
        "1980-01-01T00:00:00-12:00",
        "2099-12-31T23:59:59.999999-12:00",
        "2099-12-31T23:59:59+00:00",
        "2026-03-29T01:30:00+00:00",  # the hour the clocks go forward
        "2026-10-25T01:30:00+01:00",  # the hour that happens twice
    ]
    recent = st.integers(0, 400).map(
        lambda days: (now - timedelta(days=days)).isoformat(timespec="microseconds")
    )
    return st.one_of(st.sampled_from(edges), recent)


def days() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(["1970-01-01", "2099-12-31", "2024-02-29"]),
        st.integers(-400, 400).map(lambda n: (clock.today() + timedelta(days=n)).isoformat()),
    )


def _ids() -> st.SearchStrategy[str]:
    return st.uuids(version=4).map(str)


@st.composite
def ward_changes(draw: st.DrawFn, ward: dict[str, Any], taken: set[str]) -> None:
    name = draw(texts(S.NAME, line=True, filled=True))
    if S.name_key(name) not in taken:
        taken.add(S.name_key(name))
        ward["name"] = name
    ward["site"] = draw(texts(S.NAME, line=True, filled=True))
    ward["service"] = draw(texts(S.NAME, line=True))
    ward["beds"] = draw(st.one_of(st.none(), st.sampled_from([0, 1, 500]), st.integers(0, 500)))
    ward["areas"] = draw(st.lists(texts(S.NAME, line=True, filled=True), max_size=4, unique=True))


def action_fields(draw: st.DrawFn) -> dict[str, Any]:
    return {
        "description": draw(texts(S.DESCRIPTION, line=False)),
        "owner": draw(texts(S.NAME, line=True)),
        "likelihood": draw(st.integers(1, 5)),
        "consequence": draw(st.integers(1, 5)),
        "due": draw(days()),
    }


@st.composite
def audit_changes(draw: st.DrawFn, content: dict[str, Any], checklist: Checklist) -> None:
    sex = content["ward_sex"]
    items = list(checklist.items())
    packed = []
    for item in items:
        if item.applies(sex):
            packed.append(ANSWER_CODES[draw(st.sampled_from(allowed_answers(item)))])
        else:
            packed.append(UNANSWERED)
    content["answers"] = "".join(packed)
    applicable = [i.id for i in items if i.applies(sex)]
    content["started_at"] = draw(moments())
    content["completed_at"] = draw(moments())
    content["started_by"] = draw(texts(S.NAME, line=True))
    content["signed_by"] = draw(texts(S.NAME, line=True, filled=True))
    content["signed_role"] = draw(texts(S.NAME, line=True, filled=True))
    content["team"] = [
        {
            "name": draw(texts(S.NAME, line=True)),
            "role": draw(texts(S.NAME, line=True)),
            "patient_or_peer": draw(st.booleans()),
        }
        for _ in range(draw(st.integers(0, 3)))
    ]
    noted = draw(st.lists(st.sampled_from(applicable), max_size=4, unique=True))
    content["notes"] = {
        item: [draw(texts(S.FREE_TEXT, line=False)), draw(texts(S.LOCATION, line=False))]
        for item in sorted(noted)
    }
    for action in content["actions"]:
        action.update(action_fields(draw))
        action["status"] = draw(st.sampled_from(ACTION_STATUSES))
        action["status_note"] = draw(texts(S.FREE_TEXT, line=False))
        action["comment"] = draw(texts(S.FREE_TEXT, line=False))
        action["completed_on"] = draw(st.one_of(st.none(), days()))
        action["created_at"] = draw(moments())


Drawn = tuple[dict[str, Any], bool, "str | None"]  # an event's detail, after sign-off, action


def _answer_event(draw: st.DrawFn, kind: str, item: Item) -> Drawn:
    value = draw(st.sampled_from(allowed_answers(item)))
    if kind == "answer_cleared":
        return {"item": item.id, "previous": value}, False, None
    if kind != "amendment":
        return {"item": item.id, "value": value, "previous": value}, False, None
    detail: dict[str, Any] = {
        "item": item.id,
        "value": value,
        "reason": draw(texts(S.FREE_TEXT, line=False, filled=True)),
    }
    if draw(st.booleans()):
        detail.update(
            note=draw(texts(S.FREE_TEXT, line=False)),
            previous_note="",
            location=draw(texts(S.LOCATION, line=False)),
            previous=draw(st.sampled_from(allowed_answers(item))),
        )
    return detail, True, None


def _raised_event(
    draw: st.DrawFn, item: Item, applicable: list[Item], actions: dict[str, str]
) -> Drawn:
    """An action raised before sign-off, or after it for an item with no action yet."""
    free = [i for i in applicable if i.id not in actions.values()]
    after = bool(free) and draw(st.booleans())
    target = draw(st.sampled_from(free)) if after else item
    raised = draw(_ids())
    detail = {
        "action": raised,
        "item": target.id,
        **action_fields(draw),
        "status": "open",
        "band": draw(st.sampled_from(BAND_ORDER)),
    }
    if after:
        actions[raised] = target.id
    return detail, after, raised if after else None


def _action_event(draw: st.DrawFn, kind: str, actions: dict[str, str]) -> Drawn:
    """A change to one of the audit's actions (after sign-off), or to none (before)."""
    if kind == "action_note":
        detail: dict[str, Any] = {"note": draw(texts(S.FREE_TEXT, line=False))}
    elif kind == "action_changed":
        fields = action_fields(draw)
        keys = draw(st.sets(st.sampled_from(sorted(fields)), min_size=1))
        detail = {k: fields[k] for k in keys}
    elif kind == "action_status":
        detail = {
            "status": draw(st.sampled_from(ACTION_STATUSES)),
            "status_note": draw(texts(S.FREE_TEXT, line=False)),
            "previous": draw(st.sampled_from(ACTION_STATUSES)),
        }
    else:
        detail = {
            "status": draw(st.sampled_from(ACTION_STATUSES)),
            "comment": draw(texts(S.FREE_TEXT, line=False)),
            "completed_on": draw(st.one_of(st.none(), days())),
        }
    after = bool(actions) and draw(st.booleans())
    return detail, after, draw(st.sampled_from(sorted(actions))) if after else None


def _linked_event(draw: st.DrawFn, actions: dict[str, str]) -> Drawn:
    """A finding at a later audit linked to one of the audit's actions (after sign-off)."""
    action = draw(st.sampled_from(sorted(actions)))
    detail = {
        "finding_audit": draw(_ids()),
        "item": actions[action],
        "answer": draw(st.sampled_from(["no", "partial", "yes", "na", ""])),
        "note": draw(texts(S.FREE_TEXT, line=False)),
        "location": draw(texts(S.LOCATION, line=False)),
        "found_on": draw(days()),
    }
    return detail, True, action


def _other_event(
    draw: st.DrawFn, kind: str, item: Item, content: dict[str, Any], checklist: Checklist
) -> Drawn:
    """The events of an audit's walk-round and sign-off: never after sign-off."""
    if kind == "audit_started":
        detail: dict[str, Any] = {
            "ward": content["ward"],
            "checklist": checklist.id,
            "version": checklist.version,
            "content_hash": checklist.content_hash,
        }
    elif kind == "audit_completed":
        detail = {
            "role": draw(texts(S.NAME, line=True)),
            "team": [],
            "overall": draw(st.one_of(st.none(), st.floats(0, 100))),
            "rating": draw(st.sampled_from([None, "green", "amber", "red"])),
            "critical_breach": draw(st.booleans()),
        }
    elif kind == "audit_imported":
        detail = {"answers": len(list(checklist.items())), "role": "Matron"}
    elif kind == "action_withdrawn":
        detail = {"item": item.id, "action": draw(_ids()), "fields": action_fields(draw)}
    else:  # photo_added, photo_removed
        detail = {"item": item.id, "photo": draw(_ids())}
        if kind == "photo_added":
            detail["filename"] = draw(texts(S.FILENAME, line=False))
    return detail, False, None


@st.composite
def later_history(
    draw: st.DrawFn, content: dict[str, Any], checklist: Checklist
) -> list[dict[str, Any]]:
    """Events of every kind, after sign-off and before, in any order of time."""
    applicable = [i for i in checklist.items() if i.applies(content["ward_sex"])]
    actions = {a["action"]: a["item"] for a in content["actions"]}
    events = []
    for _ in range(draw(st.integers(0, 8))):
        kind = draw(st.sampled_from(S.TRAVELLING_KINDS))
        item = draw(st.sampled_from(applicable))
        if kind == "action_linked" and not actions:
            continue  # a finding is linked only to an action the audit has
        if kind == "action_linked":
            detail, after, action = _linked_event(draw, actions)
        elif kind in ("amendment", "answer_changed", "answer_details", "answer_cleared"):
            detail, after, action = _answer_event(draw, kind, item)
        elif kind == "action_raised":
            detail, after, action = _raised_event(draw, item, applicable, actions)
        elif kind in S.ACTION_KINDS:
            detail, after, action = _action_event(draw, kind, actions)
        else:
            detail, after, action = _other_event(draw, kind, item, content, checklist)
        events.append(
            {
                "event": draw(_ids()),
                "at": draw(moments()),
                "kind": kind,
                "actor": draw(texts(S.NAME, line=True)),
                "audit": content["audit"],
                "action": action,
                "detail": detail,
                "after_signoff": after,
            }
        )
    return events


@st.composite
def rewritten(draw: st.DrawFn, records: dict[str, Any]) -> dict[str, Any]:
    records = json.loads(json.dumps(records))
    checklists = {
        c["content_hash"]: from_canonical_json(c["content"]) for c in records["checklists"]
    }
    taken = {S.name_key(w["name"]) for w in records["wards"]}
    for ward in records["wards"]:
        if draw(st.booleans()):
            draw(ward_changes(ward, taken))
    for entry in records["audits"]:
        content = json.loads(entry["content"])
        checklist = checklists[content["checklist"]]
        if draw(st.booleans()):
            draw(audit_changes(content, checklist))
        records["events"].extend(draw(later_history(content, checklist)))
        entry["content"] = canonical(content).decode()
    return records


def _run(db: Path, *args: str) -> str:
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        status = main(["--db", str(db), *args])
    assert status == 0, (args, out.getvalue())
    return out.getvalue()


@pytest.fixture(scope="module")
def laptop_records(laptop_file: Path) -> dict[str, Any]:
    return read_bundle(laptop_file).records


@ACCEPTED
@given(data=st.data())
def test_whatever_the_check_accepts_every_command_can_read(
    data: st.DataObject,
    laptop_file: Path,
    laptop_records: dict[str, Any],
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    records = data.draw(rewritten(laptop_records))
    work = tmp_path_factory.mktemp("accepted")
    path = resign_records(laptop_file, work / "accepted.wabundle", lambda r: r.update(records))
    read_bundle(path)  # the file is built within the schema: the check accepts it
    db = work / "board.sqlite3"
    with Store.open(db) as board:
        plan = import_bundle(board, path)
        assert plan.conflicts == [] and plan.new_audits == len(records["audits"])
    listed = json.loads(_run(db, "audits", "list", "--json"))
    assert len(listed) == len(records["audits"])
    for audit in listed:
        shown = json.loads(_run(db, "audits", "show", audit["id"], "--json"))
        assert shown["status"] == "completed"
        _run(
            db, "export", "action-plan", audit["id"],
            "--pdf", str(work / "plan.pdf"), "--xlsx", str(work / "plan.xlsx"),
        )  # fmt: skip
    _run(
        db, "export", "actions", "--pdf", str(work / "work.pdf"), "--xlsx", str(work / "work.xlsx")
    )
    _run(
        db, "export", "board", "--pdf", str(work / "board.pdf"), "--xlsx", str(work / "board.xlsx")
    )
    _run(db, "bundle", "export", str(work / "back.wabundle"))
    fresh = work / "fresh.sqlite3"
    _run(fresh, "bundle", "import", str(work / "back.wabundle"))
    assert len(json.loads(_run(fresh, "audits", "list", "--json"))) == len(listed)
