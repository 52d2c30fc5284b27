"""The Wards screen (the home screen): the register of sites and wards with their figures.

- ``screen``: :class:`WardsScreen`, the one name the main window uses
- ``models``: the rows (``load_ward_rows``, off the UI thread) and the ward table model
- ``dialogs``: adding or editing a ward, choosing a checklist
"""

from ui.wards.screen import WardsScreen

__all__ = ["WardsScreen"]
