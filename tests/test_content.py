"""Content files: the shipped bank loads whole, and each kind of broken file is named."""

from __future__ import annotations

import random
import re
import shutil
from pathlib import Path

import pytest

from interviewer.core.models import CATEGORIES
from interviewer.storage.content_files import builtin_content_root, load_library

ROOT = builtin_content_root()
GUIDE_TOPICS = {
    "technical": [
        "supervised",
        "bias-variance",
        "missing",
        "regulari",
        "classification",
        "gradient descent",
        "convolutional",
        "nearest neighbo",
        "dimensionality",
        "cross-validation",
        "transfer learning",
        "reinforcement",
        "shap",
        "interpretab",
        "imbalanced",
    ],
    "behavioral": [
        "difficult team member",
        "prioriti",
        "complex problem",
        "current",
        "challenging",
        "conflict",
        "creativ",
        "deadline",
        "non-technical",
    ],
    "case_study": ["stock", "recommend", "fraud", "review"],
}


@pytest.fixture(scope="module")
def lib():  # type: ignore[no-untyped-def]
    return load_library(None)


def test_every_bundled_file_loads_without_errors(lib) -> None:  # type: ignore[no-untyped-def]
    assert lib.errors == []
    assert len(lib.questions) >= 30
    assert set(lib.tracks) >= {"ml-technical", "ml-behavioral", "ml-case-study", "ml-full-loop"}
    assert set(lib.rubrics) >= {"technical", "behavioral-star", "case-study"}


def test_every_question_has_an_existing_rubric_and_probes(lib) -> None:  # type: ignore[no-untyped-def]
    for q in lib.questions.values():
        assert q.rubric in lib.rubrics, q.id
        assert 2 <= len(q.follow_ups) <= 4, q.id
        assert len(q.key_points) >= 2, q.id
    cats = {q.category for q in lib.questions.values()}
    assert cats == set(CATEGORIES)


def test_bank_covers_every_topic_in_the_guide(lib) -> None:  # type: ignore[no-untyped-def]
    for category, needles in GUIDE_TOPICS.items():
        haystack = " ".join(
            (q.text + " " + " ".join(q.topics)).lower()
            for q in lib.questions.values()
            if q.category == category
        )
        missing = [n for n in needles if n not in haystack]
        assert not missing, f"{category} questions miss guide topics: {missing}"


def test_behavioral_rubric_is_star(lib) -> None:  # type: ignore[no-untyped-def]
    stars = {c.star for c in lib.rubrics["behavioral-star"].criteria}
    assert {"situation", "task", "action", "result", "reflection"} <= stars


def test_tracks_have_enough_questions(lib) -> None:  # type: ignore[no-untyped-def]
    for track in lib.tracks.values():
        chosen = lib.select_questions(track, rng=random.Random(1))
        assert len(chosen) == track.question_count, track.id
        assert {q.category for q in chosen} <= set(track.categories)
    full = lib.select_questions(lib.track("ml-full-loop"), rng=random.Random(2))
    assert {q.category for q in full} == set(CATEGORIES)


def _copy_content(tmp_path: Path) -> Path:
    root = tmp_path / "content"
    for sub in ("rubrics", "tracks"):
        shutil.copytree(ROOT / sub, root / sub)
    return root


def _break(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize(
    ("relpath", "old", "new", "field", "problem"),
    [
        (
            "tracks/ml-technical.toml",
            'id = "ml-technical"',
            'id = "ml-technical"\ncolour = "red"',
            "colour",
            "Extra inputs",
        ),
        (
            "tracks/ml-technical.toml",
            "question_count = ",
            "question_count = -",
            "question_count",
            "greater than",
        ),
        ("rubrics/technical.toml", "weight = ", "weight = -", "weight", "greater than"),
        (
            "tracks/questions/technical.toml",
            'category = "technical"',
            'category = "physics"',
            "category",
            "technical",
        ),
        (
            "tracks/questions/technical.toml",
            'rubric = "technical"',
            'rubric = "no-such-rubric"',
            "rubric",
            "does not exist",
        ),
        ("tracks/ml-behavioral.toml", 'name = "', 'name = "unterminated\n', "", "not valid TOML"),
    ],
)
def test_broken_file_is_named_and_the_rest_still_loads(
    tmp_path: Path, relpath: str, old: str, new: str, field: str, problem: str
) -> None:
    root = _copy_content(tmp_path)
    _break(root / relpath, old, new)
    lib = load_library(None, builtin_root=root)
    assert lib.errors, "the broken file went unnoticed"
    messages = [str(e) for e in lib.errors]
    hit = [m for m in messages if relpath.split("/")[-1] in m and field in m and problem in m]
    assert hit, messages
    # everything else still loads
    assert len(lib.rubrics) >= 2
    assert len(lib.questions) >= 15


def test_missing_score_level_is_reported(tmp_path: Path) -> None:
    root = _copy_content(tmp_path)
    path = root / "rubrics/technical.toml"
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^\s*3\s*=.*$", "", text, count=1)
    path.write_text(text, encoding="utf-8")
    lib = load_library(None, builtin_root=root)
    assert any("levels" in str(e) and "1, 2, 3, 4, 5" in str(e) for e in lib.errors), lib.errors


def test_not_utf8_file_is_reported(tmp_path: Path) -> None:
    root = _copy_content(tmp_path)
    (root / "tracks/broken.toml").write_bytes(b"\xff\xfe\x00garbage")
    lib = load_library(None, builtin_root=root)
    assert any("broken.toml" in str(e) for e in lib.errors)
    assert "ml-technical" in lib.tracks


def test_user_content_loads_beside_builtins(tmp_path: Path) -> None:
    user = tmp_path / "user"
    (user / "tracks").mkdir(parents=True)
    (user / "rubrics").mkdir()
    (user / "tracks/my-track.toml").write_text(
        'id = "my-track"\nname = "My track"\ndescription = "Mine."\nduration_minutes = 10\n'
        'question_count = 1\ncategories = ["technical"]\nfollow_up_limit = 0\n',
        encoding="utf-8",
    )
    (user / "rubrics/mine.toml").write_text(
        '[[rubrics]]\nid = "mine"\nname = "Mine"\ndescription = "d"\n'
        '[[rubrics.criteria]]\nid = "c"\nname = "C"\nweight = 1\ndescription = "d"\n'
        '[rubrics.criteria.levels]\n1 = "a"\n2 = "b"\n3 = "c"\n4 = "d"\n5 = "e"\n',
        encoding="utf-8",
    )
    lib = load_library(user)
    assert lib.errors == []
    assert "my-track" in lib.tracks and "ml-technical" in lib.tracks
    assert "mine" in lib.rubrics and "technical" in lib.rubrics
