"""Typed shapes shared by every layer: content (questions, rubrics, tracks) and results.

Content models forbid unknown fields so a typo in a user's TOML file is reported
instead of silently ignored, and every text field and list has a length limit (named in
the error) so a pasted megabyte cannot reach an interview. Result models (Grade, Turn,
...) are what the engine, the backends, the exports and the store exchange; they stay
plain pydantic so they serialise to JSON without custom code.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Category = Literal["technical", "behavioral", "case_study"]
Difficulty = Literal["easy", "medium", "hard"]
TrackDifficulty = Literal["easy", "medium", "hard", "mixed"]
StarComponent = Literal["situation", "task", "action", "result", "reflection"]
StarStatus = Literal["present", "weak", "missing"]
# Which transparent heuristic the offline coach uses to score a criterion (see llm/offline.py).
Heuristic = Literal["coverage", "depth", "examples", "structure", "star", "metrics", "tradeoffs"]
Flag = Literal[
    "empty",
    "one_word",
    "too_short",
    "off_topic",
    "gibberish",
    "padded",
    "injection",
    "timed_out",
    "skipped",
    "offline_fallback",
]
CATEGORIES: tuple[Category, ...] = ("technical", "behavioral", "case_study")
SCORE_LEVELS = (1, 2, 3, 4, 5)

_ID = r"^[a-z0-9][a-z0-9_.-]*$"
Id = Annotated[str, Field(pattern=_ID, min_length=1, max_length=80)]
NonEmpty = Annotated[str, Field(min_length=1)]
#: Length limits of content text. The shipped bank's longest question is about 210
#: characters and its longest key point or score level about 300; these leave room for
#: wordy users while keeping a question something a candidate can read in the timer.
NAME_CHARS = 200
TEXT_CHARS = 2000
Name = Annotated[str, Field(min_length=1, max_length=NAME_CHARS)]
Text = Annotated[str, Field(min_length=1, max_length=TEXT_CHARS)]


class Strict(BaseModel):
    """Base for content files: unknown keys are errors, strings are stripped."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


# --------------------------------------------------------------------------- rubrics


class Criterion(Strict):
    id: Id
    name: Name
    weight: float = Field(gt=0, le=100)
    description: Text
    # Anchored description of every score level 1..5 (Prometheus-style rubric).
    levels: dict[int, Text]
    # For STAR rubrics: which STAR component this criterion measures.
    star: StarComponent | None = None
    # How the offline coach (no LLM) measures this criterion.
    heuristic: Heuristic = "coverage"
    # A criterion that judges whether what was said is right: an answer that states one of
    # the question's red flags (a misconception) cannot score above RED_FLAG_CAP on it.
    correctness: bool = False

    @model_validator(mode="after")
    def _star_heuristic(self) -> Criterion:
        if self.heuristic == "star" and self.star is None:
            raise ValueError("heuristic 'star' needs the criterion's star component set")
        return self

    @field_validator("levels")
    @classmethod
    def _all_levels(cls, v: dict[int, str]) -> dict[int, str]:
        if sorted(v) != list(SCORE_LEVELS):
            raise ValueError(
                f"levels must describe exactly the scores 1, 2, 3, 4, 5 (got {sorted(v)})"
            )
        return dict(sorted(v.items()))


class Rubric(Strict):
    id: Id
    name: Name
    description: Text
    category: Category | None = None
    criteria: list[Criterion] = Field(min_length=1, max_length=20)

    @field_validator("criteria")
    @classmethod
    def _unique(cls, v: list[Criterion]) -> list[Criterion]:
        ids = [c.id for c in v]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"duplicate criterion ids: {', '.join(dupes)}")
        return v

    @property
    def total_weight(self) -> float:
        return sum(c.weight for c in self.criteria)

    def criterion(self, criterion_id: str) -> Criterion:
        for c in self.criteria:
            if c.id == criterion_id:
                return c
        raise KeyError(criterion_id)


class RubricFile(Strict):
    rubrics: list[Rubric] = Field(min_length=1, max_length=200)


# --------------------------------------------------------------------------- questions


class KeyPoint(Strict):
    """One thing a strong answer covers; `terms` are words or phrases that show it."""

    id: Id
    text: Text
    terms: list[Name] = Field(min_length=1, max_length=50)


class RedFlag(Strict):
    """A misconception or warning sign an interviewer listens for in an answer.

    `text` says what the candidate wrongly claims or does ("Fits the scaler on the whole
    dataset before splitting"), `correction` what is true instead. The offline check
    (`core/grading/redflags.py`) reports the flag when one sentence of the answer holds a
    phrase from every group in `cues` and does not warn against it (a negation, or one of
    the `unless` phrases, such as "leak", nearby).
    """

    id: Id
    text: Text
    correction: Text
    cues: list[list[Name]] = Field(min_length=1, max_length=4)
    unless: list[Name] = Field(default_factory=list, max_length=30)

    @field_validator("cues")
    @classmethod
    def _groups_not_empty(cls, v: list[list[str]]) -> list[list[str]]:
        for i, group in enumerate(v):
            if not group:
                raise ValueError(f"cues[{i}] is empty: every group needs at least one phrase")
            if len(group) > 50:
                raise ValueError(f"cues[{i}] has {len(group)} phrases (at most 50)")
        return v


class Probe(Strict):
    """A follow-up the interviewer can ask; `targets` are the key points it digs into."""

    text: Text
    targets: list[Id] = Field(default_factory=list, max_length=50)


QuestionKind = Literal["open", "coding"]
#: Longest piece of code in a content file (starter, reference, a test's setup): the
#: shipped reference solutions are under 2,000 characters.
CODE_CHARS = 10_000
Code = Annotated[str, Field(max_length=CODE_CHARS)]
_PY_NAME = r"^[A-Za-z_][A-Za-z0-9_]*$"


class CodeTest(Strict):
    """One test of a coding question, run by `interviewer/coding/harness.py` in the child.

    `setup` (statements) runs first, then `call` (an expression calling the candidate's
    function) gives `got`; `expect` (an expression) is compared with it, numbers within
    `tol`; `check` (statements that may use `got` and the setup's names) asserts
    properties instead of, or as well as, one expected value. Hidden tests' code is shown
    to the candidate only after the submission.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False)

    name: Name
    setup: Code = ""
    call: Annotated[str, Field(min_length=1, max_length=CODE_CHARS)]
    expect: Code = ""
    check: Code = ""
    tol: float = Field(default=1e-6, ge=0, le=1)
    #: An edge case (empty input, a zero denominator, ties): graded under edge cases too.
    edge: bool = False

    @model_validator(mode="after")
    def _something_checked(self) -> CodeTest:
        if not self.expect.strip() and not self.check.strip():
            raise ValueError(f"test {self.name!r} needs `expect` or `check`")
        return self


class CodingSpec(Strict):
    """What makes a question a coding question: the function to write and its tests."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False)

    function: Annotated[str, Field(pattern=_PY_NAME, max_length=80)]
    signature: Text
    starter: Annotated[str, Field(min_length=1, max_length=CODE_CHARS)]
    reference: Annotated[str, Field(min_length=1, max_length=CODE_CHARS)]
    examples: list[CodeTest] = Field(min_length=1, max_length=20)
    hidden: list[CodeTest] = Field(min_length=1, max_length=50)
    #: Code run in every test's namespace before its setup (shared check functions).
    helpers: Code = ""
    #: Wall-clock seconds one run of the tests may take.
    time_limit: float = Field(default=10.0, gt=0, le=120)
    #: Whether Python loops over the data are a weakness here (the offline coach's
    #: efficiency check); false for tasks where loops over words or rows are natural.
    vectorise: bool = True


class Question(Strict):
    id: Id
    category: Category
    text: Text
    topics: list[Name] = Field(min_length=1, max_length=20)
    difficulty: Difficulty
    answer_seconds: int = Field(ge=30, le=3600)
    key_points: list[KeyPoint] = Field(min_length=2, max_length=20)
    follow_ups: list[Probe] = Field(min_length=2, max_length=4)
    rubric: Id
    # Outline of a strong answer, shown in feedback. Optional: derived from key points.
    strong_answer: list[Text] = Field(default_factory=list, max_length=20)
    # Misconceptions and warning signs an interviewer listens for (see RedFlag).
    red_flags: list[RedFlag] = Field(default_factory=list, max_length=20)
    # "coding": the candidate writes a function (`coding`), graded by running its tests.
    kind: QuestionKind = "open"
    coding: CodingSpec | None = None

    @model_validator(mode="after")
    def _coding_spec(self) -> Question:
        if self.kind == "coding" and self.coding is None:
            raise ValueError("kind 'coding' needs a [coding] table (function, tests, ...)")
        if self.kind != "coding" and self.coding is not None:
            raise ValueError("a [coding] table needs kind = 'coding'")
        return self

    @model_validator(mode="after")
    def _probe_targets_exist(self) -> Question:
        known = {k.id for k in self.key_points}
        for probe in self.follow_ups:
            unknown = [t for t in probe.targets if t not in known]
            if unknown:
                raise ValueError(
                    f"follow_ups: probe {probe.text[:40]!r} targets unknown key points "
                    f"{', '.join(unknown)}"
                )
        return self


class QuestionFile(Strict):
    questions: list[Question] = Field(min_length=1, max_length=1000)


# --------------------------------------------------------------------------- tracks


class Track(Strict):
    id: Id
    name: Name
    description: Text
    duration_minutes: int = Field(ge=1, le=480)
    question_count: int = Field(ge=1, le=50)
    categories: list[Category] = Field(min_length=1, max_length=10)
    difficulty: TrackDifficulty = "mixed"
    follow_up_limit: int = Field(default=1, ge=0, le=5)
    selection: Literal["ordered", "random", "balanced"] = "balanced"
    # Optional explicit question ids, asked in this order before any random pick.
    questions: list[Id] = Field(default_factory=list, max_length=50)
    topics: list[Name] = Field(default_factory=list, max_length=50)
    # Which kinds of question the track asks: coding questions only reach a track that
    # names them, so a technical track never draws one by accident.
    kinds: list[QuestionKind] = Field(default_factory=lambda: ["open"], min_length=1)  # type: ignore[arg-type]
    # Whether one coding question may join the interview when the candidate asks for it
    # (StartOptions.include_coding); off unless the track says so.
    coding_option: bool = False


# --------------------------------------------------------------------------- results


class CriterionScore(BaseModel):
    criterion_id: str
    evidence: list[str] = Field(default_factory=list)
    reasoning: str = ""
    score: int = Field(ge=1, le=5)
    # Several samples of a model grader disagreed by more than one level on this score.
    uncertain: bool = False


class StarItem(BaseModel):
    component: StarComponent
    status: StarStatus
    quote: str = ""


class LongPause(BaseModel):
    """A silence of more than `VOICE_PAUSE_SECONDS` inside a spoken answer."""

    #: Seconds from the start of the recording at which the silence began.
    start: float
    seconds: float
    #: The last word said before the silence ("" when nothing came before it).
    after_word: str = ""


class VoiceDelivery(BaseModel):
    """How a spoken answer was delivered, measured from the transcript's word timings.

    Computed by `core.voice_delivery` (no model judges it). Every field has a default so
    grades and reports saved before answers could be spoken still load.
    """

    #: Words a minute over the time actually spent speaking (first word to last, long
    #: pauses taken out); None when too little was said to give a pace.
    speaking_rate_wpm: float | None = None
    long_pauses: list[LongPause] = Field(default_factory=list)
    #: From the end of the question (or the start of recording) to the first word.
    time_to_first_word_seconds: float | None = None
    #: Filler words heard ("um", "uh", "you know", "like," ...), and each one's count.
    fillers: int = 0
    filler_counts: dict[str, int] = Field(default_factory=dict)
    words: int = 0
    #: Time spent speaking: first word to last word, without the long pauses.
    speech_seconds: float = 0.0
    #: Time talking: first word to last word, pauses included.
    talk_seconds: float = 0.0
    suggested_seconds: int = 0
    #: talk_seconds as a share of suggested_seconds (1.0 is exactly on time).
    talk_share: float | None = None
    #: Length of the recording(s).
    recording_seconds: float = 0.0
    longest_pause_seconds: float = 0.0
    notes: list[str] = Field(default_factory=list)


class DeliveryMetrics(BaseModel):
    """How the answer was delivered: pace, filler and hedging, time used (no LLM)."""

    words: int
    seconds: float
    words_per_minute: float | None = None
    filler_words: int = 0
    fillers: dict[str, int] = Field(default_factory=dict)
    hedges: int = 0
    hedge_phrases: dict[str, int] = Field(default_factory=dict)
    suggested_seconds: int = 0
    time_used: float | None = None  # share of the suggested time; 1.0 is exactly on time
    notes: list[str] = Field(default_factory=list)
    #: Measured from the voice when the answer was spoken (None for typed answers).
    voice: VoiceDelivery | None = None


class RedFlagFound(BaseModel):
    """A red flag stated in the answer: which one, the candidate's words, what is true."""

    red_flag: str
    quote: str
    correction: str = ""
    id: str = ""


class TestResult(BaseModel):
    """One test of a coding answer: its name, whether it passed, and what happened."""

    __test__ = False  # not a pytest test class

    name: str
    ok: bool
    message: str = ""


class TestSummary(BaseModel):
    """The hidden tests of a coding answer, test by test (`Grade.tests`)."""

    __test__ = False

    passed: int = 0
    total: int = 0
    results: list[TestResult] = Field(default_factory=list)


class Grade(BaseModel):
    """The verdict on one question: the main answer plus its follow-up answers."""

    question_id: str
    rubric_id: str
    criteria: list[CriterionScore]
    overall_score: float = Field(ge=0, le=100)
    flags: list[str] = Field(default_factory=list)
    missing_key_points: list[str] = Field(default_factory=list)
    strengths: list[str] = Field(default_factory=list)
    improvements: list[str] = Field(default_factory=list)
    strong_answer: list[str] = Field(default_factory=list)
    star: list[StarItem] = Field(default_factory=list)
    summary: str = ""
    dropped_quotes: int = 0
    backend: str = ""
    delivery: DeliveryMetrics | None = None
    red_flags_found: list[RedFlagFound] = Field(default_factory=list)
    # A coding question's hidden tests, and the reference solution shown after the attempt.
    tests: TestSummary | None = None
    reference_solution: str = ""


class Turn(BaseModel):
    role: Literal["interviewer", "candidate", "system"]
    kind: Literal["question", "follow_up", "answer", "wrap_up", "notice"]
    text: str
    question_id: str | None = None
    at: float = 0.0
    seconds: float | None = None
    timed_out: bool = False
    skipped: bool = False
    #: A spoken answer's recording, relative to the session's folder (None when typed,
    #: or when recordings are not kept).
    audio: str | None = None
    #: A spoken answer's delivery measured from its word timings (None when typed).
    voice: VoiceDelivery | None = None


class FollowUpDecision(BaseModel):
    """Whether to probe deeper after an answer, and the probe to ask."""

    reason: str = ""
    follow_up: bool
    question: str = ""

    @model_validator(mode="after")
    def _needs_text(self) -> FollowUpDecision:
        if self.follow_up and not self.question.strip():
            raise ValueError("follow_up is true but question is empty")
        return self


def normalise_ws(text: str) -> str:
    """Collapse runs of whitespace; used wherever quotes are compared with answers."""
    return re.sub(r"\s+", " ", text).strip()


# --------------------------------------------------------------------------- model output
# What a grader (LLM or offline coach) returns before core.grading checks it. Every field
# is required and evidence/reasoning come before the score, so a model writes its reasons
# first (structured output keeps the field order).

ScoreValue = Literal[1, 2, 3, 4, 5]


class CriterionDraft(BaseModel):
    criterion_id: str
    evidence: list[str]
    reasoning: str
    score: ScoreValue


class StarDraft(BaseModel):
    component: StarComponent
    quote: str
    status: StarStatus


class RedFlagDraft(BaseModel):
    red_flag: str
    quote: str


class GradeDraft(BaseModel):
    criteria: list[CriterionDraft]
    star: list[StarDraft]
    missing_key_points: list[str]
    strengths: list[str]
    improvements: list[str]
    strong_answer: list[str]
    injection_attempt: bool
    summary: str
    # Red flags of the question the grader heard, each with the candidate's words.
    red_flags: list[RedFlagDraft] = Field(default_factory=list)
