"""Text as the grading rules see it: folded, tokenised, stemmed and cut into sentences.

Everything else in the package compares words through these helpers, so a quote, an
answer and a key-point term are always normalised the same way. STAR labels
("Situation:", "**Result**") are read here too, because a quote is cut without them.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from interviewer.core.injection import visible
from interviewer.core.models import (
    StarComponent,
)

# =========================================================================== normalising

# Typographic quotes, dashes and the ellipsis character, folded to what a keyboard types.
_FOLD = str.maketrans(
    {
        **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032", "'"),
        **dict.fromkeys("\u201c\u201d\u201e\u2033", '"'),
        **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"),
        "\u00a0": " ",
        "\u2026": "...",
    }
)


def match_form(text: str) -> str:
    """The form quotes and answers are compared in: folded, lower-case, single spaces."""
    return re.sub(r"\s+", " ", visible(text).translate(_FOLD).lower()).strip()


# =========================================================================== words


def _wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)?")

STOPWORDS: frozenset[str] = _wordset(
    """a about above after again against all also am an and any are aren't as at be because
    been before being below between both but by can can't cannot could couldn't did didn't do
    does doesn't doing don't down during each either else etc even ever every few for from
    further get gets getting got had hadn't has hasn't have haven't having he he'd he'll he's
    her here here's hers herself him himself his how how's however i i'd i'll i'm i've if in
    into is isn't it it's its itself just let's may me might more most much must mustn't my
    myself neither no nor not of off often on once one only or other ought our ours ourselves
    out over own per quite rather really same shall shan't she she'd she'll she's should
    shouldn't since so some such than that that's the their theirs them themselves then there
    there's these they they'd they'll they're they've this those though through thus to too
    under until up upon us very via was wasn't we we'd we'll we're we've were weren't what
    what's whatever when when's where where's whether which while who who's whom whose why
    why's will with within without won't would wouldn't yet you you'd you'll you're you've
    your yours yourself yourselves"""
)

#: Everyday words: with STOPWORDS, what "reads as English" means for the gibberish check.
COMMON_WORDS: frozenset[str] = _wordset(
    """able accept account across act action actually add added adding after again age ago
    agree ahead allow almost alone along already always amount another answer anyone anything
    apply approach area around ask asked available away back bad based basic basically be
    became become before began begin behind being believe best better big bit book both bring
    build built business call called came care case cause certain change changed check choice
    choose clear close code come common company complete consider could course create current
    customer day days deal decide decided decision deep define did different difficult direct
    do done during early easy effect end enough even event every everyone example expect
    experience explain fact fail fall far fast feedback feel felt field figure final find
    fine first fix focus follow form found free full gave general give given go goal going
    gone good great group grow hand happen happened hard head help high hold home hour idea
    important improve include increase information instead issue job keep kind knew know
    known large last late later lead learn learned least leave left less level life like
    likely line list little live long look lot low made main make making manage manager many
    matter mean meaning meet meeting member method mind minute miss moment month move need
    needed never new next nothing now number offer old open order others part people person
    place plan play point possible power present pretty probably problem process product
    project put question quick quickly quite range reach read ready real reason reduce
    result right role run said same saw say second see seem seen sense set share short show
    side similar simple since small something sometimes soon sort start state step still stop
    story study system take taken talk task team tell term test thing things think thought
    three time today together told took top tried true try trying turn two type understand
    until use used useful user using usually value way week well went whole work worked
    working world write wrong year years yes young"""
)

#: Vocabulary of the field: recognised as words, but too common to show a question's topic.
FIELD_WORDS: frozenset[str] = _wordset(
    """accuracy algorithm algorithms analysis api batch bias classification classifier cloud
    cluster clustering compute cost data dataset datasets deep deploy deployment error
    evaluation feature features gpu gradient inference input label labels layer layers learning
    loss machine metric metrics ml model models network networks neural output parameter
    parameters performance pipeline prediction predictions production python regression sample
    samples score scores signal statistics test testing train training validation variance
    weight weights"""
)

#: Words so common in questions and answers that sharing them shows nothing about relevance.
_GENERIC = _wordset(
    """answer approach ask case describe detail discuss example explain good handle happen
    help how idea important know learn machine make made mean ml model name need problem
    question say show talk tell thing think time use way what when where which why work would
    give got turn usually often typically common let well also key multiple relative related
    self real whole main"""
)


_SUFFIXES: tuple[tuple[str, str], ...] = (
    ("izations", ""),
    ("isations", ""),
    ("ications", "ify"),
    ("ization", ""),
    ("isation", ""),
    ("ication", "ify"),
    ("ations", ""),
    ("nesses", ""),
    ("ation", ""),
    ("ments", ""),
    ("ities", ""),
    ("izing", ""),
    ("ising", ""),
    ("ment", ""),
    ("ness", ""),
    ("ity", ""),
    ("ized", ""),
    ("ised", ""),
    ("izes", ""),
    ("ises", ""),
    ("ize", ""),
    ("ise", ""),
    ("ings", ""),
    ("ing", ""),
    ("ied", "y"),
    ("ies", "y"),
    ("ier", "y"),
    ("ers", ""),
    ("er", ""),
    ("ly", ""),
    ("ed", ""),
    ("es", ""),
    ("s", ""),
)


@functools.lru_cache(maxsize=1 << 16)
def stem(word: str) -> str:
    """A deliberately small stemmer: close enough that "overfitting" meets "overfit".
    Remembered per word: the grader and the streamed-turn checks stem the same words
    over and over."""
    w = word.lower().replace("'", "")
    if len(w) <= 3 or not w.isalpha():
        return w
    for suffix, repl in _SUFFIXES:
        if w.endswith(suffix):
            if suffix == "s" and w.endswith(("ss", "us", "is")):
                break
            base = w[: -len(suffix)] + repl
            if len(base) >= 3:
                w = base
                break
    if len(w) > 4 and w[-1] == w[-2] and w[-1] not in "lsz":
        w = w[:-1]
    if len(w) > 4 and w.endswith("e"):
        w = w[:-1]
    return w


#: Stop words as the stemmer leaves them ("because" -> "becaus").
STOP_STEMS = STOPWORDS | frozenset(stem(w) for w in STOPWORDS)
_COMMON_STEMS = frozenset(stem(w) for w in COMMON_WORDS | FIELD_WORDS)
_EVERYDAY_STEMS = frozenset(stem(w) for w in COMMON_WORDS) - frozenset(stem(w) for w in FIELD_WORDS)
_GENERIC_STEMS = _GENERIC | frozenset(stem(w) for w in _GENERIC)


def words(text: str) -> list[str]:
    """Lower-case word tokens; hyphenated and slashed words split into their parts."""
    return _WORD.findall(visible(text).translate(_FOLD).lower())


def _token_match(term: str, token: str) -> bool:
    if term == token:
        return True
    if len(term) < 4 or len(token) < 4:
        return False
    if token.startswith(term):
        return len(token) - len(term) <= 3
    if term.startswith(token):
        return len(term) - len(token) <= 2
    return False


def _term_tokens(term: str) -> tuple[str, ...]:
    return tuple(stem(w) for w in words(term))


def _seq_match(term: tuple[str, ...], toks: Sequence[str]) -> bool:
    """Does the stemmed phrase `term` occur in `toks` (one filler word allowed between)?"""
    if not term:
        return False
    joined = "".join(term)
    if len(term) > 1 and any(t == joined for t in toks):
        return True  # "k-nn" written as "knn"
    if len(term) == 1:
        one = term[0]
        if any(_token_match(one, t) for t in toks):
            return True
        # "kmeans" written as "k means"
        return len(one) >= 4 and any(a + b == one for a, b in itertools.pairwise(toks))
    return any(_follows(term, toks, i) for i, tok in enumerate(toks) if _token_match(term[0], tok))


def _follows(term: tuple[str, ...], toks: Sequence[str], pos: int) -> bool:
    """The rest of `term` follows the token at `pos`, one filler word allowed between."""
    for part in term[1:]:
        nxt = next(
            (j for j in range(pos + 1, min(pos + 3, len(toks))) if _token_match(part, toks[j])),
            None,
        )
        if nxt is None:
            return False
        pos = nxt
    return True


class TokenIndex:
    """`toks` indexed so that `seq_match` and `matches` give `_seq_match`'s and
    `_token_match`'s answers without comparing every term with every token.

    Two tokens of four letters or more match only when one starts with the other, so
    they share their first four letters: a term is compared with the tokens that begin
    like it, and a shorter one with its equals. Scoring an answer's key points compared
    every term of every key point with every word of every sentence (40,000 calls a
    grade, 20-30 ms of the wait for it; issue 18)."""

    __slots__ = ("_exact", "_head", "_pairs", "toks")

    def __init__(self, toks: Sequence[str]) -> None:
        self.toks = tuple(toks)
        self._exact: dict[str, list[int]] = {}
        self._head: dict[str, list[int]] = {}
        for i, tok in enumerate(self.toks):
            self._exact.setdefault(tok, []).append(i)
            if len(tok) >= 4:
                self._head.setdefault(tok[:4], []).append(i)
        self._pairs: frozenset[str] | None = None

    def positions(self, term: str) -> list[int]:
        """Where a token matches `term` (`_token_match`), in order."""
        if len(term) < 4:
            return self._exact.get(term, [])
        toks = self.toks
        return [i for i in self._head.get(term[:4], ()) if _token_match(term, toks[i])]

    def matches(self, term: str) -> bool:
        """Some token matches `term`."""
        return bool(self.positions(term))

    def seq_match(self, term: tuple[str, ...]) -> bool:
        """`_seq_match(term, toks)`."""
        if not term:
            return False
        if len(term) > 1 and "".join(term) in self._exact:
            return True
        if len(term) == 1:
            one = term[0]
            if self.positions(one):
                return True
            if len(one) < 4:
                return False
            if self._pairs is None:
                self._pairs = frozenset(a + b for a, b in itertools.pairwise(self.toks))
            return one in self._pairs
        return any(_follows(term, self.toks, i) for i in self.positions(term[0]))


# =========================================================================== sentences

_SENTENCE_END = re.compile(
    r"(?<!\be\.g)(?<!\bi\.e)(?<!\betc)(?<!\bvs)(?<!\bcf)(?<!\bapprox)[.!?]+[\"')\]]*(?=\s|$)|\n"
)
_BULLET = re.compile(r"^\s*(?:[-*•·]+|\(?\d{1,2}[.)]|\(?[a-z][.)])\s+")


@dataclass(frozen=True)
class Sentence:
    text: str  # as written (bullet markers removed), usable as a verified quote
    tokens: tuple[str, ...]  # lower-case words
    stems: tuple[str, ...]


def split_sentences(text: str) -> list[Sentence]:
    """Sentences and list items, each kept exactly as written so it can be quoted."""
    out: list[Sentence] = []
    start = 0
    text = visible(text)
    for m in _SENTENCE_END.finditer(text):
        _add_sentence(out, text[start : m.end()])
        start = m.end()
    _add_sentence(out, text[start:])
    return out


def _add_sentence(out: list[Sentence], piece: str) -> None:
    piece = _BULLET.sub("", piece).strip()
    toks = words(piece)
    if toks:
        out.append(Sentence(piece, tuple(toks), tuple(stem(t) for t in toks)))


# A label a candidate puts before a part of the story: "Situation:", "**Task**", "R -".
_LABEL_WORDS: dict[str, StarComponent] = {
    **dict.fromkeys(["situation", "context", "background", "setting", "s"], "situation"),
    **dict.fromkeys(["task", "goal", "objective", "responsibility", "my role", "t"], "task"),
    **dict.fromkeys(
        ["action", "actions", "approach", "what i did", "steps", "steps taken", "a"], "action"
    ),
    **dict.fromkeys(["result", "results", "outcome", "outcomes", "impact", "r"], "result"),
    **dict.fromkeys(
        [
            "reflection",
            "reflections",
            "lesson",
            "lessons",
            "lesson learned",
            "lessons learned",
            "lessons learnt",
            "learning",
            "learnings",
            "takeaway",
            "takeaways",
            "what i learned",
            "what i learnt",
            "l",
        ],
        "reflection",
    ),
}
_LABEL_ALTS = "|".join(
    re.escape(w).replace(r"\ ", r"\s+") for w in sorted(_LABEL_WORDS, key=len, reverse=True)
)
# "Situation:", "**Situation:**", "**Situation**:", "__Task__ -", "### Result", "S:" ...
# A bare word needs a colon or dash after it (or nothing else on its line), so prose
# that merely starts with "Result was good" is left to the cue phrases.
_LABEL = re.compile(
    r"^\s*(?:#{1,6}\s*)?(?P<open>\*\*|__|\*|_)?\s*(?P<word>" + _LABEL_ALTS + r")\s*"
    r"(?:\((?:[^()\n]{0,20})\))?\s*"
    r"(?:(?P=open)\s*[:.\-\u2013\u2014]?|[:\-\u2013\u2014]\s*(?P=open)?|(?=\s*$))\s*",
    re.IGNORECASE,
)


def star_label(text: str) -> tuple[StarComponent | None, str]:
    """The STAR part a sentence is explicitly labelled with, and the text after the label."""
    m = _LABEL.match(text)
    if m is None:
        return None, text
    word = re.sub(r"\s+", " ", m.group("word").lower())
    if len(word) == 1 and not re.match(r"\s*\w\s*[:\-\u2013\u2014]", text[m.start("word") :]):
        return None, text  # "A model..." is prose; only "A:" is a label
    return _LABEL_WORDS[word], text[m.end() :]


_CLAUSE_BREAK_AFTER = frozenset(",;:")
_CLAUSE_WORDS = frozenset(
    ["and", "but", "so", "which", "because", "while", "whereas", "then", "although", "though"]
)


def _balanced(text: str) -> bool:
    """No bracket or quotation left open (a cut inside "'out of ten claims" reads badly)."""
    if text.count("(") != text.count(")") or text.count("[") != text.count("]"):
        return False
    if text.count('"') % 2 or text.count("\u201c") != text.count("\u201d"):
        return False
    opened = len(re.findall(r"(?:^|[\s(])['\u2018]", text))
    closed = len(re.findall(r"['\u2019](?=[\s,.;:!?)]|$)", text))
    return opened <= closed


def quote_of(text: str, max_words: int = 40) -> str:
    """A quotable piece of `text`: contiguous, so it stays a verifiable substring.

    A STAR label ("Situation:") is left out (the part is named beside the quote), and a
    long sentence is cut at the last clause boundary within `max_words` (a comma, a
    semicolon, or before "and", "but", "which" ...), never in the middle of a clause.
    A sentence with no boundary at all is quoted whole unless it is a wall of text.
    """
    _, body = star_label(text)
    parts = body.split()
    if len(parts) <= max_words:
        return " ".join(parts)
    floor = max(3, max_words // 3)
    for k in range(max_words, floor - 1, -1):
        cut = parts[k - 1][-1] in _CLAUSE_BREAK_AFTER or parts[k].lower() in _CLAUSE_WORDS
        if cut and _balanced(" ".join(parts[:k])):
            return " ".join(parts[:k]).rstrip(",;:")
    if len(parts) <= 2 * max_words:
        return " ".join(parts)
    return " ".join(parts[:max_words])  # a wall of text with no clause boundary at all


def join_sentences(items: Iterable[str], sep: str = "; ") -> str:
    """Join sentences into one line without doubled punctuation ("habits.; Ranks")."""
    cleaned = [i.strip() for i in items if i.strip()]
    if not cleaned:
        return ""
    return (
        sep.join(i.rstrip(".;,: ") for i in cleaned[:-1])
        + (sep if len(cleaned) > 1 else "")
        + cleaned[-1]
    )
