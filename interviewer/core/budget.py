"""Keep every prompt inside the model's context window, and its size flat over an interview.

Two limits, both counted with tiktoken (core/tokens.py, offline) before anything is sent:

* The context window. A prompt plus its reply must fit, or the server refuses it (OpenAI:
  `context_length_exceeded`) or, worse, silently drops the *start* of the prompt (many
  local servers), which is where the system prompt lives. So the window is checked here,
  against a small table of known models or a cautious default for anything else.
* Flatness. Without a limit, each interviewer turn would carry more history than the one
  before, and an interview would cost quadratically in its length. The engine already
  sends only the last few turns verbatim plus a one-line-per-question summary
  (engine.HISTORY_WINDOW); this module bounds both of those by a constant: the summary
  keeps its newest lines, and verbatim history has a token cap.

History is shortened only by leaving out whole messages, oldest first, with a note that
says so: a message cut in half (an answer without its end, a question without its
start) misleads a model more than a missing one. The system prefix, the context and the
current request are never touched, so the cached prompt prefix stays byte-identical
(design rule 7).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from interviewer.core.errors import BackendError
from interviewer.core.prompts import APP_TAG, ChatChunks, Message
from interviewer.core.requests import TurnRequest
from interviewer.core.tokens import count_messages, count_tokens

#: Context windows (tokens) of known models; a dated name uses its family's entry
#: (gpt-4o-2024-08-06 -> gpt-4o, by longest matching prefix).
CONTEXT_WINDOWS: dict[str, int] = {
    "gpt-3.5-turbo": 16_385,
    "gpt-4": 8_192,
    "gpt-4-32k": 32_768,
    "gpt-4-turbo": 128_000,
    "gpt-4o": 128_000,
    "gpt-4o-mini": 128_000,
    "gpt-4.1": 1_047_576,
    "gpt-4.1-mini": 1_047_576,
    "gpt-4.1-nano": 1_047_576,
    "gpt-5": 400_000,
    "gpt-5-mini": 400_000,
    "gpt-5-nano": 400_000,
    "o1": 200_000,
    "o1-mini": 128_000,
    "o3": 200_000,
    "o3-mini": 200_000,
    "o4-mini": 200_000,
}
#: For models not in the table, above all local ones. Deliberately modest: a local server
#: often runs a model with a smaller window than the model supports (Ollama's num_ctx,
#: llama.cpp's --ctx-size), and what counts is what the server was started with. The
#: `context_window` setting overrides it.
DEFAULT_CONTEXT_WINDOW = 8_192

#: Tokens kept free for the reply, by kind of call, and the most a reply of that kind may
#: take (the request's max_tokens, see llm/openai_backend.py). A question turn is short,
#: but local "thinking" models write a lot before it; a grade is a JSON object with quoted
#: evidence, reasoning and a strong-answer outline per criterion (the offline coach's own
#: drafts for the strong answers of the grading set take 1,200-1,600 tokens as JSON).
REPLY_TOKENS: dict[str, int] = {"turn": 1_024, "follow_up": 512, "grade": 3_072}
#: A prompt may eat into that reserve down to this; below it the reply would be cut off.
MIN_REPLY_TOKENS = 384
#: Verbatim history (the recent turns) is capped at this many tokens; the newest message
#: is kept even if it alone is larger, as long as the window allows.
HISTORY_TOKENS = 2_000
#: Lines of the earlier-questions summary kept (newest last); older ones become a count.
SUMMARY_LINES = 8
#: Per-message overhead of the chat format, as core.tokens.count_messages counts it.
_PER_MESSAGE = 3
_REPLY_PRIMER = 3


class PromptTooLong(BackendError):
    """Even with history left out, the prompt does not fit the model's context window."""

    retryable = False


def context_window(model: str, override: int | None = None) -> int:
    """The window to plan with: the user's setting, else the table, else the default."""
    if override:
        return int(override)
    name = model.strip().lower()
    if name in CONTEXT_WINDOWS:
        return CONTEXT_WINDOWS[name]
    matches = [known for known in CONTEXT_WINDOWS if name.startswith(known + "-")]
    if matches:
        return CONTEXT_WINDOWS[max(matches, key=len)]
    return DEFAULT_CONTEXT_WINDOW


def trim_summary(summary: str, max_lines: int = SUMMARY_LINES) -> str:
    """Keep the newest `max_lines` lines of the earlier-questions summary, count the rest.

    The engine writes one line per earlier question, so without this the summary grows
    with the interview; the newest lines matter most for how the next question is asked.
    """
    lines = [line for line in summary.splitlines() if line.strip()]
    if len(lines) <= max_lines:
        return summary
    left_out = len(lines) - max_lines
    head = f"- {left_out} earlier question{'s' if left_out != 1 else ''} (not listed)"
    return "\n".join([head, *lines[-max_lines:]])


@dataclass(frozen=True)
class Fitted:
    """The messages to send, and what it took to fit them."""

    messages: list[Message]
    #: Prompt tokens as counted with tiktoken (the server's own count may differ a little).
    tokens: int
    #: History messages left out (0 when everything fitted).
    dropped: int
    #: Tokens the window still has for the reply.
    reply_room: int


class PromptBudget:
    """Fits one model's prompts into its window; pure, no I/O, one per backend."""

    def __init__(
        self,
        model: str,
        window: int | None = None,
        *,
        history_tokens: int = HISTORY_TOKENS,
        summary_lines: int = SUMMARY_LINES,
    ) -> None:
        self.model = model
        self.window = context_window(model, window)
        self.history_tokens = history_tokens
        self.summary_lines = summary_lines

    def turn_request(self, request: TurnRequest) -> TurnRequest:
        """The request with its earlier-questions summary bounded."""
        trimmed = trim_summary(request.earlier_summary, self.summary_lines)
        if trimmed == request.earlier_summary:
            return request
        return dataclasses.replace(request, earlier_summary=trimmed)

    def count(self, messages: list[Message]) -> int:
        return count_messages(messages, self.model)

    def _cost(self, message: Message) -> int:
        return _PER_MESSAGE + count_tokens(message.get("content", ""), self.model)

    def fit(self, chunks: ChatChunks, kind: str = "turn") -> Fitted:
        """Leave out the oldest history messages until the prompt fits; never cut one.

        Raises PromptTooLong when the parts that cannot be left out (system prompt,
        context, request) leave less than MIN_REPLY_TOKENS for the reply.
        """
        reply = REPLY_TOKENS.get(kind, REPLY_TOKENS["turn"])
        limit = self.window - min(reply, max(MIN_REPLY_TOKENS, self.window // 4))
        fixed = _REPLY_PRIMER + sum(
            self._cost(m) for m in [*chunks.system, *chunks.context, *chunks.request]
        )
        history = list(chunks.history)
        costs = [self._cost(m) for m in history]
        note_cost = self._cost(_left_out_note(len(history)))
        drop = 0

        def history_cost() -> int:
            return sum(costs[drop:]) + (note_cost if drop else 0)

        while drop < len(history):
            h = history_cost()
            over_window = fixed + h > limit
            over_cap = h > self.history_tokens and drop < len(history) - 1
            if not (over_window or over_cap):
                break
            drop += 1
        kept = history[drop:]
        if drop:
            kept = [_left_out_note(drop), *kept]
        messages = ChatChunks(
            system=chunks.system, context=chunks.context, history=kept, request=chunks.request
        ).messages()
        tokens = self.count(messages)
        if tokens > self.window - MIN_REPLY_TOKENS:
            raise self.too_long(tokens)
        return Fitted(messages, tokens, drop, self.window - tokens)

    def check(self, messages: list[Message]) -> int:
        """Count a finished message list (e.g. with a repair round added); raise if too long."""
        tokens = self.count(messages)
        if tokens > self.window - MIN_REPLY_TOKENS:
            raise self.too_long(tokens)
        return tokens

    def too_long(self, tokens: int) -> PromptTooLong:
        return PromptTooLong(
            f"This request needs about {tokens:,} tokens, but model '{self.model}' is set up "
            f"for a context window of {self.window:,} (with room for the reply). Pick a "
            "model with a larger window, or raise the context window setting if the server "
            "was started with a larger one."
        )


def _left_out_note(count: int) -> Message:
    what = (
        "1 earlier message of this conversation is"
        if count == 1
        else (f"{count} earlier messages of this conversation are")
    )
    return {"role": "user", "content": f"{APP_TAG} {what} left out to keep the prompt short."}
