"""The PDF action plan and work list, read back as text with pypdf."""

from __future__ import annotations

import re
from pathlib import Path

from pypdf import PdfReader

from exports import pdf
from exports.common import fingerprint
from tests.exports.export_helpers import SmallAudit, pdf_pages, squash
from wardaudit import clock
from wardaudit.actions import by_risk, for_planner
from wardaudit.model import Action, AuditRecord
from wardaudit.store import Store


def _assert_actions_present(text: str, actions: list[Action]) -> None:
    flat = squash(text)
    for action in actions:
        assert action.item in flat
        assert squash(action.description) in flat, action.description
        assert action.owner in flat
        assert clock.uk_date(action.due) in flat
        assert re.match(r"^\d{2}/\d{2}/\d{4}$", clock.uk_date(action.due))
        assert (
            f"{action.risk.band_word} {action.risk.likelihood} × {action.risk.consequence}" in flat
        )
        assert f"ref {action.id[:8]}" in flat


def _assert_page_numbers(pages: list[str]) -> None:
    total = len(pages)
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {total}" in text


def test_action_plan_holds_every_action_with_its_risk_and_dates(
    tmp_path: Path, store: Store, small_record: AuditRecord, small_audit: SmallAudit
) -> None:
    path = pdf.write_action_plan(
        small_record, tmp_path / "plan.pdf", photos=store.photos.data, trust="Demo NHS Trust"
    )
    pages = pdf_pages(path)
    text = "\n".join(pages)
    assert len(small_record.actions) == len(small_audit.no_items) == 4
    _assert_actions_present(text, list(small_record.actions))
    _assert_page_numbers(pages)
    # the estates comment travels with its action
    assert "Estates: +44 20 7946 0000" in squash(text)


def test_action_plan_cover_says_who_when_and_how_it_scored(
    tmp_path: Path, small_record: AuditRecord
) -> None:
    path = pdf.write_action_plan(small_record, tmp_path / "plan.pdf", trust="Demo NHS Trust")
    cover = squash(pdf_pages(path)[0])
    audit = small_record.audit
    for expected in (
        "Action plan: Juniper Ward",
        "Demo NHS Trust",
        "Ashcombe Hospital",
        clock.uk_date(audit.completed_at),
        "Modern matron",
        "Matron",
        "Rating: RED",  # a critical breach rates the ward red
        "Section scores",
        "Amber 75",
        "Green 90",
    ):
        assert expected in cover, expected
    for section in small_record.score.sections:
        assert section.title in cover


def test_critical_breaches_come_first(
    tmp_path: Path, small_record: AuditRecord, small_audit: SmallAudit
) -> None:
    pages = pdf_pages(pdf.write_action_plan(small_record, tmp_path / "plan.pdf"))
    cover = squash(pages[0])
    assert "CRITICAL BREACHES (1)" in cover
    assert cover.index("CRITICAL BREACHES") < cover.index("Section scores")
    assert small_audit.critical_item in cover
    body = squash("\n".join(pages[1:]))
    table = body[: body.index("Appendix")]
    positions = [table.index(f"ref {a.id[:8]}") for a in small_record.actions]
    critical = next(a for a in small_record.actions if a.item == small_audit.critical_item)
    assert table.index(f"ref {critical.id[:8]}") == min(positions)
    assert "Critical breach" in table


def test_headers_and_footers_carry_ward_date_version_and_fingerprint(
    tmp_path: Path, small_record: AuditRecord
) -> None:
    pages = pdf_pages(pdf.write_action_plan(small_record, tmp_path / "plan.pdf"))
    mark = fingerprint(small_record)
    version = f"checklist {small_record.audit.checklist_id} v{small_record.audit.checklist_version}"
    for text in pages:
        flat = squash(text)
        assert "Juniper Ward" in flat
        assert clock.uk_date(small_record.audit.completed_at) in flat
        assert version in flat
        assert f"Fingerprint {mark}" in flat


def test_the_appendix_holds_every_answer(tmp_path: Path, small_record: AuditRecord) -> None:
    pages = pdf_pages(pdf.write_action_plan(small_record, tmp_path / "plan.pdf"))
    body = squash("\n".join(pages))
    appendix = body[body.index("Appendix: the full answer record") :]
    for item in small_record.checklist.applicable_items(small_record.audit.ward.sex):
        assert item.id in appendix
        assert squash(item.question) in appendix
    assert '=HYPERLINK("http://example.invalid","open")' in appendix


def test_pdf_metadata_names_title_author_and_subject(
    tmp_path: Path, small_record: AuditRecord
) -> None:
    reader = PdfReader(str(pdf.write_action_plan(small_record, tmp_path / "plan.pdf")))
    meta = reader.metadata
    assert meta is not None
    assert meta.title and "Juniper Ward" in meta.title
    assert meta.author == "Modern matron"
    assert meta.subject and "Sexual safety" in meta.subject


def test_photos_sit_beside_their_action(
    tmp_path: Path, store: Store, small_record: AuditRecord
) -> None:
    with_photos = pdf.write_action_plan(
        small_record, tmp_path / "with.pdf", photos=store.photos.data
    )
    without = pdf.write_action_plan(small_record, tmp_path / "without.pdf")

    def images(path: Path) -> int:
        return sum(len(page.images) for page in PdfReader(str(path)).pages)

    assert images(with_photos) == 1
    assert images(without) == 0
    assert "Photos" in squash("\n".join(pdf_pages(with_photos)))


def test_an_unreadable_photo_is_noted_not_fatal(tmp_path: Path, small_record: AuditRecord) -> None:
    path = pdf.write_action_plan(small_record, tmp_path / "plan.pdf", photos=lambda _: b"junk")
    assert "photo could not be read" in squash("\n".join(pdf_pages(path)))


def test_an_audit_in_progress_is_marked_provisional(tmp_path: Path, demo_store: Store) -> None:
    audit = demo_store.audits.list(status="in_progress")[0]
    record = demo_store.audits.get(audit.id)
    pages = pdf_pages(pdf.write_action_plan(record, tmp_path / "plan.pdf"))
    assert "IN PROGRESS" in pages[0]
    assert "provisional" in pages[0]


def test_work_list_groups_every_action_by_site_and_ward(tmp_path: Path, demo_store: Store) -> None:
    actions = demo_store.actions.list(
        site="Fenwick House", status="open"
    ) + demo_store.actions.list(site="Millbrook Centre", status="in_progress")
    path = pdf.write_work_list(
        actions, tmp_path / "work.pdf", title="Estates work list", filters="Open and in progress"
    )
    pages = pdf_pages(path)
    text = squash("\n".join(pages))
    _assert_actions_present(text, actions)
    _assert_page_numbers(pages)
    assert "Estates work list" in text
    assert "Open and in progress" in text
    wards = sorted({(a.site_name, a.ward_name) for a in actions})
    captions = [text.index(f"{ward}, {site}:") for site, ward in wards]
    assert captions == sorted(captions)
    meta = PdfReader(str(path)).metadata
    assert meta is not None
    assert meta.title == "Estates work list"
    assert meta.author
    assert meta.subject and "Open and in progress" in meta.subject


def test_work_list_orders_each_ward_overdue_first_then_band_then_due(
    tmp_path: Path, demo_store: Store
) -> None:
    actions = demo_store.actions.list(ward="Cedar Ward")
    text = squash(
        "\n".join(pdf_pages(pdf.write_work_list(actions, tmp_path / "w.pdf", title="Work")))
    )
    expected = for_planner(actions, clock.today())
    assert any(a.is_overdue(clock.today()) for a in expected[:1])
    assert expected != by_risk(actions)  # the planner's order, not the action plan's
    positions = [text.index(f"ref {a.id[:8]}") for a in expected]
    assert positions == sorted(positions)


def test_overdue_actions_say_so(tmp_path: Path, demo_store: Store) -> None:
    today = clock.today()
    actions = [a for a in demo_store.actions.list() if a.is_overdue(today)][:5]
    assert actions
    text = "\n".join(pdf_pages(pdf.write_work_list(actions, tmp_path / "w.pdf", title="Overdue")))
    assert text.count("OVERDUE") >= len(actions)


def test_an_empty_work_list_still_says_what_it_is(tmp_path: Path) -> None:
    text = "\n".join(pdf_pages(pdf.write_work_list([], tmp_path / "w.pdf", title="Nothing")))
    assert "No actions match" in text
    assert "Page 1 of 1" in text
