"""Evidence: checking a grader's quotes against the answer.

A quote counts only when it is a real, contiguous piece of what the candidate wrote (not
of text planted for the grader); a verified fragment is widened to its clause so it reads
as the candidate said it.
"""

from __future__ import annotations

import bisect
import functools
from collections.abc import Sequence

from interviewer.core.grading.text import _FOLD, Sentence, match_form, star_label, words
from interviewer.core.injection import injection_spans, visible

# =========================================================================== evidence


_TRIM_QUOTE = " \t\n\"'`“”‘’«».…-–—:;,"


class EvidenceIndex:
    """Checks quotes against an answer: real, contiguous, and not from planted text."""

    def __init__(self, answer: str) -> None:
        raw = visible(answer)
        spans = injection_spans(raw)
        if not spans and raw.isascii():
            # Most answers: nothing planted, nothing to fold (the folding table maps only
            # characters beyond ASCII, and ASCII lower-cases one letter at a time): what
            # `_folded` makes of it, in one pass of C (issue 18: finalize).
            self.text = " ".join(raw.lower().split())
            self._planted = [False] * len(self.text)
        else:
            self.text, self._planted = _folded(raw, spans)

    @staticmethod
    def clean(quote: str) -> str:
        return match_form(quote).strip(_TRIM_QUOTE)

    def verify(self, quote: str) -> bool:
        q = self.clean(quote)
        if sum(c.isalnum() for c in q) < 2:
            return False
        start = self.text.find(q)
        while start != -1:
            if not all(self._planted[start : start + len(q)]):
                return True
            start = self.text.find(q, start + 1)
        return False


def _folded(raw: str, spans: Sequence[tuple[int, int]]) -> tuple[str, list[bool]]:
    """`raw` folded, lower-cased, its white space runs made one space, and for each of
    its characters whether it comes from planted text (inside one of `spans`)."""
    starts = [s for s, _ in spans]
    chars: list[str] = []
    planted: list[bool] = []
    pending_space = False
    for i, raw_ch in enumerate(raw):
        k = bisect.bisect_right(starts, i) - 1
        inside = k >= 0 and spans[k][0] <= i < spans[k][1]
        for ch in raw_ch.translate(_FOLD).lower():
            if ch.isspace():
                pending_space = bool(chars)
                continue
            if pending_space:
                chars.append(" ")
                planted.append(inside)
                pending_space = False
            chars.append(ch)
            planted.append(inside)
    return "".join(chars), planted


def whole_clause(quote: str, sentences: Sequence[Sentence]) -> str:
    """`quote` widened to the clause it was cut from ("live AUC recovered" -> "live AUC
    recovered to 0.84"), so a grader's fragment reads as the candidate said it."""
    q = [match_form(w) for w in quote.split()]
    if not q:
        return quote
    for sent in sentences:
        raw, norm = _clause_words(sent.text)
        for start in range(len(norm) - len(q) + 1):
            end = start + len(q) - 1
            single = len(q) == 1 and q[0] in norm[start]
            many = (
                len(q) > 1
                and norm[start + 1 : end] == q[1:-1]
                and norm[start].endswith(q[0])
                and norm[end].startswith(q[-1])
            )
            if not (single or many):
                continue
            a, b = start, end + 1
            while a > 0 and norm[a - 1][-1:] not in ",;:":
                a -= 1
            while b < len(norm) and norm[b - 1][-1:] not in ",;:.!?":
                b += 1
            return " ".join(raw[a:b]).rstrip(",;:")
    return quote


@functools.lru_cache(maxsize=512)
def _clause_words(sentence: str) -> tuple[list[str], list[str]]:
    """A sentence's words after its STAR label, as written and in `match_form`: every
    quote of an answer is widened against the same sentences (issue 18: 75,000
    `match_form` calls a 40-question interview). Callers only read the lists."""
    raw = star_label(sentence)[1].split()
    return raw, [match_form(w) for w in raw]


def unlabelled(quote: str) -> str:
    """`quote` without a leading STAR label ("Situation: ..."): the part is named beside it."""
    _, body = star_label(quote.strip())
    return body.strip() if len(words(body)) >= 2 else quote.strip()


def _overlaps(a: str, b: str) -> bool:
    x, y = EvidenceIndex.clean(a), EvidenceIndex.clean(b)
    return bool(x and y) and (x in y or y in x)
