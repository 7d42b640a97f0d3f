#!/usr/bin/env bash
# Build the Linux one-folder bundle (dist/interviewer/) and prove it starts.
#
#   packaging/build.sh            build, then run the smoke checks
#   packaging/build.sh --check    only run the smoke checks on an existing dist/interviewer
#
# Needs Python 3.11+ (PYTHON=... to choose one) and a package index for the first run: it
# creates its own virtual environment in build/pyinstaller-venv with PyInstaller and the
# project's dependencies (read from pyproject.toml). The project itself is analysed from
# this checkout, so the bundle is always the code in front of you.
#
# Output: dist/interviewer/ (run dist/interviewer/interviewer), desktop-integration files
# under dist/interviewer/share/, and dist/interviewer-VERSION-linux-ARCH.tar.gz.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
py="${PYTHON:-python3}"
venv="$root/build/pyinstaller-venv"
bundle="$root/dist/interviewer"
app_id="io.github.interviewer.Interviewer"
version="$(sed -n 's/^__version__ = "\(.*\)"/\1/p' interviewer/__init__.py)"
# PyInstaller 6 puts the bundle's files under _internal/ and sets __file__ under it.
pyinstaller_req="pyinstaller>=6.10,<7"

say() { printf '\n== %s\n' "$*"; }
fail() { printf 'FAILED: %s\n' "$*" >&2; exit 1; }

check_only=0
[ "${1:-}" = "--check" ] && check_only=1

if [ "$check_only" -eq 0 ]; then
  start=$(date +%s)

  say "Desktop entry and AppStream metadata"
  if command -v desktop-file-validate >/dev/null; then
    desktop-file-validate "packaging/linux/$app_id.desktop"
    echo "desktop-file-validate: ok"
  else
    echo "desktop-file-validate not found (Debian: apt install desktop-file-utils); skipped"
  fi
  if command -v appstreamcli >/dev/null; then
    appstreamcli validate --no-net "packaging/linux/$app_id.metainfo.xml"
  else
    echo "appstreamcli not found (Debian: apt install appstream); skipped"
  fi

  say "Build environment: $venv"
  if [ ! -x "$venv/bin/python" ]; then
    "$py" -m venv "$venv"
  fi
  reqs="$root/build/bundle-requirements.txt"
  "$venv/bin/python" - "$reqs" "$pyinstaller_req" <<'PY'
import sys, tomllib
deps = tomllib.load(open("pyproject.toml", "rb"))["project"]["dependencies"]
open(sys.argv[1], "w").write("\n".join([sys.argv[2], *deps]) + "\n")
PY
  stamp="$venv/.installed-$(sha256sum "$reqs" | cut -c1-16)"
  if [ ! -f "$stamp" ]; then
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$reqs"
    rm -f "$venv"/.installed-*
    touch "$stamp"
  fi
  "$venv/bin/python" -m PyInstaller --version | sed 's/^/PyInstaller /'

  say "PyInstaller"
  rm -rf "$bundle"
  "$venv/bin/python" -m PyInstaller --noconfirm --clean --log-level WARN \
    --distpath "$root/dist" --workpath "$root/build/pyinstaller" \
    packaging/interviewer.spec

  say "Desktop integration files"
  share="$bundle/share"
  install -Dm644 "packaging/linux/$app_id.desktop" "$share/applications/$app_id.desktop"
  install -Dm644 "packaging/linux/$app_id.metainfo.xml" "$share/metainfo/$app_id.metainfo.xml"
  cp -r packaging/linux/icons "$share/"
  install -Dm644 LICENSE "$bundle/LICENSE"
  install -Dm755 packaging/linux/install.sh "$bundle/install.sh"
  find "$share" -type f | sed "s|$root/||" | sort

  build_seconds=$(( $(date +%s) - start ))
fi

[ -x "$bundle/interviewer" ] || fail "$bundle/interviewer does not exist; build first"

# ------------------------------------------------------------------ smoke checks
# Everything the bundle writes goes to a temporary INTERVIEWER_HOME, never the real home.
tmp="$(mktemp -d "${TMPDIR:-/tmp}/interviewer-smoke.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
export INTERVIEWER_HOME="$tmp/home"
export QT_QPA_PLATFORM=offscreen
unset OPENAI_API_KEY OPENAI_BASE_URL
app="$bundle/interviewer"

say "Smoke: --version"
got="$("$app" --version)"
echo "$got"
[ "$got" = "interviewer $version" ] || fail "--version printed '$got', expected 'interviewer $version'"

say "Smoke: files the app reads at run time"
"$app" --bundle-self-check || fail "bundle self-check"

say "Smoke: interviewer tracks"
"$app" tracks | tee "$tmp/tracks.txt"
grep -q "ml-full-loop" "$tmp/tracks.txt" || fail "tracks does not list ml-full-loop"

say "Smoke: an offline interview from a pipe, with PDF and JSON reports"
printf 'my answer\n.\n' | "$app" practice --track ml-full-loop --backend offline --questions 2 \
  --report "$tmp/report.pdf" >"$tmp/practice.txt"
tail -n 8 "$tmp/practice.txt"
grep -q "Overall score" "$tmp/practice.txt" || fail "practice printed no graded summary"
head -c 5 "$tmp/report.pdf" | grep -q '%PDF-' || fail "no PDF report"
session="$("$app" sessions --json | "$py" -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')"
"$app" report "$session" -o "$tmp/report.json" >/dev/null
"$py" -c 'import json,sys; json.load(open(sys.argv[1]))' "$tmp/report.json" \
  || fail "JSON report does not parse"
echo "session $session: report.pdf $(stat -c %s "$tmp/report.pdf") bytes, report.json ok"

say "Smoke: render every main screen offscreen"
"$app" screenshots "$tmp/shots"
for name in home interview feedback settings; do
  png="$tmp/shots/$name.png"
  [ -s "$png" ] || fail "$name.png was not written"
  [ "$(head -c 8 "$png" | od -An -tx1 | tr -d ' \n')" = "89504e470d0a1a0a" ] || fail "$name.png is not a PNG"
done

say "Smoke: the desktop app starts and keeps running"
# `interviewer gui` builds the real main window (settings, store, backend) and then
# waits in the event loop; still running after a few seconds means it started.
set +e
timeout 8 "$app" gui >"$tmp/gui.log" 2>&1
rc=$?
set -e
cat "$tmp/gui.log"
[ "$rc" -eq 124 ] || fail "the app exited with $rc before the time-out (see above)"
if grep -q "Traceback" "$tmp/gui.log"; then fail "the app printed a traceback"; fi
echo "still running after 8 s: ok"

say "Smoke: a copy in another folder (nothing points back into the build tree)"
cp -a "$bundle" "$tmp/moved"
"$tmp/moved/interviewer" --bundle-self-check | grep "content:" | grep -q "$tmp/moved/" \
  || fail "the moved copy does not read its own content"
"$tmp/moved/interviewer" tracks >/dev/null || fail "tracks from the moved copy"
echo "moved copy: ok"

say "Smoke: install.sh into a scratch prefix, then --uninstall"
PREFIX="$tmp/prefix" "$tmp/moved/install.sh"
for f in bin/interviewer "share/applications/$app_id.desktop" "share/metainfo/$app_id.metainfo.xml" \
  "share/icons/hicolor/scalable/apps/$app_id.svg" "share/icons/hicolor/48x48/apps/$app_id.png"; do
  [ -e "$tmp/prefix/$f" ] || fail "install.sh did not install $f"
done
[ "$("$tmp/prefix/bin/interviewer" --version)" = "interviewer $version" ] \
  || fail "the installed link does not start the app"
PREFIX="$tmp/prefix" "$tmp/moved/install.sh" --uninstall
left="$(find "$tmp/prefix" \( -type f -o -type l \) ! -name "*.cache")"  # caches are rebuilt, not removed
[ -z "$left" ] || fail "--uninstall left: $left"

if command -v xvfb-run >/dev/null; then
  say "Smoke: on a real X server (xvfb-run), with Qt's xcb platform plugin"
  set +e
  xvfb-run -a -s "-screen 0 1280x900x24" env -u QT_QPA_PLATFORM timeout 8 "$app" gui \
    >"$tmp/xcb.log" 2>&1
  rc=$?
  set -e
  cat "$tmp/xcb.log"
  [ "$rc" -eq 124 ] || fail "under X11 the app exited with $rc before the time-out"
  xvfb-run -a -s "-screen 0 1280x900x24" env QT_QPA_PLATFORM=xcb "$app" screenshots \
    "$tmp/xcb-shots" >/dev/null || fail "screenshots under X11"
  [ -s "$tmp/xcb-shots/feedback.png" ] || fail "no feedback.png under X11"
  echo "xcb: window ran 8 s, screens rendered"
else
  echo "xvfb-run not found (Debian: apt install xvfb); X11 check skipped"
fi

say "Result"
size="$(du -sh "$bundle" | cut -f1)"
echo "Interviewer $version bundle: $bundle ($size)"
if [ "$check_only" -eq 0 ]; then
  arch="$(uname -m)"
  tarball="$root/dist/interviewer-$version-linux-$arch.tar.gz"
  tar -C "$root/dist" -czf "$tarball" interviewer
  echo "archive: $tarball ($(du -h "$tarball" | cut -f1))"
  echo "build time: ${build_seconds}s"
fi
echo "smoke checks passed"
