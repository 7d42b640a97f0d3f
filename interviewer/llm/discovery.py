"""Find local OpenAI-compatible servers (Ollama, LM Studio, llama.cpp, vLLM) on loopback.

At startup the app asks each usual port for `/v1/models`, all at once, and lists what
answers, so a candidate with a local model running can pick it without typing a URL.
Two promises, because this runs while the app opens:

* It is bounded: the whole probe returns within `timeout` (plus thread start-up), even
  when a port accepts connections and never answers, or trickles bytes. Each probe runs
  on its own daemon thread with a socket deadline; the caller stops waiting at the
  overall deadline and late probes are simply ignored (their sockets time out on their
  own a moment later).
* It is quiet: a closed port, a non-HTTP service or a web server that is not
  OpenAI-compatible (no JSON model list) is not a server we found, not an error.

LM Studio's `/v1/models` may list only the loaded models; its own `/api/v0/models` lists
every downloaded one, so that is asked first (within the same deadline), and
`/v1/models` only when it does not answer (llm/local_servers.py has the details).

This is plain `http.client`, not the openai client: four tiny GETs do not need
connection pools, retries or the time it takes to import openai.
"""

from __future__ import annotations

import http.client
import json
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from interviewer.core.hosts import is_loopback_host
from interviewer.storage.settings import PROVIDER_NAMES, PROVIDER_URLS

LOOPBACK = "127.0.0.1"
DEFAULT_TIMEOUT = 0.3
#: A server's own list, asked before /v1/models when it says more (see above).
NATIVE_LISTS: dict[str, str] = {"lmstudio": "/api/v0/models"}
#: A /v1/models answer larger than this is not a model list; stop reading.
_MAX_BODY = 1 << 20


@dataclass(frozen=True)
class Preset:
    """A local server kind: what to call it and where it listens by default."""

    provider: str  # the Settings.provider value
    name: str
    port: int

    @property
    def base_url(self) -> str:
        return PROVIDER_URLS[self.provider]


def _presets() -> dict[str, Preset]:
    out: dict[str, Preset] = {}
    for provider, url in PROVIDER_URLS.items():
        port = urlsplit(url).port
        if port is not None:
            out[provider] = Preset(provider, PROVIDER_NAMES.get(provider, provider), port)
    return out


#: Ollama 11434, LM Studio 1234, llama.cpp server 8080, vLLM 8000 (storage.settings).
PRESETS: dict[str, Preset] = _presets()
DEFAULT_PORTS: dict[str, int] = {p.provider: p.port for p in PRESETS.values()}


@dataclass(frozen=True)
class FoundServer:
    provider: str
    base_url: str
    models: list[str]

    @property
    def name(self) -> str:
        """How to show it: "Ollama", "LM Studio", ..."""
        return PROVIDER_NAMES.get(self.provider, self.provider)


def parse_models(body: bytes) -> list[str] | None:
    """Model ids from an OpenAI-style `{"data": [{"id": ...}]}` list; None if not one."""
    try:
        data = json.loads(body)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    items = data.get("data")
    if not isinstance(items, list):
        # Some servers put the list under "models" (Ollama's native /api/tags shape).
        items = data.get("models")
    if not isinstance(items, list):
        return None
    ids: list[str] = []
    for item in items:
        if isinstance(item, dict) and str(item.get("type") or "").startswith("embed"):
            continue  # LM Studio lists embedding models too: they cannot hold an interview
        ident = (item.get("id") or item.get("name")) if isinstance(item, dict) else None
        if isinstance(ident, str) and ident and ident not in ids:
            ids.append(ident)
    return sorted(ids)


def probe(host: str, port: int, deadline: float, path: str = "/v1/models") -> list[str] | None:
    """GET `path` on one port; the model ids, or None if no usable server is there."""
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        return None
    conn = http.client.HTTPConnection(host, port, timeout=remaining)
    try:
        conn.request("GET", path, headers={"Accept": "application/json"})
        if conn.sock is not None:
            conn.sock.settimeout(max(0.001, deadline - time.monotonic()))
        response = conn.getresponse()
        if response.status != 200:
            return None
        body = b""
        while len(body) <= _MAX_BODY:
            if conn.sock is not None:
                conn.sock.settimeout(max(0.001, deadline - time.monotonic()))
            piece = response.read1(65536)
            if not piece:
                break
            body += piece
        return parse_models(body)
    except (OSError, http.client.HTTPException, ValueError):
        return None
    finally:
        conn.close()


def discover(
    timeout: float = DEFAULT_TIMEOUT,
    *,
    ports: Mapping[str, int] | None = None,
    host: str = LOOPBACK,
) -> list[FoundServer]:
    """Probe every preset port at once; the servers that answered, in preset order.

    `ports` maps a provider to the port to try (tests pass fake servers' ports). Returns
    within about `timeout` seconds whatever the ports do. Call it off the GUI thread.
    """
    table = dict(DEFAULT_PORTS if ports is None else ports)
    deadline = time.monotonic() + timeout
    results: dict[str, list[str] | None] = {}
    lock = threading.Lock()

    def run(provider: str, port: int) -> None:
        native = NATIVE_LISTS.get(provider)
        models = probe(host, port, deadline, native) if native else None
        if models is None:
            models = probe(host, port, deadline)
        with lock:
            results[provider] = models

    threads = [
        threading.Thread(target=run, args=(provider, port), name=f"probe-{provider}", daemon=True)
        for provider, port in table.items()
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    with lock:
        done = dict(results)
    found: list[FoundServer] = []
    for provider, port in table.items():
        models = done.get(provider)
        if models is None:
            continue
        found.append(FoundServer(provider, _base_url(provider, host, port), models))
    return found


def _base_url(provider: str, host: str, port: int) -> str:
    preset = PRESETS.get(provider)
    if preset is not None and preset.port == port and is_loopback_host(host):
        return preset.base_url
    return f"http://{host}:{port}/v1"
