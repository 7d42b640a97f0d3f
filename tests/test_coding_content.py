"""The ML coding track's content: every reference passes, known mistakes fail the right tests.

Each run is a real guarded child process (interviewer/coding/runner.py), a few tenths
of a second each.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from pydantic import ValidationError

from interviewer.coding.runner import run_tests
from interviewer.core.content import ContentLibrary
from interviewer.core.models import CodeTest, CodingSpec, Question
from interviewer.storage.content_files import load_library

REQUIRED = {
    "code-precision-recall": "precision_recall_f1(y_true, y_pred) -> tuple[float, float, float]",
    "code-kfold-split": (
        "stratified_kfold_indices(y, k, seed=0) -> list[tuple[list[int], list[int]]]"
    ),
    "code-kmeans": "kmeans(X, k, n_iter=100, seed=0) -> tuple[np.ndarray, np.ndarray]",
}


@pytest.fixture(scope="module")
def lib() -> ContentLibrary:
    return load_library(Path("/nonexistent-user-dir"))


def coding_questions(lib: ContentLibrary) -> list[Question]:
    return [q for q in lib.questions.values() if q.kind == "coding"]


def test_the_track_and_at_least_ten_problems_load(lib: ContentLibrary) -> None:
    assert not [e for e in lib.errors if "coding" in str(e)]
    track = lib.track("ml-coding")
    asked = lib.questions_for(track)
    assert len(asked) >= 10
    assert all(q.kind == "coding" and q.coding is not None for q in asked)
    for qid, signature in REQUIRED.items():
        spec = lib.question(qid).coding
        assert spec is not None and spec.signature == signature
    topics = " ".join(t for q in asked for t in q.topics)
    for topic in ("gradient descent", "k-nearest", "tf-idf", "confusion matrix", "softmax"):
        assert topic in topics
    assert "data manipulation" in topics and "data leakage" in topics
    assert lib.rubric_for(asked[0]).id == "coding"


def test_other_tracks_never_pick_a_coding_question(lib: ContentLibrary) -> None:
    for track in lib.tracks.values():
        if "coding" in track.kinds:
            continue
        assert all(q.kind == "open" for q in lib.questions_for(track)), track.id
        for seed in range(5):
            picked = lib.select_questions(track, count=50, rng=random.Random(seed))
            assert all(q.kind == "open" for q in picked), track.id


def test_the_full_loop_adds_one_coding_question_only_when_asked(lib: ContentLibrary) -> None:
    loop = lib.track("ml-full-loop")
    assert loop.coding_option
    plain = lib.select_questions(loop, rng=random.Random(1))
    assert [q.kind for q in plain].count("coding") == 0
    mixed = lib.select_questions(loop, rng=random.Random(1), include_coding=True)
    assert len(mixed) == loop.question_count
    assert [q.kind for q in mixed].count("coding") == 1
    assert mixed[-1].kind == "coding"
    technical = lib.track("ml-technical")  # no coding option: the request is ignored
    picked = lib.select_questions(technical, rng=random.Random(1), include_coding=True)
    assert all(q.kind == "open" for q in picked)


@pytest.mark.parametrize(
    "qid",
    [
        "code-precision-recall",
        "code-kfold-split",
        "code-kmeans",
        "code-linreg-gd",
        "code-knn",
        "code-tfidf",
        "code-confusion-matrix",
        "code-softmax-ce",
        "code-standardise",
        "code-fill-group-mean",
    ],
)
def test_every_reference_passes_its_examples_and_hidden_tests(
    lib: ContentLibrary, qid: str
) -> None:
    spec = lib.question(qid).coding
    assert spec is not None
    result = run_tests(spec.reference, spec, [*spec.examples, *spec.hidden])
    assert result.status == "ok", result.message
    assert [r.message for r in result.results if not r.ok] == []
    assert result.passed == len(spec.examples) + len(spec.hidden)
    starter = run_tests(spec.starter, spec, spec.hidden)
    assert starter.passed < starter.total, "the starter code must not pass every test"


def failed(lib: ContentLibrary, qid: str, code: str) -> dict[str, str]:
    spec = lib.question(qid).coding
    assert spec is not None
    result = run_tests(code, spec, spec.hidden)
    return {r.name: r.message for r in result.results if not r.ok}


SWAPPED = """
import numpy as np

def precision_recall_f1(y_true, y_pred):
    t = np.asarray(y_true).astype(bool)
    p = np.asarray(y_pred).astype(bool)
    tp = int((t & p).sum())
    recall = tp / p.sum() if p.sum() else 0.0      # swapped: divides by predicted
    precision = tp / t.sum() if t.sum() else 0.0   # swapped: divides by actual
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return float(precision), float(recall), float(f1)
"""


def test_swapped_precision_and_recall_fail_where_they_differ(lib: ContentLibrary) -> None:
    fails = failed(lib, "code-precision-recall", SWAPPED)
    assert "precision and recall differ" in fails
    assert "expected (0.5, 0.3333" in fails["precision and recall differ"]
    assert "numpy arrays in" in fails
    # cases where precision equals recall, or both are zero, still pass
    assert "all negative everywhere" not in fails and "no predicted positives" not in fails


NO_GUARD = """
import numpy as np

def precision_recall_f1(y_true, y_pred):
    t = np.asarray(y_true).astype(bool)
    p = np.asarray(y_pred).astype(bool)
    tp = (t & p).sum()
    precision = tp / p.sum()
    recall = tp / t.sum()
    return float(precision), float(recall), float(2 * precision * recall / (precision + recall))
"""


def test_an_unguarded_zero_denominator_fails_the_edge_tests(lib: ContentLibrary) -> None:
    fails = failed(lib, "code-precision-recall", NO_GUARD)
    assert {"no predicted positives", "no actual positives", "all negative everywhere"} <= set(
        fails
    )
    assert "precision and recall differ" not in fails


OFF_BY_ONE = """
import numpy as np

def stratified_kfold_indices(y, k, seed=0):
    y = np.asarray(y)
    n = len(y)
    rng = np.random.default_rng(seed)
    folds = [[] for _ in range(k)]
    for label in np.unique(y):
        idx = np.flatnonzero(y == label)
        rng.shuffle(idx)
        for j, i in enumerate(idx):
            folds[j % k].append(int(i))
    out = []
    for f in folds:
        val = sorted(f)
        train = [i for i in range(1, n) if i not in f]   # off by one: index 0 is lost
        out.append((train, val))
    return out
"""


def test_an_off_by_one_in_the_folds_fails_the_index_checks(lib: ContentLibrary) -> None:
    fails = failed(lib, "code-kfold-split", OFF_BY_ONE)
    assert "every index used (index 0 and n-1 too)" in fails
    assert (
        "train and validation together must hold every index"
        in (fails["every index used (index 0 and n-1 too)"])
    )


LEAKY = """
import numpy as np

def standardise(X_train, X_test):
    both = np.vstack([X_train, X_test]).astype(float)   # leakage: test rows in the fit
    mean, std = both.mean(axis=0), both.std(axis=0)
    std[std == 0] = 1.0
    return (np.asarray(X_train) - mean) / std, (np.asarray(X_test) - mean) / std
"""


def test_leakage_in_standardisation_fails_the_leakage_tests(lib: ContentLibrary) -> None:
    fails = failed(lib, "code-standardise", LEAKY)
    assert "test statistics are not used" in fails
    assert "training output has mean 0 and std 1" in fails
    assert fails["test statistics are not used"].startswith("expected (array(")


LOG_OF_SOFTMAX = """
import numpy as np

def softmax_cross_entropy(logits, labels):
    z = np.asarray(logits, dtype=float)
    e = np.exp(z - z.max(axis=1, keepdims=True))
    p = e / e.sum(axis=1, keepdims=True)
    with np.errstate(divide="ignore"):
        loss = -np.log(p[np.arange(len(z)), labels]).mean()
    return p, float(loss)
"""


def test_log_of_softmax_fails_only_the_confidently_wrong_case(lib: ContentLibrary) -> None:
    fails = failed(lib, "code-softmax-ce", LOG_OF_SOFTMAX)
    assert list(fails) == ["confidently wrong stays finite"]
    assert "the loss must be finite, got inf" in fails["confidently wrong stays finite"]


def test_a_coding_question_needs_its_coding_table() -> None:
    base = {
        "id": "code-x",
        "category": "technical",
        "text": "Write f.",
        "topics": ["coding"],
        "difficulty": "easy",
        "answer_seconds": 600,
        "rubric": "coding",
        "key_points": [
            {"id": "a", "text": "A.", "terms": ["a"]},
            {"id": "b", "text": "B.", "terms": ["b"]},
        ],
        "follow_ups": [{"text": "Why?"}, {"text": "How?"}],
    }
    with pytest.raises(ValidationError, match="kind 'coding' needs a \\[coding\\] table"):
        Question.model_validate({**base, "kind": "coding"})
    spec = {
        "function": "f",
        "signature": "f(x)",
        "starter": "def f(x):\n    pass\n",
        "reference": "def f(x):\n    return x\n",
        "examples": [{"name": "one", "call": "f(1)", "expect": "1"}],
        "hidden": [{"name": "two", "call": "f(2)", "expect": "2"}],
    }
    q = Question.model_validate({**base, "kind": "coding", "coding": spec})
    assert q.coding is not None and q.coding.reference == "def f(x):\n    return x\n"
    with pytest.raises(ValidationError, match="needs `expect` or `check`"):
        CodeTest(name="t", call="f(1)")
    with pytest.raises(ValidationError, match="extra"):
        CodingSpec.model_validate({**spec, "solution": "x"})
    with pytest.raises(ValidationError, match="a \\[coding\\] table needs kind"):
        Question.model_validate({**base, "coding": spec})


TRANSPOSED = """
import numpy as np

def confusion_matrix(y_true, y_pred, labels=None):
    t, p = np.asarray(y_true), np.asarray(y_pred)
    if labels is None:
        labels = np.unique(np.concatenate([t, p]))
    idx = {v: i for i, v in enumerate(np.asarray(labels).tolist())}
    m = np.zeros((len(idx), len(idx)), dtype=int)
    for a, b in zip(t.tolist(), p.tolist()):
        m[idx[b], idx[a]] += 1          # rows are predictions: transposed
    return m
"""


def test_a_transposed_confusion_matrix_fails_the_orientation_tests(lib: ContentLibrary) -> None:
    fails = failed(lib, "code-confusion-matrix", TRANSPOSED)
    assert "rows are truth, columns prediction" in fails
    assert "integer counts" not in fails  # the counts themselves are right


FIRST_LABEL_WINS = """
import numpy as np

def knn_predict(X_train, y_train, X_test, k=3):
    X_train, X_test = np.asarray(X_train, float), np.asarray(X_test, float)
    y_train = np.asarray(y_train)
    d = ((X_test[:, None, :] - X_train[None]) ** 2).sum(-1)
    out = []
    for row in d:
        near = y_train[np.argsort(row, kind="stable")[:k]]
        values, counts = np.unique(near, return_counts=True)
        best = max(counts)
        out.append(next(v for v in near if counts[list(values).index(v)] == best))
    return np.array(out)
"""


def test_a_vote_tie_broken_by_the_nearest_label_fails_the_tie_test(lib: ContentLibrary) -> None:
    fails = failed(lib, "code-knn", FIRST_LABEL_WINS)
    assert list(fails) == ["vote tie goes to the smallest label"]
    assert fails["vote tie goes to the smallest label"].startswith("expected array([1]), got")
