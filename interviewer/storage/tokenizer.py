"""Read the tokenizer files shipped with the app and hand them to core.

`interviewer.core.tokens` builds tiktoken encodings from bytes and does no I/O; this
module reads the gzipped BPE files from `interviewer/data` and registers itself as their
source when imported, so importing it once is all a process needs before counting tokens.
"""

from __future__ import annotations

from pathlib import Path

from interviewer.core import tokens
from interviewer.core.tokens import TokenizerError, unpack_shipped

DATA_DIR = Path(__file__).resolve().parent.parent / "data"


def shipped_file(name: str) -> Path:
    return DATA_DIR / f"{name}.tiktoken.gz"


def read_shipped(name: str) -> bytes:
    """The BPE file of `name`, unzipped and checked against tiktoken's own hash."""
    path = shipped_file(name)
    try:
        packed = path.read_bytes()
    except OSError as exc:
        raise TokenizerError(
            f"The shipped tokenizer file {path} cannot be read: {exc.strerror or exc}"
        ) from None
    return unpack_shipped(name, packed, str(path))


def install() -> None:
    """Make the shipped files the source `core.tokens` builds its encodings from."""
    tokens.set_bpe_source(read_shipped)


install()
