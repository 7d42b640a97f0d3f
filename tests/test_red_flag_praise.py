"""No praise of what a stated red flag gets wrong (issue 14, item 1).

The offline coach (or a model) could say "Covered well: <time-series splits>" next to
the red flag "Shuffles a time series into ordinary random k-fold splits". `finalize`
drops such praise wherever a grader put it. The checker below is written apart from
the grader's rule (`redflags.contradicted_key_points`): its own regex matching of a key
point's terms against the red flag's quote and the bank's phrases for that flag, and
plain substring tests for quotes. It runs over every development answer too.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest

from benchmarks.grading_eval import Labelled, dev_files, load_set, request_for
from interviewer.core.content import ContentLibrary
from interviewer.core.grading import finalize
from interviewer.core.grading.policy import FLAG_ADVICE, FLAG_NOTES
from interviewer.core.models import CriterionDraft, Grade, GradeDraft, Question
from interviewer.core.requests import GradeRequest
from interviewer.llm.offline import OfflineCoach
from interviewer.storage.content_files import load_library

coach = OfflineCoach()

#: A correct k-fold explanation, then the time series shuffled into random folds.
SHUFFLED = (
    "K-fold splits the data into k folds, trains on k minus 1 of them and validates on the "
    "remaining fold, rotating so each fold is the validation set once, and averages the "
    "scores. The split has to match the data: stratified folds keep the class ratios, group "
    "k-fold keeps all rows of one patient together, and time series need their own splits "
    "like TimeSeriesSplit. In my sales forecasting work I shuffle the daily sales into "
    "ordinary random k-fold splits, since more mixing gives a more stable estimate. It is "
    "used to tune hyperparameters too."
)
SHUFFLED_SENTENCE = (
    "In my sales forecasting work I shuffle the daily sales into ordinary random k-fold "
    "splits, since more mixing gives a more stable estimate."
)
#: The same answer without the shuffled time series.
CORRECT = SHUFFLED.replace(SHUFFLED_SENTENCE + " ", "")


@cache
def library() -> ContentLibrary:
    return load_library(None)


def _request(qid: str, text: str) -> GradeRequest:
    item = Labelled(id="t", question=qid, tier=2, text=text)
    return request_for(item, library(), 1)


def _offline(qid: str, text: str) -> tuple[GradeDraft, Grade]:
    req = _request(qid, text)
    draft = coach.grade_draft(req)
    return draft, finalize(draft, req, coach.name)


def _key_point(question: Question, kp_id: str) -> str:
    return next(k.text for k in question.key_points if k.id == kp_id)


# --------------------------------------------------------------------------- the checker


def _says(text: str, term: str) -> bool:
    """`term` in `text` as whole words (any run of spaces, hyphens or slashes between)."""
    parts = [re.escape(p) for p in re.findall(r"[a-z0-9@]+", term.lower())]
    if not parts:
        return False
    pattern = r"(?<![a-z0-9])" + r"[\s\-/]+".join(parts) + r"(?:s|es|ed|d|ing)?(?![a-z0-9])"
    return re.search(pattern, text.lower()) is not None


def _flag_words(question: Question, flag_id: str, quote: str) -> list[str]:
    flag = next((f for f in question.red_flags if f.id == flag_id), None)
    phrases = [quote]
    if flag is not None:
        phrases += [flag.text, *(p for g in flag.cues for p in g), *flag.unless]
    return phrases


def praise_contradictions(g: Grade) -> list[str]:
    """Every line of praise in `g` that a found red flag contradicts."""
    question = library().question(g.question_id)
    out: list[str] = []
    for found in g.red_flags_found:
        phrases = _flag_words(question, found.id, found.quote)
        about = [
            k for k in question.key_points if any(_says(p, t) for p in phrases for t in k.terms)
        ]
        quote = " ".join(found.quote.lower().split())
        for s in g.strengths:
            if any(s == f"Covered well: {k.text}" for k in about):
                out.append(f"praised {s[:50]!r} beside red flag {found.id}")
            for q in re.findall(r"\u201c([^\u201d]+)\u201d", s):
                q = " ".join(q.lower().split())
                if q in quote or quote in q:
                    out.append(f"praise quotes red flag {found.id}'s sentence: {s[:60]!r}")
        for k in about:
            if k.text not in g.missing_key_points:
                out.append(f"{k.id} is about red flag {found.id} but not missing")
    out += [
        f"praise among the improvements: {i!r}"
        for i in g.improvements
        if i.startswith("Covered well")
    ]
    return out


def test_the_checker_catches_the_issues_example() -> None:
    q = library().question("tech-cross-validation")
    variants = _key_point(q, "variants")
    req = _request("tech-cross-validation", SHUFFLED)
    draft = coach.grade_draft(req)
    g = finalize(draft, req, coach.name)
    assert g.red_flags_found, "the shuffled time series must be flagged"
    # the draft, before the rule, said both things
    assert f"Covered well: {variants}" in draft.strengths
    leaked = g.model_copy(update={"strengths": [*g.strengths, f"Covered well: {variants}"]})
    assert praise_contradictions(leaked)
    assert praise_contradictions(g) == []


# --------------------------------------------------------------------------- offline coach


def test_no_covered_well_for_the_key_point_a_red_flag_gets_wrong() -> None:
    q = library().question("tech-cross-validation")
    variants = _key_point(q, "variants")
    _, g = _offline("tech-cross-validation", SHUFFLED)
    assert [f.id for f in g.red_flags_found] == ["shuffle-time-series"]
    assert f"Covered well: {variants}" not in g.strengths
    assert variants in g.missing_key_points
    assert not any(i.startswith("Covered well") for i in g.improvements)
    # what the answer got right is still praised
    kfold = _key_point(q, "kfold")
    assert f"Covered well: {kfold}" in g.strengths


def test_without_the_red_flag_the_same_key_point_is_praised() -> None:
    q = library().question("tech-cross-validation")
    variants = _key_point(q, "variants")
    _, g = _offline("tech-cross-validation", CORRECT)
    assert g.red_flags_found == []
    assert f"Covered well: {variants}" in g.strengths
    assert variants not in g.missing_key_points


# --------------------------------------------------------------------------- a model's draft


def _model_draft(question: Question, strengths: list[str], improvements: list[str]) -> GradeDraft:
    return GradeDraft(
        criteria=[
            CriterionDraft(criterion_id=c.id, evidence=[SHUFFLED_SENTENCE], reasoning="ok", score=4)
            for c in library().rubric_for(question).criteria
        ],
        star=[],
        missing_key_points=[],
        strengths=strengths,
        improvements=improvements,
        strong_answer=[],
        summary="Good answer.",
        injection_attempt=False,
    )


def test_a_models_praise_of_the_flagged_topic_is_dropped_wherever_it_is() -> None:
    q = library().question("tech-cross-validation")
    variants = _key_point(q, "variants")
    kept = ["Explains how k-fold rotates the validation fold.", "Clear structure."]
    draft = _model_draft(
        q,
        strengths=[
            f"Covered well: {variants}",
            "Good grasp of time-series splits and TimeSeriesSplit.",
            f"Gives a concrete example (\u201c{SHUFFLED_SENTENCE}\u201d)",
            *kept,
        ],
        improvements=["Great use of walk-forward thinking.", "Mention nested cross-validation."],
    )
    req = _request("tech-cross-validation", SHUFFLED)
    g = finalize(draft, req, "model")
    assert [f.id for f in g.red_flags_found] == ["shuffle-time-series"]
    assert g.strengths == kept
    assert "Great use of walk-forward thinking." not in g.improvements
    assert "Mention nested cross-validation." in g.improvements
    assert variants in g.missing_key_points
    assert praise_contradictions(g) == []


def test_a_models_strengths_stay_when_no_red_flag_is_found() -> None:
    q = library().question("tech-cross-validation")
    variants = _key_point(q, "variants")
    strengths = [f"Covered well: {variants}", "Good grasp of time-series splits."]
    draft = _model_draft(q, strengths=strengths, improvements=["Great, now add an example."])
    req = _request("tech-cross-validation", CORRECT)
    g = finalize(draft, req, "model")
    assert g.red_flags_found == []
    assert g.strengths == strengths
    assert "Great, now add an example." in g.improvements


def test_a_star_part_quoting_the_flagged_sentence_is_not_praised() -> None:
    story = (
        "Situation: our churn model was due on Friday and the data pipeline broke on "
        "Wednesday. Task: I owned the model and the launch. Action: I cut the feature list "
        "to the twenty most stable features and rebuilt the pipeline. Result: I skipped the "
        "data validation checks to make the date and we shipped on Friday with known "
        "problems."
    )
    _, g = _offline("beh-tight-deadline", story)
    if not g.red_flags_found:
        pytest.skip("no red flag of this question fires on the story")
    assert praise_contradictions(g) == []


# --------------------------------------------------------------------------- the dev set


def _dev_answers() -> list[tuple[str, str, str]]:
    rows: list[tuple[str, str, str]] = []
    for path in dev_files():
        rows += [(a.id, a.question, a.text) for a in load_set(Path(path)) if a.tier >= 1]
    return rows


@cache
def _flagged_dev() -> list[tuple[str, Grade]]:
    out = []
    for aid, qid, text in _dev_answers():
        _, g = _offline(qid, text)
        if g.red_flags_found:
            out.append((aid, g))
    return out


def test_no_praise_contradicts_a_red_flag_on_the_development_set() -> None:
    flagged = _flagged_dev()
    assert len(flagged) >= 40, "the development set must hold many answers with red flags"
    problems = {aid: praise_contradictions(g) for aid, g in flagged}
    assert {aid: p for aid, p in problems.items() if p} == {}


# --------------------------------------------------------------------------- padded


def test_the_padded_note_and_advice_name_buzzwords_and_hedging() -> None:
    for text in (FLAG_NOTES["padded"], FLAG_ADVICE["padded"]):
        assert "buzzword" in text.lower()
        assert "hedging" in text.lower()
    assert "specific" in FLAG_NOTES["padded"]
