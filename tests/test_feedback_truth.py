"""Everything the feedback says is true of the answer, and nothing it says contradicts itself.

Issue 11: a labelled STAR story with "Result: live AUC recovered to 0.84 ... fell 60
percent" was told "a vague outcome", "no number shows what changed" and "No measurable
result" next to "Covered well: quantifies the impact"; its Task and Result were "not
found"; the Situation sentence was quoted for Task, Action and Communication; quotes were
cut mid-clause and doubled their label; joined key points read "habits.; Ranks".

The contradiction checker below is written independently of the grader (its own phrase
lists), and runs over the whole labelled grading set plus generated STAR stories.
"""

from __future__ import annotations

import re
from functools import cache

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks.grading_eval import load_set, request_for
from interviewer.core.content import ContentLibrary
from interviewer.core.grading import (
    EvidenceIndex,
    detect_star,
    finalize,
    join_sentences,
    match_form,
    quote_of,
    split_sentences,
)
from interviewer.core.models import Grade, GradeDraft, StarDraft, Turn
from interviewer.core.requests import GradeRequest
from interviewer.llm.offline import OfflineCoach
from interviewer.storage.content_files import load_library

coach = OfflineCoach()
PARTS = ("situation", "task", "action", "result", "reflection")
ISSUE_ANSWER = (
    "Situation: our churn model's live AUC fell from 0.86 to 0.71 after a pricing change. "
    "Task: I was on call and had to stop the false alarms. "
    "Action: I retrained on the last eight weeks and added a drift monitor. "
    "Result: live AUC recovered to 0.84, the campaign saved about 300 accounts, and false "
    "positives fell 60 percent within a day."
)


SITUATION_QUOTE = "Situation: our churn model's live AUC fell from 0.86 to 0.71"


@cache
def library() -> ContentLibrary:
    return load_library(None)


def request(qid: str, text: str) -> GradeRequest:
    lib = library()
    q = lib.question(qid)
    return GradeRequest(
        request_id=1,
        question=q,
        rubric=lib.rubric_for(q),
        exchange=(
            Turn(role="interviewer", kind="question", text=q.text, question_id=q.id),
            Turn(role="candidate", kind="answer", text=text, question_id=q.id),
        ),
    )


def grade(text: str, qid: str = "beh-model-failure") -> Grade:
    req = request(qid, text)
    return finalize(coach.grade_draft(req), req, coach.name)


# --------------------------------------------------------------------------- the checker

LABEL = re.compile(
    r"^\W*(?:situation|context|background|task|goal|action|actions|result|results|outcome|"
    r"impact|reflection|lessons?|[star])\W*[:\-]",
    re.IGNORECASE,
)
NAMES = {p: p.title() for p in PARTS}
SAYS_NO_NUMBER = re.compile(
    r"no number|no measurable|say (?:it|what changed),? with a number|vague outcome|"
    r"not quantified|without a number",
    re.IGNORECASE,
)
SAYS_NUMBER = re.compile(r"quantif|with a number|measurable result", re.IGNORECASE)
NUMBER = re.compile(r"\d|percent|per cent|halved|doubled|tripled", re.IGNORECASE)


def _quote_is_clean(quote: str, answer: str) -> str | None:
    """None if `quote` is a whole sentence or a clean clause of `answer`, else the problem."""
    if not EvidenceIndex(answer).verify(quote):
        return f"not in the answer: {quote!r}"
    if LABEL.match(quote):
        return f"keeps its label: {quote!r}"
    text, q = match_form(answer), match_form(quote).strip("\"'")
    at = text.find(q)
    if at < 0:
        return None  # verified modulo typography; positions cannot be checked
    before = text[at - 1] if at else " "
    after = text[at + len(q) :]
    if before.isalnum():
        return f"starts mid-word: {quote!r}"
    if after and after[0].isalnum():
        return f"ends mid-word: {quote!r}"
    ends_sentence = q[-1:] in ".!?\"')"
    next_is_boundary = not after.strip() or bool(
        re.match(
            r"\s*(?:[,;:.!?\-\u2013\u2014()\[\]]|\n|(?:and|but|so|which|because|while|whereas|then|"
            r"although|though)\b)",
            after,
        )
    )
    if not (ends_sentence or next_is_boundary):
        return f"cut mid-clause: {quote!r} | next: {after[:30]!r}"
    return None


REFLECTS = re.compile(
    r"\b(?:i (?:have )?(?:learned|learnt)|the lesson|lessons? (?:i|for me)|next time,? i(?:'d| "
    r"would)|in hindsight|looking back|i now always|what i (?:learned|learnt|took from))\b",
    re.IGNORECASE,
)
SAYS_NO_REFLECTION = re.compile(r"^(?:no|brief|thin) reflection|reflection (?:is )?missing", re.I)
GENERIC_STRUCTURE = re.compile(
    r"one-line answer|point by point|^[\w ]*: structure the answer", re.I
)
STAR_LABELS = re.compile(r"(?:^|[.\n]\s*)(?:situation|task|action|result)\s*:", re.IGNORECASE)


@cache
def _term_spread() -> dict[str, int]:
    """For each word of the bank's key-point terms, how many questions use it."""
    spread: dict[str, set[str]] = {}
    for q in library().questions.values():
        for kp in q.key_points:
            for t in kp.terms:
                for w in re.findall(r"[a-z]+", t.lower()):
                    spread.setdefault(w, set()).add(q.id)
    return {w: len(qs) for w, qs in spread.items()}


def _distinctive(terms: list[str]) -> list[str]:
    """Terms naming this key point only: phrases, or words few questions' terms use."""
    spread = _term_spread()
    return [t for t in terms if " " in t.strip() or "-" in t or spread.get(t.lower(), 99) <= 3]


def _says_in(answer: str, term: str) -> bool:
    text = answer.lower()
    return all(w[:5] in text for w in re.findall(r"[a-z]+", term.lower()))


def contradictions(g: Grade, answer: str) -> list[str]:
    """Every statement pair in `g` that cannot both be true, or that the answer refutes."""
    out: list[str] = []
    # statements the answer itself refutes
    if REFLECTS.search(answer):
        out += [
            f"reflection told, yet: {i!r}" for i in g.improvements if SAYS_NO_REFLECTION.search(i)
        ]
    if len(STAR_LABELS.findall(answer)) >= 3:
        out += [
            f"generic structure advice to a STAR-labelled story: {i!r}"
            for i in g.improvements
            if GENERIC_STRUCTURE.search(i)
        ]
    question = library().questions.get(g.question_id)
    if question is not None and question.category == "behavioral":
        for s in g.strengths:
            kp = next((k for k in question.key_points if s == f"Covered well: {k.text}"), None)
            if kp is None:
                continue
            marks = _distinctive(list(kp.terms))
            if marks and not any(_says_in(answer, t) for t in marks):
                out.append(f"covered well, yet none of {marks} is in the answer: {s[:60]!r}")
    strengths, improvements = list(g.strengths), list(g.improvements)
    texts = [*strengths, *improvements, g.summary, *(c.reasoning for c in g.criteria)]
    out += [f"run-on join: {t!r}" for t in texts if ".;" in t or ". ;" in t]
    # praise and criticism of the same thing
    if any(SAYS_NUMBER.search(s) for s in strengths):
        out += [
            f"praised for numbers, then: {i!r}" for i in improvements if SAYS_NO_NUMBER.search(i)
        ]
    covered = {s.removeprefix("Covered well: ") for s in strengths if s.startswith("Covered well:")}
    for i in improvements:
        kp = re.sub(r"^(?:Cover|Explain, not just name, “[^”]*”): ", "", i)
        kp = re.sub(r" \(e\.g\. mention [^)]*\)$", "", kp)
        if kp in covered:
            out.append(f"covered well and to cover: {kp!r}")
    for s in strengths:
        name = s.split(":", 1)[0]
        if name != "Covered well" and any(i.startswith(f"{name}:") for i in improvements):
            out.append(f"strength and improvement for {name}")
    # the STAR breakdown against the rest
    star = {i.component: i for i in g.star}
    crit = {c.criterion_id: c for c in g.criteria}
    for part, item in star.items():
        name = NAMES[part]
        if item.status == "present":
            out += [
                f"{part} present, yet: {i!r}"
                for i in improvements
                if re.match(rf"(?:No|Vague|Thin|Brief) {part}\b", i, re.IGNORECASE)
            ]
            c = crit.get(part)
            if c is not None and f"No {part} found" in c.reasoning:
                out.append(f"{part} present, yet the criterion says none was found")
        if item.status == "missing":
            out += [f"{part} missing, yet praised: {s!r}" for s in strengths if s.startswith(name)]
    result = star.get("result")
    if result is not None and result.quote and NUMBER.search(result.quote):
        c = crit.get("result")
        if c is not None and SAYS_NO_NUMBER.search(c.reasoning):
            out.append(f"result quote has a number, reasoning says: {c.reasoning!r}")
        out += [
            f"result has a number, yet: {i!r}" for i in improvements if SAYS_NO_NUMBER.search(i)
        ]
    if result is not None and result.status == "weak" and NUMBER.search(result.quote):
        out.append(f"result with a number called weak: {result.quote!r}")
    # one quote per STAR part, and per STAR criterion
    quoted = [match_form(i.quote) for i in g.star if i.quote]
    if len(quoted) != len(set(quoted)):
        out.append(f"a quote offered for two STAR parts: {quoted}")
    seen: dict[str, str] = {}
    situation = match_form(star["situation"].quote) if "situation" in star else ""
    for c in g.criteria:
        for e in c.evidence:
            key = match_form(e)
            if c.criterion_id in PARTS:
                if key in seen and seen[key] != c.criterion_id:
                    out.append(f"{e!r} quoted for {seen[key]} and {c.criterion_id}")
                seen[key] = c.criterion_id
            overlaps = situation and (key in situation or situation in key)
            if overlaps and c.criterion_id != "situation":
                out.append(f"the situation quoted for {c.criterion_id}")
    # quote hygiene
    for q in [*(e for c in g.criteria for e in c.evidence), *(i.quote for i in g.star if i.quote)]:
        problem = _quote_is_clean(q, answer)
        if problem:
            out.append(problem)
    for s in strengths:
        out += [f"label doubled: {s!r}" for m in re.finditer(r"“([^”]*)”", s) if LABEL.match(m[1])]
    return out


def test_the_checker_catches_the_issues_examples() -> None:
    """The checker is not vacuous: the grade the issue reported fails it on every count."""
    reported = Grade(
        question_id="beh-model-failure",
        rubric_id="behavioral-star",
        overall_score=35,
        criteria=[
            {"criterion_id": "situation", "score": 4, "evidence": [], "reasoning": "x"},
            {
                "criterion_id": "task",
                "score": 2,
                "reasoning": "x",
                "evidence": [SITUATION_QUOTE],
            },
            {
                "criterion_id": "result",
                "score": 2,
                "evidence": ["live AUC recovered to 0.84, the campaign saved about"],
                "reasoning": "A result, but no number shows what changed.",
            },
        ],
        star=[
            {"component": "situation", "status": "present", "quote": SITUATION_QUOTE},
            {"component": "task", "status": "present", "quote": SITUATION_QUOTE},
            {"component": "result", "status": "weak", "quote": "live AUC recovered to 0.84"},
        ],
        strengths=[
            "Covered well: Quantifies the impact and the recovery.",
            "Result: “Situation: our churn model's live AUC fell from 0.86 to 0.71 after a”",
        ],
        improvements=[
            "No measurable result: say it with a number.",
            "Cover: Quantifies the impact and the recovery. (e.g. mention percent)",
            "A strong answer covers: general habits.; Ranks work.",
        ],
    )
    found = "\n".join(contradictions(reported, ISSUE_ANSWER))
    for expected in (
        "run-on join",
        "praised for numbers",
        "covered well and to cover",
        "a quote offered for two STAR parts",
        "the situation quoted for task",
        "result quote has a number",
        "result with a number called weak",
        "keeps its label",
        "cut mid-clause",
        "label doubled",
    ):
        assert expected in found, expected


# --------------------------------------------------------------------------- the issue's answer


def test_the_issues_labelled_story_is_read_as_told() -> None:
    g = grade(ISSUE_ANSWER)
    star = {i.component: i for i in g.star}
    scores = {c.criterion_id: c.score for c in g.criteria}
    assert [star[p].status for p in PARTS] == ["present"] * 4 + ["missing"]
    assert star["situation"].quote.startswith("our churn model's live AUC fell")
    assert star["task"].quote == "I was on call and had to stop the false alarms."
    assert star["action"].quote.startswith("I retrained on the last eight weeks")
    assert star["result"].quote.startswith("live AUC recovered to 0.84")
    assert scores["task"] >= 3 and scores["result"] >= 4 and scores["action"] >= 3
    assert contradictions(g, ISSUE_ANSWER) == []
    assert not any("No measurable result" in i for i in g.improvements)
    assert not any(i.startswith(("No task", "No result", "No situation")) for i in g.improvements)


def test_the_same_story_unlabelled_keeps_the_problem_out_of_the_result() -> None:
    text = re.sub(r"\b(?:Situation|Task|Action|Result): ", "", ISSUE_ANSWER)
    text = text[0].upper() + text[1:]
    g = grade(text)
    star = {i.component: i for i in g.star}
    assert star["situation"].quote.startswith("Our churn model's live AUC fell")
    assert star["result"].status == "present"
    assert star["result"].quote.startswith("live AUC recovered")
    assert contradictions(g, text) == []


@pytest.mark.parametrize(
    "label",
    ["Task:", "task:", "TASK:", "T:", "**Task:**", "**Task**:", "Task -", "__Task__", "Goal:"],
)
def test_labelled_task_is_found(label: str) -> None:
    text = f"{label} I was on call and had to stop the false alarms."
    found = detect_star(split_sentences(text))["task"]
    assert found.status == "present"
    assert found.quote == "I was on call and had to stop the false alarms."


@pytest.mark.parametrize(
    "result",
    [
        "Result: false positives fell 60 percent within a day.",
        "R: false positives fell 60 per cent within a day.",
        "**Result:** false positives fell 60% within a day.",
        "Outcome: recall rose 12 pp at the same precision.",
        "The result was a 3x faster pipeline.",
        "Result: we saved about $40k a quarter.",
        "Result: the team saved £300 a month in compute.",
        "Impact: support tickets dropped by 15 points.",
        "Result: live AUC recovered to 0.84.",
        "Result: the campaign saved about 300 accounts.",
        "In the end latency went down by half.",
        "Outcome: churn was cut to 4% from 7%.",
        "Result: reviews sped up from five days to one.",
    ],
)
def test_a_result_with_a_number_is_measured(result: str) -> None:
    text = (
        "At my last job our fraud model flagged too many good payments. I owned the model. "
        f"I retrained it with class weights and tuned the threshold. {result}"
    )
    found = detect_star(split_sentences(text))["result"]
    assert found.status == "present", found
    g = grade(text, "beh-complex-problem")
    assert contradictions(g, text) == []
    reasoning = next(c.reasoning for c in g.criteria if c.criterion_id == "result")
    assert "no number" not in reasoning


@pytest.mark.parametrize(
    "result",
    [
        "False positives fell 60 percent within a day.",
        "Live AUC recovered to 0.84 within a week.",
        "That saved about 300 accounts in the first month.",
        "Alert volume dropped to a tenth, about 20 a day.",
        "Precision rose to 0.91.",
        "We cut review time to two days.",
        "Manual checks were reduced to 5% of orders.",
    ],
)
def test_past_tense_results_are_found(result: str) -> None:
    text = (
        "Last year our pricing model started drifting. I was responsible for fixing it. "
        f"I retrained it on recent data and added a drift alert. {result}"
    )
    found = detect_star(split_sentences(text))
    assert found["result"].status == "present"
    assert match_form(found["result"].quote) == match_form(result)
    assert found["situation"].quote.startswith("Last year")


def test_a_result_without_a_number_still_asks_for_one() -> None:
    text = (
        "Situation: our churn model kept raising false alarms. Task: I owned the fix. "
        "Action: I retrained it and added a drift monitor. Result: the alarms stopped and "
        "the team was happy."
    )
    g = grade(text)
    star = {i.component: i for i in g.star}
    assert star["result"].status == "weak"
    assert any("No measurable result" in i for i in g.improvements)
    assert not any(re.search("quantif|with a number", s, re.I) for s in g.strengths)
    assert contradictions(g, text) == []


# --------------------------------------------------------------------------- one quote per part


def test_one_sentence_holding_several_parts_is_split_into_clauses() -> None:
    text = (
        "I was asked to fix the slow pipeline, so I rewrote the loader and it cut runtime by 40%."
    )
    found = detect_star(split_sentences(text))
    quotes = [found[p].quote for p in ("task", "action", "result")]
    assert all(quotes) and len(set(quotes)) == 3
    assert all(EvidenceIndex(text).verify(q) for q in quotes)
    assert "40%" in found["result"].quote and "asked" in found["task"].quote


def test_a_part_only_folded_into_another_sentence_is_not_given_its_quote() -> None:
    text = (
        "At my previous company our ranking model lost 8% of clicks after a redesign. "
        "I retrained it because I had to fix it before the sale."
    )
    found = detect_star(split_sentences(text))
    quotes = [found[p].quote for p in PARTS if found[p].quote]
    assert len(quotes) == len(set(quotes))


def test_communication_does_not_quote_the_situation() -> None:
    g = grade(ISSUE_ANSWER)
    situation = next(i.quote for i in g.star if i.component == "situation")
    for c in g.criteria:
        if c.criterion_id != "situation":
            assert situation not in c.evidence, c.criterion_id


def test_a_model_graders_contradictions_are_dropped() -> None:
    """The checks every grader passes: advice that a present part is missing goes, praise
    for numbers the result does not have goes."""
    req = request("beh-model-failure", ISSUE_ANSWER)
    draft = GradeDraft(
        criteria=[],
        star=[
            StarDraft(component="result", status="present", quote="live AUC recovered to 0.84"),
            StarDraft(component="task", status="present", quote="I was on call"),
        ],
        missing_key_points=[],
        strengths=["Quantifies the impact clearly."],
        improvements=["No result: say how it ended.", "No measurable result: add a number."],
        strong_answer=[],
        injection_attempt=False,
        summary="",
    )
    g = finalize(draft, req, "model")
    assert "Quantifies the impact clearly." in g.strengths
    assert not any(i.startswith(("No result", "No measurable")) for i in g.improvements)
    vague = "Result: the team was happy. Situation: we had a slow model. I fixed it."
    req2 = request("beh-model-failure", vague)
    draft2 = draft.model_copy(
        update={"star": [StarDraft(component="result", status="weak", quote="the team was happy")]}
    )
    g2 = finalize(draft2, req2, "model")
    assert "Quantifies the impact clearly." not in g2.strengths


# --------------------------------------------------------------------------- quote hygiene


def test_quotes_never_end_mid_clause() -> None:
    long = (
        "Situation: in my second year at a payments company our fraud model, which had been "
        "trained two years earlier on card data from a single market, started flagging "
        "legitimate payments from the new markets we had launched in, and the support team "
        "was swamped with complaints after a pricing change."
    )
    q = quote_of(long)
    assert not q.lower().startswith("situation")
    assert _quote_is_clean(q, long) is None
    assert len(q.split()) <= 40


def test_joined_sentences_have_no_doubled_punctuation() -> None:
    assert join_sentences(["rather than only general habits.", "Ranks work."]) == (
        "rather than only general habits; Ranks work."
    )
    assert join_sentences(["One"]) == "One"
    lib = library()
    for q in lib.questions.values():
        req = request(q.id, "")
        g = finalize(coach.grade_draft(req), req, coach.name)
        assert not any(".;" in i for i in g.improvements), q.id


# --------------------------------------------------------------------------- many answers


def _labelled_set() -> list[tuple[str, str, str]]:
    return [(item.id, item.question, item.text) for item in load_set()]


@pytest.mark.parametrize(("aid", "qid", "text"), _labelled_set(), ids=lambda v: str(v)[:24])
def test_no_contradictions_on_the_labelled_set(aid: str, qid: str, text: str) -> None:
    req = request(qid, text)
    g = finalize(coach.grade_draft(req), req, coach.name)
    assert contradictions(g, text) == [], aid


def test_the_labelled_set_covers_every_kind_of_answer() -> None:
    lib = library()
    items = load_set()
    categories = {lib.question(i.question).category for i in items}
    assert categories == {"technical", "behavioral", "case_study"}
    assert len({request_for(i, lib, n).question.id for n, i in enumerate(items)}) >= 20


SITUATIONS = [
    "At my last company our churn model's live AUC fell from 0.86 to 0.71 after a pricing change.",
    "Two years ago our fraud model started flagging legitimate payments from a new market.",
    "On a recommendation project our click-through rate dropped sharply after a redesign.",
    "During my internship the demand forecast missed badly for the holiday season.",
]
TASKS = [
    "I was on call and had to stop the false alarms.",
    "I was responsible for getting the model back to baseline before the sale.",
    "My manager asked me to find the cause and fix it within a week.",
    "I owned the model, so the fix was mine.",
]
ACTIONS = [
    "I retrained on the last eight weeks and added a drift monitor.",
    "I compared training and serving features, found a broken join and rolled back.",
    "First I rolled back to the previous model, then I rebuilt the features with the data team.",
    "I added data validation to the pipeline and wrote tests for the schema.",
]
RESULTS = [
    "Live AUC recovered to 0.84 and false positives fell 60 percent within a day.",
    "Recall rose from 40% to 72% at the same precision.",
    "We saved about 300 accounts and cut alert volume by half.",
    "Latency dropped 3x and the support queue shrank by 25 per cent.",
    "Forecast error went down 12 points, saving about $40k a month.",
    "Things went back to normal and the team was relieved.",
]
REFLECTIONS = [
    "I learned to monitor input drift, not just the output metric.",
    "Next time I would add a shadow deployment before any pricing change.",
    "The lesson for me was to validate the data contract at every handoff.",
]
LABELS = {
    "none": dict.fromkeys(PARTS, ""),
    "words": {p: f"{p.title()}: " for p in PARTS},
    "letters": {
        "situation": "S: ",
        "task": "T: ",
        "action": "A: ",
        "result": "R: ",
        "reflection": "L: ",
    },
    "bold": {p: f"**{p.title()}:** " for p in PARTS},
    "lower": {p: f"{p}: " for p in PARTS},
    "heading": {p: f"**{p.title()}**\n" for p in PARTS},
    "synonyms": {
        "situation": "Context: ",
        "task": "Goal - ",
        "action": "What I did: ",
        "result": "Outcome: ",
        "reflection": "Lessons learned: ",
    },
}


@st.composite
def stories(draw: st.DrawFn) -> tuple[str, str, dict[str, str]]:
    style = draw(st.sampled_from(sorted(LABELS)))
    pools = dict(zip(PARTS, (SITUATIONS, TASKS, ACTIONS, RESULTS, REFLECTIONS), strict=True))
    keep = draw(st.lists(st.sampled_from(PARTS), min_size=2, max_size=5, unique=True))
    sep = draw(st.sampled_from([" ", "\n", "\n\n"]))
    told = {p: draw(st.sampled_from(pools[p])) for p in PARTS if p in keep}
    text = sep.join(LABELS[style][p] + told[p] for p in PARTS if p in told)
    return style, text, told


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(stories(), st.sampled_from(["beh-model-failure", "beh-challenging-project"]))
def test_no_contradictions_on_generated_star_stories(
    story: tuple[str, str, dict[str, str]], qid: str
) -> None:
    style, text, told = story
    g = grade(text, qid)
    assert contradictions(g, text) == [], text
    if style == "none" or set(g.flags) & {"off_topic", "padded", "gibberish"}:
        return
    star = {i.component: i for i in g.star}
    for part, sentence in told.items():
        item = star[part]  # type: ignore[index]
        assert item.status != "missing", (part, text)
        assert match_form(item.quote) in match_form(sentence), (part, item.quote, text)
    if "result" in told and NUMBER.search(told["result"]):
        assert star["result"].status == "present", text


def test_a_model_grader_cannot_offer_one_sentence_for_several_parts() -> None:
    """A model that quotes the Situation sentence (label and all) for Situation, Task and
    Action, and as criterion evidence for Task and Communication, is held to one quote per
    part: the label is dropped, Task and Action get their own sentences, and the
    situation is evidence for the Situation criterion only."""
    req = request("beh-model-failure", ISSUE_ANSWER)
    sit = "Situation: our churn model's live AUC fell from 0.86 to 0.71 after a pricing change."

    def crit(cid: str, evidence: list[str]) -> dict[str, object]:
        return {"criterion_id": cid, "evidence": evidence, "reasoning": "ok", "score": 4}

    draft = GradeDraft.model_validate(
        {
            "criteria": [
                crit("situation", [sit]),
                crit("task", [sit]),
                crit("action", [sit, "I retrained on the last eight weeks"]),
                crit("result", ["live AUC recovered to 0.84"]),
                crit("reflection", []),
                crit("communication", [sit]),
            ],
            "star": [
                {"component": "situation", "status": "present", "quote": sit},
                {"component": "task", "status": "present", "quote": sit},
                {"component": "action", "status": "present", "quote": sit},
                {"component": "result", "status": "present", "quote": "live AUC recovered"},
            ],
            "missing_key_points": [],
            "strengths": [],
            "improvements": [],
            "strong_answer": [],
            "injection_attempt": False,
            "summary": "",
        }
    )
    g = finalize(draft, req, "model")
    star = {i.component: i for i in g.star}
    assert star["situation"].quote == sit.removeprefix("Situation: ")
    assert star["task"].quote == "I was on call and had to stop the false alarms."
    assert star["action"].quote.startswith("I retrained")
    evidence = {c.criterion_id: c.evidence for c in g.criteria}
    assert evidence["situation"] == [sit.removeprefix("Situation: ")]
    assert evidence["task"] == [] and evidence["communication"] == []
    # a fragment is widened to the clause it was cut from
    assert evidence["action"] == ["I retrained on the last eight weeks and added a drift monitor."]
    assert star["result"].quote == "live AUC recovered to 0.84"
    scores = {c.criterion_id: c.score for c in g.criteria}
    assert scores["task"] <= 2 and scores["communication"] <= 2  # no evidence of their own
    assert contradictions(g, ISSUE_ANSWER) == []
