"""Run WardAudit with ``python -m wardaudit``."""

import sys

from wardaudit.cli import main

sys.exit(main())
