"""The Actions screen: every action across the wards, filtered, updated, exported, taken back.

- ``screen``: :class:`ActionsScreen`, the one name the main window uses
- ``models``: the actions (``load_actions``, off the UI thread), their table and filters
- ``filters``: the filter boxes
- ``details``: the selected action, its update form and history
- ``dialogs``: the preview of estates' returned workbook
- ``words``: overdue days, statuses and history in words
"""

from ui.actions.screen import ActionsScreen

__all__ = ["ActionsScreen"]
