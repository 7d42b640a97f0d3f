"""Junk checks: the one-answer `Analysis` that decides empty, one word, gibberish, off
topic, padded and too short.

"Padded" covers every answer that fills space without a claim: repetition and filler,
the question said back, and (`Analysis.content_free`) answers made of generic hype
("leverage cutting-edge, scalable, AI-driven pipelines") or hedging ("it depends, many
factors, every situation is different") with hardly a word that could say something
about the subject, unless one sentence gives a reason or a means in words of its own,
and one word said over and over ("test test test").

"Gibberish" covers text that is not an attempt at an answer: random letters and keyboard
mash (`_implausible`), too few letters, and noise made of real tokens: pasted code, logs,
data rows, markup, links and emoji (`_code_share`), half nonsense with English glue
(`Analysis.known_share`), and real words in an order no sentence has (`_word_salad`).
The last two are checked after "off topic", so plain talk about something else is
called what it is. Each rule is a count on the development set's answers, with the
margin to the nearest real answer written beside its threshold.

An `Analysis` computes each measure once, lazily (`cached_property`), because `finalize`,
the offline coach and the flags all read the same ones.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

from interviewer.core.grading.delivery import _FILLERS
from interviewer.core.grading.star import detect_star
from interviewer.core.grading.text import (
    _COMMON_STEMS,
    _EVERYDAY_STEMS,
    _GENERIC_STEMS,
    COMMON_WORDS,
    FIELD_WORDS,
    STOP_STEMS,
    STOPWORDS,
    Sentence,
    _token_match,
    _wordset,
    split_sentences,
    stem,
    words,
)
from interviewer.core.grading.topics import (
    _EXPLAIN,
    ANOTHER_STORY_MAX_OWN,
    ANOTHER_STORY_MIN_FIT,
    ANOTHER_STORY_RATIO,
    FITS_OTHER_RATIO,
    KeyPointHit,
    QuestionBank,
    Relevance,
    _bank,
    _content,
    _question_stems,
    _stem_matches,
    is_specific_term,
    key_point_coverage,
    question_vocabulary,
    relevance,
)
from interviewer.core.injection import has_injection, strip_injection, visible
from interviewer.core.models import (
    Question,
)

#: Flags that mean the answer holds nothing to grade: every criterion is capped at 1.
JUNK_FLAGS: frozenset[str] = frozenset({"empty", "one_word", "gibberish", "off_topic", "padded"})
#: Answers with fewer words than this are `too_short`: no criterion above 2.
MIN_WORDS = 15
#: An answer of at least ONE_WORD_MIN words in which one word makes up ONE_WORD_SHARE or
#: more is one word said over and over: padded. (Real development answers stay under 0.2.)
#: A technical or case-study answer whose relevance to its own question is below this and
#: at least three times lower than to another question is off topic (see `off_topic`).
OWN_FLOOR = 2.0
ONE_WORD_MIN = 6
ONE_WORD_SHARE = 0.4


# =========================================================================== junk checks

_KEYBOARD_RUNS = tuple(
    _wordset("qwer wert erty rtyu tyui yuio uiop asdf sdfg dfgh fghj ghjk hjkl zxcv xcvb cvbn vbnm")
)


#: The three letter rows of a QWERTY keyboard. Mash ("asdkj qwe poiu mnb") is typed along
#: one row; so are a few real words ("type", "glad"), which is why only tokens the grader
#: does not know count (see `Analysis.row_mash_share`).
_KEY_ROWS = (frozenset("qwertyuiop"), frozenset("asdfghjkl"), frozenset("zxcvbnm"))
#: Stop words of the other languages answers come in (Spanish, French, German, Portuguese,
#: Italian): an answer with many of them is a language, not mash, whatever its rows.
_OTHER_STOPWORDS = _wordset(
    "que de la el en y los del se las por un una para con es lo como más pero sus le les "
    "des et est une du dans qui pour pas sur au avec ce il elle sont der die das und ist "
    "nicht ein eine zu den mit auf für sich auch dem im von wird werden o do da em um os "
    "não com uma mais il di che non per sono gli della nel anche ma"
)
#: Placeholder text pasted as an answer.
_LOREM = _wordset(
    "lorem ipsum dolor amet consectetur adipiscing elit eiusmod tempor incididunt labore "
    "dolore magna aliqua enim veniam nostrud exercitation ullamco laboris nisi aliquip"
)


#: Words any clause has one of (a subject pronoun, a form of be/do/have, a modal, a
#: connective): a short answer with none of them is a bag of words, not a statement.
_CLAUSE_WORDS = _wordset(
    "i you we they he she it this that there is are was were be been being am do does did "
    "have has had can could will would should may might must shall because so which when "
    "if means mean makes make gives give uses use need needs im ive id its thats theres"
)
#: A bag of words (no clause, fewer than MIN_WORDS words) in which fewer than this share
#: of the words belong to the field is word salad ("convolution banana pooling purple
#: filter seventeen kernel guitar"); a bare list of the right terms stays far above
#: (0.86-1.0 in the development sets) and is graded as a weak term list.
BAG_FIELD_SHARE = 0.7


def _on_one_row(tok: str) -> bool:
    return len(tok) >= 3 and tok.isascii() and any(set(tok) <= row for row in _KEY_ROWS)


def _implausible(tok: str) -> bool:
    """A token no language would produce: keyboard mash, consonant walls, letter runs."""
    if not tok.isalpha() or len(tok) <= 2 or not tok.isascii():
        return False
    if tok in STOPWORDS or tok in COMMON_WORDS or tok in FIELD_WORDS:
        return False
    if re.search(r"(.)\1\1", tok):
        return True
    vowels = sum(c in "aeiouy" for c in tok)
    if vowels == 0:
        return len(tok) >= 4
    if len(tok) >= 6 and vowels / len(tok) < 0.2:
        return True
    if re.search(r"[^aeiouy]{5,}", tok):
        return True
    return any(run in tok for run in _KEYBOARD_RUNS)


# ================================================= noise made of words, code or a paste
#
# Random letters are caught by `_implausible`; the noise below is made of real tokens,
# so each rule counts something about how the tokens are put together instead.

#: A whitespace-separated chunk that reads as code, a path, a URL or data, not as a word:
#: a call ("fit(" ), one of = { } [ ] < > ; \ or an underscore, a dotted name
#: ("np.argsort", not "e.g."), a URL or a path ("://", "lib/python/"), or a quoted key or
#: value followed by a colon or comma (JSON: `"solver": "lbfgs",`). Parentheses and
#: single slashes alone are prose ("(lasso)", "train/test").
_CODE_CHUNK = re.compile(
    r"\w\(|[={}\[\]<>;\\_]|[^\W\d_]{2,}\.[^\W\d_]{2,}|://|\w/[\w.-]+/|^\"[^\"\s]*\"[:,]"
)
#: A row of data: three or more values joined by commas with no space ("1,34,basic,0"),
#: not a number written with thousands separators ("1,000,000").
_DATA_ROW = re.compile(r"^[^\s,]+(?:,[^\s,]+){2,},?$")
_THOUSANDS = re.compile(r"^\d{1,3}(?:,\d{3})+[.,]?$")
#: A line of a log or stack trace: every chunk on it counts as code.
_LOG_LINE = re.compile(
    r"^\s*(?:Traceback\b|File\s+\"|at\s+[\w.$]+\(|\w*(?:Error|Exception|Warning):|"
    r"(?:INFO|WARN|WARNING|ERROR|DEBUG|FATAL)\b|\[?\d{4}-\d\d-\d\d[ T]\d\d:\d\d)",
)
#: Pasted code, a log, JSON or a bare link: at least this share of the chunks read as
#: code. An answer that shows a line of code and explains it stays far below (about 0.15).
CODE_SHARE = 0.4

#: Words that hold an English clause together: personal pronouns, auxiliaries and modals.
#: A real sentence of any length nearly always has one; a word salad does not.
_CLAUSE_WORDS = _wordset(
    """i you he she it we they i'm it's you're we're they're i'd i'll i've we'd we've
    we'll you'd you'll he's she's that's there's is are was were be been being am do
    does did has have had can could will would should may might must isn't aren't
    don't doesn't didn't won't can't"""
)
#: Pairs no English sentence puts side by side, which words in random order produce:
#: an article before another function word or a full stop ("the of", "a and", "the."),
#: "of"/"to" before a preposition, conjunction or "is" ("of under", "to and"), two
#: conjunctions or two forms of "be" in a row, the same function word twice ("is is"),
#: and a capitalised function word in mid-sentence ("..., the model We"). Words joined
#: by a hyphen, apostrophe or slash are whole ("the on-call", "and/or"); the article "a"
#: counts in lower case only ("plan A was").
_P = r"(?:of|in|on|at|by|for|with|from|to|into|under|than)"
_C = r"(?:and|or|but)"
_BE = r"(?:is|are|was|were|am)"
_MODAL = r"(?:will|would|can|could|should)"
_WHOLE = r"\b(?![-'/.])"
_BROKEN_PAIR = re.compile(
    rf"\b(?-i:the|an|a)\s+(?:the|an|a|{_P}|{_C}|{_BE}|{_MODAL}|i|you|he|she|we|they){_WHOLE}"
    rf"|\b(?-i:the|an|a)\s*(?:[.!?;:,]|$)"
    rf"|\bof\s+(?:{_P}|{_C}|{_BE}|{_MODAL}|i|he|she|we|they){_WHOLE}"
    rf"|\bto\s+(?:{_P}|{_C}|{_BE}){_WHOLE}"
    rf"|\b{_C}\s+{_C}{_WHOLE}|\b{_C}\s*[.!?]"
    rf"|\b{_BE}\s+{_BE}{_WHOLE}"
    rf"|\b(the|a|an|of|to|in|on|at|and|or|is|are|was|were|for|with)\s+\1{_WHOLE}"
    r"|(?<=[a-z,])\s+(?-i:The|And|Of|Is|Are|Was|We|They|It|This|That|So|But|Then|Our|My"
    r"|When|If|For|In|To|A)\b(?![-'/.])",
    re.IGNORECASE,
)
#: Word salad: more broken pairs than this; or this many, with fewer clause words than
#: one per SALAD_WORDS_PER_CLAUSE words or a broken pair every SALAD_WORDS_PER_BROKEN
#: words or fewer. (The development set's real answers have at most one broken pair each;
#: its real answers with their words shuffled have two or more three times in four.)
SALAD_BROKEN_PAIRS = 2
SALAD_WORDS_PER_CLAUSE = 12
SALAD_WORDS_PER_BROKEN = 20

#: English-looking text (at least this share of stop words) in which fewer than
#: KNOWN_SHARE of the other words are known (everyday, generic or field words, words of
#: the question bank, or one of those with a slipped ending: "trainig", "validaton") is
#: half nonsense ("the neighbours flobber wazzle k grimbo"). On the development set real
#: answers, terse or full of typos, stay at 0.55 or above and half nonsense at 0.4 or
#: below; text in another language has few English stop words and is judged by relevance.
ENGLISH_STOP_SHARE = 0.1
KNOWN_SHARE = 0.45
#: ... counted only when the answer has at least this many words besides stop words.
KNOWN_MIN_WORDS = 5


def _noise_chunk(chunk: str) -> bool:
    """Code (`_CODE_CHUNK`), a row of data, or emoji and pictographs with no letter or
    digit (Unicode "other symbols"; bullets, dashes and "+" are not noise)."""
    if _CODE_CHUNK.search(chunk):
        return True
    if _DATA_ROW.match(chunk) and not _THOUSANDS.match(chunk):
        return True
    return not any(c.isalnum() for c in chunk) and any(
        unicodedata.category(c) == "So" for c in chunk
    )


def _code_share(text: str) -> float:
    """Share of the chunks that are noise (`_noise_chunk`, or on a `_LOG_LINE`)."""
    code = total = 0
    for line in text.splitlines():
        chunks = line.split()
        total += len(chunks)
        log = bool(_LOG_LINE.match(line))
        code += sum(1 for c in chunks if log or _noise_chunk(c))
    return code / total if total else 0.0


def _word_salad(text: str, tokens: Sequence[str]) -> bool:
    """Real words in an order no sentence has: SALAD_BROKEN_PAIRS broken pairs or more,
    and hardly a clause word. (A missing clause word alone proves nothing: "k-means
    alternates between assigning each point ..." has none.)"""
    clause = sum(1 for t in tokens if t in _CLAUSE_WORDS)
    broken = sum(1 for _ in _BROKEN_PAIR.finditer(text))
    if broken < SALAD_BROKEN_PAIRS:
        return False
    n = len(tokens)
    return (
        broken > SALAD_BROKEN_PAIRS
        or clause * SALAD_WORDS_PER_CLAUSE < n
        or broken * SALAD_WORDS_PER_BROKEN >= n
    )


def _mattr(tokens: Sequence[str], window: int = 40) -> float:
    """Moving-average type-token ratio: lexical variety that does not fall with length."""
    if len(tokens) <= window:
        return len(set(tokens)) / max(1, len(tokens))
    counts = Counter(tokens[:window])
    total = len(counts)
    ratios = [total / window]
    for i in range(window, len(tokens)):
        out, inn = tokens[i - window], tokens[i]
        counts[out] -= 1
        if counts[out] == 0:
            del counts[out]
        counts[inn] += 1
        ratios.append(len(counts) / window)
    return sum(ratios) / len(ratios)


_FIRST_PERSON = frozenset(
    ["i", "i'm", "i've", "i'd", "i'll", "my", "me", "we", "we're", "we've", "our", "us", "myself"]
)
_WORK_WORDS = (
    frozenset(
        [
            "work",
            "worked",
            "working",
            "job",
            "role",
            "company",
            "team",
            "teams",
            "teammate",
            "teammates",
            "colleague",
            "colleagues",
            "manager",
            "managers",
            "boss",
            "lead",
            "pm",
            "product",
            "stakeholder",
            "stakeholders",
            "project",
            "projects",
            "deadline",
            "deadlines",
            "task",
            "tasks",
            "priority",
            "priorities",
            "prioritise",
            "prioritize",
            "prioritised",
            "prioritized",
            "meeting",
            "meetings",
            "customer",
            "customers",
            "client",
            "clients",
            "code",
            "bug",
            "bugs",
            "release",
            "launch",
            "launched",
            "feature",
            "features",
            "sprint",
            "plan",
            "plans",
            "planned",
            "list",
            "lists",
            "read",
            "reading",
            "article",
            "articles",
            "paper",
            "papers",
            "course",
            "courses",
            "blog",
            "blogs",
            "newsletter",
            "newsletters",
            "podcast",
            "podcasts",
            "conference",
            "conferences",
            "follow",
            "learn",
            "learned",
            "learnt",
            "learning",
            "multitask",
            "multitasking",
            "migration",
            "review",
            "reviews",
            "ticket",
            "tickets",
            "email",
            "emails",
            "deliver",
            "delivered",
            "ship",
            "shipped",
            "users",
            "business",
            "analysis",
            "report",
            "reports",
            "presentation",
            "presented",
            "explained",
            "mentor",
            "mentored",
            "intern",
            "hired",
            "office",
            "remote",
        ]
    )
    | FIELD_WORDS
)


_WORK_STEMS = frozenset(stem(w) for w in _WORK_WORDS)


# ====================================================== content-free answers (no claim)
#
# Three kinds of answer say nothing about the question however long they run: a salad
# of fashionable words ("leverage cutting-edge, scalable, AI-driven pipelines"), a
# hedge with nothing it depends on ("it depends on the use case, many factors, every
# situation is different"), and the question said back in other words. None is caught
# by counting repetition, because each says many different words. What they share is
# that nearly every word is one of: generic hype, generic hedging, or the question's own
# words; the words that would carry a claim about the subject are missing. So each word
# of the answer is sorted into "empty" (those three) or "substance" (anything else that
# is not an everyday or stop word), and an answer is content-free when one kind of empty
# word dominates it and substance is scarce (`Analysis.content_free`).

#: Marketing words that praise without saying what or how (stemmed before matching).
_HYPE_WORDS = _wordset(
    """leverage leverages leveraging leveraged synergy synergies synergistic paradigm
    disrupt disrupts disruptive disruption innovative innovation innovations innovate
    revolutionary revolutionise revolutionize revolutionising transformative seamless
    seamlessly frictionless holistic holistically robust robustly scalable scalability
    empower empowers empowering empowerment unlock unlocks unlocking unleash unleashing
    ecosystem ecosystems actionable insights impactful agile streamline streamlined
    streamlining maximise maximize maximising maximizing boost boosts supercharge
    supercharged powerful powered turbocharge omnichannel hyper visionary passionate
    excellence trustworthy genai aiops mlops ai orchestrate orchestrated orchestration
    futureproof world-class solutioning
    cutting-edge bleeding-edge game-changing game-changer groundbreaking breakthrough
    next-generation nextgen modern modernise modernize modernization modernisation
    enterprise enterprises transformation digital smart intelligent intelligence
    value-add first-class premier exciting excited amazing incredible awesome magic
    magical
    best-of-breed turnkey frontier trending trend trends buzz hype harness harnessing
    democratise democratize democratising democratizing accelerate accelerating elevate
    elevating reimagine reimagining redefine redefining amplify amplifying catalyse
    catalyze catalyst spearhead spearheading industry-leading market-leading next-level
    hyperautomation cognitive unprecedented transformational enablement visionary
    mindshare disruptor unparalleled unrivalled unrivaled"""
)
#: Multi-word hype: counted as phrases so "the end" or "state" alone are not hype.
_HYPE_PHRASES = re.compile(
    r"\b(?:state[\s-]+of[\s-]+the[\s-]+art|cutting[\s-]+edge|bleeding[\s-]+edge|leading[\s-]+"
    r"edge|end[\s-]+to[\s-]+end|best[\s-]+in[\s-]+class|world[\s-]+class|next[\s-]+gen(?:eration)?"
    r"|game[\s-]+changer|paradigm[\s-]+shift|future[\s-]+proof\w*|thought[\s-]+leadership|best"
    r"[\s-]+practices?|ahead[\s-]+of[\s-]+the[\s-]+curve|move[\s-]+the[\s-]+needle|low[\s-]+"
    r"hanging[\s-]+fruit|at[\s-]+scale|cloud[\s-]+native|mission[\s-]+critical|(?:production|"
    r"enterprise|industrial)[\s-]+grade|(?:ai|data|customer|insight|value|results?)[\s-]+"
    r"(?:driven|first|centric|powered|focused)|360[\s-]+degrees?|big[\s-]+data|secret[\s-]+"
    r"sauce|win[\s-]+win|value[\s-]+add|drive[\s-]+(?:value|growth|impact|innovation|"
    r"engagement|results)|add[\s-]+value|deliver[\s-]+value|unlock\w*[\s-]+value)\b",
    re.IGNORECASE,
)
#: Hedges and vague process talk: words that avoid committing to anything.
_HEDGE_WORDS = _wordset(
    """depend depends depending dependent dependant factor factors situation situations
    situational context contexts contextual circumstance circumstances different
    differently differ differs various variety vary varies varying specific specifics
    particular unique nuance nuanced nuances option options consider considering
    considerations honest honestly overall general generally stuff lots mindset
    requirement requirements constraint constraints goal goals stakeholder stakeholders
    align aligning alignment iterate iterating iteration opinion opinions perspective
    perspectives ultimately essentially definitely certainly obviously absolutely clearly
    truly super extremely tricky endless countless everything
    anything whatever everywhere somehow someway depends tradeoff tradeoffs trade-off
    trade-offs weigh weighing case-by-case ways impossible topic topics"""
)
_HEDGE_PHRASES = re.compile(
    r"\b(?:one[\s-]+size[\s-]+fits[\s-]+all|it\s+depends|(?:there\s+is|there's)\s+no\s+(?:single"
    r"|one|right|simple|easy)|no\s+(?:silver\s+bullet|right\s+answer)|the\s+right\s+call|makes?\s+"
    r"sense|at\s+the\s+end\s+of\s+the\s+day|case\s+by\s+case|a\s+lot\s+of\s+(?:things|factors|"
    r"ways|options)|(?:great|good|interesting|tough|classic|fair)\s+question|trade[\s-]+offs?)\b",
    re.IGNORECASE,
)
#: Talk about the question instead of an answer to it ("the question is", "you're asking").
_META = re.compile(
    r"\b(?:the\s+question\s+(?:is|here|was|asks)|question\s+is\s+about|(?:you're|you\s+are|"
    r"you\s+were)\s+asking|you\s+(?:want|'d\s+like|would\s+like)\s+to\s+know|what\s+you(?:'re|"
    r"\s+are)\s+asking|to\s+answer\s+(?:that|this|your\s+question|the\s+question)|the\s+task\s+"
    r"(?:here\s+)?is|(?:thing|question)\s+to\s+ask|(?:great|good|interesting|tough|classic|fair)"
    r"\s+question|so\s+basically\s+(?:the|a)\s+\w+\s+wants?)\b",
    re.IGNORECASE,
)
#: "by doing X": a means, with the few words that say what is done.
_MEANS = re.compile(r"\bby\s+\w+ing\b(?:[\s,]+[\w'-]+){0,4}", re.IGNORECASE)
#: Spoken fillers: neither empty nor substance.
_FILLER_WORDS = _wordset("um umm uh uhh er erm hmm yeah yep ok okay kinda sorta like basically")

#: Hyphenated entries ("value-add", "industry-leading") count only as whole phrases: their
#: parts ("add", "leading") are everyday words.
_HYPE_COMPOUNDS = re.compile(
    r"\b(?:"
    + "|".join(sorted(re.escape(w).replace("\\-", r"[\s-]+") for w in _HYPE_WORDS if "-" in w))
    + r")\b",
    re.IGNORECASE,
)
_HYPE_STEMS = frozenset(stem(w) for w in _HYPE_WORDS if "-" not in w)
_HEDGE_STEMS = frozenset(stem(w) for w in _HEDGE_WORDS if "-" not in w) - _HYPE_STEMS
_FILLER_STEMS = frozenset(stem(w) for w in _FILLER_WORDS)


def _cut_phrases(text: str, *patterns: re.Pattern[str]) -> tuple[int, str]:
    """How many content words the phrases of `patterns` hold, and `text` without them."""
    count = 0
    for pattern in patterns:
        for m in pattern.finditer(text):
            count += sum(1 for w in words(m.group()) if stem(w) not in STOP_STEMS)
        text = pattern.sub(" ", text)
    return count, text


#: An answer shorter than this many content words is judged by `too_short`, not here.
CONTENT_FREE_MIN_WORDS = 15


@dataclass(frozen=True)
class Emptiness:
    """How an answer's content words split between empty kinds and substance."""

    content: int  # content words (no stop words, numbers or fillers)
    hype: int
    hedge: int
    given: int  # the question's own words, and every word of a sentence about the question
    substance: tuple[str, ...]  # stems that are none of those and not everyday words

    def share(self, n: int) -> float:
        return n / max(1, self.content)

    @property
    def empty(self) -> float:
        """Empty words against empty words plus substance (everyday words left out)."""
        e = self.hype + self.hedge + self.given
        return e / max(1, e + len(self.substance))


@dataclass
class Analysis:
    """Everything the checks need to know about one answer, computed once."""

    text: str  # the answer as graded: invisible characters and planted instructions removed
    question: Question
    injection: bool = False
    #: The bank relevance is measured against: the registered one unless handed in.
    bank: QuestionBank = field(default_factory=_bank)
    sentences: list[Sentence] = field(init=False)
    tokens: list[str] = field(init=False)

    def __post_init__(self) -> None:
        self.sentences = split_sentences(self.text)
        self.tokens = [t for s in self.sentences for t in s.tokens]

    @cached_property
    def stems(self) -> list[str]:
        return [s for sent in self.sentences for s in sent.stems]

    @cached_property
    def word_count(self) -> int:
        return len(self.tokens)

    @cached_property
    def coverage(self) -> list[KeyPointHit]:
        return key_point_coverage(self.sentences, self.question)

    @cached_property
    def topic_vocabulary(self) -> set[str]:
        """Words that show an answer is about this question (everyday words do not)."""
        return set(question_vocabulary(self.question))

    @cached_property
    def relevance(self) -> Relevance:
        return relevance(self.stems, self.question, self.bank, self.tokens)

    @cached_property
    def question_hits(self) -> set[str]:
        """Distinct words of the question itself (everyday ones too) that the answer uses."""
        q = self.question
        vocab = _content(stem(w) for t in (q.text, *q.topics) for w in words(t)) - _GENERIC_STEMS
        return {v for v in vocab if any(_token_match(v, s) for s in set(self.stems))}

    @cached_property
    def topic_hits(self) -> set[str]:
        """Distinct question/topic/key-point words the answer uses."""
        vocab = self.topic_vocabulary
        found: set[str] = set()
        for s in _content(self.stems):
            if s in vocab:
                found.add(s)
            elif len(s) >= 4:
                found.update(v for v in vocab if _token_match(v, s))
        return found

    @cached_property
    def implausible_share(self) -> float:
        alpha = [t for t in self.tokens if t.isalpha()]
        return sum(_implausible(t) for t in alpha) / max(1, len(alpha))

    @cached_property
    def row_mash_share(self) -> float:
        """Share of the words that are unknown tokens typed along one keyboard row
        ("asdkj", "qwe", "poiu", "mnb"), 0 for text in another language (many of its stop
        words) — mash interleaved with the right terms ("asdkj bias qwe variance")."""
        alpha = [t for t in self.tokens if t.isalpha()]
        if not alpha or sum(t in _OTHER_STOPWORDS for t in alpha) >= 0.1 * len(alpha):
            return 0.0
        known = STOPWORDS | COMMON_WORDS | FIELD_WORDS
        vocab = self.topic_vocabulary
        mash = [
            t
            for t, st in zip(self.tokens, self.stems, strict=False)
            if t.isalpha()
            and _on_one_row(t)
            and t not in known
            and st not in vocab
            and st not in _COMMON_STEMS
            and st not in _EVERYDAY_STEMS
        ]
        return len(mash) / len(alpha)

    @cached_property
    def salad_bag(self) -> bool:
        """A short bag of words with no clause, a third or more of them outside the field
        ("imputation mean median blah blah whatever idk stuff")."""
        n = self.word_count
        if not 4 <= n < MIN_WORDS or any(t in _CLAUSE_WORDS for t in self.tokens):
            return False
        top = Counter(self.tokens).most_common(1)[0][1]
        if top >= ONE_WORD_SHARE * n:  # one word over and over: padded, said so there
            return False
        return self.field_share < BAG_FIELD_SHARE

    @cached_property
    def placeholder(self) -> bool:
        """Lorem ipsum: three or more of its words."""
        return sum(1 for t in set(self.tokens) if t in _LOREM) >= 3

    @cached_property
    def recognised_share(self) -> float:
        vocab = self.topic_vocabulary
        known = 0
        for tok, st in zip(self.tokens, self.stems, strict=False):
            if (
                tok in STOPWORDS
                or tok in COMMON_WORDS
                or tok in FIELD_WORDS
                or st in vocab
                or not tok.isalpha()
                or st in _COMMON_STEMS
            ):
                known += 1
        return known / max(1, len(self.tokens))

    @cached_property
    def gibberish(self) -> bool:
        n = self.word_count
        if n == 0:
            return False
        visible_chars = [c for c in self.text if not c.isspace()]
        letters = sum(c.isalpha() for c in visible_chars)
        if visible_chars and letters / len(visible_chars) < 0.3:
            return True
        if self.implausible_share >= 0.5:
            return True
        if self.placeholder:
            return True
        if n >= 4 and self.implausible_share + self.row_mash_share >= 0.3:
            return True
        if self.salad_bag:
            return True
        if n >= 3 and self.recognised_share < 0.2 and self.implausible_share >= 0.2:
            return True
        if n >= 5 and self.recognised_share < 0.12:
            return True
        return _code_share(self.text) >= CODE_SHARE

    @cached_property
    def nonsense(self) -> bool:
        """Real words that say nothing: half nonsense, or words in random order.

        Checked after `off_topic`, so everyday talk about something else ("cooking pasta
        with fresh basil") is called off topic, which is what it is."""
        if (
            self.known_words >= KNOWN_MIN_WORDS
            and self.known_share < KNOWN_SHARE
            and self.english_share >= ENGLISH_STOP_SHARE
        ):
            return True
        return self.word_count >= 8 and _word_salad(self.text, self.tokens)

    @cached_property
    def english_share(self) -> float:
        """Share of the answer's words that are English stop words."""
        alpha = [t for t in self.tokens if t.isalpha()]
        return sum(1 for t in alpha if t in STOPWORDS) / max(1, len(alpha))

    @cached_property
    def known_share(self) -> float:
        """Share of the answer's words besides stop words that the grader knows from
        anywhere: everyday, generic and field words, the vocabulary of every question
        in the bank, or such a word with a slipped ending (`_stem_matches`)."""
        rest = [(t, s) for t, s in zip(self.tokens, self.stems, strict=False) if t.isalpha()]
        rest = [(t, s) for t, s in rest if t not in STOPWORDS]
        plain = {
            s
            for t, s in rest
            if t in COMMON_WORDS
            or t in FIELD_WORDS
            or s in _COMMON_STEMS
            or s in _EVERYDAY_STEMS
            or s in _GENERIC_STEMS
        }
        matches = _stem_matches(
            {s for _, s in rest} - plain, question_vocabulary(self.question), self.bank
        )
        known = sum(1 for _, s in rest if s in plain or matches.get(s))
        return known / max(1, len(rest))

    @cached_property
    def known_words(self) -> int:
        return sum(1 for t in self.tokens if t.isalpha() and t not in STOPWORDS)

    @cached_property
    def repetition(self) -> float:
        """Share of word trigrams that already occurred earlier in the answer."""
        toks = self.tokens
        grams = list(zip(toks, toks[1:], toks[2:], strict=False))
        if not grams:
            return 0.0
        seen: set[tuple[str, str, str]] = set()
        repeats = 0
        for g in grams:
            if g in seen:
                repeats += 1
            seen.add(g)
        return repeats / len(grams)

    @cached_property
    def filler_share(self) -> float:
        n = len(_FILLERS.findall(self.text))
        return n / max(1, self.word_count)

    @cached_property
    def padded(self) -> bool:
        n = self.word_count
        # One word said over and over ("test test test", "blah blah overfitting blah").
        if n >= ONE_WORD_MIN and self.tokens:
            top = Counter(self.tokens).most_common(1)[0][1]
            if top >= ONE_WORD_SHARE * n:
                return True
        content = [s for s in self.stems if s not in STOP_STEMS and len(s) >= 2]
        given = _question_stems(self.question) | {
            stem(w) for t in self.question.topics for w in words(t)
        }
        novel = [
            s
            for s in content
            if s not in given and s not in _EVERYDAY_STEMS and s not in _GENERIC_STEMS
        ]
        novel_share = len(novel) / len(content) if content else 0.0
        # The question said back (once, or shouted): nothing the question did not supply.
        # A short answer with one new word, or one that says by what means ("by making the
        # model simpler"), has made a claim, however thin: weak, not junk.
        claim = bool(novel and len(content) < CONTENT_FREE_MIN_WORDS) or self._states_means(given)
        if len(content) >= 4 and novel_share <= 0.1 and not claim:
            return True
        if n < 20:
            return False
        if n >= 25 and (self.repetition >= 0.35 or self.filler_share >= 0.12):
            return True
        if len(content) < 12:
            return False
        # Saying the same few things over: few distinct content words, and hardly any
        # that the question had not already supplied.
        variety = _mattr(content, 25)
        if variety <= 0.4 or (variety <= 0.55 and novel_share <= 0.2 and not claim):
            return True
        if len(content) < 30:
            return False
        return variety < 0.33 or (variety < 0.42 and self.repetition >= 0.1)

    @cached_property
    def emptiness(self) -> Emptiness:
        """Sort the answer's words into hype, hedge, the question's own words and substance.

        A sentence that talks about the question ("the question is ...", "you're asking
        ...") counts wholly as the question's words; hype and hedge phrases ("state of the
        art", "it depends") count as hype and hedge words.
        """
        q = self.question
        given_stems = _question_stems(q) | {stem(w) for t in q.topics for w in words(t)}
        content = hype = hedge = given = 0
        substance: list[str] = []
        for sent in self.sentences:
            meta = bool(_META.search(sent.text))
            hype_phr, hype_text = _cut_phrases(sent.text, _HYPE_PHRASES, _HYPE_COMPOUNDS)
            hedge_phr, hedge_text = _cut_phrases(hype_text, _HEDGE_PHRASES)
            hype += hype_phr
            hedge += hedge_phr
            content += hype_phr + hedge_phr
            for w in words(hedge_text):
                st = stem(w)
                if st in STOP_STEMS or len(st) < 2 or st.isdigit() or st in _FILLER_STEMS:
                    continue
                content += 1
                if meta or st in given_stems:
                    given += 1
                elif st in _HYPE_STEMS:
                    hype += 1
                elif st in _HEDGE_STEMS:
                    hedge += 1
                elif st not in _EVERYDAY_STEMS and st not in _GENERIC_STEMS:
                    substance.append(st)
        return Emptiness(content, hype, hedge, given, tuple(substance))

    @cached_property
    def content_free(self) -> str:
        """Which kind of content-free answer this is ("" when it says something).

        "buzzwords": hype makes up a large share of the words; "hedge": hedging does;
        "restated": the question's own words (or talk about the question) do. Each needs
        substance to be scarce too: the empty words must outnumber everything that could
        carry a claim about the subject several times over. A story question answered
        with general remarks and no story of the candidate's own is "hedge" as well.
        """
        e = self.emptiness
        if e.content < CONTENT_FREE_MIN_WORDS:
            return ""
        if e.share(e.hype) >= 0.4 and e.empty >= 0.6:
            return "buzzwords"
        # A hedge or a restatement that still makes one of the key points (a term the
        # question did not supply, used where it counts) has said something: weak, not junk.
        if self._explains_something():
            return ""
        if e.share(e.hedge) >= 0.5 and e.empty >= 0.75 and not self.specific_content:
            return "hedge"
        given = e.share(e.given)
        said_back = (given >= 0.35 and e.empty >= 0.75) or (given >= 0.5 and e.empty >= 0.6)
        if said_back and not any(h.covered for h in self.coverage):
            return "restated"
        # A story question answered with no story of one's own (not one "I", "my", "we")
        # and mostly empty words: general remarks about how things go are no answer.
        no_story = not set(self.tokens) & _FIRST_PERSON
        if self.question.category == "behavioral" and e.empty >= 0.5 and no_story:
            return "hedge"
        return ""

    def _explains_something(self) -> bool:
        """Does a sentence give a reason or mechanism ("because ...", "which means ...")
        with at least two words of substance after it (not hype, hedge, the question's own
        words or everyday words)? Then the answer has said something about the subject."""
        q = self.question
        given = _question_stems(q) | {stem(w) for t in q.topics for w in words(t)}
        for sent in self.sentences:
            for m in _EXPLAIN.finditer(sent.text):
                rest = {stem(w) for w in words(sent.text[m.end() :])}
                found = {
                    st
                    for st in rest
                    if st not in STOP_STEMS
                    and st not in _FILLER_STEMS
                    and st not in given
                    and st not in _HYPE_STEMS
                    and st not in _HEDGE_STEMS
                    and st not in _EVERYDAY_STEMS
                    and st not in _GENERIC_STEMS
                    and len(st) >= 2
                    and not st.isdigit()
                }
                if len(found) >= 2:
                    return True
        return False

    def _states_means(self, given: set[str]) -> bool:
        """Does a sentence say by what means ("by making it simpler") with a word of its own?"""
        for m in _MEANS.finditer(self.text):
            for w in words(m.group()):
                st = stem(w)
                if st in STOP_STEMS or st in _FILLER_STEMS or st in _GENERIC_STEMS:
                    continue
                if st != "by" and st not in given:
                    return True
        return False

    @cached_property
    def field_share(self) -> float:
        """Share of the answer's distinct content words an ML interview uses at all."""
        own = question_vocabulary(self.question)
        st = {
            s for s in _content(self.stems) if s not in _EVERYDAY_STEMS and s not in _GENERIC_STEMS
        }
        if not st:
            return 0.0
        matches = _stem_matches(st, own, self.bank)
        known = sum(1 for s in st if matches[s] or s in _WORK_STEMS)
        return known / len(st)

    @cached_property
    def personal(self) -> bool:
        """Speaks about the candidate's own work (what a behavioral answer does)."""
        toks = set(self.tokens)
        return bool(toks & _FIRST_PERSON) and bool(toks & _WORK_WORDS)

    @cached_property
    def answers_another_story(self) -> bool:
        """A behavioral answer that fits another behavioral question far better."""
        rel = self.relevance
        fit = rel.best_same_category
        return (
            self.banked
            and fit >= ANOTHER_STORY_MIN_FIT
            and rel.own < ANOTHER_STORY_MAX_OWN
            and rel.own < ANOTHER_STORY_RATIO * fit
            and not self.specific_content
        )

    @cached_property
    def banked(self) -> bool:
        """A behavioral question of the built-in bank, as shipped: only then is comparing
        its fit with the bank's other story questions fair (a user's own question, with a
        line of text and two key points, would always lose to them)."""
        q = self.question
        vocab = self.bank.vocab.get(q.id)
        return q.category == "behavioral" and vocab is not None and vocab == question_vocabulary(q)

    @cached_property
    def fits_another_story(self) -> bool:
        """Does another of the bank's story questions fit this answer clearly better?

        Not junk (it may share real content with the question asked), but a story told
        for another question is not a strong answer to this one: see policy.ANOTHER_STORY_CAP.
        """
        rel = self.relevance
        if not self.banked or rel.best_same_category < 10.0:
            return False
        return rel.own < FITS_OTHER_RATIO * rel.best_same_category

    @cached_property
    def specific_content(self) -> list[KeyPointHit]:
        """The key points shown by one of their specific terms ("one-on-one", "friction"),
        not by words any story uses ("percent", "learned")."""
        return [
            h
            for h in self.coverage
            if h.covered and any(is_specific_term(t, self.bank) for t in h.terms)
        ]

    @cached_property
    def off_topic(self) -> bool:
        rel = self.relevance
        if self.question.category == "behavioral":
            story = detect_star(self.sentences)["action"].status == "present"
            if not (self.personal or story) and (
                rel.own < 0.5 or (self.field_share < 0.45 and rel.own < 4)
            ):
                return True
            # A story with not one word specific to this question that plainly answers
            # another one ("a model that failed", asked about a difficult teammate).
            if rel.own < 1.0 and rel.best_other >= 10:
                return True
            # A story that plainly answers another story question of the bank, with
            # hardly any of this one's own content: a word or two any story may use
            # ("reviews", "percent") does not make it an answer to this question.
            if self.answers_another_story:
                return True
            # An opinion about something else entirely (a technical topic) is off topic;
            # a story of one's own work that happens to use technical words is not.
            floor = max(rel.own, 0.5)
            cross = rel.best_other_category
            return not story and cross >= 6 and cross >= 3 * floor
        if rel.own < 0.5:
            return True
        # Mostly words no ML answer uses (cooking, sport, the weather), with a chance hit.
        if self.field_share < 0.45 and rel.own < 4:
            return True
        if rel.own < 4.5 and rel.best_other >= 8 and rel.best_other >= 3 * rel.own:
            return True
        # Hardly a word of this question, and plainly about another topic of the field
        # (deployment tooling asked about missing data): the words it does share are the
        # field's common ones.
        return rel.own < OWN_FLOOR and rel.best_other >= 3 * max(rel.own, 1.0) + 1

    @cached_property
    def flags(self) -> list[str]:
        """Junk flags, most severe first; at most one of empty / one_word / gibberish."""
        n = self.word_count
        if n == 0:
            return ["empty"]
        if n == 1:
            return ["one_word"]
        if self.gibberish:
            return ["gibberish"]
        out: list[str] = []
        if self.off_topic:
            out.append("off_topic")
        elif self.nonsense:
            return ["gibberish"]
        if self.padded or (self.content_free and not out):
            out.append("padded")
        if n < MIN_WORDS:
            out.append("too_short")
        return out


def analyse(answer: str, question: Question, bank: QuestionBank | None = None) -> Analysis:
    """Analyse the gradable part of `answer`: planted instructions are set aside first.

    `bank` is what relevance is measured against (default: the registered bank).
    """
    shown = visible(answer)
    return Analysis(
        strip_injection(shown),
        question,
        injection=has_injection(shown),
        bank=bank if bank is not None else _bank(),
    )


def detect_flags(answer: str, question: Question, bank: QuestionBank | None = None) -> list[str]:
    """Junk and injection flags for an answer (turn flags come from `finalize`)."""
    a = analyse(answer, question, bank)
    flags = list(a.flags)
    if a.injection:
        flags.append("injection")
    return flags
