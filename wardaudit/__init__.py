"""WardAudit's core: checklists, wards, audits, scoring, risk and the store.

Nothing in this package imports Qt, reportlab or openpyxl (the entry point reaches them
only inside the commands that need them).
"""

__version__ = "0.1.0"
