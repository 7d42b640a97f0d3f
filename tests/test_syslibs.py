"""The first-launch check: which system libraries Qt lacks, and the command that adds them.

The libraries come from the dynamic loader (ldd on Qt's own files), never from a hand
list, so these tests drive the real code with a stand-in `ldd` on PATH that reports
libraries as not found, the way a fresh machine does.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from interviewer import syslibs
from interviewer.cli import display_problem

LDD_FRESH_DEBIAN = """\
\tlinux-vdso.so.1 (0x00007ffd)
\tlibGL.so.1 => /lib/x86_64-linux-gnu/libGL.so.1 (0x00007f)
\tlibxcb-icccm.so.4 => not found
\tlibxcb-keysyms.so.1 => not found
\tlibQt6Gui.so.6 => /venv/PySide6/Qt/lib/libQt6Gui.so.6 (0x00007f)
\tlibglib-2.0.so.0 => not found
\tlibxcb-icccm.so.4 => not found
"""


def fake_ldd(tmp_path: Path, output: str) -> Path:
    """A folder holding an `ldd` that prints `output` for any file."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (tmp_path / "ldd-output.txt").write_text(output)
    ldd = bin_dir / "ldd"
    cat = shutil.which("cat") or "/bin/cat"  # PATH may hold only this folder
    ldd.write_text(f"#!/bin/sh\nexec {cat} '{tmp_path / 'ldd-output.txt'}'\n")
    ldd.chmod(ldd.stat().st_mode | stat.S_IEXEC)
    return bin_dir


def fake_pyside(tmp_path: Path) -> Path:
    base = tmp_path / "PySide6"
    for rel in syslibs.QT_FILES["gui"]:
        (base / rel).parent.mkdir(parents=True, exist_ok=True)
        (base / rel).write_bytes(b"\x7fELF")
    return base


def test_parse_ldd_lists_every_missing_soname_once_in_order() -> None:
    assert syslibs.parse_ldd(LDD_FRESH_DEBIAN) == [
        "libxcb-icccm.so.4",
        "libxcb-keysyms.so.1",
        "libglib-2.0.so.0",
    ]
    assert syslibs.parse_ldd("\tlibc.so.6 => /lib/libc.so.6 (0x1)\n") == []


@pytest.mark.parametrize(
    ("soname", "package"),
    [
        ("libxcb-icccm.so.4", "libxcb-icccm4"),
        ("libxcb-keysyms.so.1", "libxcb-keysyms1"),
        ("libxcb-cursor.so.0", "libxcb-cursor0"),
        ("libxcb-render-util.so.0", "libxcb-render-util0"),
        ("libEGL.so.1", "libegl1"),
        ("libX11-xcb.so.1", "libx11-xcb1"),
        ("libdbus-1.so.3", "libdbus-1-3"),
        ("libpng16.so.16", "libpng16-16"),
        ("libxkbcommon-x11.so.0", "libxkbcommon-x11-0"),
        ("libglib-2.0.so.0", "libglib2.0-0"),
        ("libgthread-2.0.so.0", "libglib2.0-0"),
        ("libfontconfig.so.1", "libfontconfig1"),
    ],
)
def test_debian_package_names_follow_the_soname_rule(soname: str, package: str) -> None:
    assert syslibs.debian_name(soname) == package


@pytest.mark.parametrize(
    ("os_release", "family"),
    [
        ('ID=debian\nVERSION_ID="12"\n', "debian"),
        ("ID=ubuntu\nID_LIKE=debian\n", "debian"),
        ('ID=linuxmint\nID_LIKE="ubuntu debian"\n', "debian"),
        ("ID=fedora\n", "fedora"),
        ('ID="rocky"\nID_LIKE="rhel centos fedora"\n', "fedora"),
        ("ID=arch\n", "arch"),
        ("ID=endeavouros\nID_LIKE=arch\n", "arch"),
        ("ID=gentoo\n", ""),
        ("", ""),
    ],
)
def test_distribution_family(os_release: str, family: str) -> None:
    assert syslibs.distro_family(os_release) == family


def test_one_exact_command_per_distribution() -> None:
    sonames = ["libxcb-icccm.so.4", "libglib-2.0.so.0"]
    deb = syslibs.Check(family="debian", missing_libraries=sonames)
    assert syslibs.install_command("debian", [syslibs.debian_name(s) for s in sonames], False) == [
        "sudo", "apt-get", "install", "-y", "--no-install-recommends",
        "libxcb-icccm4", "libglib2.0-0",
    ]  # fmt: skip
    assert deb.describe() == (
        "Missing: the system libraries Qt loads: libglib-2.0.so.0, libxcb-icccm.so.4."
    )
    fedora = syslibs.install_command("fedora", [syslibs.fedora_name(s) for s in sonames], True)
    assert fedora[:3] == ["dnf", "install", "-y"]
    assert "libxcb-icccm.so.4()(64bit)" in fedora
    arch = syslibs.install_command("arch", [syslibs.arch_name(s) for s in sonames], False)
    assert arch == ["sudo", "pacman", "-S", "--needed", "--noconfirm", "xcb-util-wm", "glib2"]
    assert syslibs.install_command("", ["x"], True) == []


def test_check_derives_libraries_from_ldd_and_packages_from_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(fake_ldd(tmp_path, LDD_FRESH_DEBIAN)))
    result = syslibs.check("gui", family="debian", pyside=fake_pyside(tmp_path))
    assert not result.ok
    assert result.missing_libraries == [
        "libxcb-icccm.so.4",
        "libxcb-keysyms.so.1",
        "libglib-2.0.so.0",
    ]
    assert {"libxcb-icccm4", "libxcb-keysyms1", "libglib2.0-0"} <= set(result.packages)


@pytest.mark.parametrize("need", ["gui", "test"])
def test_the_media_plugin_is_asked_about_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, need: str
) -> None:
    """QMediaPlayer (a model's voice, a recorded answer) loads Qt's FFmpeg plugin, which
    needs XRandR on top of what the window does: on a fresh Debian every player failed
    with "Not available" until it was installed. Only the plugin is there, so only it
    can name the library."""
    base = tmp_path / "PySide6"
    plugin = base / syslibs.MEDIA_PLUGIN
    plugin.parent.mkdir(parents=True)
    plugin.write_bytes(b"\x7fELF")
    missing = "\tlibXrandr.so.2 => not found\n\tlibc.so.6 => /lib/libc.so.6 (0x1)\n"
    monkeypatch.setenv("PATH", str(fake_ldd(tmp_path, missing)))
    result = syslibs.check(need, family="debian", pyside=base)
    assert result.missing_libraries == ["libXrandr.so.2"]
    assert "libxrandr2" in result.packages


def test_check_passes_when_the_loader_finds_everything(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(fake_ldd(tmp_path, "\tlibc.so.6 => /lib/libc.so.6 (0x1)\n")))
    monkeypatch.setattr(syslibs, "has_font", lambda: True)
    result = syslibs.check("gui", family="debian", pyside=fake_pyside(tmp_path))
    assert result.missing_libraries == []
    assert result.ok == (not result.needs_venv)


def test_command_line_names_the_libraries_and_prints_the_command_when_it_cannot_install(
    tmp_path: Path,
) -> None:
    """Not root and no sudo: the check stops with the one command for this machine."""
    bin_dir = fake_ldd(tmp_path, LDD_FRESH_DEBIAN)
    script = (
        "import os, sys, pathlib\n"
        "from interviewer import syslibs\n"
        "os.geteuid = lambda: 1000\n"
        "syslibs.distro_family = lambda os_release=None: 'debian'\n"
        f"syslibs.pyside_dir = lambda: pathlib.Path({str(fake_pyside(tmp_path))!r})\n"
        "sys.exit(syslibs.main(['--need', 'gui', '--install']))\n"
    )
    env = dict(os.environ, PATH=str(bin_dir))
    r = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=60
    )
    assert r.returncode == 1, r.stderr
    assert "libglib-2.0.so.0, libxcb-icccm.so.4, libxcb-keysyms.so.1" in r.stderr
    assert "sudo apt-get install -y --no-install-recommends" in r.stderr
    assert "libxcb-icccm4" in r.stderr and "libxcb-keysyms1" in r.stderr
    assert "libglib2.0-0" in r.stderr


def test_venv_check_runs_with_a_bare_python_outside_the_package() -> None:
    """run.sh calls the file with the system python before .venv or the package exist."""
    path = Path(syslibs.__file__)
    r = subprocess.run(
        [sys.executable, "-I", str(path), "--venv-only"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=path.parent.parent.parent,
    )
    assert r.returncode == 0, r.stderr


def test_pre_launch_check_names_every_missing_library() -> None:
    problem = display_problem(
        {"DISPLAY": ":0"}, "linux", lambda plugin: ["libxcb-icccm.so.4", "libxcb-keysyms.so.1"]
    )
    assert "2 system libraries are missing" in problem
    assert "libxcb-icccm.so.4" in problem and "libxcb-keysyms.so.1" in problem
    assert "interviewer practice" in problem


def test_app_refuses_to_start_with_a_clear_message_instead_of_a_qt_abort(
    tmp_path: Path,
) -> None:
    """The real entry point, with the loader reporting a missing xcb library."""
    bin_dir = fake_ldd(tmp_path, LDD_FRESH_DEBIAN)
    env = dict(os.environ, DISPLAY=":99", PATH=f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    env.pop("QT_QPA_PLATFORM", None)
    env.pop("WAYLAND_DISPLAY", None)
    r = subprocess.run(
        [sys.executable, "-m", "interviewer"], capture_output=True, text=True, env=env, timeout=60
    )
    assert r.returncode == 2
    assert "libxcb-icccm.so.4" in r.stderr and "libglib-2.0.so.0" in r.stderr
    assert "Traceback" not in r.stderr
