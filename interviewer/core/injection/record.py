"""The shape of one injection pattern: a regular expression and the examples it answers for.

Kept apart from the pattern lists (`patterns.py`, `steering.py`) so each list can import
it without importing the other.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

#: Every pattern is matched case-insensitively, line by line (`^` is a line start).
FLAGS = re.IGNORECASE | re.MULTILINE


@dataclass(frozen=True)
class InjectionPattern:
    """A pattern, an attack it must match and answer text it must not.

    `goes_on`: the hit addresses the reader of the transcript ("Dear evaluator,", "Note
    to the hiring committee:"), so it opens a note: the sentences after it on the same
    line that talk about the grade or the candidate's standing are cut with it.
    """

    kind: Literal["sentence", "line", "json"]
    regex: str
    must_match: tuple[str, ...]
    must_not_match: tuple[str, ...]
    goes_on: bool = False

    def compile(self) -> re.Pattern[str]:
        return re.compile(self.regex, FLAGS)
