"""Cold start: process start to the first frame of the main window, against a bare window.

The parent starts the clock just before it spawns the child and stops it when the child
prints READY. The child prints READY from a zero-delay timer queued by the window's first
paint event, i.e. once the first frame has been painted and flushed. Both children are
the same interpreter started the same way (`python -m benchmarks.startup KIND`), so
interpreter start-up is in both and cancels out of the ratio.

`app` follows the `interviewer` command's own path since the two-phase start (issue 18):
`interviewer.launch` finds Qt checked on this machine and runs `gui.boot`: the shell with
the home screen's skeleton is the first frame (READY); the child then prints USABLE at the
first frame painted after the real home screen is in place: "home usable". That is the
home screen filled from the cached track index and the saved choices (`Loader.home_ready`),
every control working, while settings, content, store, engine and the other screens load
behind it (a click that needs them waits visibly); without a usable index, the main
window's. The child also prints LOADED at the first frame after everything is loaded and
the main window has taken the screen over (`Loader.ready`): "all loaded". `onephase` is the start
before it (import `interviewer.cli`, `build_window`, `show`), kept for comparison
(`python -m benchmarks.startup onephase`). `bare` is a plain QWidget of the same size in
a plain QApplication.

Runs alternate (bare, app, bare, app, ...) after one unmeasured warm-up of each, so disk
caches are warm for both and any drift in machine load hits both alike.

Both children read compiled bytecode, as an installed app does (pip writes the `.pyc`
files of a wheel when it installs it): with PYTHONDONTWRITEBYTECODE set, as in some shells
and CI jobs, every start compiled the app's ~150 modules from source again, about 0.4 s of
the app's start that no user's install pays and the bare window (Qt's modules come
compiled) does not have. The children get a bytecode folder of their own under the
benchmark's home (PYTHONPYCACHEPREFIX), filled by the warm-up run, so the checkout is left
as it was. `measure(..., bytecode=False)` keeps the environment as it is.

`python -m benchmarks.startup --table` prints the rows and the processor time each
child used (less moved by other load on the machine than the clock); `--from-source`
measures without bytecode, `--model` the app with a model server set up (`app-model`:
the start builds the OpenAI-compatible backend instead of the offline coach).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

WIDTH, HEIGHT = 1120, 780  # the main window's default size (main_window.DEFAULT_SIZE)


def _watch_first_frame(widget: Any, app: Any, quit_after: bool = True) -> Any:
    from PySide6.QtCore import QEvent, QObject, QTimer

    class FirstFrame(QObject):
        """Prints each label given (`expect`) once the next frame after it is painted."""

        def __init__(self) -> None:
            super().__init__()
            self.seen = False
            self.labels = ["READY"]
            self.quit_after = quit_after

        def expect(self, label: str, *, quit_after: bool) -> None:
            self.labels.append(label)
            self.seen = False
            self.quit_after = quit_after
            widget.update()

        def eventFilter(self, obj: QObject, event: QEvent) -> bool:
            if not self.seen and event.type() == QEvent.Type.Paint:
                self.seen = True
                labels, self.labels = self.labels, []
                quit_now = self.quit_after
                QTimer.singleShot(0, lambda: self._ready(labels, quit_now))
            return False

        def _ready(self, labels: list[str], quit_now: bool) -> None:
            import resource

            usage = resource.getrusage(resource.RUSAGE_SELF)
            for label in labels:
                print(label, flush=True)
                print(f"RSS {usage.ru_maxrss}", flush=True)
                # Processor time so far (all threads): less moved by other load than the clock.
                print(f"CPU {label} {usage.ru_utime + usage.ru_stime:.3f}", flush=True)
            if quit_now:
                app.quit()

    watcher = FirstFrame()
    widget.installEventFilter(watcher)
    return watcher


def _child_bare() -> int:
    from PySide6.QtWidgets import QApplication, QWidget

    app = QApplication(sys.argv[:1])
    window = QWidget()
    window.resize(WIDTH, HEIGHT)
    window.setWindowTitle("bare")
    _keep = _watch_first_frame(window, app)
    window.show()
    return int(app.exec())


#: `app-model`: the app with a model server set up (nothing listens there; the start
#: makes no call), so the start builds an OpenAI-compatible backend, not the offline coach.
MODEL_ARGS = {"backend": None, "model": "bench-model", "base_url": "http://127.0.0.1:9/v1"}


def _child_app(model: bool = False) -> int:
    import argparse

    from interviewer.gui import boot

    boot.qt_checked()  # what `interviewer.launch` asks before it opens the window
    args = argparse.Namespace(**MODEL_ARGS) if model else None
    app, shell, loader = boot.show_shell(args)
    first = _watch_first_frame(shell, app, quit_after=False)
    loader.home_ready.connect(lambda: first.expect("USABLE", quit_after=False))
    loader.ready.connect(lambda: first.expect("LOADED", quit_after=True))
    try:
        return int(app.exec())
    finally:
        if loader.window is not None:
            loader.window.controller.shutdown(3000)
        loader.close_down()


def _child_onephase() -> int:
    import interviewer.cli as cli

    args = cli.build_parser().parse_args([])
    problem = cli.display_problem()
    if problem:
        print(problem, file=sys.stderr)
        return 2
    from interviewer.gui.app import application, build_window

    app = application()
    window = build_window(args)
    _keep = _watch_first_frame(window, app)
    window.show()
    try:
        return int(app.exec())
    finally:
        window.controller.store.close()


def _one(kind: str, env: dict[str, str], cwd: Path) -> tuple[float, int, float]:
    """Seconds from spawn to READY, the child's peak RSS in KiB at READY, and seconds
    from spawn to USABLE (NaN for a child that prints none; LOADED: `_one_run`)."""
    out = _one_run(kind, env, cwd)
    return out["ready"], out["rss"], out["usable"]


def _one_run(kind: str, env: dict[str, str], cwd: Path) -> dict[str, Any]:
    """`_one`'s numbers, seconds to LOADED, and the child's processor seconds at READY
    and USABLE."""
    from benchmarks.common import child_command

    with tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(
            child_command("benchmarks.startup", kind),
            cwd=cwd,
            env=env,
            stdout=subprocess.PIPE,
            stderr=err,
            text=True,
        )
        assert proc.stdout is not None
        ready = rss = None
        usable = loaded = float("nan")
        cpu: dict[str, float] = {}
        for line in proc.stdout:
            if line.startswith("READY") and ready is None:
                ready = time.perf_counter() - start
            elif line.startswith("USABLE"):
                usable = time.perf_counter() - start
            elif line.startswith("LOADED"):
                loaded = time.perf_counter() - start
            elif line.startswith("RSS ") and rss is None:
                rss = int(line.split()[1])
            elif line.startswith("CPU "):
                _, label, seconds = line.split()
                cpu.setdefault(label, float(seconds))
        code = proc.wait(timeout=60)
        if ready is None or rss is None or code != 0:
            err.seek(0)
            raise RuntimeError(f"start-up child {kind!r} failed (exit {code}):\n{err.read()}")
    nan = float("nan")
    return {
        "ready": ready,
        "rss": rss,
        "usable": usable,
        "loaded": loaded,
        "ready_cpu": cpu.get("READY", nan),
        "usable_cpu": cpu.get("USABLE", nan),
    }


def measure(
    runs: int, home: Path, kinds: tuple[str, ...] = ("bare", "app"), *, bytecode: bool = True
) -> dict[str, Any]:
    from benchmarks.common import ROOT, child_env

    env = child_env(home)
    if bytecode:  # as installed (see the module's doc)
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(home / "bytecode")
    # Warm-up: disk caches, .pyc files, the session database, and the app's cached track
    # index and Qt check (written by a first start, as on a user's machine).
    for kind in kinds:
        _one(kind, env, ROOT)
    out: dict[str, Any] = {}
    names = {"ready": "s", "rss": "rss_kb", "usable": "usable_s", "loaded": "loaded_s"}
    names |= {"ready_cpu": "cpu_s", "usable_cpu": "usable_cpu_s"}
    for kind in kinds:
        for name in names.values():
            out[f"{kind}_{name}"] = []
    for _ in range(runs):
        for kind in kinds:
            one = _one_run(kind, env, ROOT)
            for key, name in names.items():
                out[f"{kind}_{name}"].append(one[key])
    return out


def _table(from_source: bool, model: bool, runs: int = 4) -> int:
    """Print first window and home usable, app against bare, over `runs` alternating runs."""
    import statistics

    app = "app-model" if model else "app"
    with tempfile.TemporaryDirectory() as tmp:
        out = measure(runs, Path(tmp), ("bare", app), bytecode=not from_source)
    out = {k.replace(app, "app", 1): v for k, v in out.items()}
    bare = statistics.median(out["bare_s"])
    for label, key in (("bare window", "bare_s"), ("first window", "app_s")):
        values = out[key]
        print(f"{label:14} {' '.join(f'{v:.2f}' for v in values)} s", end="")
        print(f"  median {statistics.median(values):.2f} s", end="")
        print(f"  ({statistics.median(values) / bare:.1f}x)" if key != "bare_s" else "")
    for label, key in (("home usable", "app_usable_s"), ("all loaded", "app_loaded_s")):
        values = out[key]
        print(f"{label:14} {' '.join(f'{v:.2f}' for v in values)} s", end="")
        median = statistics.median(values)
        print(f"  median {median:.2f} s  ({median / bare:.1f}x)")
    bare_cpu = statistics.median(out["bare_cpu_s"])
    for label, key in (("first window", "app_cpu_s"), ("home usable", "app_usable_cpu_s")):
        cpu = statistics.median(out[key])
        print(f"processor time to {label}: median {cpu:.2f} s", end="")
        print(f" ({cpu / bare_cpu:.1f}x the bare window's {bare_cpu:.2f} s)")
    return 0


if __name__ == "__main__":
    which = sys.argv[1] if len(sys.argv) > 1 else ""
    if which == "bare":
        sys.exit(_child_bare())
    if which in ("app", "app-model"):
        sys.exit(_child_app(model=which == "app-model"))
    if which == "onephase":
        sys.exit(_child_onephase())
    if which == "--table":
        flags = set(sys.argv[2:])
        if flags <= {"--from-source", "--model"}:
            sys.exit(_table(from_source="--from-source" in flags, model="--model" in flags))
    print(
        "usage: python -m benchmarks.startup bare|app|app-model|onephase\n"
        "       python -m benchmarks.startup --table [--from-source] [--model]",
        file=sys.stderr,
    )
    sys.exit(2)
