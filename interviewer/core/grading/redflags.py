"""Red flags: misconceptions an interviewer listens for, found in an answer.

(Stub: filled in by the red-flag work of issue 14.)
"""

from __future__ import annotations

from collections.abc import Sequence

from interviewer.core.grading.caps import Cap
from interviewer.core.grading.evidence import EvidenceIndex
from interviewer.core.models import Question, RedFlagDraft, RedFlagFound, Rubric

#: No correctness criterion of an answer stating a red flag scores above this.
RED_FLAG_CAP = 2


def find_red_flags(
    answer: str,
    question: Question,
    claimed: Sequence[RedFlagDraft] = (),
    index: EvidenceIndex | None = None,
) -> list[RedFlagFound]:
    """Every red flag of `question` the answer states (offline check plus verified claims)."""
    return []


def red_flag_caps(found: Sequence[RedFlagFound], rubric: Rubric) -> list[Cap]:
    """The caps the red flags found put on the rubric's correctness criteria."""
    return []
