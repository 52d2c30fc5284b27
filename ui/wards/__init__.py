"""The Wards screen (the home screen): the register of sites and wards with their figures.

- ``screen``: :class:`WardsScreen`, the one name the main window uses
- ``models``: the ward table model over the core's ward overview, and its site filter
- ``dialogs``: adding or editing a ward, choosing a checklist
"""

from ui.wards.screen import WardsScreen

__all__ = ["WardsScreen"]
