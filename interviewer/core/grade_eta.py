"""When will every grade be in? An estimate for the feedback page (issue 15, item 1).

Pure arithmetic, no clock: the service (`interviewer/session.py`) says how many grades
are in, what each running grade reported last (seconds so far, the backend's own
estimate of what is left) and how many wait in the queue, and this module answers with
seconds, or None when nothing honest can be said yet.

One grade's length is, best first: the mean of the grades already finished in this
session (measured on this machine, under this load), else what the remembered fitness
check of the grading model expects (`llm/factory.seconds_per_grade`). A running grade
has left what its backend estimated from its streamed tokens, else that length minus
what it has run. Queued grades start as grading workers free up, so the total is the
time the busiest worker needs, not the sum.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Running:
    """One grade being written: seconds since it started, and its backend's estimate
    of the seconds still needed (None when the backend cannot say yet)."""

    seconds: float
    left: float | None = None


def per_grade(finished: Sequence[float], expected: float | None) -> float | None:
    """Seconds one grade takes: the mean of those measured, else the expected one."""
    measured = [s for s in finished if s > 0]
    if measured:
        return sum(measured) / len(measured)
    return expected if expected is not None and expected > 0 else None


def seconds_left(
    running: Sequence[Running],
    queued: int,
    *,
    finished: Sequence[float] = (),
    expected: float | None = None,
    workers: int = 1,
) -> float | None:
    """Seconds until every running and queued grade is in (0.0 when none is left), or
    None when some grade's length cannot be told (nothing measured, nothing expected)."""
    if not running and queued <= 0:
        return 0.0
    one = per_grade(finished, expected)
    lanes: list[float] = []
    for grade in running:
        if grade.left is not None:
            lanes.append(max(0.0, grade.left))
        elif one is not None:
            # Past its expected length: it is nearly done, not done (a tenth more).
            lanes.append(max(one - grade.seconds, one * 0.1))
        else:
            return None
    if queued > 0 and one is None:
        return None
    lanes.extend([0.0] * max(0, max(1, workers) - len(lanes)))
    for _ in range(max(0, queued)):
        soonest = min(range(len(lanes)), key=lanes.__getitem__)
        lanes[soonest] += one or 0.0
    return max(lanes) if lanes else 0.0


def spoken_duration(seconds: float) -> str:
    """ "40 s", "1 min 20 s", "12 min": rounded the way a person would say it."""
    seconds = max(1.0, seconds)
    if seconds < 60:
        return f"{max(5, round(seconds / 5) * 5) if seconds >= 10 else round(seconds)} s"
    if seconds < 600:
        whole = round(seconds / 10) * 10
        minutes, rest = divmod(int(whole), 60)
        return f"{minutes} min {rest} s" if rest else f"{minutes} min"
    return f"{round(seconds / 60)} min"


def eta_text(graded: int, total: int, left: float | None) -> str:
    """ "3 of 5 grades in; the rest in about 1 min 20 s" ("" once every grade is in)."""
    if total <= 0 or graded >= total:
        return ""
    head = f"{graded} of {total} grade{'s' if total != 1 else ''} in"
    if left is None:
        return f"{head}; still working out how long the rest will take"
    rest = "the last one" if total - graded == 1 else "the rest"
    if left < 1:
        return f"{head}; {rest} any moment now"
    return f"{head}; {rest} in about {spoken_duration(left)}"
