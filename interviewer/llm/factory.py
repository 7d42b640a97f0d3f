"""Pick the backend from settings, the environment and command-line overrides.

No key and no server configured means the offline coach, with a one-line notice that
says so and how to change it.
"""

from __future__ import annotations

from dataclasses import dataclass

from interviewer.core.errors import ConfigError
from interviewer.llm.base import Backend
from interviewer.llm.offline import OfflineCoach
from interviewer.storage.secrets import ENV_KEY, SecretStore
from interviewer.storage.settings import PROVIDER_NAMES, PROVIDER_URLS, Settings

OFFLINE_NOTICE = (
    "No API key or local server is configured, so the offline coach runs this interview "
    f"(heuristic grading, no model). Set {ENV_KEY}, or pass --backend openai --base-url URL "
    "for a local OpenAI-compatible server, to use a model."
)


@dataclass
class BackendChoice:
    backend: Backend
    notice: str = ""


def make_backend(
    settings: Settings,
    secrets: SecretStore,
    *,
    backend: str | None = None,
    model: str | None = None,
    base_url: str | None = None,
) -> BackendChoice:
    kind = backend or ("openai" if base_url else None)
    provider = settings.provider
    if kind is None:
        if provider == "offline":
            return BackendChoice(OfflineCoach())
        if provider is not None:
            kind = "openai"
    if kind == "offline":
        return BackendChoice(OfflineCoach())
    url = base_url or settings.effective_base_url()
    key = secrets.get()
    if kind is None:
        if key or url:
            kind = "openai"
        else:
            return BackendChoice(OfflineCoach(), OFFLINE_NOTICE)
    if kind != "openai":
        raise ConfigError(f"Unknown backend {kind!r}: use 'openai' or 'offline'.")
    if not key and not url:
        raise ConfigError(
            f"The OpenAI backend needs an API key: set {ENV_KEY} or save one in Settings. "
            "For a local server (Ollama, LM Studio, llama.cpp, vLLM) pass --base-url, "
            "or use --backend offline."
        )
    from interviewer.llm.openai_backend import OpenAIBackend  # openai is slow to import

    if base_url:
        label = (
            "Custom server" if base_url not in PROVIDER_URLS.values() else _provider_for(base_url)
        )
    elif provider and provider != "openai":
        label = PROVIDER_NAMES.get(provider, "Custom server")
    else:
        label = "OpenAI"
    return BackendChoice(
        OpenAIBackend(
            api_key=key,
            model=model or settings.model,
            base_url=url,
            temperature=settings.temperature,
            timeout=settings.request_timeout,
            connect_timeout=settings.connect_timeout,
            max_retries=settings.max_retries,
            provider_label=label,
            context_window=settings.context_window,
            # No window set: a local server's own API says what it runs the model with
            # (read on the first call, off the GUI thread; llm/local_servers.py).
            server_context=settings.context_window is None,
        )
    )


def _provider_for(url: str) -> str:
    for key, value in PROVIDER_URLS.items():
        if value == url:
            return PROVIDER_NAMES[key]
    return "Custom server"
