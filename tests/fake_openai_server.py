"""A loopback fake of an OpenAI-compatible server, for backend tests without a network.

A real HTTP server on 127.0.0.1 with an ephemeral port, so the real `openai` client, its
SSE decoder and its error handling all run for real. Tests queue one scripted reply per
chat call (text, JSON, an error status, a cut stream, a hang) and read back every request
body afterwards (design rule 8: a queue of replies and a recorded history).

    with FakeOpenAIServer() as server:
        server.enqueue(text("Hello"), error(500, "boom"))
        backend = OpenAIBackend(None, "m", base_url=server.base_url)
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

CHAT_PATH = "/v1/chat/completions"
MODELS_PATH = "/v1/models"


@dataclass
class Reply:
    """One scripted answer: text | error | cut | unfinished | hang | trickle | drop | raw |
    garbled."""

    kind: str
    content: str = ""
    chunks: list[str] | None = None  # how a streamed text is split; default: by word
    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    usage: dict[str, Any] | None = None
    #: Seconds to wait before answering at all (latency), and between streamed chunks.
    delay: float = 0.0
    chunk_delay: float = 0.0
    #: The finish_reason a text reply ends with (None: the field is null).
    finish: str | None = "stop"
    #: While a stream waits between chunks, send an SSE comment (": ping") this often,
    #: as sse-starlette (llama-cpp-python's server) does: reads go on succeeding.
    ping: float = 0.0


def text(
    content: str,
    *,
    chunks: list[str] | None = None,
    usage: dict[str, Any] | None = None,
    finish: str | None = "stop",
) -> Reply:
    """Plain completion, or an SSE stream when the request asks for one, ending with
    `finish` as its finish_reason ("length": cut by the output limit)."""
    if chunks is not None:
        assert "".join(chunks) == content, "chunks must join to the content"
    return Reply("text", content=content, chunks=chunks, usage=usage, finish=finish)


def json_content(obj: Any, *, usage: dict[str, Any] | None = None) -> Reply:
    """A completion whose message content is `obj` serialised as JSON."""
    return text(json.dumps(obj), usage=usage)


def error(
    status: int,
    message: str,
    *,
    code: str | None = None,
    type_: str = "invalid_request_error",
    param: str | None = None,
    headers: dict[str, str] | None = None,
) -> Reply:
    body = {"error": {"message": message, "type": type_, "code": code, "param": param}}
    return Reply("error", status=status, body=body, headers=dict(headers or {}))


def schema_rejected_500() -> Reply:
    """How llama-cpp-python answers a json_schema response_format it cannot handle."""
    return Reply(
        "error",
        status=500,
        body={
            "error": {
                "message": "Unsupported response_format type: json_schema",
                "type": "internal_server_error",
                "code": None,
            }
        },
    )


def cut(chunks: list[str]) -> Reply:
    """Stream these pieces, then drop the connection before the stream is complete."""
    return Reply("cut", chunks=chunks)


def unfinished(chunks: list[str], *, done: bool = False) -> Reply:
    """Stream these pieces, then end the body cleanly without any finish_reason (a proxy
    or server that stops half way; with `done`, even after a `[DONE]` event). Unlike
    `cut`, the client raises nothing: only the missing finish reason tells."""
    return Reply("unfinished", chunks=chunks, content="done" if done else "")


def hang() -> Reply:
    """Accept the request and never answer (until the server closes)."""
    return Reply("hang")


def trickle(interval: float = 0.2) -> Reply:
    """Answer 200 at once, then a byte now and then and never a reply: every read
    succeeds, so a read time-out never fires (SSE comments when streaming, spaces in a
    JSON body otherwise)."""
    return Reply("trickle", chunk_delay=interval)


def slow(reply: Reply, delay: float = 0.0, *, chunk_delay: float = 0.0, ping: float = 0.0) -> Reply:
    """The same reply, sent after `delay` seconds (and with pauses between stream chunks,
    filled with keep-alive comments every `ping` seconds when given)."""
    return replace(reply, delay=delay, chunk_delay=chunk_delay, ping=ping)


def drop() -> Reply:
    """Read the request, then close the connection without sending a byte."""
    return Reply("drop")


def raw(body: bytes, *, status: int = 200, content_type: str = "application/json") -> Reply:
    """Send these bytes as the body, whatever they are (e.g. malformed JSON)."""
    return Reply("raw", status=status, body=body, headers={"Content-Type": content_type})


def garbled(chunks: list[str], junk: str = '{"choices": [ not json') -> Reply:
    """A stream whose events after `chunks` are not JSON (a broken proxy or server)."""
    return Reply("garbled", chunks=chunks, content=junk)


@dataclass
class Recorded:
    method: str
    path: str
    body: Any
    headers: dict[str, str]


def _chunk(piece: str | None, *, finish: str | None = None, role: bool = False) -> dict[str, Any]:
    delta: dict[str, Any] = {}
    if role:
        delta["role"] = "assistant"
    if piece is not None:
        delta["content"] = piece
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion.chunk",
        "created": 1,
        "model": "fake-model",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }


def _split_words(content: str) -> list[str]:
    pieces: list[str] = []
    for word in content.split(" "):
        pieces.append(word if not pieces else " " + word)
    return pieces


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        """Keep test output clean."""

    # A client that cancels or times out drops the socket under us; that is not a fault
    # of the fake, so socket errors end the connection quietly. Anything else is recorded.
    def handle(self) -> None:
        with contextlib.suppress(OSError):
            super().handle()

    def finish(self) -> None:
        with contextlib.suppress(OSError):
            super().finish()

    # ------------------------------------------------------------------ plumbing

    def _record(self, body: Any) -> None:
        fake = self.server.fake
        with fake.lock:
            fake.requests.append(
                Recorded(
                    self.command, self.path, body, {k.lower(): v for k, v in self.headers.items()}
                )
            )

    def _send_json(self, status: int, obj: Any, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)

    def _start_sse(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()

    def _write_chunk(self, data: bytes) -> None:
        self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
        self.wfile.flush()

    def _event(self, obj: Any) -> None:
        payload = obj if isinstance(obj, str) else json.dumps(obj)
        self._write_chunk(f"data: {payload}\n\n".encode())

    # ------------------------------------------------------------------ endpoints

    def _route(self, body: Any) -> bool:
        """Answer from `fake.routes` (extra endpoints a test adds); False if none."""
        fake = self.server.fake
        with fake.lock:
            route = fake.routes.get((self.command, self.path.rstrip("/")))
        if route is None:
            return False
        reply = route(body) if callable(route) else route
        self._answer(reply, body if isinstance(body, dict) else {})
        return True

    def do_GET(self) -> None:
        self._record(None)
        if self._route(None):
            return
        if self.path.rstrip("/") != MODELS_PATH:
            self._send_json(
                404, {"error": {"message": f"no route {self.path}", "type": "not_found"}}
            )
            return
        fake = self.server.fake
        if isinstance(fake.models, Reply):
            self._send_json(fake.models.status, fake.models.body, fake.models.headers)
            return
        data = [{"id": m, "object": "model", "created": 0, "owned_by": "fake"} for m in fake.models]
        self._send_json(200, {"object": "list", "data": data})

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = raw.decode(errors="replace")
        self._record(body)
        if self._route(body):
            return
        if self.path.rstrip("/") != CHAT_PATH:
            self._send_json(
                404, {"error": {"message": f"no route {self.path}", "type": "not_found"}}
            )
            return
        reply = self.server.fake.next_reply(body if isinstance(body, dict) else None)
        if reply is None:
            # 418 is not retried by the client and maps to no special case: a test notices.
            self._send_json(418, {"error": {"message": "fake server: no reply queued"}})
            return
        self._answer(reply, body if isinstance(body, dict) else {})

    def _answer(self, reply: Reply, request: dict[str, Any]) -> None:
        fake = self.server.fake
        if reply.delay and fake.release.wait(timeout=reply.delay):
            self.close_connection = True  # the server is closing: give up the reply
            return
        if reply.kind == "drop":
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
        elif reply.kind == "raw":
            data = bytes(reply.body or b"")
            self.send_response(reply.status)
            for key, value in reply.headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        elif reply.kind == "garbled":
            self._start_sse()
            for i, piece in enumerate(reply.chunks or []):
                self._event(_chunk(piece, role=i == 0))
            self._write_chunk(f"data: {reply.content}\n\n".encode())
            self._event("[DONE]")
            self._write_chunk(b"")
        elif reply.kind == "error":
            self._send_json(reply.status, reply.body, reply.headers)
        elif reply.kind == "trickle":
            release = self.server.fake.release
            try:
                if request.get("stream"):
                    self._start_sse()
                    while not release.wait(reply.chunk_delay):
                        self._write_chunk(b": still here\n\n")
                else:
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", "1000000")
                    self.end_headers()
                    while not release.wait(reply.chunk_delay):
                        self.wfile.write(b" ")
                        self.wfile.flush()
            except OSError:
                pass  # the client gave up: what the test wants
            self.close_connection = True
        elif reply.kind == "hang":
            self.server.fake.release.wait(timeout=10)
            self.close_connection = True
        elif reply.kind == "unfinished":
            self._start_sse()
            for i, piece in enumerate(reply.chunks or []):
                self._event(_chunk(piece, role=i == 0))
            if reply.content == "done":
                self._event("[DONE]")
            self._write_chunk(b"")  # a complete body: nothing for the client to notice
        elif reply.kind == "cut":
            self._start_sse()
            for i, piece in enumerate(reply.chunks or []):
                self._event(_chunk(piece, role=i == 0))
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)  # no terminating chunk: a cut stream
        elif request.get("stream"):
            self._stream_text(reply, request)
        else:
            completion: dict[str, Any] = {
                "id": "chatcmpl-fake",
                "object": "chat.completion",
                "created": 1,
                "model": "fake-model",
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": reply.content},
                        "finish_reason": reply.finish,
                    }
                ],
            }
            if reply.usage is not None:
                completion["usage"] = reply.usage
            self._send_json(200, completion)

    def _wait(self, seconds: float, ping: float) -> bool:
        """Wait between chunks (pinging every `ping` seconds); True if the server closes."""
        release = self.server.fake.release
        if not ping:
            return release.wait(seconds)
        end = time.monotonic() + seconds
        while (left := end - time.monotonic()) > 0:
            if release.wait(min(ping, left)):
                return True
            try:
                self._write_chunk(b": ping\n\n")
            except OSError:
                return True  # the client gave up
        return False

    def _stream_text(self, reply: Reply, request: dict[str, Any]) -> None:
        pieces = reply.chunks if reply.chunks is not None else _split_words(reply.content)
        self._start_sse()
        for i, piece in enumerate(pieces):
            if i and reply.chunk_delay and self._wait(reply.chunk_delay, reply.ping):
                return
            self._event(_chunk(piece, role=i == 0))
        if reply.finish is not None:
            self._event(_chunk(None, finish=reply.finish))
        if reply.usage is not None:
            usage_chunk = _chunk(None)
            usage_chunk["choices"] = []
            usage_chunk["usage"] = reply.usage
            self._event(usage_chunk)
        self._event("[DONE]")
        self._write_chunk(b"")  # zero-length chunk ends the body


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    fake: FakeOpenAIServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Record handler crashes instead of printing them; tests can assert on them."""
        import traceback

        with self.fake.lock:
            self.fake.errors.append(traceback.format_exc())


class FakeOpenAIServer:
    def __init__(self, models: list[str] | Reply | None = None) -> None:
        self.lock = threading.Lock()
        self.replies: deque[Reply] = deque()
        self.requests: list[Recorded] = []
        self.errors: list[str] = []
        self.models: list[str] | Reply = models if models is not None else ["fake-model"]
        self.release = threading.Event()
        self.router: Callable[[dict[str, Any]], Reply | None] | None = None
        #: Extra endpoints, (method, path) -> a reply or a function of the request body:
        #: what a test adds to speak another API on the same port (Ollama's /api/tags).
        self.routes: dict[tuple[str, str], Reply | Callable[[Any], Reply]] = {}
        self._httpd = _Server(("127.0.0.1", 0), _Handler)
        self._httpd.fake = self
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def enqueue(self, *replies: Reply) -> None:
        with self.lock:
            self.replies.extend(replies)

    def next_reply(self, body: dict[str, Any] | None = None) -> Reply | None:
        """The queue first; then `router(body)`, for calls whose order is not fixed
        (gradings run in the background while the interview goes on)."""
        with self.lock:
            if self.replies:
                return self.replies.popleft()
        if self.router is not None and body is not None:
            return self.router(body)
        return None

    @property
    def chat_bodies(self) -> list[dict[str, Any]]:
        with self.lock:
            return [r.body for r in self.requests if r.path.rstrip("/") == CHAT_PATH]

    def start(self) -> FakeOpenAIServer:
        self._thread.start()
        return self

    def close(self) -> None:
        self.release.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> FakeOpenAIServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
