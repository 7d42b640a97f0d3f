"""What an answer is about: key-point coverage, and relevance against the question bank.

Relevance compares an answer with its own question and with every other question of the
bank (idf-weighted, so a word every question shares counts for little). The bank is
handed in by `set_question_bank` (the loader in `storage/content_files.py` does
it on import): core reads no files, and without a bank relevance falls back to the
question alone.
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from interviewer.core.grading.text import (
    _EVERYDAY_STEMS,
    _GENERIC_STEMS,
    STOP_STEMS,
    Sentence,
    TokenIndex,
    _term_tokens,
    stem,
    words,
)
from interviewer.core.models import (
    KeyPoint,
    Question,
)

# =========================================================================== key points

_EXPLAIN = re.compile(
    r"\b(?:because|since|so\s+that|therefore|thus|hence|which\s+means|this\s+means|that\s+means|"
    r"means|meaning|leads?\s+to|led\s+to|results?\s+in|causes?|caused\s+by|due\s+to|in\s+order\s+"
    r"to|refers?\s+to|is\s+when|defined\s+as|happens\s+when|occurs\s+when|whereas|unlike|instead"
    r"\s+of|compared\s+(?:to|with)|rather\s+than|by\s+\w+ing|measures?|so\s+the|so\s+it)\b",
    re.IGNORECASE,
)


#: Plain words a candidate uses for the field's own terms ("what each customer bought
#: before" for purchase history): each plain word also counts as its field word when an
#: answer is matched against key-point terms and question vocabularies. One field word
#: per plain word, and only words with that one meaning in an interview answer ("show"
#: or "leave" are too common to stand for "recommend" or "churn").
_PARAPHRASE_WORDS: dict[str, str] = {
    **dict.fromkeys(["bought", "buy", "buys", "buying", "shopping"], "purchase"),
    **dict.fromkeys(["shop", "shops", "seller", "sellers"], "merchant"),
    **dict.fromkeys(["phone", "phones", "laptop", "browser"], "device"),
    **dict.fromkeys(["offer", "offers", "voucher", "vouchers", "coupon", "coupons"], "discount"),
    **dict.fromkeys(["goods", "product", "products"], "item"),
    **dict.fromkeys(["suggest", "suggests", "suggestion", "suggestions"], "recommend"),
    **dict.fromkeys(
        ["cancel", "cancels", "cancelled", "canceled", "unsubscribe", "unsubscribed"], "churn"
    ),
    **dict.fromkeys(["payment", "payments", "charge", "charges", "spend", "spends"], "transaction"),
    **dict.fromkeys(["cutoff", "cutoffs"], "threshold"),
    **dict.fromkeys(["closest"], "nearest"),
    **dict.fromkeys(["slope", "downhill"], "gradient"),
    # Math notation read aloud: "λ·Σ w²" says lambda, sum, squared.
    "λ": "lambda",
    "α": "alpha",
    "σ": "sum",
    "ς": "sum",
    "η": "learning",
}
_PARAPHRASES: dict[str, str] = {k: stem(v) for k, v in _PARAPHRASE_WORDS.items()}
_SQUARED = stem("squared")


def _in_field_words(tokens: Sequence[str], stems: Sequence[str]) -> list[str]:
    """`stems` with each plain word or symbol (matched as written, not by its stem:
    "goods" is not "good") replaced by the field word it stands for; a token ending in
    "²" reads as "squared"."""
    return [
        _SQUARED if t.endswith("²") else _PARAPHRASES.get(t, s)
        for t, s in zip(tokens, stems, strict=False)
    ]


@dataclass(frozen=True)
class KeyPointHit:
    """How well the answer shows one key point: 0 (absent) to 1 (named and explained)."""

    key_point: KeyPoint
    strength: float
    terms: tuple[str, ...]  # the key point's terms that appear
    sentences: tuple[int, ...]  # indexes of the sentences they appear in

    @property
    def covered(self) -> bool:
        return self.strength >= 0.5

    @property
    def explained(self) -> bool:
        return self.strength >= 0.75


def _content(stems: Iterable[str]) -> set[str]:
    return {s for s in stems if s not in STOP_STEMS and len(s) >= 2 and not s.isdigit()}


def _question_stems(question: Question) -> set[str]:
    return _content(stem(w) for w in words(question.text))


def key_point_coverage(sentences: Sequence[Sentence], question: Question) -> list[KeyPointHit]:
    """Score each key point by its terms, the words of its own text, and explanation.

    Naming a term the question itself already used counts for less (repeating the
    question is not an answer); a sentence that also explains it (because, which means,
    whereas ...) or echoes the key point's own wording counts for more.
    """
    qstems = _question_stems(question)
    hits: list[KeyPointHit] = []
    # Each sentence's words indexed once for all the key points.
    indexed = []
    for sent in sentences:
        content = _content(sent.stems)
        indexed.append(
            (
                sent,
                TokenIndex(sent.stems),
                TokenIndex(_in_field_words(sent.tokens, sent.stems)),
                content,
                TokenIndex(sorted(content)),
            )
        )
    for kp in question.key_points:
        terms = [(t, _term_tokens(t)) for t in kp.terms]
        term_stems = {s for _, tt in terms for s in tt}
        kp_words = _content(stem(w) for w in words(kp.text)) - term_stems - qstems - _GENERIC_STEMS
        best = 0.0
        found_terms: list[str] = []
        where: list[int] = []
        for idx, (sent, said, field, sent_content, content_index) in enumerate(indexed):
            hit = [(t, tt) for t, tt in terms if tt and (said.seq_match(tt) or field.seq_match(tt))]
            if not hit:
                continue
            where.append(idx)
            for t, _ in hit:
                if t not in found_terms:
                    found_terms.append(t)
            echo = all(all(s in qstems for s in tt) for _, tt in hit)
            base = 0.2 if echo else 0.55
            overlap = sum(1 for w in kp_words if content_index.matches(w))
            extras = (len(hit) - 1) + overlap
            explains = bool(_EXPLAIN.search(sent.text)) or len(sent_content) >= 10
            score = base + 0.2 * min(extras, 2) + (0.15 if explains else 0.0)
            best = max(best, score)
        if len(where) >= 2:
            best += 0.1
        hits.append(KeyPointHit(kp, min(1.0, best), tuple(found_terms), tuple(where)))
    return hits


# =========================================================================== relevance


def question_vocabulary(question: Question) -> frozenset[str]:
    """Stems that show an answer is about `question` (everyday words do not)."""
    key = (question.id, question.text, len(question.key_points), len(question.strong_answer))
    found = _VOCAB_CACHE.get(key)
    if found is None:
        q = question
        texts = [q.text, *q.topics, *(k.text for k in q.key_points)]
        texts += [t for k in q.key_points for t in k.terms]
        texts += [p.text for p in q.follow_ups] + list(q.strong_answer)
        vocab = _content(stem(w) for t in texts for w in words(t))
        found = frozenset(vocab - _GENERIC_STEMS - _EVERYDAY_STEMS)
        if len(_VOCAB_CACHE) > 512:
            _VOCAB_CACHE.clear()
        _VOCAB_CACHE[key] = found
    return found


_VOCAB_CACHE: dict[tuple[str, str, int, int], frozenset[str]] = {}


@dataclass(frozen=True)
class QuestionBank:
    """The question bank as a backdrop: which words are specific to which question.

    Build one with `QuestionBank.of(questions)` and hand it to `analyse` (or `finalize`)
    to grade against a bank of your choosing; without one, grading uses the bank
    registered with `set_question_bank`.
    """

    vocab: dict[str, frozenset[str]]
    category: dict[str, str]
    df: Counter[str]
    by_prefix: dict[str, tuple[str, ...]]

    def idf(self, s: str) -> float:
        n = len(self.vocab)
        return math.log((n + 1) / (self.df.get(s, 0) + 1))

    @classmethod
    def of(cls, questions: Iterable[Question]) -> QuestionBank:
        """The bank of `questions` (none: relevance falls back to the question alone).

        Coding questions stay out: their answers are code, graded by tests, and their
        words (precision, k-means) would shift what a prose answer is measured against.
        """
        questions = [q for q in questions if q.kind != "coding"]
        vocab = {q.id: question_vocabulary(q) for q in questions}
        df: Counter[str] = Counter(s for v in vocab.values() for s in v)
        prefix: dict[str, list[str]] = {}
        for word in df:
            if len(word) >= 5:
                prefix.setdefault(word[:5], []).append(word)
        return cls(
            vocab,
            {q.id: q.category for q in questions},
            df,
            {k: tuple(v) for k, v in prefix.items()},
        )


#: Gives the question bank answers are compared against when none is handed in (the
#: built-in questions). Core reads no files: the content loader (storage.content_files)
#: sets it when imported. It stays process-wide because every grading path (the service,
#: the offline coach, the benchmarks, the tests) reaches `analyse` without a bank of its
#: own today; a caller that has one passes it (`analyse(..., bank=)`, `finalize(...,
#: bank=)`) and the registered one is not read.
_BANK_SOURCE: Callable[[], Iterable[Question]] | None = None


def set_question_bank(source: Callable[[], Iterable[Question]] | None) -> None:
    """Say where the question bank comes from (read lazily, once); None means no bank."""
    global _BANK_SOURCE
    _BANK_SOURCE = source
    _bank.cache_clear()


@functools.lru_cache(maxsize=1)
def _bank() -> QuestionBank:
    """The registered bank, built once (without one, relevance uses the question alone)."""
    return QuestionBank.of(_BANK_SOURCE() if _BANK_SOURCE is not None else [])


#: A behavioral answer is off topic when another story question of the bank fits it at
#: least this well (idf-weighted words), its own question less than ANOTHER_STORY_MAX_OWN
#: and under ANOTHER_STORY_RATIO of that fit, and no key point of its own question is
#: shown by a specific term.
ANOTHER_STORY_MIN_FIT = 10.0
#: A story whose own question fits it under this share of the best other story question
#: is "told for another question": no criterion above policy.ANOTHER_STORY_CAP, no praise for
#: covering this question's key points.
FITS_OTHER_RATIO = 0.8
ANOTHER_STORY_MAX_OWN = 6.0
ANOTHER_STORY_RATIO = 0.35

#: A one-word key-point term used by more of the bank's questions than this shows no
#: question in particular ("percent", "shipped", "lesson" fit any story).
SPECIFIC_TERM_MAX_QUESTIONS = 3


def is_specific_term(term: str, bank: QuestionBank | None = None) -> bool:
    """Does naming `term` show this key point's own content, not any story's?

    A phrase ("one-on-one", "my manager") is specific; a single word is when few of the
    bank's questions use it. Everyday words ("learned", "reduced") never are.
    """
    stems = [s for s in _term_tokens(term) if s not in STOP_STEMS]
    if len(words(term)) >= 2:
        return True
    if not stems:
        return False
    # Not in the bank's vocabulary at all: an everyday or generic word.
    df = (bank if bank is not None else _bank()).df
    return 0 < df.get(stems[0], 0) <= SPECIFIC_TERM_MAX_QUESTIONS


def _stem_matches(
    stems: Iterable[str], extra: frozenset[str], bank: QuestionBank | None = None
) -> dict[str, set[str]]:
    """For each stem, the vocabulary words (bank or `extra`) it matches: the same word, or
    a long one that differs only in its ending ("regularis" ~ "regularization")."""
    bank = bank if bank is not None else _bank()
    found: dict[str, set[str]] = {}
    for s in stems:
        hits = {s} if s in bank.df or s in extra else set()
        if len(s) >= 5:
            for v in (*bank.by_prefix.get(s[:5], ()), *(w for w in extra if w[:5] == s[:5])):
                if (v.startswith(s) and len(v) - len(s) <= 2) or (
                    s.startswith(v) and len(s) - len(v) <= 3
                ):
                    hits.add(v)
        found[s] = hits
    return found


@dataclass(frozen=True)
class Relevance:
    """How specifically an answer speaks to its question, against the rest of the bank.

    Each matched word counts by how few questions use it (a word every question shares,
    like "data", counts for almost nothing).
    """

    own: float
    best_other: float  # the best fit among the bank's other questions
    best_other_category: float  # ... among questions of another category
    best_same_category: float = 0.0  # ... among other questions of the same category


def relevance(
    stems: Iterable[str],
    question: Question,
    bank: QuestionBank | None = None,
    tokens: Sequence[str] = (),
) -> Relevance:
    """`tokens` (the words `stems` came from, in order) let plain words count as the
    field words they stand for ("bought" as "purchase")."""
    bank = bank if bank is not None else _bank()
    own_vocab = question_vocabulary(question)
    stems = list(stems)
    said = _content(stems) | _content(_in_field_words(tokens, stems))
    hits = set().union(*_stem_matches(said, own_vocab, bank).values())

    def score(vocab: frozenset[str]) -> float:
        return sum(bank.idf(w) for w in hits & vocab)

    best = best_cat = best_same = 0.0
    for qid, vocab in bank.vocab.items():
        if qid == question.id:
            continue
        r = score(vocab)
        best = max(best, r)
        if bank.category.get(qid) != question.category:
            best_cat = max(best_cat, r)
        else:
            best_same = max(best_same, r)
    return Relevance(score(own_vocab), best, best_cat, best_same)
