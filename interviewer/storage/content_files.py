"""Find and read the content files (tracks, rubrics, questions) and hand them to core.

The core validates content but never touches the disk (`interviewer.core.content`); this
is the loader that does: it lists each content root's folders, reads every file's bytes
and passes them to `ContentLibrary.add_file`. A file that cannot be read is recorded like
a file that does not validate, naming it, and the rest still loads. Only regular files are
read (a FIFO named `x.toml` would block every command) and never more than the core's
size limit plus one byte, so a huge file costs nothing before it is refused.

`load_library_cached` is what the window's start uses: the validated library kept in
the cache folder, keyed by every content file's path, size and times, the validating
code's own files and the app and library versions; any difference, or a damaged cache,
means a full load (which rewrites it). Parsing and validating the content is a fifth of
the loading thread's work at start (issue 18); reading the cache is a few milliseconds.

Importing this module also hands the grader its question bank (the built-in questions,
read on first use): grading compares an answer with every question of the bank, and the
core reads no files to find them.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import stat
import sys
from pathlib import Path
from typing import Any

from interviewer.core.content import (
    CONTENT_LAYOUT,
    MAX_FILE_BYTES,
    ContentLibrary,
    file_too_large,
)
from interviewer.core.errors import ContentError
from interviewer.core.grading import set_question_bank
from interviewer.core.models import Question

_PKG_ROOT = Path(__file__).resolve().parent.parent


def builtin_content_root() -> Path:
    """The folder holding prompts/, rubrics/ and tracks/.

    An installed wheel carries them as interviewer/content/*; a source checkout keeps
    them at the repository root, next to the package.
    """
    packaged = _PKG_ROOT / "content"
    if (packaged / "tracks").is_dir():
        return packaged
    return _PKG_ROOT.parent


def add_dir(library: ContentLibrary, root: Path) -> None:
    """Load rubrics/, tracks/questions/ and tracks/ below `root` into `library`."""
    for folder, kind in CONTENT_LAYOUT:
        for path in sorted(root.joinpath(*folder).glob("*.toml")):
            try:
                data = _read_bounded(path)
            except ContentError as err:
                library.errors.append(err)
                continue
            except OSError as exc:
                library.errors.append(
                    ContentError(str(path), "", f"cannot read: {exc.strerror or exc}")
                )
                continue
            library.add_file(path, kind, data)


def _read_bounded(path: Path) -> bytes:
    """The file's bytes, or a ContentError if it is not a regular file or is too large."""
    info = path.stat()
    if not stat.S_ISREG(info.st_mode):
        raise ContentError(str(path), "", "not a regular file")
    if info.st_size > MAX_FILE_BYTES:
        raise file_too_large(path, info.st_size)
    with path.open("rb") as fh:
        data = fh.read(MAX_FILE_BYTES + 1)  # the file may have grown since stat()
    if len(data) > MAX_FILE_BYTES:
        raise file_too_large(path, max(len(data), info.st_size))
    return data


def load_library(user_dir: Path | None = None, builtin_root: Path | None = None) -> ContentLibrary:
    """Built-ins first, then the user's own files (which may replace built-ins by id)."""
    lib = ContentLibrary()
    add_dir(lib, builtin_root or builtin_content_root())
    if user_dir is not None and user_dir.is_dir():
        add_dir(lib, user_dir)
    lib.check_references()
    return lib


#: The cached library's file in the cache folder, and its layout's version.
LIBRARY_CACHE = "content-library.pickle"
LIBRARY_CACHE_FORMAT = 1
#: The modules whose code decides what a content file validates to: a change to any of
#: them (a source checkout, an upgrade that kept the version) means a full load.
_VALIDATING_CODE = (
    "core/content.py",
    "core/models.py",
    "core/errors.py",
    "core/grading/redflags.py",
    "storage/content_files.py",
)


def _stamp(path: Path) -> tuple[str, int, int, int] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return (str(path), info.st_size, info.st_mtime_ns, info.st_ctime_ns)


def library_key(roots: list[Path]) -> tuple[Any, ...]:
    """What the validated library depends on: the versions, the validating code, and every
    content file below `roots` (path, size, modification and change times)."""
    import pydantic

    from interviewer import __version__

    files = []
    for root in roots:
        for folder, _kind in CONTENT_LAYOUT:
            for path in sorted(root.joinpath(*folder).glob("*.toml")):
                files.append(_stamp(path) or (str(path), -1, -1, -1))
    code = [_stamp(_PKG_ROOT / name) for name in _VALIDATING_CODE]
    return (
        LIBRARY_CACHE_FORMAT,
        __version__,
        sys.version,
        pydantic.VERSION,
        tuple(str(r) for r in roots),
        tuple(code),
        tuple(files),
    )


def _read_cache(path: Path, key: tuple[Any, ...]) -> ContentLibrary | None:
    """The cached library if it was made under `key`; None for anything else."""
    try:
        with path.open("rb") as fh:
            data = pickle.load(fh)  # the user's own cache folder, written by `_write_cache`
        if not isinstance(data, dict) or data.get("key") != key:
            return None
        lib = ContentLibrary(
            tracks=data["tracks"],
            rubrics=data["rubrics"],
            questions=data["questions"],
            errors=[ContentError(*e) for e in data["errors"]],
            sources=data["sources"],
        )
    except Exception:  # damaged, truncated, from another version: load the files instead
        return None
    for name in ("tracks", "rubrics", "questions", "sources"):
        if not isinstance(getattr(lib, name), dict):
            return None
    return lib


def _write_cache(path: Path, key: tuple[Any, ...], lib: ContentLibrary) -> None:
    """Keep `lib` for the next start (replaced whole, so a reader never sees half of it).
    A library whose errors are not plain ContentErrors is not kept (they would not come
    back the same)."""
    if any(type(err) is not ContentError for err in lib.errors):
        return
    data = {
        "key": key,
        "tracks": lib.tracks,
        "rubrics": lib.rubrics,
        "questions": lib.questions,
        "errors": [(e.path, e.field, e.problem) for e in lib.errors],
        "sources": lib.sources,
    }
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tmp.open("wb") as fh:
            pickle.dump(data, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except Exception:  # a full disk or an unpicklable field: the next start loads the files
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)


def load_library_cached(
    user_dir: Path | None, cache_dir: Path, builtin_root: Path | None = None
) -> ContentLibrary:
    """`load_library`, from the cache in `cache_dir` when nothing it depends on changed.

    The same library either way, errors included (each naming its file)."""
    roots = [builtin_root or builtin_content_root()]
    if user_dir is not None and user_dir.is_dir():
        roots.append(user_dir)
    path = cache_dir / LIBRARY_CACHE
    try:
        key = library_key(roots)
    except OSError:
        return load_library(user_dir, builtin_root)
    cached = _read_cache(path, key)
    if cached is not None:
        return cached
    lib = load_library(user_dir, builtin_root)
    _write_cache(path, key, lib)
    return lib


def builtin_questions() -> list[Question]:
    """The questions that ship with the app (the grader's bank)."""
    return list(load_library().questions.values())


set_question_bank(builtin_questions)
