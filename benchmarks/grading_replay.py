"""Record a model's grades once, replay them anywhere (CI included) through the app's code.

Recording (`grading_eval.py --record NAME --backend openai --base-url URL --model M`)
grades each labelled answer through the real client path: `OpenAIBackend` (the same
prompt, structured-output modes, validation and repair round as the app) called by
`llm.service.grade` (retries, the offline coach standing in when the model fails, the
call log). Between the openai client and the network sits `RecordingTransport`, which
keeps every HTTP exchange of that grade (the request body's hash, the response's status
and body as the server sent them). One JSON line per answer goes to
`benchmarks/recorded/NAME.jsonl`: the answer's id, a hash of the answer and of the whole
grade request, the model and server, timing and token counts, the call log's records
(`ModelCall`: raw reply, mode, repair rounds, error) and the exchanges.

Grades are streamed now: a new recording keeps the server's event stream as its body
(content type text/event-stream) and replays it as one. An older recording holds plain
JSON bodies; the backend reads such a body as a whole reply (a server that ignores
`stream`), and the body hash leaves out `stream` and `stream_options`, so it is not
counted stale for that.

Replaying builds a fresh `OpenAIBackend` per answer whose HTTP client is a
`ReplayTransport` serving the recorded exchanges in order, and runs `service.grade`
again: the stored reply is parsed, validated against `GradeDraft` (with the repair
round if the recording has one), `finalize`d, or, if it failed, graded by the offline
coach exactly as the app would (`offline_fallback`). No model runs, so CI can do it.

A recording names what it was made for. Replay matches an answer by id and the hash of
its question and text (an edited answer has no recording); when the question, rubric
or prompt has changed since (so the request the app would send now differs from the one
the model answered), the answer is still replayed but counted as `stale`, so a table
never hides that its model column answers an older prompt.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx2

from interviewer.core.errors import InterviewerError
from interviewer.core.models import Grade
from interviewer.core.requests import GradeRequest
from interviewer.llm import service
from interviewer.llm.base import CallList, grade_request_to_json
from interviewer.llm.offline import OfflineCoach
from interviewer.llm.openai_backend import OpenAIBackend
from interviewer.llm.service import BackendHealth, call_record

RECORDED_DIR = Path(__file__).resolve().parent / "recorded"
#: The structured-output request formats, best first (as OpenAIBackend walks them).
FORMATS = ("json_schema", "json_object", "none")
#: Placeholder server for replays of recordings that did not name one.
REPLAY_URL = "http://replay.invalid/v1"


def _sha(data: Any) -> str:
    text = data if isinstance(data, str) else json.dumps(data, sort_keys=True, ensure_ascii=True)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def answer_hash(question_id: str, text: str) -> str:
    """What identifies a labelled answer's content: an edited answer needs a new recording."""
    return _sha({"question": question_id, "text": text})


def request_hash(request: GradeRequest) -> str:
    """The whole grade request as the app builds it (question, rubric, exchange), no id."""
    data = grade_request_to_json(request)
    data.pop("request_id", None)
    return _sha(data)


def _body_format(body: dict[str, Any]) -> str:
    fmt = body.get("response_format")
    return str(fmt.get("type", "none")) if isinstance(fmt, dict) else "none"


#: Request fields about how the reply travels, not what is asked: left out of a body's
#: hash, so recordings made before calls were streamed still match their requests.
TRANSPORT_FIELDS = ("stream", "stream_options")


def _body_hash(body: dict[str, Any]) -> str:
    return _sha({k: v for k, v in body.items() if k not in TRANSPORT_FIELDS})


def _request_body(request: httpx2.Request) -> dict[str, Any]:
    try:
        data = json.loads(request.content or b"{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def resolve(name_or_path: str | Path) -> Path:
    """A bare name means benchmarks/recorded/NAME.jsonl; anything with a folder is a path."""
    path = Path(name_or_path)
    if path.parent == Path(".") and not str(name_or_path).startswith("."):
        path = RECORDED_DIR / (path.name if path.suffix == ".jsonl" else f"{path.name}.jsonl")
    return path


# ----------------------------------------------------------------------------- record


class RecordingTransport(httpx2.BaseTransport):
    """Passes requests to the real transport and keeps each exchange in `sink`.

    One per worker: the worker sets `sink` to a fresh list before each grade, and a call
    takes the list it started with, so a late reply of an abandoned call cannot land in
    the next answer's recording.

    The reply goes on to the client piece by piece as the server sends it (a streamed
    grade from a slow local server takes minutes, and the backend's progress deadlines
    must see its tokens as they come, not all at once at the end); the exchange is kept
    when the body has been read to its end, or when reading it failed (`error`: the
    client gave up on a silent server, or the server dropped the connection).
    """

    def __init__(self, inner: httpx2.BaseTransport | None = None) -> None:
        self.inner = inner or httpx2.HTTPTransport()
        self.sink: list[dict[str, Any]] = []

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        sink = self.sink
        body = _request_body(request)
        entry: dict[str, Any] = {
            "path": request.url.path,
            "format": _body_format(body),
            "body_hash": _body_hash(body),
        }
        try:
            response = self.inner.handle_request(request)
        except httpx2.TransportError as exc:
            entry["error"] = type(exc).__name__
            sink.append(entry)
            raise
        entry["status"] = response.status_code
        entry["content_type"] = response.headers.get("content-type", "application/json")
        return httpx2.Response(
            response.status_code,
            headers={"content-type": entry["content_type"]},
            stream=_KeptStream(response.stream, entry, sink),
            extensions=response.extensions,
            request=request,
        )

    def close(self) -> None:
        self.inner.close()


class _KeptStream(httpx2.SyncByteStream):
    """A reply's bytes, passed on as they arrive and kept in the exchange."""

    def __init__(self, inner: Any, entry: dict[str, Any], sink: list[dict[str, Any]]) -> None:
        self.inner = inner
        self.entry = entry
        self.sink = sink
        self.parts: list[bytes] = []
        self.kept = False

    def __iter__(self) -> Any:
        try:
            for part in self.inner:
                self.parts.append(part)
                yield part
        except Exception as exc:  # the watch shut a silent stream, the server dropped it
            self.entry["error"] = type(exc).__name__
            self._keep()
            raise
        self._keep()

    def _keep(self) -> None:
        if not self.kept:
            self.kept = True
            self.entry["body"] = b"".join(self.parts).decode("utf-8", "replace")
            self.sink.append(self.entry)

    def close(self) -> None:
        self._keep()  # the client closed it early (a cancel): kept as far as it was read
        self.inner.close()


@dataclass
class Recorder:
    """Grades answers with a live model and appends one JSON line per answer to `path`."""

    path: Path
    api_key: str | None
    model: str
    base_url: str | None
    timeout: float = 120.0
    max_retries: int = 1
    context_window: int | None = None
    provider_label: str = "Custom server"
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def backend(self) -> tuple[OpenAIBackend, RecordingTransport]:
        transport = RecordingTransport()
        backend = OpenAIBackend(
            api_key=self.api_key,
            model=self.model,
            base_url=self.base_url,
            timeout=self.timeout,
            max_retries=self.max_retries,
            provider_label=self.provider_label,
            context_window=self.context_window,
            http_client=httpx2.Client(transport=transport),
        )
        return backend, transport

    def done(self) -> set[tuple[str, str]]:
        """(id, answer hash) of the answers already in the file, so a run can be resumed.

        An answer whose recording holds a transport failure (a time-out, a refused
        connection) is graded again: that says nothing about the model's grading, and a
        slow local server may answer with a longer --timeout. The new line wins.
        """
        return {
            (r["id"], r["answer_hash"])
            for r in read_records([self.path])
            if not any("error" in e for e in r.get("exchanges", []))
        }

    def grade(
        self,
        backend: OpenAIBackend,
        transport: RecordingTransport,
        answer_id: str,
        part: str,
        request: GradeRequest,
    ) -> tuple[Grade | None, str]:
        """Grade one answer as the app would and write its record; (grade, error)."""
        exchanges: list[dict[str, Any]] = []
        transport.sink = exchanges
        calls = CallList()
        started_at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        began = time.monotonic()
        error = ""
        result: Grade | None = None
        try:
            result = service.grade(
                backend, request, OfflineCoach(), health=BackendHealth(), recorder=calls
            )
        except InterviewerError as err:
            error = str(err)
        model_calls = [call_record(c) for c in calls.calls]
        served = next((c["model"] for c in model_calls if not c["stand_in"] and c["model"]), "")
        usage: dict[str, int] = {}
        for c in model_calls:
            if c["stand_in"]:
                continue
            for k, v in c["usage"].items():
                usage[k] = usage.get(k, 0) + int(v)
        for c in model_calls:  # the request is the record's own; keep each line small
            c.pop("request", None)
            c.pop("messages", None)
        record = {
            "id": answer_id,
            "part": part,
            "question": request.question.id,
            "answer_hash": answer_hash(request.question.id, request.answer_text),
            "request_hash": request_hash(request),
            "backend": backend.name,
            "max_retries": self.max_retries,
            "model_requested": self.model,
            "model": served or self.model,
            "server": self.base_url or "",
            "recorded_at": started_at,
            "seconds": round(time.monotonic() - began, 3),
            "usage": usage,
            "live_score": None if result is None else result.overall_score,
            "live_flags": [] if result is None else list(result.flags),
            "error": error,
            "calls": model_calls,
            "exchanges": exchanges,
        }
        line = json.dumps(record, ensure_ascii=False, sort_keys=True)
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as fh:
                fh.write(line + "\n")
        return result, error


def read_records(paths: Iterable[Path]) -> list[dict[str, Any]]:
    """Every record of the files (a later line for the same answer wins)."""
    out: dict[tuple[str, str], dict[str, Any]] = {}
    for path in paths:
        if not path.exists():
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except ValueError as err:
                raise ValueError(f"{path.name}:{n}: not JSON ({err})") from None
            rec["_file"] = path.name
            out[(path.name, rec["id"])] = rec
    return list(out.values())


def recorded_files(paths: Iterable[Path] | None = None) -> list[Path]:
    """The given files, or every recording in benchmarks/recorded/ (sorted)."""
    if paths is not None:
        return [resolve(p) for p in paths]
    return sorted(RECORDED_DIR.glob("*.jsonl")) if RECORDED_DIR.is_dir() else []


# ----------------------------------------------------------------------------- replay


class ReplayTransport(httpx2.BaseTransport):
    """Answers the client with the recorded exchanges, in order.

    A request for a better structured-output format than the recording used is turned
    down with 400, as the recorded server did (or would have: a recording made after the
    worker learned the format starts without the probe), so the backend walks down to the
    recorded format and sends the request the model really answered.
    """

    def __init__(self, exchanges: list[dict[str, Any]]) -> None:
        self.queue = list(exchanges)
        self.prompt_changed = 0
        self.overrun = False

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        body = _request_body(request)
        fmt = _body_format(body)
        if not self.queue:
            self.overrun = True
            raise httpx2.ConnectError("the recording has no more replies", request=request)
        nxt = self.queue[0]
        if _rank(fmt) < _rank(str(nxt.get("format"))):
            return httpx2.Response(
                400,
                json={"error": {"message": f"response_format {fmt} is not supported"}},
                request=request,
            )
        self.queue.pop(0)
        if nxt.get("body_hash") != _body_hash(body):
            self.prompt_changed += 1
        if "error" in nxt:
            cls = getattr(httpx2, str(nxt["error"]), httpx2.ReadTimeout)
            if not (isinstance(cls, type) and issubclass(cls, httpx2.TransportError)):
                cls = httpx2.ReadTimeout
            error = cls("recorded: " + str(nxt["error"]), request=request)
            if "status" not in nxt:
                raise error
            # The reply began, then failed (a silent server given up, a dropped stream):
            # the recorded part, then the same failure.
            return httpx2.Response(
                int(nxt["status"]),
                headers={"content-type": str(nxt.get("content_type") or "application/json")},
                stream=_FailingStream(str(nxt.get("body", "")).encode("utf-8"), error),
                request=request,
            )
        return httpx2.Response(
            int(nxt["status"]),
            headers={"content-type": str(nxt.get("content_type") or "application/json")},
            content=str(nxt.get("body", "")).encode("utf-8"),
            request=request,
        )


class _FailingStream(httpx2.SyncByteStream):
    def __init__(self, data: bytes, error: Exception) -> None:
        self.data = data
        self.error = error

    def __iter__(self) -> Any:
        if self.data:
            yield self.data
        raise self.error


def _rank(fmt: str) -> int:
    return FORMATS.index(fmt) if fmt in FORMATS else len(FORMATS)


@dataclass
class Replayed:
    """One answer's replayed grade, and how far the recording still fits the request."""

    grade: Grade | None
    error: str = ""
    #: The question, rubric or prompt changed since the recording.
    stale: bool = False
    #: The app asked for more replies than were recorded (the code path changed).
    overrun: bool = False


def replay(record: dict[str, Any], request: GradeRequest) -> Replayed:
    """Run one recorded answer through OpenAIBackend, the service and finalize again."""
    transport = ReplayTransport(list(record.get("exchanges", [])))
    backend = OpenAIBackend(
        api_key=None,
        model=str(record.get("model_requested") or record.get("model") or "model"),
        base_url=str(record.get("server") or REPLAY_URL),
        max_retries=int(record.get("max_retries", 1)),
        provider_label="Replay",
        http_client=httpx2.Client(transport=transport),
    )
    health = BackendHealth(sleep=lambda _s: None)
    try:
        grade = service.grade(backend, request, OfflineCoach(), lambda _s: None, health=health)
        error = ""
    except InterviewerError as err:
        grade, error = None, str(err)
    finally:
        backend.close()
    stale = record.get("request_hash") != request_hash(request) or transport.prompt_changed > 0
    return Replayed(grade, error, stale=stale, overrun=transport.overrun)
