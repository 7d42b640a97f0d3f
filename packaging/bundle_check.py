"""Checks, from inside a frozen bundle, that everything read at run time was carried in.

A PyInstaller build succeeds even when a data file or a plugin module is missing; the
app then fails later, on a user's machine, at the first screen that needs it. Each check
here touches one such thing the way the app does (through the app's own functions, so
the frozen `__file__` paths are the ones tested) and the run fails loudly if any is
missing. Run by `interviewer --bundle-self-check`; prints one line per check.

It writes only under INTERVIEWER_HOME (the tokenizer cache); packaging/build.sh points
that at a temporary folder.
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable
from pathlib import Path


def _bundle_root() -> Path | None:
    root = getattr(sys, "_MEIPASS", None)
    return Path(root).resolve() if root else None


def _inside_bundle(path: Path) -> str:
    root = _bundle_root()
    if root is not None and not path.resolve().is_relative_to(root):
        raise AssertionError(f"{path} is outside the bundle ({root})")
    return str(path)


def check_version() -> str:
    from interviewer import __version__

    return __version__


def check_content() -> str:
    from interviewer.storage.content_files import builtin_content_root, load_library

    root = builtin_content_root()
    lib = load_library(builtin_root=root)
    if lib.errors:
        raise AssertionError("; ".join(str(e) for e in lib.errors))
    if not lib.tracks or not lib.questions or not lib.rubrics:
        raise AssertionError(f"content under {root} is incomplete")
    return (
        f"{len(lib.tracks)} tracks, {len(lib.questions)} questions, "
        f"{len(lib.rubrics)} rubrics from {_inside_bundle(root)}"
    )


def check_prompts() -> str:
    from interviewer.core.prompts import TEMPLATES
    from interviewer.storage.prompt_files import default_library, default_prompts_dir

    default_library()
    return f"{len(TEMPLATES)} templates from {_inside_bundle(default_prompts_dir())}"


def check_tokenizer() -> str:
    from interviewer.core import tokens
    from interviewer.storage import tokenizer

    counts = []
    for name in tokens.ENCODINGS:
        _inside_bundle(tokenizer.shipped_file(name))
        counts.append(f"{name}={len(tokens.encoding(name).encode('hello, interviewer'))}")
    return ", ".join(counts) + f" from {tokenizer.DATA_DIR}"


def check_report_schema() -> str:
    import json

    from interviewer.export.json_export import SCHEMA_PATH

    json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return _inside_bundle(SCHEMA_PATH)


def check_keyring() -> str:
    from importlib.metadata import entry_points

    import keyring

    names = sorted(ep.name for ep in entry_points(group="keyring.backends"))
    if not names:
        raise AssertionError("keyring's backend entry points are missing (no metadata)")
    if sys.platform.startswith("linux"):
        import keyring.backends.SecretService  # needs secretstorage and jeepney bundled
    return f"backends {', '.join(names)}; active {type(keyring.get_keyring()).__name__}"


def check_openai() -> str:
    import openai

    import interviewer.llm.openai_backend  # noqa: F401

    return f"openai {openai.__version__}"


def check_qt() -> str:
    from PySide6.QtCore import QLibraryInfo

    plugins = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath))
    found = sorted(p.stem.removeprefix("libq") for p in (plugins / "platforms").glob("*"))
    wanted = {"linux": ["offscreen", "xcb", "wayland"], "win32": ["windows"]}
    wanted_here = wanted.get(sys.platform, ["cocoa"] if sys.platform == "darwin" else [])
    missing = [w for w in wanted_here if not any(f.startswith(w) for f in found)]
    if missing:
        raise AssertionError(f"Qt platform plugins missing: {missing} (have {found})")
    return f"platforms {', '.join(found)} in {plugins}"


CHECKS: list[tuple[str, Callable[[], str]]] = [
    ("version", check_version),
    ("content", check_content),
    ("prompts", check_prompts),
    ("tokenizer", check_tokenizer),
    ("report schema", check_report_schema),
    ("keyring", check_keyring),
    ("openai", check_openai),
    ("qt", check_qt),
]


def main() -> int:
    print(f"bundle: {_bundle_root() or '(not frozen)'}")
    failed = 0
    for name, check in CHECKS:
        try:
            print(f"ok    {name}: {check()}")
        except Exception as exc:
            failed += 1
            print(f"FAIL  {name}: {exc!r}")
            traceback.print_exc()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
