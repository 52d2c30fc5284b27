"""WardAudit's PDF documents (reportlab): the action plan, the estates work list, the board report.

``base`` holds what every PDF shares (page, styles, furniture, tables, colours) and
``action_table`` the action table the plan and the work list both print. Every text goes
through ``typeset`` (Helvetica, or the shipped fonts of ``fonts`` when a text needs them);
``text`` lays out and draws what needs shaping or right-to-left order, with ``bidi``. Each
writer takes domain values (an audit record, a list of actions, a board) and a path, and
writes the file whole or not at all; :mod:`exports.documents` is the front door that
gathers those values from the store. Importing this package loads reportlab.
"""

from exports.pdf.action_plan import write_action_plan
from exports.pdf.board import write_board_report
from exports.pdf.work_list import write_work_list

__all__ = ["write_action_plan", "write_board_report", "write_work_list"]
