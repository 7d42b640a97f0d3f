"""Other spellings of the same instruction: the forms an answer is decoded into.

A model reads ROT13, text written backwards, hex bytes, URL (percent) escapes and typos
as easily as plain text, so the detector reads them too. Each function here turns an
answer into one decoded form and says where each decoded character came from, so a hit
in the decoded form is cut out of the answer exactly:

- `rot13` and `word_reversed` keep every position (one character for one);
- `reversed_segments` gives the pieces of the answer that may be written backwards
  (a sentence, a line), each checked reversed and cut whole when it holds a hit;
- `unescaped` (hex, `\\x49`, `%49`, `&#73;`) and `typo_fixed` change lengths, and return
  a `Mapped` text that maps a span of the decoded form back onto the answer.
"""

from __future__ import annotations

import codecs
import itertools
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

from interviewer.core.injection.typos import correction


@dataclass(frozen=True)
class Mapped:
    """A decoded text and, for each of its characters, the span of the answer it came from."""

    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def original(self, start: int, end: int) -> tuple[int, int]:
        """The span of the answer that [start, end) of the decoded text came from."""
        if end <= start:
            return self.starts[start], self.starts[start]
        return self.starts[start], self.ends[end - 1]


def _rebuild(text: str, pieces: list[tuple[int, int, str]]) -> Mapped:
    """`text` with each (start, end, replacement) applied; pieces sorted, not overlapping."""
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    pos = 0
    for s, e, new in pieces:
        out.append(text[pos:s])
        starts.extend(range(pos, s))
        ends.extend(range(pos + 1, s + 1))
        out.append(new)
        starts.extend([s] * len(new))
        ends.extend([e] * len(new))
        pos = e
    out.append(text[pos:])
    starts.extend(range(pos, len(text) + 1))  # one past the end maps to the end
    ends.extend([*range(pos + 1, len(text) + 1), len(text)])
    return Mapped("".join(out), tuple(starts), tuple(ends))


# --------------------------------------------------------------------------- ROT13


def rot13(text: str) -> str:
    return codecs.encode(text, "rot13")


# --------------------------------------------------------------------------- backwards

_WORD = re.compile(r"[^\W\d_]+")


def word_reversed(text: str) -> str:
    """Each word spelt backwards in its place ('erongi suoiverp' as 'ignore previous')."""
    return _WORD.sub(lambda m: m.group(0)[::-1], text)


# Where a piece of text written backwards begins or ends: a line break, a sentence end
# (". " forwards), a full stop stuck to the next word (".skram", the end of a backwards
# sentence) and a word ending in a capital ("erongI", the start of a backwards sentence).
_SEGMENT_BREAK = re.compile(
    r"\n|(?<=[.!?])(?=\s)|(?:(?<=\s)|^)(?=[.!?]+[^\W_])|(?<=[a-z][A-Z])(?=\s)"
)


_BACKWARDS_MARK = re.compile(r"(?:^|\s)[.!?]+[^\W\d_]|[a-z][A-Z](?!\w)")


def looks_backwards(text: str) -> bool:
    """Whether `text` shows a mark of a sentence written backwards (".skram", "erongI")."""
    return _BACKWARDS_MARK.search(text) is not None


def reversed_segments(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, the piece read backwards) for each piece that may be written backwards."""
    cuts = [0]
    for m in _SEGMENT_BREAK.finditer(text):
        cuts.extend((m.start(), m.end()))
    cuts.append(len(text))
    for a, b in itertools.pairwise(cuts):
        piece = text[a:b]
        stripped = piece.strip()
        if sum(c.isalpha() for c in stripped) >= 4:
            start = a + len(piece) - len(piece.lstrip())
            yield start, start + len(stripped), stripped[::-1]


# --------------------------------------------------------------------------- escapes

_HEX_BYTE = r"[0-9A-Fa-f]{2}"
_ESCAPES = re.compile(
    r"(?:%" + _HEX_BYTE + r")+"  # URL escapes: %49%67
    r"|(?:\\x" + _HEX_BYTE + r")+"  # \x49\x67
    r"|(?:\\u[0-9A-Fa-f]{4})+"  # \u0049
    r"|(?:&#(?:[xX][0-9A-Fa-f]{1,6}|[0-9]{1,7});)+"  # &#73; &#x49;
    r"|(?<![0-9A-Za-z])(?:0[xX])?(?:" + _HEX_BYTE + r"){8,}(?![0-9A-Za-z])"  # 49676e6f7265
    r"|(?<![0-9A-Za-z:])(?:(?:0[xX])?"
    + _HEX_BYTE
    + r"(?:,\s?|[ :-])){7,}(?:0[xX])?"  # 49 67 6e ..
    + _HEX_BYTE
    + r"(?![0-9A-Za-z:])"
)
_ENTITY = re.compile(r"&#([xX][0-9A-Fa-f]{1,6}|[0-9]{1,7});")


def _decode_escape(token: str) -> str | None:
    """The text a run of escapes spells, or None when it is not readable text."""
    try:
        if token.startswith("%"):
            raw = bytes.fromhex(token.replace("%", ""))
            decoded = raw.decode("utf-8")
        elif token.startswith("\\x"):
            decoded = bytes.fromhex(token.replace("\\x", "")).decode("utf-8")
        elif token.startswith("\\u"):
            decoded = "".join(chr(int(h, 16)) for h in token.split("\\u")[1:])
        elif token.startswith("&#"):
            decoded = "".join(
                chr(int(n[1:], 16) if n[0] in "xX" else int(n)) for n in _ENTITY.findall(token)
            )
        else:
            digits = re.sub(r"0[xX](?=[0-9A-Fa-f]{2})|[\s:,-]", "", token)
            decoded = bytes.fromhex(digits).decode("utf-8")
    except (ValueError, UnicodeDecodeError, OverflowError):
        return None
    # A hash or a colour code decodes to control bytes or to no letters: not text.
    if not decoded or not all(c.isprintable() or c in "\n\t" for c in decoded):
        return None
    letters = sum(c.isalpha() or unicodedata.category(c).startswith("M") for c in decoded)
    if token[0] not in "%\\&" and (letters < 3 or 4 * letters < len(decoded.replace(" ", ""))):
        return None
    return decoded


def unescaped(text: str) -> Mapped | None:
    """`text` with hex, URL, `\\x` and HTML character escapes decoded (twice, for text
    escaped twice), or None when it holds none."""
    current: Mapped | None = None
    source = text
    for _ in range(2):
        pieces = []
        for m in _ESCAPES.finditer(source):
            decoded = _decode_escape(m.group(0))
            if decoded is not None:
                pieces.append((m.start(), m.end(), decoded))
        if not pieces:
            break
        step = _rebuild(source, pieces)
        if current is not None:  # compose: positions of this step are in `current.text`
            step = Mapped(
                step.text,
                tuple(current.starts[i] for i in step.starts),
                tuple(current.ends[i - 1] if i > 0 else current.starts[0] for i in step.ends),
            )
        current = step
        source = step.text
    return current


# --------------------------------------------------------------------------- typos

_TYPO_WORD = re.compile(r"[A-Za-z]{5,}")


def typo_fixed(text: str) -> Mapped | None:
    """`text` with typos of the key words corrected ('Ignroe' as 'ignore'), or None."""
    pieces = []
    for m in _TYPO_WORD.finditer(text):
        fixed = correction(m.group(0))
        if fixed is not None:
            pieces.append((m.start(), m.end(), fixed))
    return _rebuild(text, pieces) if pieces else None
