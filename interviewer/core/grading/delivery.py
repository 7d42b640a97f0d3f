"""Delivery: pace, filler words, hedges and time use, things a candidate can change
before the next interview (they never change a score).
"""

from __future__ import annotations

import math
import re
from collections import Counter

from interviewer.core.grading.text import words
from interviewer.core.models import (
    DeliveryMetrics,
)

_FILLERS = re.compile(
    r"\b(?:um+|uh+|erm+|er|ah+|hmm+|mm+|basically|literally|you\s+know|i\s+mean|kind\s+of|sort"
    r"\s+of|so\s+yeah|yeah|and\s+stuff|and\s+so\s+on|or\s+whatever|whatever|blah|like(?=\s*,)|"
    r"stuff|things\s+like\s+that|to\s+be\s+honest|honestly|very\s+very|really\s+really)\b",
    re.IGNORECASE,
)
_HEDGES = re.compile(
    r"\b(?:i\s+think|i\s+guess|i\s+believe|maybe|perhaps|probably|i'?m\s+not\s+sure|not\s+sure|"
    r"i\s+suppose|might\s+be|could\s+be|sort\s+of|kind\s+of|somewhat|possibly|i\s+feel\s+like)\b",
    re.IGNORECASE,
)


# =========================================================================== delivery


def delivery_metrics(text: str, seconds: float, suggested_seconds: int) -> DeliveryMetrics:
    """Pace, filler and time use: things a candidate can change before the next interview."""
    n = len(words(text))
    seconds = max(0.0, float(seconds)) if math.isfinite(seconds) else 0.0
    fillers = Counter(re.sub(r"\s+", " ", m.lower()) for m in _FILLERS.findall(text))
    hedges = Counter(re.sub(r"\s+", " ", m.lower()) for m in _HEDGES.findall(text))
    wpm = round(n / (seconds / 60), 1) if seconds >= 1 else None
    used = round(seconds / suggested_seconds, 2) if suggested_seconds > 0 and seconds else None
    notes: list[str] = []
    if used is not None and used > 1.1:
        notes.append(f"Took {used:.0%} of the suggested time: lead with the core answer.")
    elif used is not None and used < 0.35 and n < 80:
        notes.append(f"Used {used:.0%} of the suggested time: there is room for an example.")
    filler_total = sum(fillers.values())
    if n and filler_total / n > 0.05:
        notes.append(f"{filler_total} filler words: pause instead of filling.")
    hedge_total = sum(hedges.values())
    if hedge_total >= 3:
        notes.append(f"{hedge_total} hedges (maybe, I think...): state what you know plainly.")
    return DeliveryMetrics(
        words=n,
        seconds=round(seconds, 2),
        words_per_minute=wpm,
        filler_words=filler_total,
        fillers=dict(fillers),
        hedges=hedge_total,
        hedge_phrases=dict(hedges),
        suggested_seconds=max(0, int(suggested_seconds)),
        time_used=used,
        notes=notes,
    )
