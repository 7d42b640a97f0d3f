"""A small cached index of the tracks, for the window's first frame (gui/boot.py).

Loading the content (parsing every TOML file and validating it with pydantic) takes far
longer than showing a window, so a normal start writes what the home screen's track list
shows (id, name, one meta line, description; and, for the home screen filled from it
before the content loads, each track's options and question ids, and the content
files' problems as the user reads them) to `tracks-index.json` in the cache dir,
together with a fingerprint of the content files it came from: the folders that were
listed and every file's size and modification time. The next start reads it with the
standard library alone and shows the list at once, before the real content loads.

The index is only trusted when the fingerprint still matches: a file added, removed or
edited (in the built-in content or the user's own) makes it stale, and a file that is
not valid JSON of the expected shape is ignored. Either way the first frame simply shows
no track names, and the normal start that follows writes a fresh index. Nothing here
imports pydantic, Qt or the rest of the app.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

INDEX_NAME = "tracks-index.json"
VERSION = 2
#: The folders below a content root whose *.toml files make up the content.
CONTENT_FOLDERS = ("rubrics", "tracks", "tracks/questions")


def index_path(cache_dir: Path) -> Path:
    return cache_dir / INDEX_NAME


def fingerprint(roots: Iterable[Path]) -> dict[str, Any]:
    """The content folders and each *.toml file's size and mtime (ns), by path."""
    folders: list[str] = []
    files: dict[str, list[int]] = {}
    for root in roots:
        for sub in CONTENT_FOLDERS:
            folder = root / sub
            folders.append(str(folder))
            try:
                entries = list(os.scandir(folder))
            except OSError:
                continue
            for entry in entries:
                if not entry.name.endswith(".toml"):
                    continue
                try:
                    info = entry.stat()
                except OSError:
                    continue
                files[entry.path] = [info.st_size, info.st_mtime_ns]
    return {"folders": folders, "files": files}


def write_index(
    cache_dir: Path,
    roots: Sequence[Path],
    tracks: Sequence[Mapping[str, Any]],
    errors: Sequence[str] = (),
) -> None:
    """Best effort and atomic: a read-only cache dir only costs the next start its list.
    Each track is a JSON object with at least id, name, meta and description (strings)."""
    data: dict[str, Any] = {"version": VERSION, "roots": [str(r) for r in roots]}
    data.update(fingerprint(roots))
    data["tracks"] = [dict(t) for t in tracks]
    data["errors"] = list(errors)
    with contextlib.suppress(OSError):
        cache_dir.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=cache_dir, prefix=".tracks-", suffix=".json")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(data, fh)
            os.replace(tmp, index_path(cache_dir))
        finally:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def read_index(cache_dir: Path) -> list[dict[str, Any]] | None:
    """The cached tracks (dicts with id, name, meta, description and what else was
    written), or None when the index is missing, unreadable, of another version or stale
    (the content changed since)."""
    found = read_index_and_errors(cache_dir)
    return None if found is None else found[0]


def read_index_and_errors(cache_dir: Path) -> tuple[list[dict[str, Any]], list[str]] | None:
    """`read_index`, and the content problems written with it."""
    try:
        data = json.loads(index_path(cache_dir).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("version") != VERSION:
        return None
    roots, tracks = data.get("roots"), data.get("tracks")
    if not isinstance(roots, list) or not isinstance(tracks, list):
        return None
    if not all(isinstance(r, str) for r in roots):
        return None
    now = fingerprint(Path(r) for r in roots)
    if now["folders"] != data.get("folders") or now["files"] != data.get("files"):
        return None
    errors = data.get("errors", [])
    if not isinstance(errors, list) or not all(isinstance(e, str) for e in errors):
        return None
    keys = ("id", "name", "meta", "description")
    out: list[dict[str, Any]] = []
    for t in tracks:
        if not isinstance(t, dict) or not all(isinstance(t.get(k), str) for k in keys):
            return None
        out.append(t)
    return out, errors
