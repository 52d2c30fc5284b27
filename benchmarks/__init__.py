"""WardAudit's performance measurements: run with ``python -m benchmarks`` (``--quick`` for short)."""
