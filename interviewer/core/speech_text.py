"""The interviewer's words as something to read aloud: sentences, plain text, a time cap.

Pure text functions (no Qt, no I/O), shared by the window's speaker
(`interviewer.gui.speech`), the terminal's (`interviewer.voice.say`) and the session,
which holds the answer clock while a question is read aloud and needs to know how long
that can reasonably take.

A streamed turn is spoken sentence by sentence as it arrives, so speech starts long
before the model has finished writing: `SentenceSplitter.feed` returns each sentence
once it is complete (its full stop and the space after it have arrived, so "3.5" or
"e.g. this" are never cut), and `finish` returns what is left at the end of the turn.
"""

from __future__ import annotations

import re

#: A slow speaking rate (words a minute): reading a question aloud at the chosen rate
#: should never take longer than this, so the session stops waiting for it after that.
SLOW_WORDS_PER_MINUTE = 100
#: Seconds added to that cap: starting the engine, a pause between sentences.
CAP_SLACK_SECONDS = 5.0

#: Words ending in a full stop that do not end a sentence.
_ABBREVIATIONS = frozenset(
    [
        "e.g",
        "i.e",
        "etc",
        "vs",
        "cf",
        "approx",
        "dr",
        "mr",
        "mrs",
        "ms",
        "prof",
        "sr",
        "jr",
        "st",
        "no",
        "fig",
        "eq",
        "al",
    ]
)
#: A sentence end: . ! ? (with closing quotes or brackets) then whitespace, or a new line.
_END_RE = re.compile(r"[.!?]+[\"'”’)\]]*\s+|\n\s*")
_LINK_RE = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_URL_RE = re.compile(r"https?://\S+")
_MARKUP_RE = re.compile(r"(\*\*|__|`+|~~|^#+\s*|^\s*[-*+>]\s+)", re.MULTILINE)
_EMPHASIS_RE = re.compile(r"(?<![\w*])[*_](?=\S)(.+?)(?<=\S)[*_](?![\w*])")
_SPACE_RE = re.compile(r"\s+")
#: A fragment that is only a list number ("1.") or punctuation joins the next sentence.
_BARE_RE = re.compile(r"^(\d+[.)]|[\W_]*)$")


def speakable(text: str) -> str:
    """What a voice should say for this Markdown: markup, link targets and bare
    addresses taken out, white space made single."""
    text = _LINK_RE.sub(r"\1", text)
    text = _URL_RE.sub("the link on screen", text)
    text = _MARKUP_RE.sub("", text)
    text = _EMPHASIS_RE.sub(r"\1", text)
    return _SPACE_RE.sub(" ", text).strip()


def _ends_sentence(text: str, end: int) -> bool:
    """Whether the boundary matched at `end` (the index of its punctuation) really ends a
    sentence: not after an abbreviation such as "e.g." or a single initial."""
    if text[end] != ".":
        return True
    start = end
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    word = text[start:end].lower().strip("(\"'")
    if word in _ABBREVIATIONS:
        return False
    return not (len(word) == 1 and word.isalpha())


class SentenceSplitter:
    """Cuts streamed text into sentences as soon as each one is complete."""

    def __init__(self) -> None:
        self._pending = ""

    @property
    def pending(self) -> str:
        """Text received that does not end a sentence yet."""
        return self._pending

    def reset(self) -> None:
        self._pending = ""

    def feed(self, piece: str) -> list[str]:
        """The sentences `piece` completes (speakable text, none empty), in order."""
        self._pending += piece
        out: list[str] = []
        start = 0
        for m in _END_RE.finditer(self._pending):
            if m.group().startswith(("\n", " ", "\t")) or _ends_sentence(self._pending, m.start()):
                sentence = self._pending[start : m.end()]
                if _BARE_RE.match(speakable(sentence)):
                    continue  # "1." of a numbered list: keep it with what follows
                out.extend(_spoken(sentence))
                start = m.end()
        self._pending = self._pending[start:]
        return out

    def finish(self) -> list[str]:
        """The rest of the turn (the last sentence may have no full stop)."""
        rest, self._pending = self._pending, ""
        return _spoken(rest)


def _spoken(sentence: str) -> list[str]:
    text = speakable(sentence)
    return [text] if text and not _BARE_RE.match(text) else []


def split_sentences(text: str) -> list[str]:
    """A whole text as the sentences a voice reads one after another."""
    splitter = SentenceSplitter()
    return splitter.feed(text) + splitter.finish()


def speaking_cap_seconds(text: str, rate: float = 0.0) -> float:
    """The longest reading `text` aloud may take before nobody should wait for it any
    more: its words at `SLOW_WORDS_PER_MINUTE`, scaled by the voice's rate (-1 is about
    half speed, 1 about double, as Qt's text-to-speech takes it), plus a little slack."""
    words = len(speakable(text).split())
    speed: float = 2.0 ** max(-1.0, min(1.0, rate))
    return CAP_SLACK_SECONDS + words * 60.0 / SLOW_WORDS_PER_MINUTE / speed
