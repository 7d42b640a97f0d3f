"""A loopback server that plays back a recording of a real model server, byte for byte.

The recordings (tests/data/recorded/*.jsonl, made by benchmarks/record_local_interview.py)
hold every HTTP exchange of an interview with a real server: the request, the status and
the reply's bytes as they came off the socket, each with its time. `RecordedServer` is
the loopback fake (tests/fake_openai_server.py) answering each chat request with the
next recorded exchange of the same kind (turn, follow-up decision, grade: told from the
request's schema, not its wording, so a changed prompt still finds its reply), writing
the recorded reads in order, at the recorded pace scaled by `pace` (0: at once).

A recorded exchange that ended in silence (the client gave up on a server that sent
nothing more) is played back as that silence: the recorded bytes, then nothing until the
client closes the connection, so the client's own deadlines end it, as they did.
"""

from __future__ import annotations

import json
from collections import deque
from pathlib import Path
from typing import Any

from benchmarks.record_local_interview import call_kind, expand, request_format
from tests.fake_openai_server import FakeOpenAIServer, Reply, _Handler

RECORDED = Path(__file__).resolve().parent / "data" / "recorded"
#: Structured-output formats, best first (as OpenAIBackend walks them).
FORMATS = ("json_schema", "json_object", "none")
#: The longest a played-back silence lasts when no client closes it (seconds).
SILENCE_LIMIT = 120.0


def load(path: Path) -> tuple[dict[str, Any], list[dict[str, Any]], dict[str, Any]]:
    """(header, exchanges, outcome) of a recording."""
    header: dict[str, Any] = {}
    outcome: dict[str, Any] = {}
    exchanges: list[dict[str, Any]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        if "header" in row:
            header = row["header"]
        elif "exchange" in row:
            exchanges.append(row["exchange"])
        elif "outcome" in row:
            outcome = row["outcome"]
    return header, exchanges, outcome


def _rank(fmt: str) -> int:
    return FORMATS.index(fmt) if fmt in FORMATS else len(FORMATS)


def silent(entry: dict[str, Any]) -> bool:
    """Whether the exchange ended because the client gave up on a silent server."""
    error = str(entry.get("error", ""))
    return "Timeout" in error or error in ("ReadError", "RemoteProtocolError")


class _ReplayHandler(_Handler):
    def _answer(self, reply: Reply, request: dict[str, Any]) -> None:
        if reply.kind != "recorded":
            super()._answer(reply, request)
            return
        entry: dict[str, Any] = reply.body
        fake = self.server.fake
        pace = float(reply.chunk_delay)
        if entry.get("status") is None:
            # No headers ever came: the server was still busy (or hung) when the client
            # gave up. Be that server.
            fake.release.wait(SILENCE_LIMIT)
            self.close_connection = True
            return
        reads = expand(entry)
        if "event-stream" not in str(entry.get("content_type", "")):
            data = "".join(text for _ms, text in reads).encode()
            self.send_response(int(entry["status"]))
            self.send_header("Content-Type", str(entry.get("content_type") or "application/json"))
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            return
        self._start_sse()
        before = int(entry.get("headers_ms", 0))
        try:
            for ms, text in reads:
                if pace and ms > before and fake.release.wait((ms - before) / 1000 * pace):
                    return
                before = max(before, ms)
                self._write_chunk(text.encode())
            if silent(entry):
                fake.release.wait(SILENCE_LIMIT)  # the client ends it, as it did
                self.close_connection = True
                return
            self._write_chunk(b"")
        except OSError:
            self.close_connection = True  # the client gave up: as recorded


class RecordedServer(FakeOpenAIServer):
    """The loopback fake, answering chat requests from recorded exchanges (see above).

    `served` lists (kind, recorded exchange number) in the order they were played;
    `unmatched` counts requests with no recorded reply left of their kind (answered 418,
    which the backend treats as an error; a test notices).
    """

    def __init__(self, exchanges: list[dict[str, Any]], *, pace: float = 0.0) -> None:
        super().__init__(models=["gemma"])
        self._httpd.RequestHandlerClass = _ReplayHandler
        self.pace = pace
        self.queues: dict[str, deque[dict[str, Any]]] = {}
        for entry in exchanges:
            if entry.get("method", "POST") == "POST":
                self.queues.setdefault(str(entry["kind"]), deque()).append(entry)
        self.served: list[tuple[str, int]] = []
        self.unmatched = 0
        self.prompt_changed = 0
        self.router = self._route_recorded

    def _route_recorded(self, body: dict[str, Any]) -> Reply | None:
        kind = call_kind(body)
        fmt = request_format(body)
        with self.lock:
            queue = self.queues.get(kind)
            if not queue:
                self.unmatched += 1
                return None
            nxt = queue[0]
            if _rank(fmt) < _rank(str(nxt.get("format"))):
                # A better format than the recording got to: the recorded server refused
                # it (llama-cpp-python answers json_schema with 500).
                return Reply(
                    "error",
                    status=500,
                    body={"error": {"message": f"Unsupported response_format type: {fmt}"}},
                )
            queue.popleft()
            self.served.append((kind, int(nxt.get("n", 0))))
            if nxt.get("request", {}).get("messages") != body.get("messages"):
                self.prompt_changed += 1
        return Reply("recorded", body=nxt, chunk_delay=self.pace)

    def start(self) -> RecordedServer:
        super().start()
        return self

    def __enter__(self) -> RecordedServer:
        return self.start()

    def left(self) -> dict[str, int]:
        """Recorded replies of each kind not asked for."""
        with self.lock:
            return {k: len(q) for k, q in self.queues.items() if q}
