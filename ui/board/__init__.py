"""The Board screen: wards compared over a period, the board report, and exchange files.

- ``screen``: :class:`BoardScreen`, the one name the main window uses
- ``reports``: the figures (``load_board``, off the UI thread) and the board report
- ``exchange``: exchange files checked, imported, and their conflicts in words
- ``models``, ``heatmap``: the ward table, one ward's audits, the sections heatmap
- ``tabs``, ``tiles``, ``filters``: the views, the summary tiles, the period and filters
- ``chart``, ``sparkline``, ``drawing``, ``tick_box``: scores over time, drawn with QPainter
- ``dialogs``, ``import_preview``: a ward's audits, an exchange file out and in
- ``words``: counts, scores, months, trends and periods in words
"""

from ui.board.screen import BoardScreen

__all__ = ["BoardScreen"]
