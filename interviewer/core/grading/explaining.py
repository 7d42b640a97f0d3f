"""Naming is not explaining: term lists, headings and fragments; stories told only as
"I would" or "we".

(Stub: filled in by the naming-is-not-explaining work of issue 14.)
"""

from __future__ import annotations

from interviewer.core.grading.caps import Cap
from interviewer.core.grading.junk import Analysis
from interviewer.core.models import Question, Rubric


def explaining_caps(analysis: Analysis, question: Question, rubric: Rubric) -> list[Cap]:
    """Caps for an answer that names without explaining, or a story without "I did"."""
    return []
