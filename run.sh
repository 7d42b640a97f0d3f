#!/usr/bin/env bash
# One entry point for people and CI. Sets up .venv on first use (and again when
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

setup() {
  if [ ! -x "$venv/bin/python" ]; then
    echo "First run: creating $venv (this takes a minute)..." >&2
    "$py" -m venv "$venv"
  fi
  stamp="$venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)"
  if [ ! -f "$stamp" ]; then
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -e ".[test,dev]"
    rm -f "$venv"/.installed-*
    touch "$stamp"
  fi
}

setup
cmd="${1:-}"
case "$cmd" in
  test)
    shift
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
    exec "$venv/bin/python" -m benchmarks "$@"
    ;;
  *)
    exec "$venv/bin/interviewer" "$@"
    ;;
esac
