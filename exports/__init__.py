"""Documents for estates, wards and boards, and the way back for estates' updates.

``documents`` is the front door: one function per document (the action plan, the estates
work list, the board report), taking the store, the choice of records, the path and the
kind, and the returned workbook's import. ``pdf`` and ``xlsx`` are the building blocks
(reportlab and openpyxl), ``common`` what both share and the import reads back, ``atomic``
writes every file whole or not at all, and ``commands`` is what the command line prints.
Importing this package, ``documents`` or ``commands`` loads neither reportlab nor openpyxl
(and nothing here ever loads Qt): each library loads when a document of its kind is written.
"""
