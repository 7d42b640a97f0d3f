"""Record, once, a short interview against a real local model server, byte for byte.

    python -m benchmarks.record_local_interview --base-url http://127.0.0.1:8790/v1 \\
        --model gemma --server-version "llama-cpp-python 0.3.x" --model-file NAME.gguf

runs what `interviewer practice --track ml-technical --questions 2 --base-url URL --model M`
runs (the terminal front end, the session service, `OpenAIBackend` with the settings'
defaults: 30 s time-out, one retry, the offline coach standing in) with scripted answers,
and keeps every HTTP exchange between the real `openai` client and the server: the
request body as sent, the status, and the reply's bytes as they arrived (each read with
its time in milliseconds since the request went out), or the transport error that ended
it. The result is one JSONL file under tests/data/recorded/:

- line 1, `{"header": ...}`: model, model file, server and its version, date, the command,
  track, question count, random seed, grader, the scripted answers;
- one `{"exchange": ...}` line per HTTP request, in the order they were sent: `kind`
  (turn, follow_up, grade: told from the request, see `call_kind`), `format` (the
  structured-output format asked for), `request`, `status`, `content_type`, `chunks`
  ([milliseconds, text] as read off the socket), `error`;
- last, `{"outcome": ...}`: what the interview showed and saved (turns, notices, each
  grade with the grader that made it, the call log, seconds taken).

tests/recorded_server.py serves such a file back in order through a loopback server,
and tests/test_recorded_local_model.py replays the interview through the real client;
`python -m benchmarks` reports how many grades the model made (benchmarks/local_model.py).

The answers are chosen when asked (`LiveAnswers`): a solid labelled answer to the
question from benchmarks/grading_set.toml when there is one, else the question's key
points; a follow-up gets a short fixed answer. A replay with the same header asks the
same questions in the same order, so the same requests go out.
"""

from __future__ import annotations

import argparse
import codecs
import datetime as dt
import io
import json
import os
import random
import sys
import tempfile
import threading
import time
import tomllib
from pathlib import Path
from typing import IO, Any, cast

import httpx2

ROOT = Path(__file__).resolve().parent.parent
RECORDED_DIR = ROOT / "tests" / "data" / "recorded"
#: What a follow-up question gets as its answer (the same in recording and replay).
FOLLOW_UP_ANSWER = (
    "I would check it on a held-out validation set first, then watch the metric for a "
    "week in production before trusting it."
)
#: The app's marker and the first words of the format rules it adds for servers that
#: cannot be given a schema (core/prompts.py: schema_instruction).
_FORMAT_RULES = "Format of your reply: a single JSON object"


# --------------------------------------------------------------------------- requests


def request_format(body: dict[str, Any]) -> str:
    """The structured-output format a request asks for: json_schema, json_object, none."""
    fmt = body.get("response_format")
    return str(fmt.get("type", "none")) if isinstance(fmt, dict) else "none"


def call_kind(body: dict[str, Any]) -> str:
    """turn, follow_up or grade, told from the request alone (the schema it asks for:
    in response_format, or in the format rules added to the prompt), so a replay can
    match a request to its recorded reply even when the prompt's wording has changed."""
    fmt = body.get("response_format")
    schema = ""
    if isinstance(fmt, dict) and isinstance(fmt.get("json_schema"), dict):
        schema = json.dumps(fmt["json_schema"])
    for message in body.get("messages") or []:
        content = message.get("content") if isinstance(message, dict) else None
        if isinstance(content, str) and _FORMAT_RULES in content:
            schema += content
    if not schema:
        return "turn"
    if '"criteria"' in schema:
        return "grade"
    if '"follow_up"' in schema:
        return "follow_up"
    return "other"


def _body(request: httpx2.Request) -> dict[str, Any]:
    try:
        data = json.loads(request.content or b"{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


# --------------------------------------------------------------------------- chunks


def compact(chunks: list[list[Any]]) -> dict[str, Any]:
    """The reads of one reply, written small and losslessly: most events of a stream
    differ only in their content piece, so the part every content event shares before
    and after it is written once (`chunk_prefix`, `chunk_suffix`) and each such read as
    [milliseconds, middle]; any other read stays whole as [milliseconds, text, "raw"]."""
    events = [c[1] for c in chunks if '"content":' in c[1] and c[1].count("data:") == 1]
    if len(events) < 3:
        return {"chunks": [[ms, text, "raw"] for ms, text in chunks]}
    prefix = _common_prefix(events)
    suffix = _common_prefix([e[::-1] for e in events])[::-1]
    cut = min(len(prefix), min(len(e) for e in events) - len(suffix))
    prefix = prefix[: max(0, cut)]
    out: list[list[Any]] = []
    for ms, text in chunks:
        fits = text.startswith(prefix) and text.endswith(suffix)
        if fits and len(text) >= len(prefix) + len(suffix):
            out.append([ms, text[len(prefix) : len(text) - len(suffix)]])
        else:
            out.append([ms, text, "raw"])
    return {"chunk_prefix": prefix, "chunk_suffix": suffix, "chunks": out}


def _common_prefix(texts: list[str]) -> str:
    first, last = min(texts), max(texts)
    n = 0
    while n < len(first) and first[n] == last[n]:
        n += 1
    return first[:n]


def expand(entry: dict[str, Any]) -> list[tuple[int, str]]:
    """The reads of a recorded reply as they came: (milliseconds, text); see `compact`."""
    prefix = str(entry.get("chunk_prefix", ""))
    suffix = str(entry.get("chunk_suffix", ""))
    out: list[tuple[int, str]] = []
    for chunk in entry.get("chunks") or []:
        ms, text = int(chunk[0]), str(chunk[1])
        out.append((ms, text if len(chunk) > 2 else prefix + text + suffix))
    return out


# --------------------------------------------------------------------------- recording


class _Tee(httpx2.SyncByteStream):
    """Passes a reply's bytes on as they arrive and notes each read with its time."""

    def __init__(self, inner: Any, entry: dict[str, Any], began: float) -> None:
        self.inner = inner
        self.entry = entry
        self.began = began
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")

    def __iter__(self) -> Any:
        chunks = self.entry.setdefault("chunks", [])
        try:
            for part in self.inner:
                ms = round((time.monotonic() - self.began) * 1000)
                chunks.append([ms, self._decoder.decode(part)])
                yield part
        except Exception as exc:  # the watch shut the socket, the server dropped it
            self.entry["error"] = type(exc).__name__
            self.entry["error_ms"] = round((time.monotonic() - self.began) * 1000)
            raise

    def close(self) -> None:
        self.entry["closed_ms"] = round((time.monotonic() - self.began) * 1000)
        self.inner.close()


class RecordingTransport(httpx2.BaseTransport):
    """The real transport, with every exchange kept in `exchanges` (in sending order).

    Unlike benchmarks/grading_replay.py's, it does not read a reply whole before the
    client sees it: the stream goes on to the client piece by piece (so the backend's
    progress deadlines see the server's real pace), and the connection's extensions are
    kept (the backend's watch shuts a silent stream's socket through them).
    """

    def __init__(self, inner: httpx2.BaseTransport | None = None) -> None:
        self.inner = inner or httpx2.HTTPTransport()
        self.began = time.monotonic()
        self.exchanges: list[dict[str, Any]] = []
        self._lock = threading.Lock()

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        body = _body(request)
        started = time.monotonic()
        entry: dict[str, Any] = {
            "kind": call_kind(body) if request.method == "POST" else "other",
            "format": request_format(body),
            "method": request.method,
            "path": request.url.path,
            "started": round(started - self.began, 3),
            "request": body,
        }
        with self._lock:
            self.exchanges.append(entry)
        try:
            response = self.inner.handle_request(request)
        except Exception as exc:
            entry["error"] = type(exc).__name__
            entry["error_ms"] = round((time.monotonic() - started) * 1000)
            raise
        entry["status"] = response.status_code
        entry["content_type"] = response.headers.get("content-type", "")
        entry["headers_ms"] = round((time.monotonic() - started) * 1000)
        return httpx2.Response(
            response.status_code,
            headers=response.headers,
            stream=_Tee(response.stream, entry, started),
            extensions=response.extensions,
            request=request,
        )

    def close(self) -> None:
        self.inner.close()


# --------------------------------------------------------------------------- answers


def solid_answers() -> dict[str, str]:
    """A solid (tier 2) labelled answer per question, from benchmarks/grading_set.toml."""
    data = tomllib.loads((ROOT / "benchmarks" / "grading_set.toml").read_text("utf-8"))
    out: dict[str, str] = {}
    for answer in data.get("answers", []):
        if answer.get("tier") == 2 and not answer.get("twin"):
            out.setdefault(str(answer["question"]), str(answer["text"]))
    return out


def answer_for(question: Any, is_follow_up: bool, answers: dict[str, str]) -> str:
    if is_follow_up:
        return FOLLOW_UP_ANSWER
    found = answers.get(question.id)
    if found:
        return found
    return " ".join(k.text for k in question.key_points) or "I am not sure."


class LiveAnswers(io.TextIOBase):
    """Standard input for the terminal front end that answers whatever is asked now.

    The terminal reads a line at a time until a '.' line; when it starts reading, this
    looks at what the session needs (the question, or a follow-up of it) and types the
    answer for it. Which answer each question got is noted in `given`.
    """

    def __init__(self, answers: dict[str, str]) -> None:
        self.answers = answers
        self.session: Any = None
        self.given: list[dict[str, Any]] = []
        self._lines: list[str] = []

    def readable(self) -> bool:
        return True

    def readline(self, size: int | None = -1) -> str:  # type: ignore[override]
        if not self._lines:
            need = self.session.engine.need() if self.session is not None else None
            question = getattr(need, "question", None)
            if question is None:
                return ""
            follow = bool(getattr(need, "is_follow_up", False))
            text = answer_for(question, follow, self.answers)
            self.given.append({"question": question.id, "follow_up": follow, "text": text})
            self._lines = [text + "\n", ".\n"]
        return self._lines.pop(0)


# --------------------------------------------------------------------------- the run


def outcome(results: Any, store: Any, session_id: str | None, printed: str) -> dict[str, Any]:
    """What the interview showed and saved, for the recording's last line."""
    grades = []
    for record in results.records:
        grade = record.grade
        grades.append(
            {
                "question": record.question.id,
                "score": None if grade is None else grade.overall_score,
                "backend": None if grade is None else grade.backend,
                "flags": [] if grade is None else list(grade.flags),
                "by_model": grade is not None
                and "offline_fallback" not in grade.flags
                and grade.backend != "offline",
            }
        )
    turns: list[dict[str, str]] = []
    calls: list[dict[str, Any]] = []
    status = ""
    if session_id is not None:
        stored = store.load_session(session_id)
        status = stored.row.status
        turns = [{"role": t.role, "kind": t.kind, "text": t.text} for t in stored.turns]
        for c in store.model_calls(session_id):
            calls.append(
                {
                    "kind": c.kind,
                    "backend": c.backend,
                    "mode": c.mode,
                    "stand_in": c.stand_in,
                    "attempt": c.attempt,
                    "seconds": round(c.latency_seconds, 1),
                    "error": c.error[:300],
                    "raw_reply": c.raw_reply[:300],
                }
            )
    return {
        "status": status,
        "turns": turns,
        "grades": grades,
        "calls": calls,
        "printed": printed[-4000:],
    }


def record(args: argparse.Namespace) -> Path:
    """Run the interview against the live server; write and return the recording."""
    home = tempfile.mkdtemp(prefix="interviewer-record-")
    os.environ["INTERVIEWER_HOME"] = home  # never the user's settings or sessions
    from interviewer.llm.offline import OfflineCoach
    from interviewer.llm.openai_backend import DEFAULT_PROMPT_SPEED, OpenAIBackend
    from interviewer.session import StartOptions
    from interviewer.storage.content_files import load_library
    from interviewer.storage.settings import Settings
    from interviewer.storage.store import SessionStore
    from interviewer.terminal import TerminalFrontEnd

    settings = Settings()
    transport = RecordingTransport()
    # What make_backend builds for `--base-url URL --model M` with default settings and
    # no remembered fitness check, with the recording transport under the client.
    backend = OpenAIBackend(
        api_key=None,
        model=args.model,
        base_url=args.base_url,
        temperature=settings.temperature,
        timeout=args.timeout or settings.request_timeout,
        connect_timeout=settings.connect_timeout,
        max_retries=settings.max_retries,
        provider_label="Custom server",
        context_window=settings.context_window,
        server_context=settings.context_window is None,
        prompt_speed=DEFAULT_PROMPT_SPEED,
        http_client=httpx2.Client(transport=transport),
    )
    lib = load_library()
    store = SessionStore(Path(home) / "sessions.sqlite3")
    answers = LiveAnswers(solid_answers())
    printed = io.StringIO()
    grader = OfflineCoach() if args.grader == "offline" else None
    front = TerminalFrontEnd(
        lib,
        store,
        argparse.Namespace(),
        cast(IO[str], answers),
        printed,
        backends=(backend, OfflineCoach()),
        grader=grader,
    )
    front.session.rng = random.Random(args.seed)
    answers.session = front.session
    began = time.monotonic()
    recorded_at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    error = ""
    results = None
    try:
        results = front.run(
            lambda s: s.start(StartOptions(args.track, question_count=args.questions))
        )
    except Exception as exc:  # what happened is the recording's point
        error = f"{type(exc).__name__}: {exc}"
    seconds = round(time.monotonic() - began, 1)
    header = {
        "model": args.model,
        "model_file": args.model_file,
        "server": args.base_url,
        "server_version": args.server_version,
        "server_options": args.server_options,
        "recorded_at": recorded_at,
        "command": "python -m benchmarks.record_local_interview " + " ".join(sys.argv[1:]),
        "equivalent": (
            f"interviewer practice --track {args.track} --questions {args.questions} "
            f"--base-url {args.base_url} --model {args.model}"
            + (" --grader-backend offline" if args.grader == "offline" else "")
        ),
        "track": args.track,
        "questions": args.questions,
        "seed": args.seed,
        "grader": args.grader,
        "timeout": backend.timeout,
        "gap_timeout": backend.gap_timeout,
        "max_retries": backend.max_retries,
        "constructed": False,
        "machine": args.machine,
        "answers": answers.given,
        "seconds": seconds,
        "error": error,
    }
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as fh:
        fh.write(json.dumps({"header": header}, ensure_ascii=False) + "\n")
        for n, entry in enumerate(transport.exchanges, 1):
            entry = {"n": n, **entry, **compact(entry.get("chunks") or [])}
            fh.write(json.dumps({"exchange": entry}, ensure_ascii=False) + "\n")
        if results is not None:
            done = outcome(results, store, front.session.session_id, printed.getvalue())
        else:
            done = {"status": "error", "printed": printed.getvalue()[-4000:]}
        done["seconds"] = seconds
        fh.write(json.dumps({"outcome": done}, ensure_ascii=False) + "\n")
    backend.close()
    store.close()
    return out


#: The echoed instruction quoted in issue 15, as an earlier session saw Gemma 3 270M send it.
ISSUE_ECHO = (
    "[interview app] Ask question 2 of 2. This is the closing turn. Start with one or two "
    "sentences: greet the candidate, say the session has 3 questions over about 40 minutes "
    "and that they will get feedback at the end. Then ask the question."
)


def construct_echo(recording: Path, out: Path, text: str = ISSUE_ECHO) -> Path:
    """Write a hand-made turn exchange whose reply is `text`, in the event format of the
    first streamed turn of `recording` (the real server's: same fields, one event per
    word, 100 ms apart, a stop event and [DONE]); its header says it is constructed."""
    rows = [json.loads(line) for line in recording.read_text("utf-8").splitlines() if line]
    header = next(r["header"] for r in rows if "header" in r)
    model = next(
        r["exchange"]
        for r in rows
        if "exchange" in r and r["exchange"]["kind"] == "turn" and r["exchange"].get("chunk_prefix")
    )
    prefix, suffix = model["chunk_prefix"], model["chunk_suffix"]
    first = next(c[1] for c in model["chunks"] if len(c) > 2 and '"role"' in c[1])
    stop = first.replace('{"role": "assistant"}', "{}").replace(
        '"finish_reason": null', '"finish_reason": "stop"'
    )
    words = text.split(" ")
    pieces = [w if i == 0 else " " + w for i, w in enumerate(words)]
    chunks: list[list[Any]] = [[400, first, "raw"]]
    for i, piece in enumerate(pieces, 1):
        chunks.append([400 + 100 * i, json.dumps(piece)[1:-1]])
    end = 400 + 100 * (len(pieces) + 1)
    chunks += [[end, stop, "raw"], [end + 1, "data: [DONE]\n\n", "raw"]]
    exchange = {
        "n": 1,
        "kind": "turn",
        "format": "none",
        "method": "POST",
        "path": "/v1/chat/completions",
        "started": 0.0,
        "request": {"note": "not recorded: any interviewer turn request"},
        "status": 200,
        "content_type": "text/event-stream; charset=utf-8",
        "headers_ms": 5,
        "chunk_prefix": prefix,
        "chunk_suffix": suffix,
        "chunks": chunks,
    }
    note = (
        "Constructed, not a recording: the echoed instruction quoted in issue 15 (seen from "
        f"this model in an earlier session), written by hand in the event format {header['model']} "
        f"on {header['server_version']} sent in {recording.name} (its first turn's fields, "
        "one event per word)."
    )
    made = {
        "header": {
            "constructed": True,
            "note": note,
            "model": header["model"],
            "server_version": header["server_version"],
            "template": recording.name,
            "made_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "command": "python -m benchmarks.record_local_interview --construct-echo "
            + recording.name,
        }
    }
    out.write_text(
        json.dumps(made, ensure_ascii=False)
        + "\n"
        + json.dumps({"exchange": exchange}, ensure_ascii=False)
        + "\n",
        encoding="utf-8",
    )
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.record_local_interview", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--base-url", default="http://127.0.0.1:8790/v1")
    parser.add_argument("--model", default="gemma")
    parser.add_argument("--model-file", default="", help="the GGUF file the server runs")
    parser.add_argument("--server-version", default="", help="e.g. llama-cpp-python 0.3.16")
    parser.add_argument("--server-options", default="", help="how the server was started")
    parser.add_argument("--machine", default="", help="what the server ran on")
    parser.add_argument("--track", default="ml-technical")
    parser.add_argument("--questions", type=int, default=2)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--grader",
        choices=("same", "offline"),
        default="same",
        help="same: the model grades (the default of a new install); offline: the coach",
    )
    parser.add_argument("--timeout", type=float, default=None, help="default: the settings'")
    parser.add_argument("--out", default=str(RECORDED_DIR / "local-interview.jsonl"))
    parser.add_argument(
        "--construct-echo",
        metavar="RECORDING",
        help="write the constructed echo fixture in the format of this recording, and stop",
    )
    args = parser.parse_args(argv)
    if args.construct_echo:
        source = Path(args.construct_echo)
        if not source.exists():
            source = RECORDED_DIR / args.construct_echo
        made = construct_echo(source, RECORDED_DIR / "constructed-echo-turn.jsonl")
        print(f"wrote {made}")
        return 0
    path = record(args)
    size = path.stat().st_size
    print(f"recorded {path} ({size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
