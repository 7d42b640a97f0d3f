from __future__ import annotations

import hashlib
import socket
from pathlib import Path

import pytest

from interviewer.core import tokens


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("tried to use the network")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)


def test_encodings_load_offline_with_tiktokens_own_hash_check(
    no_network: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tmp_path / "tk"))
    tokens.encoding.cache_clear()
    for name, expected in tokens.ENCODINGS.items():
        path = tokens.install_encoding(name)
        assert hashlib.sha256(path.read_bytes()).hexdigest() == expected
    enc = tokens.encoding("o200k_base")
    assert enc.decode(enc.encode("bias-variance trade-off")) == "bias-variance trade-off"
    assert tokens.count_tokens("hello world") == 2
    tokens.encoding.cache_clear()


def test_damaged_cache_file_is_replaced(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tmp_path / "tk"))
    path = tokens.install_encoding("cl100k_base")
    path.write_bytes(b"garbage")
    again = tokens.install_encoding("cl100k_base")
    assert hashlib.sha256(again.read_bytes()).hexdigest() == tokens.ENCODINGS["cl100k_base"]


def test_damaged_shipped_file_names_the_problem(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tmp_path / "tk"))
    bad = tmp_path / "data"
    bad.mkdir()
    (bad / "o200k_base.tiktoken.gz").write_bytes(b"not gzip")
    monkeypatch.setattr(tokens, "DATA_DIR", bad)
    with pytest.raises(tokens.TokenizerError, match="cannot be read"):
        tokens.install_encoding("o200k_base")


def test_cache_defaults_inside_interviewer_home(
    monkeypatch: pytest.MonkeyPatch, interviewer_home: Path
) -> None:
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", "")  # records the original value for teardown
    monkeypatch.delenv("TIKTOKEN_CACHE_DIR")
    path = tokens.install_encoding("cl100k_base")
    assert interviewer_home in path.parents


def test_message_count_includes_overhead() -> None:
    msgs = [{"role": "system", "content": "hi"}, {"role": "user", "content": "hello world"}]
    assert tokens.count_messages(msgs) == 3 + (3 + 1) + (3 + 2)
