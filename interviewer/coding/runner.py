"""Run a candidate's code against a coding question's tests in a guarded child process.

Every run is a fresh `python -I` (isolated mode: no PYTHON* variables, no user site, no
script folder on sys.path) started in a new temporary folder that is deleted afterwards,
with `interviewer/coding/harness.py` loading the code and running the tests there. The
guard:

* a wall-clock limit: past it the child's whole process group (or, on Windows, its
  process tree) is killed, so a `subprocess` or `fork` the code started dies with it;
  the result says "timed out after 5 s";
* a CPU-time limit (RLIMIT_CPU), a memory limit (RLIMIT_AS, counted from what Python and
  NumPy already hold) and a file-size limit (RLIMIT_FSIZE), set by the harness on Linux
  and macOS; a memory bomb becomes "used more than 256 MB of memory";
* a scrubbed environment: HOME, INTERVIEWER_HOME, TMPDIR (and USERPROFILE, TEMP on
  Windows) point at the temporary folder, nothing else of the app's environment (keys,
  settings paths) is passed on, and the working folder is the temporary folder, so the
  app's data folder is not where the code looks;
* output capped: stdout and stderr are read as they come and kept up to `output_chars`,
  the rest counted and dropped with a note ("[output cut: 1,234,567 more bytes]");
* the tests' results travel on a pipe of their own, not stdout, so a flood or a forged
  "passed" printed by the code cannot pass for a result;
* imports are checked twice: `import pandas` is refused before anything runs (the
  source is parsed), and the harness refuses imports outside the list at run time;
* `sys.exit` and syntax errors are results like any other ("SyntaxError on line 7:
  invalid syntax"; "the code called sys.exit(0)"); `os._exit` or a crash ends the run
  and the test that was running says so.

What it does NOT protect against (this is a practice tool's guard, not a security
sandbox; run only code you would run yourself):

* the network: the code can open sockets and reach anything your machine can;
* your files: the code runs as you and can read, and write, any file you can, including
  the app's data folder at its full path; the cwd and HOME only keep it from stumbling
  there;
* fork bombs: the process count is not limited (RLIMIT_NPROC counts every process of
  the user, so a safe value depends on what else runs); a group kill ends them at the
  time limit; a process that calls `setsid` escapes that kill, so on Linux a sweep of
  /proc then kills every process still carrying the run's environment (its own
  INTERVIEWER_HOME), which code that also replaces its environment escapes;
* macOS enforces RLIMIT_AS loosely, so a memory bomb may run to the wall clock or swap;
* Windows has no resource limits here: only the wall clock and a `taskkill /T` of the
  process tree; a job object (memory and CPU caps that children inherit) would need
  pywin32 or ctypes calls this module does not make;
* the harness runs in the same process as the code, so determined code can forge its
  own results: the guard stops accidents, not cheating.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Literal

from interviewer.core.grading.coding import (
    ALLOWED_MODULES,
    forbidden_imports,
    import_message,
    syntax_problem,
)
from interviewer.core.models import CodeTest, CodingSpec, TestResult, TestSummary

HARNESS = Path(__file__).with_name("harness.py")
Status = Literal[
    "ok", "syntax", "forbidden_import", "load_error", "timeout", "cpu", "memory", "crashed"
]
#: Bytes of output past the cap that are read and dropped; then the pipe is closed, so
#: a flood ends with a broken pipe in the child instead of eating the parent's CPU.
FLOOD_BYTES = 4 * 1024 * 1024
#: Seconds waited for the output readers after the child and its group are gone.
READER_GRACE = 2.0


@dataclass(frozen=True)
class Limits:
    """What one run may use. `allowed_modules=None` allows every import (tests use it)."""

    wall_seconds: float = 10.0
    cpu_seconds: float = 10.0
    memory_mb: int = 512
    file_mb: int = 16
    output_chars: int = 20_000
    allowed_modules: frozenset[str] | None = ALLOWED_MODULES


@dataclass
class RunResult:
    """How a run went, test by test, plus what the code printed (capped)."""

    status: Status
    message: str
    results: list[TestResult] = field(default_factory=list)
    stdout: str = ""
    stderr: str = ""
    seconds: float = 0.0
    returncode: int | None = None

    @property
    def passed(self) -> int:
        return sum(1 for r in self.results if r.ok)

    @property
    def total(self) -> int:
        return len(self.results)

    def summary(self) -> TestSummary:
        return TestSummary(passed=self.passed, total=self.total, results=list(self.results))


class _Capped:
    """Drains one stream on a thread, keeping the first `limit` characters."""

    def __init__(self, stream: IO[bytes], limit: int) -> None:
        self.limit = limit
        self.kept: list[str] = []
        self.size = 0
        self.dropped = 0
        self._thread = threading.Thread(target=self._drain, args=(stream,), daemon=True)
        self._thread.start()

    def _drain(self, stream: IO[bytes]) -> None:
        try:
            while chunk := stream.read1(65536) if hasattr(stream, "read1") else stream.read(65536):
                room = self.limit - self.size
                if room <= 0:  # full: count what is dropped, never decode a flood
                    self.dropped += len(chunk)
                    if self.dropped > FLOOD_BYTES:
                        break  # the code's next write fails: "printed too much output"
                    continue
                text = chunk.decode("utf-8", errors="replace")
                self.kept.append(text[:room])
                self.size += min(room, len(text))
                if len(text) > room:
                    self.dropped += len(text[room:].encode("utf-8", errors="replace"))
        except (OSError, ValueError):
            pass
        finally:
            stream.close()

    def join(self, timeout: float) -> None:
        self._thread.join(timeout)

    def text(self) -> str:
        out = "".join(self.kept)
        if self.dropped:
            out += f"\n[output cut: {self.dropped:,} more bytes]"
        return out


class _Events:
    """Reads the harness's JSON lines from the results pipe on a thread."""

    def __init__(self, fd: int) -> None:
        self.events: list[dict[str, object]] = []
        self._thread = threading.Thread(target=self._read, args=(fd,), daemon=True)
        self._thread.start()

    def _read(self, fd: int) -> None:
        with os.fdopen(fd, "rb") as fh:
            for line in fh:
                if len(self.events) > 10_000:
                    continue  # the code is writing to our pipe: keep draining, keep nothing
                try:
                    event = json.loads(line)
                except ValueError:
                    continue
                if isinstance(event, dict):
                    self.events.append(event)

    def join(self, timeout: float) -> None:
        self._thread.join(timeout)


def _environment(folder: str) -> dict[str, str]:
    env = {
        "PATH": os.defpath,
        "HOME": folder,
        "INTERVIEWER_HOME": folder,
        "TMPDIR": folder,
        "LANG": "C.UTF-8",
        "PYTHONIOENCODING": "utf-8",
        # One BLAS thread: fewer processes to kill, and the address space stays small.
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
    }
    if sys.platform == "win32":
        env.update(
            USERPROFILE=folder,
            TEMP=folder,
            TMP=folder,
            SYSTEMROOT=os.environ.get("SYSTEMROOT", r"C:\Windows"),
        )
    return env


def _kill_tree(proc: subprocess.Popen[bytes]) -> None:
    """Kill the child and everything it started (its process group / tree)."""
    if sys.platform == "win32":
        subprocess.run(
            ["taskkill", "/F", "/T", "/PID", str(proc.pid)],
            capture_output=True,
            check=False,
        )
        proc.kill()
        return
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)


#: Rounds of the /proc sweep, SWEEP_PAUSE apart: a process caught forking may leave a
#: child for the next round, and a killed one is found again until it has died (SIGKILL
#: is delivered asynchronously), so the run returns with none of them left.
SWEEP_ROUNDS = 50
SWEEP_PAUSE = 0.02


def _kill_escaped(folder: str) -> int:
    """Kill processes that left the child's process group (`setsid`, a double fork) but
    still carry this run's environment (INTERVIEWER_HOME is the run's own temporary
    folder). Linux only (/proc); returns how many kills were sent. Code that also clears its
    environment escapes this too: see the module docstring."""
    proc_dir = Path("/proc")
    if not sys.platform.startswith("linux") or not proc_dir.is_dir():
        return 0
    marker = f"INTERVIEWER_HOME={folder}".encode()
    me = os.getpid()
    killed = 0
    for _ in range(SWEEP_ROUNDS):
        found = 0
        for entry in proc_dir.iterdir():
            if not entry.name.isdigit() or int(entry.name) == me:
                continue
            try:
                environ = (entry / "environ").read_bytes()
            except OSError:  # gone, or another user's process
                continue
            if marker in environ.split(b"\0"):
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.kill(int(entry.name), signal.SIGKILL)
                    found += 1
        killed += found
        if not found:
            break
        time.sleep(SWEEP_PAUSE)
    return killed


def _short_reason(proc_code: int | None, stderr: str, limits: Limits) -> tuple[Status, str]:
    """Why a run ended before the harness said it was done."""
    memory = f"used more than {limits.memory_mb} MB of memory"
    if proc_code is not None and proc_code < 0:
        sig = -proc_code
        if sig == getattr(signal, "SIGXCPU", -1):
            return "cpu", f"used more than {limits.cpu_seconds:g} s of CPU time"
        if sig == signal.SIGKILL:  # not ours (we record our own kills): the OOM killer
            return "memory", memory
        return "crashed", f"the process was killed by signal {sig}"
    if "MemoryError" in stderr:
        return "memory", memory
    return (
        "crashed",
        f"the process ended during the tests (exit code {proc_code}): did the code call "
        "os._exit() or crash the interpreter?",
    )


NO_PYTHON = (
    "Running code needs Python 3 with NumPy on this computer (the app's bundle carries no "
    "Python of its own): install it and make sure `python3` is on the PATH."
)


def python_interpreter() -> str | None:
    """The Python that runs candidates' code: this one, or in a frozen bundle (which has
    no interpreter to start) the python3 on the PATH; None when there is none."""
    if not getattr(sys, "frozen", False):
        return sys.executable
    return shutil.which("python3") or shutil.which("python")


def run_tests(
    code: str,
    spec: CodingSpec,
    tests: Sequence[CodeTest],
    limits: Limits | None = None,
    python: str | None = None,
) -> RunResult:
    """Run `tests` (a question's examples or hidden tests) against `code`.

    Never raises for anything the code does; blocks for at most about the wall-clock
    limit plus a couple of seconds. `python` is the interpreter (default:
    `python_interpreter()`).
    """
    limits = limits or Limits(wall_seconds=spec.time_limit, cpu_seconds=spec.time_limit)
    problem = syntax_problem(code)
    if problem:
        return _all_failed("syntax", problem, tests)
    if limits.allowed_modules is not None:
        refused = forbidden_imports(code, limits.allowed_modules)
        if refused:
            return _all_failed("forbidden_import", import_message(refused), tests)
    python = python or python_interpreter()
    if python is None:
        return _all_failed("crashed", NO_PYTHON, tests)
    try:
        folder = tempfile.mkdtemp(prefix="interviewer-code-")
    except OSError as exc:  # a full or read-only temp folder: a result, not a crash
        return _all_failed("crashed", f"could not make a folder to run the code in: {exc}", tests)
    try:
        return _run_in(folder, code, spec, tests, limits, python)
    except OSError as exc:
        return _all_failed("crashed", f"could not run the code: {exc}", tests)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _all_failed(status: Status, message: str, tests: Sequence[CodeTest]) -> RunResult:
    return RunResult(
        status, message, [TestResult(name=t.name, ok=False, message=message) for t in tests]
    )


def _run_in(
    folder: str,
    code: str,
    spec: CodingSpec,
    tests: Sequence[CodeTest],
    limits: Limits,
    python: str,
) -> RunResult:
    Path(folder, "solution.py").write_text(code, encoding="utf-8")
    payload = {
        "function": spec.function,
        "helpers": spec.helpers,
        "tests": [t.model_dump() for t in tests],
        "allowed": None if limits.allowed_modules is None else sorted(limits.allowed_modules),
        "memory_mb": limits.memory_mb,
        "cpu_seconds": limits.cpu_seconds,
        "file_bytes": limits.file_mb * 1024 * 1024,
    }
    spec_path = Path(folder, "_tests.json")
    spec_path.write_text(json.dumps(payload), encoding="utf-8")
    read_fd, write_fd = os.pipe()
    kwargs: dict[str, object] = {}
    if sys.platform == "win32":
        kwargs["creationflags"] = subprocess.CREATE_NEW_PROCESS_GROUP
        os.set_handle_inheritable(write_fd, True)  # pragma: no cover - Windows only
    else:
        kwargs["start_new_session"] = True  # its own process group, killed as one
        kwargs["pass_fds"] = (write_fd,)
    started = time.monotonic()
    try:
        proc = subprocess.Popen(
            [python, "-I", str(HARNESS), str(spec_path), str(write_fd)],
            cwd=folder,
            env=_environment(folder),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            **kwargs,  # type: ignore[call-overload]
        )
    except OSError as exc:
        os.close(read_fd)
        os.close(write_fd)
        return _all_failed("crashed", f"could not start Python: {exc}", tests)
    os.close(write_fd)
    assert proc.stdout is not None and proc.stderr is not None
    out = _Capped(proc.stdout, limits.output_chars)
    err = _Capped(proc.stderr, limits.output_chars)
    events = _Events(read_fd)
    timed_out = False
    try:
        proc.wait(timeout=limits.wall_seconds)
    except subprocess.TimeoutExpired:
        timed_out = True
    finally:
        _kill_tree(proc)  # also after a normal end: whatever the code started goes too
        proc.wait()
        _kill_escaped(folder)  # and what left the group (it would hold the pipes open)
    for reader in (out, err, events):
        reader.join(READER_GRACE)
    seconds = time.monotonic() - started
    result = _interpret(events.events, tests, proc.returncode, timed_out, err.text(), limits)
    result.stdout, result.stderr = out.text(), err.text()
    result.seconds, result.returncode = seconds, proc.returncode
    return result


def _interpret(
    events: list[dict[str, object]],
    tests: Sequence[CodeTest],
    returncode: int | None,
    timed_out: bool,
    stderr: str,
    limits: Limits,
) -> RunResult:
    done = any(e.get("event") == "done" for e in events)
    load_error = next((e for e in events if e.get("event") == "load_error"), None)
    if load_error is not None:
        message = str(load_error.get("message", "the code could not be loaded"))
        status: Status = "syntax" if message.startswith("SyntaxError") else "load_error"
        if "not allowed" in message and "import of" in message:
            status = "forbidden_import"
        if "MB of memory" in message:
            status = "memory"
        return _all_failed(status, message, tests)
    finished: dict[str, TestResult] = {}
    running = ""
    for e in events:
        name = str(e.get("name", ""))
        if e.get("event") == "begin":
            running = name
        elif e.get("event") == "result":
            finished[name] = TestResult(
                name=name, ok=bool(e.get("ok")), message=str(e.get("message", ""))
            )
            running = ""
    status = "ok"
    reason = ""
    if timed_out:
        status, reason = "timeout", f"timed out after {limits.wall_seconds:g} s"
    elif not done:
        status, reason = _short_reason(returncode, stderr, limits)
    if not events and not reason:  # pragma: no cover - ended without a word or a signal
        status, reason = "crashed", f"the test harness did not start (exit code {returncode})"
    results = []
    for t in tests:
        if t.name in finished:
            results.append(finished[t.name])
        elif t.name == running or (not running and not finished and reason):
            results.append(TestResult(name=t.name, ok=False, message=reason))
            running = "\0"  # only the first unfinished test is blamed
        else:
            results.append(TestResult(name=t.name, ok=False, message=f"not run: {reason}"))
    if status == "ok" and any("MB of memory" in r.message for r in results):
        status = "memory"
    passed = sum(1 for r in results if r.ok)
    message = reason or f"{passed} of {len(results)} tests passed"
    if reason:
        message = f"{reason} ({passed} of {len(results)} tests passed)"
    return RunResult(status, message, results)


def run_examples(code: str, spec: CodingSpec, limits: Limits | None = None) -> RunResult:
    """The visible example tests: what "Run examples" shows while the candidate writes."""
    return run_tests(code, spec, spec.examples, limits)


def run_hidden(code: str, spec: CodingSpec, limits: Limits | None = None) -> RunResult:
    """The hidden tests: run once, on submission; their results feed the grade."""
    return run_tests(code, spec, spec.hidden, limits)
