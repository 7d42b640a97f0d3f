"""Where every user file lives. One variable, INTERVIEWER_HOME, moves them all.

Without it the platform's usual folders are used (platformdirs). Tests point
INTERVIEWER_HOME at a temporary folder so they never touch the real home directory.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP = "interviewer"
ENV_HOME = "INTERVIEWER_HOME"


class AppPaths:
    """The three folders. A plain class, not a dataclass: this module is imported before
    the window's first frame (`gui.boot`), and `dataclasses` was its only importer there
    (4-5 ms of a 0.23 s start; issue 18)."""

    __slots__ = ("cache_dir", "config_dir", "data_dir")
    config_dir: Path
    data_dir: Path
    cache_dir: Path

    def __init__(self, config_dir: Path, data_dir: Path, cache_dir: Path) -> None:
        object.__setattr__(self, "config_dir", config_dir)
        object.__setattr__(self, "data_dir", data_dir)
        object.__setattr__(self, "cache_dir", cache_dir)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"AppPaths is read-only: cannot set {name!r}")

    def _key(self) -> tuple[Path, Path, Path]:
        return (self.config_dir, self.data_dir, self.cache_dir)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, AppPaths) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return (
            f"AppPaths(config_dir={self.config_dir!r}, data_dir={self.data_dir!r},"
            f" cache_dir={self.cache_dir!r})"
        )

    @property
    def settings_file(self) -> Path:
        return self.config_dir / "settings.json"

    @property
    def content_dir(self) -> Path:
        """The user's own tracks/, rubrics/ and tracks/questions/ files."""
        return self.data_dir / "content"

    @property
    def database(self) -> Path:
        return self.data_dir / "sessions.sqlite3"

    def ensure(self) -> None:
        for d in (self.config_dir, self.data_dir, self.cache_dir):
            d.mkdir(parents=True, exist_ok=True)


def app_paths() -> AppPaths:
    home = os.environ.get(ENV_HOME)
    if home:
        root = Path(home).expanduser()
        return AppPaths(root / "config", root / "data", root / "cache")
    return AppPaths(
        Path(platformdirs.user_config_dir(APP, appauthor=False)),
        Path(platformdirs.user_data_dir(APP, appauthor=False)),
        Path(platformdirs.user_cache_dir(APP, appauthor=False)),
    )
