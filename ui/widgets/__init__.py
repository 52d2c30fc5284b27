"""Widgets, table models and delegates shared by the screens; no screen's own parts.

- ``chips``: rating and risk chips that carry a word as well as a colour
- ``layouts``: a row layout that wraps, labels kept with their controls
- ``tables``: the base of the row tables and the delegate that keeps a cell's colour
- ``messages``: messages and dialogs that open without stopping the app
- ``files``: the one save and open dialog for documents and exchange files
- ``screen``: the base of every screen: the change hook and its busy state
"""
