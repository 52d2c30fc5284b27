"""The Board screen: wards compared over a period, the board report, and exchange files.

- ``screen``: :class:`BoardScreen`, the one name the main window uses; it loads the core's
  figures (:func:`wardaudit.board.figures_for`) off the UI thread and writes the board report
  through :mod:`exports.documents`
- ``exchange``: exchange files checked, imported, and their conflicts in words
- ``models``, ``heatmap``: the ward table, one ward's audits, the sections heatmap
- ``tabs``, ``tiles``, ``filters``: the views, the summary tiles, the period and filters
- ``chart``, ``sparkline``, ``drawing``, ``tick_box``: scores over time, drawn with QPainter
- ``dialogs``, ``import_preview``: a ward's audits, an exchange file out and in

Every word a document also says (scores, n, periods, trends, ratings, conflicts) comes from
:mod:`wardaudit.words`, and every colour that carries meaning from :mod:`wardaudit.palette`.
"""

from ui.board.screen import BoardScreen

__all__ = ["BoardScreen"]
