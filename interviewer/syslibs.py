"""Which system libraries Qt still needs on this Linux machine, and how to get them.

Qt's wheels bundle Qt itself but not the X11/OpenGL/GLib/font libraries underneath it,
and a missing one makes Qt abort the whole process with a hint that often names the
wrong library. So nothing here is a hand-kept list: the libraries are whatever the
dynamic loader reports as "not found" for Qt's own platform plugins and modules
(`ldd` on the files inside the installed PySide6), and the package that provides each
one is derived from its soname by each distribution's rule:

- Debian/Ubuntu name a library package after its soname (policy 8.1:
  ``libxcb-icccm.so.4`` -> ``libxcb-icccm4``, ``libdbus-1.so.3`` -> ``libdbus-1-3``),
  with a few historic exceptions and the 2024 ``t64`` renames, both checked against
  ``apt-cache`` when it is there;
- Fedora's dnf installs by soname directly (``'libxcb-icccm.so.4()(64bit)'``);
- Arch needs a small table (its packages are named after upstream projects).

Standard library only: ``run.sh`` runs this file before anything else works
(``python -m interviewer.syslibs --need gui --install``), and the app's pre-launch check
imports it to name every missing library instead of letting Qt abort.
"""

from __future__ import annotations

import argparse
import glob
import importlib.util
import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

#: Qt files the app loads, relative to the PySide6 package. The platform plugins are what
#: Qt opens first (xcb on X11, offscreen for tests and screenshots); the modules are the
#: ones interviewer imports; the media plugin is what QMediaPlayer plays a model's voice
#: and a recorded answer with: without the libraries only it needs (XRandR, XExt and DRM
#: on a fresh Debian) every player fails with "Not available", silently for the
#: candidate, and the provider-voice tests failed on a fresh machine.
MEDIA_PLUGIN = "Qt/plugins/multimedia/libffmpegmediaplugin.so"
QT_FILES = {
    "gui": (
        "Qt/plugins/platforms/libqxcb.so",
        "Qt/plugins/platforms/libqoffscreen.so",
        "QtCore.abi3.so",
        "QtGui.abi3.so",
        "QtWidgets.abi3.so",
        "QtMultimedia.abi3.so",
        "QtTextToSpeech.abi3.so",
        MEDIA_PLUGIN,
    ),
    "test": (
        "Qt/plugins/platforms/libqoffscreen.so",
        "Qt/plugins/platforms/libqxcb.so",
        "QtCore.abi3.so",
        "QtGui.abi3.so",
        "QtWidgets.abi3.so",
        "QtMultimedia.abi3.so",
        "QtTextToSpeech.abi3.so",
        MEDIA_PLUGIN,
    ),
}

#: Programs the test suite uses (PDF checks, generated speech), by distribution family.
TEST_PROGRAMS = {
    "pdftotext": {"debian": "poppler-utils", "fedora": "poppler-utils", "arch": "poppler"},
    # Spoken answers for the voice tests are generated from known texts, never downloaded.
    "espeak-ng": {"debian": "espeak-ng", "fedora": "espeak-ng", "arch": "espeak-ng"},
}

#: A font so that text renders at all (Qt draws nothing without one).
FONT_PACKAGE = {"debian": "fonts-dejavu-core", "fedora": "dejavu-sans-fonts", "arch": "ttf-dejavu"}

#: Debian packages whose names do not follow the soname rule.
DEBIAN_EXCEPTIONS = {
    "libglib-2.0.so.0": "libglib2.0-0",
    "libgobject-2.0.so.0": "libglib2.0-0",
    "libgthread-2.0.so.0": "libglib2.0-0",
    "libgio-2.0.so.0": "libglib2.0-0",
    "libgmodule-2.0.so.0": "libglib2.0-0",
    "libharfbuzz.so.0": "libharfbuzz0b",
    "libpcre2-8.so.0": "libpcre2-8-0",
    "libstdc++.so.6": "libstdc++6",
    "libgcc_s.so.1": "libgcc-s1",
    "libz.so.1": "zlib1g",
    "libgssapi_krb5.so.2": "libgssapi-krb5-2",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
}

#: Arch packages by soname stem (upstream project names).
ARCH_PACKAGES = {
    "libxcb-cursor": "xcb-util-cursor",
    "libxcb-icccm": "xcb-util-wm",
    "libxcb-ewmh": "xcb-util-wm",
    "libxcb-keysyms": "xcb-util-keysyms",
    "libxcb-image": "xcb-util-image",
    "libxcb-render-util": "xcb-util-renderutil",
    "libxcb-util": "xcb-util",
    "libxkbcommon": "libxkbcommon",
    "libxkbcommon-x11": "libxkbcommon-x11",
    "libGL": "libglvnd",
    "libEGL": "libglvnd",
    "libOpenGL": "libglvnd",
    "libGLX": "libglvnd",
    "libGLdispatch": "libglvnd",
    "libglib-2.0": "glib2",
    "libgthread-2.0": "glib2",
    "libgobject-2.0": "glib2",
    "libfontconfig": "fontconfig",
    "libfreetype": "freetype2",
    "libdbus-1": "dbus",
    "libX11": "libx11",
    "libX11-xcb": "libx11",
    "libpng16": "libpng",
    "libz": "zlib",
    "libzstd": "zstd",
    "libharfbuzz": "harfbuzz",
    "libexpat": "expat",
}


@dataclass
class Check:
    """What this machine lacks for one use ("gui" or "test")."""

    family: str  # debian / fedora / arch / "" (unknown)
    missing_libraries: list[str] = field(default_factory=list)  # sonames
    missing_font: bool = False
    missing_programs: list[str] = field(default_factory=list)
    needs_venv: bool = False
    packages: list[str] = field(default_factory=list)  # for `family`'s package manager
    problem: str = ""  # set when the check itself could not run

    @property
    def ok(self) -> bool:
        return not (
            self.missing_libraries
            or self.missing_font
            or self.missing_programs
            or self.needs_venv
            or self.problem
        )

    def describe(self) -> str:
        """One paragraph naming everything that is missing, for people."""
        parts = []
        if self.needs_venv:
            parts.append("Python's venv/ensurepip modules (needed to create .venv)")
        if self.missing_libraries:
            parts.append(
                "the system libraries Qt loads: " + ", ".join(sorted(self.missing_libraries))
            )
        if self.missing_font:
            parts.append("any font (without one Qt draws no text)")
        if self.missing_programs:
            parts.append("the programs " + ", ".join(self.missing_programs) + " (PDF checks)")
        if self.problem:
            parts.append(self.problem)
        return "Missing: " + "; ".join(parts) + "." if parts else "Nothing is missing."


# --------------------------------------------------------------------------- facts


def distro_family(os_release: str | None = None) -> str:
    """debian, fedora, arch or "" from /etc/os-release (ID, then ID_LIKE)."""
    if os_release is None:
        try:
            os_release = Path("/etc/os-release").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
    values: dict[str, str] = {}
    for line in os_release.splitlines():
        key, sep, value = line.partition("=")
        if sep:
            values[key.strip()] = value.strip().strip('"').lower()
    ids = [values.get("ID", ""), *values.get("ID_LIKE", "").split()]
    for ident in ids:
        if ident in ("debian", "ubuntu", "linuxmint", "pop", "raspbian"):
            return "debian"
        if ident in ("fedora", "rhel", "centos", "rocky", "almalinux"):
            return "fedora"
        if ident in ("arch", "manjaro", "endeavouros"):
            return "arch"
    return ""


def pyside_dir() -> Path | None:
    """The installed PySide6 package folder, found without importing Qt (which may abort)."""
    spec = importlib.util.find_spec("PySide6")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def parse_ldd(output: str) -> list[str]:
    """Sonames that ldd reports as "not found", in first-seen order, without repeats."""
    found: list[str] = []
    for line in output.splitlines():
        m = re.match(r"\s*(\S+)\s*=>\s*not found", line)
        if m and m.group(1) not in found:
            found.append(m.group(1))
    return found


def missing_libraries(files: Iterable[Path]) -> tuple[list[str], str]:
    """(sonames not found, problem) by asking the dynamic loader about each Qt file."""
    ldd = shutil.which("ldd")
    if ldd is None:
        return (
            [],
            "ldd (from the C library's tools) is not installed, so libraries were not checked",
        )
    missing: list[str] = []
    for f in files:
        if not f.exists():
            continue
        try:
            out = subprocess.run(
                [ldd, str(f)], capture_output=True, text=True, timeout=60, check=False
            ).stdout
        except (OSError, subprocess.SubprocessError) as exc:
            return missing, f"ldd could not run on {f.name}: {exc}"
        for soname in parse_ldd(out):
            if soname not in missing:
                missing.append(soname)
    return missing, ""


def has_font(dirs: Sequence[str] = ("/usr/share/fonts", "/usr/local/share/fonts")) -> bool:
    """True when any font file exists where fontconfig looks by default."""
    home = os.environ.get("HOME")
    candidates = list(dirs) + ([os.path.join(home, ".local/share/fonts")] if home else [])
    for d in candidates:
        for pattern in ("**/*.ttf", "**/*.otf", "**/*.pcf*", "**/*.ttc", "**/*.pfb"):
            if next(iter(glob.iglob(os.path.join(d, pattern), recursive=True)), None):
                return True
    return False


def needs_venv() -> bool:
    """Debian and Ubuntu ship venv's pip bootstrap (ensurepip) separately."""
    return importlib.util.find_spec("ensurepip") is None or importlib.util.find_spec("venv") is None


# --------------------------------------------------------------------------- packages


def debian_name(soname: str) -> str:
    """Debian's package name for a library soname (policy 8.1, with known exceptions)."""
    if soname in DEBIAN_EXCEPTIONS:
        return DEBIAN_EXCEPTIONS[soname]
    m = re.match(r"(.+?)\.so\.(\d+)", soname)
    if not m:
        return soname.lower().removesuffix(".so")
    stem, version = m.group(1).lower(), m.group(2)
    return f"{stem}-{version}" if stem[-1].isdigit() else f"{stem}{version}"


def arch_name(soname: str) -> str:
    stem = re.sub(r"\.so.*$", "", soname)
    return ARCH_PACKAGES.get(stem, stem.lower().removeprefix("lib"))


def fedora_name(soname: str) -> str:
    """dnf resolves a soname to its package itself (RPM's automatic provides)."""
    return f"{soname}()(64bit)" if sys.maxsize > 2**32 else soname


def apt_has(name: str) -> bool:
    """True when apt knows a package of that name (False when apt cannot say)."""
    if shutil.which("apt-cache") is None:
        return False
    try:
        r = subprocess.run(
            ["apt-cache", "show", "--no-all-versions", name],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return r.returncode == 0 and "Package:" in r.stdout


def debian_package(soname: str) -> str:
    """The soname-rule name, or its 64-bit-time rename (``t64``) where only that exists."""
    name = debian_name(soname)
    if shutil.which("apt-cache") and not apt_has(name) and apt_has(name + "t64"):
        return name + "t64"
    return name


def packages_for(check: Check) -> list[str]:
    family = check.family
    pkgs: list[str] = []

    def add(p: str) -> None:
        if p not in pkgs:
            pkgs.append(p)

    if check.needs_venv and family == "debian":
        versioned = "python{}.{}-venv".format(*sys.version_info[:2])
        add(versioned if apt_has(versioned) else "python3-venv")
    for soname in check.missing_libraries:
        if family == "debian":
            add(debian_package(soname))
        elif family == "fedora":
            add(fedora_name(soname))
        elif family == "arch":
            add(arch_name(soname))
    if check.missing_font and family in FONT_PACKAGE:
        add(FONT_PACKAGE[family])
    for prog in check.missing_programs:
        if family in TEST_PROGRAMS.get(prog, {}):
            add(TEST_PROGRAMS[prog][family])
    return pkgs


def install_command(family: str, packages: Sequence[str], root: bool) -> list[str]:
    """The one command that installs `packages` on this family of distribution."""
    sudo = [] if root else ["sudo"]
    if family == "debian":
        return [*sudo, "apt-get", "install", "-y", "--no-install-recommends", *packages]
    if family == "fedora":
        return [*sudo, "dnf", "install", "-y", *packages]
    if family == "arch":
        return [*sudo, "pacman", "-S", "--needed", "--noconfirm", *packages]
    return []


def check(
    need: str = "gui",
    *,
    family: str | None = None,
    pyside: Path | None = None,
    venv_only: bool = False,
) -> Check:
    """Everything missing for `need` ("gui": open the window; "test": run the suite)."""
    result = Check(family=distro_family() if family is None else family)
    result.needs_venv = needs_venv()
    if not venv_only:
        base = pyside if pyside is not None else pyside_dir()
        if base is None:
            result.problem = "PySide6 is not installed in this Python environment"
        else:
            libs, problem = missing_libraries(base / rel for rel in QT_FILES[need])
            result.missing_libraries = libs
            result.problem = problem
        result.missing_font = not has_font()
        if need == "test":
            result.missing_programs = [p for p in TEST_PROGRAMS if shutil.which(p) is None]
    result.packages = packages_for(result)
    return result


# --------------------------------------------------------------------------- command line


def _say(msg: str) -> None:
    print(f"[interviewer] {msg}", file=sys.stderr, flush=True)


def _run(cmd: list[str]) -> bool:
    _say("running: " + shlex.join(cmd))
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    try:
        return subprocess.run(cmd, env=env, check=False).returncode == 0
    except OSError as exc:
        _say(f"could not run {cmd[0]}: {exc}")
        return False


def _can_sudo() -> bool:
    """sudo exists and may ask for a password only where someone can type it."""
    if shutil.which("sudo") is None:
        return False
    if sys.stdin.isatty():
        return True
    return subprocess.run(["sudo", "-n", "true"], capture_output=True, check=False).returncode == 0


def install(result: Check, need: str) -> bool:
    """Install what is missing (as root, or with sudo after saying why); False if not done."""
    root = os.geteuid() == 0
    sudo = [] if root else ["sudo"]
    if not install_command(result.family, result.packages, root):
        return False
    if not root and not _can_sudo():
        return False
    if result.missing_libraries or result.missing_font or result.missing_programs:
        why = "to open the app's window" if need == "gui" else "to run the test suite"
    else:
        why = "so that Python can create the app's environment (.venv)"
    _say(result.describe())
    if result.family == "debian":
        # Fresh machines have empty package lists; names (t64 renames) are checked after this.
        if not _run([*sudo, "apt-get", "-o=DPkg::Lock::Timeout=300", "update", "-qq"]):
            return False
        result.packages = packages_for(result)
        unknown = [p for p in result.packages if not apt_has(p)]
        if unknown:
            _say("apt knows no package named " + ", ".join(unknown) + "; installing the rest.")
        result.packages = [p for p in result.packages if p not in unknown]
        if not result.packages:
            return False
    _say(f"Installing {', '.join(result.packages)} {why}" + ("" if root else " (with sudo)") + ".")
    cmd = install_command(result.family, result.packages, root)
    if result.family == "debian":  # wait for another apt (an update manager) to finish
        cmd.insert(cmd.index("install"), "-o=DPkg::Lock::Timeout=300")
    return _run(cmd)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m interviewer.syslibs",
        description="Check (and optionally install) the system packages the app needs.",
    )
    parser.add_argument("--need", choices=["gui", "test"], default="gui")
    parser.add_argument(
        "--venv-only", action="store_true", help="only check that Python can create a venv"
    )
    parser.add_argument(
        "--install", action="store_true", help="install what is missing when root or sudo allows"
    )
    args = parser.parse_args(argv)
    result = check(args.need, venv_only=args.venv_only)
    if result.ok:
        return 0
    if args.install and result.packages and install(result, args.need):
        result = check(args.need, venv_only=args.venv_only)
        if result.ok:
            _say("System packages installed.")
            return 0
    _say(result.describe())
    cmd = install_command(result.family, result.packages, os.geteuid() == 0)
    if cmd:
        _say("Install them with this command, then run ./run.sh again:")
        print("  " + shlex.join(cmd), file=sys.stderr)
    elif result.missing_libraries:
        _say(
            "Install the packages that provide these libraries with your distribution's "
            "package manager, then run ./run.sh again."
        )
    return 1


if __name__ == "__main__":
    sys.exit(main())
