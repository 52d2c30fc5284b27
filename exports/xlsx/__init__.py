"""WardAudit's workbooks (openpyxl): the action plan, the estates work list, the board report,
and the way back for estates' updates.

``base`` holds what every workbook shares (sheets, columns, sanitised text, tables,
key-value sheets) and ``action_sheet`` the Actions and About sheets both action workbooks
carry, so that ``updates`` takes either back. Each writer takes domain values and a path and
writes the file whole or not at all; :mod:`exports.documents` is the front door that gathers
those values from the store. Importing this package loads openpyxl.
"""

from exports.xlsx.action_plan import write_action_plan
from exports.xlsx.board import write_board_report
from exports.xlsx.work_list import write_work_list

__all__ = ["write_action_plan", "write_board_report", "write_work_list"]
