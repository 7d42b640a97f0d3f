"""Adaptive difficulty: the next question's level follows how the last answer went.

The rule (issue 17 item 3), one step at a time on the ladder easy < medium < hard:

* a strong answer (overall score at least `STRONG_SCORE`, the summary's "hire" band)
  moves the next question up one step;
* a weak one (below `WEAK_SCORE`, the "no hire" band) or a skipped question moves it
  down one step;
* anything in between, or no score known yet, keeps the level.

It is never a jump of two: the next question is always within one step of the last one
asked. When the bank has no unasked question at the wanted level the level stays (or,
if nothing is left at the same level either, moves the other single step).

Which score decides: grades arrive in the background, so when the next question is
chosen (right after the last answer) that answer's model grade is rarely in yet. The
engine uses the answer's real grade if it has arrived, else the offline coach's quick
grade of it (computed at once, no model; the session hands the engine that scorer),
else the newest grade of any earlier question, else it keeps the level.
"""

from __future__ import annotations

from collections.abc import Sequence

from interviewer.core.models import Difficulty, Question

LADDER: tuple[Difficulty, ...] = ("easy", "medium", "hard")
#: At or above: a strong answer (the summary's "hire" band starts here).
STRONG_SCORE = 75.0
#: Below: a weak answer (the summary's "no hire" band ends here).
WEAK_SCORE = 40.0


def step(level: str, by: int) -> Difficulty:
    """`level` moved `by` steps, clamped to the ladder (an unknown level is medium)."""
    i = LADDER.index(level) if level in LADDER else 1
    return LADDER[max(0, min(len(LADDER) - 1, i + max(-1, min(1, by))))]


def next_difficulty(previous: str, score: float | None, *, skipped: bool = False) -> Difficulty:
    """The level of the next question after an answer at `previous` scored `score`."""
    if skipped:
        return step(previous, -1)
    if score is None:
        return step(previous, 0)
    if score >= STRONG_SCORE:
        return step(previous, +1)
    if score < WEAK_SCORE:
        return step(previous, -1)
    return step(previous, 0)


def choose(
    candidates: Sequence[Question],
    target: str,
    previous: str,
    *,
    category: str | None = None,
) -> Question | None:
    """The candidate to ask next: at `target` if any, else at `previous`, else the
    other level one step from `previous`; never two steps from `previous`. Questions of
    `category` (the one planned for this place) are tried first, so the plan keeps its
    mix of categories; among equals the first in `candidates` order wins."""
    order = [target, previous, *(lvl for lvl in LADDER if lvl not in (target, previous))]
    allowed = {step(previous, -1), step(previous, 0), step(previous, +1)}
    same = [q for q in candidates if category is not None and q.category == category]
    for group in (same, list(candidates)):
        for level in order:
            if level in allowed:
                at = [q for q in group if q.difficulty == level]
                if at:
                    return at[0]
    return None
