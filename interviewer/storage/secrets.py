"""The API key: environment variable, then the system keyring, then session memory.

The key is never written to settings, the database, logs or reports. On a machine with
no keyring backend (a headless Linux box) the key is kept in memory for this session
only, and `notice` says so plainly.
"""

from __future__ import annotations

import contextlib
import os
from types import ModuleType

SERVICE = "interviewer"
ENV_KEY = "OPENAI_API_KEY"


def _keyring() -> ModuleType:
    """keyring, imported on first use (it scans for backends, which takes a while)."""
    import keyring
    import keyring.errors

    return keyring


class SecretStore:
    def __init__(self, account: str = "openai") -> None:
        self.account = account
        self._memory: str | None = None
        self.notice: str = ""

    def get(self) -> str | None:
        env = os.environ.get(ENV_KEY, "").strip()
        if env:
            return env
        if self._memory:
            return self._memory
        keyring = _keyring()
        try:
            value = keyring.get_password(SERVICE, self.account)
        except keyring.errors.KeyringError as exc:
            self.notice = _no_keyring_notice(exc)
            return None
        return value or None

    def set(self, value: str) -> str:
        """Store the key; returns where it went ("keyring" or "memory")."""
        value = value.strip()
        keyring = _keyring()
        try:
            if value:
                keyring.set_password(SERVICE, self.account, value)
            else:
                with contextlib.suppress(keyring.errors.PasswordDeleteError):
                    keyring.delete_password(SERVICE, self.account)
            self._memory = None
            self.notice = ""
            return "keyring"
        except keyring.errors.KeyringError as exc:
            self._memory = value or None
            self.notice = _no_keyring_notice(exc)
            return "memory"

    def source(self) -> str:
        if os.environ.get(ENV_KEY, "").strip():
            return "environment"
        if self._memory:
            return "memory"
        return "keyring"


def _no_keyring_notice(exc: Exception) -> str:
    return (
        "No system keyring is available, so the API key is kept in memory for this "
        f"session only and will be asked for again next time ({type(exc).__name__}). "
        f"Set {ENV_KEY} in your environment to avoid retyping it."
    )
