"""Where every user file lives. One variable, INTERVIEWER_HOME, moves them all.

Without it the platform's usual folders are used (platformdirs). Tests point
INTERVIEWER_HOME at a temporary folder so they never touch the real home directory.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP = "interviewer"
ENV_HOME = "INTERVIEWER_HOME"


@dataclass(frozen=True)
class AppPaths:
    config_dir: Path
    data_dir: Path
    cache_dir: Path

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
