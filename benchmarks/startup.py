"""Cold start: process start to the first frame of the main window, against a bare window.

The parent starts the clock just before it spawns the child and stops it when the child
prints READY. The child prints READY from a zero-delay timer queued by the window's first
paint event, i.e. once the first frame has been painted and flushed. Both children are
the same interpreter started the same way (`python -m benchmarks.startup KIND`), so
interpreter start-up is in both and cancels out of the ratio.

`app` follows the `interviewer` command's own path since the two-phase start (issue 18):
`interviewer.launch` finds Qt checked on this machine and runs `gui.boot`: the shell with
the home screen's skeleton is the first frame (READY); the child then prints USABLE at the
first frame painted after the real home screen is in place (settings, content, store,
engine and screens loaded behind the skeleton): "home usable". `onephase` is the start
before it (import `interviewer.cli`, `build_window`, `show`), kept for comparison
(`python -m benchmarks.startup onephase`). `bare` is a plain QWidget of the same size in
a plain QApplication.

Runs alternate (bare, app, bare, app, ...) after one unmeasured warm-up of each, so disk
caches are warm for both and any drift in machine load hits both alike.
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
        def __init__(self) -> None:
            super().__init__()
            self.seen = False
            self.label = "READY"
            self.quit_after = quit_after

        def eventFilter(self, obj: QObject, event: QEvent) -> bool:
            if not self.seen and event.type() == QEvent.Type.Paint:
                self.seen = True
                QTimer.singleShot(0, self._ready)
            return False

        def _ready(self) -> None:
            import resource

            print(self.label, flush=True)
            print(f"RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}", flush=True)
            if self.quit_after:
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


def _child_app() -> int:
    from interviewer.gui import boot

    boot.qt_checked()  # what `interviewer.launch` asks before it opens the window
    app, shell, loader = boot.show_shell(None)
    first = _watch_first_frame(shell, app, quit_after=False)

    def usable() -> None:
        first.seen = False  # the next frame, with the real home screen in it
        first.label = "USABLE"
        first.quit_after = True
        shell.update()

    loader.ready.connect(usable)
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
    from spawn to USABLE (NaN for a child that prints none)."""
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
        usable = float("nan")
        for line in proc.stdout:
            if line.startswith("READY") and ready is None:
                ready = time.perf_counter() - start
            elif line.startswith("USABLE"):
                usable = time.perf_counter() - start
            elif line.startswith("RSS ") and rss is None:
                rss = int(line.split()[1])
        code = proc.wait(timeout=60)
        if ready is None or rss is None or code != 0:
            err.seek(0)
            raise RuntimeError(f"start-up child {kind!r} failed (exit {code}):\n{err.read()}")
    return ready, rss, usable


def measure(runs: int, home: Path, kinds: tuple[str, ...] = ("bare", "app")) -> dict[str, Any]:
    from benchmarks.common import ROOT, child_env

    env = child_env(home)
    # Warm-up: disk caches, .pyc files, the session database, and the app's cached track
    # index and Qt check (written by a first start, as on a user's machine).
    for kind in kinds:
        _one(kind, env, ROOT)
    out: dict[str, Any] = {}
    for kind in kinds:
        out[f"{kind}_s"], out[f"{kind}_rss_kb"], out[f"{kind}_usable_s"] = [], [], []
    for _ in range(runs):
        for kind in kinds:
            seconds, rss, usable = _one(kind, env, ROOT)
            out[f"{kind}_s"].append(seconds)
            out[f"{kind}_rss_kb"].append(rss)
            out[f"{kind}_usable_s"].append(usable)
    return out


if __name__ == "__main__":
    which = sys.argv[1] if len(sys.argv) > 1 else ""
    if which == "bare":
        sys.exit(_child_bare())
    if which == "app":
        sys.exit(_child_app())
    if which == "onephase":
        sys.exit(_child_onephase())
    print("usage: python -m benchmarks.startup bare|app|onephase", file=sys.stderr)
    sys.exit(2)
