"""Token counting that works offline: the BPE files ship with the app.

tiktoken downloads its encodings on first use, which fails without a network. We ship
the genuine files (gzipped, `interviewer/data`), check them against the SHA-256 that
tiktoken itself pins, and build the `tiktoken.Encoding` from their bytes in memory, so
nothing is downloaded, no cache folder is written and no environment variable is set.

This module does no I/O. The shipped files are read by `storage/tokenizer.py`,
which registers itself as the source of BPE bytes (`set_bpe_source`) when it is imported;
a process that counts tokens imports it once (the OpenAI backend does). Tests and tools
can register any other source, e.g. bytes already in memory.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import threading
import zlib
from collections.abc import Callable

import tiktoken

from interviewer.core.errors import InterviewerError

#: The hashes tiktoken itself checks (tiktoken_ext/openai_public.py).
ENCODINGS: dict[str, str] = {
    "o200k_base": "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d",
    "cl100k_base": "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7",
}
_ENDOFTEXT = "<|endoftext|>"
_ENDOFPROMPT = "<|endofprompt|>"
#: Split pattern and special tokens of each encoding, as in tiktoken_ext/openai_public.py
#: (a test checks that an encoding built here equals tiktoken's own).
_SPECS: dict[str, tuple[str, dict[str, int]]] = {
    "o200k_base": (
        "|".join(
            [
                r"""[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?""",
                r"""[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?""",
                r"""\p{N}{1,3}""",
                r""" ?[^\s\p{L}\p{N}]+[\r\n/]*""",
                r"""\s*[\r\n]+""",
                r"""\s+(?!\S)""",
                r"""\s+""",
            ]
        ),
        {_ENDOFTEXT: 199999, _ENDOFPROMPT: 200018},
    ),
    "cl100k_base": (
        r"""'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}++|\p{N}{1,3}+|"""
        r""" ?[^\s\p{L}\p{N}]++[\r\n]*+|\s++$|\s*[\r\n]|\s+(?!\S)|\s""",
        {
            _ENDOFTEXT: 100257,
            "<|fim_prefix|>": 100258,
            "<|fim_middle|>": 100259,
            "<|fim_suffix|>": 100260,
            _ENDOFPROMPT: 100276,
        },
    ),
}

#: Gives the BPE file (`.tiktoken`, unzipped) of an encoding by name; what it returns is
#: checked against ENCODINGS before use.
BpeSource = Callable[[str], bytes]

_lock = threading.Lock()
_source: BpeSource | None = None
_encodings: dict[str, tiktoken.Encoding] = {}


#: The module outside core that reads the shipped files (named, never imported, here).
_LOADER = __name__.rsplit(".core.", 1)[0] + ".storage.tokenizer"


class TokenizerError(InterviewerError):
    pass


def set_bpe_source(source: BpeSource | None) -> None:
    """Say where the shipped BPE files come from; encodings built so far are dropped."""
    global _source
    with _lock:
        _source = source
        _encodings.clear()


def verify_bpe(name: str, data: bytes, origin: str = "") -> bytes:
    """`data` if it is the genuine BPE file of `name` (tiktoken's SHA-256), else an error."""
    if name not in ENCODINGS:
        raise TokenizerError(f"Unknown tokenizer {name!r} (known: {', '.join(ENCODINGS)}).")
    expected = ENCODINGS[name]
    actual = hashlib.sha256(data).hexdigest()
    if actual != expected:
        raise TokenizerError(
            f"The shipped tokenizer file {origin or 'for ' + name} is damaged (SHA-256 "
            f"{actual[:12]}..., expected {expected[:12]}...). Reinstall the app."
        )
    return data


def unpack_shipped(name: str, packed: bytes, origin: str = "") -> bytes:
    """The BPE file from its shipped (gzipped) bytes, checked against tiktoken's hash."""
    try:
        data = gzip.decompress(packed)
    except (OSError, EOFError, zlib.error) as exc:
        raise TokenizerError(
            f"The shipped tokenizer file {origin or 'for ' + name} cannot be read: {exc}"
        ) from None
    return verify_bpe(name, data, origin)


def parse_bpe(data: bytes) -> dict[bytes, int]:
    """A `.tiktoken` file's ranks: one `base64-token rank` pair per line."""
    ranks: dict[bytes, int] = {}
    for line in data.splitlines():
        if line:
            token, rank = line.split()
            ranks[base64.b64decode(token)] = int(rank)
    return ranks


def build_encoding(name: str, bpe: bytes) -> tiktoken.Encoding:
    """The encoding `name` from its (already checked) BPE file's bytes, in memory."""
    pat_str, special = _SPECS[name]
    return tiktoken.Encoding(
        name, pat_str=pat_str, mergeable_ranks=parse_bpe(bpe), special_tokens=dict(special)
    )


def encoding(name: str = "o200k_base") -> tiktoken.Encoding:
    """The encoding `name`, built once from the registered source."""
    with _lock:
        found = _encodings.get(name)
        if found is not None:
            return found
        if _source is None:
            raise TokenizerError(
                f"No tokenizer files are available: import {_LOADER} "
                "(or call set_bpe_source) before counting tokens."
            )
        built = build_encoding(name, verify_bpe(name, _source(name)))
        _encodings[name] = built
        return built


def encoding_for_model(model: str) -> tiktoken.Encoding:
    """o200k for current OpenAI models; also a fair estimate for local models."""
    legacy = ("gpt-4-", "gpt-3.5", "text-embedding")
    if model.startswith(legacy) or model == "gpt-4":
        return encoding("cl100k_base")
    return encoding("o200k_base")


def count_tokens(text: str, model: str = "") -> int:
    return len(encoding_for_model(model).encode(text, disallowed_special=()))


def count_messages(messages: list[dict[str, str]], model: str = "") -> int:
    """Chat format overhead: about 3 tokens per message plus 3 to prime the reply."""
    enc = encoding_for_model(model)
    total = 3
    for m in messages:
        total += 3 + len(enc.encode(m.get("content", ""), disallowed_special=()))
    return total
