"""Is a model's interviewer turn fit to show the candidate? (issue 15, item 4)

Small local models sometimes do not answer the prompt but continue it: they echo the
app's own instruction lines ("[interview app] Ask question 2 of 2. This is the opening
turn. Start with one or two sentences: greet the candidate, ..."), spill the chat
template's role tags and special tokens (`<start_of_turn>model`, `<|im_start|>`,
`[INST]`), or write both sides of the interview, answering the question they just asked.
None of that may reach the candidate. `prompt_leak` says why a reply must not be shown
(None when it may); the session (interviewer/session.py) then shows the question in the
bank's own words with a notice, and logs the raw reply.

Three families of checks, each cheap and pure (no I/O):

* template and role tags: special tokens of the common chat templates, reasoning blocks,
  and lines that open with a role name ("user:", "assistant:", or the role alone on a
  line);
* instruction echo, measured against the text the app actually sent for that turn
  (system, session context and request; never the candidate's words): a sentence of the
  reply that is a close copy of an instruction sentence (character-level similarity), or
  a reply most of whose word 4-grams come from the instructions. Text the turn is meant
  to repeat (the question, the prepared probes, the track's name and description, and
  any double-quoted line of the prompt: the prompts quote what the model may say, such
  as the opening's "This session has 3 questions ...") is taken out of the instructions
  first, so asking the question as written never counts; and, whatever the wording, the
  app's own marks (`[interview app]`, the `<candidate_answer>` delimiters) and phrases
  only the app says to the model ("ask question 2 of 3", "greet the candidate");
* answering its own question: "Answer:" / "Candidate:" / "Model answer:" lines, "a good
  answer would cover ...", or a reply that states several of the question's key points
  (their words beyond the question's own).

Numbers are compared as "0" (the echo of "question 2 of 3" often has other numbers than
the prompt, as small models garble them). The thresholds are set so that the prompts'
own examples, every question of the bank asked as a turn, every prepared probe, the
offline coach's turns and a set of realistic good turns pass (tests/test_prompt_leaks.py),
including every sentence-by-sentence prefix of them: the session checks a streamed turn
before each sentence is shown (see `StreamGate`).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from interviewer.core.grading.text import STOP_STEMS, stem, words

LeakKind = Literal["template", "instructions", "answer"]

#: What the notice says after "The model's reply ...", per kind of leak.
REASONS: dict[LeakKind, str] = {
    "template": "contained chat-template or role tags",
    "instructions": "repeated the app's instructions",
    "answer": "went on to answer its own question",
}

#: A reply sentence this similar (difflib ratio, 0..1) to an instruction sentence is a copy.
SENTENCE_RATIO = 0.8
#: Reply sentences shorter than this (in words) are not compared one by one.
MIN_SENTENCE_WORDS = 6
#: The whole reply: this share of its word 4-grams found in the instructions ...
SHARE = 0.6
#: ... and at least this many of them.
MIN_SHARED = 10
#: A key point counts as stated when the reply holds this share of its own words ...
KEY_POINT_SHARE = 0.6
#: ... and at least this many of them (words of the question itself never count).
KEY_POINT_MIN_WORDS = 3
#: The reply answers its own question when it states this many key points ...
KEY_POINTS_STATED = 2
#: ... or asks the question word for word and then goes on telling (not asking) for this
#: many words: an interviewer adds "Take your time." there, not an explanation.
WORDS_AFTER_QUESTION = 40

_N = 4

# ---------------------------------------------------------------------- template tags

_TOKEN_RES: tuple[re.Pattern[str], ...] = (
    re.compile(r"<\|[A-Za-z0-9_.:\- ]{1,40}\|>"),  # <|im_start|>, <|eot_id|>, <|user|> ...
    re.compile(r"</?\s*(?:start_of_turn|end_of_turn|bos|eos|s|pad|unk)\s*>", re.IGNORECASE),
    re.compile(r"\[/?INST\]", re.IGNORECASE),
    re.compile(r"<</?SYS>>", re.IGNORECASE),
    re.compile(r"</?\s*think\s*>", re.IGNORECASE),  # a reasoning model's hidden notes
    # "### Instruction:" / "### Response" headers of Alpaca-style templates (alone on
    # their line: "### System design" is a heading, not a template)
    re.compile(
        r"^[ \t]*#{2,}[ \t]*(?:instruction|response|system|input)s?[ \t]*:?[ \t]*$", re.I | re.M
    ),
)
_ROLES = r"(?:system|assistant|user|human|developer|tool)"
#: "user:" at the start of a line (after any markdown), or a role name alone on a line.
_ROLE_LINE_RE = re.compile(
    rf"^[ \t>*_#-]*{_ROLES}[ \t*_]*:|^[ \t]*(?:{_ROLES}|model)[ \t]*$", re.IGNORECASE | re.M
)

# ---------------------------------------------------------------------- own answers

#: A line labelled as the candidate's side, or as the answer.
_ANSWER_LINE_RE = re.compile(
    r"^[ \t>*_#-]*(?:candidate|interviewee|answer|a|"
    r"(?:model|sample|example|expected|ideal|reference|suggested|possible|correct|my)"
    r"[ \t]+(?:answer|response|solution)|solution|key[ \t]+points?)[ \t*_]*:",
    re.IGNORECASE | re.M,
)
#: "A strong answer would cover ...": the rubric read out.
_GOOD_ANSWER_RE = re.compile(
    r"\b(?:strong|good|complete|ideal|model|sample|great|full|perfect)\s+answers?\s+"
    r"(?:would|should|will|must|might)\s+(?:\w+\s+)?"
    r"(?:cover|include|mention|discuss|explain|address|touch|talk|describe|note|cite)",
    re.IGNORECASE,
)
_GOOD_ANSWER_VERB_RE = re.compile(
    r"\b(?:strong|good|complete|ideal|model)\s+answers?\s+"
    r"(?:covers|includes|mentions|explains|discusses|addresses|touches on)\b",
    re.IGNORECASE,
)


#: The app's own marks in its prompts: the line marker and the answer delimiters.
_APP_MARK_RE = re.compile(
    r"\[\s*interview[\s_-]*app\s*\]|</?\s*candidate_answer\s*>", re.IGNORECASE
)
#: Words of the app to the model that an interviewer never says to a candidate, whatever
#: the prompt's wording (a small model echoes them half garbled): checked beside the
#: comparison with the instructions actually sent.
_META_RE = re.compile(
    r"\bask (?:the )?question \d+ of \d+|\bthis is the (?:opening|closing|final|last) turn\b"
    r"|\b(?:greet|thank|tell|ask|remind) the candidate\b|\bthe candidate'?s? (?:answer|reply)"
    r"|\bthen ask the question\b|\bthe question to ask\b|\bkeep its meaning and scope\b"
    r"|\binterview software\b|\b(?:reply|respond|answer) with a json\b"
    r"|\bfollow[- ]ups? asked on this question\b|\bwhat a complete answer covers\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Leak:
    """Why a reply must not be shown: the kind, the sentence for the notice, and the
    evidence for the log (a piece of the reply, so never for the candidate's eyes)."""

    kind: LeakKind
    evidence: str

    @property
    def reason(self) -> str:
        return REASONS[self.kind]


# ---------------------------------------------------------------------- text helpers

_DIGITS_RE = re.compile(r"\d+")
_WORD_SPAN_RE = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)?")
_QUOTED_RE = re.compile(r'"[^"\n]{1,300}"|\u201c[^\u201d\n]{1,300}\u201d')
_SENTENCE_END_RE = re.compile(r"(?<=[.!?])\s+|\n+")
_CANDIDATE_BLOCK_RE = re.compile(
    r"<\s*candidate_answer\s*>.*?(?:<\s*/\s*candidate_answer\s*>|\Z)", re.DOTALL | re.IGNORECASE
)


def _tokens(text: str) -> list[str]:
    return [_DIGITS_RE.sub("0", w) for w in words(text)]


def _norm(text: str) -> str:
    return " ".join(_tokens(text))


def _grams(tokens: Sequence[str], n: int = _N) -> list[tuple[str, ...]]:
    return [tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)]


def sentences(text: str) -> list[str]:
    """The text cut at sentence ends and line breaks (empty pieces dropped)."""
    return [s.strip() for s in _SENTENCE_END_RE.split(text) if s.strip()]


def app_text(messages: Iterable[Mapping[str, str]]) -> list[str]:
    """What the app itself wrote in a request's messages: the system and user messages
    with the candidate's delimited answers cut out; the model's own earlier turns
    (assistant messages) are left out too."""
    out = []
    for message in messages:
        if message.get("role") in ("system", "user", "developer"):
            text = _CANDIDATE_BLOCK_RE.sub(" ", message.get("content", ""))
            if text.strip():
                out.append(text)
    return out


# ---------------------------------------------------------------------- the checks


class _Instructions:
    """The instruction text of one turn, prepared once for many checks (a streamed turn
    is checked sentence by sentence)."""

    def __init__(self, instructions: Sequence[str], allowed: Sequence[str]) -> None:
        allowed_norm = [_norm(a) for a in allowed if a.strip()]
        self.allowed_grams: set[tuple[str, ...]] = set()
        for a in allowed_norm:
            self.allowed_grams.update(_grams(a.split()))
        self.sentences: list[str] = []
        self.grams: set[tuple[str, ...]] = set()
        self._copied: dict[str, bool] = {}
        #: One matcher per instruction sentence, made when first needed: SequenceMatcher
        #: indexes its second sequence once, and every reply sentence reuses that index.
        self._matchers: dict[int, difflib.SequenceMatcher[str]] = {}
        for block in instructions:
            # A double-quoted span is a line the model may say ("This session has 3
            # questions ..."), or an example of one: saying it is no echo.
            block = _QUOTED_RE.sub(" ", block)
            for sentence in sentences(block):
                norm = _norm(sentence)
                if not norm or any(norm == a or norm in a for a in allowed_norm):
                    continue  # the question or a probe as written: meant to be repeated
                toks = norm.split()
                self.grams.update(g for g in _grams(toks) if g not in self.allowed_grams)
                if len(toks) >= 4:
                    self.sentences.append(norm)

    def _copies(self, norm: str) -> bool:
        """Is this (normalised) reply sentence a close copy of an instruction sentence?
        Remembered: a streamed turn is checked again as each sentence arrives."""
        known = self._copied.get(norm)
        if known is not None:
            return known
        found = False
        size = len(norm)
        for i, inst in enumerate(self.sentences):
            # The lengths alone bound the ratio (SequenceMatcher.real_quick_ratio): most
            # pairs are ruled out without building anything.
            if 2.0 * min(size, len(inst)) / (size + len(inst)) < SENTENCE_RATIO:
                continue
            matcher = self._matchers.get(i)
            if matcher is None:
                matcher = difflib.SequenceMatcher(None, "", inst, autojunk=False)
                self._matchers[i] = matcher
            matcher.set_seq1(norm)
            if matcher.quick_ratio() >= SENTENCE_RATIO and matcher.ratio() >= SENTENCE_RATIO:
                found = True
                break
        self._copied[norm] = found
        return found

    def echo(self, reply: str) -> str | None:
        """The piece of the reply that copies the instructions, if any."""
        for sentence in sentences(reply):
            norm = _norm(sentence)
            if len(norm.split()) >= MIN_SENTENCE_WORDS and self._copies(norm):
                return sentence
        grams = _grams(_tokens(reply))
        if not grams:
            return None
        shared = [g for g in grams if g in self.grams and g not in self.allowed_grams]
        if len(shared) >= MIN_SHARED and len(shared) / len(grams) >= SHARE:
            return " ".join(shared[0])
        return None


def _content_stems(text: str) -> set[str]:
    return {s for s in (stem(w) for w in words(text)) if s not in STOP_STEMS and len(s) > 2}


def _key_point_stems(
    question_text: str, allowed: Sequence[str], key_points: Sequence[str]
) -> list[tuple[str, set[str]]]:
    """Each key point with its own words (stemmed), less those of the question and of
    the text the turn may repeat; points with too few own words are left out."""
    known = _content_stems(question_text)
    for a in allowed:
        known |= _content_stems(a)
    out = []
    for point in key_points:
        own = _content_stems(point) - known
        if len(own) >= KEY_POINT_MIN_WORDS:
            out.append((point, own))
    return out


def _answers_itself(
    reply: str,
    question_text: str,
    allowed: Sequence[str],
    key_points: Sequence[str],
    prepared: Sequence[tuple[str, set[str]]] | None = None,
) -> str | None:
    found = _ANSWER_LINE_RE.search(reply)
    if found is not None:
        return reply[found.start() : found.end() + 40].strip()
    found = _GOOD_ANSWER_RE.search(reply) or _GOOD_ANSWER_VERB_RE.search(reply)
    if found is not None:
        return found.group(0)
    after = _after_question(reply, question_text)
    if after is not None:
        told = [x for x in sentences(after) if not x.rstrip().endswith("?")]
        if sum(len(words(x)) for x in told) >= WORDS_AFTER_QUESTION:
            return " ".join(told)[:120]
    if not key_points:
        return None
    if prepared is None:
        prepared = _key_point_stems(question_text, allowed, key_points)
    said = _content_stems(reply)
    stated = []
    for point, own in prepared:
        hit = own & said
        if len(hit) >= KEY_POINT_MIN_WORDS and len(hit) / len(own) >= KEY_POINT_SHARE:
            stated.append(point)
    if len(stated) >= KEY_POINTS_STATED:
        return "; ".join(stated[:3])
    return None


def _after_question(reply: str, question_text: str) -> str | None:
    """What the reply says after asking the question word for word (None if it does not
    contain it so)."""
    if not question_text.strip():
        return None

    def token(m: re.Match[str]) -> str:
        return m.group(0).lower().replace("\u2019", "'")

    wanted = [token(m) for m in _WORD_SPAN_RE.finditer(question_text)]
    spans = [(m.end(), token(m)) for m in _WORD_SPAN_RE.finditer(reply)]
    tokens = [t for _e, t in spans]
    n = len(wanted)
    if n == 0:
        return None
    for i in range(len(tokens) - n + 1):
        if tokens[i : i + n] == wanted:
            return reply[spans[i + n - 1][0] :]
    return None


def _template_tag(reply: str) -> str | None:
    for pattern in _TOKEN_RES:
        found = pattern.search(reply)
        if found is not None:
            return found.group(0).strip()
    found = _ROLE_LINE_RE.search(reply)
    if found is not None:
        return found.group(0).strip()
    return None


class LeakCheck:
    """`prompt_leak` for one turn, with the instructions prepared once (the session runs
    it on every sentence of a streamed turn)."""

    def __init__(
        self,
        *,
        instructions: Sequence[str] | str,
        question_text: str = "",
        allowed: Sequence[str] = (),
        key_points: Sequence[str] = (),
    ) -> None:
        blocks = [instructions] if isinstance(instructions, str) else list(instructions)
        self.question_text = question_text
        self.allowed = [question_text, *allowed] if question_text else list(allowed)
        self.key_points = list(key_points)
        self._instructions = _Instructions(blocks, self.allowed)
        # Prepared once: a streamed turn is checked again at every sentence end.
        self._points = _key_point_stems(question_text, self.allowed, self.key_points)

    def _meta(self, reply: str) -> str | None:
        mark = _APP_MARK_RE.search(reply)
        if mark is not None:
            return mark.group(0)
        for found in _META_RE.finditer(reply):
            phrase = _norm(found.group(0))
            if not any(phrase in _norm(a) for a in self.allowed):
                return found.group(0)
        return None

    def find(self, reply: str) -> Leak | None:
        if not reply.strip():
            return None
        tag = _template_tag(reply)
        if tag is not None:
            return Leak("template", tag)
        echo = self._instructions.echo(reply) or self._meta(reply)
        if echo is not None:
            return Leak("instructions", echo)
        own = _answers_itself(
            reply, self.question_text, self.allowed, self.key_points, self._points
        )
        if own is not None:
            return Leak("answer", own)
        return None


def find_leak(
    reply: str,
    *,
    instructions: Sequence[str] | str,
    question_text: str = "",
    allowed: Sequence[str] = (),
    key_points: Sequence[str] = (),
) -> Leak | None:
    """The leak in `reply`, with its evidence, or None. See `prompt_leak`."""
    return LeakCheck(
        instructions=instructions,
        question_text=question_text,
        allowed=allowed,
        key_points=key_points,
    ).find(reply)


def prompt_leak(
    reply: str,
    *,
    instructions: Sequence[str] | str,
    question_text: str = "",
    allowed: Sequence[str] = (),
    key_points: Sequence[str] = (),
) -> str | None:
    """Why the model's interviewer turn `reply` must not be shown, or None when it may.

    `instructions`: the text the app sent for this turn (system prompt, session context,
    request; `app_text` takes it out of a request's messages). `question_text`: the
    question as written, which the turn is meant to ask. `allowed`: other text the turn
    may repeat (prepared follow-ups, the track's name and description). `key_points`:
    what a complete answer covers (with the outline of a strong answer, if any), to see a
    turn that answers its own question.

    The reason reads after "The model's reply ...": "repeated the app's instructions",
    "contained chat-template or role tags", "went on to answer its own question". It
    never quotes the reply (the evidence is on `find_leak`'s result, for the log).
    """
    leak = find_leak(
        reply,
        instructions=instructions,
        question_text=question_text,
        allowed=allowed,
        key_points=key_points,
    )
    return leak.reason if leak is not None else None


# ---------------------------------------------------------------------- streaming


_BOUNDARY_RE = re.compile(r"[.!?:;)\"']\s|\n")
#: Without a sentence end for this long, text is released up to its last space.
MAX_HELD = 240


class StreamGate:
    """Shows a streamed turn sentence by sentence, each checked before it is shown.

    `feed(piece)` returns the text that may be shown now: the complete sentences received
    so far, once the whole text up to them passes `check`. The sentence still being
    written is held back (a tag or an instruction line cannot be judged half written);
    a run of MAX_HELD characters without a sentence end is released up to its last space.
    Once a check fails, nothing more is released and `leak` says why. `finish(text)`
    checks the whole reply and returns what is left to show.
    """

    def __init__(self, check: LeakCheck | None) -> None:
        self.check = check
        self.received = ""
        self.released = 0
        self.leak: Leak | None = None

    @property
    def shown(self) -> str:
        return self.received[: self.released]

    def reset(self) -> None:
        self.received = ""
        self.released = 0
        self.leak = None

    def _judge(self, text: str) -> bool:
        if self.check is None:
            return True
        leak = self.check.find(text)
        if leak is not None:
            self.leak = leak
            return False
        return True

    def feed(self, piece: str) -> str:
        self.received += piece
        if self.leak is not None:
            return ""
        if self.check is None:  # nothing to check (the offline coach's own words)
            out, self.released = self.received[self.released :], len(self.received)
            return out
        pending = self.received[self.released :]
        cut = 0
        for m in _BOUNDARY_RE.finditer(pending):
            cut = m.end()
        if cut == 0 and len(pending) > MAX_HELD:
            cut = pending.rfind(" ") + 1
        if cut <= 0:
            return ""
        end = self.released + cut
        if not self._judge(self.received[:end]):
            return ""
        out, self.released = self.received[self.released : end], end
        return out

    def finish(self, text: str) -> str | None:
        """The rest of the reply to show, or None when the whole reply leaks (or does not
        continue what was shown, which a well-behaved call never does)."""
        if self.leak is not None or not self._judge(text):
            return None
        if not text.startswith(self.shown):
            return None
        rest = text[self.released :]
        self.received, self.released = text, len(text)
        return rest
