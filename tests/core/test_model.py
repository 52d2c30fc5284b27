"""The closed sets are typed once, and agree with the tuples the rest of the core uses."""

from __future__ import annotations

from datetime import date
from typing import get_args

from wardaudit.checklist import DESIGNATIONS, Checklist
from wardaudit.model import (
    ACTION_STATUS_WORDS,
    ACTION_STATUSES,
    AUDIT_STATUS_WORDS,
    AUDIT_STATUSES,
    EVENT_KINDS,
    ActionChange,
    AnswerValue,
    Designation,
)
from wardaudit.risk import BAND_WORDS, DEFAULT_MATRIX, BandName
from wardaudit.scoring import ANSWER_VALUES, ANSWER_WORDS
from wardaudit.store import Store


def test_the_literals_agree_with_the_cores_tuples_and_words() -> None:
    assert get_args(AnswerValue) == ANSWER_VALUES and set(ANSWER_WORDS) == set(ANSWER_VALUES)
    assert get_args(Designation) == DESIGNATIONS
    assert set(ACTION_STATUSES) == set(ACTION_STATUS_WORDS) and len(ACTION_STATUSES) == 5
    assert set(AUDIT_STATUSES) == set(AUDIT_STATUS_WORDS) == {"in_progress", "completed"}
    assert set(get_args(BandName)) == set(BAND_WORDS) == {b.name for b in DEFAULT_MATRIX.bands}


def test_every_kind_of_event_the_store_writes_is_a_known_kind(
    demo_store: Store, checklist: Checklist
) -> None:
    store = demo_store
    ward = store.wards.add(site="Ashcombe Hospital", name="Poppy Ward", sex="female")
    store.wards.edit(ward.id, site="Ashcombe Hospital", name="Poppy Ward", sex="female", beds=9)
    audit = store.audits.start(ward.id, checklist)
    items = [i for i in checklist.applicable_items("female") if not i.critical]
    store.audits.record_answer(audit.id, items[0].id, "no")
    store.audits.record_answer(audit.id, items[0].id, "no", note="Door wedged")
    store.audits.record_answer(audit.id, items[0].id, "yes")
    store.audits.record_answer(audit.id, items[0].id, "partial")
    store.audits.clear_answer(audit.id, items[0].id)
    photo = store.photos.add(
        audit.id, items[0].id, b"jpeg", filename="a.jpg", media_type="image/jpeg", width=1, height=1
    )
    store.photos.remove(photo.id)
    for item in checklist.applicable_items("female"):
        store.audits.record_answer(audit.id, item.id, "no" if item.id == items[1].id else "yes")
    store.audits.complete(audit.id, by="A matron", role="Matron")
    store.audits.amend_answer(audit.id, items[1].id, "partial", reason="Re-checked", by="A matron")
    action = store.actions.list(audit=audit.id)[0]
    store.actions.edit(action.id, owner="Estates")
    again = store.audits.start(ward.id, checklist)  # the same fault found at the next audit
    for item in checklist.applicable_items("female"):
        linked = action.id if item.id == items[1].id else None
        value = "no" if linked else "yes"
        store.audits.record_answer(again.id, item.id, value, link_to=linked)
    store.audits.complete(again.id, by="A matron", role="Matron")
    store.actions.set_status(action.id, "in_progress")
    store.actions.apply_updates([ActionChange(action.id, status="done", completed_on=date.today())])
    written = {event.kind for event in store.history.list()}
    assert written <= set(EVENT_KINDS)
    assert len(written) >= len(EVENT_KINDS) - 1, set(EVENT_KINDS) - written


def test_a_record_with_a_yes_or_na_is_the_record_the_store_reads_back(
    store: Store, checklist: Checklist
) -> None:
    ward = store.wards.add(site="Ashcombe Hospital", name="Poppy Ward", sex="female")
    audit = store.audits.start(ward.id, checklist)
    items = [i.id for i in checklist.applicable_items("female")]
    store.audits.record_answer(audit.id, items[0], "no")
    record = store.audits.get(audit.id)
    for item, value, note in (
        (items[1], "yes", ""),
        (items[2], "na", "No bath"),
        (items[1], "na", ""),
    ):
        record = record.with_answer(store.audits.record_answer(audit.id, item, value, note=note))
    stored = store.audits.get(audit.id)
    assert {i: (a.value, a.note) for i, a in record.answers.items()} == {
        i: (a.value, a.note) for i, a in stored.answers.items()
    }
    assert record.score == stored.score and record.score.answered == 3
    assert record.actions == stored.actions and len(record.actions) == 1
