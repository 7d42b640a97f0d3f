"""The test harness that runs INSIDE the child process (`interviewer/coding/runner.py`).

It is started as `python -I harness.py SPEC_JSON RESULTS_FD` in a fresh temporary folder
and imports nothing from the app (isolated mode puts no app folder on sys.path). It sets
its own resource limits, loads the candidate's code as the module `solution`, runs each
test and writes one JSON object per line to RESULTS_FD, a pipe of its own: stdout and
stderr belong to the candidate's code, which may print anything, or a flood.

Events, in order: {"event": "loaded"} or {"event": "load_error", "message"}, then for each
test {"event": "begin", "name"} and {"event": "result", "name", "ok", "message"}, and
{"event": "done"} at the end. A run that dies (os._exit, a signal, the wall clock) stops
mid-way; the parent explains what is missing.
"""

from __future__ import annotations

import builtins
import contextlib
import json
import math
import os
import signal
import sys
import traceback
from typing import Any

SOURCE = "solution.py"


def _set_limits(spec: dict[str, Any]) -> None:
    """CPU seconds and file size now; memory once NumPy is loaded (see _limit_memory)."""
    try:
        import resource
    except ImportError:  # Windows: only the parent's wall clock applies
        return
    cpu = math.ceil(float(spec.get("cpu_seconds") or 0))
    # A hard limit already lower than ours (set by whoever started the app) is refused
    # with ValueError: the lower one then applies, which is as safe.
    if cpu > 0:
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    fsize = int(spec.get("file_bytes") or 0)
    if fsize > 0:
        # Writes past the limit fail with an OSError instead of killing the process.
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))


def _address_space() -> int:
    """Bytes of address space this process uses now (Linux; 0 where unknown)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as fh:
            pages = int(fh.read().split()[0])
        return pages * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _limit_memory(megabytes: int) -> None:
    """Allow `megabytes` more than what Python and NumPy already hold (RLIMIT_AS)."""
    if megabytes <= 0:
        return
    try:
        import resource
    except ImportError:
        return
    limit = _address_space() + megabytes * 1024 * 1024
    # macOS refuses some values: the wall clock and CPU limit still apply there
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _guard_imports(allowed: list[str] | None) -> None:
    """Refuse, in the candidate's module only, imports outside the allowed list."""
    if allowed is None:
        return
    allowed_set = set(allowed)
    real_import = builtins.__import__

    def guarded(
        name: str,
        globals: dict[str, Any] | None = None,
        locals: Any = None,
        fromlist: Any = (),
        level: int = 0,
    ) -> Any:
        # `__import__("x")` called by hand passes no globals: ask the caller's frame.
        importer = (globals if globals is not None else sys._getframe(1).f_globals).get("__name__")
        top = name.split(".")[0]
        if importer == "solution" and level == 0 and top not in allowed_set:
            raise ImportError(
                f"import of '{top}' is not allowed: use NumPy and the Python standard "
                "library's math tools only"
            )
        return real_import(name, globals, locals, fromlist, level)

    builtins.__import__ = guarded  # type: ignore[assignment]


def _where(exc: BaseException) -> str:
    """' (line N)' of the deepest frame in the candidate's file, if any."""
    line = None
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename == SOURCE:
            line = frame.lineno
    return f" (line {line})" if line else ""


def _describe(exc: BaseException, memory_mb: int) -> str:
    if isinstance(exc, MemoryError):
        return f"used more than {memory_mb} MB of memory"
    if isinstance(exc, SystemExit):
        return f"the code called sys.exit({exc.code!r}); return a value instead"
    if isinstance(exc, BrokenPipeError):
        return "printed too much output (the output is capped); remove the prints"
    if isinstance(exc, KeyboardInterrupt):
        return "interrupted"
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}{': ' + text if text else ''}{_where(exc)}"


def _short(value: Any, limit: int = 300) -> str:
    try:
        import numpy as np

        with np.printoptions(precision=4, threshold=20, edgeitems=3):
            text = repr(value)
    except Exception:
        text = f"<{type(value).__name__}>"
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _one_line(code: str, limit: int = 200) -> str:
    text = " ".join(code.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def same(got: Any, expected: Any, tol: float = 1e-6) -> bool:
    """Equal, with numbers within `tol` and lists, tuples and arrays compared by value."""
    try:
        import numpy as np
    except ImportError:  # pragma: no cover - numpy ships with the app
        np = None  # type: ignore[assignment]
    if np is not None and (isinstance(got, np.ndarray) or isinstance(expected, np.ndarray)):
        try:
            a, b = np.asarray(got), np.asarray(expected)
            if a.shape != b.shape:
                return False
            if a.dtype.kind in "fciub" and b.dtype.kind in "fciub":
                return bool(np.allclose(a, b, rtol=tol, atol=tol))
            return bool(np.array_equal(a, b))
        except (TypeError, ValueError):
            return False
    if isinstance(expected, (list, tuple)):
        if not isinstance(got, (list, tuple)) or len(got) != len(expected):
            return False
        return all(same(g, e, tol) for g, e in zip(got, expected, strict=True))
    if isinstance(expected, dict):
        if not isinstance(got, dict) or set(got) != set(expected):
            return False
        return all(same(got[k], expected[k], tol) for k in expected)
    if isinstance(expected, bool) or isinstance(got, bool):
        return bool(got == expected)
    if isinstance(expected, (int, float)) and not isinstance(got, (str, bytes)):
        try:
            g = float(got)
        except (TypeError, ValueError):
            return False
        if math.isnan(float(expected)):
            return math.isnan(g)
        return math.isclose(g, float(expected), rel_tol=tol, abs_tol=tol)
    return bool(got == expected)


def _run_test(
    test: dict[str, Any], function: str, module: dict[str, Any], memory_mb: int, helpers: str = ""
) -> tuple[bool, str]:
    import numpy as np

    def check_close(got: Any, expected: Any, tol: float = 1e-6) -> None:
        assert same(got, expected, tol), f"expected {_short(expected)}, got {_short(got)}"

    ns: dict[str, Any] = {
        "np": np,
        "math": math,
        "same": same,
        "check_close": check_close,
        function: module[function],
    }
    stage = "setup"
    try:
        if helpers:
            exec(compile(helpers, "<test helpers>", "exec"), ns)
        if test.get("setup"):
            exec(compile(test["setup"], "<test setup>", "exec"), ns)
        stage = "call"
        got = eval(compile(test["call"], "<test call>", "eval"), ns)
        ns["got"] = got
        stage = "check"
        if test.get("expect"):
            expected = eval(compile(test["expect"], "<test expect>", "eval"), ns)
            if not same(got, expected, float(test.get("tol", 1e-6))):
                return False, f"expected {_short(expected)}, got {_short(got)}"
        if test.get("check"):
            exec(compile(test["check"], "<test check>", "exec"), ns)
    except AssertionError as exc:
        return False, str(exc).strip() or "a check on the result failed"
    except BaseException as exc:
        what = _describe(exc, memory_mb)
        if isinstance(exc, (MemoryError, SystemExit, BrokenPipeError)):
            return False, what
        if stage == "call":
            return False, f"raised {what}"
        return False, f"the result could not be checked: {what}"
    return True, "passed"


def main() -> int:
    with open(sys.argv[1], encoding="utf-8") as fh:
        spec = json.load(fh)
    # The tests' file holds the expected answers: gone before the candidate's code runs.
    with contextlib.suppress(OSError):
        os.remove(sys.argv[1])
    out = os.fdopen(int(sys.argv[2]), "w", encoding="utf-8", buffering=1)

    def emit(**event: Any) -> None:
        try:
            out.write(json.dumps(event) + "\n")
            out.flush()
        except (OSError, ValueError):
            pass  # the parent went away or the code closed our pipe: nothing to tell

    memory_mb = int(spec.get("memory_mb") or 0)
    _set_limits(spec)
    try:
        import numpy  # noqa: F401 - loaded before the memory limit, which counts what follows
    except ImportError:
        emit(event="load_error", message=f"NumPy is not installed for {sys.executable}")
        return 0

    _limit_memory(memory_mb)
    _guard_imports(spec.get("allowed"))
    function = spec["function"]
    module: dict[str, Any] = {"__name__": "solution", "__file__": SOURCE}
    try:
        with open(SOURCE, encoding="utf-8") as fh:
            source = fh.read()
        exec(compile(source, SOURCE, "exec"), module)
    except BaseException as exc:
        if isinstance(exc, SyntaxError):
            emit(event="load_error", message=f"SyntaxError on line {exc.lineno}: {exc.msg}")
        else:
            emit(event="load_error", message=f"while loading the code: {_describe(exc, memory_mb)}")
        return 0
    if not callable(module.get(function)):
        emit(event="load_error", message=f"no function named {function}() was defined")
        return 0
    emit(event="loaded")
    for test in spec["tests"]:
        emit(event="begin", name=test["name"])
        ok, message = _run_test(test, function, module, memory_mb, spec.get("helpers", ""))
        if not ok:  # the input is part of what went wrong (hidden ones are revealed after)
            message += f"; input: {_one_line(test['call'])}"
        emit(event="result", name=test["name"], ok=ok, message=message)
    emit(event="done")
    return 0


if __name__ == "__main__":
    sys.exit(main())
