"""Start the desktop app: one QApplication, one main window, the event loop.

Everything that can go wrong at start-up (a broken settings file, a backend that cannot
be built, content files that do not load) is shown inside the window in plain words;
the app still opens, with the offline coach if need be.
"""

from __future__ import annotations

import argparse
import gc
from typing import Any

from interviewer.gui.boot import application as application  # re-exported
from interviewer.gui.controller import Controller
from interviewer.gui.home import HomeView, index_entry, track_bank
from interviewer.gui.loading import StartParts, load_parts
from interviewer.gui.main_window import MainWindow
from interviewer.gui.memory import QuietCollector
from interviewer.storage.paths import app_paths
from interviewer.storage.track_index import write_index

#: How long closing waits for background store work (a slow disk, a busy database).
STORE_CLOSE_WAIT_MS = 5000

__all__ = ["application", "build_window", "remember_tracks", "run", "settle_memory"]


def build_window(
    args: argparse.Namespace | Any = None,
    parts: StartParts | None = None,
    *,
    settle: bool = True,
    home: HomeView | None = None,
) -> MainWindow:
    """Load settings, content and backend (unless `parts` brings them, loaded on a
    worker by gui/boot.py), and build the window around them (and around `home`, the
    home screen gui/boot.py showed before the window, filled from the cached index)."""
    if parts is None:
        parts = load_parts(args)
    controller = Controller(
        parts.library,
        parts.settings,
        parts.secrets,
        backend=parts.backend,
        offline=parts.offline,
        store=parts.store,
    )
    controller.backend_notice = parts.notice
    window = MainWindow(controller, home=home)
    # Garbage collection only at quiet moments (issue 18): see gui/memory.py.
    window.quiet_collector = QuietCollector(controller)  # type: ignore[attr-defined]
    if parts.problems:
        window.banner.show_message("error", " ".join([*parts.problems, parts.store.notice]).strip())
    remember_tracks(parts)
    if settle:
        settle_memory()
    return window


def remember_tracks(parts: StartParts) -> None:
    """Write the small track index the next start's first frame and home screen show
    before the content has loaded (gui/boot.py)."""
    library = parts.library
    tracks = sorted(library.tracks.values(), key=lambda t: (t.name.lower(), t.id))
    entries = [index_entry(t, track_bank(library, t)) for t in tracks]
    errors = [str(e) for e in library.errors]
    write_index(app_paths().cache_dir, parts.roots, entries, errors)


def settle_memory() -> None:
    """Move everything start-up created out of the garbage collector's sight.

    Modules, the question bank, the widgets: hundreds of thousands of objects that live
    as long as the app. Python's full collection walks all of them, which froze the
    window for 60 ms at a time in the middle of a streamed question; frozen, they are
    never walked again (gc.freeze, Python 3.7+).
    """
    gc.collect()
    gc.freeze()


def run(args: argparse.Namespace | Any = None) -> int:
    """The desktop app: started in two phases, the first frame at once (gui/boot.py)."""
    from interviewer.gui.boot import run as run_in_two_phases

    return run_in_two_phases(args)
