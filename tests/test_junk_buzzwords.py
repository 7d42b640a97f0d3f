# ruff: noqa: E501
"""Content-free answers are junk (issue 14, item 5): buzzword salads, hedges that answer
nothing, and the question said back; close negatives that use the same words for a
reason are not.

The answers here were written after the check (`Analysis.content_free` in
interviewer/core/grading/junk.py), in other words than the development answers of
benchmarks/grading_set_junk.toml, for other questions where possible. They pin the rule
down; they do not measure how well it generalises (the held-out eval does that).
"""

from __future__ import annotations

import pytest

from interviewer.core.grading import JUNK_FLAGS, analyse
from interviewer.core.grading.junk import CONTENT_FREE_MIN_WORDS
from interviewer.core.models import Question
from interviewer.storage.content_files import load_library
from tests import factories

JUNK = {
    # buzzword salads: fashionable words, no claim about the question
    (
        "tech-feature-importance",
        "buzzwords",
        "Feature importance is where explainable AI really shines. With a modern, AI-first platform you leverage state-of-the-art explainability at scale, unlocking actionable insights and trustworthy, responsible, best-in-class models that empower the whole business.",
    ),
    (
        "case-review-nlp",
        "buzzwords",
        "I'd build a next-generation, cloud-native NLP solution powered by cutting-edge large language models, seamlessly orchestrated end to end, so the retailer gets real value, holistic customer insights and a truly innovative, future-proof ecosystem.",
    ),
    (
        "tech-kmeans-clustering",
        "buzzwords",
        "Clustering is a game changer. Leveraging robust, scalable and AI-driven segmentation, powered by modern MLOps best practices, you unlock synergies and drive impactful, data-driven innovation across the enterprise.",
    ),
    # hedges with nothing they depend on
    (
        "tech-feature-selection",
        "hedge",
        "Honestly, it really depends. Every project is different and there are so many factors, the context, the requirements, the constraints, the goals of the stakeholders. There is no one-size-fits-all answer, so you consider your particular situation and go from there.",
    ),
    (
        "tech-cnn",
        "hedge",
        "That's a tough question, there are various perspectives on it and honestly it depends on the specific circumstances. Different people have different opinions, and ultimately it's about what makes sense in your particular context and situation.",
    ),
    # a story question answered with general remarks and no story
    (
        "beh-challenging-project",
        "hedge",
        "Every project has challenges, that's just how it goes. Generally it comes down to staying positive, keeping communication open and being flexible, because situations change. In the end what matters is the mindset and the lessons, and those are different for everyone.",
    ),
    # the question said back in other words
    (
        "tech-dimensionality-reduction",
        "restated",
        "You're asking what dimensionality reduction is, why someone would use it, and how PCA works. So dimensionality reduction is about reducing the dimensionality, there are reasons you would use dimensionality reduction, and PCA is one way of doing dimensionality reduction that works in its own way.",
    ),
    (
        "tech-classification-regression",
        "restated",
        "The question is the difference between classification and regression, with an example of each and how you would evaluate them. Classification and regression are different, each of them has examples, and each one is evaluated in the way that classification or regression is evaluated.",
    ),
}

REAL = [
    # short expert answers
    (
        "tech-cnn",
        "Stacked convolutions share small filters across the image, so they learn local patterns like edges with few weights and detect them anywhere; pooling or strides grow the receptive field, and deeper layers compose edges into parts and objects.",
    ),
    (
        "tech-dimensionality-reduction",
        "Fewer features to fight the curse of dimensionality, speed things up and plot data. PCA centres the data and projects it onto the top eigenvectors of the covariance matrix, the directions of most variance; keep enough components for, say, 95% of it.",
    ),
    # informal and spoken, with fillers
    (
        "tech-kmeans-clustering",
        "ok so um you pick k centres, like randomly or with k-means plus plus, then you assign every point to the closest centre, and then move each centre to the mean of its points, and you just keep doing that till nothing changes. it kinda assumes round blobs of similar size. for k, uh, I'd look at the elbow of the inertia curve or silhouette scores.",
    ),
    # fashionable words used for a reason
    (
        "case-review-nlp",
        "Start simple: a TF-IDF plus logistic regression baseline for sentiment, then fine-tune a state-of-the-art transformer like DistilBERT on a few thousand labelled reviews, because it handles negation and sarcasm much better. For topics, cluster sentence embeddings per product. It has to be scalable to millions of reviews, so score in nightly batches and track accuracy on a fresh labelled sample each month.",
    ),
    (
        "tech-feature-importance",
        "SHAP gives each feature its average marginal contribution over all orderings, from Shapley values, so the contributions add up to the prediction. I don't trust it when features are strongly correlated, because credit gets split arbitrarily, and it explains the model, not the real world, so it says nothing causal. Permutation importance on a held-out set is a robust cross-check.",
    ),
    # "it depends", then on what and why
    (
        "tech-feature-selection",
        "It depends on the model and the budget. With many noisy features I'd drop near-constant and duplicate columns first, then use L1 or tree-based importance, and check with cross-validation that the smaller set scores as well, because every feature in production is one more thing to compute, monitor and break.",
    ),
    (
        "tech-complexity-interpretability",
        "It depends on who has to trust the model. In credit scoring a regulator needs reasons for every rejection, so I'd take a logistic regression with a few monotone features over a boosted model that is two points of AUC better, since the simpler one can be explained and audited.",
    ),
    # a weak but real answer in fashionable words
    (
        "case-ecommerce-recsys",
        "I'd use a cutting-edge deep learning model trained on what each customer bought before, and recommend the products it predicts they will buy next. It should be scalable so it works on the whole site.",
    ),
    # a weak story with general remarks, told as one's own
    (
        "beh-challenging-project",
        "My hardest project was a forecasting model where the data was a mess. I spent weeks cleaning it and in the end the model was okay, not great. I learned that data quality matters a lot.",
    ),
]


def _q(qid: str) -> Question:
    return load_library().questions[qid]


@pytest.mark.parametrize(("qid", "kind", "text"), sorted(JUNK))
def test_content_free_answers_are_junk(qid: str, kind: str, text: str) -> None:
    a = analyse(text, _q(qid))
    assert a.content_free == kind, (a.content_free, a.emptiness)
    assert set(a.flags) & JUNK_FLAGS, a.flags


@pytest.mark.parametrize(("qid", "text"), REAL)
def test_real_answers_with_the_same_words_are_not_junk(qid: str, text: str) -> None:
    a = analyse(text, _q(qid))
    assert a.content_free == "", (a.content_free, a.emptiness)
    assert not set(a.flags) & JUNK_FLAGS, a.flags


def test_hype_phrases_count_as_phrases_not_as_their_words() -> None:
    q = _q("tech-gradient-descent")
    hype = analyse("We use state of the art optimizers end to end.", q).emptiness
    plain = analyse("At the end, the state of the weights is what we keep.", q).emptiness
    assert hype.hype >= 4
    assert plain.hype == 0


def test_talk_about_the_question_counts_as_the_questions_words() -> None:
    q = _q("tech-gradient-descent")
    meta = analyse("You're asking me something about optimisation curves here.", q).emptiness
    assert meta.given == meta.content > 0


def test_a_short_hedge_is_left_to_too_short() -> None:
    text = "It depends on the situation, honestly."
    a = analyse(text, _q("tech-regularization"))
    assert a.emptiness.content < CONTENT_FREE_MIN_WORDS
    assert a.content_free == ""
    assert "too_short" in a.flags


def test_saying_the_question_back_with_a_means_is_weak_not_padding() -> None:
    q = _q("tech-overfitting")
    back = "Overfitting is when the model overfits, and you detect overfitting when it overfits."
    means = back + " You fix it by making the model simpler."
    assert "padded" in analyse(back, q).flags
    assert "padded" not in analyse(means, q).flags


def _grade(qid: str, text: str) -> tuple[float, list[str]]:
    return factories.coach_grade(qid, text, 60.0)


def test_a_buzzword_salad_gets_nothing_and_a_plain_weak_answer_is_still_graded() -> None:
    salad = next(t for qid, _, t in JUNK if qid == "case-review-nlp")
    weak = "I would use a pretrained sentiment model to label each review positive or negative, and count the negative reviews per product so the team knows which products to look at first."
    salad_score, salad_flags = _grade("case-review-nlp", salad)
    weak_score, weak_flags = _grade("case-review-nlp", weak)
    assert salad_score == 0
    assert "padded" in salad_flags
    assert not set(weak_flags) & JUNK_FLAGS
    assert weak_score > salad_score
