from __future__ import annotations

import gzip
import hashlib
import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
import tiktoken
import tiktoken_ext.openai_public as openai_public

from interviewer.core import tokens
from interviewer.storage import tokenizer


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("tried to use the network")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)


@pytest.fixture
def fresh_source() -> Iterator[None]:
    """Each test builds its encodings anew; the shipped source is back afterwards."""
    tokenizer.install()
    yield
    tokenizer.install()


def test_encodings_load_offline_without_cache_files_or_environment(
    no_network: None, fresh_source: None, interviewer_home: Path
) -> None:
    before = dict(os.environ)
    enc = tokens.encoding("o200k_base")
    assert enc.decode(enc.encode("bias-variance trade-off")) == "bias-variance trade-off"
    assert tokens.count_tokens("hello world") == 2
    assert tokens.encoding("cl100k_base").name == "cl100k_base"
    assert dict(os.environ) == before  # no TIKTOKEN_CACHE_DIR set behind anyone's back
    assert not interviewer_home.exists()  # and no cache file written


@pytest.mark.parametrize("name", sorted(tokens.ENCODINGS))
def test_encoding_equals_tiktokens_own(
    name: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, no_network: None
) -> None:
    """Built from bytes in memory, the encoding is the one tiktoken's own loader makes.

    tiktoken is given the same file through its cache folder (what it would download),
    so this checks the split pattern and special tokens copied into core/tokens.py.
    """
    cache = tmp_path / "tk"
    cache.mkdir()
    url = f"https://openaipublic.blob.core.windows.net/encodings/{name}.tiktoken"
    bpe = tokenizer.read_shipped(name)
    (cache / hashlib.sha1(url.encode()).hexdigest()).write_bytes(bpe)
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(cache))
    theirs = tiktoken.Encoding(**getattr(openai_public, name)())
    ours = tokens.build_encoding(name, bpe)
    assert ours._pat_str == theirs._pat_str
    assert ours._special_tokens == theirs._special_tokens
    assert ours._mergeable_ranks == theirs._mergeable_ranks
    text = "Überfitting, 12345 tokens\r\n  and <|endoftext|> 'll — 東京 🙂"
    assert ours.encode(text, disallowed_special=()) == theirs.encode(text, disallowed_special=())


def test_unreadable_shipped_file_names_the_problem(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, fresh_source: None
) -> None:
    bad = tmp_path / "data"
    bad.mkdir()
    (bad / "o200k_base.tiktoken.gz").write_bytes(b"not gzip")
    monkeypatch.setattr(tokenizer, "DATA_DIR", bad)
    with pytest.raises(tokens.TokenizerError, match="cannot be read") as info:
        tokens.encoding("o200k_base")
    assert str(bad) in str(info.value)
    with pytest.raises(tokens.TokenizerError, match="cannot be read"):
        tokens.encoding("cl100k_base")  # absent


def test_damaged_shipped_file_names_the_problem(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, fresh_source: None
) -> None:
    bad = tmp_path / "data"
    bad.mkdir()
    (bad / "o200k_base.tiktoken.gz").write_bytes(gzip.compress(b"aGk= 0\n"))
    monkeypatch.setattr(tokenizer, "DATA_DIR", bad)
    with pytest.raises(tokens.TokenizerError, match=r"damaged.*Reinstall"):
        tokens.encoding("o200k_base")


def test_a_source_that_gives_wrong_bytes_is_refused(fresh_source: None) -> None:
    tokens.set_bpe_source(lambda name: b"aGk= 0\n")
    with pytest.raises(tokens.TokenizerError, match="damaged"):
        tokens.count_tokens("hello")


def test_without_a_source_counting_says_what_is_missing(fresh_source: None) -> None:
    tokens.set_bpe_source(None)
    with pytest.raises(tokens.TokenizerError, match=r"interviewer\.storage\.tokenizer"):
        tokens.count_tokens("hello")


def test_message_count_includes_overhead() -> None:
    msgs = [{"role": "system", "content": "hi"}, {"role": "user", "content": "hello world"}]
    assert tokens.count_messages(msgs) == 3 + (3 + 1) + (3 + 2)
