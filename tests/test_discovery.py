"""Finding local servers: real sockets on ephemeral ports, including one that never answers."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest

from interviewer.llm import discovery
from interviewer.llm.discovery import FoundServer, discover, parse_models
from tests.fake_openai_server import FakeOpenAIServer, closed_port, error


class Silent:
    """Accepts connections (and reads nothing), never answers: a wedged server."""

    def __init__(self, trickle: bool = False) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = int(self.sock.getsockname()[1])
        self.trickle = trickle
        self.stop = threading.Event()
        self.conns: list[socket.socket] = []
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        self.sock.settimeout(0.05)
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.conns.append(conn)
            if self.trickle:  # a status line, then one header byte now and then
                threading.Thread(target=self._drip, args=(conn,), daemon=True).start()

    def _drip(self, conn: socket.socket) -> None:
        try:
            conn.sendall(b"HTTP/1.1 200 OK\r\n")
            while not self.stop.wait(0.05):
                conn.sendall(b"X")
        except OSError:
            pass

    def close(self) -> None:
        self.stop.set()
        self.thread.join(timeout=2)
        for conn in self.conns:
            conn.close()
        self.sock.close()


@pytest.fixture
def silent() -> Iterator[Silent]:
    server = Silent()
    yield server
    server.close()


@pytest.fixture
def trickle() -> Iterator[Silent]:
    server = Silent(trickle=True)
    yield server
    server.close()


def test_presets_match_the_providers_in_settings() -> None:
    assert discovery.DEFAULT_PORTS == {
        "ollama": 11434,
        "lmstudio": 1234,
        "llamacpp": 8080,
        "vllm": 8000,
    }
    assert discovery.PRESETS["lmstudio"].base_url == "http://127.0.0.1:1234/v1"
    assert discovery.PRESETS["llamacpp"].name == "llama.cpp server"


def test_finds_running_servers_and_skips_the_rest_within_the_deadline(
    silent: Silent, trickle: Silent
) -> None:
    with (
        FakeOpenAIServer(models=["llama3.1:8b", "qwen2.5:7b"]) as ollama,
        FakeOpenAIServer(models=["Qwen/Qwen2.5-7B-Instruct"]) as vllm,
        FakeOpenAIServer(models=error(404, "no such route")) as web,
    ):
        ports = {
            "ollama": ollama.port,
            "lmstudio": silent.port,  # accepts, never answers
            "llamacpp": closed_port(),  # nothing listens
            "vllm": vllm.port,
            "custom": web.port,  # answers, but is not OpenAI-compatible
            "other": trickle.port,  # starts an answer and never finishes it
        }
        started = time.monotonic()
        found = discover(timeout=0.3, ports=ports)
        took = time.monotonic() - started
    assert found == [
        FoundServer("ollama", f"http://127.0.0.1:{ollama.port}/v1", ["llama3.1:8b", "qwen2.5:7b"]),
        FoundServer("vllm", f"http://127.0.0.1:{vllm.port}/v1", ["Qwen/Qwen2.5-7B-Instruct"]),
    ]
    assert found[0].name == "Ollama"
    assert took < 1.5  # loosely: all probes run at once, none may hang


def test_nothing_running_is_an_empty_list_at_once(silent: Silent) -> None:
    started = time.monotonic()
    assert discover(timeout=0.3, ports={"ollama": closed_port(), "vllm": silent.port}) == []
    assert time.monotonic() - started < 1.5


def test_a_server_with_no_model_loaded_is_still_found() -> None:
    with FakeOpenAIServer(models=[]) as lmstudio:
        found = discover(timeout=1.0, ports={"lmstudio": lmstudio.port})
    assert found == [FoundServer("lmstudio", f"http://127.0.0.1:{lmstudio.port}/v1", [])]


@pytest.mark.parametrize(
    ("body", "models"),
    [
        (b'{"object": "list", "data": [{"id": "b"}, {"id": "a"}, {"id": "a"}]}', ["a", "b"]),
        (b'{"models": [{"name": "llama3:latest"}]}', ["llama3:latest"]),
        (b'{"data": []}', []),
        (b"<html>It works!</html>", None),
        (b'{"status": "ok"}', None),
        (b"[1, 2]", None),
    ],
)
def test_parse_models(body: bytes, models: list[str] | None) -> None:
    assert parse_models(body) == models
