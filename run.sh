#!/usr/bin/env bash
# One entry point for people and CI. On first use it checks what this machine lacks
# (Python's venv support, the system libraries Qt loads, a font, and for the tests
# poppler's pdftotext), installs it when it can (as root, or with sudo after saying what
# and why) or prints the one command that does, then sets up .venv (again whenever
# pyproject.toml changes), then:
#   ./run.sh              open the desktop app
#   ./run.sh test [ARGS]  run the whole test suite (ARGS go to pytest)
#   ./run.sh lint         ruff (lint + format check) and mypy
#   ./run.sh bench        the benchmarks
#   ./run.sh ARGS...      any `interviewer` command, e.g. ./run.sh practice --track ml-technical
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"
venv="$here/.venv"
py="${PYTHON:-python3}"
say() { echo "[interviewer] $*" >&2; }

check_python() {
  if ! command -v "$py" >/dev/null 2>&1; then
    say "Python 3.11 or newer is needed and '$py' was not found."
    say "Debian/Ubuntu: sudo apt-get install python3   Fedora: sudo dnf install python3   Arch: sudo pacman -S python"
    exit 1
  fi
  if ! "$py" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
    say "Python 3.11 or newer is needed; '$py' is $("$py" -V 2>&1). Set PYTHON=/path/to/python3.11 and run again."
    exit 1
  fi
  # Debian and Ubuntu ship venv's pip bootstrap separately (python3-venv).
  "$py" "$here/interviewer/syslibs.py" --venv-only --install || exit 1
}

setup() {
  # A venv whose creation was cut short has a python but no pip: start it again.
  if [ -x "$venv/bin/python" ] && ! "$venv/bin/python" -m pip --version >/dev/null 2>&1; then
    say "$venv is incomplete; creating it again."
    rm -rf "$venv"
  fi
  if [ ! -x "$venv/bin/python" ]; then
    check_python
    say "First run: creating $venv and installing the app's Python packages (a few minutes)..."
    "$py" -m venv "$venv"
  fi
  stamp="$venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)"
  if [ ! -f "$stamp" ]; then
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -e ".[test,dev,voice]"
    rm -f "$venv"/.installed-*
    touch "$stamp"
  fi
}

# The system libraries Qt's platform plugins load (found with ldd, not from a list).
system_check() {
  [ "$(uname -s)" = "Linux" ] || return 0
  "$venv/bin/python" -m interviewer.syslibs --need "$1" --install || exit 1
}

setup
cmd="${1:-}"
case "$cmd" in
  test)
    shift
    system_check test
    export QT_QPA_PLATFORM=offscreen
    exec "$venv/bin/python" -m pytest "$@"
    ;;
  lint)
    "$venv/bin/ruff" check interviewer tests benchmarks
    "$venv/bin/ruff" format --check interviewer tests benchmarks
    exec "$venv/bin/mypy"
    ;;
  bench)
    shift
    system_check test
    exec "$venv/bin/python" -m benchmarks "$@"
    ;;
  "" | gui | screenshots)
    system_check gui
    exec "$venv/bin/interviewer" "$@"
    ;;
  *)
    exec "$venv/bin/interviewer" "$@"
    ;;
esac
