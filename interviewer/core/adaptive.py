"""Adaptive difficulty: the next question's level follows how the last answer went.

The rule (issue 17 item 3), one step at a time on the ladder easy < medium < hard:

* a strong answer (overall score at least `STRONG_SCORE`, the summary's "hire" band)
  moves the next question up one step;
* a weak one (below `WEAK_SCORE`, the "no hire" band) or a skipped question moves it
  down one step;
* anything in between, or no score known yet, keeps the level.

It is never a jump of two: the next question is always within one step of the last one
asked. When the plan's pool has no unasked question at the wanted level, the pool widens
(`choose_widened`): questions of the planned category on related topics, then the
category's whole bank; only when none of those has one does the level stay (or, if
nothing is left at the same level either, move the other single step). Whenever the
level asked is not the plain wanted one, the engine records why in plain words, and the
report shows it beside the difficulty path (`Report.difficulty_reasons`).

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


def wanted_move(previous: str, score: float | None, *, skipped: bool = False) -> int:
    """Which way the last answer asks the level to go (-1, 0, +1), before clamping."""
    if skipped or (score is not None and score < WEAK_SCORE):
        return -1
    if score is not None and score >= STRONG_SCORE:
        return 1
    return 0


def choose_widened(
    planned: Sequence[Question],
    target: str,
    previous: str,
    *,
    category: str,
    nearby: Sequence[Question] = (),
    bank: Sequence[Question] = (),
) -> tuple[Question | None, str]:
    """The next question and, when it is not a plain pick from the plan's pool at the
    wanted level, why (in plain words, for the report's difficulty path).

    A plan built on a posting's few topics often has no question at the wanted level
    (the bank has few easy ones): rather than stay put, the pool widens one ring at a
    time, always at the wanted level and in the planned category: first the plan's own
    pool, then `nearby` (questions on topics close to the plan's), then `bank` (the same
    category anywhere). Only then does `choose` keep the nearest level; the one-step
    rule holds throughout (the wanted level is itself one step from `previous`)."""
    for ring, where in (
        (planned, ""),
        (nearby, f"{target} question on a related topic (none left on the plan's topics)"),
        (bank, f"{target} {category} question from the wider bank (none left on these topics)"),
    ):
        for cand in ring:
            if cand.category == category and cand.difficulty == target:
                return cand, where
    pick = choose(planned, target, previous, category=category)
    if pick is None:
        return None, f"wanted {target}: no question left to ask at any level"
    if pick.difficulty == target:
        return pick, f"{target} {pick.category} question (no {target} {category} question left)"
    moved = (
        "stayed"
        if pick.difficulty == previous
        else f"went {'up' if LADDER.index(pick.difficulty) > LADDER.index(previous) else 'down'} to"
    )
    return pick, (
        f"wanted {target}: no {target} {category} question left on these topics "
        f"or in the bank, {moved} {pick.difficulty}"
    )
