"""Reports a candidate can keep: Markdown, self-contained HTML, PDF and JSON.

`write_report` is the one entry point the CLI and the GUI use: the file's extension picks
the format. Markdown, HTML and JSON are pure functions of the `Report`; only the PDF
needs Qt, and `pdf` is imported on first use so the CLI's other formats never load Qt.

Files are written atomically (a temporary file in the same folder, then `os.replace`),
so an export that fails half-way never leaves a truncated report over a good one.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from interviewer.core.errors import InterviewerError

if TYPE_CHECKING:
    from interviewer.core.report import Report
    from interviewer.export.html import to_html
    from interviewer.export.json_export import to_json
    from interviewer.export.markdown import to_markdown

__all__ = [
    "FORMATS",
    "check_report_path",
    "to_html",
    "to_json",
    "to_markdown",
    "to_pdf",
    "write_report",
]

#: Extension -> format name, in the order formats are offered to the user.
FORMATS = {".md": "Markdown", ".html": "HTML", ".pdf": "PDF", ".json": "JSON"}

#: Extension -> (module, function) of the text formats. Imported on first use: the
#: window opens without loading the template engine.
_TEXT_FORMATS = {
    ".md": ("interviewer.export.markdown", "to_markdown"),
    ".html": ("interviewer.export.html", "to_html"),
    ".json": ("interviewer.export.json_export", "to_json"),
}
_LAZY = {name: module for module, name in _TEXT_FORMATS.values()}


def __getattr__(name: str) -> Any:
    """`to_html`, `to_markdown` and `to_json`, imported when first asked for."""
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _renderer(ext: str) -> Callable[[Report], str] | None:
    if ext not in _TEXT_FORMATS:
        return None
    fn: Callable[[Report], str] = __getattr__(_TEXT_FORMATS[ext][1])
    return fn


def _read_umask() -> int:
    """Read once at import: os.umask can only be read by setting it, which is not
    thread-safe, and the GUI may export while other threads create files."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_UMASK = _read_umask()


def to_pdf(report: Report, path: os.PathLike[str] | str) -> None:
    """Write the report as a PDF at `path` (not atomically: use write_report for that)."""
    from interviewer.export.pdf import to_pdf as _to_pdf

    _to_pdf(report, path)


def _format(path: Path) -> str:
    ext = path.suffix.lower()
    if ext not in FORMATS:
        allowed = ", ".join(FORMATS)
        got = f"{path.suffix!r}" if path.suffix else "no extension"
        raise InterviewerError(
            f"Cannot tell which report format to write for {path.name} ({got}). "
            f"Use one of these extensions: {allowed}."
        )
    return ext


def _temp_file(folder: Path, name: str) -> Path:
    """A new empty file beside the target, so the final os.replace is atomic."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=folder)
    except OSError as err:
        reason = err.strerror or str(err)
        raise InterviewerError(
            f"Cannot write the report in {folder}: the folder is not writable ({reason}). "
            "Choose another folder."
        ) from err
    os.close(fd)
    return Path(tmp)


def check_report_path(path: Path | str) -> Path:
    """Raise now what write_report would raise later, so a CLI can fail before the interview.

    Checks the extension, that the path is not a folder, and that the nearest existing
    folder on the way to it is writable. Creates nothing. Returns the resolved path.
    """
    path = Path(path).expanduser()
    ext = _format(path)
    if path.is_dir():
        raise InterviewerError(f"{path} is a folder; give a file name such as report{ext}.")
    target = path.resolve()
    folder = target.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    if not folder.is_dir() or not os.access(folder, os.W_OK | os.X_OK):
        raise InterviewerError(
            f"Cannot write the report in {target.parent}: the folder is not writable. "
            "Choose another folder."
        )
    return target


def write_report(report: Report, path: Path) -> Path:
    """Write `report` to `path` in the format its extension names; return the path written."""
    target = check_report_path(path)
    ext = target.suffix.lower()
    # Render before touching the disk: a rendering bug must not leave a temp file behind.
    render = _renderer(ext)
    text = render(report) if render is not None else None
    tmp = _temp_file(target.parent, target.name)
    try:
        if text is not None:
            with open(tmp, "w", encoding="utf-8", newline="\n") as f:
                f.write(text)
        else:
            to_pdf(report, tmp)
        # mkstemp makes the file private (0600); a report is an ordinary document.
        os.chmod(tmp, 0o666 & ~_UMASK)
        os.replace(tmp, target)
    except OSError as err:
        raise InterviewerError(
            f"Could not write the report to {target}: {err.strerror or err}."
        ) from err
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    return target
