"""What can this server and model do? The speed and fitness check (issue 15, item 2).

A new user picks a model and starts an interview; whether that model can run it is
only learnt forty minutes later, when every grade came from the offline coach. This
check answers it first, through the same backend calls an interview makes:

1. **interviewer turn**: one real streamed turn asking a bank question (the prompt's size
   is known: counted with the app's tokenizer, or the server's usage data when it gives
   it). The time to the first token gives the prompt speed (prompt tokens / seconds);
   the tokens streamed after it, over the time they took, the generation speed. The
   turn is fit to show when it asks the question (most of the question's key words and
   a question mark) and the prompt-leak check (`interviewer.llm.leak_checks.turn_leak_check`,
   the very check an interview runs) finds no instruction echo, no role tags or
   template tokens and no answer to its own question.
2. **grade**: one real `grade` of a known strong answer, through the backend, which
   walks its structured-output modes (json_schema, json_object, prompt-only). Valid:
   parsed, every criterion of the rubric present with a score in range.
3. **ranking** (optional, `rank=True`, as it doubles the grading time): the same
   question's known weak answer is graded too; the model's own scores must put the strong
   answer above the weak one.

Each step runs on its own thread with its own time budget (`Budgets`): a step that does
not finish in time is given up (a streamed turn is cancelled; a grade's thread is left to
the backend's own time-out) and the report says what could not be finished. A server that
sends nothing at all in the first step is not asked again: the other steps are skipped.

The report (`FitnessReport`) is plain data, JSON both ways (remembered per server and
model by `storage/fitness_store.py`), and says in words what to expect ("writes about 20
tokens a second; reads a prompt at about 300 tokens a second; a grade takes about 40 s;
good as interviewer, not reliable as grader") with the limits it suggests (`Advice`):
token limits sized to the replies measured, a prompt budget the server reads in about a
minute, and the expected seconds per grade (prompt tokens / prompt speed + reply tokens /
generation speed).

Caveat: the first request to a server that loads models on demand (Ollama, LM Studio)
includes the load, so the prompt speed can come out lower than it is. That errs on the
safe side (longer deadlines), and a second check measures it warm.

No Qt here: the window runs `check_fitness` on a QueryOp worker, the terminal directly.
"""

from __future__ import annotations

import datetime as dt
import math
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import TypeAdapter, ValidationError

from interviewer.core.budget import MIN_REPLY_TOKENS, REPLY_TOKENS
from interviewer.core.content import ContentLibrary
from interviewer.core.errors import (
    AuthenticationFailed,
    BackendTimeout,
    BackendUnavailable,
    BadResponse,
    Cancelled,
    InterviewerError,
    ModelNotFound,
)
from interviewer.core.grading.text import STOP_STEMS, stem, words
from interviewer.core.models import GradeDraft, Question, Rubric, Track, Turn
from interviewer.core.prompts import PromptLibrary
from interviewer.core.requests import GradeRequest, TurnRequest
from interviewer.core.tokens import count_messages, count_tokens
from interviewer.llm.base import Backend, CancelToken, ModelResponse, partial_of
from interviewer.llm.leak_checks import turn_leak_check
from interviewer.storage import fitness_store
from interviewer.storage.content_files import load_library
from interviewer.storage.paths import app_paths
from interviewer.storage.prompt_files import default_library

Clock = Callable[[], float]
Progress = Callable[[str], None]
StepName = Literal["interviewer turn", "grade", "ranking"]
#: ok: answered and judged; failed: the model's reply was unusable; error: the server or
#: connection failed (nothing to judge); timed_out: given up after its budget; skipped.
StepStatus = Literal["ok", "failed", "error", "timed_out", "skipped"]
Verdict = Literal["good", "not reliable", "unknown"]

#: The bank question the check asks and grades (a built-in; any question of the
#: track is used when the user's content replaced it).
QUESTION_ID = "tech-bias-variance"
TRACK_ID = "ml-technical"
#: Answers of known quality to that question (written for this check).
STRONG_ANSWER = (
    "Bias is the error from assumptions that are too simple: the model misses real "
    "structure and underfits, so training and validation error are both high. Variance is "
    "the error from being too sensitive to the particular training sample: a very flexible "
    "model fits the noise and overfits, so training error is low but validation error is "
    "much higher. Expected squared test error decomposes into bias squared plus variance "
    "plus irreducible noise, and as model complexity grows bias falls while variance "
    "rises, which gives the U-shaped test error curve. When I debug a model I compare "
    "training and validation error and read the learning curves: both high means bias, "
    "so I add features or a more expressive model; a large gap means variance, so I get "
    "more data, regularise, simplify the model or use bagging."
)
WEAK_ANSWER = "It is a trade-off. I think you just try different models until one works."

#: Share of the question's key words the turn must contain to count as asking it.
KEY_WORD_SHARE = 0.5
#: A prompt the server reads in about this long is the suggested prompt budget.
PROMPT_SECONDS = 60.0
#: Suggested reply limits are the longest reply measured times this, rounded up ...
REPLY_MARGIN = 1.5
TURN_MARGIN = 3.0
#: ... to a multiple of this, and never below MIN_REPLY_TOKENS (GRADE_MIN_TOKENS for a
#: grade: its length follows the answer's, which varies far more than a question's) or
#: above REPLY_TOKENS.
TOKEN_STEP = 128
GRADE_MIN_TOKENS = 1_024
#: A streamed turn reports its progress at most this often (seconds).
PROGRESS_EVERY = 5.0


@dataclass(frozen=True)
class Budgets:
    """Seconds each step may take before it is given up."""

    turn: float = 120.0
    grade: float = 300.0
    ranking: float = 300.0


@dataclass
class StepResult:
    name: str
    status: StepStatus
    seconds: float = 0.0
    detail: str = ""


@dataclass
class Advice:
    """Limits sized to what was measured (None: not enough was measured to say)."""

    turn_max_tokens: int = REPLY_TOKENS["turn"]
    grade_max_tokens: int = REPLY_TOKENS["grade"]
    #: Prompt tokens the server reads in about PROMPT_SECONDS.
    prompt_budget_tokens: int | None = None
    #: Expected seconds for a turn and a grade of the sizes measured.
    seconds_per_turn: float | None = None
    seconds_per_grade: float | None = None
    #: Seconds a grade may take when its reply runs to the limit (for deadlines).
    longest_grade_seconds: float | None = None
    #: Seconds before a grade's first token, for the grade prompt (prompt reading).
    grade_first_token_seconds: float | None = None


@dataclass
class FitnessReport:
    """What the check found, as plain data (see `to_dict` / `from_dict`)."""

    server: str
    model: str
    label: str = ""
    checked_at: str = ""
    prompt_speed: float | None = None  # prompt tokens read per second
    generation_speed: float | None = None  # reply tokens written per second
    first_token_seconds: float | None = None
    turn_prompt_tokens: int = 0
    turn_reply_tokens: int = 0
    turn_seconds: float | None = None
    interviewer: Verdict = "unknown"
    interviewer_problems: list[str] = field(default_factory=list)
    grader: Verdict = "unknown"
    grader_problems: list[str] = field(default_factory=list)
    grade_mode: str = ""
    grade_seconds: float | None = None
    grade_prompt_tokens: int = 0
    grade_reply_tokens: int = 0
    grade_repairs: int = 0
    strong_score: float | None = None
    weak_score: float | None = None
    steps: list[StepResult] = field(default_factory=list)
    advice: Advice = field(default_factory=Advice)

    # ------------------------------------------------------------------ words

    def unfinished(self) -> list[StepResult]:
        """The steps that did not run to an answer (server error, given up, skipped)."""
        return [s for s in self.steps if s.status in ("error", "timed_out", "skipped")]

    def summary(self) -> str:
        """One line: speeds, how long a grade takes, the two verdicts."""
        parts: list[str] = []
        if self.generation_speed is not None:
            parts.append(f"writes about {about(self.generation_speed)} tokens a second")
        if self.prompt_speed is not None:
            parts.append(f"reads a prompt at about {about(self.prompt_speed)} tokens a second")
        grade_time = self.grade_seconds or self.advice.seconds_per_grade
        if grade_time is not None:
            parts.append(f"a grade takes about {duration(grade_time)}")
        parts.append(
            f"{_verdict_words(self.interviewer)} as interviewer, "
            f"{_verdict_words(self.grader)} as grader"
        )
        return "; ".join(parts)

    def details(self) -> list[str]:
        """Sentences behind the summary: problems, what was not finished, the advice."""
        lines: list[str] = []
        for problem in self.interviewer_problems:
            lines.append(f"As interviewer: {problem}")
        for problem in self.grader_problems:
            lines.append(f"As grader: {problem}")
        if self.grader == "good" and self.grade_mode:
            how = {
                "json_schema": "with a JSON schema",
                "json_object": "in JSON mode",
                "prompt": "from the prompt alone (no JSON mode)",
            }.get(self.grade_mode, f"in mode {self.grade_mode}")
            fixed = " after one correction" if self.grade_repairs else ""
            lines.append(f"Grades {how}{fixed}.")
        for step in self.unfinished():
            lines.append(f"Not finished: the {step.name}. {_sentence(step.detail)}")
        a = self.advice
        if a.prompt_budget_tokens is not None or self.grader != "unknown":
            limits = [
                f"replies of up to {a.grade_max_tokens:,} tokens for a grade and "
                f"{a.turn_max_tokens:,} for a question"
            ]
            if a.prompt_budget_tokens is not None:
                limits.append(f"prompts of up to {a.prompt_budget_tokens:,} tokens")
            lines.append("Suggested limits: " + ", ".join(limits) + ".")
        if a.longest_grade_seconds is not None:
            lines.append(
                f"A grade that runs to its limit takes about {duration(a.longest_grade_seconds)}."
            )
        return lines

    def text(self) -> str:
        """The summary and the details, for Settings and the terminal."""
        head = self.summary()
        head = head[:1].upper() + head[1:] + "."
        return "\n".join([head, *self.details()])

    # ------------------------------------------------------------------ JSON

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["summary"] = self.summary()
        data["details"] = self.details()
        return data

    @classmethod
    def from_dict(cls, data: Any) -> FitnessReport | None:
        """The report in `data` (as `to_dict` wrote it); None for data it cannot read,
        so a remembered report from an older or broken file is ignored, not a crash."""
        if not isinstance(data, dict):
            return None
        try:
            report = _REPORT.validate_python(data)
        except ValidationError:
            return None
        for speed in (report.prompt_speed, report.generation_speed):
            if speed is not None and not (isinstance(speed, int | float) and speed > 0):
                return None
        return report


#: Checks a remembered report's fields and types (extra keys, such as "summary", pass).
_REPORT: TypeAdapter[FitnessReport] = TypeAdapter(FitnessReport)


def _sentence(text: str) -> str:
    text = text.strip()
    if not text:
        return ""
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


def _verdict_words(verdict: Verdict) -> str:
    return {"good": "good", "not reliable": "not reliable", "unknown": "not checked"}[verdict]


def about(value: float) -> str:
    """A rate in two significant figures: 12.6 -> "13", 101 -> "100", 5.34 -> "5.3"."""
    if value <= 0:
        return "0"
    rounded = float(f"{value:.2g}")
    return f"{rounded:,.0f}" if rounded >= 10 else f"{rounded:g}"


def duration(seconds: float) -> str:
    """ "40 s" under two minutes, "3 min" after."""
    if seconds < 120:
        return f"{max(1, round(seconds))} s"
    return f"{round(seconds / 60)} min"


# ---------------------------------------------------------------------- arithmetic


def stream_speeds(
    prompt_tokens: int,
    started: float,
    first: float | None,
    last: float | None,
    tokens_after_first: int,
) -> tuple[float | None, float | None]:
    """(prompt speed, generation speed) of one streamed call, in tokens a second.

    Prompt speed: prompt tokens over the time to the first token. Generation speed: the
    tokens that came after the first piece over the time between the first and the last
    piece (the first piece's own tokens were written during the wait). None when a
    speed cannot be told (no text, or a reply that arrived in one piece).
    """
    prompt_speed = None
    if first is not None and first > started and prompt_tokens > 0:
        prompt_speed = prompt_tokens / (first - started)
    gen_speed = None
    if first is not None and last is not None and last > first and tokens_after_first > 0:
        gen_speed = tokens_after_first / (last - first)
    return prompt_speed, gen_speed


def _round_up(value: float, step: int) -> int:
    return int(math.ceil(value / step) * step)


def advise(report: FitnessReport, context_window: int | None = None) -> Advice:
    """Limits and times from the speeds and sizes measured (see the module docstring);
    the prompt budget never exceeds what the context window leaves for the reply."""
    advice = Advice()
    # A turn given up or broken off half way says nothing about how long turns are.
    whole_turn = any(s.name == "interviewer turn" and s.status == "ok" for s in report.steps)
    if report.turn_reply_tokens > 0 and whole_turn:
        advice.turn_max_tokens = min(
            REPLY_TOKENS["turn"],
            max(MIN_REPLY_TOKENS, _round_up(report.turn_reply_tokens * TURN_MARGIN, TOKEN_STEP)),
        )
    if report.grade_reply_tokens > 0:
        advice.grade_max_tokens = min(
            REPLY_TOKENS["grade"],
            max(GRADE_MIN_TOKENS, _round_up(report.grade_reply_tokens * REPLY_MARGIN, TOKEN_STEP)),
        )
    ps, gs = report.prompt_speed, report.generation_speed
    if ps:
        budget = int(ps * PROMPT_SECONDS) // 256 * 256
        # Never below what a grade prompt needs: a budget that refuses every grade helps
        # nobody; the deadline grows instead.
        budget = max(budget, _round_up(report.grade_prompt_tokens, 256))
        if context_window:
            budget = min(budget, context_window - advice.grade_max_tokens)
        advice.prompt_budget_tokens = max(0, budget)
        if report.grade_prompt_tokens:
            advice.grade_first_token_seconds = report.grade_prompt_tokens / ps
    if ps and gs:
        if report.turn_prompt_tokens and report.turn_reply_tokens and whole_turn:
            advice.seconds_per_turn = report.turn_prompt_tokens / ps + report.turn_reply_tokens / gs
        if report.grade_prompt_tokens:
            reading = report.grade_prompt_tokens / ps
            if report.grade_reply_tokens:
                advice.seconds_per_grade = reading + report.grade_reply_tokens / gs
            advice.longest_grade_seconds = reading + advice.grade_max_tokens / gs
    return advice


# ---------------------------------------------------------------------- the material


@dataclass(frozen=True)
class Material:
    """The track, question, rubric and answers the check uses."""

    track: Track
    question: Question
    rubric: Rubric
    strong: str = STRONG_ANSWER
    weak: str = WEAK_ANSWER


def material(library: ContentLibrary) -> Material:
    """The check's question from the library: QUESTION_ID, else the first technical one
    (then the strong answer is the question's own outline of a strong answer)."""
    question = library.questions.get(QUESTION_ID)
    track = library.tracks.get(TRACK_ID)
    if track is None:
        if not library.tracks:
            raise InterviewerError("No interview tracks are loaded, so there is nothing to ask.")
        track = sorted(library.tracks.values(), key=lambda t: t.id)[0]
    strong = STRONG_ANSWER
    if question is None:
        pool = library.questions_for(track) or sorted(
            library.questions.values(), key=lambda q: q.id
        )
        if not pool:
            raise InterviewerError("The question bank is empty, so there is nothing to ask.")
        question = pool[0]
        outline = list(question.strong_answer) or [k.text for k in question.key_points]
        strong = " ".join(outline)
    return Material(track, question, library.rubric_for(question), strong=strong)


def turn_request(m: Material) -> TurnRequest:
    """The opening turn of a one-question session, as the engine would ask for it."""
    track = m.track.model_copy(update={"question_count": 1, "duration_minutes": 5})
    return TurnRequest(purpose="question", track=track, question=m.question, index=0, total=1)


def grade_request(m: Material, answer: str, request_id: int = 1) -> GradeRequest:
    q = m.question
    return GradeRequest(
        request_id=request_id,
        question=q,
        rubric=m.rubric,
        exchange=(
            Turn(role="interviewer", kind="question", text=q.text, question_id=q.id),
            Turn(role="candidate", kind="answer", text=answer, question_id=q.id, seconds=120),
        ),
        answer_seconds=120.0,
    )


# ---------------------------------------------------------------------- judging


def _stems(text: str) -> set[str]:
    return {s for s in (stem(w) for w in words(text)) if s not in STOP_STEMS and len(s) > 2}


def asks_question(reply: str, question_text: str) -> str | None:
    """Why the turn does not ask the question (None when it does)."""
    if not reply.strip():
        return "sent an empty turn"
    wanted = _stems(question_text)
    if wanted:
        share = len(wanted & _stems(reply)) / len(wanted)
        if share < KEY_WORD_SHARE:
            return (
                f"did not ask the question it was given (only {share:.0%} of its key words "
                "were in the turn)"
            )
    if "?" not in reply:
        return "did not ask a question (no question mark in the turn)"
    return None


def interviewer_problems(
    reply: str, request: TurnRequest, prompts: PromptLibrary | None
) -> list[str]:
    """What keeps this turn from being shown as the interviewer's: the leak check the
    session runs (instruction echo, role tags and template tokens, answering itself) and
    whether it asks the given question."""
    # The session's own check (llm/leak_checks.py), so this verdict and the interview agree.
    problems: list[str] = []
    leak = turn_leak_check(prompts, request).find(reply)
    if leak is not None:
        problems.append(f"the reply {leak.reason}, so an interview would not show it")
    question = request.question
    missing = asks_question(reply, question.text if question is not None else "")
    if missing is not None:
        problems.append(f"the reply {missing}")
    return problems


def draft_score(draft: GradeDraft, rubric: Rubric) -> float:
    """The model's own weighted score, 1-5, before the app's grading rules apply."""
    weights = {c.id: c.weight for c in rubric.criteria}
    total = sum(weights.get(c.criterion_id, 0.0) * c.score for c in draft.criteria)
    weight = sum(weights.get(c.criterion_id, 0.0) for c in draft.criteria)
    return total / weight if weight else 0.0


def grade_problems(draft: GradeDraft, rubric: Rubric) -> list[str]:
    """What makes a parsed grade unusable: a criterion missing or a score out of range."""
    given = {c.criterion_id for c in draft.criteria}
    missing = [c.id for c in rubric.criteria if c.id not in given]
    problems = []
    if missing:
        problems.append(f"the grade left out criteria: {', '.join(missing)}")
    bad = [c.criterion_id for c in draft.criteria if not 1 <= c.score <= 5]
    if bad:
        problems.append(f"scores out of range for: {', '.join(bad)}")
    return problems


# ---------------------------------------------------------------------- running steps


class _Stream:
    """Times of a streamed call's pieces, written by the worker, read by the checker."""

    def __init__(self, clock: Clock, progress: Progress | None, model: str = "") -> None:
        self._clock = clock
        self._model = model
        self._progress = progress
        self._lock = threading.Lock()
        self.started = clock()
        self.first: float | None = None
        self.last: float | None = None
        self.pieces: list[str] = []
        self._told = time.monotonic()

    def on_delta(self, piece: str) -> None:
        now = self._clock()
        with self._lock:
            if self.first is None:
                self.first = now
            self.last = now
            self.pieces.append(piece)
        if self._progress is not None and time.monotonic() - self._told >= PROGRESS_EVERY:
            self._told = time.monotonic()
            with self._lock:
                so_far = "".join(self.pieces)
            tokens = count_tokens(so_far, self._model)
            self._progress(f"The model is writing its question ({tokens} tokens so far)…")

    def snapshot(self) -> tuple[float | None, float | None, list[str]]:
        with self._lock:
            return self.first, self.last, list(self.pieces)


@dataclass
class _Outcome:
    status: StepStatus
    seconds: float
    result: Any = None
    error: BaseException | None = None


def _run_step(
    fn: Callable[[], Any], budget: float, cancel: CancelToken, outer: CancelToken | None
) -> _Outcome:
    """Run `fn` on its own thread; give it up after `budget` seconds (or when `outer` is
    cancelled). A given-up call is cancelled through `cancel` when it checks it, and
    otherwise left to end by its own time-out: a thread cannot be stopped."""
    box: dict[str, Any] = {}
    done = threading.Event()

    def work() -> None:
        try:
            box["result"] = fn()
        except BaseException as exc:  # handed to the checker, which judges it
            box["error"] = exc
        finally:
            done.set()

    started = time.monotonic()
    threading.Thread(target=work, name="fitness-step", daemon=True).start()
    deadline = started + budget
    while not done.is_set():
        left = deadline - time.monotonic()
        stopped = outer is not None and outer.cancelled
        if left <= 0 or stopped:
            cancel.cancel()
            why = Cancelled("the check was cancelled") if stopped else None
            return _Outcome("timed_out", time.monotonic() - started, error=why)
        done.wait(min(0.1, left))
    seconds = time.monotonic() - started
    if isinstance(box.get("error"), BackendTimeout):  # the client's own read time-out
        return _Outcome("timed_out", seconds, error=box["error"])
    if "error" in box:
        return _Outcome("failed", seconds, error=box["error"])
    return _Outcome("ok", seconds, result=box.get("result"))


def _error_text(err: BaseException | None) -> str:
    if err is None:
        return ""
    if isinstance(err, InterviewerError):
        return str(err)
    return f"{type(err).__name__}: {err}"


def _models_fault(err: BaseException | None) -> bool:
    """A reply the model got wrong (wrong format, empty, cut off by the limit), as opposed
    to a server or connection that failed, which says nothing about the model."""
    return isinstance(err, BadResponse)


def _blocks_the_rest(err: BaseException | None) -> str:
    """Why no further step can work after this error ("" when one might)."""
    if isinstance(err, BackendUnavailable | AuthenticationFailed | ModelNotFound):
        return "skipped, as the server could not be used in the first step"
    return ""


def _reply_tokens(response: ModelResponse[Any], model: str) -> int:
    if response.usage.completion_tokens > 0 and response.usage.requests <= 1:
        return response.usage.completion_tokens
    return count_tokens(response.raw_reply, model) if response.raw_reply else 0


def _prompt_tokens(response: ModelResponse[Any] | None, counted: int, model: str) -> int:
    """The prompt's size: the server's count when it gives one for a single request
    (minus what it had cached, which it did not read again), else the messages sent,
    counted here. A call of several requests (a format probe, a repair round) keeps
    `counted`: its usage adds up prompts that were read one after the other."""
    if response is not None:
        usage = response.usage
        if usage.requests > 1:
            return counted
        if usage.prompt_tokens > 0:
            return max(1, usage.prompt_tokens - usage.cached_tokens)
        if response.messages:
            return count_messages([dict(m) for m in response.messages], model)
    return counted


def check_fitness(
    backend: Backend,
    library: ContentLibrary,
    *,
    prompts: PromptLibrary | None = None,
    rank: bool = False,
    budgets: Budgets = Budgets(),
    clock: Clock = time.monotonic,
    progress: Progress | None = None,
    cancel: CancelToken | None = None,
    context_window: int | None = None,
) -> FitnessReport:
    """Run the check (module docstring) and return what it found; never raises for what
    the model or server does. `clock` times the stream (tests pass their own); the
    budgets are real seconds. `progress` hears a sentence per step, from this thread or
    the step's; `cancel` stops the check between steps and gives up a running one.
    `context_window` (the backend's, when known) caps the suggested prompt budget."""
    prompts = prompts or default_library()
    m = material(library)
    model = backend.model
    report = FitnessReport(
        server=backend.base_url or "",
        model=model,
        label=backend.label,
        checked_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    )

    def tell(text: str) -> None:
        if progress is not None:
            progress(text)

    total = 3 if rank else 2
    # ---------------------------------------------------------------- 1. the turn
    request = turn_request(m)
    counted = count_messages(prompts.turn_chunks(request).messages(), model)
    tell(f"Step 1 of {total}: asking the model one interview question…")
    token = CancelToken()
    stream = _Stream(clock, progress, model)
    out = _run_step(
        lambda: backend.interviewer_turn(request, stream.on_delta, token),
        budgets.turn,
        token,
        cancel,
    )
    first, last, pieces = stream.snapshot()
    response = out.result if isinstance(out.result, ModelResponse) else None
    report.turn_prompt_tokens = _prompt_tokens(response, counted, model)
    reply = str(response.result) if response is not None else "".join(pieces)
    silent = first is None
    if pieces:
        after = "".join(pieces[1:])
        if response is not None and response.usage.completion_tokens > 0:
            after_tokens = response.usage.completion_tokens - count_tokens(pieces[0], model)
        else:
            after_tokens = count_tokens(after, model)
        report.turn_reply_tokens = count_tokens(pieces[0], model) + max(0, after_tokens)
        ps, gs = stream_speeds(report.turn_prompt_tokens, stream.started, first, last, after_tokens)
        report.prompt_speed, report.generation_speed = ps, gs
        if first is not None:
            report.first_token_seconds = first - stream.started
    if out.status == "ok":
        report.turn_seconds = out.seconds
        report.interviewer_problems = interviewer_problems(reply, request, prompts)
        report.interviewer = "not reliable" if report.interviewer_problems else "good"
        report.steps.append(StepResult("interviewer turn", "ok", out.seconds))
    elif out.status == "failed" and _models_fault(out.error):
        report.interviewer = "not reliable"
        report.interviewer_problems = [_error_text(out.error)]
        report.steps.append(
            StepResult("interviewer turn", "failed", out.seconds, _error_text(out.error))
        )
    elif out.status == "failed":
        report.steps.append(
            StepResult("interviewer turn", "error", out.seconds, _error_text(out.error))
        )
    else:
        if out.error is not None:
            detail = _error_text(out.error)
        elif silent:
            detail = f"the server sent nothing within {duration(budgets.turn)}"
        else:
            detail = (
                f"still writing after {duration(budgets.turn)}, "
                f"{report.turn_reply_tokens} tokens so far"
            )
        report.steps.append(StepResult("interviewer turn", "timed_out", out.seconds, detail))

    # ---------------------------------------------------------------- 2. the grade
    strong_request = grade_request(m, m.strong, 1)
    report.grade_prompt_tokens = count_messages(
        prompts.grading_chunks(strong_request).messages(), model
    )
    stop_reason = _blocks_the_rest(out.error) if out.status == "failed" else ""
    if out.status == "timed_out" and silent:
        stop_reason = "skipped, as the server sent nothing in the first step"
    if cancel is not None and cancel.cancelled:
        stop_reason = "cancelled"
    strong_draft = _grade_step(
        backend,
        strong_request,
        m.rubric,
        "grade",
        budgets.grade,
        report,
        stop_reason,
        lambda: tell(f"Step 2 of {total}: asking the model to grade a known answer…"),
        cancel,
    )
    # ---------------------------------------------------------------- 3. ranking
    if rank:
        if strong_draft is None and not stop_reason:
            stop_reason = "skipped, as the first grade did not succeed"
        if cancel is not None and cancel.cancelled:
            stop_reason = "cancelled"
        weak_draft = _grade_step(
            backend,
            grade_request(m, m.weak, 2),
            m.rubric,
            "ranking",
            budgets.ranking,
            report,
            stop_reason,
            lambda: tell(f"Step 3 of {total}: grading a weak answer to compare…"),
            cancel,
        )
        if strong_draft is not None and weak_draft is not None:
            report.strong_score = round(draft_score(strong_draft, m.rubric), 2)
            report.weak_score = round(draft_score(weak_draft, m.rubric), 2)
            if report.strong_score <= report.weak_score:
                report.grader = "not reliable"
                report.grader_problems.append(
                    f"it scored a weak answer ({report.weak_score:g} of 5) as high as or "
                    f"higher than a strong one ({report.strong_score:g} of 5)"
                )
    # ---------------------------------------------------------------- speeds, advice
    if report.generation_speed is None and report.prompt_speed and report.grade_seconds:
        # No stream to time (a reply in one piece): the grade's writing time instead.
        writing = report.grade_seconds - report.grade_prompt_tokens / report.prompt_speed
        if writing > 0 and report.grade_reply_tokens:
            report.generation_speed = report.grade_reply_tokens / writing
    report.advice = advise(report, context_window)
    tell("Done: " + report.summary() + ".")
    return report


def _grade_step(
    backend: Backend,
    request: GradeRequest,
    rubric: Rubric,
    name: StepName,
    budget: float,
    report: FitnessReport,
    stop_reason: str,
    announce: Callable[[], None],
    cancel: CancelToken | None,
) -> GradeDraft | None:
    """One grade call under its budget; records the step and the grader's verdict."""
    if stop_reason:
        report.steps.append(StepResult(name, "skipped", 0.0, stop_reason))
        return None
    announce()
    out = _run_step(lambda: backend.grade(request), budget, CancelToken(), cancel)
    if out.status == "timed_out":
        detail = _error_text(out.error) or f"no grade within {duration(budget)}"
        report.steps.append(StepResult(name, "timed_out", out.seconds, detail))
        return None
    if out.status == "failed" and _models_fault(out.error):
        report.grader = "not reliable"
        report.grader_problems.append(_error_text(out.error))
        report.steps.append(StepResult(name, "failed", out.seconds, _error_text(out.error)))
        partial = partial_of(out.error) if out.error is not None else None
        if name == "grade" and partial is not None:
            # An unusable grade still took its time: what a grade costs on this model.
            report.grade_seconds = out.seconds
            report.grade_mode = partial.mode
            report.grade_repairs = partial.repair_rounds
            report.grade_reply_tokens = _reply_tokens(partial, backend.model)
        return None
    if out.status == "failed":
        report.steps.append(StepResult(name, "error", out.seconds, _error_text(out.error)))
        return None
    response = out.result
    draft = response.result if isinstance(response, ModelResponse) else None
    if not isinstance(draft, GradeDraft):
        report.grader = "not reliable"
        report.grader_problems.append("the grade was not a grade at all")
        report.steps.append(StepResult(name, "failed", out.seconds, "not a grade"))
        return None
    problems = grade_problems(draft, rubric)
    if name == "grade":
        report.grade_seconds = out.seconds
        report.grade_mode = response.mode
        report.grade_repairs = response.repair_rounds
        report.grade_reply_tokens = _reply_tokens(response, backend.model)
        report.grade_prompt_tokens = _prompt_tokens(
            response, report.grade_prompt_tokens, backend.model
        )
    if problems:
        report.grader = "not reliable"
        report.grader_problems.extend(problems)
        report.steps.append(StepResult(name, "failed", out.seconds, "; ".join(problems)))
        return None
    if report.grader == "unknown":
        report.grader = "good"
    report.steps.append(StepResult(name, "ok", out.seconds))
    return draft


# ---------------------------------------------------------------------- remembered


def remembered(path: Path, server: str | None, model: str) -> tuple[FitnessReport | None, str]:
    """The report remembered for this server and model (None if none, or unreadable),
    and a sentence about a file that could not be used ("" when it could)."""
    loaded = fitness_store.load(path)
    data = loaded.reports.get(fitness_store.key(server, model))
    return FitnessReport.from_dict(data), loaded.problem or ""


def remember(path: Path, report: FitnessReport) -> None:
    """Keep the report for its server and model; OSError when the file cannot be written."""
    fitness_store.remember(path, report.server, report.model, report.to_dict())


def check_and_remember(
    backend: Backend,
    *,
    rank: bool = False,
    budgets: Budgets = Budgets(),
    progress: Progress | None = None,
    cancel: CancelToken | None = None,
    context_window: int | None = None,
) -> tuple[FitnessReport, str]:
    """Run the check with the user's content and remember the report for its server and
    model (what `interviewer check-model` and Settings' "Test connection" do). Returns
    the report and a sentence when it could not be remembered ("" when it was). Reads
    files: run it on a worker in the window."""
    paths = app_paths()
    library = load_library(paths.content_dir)
    report = check_fitness(
        backend,
        library,
        rank=rank,
        budgets=budgets,
        progress=progress,
        cancel=cancel,
        context_window=context_window,
    )
    if cancel is not None and cancel.cancelled:
        return report, "The check was cancelled, so its result is not remembered."
    try:
        remember(fitness_store.fitness_file(paths.settings_file), report)
    except OSError as exc:
        return report, f"The result could not be remembered: {exc.strerror or exc}."
    return report, ""
