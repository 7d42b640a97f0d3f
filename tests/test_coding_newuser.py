"""What a new user's code did to the coding round, kept as regression tests (helper 13).

Each test is a case found by running `interviewer grade --question code-kmeans` with
code its authors did not try.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from interviewer.coding.runner import Limits, run_tests
from interviewer.core.models import CodeTest, CodingSpec

SPEC = CodingSpec(
    function="f",
    signature="f(x) -> int",
    starter="def f(x):\n    pass\n",
    reference="def f(x):\n    return x\n",
    examples=[CodeTest(name="one", call="f(1)", expect="1")],
    hidden=[CodeTest(name="one", call="f(1)", expect="1")],
)
ANY_IMPORT = Limits(
    wall_seconds=15, cpu_seconds=15, memory_mb=200, output_chars=1000, allowed_modules=None
)


def _alive(pid: int) -> bool:
    """Running, not a zombie waiting for a reaper (PID 1 in a container may not reap)."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "State:\tZ" not in text


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_a_child_that_left_the_process_group_is_killed_too(tmp_path: Path) -> None:
    """A forked child calling setsid() escaped the group kill and slept on forever (and
    held the output pipes open, so the run waited for the readers' grace too)."""
    pid_file = tmp_path / "child.pid"
    child = (
        f"import os, time; open({str(pid_file)!r}, 'w').write(str(os.getpid())); time.sleep(600)"
    )
    code = (
        "import os, subprocess, sys, time\n"
        f"CHILD = {child!r}\n"
        "def f(x):\n"
        "    subprocess.Popen([sys.executable, '-c', CHILD], start_new_session=True)\n"
        f"    while not os.path.exists({str(pid_file)!r}):\n"
        "        time.sleep(0.01)\n"
        "    return x\n"
    )
    result = run_tests(code, SPEC, SPEC.hidden, ANY_IMPORT)
    assert [r.message for r in result.results] == ["passed"]
    pid = int(pid_file.read_text())
    assert not _alive(pid)
