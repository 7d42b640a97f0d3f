# ruff: noqa: E501
"""Junk checks on answers written apart from the labelled grading set.

Real answers in the candidate's own words (short, terse, a story with no word of the
question in it) must never be called junk; answers about something else (another ML
topic, everyday life) are off topic; saying the same few words over is padding.
"""

from __future__ import annotations

import pytest

from interviewer.core.grading import analyse
from interviewer.storage.content_files import load_library

JUNK = {"off_topic", "padded", "gibberish"}

CASES = [
    (
        "tech-overfitting",
        False,
        "The model memorises noise in the training set, so training loss keeps dropping while validation loss climbs. I'd fix it with more data, early stopping, dropout or L2.",
    ),
    (
        "tech-overfitting",
        True,
        "My favourite football team lost again last night, the defence was terrible and the coach should have been sacked months ago.",
    ),
    (
        "tech-overfitting",
        True,
        "Overfitting is a thing that happens. It happens a lot. When it happens it is bad, so it should not happen, and that is what overfitting is, a bad thing that happens.",
    ),
    (
        "tech-knn",
        False,
        "You store the training points, and for a new point you find the k closest by some distance, say Euclidean, then take a majority vote for classification or average for regression. Scale the features first and pick k with cross-validation.",
    ),
    (
        "tech-knn",
        True,
        "Gradient descent updates the weights by stepping against the gradient of the loss with some learning rate until convergence.",
    ),
    (
        "tech-cross-validation",
        False,
        "Split the data into k folds, train on k minus one and test on the held out one, rotate, and average the scores. For time series use forward chaining instead.",
    ),
    (
        "tech-missing-data",
        False,
        "First find out why it's missing. Then drop, impute with mean or median, or use a model that handles nulls like gradient boosting, and add an indicator column.",
    ),
    (
        "tech-missing-data",
        True,
        "I love travelling, last summer I went to Portugal and the beaches were amazing, the food was cheap and the people were friendly.",
    ),
    (
        "case-fraud-detection",
        False,
        "Fraud is rare so I'd use precision-recall, not accuracy. Features like transaction amount, velocity, device and merchant. Start with gradient boosted trees, set the threshold by the cost of a missed fraud versus a blocked customer, and retrain often because fraudsters adapt.",
    ),
    (
        "case-fraud-detection",
        True,
        "To recommend products I'd use collaborative filtering on the user item matrix, with a two tower model for candidate generation and a ranker on top.",
    ),
    (
        "case-churn-prediction",
        False,
        "Define churn first, like no purchase in 60 days. Build features from usage, tenure and support tickets, train a classifier, and check it with AUC and lift in the top decile so the retention team can target those customers.",
    ),
    (
        "beh-team-conflict",
        False,
        "Two engineers on my team disagreed about whether to rewrite our feature pipeline. I set up a meeting where each wrote down pros and cons, we agreed to prototype both for a week, and we picked the faster one. The pipeline shipped on time and both of them were happy with how it was decided.",
    ),
    (
        "beh-team-conflict",
        True,
        "Transformers use self-attention so every token can look at every other token, and positional encodings give them order information.",
    ),
    (
        "beh-tight-deadline",
        False,
        "We had four days to ship a model for a client demo. I cut the scope to one market, reused last quarter's features and skipped the hyperparameter search. We demoed on time and did the full version the following sprint.",
    ),
    (
        "beh-staying-current",
        False,
        "I read arXiv abstracts on Monday mornings, follow a couple of newsletters like The Batch, and once a month I reimplement one paper in a notebook to actually understand it.",
    ),
    (
        "beh-staying-current",
        True,
        "My weekend routine is going to the gym, then brunch with friends, then watching a movie in the evening.",
    ),
    (
        "beh-explain-non-technical",
        False,
        "Our sales director wanted to know why the lead score changed. I skipped the maths and showed her three example leads and which of their attributes moved the score, using a simple bar chart. She then used that to coach her team.",
    ),
    (
        "beh-model-failure",
        False,
        "Our demand model started overpredicting after a promotion calendar change. I caught it in the weekly error dashboard, traced it to a feature that was now always zero, patched the pipeline and added a data check so it alerts us next time.",
    ),
    (
        "beh-difficult-teammate",
        True,
        "Difficult, difficult, yes, a difficult teammate is difficult. Teammates can be difficult and being difficult is hard for the team. So yes, difficult teammates are difficult to work with, very difficult.",
    ),
    (
        "tech-regularization",
        False,
        "Add a penalty on the weights to the loss. L1 pushes some weights to exactly zero so it selects features, L2 shrinks them all smoothly. Lambda sets the strength, tuned by validation.",
    ),
    (
        "tech-bias-variance",
        True,
        "Um, so, basically, like, bias and variance, you know, it's like, um, basically a trade-off, like, you know, between them, basically, yeah, um, so that's basically it, you know.",
    ),
]


@pytest.mark.parametrize(("qid", "is_junk", "text"), CASES)
def test_junk_flags_on_unseen_answers(qid: str, is_junk: bool, text: str) -> None:
    question = load_library().questions[qid]
    flags = set(analyse(text, question).flags) & JUNK
    assert bool(flags) == is_junk, flags


def test_a_behavioral_story_with_none_of_the_questions_words_is_on_topic() -> None:
    q = load_library().questions["beh-prioritise-workload"]
    story = (
        "During a migration I also had an A/B readout and a bug in the scoring job. I fixed "
        "the bug first because it cost money daily, told the PM the readout would slip two "
        "days, and did the migration in blocked afternoons. All of it landed that week."
    )
    assert "off_topic" not in analyse(story, q).flags


def test_relevance_prefers_the_question_the_answer_is_about() -> None:
    lib = load_library().questions
    text = "Collaborative filtering on the user item matrix, then a ranker on the candidates."
    rec = analyse(text, lib["case-ecommerce-recsys"]).relevance
    fraud = analyse(text, lib["case-fraud-detection"]).relevance
    assert rec.own > fraud.own
    assert fraud.best_other >= rec.own


@pytest.mark.parametrize(
    "text",
    [
        "Explain the bias-variance trade-off.",  # the question said back
        "BIAS AND VARIANCE!!! THE TRADE-OFF!!! BIAS VARIANCE TRADE-OFF!!!",
    ],
)
def test_restating_the_question_is_padding(text: str) -> None:
    question = load_library().questions["tech-bias-variance"]
    assert "padded" in analyse(text, question).flags


def test_a_terse_answer_in_its_own_words_is_not_padding() -> None:
    question = load_library().questions["tech-bias-variance"]
    flags = analyse("Bias underfits, variance overfits; regularise or add data.", question).flags
    assert not set(flags) & JUNK


def test_a_well_told_story_about_another_question_is_off_topic() -> None:
    questions = load_library().questions
    teammate = questions["beh-difficult-teammate"]
    wrong_story = (
        "In my last job our churn model degraded after a pricing change. I noticed it in "
        "the weekly dashboard, retrained it on recent data and added drift alerts. Recall "
        "went back from 0.61 to 0.78 and I learned to monitor inputs."
    )
    assert "off_topic" in analyse(wrong_story, teammate).flags
    right_story = (
        "A senior data engineer kept rejecting my pull requests with one-line comments and "
        "it slowed the whole project. I asked him for a coffee and learned he had been "
        "paged at night because of notebooks others shipped. We agreed I would follow the "
        "pipeline template and he would review within a day; reviews then took two days "
        "instead of a week."
    )
    assert not set(analyse(right_story, teammate).flags) & JUNK


def test_deployment_talk_asked_about_missing_data_is_off_topic() -> None:
    """Hardly a word of its own question and plainly about another topic of the field:
    off topic (it scored 20/100 with no flag before; found by hand)."""
    from interviewer.core.grading import analyse as _analyse
    from interviewer.storage.content_files import load_library as _load

    lib = _load()
    q = lib.questions["tech-missing-data"]
    text = (
        "I usually deploy models with Docker and Kubernetes, set up a CI pipeline with "
        "GitHub Actions, and monitor latency with Prometheus and Grafana dashboards."
    )
    assert "off_topic" in _analyse(text, q).flags
    honest = (
        "Missing values: first ask why they are missing. If it is random, impute with the "
        "median inside the pipeline; if missingness carries signal, add an indicator column."
    )
    assert "off_topic" not in _analyse(honest, q).flags
