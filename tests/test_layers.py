"""The layers hold: import-linter's contracts (pyproject.toml) and a core that does no I/O.

The contracts say which package may import what; the run-time test below says what the
contracts cannot: that core, used the way the app uses it, opens no file, lists no
folder and sets no environment variable, because everything it needs is handed in.
"""

from __future__ import annotations

import builtins
import io
import os
import pathlib
import random
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from interviewer.core import cost, grading, tokens
from interviewer.core.content import CONTENT_LAYOUT, ContentLibrary
from interviewer.core.prompts import PromptLibrary
from interviewer.core.requests import TurnRequest
from interviewer.storage.content_files import builtin_content_root
from interviewer.storage.prompt_files import default_prompts_dir, read_templates
from interviewer.storage.tokenizer import read_shipped
from tests.factories import question

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(*contracts: str, cwd: Path = ROOT, env: dict[str, str] | None = None) -> str:
    """Run import-linter on pyproject.toml's contracts; fail the test with its report."""
    args = [str(LINT_IMPORTS), "--no-cache", "--no-logo"]
    for contract in contracts:
        args += ["--contract", contract]
    done = subprocess.run(
        args, cwd=cwd, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    report = done.stdout + done.stderr
    assert done.returncode == 0, report
    return report


# --------------------------------------------------------------------------- contracts


def test_core_imports_no_io_layer_front_end_or_model_client() -> None:
    """core: nothing of llm, storage, export, gui; no PySide6, openai or sqlite3."""
    assert "KEPT" in lint_imports("core-pure")


def test_llm_and_storage_import_no_qt() -> None:
    assert "KEPT" in lint_imports("no-qt-below-gui")


def test_only_the_openai_backend_imports_openai() -> None:
    """Every other model call (transcription: llm/openai_audio.py) goes through its
    client, so time-outs, retries and the error table are the same everywhere."""
    assert "KEPT" in lint_imports("openai-in-one-module")


def test_gui_imports_no_sqlite3() -> None:
    """The window reaches the database only through the store (issue 12)."""
    assert "KEPT" in lint_imports("gui-no-sqlite")


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        ("llm/openai_audio.py", "import openai", "openai-in-one-module"),
        ("core/report.py", "import sqlite3", "core-pure"),
        ("core/summary.py", "from interviewer.storage import paths", "core-pure"),
        ("storage/settings.py", "import PySide6.QtCore", "no-qt-below-gui"),
        ("gui/home.py", "import sqlite3", "gui-no-sqlite"),
    ],
)
def test_a_broken_layer_fails_the_contract(
    module: str, line: str, contract: str, tmp_path: Path
) -> None:
    """The same contracts, run on a copy of the package with one forbidden import added."""
    shutil.copytree(
        ROOT / "interviewer",
        tmp_path / "interviewer",
        ignore=shutil.ignore_patterns("__pycache__", "*.gz"),
    )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    target = tmp_path / "interviewer" / module
    target.write_text(target.read_text(encoding="utf-8") + f"\n{line}\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    with pytest.raises(AssertionError) as info:
        lint_imports(contract, cwd=tmp_path, env=env)
    assert "BROKEN" in str(info.value)
    assert f"interviewer.{module[:-3].replace('/', '.')}" in str(info.value)


# --------------------------------------------------------------------------- no I/O


class IOAttempt(AssertionError):
    pass


@contextmanager
def refusing_io() -> Iterator[list[str]]:
    """Every way core could touch the file system raises (and is recorded, in case core
    catches the error); the environment must come out as it went in."""
    attempts: list[str] = []

    def refuse(what: str) -> Any:
        def call(*args: object, **kwargs: object) -> Any:
            attempts.append(f"{what}{args[:1]}")
            raise IOAttempt(f"core tried {what}{args[:1]}")

        return call

    patch = pytest.MonkeyPatch()
    environ = dict(os.environ)
    try:
        for owner, name in [
            (builtins, "open"),
            (io, "open"),
            (os, "open"),
            (os, "stat"),
            (os, "listdir"),
            (os, "scandir"),
            (os, "mkdir"),
            (os, "replace"),
        ]:
            patch.setattr(owner, name, refuse(f"{owner.__name__}.{name}"))
        for name in ("open", "read_text", "read_bytes", "write_text", "write_bytes", "glob"):
            patch.setattr(pathlib.Path, name, refuse(f"Path.{name}"))
        yield attempts
    finally:
        patch.undo()
    assert dict(os.environ) == environ, "core changed the environment"


@pytest.fixture
def shipped() -> dict[str, Any]:
    """Everything core needs, read from disk the way the loaders in storage read it."""
    root = builtin_content_root()
    return {
        "files": [
            (path, kind, path.read_bytes())
            for folder, kind in CONTENT_LAYOUT
            for path in sorted(root.joinpath(*folder).glob("*.toml"))
        ],
        "templates": read_templates(default_prompts_dir()),
        "bpe": read_shipped("o200k_base"),
        "prices": '{"_note": "x", "my-model": {"input": 1, "output": 2}}',
    }


@pytest.fixture
def bank_restored() -> Iterator[None]:
    saved = grading._BANK_SOURCE
    yield
    grading.set_question_bank(saved)


def test_core_works_on_data_handed_in_without_touching_files(
    shipped: dict[str, Any], bank_restored: None
) -> None:
    # Once to load every module core imports lazily (the import system stats files, which
    # is not core's doing), then with every file and folder call refused.
    _use_core(shipped)
    with refusing_io() as attempts:
        _use_core(shipped)
    assert attempts == []


def _use_core(shipped: dict[str, Any]) -> None:
    lib = ContentLibrary()
    for path, kind, data in shipped["files"]:
        lib.add_file(path, kind, data)
    lib.check_references()
    assert not lib.errors, lib.errors
    track = lib.track("ml-technical")
    picked = lib.select_questions(track, 3, random.Random(4))
    assert len(picked) == 3
    question = picked[0]

    prompts = PromptLibrary(shipped["templates"], "prompts")
    messages = prompts.build_turn_messages(TurnRequest("question", track, question, 0, 3))
    assert question.text in "\n".join(m["content"] for m in messages)

    encoding = tokens.build_encoding("o200k_base", tokens.verify_bpe("o200k_base", shipped["bpe"]))
    assert len(encoding.encode("hello world")) == 2

    prices = cost.parse_prices(shipped["prices"], "prices.json")
    assert prices["my-model"].output == 2
    assert cost.parse_prices(cost.prices_template()) == cost.DEFAULT_PRICES

    # The grader compares an answer with the bank it is handed (here, in memory).
    grading.set_question_bank(lambda: list(lib.questions.values()))
    other = next(q for q in lib.questions.values() if q.category != question.category)
    off_topic = grading.analyse(" ".join(k.text for k in other.key_points), question)
    assert off_topic.relevance.best_other_category > off_topic.relevance.own


def test_the_no_io_guard_catches_a_file_read(tmp_path: Path) -> None:
    """The guard above is live: a read through any of the usual doors is refused."""
    with refusing_io() as attempts:
        with pytest.raises(IOAttempt):
            (tmp_path / "x").read_text()
        with pytest.raises(IOAttempt):
            open(tmp_path / "x")  # noqa: SIM115
        with pytest.raises(IOAttempt):
            (tmp_path / "x").exists()
    assert len(attempts) == 3


def test_core_without_a_tokenizer_or_bank_reads_nothing_and_says_so(
    bank_restored: None,
) -> None:
    """Nothing handed in: counting tokens names the missing loader instead of finding
    files itself, and grading runs against the question alone."""
    saved = tokens._source
    tokens.set_bpe_source(None)
    grading.set_question_bank(None)
    try:
        with refusing_io() as attempts:
            with pytest.raises(tokens.TokenizerError, match=r"storage\.tokenizer"):
                tokens.count_tokens("hello")
            result = grading.analyse("Regularisation trades variance for bias.", question())
    finally:
        tokens.set_bpe_source(saved)
    assert result.relevance.best_other == 0.0
    assert attempts == []
