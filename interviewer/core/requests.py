"""What the engine asks a backend for. Plain data: safe to hand to a worker thread."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from interviewer.core.models import Question, Rubric, TestSummary, Track, Turn

TurnPurpose = Literal["question", "wrap_up"]


@dataclass(frozen=True)
class TurnRequest:
    """An interviewer turn to be written (and streamed): ask a question, or wrap up."""

    purpose: TurnPurpose
    track: Track
    question: Question | None
    index: int  # 0-based position of `question` in the plan (or number asked, for wrap-up)
    total: int
    history: tuple[Turn, ...] = ()
    # Short summary of turns older than `history`, so prompts stay bounded in size.
    earlier_summary: str = ""


@dataclass(frozen=True)
class FollowUpRequest:
    """Decide whether to probe deeper after the latest answer, and write the probe."""

    track: Track
    question: Question
    exchange: tuple[Turn, ...]  # the question, answers and follow-ups so far
    follow_ups_asked: int
    follow_up_limit: int
    seconds_left: float | None = None


@dataclass(frozen=True)
class GradeRequest:
    """Grade one question: the main answer and its follow-up answers, against a rubric."""

    request_id: int
    question: Question
    rubric: Rubric
    exchange: tuple[Turn, ...]
    answer_seconds: float = 0.0
    meta: dict[str, str] = field(default_factory=dict)
    #: A coding question's hidden-test results, run by the caller before grading
    #: (core does no I/O); correctness is graded from them.
    tests: TestSummary | None = None

    @property
    def answers(self) -> list[Turn]:
        return [t for t in self.exchange if t.role == "candidate"]

    @property
    def answer_text(self) -> str:
        """Everything the candidate wrote for this question, in order."""
        return "\n\n".join(t.text for t in self.answers if t.text.strip())
