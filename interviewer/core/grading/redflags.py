"""Red flags: misconceptions an interviewer listens for, found in an answer.

Each question of the bank lists its red flags (`Question.red_flags`, see
`core.models.RedFlag`): what a candidate wrongly says, what is true instead, and `cues`,
groups of phrases. `find_red_flags` reports a flag when ONE clause of the answer (a
sentence, cut again at ";") holds a phrase of every cue group and is not a warning
against it. The rules, each one a list someone can read and argue with:

- Matching is on whole words, case-insensitive, after the same folding as quotes
  (typographic apostrophes and dashes, invisible characters). A phrase of several words
  matches those words in that order, next to each other; its LAST word also matches its
  simple inflections (-s, -es, -d, -ed, -ing, a doubled consonant before -ed/-ing, y ->
  ies/ied), so "shuffle" finds "shuffling" and "fit" finds "fitting". Apostrophes are
  ignored inside words, so "didn't" and "didnt" are one word.
- A clause is a warning, and never a red flag, when it holds a negation or a warning
  word (`WARNING_WORDS`: not, no, never, n't, avoid, mistake, wrong, pitfall, instead of,
  rather than, bad idea, careful, must not, leak ...) outside the matched cue phrases
  themselves, or one of the flag's own `unless` phrases. Words inside a matched cue do
  not count, so a flag whose cue is "never found out" still fires on "we never found
  out". This leans towards NOT flagging: "I don't think you need a validation set" holds a
  negation and is left alone, even though it may state the misconception. A false red
  flag caps a correct answer, which costs the candidate more than a missed one.
  `WARNING_WORDS` also hold the mistake named as the naive or common thing to do ("the
  naive approach", "naively"), its harm said in the same clause ("optimistic",
  "inflates", "too good", "better than it will be", "collapsed", "sees the future"), and
  a concession for other data ("... but here").
- In a technical or case-study answer (not a behavioral one, whose red flags are told
  in stories) `STORY_WORDS` make a clause a warning too: a mistake told as a story that
  ends in its fix ("the first version", "until we", "turned out", "we fixed"; not "at
  first" or "initially", which weak answers use for the first step of a plan), someone
  else's mistake or plan ("a colleague once", "I've seen teams", "the team wanted to"),
  what it hides ("hides drift", "both sides of the split"), and "nothing" ("a high
  training accuracy proves nothing").
- A mistake put as someone's hypothetical with its consequence ("if you shuffle the
  days, you'd be predicting the past with the future") is not stated: a cue inside an
  "if you/we/they/one/someone ..." part (up to its comma or the consequence's modal;
  every cue group inside it), followed by a consequence (would/'d/will/could/might, or a
  clause after the comma), unless the consequence praises it ("if you shuffle, it works
  better"). "If I ..." is the candidate's own plan and is not excused, and "if we have a
  time series, we shuffle it" (the cue after the comma) states the mistake.
- A question ("Should you shuffle a time series?") states nothing and is never a flag;
  nor is a bare list of terms ("shuffle, time series, scaler, whole dataset").
- Text planted for the grader is set aside first (as `analyse` does), and every quote
  is checked against the answer with `EvidenceIndex`, so a flag never quotes planted text.

A model grader's claims (`RedFlagDraft`) add a flag of the question when the quote is
the candidate's own words and the claim names the flag (its id, its text, or close to
its text); a claim whose quote warns against the flag (`CLAIM_WARNING_WORDS` outside the
flag's own cue phrases, or the flag's `unless` phrases; for a technical or case-study
question also `HARM_WORDS`, `STORY_WORDS` but the bare negations, and a hypothetical) is
dropped. Each flag is reported
at most once.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from interviewer.core.grading.caps import Cap
from interviewer.core.grading.evidence import EvidenceIndex, _overlaps, unlabelled, whole_clause
from interviewer.core.grading.text import Sentence, split_sentences, words
from interviewer.core.injection import strip_injection, visible
from interviewer.core.models import (
    KeyPoint,
    Question,
    RedFlag,
    RedFlagDraft,
    RedFlagFound,
    Rubric,
)

#: No correctness criterion of an answer stating a red flag scores above this: the
#: rubrics' level 2 ("a central claim is wrong ... and is never corrected").
RED_FLAG_CAP = 2
#: ... and of one stating two or more: level 1 ("the main claims are wrong").
SEVERAL_RED_FLAGS_CAP = 1

#: The mistake called the naive or common thing to do, its harm said in the same clause,
#: or conceded for other data: warnings in any answer (and in a model's claimed quote about a
#: technical or case-study answer).
HARM_WORDS: tuple[str, ...] = (
    "naive approach",
    "naive way",
    "naive version",
    "naive solution",
    "naive idea",
    "naive thing",
    "naively",
    "common error",
    "classic error",
    "recipe for",
    # the harm it does, said in the same sentence
    "optimistic",
    "inflate",
    "overstate",
    "overestimate",
    "too good",
    "better than they are",
    "better than it is",
    "better than it really",
    "better than reality",
    "than in reality",
    "than in production",
    "misleading",
    "mislead",
    "misled",
    "fool",
    "fooled",
    "collapse",
    "fall apart",
    "fell apart",
    "contaminate",
    "peek",
    "see the future",
    "sees the future",
    "seen the future",
    "from the future",
    "hindsight",
    "only known after",
    "known only after",
    "only available after",
    "available only after",
    "worthless",
    "useless",
    "meaningless",
    "pointless",
    "tells you little",
    "says little",
    "misses the point",
    "overkill",
    "tomorrow's",
    "test information",
    "information from the test",
    "information about the test",
    "test data into",
    "test rows into",
    "better than it will",
    "better than they will",
    "better than it would",
    "better than they would",
    # conceded for other data, refused for this one
    "but here",
    "but in this case",
)

#: Words and phrases that make a clause a warning against a mistake rather than the
#: mistake itself (matched like cue phrases; words inside a matched cue do not count).
WARNING_WORDS: tuple[str, ...] = (
    # negation
    "not",
    "no",
    "never",
    "nor",
    "neither",
    "cannot",
    # warning
    "avoid",
    "mistake",
    "mistaken",
    "mistakenly",
    "wrong",
    "wrongly",
    "incorrect",
    "incorrectly",
    "pitfall",
    "misconception",
    "myth",
    "fallacy",
    "trap",
    "antipattern",
    "anti pattern",
    "instead of",
    "rather than",
    "bad idea",
    "bad practice",
    "careful",
    "carefully",
    "beware",
    "leak",
    "leakage",
    "cheat",
    "cheating",
    "danger",
    "dangerous",
    "tempting",
    "people think",
    "people assume",
    "some people",
    *HARM_WORDS,
)

#: Words that make a clause of a technical or case-study answer a warning too: a story
#: of a mistake made and then fixed ("the first version was evaluated on a random split
#: ... until we moved to ..."), someone else's mistake ("a colleague once told me to
#: shuffle"), or a negation by "nothing" ("a high training accuracy proves nothing").
#: Not used for behavioral questions, whose red flags are told in exactly such stories
#: ("at first I blamed my colleague", "I reply at once so nobody has to wait").
STORY_WORDS: tuple[str, ...] = (
    "nothing",
    "nobody",
    "none",
    "first version",
    "first attempt",
    "turned out",
    "until we",
    "until i",
    "until they",
    "until someone",
    "we fixed",
    "they fixed",
    "fixed it",
    "fixed that",
    "fixed this",
    "the hard way",
    "a colleague",
    "my colleague",
    "colleague once",
    "someone once",
    "i've seen",
    "i have seen",
    "seen teams",
    "seen people",
    "people often",
    "teams often",
    "many teams",
    "a lot of teams",
    "wanted to",
    "suggested",
    "proposed",
    # what the mistake hides, and where its score ends up
    "hide",
    "hidden",
    "disappoint",
    "both sides",
    "seen the answers",
    "see the answers",
)

#: "if you shuffle the days, you'd be predicting the past with the future": the mistake
#: put as a hypothetical ("if" + someone other than the speaker), followed by what it
#: would do (after a modal, or after the comma that ends the "if" part). A hypothetical
#: whose consequence is praise ("if you shuffle, it works better") is still a red flag.
_IF_SOMEONE = re.compile(
    r"\bif\s+(?:you|we|they|one|someone|somebody|anyone|people|teams?|a\s+team|the\s+team)\b",
    re.IGNORECASE,
)
_CONSEQUENCE = frozenset(
    [
        "would",
        "youd",
        "wed",
        "theyd",
        "itd",
        "thatd",
        "will",
        "youll",
        "theyll",
        "itll",
        "could",
        "might",
        "end",
        "get",
        "gets",
    ]
)
_PRAISE = frozenset(
    [
        "better",
        "improve",
        "improves",
        "help",
        "helps",
        "fine",
        "good",
        "great",
        "work",
        "works",
        "boost",
        "boosts",
        "higher",
        "best",
        "easier",
        "faster",
        "ok",
        "okay",
        "stable",
        "simpler",
        "accurate",
        "cleaner",
    ]
)

#: Contractions of "not" typed without the apostrophe ("dont"); with one, any word
#: ending in "n't" is a negation.
_NOT_CONTRACTIONS = frozenset(
    [
        "aint",
        "arent",
        "cant",
        "couldnt",
        "didnt",
        "doesnt",
        "dont",
        "hadnt",
        "hasnt",
        "havent",
        "isnt",
        "mightnt",
        "mustnt",
        "neednt",
        "shant",
        "shouldnt",
        "wasnt",
        "werent",
        "wont",
        "wouldnt",
    ]
)

#: What makes a model's claimed quote a warning rather than the red flag itself: the
#: explicit framings of WARNING_WORDS without plain negation (not, no, never, n't),
#: because a story's warning sign is often a negation ("we never found out").
CLAIM_WARNING_WORDS: tuple[str, ...] = (
    "avoid",
    "mistake",
    "mistaken",
    "wrong",
    "incorrect",
    "pitfall",
    "misconception",
    "myth",
    "instead of",
    "rather than",
    "bad idea",
    "bad practice",
    "careful",
    "beware",
    "must not",
    "mustn't",
    "should not",
    "shouldn't",
)

#: A claim names a flag when its wording is at least this close to the flag's text.
CLOSE_MATCH = 0.8


# =========================================================================== phrases


def _key(word: str) -> str:
    """A word as matched: lower-case, apostrophes dropped ("didn't" -> "didnt")."""
    return word.replace("'", "")


def _inflections(word: str) -> frozenset[str]:
    """`word` and its simple inflections (-s, -es, -d, -ed, -ing, doubled consonant, y)."""
    forms = {word, word + "s", word + "es", word + "ed", word + "ing"}
    if word.endswith("e"):
        forms |= {word + "d", word[:-1] + "ing"}
    if word.endswith("y") and len(word) > 2:
        forms |= {word[:-1] + "ies", word[:-1] + "ied"}
    if (
        len(word) >= 3
        and word[-1] not in "aeiouwxy"
        and word[-2] in "aeiou"
        and word[-3] not in "aeiou"
    ):
        forms |= {word + word[-1] + "ed", word + word[-1] + "ing"}
    return frozenset(forms)


@dataclass(frozen=True)
class _Phrase:
    """One cue phrase: exact leading words, then any inflection of the last word."""

    head: tuple[str, ...]
    last: frozenset[str]

    @classmethod
    def of(cls, text: str) -> _Phrase | None:
        toks = [_key(w) for w in words(text)]
        if not toks:
            return None
        return cls(tuple(toks[:-1]), _inflections(toks[-1]))

    def spans(self, toks: Sequence[str], present: frozenset[str]) -> list[range]:
        """Where the phrase occurs in `toks` (`present` is set(toks), a quick reject)."""
        if self.last.isdisjoint(present) or any(w not in present for w in self.head):
            return []
        n = len(self.head)
        return [
            range(i, i + n + 1)
            for i in range(len(toks) - n)
            if toks[i + n] in self.last and tuple(toks[i : i + n]) == self.head
        ]


def _phrases(texts: Iterable[str]) -> tuple[_Phrase, ...]:
    return tuple(p for p in (_Phrase.of(t) for t in texts) if p is not None)


_WARNINGS = _phrases(WARNING_WORDS)
_STORY_WARNINGS = _WARNINGS + _phrases(STORY_WORDS)
_CLAIM_WARNINGS = _phrases(CLAIM_WARNING_WORDS)
#: A claim about a technical or case-study answer: also the harm and story words (not
#: the bare negations "nothing", "nobody", "none").
_CLAIM_STORY_WARNINGS = (
    _CLAIM_WARNINGS
    + _phrases(HARM_WORDS)
    + _phrases(w for w in STORY_WORDS if w not in ("nothing", "nobody", "none"))
)


def _covers(phrases: Sequence[_Phrase], toks: Sequence[str], present: frozenset[str]) -> bool:
    return any(p.spans(toks, present) for p in phrases)


@dataclass(frozen=True)
class _Flag:
    flag: RedFlag
    groups: tuple[tuple[_Phrase, ...], ...]
    unless: tuple[_Phrase, ...]

    def cue_spans(self, toks: Sequence[str], present: frozenset[str]) -> list[range] | None:
        """The matched cue phrases if every group matches in `toks`, else None."""
        found: list[range] = []
        for group in self.groups:
            hits = [s for p in group for s in p.spans(toks, present)]
            if not hits:
                return None
            found += hits
        return found


#: Compiled flags per question object (held, so an id is never reused while cached).
_CACHE: dict[int, tuple[Question, tuple[_Flag, ...]]] = {}


def _compiled(question: Question) -> tuple[_Flag, ...]:
    """The question's flags compiled once per question object (a loaded bank keeps its
    objects; a changed question is a new object, so it is compiled afresh)."""
    hit = _CACHE.get(id(question))
    if hit is not None and hit[0] is question:
        return hit[1]
    compiled = tuple(
        _Flag(f, tuple(_phrases(g) for g in f.cues), _phrases(f.unless)) for f in question.red_flags
    )
    if len(_CACHE) > 512:
        _CACHE.clear()
    _CACHE[id(question)] = (question, compiled)
    return compiled


def red_flag_problems(flags: Sequence[RedFlag]) -> list[tuple[str, str]]:
    """What keeps a question's red flags from working, as (field, problem) pairs.

    Ids must be unique within the question; every cue and `unless` phrase needs a word
    (a phrase of punctuation alone matches nothing); and a cue phrase that itself holds
    one of the flag's `unless` phrases could never fire.
    """
    problems: list[tuple[str, str]] = []
    seen: set[str] = set()
    for i, flag in enumerate(flags):
        at = f"red_flags[{i}] (id={flag.id})"
        if flag.id in seen:
            problems.append((f"{at}.id", f"duplicate red flag id {flag.id!r}"))
        seen.add(flag.id)
        unless = _phrases(flag.unless)
        for k, phrase in enumerate(flag.unless):
            if not words(phrase):
                problems.append((f"{at}.unless[{k}]", f"{phrase!r} has no word"))
        for g, group in enumerate(flag.cues):
            for k, phrase in enumerate(group):
                where = f"{at}.cues[{g}][{k}]"
                toks = tuple(_key(w) for w in words(phrase))
                if not toks:
                    problems.append((where, f"{phrase!r} has no word"))
                elif _covers(unless, toks, frozenset(toks)):
                    problems.append(
                        (where, f"{phrase!r} holds one of the flag's unless phrases: never fires")
                    )
    return problems


# =========================================================================== clauses


@dataclass(frozen=True)
class _Clause:
    text: str
    toks: tuple[str, ...]
    present: frozenset[str]
    negations: frozenset[int]  # token positions holding a contracted "not" (n't)


#: A clause cut by commas, slashes or "and"/"or" into at least TERM_LIST_ITEMS pieces of
#: at most TERM_LIST_WORDS words each is a list of terms, not a statement.
TERM_LIST_ITEMS = 3
TERM_LIST_WORDS = 3
_LIST_SEPARATOR = re.compile(r"\s*(?:[,/|\u2022\u00b7]|\band\b|\bor\b)\s*", re.IGNORECASE)


def _is_term_list(text: str) -> bool:
    """ "shuffle, time series, scaler, whole dataset": terms named, nothing stated."""
    parts = [p for p in _LIST_SEPARATOR.split(text.strip(" .:-")) if p.strip()]
    return len(parts) >= TERM_LIST_ITEMS and all(len(words(p)) <= TERM_LIST_WORDS for p in parts)


def _clauses(sentences: Sequence[Sentence]) -> list[_Clause]:
    out: list[_Clause] = []
    for sent in sentences:
        for piece in sent.text.split(";"):
            text = unlabelled(piece.strip())
            if not text or text.rstrip("\"')]*_ ").endswith("?") or _is_term_list(text):
                continue  # a question or a list of terms states nothing
            raw = words(text)
            toks = tuple(_key(w) for w in raw)
            if not toks:
                continue
            neg = frozenset(
                i
                for i, (r, t) in enumerate(zip(raw, toks, strict=True))
                if r.endswith("n't") or t in _NOT_CONTRACTIONS
            )
            out.append(_Clause(text, toks, frozenset(toks), neg))
    return out


def _warns(clause: _Clause, cues: Sequence[range], phrases: Sequence[_Phrase]) -> bool:
    """Does the clause hold a warning phrase outside the matched cue phrases?"""
    inside = {i for r in cues for i in r}
    if clause.negations - inside:
        return True
    for p in phrases:
        for span in p.spans(clause.toks, clause.present):
            if not set(span) <= inside:
                return True
    return False


def _hypothetical(clause: _Clause, flag: _Flag) -> bool:
    """Is a cue put as someone's hypothetical with its consequence ("if you shuffle the
    days you'd be predicting the past") rather than done? The cue must lie in the "if"
    part (up to the first comma, or the consequence's modal), a modal must follow, and the
    consequence must not praise it ("if you shuffle, it works better"). Every cue group
    must match inside the "if" part: "if we have a time series, we shuffle it" does what
    it says."""
    for m in _IF_SOMEONE.finditer(clause.text):
        start = len(words(clause.text[: m.end()]))
        rest = [_key(w) for w in words(clause.text[m.end() :])]
        comma = clause.text.find(",", m.end())
        cut = len(words(clause.text[m.end() : comma])) if comma >= 0 else len(rest)
        modal = next((k for k, t in enumerate(rest) if t in _CONSEQUENCE), None)
        if modal is None and (comma < 0 or cut >= len(rest)):
            continue  # no consequence follows: "if we have time, we shuffle" is not it
        end = cut if modal is None else min(cut, modal)
        part = clause.toks[start : start + end]
        if not part or flag.cue_spans(part, frozenset(part)) is None:
            continue
        if _PRAISE.isdisjoint(rest[end:]):
            return True
    return False


def _states(flag: _Flag, clause: _Clause, story: bool = False) -> bool:
    """Does the clause state the flag? `story`: the question is technical or a case
    study, where a story of a mistake fixed (STORY_WORDS) is a warning too."""
    cues = flag.cue_spans(clause.toks, clause.present)
    if cues is None:
        return False
    if _covers(flag.unless, clause.toks, clause.present):
        return False
    if _warns(clause, cues, _STORY_WARNINGS if story else _WARNINGS):
        return False
    return not _hypothetical(clause, flag)


# =========================================================================== claims


def _norm(text: str) -> str:
    return " ".join(words(text))


def _named(claim: str, flags: Sequence[_Flag]) -> _Flag | None:
    """The flag a model's claim names: by id, by text, or by wording close to the text."""
    raw = claim.strip().lower()
    said = _norm(claim)
    if not said:
        return None
    for f in flags:
        fid = f.flag.id.lower()
        if raw == fid or raw.startswith((fid + ":", fid + " ", f"[{fid}]")) or said == _norm(fid):
            return f
    for f in flags:
        text = _norm(f.flag.text)
        if said == text or (len(text) >= 12 and text in said):
            return f
    best, ratio = None, CLOSE_MATCH
    for f in flags:
        r = difflib.SequenceMatcher(None, said, _norm(f.flag.text)).ratio()
        if r >= ratio:
            best, ratio = f, r
    return best


def _claim_warns(flag: _Flag, quote: str, story: bool = False) -> bool:
    """Does a claimed quote warn against the flag? Its `unless` phrases, or an explicit
    warning word outside the flag's own cue phrases ("I knew it was wrong to ship" is the
    flag itself when "wrong to ship" is a cue). `story` (a technical or case-study
    question): also the harm and story words and a hypothetical, as offline."""
    raw = words(quote)
    toks = tuple(_key(w) for w in raw)
    present = frozenset(toks)
    if _covers(flag.unless, toks, present):
        return True
    clause = _Clause(quote, toks, present, frozenset())
    cues = [span for group in flag.groups for p in group for span in p.spans(toks, present)]
    if not story:
        return _warns(clause, cues, _CLAIM_WARNINGS)
    return _warns(clause, cues, _CLAIM_STORY_WARNINGS) or _hypothetical(clause, flag)


# =========================================================================== the check


def _found(flag: RedFlag, quote: str) -> RedFlagFound:
    return RedFlagFound(red_flag=flag.text, quote=quote, correction=flag.correction, id=flag.id)


def find_red_flags(
    answer: str,
    question: Question,
    claimed: Sequence[RedFlagDraft] = (),
    index: EvidenceIndex | None = None,
) -> list[RedFlagFound]:
    """Every red flag of `question` the answer states (offline check plus verified claims).

    `claimed` are a model grader's reports; `index` is the answer's `EvidenceIndex` when
    the caller has one. Flags come in the question's order, each at most once, each with
    a quote that is the candidate's own words.
    """
    flags = _compiled(question)
    if not flags or not answer.strip():
        return []
    index = index if index is not None else EvidenceIndex(answer)
    sentences = split_sentences(strip_injection(visible(answer)))
    clauses = _clauses(sentences)
    quotes: dict[str, str] = {}
    story = question.category != "behavioral"
    for flag in flags:
        for clause in clauses:
            if _states(flag, clause, story) and index.verify(clause.text):
                quotes[flag.flag.id] = clause.text
                break
    for claim in claimed:
        named = _named(claim.red_flag, flags)
        if named is None or named.flag.id in quotes or not index.verify(claim.quote):
            continue
        quote = whole_clause(unlabelled(claim.quote), sentences)
        if not _claim_warns(named, quote, story):
            quotes[named.flag.id] = quote
    return [_found(f.flag, quotes[f.flag.id]) for f in flags if f.flag.id in quotes]


def red_flag_caps(found: Sequence[RedFlagFound], rubric: Rubric) -> list[Cap]:
    """The caps the red flags found put on the rubric's correctness criteria.

    One cap for all of them: no criterion marked `correctness` scores above
    RED_FLAG_CAP. Its note names every flag; each flag gets its own advice (what is true
    instead). A rubric without correctness criteria is not capped, but the flags are
    still reported on the grade.
    """
    if not found:
        return []
    capped = [c for c in rubric.criteria if c.correctness]
    if not capped:
        return []
    criteria = frozenset(c.id for c in capped)
    texts = [_sentence(f.red_flag) for f in found]
    if len(texts) == 1:
        note = f"states a red flag: {texts[0]}"
    else:
        note = "states red flags: " + "; ".join(texts)
    advice = [
        f"Red flag: {t} \u2014 {' '.join(f.correction.split())}".strip(" \u2014")
        for t, f in zip(texts, found, strict=True)
    ]
    names = [c.name for c in capped]
    named = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    what = "a red flag" if len(found) == 1 else f"{len(found)} red flags"
    summary = (
        f"The answer states {what} an interviewer listens for, so {named} "
        f"{'scores' if len(names) == 1 else 'score'} no more than "
        f"{RED_FLAG_CAP if len(found) == 1 else SEVERAL_RED_FLAGS_CAP}."
    )
    limit = RED_FLAG_CAP if len(found) == 1 else SEVERAL_RED_FLAGS_CAP
    caps = [Cap(criteria, limit, note, advice[0], summary)]
    caps += [Cap(criteria, limit, note, a) for a in advice[1:]]
    return caps


def _sentence(text: str) -> str:
    """`text` as one sentence without its closing full stop (it is joined into others)."""
    return " ".join(text.split()).rstrip(". ")


# =========================================================================== praise


#: "Covered well: <key point>", the offline coach's praise of one key point.
COVERED_WELL = "Covered well: "

#: Praise at the start of a line a grader put among the improvements ("Good use of ...").
_PRAISE_START = re.compile(
    r"^\s*(?:covered well|good|great|nice|well done|excellent)\b",
    re.IGNORECASE,
)
_QUOTED = re.compile(r"[\u201c\"]([^\u201d\"]{8,})[\u201d\"]")


def _tokens(text: str) -> tuple[tuple[str, ...], frozenset[str]]:
    toks = tuple(_key(w) for w in words(text))
    return toks, frozenset(toks)


def _flag_texts(found: RedFlagFound, question: Question) -> list[str]:
    """What a found flag is about: its quote, its text, and its question's cue and
    `unless` phrases (the mistake's words and the words that show the right practice)."""
    texts = [found.quote, found.red_flag]
    flag = next((f for f in question.red_flags if f.id == found.id), None)
    if flag is not None:
        texts += [p for group in flag.cues for p in group]
        texts += list(flag.unless)
    return texts


def contradicted_key_points(found: Sequence[RedFlagFound], question: Question) -> list[KeyPoint]:
    """The key points a found red flag is about, so the answer cannot be praised for them.

    A key point is about a flag when one of its `terms` occurs (whole words, simple
    inflections) in the flag's quoted sentence, in the flag's text, or in one of its cue
    or `unless` phrases: "Shuffles a time series into random folds" is about the key point
    whose terms are "time series", "walk-forward", "TimeSeriesSplit". Generous on
    purpose: dropping a deserved "Covered well" costs little, praise beside the red flag
    it contradicts tells the candidate two opposite things.
    """
    if not found:
        return []
    texts = [_tokens(t) for f in found for t in _flag_texts(f, question)]
    out: list[KeyPoint] = []
    for kp in question.key_points:
        terms = _phrases(kp.terms)
        if any(_covers(terms, toks, present) for toks, present in texts):
            out.append(kp)
    return out


def contradicts_red_flags(
    text: str,
    found: Sequence[RedFlagFound],
    question: Question,
    key_points: Sequence[KeyPoint] | None = None,
) -> bool:
    """Does this strength (or praise) say the opposite of a found red flag?

    "Covered well: <key point>" for a key point the flag is about
    (`contradicted_key_points`); any line quoting the flag's sentence (or part of it);
    and any other line naming, in its own words (not inside a quote), a term of such a
    key point ("Knows time-series cross-validation" beside "Shuffles a time series into
    random folds").
    """
    if not found:
        return False
    wrong = contradicted_key_points(found, question) if key_points is None else key_points
    if text.startswith(COVERED_WELL):
        return any(text == COVERED_WELL + k.text for k in wrong)
    quotes = [m.group(1) for m in _QUOTED.finditer(text)]
    if any(_overlaps(q, f.quote) for q in quotes for f in found) or any(
        _overlaps(text, f.quote) for f in found
    ):
        return True
    # The grader's own words name the topic; a quote of another sentence of the answer
    # ("Situation: sets the scene (\u201c...\u201d)") is not praise of what it mentions.
    toks, present = _tokens(_QUOTED.sub(" ", text))
    return _covers(_phrases([t for k in wrong for t in k.terms]), toks, present)


def praises(text: str) -> bool:
    """Does a line (among the improvements) start as praise?"""
    return bool(_PRAISE_START.match(text))
