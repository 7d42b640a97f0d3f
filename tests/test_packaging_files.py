"""The packaging files agree with the code: app id, version, entry point, icons, data files.

Fast checks only: no PyInstaller build here (packaging/build.sh does that). The
PyInstaller spec is executed with stand-ins for PyInstaller's build classes, so what it
would hand PyInstaller (data files and where they land in the bundle, hidden imports,
excluded modules, executables) is checked on every platform branch, including the
Windows and macOS ones that cannot be built on this machine.
"""

from __future__ import annotations

import ast
import configparser
import re
import struct
import subprocess
import sys
import tarfile
import tomllib
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

import interviewer

ROOT = Path(__file__).resolve().parent.parent
PACKAGING = ROOT / "packaging"
APP_ID = "io.github.interviewer.Interviewer"
DESKTOP = PACKAGING / "linux" / f"{APP_ID}.desktop"
METAINFO = PACKAGING / "linux" / f"{APP_ID}.metainfo.xml"
HICOLOR = PACKAGING / "linux" / "icons" / "hicolor"
FLATPAK = PACKAGING / "flatpak" / f"{APP_ID}.yml"
SPEC = PACKAGING / "interviewer.spec"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def pyproject() -> dict[str, Any]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def command_name() -> str:
    (name,) = pyproject()["project"]["scripts"]
    return str(name)


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == PNG_SIGNATURE, "not a PNG"
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


# --------------------------------------------------------------------------- Linux files


def test_desktop_entry_names_the_app_and_its_command() -> None:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    parser.read(DESKTOP, encoding="utf-8")
    entry = parser["Desktop Entry"]
    assert entry["Type"] == "Application"
    assert entry["Name"] == "Interviewer"
    assert entry["Icon"] == APP_ID
    assert entry["Exec"].split()[0] == command_name()
    assert entry["TryExec"] == command_name()
    assert entry["Terminal"] == "false"
    assert entry["Categories"].endswith(";")
    assert (HICOLOR / "scalable" / "apps" / f"{entry['Icon']}.svg").is_file()


def test_metainfo_matches_app_id_licence_command_and_version() -> None:
    root = ET.parse(METAINFO).getroot()
    assert root.tag == "component"
    assert root.get("type") == "desktop-application"
    assert root.findtext("id") == APP_ID
    launchable = root.find("launchable")
    assert launchable is not None
    assert launchable.get("type") == "desktop-id"
    assert launchable.text == DESKTOP.name
    assert root.findtext("icon") == APP_ID
    assert root.findtext("project_license") == pyproject()["project"]["license"]
    assert root.findtext("provides/binary") == command_name()
    assert root.findtext("metadata_license") == "CC0-1.0"
    releases = root.findall("releases/release")
    assert releases, "no <release> in the metainfo"
    # AppStream lists releases newest first; the newest is the version being built.
    assert releases[0].get("version") == interviewer.__version__
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", releases[0].get("date") or "")


def test_changelog_latest_version_is_the_package_version() -> None:
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    versions = re.findall(r"^## \[(\d+\.\d+\.\d+[^\]]*)\]", text, re.M)
    assert versions, "no version heading in CHANGELOG.md"
    assert versions[0] == interviewer.__version__


def test_version_is_defined_once_and_read_dynamically() -> None:
    config = pyproject()
    assert "version" in config["project"]["dynamic"]
    assert "version" not in config["project"]
    assert config["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "interviewer.__version__"}
    assert re.fullmatch(r"\d+\.\d+\.\d+", interviewer.__version__)


def test_license_file_is_the_declared_licence() -> None:
    assert pyproject()["project"]["license"] == "MIT"
    assert (ROOT / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")


# --------------------------------------------------------------------------- icons


@pytest.mark.parametrize("size", ICON_SIZES)
def test_hicolor_png_exists_at_its_size(size: int) -> None:
    path = HICOLOR / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
    data = path.read_bytes()
    assert png_size(data) == (size, size)
    assert data[25] == 6, "expected an RGBA PNG (transparent background)"


def test_svg_icon_is_square_svg() -> None:
    root = ET.parse(HICOLOR / "scalable" / "apps" / f"{APP_ID}.svg").getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("viewBox") == "0 0 64 64"


def test_windows_ico_holds_png_images_up_to_256() -> None:
    data = (PACKAGING / "windows" / "interviewer.ico").read_bytes()
    reserved, kind, count = struct.unpack("<HHH", data[:6])
    assert (reserved, kind) == (0, 1)
    sizes = set()
    for i in range(count):
        width, height, _, _, _, _, length, offset = struct.unpack(
            "<BBBBHHII", data[6 + 16 * i : 22 + 16 * i]
        )
        image = data[offset : offset + length]
        assert png_size(image) == (width or 256, height or 256)
        sizes.add(width or 256)
    assert {16, 32, 48, 256} <= sizes


def test_macos_icns_entries_are_pngs_of_the_declared_size() -> None:
    data = (PACKAGING / "macos" / "interviewer.icns").read_bytes()
    assert data[:4] == b"icns"
    assert struct.unpack(">I", data[4:8])[0] == len(data)
    expected = {b"ic07": 128, b"ic08": 256, b"ic09": 512, b"ic10": 1024, b"ic11": 32}
    found: dict[bytes, int] = {}
    pos = 8
    while pos < len(data):
        kind, length = data[pos : pos + 4], struct.unpack(">I", data[pos + 4 : pos + 8])[0]
        found[kind] = png_size(data[pos + 8 : pos + length])[0]
        pos += length
    assert pos == len(data)
    for kind, size in expected.items():
        assert found.get(kind) == size, kind


# --------------------------------------------------------------------------- Flatpak


def test_flatpak_manifest_grants_keyring_and_network() -> None:
    text = FLATPAK.read_text(encoding="utf-8")
    assert re.search(rf"^id: {re.escape(APP_ID)}$", text, re.M)
    assert re.search(rf"^command: {command_name()}$", text, re.M)
    finish_args = re.findall(r"^\s+- (--\S+)", text, re.M)
    assert "--talk-name=org.freedesktop.secrets" in finish_args
    assert "--share=network" in finish_args
    assert not [a for a in finish_args if a.startswith("--filesystem")]
    for name in (DESKTOP.name, METAINFO.name):
        assert f"packaging/linux/${{FLATPAK_ID}}{name.removeprefix(APP_ID)}" in text
    assert "NOT BUILT" in text


# --------------------------------------------------------------------------- the spec


@dataclass
class Build:
    """What the spec handed to PyInstaller's build classes."""

    analysis: dict[str, Any] = field(default_factory=dict)
    exes: list[dict[str, Any]] = field(default_factory=list)
    collect: dict[str, Any] = field(default_factory=dict)
    bundle: dict[str, Any] | None = None


def run_spec(
    monkeypatch: pytest.MonkeyPatch, workpath: Path, platform: str = "linux"
) -> tuple[Build, Any]:
    build = Build()

    class Analysis:
        def __init__(self, scripts: list[str], **kwargs: Any) -> None:
            build.analysis = {"scripts": scripts, **kwargs}
            self.datas = [
                (f"{dest}/{Path(src).name}", src, "DATA") for src, dest in kwargs["datas"]
            ]
            self.datas.append(("PySide6/Qt/translations/qtbase_de.qm", "x.qm", "DATA"))
            self.binaries: list[tuple[str, str, str]] = []
            self.scripts: list[Any] = []
            self.pure: list[Any] = []

    def exe(*args: Any, **kwargs: Any) -> dict[str, Any]:
        build.exes.append(kwargs)
        return kwargs

    def collect(*args: Any, **kwargs: Any) -> dict[str, Any]:
        build.collect = {"args": args, **kwargs}
        return kwargs

    def bundle(*args: Any, **kwargs: Any) -> None:
        build.bundle = kwargs

    hooks = ModuleType("PyInstaller.utils.hooks")
    hooks.collect_submodules = lambda name: [f"{name}.fake"]  # type: ignore[attr-defined]
    hooks.copy_metadata = lambda name: [(f"/site/{name}.dist-info", f"{name}.dist-info")]  # type: ignore[attr-defined]
    for name, module in {
        "PyInstaller": ModuleType("PyInstaller"),
        "PyInstaller.utils": ModuleType("PyInstaller.utils"),
        "PyInstaller.utils.hooks": hooks,
    }.items():
        monkeypatch.setitem(sys.modules, name, module)
    namespace: dict[str, Any] = {
        "__name__": "__main__",
        "SPECPATH": str(PACKAGING),
        "workpath": str(workpath),
        "Analysis": Analysis,
        "PYZ": lambda pure: "pyz",
        "EXE": exe,
        "COLLECT": collect,
        "BUNDLE": bundle,
    }
    code = compile(SPEC.read_text(encoding="utf-8"), str(SPEC), "exec")
    with monkeypatch.context() as m:
        m.setattr(sys, "platform", platform)
        exec(code, namespace)
    return build, namespace["a"]


def shipped_files() -> dict[str, str]:
    """Every data file the app reads at run time -> the folder it must land in."""
    expected: dict[str, str] = {}
    for folder, pattern in (
        ("prompts", "*.j2"),
        ("rubrics", "*.toml"),
        ("tracks", "*.toml"),
        ("tracks/questions", "*.toml"),
    ):
        files = list((ROOT / folder).glob(pattern))
        assert files, folder
        for f in files:
            expected[str(f)] = f"interviewer/content/{folder}"
    for f in (ROOT / "interviewer" / "data").glob("*.tiktoken.gz"):
        expected[str(f)] = "interviewer/data"
    expected[str(ROOT / "interviewer" / "export" / "report.schema.json")] = "interviewer/export"
    return expected


def test_spec_places_every_data_file_where_the_frozen_app_looks(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    build, analysis = run_spec(monkeypatch, tmp_path)
    datas = dict(build.analysis["datas"])
    for src, dest in shipped_files().items():
        assert datas.get(src) == dest, f"{src} should go to {dest}, spec has {datas.get(src)}"
    # Two encodings, as storage/tokenizer.py expects.
    assert sum(d == "interviewer/data" for d in datas.values()) == 2
    # The paths the app computes from __file__ in a bundle: <_MEIPASS>/interviewer/...
    from interviewer.storage import content_files, prompt_files, tokenizer

    package = Path(interviewer.__file__).resolve().parent
    roots = {content_files._PKG_ROOT, prompt_files._PKG_ROOT, tokenizer.DATA_DIR.parent}
    assert roots == {package}
    assert tokenizer.DATA_DIR.name == "data"
    # keyring's entry points need its metadata; Qt translations are filtered out.
    assert any("keyring" in d for d in datas.values())
    assert not [d for d, _, _ in analysis.datas if "translations" in d]


def test_spec_entry_point_and_imports(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    build, _ = run_spec(monkeypatch, tmp_path)
    (script,) = build.analysis["scripts"]
    entry = Path(script)
    assert entry.is_file()
    assert "from interviewer.cli import main" in entry.read_text(encoding="utf-8")
    hidden = build.analysis["hiddenimports"]
    assert "tiktoken_ext.openai_public" in hidden
    assert "interviewer.core.tokens" in hidden
    assert "keyring.backends.fake" in hidden  # collect_submodules("keyring.backends")


def test_spec_excludes_no_qt_module_the_app_imports(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    build, _ = run_spec(monkeypatch, tmp_path)
    excludes = set(build.analysis["excludes"])
    used: set[str] = set()
    for path in (ROOT / "interviewer").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("PySide6"):
                used.add(node.module or "")
            elif isinstance(node, ast.Import):
                used |= {a.name for a in node.names if a.name.startswith("PySide6")}
    assert "PySide6.QtWidgets" in used
    assert not used & excludes, f"the app imports excluded modules: {used & excludes}"
    assert {"PySide6.QtQml", "PySide6.QtQuick", "PySide6.QtNetwork"} <= excludes


def test_spec_linux_builds_one_executable(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    build, _ = run_spec(monkeypatch, tmp_path, "linux")
    assert [e["name"] for e in build.exes] == [command_name()]
    assert build.exes[0]["strip"] is True
    assert build.collect["name"] == "interviewer"
    assert build.bundle is None


def test_spec_windows_builds_windowed_app_and_console_cli(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    build, _ = run_spec(monkeypatch, tmp_path, "win32")
    by_name = {e["name"]: e for e in build.exes}
    assert by_name["interviewer"]["console"] is False
    assert by_name["interviewer-cli"]["console"] is True
    for exe in build.exes:
        assert Path(exe["icon"]).is_file() and exe["icon"].endswith(".ico")
        assert exe["strip"] is False
    # The version resource: PyInstaller's version-file format, parsed with stand-ins.
    text = Path(build.exes[0]["version"]).read_text(encoding="utf-8")

    def record(kind: str) -> Any:
        return lambda *args, **kwargs: (kind, args, kwargs)

    names = "VSVersionInfo FixedFileInfo StringFileInfo StringTable StringStruct VarFileInfo"
    parsed = eval(text, {n: record(n) for n in [*names.split(), "VarStruct"]})
    fixed = parsed[2]["ffi"][2]
    major, minor, patch = (int(n) for n in interviewer.__version__.split("."))
    assert fixed["filevers"] == (major, minor, patch, 0)
    assert f"StringStruct('ProductVersion', '{interviewer.__version__}')" in text


def test_spec_macos_builds_an_app_bundle(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("MACOS_CODESIGN_IDENTITY", raising=False)
    build, _ = run_spec(monkeypatch, tmp_path, "darwin")
    assert build.bundle is not None
    assert build.bundle["name"] == "Interviewer.app"
    assert build.bundle["bundle_identifier"] == APP_ID
    assert build.bundle["version"] == interviewer.__version__
    assert build.bundle["info_plist"]["CFBundleShortVersionString"] == interviewer.__version__
    assert Path(build.bundle["icon"]).is_file()
    (exe,) = build.exes
    assert exe["codesign_identity"] is None and exe["entitlements_file"] is None
    monkeypatch.setenv("MACOS_CODESIGN_IDENTITY", "Developer ID Application: Test (ABC)")
    build, _ = run_spec(monkeypatch, tmp_path, "darwin")
    assert build.exes[0]["codesign_identity"] == "Developer ID Application: Test (ABC)"
    assert Path(build.exes[0]["entitlements_file"]).is_file()


# --------------------------------------------------------------------------- sdist


def test_sdist_carries_content_licence_readme_and_tests(tmp_path: Path) -> None:
    """Built without isolation (about two seconds): what `python -m build` would pack."""
    # Run from a neutral folder: a `build/` directory left in the checkout by an earlier
    # wheel build would otherwise shadow the `build` package.
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "build",
            "--sdist",
            "--no-isolation",
            "--outdir",
            str(tmp_path / "out"),
            str(ROOT),
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    (sdist,) = (tmp_path / "out").glob("interviewer-*.tar.gz")
    assert sdist.name == f"interviewer-{interviewer.__version__}.tar.gz"
    prefix = f"interviewer-{interviewer.__version__}/"
    with tarfile.open(sdist) as tar:
        names = {n.removeprefix(prefix) for n in tar.getnames()}
    required = {
        "LICENSE",
        "README.md",
        "CHANGELOG.md",
        "pyproject.toml",
        "MANIFEST.in",
        "tests/conftest.py",
        "interviewer/export/report.schema.json",
        "packaging/interviewer.spec",
        f"packaging/linux/{DESKTOP.name}",
    }
    required |= {str(Path(src).relative_to(ROOT)) for src in shipped_files()}
    assert required <= names, sorted(required - names)
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]
