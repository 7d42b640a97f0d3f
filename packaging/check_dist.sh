#!/usr/bin/env bash
# Build the sdist and the wheel the way a release would (`python -m build`: the sdist
# first, then the wheel from the unpacked sdist, so a file missing from the sdist breaks
# the wheel too), then install the wheel into a fresh virtual environment and run an
# offline interview with it.
#
#   packaging/check_dist.sh            the artefacts land in dist/
#
# Needs Python 3.11+ (PYTHON=... to choose one) and a package index (for `build`, and
# for the wheel's dependencies in the fresh environment).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
py="${PYTHON:-python3}"
version="$(sed -n 's/^__version__ = "\(.*\)"/\1/p' interviewer/__init__.py)"
out="$root/dist"
tmp="$(mktemp -d "${TMPDIR:-/tmp}/interviewer-dist.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT

say() { printf '\n== %s\n' "$*"; }
fail() { printf 'FAILED: %s\n' "$*" >&2; exit 1; }

say "python -m build"
"$py" -m venv "$tmp/build-venv"
"$tmp/build-venv/bin/python" -m pip install --quiet --disable-pip-version-check build
rm -f "$out/interviewer-$version.tar.gz" "$out/interviewer-$version-py3-none-any.whl"
"$tmp/build-venv/bin/python" -m build --outdir "$out" . >"$tmp/build.log" 2>&1 \
  || { cat "$tmp/build.log"; fail "python -m build"; }
sdist="$out/interviewer-$version.tar.gz"
wheel="$out/interviewer-$version-py3-none-any.whl"
{ [ -f "$sdist" ] && [ -f "$wheel" ]; } || fail "expected $sdist and $wheel"
ls -l "$sdist" "$wheel"

say "sdist contents"
tar -tzf "$sdist" >"$tmp/sdist.txt"
for f in LICENSE README.md CHANGELOG.md pyproject.toml MANIFEST.in \
  prompts/grade.md.j2 rubrics/technical.toml tracks/ml-full-loop.toml \
  tracks/questions/technical.toml interviewer/data/o200k_base.tiktoken.gz \
  interviewer/export/report.schema.json tests/conftest.py packaging/interviewer.spec \
  "packaging/linux/io.github.interviewer.Interviewer.desktop"; do
  grep -qx "interviewer-$version/$f" "$tmp/sdist.txt" || fail "sdist lacks $f"
done
echo "$(wc -l <"$tmp/sdist.txt") entries; content folders, LICENSE, README, tests and packaging present"

say "The wheel in a fresh virtual environment"
"$py" -m venv "$tmp/fresh"
"$tmp/fresh/bin/python" -m pip install --quiet --disable-pip-version-check "$wheel"
export INTERVIEWER_HOME="$tmp/home" QT_QPA_PLATFORM=offscreen
unset OPENAI_API_KEY OPENAI_BASE_URL
cd "$tmp"  # nothing from the checkout on sys.path
bin="$tmp/fresh/bin/interviewer"
[ "$("$bin" --version)" = "interviewer $version" ] || fail "--version"
"$tmp/fresh/bin/python" -c '
import sys
from pathlib import Path
from interviewer.core.content import builtin_content_root
root = builtin_content_root()
print("built-in content:", root)
sys.exit(0 if Path(sys.prefix) in root.parents else "content is not read from the installed wheel")
'
"$bin" tracks | grep -q ml-full-loop || fail "tracks does not list ml-full-loop"
printf 'my answer\n.\n' | "$bin" practice --track ml-full-loop --backend offline --questions 2 \
  >"$tmp/practice.txt" || fail "practice exited with $?"
grep -q "Overall score" "$tmp/practice.txt" || fail "practice printed no graded summary"
tail -n 4 "$tmp/practice.txt"
echo "wheel and sdist: ok"
