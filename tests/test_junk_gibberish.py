# ruff: noqa: E501
"""Noise made of real tokens is gibberish (issue 14, item 5): pasted code, logs and data,
half nonsense, real words in random order; close negatives are not: answers that show
code or math and explain it, answers full of typos or abbreviations, answers in plain
words of the candidate's own, real answers in another language, unsure but sincere ones.

The answers here were written after the checks (`_code_share`, `Analysis.known_share`,
`_word_salad` in interviewer/core/grading/junk.py and the plain-word paraphrases of
interviewer/core/grading/topics.py), in other words than the development answers of
benchmarks/grading_set_junk2.toml and mostly for other questions. They pin the rules
down; they do not measure how well they generalise (the held-out eval does that).
"""

from __future__ import annotations

import pytest

from interviewer.core.grading import JUNK_FLAGS, analyse
from interviewer.core.grading.junk import CODE_SHARE, KNOWN_SHARE, _code_share, _word_salad
from interviewer.core.grading.text import words
from interviewer.core.models import Question
from interviewer.storage.content_files import load_library
from tests import factories

GIBBERISH = [
    # a pasted stack trace
    (
        "tech-cnn",
        'Traceback (most recent call last):\n  File "model.py", line 88, in forward\n    x = self.conv2(x)\n  File "/opt/conda/lib/python3.11/site-packages/torch/nn/modules/conv.py", line 460, in forward\nRuntimeError: Given groups=1, weight of size [64, 32, 3, 3], expected input[8, 3, 224, 224] to have 32 channels',
    ),
    # code and nothing else
    (
        "tech-kmeans-clustering",
        "km = KMeans(n_clusters=8, n_init=10, random_state=0)\nlabels = km.fit_predict(X_scaled)\nscores = [silhouette_score(X_scaled, KMeans(k).fit_predict(X_scaled)) for k in range(2, 11)]",
    ),
    # a config pasted as the answer
    (
        "tech-imbalanced-data",
        '{"class_weight": "balanced", "scale_pos_weight": 99, "eval_metric": "aucpr", "n_estimators": 500}',
    ),
    # half nonsense: English glue around made-up words
    (
        "tech-cross-validation",
        "you take the folds and then the grumble wopsy into the snarfle k times and the plinth voodle gets a frazzle of the zonk",
    ),
    # the question's own terms in random order
    (
        "tech-knn",
        "neighbours the distance of of k nearest and the vote the majority scaling of the",
    ),
    (
        "tech-trees-forests",
        "forest the split random of tree the bagging of and variance the features decision of the the",
    ),
]

NOT_JUNK = [
    # code shown and explained
    (
        "tech-gradient-descent",
        "In code it is just `w = w - lr * grad` inside a loop: you compute the gradient of the loss on a batch and step against it. If lr is too big it overshoots and diverges, too small and it crawls; momentum or Adam help on ravines, and scaling the features makes the bowl rounder so it converges faster.",
    ),
    # math notation that explains
    (
        "tech-bias-variance",
        "E[(y - f̂)²] = bias² + variance + σ² noise. A simple model has high bias² and low variance, a flexible one the reverse, so as complexity grows the test error falls then rises; I pick the point where validation error is lowest.",
    ),
    # terse, abbreviations
    (
        "tech-cross-validation",
        "k-fold: split into k parts, train on k-1, eval on the held-out one, rotate, avg the k scores. Breaks w/ time series (future leaks into train, use rolling/forward splits) and w/ grouped data, e.g. same patient in train+val, use GroupKFold.",
    ),
    # many typos
    (
        "tech-regularization",
        "regularisation adds a penalty to the loss so the model doesnt overfit. L1 is the sum of absolut values and pushes some wieghts to exactly zero so its like featur selection, L2 is the sum of squares and just shrinks them, it handels correlated features beter",
    ),
    # plain words, no term of the bank's key points
    (
        "case-ecommerce-recsys",
        "I'd use a model trained on what each customer bought before, and show them the products it predicts they will buy next, and for someone brand new just the things most people buy.",
    ),
    # a real answer in another language (with the field's English terms)
    (
        "tech-cross-validation",
        "Con k-fold divido los datos en k partes, entreno con k-1 y evalúo con la que queda, y repito k veces para promediar el error. Con series temporales no sirve porque el futuro se filtra al training: ahí uso splits hacia adelante.",
    ),
    # unsure but sincere
    (
        "tech-knn",
        "I'm not sure, I think it has to do with looking at the points that are closest to the new one and going with what most of them are. Maybe it gets slow with lots of data?",
    ),
]


def _q(qid: str) -> Question:
    return load_library().questions[qid]


@pytest.mark.parametrize(("qid", "text"), GIBBERISH)
def test_noise_made_of_real_tokens_is_gibberish(qid: str, text: str) -> None:
    a = analyse(text, _q(qid))
    assert "gibberish" in a.flags, (a.flags, _code_share(a.text), a.known_share)


@pytest.mark.parametrize(("qid", "text"), NOT_JUNK)
def test_code_math_typos_plain_words_and_other_languages_are_not_junk(qid: str, text: str) -> None:
    a = analyse(text, _q(qid))
    assert not set(a.flags) & JUNK_FLAGS, (a.flags, _code_share(a.text), a.known_share)


def test_code_share_counts_chunks_that_read_as_code() -> None:
    assert _code_share("print(model.score(X_test, y_test))  # done") >= CODE_SHARE
    assert _code_share("https://example.com/a https://example.com/b see:https://x.org") == 1.0
    prose = "The model scores well on the test set, e.g. 0.91 AUC, and the one-off run at 3.5 s is fine."
    assert _code_share(prose) == 0.0


def test_typos_keep_most_words_known_and_made_up_words_do_not() -> None:
    q = _q("tech-overfitting")
    typos = analyse("the modle lerns the trainig data to well so validaton error goes up", q)
    made_up = analyse("the blorf skimbles the wozzle data to frink so the plazz goes up", q)
    assert typos.known_share >= KNOWN_SHARE
    assert made_up.known_share < KNOWN_SHARE


def test_word_salad_needs_broken_pairs_not_just_a_missing_verb() -> None:
    # Real prose without a pronoun or auxiliary ("alternates", "moving") is not salad.
    prose = "K-means alternates between assigning each point to its nearest centroid and moving each centroid to the mean of its points until nothing changes"
    salad = "centroid the of points the nearest and of the mean assigning k the"
    assert not _word_salad(prose, words(prose))
    assert _word_salad(salad, words(salad))
    # Hyphenated words are whole: "the on-call rotation" is not "the on".
    hyphen = (
        "I took the on-call rotation and the in-house tooling, and the of-the-shelf part was fine"
    )
    assert not _word_salad(hyphen, words(hyphen))


def test_plain_words_count_as_the_field_words_they_stand_for() -> None:
    q = _q("case-ecommerce-recsys")
    plain = analyse("what each customer bought before and the products they will buy next", q)
    assert plain.relevance.own > 0
    # Matched as written: "good" is not "goods", so cooking talk stays off topic.
    cooking = analyse(
        "I love cooking pasta with good tomatoes and fresh basil for my family on weekends, slowly, for hours.",
        q,
    )
    assert "off_topic" in cooking.flags


def _grade(qid: str, text: str) -> tuple[float, list[str]]:
    return factories.coach_grade(qid, text, 60.0)


def test_pasted_code_gets_nothing_and_code_that_explains_is_graded() -> None:
    pasted = next(t for qid, t in GIBBERISH if qid == "tech-kmeans-clustering")
    explained = "I'd run `KMeans(n_clusters=k, n_init=10)` for k from 2 to 10 on scaled features and keep the k where the silhouette score peaks, because k-means only finds a local optimum and assumes round clusters of similar size."
    pasted_score, pasted_flags = _grade("tech-kmeans-clustering", pasted)
    explained_score, explained_flags = _grade("tech-kmeans-clustering", explained)
    assert pasted_score == 0 and "gibberish" in pasted_flags
    assert not set(explained_flags) & JUNK_FLAGS
    assert explained_score > pasted_score


def test_a_real_answer_with_its_words_shuffled_is_gibberish() -> None:
    answer = "I'd split the data by time, train on the first two years and test on the last one, because shuffling would leak the future into training and make the score look better than it is."
    shuffled = "the on because and would the the look time, leak train first future test years split is. last the I'd into data it make score one, two shuffling than training on by and better"
    q = _q("tech-cross-validation")
    assert not set(analyse(answer, q).flags) & JUNK_FLAGS
    assert "gibberish" in analyse(shuffled, q).flags


@pytest.mark.parametrize(
    "text",
    [
        "<section><h2>knn</h2><ul><li>distance</li></ul></section>",
        "id,distance,label\n1,0.3,cat\n2,0.9,dog\n3,0.4,cat",
        "👉 neighbours 👉 distance 👉 vote 🤷",
    ],
)
def test_markup_data_rows_and_emoji_are_noise(text: str) -> None:
    assert "gibberish" in analyse(text, _q("tech-knn")).flags


def test_one_word_said_over_and_over_is_padded_and_numbers_in_prose_are_not_noise() -> None:
    q = _q("tech-knn")
    assert (
        "padded" in analyse("neighbours neighbours knn neighbours neighbours neighbours", q).flags
    )
    assert "padded" in analyse("meh meh meh distance meh meh meh meh", q).flags
    prose = "With 1,000,000 rows and k=5, each query scans every row, so I'd use a KD-tree or an approximate index."
    assert _code_share(prose) < CODE_SHARE


# Mash typed along one keyboard row between the right terms, and placeholder text: each
# scored 21/100 with only "too short" before (found by hand, not from any answer set).
MASH_WITH_TERMS = [
    (
        "tech-bias-variance",
        "asdkj bias qwe variance lkjh overfitting zxcv underfitting poiu complexity mnb tradeoff",
    ),
    ("tech-regularization", "L1 sdfkj lasso wqer ridge poiuy penalty hjkl weights zxcvb sparse"),
    (
        "tech-bias-variance",
        "lorem ipsum dolor sit amet bias variance consectetur adipiscing elit overfitting sed do eiusmod",
    ),
]
NOT_MASH = [
    # another language: its words sit on one row too ("tipo", "que", "weiter") but it is text
    (
        "tech-bias-variance",
        "El sesgo es el error de un modelo demasiado simple, que no ve el tipo de patrón; la varianza es el error por ser demasiado sensible a los datos de entrenamiento.",
    ),
    (
        "tech-bias-variance",
        "Ja, also Bias und Varianz: ein zu einfaches Modell hat hohen Bias und unterschätzt die Struktur, ein zu komplexes Modell hat hohe Varianz und passt sich dem Rauschen an, weiter nichts.",
    ),
    # real English words that happen to sit on one row ("type", "were", "you", "pretty")
    (
        "tech-bias-variance",
        "Bias is the error you get when the type of model is too simple; variance is the error when it reacts to every quirk of the data you were given, which is pretty common with deep trees.",
    ),
]


@pytest.mark.parametrize(("qid", "text"), MASH_WITH_TERMS)
def test_keyboard_mash_between_the_right_terms_is_gibberish(qid: str, text: str) -> None:
    score, flags = _grade(qid, text)
    assert "gibberish" in flags, (flags, score)
    assert score == 0


@pytest.mark.parametrize(("qid", "text"), NOT_MASH)
def test_other_languages_and_one_row_english_words_are_not_mash(qid: str, text: str) -> None:
    analysis = analyse(text, _q(qid))
    assert analysis.row_mash_share < 0.1, analysis.row_mash_share
    # Not gibberish. (An answer wholly in another language may still be called off topic:
    # relevance is measured on the bank's English vocabulary, a known limit.)
    assert "gibberish" not in analysis.flags, analysis.flags


# A short bag of words with no clause, a third of it outside the field, is word salad;
# a bare list of the right terms is a (weak) term list, not junk. Found by hand.
BAGS = [
    (
        "tech-cnn",
        "convolution banana pooling purple filter seventeen kernel guitar stride cloud layer",
    ),
    ("tech-missing-data", "imputation mean median blah blah missing values whatever idk stuff"),
]
TERM_LISTS = [
    (
        "tech-dimensionality-reduction",
        "pca t-sne umap lda svd autoencoder eigenvectors variance components reduce dims",
    ),
    (
        "tech-imbalanced-data",
        "smote, undersampling, oversampling, class weights, f1, precision, recall, pr auc",
    ),
]


@pytest.mark.parametrize(("qid", "text"), BAGS)
def test_a_short_bag_of_words_half_outside_the_field_is_gibberish(qid: str, text: str) -> None:
    score, flags = _grade(qid, text)
    assert "gibberish" in flags, (flags, score)


@pytest.mark.parametrize(("qid", "text"), TERM_LISTS)
def test_a_bare_list_of_the_right_terms_is_graded_not_junk(qid: str, text: str) -> None:
    score, flags = _grade(qid, text)
    assert not (set(flags) & JUNK_FLAGS), flags
    assert 0 < score <= 30, score  # graded, and capped as naming without explaining
