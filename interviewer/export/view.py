"""What every export shows, worked out once: the formats only lay it out.

Markdown, HTML, PDF and the app's feedback screen must say the same things (the same
"Work on these first" list, the same flag wording, the same word counts and durations,
the same honest account of skipped and unreached questions), so the decisions live here
as plain data and each format is a thin layout over `ReportView` / `QuestionView`. The
feedback screen (gui/feedback.py) builds the same views from its records through
`question_view` and the helpers below, and takes every section title from here.
Nothing here escapes text: that is each format's job, because each escapes differently.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from interviewer.core.grading import delivery_metrics, unlabelled, words
from interviewer.core.models import DeliveryMetrics, Grade, Turn, VoiceDelivery
from interviewer.core.report import CriterionInfo, QuestionReport, Report
from interviewer.core.summary import SessionSummary
from interviewer.core.voice_delivery import with_voice

#: How each grading flag is explained to the candidate (the app's feedback screen uses
#: the same words). Flags are shown plainly: a report that hides them cannot be trusted.
FLAG_TEXT: dict[str, tuple[str, str]] = {
    "empty": ("Empty answer", "Nothing was written, so every criterion gets the lowest score."),
    "one_word": ("One-word answer", "A single word cannot show any of the criteria."),
    "too_short": ("Very short", "Too short to show the depth the question asks for."),
    "off_topic": ("Off topic", "The answer does not address the question asked."),
    "gibberish": ("Unreadable", "The answer could not be read as text about the question."),
    "padded": ("Padded", "Repetition or filler was not counted as content."),
    "injection": (
        "Tried to instruct the grader",
        "The answer contained instructions aimed at the grader. They were ignored and the "
        "answer was graded on its content only.",
    ),
    "too_long": (
        "Very long",
        "Only the start of the answer was graded; in an interview, lead with the core answer.",
    ),
    "timed_out": ("Time ran out", "The answer was submitted as written when the clock ran out."),
    "skipped": ("Skipped", "The question was skipped and counts as 0."),
    "offline_fallback": (
        "Graded by the offline coach",
        "Graded by the offline coach because the model failed; the score comes from "
        "transparent heuristics, not from the model.",
    ),
}
SEVERE_FLAGS = frozenset({"injection", "empty", "gibberish", "off_topic", "offline_fallback"})
CATEGORY_NAMES = {"technical": "Technical", "behavioral": "Behavioral", "case_study": "Case study"}
STAR_NAMES = {
    "situation": "Situation",
    "task": "Task",
    "action": "Action",
    "result": "Result",
    "reflection": "Reflection",
}
SIGNAL_NAMES = {
    "hire": "Hire",
    "lean hire": "Lean hire",
    "lean no hire": "Lean no hire",
    "no hire": "No hire",
    "no signal": "No signal",
}
#: A criterion averaging below this is worth working on; at or above it, it is a strength.
FOCUS_BELOW = 4.0
FOCUS_ITEMS = 3
#: Below either, words per minute says nothing (a 5-second or 3-word answer has no pace).
PACE_MIN_SECONDS = 10.0
PACE_MIN_WORDS = 5

# Titles and fixed wording, shown the same on screen and in every report.
WORK_ON_FIRST = "Work on these first"
BY_CATEGORY = "By category"
BY_CRITERION = "By criterion (average of 5)"
QUESTIONS = "Questions"
RUBRIC_SCORES = "Rubric scores"
STAR_BREAKDOWN = "STAR breakdown"
DELIVERY = "Delivery"
STRENGTHS = "What went well"
IMPROVEMENTS = "What to improve"
MISSED = "Key points you missed"
RED_FLAGS = "Red flags"
#: A coding question's hidden tests and its reference solution (issue 19).
HIDDEN_TESTS = "Hidden tests"
REFERENCE_SOLUTION = "Reference solution"
TEST_PASSED = "passed"
TEST_FAILED = "failed"
RED_FLAGS_NOTE = "Things your answer stated that an interviewer would count against it."
RED_FLAG_QUOTE = "You said"
RED_FLAG_CORRECTION = "Correction"
UNCERTAIN = "uncertain"
UNCERTAIN_NOTE = "the model's samples disagreed by more than one level"
OUTLINE = "A strong answer would cover"
NOT_REACHED = "Not reached"
NOT_REACHED_NOTE = "These questions were not asked before the interview ended."
NO_EVIDENCE = "No quote from your answer supports this criterion."
# Delivery measured from the voice (spoken answers), shown after the typed-answer figures.
VOICE_RATE = "Speaking rate"
VOICE_PAUSES = "Long pauses"
VOICE_FIRST_WORD = "Time to first word"
VOICE_FILLERS = "Spoken fillers"
VOICE_TALK = "Talk time"
NO_STAR_QUOTE = "not in your answer"
NOTHING_WRITTEN = "(nothing written)"
SKIPPED_NOTE = "Skipped: this question counts as 0 in the overall score."


@dataclass(frozen=True)
class Fact:
    label: str
    value: str


@dataclass(frozen=True)
class Bar:
    """One bar of a chart: `value` out of `maximum`, with the level it rounds to."""

    label: str
    value: float
    maximum: float
    text: str

    @property
    def fraction(self) -> float:
        return max(0.0, min(1.0, self.value / self.maximum)) if self.maximum else 0.0

    @property
    def level(self) -> int:
        """1-5, for colouring: scores out of 100 are mapped onto the rubric's five levels."""
        five = self.value if self.maximum == 5 else 1 + self.fraction * 4
        return max(1, min(5, math.floor(five + 0.5)))


@dataclass(frozen=True)
class FocusItem:
    title: str
    detail: str


@dataclass(frozen=True)
class ExchangeItem:
    """One turn of a question's exchange: a follow-up asked, an answer given, a notice."""

    kind: str  # "answer", "follow_up" or "notice"
    label: str
    text: str
    meta: str = ""

    @property
    def empty(self) -> bool:
        return not self.text.strip()


@dataclass(frozen=True)
class FlagView:
    flag: str
    title: str
    detail: str
    severe: bool


@dataclass(frozen=True)
class CriterionView:
    name: str
    score: int
    level_text: str  # the rubric's wording for the level awarded
    evidence: list[str]
    reasoning: str
    #: The model grader's samples disagreed by more than one level on this score.
    uncertain: bool = False


@dataclass(frozen=True)
class RedFlagView:
    """A red flag the answer stated: what is wrong, the candidate's words, what is true."""

    text: str
    quote: str
    correction: str


@dataclass(frozen=True)
class StarRow:
    part: str
    status: str
    quote: str


@dataclass(frozen=True)
class TestRow:
    """One hidden test of a coding answer, as every report shows it."""

    __test__ = False  # not a pytest class

    name: str
    ok: bool
    message: str

    @property
    def result(self) -> str:
        return TEST_PASSED if self.ok else TEST_FAILED


@dataclass(frozen=True)
class QuestionView:
    number: int
    total: int
    question_id: str
    category: str
    difficulty: str
    text: str
    status: str  # answered / skipped / unasked
    score: float | None
    score_text: str
    exchange: list[ExchangeItem]
    flags: list[FlagView]
    grade_error: str = ""
    summary: str = ""
    rubric_name: str = ""
    criteria: list[CriterionView] = field(default_factory=list)
    dropped_note: str = ""
    star: list[StarRow] = field(default_factory=list)
    strengths: list[str] = field(default_factory=list)
    improvements: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)
    outline: list[str] = field(default_factory=list)
    red_flags: list[RedFlagView] = field(default_factory=list)
    delivery: list[Fact] = field(default_factory=list)
    delivery_notes: list[str] = field(default_factory=list)
    graded_by: str = ""
    #: Written by a model for the candidate's job target, not from the bank (issue 17).
    generated: bool = False
    #: A coding question's hidden tests ("5 of 7 passed" and one row per test) and its
    #: reference solution, shown after the attempt (issue 19); empty for other questions.
    tests_text: str = ""
    tests: list[TestRow] = field(default_factory=list)
    reference: str = ""

    @property
    def heading(self) -> str:
        return f"Question {self.number} of {self.total}"

    @property
    def subheading(self) -> str:
        mark = f" · {GENERATED_MARK}" if self.generated else ""
        return f"{self.category} · {self.difficulty}{mark}"

    @property
    def level(self) -> int | None:
        """1-5 for colouring the score; None when there is no graded score to colour."""
        if self.status != "answered" or self.score is None:
            return None
        return Bar("", self.score, 100, "").level

    @property
    def lists(self) -> list[tuple[str, list[str], bool]]:
        """(title, items, numbered) for the feedback lists, in the order they are shown."""
        return [
            (STRENGTHS, self.strengths, False),
            (IMPROVEMENTS, self.improvements, False),
            (MISSED, self.missed, False),
            (OUTLINE, self.outline, True),
        ]


@dataclass(frozen=True)
class ReportView:
    title: str
    facts: list[Fact]
    overall: float | None
    overall_text: str
    signal: str
    signal_reason: str
    counts: str
    #: How unreached questions were counted and the answered-only score ('' when none).
    score_note: str
    categories: list[Bar]
    criteria: list[Bar]
    focus: list[FocusItem]
    focus_note: str  # shown instead of the list when it is empty
    questions: list[QuestionView]  # asked: answered or skipped
    unasked: list[QuestionView]
    schema_version: int
    session_id: str

    @property
    def overall_level(self) -> int | None:
        return None if self.overall is None else Bar("", self.overall, 100, "").level


# --------------------------------------------------------------------------- formatting


def duration_text(seconds: float | None) -> str:
    """'20 s', '1 min 05 s', '2 min', '1 h 02 min': the one way a length of time is shown."""
    if seconds is None:
        return ""
    s = max(0, round(seconds))
    if s < 60:
        return f"{s} s"
    h, rest = divmod(s, 3600)
    m, s = divmod(rest, 60)
    if h:
        return f"{h} h {m:02d} min"
    return f"{m} min {s:02d} s" if s else f"{m} min"


def when(iso: str) -> str:
    try:
        stamp = dt.datetime.fromisoformat(iso)
    except ValueError:
        return iso
    if stamp.tzinfo is not None:
        stamp = stamp.astimezone(dt.UTC)
        return stamp.strftime("%d %B %Y, %H:%M UTC").lstrip("0")
    return stamp.strftime("%d %B %Y, %H:%M").lstrip("0")


def word_count(text: str) -> int:
    """The one word count shown anywhere (screen and every report).

    Counted the way delivery metrics count them (grading.words), so the count under an
    answer, the Delivery block and the JSON's `delivery.words` all agree.
    """
    return len(words(text))


def plural(n: int, word: str, many: str | None = None) -> str:
    """'1 word', '2 words' (`many` for irregular plurals)."""
    return f"{n} {word if n == 1 else (many or word + 's')}"


_plural = plural


def pace_text(n_words: int, seconds: float | None) -> str:
    """'130 words per minute', or '' when the answer is too short or too quick to have one."""
    if not seconds or seconds < PACE_MIN_SECONDS or n_words < PACE_MIN_WORDS:
        return ""
    wpm = round(n_words / (seconds / 60))
    return f"{plural(wpm, 'word')} per minute"


def answer_meta(turn: Turn) -> str:
    """'1 min 05 s · 120 words · time ran out': the line under an answer."""
    meta = []
    if turn.seconds:
        meta.append(duration_text(turn.seconds))
    meta.append(plural(word_count(turn.text), "word"))
    if turn.voice is not None or turn.audio:
        meta.append("spoken")
    if turn.timed_out:
        meta.append("time ran out")
    return " · ".join(meta)


def answer_label(turn: Turn, first: bool) -> str:
    if turn.skipped:
        return "Skipped (what you had typed)" if turn.text.strip() else "Skipped"
    return "Your answer" if first else "Your follow-up answer"


def level_label(score: int) -> str:
    """How the rubric's wording for an awarded level is introduced."""
    return f"Rubric level {score}"


def score_text(status: str, score: float | None) -> str:
    """A question's score as every view shows it."""
    if status == "unasked":
        return "not reached"
    if status == "skipped":
        return "0/100, skipped"
    if score is None:
        return "not graded"
    return f"{score:.0f}/100"


def overall_text(score: float | None) -> str:
    return f"{score:.0f}/100" if score is not None else "no score"


def _join(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


# --------------------------------------------------------------------------- pieces


def _criterion_index(questions: Sequence[QuestionReport]) -> dict[str, CriterionInfo]:
    """Criterion id -> its rubric entry (the first rubric that defines it wins)."""
    out: dict[str, CriterionInfo] = {}
    for q in questions:
        for c in q.criteria:
            out.setdefault(c.id, c)
    return out


def _criterion_name(cid: str, index: dict[str, CriterionInfo]) -> str:
    info = index.get(cid)
    return info.name if info is not None else cid.replace("_", " ").capitalize()


def _exchange(q: QuestionReport) -> list[ExchangeItem]:
    """The candidate's answers and the follow-ups between them.

    The interviewer's opening turn is left out: the question's own text is shown above
    it, and that text (not the model's phrasing of it) is what the rubric grades against.
    """
    items: list[ExchangeItem] = []
    answers = 0
    for t in q.turns:
        if t.role == "candidate":
            answers += 1
            label = answer_label(t, answers == 1)
            items.append(ExchangeItem("answer", label, t.text.strip("\n"), answer_meta(t)))
        elif t.kind == "follow_up":
            items.append(ExchangeItem("follow_up", "Follow-up", t.text.strip()))
        elif t.role == "system":
            items.append(ExchangeItem("notice", "Note", t.text.strip()))
    return items


def _flags(flags: Sequence[str]) -> list[FlagView]:
    out = []
    for f in flags:
        title, detail = FLAG_TEXT.get(f, (f.replace("_", " ").capitalize(), ""))
        out.append(FlagView(f, title, detail, f in SEVERE_FLAGS))
    return out


def _delivery(q: QuestionReport) -> DeliveryMetrics | None:
    """The grade's delivery metrics; computed from the answers when the grade has none.

    Delivery needs no model (words, pace, filler, time used), so a report made before
    grades carried it still shows it.
    """
    given: Any = getattr(q.grade, "delivery", None) if q.grade is not None else None
    if isinstance(given, DeliveryMetrics):
        return given
    if isinstance(given, BaseModel):
        return DeliveryMetrics.model_validate(given.model_dump())
    if isinstance(given, dict):
        return DeliveryMetrics.model_validate(given)
    answers = [t for t in q.turns if t.role == "candidate" and not t.skipped]
    text = "\n\n".join(t.text for t in answers if t.text.strip())
    if not text.strip():
        return None
    seconds = sum(t.seconds or 0.0 for t in answers)
    # A spoken answer whose grade is missing still shows what its voice measured.
    return with_voice(
        delivery_metrics(text, seconds, q.suggested_seconds),
        [t.voice for t in answers if t.voice is not None],
    )


def _counted(counts: dict[str, int]) -> str:
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return ", ".join(f"“{k}” ×{n}" for k, n in ranked[:6])


def delivery_facts(d: DeliveryMetrics, n_words: int | None = None) -> list[Fact]:
    """Words, time, pace, filler and hedges, worded once for every view.

    `n_words` is the count from the answers themselves (word_count), so the Delivery
    block always matches the counts under the answers, whatever version graded them.
    """
    n = d.words if n_words is None else n_words
    facts = [Fact("Words", str(n))]
    if d.seconds:
        used = duration_text(d.seconds)
        if d.suggested_seconds:
            used += f" of {duration_text(d.suggested_seconds)} suggested"
            if d.time_used is not None:
                used += f" ({d.time_used:.0%})"
        facts.append(Fact("Time", used))
    # A spoken answer's pace and fillers come from its voice (`voice_facts`), measured
    # over the time actually spent speaking, not over the answer clock.
    pace = pace_text(n, d.seconds) if d.voice is None else ""
    if pace:
        facts.append(Fact("Pace", pace))
    if d.voice is None:
        filler = str(d.filler_words)
        if d.fillers:
            filler += f": {_counted(d.fillers)}"
        facts.append(Fact("Filler words", filler))
    hedges = str(d.hedges)
    if d.hedge_phrases:
        hedges += f": {_counted(d.hedge_phrases)}"
    facts.append(Fact("Hedges", hedges))
    if d.voice is not None:
        facts += voice_facts(d.voice)
    return facts


def _clock(seconds: float) -> str:
    """'0:12', '1:05': where in a recording something happened."""
    m, s = divmod(max(0, round(seconds)), 60)
    return f"{m}:{s:02d}"


def voice_facts(v: VoiceDelivery) -> list[Fact]:
    """A spoken answer's measures (core.voice_delivery), worded once for every view."""
    facts: list[Fact] = []
    if v.speaking_rate_wpm is not None:
        rate = f"{plural(round(v.speaking_rate_wpm), 'word')} per minute"
        facts.append(Fact(VOICE_RATE, f"{rate} over {duration_text(v.speech_seconds)} of speech"))
    else:
        facts.append(Fact(VOICE_RATE, "too little speech to measure"))
    if v.long_pauses:
        shown = [
            f"{duration_text(p.seconds)} at {_clock(p.start)}"
            + (f", after “{p.after_word}”" if p.after_word else "")
            for p in v.long_pauses[:5]
        ]
        more = len(v.long_pauses) - len(shown)
        text = f"{len(v.long_pauses)} (" + "; ".join(shown) + (f"; {more} more" if more else "")
        text += ")"
    else:
        text = "none over 3 s"
    facts.append(Fact(VOICE_PAUSES, text))
    if v.time_to_first_word_seconds is not None:
        facts.append(Fact(VOICE_FIRST_WORD, f"{v.time_to_first_word_seconds:.1f} s"))
    fillers = str(v.fillers)
    if v.filler_counts:
        fillers += f": {_counted(v.filler_counts)}"
    facts.append(Fact(VOICE_FILLERS, fillers))
    talk = duration_text(v.talk_seconds)
    if v.suggested_seconds:
        talk += f" of {duration_text(v.suggested_seconds)} suggested"
        if v.talk_share is not None:
            talk += f" ({v.talk_share:.0%})"
    facts.append(Fact(VOICE_TALK, talk))
    return facts


def _answered_words(q: QuestionReport) -> int:
    return sum(word_count(t.text) for t in q.turns if t.role == "candidate" and not t.skipped)


def _criteria(q: QuestionReport, grade: Grade) -> list[CriterionView]:
    infos = {c.id: c for c in q.criteria}
    out = []
    for cs in grade.criteria:
        info = infos.get(cs.criterion_id)
        out.append(
            CriterionView(
                name=info.name if info else cs.criterion_id,
                score=cs.score,
                level_text=info.levels.get(cs.score, "") if info else "",
                evidence=[e for e in cs.evidence if e.strip()],
                reasoning=cs.reasoning.strip(),
                uncertain=cs.uncertain,
            )
        )
    return out


def red_flags(grade: Grade) -> list[RedFlagView]:
    """The red flags the grade found, blank ones left out, each once."""
    out: list[RedFlagView] = []
    seen: set[tuple[str, str]] = set()
    for found in grade.red_flags_found:
        text = " ".join(found.red_flag.split())
        if not text:
            continue
        quote = " ".join(found.quote.split())
        key = (text.lower(), quote.lower())
        if key in seen:
            continue
        seen.add(key)
        out.append(RedFlagView(text, quote, " ".join(found.correction.split())))
    return out


def uncertain_note(name: str) -> str:
    """Why a criterion's score is marked uncertain, as the screen's tooltip and reports say."""
    return f"{name}: {UNCERTAIN_NOTE}; read this score with care."


def dropped_note(n: int) -> str:
    if not n:
        return ""
    were = "were" if n != 1 else "was"
    return (
        f"{_plural(n, 'quote')} offered by the grader {were} not in your answer "
        f"and {were} discarded."
    )


def graded_by(grade: Grade) -> str:
    """Who graded, from the grade alone, so the screen (which has no report) says the same.

    Model backends name themselves `provider:model`; the report's header names the
    backend the interview ran on.
    """
    if "offline_fallback" in grade.flags:
        return "the offline coach, because the model failed"
    if grade.backend == "offline":
        return "the offline coach"
    return grade.backend


def question_view(q: QuestionReport, number: int, total: int) -> QuestionView:
    """One question as every view shows it (the feedback screen builds it from a record)."""
    grade = q.grade
    base: dict[str, Any] = {
        "number": number,
        "total": total,
        "question_id": q.question_id,
        "category": CATEGORY_NAMES.get(q.category, q.category),
        "difficulty": q.difficulty,
        "text": q.text.strip(),
        "status": q.status,
        "exchange": _exchange(q),
        "outline": list(q.strong_answer) or list(q.key_points),
        "generated": q.generated,
    }
    if q.status == "unasked":
        return QuestionView(**base, score=None, score_text=score_text("unasked", None), flags=[])
    if q.status == "skipped":
        return QuestionView(
            **base, score=0.0, score_text=score_text("skipped", 0.0), flags=_flags(["skipped"])
        )
    delivery = _delivery(q)
    if delivery is not None:
        base["delivery"] = delivery_facts(delivery, _answered_words(q))
        base["delivery_notes"] = list(delivery.notes)
    if grade is None:
        return QuestionView(
            **base,
            score=None,
            score_text=score_text("answered", None),
            flags=[],
            grade_error=q.grade_error or "The grading did not finish.",
        )
    base["outline"] = list(grade.strong_answer) or base["outline"]
    return QuestionView(
        **base,
        score=grade.overall_score,
        score_text=score_text("answered", grade.overall_score),
        flags=_flags(grade.flags),
        summary=grade.summary.strip(),
        rubric_name=q.rubric_name,
        criteria=_criteria(q, grade),
        dropped_note=dropped_note(grade.dropped_quotes),
        star=[
            # unlabelled: grades saved before quotes lost their "Situation:" prefix
            StarRow(STAR_NAMES.get(s.component, s.component), s.status, unlabelled(s.quote))
            for s in grade.star
        ],
        strengths=list(grade.strengths),
        improvements=list(grade.improvements),
        missed=list(grade.missing_key_points),
        red_flags=red_flags(grade),
        graded_by=graded_by(grade),
        tests_text=(
            f"{grade.tests.passed} of {grade.tests.total} {TEST_PASSED}" if grade.tests else ""
        ),
        tests=[TestRow(r.name, r.ok, r.message) for r in grade.tests.results]
        if grade.tests
        else [],
        reference=grade.reference_solution.rstrip(),
    )


# --------------------------------------------------------------------------- work on first


def focus_items(report: Report, limit: int = FOCUS_ITEMS) -> list[FocusItem]:
    return focus_from(report.questions, report.summary.per_criterion, limit)


def focus_from(
    questions: Sequence[QuestionReport], per_criterion: dict[str, float], limit: int = FOCUS_ITEMS
) -> list[FocusItem]:
    """The few things to work on first: weakest criteria and most-missed key points.

    The two lists are interleaved, weakest criterion first, because a low criterion says
    how to answer better in general and a missed key point says what to study; a
    candidate needs both. Criteria at or above FOCUS_BELOW are strengths, not work.
    """
    index = _criterion_index(questions)
    answered: dict[str, int] = defaultdict(int)
    for q in questions:
        for c in q.grade.criteria if q.grade else []:
            answered[c.criterion_id] += 1
    weak: list[FocusItem] = []
    # Ties go to the criterion that more answers were graded on: fixing it helps more.
    ranked_criteria = sorted(
        per_criterion.items(),
        key=lambda kv: (kv[1], -answered.get(kv[0], 0), _criterion_name(kv[0], index)),
    )
    for cid, avg in ranked_criteria:
        if avg >= FOCUS_BELOW:
            continue
        name = _criterion_name(cid, index)
        target = min(5, max(3, math.floor(avg) + 1))
        info = index.get(cid)
        aim = info.levels.get(target, "") if info else ""
        detail = f"Averaged {avg:.1f}/5 over {_plural(answered.get(cid, 0), 'answer')}."
        if aim:
            detail += f" To reach {target}/5: {aim}"
        weak.append(FocusItem(name, detail))

    missed: dict[str, list[int]] = {}
    shown: dict[str, str] = {}
    scores: dict[str, float] = {}
    for number, q in enumerate(questions, 1):
        if q.grade is None:
            continue
        for kp in q.grade.missing_key_points:
            key = " ".join(kp.lower().split())
            if not key:
                continue
            missed.setdefault(key, []).append(number)
            shown.setdefault(key, kp.strip().rstrip("."))
            scores[key] = min(scores.get(key, 100.0), q.grade.overall_score)
    ranked = sorted(missed, key=lambda k: (-len(missed[k]), scores[k], missed[k][0]))
    points = [
        FocusItem(
            "Key point to cover",
            f"{shown[k]}. Missed in {'question' if len(missed[k]) == 1 else 'questions'} "
            f"{_join([str(n) for n in missed[k]])}.",
        )
        for k in ranked
    ]

    out: list[FocusItem] = []
    while len(out) < limit and (weak or points):
        for source in (weak, points):
            if source and len(out) < limit:
                out.append(source.pop(0))
    return out


# --------------------------------------------------------------------------- the whole view


def _ending(report: Report) -> str:
    if report.timed_out:
        return "The interview clock ran out"
    if report.ended_early:
        return "Ended early by the candidate"
    return "Completed"


@dataclass(frozen=True)
class Overview:
    """The verdict on the whole interview: the top of the screen and of every report."""

    overall: float | None
    overall_text: str
    signal: str
    signal_reason: str
    counts: str
    score_note: str
    categories: list[Bar]
    criteria: list[Bar]
    focus: list[FocusItem]
    focus_note: str


def counts_text(s: SessionSummary) -> str:
    counts = [f"{s.answered} answered"]
    if s.skipped:
        counts.append(f"{s.skipped} skipped (counted as 0)")
    if s.unasked:
        counts.append(f"{s.unasked} not reached" + (" (counted as 0)" if s.not_reached else ""))
    return ", ".join(counts) + "."


def score_note(s: SessionSummary) -> str:
    """What the answered questions alone would score, when unreached ones counted as 0.

    The signal reason already says how many were not reached and that they count as 0.
    Reports saved before that policy (schema 1, `not_reached` 0) get no note: their
    stored score left unreached questions out, and it is not changed here.
    """
    if not s.not_reached or s.answered_only_score is None:
        return ""
    return (
        f"On the {plural(s.answered, 'answered question')} alone the score would be "
        f"{overall_text(s.answered_only_score)}."
    )


def overview(s: SessionSummary, questions: Sequence[QuestionReport]) -> Overview:
    index = _criterion_index(questions)
    return Overview(
        overall=s.overall_score,
        overall_text=overall_text(s.overall_score),
        signal=SIGNAL_NAMES.get(s.signal, s.signal.capitalize()),
        signal_reason=s.signal_reason,
        counts=counts_text(s),
        score_note=score_note(s),
        categories=[
            Bar(CATEGORY_NAMES.get(cat, cat), value, 100, f"{value:.0f}/100")
            for cat, value in sorted(s.per_category.items())
        ],
        criteria=[
            Bar(_criterion_name(cid, index), value, 5, f"{value:.1f}/5")
            for cid, value in sorted(s.per_criterion.items(), key=lambda kv: (kv[1], kv[0]))
        ],
        focus=focus_from(questions, s.per_criterion),
        focus_note=(
            "Nothing stands out: every criterion averaged 4/5 or more."
            if s.per_criterion
            else "No answer was graded, so there is nothing to rank yet."
        ),
    )


#: How a question a model wrote for the job target is marked (issue 17).
GENERATED_MARK = "written for this job"


def difficulty_path_text(path: Sequence[str], reasons: Sequence[str] = ()) -> str:
    """ "medium → hard → hard → medium (adaptive)", then why any level is not the one
    the last grade asked for ("Question 3: wanted easy: ..., stayed medium.")."""
    text = " → ".join(path) + " (adaptive: each level followed the last answer's grade)"
    why = "".join(f" Question {n}: {r}." for n, r in enumerate(reasons, 1) if r)
    return f"{text}.{why}" if why else text


def build_view(report: Report) -> ReportView:
    total = len(report.questions)
    views = [question_view(q, n, total) for n, q in enumerate(report.questions, 1)]
    facts = [
        Fact("Track", report.track_name),
        Fact("Date", when(report.started_at)),
        Fact("Backend", report.backend_label or report.backend),
        Fact("Time answering", duration_text(report.duration_seconds)),
        Fact("Ending", _ending(report)),
    ]
    if report.usage is not None and report.usage.requests:
        facts.append(Fact("Tokens and cost", report.usage.long()))
    if report.adaptive and report.difficulty_path:
        facts.append(
            Fact(
                "Difficulty path",
                difficulty_path_text(report.difficulty_path, report.difficulty_reasons),
            )
        )
    top = overview(report.summary, report.questions)
    return ReportView(
        title=f"Interview report: {report.track_name}",
        facts=facts,
        overall=top.overall,
        overall_text=top.overall_text,
        signal=top.signal,
        signal_reason=top.signal_reason,
        counts=top.counts,
        score_note=top.score_note,
        categories=top.categories,
        criteria=top.criteria,
        focus=top.focus,
        focus_note=top.focus_note,
        questions=[v for v in views if v.status != "unasked"],
        unasked=[v for v in views if v.status == "unasked"],
        schema_version=report.schema_version,
        session_id=report.session_id,
    )
