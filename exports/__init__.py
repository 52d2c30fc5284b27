"""Documents for estates and wards, and the way back for estates' updates.

``pdf`` and ``xlsx`` write an audit's action plan and the work list across audits;
``updates`` reads a returned workbook and applies it all or not at all; ``atomic``
writes every file whole or not at all; ``commands`` is what the command line calls.
Importing this package loads neither reportlab nor openpyxl (and never Qt): each
writer loads its library when it is imported, and ``commands`` imports the writer
only for the format asked for.
"""
