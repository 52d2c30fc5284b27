"""The signed-off audit's action plan, from the summary: saved as PDF or Excel in one click
each (through the documents' front door, off the UI thread), and printed.

Printing uses the system's print dialog and prints the plan as a ``QTextDocument`` made from
the same record and the same shared words as the documents (the critical breaches, then every
action by risk band with what, where, owner, risk and due date). The PDF itself is not sent
to the printer: Qt can only draw a PDF's pages with the QtPdf module, which the app's
PySide6-Essentials does not carry.
"""

from __future__ import annotations

import html
import logging
from pathlib import Path

from PySide6.QtGui import QPageLayout, QPageSize, QTextDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QWidget

from ui.context import AppContext
from ui.ops import Op
from ui.widgets.files import last_folder, tell_saved
from wardaudit import clock, words
from wardaudit.actions import band_rank
from wardaudit.model import AuditRecord
from wardaudit.scoring import display_score

log = logging.getLogger(__name__)


def plan_name(record: AuditRecord) -> str:
    day = clock.uk_date(record.audit.completed_at or record.audit.started_at).replace("/", "-")
    return f"WardAudit action plan {record.audit.ward.name} {day}"


def free_path(folder: Path, name: str, suffix: str) -> Path:
    """``folder/name.suffix``, or ``name (2).suffix`` and so on: nothing saved is overwritten."""
    path = folder / f"{name}{suffix}"
    number = 2
    while path.exists():
        path = folder / f"{name} ({number}){suffix}"
        number += 1
    return path


def save_plan(parent: QWidget, ctx: AppContext, record: AuditRecord, kind: str) -> Op[Path]:
    """Write the action plan to her documents folder in the worker, then offer to open it."""
    from exports.documents import write_action_plan  # heavy: loaded when an export starts

    path = free_path(last_folder("documents"), plan_name(record), f".{kind}")
    store, audit_id = ctx.store, record.audit.id
    words_kind = "PDF" if kind == "pdf" else "Excel"

    def saved(written: Path) -> None:
        parent.setProperty("lastSaved", str(written))
        parent.last_message = tell_saved(  # type: ignore[attr-defined]
            parent,
            "Action plan saved",
            f"The action plan of {record.audit.ward.name} is saved as {written.name}.",
            written,
            f"It is in {written.parent}.",
        )

    op = (
        Op(parent, lambda: Path(write_action_plan(store, audit_id, path, kind)))
        .busy(f"Writing the action plan ({words_kind})…")
        .success(saved)
    )
    return op.run()


def plan_html(record: AuditRecord) -> str:
    """The action plan for printing, in the words the documents use."""
    audit, score = record.audit, record.score
    shown = f"{display_score(score.overall)}%" if score.overall is not None else words.NOT_SCORED
    parts = [
        f"<h1>Action plan: {html.escape(audit.ward.name)}, {html.escape(audit.ward.site)}</h1>",
        f"<p>Audit signed off {html.escape(clock.uk_date(audit.completed_at))} by "
        f"{html.escape(words.person_words(audit.signed_by, audit.signed_role))}. "
        f"Score {shown}, rated <b>{html.escape(words.rating_word(score.rating))}</b>.</p>",
    ]
    if score.critical_items:
        parts.append(
            f"<h2>{html.escape(words.critical_breaches_words(len(score.critical_items)))}</h2><ul>"
        )
        for item_id in score.critical_items:
            question = record.checklist.item(item_id).question
            parts.append(f"<li><b>{html.escape(item_id)}</b>: {html.escape(question)}</li>")
        parts.append("</ul>")
    actions = sorted(record.actions, key=lambda a: (band_rank(a.risk.band), a.due, a.item))
    parts.append(f"<h2>Actions ({len(actions)})</h2>")
    if not actions:
        parts.append("<p>No actions: nothing was answered No or Partly.</p>")
    else:
        parts.append(
            "<table border='1' cellspacing='0' cellpadding='4' width='100%'><tr>"
            "<th>Item</th><th>What will be done</th><th>Found</th><th>Where</th>"
            "<th>Owner</th><th>Risk</th><th>Due</th></tr>"
        )
        for action in actions:
            cells = (
                action.item,
                action.description,
                words.found_words(action),
                action.location or words.NONE_MARK,
                action.owner or "not set",
                f"{words.risk_words(action)} {words.band_word(action.risk.band)}",
                clock.uk_date(action.due),
            )
            parts.append("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in cells) + "</tr>")
        parts.append("</table>")
    if record.links:
        parts.append("<h2>Found again, linked to actions already open</h2><ul>")
        for link in record.links:
            parts.append(f"<li>{html.escape(link.item)}: added to the ward's open action</li>")
        parts.append("</ul>")
    return "".join(parts)


def plan_document(record: AuditRecord) -> QTextDocument:
    document = QTextDocument()
    document.setHtml(plan_html(record))
    document.setMetaInformation(QTextDocument.MetaInformation.DocumentTitle, plan_name(record))
    return document


def choose_printer(parent: QWidget, printer: QPrinter) -> bool:
    """The system's print dialog (modal: tests replace this function)."""
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle("Print the action plan")
    return dialog.exec() == QDialog.DialogCode.Accepted


def print_plan(parent: QWidget, record: AuditRecord) -> bool:
    """Print the action plan on the printer she chooses; False if she cancels."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    printer.setPageOrientation(QPageLayout.Orientation.Landscape)
    printer.setDocName(plan_name(record))
    if not choose_printer(parent, printer):
        return False
    plan_document(record).print_(printer)
    log.info("printed the action plan of %s", record.audit.id)
    return True
