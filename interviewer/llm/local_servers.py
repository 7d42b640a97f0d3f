"""What a local model server says about its models, in its own API: Ollama, LM Studio,
llama.cpp server, and the OpenAI list for everything else (vLLM, llama-cpp-python).

The OpenAI-compatible `/v1/models` says little: a list of names. Each server's own API
says more, and some of it decides whether an interview can work at all:

* Ollama (native API at the server root, not under /v1): `GET /api/tags` lists the
  pulled models with size and quantisation; `GET /api/ps` the loaded ones, with the
  context they run with; `POST /api/show` one model's details: its maximum window
  (`model_info["<arch>.context_length"]`) and a `num_ctx` in its parameters when the
  Modelfile sets one. Ollama runs a model with a *smaller* window than its maximum unless
  told otherwise (4,096 tokens by default on most machines, 2,048 in older versions),
  and cuts the start of a longer prompt silently, so the effective window is what counts.
* LM Studio: `GET /api/v1/models` (0.4 and later) lists every downloaded model with
  its loaded instances and the context each was loaded with; `GET /api/v0/models`
  (0.3.6 and later) the state ("loaded" / "not-loaded"), type (llm, vlm, embeddings),
  quantisation and `max_context_length`; `/v1/models` may list only the loaded ones.
  LM Studio loads a model with a smaller window than its maximum unless told otherwise,
  so a model that is not loaded (or a server that does not say) is planned with
  LM Studio's default load context, never with the maximum.
* llama.cpp server: `GET /props` gives the context the server was started with
  (`default_generation_settings.n_ctx`); its `/v1/models` entries carry `meta.n_ctx_train`.
* vLLM: `/v1/models` entries carry `max_model_len`.

A server without a native endpoint (404), or one whose native endpoint answers with
something that is not the JSON we expect, falls back to `/v1/models`; only when that
fails too is it an error (`LocalServerError`, a BackendError with a message that names
the address). Everything here is small GETs on loopback with short time-outs, plain
`http.client` like llm/discovery.py: no openai client, no retries, no Qt. Callers run it
off the GUI thread (Settings' workers, the backend's first call).

`missing_model_message` turns "model not found" from a server into the command that
fixes it (`ollama pull x`, `lms load x`), with the models the server does have.
"""

from __future__ import annotations

import http.client
import json
import re
import time
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urlsplit

from interviewer.core.errors import BackendError
from interviewer.llm.errors_map import (
    LMSTUDIO_NOT_DOWNLOADED,
    LMSTUDIO_NOT_LOADED,
    OLLAMA_NOT_PULLED,
)

ServerKind = Literal["ollama", "lmstudio", "llamacpp", "openai"]
#: Seconds each request may take. These are loopback GETs that answer in milliseconds;
#: a server that takes longer is busy and the caller is better off without the detail.
DEFAULT_TIMEOUT = 2.0
#: A native answer larger than this is not what we asked for (`/api/show` carries the
#: Modelfile, template and licence, so it gets more room than a list).
_MAX_BODY = 4 << 20
#: Ollama's window for a model whose Modelfile sets no num_ctx (machines with under
#: 24 GiB of VRAM; versions before 0.6 used 2,048). Used only when the server does not
#: say: a loaded model's /api/ps entry carries the real value.
OLLAMA_DEFAULT_CONTEXT = 4_096
#: LM Studio's default context when it loads a model (its load settings can raise it).
LMSTUDIO_DEFAULT_CONTEXT = 4_096
#: The provider labels the backends carry (storage.settings.PROVIDER_NAMES) -> kind.
KIND_FOR_LABEL: dict[str, ServerKind] = {
    "ollama": "ollama",
    "lm studio": "lmstudio",
    "llama.cpp server": "llamacpp",
    "vllm": "openai",
}
_NUM_CTX = re.compile(r"^\s*num_ctx\s+(\d+)\s*$", re.MULTILINE)


class LocalServerError(BackendError):
    """The server answered neither its own API nor the OpenAI model list usably."""

    retryable = True


class _Missing(Exception):
    """The endpoint is not there (404, 405, 501): try the next way."""


class _Malformed(Exception):
    """The endpoint answered, but not with the JSON we expect."""


@dataclass(frozen=True)
class LocalModel:
    """One model as the server describes it; None where the server does not say."""

    name: str
    #: Loaded in memory now (Ollama /api/ps, LM Studio state); None: unknown.
    loaded: bool | None = None
    #: The most tokens the model supports (trained window, or the server's limit).
    max_context: int | None = None
    #: The window a loaded model runs with now.
    loaded_context: int | None = None
    size_bytes: int | None = None
    parameter_size: str | None = None
    quantization: str | None = None
    #: "llm", "vlm", "embeddings", ... (LM Studio); None when not said.
    type: str | None = None

    @property
    def chat(self) -> bool:
        """Whether it can hold a conversation (not an embedding model)."""
        return not (self.type or "").lower().startswith("embed")

    def describe(self) -> str:
        """One line for a list: 'qwen2.5:7b (loaded, 7.6B, Q4_K_M, 4.7 GB, 32,768 tokens)'."""
        bits: list[str] = []
        if self.loaded is not None:
            bits.append("loaded" if self.loaded else "not loaded")
        if self.parameter_size:
            bits.append(self.parameter_size)
        if self.quantization:
            bits.append(self.quantization)
        if self.size_bytes:
            bits.append(f"{self.size_bytes / 1e9:.1f} GB")
        window = self.loaded_context or self.max_context
        if window:
            bits.append(f"{window:,} tokens")
        return f"{self.name} ({', '.join(bits)})" if bits else self.name


@dataclass(frozen=True)
class ServerModels:
    """A server's model list and which API gave it."""

    kind: ServerKind
    models: tuple[LocalModel, ...]
    #: The endpoint that answered, e.g. "/api/tags".
    source: str

    @property
    def names(self) -> list[str]:
        """Chat model names, sorted (embedding models cannot run an interview)."""
        return sorted({m.name for m in self.models if m.chat})

    def get(self, name: str) -> LocalModel | None:
        for model in self.models:
            if model.name == name:
                return model
        # Ollama: "llama3" is "llama3:latest".
        if ":" not in name:
            for model in self.models:
                if model.name == f"{name}:latest":
                    return model
        return None


@dataclass(frozen=True)
class ContextWindow:
    """A model's window as its server reports it."""

    #: What the server will actually use for a request (None: it does not say).
    effective: int | None
    #: What the model supports at most (None: not said).
    maximum: int | None
    #: Where `effective` comes from, in words ("num_ctx in the Modelfile", ...).
    source: str

    def describe(self) -> str:
        if self.effective and self.maximum and self.maximum > self.effective:
            return (
                f"runs with a {self.effective:,}-token context window ({self.source}); "
                f"the model supports {self.maximum:,}"
            )
        if self.effective:
            return f"runs with a {self.effective:,}-token context window ({self.source})"
        if self.maximum:
            return f"supports a {self.maximum:,}-token context window"
        return "does not say its context window"


# ------------------------------------------------------------------ plumbing


def kind_for_label(label: str) -> ServerKind | None:
    """The server kind a provider label names; None for 'Custom server' and the like."""
    return KIND_FOR_LABEL.get(label.strip().lower())


def server_root(base_url: str) -> tuple[str, str, int, str]:
    """(scheme, host, port, path prefix) of the server's root: the OpenAI base URL
    without its trailing /v1 (where Ollama's and LM Studio's own APIs live)."""
    parts = urlsplit(base_url)
    scheme = parts.scheme or "http"
    host = parts.hostname or "127.0.0.1"
    port = parts.port or (443 if scheme == "https" else 80)
    path = parts.path.rstrip("/")
    if path.endswith("/v1"):
        path = path[: -len("/v1")]
    return scheme, host, port, path


def _request(
    base_url: str,
    path: str,
    *,
    timeout: float,
    method: str = "GET",
    body: Any = None,
    api_key: str | None = None,
    root: bool = True,
) -> Any:
    """One JSON request to the server root (`root`) or under the base URL; the parsed
    body. Raises _Missing (no such endpoint), _Malformed (not JSON, or too large),
    _HTTPStatus (another error status), OSError and http.client.HTTPException (nothing
    usable answered; TimeoutError when `timeout` passed). `timeout` bounds the whole
    request, so a server that trickles bytes cannot hold it longer."""
    scheme, host, port, prefix = server_root(base_url)
    if not root:
        prefix = urlsplit(base_url).path.rstrip("/")
    conn_cls = http.client.HTTPSConnection if scheme == "https" else http.client.HTTPConnection
    conn = conn_cls(host, port, timeout=timeout)
    headers = {"Accept": "application/json"}
    if api_key:
        headers["Authorization"] = f"Bearer {api_key}"
    data: bytes | None = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    deadline = time.monotonic() + timeout
    try:
        conn.request(method, prefix + path, body=data, headers=headers)
        _left(conn, deadline)
        response = conn.getresponse()
        raw = b""
        while len(raw) <= _MAX_BODY:
            _left(conn, deadline)
            piece = response.read1(65536)
            if not piece:
                break
            raw += piece
        status = response.status
    finally:
        conn.close()
    if status in (404, 405, 501):
        raise _Missing(f"{path}: HTTP {status}")
    if status != 200:
        raise _HTTPStatus(status, raw)
    if len(raw) > _MAX_BODY:
        raise _Malformed(f"{path}: answer too large")
    try:
        return json.loads(raw)
    except ValueError:
        raise _Malformed(f"{path}: not JSON") from None


def _left(conn: http.client.HTTPConnection, deadline: float) -> None:
    """Give the socket only what is left of the request's time (TimeoutError if none)."""
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise TimeoutError("the request's time ran out")
    if conn.sock is not None:
        conn.sock.settimeout(remaining)


class _HTTPStatus(Exception):
    def __init__(self, status: int, raw: bytes) -> None:
        super().__init__(f"HTTP {status}")
        self.status = status
        self.raw = raw


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int) and value > 0:
        return value
    if isinstance(value, float) and value.is_integer() and value > 0:
        return int(value)
    return None


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _items(data: Any, key: str) -> list[dict[str, Any]]:
    if not isinstance(data, dict) or not isinstance(data.get(key), list):
        raise _Malformed(f"no '{key}' list")
    return [item for item in data[key] if isinstance(item, dict)]


# ------------------------------------------------------------------ parsers (pure)


def parse_ollama_tags(data: Any, ps: Any = None) -> list[LocalModel]:
    """Ollama's `/api/tags` (pulled models), marked loaded from `/api/ps` when given."""
    running: dict[str, dict[str, Any]] = {}
    if ps is not None:
        try:
            for item in _items(ps, "models"):
                name = _str(item.get("name")) or _str(item.get("model"))
                if name:
                    running[name] = item
        except _Malformed:
            ps = None  # the list still stands; only "loaded" is unknown
    out: list[LocalModel] = []
    for item in _items(data, "models"):
        name = _str(item.get("name")) or _str(item.get("model"))
        if name is None:
            continue
        details = _dict(item.get("details"))
        live = running.get(name)
        out.append(
            LocalModel(
                name=name,
                loaded=(live is not None) if ps is not None else None,
                loaded_context=_int(live.get("context_length")) if live else None,
                size_bytes=_int(item.get("size")),
                parameter_size=_str(details.get("parameter_size")),
                quantization=_str(details.get("quantization_level")),
            )
        )
    return out


def parse_lmstudio_models(data: Any) -> list[LocalModel]:
    """LM Studio's `/api/v0/models`: every downloaded model with its state."""
    out: list[LocalModel] = []
    for item in _items(data, "data"):
        name = _str(item.get("id"))
        if name is None:
            continue
        state = _str(item.get("state"))
        out.append(
            LocalModel(
                name=name,
                loaded=None if state is None else state == "loaded",
                max_context=_int(item.get("max_context_length")),
                loaded_context=_int(item.get("loaded_context_length"))
                or _int(item.get("context_length")),
                quantization=_str(item.get("quantization")),
                type=_str(item.get("type")),
            )
        )
    return out


def parse_lmstudio_v1_models(data: Any) -> list[LocalModel]:
    """LM Studio's `/api/v1/models` (0.4+): loaded instances carry their context."""
    out: list[LocalModel] = []
    for item in _items(data, "models"):
        name = _str(item.get("key"))
        if name is None:
            continue
        instances = item.get("loaded_instances")
        instances = instances if isinstance(instances, list) else None
        windows = [
            _int(_dict(_dict(i).get("config")).get("context_length")) for i in instances or []
        ]
        out.append(
            LocalModel(
                name=name,
                loaded=None if instances is None else bool(instances),
                max_context=_int(item.get("max_context_length")),
                loaded_context=min((w for w in windows if w), default=None),
                size_bytes=_int(item.get("size_bytes")),
                parameter_size=_str(item.get("params_string")),
                quantization=_str(_dict(item.get("quantization")).get("name")),
                type=_str(item.get("type")),
            )
        )
    return out


def parse_openai_models(data: Any) -> list[LocalModel]:
    """`/v1/models`: names, and the window where the server adds it (vLLM's
    `max_model_len`, llama.cpp's `meta.n_ctx_train`)."""
    out: list[LocalModel] = []
    for item in _items(data, "data"):
        name = _str(item.get("id"))
        if name is None:
            continue
        meta = _dict(item.get("meta"))
        out.append(
            LocalModel(
                name=name,
                max_context=_int(item.get("max_model_len")) or _int(meta.get("n_ctx_train")),
                size_bytes=_int(meta.get("size")),
            )
        )
    return out


def _same_model(item: dict[str, Any], model: str) -> bool:
    """Whether an Ollama list entry is `model` ("llama3" is "llama3:latest")."""
    names = {item.get("name"), item.get("model")}
    return model in names or (":" not in model and f"{model}:latest" in names)


def ollama_context(show: Any, ps_entry: dict[str, Any] | None = None) -> ContextWindow:
    """The window from Ollama's `/api/show` (and the model's `/api/ps` entry if loaded).

    Effective: the loaded model's context_length, else num_ctx from the Modelfile's
    parameters, else Ollama's default; never more than the model's maximum. Servers that
    imitate this endpoint (llama.cpp's server, proxies) send no `general.architecture`
    and put the window they run with in `model_info`: that is taken as it is.
    """
    if not isinstance(show, dict):
        raise _Malformed("/api/show: not an object")
    info = _dict(show.get("model_info"))
    arch = _str(info.get("general.architecture"))
    maximum = _int(info.get(f"{arch}.context_length")) if arch else None
    if maximum is None:
        found = [_int(v) for k, v in info.items() if k.endswith(".context_length")]
        maximum = next((v for v in found if v), None)
    params = show.get("parameters")
    match = _NUM_CTX.search(params) if isinstance(params, str) else None
    live = _int(ps_entry.get("context_length")) if ps_entry else None
    if live:
        effective, source = live, "as loaded now, from Ollama's /api/ps"
    elif match:
        effective, source = int(match.group(1)), "num_ctx in the model's Modelfile"
    elif arch is None and maximum:
        return ContextWindow(maximum, None, "the server's /api/show")
    elif arch is None:
        raise _Malformed("/api/show: no context length")
    else:
        effective, source = OLLAMA_DEFAULT_CONTEXT, "Ollama's default; the model sets no num_ctx"
    if maximum:
        effective = min(effective, maximum)
    return ContextWindow(effective, maximum, source)


def llamacpp_context(props: Any) -> ContextWindow:
    """The window a llama.cpp server was started with (`GET /props`)."""
    if not isinstance(props, dict):
        raise _Malformed("/props: not an object")
    settings = props.get("default_generation_settings")
    n_ctx = _int(settings.get("n_ctx")) if isinstance(settings, dict) else None
    n_ctx = n_ctx or _int(props.get("n_ctx"))
    if n_ctx is None:
        raise _Malformed("/props: no n_ctx")
    return ContextWindow(n_ctx, None, "--ctx-size the llama.cpp server was started with")


# ------------------------------------------------------------------ requests


def _ollama_models(base_url: str, timeout: float, api_key: str | None) -> list[LocalModel]:
    tags = _request(base_url, "/api/tags", timeout=timeout, api_key=api_key)
    try:
        ps: Any = _request(base_url, "/api/ps", timeout=timeout, api_key=api_key)
    except (_Missing, _Malformed, _HTTPStatus, OSError, http.client.HTTPException):
        ps = None
    return parse_ollama_tags(tags, ps)


def _native(
    kind: ServerKind, base_url: str, timeout: float, api_key: str | None
) -> tuple[list[LocalModel], str]:
    if kind == "ollama":
        return _ollama_models(base_url, timeout, api_key), "/api/tags"
    if kind == "lmstudio":
        try:
            data = _request(base_url, "/api/v1/models", timeout=timeout, api_key=api_key)
            return parse_lmstudio_v1_models(data), "/api/v1/models"
        except (_Missing, _Malformed, _HTTPStatus):
            pass  # before 0.4: the v0 API
        data = _request(base_url, "/api/v0/models", timeout=timeout, api_key=api_key)
        return parse_lmstudio_models(data), "/api/v0/models"
    raise _Missing(kind)


def _unreachable(base_url: str, exc: BaseException, timeout: float) -> LocalServerError:
    if isinstance(exc, TimeoutError):
        return LocalServerError(
            f"The server at {base_url} did not answer within {timeout:g} seconds."
        )
    return LocalServerError(
        f"No server answered at {base_url} ({type(exc).__name__}). Is it running?"
    )


def list_models(
    base_url: str,
    *,
    kind: ServerKind | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    api_key: str | None = None,
) -> ServerModels:
    """The server's models from its own API, else from `/v1/models`.

    `kind` None: find out, trying Ollama's and then LM Studio's list before the OpenAI
    one. Raises LocalServerError when no list could be read at all.
    """
    tried: list[str] = []
    order: list[ServerKind] = [kind] if kind in ("ollama", "lmstudio") else []
    if kind is None:
        order = ["ollama", "lmstudio"]
    for native in order:
        try:
            models, source = _native(native, base_url, timeout, api_key)
            return ServerModels(native, tuple(models), source)
        except (_Missing, _Malformed, _HTTPStatus) as exc:
            tried.append(str(exc))
        except (OSError, http.client.HTTPException) as exc:
            raise _unreachable(base_url, exc, timeout) from exc
    try:
        data = _request(base_url, "/models", timeout=timeout, api_key=api_key, root=False)
        models = parse_openai_models(data)
    except _HTTPStatus as exc:
        tried.append(f"/models: HTTP {exc.status}")
    except (_Missing, _Malformed) as exc:
        tried.append(str(exc))
    except (OSError, http.client.HTTPException) as exc:
        raise _unreachable(base_url, exc, timeout) from exc
    else:
        openai_kind: ServerKind = "llamacpp" if kind == "llamacpp" else "openai"
        return ServerModels(openai_kind, tuple(models), "/v1/models")
    raise LocalServerError(
        f"The server at {base_url} answered, but gave no model list we can read "
        f"({'; '.join(tried)})."
    )


def context_window(
    base_url: str,
    model: str,
    *,
    kind: ServerKind | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    api_key: str | None = None,
) -> ContextWindow | None:
    """The model's window as the server reports it; None when it does not say.

    Never raises for a server that lacks an endpoint or answers oddly: the caller then
    plans with its own default. Unreachable servers give None too (the first real
    request will say so, with the usual message).
    """
    try:
        return _context_window(base_url, model, kind, timeout, api_key)
    except (_Missing, _Malformed, _HTTPStatus, OSError, http.client.HTTPException):
        return None
    except LocalServerError:
        return None


def _context_window(
    base_url: str, model: str, kind: ServerKind | None, timeout: float, api_key: str | None
) -> ContextWindow | None:
    # llama.cpp's /props first: its server also imitates Ollama's /api/show.
    if kind in (None, "llamacpp"):
        try:
            return llamacpp_context(_request(base_url, "/props", timeout=timeout, api_key=api_key))
        except (_Missing, _Malformed, _HTTPStatus):
            if kind == "llamacpp":
                kind = "openai"  # older builds: /v1/models may still carry n_ctx_train
    if kind in (None, "ollama"):
        try:
            show = _request(
                base_url,
                "/api/show",
                method="POST",
                body={"model": model, "name": model},  # "name": Ollama before 0.5
                timeout=timeout,
                api_key=api_key,
            )
            entry = None
            try:
                ps = _request(base_url, "/api/ps", timeout=timeout, api_key=api_key)
                entry = next(
                    (item for item in _items(ps, "models") if _same_model(item, model)), None
                )
            except (_Missing, _Malformed, _HTTPStatus):
                pass
            return ollama_context(show, entry)
        except (_Missing, _Malformed, _HTTPStatus):
            if kind == "ollama":
                return None
    listing = list_models(base_url, kind=kind, timeout=timeout, api_key=api_key)
    found = listing.get(model)
    if found is None:
        return None
    if found.loaded_context:
        return ContextWindow(found.loaded_context, found.max_context, "as loaded now")
    if listing.kind == "lmstudio":
        # Not loaded (or LM Studio before 0.4, which does not say): it will load the
        # model with its default context, not the maximum (module docstring).
        maximum = found.max_context
        effective = min(LMSTUDIO_DEFAULT_CONTEXT, maximum or LMSTUDIO_DEFAULT_CONTEXT)
        state = "not loaded" if found.loaded is False else "loaded window not reported"
        return ContextWindow(effective, maximum, f"LM Studio's default load context; {state}")
    if found.max_context:
        # vLLM serves its max_model_len: what the server said is what it runs with.
        return ContextWindow(found.max_context, found.max_context, "the server's model list")
    return None


# ------------------------------------------------------------------ "model not found"

#: Words by which a server's error says a model is missing or not loaded.
_OLLAMA_WORDS = ("try pulling it", "ollama pull")
_LMSTUDIO_WORDS = ("lms load", "lm studio", "not loaded", "no models loaded", "load the model")


def says_model_missing(detail: str) -> bool:
    """Whether a server's error text says a model is not pulled or not loaded."""
    text = detail.lower()
    return any(word in text for word in (*_OLLAMA_WORDS, *_LMSTUDIO_WORDS))


def missing_model_message(
    base_url: str,
    model: str,
    detail: str,
    *,
    kind: ServerKind | None,
    timeout: float = DEFAULT_TIMEOUT,
    api_key: str | None = None,
) -> str | None:
    """What to run when the server says `model` is not there; None if not a case we know.

    `detail` is the server's own error text. Ollama ("model 'x' not found, try pulling
    it first") -> `ollama pull x`; LM Studio (downloaded, not loaded) -> `lms load x`.
    The models the server does have are listed when it says so quickly.
    """
    text = detail.lower()
    said_ollama = any(word in text for word in _OLLAMA_WORDS)
    said_lmstudio = any(word in text for word in _LMSTUDIO_WORDS)
    guess: ServerKind | None = "ollama" if said_ollama else "lmstudio" if said_lmstudio else kind
    if guess not in ("ollama", "lmstudio"):
        return None
    try:
        listing: ServerModels | None = list_models(
            base_url, kind=guess, timeout=timeout, api_key=api_key
        )
    except LocalServerError:
        listing = None
    native = listing is not None and listing.kind == guess
    # The command is only given when the server is what we think: its words say so, or
    # its own API answered (a fake or proxy behind an "Ollama" preset gets the usual text).
    if not (native or (said_ollama if guess == "ollama" else said_lmstudio)):
        return None
    found = listing.get(model) if listing is not None else None
    if native and found is not None and (guess == "ollama" or found.loaded):
        return None  # it is there (and loaded): the server's complaint is about something else
    have = listing.names if listing is not None else []
    shown = ", ".join(have[:8]) + (", …" if len(have) > 8 else "")
    if guess == "ollama":
        available = f" Pulled models: {shown}." if have else ""
        if native and not have:
            available = " No model is pulled yet."
        return OLLAMA_NOT_PULLED.message.format(model=model, available=available)
    available = f" Its models: {shown}." if have else ""
    if native and found is None:
        return LMSTUDIO_NOT_DOWNLOADED.message.format(model=model, available=available)
    return LMSTUDIO_NOT_LOADED.message.format(model=model, available=available)
