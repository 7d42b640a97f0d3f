"""Feedback truth, second round (issue 11): statements that contradict the candidate's answer.

A labelled "Result:" swallowed the reflection after it ("No reflection" beside "I learned
to ..."); a STAR-labelled story was told to "lead with a one-line answer"; a story about a
failed model, asked about a difficult teammate, scored "lean hire" with "Covered well:
... the relationship". The checker in tests/test_feedback_truth.py catches each of these.
"""

from __future__ import annotations

import pytest

from benchmarks.grading_eval import load_set
from tests.test_feedback_truth import contradictions, grade, library

FRAUD_STORY = (
    "Situation: at my last job our fraud model's precision dropped from 0.91 to 0.62 after a "
    "holiday sale. Task: I owned the model and had to get alerts back under control within a "
    "week. Action: I compared feature distributions between training and live data, found the "
    "merchant category field had been remapped upstream, retrained with the corrected mapping "
    "and added a schema check to the pipeline. Result: precision recovered to 0.89 within "
    "four days and manual reviews fell 45 percent. I learned to validate upstream schemas "
    "before every retrain."
)
LEAN_NO_HIRE_TOP = 60.0  # summary bands: 60 and above is "lean hire"


def test_the_checker_catches_the_reported_contradictions() -> None:
    reported = grade(FRAUD_STORY, "beh-model-failure").model_copy(
        update={
            "question_id": "beh-difficult-teammate",
            "strengths": [
                "Covered well: Reports a concrete outcome for both the work and the "
                "relationship, e.g. reviews turned around in a day instead of a week, or the "
                "release shipped on schedule."
            ],
            "improvements": [
                "No reflection: end with what you learned or would do differently next time.",
                "Communication: Structure the answer: lead with a one-line answer, then go "
                "point by point (first, then, finally) and close with a summary.",
            ],
        }
    )
    found = "\n".join(contradictions(reported, FRAUD_STORY))
    for expected in ("reflection told", "generic structure advice", "covered well, yet none"):
        assert expected in found, expected


@pytest.mark.parametrize(
    "closing",
    [
        "I learned to validate upstream schemas before every retrain.",
        "The lesson was to validate upstream schemas before every retrain.",
        "Next time I would validate upstream schemas before every retrain.",
        "In hindsight, we should have validated the upstream schema.",
        "Looking back, a schema check would have caught it in a day.",
        "I now always validate upstream schemas before a retrain.",
    ],
)
def test_a_reflection_after_a_labelled_result_is_a_reflection(closing: str) -> None:
    text = FRAUD_STORY.rsplit(" I learned", 1)[0] + " " + closing
    g = grade(text, "beh-model-failure")
    star = {i.component: i for i in g.star}
    assert star["reflection"].status == "present", closing
    assert star["reflection"].quote == closing
    assert "45 percent" in star["result"].quote
    assert not any(i.startswith("No reflection") for i in g.improvements)
    assert not any("Explain, not just name" in i and "learn" in i for i in g.improvements)
    assert contradictions(g, text) == []


def test_a_star_labelled_story_gets_star_communication_advice() -> None:
    g = grade(FRAUD_STORY, "beh-model-failure")
    assert not any("one-line answer" in i or "point by point" in i for i in g.improvements)
    comm = next(c for c in g.criteria if c.criterion_id == "communication")
    assert comm.score >= 4, comm


def test_a_story_for_another_question_is_off_topic() -> None:
    g = grade(FRAUD_STORY, "beh-difficult-teammate")
    assert "off_topic" in g.flags
    assert g.overall_score < 40
    assert not any(s.startswith("Covered well") for s in g.strengths)
    assert contradictions(g, FRAUD_STORY) == []
    own = grade(FRAUD_STORY, "beh-model-failure")
    assert "off_topic" not in own.flags and own.overall_score >= 75


def _strong_stories() -> list[tuple[str, str, str]]:
    lib = library()
    return [
        (i.id, i.question, i.text)
        for i in load_set()
        if i.tier == 3 and not i.twin and lib.question(i.question).category == "behavioral"
    ]


def _cross_pairs() -> list[tuple[str, str, str]]:
    behavioral = [q.id for q in library().questions.values() if q.category == "behavioral"]
    return [
        (aid, qid, text) for aid, own, text in _strong_stories() for qid in behavioral if qid != own
    ]


# A team-conflict story about a retraining cadence is, word for word, as much a
# "challenging ML project" story: no vocabulary measure tells the two apart.
KNOWN_OVERLAP = {("conf-strong", "beh-challenging-project")}


@pytest.mark.parametrize(("aid", "qid", "text"), _cross_pairs(), ids=lambda v: str(v)[:28])
def test_a_strong_story_for_another_question_scores_low(aid: str, qid: str, text: str) -> None:
    if (aid, qid) in KNOWN_OVERLAP:
        pytest.skip("the two questions share this story's vocabulary")
    g = grade(text, qid)
    assert g.overall_score < LEAN_NO_HIRE_TOP, (aid, qid, g.overall_score)
    assert not any(s.startswith("Covered well") for s in g.strengths), (aid, qid)
    assert contradictions(g, text) == []


@pytest.mark.parametrize(("aid", "qid", "text"), _strong_stories(), ids=lambda v: str(v)[:28])
def test_a_strong_story_keeps_its_score_on_its_own_question(aid: str, qid: str, text: str) -> None:
    g = grade(text, qid)
    assert not set(g.flags) & {"off_topic", "padded"}, aid
    before = {  # scores before this change (benchmarks/grading_eval.py, 2026-12-02)
        "conf-strong": 92.5,
        "dl-strong": 85.0,
        "ex-strong": 82.5,
        "mf-strong": 75.0,
        "dt-strong": 63.8,
        "pw-strong": 82.5,
        "sc-strong": 57.5,
    }
    assert g.overall_score >= before.get(aid, 0.0), (aid, g.overall_score)
