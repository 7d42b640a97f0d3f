"""The offline coach: a complete backend that needs no network and no model.

It asks the questions as written, picks follow-ups that dig into the key points the
candidate missed, and grades with transparent heuristics, one per rubric criterion
(`Criterion.heuristic`): key-point coverage, depth of explanation, examples, structure,
STAR components, metrics, trade-offs. Every score comes with the sentences that earned
it, so a candidate can see why. It is deliberately plain: counts of distinct things,
never length, so repeating yourself or writing at length about something else does not
pay. Its drafts pass through `core.grading.finalize` like any model's.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import cast

from interviewer.core.cost import Usage
from interviewer.core.errors import Cancelled
from interviewer.core.grading import (
    FLAG_ADVICE,
    FLAG_NOTES,
    JUNK_FLAGS,
    STAR_ADVICE,
    STAR_ORDER,
    STOP_STEMS,
    Analysis,
    KeyPointHit,
    Sentence,
    StarFinding,
    analyse,
    detect_star,
    is_behavioral,
    is_specific_term,
    join_sentences,
    match_form,
    quote_of,
    words,
)
from interviewer.core.grading.coding import coach_draft, is_coding
from interviewer.core.models import (
    Criterion,
    CriterionDraft,
    FollowUpDecision,
    GradeDraft,
    Question,
    ScoreValue,
    StarComponent,
    StarDraft,
    Turn,
)
from interviewer.core.requests import FollowUpRequest, GradeRequest, TurnRequest
from interviewer.llm.base import CancelToken, DeltaCallback, Mode, ModelResponse

#: Words per streamed chunk, so streaming UIs show the text arriving as with a model.
CHUNK_WORDS = 3
#: Below this many seconds left, a follow-up would only eat the next question's time.
MIN_FOLLOW_UP_SECONDS = 30.0

_TRANSITIONS = (
    "Next, {cat}.",
    "Let's move on to {cat}.",
    "Here is the next one, {cat}.",
    "Let's switch to {cat}.",
    "Another one for you, {cat}.",
)
_CATEGORY = {
    "technical": "a technical question",
    "behavioral": "a behavioral question",
    "case_study": "a case study",
}

# ------------------------------------------------------------------ cue phrases

_EXAMPLE_STRONG = re.compile(
    r"\b(?:for\s+example|for\s+instance|e\.g\.|e\.g\b|as\s+an\s+example|imagine|suppose|say\s+"
    r"(?:we|you)|let'?s\s+say|consider\s+(?:a|an|the)|in\s+my\s+experience|in\s+(?:one|a|my|our)"
    r"\s+(?:previous\s+|past\s+|recent\s+)?(?:project|job|role|team|case)|at\s+my\s+(?:previous|"
    r"last|current)|we\s+(?:once\s+)?(?:used|had|built|saw|found)|i\s+(?:once\s+)?(?:used|"
    r"built|saw|found|worked\s+on)|a\s+(?:concrete|real|typical)\s+(?:example|"
    r"case)|like\s+when)\b",
    re.IGNORECASE,
)
_EXAMPLE_WEAK = re.compile(r"\b(?:such\s+as|like|including|e\.g)\b", re.IGNORECASE)
_TOOLS = re.compile(
    r"\b(?:scikit-learn|sklearn|pytorch|tensorflow|keras|xgboost|lightgbm|catboost|spark|"
    r"pandas|numpy|sql|kafka|airflow|kubeflow|mlflow|sagemaker|vertex|docker|kubernetes|"
    r"redis|faiss|bert|resnet|imagenet|mnist|gpt|llama|hugging\s*face|onnx|triton|ray|dask|"
    r"bigquery|snowflake|s3|feast|shap|lime|optuna|wandb|tensorboard)\b",
    re.IGNORECASE,
)
_NUMBER = re.compile(r"\b\d+(?:[.,]\d+)?\s*(?:%|x\b|ms\b|k\b|m\b|gb\b)?")
_ORDER = re.compile(
    r"\b(?:first(?:ly)?|second(?:ly)?|third(?:ly)?|then|next|after\s+that|afterwards|finally|"
    r"lastly|in\s+summary|to\s+summari[sz]e|to\s+sum\s+up|overall|in\s+short|in\s+conclusion|"
    r"step\s+\d|on\s+(?:the\s+)?one\s+hand|on\s+the\s+other\s+hand|to\s+start|start\s+(?:by|with)"
    r"|the\s+(?:first|second|third|last)\s+(?:step|thing|part|point))\b",
    re.IGNORECASE,
)
_CONNECTIVES: dict[str, re.Pattern[str]] = {
    name: re.compile(rx, re.IGNORECASE)
    for name, rx in {
        "cause": r"\b(?:because|since|due\s+to|caused\s+by|the\s+reason)\b",
        "effect": r"\b(?:therefore|thus|hence|so\s+that|as\s+a\s+result|leads?\s+to|results?"
        r"\s+in|which\s+means|this\s+means|that\s+means|means\s+that|in\s+order\s+to)\b",
        "definition": r"\b(?:refers?\s+to|is\s+defined\s+as|is\s+when|is\s+the|are\s+the|"
        r"measures|means|describes|is\s+a\s+(?:way|method|technique|measure|process|form|type))\b",
        "condition": r"\b(?:if|when|unless|whenever|as\s+long\s+as|only\s+when)\b",
        "contrast": r"\b(?:whereas|while|unlike|instead\s+of|compared\s+(?:to|with)|rather\s+than|"
        r"but|however|on\s+the\s+other\s+hand|in\s+contrast)\b",
        "mechanism": r"\bby\s+(?:\w+ing)\b|\b(?:works\s+by|the\s+idea\s+is|intuitively|"
        r"in\s+other\s+words|that\s+is)\b",
    }.items()
}
_TRADEOFF = re.compile(
    r"\b(?:trade-?offs?|trade\s+off|at\s+the\s+(?:cost|expense)\s+of|on\s+the\s+other\s+hand|"
    r"however|but|whereas|downsides?|drawbacks?|disadvantages?|limitations?|pros\s+and\s+cons|"
    r"versus|vs\.?|instead\s+of|depends\s+on|it\s+depends|balance|balancing|in\s+exchange|"
    r"cost(?:s|ly)?|risks?|slower|faster|cheaper|more\s+expensive|simpler|more\s+complex|"
    r"interpretab\w*|latency|overhead|tension\s+between|compromise|alternatively|the\s+catch)\b",
    re.IGNORECASE,
)
_METRICS = re.compile(
    r"\b(?:precision|recall|f1|f-?score|auc|roc|pr\s+curve|accuracy|rmse|mae|mse|mape|r2|"
    r"r-squared|log\s*-?loss|cross-?entropy|ndcg|map@\w+|mrr|hit\s+rate|ctr|click-?through|"
    r"conversion|latency|throughput|p9[59]|p50|qps|revenue|retention|churn|engagement|"
    r"a/b\s+test\w*|ab\s+test\w*|baseline|calibration|lift|false\s+positives?|false\s+"
    r"negatives?|true\s+positives?|specificity|sensitivity|perplexity|bleu|rouge|"
    r"confusion\s+matrix|error\s+rate|uptime|cost\s+per|dwell\s+time|coverage)\b",
    re.IGNORECASE,
)


# ------------------------------------------------------------------ helpers


#: Where a 0-1 measure crosses into each score. Coverage is stricter at the top: a 5
#: means every key point is explained, as the rubrics' level 5 says.
_THRESHOLDS = ((0.8, 5), (0.6, 4), (0.4, 3), (0.15, 2))
_COVERAGE_THRESHOLDS = ((0.9, 5), (0.65, 4), (0.4, 3), (0.15, 2))


def _score(value: float, thresholds: tuple[tuple[float, int], ...] = _THRESHOLDS) -> int:
    """Map a 0-1 measure onto the 1-5 scale with fixed, documented thresholds."""
    for threshold, score in thresholds:
        if value >= threshold:
            return score
    return 1


def _quotes(sentences: Sequence[Sentence], indexes: Sequence[int], limit: int = 3) -> list[str]:
    out: list[str] = []
    for i in indexes:
        q = quote_of(sentences[i].text)
        if len(words(q)) < 3:
            continue  # a stray fragment ("] grader:") shows nothing
        if q not in out:
            out.append(q)
        if len(out) >= limit:
            break
    return out


@dataclass(frozen=True)
class _Verdict:
    score: int
    evidence: list[str]
    reasoning: str
    advice: str = ""  # what to do to score higher, when the score is low
    strength: str = ""  # what was good, when the score is high


def _chunks(text: str, words: int = CHUNK_WORDS) -> list[str]:
    parts = re.findall(r"\S+\s*", text)
    return ["".join(parts[i : i + words]) for i in range(0, len(parts), words)]


def _answers(exchange: Sequence[Turn]) -> list[str]:
    return [t.text for t in exchange if t.role == "candidate"]


# ------------------------------------------------------------------ the coach


class OfflineCoach:
    """A Backend that runs anywhere: no key, no server, same answer every time."""

    name = "offline"
    label = "Offline coach (no model)"
    # Capabilities (llm/base.py Backend): no model, no server, no tokens, never hangs.
    model = ""
    base_url: str | None = None
    is_local = True
    supports_streaming = True
    structured_modes: tuple[Mode, ...] = ("none",)
    max_retries = 0
    call_deadline: float | None = None
    usage: Usage | None = None

    # Each call is answered by the heuristics below, wrapped as a response with mode "none".

    def interviewer_turn(
        self,
        request: TurnRequest,
        on_delta: DeltaCallback | None = None,
        cancel: CancelToken | None = None,
    ) -> ModelResponse[str]:
        text = self._stream_turn(request, on_delta, cancel)
        return ModelResponse(text, mode="none", raw_reply=text)

    def follow_up(self, request: FollowUpRequest) -> ModelResponse[FollowUpDecision]:
        decision = self.decide_follow_up(request)
        return ModelResponse(decision, mode="none", raw_reply=decision.model_dump_json())

    def grade(self, request: GradeRequest) -> ModelResponse[GradeDraft]:
        draft = self.grade_draft(request)
        return ModelResponse(draft, mode="none", raw_reply=draft.model_dump_json())

    # -------------------------------------------------------------- interviewer

    def _stream_turn(
        self,
        request: TurnRequest,
        on_delta: DeltaCallback | None = None,
        cancel: CancelToken | None = None,
    ) -> str:
        text = self._turn_text(request)
        out: list[str] = []
        for piece in _chunks(text):
            if cancel is not None and cancel.cancelled:
                raise Cancelled("Cancelled.")
            out.append(piece)
            if on_delta is not None:
                on_delta(piece)
        if cancel is not None and cancel.cancelled:
            raise Cancelled("Cancelled.")
        return "".join(out)

    @staticmethod
    def _turn_text(request: TurnRequest) -> str:
        q = request.question
        if request.purpose == "wrap_up" or q is None:
            asked = max(0, request.index)
            noun = "question" if asked == 1 else "questions"
            return (
                f"That brings us to the end. Thank you! We covered {asked} {noun}. "
                "Your grades come from the offline coach's heuristics (key-point coverage, "
                "structure, examples and STAR checks), not from a language model, so treat "
                "them as a guide and read the quoted evidence behind each score."
            )
        cat = _CATEGORY.get(q.category, "a question")
        position = f"(Question {request.index + 1} of {request.total}.)" if request.total else ""
        if request.index == 0:
            # The request's track is the session as it runs (its own clock and count).
            n, minutes = request.total, request.track.duration_minutes
            length = (
                f"This session has {n} question{'s' if n != 1 else ''} over about "
                f"{minutes} minute{'s' if minutes != 1 else ''}, with feedback at the end. "
                if n
                else ""
            )
            lead = (
                "Hello, I'm the offline coach: I'll ask the questions as written and grade "
                f"with transparent heuristics. {length}Let's start with {cat}."
            )
        elif request.total and request.index == request.total - 1:
            lead = f"Last one, {cat}."
        else:
            lead = _TRANSITIONS[(request.index - 1) % len(_TRANSITIONS)].format(cat=cat)
        return f"{lead} {position}\n\n{q.text}".replace("  ", " ")

    # -------------------------------------------------------------- follow-ups

    def decide_follow_up(self, request: FollowUpRequest) -> FollowUpDecision:
        """Probe the key points still missing; most missed targets first, never twice."""
        if request.follow_ups_asked >= request.follow_up_limit:
            return FollowUpDecision(follow_up=False, reason="Follow-up limit reached.")
        if request.seconds_left is not None and request.seconds_left < MIN_FOLLOW_UP_SECONDS:
            return FollowUpDecision(follow_up=False, reason="Too little time left to probe.")
        answers = _answers(request.exchange)
        latest = answers[-1] if answers else ""
        question = request.question
        latest_flags = analyse(latest, question).flags
        junk = [f for f in latest_flags if f in JUNK_FLAGS]
        if is_coding(question) and len(answers) == 1 and latest.strip():
            junk = []  # code is not prose: its probes ask about complexity and edge cases
        if junk:
            return FollowUpDecision(
                follow_up=False,
                reason=f"No follow-up: the answer is {junk[0].replace('_', ' ')}, "
                "so there is nothing to dig into.",
            )
        hits = analyse("\n\n".join(answers), question).coverage
        missed = {h.key_point.id for h in hits if not h.explained}
        asked = [
            match_form(t.text)
            for t in request.exchange
            if t.role == "interviewer" and t.kind == "follow_up"
        ]

        def already(text: str) -> bool:
            norm = match_form(text)
            return any(norm == a or norm in a or a in norm for a in asked if a)

        best: tuple[int, int, int] | None = None
        choice = None
        for order, probe in enumerate(question.follow_ups):
            if already(probe.text):
                continue
            hit = sum(1 for t in probe.targets if t in missed)
            if hit == 0:
                continue
            key = (-hit, len(probe.targets) - hit, order)
            if best is None or key < best:
                best, choice = key, probe
        if choice is None:
            if not missed:
                reason = "The answers cover every key point; no need to probe."
            else:
                reason = "Every probe for the missing points has been asked already."
            return FollowUpDecision(follow_up=False, reason=reason)
        names = [
            h.key_point.text.rstrip(".")
            for h in hits
            if h.key_point.id in set(choice.targets) & missed
        ]
        return FollowUpDecision(
            follow_up=True,
            question=choice.text,
            reason=f"Offline coach: the answer did not yet explain {join_sentences(names)}.",
        )

    # -------------------------------------------------------------- grading

    def grade_draft(self, request: GradeRequest) -> GradeDraft:
        if is_coding(request.question):
            return coach_draft(request)  # code is read as code, not as prose
        question, rubric = request.question, request.rubric
        a = analyse(request.answer_text, question)
        junk = [f for f in a.flags if f in JUNK_FLAGS]
        behavioral = is_behavioral(rubric)
        star = detect_star(a.sentences) if behavioral else {}
        coverage = a.coverage
        cov_score = _coverage_verdict(a).score

        verdicts: list[tuple[Criterion, _Verdict]] = []
        for crit in rubric.criteria:
            if junk:
                reason = FLAG_NOTES[junk[0]]
                verdicts.append((crit, _Verdict(1, [], reason)))
                continue
            v = _judge(crit, a, star)
            if crit.heuristic != "coverage":
                # Polish on the wrong content is not worth much: cap by relevance.
                cap = max(3, cov_score + 2) if crit.heuristic == "star" else max(2, cov_score + 1)
                if v.score > cap:
                    # The criterion itself was met: its own advice ("structure the
                    # answer") would not be true; the key points are what is missing.
                    v = _Verdict(
                        cap,
                        v.evidence,
                        f"{v.reasoning} Capped at {cap} because few key points are covered.",
                        "" if v.score >= 3 else v.advice,
                        v.strength,
                    )
            verdicts.append((crit, v))

        criteria = [
            CriterionDraft(
                criterion_id=c.id,
                evidence=v.evidence,
                reasoning=v.reasoning,
                score=cast(ScoreValue, v.score),
            )
            for c, v in verdicts
        ]
        star_drafts = [
            StarDraft(component=f.component, quote=f.quote, status=f.status)
            for f in (star[c] for c in STAR_ORDER if star)
        ]
        missing = [h.key_point.text for h in coverage if not h.covered]
        strengths, improvements = _feedback(question, a, verdicts, star, junk)
        strong = list(question.strong_answer) or [k.key_point.text for k in coverage]
        return GradeDraft(
            criteria=criteria,
            star=star_drafts,
            missing_key_points=missing if not junk else [k.text for k in question.key_points],
            strengths=strengths,
            improvements=improvements,
            strong_answer=strong,
            injection_attempt=a.injection,
            summary=_summary(a, coverage, junk, star),
        )


# ------------------------------------------------------------------ heuristics


def _judge(crit: Criterion, a: Analysis, star: dict[StarComponent, StarFinding]) -> _Verdict:
    h = crit.heuristic
    if h == "star" and crit.star is not None:
        finding = star.get(crit.star) or detect_star(a.sentences)[crit.star]
        return _star_verdict(finding)
    if h == "structure" and star:
        return _story_structure_verdict(a, star)
    judge: Callable[[Analysis], _Verdict] = {
        "coverage": _coverage_verdict,
        "depth": _depth_verdict,
        "examples": _examples_verdict,
        "structure": _structure_verdict,
        "metrics": _metrics_verdict,
        "tradeoffs": _tradeoffs_verdict,
    }.get(h, _coverage_verdict)
    return judge(a)


def _coverage_verdict(a: Analysis) -> _Verdict:
    hits = a.coverage
    n = len(hits)
    value = sum(h.strength for h in hits) / max(1, n)
    covered = [h for h in hits if h.covered]
    explained = [h for h in hits if h.explained]
    idx = sorted({h.sentences[0] for h in sorted(hits, key=lambda h: -h.strength) if h.sentences})
    evidence = _quotes(a.sentences, idx, limit=4)
    missing = [h.key_point.text for h in hits if not h.covered]
    reasoning = (
        f"Covers {len(covered)} of {n} key points ({len(explained)} explained, not just named)"
        + (f"; {len(missing)} missing (see the missing key points)." if missing else ".")
    )
    score = _score(value, _COVERAGE_THRESHOLDS)
    if value > 0 and evidence:
        score = max(score, 2)  # a relevant fragment is more than nothing
    return _Verdict(
        score,
        evidence,
        reasoning,
        advice="Cover the missing key points." if missing else "",
        strength=f"Covers {len(covered)} of {n} key points." if value >= 0.6 else "",
    )


def _depth_verdict(a: Analysis) -> _Verdict:
    hits = a.coverage
    n = max(1, len(hits))
    explained = [h for h in hits if h.explained]
    kinds: set[str] = set()
    idx: list[int] = []
    for i, s in enumerate(a.sentences):
        found = {k for k, rx in _CONNECTIVES.items() if rx.search(s.text)}
        if found and any(i in h.sentences for h in hits):
            kinds |= found
            idx.append(i)
    on_topic_vocab = len({s for s in a.stems if s in a.topic_vocabulary or s in a.topic_hits})
    distinct = len({s for s in a.stems if len(s) >= 3} - STOP_STEMS)
    value = (
        0.4 * min(1.0, len(explained) / max(2.0, 0.8 * n))
        + 0.3 * min(1.0, len(kinds) / 4)
        + 0.15 * min(1.0, distinct / 45)
        + 0.15 * min(1.0, on_topic_vocab / 8)
    )
    reasoning = (
        f"{len(explained)} key point(s) explained with reasons; "
        f"{len(kinds)} kind(s) of reasoning ({', '.join(sorted(kinds)) or 'none'})."
    )
    return _Verdict(
        _score(value),
        _quotes(a.sentences, idx),
        reasoning,
        advice="Go deeper: say why each point holds (because / which means / whereas), "
        "not just what it is.",
        strength="explains the reasoning, not just the terms.",
    )


def _examples_verdict(a: Analysis) -> _Verdict:
    strong: list[int] = []
    weak: list[int] = []
    concrete = 0
    for i, s in enumerate(a.sentences):
        tool = bool(_TOOLS.search(s.text))
        num = bool(_NUMBER.search(s.text))
        if _EXAMPLE_STRONG.search(s.text) or (tool and num):
            strong.append(i)
            concrete += int(tool or num)
        elif _EXAMPLE_WEAK.search(s.text) or tool:
            weak.append(i)
    count = len(strong)
    value = {0: 0.3 if weak else 0.0, 1: 0.45, 2: 0.65}.get(count, 0.8)
    if count >= 2 and concrete:
        value += 0.15
    reasoning = f"{count} concrete example(s), {len(weak)} passing mention(s) (such as ...)."
    return _Verdict(
        _score(value),
        _quotes(a.sentences, strong + weak),
        reasoning,
        advice="Add a concrete example: a case you worked on, with the data, tool or number.",
        strength="grounded in concrete examples.",
    )


def _structure_verdict(a: Analysis) -> _Verdict:
    sents = a.sentences
    if not sents:
        return _Verdict(1, [], "Nothing to structure.")
    first = sents[0]
    opener = any(0 in h.sentences for h in a.coverage) or bool(
        set(first.stems) & a.topic_vocabulary
    )
    markers = {m.lower() for s in sents for m in _ORDER.findall(s.text)}
    lines = [ln for ln in a.text.splitlines() if ln.strip()]
    listed = sum(1 for ln in lines if re.match(r"^\s*(?:[-*•]|\d{1,2}[.)])\s+", ln)) >= 2
    paragraphs = len([p for p in re.split(r"\n\s*\n", a.text) if p.strip()]) >= 2
    avg = sum(len(s.tokens) for s in sents) / len(sents)
    linked = any(rx.search(s.text) for s in sents for rx in _CONNECTIVES.values())
    value = (
        0.25 * opener
        + 0.3 * min(1.0, len(markers) / 3)
        + 0.15 * (listed or paragraphs)
        + 0.15 * (len(sents) >= 3)
        + 0.1 * (avg <= 35)
        + 0.05 * linked
    )
    idx = [0] + [i for i, s in enumerate(sents) if _ORDER.search(s.text) and i != 0]
    reasoning = (
        f"{'Opens on the question' if opener else 'Does not open on the question'}; "
        f"{len(markers)} ordering word(s); {len(sents)} sentence(s), about {avg:.0f} words each"
        + ("; uses a list." if listed else ".")
    )
    return _Verdict(
        _score(value),
        _quotes(a.sentences, idx),
        reasoning,
        advice="Structure the answer: lead with a one-line answer, then go point by point "
        "(first, then, finally) and close with a summary.",
        strength="leads with the answer and goes point by point.",
    )


def _metrics_verdict(a: Analysis) -> _Verdict:
    names: set[str] = set()
    numbers = 0
    idx: list[int] = []
    for i, s in enumerate(a.sentences):
        found = {re.sub(r"\W+", " ", m.lower()).strip() for m in _METRICS.findall(s.text)}
        has_num = bool(_NUMBER.search(s.text))
        if found or (has_num and idx):
            idx.append(i)
        names |= found
        numbers += int(has_num and bool(found))
    value = {0: 0.0, 1: 0.4, 2: 0.6, 3: 0.75}.get(len(names), 0.85)
    if numbers and names:
        value += 0.1
    reasoning = f"Names {len(names)} metric(s): {', '.join(sorted(names)) or 'none'}."
    return _Verdict(
        _score(value),
        _quotes(a.sentences, idx),
        reasoning,
        advice="Say how success is measured: name the offline metric, the online metric "
        "and a baseline to beat.",
        strength="names how success would be measured.",
    )


def _tradeoffs_verdict(a: Analysis) -> _Verdict:
    idx = [
        i
        for i, s in enumerate(a.sentences)
        if _TRADEOFF.search(s.text) and (set(s.stems) & (a.topic_vocabulary | a.topic_hits))
    ]
    kinds = {m.lower() for i in idx for m in _TRADEOFF.findall(a.sentences[i].text)}
    value = {0: 0.0, 1: 0.4, 2: 0.6}.get(len(idx), 0.75)
    if len(kinds) >= 3:
        value += 0.1
    reasoning = f"{len(idx)} sentence(s) weigh options or costs."
    return _Verdict(
        _score(value),
        _quotes(a.sentences, idx),
        reasoning,
        advice="Weigh the options: what each choice costs (latency, complexity, "
        "interpretability) and when you would pick the other.",
        strength="weighs trade-offs instead of naming one option.",
    )


def _star_verdict(f: StarFinding) -> _Verdict:
    """A STAR criterion's verdict, read from the same finding as the STAR breakdown.

    Its evidence is only what belongs to this part (never another part's sentence), so
    the score, the reasoning, the breakdown and the advice cannot disagree.
    """
    name = f.component
    if f.status == "missing":
        if f.implied_in is not None:
            return _Verdict(
                2,
                [],
                f"No sentence of its own states the {name}; at most it is folded into the "
                f"{f.implied_in} sentence.",
                advice=STAR_ADVICE[name]["missing"],
            )
        return _Verdict(1, [], f"No {name} found.", advice=STAR_ADVICE[name]["missing"])
    rich = {
        "situation": f.weight >= 2.0,
        "task": f.weight >= 2.0,
        "action": f.detail >= 3,
        "result": f.detail >= 1 and f.weight >= 2.5,
        "reflection": f.weight >= 2.0,
    }[name]
    evidence = list(f.quotes[:3])
    if f.status == "weak":
        score = 3 if f.weight >= 1.5 else 2
        if name == "action" and f.weight >= 1.5:
            score = 2  # only "we" did things: the candidate's own part is unclear
        reason = f"Some {name}, but thin."
        if name == "result":
            reason = "A result, but no number shows what changed."
        elif name == "action":
            reason = "Some action, but not clearly the candidate's own (no \u201cI did ...\u201d)."
        return _Verdict(score, evidence, reason, advice=STAR_ADVICE[name]["weak"])
    score = 5 if rich else 4
    if name == "action" and f.detail == 1:
        score = 3
    reason = {
        "situation": "Sets the scene.",
        "task": "States the task and the candidate's responsibility.",
        "action": f"Describes {f.detail} distinct action(s) in the first person.",
        "result": "States the result with a number.",
        "reflection": "Reflects on what was learned.",
    }[name]
    return _Verdict(
        score,
        evidence,
        reason,
        advice=STAR_ADVICE[name]["weak"] if score < 4 else "",
        strength=f"{reason[0].lower()}{reason[1:].rstrip('.')} (\u201c{f.quote}\u201d)",
    )


def _story_structure_verdict(a: Analysis, star: dict[StarComponent, StarFinding]) -> _Verdict:
    """How a story is told: the same measure as for any answer, but its evidence is the
    telling itself (the ordering words, or how the story ends), never the situation's
    sentence, which belongs to the Situation criterion."""
    base = _structure_verdict(a)
    told = [c for c in STAR_ORDER if star[c].status != "missing"]
    firsts = {c: min(star[c].sentences) for c in told if star[c].sentences}
    in_order = [c for c in sorted(firsts, key=lambda c: firsts[c])]
    ordered = in_order == [c for c in STAR_ORDER if c in firsts]
    situation = star["situation"].quote
    taken = {match_form(situation)} if situation else set()
    marked = [
        i
        for i, s in enumerate(a.sentences)
        if _ORDER.search(s.text) and match_form(quote_of(s.text)) not in taken
    ]
    closing = [
        i
        for i in range(len(a.sentences) - 1, -1, -1)
        if quote_of(a.sentences[i].text) and match_form(quote_of(a.sentences[i].text)) not in taken
    ][:1]
    evidence = _quotes(a.sentences, marked or closing, limit=2)
    parts = ", ".join(told) if told else "none of the STAR parts"
    told_in_order = ordered and len(told) >= 2
    labelled = sum(star[c].labelled for c in told)
    sents = a.sentences
    avg = sum(len(s.tokens) for s in sents) / max(1, len(sents))
    # A story is structured by its STAR parts told in order (labels or ordering words
    # make that order plain), not by the opening line an explanation would lead with.
    value = (
        0.45 * len(told) / len(STAR_ORDER)
        + 0.25 * told_in_order
        + 0.15 * (labelled >= 3 or base.score >= 4)
        + 0.15 * (avg <= 35)
    )
    reasoning = (
        f"Tells {parts}"
        + (" in that order" if told_in_order else "")
        + (f", {labelled} of them labelled" if labelled else "")
        + f"; {base.reasoning.split('; ', 1)[-1]}"
    )
    untold = [c for c in STAR_ORDER if c not in told]
    advice = (
        "Tell it in STAR order: the situation, your task, what you did, the result with a "
        "number, then the lesson" + (f" (not told here: {', '.join(untold)})." if untold else ".")
    )
    if told_in_order and not untold:
        advice = "Keep each STAR part short: one or two sentences of situation and task, most of "
        advice += "the time on what you did."
    return _Verdict(
        max(base.score, _score(value)),
        evidence,
        reasoning,
        advice,
        "tells the story in STAR order, each part in its place.",
    )


# ------------------------------------------------------------------ feedback


#: Key points named like a STAR part are about that part ("result", "impact" ...).
_KEY_POINT_PART: dict[str, StarComponent] = {
    **dict.fromkeys(["situation", "context", "background", "setting"], "situation"),
    **dict.fromkeys(["task", "ownership", "role", "responsibility", "goal"], "task"),
    **dict.fromkeys(["action", "actions", "execution"], "action"),
    **dict.fromkeys(["result", "results", "outcome", "impact"], "result"),
    **dict.fromkeys(["reflection", "lesson", "lessons", "learning"], "reflection"),
}


@dataclass(frozen=True)
class _Finding:
    """One thing the feedback says, with what it is about.

    Strengths and improvements are both drawn from one list of findings, and two
    findings about the same aspect that disagree (one good, one not) are settled before
    either is shown: the one read from the answer's own sentences (a STAR part, a
    criterion) outranks the one read from key-point terms. So "Covered well: quantifies
    the impact" can never stand beside "No measurable result".
    """

    aspects: frozenset[str]
    good: bool
    text: str
    authority: int  # 2: a STAR part or criterion verdict; 1: key-point terms; 3: flags


def _settle(findings: Sequence[_Finding]) -> list[_Finding]:
    """Drop every finding that an opposite finding of higher authority contradicts; where
    the two are of equal authority, say nothing good about it."""
    kept: list[_Finding] = []
    for f in findings:
        rivals = [g for g in findings if g.good != f.good and g.aspects & f.aspects]
        top = max((g.authority for g in rivals), default=-1)
        if top > f.authority or (top == f.authority and f.good):
            continue
        kept.append(f)
    good = {x for f in kept if f.good for x in f.aspects}
    bad = {x for f in kept if not f.good for x in f.aspects}
    assert not good & bad, "a strength and an improvement about the same thing"
    return kept


def _findings(
    question: Question,
    a: Analysis,
    verdicts: Sequence[tuple[Criterion, _Verdict]],
    star: dict[StarComponent, StarFinding],
) -> list[_Finding]:
    out: list[_Finding] = []
    behavioral = bool(star)

    def kp_aspects(h: KeyPointHit) -> frozenset[str]:
        aspects = {f"kp:{h.key_point.id}"}
        part = _KEY_POINT_PART.get(h.key_point.id.lower())
        if behavioral and part is not None:
            aspects.add(f"star:{part}")
        return frozenset(aspects)

    for h in a.coverage:
        # In a story, words any story uses ("percent", "shipped") do not show that this
        # key point's own content is there: praise needs one of its specific terms.
        shown = not behavioral or any(is_specific_term(t) for t in h.terms)
        if h.explained and shown:
            out.append(_Finding(kp_aspects(h), True, f"Covered well: {h.key_point.text}", 1))
        elif h.explained:
            specific = [t for t in h.key_point.terms if is_specific_term(t)]
            hint = f" (e.g. mention {specific[0]})" if specific else ""
            out.append(_Finding(kp_aspects(h), False, f"Cover: {h.key_point.text}{hint}", 1))
    for crit, v in verdicts:
        aspects = {f"crit:{crit.id}"} | ({f"star:{crit.star}"} if crit.star else set())
        if crit.heuristic == "star" and crit.star is not None and star:
            f = star[crit.star]
            if f.status == "present" and v.score >= 4 and v.strength:
                out.append(_Finding(frozenset(aspects), True, f"{crit.name}: {v.strength}", 2))
            elif f.status in ("missing", "weak"):
                advice = STAR_ADVICE[crit.star][f.status]
                out.append(_Finding(frozenset(aspects), False, advice, 2))
        elif crit.heuristic != "coverage":
            if v.score >= 4 and v.strength:
                out.append(_Finding(frozenset(aspects), True, f"{crit.name}: {v.strength}", 2))
            elif v.score <= 2 and v.advice:
                out.append(_Finding(frozenset(aspects), False, f"{crit.name}: {v.advice}", 2))
    # STAR parts the rubric has no criterion for still get advice in a STAR answer.
    judged = {c.star for c, _ in verdicts if c.heuristic == "star"}
    for comp in STAR_ORDER if star else ():
        if comp not in judged and star[comp].status in ("missing", "weak"):
            advice = STAR_ADVICE[comp][star[comp].status]
            out.append(_Finding(frozenset({f"star:{comp}"}), False, advice, 2))
    for h in a.coverage:
        if not h.covered:
            hint = f" (e.g. mention {h.key_point.terms[0]})" if h.key_point.terms else ""
            out.append(_Finding(kp_aspects(h), False, f"Cover: {h.key_point.text}{hint}", 1))
        elif not h.explained:
            part = _KEY_POINT_PART.get(h.key_point.id.lower())
            if behavioral and part is not None and star[part].status == "present":
                continue  # the story tells this part: "only named" would not be true
            named = h.terms[0] if h.terms else h.key_point.terms[0]
            text = f"Explain, not just name, \u201c{named}\u201d: {h.key_point.text}"
            out.append(_Finding(kp_aspects(h), False, text, 1))
    return out


def _feedback(
    question: Question,
    a: Analysis,
    verdicts: Sequence[tuple[Criterion, _Verdict]],
    star: dict[StarComponent, StarFinding],
    junk: Sequence[str],
) -> tuple[list[str], list[str]]:
    if junk:
        advice = [FLAG_ADVICE[f] for f in junk if f in FLAG_ADVICE]
        advice.append(
            "A strong answer covers: " + join_sentences(k.text for k in question.key_points)
        )
        return [], advice
    findings = _settle(_findings(question, a, verdicts, star))
    strengths = [f.text for f in findings if f.good]
    # Order of advice: key points first, then criteria from the lowest score, then STAR.
    kp_bad = [f.text for f in findings if not f.good and f.authority == 1]
    rank = {f"crit:{c.id}": v.score for c, v in verdicts}
    crit_bad = sorted(
        (f for f in findings if not f.good and f.authority == 2 and not _is_star(f)),
        key=lambda f: min((rank.get(x, 5) for x in f.aspects), default=5),
    )
    star_bad = [f.text for f in findings if not f.good and f.authority == 2 and _is_star(f)]
    improvements = [*kp_bad, *(f.text for f in crit_bad), *star_bad]
    if a.flags and "too_short" in a.flags:
        improvements.insert(0, FLAG_ADVICE["too_short"])
    if a.injection:
        improvements.insert(0, FLAG_ADVICE["injection"])
    return strengths[:6], improvements[:8]


def _is_star(f: _Finding) -> bool:
    return any(x.startswith("star:") for x in f.aspects)


def _summary(
    a: Analysis,
    hits: Sequence[KeyPointHit],
    junk: Sequence[str],
    star: dict[StarComponent, StarFinding],
) -> str:
    notes = [FLAG_NOTES[f] for f in a.flags if f in FLAG_NOTES]
    if a.injection:
        notes.append(FLAG_NOTES["injection"])
    if junk:
        return "Offline coach: " + " ".join(notes)
    covered = sum(h.covered for h in hits)
    explained = sum(h.explained for h in hits)
    parts = [f"Offline coach: covered {covered} of {len(hits)} key points ({explained} explained)."]
    if star:
        present = [c for c in STAR_ORDER if star[c].status == "present"]
        absent = [c for c in STAR_ORDER if star[c].status == "missing"]
        parts.append(
            f"STAR: {', '.join(present) or 'no component'} clear"
            + (f"; missing {', '.join(absent)}." if absent else ".")
        )
    return " ".join([*parts, *notes])
