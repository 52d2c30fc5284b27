"""Run the wardaudit command line, then write this process's own peak memory to a file.

A child's ``ru_maxrss`` as its parent reads it (``os.wait4``) counts the parent's pages
from before the child's ``exec`` on Linux, so a child started by a big process seems big.
The child's own high-water mark (``VmHWM`` in ``/proc/self/status``) is its alone.
"""

from __future__ import annotations

import os
import resource
import sys

from wardaudit.cli import main


def peak_kb() -> int:
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


if __name__ == "__main__":
    code = main(sys.argv[1:])
    with open(os.environ["WARDAUDIT_PEAK_FILE"], "w", encoding="ascii") as handle:
        handle.write(str(peak_kb()))
    sys.exit(code)
