"""The speed and fitness check (issue 15, item 2): interviewer/llm/fitness.py, its store
(interviewer/storage/fitness_store.py) and `interviewer check-model`.

Speeds are asserted exactly with an injected clock (a scripted backend moves it as it
streams), and against the loopback server only with bounds the server's own pauses
guarantee (a reply sent after 0.5 s cannot have come sooner), so no timing can flake.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from interviewer.core.content import ContentLibrary
from interviewer.core.cost import Usage
from interviewer.core.models import CriterionDraft, GradeDraft, Rubric
from interviewer.core.requests import TurnRequest
from interviewer.core.tokens import count_tokens
from interviewer.llm.base import CancelToken, DeltaCallback, ModelResponse
from interviewer.llm.fitness import (
    Budgets,
    FitnessReport,
    StepResult,
    about,
    advise,
    asks_question,
    check_fitness,
    duration,
    material,
    remember,
    remembered,
    stream_speeds,
)
from interviewer.llm.openai_backend import OpenAIBackend
from interviewer.llm.scripted import ScriptedBackend
from interviewer.storage import fitness_store
from interviewer.storage.content_files import load_library
from interviewer.storage.fitness_store import fitness_file
from interviewer.storage.paths import app_paths
from tests.fake_openai_server import (
    FakeOpenAIServer,
    closed_port,
    hang,
    json_content,
    slow,
    text,
)

MODEL = "fake-model"
GOOD_TURN = (
    "Hello, and welcome. This session has 1 question over about 5 minutes, and you will get "
    "feedback at the end. What is the bias-variance trade-off, and how does it guide the "
    "way you build and debug models?"
)
#: What Gemma 3 270M sent as its first turn in the issue: the app's instruction, echoed.
ECHO_TURN = (
    "[interview app] Ask question 1 of 1. This is the opening turn. Start with one or two "
    "sentences: greet the candidate and tell them, in your own words, that the session has "
    "1 question. Then ask the question. Keep its meaning and scope exactly. You may adjust "
    "the wording so it sounds natural when spoken, but add no hints."
)


@pytest.fixture(scope="module")
def library() -> ContentLibrary:
    return load_library()


@pytest.fixture
def server() -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer(models=[MODEL]) as fake:
        yield fake
    assert fake.errors == [], "the fake server crashed while answering"


def backend_for(server: FakeOpenAIServer, timeout: float = 10.0) -> OpenAIBackend:
    return OpenAIBackend(None, MODEL, base_url=server.base_url, timeout=timeout, max_retries=0)


def rubric(library: ContentLibrary) -> Rubric:
    return material(library).rubric


def draft(library: ContentLibrary, score: int, *, skip: int = 0) -> GradeDraft:
    criteria = rubric(library).criteria[skip:]
    return GradeDraft(
        criteria=[
            CriterionDraft(criterion_id=c.id, evidence=[], reasoning="r", score=score)  # type: ignore[arg-type]
            for c in criteria
        ],
        star=[],
        missing_key_points=[],
        strengths=[],
        improvements=[],
        strong_answer=[],
        injection_attempt=False,
        summary="ok",
    )


def grade_json(library: ContentLibrary, score: int = 4) -> dict[str, Any]:
    return draft(library, score).model_dump(mode="json")


def is_grade_request(body: dict[str, Any]) -> bool:
    """Every call streams now; a grade is the one that asks for structured output (or,
    in prompt mode, carries the grading schema's field names)."""
    if body.get("response_format") is not None:
        return True
    return any("criterion_id" in str(m.get("content", "")) for m in body.get("messages", []))


# --------------------------------------------------------------------------- arithmetic


def test_stream_speeds_are_tokens_over_the_time_they_took() -> None:
    # 600 prompt tokens read in 2 s; 20 tokens after the first piece written in 5 s.
    assert stream_speeds(600, 10.0, 12.0, 17.0, 20) == (300.0, 4.0)
    # No text at all, or a reply in one piece: that speed cannot be told.
    assert stream_speeds(600, 10.0, None, None, 0) == (None, None)
    assert stream_speeds(600, 10.0, 12.0, 12.0, 0) == (300.0, None)


def test_advice_sizes_limits_and_expects_prompt_over_speed_plus_reply_over_speed() -> None:
    report = FitnessReport(
        server="http://x/v1",
        model="m",
        prompt_speed=100.0,
        generation_speed=10.0,
        turn_prompt_tokens=500,
        turn_reply_tokens=60,
        grade_prompt_tokens=2_000,
        grade_reply_tokens=900,
        steps=[StepResult("interviewer turn", "ok", 6.0)],
    )
    advice = advise(report)
    assert advice.seconds_per_grade == pytest.approx(2_000 / 100 + 900 / 10)  # 110 s
    assert advice.seconds_per_turn == pytest.approx(500 / 100 + 60 / 10)
    assert advice.grade_max_tokens == 1_408  # 900 x 1.5 = 1,350, rounded up to 128s
    assert advice.turn_max_tokens == 384  # 60 x 3 = 180: the floor
    assert advice.prompt_budget_tokens == 6_000 // 256 * 256  # a minute of reading
    assert advice.longest_grade_seconds == pytest.approx(20 + 1_408 / 10)
    assert advice.grade_first_token_seconds == pytest.approx(20.0)
    # The context window caps the budget (it must leave room for the grade's reply).
    assert advise(report, context_window=4_096).prompt_budget_tokens == 4_096 - 1_408
    # A turn that broke off half way does not shrink the turn limit.
    report.steps = [StepResult("interviewer turn", "error", 6.0, "dropped")]
    assert advise(report).turn_max_tokens == 1_024
    assert advise(report).seconds_per_turn is None
    # Nothing measured: today's defaults, no guesses.
    empty = advise(FitnessReport(server="", model="m"))
    assert (empty.grade_max_tokens, empty.turn_max_tokens) == (3_072, 1_024)
    assert empty.prompt_budget_tokens is None and empty.seconds_per_grade is None


def test_words_round_like_a_person_would() -> None:
    assert [about(v) for v in (12.6, 101.0, 5.34, 0.47, 1234.0)] == [
        "13",
        "100",
        "5.3",
        "0.47",
        "1,200",
    ]
    assert [duration(s) for s in (0.2, 40.4, 119.0, 150.0, 600.0)] == [
        "1 s",
        "40 s",
        "119 s",
        "2 min",
        "10 min",
    ]


def test_the_summary_reads_as_the_issue_asks() -> None:
    report = FitnessReport(
        server="http://x/v1",
        model="m",
        prompt_speed=301.0,
        generation_speed=19.6,
        grade_seconds=40.2,
        interviewer="good",
        grader="not reliable",
        grader_problems=["it returned a grade in the wrong format"],
    )
    assert report.summary() == (
        "writes about 20 tokens a second; reads a prompt at about 300 tokens a second; "
        "a grade takes about 40 s; good as interviewer, not reliable as grader"
    )
    assert "As grader: it returned a grade in the wrong format" in report.text()


def test_asking_the_question_needs_its_key_words_and_a_question_mark() -> None:
    q = "What is the bias-variance trade-off, and how does it guide the way you build models?"
    assert asks_question("So: " + q, q) is None
    assert "no question mark" in (asks_question(q.rstrip("?") + ".", q) or "")
    assert "key words" in (asks_question("Tell me about your last holiday?", q) or "")
    assert "empty" in (asks_question("  ", q) or "")


# --------------------------------------------------------------------------- injected clock


class Clock:
    def __init__(self, now: float = 100.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


class ClockedBackend(ScriptedBackend):
    """Streams `pieces`, moving the clock: the first piece `first` seconds after the
    call starts, then one piece every `gap` seconds; the server's usage as given."""

    def __init__(
        self, clock: Clock, pieces: list[str], first: float, gap: float, usage: Usage
    ) -> None:
        super().__init__()
        self.clock, self.pieces, self.first, self.gap, self.turn_usage = (
            clock,
            pieces,
            first,
            gap,
            usage,
        )

    def interviewer_turn(
        self,
        request: TurnRequest,
        on_delta: DeltaCallback | None = None,
        cancel: CancelToken | None = None,
    ) -> ModelResponse[str]:
        self.clock.now += self.first
        for i, piece in enumerate(self.pieces):
            if i:
                self.clock.now += self.gap
            if on_delta is not None:
                on_delta(piece)
        return ModelResponse("".join(self.pieces), model=self.model, usage=self.turn_usage)


def test_speeds_come_from_the_streamed_turn_and_the_servers_usage(
    library: ContentLibrary,
) -> None:
    clock = Clock()
    pieces = ["Hello", *[" word"] * 10, " What is the bias-variance trade-off?"]
    assert count_tokens("Hello", "scripted") == 1
    backend = ClockedBackend(
        clock,
        pieces,
        first=2.0,
        gap=0.5,
        usage=Usage(requests=1, prompt_tokens=600, completion_tokens=23),
    )
    backend.enqueue_grade(draft(library, 4))
    report = check_fitness(backend, library, clock=clock)
    assert report.prompt_speed == pytest.approx(600 / 2.0)  # 300 tokens a second
    assert report.generation_speed == pytest.approx((23 - 1) / (11 * 0.5))  # 4 a second
    assert report.first_token_seconds == pytest.approx(2.0)
    assert report.turn_prompt_tokens == 600
    assert report.turn_reply_tokens == 23
    assert "writes about 4 tokens a second" in report.summary()
    assert "reads a prompt at about 300 tokens a second" in report.summary()


def test_without_usage_the_prompt_is_counted_with_the_apps_tokenizer(
    library: ContentLibrary,
) -> None:
    clock = Clock()
    pieces = [
        "Hello.",
        " What is the bias-variance",
        " trade-off, and how does it guide",
        " the way you build and debug models?",
    ]
    backend = ClockedBackend(clock, pieces, first=1.0, gap=1.0, usage=Usage())
    backend.enqueue_grade(draft(library, 4))
    report = check_fitness(backend, library, clock=clock)
    # The scripted response carries no messages: the turn prompt as the app renders it.
    assert report.turn_prompt_tokens > 200
    assert report.prompt_speed == pytest.approx(report.turn_prompt_tokens / 1.0)
    after = count_tokens("".join(pieces[1:]), "scripted")
    assert report.generation_speed == pytest.approx(after / 3.0)
    assert report.interviewer == "good", report.interviewer_problems


# --------------------------------------------------------------------------- loopback server


def test_a_slow_steady_stream_gives_speeds_within_what_the_server_allowed(
    server: FakeOpenAIServer, library: ContentLibrary
) -> None:
    server.enqueue(slow(text(GOOD_TURN), 0.5, chunk_delay=0.05), json_content(grade_json(library)))
    report = check_fitness(backend_for(server), library)
    assert report.interviewer == "good", report.interviewer_problems
    assert report.grader == "good", report.grader_problems
    assert report.grade_mode == "json_schema"
    pieces = len(GOOD_TURN.split(" "))
    # The first token came no sooner than the 0.5 s delay; the rest took at least
    # (pieces - 1) pauses of 0.05 s.
    assert report.prompt_speed is not None and report.generation_speed is not None
    assert 0 < report.prompt_speed <= report.turn_prompt_tokens / 0.5
    assert 0 < report.generation_speed <= report.turn_reply_tokens / ((pieces - 1) * 0.05)
    assert report.first_token_seconds is not None and report.first_token_seconds >= 0.5
    # The prompt of known size: what the request really carried, counted by the app.
    sent = server.chat_bodies[0]
    assert sent["stream"] is True
    assert report.turn_prompt_tokens == OpenAIBackend(
        None, MODEL, base_url=server.base_url
    ).budget.count(sent["messages"])
    assert [s.status for s in report.steps] == ["ok", "ok"]
    assert report.advice.seconds_per_grade is not None


def test_a_model_that_echoes_the_prompt_is_not_reliable_as_interviewer(
    server: FakeOpenAIServer, library: ContentLibrary
) -> None:
    server.enqueue(text(ECHO_TURN), json_content(grade_json(library)))
    report = check_fitness(backend_for(server), library)
    assert report.interviewer == "not reliable"
    assert "not reliable as interviewer" in report.summary()
    assert any("repeated the app's instructions" in p for p in report.interviewer_problems)
    assert report.grader == "good"


def test_template_tokens_in_the_turn_are_not_reliable_either(
    server: FakeOpenAIServer, library: ContentLibrary
) -> None:
    server.enqueue(text("<start_of_turn>model\n" + GOOD_TURN), json_content(grade_json(library)))
    report = check_fitness(backend_for(server), library)
    assert report.interviewer == "not reliable"
    assert any("template or role tags" in p for p in report.interviewer_problems)


def test_a_model_whose_grade_never_validates_is_not_reliable_as_grader(
    server: FakeOpenAIServer, library: ContentLibrary
) -> None:
    server.enqueue(text(GOOD_TURN))
    server.router = lambda body: text("I would give this answer a four out of five.")
    report = check_fitness(backend_for(server), library)
    assert report.interviewer == "good"
    assert report.grader == "not reliable"
    assert "not reliable as grader" in report.summary()
    assert any("wrong format" in p for p in report.grader_problems)
    # The backend's own walk: json_schema taken, then one repair round, then given up.
    grades = [b for b in server.chat_bodies if is_grade_request(b)]
    assert len(grades) == 2
    # What such a grade costs is still told: its time, its mode, its repair round.
    assert report.grade_seconds is not None and "a grade takes about" in report.summary()
    assert (report.grade_mode, report.grade_repairs) == ("json_schema", 1)
    assert report.grade_reply_tokens > 0


def test_a_grade_missing_criteria_is_not_valid(library: ContentLibrary) -> None:
    backend = ScriptedBackend()
    backend.enqueue_turn(GOOD_TURN)
    backend.enqueue_grade(draft(library, 4, skip=1))
    report = check_fitness(backend, library)
    assert report.grader == "not reliable"
    assert any("left out criteria" in p for p in report.grader_problems)


def test_a_silent_server_hits_the_steps_budget_and_the_rest_is_skipped(
    server: FakeOpenAIServer, library: ContentLibrary
) -> None:
    server.enqueue(hang())
    budgets = Budgets(turn=0.5, grade=0.5, ranking=0.5)
    report = check_fitness(backend_for(server, timeout=30), library, budgets=budgets, rank=True)
    turn, grade, ranking = report.steps
    assert turn.status == "timed_out" and "sent nothing within 1 s" in turn.detail
    assert turn.seconds >= 0.5
    assert grade.status == ranking.status == "skipped"
    assert (report.interviewer, report.grader) == ("unknown", "unknown")
    assert "not checked as interviewer, not checked as grader" in report.summary()
    assert "Not finished: the interviewer turn. The server sent nothing" in report.text()
    assert len(server.chat_bodies) == 1  # not asked again


def test_the_clients_own_time_out_counts_as_a_silent_server(
    server: FakeOpenAIServer, library: ContentLibrary
) -> None:
    server.enqueue(hang())
    report = check_fitness(backend_for(server, timeout=0.5), library, budgets=Budgets(turn=30))
    turn, grade = report.steps
    assert turn.status == "timed_out" and turn.detail  # the client's own words
    assert grade.status == "skipped" and "sent nothing" in grade.detail
    assert report.interviewer == "unknown"


def test_a_grade_that_takes_too_long_is_reported_unfinished(
    server: FakeOpenAIServer, library: ContentLibrary
) -> None:
    server.enqueue(text(GOOD_TURN), hang())
    report = check_fitness(
        backend_for(server, timeout=30), library, budgets=Budgets(turn=30, grade=0.5)
    )
    assert report.interviewer == "good"
    assert report.grader == "unknown"
    assert report.steps[1].status == "timed_out"
    assert "Not finished: the grade. No grade within 1 s." in report.text()
    # The advice still sizes a grade from the speeds and the grade prompt's known size.
    assert report.grade_prompt_tokens > 0
    assert report.advice.longest_grade_seconds is not None


def test_a_server_that_cannot_be_reached_is_not_the_models_fault(
    library: ContentLibrary,
) -> None:
    backend = OpenAIBackend(
        None, MODEL, base_url=f"http://127.0.0.1:{closed_port()}/v1", timeout=5, max_retries=0
    )
    report = check_fitness(backend, library)
    assert [s.status for s in report.steps] == ["error", "skipped"]
    assert (report.interviewer, report.grader) == ("unknown", "unknown")
    assert "Not finished: the interviewer turn" in report.text()


def test_ranking_puts_the_strong_answer_above_the_weak_one(library: ContentLibrary) -> None:
    good = ScriptedBackend()
    good.enqueue_turn(GOOD_TURN)
    good.enqueue_grade(draft(library, 5), draft(library, 1))
    report = check_fitness(good, library, rank=True)
    assert (report.strong_score, report.weak_score) == (5.0, 1.0)
    assert report.grader == "good"
    assert [c.request.answer_text for c in good.calls_of("grade")][1].startswith("It is a trade")

    flat = ScriptedBackend()
    flat.enqueue_turn(GOOD_TURN)
    flat.enqueue_grade(draft(library, 4), draft(library, 4))
    report = check_fitness(flat, library, rank=True)
    assert report.grader == "not reliable"
    assert any("weak answer" in p for p in report.grader_problems)
    # Without the flag the weak answer is not graded at all.
    once = ScriptedBackend()
    once.enqueue_turn(GOOD_TURN)
    once.enqueue_grade(draft(library, 4))
    check_fitness(once, library)
    assert len(once.calls_of("grade")) == 1


def test_progress_is_told_per_step(library: ContentLibrary) -> None:
    backend = ScriptedBackend()
    backend.enqueue_turn(GOOD_TURN)
    backend.enqueue_grade(draft(library, 4))
    heard: list[str] = []
    check_fitness(backend, library, progress=heard.append)
    assert heard[0].startswith("Step 1 of 2")
    assert any(h.startswith("Step 2 of 2") for h in heard)
    assert heard[-1].startswith("Done: ")


# --------------------------------------------------------------------------- remembered


def sample_report() -> FitnessReport:
    report = FitnessReport(
        server="http://127.0.0.1:11434/v1",
        model="llama3.1",
        prompt_speed=120.5,
        generation_speed=8.25,
        interviewer="good",
        grader="not reliable",
        grader_problems=["wrong format"],
        grade_prompt_tokens=2_000,
        grade_reply_tokens=700,
        turn_prompt_tokens=600,
        turn_reply_tokens=50,
    )
    report.advice = advise(report)
    return report


def test_the_store_round_trips_per_server_and_model() -> None:
    path = fitness_file(app_paths().settings_file)
    assert remembered(path, "http://127.0.0.1:11434/v1", "llama3.1") == (None, "")
    report = sample_report()
    remember(path, report)
    other = FitnessReport(server="http://127.0.0.1:1234/v1", model="llama3.1", interviewer="good")
    remember(path, other)
    back, problem = remembered(path, "http://127.0.0.1:11434/v1/", "llama3.1")
    assert problem == ""
    assert back is not None and back.to_dict() == report.to_dict()
    again, _ = remembered(path, "http://127.0.0.1:1234/v1", "llama3.1")
    assert again is not None and again.interviewer == "good" and again.prompt_speed is None
    assert remembered(path, "http://127.0.0.1:11434/v1", "other")[0] is None
    assert path.parent == app_paths().config_dir
    assert not [p for p in path.parent.iterdir() if p.name.startswith(".fitness-")]


@pytest.mark.parametrize(
    "content",
    [b"{not json", b"[1, 2]", b'{"reports": 3}', b"\xff\xfe\x00", b"{" * 100_000],
)
def test_a_corrupt_file_is_reported_and_ignored_never_a_crash(content: bytes) -> None:
    path = fitness_file(app_paths().settings_file)
    path.parent.mkdir(parents=True)
    path.write_bytes(content)
    report, problem = remembered(path, "http://127.0.0.1:11434/v1", "llama3.1")
    assert report is None
    assert str(path) in problem and "ignored" in problem
    remember(path, sample_report())  # written afresh over the broken file
    back, problem = remembered(path, "http://127.0.0.1:11434/v1", "llama3.1")
    assert problem == "" and back is not None and back.grader == "not reliable"


def test_a_broken_entry_is_dropped_alone() -> None:
    path = fitness_file(app_paths().settings_file)
    remember(path, sample_report())
    data = json.loads(path.read_text())
    data["reports"]["x | bad"] = "not an object"
    data["reports"]["y | odd"] = {"server": "y", "model": "odd", "interviewer": "great"}
    data["reports"]["z | neg"] = {"server": "z", "model": "neg", "prompt_speed": -3}
    path.write_text(json.dumps(data))
    assert remembered(path, "http://127.0.0.1:11434/v1", "llama3.1")[0] is not None
    assert remembered(path, "x", "bad") == (None, "")
    assert remembered(path, "y", "odd") == (None, "")
    assert remembered(path, "z", "neg") == (None, "")


def test_the_store_keeps_only_the_newest_entries(tmp_path: Path) -> None:
    path = tmp_path / "fitness.json"
    for i in range(fitness_store.MAX_ENTRIES + 3):
        fitness_store.remember(path, "s", f"m{i}", {"server": "s", "model": f"m{i}"})
    kept = fitness_store.load(path).reports
    assert len(kept) == fitness_store.MAX_ENTRIES
    assert "s | m0" not in kept and f"s | m{fitness_store.MAX_ENTRIES + 2}" in kept


def test_a_report_from_json_survives_odd_values() -> None:
    assert FitnessReport.from_dict(None) is None
    assert FitnessReport.from_dict({"model": "m"}) is None  # no server
    assert FitnessReport.from_dict({"server": "", "model": "m", "steps": [3]}) is None
    # Wrong types would only fail later, when the words are written: refused here.
    assert FitnessReport.from_dict({"server": "", "model": "m", "grade_seconds": "abc"}) is None
    odd_step = {"server": "", "model": "m", "steps": [{"name": "x", "status": "weird"}]}
    assert FitnessReport.from_dict(odd_step) is None
    assert FitnessReport.from_dict({"server": "", "model": "m", "advice": []}) is None
    data = sample_report().to_dict()
    data["a_field_from_a_newer_version"] = 1
    back = FitnessReport.from_dict(data)
    assert back is not None and math.isclose(back.generation_speed or 0, 8.25)


def test_a_cancelled_check_stops_the_running_step_and_says_so(
    server: FakeOpenAIServer, library: ContentLibrary
) -> None:
    server.enqueue(hang())
    cancel = CancelToken()
    heard: list[str] = []

    def progress(text: str) -> None:
        heard.append(text)
        if text.startswith("Step 1"):
            cancel.cancel()  # as if the window closed as the check began

    report = check_fitness(
        backend_for(server, timeout=30), library, progress=progress, cancel=cancel
    )
    turn, grade = report.steps
    assert turn.status == "timed_out" and "cancelled" in turn.detail
    assert grade.status == "skipped" and grade.detail == "cancelled"
    assert not any(h.startswith("Step 2") for h in heard)


# --------------------------------------------------------------------------- the command line


def run_cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    from interviewer.cli import main

    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_check_model_json(
    server: FakeOpenAIServer, library: ContentLibrary, capsys: pytest.CaptureFixture[str]
) -> None:
    server.enqueue(
        text(GOOD_TURN), json_content(grade_json(library, 5)), json_content(grade_json(library, 1))
    )
    code, out, err = run_cli(
        ["check-model", "--base-url", server.base_url, "--model", MODEL, "--json", "--grade"],
        capsys,
    )
    assert code == 0, err
    data = json.loads(out)
    assert data["server"] == server.base_url and data["model"] == MODEL
    assert (data["interviewer"], data["grader"]) == ("good", "good")
    assert (data["strong_score"], data["weak_score"]) == (5.0, 1.0)
    assert [s["name"] for s in data["steps"]] == ["interviewer turn", "grade", "ranking"]
    assert data["generation_speed"] > 0 and data["prompt_speed"] > 0
    assert data["summary"].endswith("good as interviewer, good as grader")
    assert set(data["advice"]) >= {"grade_max_tokens", "prompt_budget_tokens", "seconds_per_grade"}
    # Remembered for this server and model.
    back, _ = remembered(fitness_file(app_paths().settings_file), server.base_url, MODEL)
    assert back is not None and back.to_dict()["summary"] == data["summary"]
    # The check's requests: no retries, the grade's reply limited.
    grade_body = server.chat_bodies[1]
    assert grade_body["max_tokens"] > 0


def test_check_model_words(
    server: FakeOpenAIServer, library: ContentLibrary, capsys: pytest.CaptureFixture[str]
) -> None:
    server.enqueue(text(ECHO_TURN), json_content(grade_json(library)))
    code, out, err = run_cli(
        ["check-model", "--base-url", server.base_url, "--model", MODEL], capsys
    )
    assert code == 0, err
    assert "not reliable as interviewer, good as grader." in out
    assert "As interviewer: the reply repeated the app's instructions" in out
    assert "Step 1 of 2" in err


def test_check_model_without_a_model_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(["check-model"], capsys)
    assert code == 1
    assert "No model to check" in err and out == ""
