"""The Audit screen: answering a ward's checklist, then the summary and sign-off.

- ``screen``: :class:`AuditScreen`, the one name the main window uses; what is saved when
- ``header``, ``item_list``, ``card``, ``action_panel``, ``previous_actions``: its parts
- ``summary``, ``signoff``, ``dialogs``: the summary page, the sign-off and the lock,
  the question before sign-off and the amendment dialog
- ``models``: the item list's model and its search, the team table
- ``photos``: pictures chosen, scaled and shown with an item
- ``keys``: the answer keys
"""

from ui.audit.screen import AuditScreen

__all__ = ["AuditScreen"]
