"""Naming is not explaining: term lists, headings and fragments; stories told only as
"I would" or "we".

An answer can name every key point of a question and still show no understanding:
"L1, L2, lasso, ridge, elastic net, dropout" says nothing about what any of them does.
And a story told only as what the candidate *would* do, or only as what "we" did, never
shows what the candidate did. Each gets a `Cap` that `policy.finalize` applies to any
grader's draft (a model's as much as the offline coach's).

**Naming without explaining.** The answer is cut into pieces (sentences, bullet lines,
and the parts of a sentence around a colon, a semicolon or a dash). A piece *explains*
when it holds a clause: a finite verb (an auxiliary or modal, a subject pronoun, a
known verb in its "-s" form, an imperative), an explanatory connective (because, so,
which, means, when, if, whereas, but, not, "to" + verb, "by" + "-ing", an arrow), or it
is a definition in note form (five words or more tied by prepositions or articles:
"linear projection onto directions of max variance"). Inside a piece that explains, a
run of three or more short comma-separated items with no verb of their own is still a
list ("the main types are L1, L2, dropout and early stopping": only "the main types
are" explains). The answer is *naming* when at most `MAX_EXPLAINED_SHARE` of its words
sit in explaining text, at most `MAX_FUNCTION_SHARE` are function words (a list of
nouns has next to none), and it names at least `MIN_NAMED` terms (key-point terms of
the question, else words of the field).
Short dense sentences, bullets that each say what something does, and spoken answers
full of fillers all have verbs, so none of them is caught; an answer too short to judge
is left to the junk checks (it is capped as too short already), and an answer in
another language is not judged by these English word lists at all.

What is capped, and why (each limit is the rubric's own level for "named, not explained"):
- criteria whose heuristic is "coverage" or "depth" (technical correctness, coverage and
  depth; a case study's framing, model choice and deployment) and "tradeoffs" (a case
  study's trade-offs): at most 2 ("several are only named", "a textbook definition
  only", "names a model or a buzzword without any justification", "an alternative is
  mentioned but not compared");
- criteria whose heuristic is "examples" or "metrics" (a case study's data and
  evaluation, a technical answer's practical application): at most 3, because their
  rubrics give 3 to naming ("names relevant data sources and a few sensible features",
  "names appropriate metrics, but not how the data is split").
STAR criteria and communication are left alone: a list can be clear, and a story is
judged by the story checks below.

**Stories without "I did".** For a behavioral (STAR) rubric, the Action criterion is
capped at 2 when the actions are told only in the hypothetical (at least two "I would",
"I'd", "I will", "you should" ... and no past action by anyone), or only as "we" (at
least two past actions by "we" and no part of the candidate's own: no "I" + past action,
no "Action:" label, no "I had already ...", "I personally", "I did", "my part was", or
"so I go and ask" told in the present). A reflection ("I would do it again", "next time
I would", "I would have ...") is not a hypothetical action, a condition ("if a model I
shipped failed") is not an event, and "I was", "I felt", "I learned" are not actions.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from interviewer.core.grading.caps import Cap
from interviewer.core.grading.junk import Analysis
from interviewer.core.grading.star import (
    _ACTION_VERBS,
    _GENERIC_ACTION,
    _NOT_ACTIONS,
    _PAST_VERB,
    detect_star,
    is_behavioral,
)
from interviewer.core.grading.text import (
    _FOLD,
    _WORD,
    FIELD_WORDS,
    STOPWORDS,
    _term_tokens,
    _token_match,
    split_sentences,
    stem,
    words,
)
from interviewer.core.models import Question, Rubric

# =========================================================================== naming

#: An answer whose explaining text is at most this share of its words only names things.
MAX_EXPLAINED_SHARE = 0.35
#: ... and at most this share of its words are function words (the, of, for, because):
#: a list of nouns has next to none, telegraphic expert notes keep theirs ("as of the
#: snapshot date", "net of offer cost").
MAX_FUNCTION_SHARE = 0.25
#: ... provided it names at least this many terms (fewer is not a list of anything).
MIN_NAMED = 3
#: ... and has at least this many words (shorter answers are capped as too short).
MIN_LIST_WORDS = 8
#: The verb and connective lists are English: an answer in another language (fewer of
#: its words recognised, `Analysis.recognised_share`) is not judged by them.
MIN_RECOGNISED_SHARE = 0.5
#: At most this many named terms are quoted back in the advice.
MAX_NAMED_SHOWN = 5
#: Limits: coverage and depth as "only named" (rubric level 2); naming examples or
#: metrics is worth the rubrics' level 3.
NAMED_LIMIT = 2
NAMED_SOFT_LIMIT = 3
_HARD_HEURISTICS = frozenset({"coverage", "depth", "tradeoffs"})
_SOFT_HEURISTICS = frozenset({"examples", "metrics"})

NAMING_NOTE = "terms named without explaining them"
NAMING_SUMMARY = "The answer mostly names terms without explaining them."


def naming_advice(names: Sequence[str]) -> str:
    """The advice for an answer that names `names` without explaining them."""
    return (
        f"You named {', '.join(names)} without explaining them: "
        "say what each one does and why it matters here."
    )


def _wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Words that make a clause by themselves: auxiliaries, copulas, modals and their
# contractions ("it's" and "that's" are a verb; "model's" is not).
_AUX = _wordset(
    """is are was were be been being am has have had do does did can could will would
    should may might must shall isn't aren't wasn't weren't hasn't haven't hadn't don't
    doesn't didn't can't cannot couldn't won't wouldn't shouldn't mustn't it's that's
    there's here's what's he's she's who's they're we're you're i'm i've we've you've
    they've i'll you'll it'll we'll they'll that'll i'd you'd we'd they'd it'd gets got
    become becomes became makes made"""
)
# A subject pronoun means a clause ("it shrinks", "you pick k").
_SUBJECTS = _wordset("i you we they he she it")
# Words that join an explanation to what it explains.
_CONNECTIVES = _wordset(
    """because since so therefore thus hence which who whose means meaning whenever if
    unless whereas while although though otherwise until than when where instead but not
    never rather unlike"""
)
# Verbs of explanation, in their base form. In the "-s" form ("shrinks", "pushes") they
# are a finite verb; as the first word of a piece they are an imperative ("add a
# penalty"); after "to" an infinitive ("to reduce variance").
_VERBS = _wordset(
    """add adjust affect allow apply assign assume avoid become break build calculate
    capture cause check choose classify collect combine compare compute converge copy
    correct cover create decide decrease define depend describe detect determine differ
    diverge divide drive encode ensure estimate evaluate explain fail fall find fit fix
    follow force generalize generalise get give go grow guess handle help hide hold
    ignore impute improve include increase indicate keep know lead learn leave let look
    lose lower make matter memorize memorise minimize minimise miss mix move multiply
    need normalize normalise optimize optimise oscillate overfit overshoot pass penalize
    penalise pick predict prevent produce prune pull push put raise reach reduce reflect
    remove repeat replace represent require retrain return reuse rise say see select
    separate shrink shuffle skip slow smooth solve sort spread stay stop subtract suffer
    take tell tend treat try tune underfit use vary want weigh zero drop split average
    serve log monitor filter calibrate score cancel act deploy store flag measure
    balance limit rank scale update count shift start sample show"""
)
# "-s" forms that are usually plural nouns in a list ("bootstrap samples", "distance
# measures", "train/test splits"): not taken as verbs.
_NOUNISH_S = _wordset(
    """drops splits averages measures balances limits ranks scales updates counts shifts
    starts samples uses fits returns needs tests steps sums votes costs changes cuts
    runs works sets controls maps trains features weights errors points models"""
)
# Base forms that open a noun phrase far more often than a command ("sample size",
# "scale of features", "drop rate").
_NOUNISH_BASE = _wordset(
    """drop split average measure balance limit rank scale update count shift start sample
    use fit return need test step sum vote cost change cut run work set control map train
    zero mix guess fall rise"""
)
_LEAD_ADVERBS = _wordset("first then next also just always never finally now later so and")
# "-s" forms that are verbs whatever follows, beyond _VERBS.
_VERB_SUFFIX = re.compile(r"(?:izes|ises|ifies|yzes|yses)$")
# "by shrinking", "to reduce", "->": an explanation of how or why.
_BY_ING = re.compile(r"\b(?:by|without|while|when|after|before)\s+[a-z]+ing\b", re.IGNORECASE)
_ARROW = re.compile(r"->|=>|\u2192|\u21d2")
# Where a sentence breaks into pieces that are judged apart: a colon, a semicolon, a
# spaced dash or an opening bracket.
_PIECE_BREAK = re.compile(r"[:;]\s+|\s+[-\u2013\u2014]+\s+|\s*\(|\)\s*|:$")
# Where a piece breaks into list items.
_ITEM_BREAK = re.compile(r",|\s+(?:and|or|vs\.?|versus|plus|/|&)\s+|/", re.IGNORECASE)
_MAX_ITEM_WORDS = 4
# A named term never runs across these.
_BETWEEN_TERMS = re.compile(r"[,;:.!?()\n]")
_MIN_PHRASE_WORDS = 5
_MIN_PHRASE_GLUE = 2
# Prepositions and articles that tie a noun phrase together ("and"/"or" only add to a list).
_PHRASE_GLUE = _wordset(
    """of for onto into on in at to from with without between by per over under across
    against within than the a an its their each not more less most only no"""
)
_MIN_RUN = 3


def _verb_like(tok: str) -> bool:
    """Is `tok` a finite verb in its "-s" form ("shrinks", "regularises")?"""
    if tok in _NOUNISH_S or len(tok) < 4 or not tok.endswith("s"):
        return False
    if _VERB_SUFFIX.search(tok):
        return True
    for cut, add in (("ies", "y"), ("es", ""), ("s", "")):
        if tok.endswith(cut) and tok[: -len(cut)] + add in _VERBS:
            return True
    return False


def _last_cue(toks: Sequence[str]) -> int | None:
    """Index of the last word that makes `toks` a clause (a verb, a subject, a connective)."""
    last: int | None = None
    lead = 1 if toks[0] in _LEAD_ADVERBS and len(toks) > 1 else 0
    if toks[lead] in _VERBS and toks[lead] not in _NOUNISH_BASE and len(toks) > lead + 1:
        last = lead  # an imperative: "add a penalty", "first define the goal"
    for i, tok in enumerate(toks):
        if tok in _AUX or tok in _SUBJECTS or tok in _CONNECTIVES:
            last = i
        elif tok == "to" and i + 1 < len(toks) and toks[i + 1] in _VERBS:
            last = i + 1
        elif i > 0 and _verb_like(tok):
            last = i
    return last


def _explains(text: str) -> bool:
    """Does this piece of an answer hold a clause (a verb) or an explanatory link?"""
    if _ARROW.search(text) or _BY_ING.search(text):
        return True
    toks = words(text)
    if not toks:
        return False
    if _last_cue(toks) is not None:
        return True
    # A definition in note form: "linear projection onto directions of max variance".
    # A phrase that long with its prepositions and articles says how things relate,
    # which a bare list item ("learning curves", "weight decay") never does.
    glue = sum(1 for t in toks if t in _PHRASE_GLUE)
    return len(toks) >= _MIN_PHRASE_WORDS and glue >= _MIN_PHRASE_GLUE


def _list_head(item: str) -> int:
    """Words at the end of an explaining item that open the list after it: "the main
    types are L1, L2, dropout" lists L1 too."""
    toks = words(item)
    cue = _last_cue(toks) if toks else None
    if cue is None or _ARROW.search(item) or _BY_ING.search(item):
        return 0
    tail = len(toks) - cue - 1
    return tail if tail <= _MAX_ITEM_WORDS else 0


@dataclass(frozen=True)
class Naming:
    """How much of an answer explains, and which terms it names."""

    word_count: int
    explained_words: int
    function_words: int
    named: tuple[str, ...]

    @property
    def explained_share(self) -> float:
        return self.explained_words / max(1, self.word_count)

    @property
    def function_share(self) -> float:
        return self.function_words / max(1, self.word_count)

    @property
    def names_only(self) -> bool:
        return (
            self.word_count >= MIN_LIST_WORDS
            and len(self.named) >= MIN_NAMED
            and self.explained_share <= MAX_EXPLAINED_SHARE
            and self.function_share <= MAX_FUNCTION_SHARE
        )


def _explained_words(piece: str) -> int:
    """Words of `piece` that sit in explaining text (a run of bare list items does not)."""
    n = len(words(piece))
    if not _explains(piece):
        return 0
    items = [i for i in _ITEM_BREAK.split(piece) if words(i)]
    listed = 0
    run: list[int] = []
    head = 0  # the list's first item, at the end of the clause that opens it
    for item in [*items, ""]:
        size = len(words(item))
        if item and size <= _MAX_ITEM_WORDS and not _explains(item):
            run.append(size)
            continue
        if len(run) + (head > 0) >= _MIN_RUN:
            listed += sum(run) + head
        run = []
        head = _list_head(item) if item else 0
    return n - listed


def _pieces(text: str) -> list[str]:
    """The answer's sentences and lines, each cut at colons, semicolons and dashes."""
    out: list[str] = []
    for sent in split_sentences(text):
        out += [p for p in _PIECE_BREAK.split(sent.text) if p and words(p)]
    return out


def naming(analysis: Analysis) -> Naming:
    """Measure how much of the answer explains and what it names (see the module doc)."""
    pieces = _pieces(analysis.text)
    toks = [t for p in pieces for t in words(p)]
    explained = sum(_explained_words(p) for p in pieces)
    function = sum(1 for t in toks if t in STOPWORDS)
    return Naming(len(toks), explained, function, tuple(named_terms(analysis)))


def named_terms(analysis: Analysis, limit: int = MAX_NAMED_SHOWN) -> list[str]:
    """Key-point terms the answer names (else words of the field), in answer order, as
    the answer writes them."""
    folded = analysis.text.translate(_FOLD)
    spans = [(m.start(), m.end()) for m in _WORD.finditer(folded)]
    toks = [folded[a:b].lower() for a, b in spans]
    stems = [stem(t) for t in toks]
    found: list[tuple[int, int]] = []  # token index ranges [start, end)

    def one_phrase(where: tuple[int, int]) -> bool:  # not across a comma or a line
        return not _BETWEEN_TERMS.search(folded[spans[where[0]][0] : spans[where[1] - 1][1]])

    for hit in analysis.coverage:
        for term in hit.terms:
            where = next(filter(one_phrase, _find(_term_tokens(term), stems)), None)
            if where is not None:
                found.append(where)
    if len(found) < MIN_NAMED:
        field = {stem(w) for w in FIELD_WORDS} | set(analysis.topic_vocabulary)
        for i, st in enumerate(stems):
            if (st in field or toks[i] in FIELD_WORDS) and len(toks[i]) >= 3:
                found.append((i, i + 1))
    chosen: list[tuple[int, int]] = []
    for start, end in sorted(found, key=lambda r: (r[0], -(r[1] - r[0]))):
        if any(start < e and s < end for s, e in chosen):
            continue  # "l1" inside "l1 regularization" already named
        chosen.append((start, end))
    out: list[str] = []
    for start, end in chosen:
        surface = re.sub(r"\s+", " ", folded[spans[start][0] : spans[end - 1][1]])
        if surface.lower() not in (o.lower() for o in out):
            out.append(surface)
    return out[:limit]


def _find(term: tuple[str, ...], stems: Sequence[str]) -> Iterator[tuple[int, int]]:
    """Where the stemmed phrase `term` occurs in `stems` (one word may come between)."""
    if not term:
        return
    for i, st in enumerate(stems):
        if len(term) > 1 and st == "".join(term):
            yield i, i + 1  # "k-nn" written as "knn"
            continue
        if not _token_match(term[0], st):
            continue
        pos = i
        for part in term[1:]:
            window = range(pos + 1, min(pos + 3, len(stems)))
            nxt = next((j for j in window if _token_match(part, stems[j])), None)
            if nxt is None:
                break
            pos = nxt
        else:
            yield i, pos + 1


def _naming_caps(analysis: Analysis, rubric: Rubric) -> list[Cap]:
    if is_behavioral(rubric) or analysis.recognised_share < MIN_RECOGNISED_SHARE:
        return []
    found = naming(analysis)
    if not found.names_only:
        return []
    hard = frozenset(c.id for c in rubric.criteria if c.heuristic in _HARD_HEURISTICS)
    soft = frozenset(c.id for c in rubric.criteria if c.heuristic in _SOFT_HEURISTICS)
    caps = [
        Cap(hard, NAMED_LIMIT, NAMING_NOTE, naming_advice(found.named), NAMING_SUMMARY),
    ]
    if soft:
        caps.append(Cap(soft, NAMED_SOFT_LIMIT, NAMING_NOTE))
    return caps


# =========================================================================== story voice

ACTION_LIMIT = 2
HYPOTHETICAL_NOTE = "the actions are only what the candidate would do"
HYPOTHETICAL_ADVICE = (
    "The story is told only as what you would do: tell one real time it happened and what you did."
)
HYPOTHETICAL_SUMMARY = "The story is hypothetical: no real event, only what you would do."
WE_NOTE = "every action is \u201cwe\u201d, none is the candidate's own"
WE_ADVICE = "Every action is 'we': say what you yourself did."
WE_SUMMARY = "Every action in the story is \u201cwe\u201d: your own part is not told."

#: Hypothetical actions needed (and no past action at all) to call a story hypothetical.
MIN_HYPOTHETICAL = 2
#: Past actions by "we" needed (and none by "I") to call a story a "we" story.
MIN_WE_ACTIONS = 2

_HYPOTHETICAL = re.compile(
    r"\b(?:i|we|you)\s+(?:would|will|should|shall|might|could)\b(?!\s+(?:have|'ve)\b)"
    r"|\b(?:i|we|you)['\u2019](?:d|ll)\b(?!\s+(?:have|'ve)\b)"
    r"|\b(?:i|we|you)(?:\s+am|\s+are|['\u2019]m|['\u2019]re)\s+going\s+to\b"
    r"|\byou\s+(?:need|have|want)\s+to\b"
    r"|\bmy\s+(?:first\s+)?(?:step|approach|plan|move)\s+would\b",
    re.IGNORECASE,
)
# Sentences that look back on a real event: their "would" is a reflection.
_REFLECTIVE = re.compile(
    r"\b(?:again|next\s+time|in\s+hindsight|looking\s+back|in\s+retrospect|differently|"
    r"going\s+forward|since\s+then|same\s+way|(?:would|should|could)\s+have)\b",
    re.IGNORECASE,
)
_WE_ADVERB = r"(?:then\s+|first\s+|also\s+|just\s+|quickly\s+|finally\s+|eventually\s+|all\s+|)"
_WE_ACTION = re.compile(
    r"\bwe\s+" + _WE_ADVERB + r"(?:" + _ACTION_VERBS + r"|" + _NOT_ACTIONS + _PAST_VERB + r")",
    re.IGNORECASE,
)
_I_ACTION = re.compile(_GENERIC_ACTION, re.IGNORECASE)
# The candidate's own part told other ways: "I've added", "I had already rewritten",
# "I was able to", "I personally", "I was the one who".
_I_ALSO = re.compile(
    r"\bi(?:['\u2019]ve|\s+have|\s+had)\s+(?:already\s+|also\s+|just\s+|since\s+)?"
    r"(?!been\b|had\b)(?:[a-z]{2,}ed|built|written|rewritten|run|made|taken|set|led|sent|"
    r"told|found|got|gotten|put|cut|split|spent|brought|shown|chosen|done)\b"
    r"|\bi\s+(?:was|were)\s+able\s+to\b|\bi\s+(?:personally|myself)\b"
    r"|\bi\s+was\s+the\s+one\s+who\b",
    re.IGNORECASE,
)
# The candidate's own part told without a past action: in the present ("so I go to him
# and ask ..."), as "I did the migration", or as "my part was the loader".
_I_OTHER = re.compile(
    r"\bi\s+(?:then\s+|also\s+|just\s+|first\s+)?(?:go|sit|ask|tell|talk|write|build|call|"
    r"set|start|open|pull|suggest|propose|decide|take|make|run|check|send|schedule|email|"
    r"book|pair|draft|rewrite|fix|roll|push|raise|escalate|meet|explain|show|present)\b"
    r"|\bi\s+(?:also\s+|then\s+)?did\b(?!\s+not\b|n['\u2019]t)"
    r"|\bmy\s+(?:own\s+)?(?:part|piece|contribution|job|role|share)\s+(?:was|were|is)\b",
    re.IGNORECASE,
)


# A condition is not an event: "if a model I shipped did not perform, I would ...".
_CONDITION = re.compile(
    r"\b(?:if|when|whenever|suppose|supposing|imagine|say)\b[^,;.!?]*", re.IGNORECASE
)


@dataclass(frozen=True)
class Voice:
    """Whose actions a story tells, and in which mood."""

    hypothetical: int  # "I would ..." outside a reflection
    own_past: int  # "I built ...", or actions under an "Action:" label
    own_other: int  # "so I go to him and ask ...", "my part was the loader"
    we_past: int  # "we rolled back ..."

    @property
    def only_hypothetical(self) -> bool:
        return self.hypothetical >= MIN_HYPOTHETICAL and self.own_past == 0 and self.we_past == 0

    @property
    def only_we(self) -> bool:
        own = self.own_past + self.own_other
        return not self.only_hypothetical and self.we_past >= MIN_WE_ACTIONS and own == 0


def voice(analysis: Analysis) -> Voice:
    """Count hypothetical, own and "we" actions in a story (see the module doc)."""
    hypothetical = own = other = we = 0
    for sent in analysis.sentences:
        text = sent.text.translate(_FOLD)
        if not _REFLECTIVE.search(text):
            hypothetical += len(_HYPOTHETICAL.findall(text))
        told = _CONDITION.sub(" ", text)
        own += len(_I_ACTION.findall(told)) + len(_I_ALSO.findall(told))
        other += len(_I_OTHER.findall(told))
        we += len(_WE_ACTION.findall(told))
    action = detect_star(analysis.sentences)["action"]
    if action.labelled and action.status == "present":
        own += 1
    return Voice(hypothetical, own, other, we)


def _voice_caps(analysis: Analysis, rubric: Rubric) -> list[Cap]:
    action = frozenset(c.id for c in rubric.criteria if c.star == "action")
    if not action:
        return []
    found = voice(analysis)
    if found.only_hypothetical:
        return [
            Cap(action, ACTION_LIMIT, HYPOTHETICAL_NOTE, HYPOTHETICAL_ADVICE, HYPOTHETICAL_SUMMARY)
        ]
    if found.only_we:
        return [Cap(action, ACTION_LIMIT, WE_NOTE, WE_ADVICE, WE_SUMMARY)]
    return []


# =========================================================================== the hook


def explaining_caps(analysis: Analysis, question: Question, rubric: Rubric) -> list[Cap]:
    """Caps for an answer that names without explaining, or a story without "I did"."""
    return [*_naming_caps(analysis, rubric), *_voice_caps(analysis, rubric)]
