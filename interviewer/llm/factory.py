"""Pick the backend from settings, the environment and command-line overrides.

No key and no server configured means the offline coach, with a one-line notice that
says so and how to change it.
"""

from __future__ import annotations

from dataclasses import dataclass

from interviewer.core.errors import ConfigError
from interviewer.llm.base import Backend
from interviewer.llm.offline import OfflineCoach
from interviewer.storage.secrets import ENV_KEY, SecretStore, store_for
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
    prompt_speed, generation_speed = remembered_speeds(url, model or settings.model)
    advice = remembered_advice(url, model or settings.model)
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
            # How fast the server reads prompts and writes replies sizes the wait for
            # the first token and the estimates of time left (openai_backend._Watch).
            prompt_speed=prompt_speed,
            generation_speed=generation_speed,
            # The silence allowed between two tokens (Settings: "Gap between tokens");
            # None: the request time-out.
            gap_timeout=settings.gap_timeout,
            # What the fitness check of this server and model advised: reply limits
            # sized to what its replies need, a prompt budget it reads quickly.
            reply_tokens=advice_reply_tokens(advice),
            prompt_budget_tokens=_positive_int(advice.get("prompt_budget_tokens")),
        )
    )


def _positive_int(value: object) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        return None
    return value


def advice_reply_tokens(advice: dict[str, object]) -> dict[str, int]:
    """The reply limits per kind of call in a remembered report's advice."""
    limits: dict[str, int] = {}
    for kind, name in (("turn", "turn_max_tokens"), ("grade", "grade_max_tokens")):
        value = _positive_int(advice.get(name))
        if value is not None:
            limits[kind] = value
    return limits


def remembered_report(base_url: str | None, model: str) -> dict[str, object] | None:
    """The last fitness check of this server and model as plain JSON data, or None when
    it was never checked (or the file cannot be read). Never raises."""
    from interviewer.storage import fitness_store
    from interviewer.storage.paths import app_paths

    try:
        loaded = fitness_store.load(fitness_store.fitness_file(app_paths().settings_file))
    except Exception:  # no report, as the docstring says
        return None
    return loaded.reports.get(fitness_store.key(base_url, model))


def remembered_advice(base_url: str | None, model: str) -> dict[str, object]:
    """The `advice` of the last fitness check of this server and model ({} if none)."""
    report = remembered_report(base_url, model) or {}
    advice = report.get("advice")
    return dict(advice) if isinstance(advice, dict) else {}


def seconds_per_grade(backend: Backend) -> float | None:
    """How long one grade by this backend is expected to take, from the last fitness
    check of its server and model (its advice's `seconds_per_grade`, else the measured
    `grade_seconds`); None for the offline coach and for a model never checked."""
    if backend.name == "offline" or not backend.model:
        return None
    report = remembered_report(backend.base_url, backend.model) or {}
    advice = report.get("advice")
    values = [advice.get("seconds_per_grade") if isinstance(advice, dict) else None]
    values.append(report.get("grade_seconds"))
    for value in values:
        if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
            return float(value)
    return None


def remembered_speeds(base_url: str | None, model: str) -> tuple[float, float | None]:
    """(prompt speed, generation speed) for a new OpenAIBackend: what the last speed
    and fitness check of this server and model measured (storage/fitness_store.py), else
    the conservative default prompt speed, so a long prompt to a slow server is waited
    for. Never raises: a file that cannot be read only means the defaults."""
    from interviewer.llm.openai_backend import DEFAULT_PROMPT_SPEED
    from interviewer.storage import fitness_store
    from interviewer.storage.paths import app_paths

    try:
        loaded = fitness_store.load(fitness_store.fitness_file(app_paths().settings_file))
    except Exception:  # the defaults, as the docstring says
        return DEFAULT_PROMPT_SPEED, None
    report = loaded.reports.get(fitness_store.key(base_url, model)) or {}

    def speed(name: str) -> float | None:
        value = report.get(name)
        if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
            return None
        return float(value)

    return speed("prompt_speed") or DEFAULT_PROMPT_SPEED, speed("generation_speed")


def make_grader(
    settings: Settings,
    interviewer: Backend,
    secrets: SecretStore,
    *,
    backend: str | None = None,
    model: str | None = None,
    base_url: str | None = None,
) -> BackendChoice | None:
    """The backend that grades, or None when the interviewer's own backend grades.

    Without overrides, the settings' grader decides ("same": None; "offline": the coach;
    "model": its own model and server). `backend`, `model` and `base_url` are the command
    line's `--grader-backend`, `--grader-model`, `--grader-base-url`: "offline" (as the
    backend or the model) is the coach; otherwise the model and server given, each
    defaulting to the settings' grader model when it has one, else to the interviewer's
    (so `--grader-model big` grades with another model on the interviewer's server).
    Raises ConfigError, naming the grader, when that model cannot be reached (no key).
    """
    chosen = settings.grader
    if backend == "offline" or (model or "").strip().lower() == "offline":
        return BackendChoice(OfflineCoach())
    if backend is None and model is None and base_url is None:
        if chosen.kind == "same":
            return None
        if chosen.kind == "offline":
            return BackendChoice(OfflineCoach())
    if backend not in (None, "openai"):
        raise ConfigError(f"Unknown grader backend {backend!r}: use 'openai' or 'offline'.")
    if chosen.kind == "model":
        url, name, provider = chosen.effective_base_url(), chosen.model, chosen.provider
    else:
        url = interviewer.base_url if interviewer.name != "offline" else None
        url = url or settings.effective_base_url()
        name, provider = interviewer.model, settings.provider
    url = base_url or url
    name = model or name or settings.model
    if base_url:
        provider = None
    # The grader's own connection: its server's key (secrets.account_for), its model's
    # context window read from the server, the interviewer's timeouts and retries.
    own = settings.model_copy(
        update={
            "provider": provider if provider != "offline" else None,
            "base_url": url or "",
            "model": name,
            "context_window": None,
        }
    )
    # The interviewer's key is saved under the main account whatever its server, so a
    # grader on the interviewer's own server (or on OpenAI) uses the interviewer's key.
    home = interviewer.base_url if interviewer.name != "offline" else None
    keys = store_for(secrets, url, home or settings.effective_base_url())
    try:
        return make_backend(own, keys, backend="openai", model=name, base_url=url or None)
    except ConfigError as err:
        raise ConfigError(f"The grader ({name}): {err}") from None


def _provider_for(url: str) -> str:
    for key, value in PROVIDER_URLS.items():
        if value == url:
            return PROVIDER_NAMES[key]
    return "Custom server"
