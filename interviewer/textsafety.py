"""One sanitiser for text that came from outside: model replies, answers, content files.

Text from a model server (or pasted by the candidate, or read from a user's TOML file) may
hold characters a terminal obeys instead of showing: ESC starts sequences that clear the
screen, set the window title or write the clipboard (OSC 52), BEL rings, CR rewrites the
line, NUL and the C1 controls (U+0080-U+009F, where U+009B is a one-character CSI) reach
the terminal's parser, and bidirectional overrides and isolates (U+202A-U+202E,
U+2066-U+2069) make a line read differently from what it holds ("Trojan Source").

- `terminal_text` shows each such character visibly (ESC as "␛", BEL as "␇", U+202E as
  "<U+202E>") so nothing is obeyed and nothing is silently hidden from the reader. It
  works one character at a time, so a sequence split across two streamed chunks is as
  harmless as a whole one.
- `TerminalWriter` wraps a text stream so every write passes through `terminal_text`:
  the command line wraps stdout and stderr once, instead of trusting each print.
- `report_text` drops the same characters (reports are documents, not terminals; a NUL
  or an override has no business in them), turning a lone CR into a line break.
- `json_text` escapes them as \\uXXXX in JSON already produced: the text stays the same
  data, but no raw control character reaches whatever shows the JSON.

Tab and line feed are kept everywhere. No Qt and no I/O of its own: used by the terminal
and the exports alike.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from typing import IO, Any, cast

#: Bidirectional embedding, override and isolate controls (Unicode UAX #9).
BIDI_CONTROLS = frozenset({*range(0x202A, 0x202F), *range(0x2066, 0x206A)})
#: C0 controls except tab and line feed, DEL, and the C1 controls.
CONTROL_CHARS = frozenset({*range(0x00, 0x09), *range(0x0B, 0x20), 0x7F, *range(0x80, 0xA0)})
UNSAFE = CONTROL_CHARS | BIDI_CONTROLS
#: Lone UTF-16 surrogates: a server's JSON may hold "\\ud800", which decodes to a string
#: that no UTF-8 stream can encode (print raises UnicodeEncodeError mid-interview).
SURROGATES = frozenset(range(0xD800, 0xE000))


def is_unsafe(ch: str) -> bool:
    """Whether `ch` (one character) is a control or bidi character the sanitiser handles."""
    return ord(ch) in UNSAFE


def _visible(code: int) -> str:
    if code < 0x20:
        return chr(0x2400 + code)  # Unicode's control pictures: ␀ ... ␛ ... ␟
    if code == 0x7F:
        return "\u2421"  # ␡
    return f"<U+{code:04X}>"


_TERMINAL = {code: _visible(code) for code in UNSAFE | SURROGATES}
_REMOVE: dict[int, str | None] = {**dict.fromkeys(UNSAFE), **dict.fromkeys(SURROGATES, "\ufffd")}
_JSON = {code: f"\\u{code:04x}" for code in UNSAFE | SURROGATES}


def terminal_text(text: str) -> str:
    """`text` safe to print: every control or bidi character shown, none obeyed.

    A CR LF pair is a plain line break; a lone CR (which would overwrite the line) shows
    as "␍".
    """
    return text.replace("\r\n", "\n").translate(_TERMINAL)


def report_text(text: str) -> str:
    """`text` for a report: control and bidi characters removed, a lone CR a line break,
    a lone surrogate (which no file could hold) the replacement character."""
    return text.replace("\r\n", "\n").replace("\r", "\n").translate(_REMOVE)


def json_text(dumped: str) -> str:
    """JSON text with every control or bidi character still raw in it escaped as \\uXXXX.

    json.dumps escapes the C0 controls itself but, with ensure_ascii=False (which keeps
    names readable), lets DEL, C1 and the bidi controls through raw. In valid JSON those
    can only stand inside strings, where the escape is the same character: same data.
    """
    return dumped.translate(_JSON)


class TerminalWriter:
    """A text stream that shows control characters instead of sending them on.

    Everything but `write` and `writelines` is the wrapped stream's own (`fileno`,
    `isatty`, `encoding`, `flush`...), so it can stand in for sys.stdout. Closing it
    leaves the wrapped stream open: it owns nothing.
    """

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream

    def write(self, text: str) -> int:
        self.stream.write(terminal_text(text))
        return len(text)

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        self.stream.flush()

    def close(self) -> None:
        """Nothing to close: the wrapped stream belongs to whoever made it."""

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)


def terminal_writer(stream: IO[str]) -> IO[str]:
    """`stream` wrapped in a `TerminalWriter` (once: a wrapped stream is returned as is)."""
    if isinstance(stream, TerminalWriter):
        return cast(IO[str], stream)
    return cast(IO[str], TerminalWriter(stream))


@contextlib.contextmanager
def terminal_streams() -> Iterator[None]:
    """sys.stdout and sys.stderr wrapped in `TerminalWriter` for the duration (a command's
    run): every print of every command is shown safely, whoever wrote the print."""
    out, err = sys.stdout, sys.stderr
    if out is not None:
        sys.stdout = terminal_writer(out)
    if err is not None:
        sys.stderr = terminal_writer(err)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = out, err
