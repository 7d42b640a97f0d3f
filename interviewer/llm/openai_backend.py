"""The backend for OpenAI and every OpenAI-compatible server (Ollama, LM Studio, llama.cpp,
vLLM). The only module in the app that imports `openai`.

Local servers differ in what they accept, so structured output degrades step by step
and remembers what worked (per backend instance):

1. `response_format` json_schema (strict) - OpenAI, recent Ollama, vLLM;
2. `response_format` json_object, with the schema written into the prompt;
3. no response_format at all, schema in the prompt, JSON fished out of the reply.

A server that does not know json_schema may answer 400 or 422, or (llama-cpp-python)
500; such a probe costs one request. Whatever the mode, the reply is validated with
pydantic, and a reply that does not fit gets exactly one repair round before it becomes
BadResponse.

Retries live in one layer only, llm/service.py: the openai client is built with
`max_retries=0`, and this backend's `max_retries` tells the service how many times to try
again. Two layers would multiply (client retries x service retries x timeout) into
minutes of silence when a server hangs; the service also knows about the interview
(a stall budget, the offline coach, a circuit breaker), the client does not.

Every prompt goes through a `PromptBudget` (core/budget.py) before it is sent: counted
with tiktoken, fitted into the model's context window by leaving out old history
messages, never by cutting one. `last_prompt_tokens` is the count of the latest request.

Every openai exception is translated through the table in `errors_map` into a
core.errors class with a message that says what to do; callers never see openai types.

Each call returns a `ModelResponse` (llm/base.py) built from a per-call tally, never from
the backend's running `usage`: gradings run in parallel on one backend, so only what
one call itself saw can be attributed to it. A failing call attaches what it saw (raw
reply, usage, messages) to its error (`base.attach_partial`) for the call log. The API
key never leaves the client: it is not in any response, and a server that echoes it in
an error has it cut out of the message.

A reply is used only when the model ended it: a `finish_reason` other than a normal stop
("length", "content_filter"), or a stream that ends without one (a server or proxy
closed it half way, cleanly enough that the client raises nothing), fails the call with
the retryable error from `errors_map.cut_off`. The service then tries again or lets the
offline coach stand in; a half question is never shown as complete, stored or graded.
A non-streamed reply without any finish reason is accepted: its body arrived whole
(the client checks its length and JSON), and a structured reply is validated anyway.

Every call streams, follow-up decisions and grades included (issue 15): a structured
reply arrives as JSON text deltas, gathered and parsed at the end through the same
validation, repair round and mode walk. A server that refuses `stream` for structured
calls (400/422 naming it) is asked without it from then on; one that ignores it and
sends a whole completion is read as one. A streamed structured reply with no finish
reason is accepted like a whole body (it is validated); "length" is still cut off.

Deadlines follow progress, never the wall clock (`_Watch`): before the first token a
server has the time-out plus twice the prompt's reading time at its prompt speed (the
one measured from earlier calls' time to first token, else the one the backend was
built with: a remembered fitness check's, or DEFAULT_PROMPT_SPEED); after it, at most
`gap_timeout` seconds between tokens. A reply that keeps flowing is bounded only by its
token limit (`reply_limit`). The socket's read time-out is the first-token budget
(httpx reads one time-out per body), and a watch thread shuts the connection's socket
when the silence between tokens runs past its budget, including behind keep-alive
comments that the SSE client swallows. Each streamed piece is reported
(`base.report_progress`: tokens so far, seconds, an estimate of the time left from the
generation speed and the usual reply length of the kind, and the silence now allowed),
which the service's watchdog and the front ends' progress displays follow.

`openai` and its transport (`httpx2`) are imported on the first request, not with this
module: importing them took 0.65 s of the window's start (issue 18) for a user with a
model configured, before the home screen could be used, though the home screen makes no
call. `gui.boot` imports them on a background thread once the window is up
(`preload_client`).
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import re
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from pydantic import BaseModel, ValidationError

from interviewer.core.budget import HISTORY_TOKENS, MIN_REPLY_TOKENS, REPLY_TOKENS, PromptBudget
from interviewer.core.cost import Usage, is_local_url, usage_from_api
from interviewer.core.errors import (
    BackendError,
    BackendTimeout,
    BadResponse,
    Cancelled,
    ModelNotFound,
)
from interviewer.core.models import FollowUpDecision, GradeDraft
from interviewer.core.prompts import (
    ChatChunks,
    Message,
    PromptLibrary,
    describe_validation_error,
    extract_json,
    repair_instruction,
    schema_instruction,
    strict_json_schema,
)
from interviewer.core.requests import FollowUpRequest, GradeRequest, TurnRequest
from interviewer.core.tokens import count_tokens
from interviewer.llm import local_servers
from interviewer.llm.base import (
    CLIENT_IMPORT_LOCK,
    CancelToken,
    DeltaCallback,
    Mode,
    ModelResponse,
    Progress,
    attach_partial,
    report_progress,
)
from interviewer.llm.errors_map import (
    DROPPED,
    MID_STREAM,
    NO_FINISH,
    build_error,
    cut_off,
    cut_off_reason,
    lookup,
)
from interviewer.storage.prompt_files import default_library

if TYPE_CHECKING:
    import httpx2
    import openai
else:

    class _OnFirstUse:
        """A module imported when one of its names is first used (module doc)."""

        def __init__(self, name: str) -> None:
            self._name = name
            self._module: Any = None

        def __getattr__(self, attr: str) -> Any:
            if self._module is None:
                with CLIENT_IMPORT_LOCK:  # never beside another thread's import of it
                    self._module = importlib.import_module(self._name)
            return getattr(self._module, attr)

    httpx2 = _OnFirstUse("httpx2")
    openai = _OnFirstUse("openai")


def preload_client() -> None:
    """Import the client's modules now (on a background thread: it takes a while)."""
    with CLIENT_IMPORT_LOCK:
        import httpx2  # noqa: F401
        import openai  # noqa: F401


M = TypeVar("M", bound=BaseModel)
StructuredMode = Literal["json_schema", "json_object", "prompt"]
#: Structured-output modes, best first (module docstring).
MODES: tuple[StructuredMode, ...] = ("json_schema", "json_object", "prompt")
#: Statuses with which servers turn down a response_format they do not support.
REJECTED_FORMAT = frozenset({400, 422, 500})
#: Words by which a 500 shows it is about the response_format, not a crash.
_FORMAT_WORDS = ("response_format", "json_schema", "json_object", "schema", "grammar")
OPENAI_URL = "https://api.openai.com/v1"
#: A lone UTF-16 surrogate, which a JSON reply can carry but no UTF-8 text can hold.
_SURROGATE = re.compile("[\ud800-\udfff]")
_GENERIC_LABELS = {"custom server", "openai"}


def client_errors() -> tuple[type[Exception], ...]:
    """What the client raises, besides its own errors, when a body or a streamed event is
    not JSON at all (a function: the client's module is imported on first use)."""
    return (openai.OpenAIError, json.JSONDecodeError)


#: Transport errors after the connection was made: the server dropped it.
_DROPPED_CAUSES = frozenset({"RemoteProtocolError", "ReadError", "WriteError"})


def _stream_errors() -> tuple[type[Exception], ...]:
    """What a stream's iteration can raise besides the client's own errors (the transport's
    errors reach the caller unwrapped while a streamed body is read)."""
    return (*client_errors(), httpx2.HTTPError)


# ---------------------------------------------------------------- progress deadlines
#: Prompt tokens a second a server is assumed to read until one has been measured (a
#: laptop CPU reads a few hundred; this errs on the long side). `make_backend` passes it
#: as `prompt_speed` when no fitness check is remembered.
DEFAULT_PROMPT_SPEED = 50.0
#: The prompt's expected reading time is allowed this many times over before the first
#: token (a cold model load, a busy server, a prompt cache that flattered a measure).
FIRST_TOKEN_MARGIN = 2.0
#: Reply tokens expected of a call of each kind until replies of that kind were seen.
TYPICAL_REPLY_TOKENS = {"turn": 120, "follow_up": 80, "grade": 900}
#: Generation speed assumed for estimates only (never for a deadline).
DEFAULT_GENERATION_SPEED = 10.0
#: The watch on a stream looks at the clock this often (seconds).
WATCH_INTERVAL = 0.1
#: `/v1/audio/speech` defaults (issue 16): OpenAI's names; local servers map or ignore them.
DEFAULT_SPEECH_MODEL = "tts-1"
DEFAULT_SPEECH_VOICE = "alloy"
#: A remembered prompt budget never shrinks the verbatim history below this (tokens).
MIN_HISTORY_TOKENS = 400


class _Invalid(Exception):
    """A reply that is not the JSON we asked for; `str(self)` tells the model why."""


@dataclass
class _Tally:
    """What one backend call saw, across its requests (format probes, a repair round)."""

    started: float = field(default_factory=time.monotonic)
    usage: Usage = field(default_factory=Usage)
    messages: list[Message] = field(default_factory=list)
    raw: str = ""
    model: str = ""
    repairs: int = 0

    def response(self, result: Any, fallback_model: str, mode: Mode) -> ModelResponse[Any]:
        return ModelResponse(
            result=result,
            model=self.model or fallback_model,
            mode=mode,
            usage=self.usage,
            latency_seconds=time.monotonic() - self.started,
            repair_rounds=self.repairs,
            raw_reply=self.raw,
            messages=tuple(dict(m) for m in self.messages),
        )


class _Speeds:
    """What this backend has measured of its server: how fast it reads a prompt (time to
    the first token) and writes a reply (streamed tokens), and how long replies of each
    kind run. Thread-safe: gradings stream in parallel.

    A prompt speed only rises slowly (a quarter of the way to a faster measure) and falls
    at once, so a prompt cache that made one call look fast does not shrink the next
    call's first-token budget much.
    """

    def __init__(self, prompt: float | None, generation: float | None) -> None:
        self._lock = threading.Lock()
        self.prompt = prompt if prompt and prompt > 0 else None
        self.generation = generation if generation and generation > 0 else None
        self._replies: dict[str, float] = {}
        self._measured_prompt = self._measured_generation = False

    def prompt_speed(self) -> float | None:
        with self._lock:
            return self.prompt

    def seed(self, prompt: float | None, generation: float | None) -> None:
        """Speeds known from elsewhere (a fitness check) replace the ones this backend
        was built with, as long as it has measured none of its own."""
        with self._lock:
            if not self._measured_prompt and prompt and prompt > 0:
                self.prompt = prompt
            if not self._measured_generation and generation and generation > 0:
                self.generation = generation

    def generation_speed(self) -> float | None:
        with self._lock:
            return self.generation

    def typical_reply(self, kind: str) -> float:
        with self._lock:
            return self._replies.get(kind, TYPICAL_REPLY_TOKENS.get(kind, 120))

    def learn(
        self,
        kind: str,
        prompt_tokens: int,
        first_token_seconds: float | None,
        reply_tokens: int,
        writing_seconds: float,
        whole: bool,
    ) -> None:
        with self._lock:
            if first_token_seconds and first_token_seconds > 0.05 and prompt_tokens > 0:
                seen = prompt_tokens / first_token_seconds
                self._measured_prompt = True
                old = self.prompt
                self.prompt = seen if old is None or seen < old else old + (seen - old) / 4
            if reply_tokens >= 8 and writing_seconds > 0.2:
                seen = reply_tokens / writing_seconds
                self._measured_generation = True
                old = self.generation
                self.generation = seen if old is None else (old + seen) / 2
            if whole and reply_tokens > 0:
                old_reply = self._replies.get(kind)
                self._replies[kind] = (
                    reply_tokens if old_reply is None else (old_reply + reply_tokens) / 2
                )


class _Watch:
    """One streamed request's deadlines and progress.

    Before the first token the server has `first_budget` seconds (sized to the prompt);
    after it, `gap` seconds between tokens; never a total. The socket's read time-out is
    the first budget (it covers a server that sends no headers); a server that sends
    headers and then keep-alive comments (the SSE client swallows them, so reads succeed
    and the loop sees nothing) is caught by a watch thread, which shuts the connection's
    socket down when the silence runs past the budget: the blocked read returns at once
    and the call fails as a time-out.
    """

    def __init__(self, backend: OpenAIBackend, kind: str, cancel: CancelToken | None) -> None:
        self.backend = backend
        self.kind = kind
        self.cancel = cancel
        self.started = time.monotonic()
        self.first: float | None = None
        self.last: float | None = None
        self.tokens = 0
        self.prompt_tokens = 0
        self.first_budget = backend.timeout
        self.gap = backend.gap_timeout
        self.limit = float(backend.reply_limit(kind))
        #: The budget that ran out, once the watch gave the request up.
        self.timed_out: float | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def sent(self, prompt_tokens: int, reply_limit: int) -> float:
        """The request is about to go out: its first-token budget (also reported)."""
        self.prompt_tokens = prompt_tokens
        self.limit = float(reply_limit)
        self.first_budget = self.backend.first_token_budget(prompt_tokens)
        self.started = time.monotonic()
        self._report()
        return self.first_budget

    def silence_limit(self) -> float:
        return self.gap if self.first is not None else self.first_budget

    def _deadline(self) -> float:
        if self.first is None or self.last is None:
            return self.started + self.first_budget
        return self.last + self.gap

    def attach(self, response: Any) -> None:
        """Watch the connection of this response from now on (headers have arrived)."""
        self._thread = threading.Thread(
            target=self._run, args=(response,), name="stream-watch", daemon=True
        )
        self._thread.start()

    def _run(self, response: Any) -> None:
        while not self._stop.wait(WATCH_INTERVAL):
            cancelled = self.cancel is not None and self.cancel.cancelled
            if cancelled or time.monotonic() > self._deadline():
                if not cancelled:
                    self.timed_out = self.silence_limit()
                _shut(response)
                return

    def close(self) -> None:
        self._stop.set()

    def check(self) -> None:
        if self.cancel is not None and self.cancel.cancelled:
            raise Cancelled("Cancelled.")

    def piece(self, text: str) -> None:
        """A piece of the reply arrived: count it, move the deadline, report progress."""
        now = time.monotonic()
        if self.first is None:
            self.first = now
        self.last = now
        self.tokens += max(1, count_tokens(text, self.backend.model)) if text else 0
        self._report()

    def _report(self) -> None:
        now = time.monotonic()
        report_progress(
            Progress(
                tokens=self.tokens,
                seconds=now - self.started,
                left=self.estimate_left(now),
                phase="writing" if self.first is not None else "waiting",
                silence_limit=self.silence_limit(),
            )
        )

    def writing_speed(self) -> float | None:
        """Tokens a second in this reply so far, once enough of it was seen to tell."""
        if self.first is None or self.last is None or self.tokens < 5:
            return None
        took = self.last - self.first
        return self.tokens / took if took > 0.2 else None

    def estimate_left(self, now: float) -> float | None:
        speed = self.writing_speed() or self.backend.speeds.generation_speed()
        expected = min(
            self.limit,
            max(self.backend.speeds.typical_reply(self.kind), self.tokens * 1.15 + 10),
        )
        writing = (expected - self.tokens) / (speed or DEFAULT_GENERATION_SPEED)
        if self.first is not None:
            return max(0.0, writing)
        speed = self.backend.speeds.prompt_speed() or DEFAULT_PROMPT_SPEED
        reading = self.prompt_tokens / speed
        return max(0.0, reading - (now - self.started)) + writing

    def learn(self, whole: bool) -> None:
        """What this request showed about the server's speeds (for the next budgets)."""
        first = None if self.first is None else self.first - self.started
        writing = 0.0 if self.first is None or self.last is None else self.last - self.first
        self.backend.speeds.learn(self.kind, self.prompt_tokens, first, self.tokens, writing, whole)


def _shut(response: Any) -> None:
    """End a response's connection now, from another thread: shut its socket down (a
    blocked read returns at once), else close the response."""
    stream = getattr(response, "extensions", {}).get("network_stream")
    sock = None
    if stream is not None:
        try:
            sock = stream.get_extra_info("socket")
        except Exception:  # the transport does not say: close the response instead
            sock = None
    if isinstance(sock, socket.socket):
        try:
            sock.shutdown(socket.SHUT_RDWR)
            return
        except OSError:
            pass
    with contextlib.suppress(Exception):  # already closed, or refused from this thread
        response.close()


def _slug(label: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-") or "openai"


def _detail(exc: BaseException) -> str:
    """The server's own words about an error, short enough for a status bar."""
    body = getattr(exc, "body", None)
    text = ""
    if isinstance(body, dict):
        msg = body.get("message") or body.get("detail") or body.get("error")
        text = msg if isinstance(msg, str) else str(body)
    elif isinstance(body, str):
        text = body
    if not text:
        text = getattr(exc, "message", "") or str(exc)
    text = " ".join(text.split())
    return text[:300] + ("…" if len(text) > 300 else "")


def _retry_after(exc: BaseException) -> float | None:
    """Seconds the server asked us to wait: retry-after-ms, or retry-after (secs or date)."""
    response = getattr(exc, "response", None)
    if response is None:
        return None
    headers = response.headers
    try:
        millis = headers.get("retry-after-ms")
        if millis is not None:
            return max(0.0, float(millis) / 1000)
        value = headers.get("retry-after")
        if value is None:
            return None
        try:
            return max(0.0, float(value))
        except ValueError:
            when = parsedate_to_datetime(value)
            return max(0.0, (when - datetime.now(UTC)).total_seconds())
    except (TypeError, ValueError):
        return None


def _rejects_format(exc: openai.APIStatusError) -> bool:
    """Whether the server turned down the response_format (so a simpler mode may work).

    400 and 422 are about the request, so the format is the likely culprit. A 500 only
    counts when it names the format (llama-cpp-python's way to refuse it): any other 500
    is the server failing, and must not downgrade structured output for good.
    """
    if exc.status_code not in REJECTED_FORMAT:
        return False
    if exc.status_code != 500:
        return True
    detail = _detail(exc).lower()
    return any(word in detail for word in _FORMAT_WORDS)


def _about_token_limit(exc: openai.BadRequestError) -> bool:
    """The server wants the reply limit under the other name (OpenAI's newer models
    refuse `max_tokens`; an older server may not know `max_completion_tokens`)."""
    if exc.param in ("max_tokens", "max_completion_tokens"):
        return True
    detail = _detail(exc).lower()
    return "max_tokens" in detail or "max_completion_tokens" in detail


#: OpenAI models that think before they answer: their hidden reasoning counts against the
#: reply limit, so it gets this much more room.
_REASONING_MODEL = re.compile(r"^(?:o\d|gpt-5)", re.IGNORECASE)
REASONING_EXTRA_TOKENS = 8_192
#: A grade is asked for at temperature 0 (the same answer, the same grade), except when
#: several samples are taken (Settings: grading samples): they must be free to differ.
SAMPLE_TEMPERATURE = 0.7


def _about_temperature(exc: openai.BadRequestError) -> bool:
    """Some models (reasoning ones) accept only their default temperature."""
    if exc.param == "temperature":
        return True
    return "temperature" in _detail(exc).lower()


class OpenAIBackend:
    """A Backend (see llm/base.py) speaking the OpenAI chat completions API.

    Synchronous on purpose: the GUI runs calls on worker threads (PySide6's asyncio
    support cannot drive the async client), and the CLI simply waits.
    """

    def __init__(
        self,
        api_key: str | None,
        model: str,
        base_url: str | None = None,
        temperature: float = 0.7,
        timeout: float = 60.0,
        connect_timeout: float = 5.0,
        max_retries: int = 2,
        http_client: httpx2.Client | None = None,
        provider_label: str = "OpenAI",
        prompts: PromptLibrary | None = None,
        context_window: int | None = None,
        server_context: bool = False,
        gap_timeout: float | None = None,
        prompt_speed: float | None = None,
        generation_speed: float | None = None,
        reply_tokens: dict[str, int] | None = None,
        prompt_budget_tokens: int | None = None,
    ) -> None:
        self.model = model
        self.base_url = base_url.rstrip("/") if base_url else None
        self.temperature = temperature
        self.timeout = timeout
        #: Longest silence between two tokens of a streamed reply (default: `timeout`).
        self.gap_timeout = gap_timeout if gap_timeout and gap_timeout > 0 else timeout
        self.connect_timeout = connect_timeout
        #: Measured speeds of the server (seeded from a remembered fitness check, if any),
        #: for first-token budgets and estimates of the time left.
        self.speeds = _Speeds(prompt_speed, generation_speed)
        self.provider_label = provider_label
        self.name = f"{_slug(provider_label)}:{model}"
        self.label = f"{provider_label} · {model}"
        self.prompts = prompts or default_library()
        #: How often llm/service.py may try a failed call again (the client never does).
        self.max_retries = max(0, max_retries)
        #: Token counts from the API's usage data, summed over every call (thread-safe).
        self.usage = Usage()
        #: Fits prompts into the model's context window (core/budget.py).
        self.budget = PromptBudget(model, context_window)
        #: Reply limits per kind of call sized by a remembered fitness check of this
        #: server and model (its advice: a small model's grade needs far fewer tokens
        #: than the REPLY_TOKENS ceiling); never above that ceiling. Empty: the ceiling.
        self.reply_tokens: dict[str, int] = {}
        self.use_advice(reply_tokens, prompt_budget_tokens)
        #: Prompt tokens of the latest request, as counted before it was sent.
        self.last_prompt_tokens = 0
        #: Ollama, LM Studio, llama.cpp: their own APIs say more (llm/local_servers.py).
        self._server_kind = local_servers.kind_for_label(provider_label)
        #: The window the local server reports for the model, once read; with
        #: `server_context` and no `context_window` of the user's, the first call reads it
        #: and the budget plans with it (Ollama runs models with less than their maximum).
        self.server_window: local_servers.ContextWindow | None = None
        self._window_pending = server_context and context_window is None and self.is_local
        self._user_window = context_window
        self._window_lock = threading.Lock()
        #: The local server's model list with details, after `list_models`.
        self.server_models: local_servers.ServerModels | None = None
        self._structured_mode: StructuredMode | None = None
        #: Structured calls stream too, until a server refuses `stream` with them.
        self._stream_structured = True
        self._send_temperature = True
        # Every request limits its reply (a small local model can write thousands of
        # tokens for one grade and never stop); OpenAI itself takes the newer name.
        self._limit_param = "max_tokens" if self.base_url else "max_completion_tokens"
        # stream_options is OpenAI's; some local servers reject unknown fields.
        self._stream_usage = self.base_url is None
        # Local servers ignore the key but the client insists on one.
        key = api_key or ("not-needed" if self.base_url else None)
        # Only to cut the key out of a server's error text; never logged or stored.
        self._secret = api_key if api_key and len(api_key) >= 8 else None
        # The client is made on first use (its module is slow to import: module doc).
        self._client_args: dict[str, Any] = {
            "api_key": key,
            "base_url": self.base_url,
            "timeout": (timeout, connect_timeout),
            "http_client": http_client,
        }
        self._client_lock = threading.Lock()
        self._made_client: openai.OpenAI | None = None
        if key is None and os.environ.get("OPENAI_API_KEY") is None:
            # What the client itself refuses at construction, said now as before.
            raise build_error(lookup(["OpenAIError"], None, None), provider=self.provider_label)

    @property
    def _client(self) -> openai.OpenAI:
        """The openai client, made on first use (by whichever thread calls first)."""
        client = self._made_client
        if client is not None:
            return client
        with self._client_lock:
            if self._made_client is None:
                args = self._client_args
                timeout, connect = args["timeout"]
                try:
                    self._made_client = openai.OpenAI(
                        api_key=args["api_key"],
                        base_url=args["base_url"],
                        timeout=httpx2.Timeout(timeout, connect=connect),
                        max_retries=0,  # retries are the service's job (module docstring)
                        http_client=args["http_client"],
                    )
                except openai.OpenAIError as exc:
                    raise self._map(exc) from None
            return self._made_client

    def close(self) -> None:
        """Release pooled connections (the GUI calls this when settings change)."""
        with self._client_lock:
            client, self._made_client = self._made_client, None
        if client is not None:
            client.close()

    @property
    def call_deadline(self) -> float:
        """Seconds one call may go without progress before it is given up (service.py).

        Only until the call reports its first progress (`base.Progress`, whose
        `silence_limit` then rules): it covers the local work before the request goes
        out (counting tokens, building the prompt) and a call that reports nothing.
        """
        return self.timeout * 1.5 + self.connect_timeout + 1.0

    def first_token_budget(self, prompt_tokens: int) -> float:
        """Seconds a server may take to the first token of a reply to a prompt this long:
        the time-out, plus the prompt's reading time at the measured prompt speed (or the
        one given when the backend was built: `make_backend` gives a remembered fitness
        check's, else the conservative DEFAULT_PROMPT_SPEED), FIRST_TOKEN_MARGIN times
        over. With no speed known at all, the time-out alone."""
        speed = self.speeds.prompt_speed()
        reading = max(0, prompt_tokens) / speed if speed else 0.0
        return self.timeout + FIRST_TOKEN_MARGIN * reading

    # ------------------------------------------------------------------ capabilities
    # (declared on the Backend protocol in llm/base.py; `model`, `base_url`, `usage` and
    # `max_retries` are plain attributes set in __init__)

    @property
    def is_local(self) -> bool:
        return is_local_url(self.base_url)

    @property
    def supports_streaming(self) -> bool:
        return True

    @property
    def structured_modes(self) -> tuple[Mode, ...]:
        """The mode this server accepted once one call has succeeded, else all to try."""
        known = self._structured_mode
        return (known,) if known is not None else MODES

    @property
    def usage_totals(self) -> dict[str, int]:
        """The usage as a plain dict (requests, prompt, cached and completion tokens)."""
        return self.usage.totals()

    @property
    def context_window(self) -> int:
        """The window prompts are fitted into (table, default, or the user's setting)."""
        return self.budget.window

    @property
    def structured_mode(self) -> StructuredMode | None:
        """The structured-output mode this server accepted, once one call has succeeded."""
        return self._structured_mode

    # ------------------------------------------------------------------ errors

    @property
    def display_url(self) -> str:
        return self.base_url or OPENAI_URL

    def _reach_hint(self) -> str:
        if self.base_url is None:
            return "Check your internet connection, or pick another provider in Settings."
        who = (
            "the server" if self.provider_label.lower() in _GENERIC_LABELS else self.provider_label
        )
        return f"Is {who} running? Start it or pick another provider in Settings."

    def _map(self, exc: BaseException, *, mid_stream: bool = False) -> BackendError:
        """Translate an openai exception via the error table (design rule 5)."""
        names = [cls.__name__ for cls in type(exc).__mro__]
        code: str | None = getattr(exc, "code", None)
        if not isinstance(code, str):
            code = None
        if mid_stream and isinstance(exc, openai.APIConnectionError | json.JSONDecodeError):
            code = MID_STREAM
        elif (
            isinstance(exc, openai.APIConnectionError)
            and not isinstance(exc, openai.APITimeoutError)
            and type(exc.__cause__).__name__ in _DROPPED_CAUSES
        ):
            code = DROPPED
        status = getattr(exc, "status_code", None)
        info = lookup(names, code, status if isinstance(status, int) else None)
        err = build_error(
            info,
            retry_after=_retry_after(exc),
            provider=self.provider_label,
            model=self.model,
            base_url=self.display_url,
            status=getattr(exc, "status_code", "?"),
            detail=self._redact(_detail(exc)),
            timeout=f"{self.timeout:g}",
            reach_hint=self._reach_hint(),
        )
        return self._missing_model(err, exc)

    def _missing_model(self, err: BackendError, exc: BaseException) -> BackendError:
        """A local server's "model not found" as the command that fixes it (`ollama pull
        x`, `lms load x`) and the models it has; other errors as they are."""
        status = getattr(exc, "status_code", None)
        if not self.is_local or not self.base_url:
            return err
        # A 404 (or model_not_found) is about the model; any other 400 only when the
        # server's words say so (LM Studio's "no models loaded ... lms load").
        if not isinstance(err, ModelNotFound) and not (
            status in (400, 404) and local_servers.says_model_missing(_detail(exc))
        ):
            return err
        message = local_servers.missing_model_message(
            self.base_url,
            self.model,
            _detail(exc),
            kind=self._server_kind,
            timeout=self._local_timeout,
            api_key=self._secret,
        )
        if message is None:
            return err
        return ModelNotFound(message)

    @property
    def _local_timeout(self) -> float:
        """Seconds for one request to a local server's own API (a loopback GET)."""
        return min(local_servers.DEFAULT_TIMEOUT, self.connect_timeout, self.timeout)

    def read_server_window(self) -> None:
        """Once, before the first prompt is fitted: plan with the window the local
        server reports for this model (module docstring of llm/local_servers.py).

        Every call does this itself; code that reads `context_window` before any call
        (a fitness check sizing its budgets) calls it first. Network I/O: never on the
        GUI thread."""
        if not self._window_pending:
            return
        with self._window_lock:
            if not self._window_pending or not self.base_url:
                return
            self._window_pending = False
            found = local_servers.context_window(
                self.base_url,
                self.model,
                kind=self._server_kind,
                timeout=self._local_timeout,
                api_key=self._secret,
            )
            self.server_window = found
            if found is not None and found.effective:
                self.budget.window = found.effective

    def _redact(self, text: str) -> str:
        """The text with the API key cut out (a server may echo it in an error)."""
        if self._secret and self._secret in text:
            return text.replace(self._secret, "[API key]")
        return text

    def _cut_off(self, reason: object) -> BackendError | None:
        """The error for a reply that ended with `reason`; None if the model ended it."""
        info = cut_off(reason)
        if info is None:
            return None
        return build_error(info, provider=self.provider_label, reason=cut_off_reason(reason))

    def _failed(self, err: BackendError, tally: _Tally, mode: Mode) -> BackendError:
        """The error, carrying what the call saw before it failed (for the call log)."""
        partial = tally.response(None, self.model, mode)
        attach_partial(
            err,
            ModelResponse(
                result=None,
                model=partial.model,
                mode=mode,
                usage=partial.usage,
                latency_seconds=partial.latency_seconds,
                repair_rounds=partial.repair_rounds,
                raw_reply=self._redact(partial.raw_reply),
                messages=partial.messages,
                error=str(err),
            ),
        )
        return err

    # ------------------------------------------------------------------ transport

    def _record_usage(self, usage: Any, tally: _Tally | None = None) -> None:
        one = usage_from_api(usage)
        if one is not None:
            self.usage.add(one)
            if tally is not None:
                tally.usage.add(one)

    def _create(
        self,
        messages: list[Message],
        *,
        temperature: float | None,
        stream: bool = False,
        response_format: dict[str, Any] | None = None,
        tally: _Tally | None = None,
        kind: str = "turn",
        watch: _Watch | None = None,
    ) -> Any:
        """One chat completion request; openai exceptions propagate to the caller.

        The prompt is counted first, and one that cannot fit the context window is not
        sent (PromptTooLong): the server would refuse it or cut off its beginning. The
        reply is limited to what a call of this `kind` needs (`reply_limit`); a reply
        that reaches the limit ends with finish_reason "length" and is treated as cut off.
        """
        self.last_prompt_tokens = self.budget.check(messages)
        if tally is not None:
            tally.messages = list(messages)
        kwargs: dict[str, Any] = {"model": self.model, "messages": messages}
        kwargs[self._limit_param] = self.reply_limit(kind, self.last_prompt_tokens)
        if watch is not None:
            # The socket's read time-out is the first-token budget (the watch keeps the
            # gap between tokens itself: httpx reads one time-out for a whole body).
            first = watch.sent(self.last_prompt_tokens, kwargs[self._limit_param])
            read = max(first, self.gap_timeout)  # never shorter than the watch's budgets
            kwargs["timeout"] = httpx2.Timeout(read, connect=self.connect_timeout)
        if temperature is not None and self._send_temperature:
            kwargs["temperature"] = temperature
        if response_format is not None:
            kwargs["response_format"] = response_format
        if stream:
            kwargs["stream"] = True
            if self._stream_usage:
                kwargs["stream_options"] = {"include_usage": True}
        client = self._client
        for _ in range(3):  # at most one change of each kind, then the real answer
            try:
                return client.chat.completions.create(**kwargs)
            except openai.BadRequestError as exc:
                if "temperature" in kwargs and _about_temperature(exc):
                    self._send_temperature = False
                    del kwargs["temperature"]
                elif self._limit_param in kwargs and _about_token_limit(exc):
                    other = (
                        "max_tokens"
                        if self._limit_param == "max_completion_tokens"
                        else "max_completion_tokens"
                    )
                    kwargs[other] = kwargs.pop(self._limit_param)
                    self._limit_param = other
                else:
                    raise
        return client.chat.completions.create(**kwargs)

    def use_advice(
        self,
        reply_tokens: dict[str, int] | None,
        prompt_budget_tokens: int | None,
        *,
        prompt_speed: float | None = None,
        generation_speed: float | None = None,
    ) -> None:
        """Size the calls to a fitness check of this server and model (its `advice`):
        reply limits per kind of call, never above REPLY_TOKENS; the prompt budget (what
        the server reads in about the check's PROMPT_SECONDS) gives the verbatim history,
        the one part of a prompt that may be left out, at most half of it, so a slow
        server's turns stay quick to read as the interview grows. Speeds seed the first-
        token budget and estimates only where none was measured yet. Called when the
        backend is built, and when a first-use check ends while it is in use."""
        self.reply_tokens = {
            k: min(REPLY_TOKENS.get(k, REPLY_TOKENS["turn"]), max(MIN_REPLY_TOKENS, int(v)))
            for k, v in (reply_tokens or {}).items()
            if isinstance(v, int) and not isinstance(v, bool) and v > 0
        }
        if prompt_budget_tokens and prompt_budget_tokens > 0:
            self.budget.history_tokens = max(
                MIN_HISTORY_TOKENS, min(HISTORY_TOKENS, prompt_budget_tokens // 2)
            )
        self.speeds.seed(prompt_speed, generation_speed)

    def reply_limit(self, kind: str, prompt_tokens: int = 0) -> int:
        """The most tokens a reply of this kind may take: what it needs (REPLY_TOKENS,
        or less when a remembered fitness check sized it: `reply_tokens`), never more
        than the context window leaves after the prompt."""
        need = self.reply_tokens.get(kind) or REPLY_TOKENS.get(kind, REPLY_TOKENS["turn"])
        if self.base_url is None and _REASONING_MODEL.match(self.model):
            need += REASONING_EXTRA_TOKENS
        room = self.budget.window - prompt_tokens
        return max(MIN_REPLY_TOKENS, min(need, room))

    def _complete_text(
        self,
        messages: list[Message],
        *,
        temperature: float | None,
        response_format: dict[str, Any] | None,
        tally: _Tally | None = None,
        whole: bool = True,
        kind: str = "turn",
        stream: bool = False,
    ) -> str:
        """The reply's text. With `whole`, a reply the model did not end itself raises
        the cut-off error (a BackendError: callers attach the tally).

        With `stream` (structured calls, unless this server refused it once) the reply
        is streamed under the progress deadlines (`_Watch`) and its JSON text gathered;
        a server that answers 400/422 naming `stream` gets the plain request instead,
        now and from then on.
        """
        if stream and self._stream_structured:
            try:
                streamed, ended = self._stream(
                    messages,
                    temperature=temperature,
                    response_format=response_format,
                    tally=tally or _Tally(),
                    kind=kind,
                )
            except openai.APIStatusError as exc:
                if exc.status_code not in (400, 422) or "stream" not in _detail(exc).lower():
                    raise
                self._stream_structured = False
            else:
                # A structured reply without a finish reason is accepted, as a plain
                # body is: it is parsed and validated, so a cut one fails there.
                err = self._cut_off(ended) if whole and ended is not None else None
                if err is not None:
                    raise err
                return streamed
        completion = self._create(
            messages,
            temperature=temperature,
            response_format=response_format,
            tally=tally,
            kind=kind,
        )
        self._record_usage(getattr(completion, "usage", None), tally)
        # A body that is JSON but not a completion arrives unvalidated: read it warily.
        served = getattr(completion, "model", None)
        choices = getattr(completion, "choices", None) or []
        text = ""
        finish: object = "stop"
        if isinstance(choices, list) and choices:
            message = getattr(choices[0], "message", None)
            content = getattr(message, "content", None)
            text = _well_formed(content) if isinstance(content, str) else ""
            # Missing is accepted here (module docstring); any other value is judged.
            finish = getattr(choices[0], "finish_reason", None) or "stop"
        if tally is not None:
            tally.raw = text
            if isinstance(served, str) and served:
                tally.model = served
        err = self._cut_off(finish) if whole else None
        if err is not None:
            raise err
        return text

    def _stream(
        self,
        messages: list[Message],
        *,
        temperature: float | None,
        response_format: dict[str, Any] | None,
        tally: _Tally,
        kind: str,
        on_delta: DeltaCallback | None = None,
        cancel: CancelToken | None = None,
    ) -> tuple[str, object]:
        """One streamed request under the progress deadlines (`_Watch`): the reply's
        text and its finish reason (None when the stream ended without one).

        Client and transport errors propagate for the caller to map, except those the
        watch caused: a silence past its budget is BackendTimeout, a cancel Cancelled.
        A server that ignores `stream` and sends a whole completion is read as one.
        """
        watch = _Watch(self, kind, cancel)
        parts: list[str] = []
        finish: object = None
        try:
            try:
                stream = self._create(
                    messages,
                    temperature=temperature,
                    stream=True,
                    response_format=response_format,
                    tally=tally,
                    kind=kind,
                    watch=watch,
                )
            except openai.APITimeoutError as exc:
                waited = max(watch.first_budget, self.gap_timeout)  # the socket's time-out
                raise self._silent(waited, first=True) from exc
            response = getattr(stream, "response", None)
            kind_of_body = ""
            if response is not None:
                kind_of_body = str(response.headers.get("content-type", "")).lower()
            if response is not None and "event-stream" not in kind_of_body:
                return self._whole_body(response, tally, watch, on_delta)
            if response is not None:
                watch.attach(response)
            with stream:
                for chunk in stream:
                    watch.check()
                    self._record_usage(getattr(chunk, "usage", None), tally)
                    served = getattr(chunk, "model", None)
                    if isinstance(served, str) and served:
                        tally.model = served
                    finish = _finish_reason(chunk) or finish
                    piece = _delta_text(chunk)
                    if piece:
                        parts.append(piece)
                        watch.piece(piece)
                        if on_delta is not None:
                            on_delta(piece)
            watch.check()
        except _stream_errors() as exc:
            if watch.timed_out is not None:
                raise self._silent(
                    watch.timed_out, first=watch.first is None, connected=True
                ) from exc
            if isinstance(exc, openai.APITimeoutError | httpx2.TimeoutException):
                # The socket's own time-out won the race with the watch: the same silence.
                raise self._silent(
                    watch.silence_limit(), first=watch.first is None, connected=True
                ) from exc
            if cancel is not None and cancel.cancelled:
                raise Cancelled("Cancelled.") from None
            raise
        finally:
            watch.close()
            if parts:
                tally.raw = "".join(parts)
        watch.learn(whole=finish is not None and cut_off(finish) is None)
        return "".join(parts), finish

    def _whole_body(
        self,
        response: Any,
        tally: _Tally,
        watch: _Watch,
        on_delta: DeltaCallback | None,
    ) -> tuple[str, object]:
        """A plain completion sent in answer to a streamed request (the server ignored
        `stream`): read as the non-streamed path reads one; a missing finish reason is
        accepted, as there (the body arrived whole)."""
        data = json.loads(response.read())
        self._record_usage(data.get("usage") if isinstance(data, dict) else None, tally)
        text = ""
        finish: object = "stop"
        choices = data.get("choices") if isinstance(data, dict) else None
        if isinstance(choices, list) and choices and isinstance(choices[0], dict):
            message = choices[0].get("message")
            content = message.get("content") if isinstance(message, dict) else None
            text = _well_formed(content) if isinstance(content, str) else ""
            finish = choices[0].get("finish_reason") or "stop"
        served = data.get("model") if isinstance(data, dict) else None
        if isinstance(served, str) and served:
            tally.model = served
        tally.raw = text
        if text:
            watch.piece(text)
            if on_delta is not None:
                on_delta(text)
        return text, finish

    def _silent(self, budget: float, *, first: bool, connected: bool = False) -> BackendTimeout:
        """The error for a server that went silent past its budget."""
        budget = round(budget, 1)
        if first and connected:
            return BackendTimeout(
                f"{self.provider_label} kept the connection open but sent no reply within "
                f"{budget:g} seconds. Try again; a large or local model may need a longer "
                "timeout in Settings."
            )
        if first:
            return BackendTimeout(
                f"{self.provider_label} did not answer within {budget:g} seconds. Try again; "
                "a large or local model may need a longer timeout in Settings."
            )
        return BackendTimeout(
            f"{self.provider_label} stopped writing: no more of its reply came within "
            f"{budget:g} seconds. Try again, or raise the timeout in Settings."
        )

    # ------------------------------------------------------------------ streaming turn

    def interviewer_turn(
        self,
        request: TurnRequest,
        on_delta: DeltaCallback | None = None,
        cancel: CancelToken | None = None,
    ) -> ModelResponse[str]:
        """Stream the turn; cancel is checked between chunks, and also ends a read that
        waits (the watch shuts the connection), as does a silence past its budget."""
        self.read_server_window()
        tally = _Tally()
        chunks = self.prompts.turn_chunks(self.budget.turn_request(request))
        messages = self.budget.fit(chunks, "turn").messages
        if cancel is not None and cancel.cancelled:
            raise Cancelled("Cancelled.")
        try:
            text, finish = self._stream(
                messages,
                temperature=self.temperature,
                response_format=None,
                tally=tally,
                kind="turn",
                on_delta=on_delta,
                cancel=cancel,
            )
        except _stream_errors() as exc:
            raise self._failed(self._map(exc, mid_stream=bool(tally.raw)), tally, "stream") from exc
        except BackendError as err:  # a time-out of the watch, or Cancelled
            raise self._failed(err, tally, "stream") from None
        if cancel is not None and cancel.cancelled:
            raise self._failed(Cancelled("Cancelled."), tally, "stream")
        if not text.strip():
            raise self._failed(
                BadResponse(f"{self.provider_label} sent an empty reply. Try again."),
                tally,
                "stream",
            )
        cut = self._cut_off(finish if finish is not None else NO_FINISH)
        if cut is not None:
            raise self._failed(cut, tally, "stream")
        return tally.response(text, self.model, "stream")

    # ------------------------------------------------------------------ structured calls

    def follow_up(self, request: FollowUpRequest) -> ModelResponse[FollowUpDecision]:
        if request.follow_ups_asked >= request.follow_up_limit:
            # The limit is a rule, not a suggestion to the model: no call needed.
            decision = FollowUpDecision(
                reason="The follow-up limit for this question is reached.", follow_up=False
            )
            return ModelResponse(decision, model=self.model, mode="none")
        return self._structured(
            self.prompts.follow_up_chunks(request),
            FollowUpDecision,
            temperature=self.temperature,
            what="a follow-up decision",
            kind="follow_up",
        )

    def grade(self, request: GradeRequest) -> ModelResponse[GradeDraft]:
        chunks = self.prompts.grading_chunks(request)
        wanted = [c.id for c in request.rubric.criteria]

        def check(draft: GradeDraft) -> None:
            given = {c.criterion_id for c in draft.criteria}
            missing = [cid for cid in wanted if cid not in given]
            if missing:
                raise _Invalid(
                    "criteria needs one entry for each of "
                    f"{', '.join(wanted)}; missing: {', '.join(missing)}"
                )

        return self._structured(
            chunks,
            GradeDraft,
            temperature=SAMPLE_TEMPERATURE if request.meta.get("samples", "1") != "1" else 0.0,
            what="a grade",
            check=check,
            kind="grade",
        )

    def _response_format(
        self, mode: StructuredMode, model: type[BaseModel]
    ) -> dict[str, Any] | None:
        if mode == "json_schema":
            return {
                "type": "json_schema",
                "json_schema": {
                    "name": model.__name__,
                    "strict": True,
                    "schema": strict_json_schema(model),
                },
            }
        if mode == "json_object":
            return {"type": "json_object"}
        return None

    def _chunks_for(
        self, chunks: ChatChunks, mode: StructuredMode, model: type[BaseModel]
    ) -> ChatChunks:
        """Add the schema to the request when the server cannot be given it otherwise."""
        if mode == "json_schema":
            return chunks
        hint = schema_instruction(strict_json_schema(model))
        return ChatChunks(
            system=chunks.system,
            context=chunks.context,
            history=chunks.history,
            request=[*chunks.request, {"role": "user", "content": hint}],
        )

    def _first_reply(
        self,
        chunks: ChatChunks,
        model: type[BaseModel],
        temperature: float,
        kind: str,
        tally: _Tally,
    ) -> tuple[StructuredMode, ChatChunks, str]:
        """Walk the modes until the server accepts one (or only one is left to try)."""
        known = self._structured_mode
        modes: tuple[StructuredMode, ...] = (known,) if known is not None else MODES
        for mode in modes:
            probing = known is None and mode != "prompt"
            sent = self._chunks_for(chunks, mode, model)
            tally.raw = ""
            try:
                text = self._complete_text(
                    self.budget.fit(sent, kind).messages,
                    temperature=temperature,
                    response_format=self._response_format(mode, model),
                    tally=tally,
                    kind=kind,
                    stream=True,
                )
            except openai.APIStatusError as exc:
                if probing and _rejects_format(exc):
                    continue
                raise self._failed(self._map(exc), tally, mode) from exc
            except _stream_errors() as exc:
                err = self._map(exc, mid_stream=bool(tally.raw))
                raise self._failed(err, tally, mode) from exc
            except (Cancelled, BackendTimeout) as err:  # says nothing of the mode
                if isinstance(err, BackendTimeout) and tally.raw:
                    self._structured_mode = mode  # it was writing: the mode was taken
                raise self._failed(err, tally, mode) from None
            except BackendError as err:  # a cut-off reply: the server took this mode
                self._structured_mode = mode
                raise self._failed(err, tally, mode) from None
            self._structured_mode = mode
            return mode, sent, text
        raise AssertionError("the last mode is never a probe")  # pragma: no cover

    def _structured(
        self,
        chunks: ChatChunks,
        model: type[M],
        *,
        temperature: float,
        what: str,
        kind: str,
        check: Callable[[M], None] | None = None,
    ) -> ModelResponse[M]:
        self.read_server_window()
        tally = _Tally()
        mode, sent, text = self._first_reply(chunks, model, temperature, kind, tally)
        try:
            return tally.response(self._parse(text, model, check), self.model, mode)
        except _Invalid as exc:
            problem = str(exc)
        tally.repairs = 1
        repair = ChatChunks(
            system=sent.system,
            context=sent.context,
            history=sent.history,
            request=[
                *sent.request,
                {"role": "assistant", "content": text},
                {"role": "user", "content": repair_instruction(problem)},
            ],
        )
        first_text = text
        try:
            text = self._complete_text(
                self.budget.fit(repair, kind).messages,
                temperature=temperature,
                response_format=self._response_format(mode, model),
                tally=tally,
                kind=kind,
                stream=True,
            )
        except _stream_errors() as exc:
            err = self._map(exc, mid_stream=tally.raw != first_text)
            raise self._failed(err, tally, mode) from exc
        except BackendError as err:  # a cut-off repair
            raise self._failed(err, tally, mode) from None
        try:
            return tally.response(self._parse(text, model, check), self.model, mode)
        except _Invalid as exc:
            reason = str(exc)
            if len(reason) > 200:
                reason = reason[:200] + "…"
            raise self._failed(
                BadResponse(
                    f"{self.provider_label} returned {what} in the wrong format, even after "
                    f"one correction ({reason}). Try again, or pick a stronger model or the "
                    "offline coach in Settings."
                ),
                tally,
                mode,
            ) from None

    @staticmethod
    def _parse(text: str, model: type[M], check: Callable[[M], None] | None) -> M:
        if not text.strip():
            raise _Invalid("the reply was empty")
        try:
            data = _well_formed_json(extract_json(text))
        except ValueError as exc:
            raise _Invalid(f"it is not valid JSON ({exc})") from None
        try:
            obj = model.model_validate(data)
        except ValidationError as exc:
            raise _Invalid(
                f"it does not match the required format: {describe_validation_error(exc)}"
            ) from None
        if check is not None:
            check(obj)
        return obj

    # ------------------------------------------------------------------ settings helpers

    def list_models(self) -> list[str]:
        """The model ids the server offers: a local server's own list (Ollama's pulled
        models, LM Studio's downloaded ones, llm/local_servers.py), else GET /models."""
        if self.is_local and self.base_url:
            try:
                listing = local_servers.list_models(
                    self.base_url,
                    kind=self._server_kind,
                    timeout=self._local_timeout,
                    api_key=self._secret,
                )
            except BackendError:
                pass  # the client's request below reports the problem in the usual words
            else:
                self.server_models = listing
                return listing.names
        try:
            return sorted(m.id for m in self._client.models.list())
        except client_errors() as exc:
            raise self._map(exc) from exc

    def test_connection(self) -> str:
        """Check server, key and model; returns a line for Settings, raises BackendError.

        For a local server the line also says what its own API tells: whether the model
        is loaded, and the context window it runs with (llm/local_servers.py).
        """
        try:
            models: list[str] | None = self.list_models()
        except ModelNotFound:
            models = None  # the server has no /models endpoint; a request will tell
        listed = self.server_models.get(self.model) if self.server_models else None
        if models is not None and (self.model in models or listed is not None):
            return (
                f"Connected to {self.provider_label} at {self.display_url}. Model "
                f"'{self.model}' is available ({len(models)} model"
                f"{'s' if len(models) != 1 else ''} in all).{self._local_details(listed)}"
            )
        # Not listed (some servers serve any name, or list aliases): ask the model itself.
        try:
            self._complete_text(
                [{"role": "user", "content": "Reply with the single word OK."}],
                temperature=None,
                response_format=None,
                whole=False,  # a word cut off by a tiny output limit still answered
            )
        except client_errors() as exc:
            err = self._map(exc)
            if isinstance(err, ModelNotFound) and models:
                shown = ", ".join(models[:8]) + (", …" if len(models) > 8 else "")
                if shown not in str(err):
                    raise ModelNotFound(f"{err} It offers: {shown}.") from exc
            raise err from exc
        return (
            f"Connected to {self.provider_label} at {self.display_url}. Model "
            f"'{self.model}' answered.{self._local_details(listed)}"
        )

    def _local_details(self, listed: local_servers.LocalModel | None) -> str:
        """' It is not loaded yet ... The server runs it with a 4,096-token context
        window ...' for a local server that says so; "" otherwise."""
        if not self.is_local or not self.base_url:
            return ""
        out = ""
        if listed is not None and listed.loaded is False and self._server_kind == "lmstudio":
            out += (
                " It is not loaded yet: LM Studio loads it on the first request if "
                f"just-in-time loading is on; otherwise load it or run: lms load {self.model}."
            )
        kind = self._server_kind
        if kind is None and self.server_models is not None:
            # What list_models found out; "openai" may still be llama.cpp (ask /props).
            found = self.server_models.kind
            kind = found if found in ("ollama", "lmstudio") else None
        window = local_servers.context_window(
            self.base_url,
            self.model,
            kind=kind,
            timeout=self._local_timeout,
            api_key=self._secret,
        )
        if window is not None:
            out += f" The server {window.describe()}."
            if self._user_window and self._user_window != window.effective:
                out += (
                    f" Prompts are planned for {self._user_window:,} tokens, as set in "
                    "Settings (Automatic uses the server's window)."
                )
        return out

    # ------------------------------------------------------------------ speech (issue 16)

    def synthesize_speech(
        self,
        text: str,
        *,
        voice: str = DEFAULT_SPEECH_VOICE,
        model: str = DEFAULT_SPEECH_MODEL,
        speed: float = 1.0,
        response_format: str = "wav",
    ) -> bytes:
        """`text` read aloud by the server's `/v1/audio/speech` (OpenAI's voices, or a
        local server such as Speaches, LocalAI or Kokoro-FastAPI): the audio file's bytes.

        Blocks, so callers run it on a worker; raises a BackendError from the error table
        (no server, no such endpoint or model, time-out) like every other call. One
        attempt: a sentence that fails is read by the system voice instead."""
        try:
            reply = self._client.audio.speech.create(
                model=model,
                voice=voice,
                input=text,
                response_format=response_format,  # type: ignore[arg-type]
                speed=max(0.25, min(4.0, speed)),
            )
            data = reply.read()
        except _stream_errors() as exc:
            mapped = self._map(exc) if not isinstance(exc, httpx2.HTTPError) else None
            if mapped is None:
                raise BackendError(
                    f"{self.provider_label} broke off while sending speech audio ({exc})."
                ) from exc
            raise mapped from exc
        if not data:
            raise BackendError(f"{self.provider_label} sent no audio for the speech request.")
        return bytes(data)


def _delta_text(chunk: Any) -> str:
    """The text of one streamed chunk; "" for role-only, usage-only or odd chunks.

    Chunks are not validated by the client, so a server's odd event (no choices, a null
    delta) must not raise here.
    """
    choices = getattr(chunk, "choices", None)
    if not isinstance(choices, list) or not choices:
        return ""
    delta = getattr(choices[0], "delta", None)
    piece = getattr(delta, "content", None)
    return _well_formed(piece) if isinstance(piece, str) else ""


def _well_formed_json(data: Any) -> Any:
    """Parsed JSON with every string made well formed (its escapes can spell surrogates)."""
    if isinstance(data, str):
        return _well_formed(data)
    if isinstance(data, list):
        return [_well_formed_json(v) for v in data]
    if isinstance(data, dict):
        return {_well_formed(str(k)): _well_formed_json(v) for k, v in data.items()}
    return data


def _well_formed(text: str) -> str:
    """The reply with lone UTF-16 surrogates (a server's JSON "\\ud800") replaced by U+FFFD.

    Such a string cannot be encoded, so sending it back in the next request, saving it or
    printing it would fail one step later; it is repaired where it enters the app.
    """
    return _SURROGATE.sub("\ufffd", text)


def _finish_reason(chunk: Any) -> object:
    """The finish reason one streamed chunk carries; None for most chunks."""
    choices = getattr(chunk, "choices", None)
    if not isinstance(choices, list) or not choices:
        return None
    return getattr(choices[0], "finish_reason", None)
