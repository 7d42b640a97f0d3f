"""Remember the window's size and position between runs.

Kept in a small JSON file in the config dir rather than QSettings, because QSettings
writes to the platform's own location (the registry, ~/.config/...) and every file the
app writes must move with INTERVIEWER_HOME.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray
from PySide6.QtWidgets import QWidget


def load_state(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def save_state(path: Path, data: dict[str, Any]) -> None:
    """Best effort and atomic: a read-only config dir must not stop the app from closing."""
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".window-", suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, indent=2)
        os.replace(tmp, path)


def restore_geometry(widget: QWidget, path: Path) -> bool:
    encoded = load_state(path).get("geometry")
    if not isinstance(encoded, str):
        return False
    return bool(widget.restoreGeometry(QByteArray.fromBase64(encoded.encode("ascii"))))


def save_geometry(widget: QWidget, path: Path) -> None:
    data = load_state(path)
    data["geometry"] = bytes(widget.saveGeometry().toBase64().data()).decode("ascii")
    save_state(path, data)
