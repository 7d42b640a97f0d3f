#!/bin/sh
# Install this Interviewer bundle for the current user: the `interviewer` command, the
# menu entry, the icons and the AppStream data. The bundle stays where it is (the command
# is a link to it), so move the folder first if you want it elsewhere.
#
#   ./install.sh                 into ~/.local (no root needed)
#   sudo PREFIX=/usr/local ./install.sh
#   ./install.sh --uninstall     remove what install.sh put there
set -eu
here="$(cd "$(dirname "$0")" && pwd)"
prefix="${PREFIX:-$HOME/.local}"
app_id="io.github.interviewer.Interviewer"

files() {
  echo "bin/interviewer"
  (cd "$here/share" && find . -type f | sed 's|^\./|share/|')
}

if [ "${1:-}" = "--uninstall" ]; then
  files | while read -r f; do rm -f "$prefix/$f"; done
  echo "Removed Interviewer from $prefix"
else
  mkdir -p "$prefix/bin" "$prefix/share"
  ln -sf "$here/interviewer" "$prefix/bin/interviewer"
  cp -R "$here/share/." "$prefix/share/"
  echo "Installed Interviewer into $prefix ($app_id); run: interviewer"
  case ":$PATH:" in
    *":$prefix/bin:"*) ;;
    *) echo "Note: $prefix/bin is not on your PATH; add it to start 'interviewer' by name." ;;
  esac
fi
# Refresh the menu and icon caches where the tools exist; a missing tool is not an error.
if command -v update-desktop-database >/dev/null 2>&1; then
  update-desktop-database -q "$prefix/share/applications" 2>/dev/null || true
fi
if command -v gtk-update-icon-cache >/dev/null 2>&1; then
  gtk-update-icon-cache -q -t "$prefix/share/icons/hicolor" 2>/dev/null || true
fi
