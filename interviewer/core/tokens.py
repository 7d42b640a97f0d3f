"""Token counting that works offline: the BPE files ship with the app.

tiktoken downloads its encodings on first use, which fails without a network. We ship
the genuine files (gzipped) and place them, unzipped and hash-checked, where tiktoken's
own cache looks for them, so `tiktoken.get_encoding` loads them with its own loader and
its own SHA-256 check, and never touches the network.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import threading
from functools import cache
from pathlib import Path

import tiktoken

from interviewer.core.errors import InterviewerError

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
_BASE_URL = "https://openaipublic.blob.core.windows.net/encodings/"
#: The hashes tiktoken itself checks (tiktoken_ext/openai_public.py).
ENCODINGS: dict[str, str] = {
    "o200k_base": "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d",
    "cl100k_base": "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7",
}
_lock = threading.Lock()


class TokenizerError(InterviewerError):
    pass


def _cache_dir() -> Path:
    configured = os.environ.get("TIKTOKEN_CACHE_DIR")
    if configured:
        return Path(configured)
    from interviewer.storage.paths import app_paths

    path = app_paths().cache_dir / "tiktoken"
    os.environ["TIKTOKEN_CACHE_DIR"] = str(path)
    return path


def install_encoding(name: str) -> Path:
    """Unzip the shipped file into tiktoken's cache under the key tiktoken will look up."""
    expected = ENCODINGS[name]
    cache_dir = _cache_dir()
    target = cache_dir / hashlib.sha1((_BASE_URL + f"{name}.tiktoken").encode()).hexdigest()
    if target.exists() and hashlib.sha256(target.read_bytes()).hexdigest() == expected:
        return target
    source = DATA_DIR / f"{name}.tiktoken.gz"
    try:
        data = gzip.decompress(source.read_bytes())
    except (OSError, EOFError) as exc:
        raise TokenizerError(f"The shipped tokenizer file {source} cannot be read: {exc}") from None
    actual = hashlib.sha256(data).hexdigest()
    if actual != expected:
        raise TokenizerError(
            f"The shipped tokenizer file {source} is damaged (SHA-256 {actual[:12]}..., "
            f"expected {expected[:12]}...). Reinstall the app."
        )
    cache_dir.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, target)
    return target


@cache
def encoding(name: str = "o200k_base") -> tiktoken.Encoding:
    with _lock:
        install_encoding(name)
        return tiktoken.get_encoding(name)


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
