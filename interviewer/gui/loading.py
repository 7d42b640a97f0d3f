"""What the window needs before it can be built, loaded without Qt (on a worker at start).

`load_parts` reads the settings, the content (TOML parsing and pydantic validation, or
the validated library cached by the last start when no content file changed), the
key store and the backend choice, and opens the session database: plain data and
objects that are safe to hand from a worker to the GUI thread (the store's connection
is opened with `check_same_thread=False`). `gui.app.build_window` builds the window
around the result; `gui.boot` runs this on a worker while the first frame is on screen.
Nothing here imports Qt.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from interviewer.core.content import ContentLibrary
from interviewer.core.errors import InterviewerError
from interviewer.llm.base import Backend
from interviewer.storage.content_files import builtin_content_root, load_library_cached
from interviewer.storage.paths import app_paths
from interviewer.storage.secrets import SecretStore
from interviewer.storage.settings import Settings, load_settings
from interviewer.storage.store import SessionStore


@dataclass
class StartParts:
    settings: Settings
    secrets: SecretStore
    library: ContentLibrary
    backend: Backend
    offline: Backend
    store: SessionStore
    notice: str = ""
    #: Problems to show in the window's banner (a broken settings file, a backend that
    #: could not be built).
    problems: list[str] = field(default_factory=list)
    #: The content roots the library was read from (for the cached track index).
    roots: list[Path] = field(default_factory=list)


def load_parts(args: Any = None) -> StartParts:
    """Everything `build_window` needs; never raises for a problem the user can fix."""
    from interviewer.llm.factory import make_backend
    from interviewer.llm.offline import OfflineCoach

    paths = app_paths()
    problems: list[str] = []
    try:
        settings = load_settings(paths.settings_file)
    except InterviewerError as err:
        problems.append(str(err))
        settings = Settings()
    problems.extend(settings.notes)  # a grader entry that was ignored
    secrets = SecretStore()
    # Validated on a start after a change only (storage.content_files.load_library_cached).
    library = load_library_cached(paths.content_dir, paths.cache_dir)
    offline: Backend = OfflineCoach()
    notice = ""
    overrides = {
        "backend": getattr(args, "backend", None),
        "model": getattr(args, "model", None),
        "base_url": getattr(args, "base_url", None),
    }
    try:
        choice = make_backend(settings, secrets, **overrides)
        backend, notice = choice.backend, choice.notice
    except InterviewerError as err:
        problems.append(f"{err} The offline coach runs until this is fixed in Settings.")
        backend = offline
    # The session database: interviews are saved as they happen and resumed after a crash.
    store = SessionStore.open(paths.database)
    return StartParts(
        settings=settings,
        secrets=secrets,
        library=library,
        backend=backend,
        offline=offline,
        store=store,
        notice=notice,
        problems=problems,
        roots=[builtin_content_root(), paths.content_dir],
    )
