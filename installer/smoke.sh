#!/usr/bin/env sh
# Build WardAudit's desktop bundle and run it as on a locked-down laptop (Linux).
#
#     sh installer/smoke.sh
#
# Builds dist/wardaudit/ with installer/build.py, then runs the bundled program with a
# bare environment (PATH, HOME and QT_QPA_PLATFORM only; no Python, no virtualenv):
# --version, --self-check, the desktop app to a usable window, a trust's own checklist
# folder, and the size limit (150 MB). Exit status 0 only if every check passed.
# Needs PyInstaller in the environment: .venv/bin/pip install -e ".[installer]"
set -eu
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-.venv/bin/python}"
started=$(date +%s)
"$PYTHON" -m pytest tests/installer/test_bundle.py -v -p no:cacheprovider
home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
echo
echo "The bundle's self-check, as IT would run it:"
env -i PATH=/usr/bin:/bin HOME="$home" QT_QPA_PLATFORM=offscreen dist/wardaudit/wardaudit --self-check
echo
echo "smoke: passed in $(( $(date +%s) - started )) s; bundle size $(du -sh dist/wardaudit | cut -f1)"
