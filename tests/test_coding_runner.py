"""The guarded child process: whatever the code does, the result is clear and prompt.

Limits are kept small (2 s wall clock, 200 MB) so the file stays fast; no test asserts a
duration, only that the run ended with the right explanation.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

from interviewer.coding.runner import Limits, RunResult, run_tests
from interviewer.core.grading.coding import forbidden_imports, syntax_problem
from interviewer.core.models import CodeTest, CodingSpec

SPEC = CodingSpec(
    function="f",
    signature="f(x) -> int",
    starter="def f(x):\n    pass\n",
    reference="def f(x):\n    return x\n",
    examples=[CodeTest(name="one", call="f(1)", expect="1")],
    hidden=[
        CodeTest(name="one", call="f(1)", expect="1"),
        CodeTest(name="two", call="f(2)", expect="2"),
    ],
)
# Runs that should end by themselves get a roomy clock (a loaded machine may take seconds
# to start Python and NumPy); the runs that must be stopped get 2 s (SHORT).
LIMITS = Limits(wall_seconds=15, cpu_seconds=15, memory_mb=200, output_chars=1000)
ANY_IMPORT = Limits(
    wall_seconds=15, cpu_seconds=15, memory_mb=200, output_chars=1000, allowed_modules=None
)
SHORT = Limits(wall_seconds=2, cpu_seconds=15, memory_mb=200, allowed_modules=None)


def run(code: str, limits: Limits = ANY_IMPORT) -> RunResult:
    return run_tests(code, SPEC, SPEC.hidden, limits)


def test_good_code_passes_and_its_prints_are_kept_apart() -> None:
    result = run("def f(x):\n    print('passed: all 99 tests')\n    return x\n")
    assert result.status == "ok"
    assert [(r.name, r.ok) for r in result.results] == [("one", True), ("two", True)]
    assert result.summary().passed == 2 and result.summary().total == 2
    assert result.stdout.count("passed: all 99 tests") == 2


def test_a_wrong_answer_says_what_was_expected() -> None:
    result = run("def f(x):\n    return x + 1\n")
    assert result.passed == 0
    assert result.results[0].message == "expected 1, got 2; input: f(1)"


def test_an_infinite_loop_times_out() -> None:
    result = run("def f(x):\n    while True:\n        pass\n", SHORT)
    assert result.status == "timeout"
    assert result.results[0].message == "timed out after 2 s"
    assert result.results[1].message == "not run: timed out after 2 s"
    assert result.message.startswith("timed out after 2 s")


#: Memory tests get a roomy wall clock: on a loaded machine the bomb's allocations must
#: reach the memory limit before the clock, which is not what they test.
MEMORY_ONLY = Limits(wall_seconds=20, cpu_seconds=20, memory_mb=200, allowed_modules=None)


def test_a_memory_bomb_is_stopped_with_a_clear_message() -> None:
    code = "def f(x):\n    hoard = []\n    while True:\n        hoard.append(bytes(10**7))\n"
    result = run(code, MEMORY_ONLY)
    assert result.status == "memory"
    assert result.results[0].message == "used more than 200 MB of memory; input: f(1)"


def test_one_huge_numpy_allocation_is_a_memory_result() -> None:
    result = run("import numpy as np\ndef f(x):\n    return np.ones(10**10)\n", MEMORY_ONLY)
    assert result.status == "memory"
    assert "used more than 200 MB of memory" in result.message or all(
        r.message.startswith("used more than 200 MB of memory") for r in result.results
    )


def test_an_output_flood_is_cut_with_a_note() -> None:
    result = run("def f(x):\n    while True:\n        print('spam' * 250)\n")
    assert len(result.stdout) < 1200
    assert "[output cut: " in result.stdout and "more bytes]" in result.stdout
    assert not any(r.ok for r in result.results)
    assert "too much output" in result.results[0].message or result.status == "timeout"


def test_a_syntax_error_names_its_line() -> None:
    code = "def f(x):\n    return x\n\n\n\n\nfor x in range(3)\n    pass\n"
    result = run(code)
    assert result.status == "syntax"
    assert result.message == "SyntaxError on line 7: expected ':'"
    assert all(r.message == result.message for r in result.results)
    assert syntax_problem(code) == result.message


def test_sys_exit_in_the_function_or_at_import_is_a_result() -> None:
    inside = run("import sys\ndef f(x):\n    sys.exit(3)\n")
    assert inside.status == "ok"
    assert inside.results[0].message == (
        "the code called sys.exit(3); return a value instead; input: f(1)"
    )
    loading = run("import sys\nsys.exit(0)\ndef f(x):\n    return x\n")
    assert loading.status == "load_error"
    assert "sys.exit(0)" in loading.message


def test_os_exit_ends_the_run_and_is_explained() -> None:
    result = run("import os\ndef f(x):\n    os._exit(0)\n")
    assert result.status == "crashed"
    assert "os._exit()" in result.results[0].message
    assert result.results[1].message.startswith("not run: ")


def test_an_exception_names_the_line_of_the_candidates_code() -> None:
    result = run("def f(x):\n    y = 0\n    return x / y\n")
    assert result.results[0].message == (
        "raised ZeroDivisionError: division by zero (line 3); input: f(1)"
    )


def test_a_missing_function_is_named() -> None:
    result = run("def g(x):\n    return x\n")
    assert result.status == "load_error"
    assert result.message == "no function named f() was defined"


def test_forbidden_imports_are_refused_before_and_while_running() -> None:
    before = run("import pandas as pd\nimport os\ndef f(x):\n    return x\n", LIMITS)
    assert before.status == "forbidden_import"
    assert before.message.startswith("import of 'pandas', 'os' is not allowed")
    assert forbidden_imports("import numpy as np\nfrom math import log\nimport sys") == []
    hidden = run("def f(x):\n    __import__('socket')\n    return x\n", LIMITS)
    assert hidden.passed == 0
    assert "import of 'socket' is not allowed" in hidden.results[0].message


def _alive(pid: int) -> bool:
    """Running, not a zombie waiting for a reaper (PID 1 in a container may not reap)."""
    status = Path(f"/proc/{pid}/status")
    try:
        text = status.read_text()
    except OSError:
        return False
    return "State:\tZ" not in text


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_a_process_the_code_started_is_killed_with_it(tmp_path: Path) -> None:
    pid_file = tmp_path / "child.pid"
    child = (
        f"import os, time; open({str(pid_file)!r}, 'w').write(str(os.getpid())); time.sleep(120)"
    )
    code = (
        "import os, subprocess, sys, time\n"
        f"CHILD = {child!r}\n"
        "def f(x):\n"
        "    subprocess.Popen([sys.executable, '-c', CHILD])\n"
        f"    while not os.path.exists({str(pid_file)!r}):\n"
        "        time.sleep(0.01)\n"
        "    while True:\n"
        "        time.sleep(0.05)\n"
    )
    result = run(code, Limits(wall_seconds=6, cpu_seconds=15, allowed_modules=None))
    assert result.status == "timeout"
    pid = int(pid_file.read_text())
    assert not _alive(pid)


def test_the_child_cannot_see_the_apps_home_or_environment(tmp_path: Path) -> None:
    os.environ["INTERVIEWER_SECRET_FOR_TEST"] = "s3cret"
    try:
        code = (
            "import os\n"
            "def f(x):\n"
            "    env = os.environ\n"
            "    assert 'INTERVIEWER_SECRET_FOR_TEST' not in env, 'secret leaked'\n"
            "    assert env['HOME'] == os.getcwd() == env['INTERVIEWER_HOME'], 'home'\n"
            "    assert os.listdir('.') == [] or 'solution.py' in os.listdir('.'), 'cwd'\n"
            "    return x\n"
        )
        result = run(code)
    finally:
        del os.environ["INTERVIEWER_SECRET_FOR_TEST"]
    assert [r.message for r in result.results] == ["passed", "passed"]
    assert os.environ["INTERVIEWER_HOME"] not in (result.stdout + result.stderr)


def test_a_bundle_without_python_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    import interviewer.coding.runner as runner_module

    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(shutil, "which", lambda name: None)
    result = run("def f(x):\n    return x\n")
    assert result.status == "crashed"
    assert result.message.startswith("Running code needs Python 3 with NumPy on this computer")
    monkeypatch.setattr(shutil, "which", lambda name: f"/usr/bin/{name}")
    assert runner_module.python_interpreter() == "/usr/bin/python3"


def test_the_tests_file_is_gone_before_the_code_runs() -> None:
    code = (
        "import os\n"
        "FILES = sorted(os.listdir('.'))\n"
        "def f(x):\n"
        "    assert FILES == ['solution.py'], FILES\n"
        "    return x\n"
    )
    result = run(code)
    assert [r.message for r in result.results] == ["passed", "passed"]


def test_a_cpu_bound_loop_is_stopped_by_the_cpu_limit() -> None:
    limits = Limits(wall_seconds=30, cpu_seconds=1, memory_mb=200, allowed_modules=None)
    result = run("def f(x):\n    while True:\n        x += 1\n", limits)
    assert result.status == "cpu"
    assert result.results[0].message == "used more than 1 s of CPU time"
