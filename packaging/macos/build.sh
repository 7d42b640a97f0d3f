#!/usr/bin/env bash
# Build Interviewer.app on macOS, check that it starts, and wrap it in a .dmg.
#
#   packaging/macos/build.sh
#
# Output: dist/Interviewer.app and dist/Interviewer-VERSION-macos-ARCH.dmg. The .app is
# built for the machine's own architecture (arm64 on Apple silicon, x86_64 on Intel):
# build once on each to ship both.
#
# Not run in this repository's CI (Linux only); see packaging/README.md. Needs Python
# 3.11+ from python.org or Homebrew (PYTHON=... to choose one), Xcode command line tools,
# and a package index on the first run.
#
# Signing and notarization (optional; without them Gatekeeper blocks the first launch
# until the user allows it in System Settings > Privacy & Security):
#   MACOS_CODESIGN_IDENTITY="Developer ID Application: NAME (TEAMID)"   signs every binary
#       with the hardened runtime (the spec passes it to PyInstaller with entitlements.plist)
#   MACOS_NOTARY_PROFILE=NAME   a notarytool keychain profile (xcrun notarytool
#       store-credentials NAME ...); the .dmg is then notarized and stapled.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
py="${PYTHON:-python3}"
venv="$root/build/pyinstaller-venv"
app="$root/dist/Interviewer.app"
exe="$app/Contents/MacOS/interviewer"
version="$(sed -n 's/^__version__ = "\(.*\)"/\1/p' interviewer/__init__.py)"

say() { printf '\n== %s\n' "$*"; }
fail() { printf 'FAILED: %s\n' "$*" >&2; exit 1; }
start=$(date +%s)

say "Build environment: $venv"
[ -x "$venv/bin/python" ] || "$py" -m venv "$venv"
reqs="$root/build/bundle-requirements.txt"
"$venv/bin/python" - "$reqs" <<'PY'
import sys, tomllib
deps = tomllib.load(open("pyproject.toml", "rb"))["project"]["dependencies"]
open(sys.argv[1], "w").write("\n".join(["pyinstaller>=6.10,<7", *deps]) + "\n")
PY
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$reqs"

say "PyInstaller"
rm -rf "$app" "$root/dist/interviewer"
"$venv/bin/python" -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath "$root/dist" --workpath "$root/build/pyinstaller" packaging/interviewer.spec

if [ -n "${MACOS_CODESIGN_IDENTITY:-}" ]; then
  say "Signature"
  codesign --verify --deep --strict --verbose=2 "$app"
fi

# ------------------------------------------------------------------ smoke checks
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
export INTERVIEWER_HOME="$tmp/home" QT_QPA_PLATFORM=offscreen
unset OPENAI_API_KEY OPENAI_BASE_URL

say "Smoke: --version"
got="$("$exe" --version)"
[ "$got" = "interviewer $version" ] || fail "--version printed '$got'"
echo "$got"

say "Smoke: files the app reads at run time"
"$exe" --bundle-self-check || fail "bundle self-check"

say "Smoke: interviewer tracks, and an offline interview from a pipe"
"$exe" tracks | grep -q ml-full-loop || fail "tracks does not list ml-full-loop"
printf 'my answer\n.\n' | "$exe" practice --track ml-full-loop --backend offline --questions 2 \
  --report "$tmp/report.pdf" | grep -q "Overall score" || fail "practice printed no summary"

say "Smoke: render every main screen offscreen"
"$exe" screenshots "$tmp/shots" >/dev/null
for name in home interview feedback settings; do
  [ -s "$tmp/shots/$name.png" ] || fail "$name.png was not written"
done

say "Disk image"
arch="$(uname -m)"
dmg="$root/dist/Interviewer-$version-macos-$arch.dmg"
rm -f "$dmg"
hdiutil create -volname "Interviewer $version" -srcfolder "$app" -ov -format UDZO "$dmg"
if [ -n "${MACOS_CODESIGN_IDENTITY:-}" ]; then
  codesign --sign "$MACOS_CODESIGN_IDENTITY" --timestamp "$dmg"
fi
if [ -n "${MACOS_NOTARY_PROFILE:-}" ]; then
  say "Notarization"
  xcrun notarytool submit "$dmg" --keychain-profile "$MACOS_NOTARY_PROFILE" --wait
  xcrun stapler staple "$dmg"
fi

say "Result"
echo "Interviewer $version: $app ($(du -sh "$app" | cut -f1)), $dmg"
echo "build time: $(( $(date +%s) - start ))s"
echo "smoke checks passed"
