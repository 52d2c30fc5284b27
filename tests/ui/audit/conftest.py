"""Fixtures the audit screen's tests share: an audit of a test ward, and the screen shown."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from ui.audit import AuditScreen
from ui.context import AppContext
from wardaudit.checklist import Checklist
from wardaudit.store import Store


@pytest.fixture
def start_audit(store: Store, checklist: Checklist) -> Callable[..., str]:
    """Starts an audit of "Test Ward" (mixed), whose areas are the ones given."""

    def start(*areas: str) -> str:
        ward = store.wards.add(site="Test site", name="Test Ward", sex="mixed", areas=list(areas))
        return store.audits.start(ward.id, checklist).id

    return start


@pytest.fixture
def show_audit_screen(qtbot) -> Callable[[AppContext], AuditScreen]:  # type: ignore[no-untyped-def]
    """Shows an audit screen at 1366 × 768, active, so keys reach it as they would hers."""

    def show(ctx: AppContext) -> AuditScreen:
        widget = AuditScreen(ctx)
        qtbot.addWidget(widget)
        widget.resize(1366, 768)
        with qtbot.waitActive(widget):
            widget.show()
            widget.activateWindow()
        return widget

    return show


@pytest.fixture
def screen(
    show_audit_screen: Callable[[AppContext], AuditScreen],
    ctx: AppContext,
    errors: list[BaseException],
) -> Iterator[AuditScreen]:
    widget = show_audit_screen(ctx)
    yield widget
    widget.hide()  # saves anything typed while the store is still open
