#!/usr/bin/env bash
# The README's promise, checked the way a newcomer meets it: a clean Debian 12 root made
# by debootstrap holding only `python3`, this project cloned into it, then the README's
# two commands run there with nothing else installed by hand:
#   1. `./run.sh test` in one fresh root (it must install what it needs and pass);
#   2. `./run.sh` in another fresh root, with a real X display (Xvfb on the host, its
#      socket shared into the root so no X library leaks in): the window must appear
#      (screenshot saved) and keep running;
#   3. `./run.sh` as an ordinary user without sudo: it must stop before doing anything
#      and print the one apt-get command that installs what is missing.
#
# Usage (as root; needs debootstrap, Xvfb, x11-utils and imagemagick on the host, and
# network access to the Debian and PyPI mirrors):
#   packaging/fresh_machine_check.sh [WORKDIR]     (default /var/tmp/interviewer-fresh)
# Environment: SCENARIOS="test gui user" picks which to run; KEEP=1 keeps the roots.
# The minimal root is made once and cached as WORKDIR/base.tar; delete it to start over.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="${1:-/var/tmp/interviewer-fresh}"
scenarios="${SCENARIOS:-test gui user}"
log() { echo "== $*" >&2; }

[ "$(id -u)" -eq 0 ] || { echo "run as root (debootstrap and chroot need it)" >&2; exit 2; }
for tool in debootstrap chroot git tar; do
  command -v "$tool" >/dev/null || { echo "missing host tool: $tool" >&2; exit 2; }
done
mkdir -p "$work"

mounted=()
cleanup() {
  for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do umount -l "${mounted[i]}" 2>/dev/null || true; done
  [ -n "${xvfb_pid:-}" ] && kill "$xvfb_pid" 2>/dev/null || true
}
trap cleanup EXIT

# ---- the newcomer's machine: Debian 12 minbase + python3, nothing else
if [ ! -f "$work/base.tar" ]; then
  log "debootstrap --variant=minbase bookworm (a few minutes, once)"
  rm -rf "$work/base"
  debootstrap --variant=minbase bookworm "$work/base" >"$work/debootstrap.log" 2>&1
  cp /etc/resolv.conf "$work/base/etc/resolv.conf"
  chroot "$work/base" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive chroot "$work/base" apt-get install -y -qq python3 >/dev/null
  tar -C "$work/base" -cf "$work/base.tar" .
  rm -rf "$work/base"
fi

# Never delete a folder that still has /dev or /proc mounted inside it.
safe_rm() {
  local dir="$1" m
  while read -r _ m _; do
    [[ "$m" == "$dir"/* ]] && umount -l "$m" 2>/dev/null || true
  done < <(sort -r -k2 /proc/mounts)
  if grep -q " $dir/" /proc/mounts; then
    echo "refusing to delete $dir: something is still mounted inside it" >&2
    exit 2
  fi
  rm -rf "$dir"
}

# A root of its own for each scenario, with the project cloned as a newcomer would.
# Sets extra_env (the variables every command in that root gets).
new_root() {
  local root="$work/$1"
  extra_env=""
  safe_rm "$root"
  mkdir -p "$root"
  tar -C "$root" -xf "$work/base.tar"
  cp /etc/resolv.conf "$root/etc/resolv.conf"
  mount -t proc proc "$root/proc" && mounted+=("$root/proc")
  mount --rbind /dev "$root/dev" && mounted+=("$root/dev")
  mkdir -p "$root/home/newcomer"
  git clone -q "$repo" "$root/home/newcomer/interviewer"
  # This workplace reaches PyPI through a TLS-inspecting proxy whose CA only the host's
  # pip trusts; hand that bundle on (a newcomer's own machine needs nothing of the sort).
  pip_cert="${PIP_CERT:-$(pip config get global.cert 2>/dev/null || true)}"
  if [ -n "$pip_cert" ] && [ -f "$pip_cert" ]; then
    cp "$pip_cert" "$root/etc/host-ca.crt"
    extra_env="PIP_CERT=/etc/host-ca.crt"
  fi
}

in_root() {  # in_root ROOT [chroot options] -- COMMAND...
  local root="$1"; shift
  local opts=()
  while [ "$1" != "--" ]; do opts+=("$1"); shift; done; shift
  chroot "${opts[@]}" "$root" /usr/bin/env -i HOME=/root LANG=C.UTF-8 TERM=dumb \
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin ${extra_env:-} "$@"
}

result=()

# ---- 1. ./run.sh test
if [[ " $scenarios " == *" test "* ]]; then
  log "scenario test: ./run.sh test in a fresh root"
  new_root test
  start=$SECONDS
  if in_root "$work/test" -- /bin/bash -c 'cd /home/newcomer/interviewer && ./run.sh test -q -p no:cacheprovider' \
    >"$work/test.log" 2>&1; then
    result+=("test: PASS in $((SECONDS - start)) s ($(grep -Eo '[0-9]+ passed[^=]*' "$work/test.log" | tail -1))")
  else
    result+=("test: FAIL (see $work/test.log)")
  fi
  tail -5 "$work/test.log" >&2
fi

# ---- 2. ./run.sh opens the window on a real X display
if [[ " $scenarios " == *" gui "* ]]; then
  log "scenario gui: ./run.sh in a fresh root, window on Xvfb"
  for tool in Xvfb xwininfo import; do
    command -v "$tool" >/dev/null || { echo "missing host tool: $tool (xvfb, x11-utils, imagemagick)" >&2; exit 2; }
  done
  new_root gui
  display=":97"
  Xvfb "$display" -screen 0 1280x900x24 -nolisten tcp >"$work/xvfb.log" 2>&1 &
  xvfb_pid=$!
  for _ in $(seq 1 100); do [ -S "/tmp/.X11-unix/X${display#:}" ] && break; sleep 0.1; done
  mkdir -p "$work/gui/tmp/.X11-unix"
  mount --bind /tmp/.X11-unix "$work/gui/tmp/.X11-unix" && mounted+=("$work/gui/tmp/.X11-unix")
  extra_env="$extra_env DISPLAY=$display"
  start=$SECONDS
  in_root "$work/gui" -- /bin/bash -c 'cd /home/newcomer/interviewer && exec ./run.sh' \
    >"$work/gui.log" 2>&1 &
  app=$!
  shown=""
  for _ in $(seq 1 900); do  # up to 15 minutes: the first run installs everything
    if ! kill -0 "$app" 2>/dev/null; then break; fi
    if DISPLAY=$display xwininfo -root -tree 2>/dev/null | grep -q '"Interviewer'; then shown=1; break; fi
    sleep 1
  done
  if [ -n "$shown" ]; then
    sleep 5  # let the first screen fill in
    DISPLAY=$display import -window root "$work/gui-window.png"
    if kill -0 "$app" 2>/dev/null; then
      result+=("gui: PASS, window shown $((SECONDS - start)) s after ./run.sh (screenshot $work/gui-window.png)")
    else
      result+=("gui: FAIL, the window closed by itself (see $work/gui.log)")
    fi
  else
    result+=("gui: FAIL, no window (see $work/gui.log)")
  fi
  pkill -f "$work/gui/home/newcomer/interviewer/.venv" 2>/dev/null || true
  kill "$app" 2>/dev/null || true
  wait "$app" 2>/dev/null || true
  tail -5 "$work/gui.log" >&2
fi

# ---- 3. an ordinary user without sudo gets the one command, and nothing half-done
if [[ " $scenarios " == *" user "* ]]; then
  log "scenario user: ./run.sh as a user without sudo"
  new_root user
  chown -R 1000:1000 "$work/user/home/newcomer"
  if in_root "$work/user" --userspec=1000:1000 -- /bin/bash -c 'cd /home/newcomer/interviewer && HOME=/home/newcomer ./run.sh' \
    >"$work/user.log" 2>&1; then
    result+=("user: FAIL, ./run.sh claimed success without python3-venv")
  elif grep -q "apt-get install -y --no-install-recommends python3" "$work/user.log" \
    && [ ! -e "$work/user/home/newcomer/interviewer/.venv" ]; then
    result+=("user: PASS, stopped with: $(grep -m1 'apt-get install' "$work/user.log" | sed 's/^ *//')")
  else
    result+=("user: FAIL (see $work/user.log)")
  fi
fi

cleanup
mounted=()
[ -n "${KEEP:-}" ] || for s in test gui user; do safe_rm "$work/$s"; done
log "results (Debian 12 minbase + python3, commit $(git -C "$repo" rev-parse --short HEAD)):"
printf '  %s\n' "${result[@]}"
[[ "${result[*]}" != *FAIL* ]]
