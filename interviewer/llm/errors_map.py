"""What each OpenAI client error means for the user: one table, not scattered excepts.

Design rule 5 (anchor: Aider `aider/exceptions.py`, ExInfo). Rows are keyed by the
exception's class *name*, so this module needs no openai import and the table can be read
(and tested) on its own; `lookup` walks the raised exception's class hierarchy, nearest
class first, so `APITimeoutError` finds its own row before its parent
`APIConnectionError`. A few rows are narrowed by the error body's `code` (or by the
pseudo-code `mid_stream` for failures after text has started to arrive).

Messages are `str.format` templates. Fields: provider, model, base_url, status, detail,
timeout and reach_hint (what to check when nothing answered: differs for local servers).

Rows for a few HTTP statuses (`BY_STATUS`) say more than their class can: a 503 from a
local server usually means the model is still loading, not that the server is broken.
Replies that are not JSON at all surface from the client as `JSONDecodeError` (a
ValueError, not an openai error), so they have a row too.

A reply that arrives without an error but is not whole is a failure too (`cut_off`): its
`finish_reason` is not a normal stop ("length": the model's output limit,
"content_filter"), or a stream ends without any finish reason (the connection or a proxy
closed it half way). Such a reply is never used as if it were complete: it is retryable,
so the service tries again and then lets the offline coach stand in, with the message
below as the notice.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from interviewer.core.errors import (
    AuthenticationFailed,
    BackendError,
    BackendTimeout,
    BackendUnavailable,
    BadResponse,
    ModelNotFound,
    RateLimited,
    ServerError,
)


@dataclass(frozen=True)
class ExInfo:
    error: type[BackendError]
    retryable: bool
    message: str


MID_STREAM = "mid_stream"
#: Pseudo-code: the server took the request, then closed the connection without a reply.
DROPPED = "dropped"

ERRORS: dict[str, ExInfo] = {
    "APITimeoutError": ExInfo(
        BackendTimeout,
        True,
        "{provider} did not answer within {timeout} seconds. Try again; a large or local "
        "model may need a longer timeout in Settings.",
    ),
    "APIConnectionError": ExInfo(
        BackendUnavailable,
        True,
        "No server answered at {base_url}. {reach_hint}",
    ),
    "AuthenticationError": ExInfo(
        AuthenticationFailed,
        False,
        "The API key was rejected (401). Check it in Settings or OPENAI_API_KEY.",
    ),
    "PermissionDeniedError": ExInfo(
        AuthenticationFailed,
        False,
        "The API key may not use model '{model}' (403). Check the key's project and "
        "permissions, or pick another model in Settings.",
    ),
    "NotFoundError": ExInfo(
        ModelNotFound,
        False,
        "Model '{model}' is not available on this server ({base_url}). Pick one of its "
        "models in Settings.",
    ),
    "RateLimitError": ExInfo(
        RateLimited,
        True,
        "{provider} is limiting how fast requests may be sent (429). Wait a moment and try again.",
    ),
    "InternalServerError": ExInfo(
        ServerError,
        True,
        "{provider} had an internal error (HTTP {status}). Try again in a moment.",
    ),
    "ConflictError": ExInfo(
        ServerError,
        True,
        "{provider} reported a conflict (409). Try again in a moment.",
    ),
    "BadRequestError": ExInfo(
        BackendError,
        False,
        "{provider} rejected the request (400): {detail}",
    ),
    "UnprocessableEntityError": ExInfo(
        BackendError,
        False,
        "{provider} could not process the request (422): {detail}",
    ),
    "APIResponseValidationError": ExInfo(
        BadResponse,
        True,
        "{provider} sent a reply in an unexpected format. Try again.",
    ),
    "APIStatusError": ExInfo(
        BackendError,
        False,
        "{provider} answered with HTTP {status}: {detail}",
    ),
    "APIError": ExInfo(
        ServerError,
        True,
        "{provider} reported an error: {detail}. Try again.",
    ),
    # The body (or a streamed event) was not JSON: a broken proxy, server or model host.
    "JSONDecodeError": ExInfo(
        BadResponse,
        True,
        "{provider} sent a reply that could not be read (not valid JSON). Try again.",
    ),
    # Raised by the client itself, e.g. when no API key is set anywhere.
    "OpenAIError": ExInfo(
        AuthenticationFailed,
        False,
        "No API key is set for {provider}. Add one in Settings or set OPENAI_API_KEY.",
    ),
}

BY_CODE: dict[tuple[str, str], ExInfo] = {
    ("RateLimitError", "insufficient_quota"): ExInfo(
        RateLimited,
        False,
        "The account behind this API key has no quota left (429 insufficient_quota). "
        "Check billing with {provider}, or pick another provider in Settings.",
    ),
    ("BadRequestError", "context_length_exceeded"): ExInfo(
        BackendError,
        False,
        "The conversation is longer than model '{model}' can read. Pick a model with a "
        "larger context window in Settings.",
    ),
    ("BadRequestError", "model_not_found"): ExInfo(
        ModelNotFound,
        False,
        "Model '{model}' is not available on this server ({base_url}). Pick one of its "
        "models in Settings.",
    ),
    ("APIConnectionError", MID_STREAM): ExInfo(
        ServerError,
        True,
        "The connection to {provider} dropped in the middle of a reply. Try again.",
    ),
    ("APIConnectionError", DROPPED): ExInfo(
        ServerError,
        True,
        "{provider} closed the connection without answering. Try again in a moment.",
    ),
    ("JSONDecodeError", MID_STREAM): ExInfo(
        BadResponse,
        True,
        "{provider} sent a broken piece in the middle of a reply (not valid JSON). Try again.",
    ),
}

BY_STATUS: dict[int, ExInfo] = {
    502: ExInfo(
        ServerError,
        True,
        "A gateway in front of {provider} failed (HTTP 502). Try again in a moment.",
    ),
    503: ExInfo(
        ServerError,
        True,
        "{provider} is overloaded or still starting (HTTP 503); a local server may still "
        "be loading the model. Try again in a moment.",
    ),
    504: ExInfo(
        BackendTimeout,
        True,
        "{provider} did not answer in time (HTTP 504, gateway timeout). Try again; a "
        "large or local model may need a longer timeout in Settings.",
    ),
}

FALLBACK = ExInfo(BackendError, False, "{provider} failed: {detail}")

#: A local server's "model not found", said as the command that fixes it (the server is
#: asked which models it has: llm/local_servers.py `missing_model_message`). Fields:
#: model, available (a sentence listing them, or "").
OLLAMA_NOT_PULLED = ExInfo(
    ModelNotFound,
    False,
    "Model '{model}' is not pulled in Ollama. Run: ollama pull {model}, or pick a pulled "
    "model in Settings.{available}",
)
LMSTUDIO_NOT_LOADED = ExInfo(
    ModelNotFound,
    False,
    "Model '{model}' is not loaded in LM Studio. Load it in LM Studio or run: "
    "lms load {model}.{available}",
)
LMSTUDIO_NOT_DOWNLOADED = ExInfo(
    ModelNotFound,
    False,
    "LM Studio has no model '{model}'. Download it in LM Studio (or run: lms get {model}), "
    "or pick one of its models in Settings.{available}",
)

#: Finish reasons that mean the model ended its reply itself. "stop" is OpenAI's and
#: what Ollama, llama.cpp, vLLM and LM Studio send; text-generation-inference says
#: "eos_token" or "stop_sequence"; a few proxies pass on "end_turn" or "eos".
NORMAL_FINISH = frozenset({"stop", "eos_token", "stop_sequence", "end_turn", "eos"})
#: The pseudo finish reason of a stream that ended without one.
NO_FINISH = "missing"

CUT_OFF: dict[str, ExInfo] = {
    NO_FINISH: ExInfo(
        BadResponse,
        True,
        "The reply from {provider} broke off before it was finished (the stream ended "
        "without a finish reason), so it was not used.",
    ),
    "length": ExInfo(
        BadResponse,
        True,
        "The reply from {provider} was cut off at the model's output limit "
        '(finish_reason "length"), so it was not used.',
    ),
    "content_filter": ExInfo(
        BadResponse,
        True,
        '{provider}\'s content filter stopped the reply (finish_reason "content_filter"), '
        "so it was not used.",
    ),
}
CUT_OFF_OTHER = ExInfo(
    BadResponse,
    True,
    'The reply from {provider} ended with finish_reason "{reason}" instead of a normal '
    "stop, so it was not used.",
)


def lookup(
    class_names: Iterable[str], code: str | None = None, status: int | None = None
) -> ExInfo:
    """The row for an exception whose class hierarchy (nearest first) is `class_names`.

    A status row wins (502-504 say more than their class); otherwise, nearest class
    first, that class's (class, code) row, then its plain row.
    """
    if status is not None and status in BY_STATUS:
        return BY_STATUS[status]
    for name in class_names:
        if code is not None and (name, code) in BY_CODE:
            return BY_CODE[(name, code)]
        if name in ERRORS:
            return ERRORS[name]
    return FALLBACK


def build_error(info: ExInfo, *, retry_after: float | None = None, **fields: Any) -> BackendError:
    """Instantiate the row's error class with its filled-in message and retry flag."""
    message = info.message.format(**fields)
    err: BackendError
    if issubclass(info.error, RateLimited):
        err = info.error(message, retry_after=retry_after)
    else:
        err = info.error(message)
    err.retryable = info.retryable
    return err


def cut_off(reason: object) -> ExInfo | None:
    """The row for a reply that ended with `reason`; None when it ended normally.

    `reason` is what the server sent (any JSON value) or NO_FINISH. A row's message may
    show it, so anything but a short plain word is shown as "unknown".
    """
    if isinstance(reason, str) and reason in NORMAL_FINISH:
        return None
    if reason is None:
        reason = NO_FINISH
    if isinstance(reason, str) and reason in CUT_OFF:
        return CUT_OFF[reason]
    return CUT_OFF_OTHER


def cut_off_reason(reason: object) -> str:
    """The finish reason as a message may show it: a short plain word, else "unknown"."""
    plain = isinstance(reason, str) and 0 < len(reason) <= 40
    if plain and all(c.isascii() and (c.isalnum() or c in "_-.") for c in str(reason)):
        return str(reason)
    return "unknown"
