"""The API key: environment variable, then the system keyring, then session memory.

The key is never written to settings, the database, logs or reports. On a machine with
no keyring backend (a headless Linux box) the key is kept in memory for this session
only, and `notice` says so plainly: what happened, what it means for the key and what to
do, in words (never the keyring library's exception name, which means nothing to a user).
"""

from __future__ import annotations

import contextlib
import os
import sys
from types import ModuleType
from urllib.parse import urlsplit

SERVICE = "interviewer"
ENV_KEY = "OPENAI_API_KEY"
#: The keyring account of the main key (OpenAI's, or the interviewer's server's).
MAIN_ACCOUNT = "openai"


def account_for(base_url: str | None) -> str:
    """The keyring account of a key for the server at `base_url`, one per host: OpenAI
    itself (no URL) shares the main key's account; any other server gets its own
    ("server:HOST[:PORT]"), so a grader on another host is never sent the key saved for
    the interviewer (the environment's key, as for the main key, still comes first)."""
    if not base_url:
        return MAIN_ACCOUNT
    try:
        parts = urlsplit(base_url.strip())
        host = (parts.hostname or "").lower()
        port = parts.port
    except ValueError:
        host, port = "", None
    if not host or host == "api.openai.com":
        return MAIN_ACCOUNT
    return f"server:{host}:{port}" if port else f"server:{host}"


def _keyring() -> ModuleType:
    """keyring, imported on first use (it scans for backends, which takes a while)."""
    import keyring
    import keyring.errors

    return keyring


def store_for(main: SecretStore, base_url: str | None, home_url: str | None) -> SecretStore:
    """Where the key of a second server (the grader's, at `base_url`) lives: the main
    store when it is OpenAI or the interviewer's own server (`home_url`), whose key is
    saved under the main account whatever its server; else the server's own account."""
    account = account_for(base_url)
    if account in (main.account, account_for(home_url)):
        return main
    return SecretStore(account)


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
        except Exception as exc:  # any backend failure (D-Bus, locked, none): no key, say why
            self.notice = keyring_notice(exc, storing=False)
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
        except Exception as exc:  # a keyring that fails must never lose the typed key
            self._memory = value or None
            self.notice = keyring_notice(exc, storing=True)
            return "memory"

    def source(self) -> str:
        if os.environ.get(ENV_KEY, "").strip():
            return "environment"
        if self._memory:
            return "memory"
        return "keyring"


def _keyring_hint() -> str:
    """Which keyring to install or unlock, for this kind of computer."""
    if sys.platform.startswith("linux"):
        return (
            "install and unlock a keyring (GNOME Keyring or KWallet; on a machine without "
            "a desktop, the keyrings.alt package)"
        )
    if sys.platform == "darwin":
        return "unlock the login keychain in Keychain Access"
    if sys.platform == "win32":
        return "check that Windows Credential Manager is available"
    return "install and unlock a keyring that Python's keyring package supports"


def keyring_notice(exc: BaseException, *, storing: bool) -> str:
    """A plain sentence for a keyring failure: what happened, what it means, what to do.

    The exception only picks the first sentence; its class name and message are not
    shown (they speak keyring's language, not the user's).
    """
    errors = _keyring().errors
    if isinstance(exc, errors.NoKeyringError):
        what = "Interviewer found no system keyring on this computer to keep your API key in."
    elif isinstance(exc, errors.KeyringLocked):
        what = "The system keyring is locked, so Interviewer could not use it for your API key."
    elif storing:
        what = "The system keyring did not accept your API key."
    else:
        what = "The system keyring could not be read, so no saved API key was found."
    return (
        f"{what} A key you enter here is kept in memory for this session only: it is "
        "forgotten when Interviewer closes and asked for again next time. To keep it, "
        f"{_keyring_hint()}, or set the {ENV_KEY} environment variable before starting "
        "Interviewer."
    )
