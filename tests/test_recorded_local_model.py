"""A real small model on a real local server, replayed (issue 15, "Tests").

tests/data/recorded/ holds what benchmarks/record_local_interview.py recorded once from
Gemma 3 270M (Q4_K_M) served by llama-cpp-python's own server, during the interview
`interviewer practice --track ml-technical --questions 2` runs: every request, and every
reply's bytes as they came off the socket, with their times (the file's header names the
model, the server version, the date and the command). Here the same interview runs
again through the terminal front end, the session service, `OpenAIBackend` and the real
`openai` client, against a loopback server that plays the recorded replies back
(tests/recorded_server.py), so CI sees what that model really sends: its turns, its
structured-output failures, its pace.

`constructed-echo-turn.jsonl` is not a recording: it is the echoed instruction quoted in
the issue (which the model sent in an earlier session), written by hand in the event
format the real server sends, as its header says. It stands in for the first turn of the
recorded interview.

Time-outs are scaled down through the backend's own settings (time-out, gap between
tokens, a prompt speed that makes the first-token budget the time-out alone): the code
paths are the app's, only the numbers are smaller.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import time
from pathlib import Path
from typing import IO, Any, cast

import pytest

from benchmarks.record_local_interview import LiveAnswers, call_kind, expand, solid_answers
from interviewer.core.errors import BackendTimeout
from interviewer.core.models import Turn
from interviewer.core.prompts import APP_TAG
from interviewer.core.requests import GradeRequest, TurnRequest
from interviewer.llm import service
from interviewer.llm.leak_checks import turn_leak_check
from interviewer.llm.offline import OfflineCoach
from interviewer.llm.openai_backend import DEFAULT_PROMPT_SPEED, OpenAIBackend
from interviewer.llm.service import BackendHealth
from interviewer.session import Results, StartOptions
from interviewer.storage.content_files import load_library
from interviewer.storage.store import SessionStore
from interviewer.terminal import TerminalFrontEnd
from tests.recorded_server import RECORDED, RecordedServer, load, silent

INTERVIEW = RECORDED / "gemma3-270m-q4km-interview.jsonl"
ECHO_TURN = RECORDED / "constructed-echo-turn.jsonl"
INSTRUCTIONS_NOTICE = (
    "The model's reply repeated the app's instructions, so the question is shown as written."
)


#: Time runs this many times faster in the replays than it did in the recording: the
#: recorded pace, the backend's time-outs and the service's retry and rest budgets are
#: all divided by it, so every deadline meets the recorded replies as it did live.
SCALE = 20.0


def backend_for(server: RecordedServer, header: dict[str, Any], **kw: Any) -> OpenAIBackend:
    """The backend `interviewer practice --base-url URL --model M` builds from default
    settings (30 s time-out and gap, 5 s to connect, the default prompt speed until one
    is measured), with time scaled by SCALE."""
    options: dict[str, Any] = {
        "api_key": None,
        "model": header["model"],
        "base_url": server.base_url,
        "timeout": header["timeout"] / SCALE,
        "gap_timeout": header["gap_timeout"] / SCALE,
        "connect_timeout": 5.0 / SCALE,
        "max_retries": header["max_retries"],
        "provider_label": "Custom server",
        "prompt_speed": DEFAULT_PROMPT_SPEED * SCALE,
    }
    options.update(kw)
    return OpenAIBackend(**options)


@pytest.fixture
def scaled_health(monkeypatch: pytest.MonkeyPatch) -> None:
    """The session's circuit breaker and retry budget (service.HEALTH), scaled too."""
    health = service.HEALTH
    monkeypatch.setattr(health, "stall_budget", service.STALL_BUDGET / SCALE)
    monkeypatch.setattr(health, "cool_down", service.COOL_DOWN / SCALE)
    monkeypatch.setattr(health, "slow_failure", service.SLOW_FAILURE / SCALE)


class Replay:
    """One replayed interview, through the terminal front end: what it printed,
    returned and saved."""

    def __init__(
        self,
        tmp_path: Path,
        exchanges: list[dict[str, Any]],
        header: dict[str, Any],
        pace: float = 1 / SCALE,
    ):
        self.header = header
        self.server = RecordedServer(exchanges, pace=pace).start()
        self.backend = backend_for(self.server, header)
        self.store = SessionStore(tmp_path / "sessions.sqlite3")
        self.out = io.StringIO()
        answers = LiveAnswers(solid_answers())
        self.front = TerminalFrontEnd(
            load_library(),
            self.store,
            argparse.Namespace(),
            cast(IO[str], answers),
            self.out,
            backends=(self.backend, OfflineCoach()),
            grader=OfflineCoach() if header["grader"] == "offline" else None,
        )
        self.front.session.rng = random.Random(header["seed"])
        answers.session = self.front.session
        self.answers = answers

    def run(self) -> Results:
        header = self.header
        try:
            return self.front.run(
                lambda s: s.start(StartOptions(header["track"], question_count=header["questions"]))
            )
        finally:
            self.backend.close()
            self.server.close()

    @property
    def session_id(self) -> str:
        sid = self.front.session.session_id
        assert sid is not None
        return sid


@pytest.fixture(scope="module")
def recording() -> tuple[dict[str, Any], list[dict[str, Any]], dict[str, Any]]:
    return load(INTERVIEW)


def with_echo_first(exchanges: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The recording, its first interviewer turn replaced by the constructed echo."""
    _h, constructed, _o = load(ECHO_TURN)
    out = list(exchanges)
    first = next(i for i, e in enumerate(out) if e["kind"] == "turn")
    out[first] = constructed[0]
    return out


def shown_turns(replay: Replay) -> list[tuple[str, str, str]]:
    stored = replay.store.load_session(replay.session_id)
    return [(t.role, t.kind, t.text) for t in stored.turns]


def assert_no_prompt_text(replay: Replay, results: Results) -> None:
    """Nothing of the app's instructions in what was printed or saved as a turn."""
    printed = replay.out.getvalue()
    assert APP_TAG not in printed
    assert "greet the candidate" not in printed
    for role, kind, text in shown_turns(replay):
        if role != "interviewer":
            continue
        assert APP_TAG not in text
        for record in results.records:
            request = TurnRequest("question", results.track, record.question, 0, 2)
            leak = turn_leak_check(None, request).find(text)
            assert leak is None or leak.kind != "instructions", (kind, text, leak)


# --------------------------------------------------------------------------- the recording


def test_the_recording_says_what_it_is(
    recording: tuple[dict[str, Any], list[dict[str, Any]], dict[str, Any]],
) -> None:
    header, exchanges, outcome = recording
    assert header["constructed"] is False
    for key in ("model", "model_file", "server_version", "recorded_at", "command"):
        assert header[key], key
    assert "llama-cpp-python" in header["server_version"]
    assert header["model_file"].endswith(".gguf")
    assert {e["kind"] for e in exchanges} >= {"turn", "grade"}
    streamed = [e for e in exchanges if "event-stream" in str(e.get("content_type"))]
    assert streamed and all(expand(e) for e in streamed)
    assert all(call_kind(e["request"]) == e["kind"] for e in exchanges)
    assert outcome["grades"] and outcome["status"]
    assert INTERVIEW.stat().st_size < 1_000_000


def test_the_constructed_echo_is_labelled_as_constructed() -> None:
    header, exchanges, _outcome = load(ECHO_TURN)
    assert header["constructed"] is True
    assert "not a recording" in header["note"]
    assert [e["kind"] for e in exchanges] == ["turn"]
    body = "".join(text for _ms, text in expand(exchanges[0]))
    pieces = [
        json.loads(line[6:])["choices"][0]["delta"].get("content") or ""
        for line in body.splitlines()
        if line.startswith("data: {")
    ]
    assert "".join(pieces).startswith("[interview app] Ask question 2 of 2.")


# --------------------------------------------------------------------------- the replay


@pytest.mark.usefixtures("scaled_health")
def test_the_recorded_interview_replays_through_the_real_client(
    tmp_path: Path, recording: tuple[dict[str, Any], list[dict[str, Any]], dict[str, Any]]
) -> None:
    header, exchanges, outcome = recording
    replay = Replay(tmp_path, exchanges, header)
    results = replay.run()
    assert replay.server.unmatched == 0, replay.server.served
    assert not replay.server.errors
    # Every recorded reply the interview asked for again was there, in its kind's order.
    assert replay.server.served
    # The interview completed and is saved as finished, with every answer in it.
    stored = replay.store.load_session(replay.session_id)
    assert stored.row.status == "finished" == outcome["status"]
    answers = [t.text for t in stored.turns if t.role == "candidate"]
    assert answers == [a["text"] for a in replay.answers.given]
    assert len(results.records) == header["questions"]
    # What the candidate was shown, turn by turn, is what the live interview showed: the
    # model's echo of the app's instructions replaced by the bank's question, a notice.
    assert [(t["role"], t["kind"]) for t in outcome["turns"]] == [
        (role, kind) for role, kind, _text in shown_turns(replay)
    ]
    assert shown_turns(replay)[0] == ("system", "notice", INSTRUCTIONS_NOTICE)
    assert shown_turns(replay)[1][2] == results.records[0].question.text
    calls = replay.store.model_calls(replay.session_id)
    leak = next(c for c in calls if c.error.startswith("prompt leak"))
    assert leak.raw_reply.startswith("[interview app]")
    # Each grade says which grader made it: the model's name, or the offline coach and why.
    for record in results.records:
        grade = record.grade
        assert grade is not None
        if "offline_fallback" in grade.flags:
            assert grade.backend == "offline"
            assert grade.summary.startswith("Graded by the offline coach because the model failed")
        else:
            assert grade.backend == replay.backend.name == "custom-server:gemma"
    by_model = [
        r.grade is not None and "offline_fallback" not in r.grade.flags for r in results.records
    ]
    assert by_model == [g["by_model"] for g in outcome["grades"]]
    assert_no_prompt_text(replay, results)


@pytest.mark.usefixtures("scaled_health")
def test_the_echoed_instruction_never_reaches_the_candidate(
    tmp_path: Path, recording: tuple[dict[str, Any], list[dict[str, Any]], dict[str, Any]]
) -> None:
    header, exchanges, _outcome = recording
    # At once rather than at the recorded pace: what follows the first turn may go
    # differently (a faster follow-up is retried), and only the turn matters here.
    replay = Replay(tmp_path, with_echo_first(exchanges), header, pace=0.0)
    results = replay.run()
    turns = shown_turns(replay)
    first = results.records[0].question
    # The turn fell back to the bank's question, in its own words, after a notice.
    assert turns[0] == ("system", "notice", INSTRUCTIONS_NOTICE)
    assert turns[1] == ("interviewer", "question", first.text)
    assert_no_prompt_text(replay, results)
    # The raw reply is in the call log, for whoever wants to see what the model sent.
    calls = replay.store.model_calls(replay.session_id)
    leak = next(c for c in calls if c.error.startswith("prompt leak"))
    assert leak.raw_reply.startswith("[interview app] Ask question 2 of 2.")
    assert replay.store.load_session(replay.session_id).row.status == "finished"


@pytest.mark.usefixtures("scaled_health")
def test_with_the_offline_coach_as_grader_the_recorded_model_only_interviews(
    tmp_path: Path, recording: tuple[dict[str, Any], list[dict[str, Any]], dict[str, Any]]
) -> None:
    """What check-model's verdict suggests for this model (`--grader-backend offline`):
    the recorded model runs the conversation, no grade is asked of it, and every grade
    says it is the coach's by choice (no fallback flag, no 'because the model failed')."""
    header, exchanges, _outcome = recording
    replay = Replay(tmp_path, exchanges, {**header, "grader": "offline"}, pace=0.0)
    results = replay.run()
    assert all(kind != "grade" for kind, _n in replay.server.served)
    assert replay.server.left().get("grade")
    for record in results.records:
        grade = record.grade
        assert grade is not None and grade.backend == "offline"
        assert "offline_fallback" not in grade.flags
        assert "because the model failed" not in grade.summary
    assert replay.store.load_session(replay.session_id).row.status == "finished"
    assert_no_prompt_text(replay, results)


# --------------------------------------------------------------------------- pace


def longest_stream(exchanges: list[dict[str, Any]]) -> tuple[dict[str, Any], str]:
    """The recorded streamed reply with the most content events, and its text."""

    def content(entry: dict[str, Any]) -> list[str]:
        out = []
        for _ms, text in expand(entry):
            for line in text.splitlines():
                if line.startswith("data: {"):
                    choices = json.loads(line[6:]).get("choices") or [{}]
                    piece = (choices[0].get("delta") or {}).get("content")
                    if piece:
                        out.append(piece)
        return out

    streams = [
        e
        for e in exchanges
        if "event-stream" in str(e.get("content_type")) and not silent(e) and e.get("status") == 200
    ]
    best = max(streams, key=lambda e: len(content(e)))
    return best, "".join(content(best))


def steady(entry: dict[str, Any], gap_ms: int) -> dict[str, Any]:
    """The recorded reply re-timed: one read every `gap_ms` milliseconds."""
    reads = expand(entry)
    return {
        **entry,
        "chunk_prefix": "",
        "chunk_suffix": "",
        "headers_ms": 0,
        "chunks": [[gap_ms * (i + 1), text, "raw"] for i, (_ms, text) in enumerate(reads)],
    }


def test_a_slow_but_steady_recorded_stream_completes_past_every_wall_clock_setting(
    recording: tuple[dict[str, Any], list[dict[str, Any]], dict[str, Any]],
) -> None:
    """The model's longest recorded reply, at a steady pace: 5 tokens a second for two
    minutes, with time scaled down twentyfold (a read every 10 ms, the gap allowed
    between tokens 1.5 s instead of 30 s): it streams to the end though it lasts longer
    than the time-out and the service's whole-call deadline."""
    header, exchanges, _outcome = recording
    entry, content = longest_stream(exchanges)
    reads = len(expand(entry))
    gap_ms = max(10, round(6000 / reads))  # about six seconds in all
    with RecordedServer([{**steady(entry, gap_ms), "kind": "turn"}], pace=1.0) as server:
        backend = backend_for(server, header, timeout=1.0, max_retries=0)
        lib = load_library()
        track = lib.tracks[header["track"]]
        question = lib.question("tech-bias-variance")
        shown: list[str] = []
        began = time.monotonic()
        reply = service.interviewer_turn(
            backend,
            TurnRequest("question", track, question, 0, 2),
            OfflineCoach(),
            shown.append,
            health=BackendHealth(),
        )
        took = time.monotonic() - began
        backend.close()
    assert reply == content == "".join(shown)
    assert took > backend.call_deadline > backend.timeout
    assert server.served == [("turn", entry["n"])]


def grade_request() -> GradeRequest:
    lib = load_library()
    question = lib.question("tech-bias-variance")
    return GradeRequest(
        1,
        question,
        lib.rubric_for(question),
        (
            Turn(role="interviewer", kind="question", text=question.text),
            Turn(role="candidate", kind="answer", text="Bias underfits, variance overfits."),
        ),
    )


def test_a_recorded_stream_that_stops_mid_way_is_abandoned_after_the_gap(
    recording: tuple[dict[str, Any], list[dict[str, Any]], dict[str, Any]],
) -> None:
    """The first reads of the model's longest recorded reply, then silence with the
    connection held open: the backend gives up one gap (0.5 s here) after the last
    token, and the service's grade is the offline coach's, saying why."""
    header, exchanges, _outcome = recording
    entry, _content = longest_stream(exchanges)
    reads = expand(entry)
    first = next(i for i, (_ms, text) in enumerate(reads) if '"content"' in text)
    stalled = {
        **entry,
        "kind": "grade",
        "format": "json_object",
        "chunk_prefix": "",
        "chunk_suffix": "",
        "chunks": [[ms, text, "raw"] for ms, text in reads[: first + 6]],
        "error": "ReadTimeout",
    }
    with RecordedServer([stalled]) as server:
        backend = backend_for(
            server, header, timeout=1.0, gap_timeout=0.5, max_retries=0, prompt_speed=1e9
        )
        began = time.monotonic()
        with pytest.raises(BackendTimeout, match=r"stopped writing.*within 0\.5 seconds"):
            backend.grade(grade_request())
        took = time.monotonic() - began
        backend.close()
    assert took < 10.0  # the silence would last two minutes
    with RecordedServer([stalled]) as server:
        backend = backend_for(
            server, header, timeout=1.0, gap_timeout=0.5, max_retries=0, prompt_speed=1e9
        )
        grade = service.grade(backend, grade_request(), OfflineCoach(), health=BackendHealth())
        backend.close()
    assert grade.backend == "offline" and "offline_fallback" in grade.flags
    assert grade.summary.startswith(
        "Graded by the offline coach because the model failed (Custom server stopped writing"
    )


def test_a_recorded_server_that_only_pings_is_abandoned_within_the_first_token_budget(
    recording: tuple[dict[str, Any], list[dict[str, Any]], dict[str, Any]],
) -> None:
    """A recorded reply that never got a token out (the server held the connection with
    keep-alive comments while it was busy): given up at the first-token budget."""
    header, exchanges, _outcome = recording
    pinged = [
        e
        for e in exchanges
        if silent(e) and e.get("status") == 200 and not any('"content"' in t for _m, t in expand(e))
    ]
    assert pinged, "the recording has a reply that never began"
    with RecordedServer([{**pinged[0], "kind": "grade"}]) as server:
        backend = backend_for(
            server, header, timeout=1.0, gap_timeout=1.0, max_retries=0, prompt_speed=1e9
        )
        began = time.monotonic()
        with pytest.raises(BackendTimeout, match=r"kept the connection open.*within 1 seconds"):
            backend.grade(grade_request())
        took = time.monotonic() - began
        backend.close()
    assert took < 10.0


# --------------------------------------------------------------------------- the benchmark


def test_the_benchmark_row_counts_the_models_grades_against_the_coachs(tmp_path: Path) -> None:
    """benchmarks/local_model.py reads the recordings only: an interview's outcome, the
    grading set's records; a constructed fixture is not counted."""
    from benchmarks import local_model
    from benchmarks.__main__ import local_model_rows

    interviews, gradings = tmp_path / "i", tmp_path / "g"
    interviews.mkdir()
    gradings.mkdir()
    (interviews / "m-interview.jsonl").write_text(
        json.dumps({"header": {"constructed": False}})
        + "\n"
        + json.dumps({"outcome": {"grades": [{"by_model": True}, {"by_model": False}]}})
        + "\n"
    )
    (interviews / "constructed-echo-turn.jsonl").write_text(ECHO_TURN.read_text())
    (gradings / "m.jsonl").write_text(
        "\n".join(
            json.dumps(r)
            for r in (
                {"id": "a", "error": "", "live_flags": []},
                {"id": "b", "error": "", "live_flags": ["offline_fallback"]},
                {"id": "c", "error": "BackendTimeout", "live_flags": []},
            )
        )
    )
    found = local_model.tally(interviews, gradings)
    assert list(found) == ["m"]
    assert (found["m"].by_model, found["m"].by_coach) == (2, 3)
    # The real recordings: the interview's grades as its outcome says.
    _h, _e, outcome = load(INTERVIEW)
    real = local_model.tally()["gemma3-270m-q4km"]
    in_interview = sum(1 for g in outcome["grades"] if g["by_model"])
    assert real.by_model >= in_interview
    assert real.total >= len(outcome["grades"])
    raw: dict[str, Any] = {}
    rows = local_model_rows(raw)
    row = next(r for r in rows if r.metric == "grades by recorded gemma3-270m-q4km")
    assert (row.value, row.reference) == (real.by_model, real.total)
    assert raw["local_models"]["gemma3-270m-q4km"]["by_coach"] == real.by_coach


# --------------------------------------------------------------------------- grading recorder


def test_the_grading_recorder_passes_a_slow_stream_on_as_it_comes(tmp_path: Path) -> None:
    """benchmarks/grading_replay.py's recorder (`grading_eval.py --record`) used to read a
    reply whole before the client saw any of it: a grade streamed over minutes by a slow
    local server looked like a silent server and was given up at its first-token budget
    (every grade of a resumed Gemma recording fell back to the coach that way). Now the
    tokens reach the backend as they come; the recorded body is the whole stream, and it
    replays to the same grade."""
    import httpx2

    from benchmarks import grading_replay as rp
    from tests import factories
    from tests.fake_openai_server import FakeOpenAIServer, slow, text

    content = json.dumps(factories.draft(score=4, quote="Bias underfits").model_dump())
    size = -(-len(content) // 12)
    pieces = [content[i : i + size] for i in range(0, len(content), size)]
    request = GradeRequest(
        1,
        factories.question(),
        factories.rubric(),
        (
            Turn(role="interviewer", kind="question", text="Explain bias and variance."),
            Turn(role="candidate", kind="answer", text="Bias underfits, variance overfits."),
        ),
    )
    with FakeOpenAIServer(models=["m"]) as server:
        server.enqueue(slow(text(content, chunks=pieces), chunk_delay=0.25))
        transport = rp.RecordingTransport()
        backend = OpenAIBackend(
            None,
            "m",
            base_url=server.base_url,
            timeout=1.0,
            gap_timeout=2.0,
            connect_timeout=1.0,
            max_retries=0,
            prompt_speed=1e9,
            http_client=httpx2.Client(transport=transport),
        )
        began = time.monotonic()
        grade = service.grade(backend, request, OfflineCoach(), health=BackendHealth())
        took = time.monotonic() - began
        backend.close()
    assert "offline_fallback" not in grade.flags, grade.summary
    assert took > backend.first_token_budget(0)  # longer than the wait for a first token
    [exchange] = transport.sink
    assert exchange["status"] == 200 and "event-stream" in exchange["content_type"]
    assert all(json.dumps(p)[1:-1] in exchange["body"] for p in pieces)
    record = {"model_requested": "m", "max_retries": 0, "exchanges": [exchange]}
    replayed = rp.replay(record, request)
    assert replayed.grade is not None and replayed.grade.overall_score == grade.overall_score
