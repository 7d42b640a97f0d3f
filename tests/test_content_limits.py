"""Bounded content: nesting depth, file size and text length are limits with errors that
name the file and the limit, a byte-order mark is accepted, and a hostile user file never
stops the built-ins from loading (issue 13, item 3)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from interviewer.core.content import (
    MAX_DEPTH,
    MAX_FILE_BYTES,
    ContentLibrary,
    nesting_depth,
    parse_toml,
)
from interviewer.core.errors import ContentError
from interviewer.core.models import TEXT_CHARS
from interviewer.storage.content_files import builtin_content_root, load_library
from interviewer.storage.paths import app_paths

BUILTIN_TRACKS = {"ml-technical", "ml-behavioral", "ml-case-study", "ml-full-loop"}
DEEP = 100_000

NESTED_ARRAY = "x = " + "[" * DEEP + "]" * DEEP + "\n"
NESTED_TABLE = "x = " + "{a = " * DEEP + "1" + "}" * DEEP + "\n"
DOTTED_KEY = "a" + ".a" * DEEP + " = 1\n"
DOTTED_HEADER = "[a" + ".a" * DEEP + "]\nb = 1\n"

TRACK = """\
id = "{id}"
name = "{name}"
description = "A user track."
duration_minutes = 20
question_count = 2
categories = ["technical"]
"""

QUESTION = """\
[[questions]]
id = "user-q"
category = "technical"
text = "{text}"
topics = ["user"]
difficulty = "medium"
answer_seconds = 120
rubric = "technical"

[[questions.key_points]]
id = "a"
text = "first point"
terms = ["first"]

[[questions.key_points]]
id = "b"
text = "second point"
terms = ["second"]

[[questions.follow_ups]]
text = "Why?"

[[questions.follow_ups]]
text = "How?"
"""


def user_dir() -> Path:
    return app_paths().content_dir


def write_user(rel: str, data: str | bytes) -> Path:
    path = user_dir() / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)
    return path


def errors_for(lib: ContentLibrary, path: Path) -> list[str]:
    return [str(e) for e in lib.errors if e.path == str(path)]


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "interviewer", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ},
    )


# --------------------------------------------------------------------------- nesting


@pytest.mark.parametrize(
    "text",
    [NESTED_ARRAY, NESTED_TABLE, DOTTED_KEY, DOTTED_HEADER],
    ids=["array", "inline-table", "dotted-key", "dotted-header"],
)
def test_deeply_nested_user_file_is_named_and_builtins_still_load(text: str) -> None:
    bad = write_user("tracks/deep.toml", text)
    lib = load_library(user_dir())  # raised RecursionError (or took minutes) before
    (err,) = errors_for(lib, bad)
    assert "nested more than 32 levels deep" in err and f"the limit is {MAX_DEPTH}" in err
    assert str(bad) in err
    assert set(lib.tracks) >= BUILTIN_TRACKS


def test_nesting_within_the_limit_loads_and_just_past_it_is_refused() -> None:
    ok = parse_toml(("x = " + "[" * MAX_DEPTH + "]" * MAX_DEPTH).encode(), "ok.toml")
    assert isinstance(ok["x"], list)
    with pytest.raises(ContentError, match="the limit is 32"):
        parse_toml(("x = " + "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1)).encode(), "no")


def test_depth_scan_ignores_brackets_and_dots_in_strings_and_comments() -> None:
    noise = "[" * 200 + "." * 200 + "{" * 200
    text = (
        f'a = "{noise}"\n'
        f"b = '{noise}'\n"
        f'c = """\n{noise}\n \\""" {noise}"""\n'
        f"d = '''\n{noise}\n'''\n"
        f"# {noise}\n"
        f'"dotted.in.a.quoted.key.{noise}" = 1\n'
        f"e = [1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5, 8.5, 9.5, 10.5, 11.5, 12.5]\n"
    )
    depth, _line = nesting_depth(text)
    assert depth <= 3
    data = parse_toml(text.encode(), "noise.toml")
    assert data["a"] == noise and data["c"].endswith(noise)


def test_depth_counts_dotted_keys_inside_inline_tables() -> None:
    text = "a.b.c = {d.e.f = [[1]]}\n"
    depth, line = nesting_depth(text)
    assert depth >= 7 and line == 1


def test_builtin_files_are_far_below_the_nesting_limit() -> None:
    for path in builtin_content_root().rglob("*.toml"):
        depth, _ = nesting_depth(path.read_text(encoding="utf-8"))
        assert depth <= 4, path


# --------------------------------------------------------------------------- BOM, size


def test_byte_order_mark_is_accepted() -> None:
    path = write_user("tracks/bom.toml", "\ufeff" + TRACK.format(id="user-bom", name="BOM"))
    lib = load_library(user_dir())
    assert errors_for(lib, path) == []
    assert lib.tracks["user-bom"].name == "BOM"


def test_file_over_the_size_limit_is_refused_naming_file_and_limit() -> None:
    padding = "# " + "x" * 100 + "\n"
    text = TRACK.format(id="user-big", name="Big") + padding * (MAX_FILE_BYTES // 100)
    bad = write_user("tracks/big.toml", text)
    lib = load_library(user_dir())
    (err,) = errors_for(lib, bad)
    assert "over the limit of 1,000,000 bytes (1 MB)" in err
    assert "user-big" not in lib.tracks
    assert set(lib.tracks) >= BUILTIN_TRACKS
    # The core refuses the same bytes when handed them directly.
    with pytest.raises(ContentError, match="limit of 1,000,000 bytes"):
        parse_toml(text.encode(), "big.toml")


def test_ten_megabyte_question_text_is_refused() -> None:
    bad = write_user("tracks/questions/huge.toml", QUESTION.format(text="why " * 2_500_000))
    lib = load_library(user_dir())
    (err,) = errors_for(lib, bad)
    assert str(bad) in err and "1 MB" in err
    assert "user-q" not in lib.questions


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_named_pipe_folder_or_device_is_reported_not_read() -> None:
    fifo = user_dir() / "tracks" / "pipe.toml"
    fifo.parent.mkdir(parents=True)
    os.mkfifo(fifo)
    folder = user_dir() / "tracks" / "folder.toml"
    folder.mkdir()
    zero = user_dir() / "tracks" / "zero.toml"
    zero.symlink_to("/dev/zero")
    lib = load_library(user_dir())  # blocked forever in open() before
    for path in (fifo, folder, zero):
        (err,) = errors_for(lib, path)
        assert "not a regular file" in err
    assert set(lib.tracks) >= BUILTIN_TRACKS


# --------------------------------------------------------------------------- field limits


def test_question_text_over_the_field_limit_names_field_and_limit() -> None:
    bad = write_user("tracks/questions/long.toml", QUESTION.format(text="why " * 1000))
    lib = load_library(user_dir())
    (err,) = errors_for(lib, bad)
    assert "questions[0] (id=user-q).text" in err
    assert f"at most {TEXT_CHARS} characters" in err
    assert "user-q" not in lib.questions


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ('text = "first point"', f'text = "{"p" * 2001}"', "key_points[0] (id=a).text"),
        ('terms = ["first"]', f'terms = ["{"t" * 201}"]', "key_points[0] (id=a).terms[0]"),
        ('text = "Why?"', f'text = "{"w" * 2001}"', "follow_ups[0].text"),
        ('topics = ["user"]', f'topics = ["{"u" * 201}"]', "topics[0]"),
        (
            'terms = ["first"]',
            "terms = [" + ", ".join(f'"t{i}"' for i in range(51)) + "]",
            "key_points[0] (id=a).terms",
        ),
    ],
)
def test_each_question_field_has_a_limit(old: str, new: str, field: str) -> None:
    text = QUESTION.format(text="What?").replace(old, new, 1)
    bad = write_user("tracks/questions/long.toml", text)
    lib = load_library(user_dir())
    (err,) = errors_for(lib, bad)
    assert field in err and "at most" in err


def test_rubric_level_and_track_description_have_limits() -> None:
    rubric = (builtin_content_root() / "rubrics" / "technical.toml").read_text(encoding="utf-8")
    first_level = rubric.index("1 = ")
    end = rubric.index("\n", first_level)
    long_rubric = rubric[:first_level] + f'1 = "{"l" * 2001}"' + rubric[end:]
    bad_rubric = write_user("rubrics/long.toml", long_rubric)
    track = TRACK.format(id="user-long", name="Long").replace(
        'description = "A user track."', f'description = "{"d" * 2001}"'
    )
    bad_track = write_user("tracks/long.toml", track)
    lib = load_library(user_dir())
    (rerr,) = errors_for(lib, bad_rubric)
    assert ".levels.1" in rerr and "at most 2000 characters" in rerr
    (terr,) = errors_for(lib, bad_track)
    assert "description" in terr and "at most 2000 characters" in terr


# --------------------------------------------------------------------------- commands


def _hostile_user_files() -> list[Path]:
    return [
        write_user("tracks/deep.toml", NESTED_ARRAY),
        write_user("tracks/questions/deep.toml", DOTTED_KEY),
        write_user("rubrics/deep.toml", NESTED_TABLE),
        write_user("tracks/questions/huge.toml", QUESTION.format(text="why " * 2_500_000)),
    ]


def test_tracks_and_questions_commands_survive_hostile_user_files() -> None:
    bad = _hostile_user_files()
    write_user("tracks/bom.toml", "\ufeff" + TRACK.format(id="user-bom", name="BOM"))
    r = run_cli("tracks")
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr and "RecursionError" not in r.stderr
    for path in bad:
        assert str(path) in r.stderr
    assert r.stderr.count("the limit is 32") == 3 and "1 MB" in r.stderr
    for track_id in [*BUILTIN_TRACKS, "user-bom"]:
        assert track_id in r.stdout

    r = run_cli("questions")
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr
    assert all(str(path) in r.stderr for path in bad)
    assert "tech-bias-variance" in r.stdout and "user-q" not in r.stdout


def test_window_home_lists_builtins_and_names_the_nested_file(qtbot: QtBot) -> None:
    from tests.gui_helpers import make_app

    bad = write_user("tracks/deep.toml", NESTED_ARRAY)
    lib = load_library(user_dir())  # what build_window does at start-up
    app = make_app(qtbot, library=lib)
    home = app.window.home
    assert home.track_list.count() >= len(BUILTIN_TRACKS)
    assert home.errors_widget.isVisibleTo(home)
    assert str(bad) in home.errors_box.toPlainText()
    assert "the limit is 32" in home.errors_box.toPlainText()
