"""The validated content library kept between starts (storage.content_files.load_library_cached).

A start after no change reads the cache instead of parsing and validating every file;
any change to a content file, a damaged cache, or a new version means a full load, and
a broken file is reported the same way (naming the file) whether it came from the cache
or not.
"""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import pytest

from interviewer.core.content import ContentLibrary
from interviewer.storage import content_files
from interviewer.storage.content_files import (
    LIBRARY_CACHE,
    load_library,
    load_library_cached,
)

TRACK = (
    'id = "my-track"\nname = "My track"\ndescription = "Mine."\nduration_minutes = 10\n'
    'question_count = 1\ncategories = ["technical"]\nfollow_up_limit = 0\n'
)


def _user(tmp_path: Path) -> Path:
    user = tmp_path / "user"
    (user / "tracks").mkdir(parents=True)
    (user / "tracks/my-track.toml").write_text(TRACK, encoding="utf-8")
    return user


def _no_full_load(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: object, **_kwargs: object) -> ContentLibrary:
        raise AssertionError("the content files were loaded again")

    monkeypatch.setattr(content_files, "load_library", refuse)


def _same(a: ContentLibrary, b: ContentLibrary) -> None:
    assert a.tracks == b.tracks
    assert a.rubrics == b.rubrics
    assert a.questions == b.questions
    assert a.sources == b.sources
    assert [str(e) for e in a.errors] == [str(e) for e in b.errors]


def test_second_start_reads_the_cache_and_gets_the_same_library(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    user, cache = _user(tmp_path), tmp_path / "cache"
    fresh = load_library(user)
    first = load_library_cached(user, cache)
    assert (cache / LIBRARY_CACHE).is_file()
    _same(first, fresh)
    _no_full_load(monkeypatch)
    second = load_library_cached(user, cache)
    _same(second, fresh)
    assert "my-track" in second.tracks and "ml-technical" in second.tracks


def test_a_changed_file_means_a_full_load(tmp_path: Path) -> None:
    user, cache = _user(tmp_path), tmp_path / "cache"
    load_library_cached(user, cache)
    path = user / "tracks/my-track.toml"
    path.write_text(TRACK.replace('"My track"', '"My renamed track"'), encoding="utf-8")
    lib = load_library_cached(user, cache)
    assert lib.tracks["my-track"].name == "My renamed track"


def test_a_new_and_a_removed_file_mean_a_full_load(tmp_path: Path) -> None:
    user, cache = _user(tmp_path), tmp_path / "cache"
    load_library_cached(user, cache)
    other = user / "tracks/other.toml"
    other.write_text(TRACK.replace("my-track", "other-track"), encoding="utf-8")
    assert "other-track" in load_library_cached(user, cache).tracks
    other.unlink()
    assert "other-track" not in load_library_cached(user, cache).tracks


def test_a_broken_file_is_named_whether_cached_or_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    user, cache = _user(tmp_path), tmp_path / "cache"
    (user / "tracks/broken.toml").write_text('id = "broken"\nname = 5\n', encoding="utf-8")
    first = load_library_cached(user, cache)
    assert any("broken.toml" in str(e) for e in first.errors), first.errors
    _no_full_load(monkeypatch)
    second = load_library_cached(user, cache)
    _same(second, first)
    assert all(type(e) is type(f) for e, f in zip(second.errors, first.errors, strict=True))


@pytest.mark.parametrize("damage", [b"", b"not a pickle", b"\x80\x05garbage"])
def test_a_damaged_cache_means_a_full_load_and_is_rewritten(tmp_path: Path, damage: bytes) -> None:
    user, cache = _user(tmp_path), tmp_path / "cache"
    load_library_cached(user, cache)
    path = cache / LIBRARY_CACHE
    path.write_bytes(damage)
    lib = load_library_cached(user, cache)
    _same(lib, load_library(user))
    data = pickle.loads(path.read_bytes())
    assert "my-track" in data["tracks"]


def test_a_cache_from_another_version_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    user, cache = _user(tmp_path), tmp_path / "cache"
    load_library_cached(user, cache)
    path = cache / LIBRARY_CACHE
    data = pickle.loads(path.read_bytes())
    data["tracks"] = {}  # what an older version's cache of other files would hold
    data["key"] = ("another version",)
    path.write_bytes(pickle.dumps(data))
    assert "my-track" in load_library_cached(user, cache).tracks


def test_a_cache_with_the_wrong_shape_is_not_used(tmp_path: Path) -> None:
    user, cache = _user(tmp_path), tmp_path / "cache"
    load_library_cached(user, cache)
    path = cache / LIBRARY_CACHE
    data = pickle.loads(path.read_bytes())
    data["tracks"] = ["not", "a", "dict"]
    path.write_bytes(pickle.dumps(data))
    assert "my-track" in load_library_cached(user, cache).tracks


def test_an_unwritable_cache_still_loads(tmp_path: Path) -> None:
    user = _user(tmp_path)
    blocker = tmp_path / "cache"
    blocker.write_text("a file where the folder should be", encoding="utf-8")
    lib = load_library_cached(user, blocker)
    assert "my-track" in lib.tracks
    assert not any(p.name.endswith(".tmp") for p in tmp_path.iterdir())


def test_the_key_follows_the_validating_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = _user(tmp_path)
    key = content_files.library_key([content_files.builtin_content_root(), user])
    monkeypatch.setattr(content_files, "_VALIDATING_CODE", ("core/content.py",))
    assert content_files.library_key([content_files.builtin_content_root(), user]) != key


def test_the_window_start_uses_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from interviewer.gui.loading import load_parts
    from interviewer.storage.paths import app_paths

    paths = app_paths()
    parts = load_parts(None)
    try:
        assert (paths.cache_dir / LIBRARY_CACHE).is_file()
    finally:
        parts.store.close()
    _no_full_load(monkeypatch)
    parts = load_parts(None)
    try:
        assert "ml-technical" in parts.library.tracks
    finally:
        parts.store.close()
    assert os.environ["INTERVIEWER_HOME"] in str(paths.cache_dir)


def test_a_model_backend_is_built_without_importing_its_client() -> None:
    """Importing openai took 0.65 s of the window's start for a user with a model set up:
    the backend is built at start, its client (and openai) on the first call. Checked in
    a fresh process (this one may have imported openai already)."""
    import subprocess
    import sys

    script = """
import argparse, sys
from interviewer.gui.loading import load_parts
args = argparse.Namespace(backend=None, model="m", base_url="http://127.0.0.1:9/v1")
parts = load_parts(args)
print(type(parts.backend).__name__, "openai" in sys.modules, "httpx2" in sys.modules)
client = parts.backend._client
print(type(client).__module__.split(".")[0], "openai" in sys.modules)
parts.backend.close()
parts.store.close()
"""
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True
    ).stdout.split("\n")
    assert out[0] == "OpenAIBackend False False"
    assert out[1] == "openai True"
