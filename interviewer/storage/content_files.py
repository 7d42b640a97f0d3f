"""Find and read the content files (tracks, rubrics, questions) and hand them to core.

The core validates content but never touches the disk (`interviewer.core.content`); this
is the loader that does: it lists each content root's folders, reads every file's bytes
and passes them to `ContentLibrary.add_file`. A file that cannot be read is recorded like
a file that does not validate, naming it, and the rest still loads. Only regular files are
read (a FIFO named `x.toml` would block every command) and never more than the core's
size limit plus one byte, so a huge file costs nothing before it is refused.

Importing this module also hands the grader its question bank (the built-in questions,
read on first use): grading compares an answer with every question of the bank, and the
core reads no files to find them.
"""

from __future__ import annotations

import stat
from pathlib import Path

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


def builtin_questions() -> list[Question]:
    """The questions that ship with the app (the grader's bank)."""
    return list(load_library().questions.values())


set_question_bank(builtin_questions)
