"""Validate tracks, rubrics and the question bank, and pick an interview's questions.

This module does no I/O: the loader outside core (`storage/content_files.py`)
finds the files, reads their bytes and hands each one to `ContentLibrary.add_file`, which
parses and validates it here. Built-in content ships inside the package; users add their
own files in the user content directory and they load beside the built-ins (a user file
with the same id replaces the built-in one). A broken file never stops the rest from
loading: its error is collected, naming the file, the field and the problem, and the
loader carries on.

Content is bounded before it is parsed (`MAX_FILE_BYTES`, `MAX_DEPTH`) and each text field
has a length limit (in `interviewer.core.models`): tomllib parses arrays and inline tables
recursively and dotted keys in quadratic time, so a hostile or mistaken file could
otherwise raise RecursionError or stall every command instead of being reported.
"""

from __future__ import annotations

import random
import re
import tomllib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ValidationError

from interviewer.core.errors import ContentError
from interviewer.core.grading.redflags import red_flag_problems
from interviewer.core.models import Category, Question, QuestionFile, Rubric, RubricFile, Track

M = TypeVar("M", bound=BaseModel)

#: Largest content file read (bytes). The whole shipped bank is under 200 kB; a file past
#: this is a mistake (or a paste gone wrong) and would make every interview slow.
MAX_FILE_BYTES = 1_000_000
#: Deepest nesting of arrays, inline tables and dotted keys a content file may use. The
#: shipped files need 3; tomllib recurses once or twice per level and hits Python's
#: recursion limit near 500, so 32 leaves a wide margin on any thread's stack.
MAX_DEPTH = 32

# One token of a TOML document as far as nesting goes: a whole string (so brackets and
# dots inside it do not count), a comment, or one of the characters that open, close or
# separate. A multi-line string ends at its first unescaped run of 3 to 5 quotes; an
# unterminated string runs to the end of its line (basic, literal) or of the text.
_NESTING_TOKEN = re.compile(
    r'"""(?:[^"\\]|\\[\s\S]|"(?!""))*(?:"{3,5}|\Z)'
    r"|'''[\s\S]*?(?:'{3,5}|\Z)"
    r'|"(?:[^"\\\n]|\\.)*"?'
    r"|'[^'\n]*'?"
    r"|#[^\n]*"
    r"|[\[\]{}.,=\n]"
)

#: What kind of content a file holds, which decides the model that validates it.
ContentKind = Literal["rubrics", "questions", "track"]
#: Where each kind lives below a content root, in loading order: rubrics first, then the
#: questions that name them, then the tracks that draw on the questions.
CONTENT_LAYOUT: tuple[tuple[tuple[str, ...], ContentKind], ...] = (
    (("rubrics",), "rubrics"),
    (("tracks", "questions"), "questions"),
    (("tracks",), "track"),
)

#: Scores (0-100) this close count as equal when choosing which seen question comes back
#: first: a grader's own noise is about this size, and the choice among equals stays random.
SCORE_BAND = 10.0


@dataclass(frozen=True)
class QuestionHistory:
    """What the candidate has done with one question, across every stored session.

    Read from the session store by the driver and handed in as plain data (the core does
    no I/O). A question counts as seen once an interview asked it; `last_score` is the
    grade of its newest graded answer, and a question seen but never graded (skipped, or
    the interview stopped there) ranks as a 0.
    """

    times_seen: int = 0
    last_seen: str = ""  # ISO time the newest session that asked it started
    best_score: float | None = None
    last_score: float | None = None


QuestionHistoryMap = Mapping[str, QuestionHistory]


def practised_count(questions: Iterable[Question], history: QuestionHistoryMap) -> int:
    """How many of `questions` an interview has already asked."""
    return sum(1 for q in questions if (h := history.get(q.id)) is not None and h.times_seen)


def rotation_rank(question: Question, history: QuestionHistoryMap) -> tuple[int, int, int]:
    """Lower comes first: unseen questions, then the worst scored, then the least seen."""
    h = history.get(question.id)
    if h is None or h.times_seen <= 0:
        return (0, 0, 0)
    score = h.last_score if h.last_score is not None else 0.0
    return (1, int(max(0.0, score) // SCORE_BAND), h.times_seen)


def _field_path(loc: Iterable[Any], data: Any) -> str:
    """Turn a pydantic error location into something a person can find in the file.

    ("questions", 3, "key_points", 0, "terms") becomes
    questions[3] (id=tech-knn).key_points[0].terms
    """
    parts: list[str] = []
    node = data
    for item in loc:
        if isinstance(item, int):
            label = f"[{item}]"
            if isinstance(node, list) and 0 <= item < len(node):
                node = node[item]
                if isinstance(node, dict) and isinstance(node.get("id"), str):
                    label += f" (id={node['id']})"
            else:
                node = None
            parts.append(label)
        else:
            parts.append(("." if parts else "") + str(item))
            node = node.get(item) if isinstance(node, dict) else None
    return "".join(parts)


def _validate(path: Path | str, model: type[M], data: Any) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        more = exc.error_count() - 1
        problem = first["msg"]
        if more:
            problem += f" (and {more} more problem{'s' if more > 1 else ''})"
        raise ContentError(
            str(path), _field_path(first["loc"], data) or "(file)", problem
        ) from None


def file_too_large(source: Path | str, size: int) -> ContentError:
    """The error for a content file of `size` bytes, over `MAX_FILE_BYTES`."""
    return ContentError(
        str(source),
        "",
        f"file is {size:,} bytes, over the limit of {MAX_FILE_BYTES:,} bytes (1 MB)",
    )


def too_deep(source: Path | str, where: str = "") -> ContentError:
    """The error for a content file nested past `MAX_DEPTH`."""
    return ContentError(
        str(source),
        "",
        f"nested more than {MAX_DEPTH} levels deep (arrays, inline tables or dotted "
        f"keys{where}); the limit is {MAX_DEPTH}",
    )


def nesting_depth(text: str, limit: int | None = None) -> tuple[int, int]:
    """How deeply `text` (TOML) nests arrays, inline tables and dotted keys, and the line
    where that depth is first reached; the scan stops once past `limit`.

    A cheap scan, not a parser: strings and comments are skipped whole, each `[` or `{`
    adds a level above the key that holds it, and each dot outside a string adds one
    (reset at a comma or a new line). It may count a float's dot as a level (harmless),
    and it never counts less than tomllib nests before stopping at an error, which is what
    lets it run before the parser.
    """
    deepest, deepest_at = 0, 0
    base, dots = 0, 0
    stack: list[int] = []
    for match in _NESTING_TOKEN.finditer(text):
        first = match.group()[0]
        if first in "[{":
            stack.append(base)
            base, dots = base + dots + 1, 0
            level = base
        elif first == ".":
            dots += 1
            level = base + dots
        else:
            if first in "]}":
                base = stack.pop() if stack else 0
                dots = 0
            elif first in ",\n":
                dots = 0
            # a string, a comment or "=": a key's dots carry on into its value
            continue
        if level > deepest:
            deepest, deepest_at = level, match.start()
            if limit is not None and deepest > limit:
                break
    return deepest, text.count("\n", 0, deepest_at) + 1


def parse_toml(data: bytes, source: Path | str) -> dict[str, Any]:
    """The TOML document in `data` (a file's bytes); `source` names the file in errors.

    A UTF-8 byte-order mark (which some Windows editors write) is accepted. The size and
    nesting limits are checked before tomllib sees the text, so neither a 100,000-level
    array nor a 100,000-part dotted key reaches its recursion or its quadratic key table.
    """
    if len(data) > MAX_FILE_BYTES:
        raise file_too_large(source, len(data))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ContentError(str(source), "", "not UTF-8 text") from None
    depth, line = nesting_depth(text, MAX_DEPTH)
    if depth > MAX_DEPTH:
        raise too_deep(source, f", at line {line}")
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ContentError(str(source), "", f"not valid TOML: {exc}") from None
    except RecursionError:  # the scan above should make this unreachable: never crash
        raise too_deep(source) from None


def parse_model(data: bytes, source: Path | str, model: type[M]) -> M:
    """Parse and validate one content file's bytes; errors name the file and the field."""
    parsed = parse_toml(data, source)
    try:
        return _validate(source, model, parsed)
    except RecursionError:
        raise too_deep(source) from None


@dataclass
class ContentLibrary:
    """Everything the interview needs, plus the errors of files that did not load."""

    tracks: dict[str, Track] = field(default_factory=dict)
    rubrics: dict[str, Rubric] = field(default_factory=dict)
    questions: dict[str, Question] = field(default_factory=dict)
    errors: list[ContentError] = field(default_factory=list)
    sources: dict[str, Path] = field(default_factory=dict)

    # ------------------------------------------------------------------ lookups

    def track(self, track_id: str) -> Track:
        try:
            return self.tracks[track_id]
        except KeyError:
            known = ", ".join(sorted(self.tracks)) or "none"
            raise ContentError("tracks", track_id, f"no such track (known: {known})") from None

    def question(self, question_id: str) -> Question:
        try:
            return self.questions[question_id]
        except KeyError:
            raise ContentError("questions", question_id, "no such question") from None

    def rubric_for(self, question: Question) -> Rubric:
        try:
            return self.rubrics[question.rubric]
        except KeyError:
            raise ContentError(
                str(self.sources.get(question.id, "questions")),
                f"{question.id}.rubric",
                f"rubric {question.rubric!r} does not exist",
            ) from None

    def questions_for(self, track: Track) -> list[Question]:
        """Questions a track may ask: in its categories, topics and (unless mixed) level."""
        pool = [
            q
            for q in self.questions.values()
            if q.category in track.categories and q.kind in track.kinds
        ]
        if track.topics:
            wanted = {t.lower() for t in track.topics}
            pool = [q for q in pool if wanted & {t.lower() for t in q.topics}]
        if track.difficulty != "mixed":
            same = [q for q in pool if q.difficulty == track.difficulty]
            pool = same or pool
        return sorted(pool, key=lambda q: q.id)

    def select_questions(
        self,
        track: Track,
        count: int | None = None,
        rng: random.Random | None = None,
        difficulty: str | None = None,
        history: QuestionHistoryMap | None = None,
        include_coding: bool = False,
    ) -> list[Question]:
        """Pick the questions for one interview following the track's selection rule.

        With `include_coding` (honoured only by a track with `coding_option`) the last
        question is one coding question of the track's categories, rotated like the rest.

        With `history` (the candidate's past, see `QuestionHistory`) the pick rotates
        through the bank: questions never asked first, then the ones answered worst, then
        the ones asked least, in random order among equals; the track's rule (random,
        balanced across categories, ordered) still shapes the interview. Without it the
        pick is plain random, which is what "repeat questions" asks for. A track's
        explicit question list is always asked as written.
        """
        rng = rng or random.Random()
        count = count or track.question_count
        explicit = [self.questions[q] for q in track.questions if q in self.questions]
        if difficulty and difficulty != "mixed":
            track = track.model_copy(update={"difficulty": difficulty})
        pool = [q for q in self.questions_for(track) if q not in explicit]
        hist: QuestionHistoryMap = history or {}

        def rank(q: Question) -> tuple[int, int, int]:
            return rotation_rank(q, hist)

        if track.selection == "random":
            rng.shuffle(pool)
            pool.sort(key=rank)  # stable: the shuffle decides among equals
        elif track.selection == "balanced":
            pool = _round_robin(pool, track.categories, rng, rank)
        elif hist:  # ordered: rotate which questions, keep the bank's order for those asked
            wanted = max(0, count - len(explicit))
            keep = {q.id for q in sorted(pool, key=rank)[:wanted]}
            pool = [q for q in pool if q.id in keep]
        chosen = (explicit + pool)[:count]
        if include_coding and track.coding_option and "coding" not in track.kinds:
            coding = self.questions_for(track.model_copy(update={"kinds": ["coding"]}))
            if coding:
                rng.shuffle(coding)
                coding.sort(key=rank)
                chosen = [*chosen[: max(0, count - 1)], coding[0]]
        return chosen

    # ------------------------------------------------------------------ loading

    def add_file(self, source: Path, kind: ContentKind, data: bytes) -> None:
        """Validate one file's bytes (read by the loader) and add what it holds.

        A broken file is recorded in `errors` and leaves the library as it was.
        """
        try:
            if kind == "rubrics":
                self._add_rubrics(source, parse_model(data, source, RubricFile))
            elif kind == "questions":
                self._add_questions(source, parse_model(data, source, QuestionFile))
            else:
                self._add_track(source, parse_model(data, source, Track))
        except ContentError as err:
            self.errors.append(err)

    def _add_rubrics(self, path: Path, data: RubricFile) -> None:
        for rubric in data.rubrics:
            self.rubrics[rubric.id] = rubric
            self.sources[f"rubric:{rubric.id}"] = path

    def _add_questions(self, path: Path, data: QuestionFile) -> None:
        for i, q in enumerate(data.questions):
            problems = red_flag_problems(q.red_flags)
            if problems:
                where, problem = problems[0]
                more = len(problems) - 1
                if more:
                    problem += f" (and {more} more problem{'s' if more > 1 else ''})"
                raise ContentError(str(path), f"questions[{i}] (id={q.id}).{where}", problem)
        for q in data.questions:
            self.questions[q.id] = q
            self.sources[q.id] = path

    def _add_track(self, path: Path, track: Track) -> None:
        self.tracks[track.id] = track
        self.sources[f"track:{track.id}"] = path

    def check_references(self) -> None:
        """Drop questions whose rubric is missing and tracks with nothing to ask."""
        for q in list(self.questions.values()):
            if q.rubric not in self.rubrics:
                self.errors.append(
                    ContentError(
                        str(self.sources.get(q.id, "questions")),
                        f"questions (id={q.id}).rubric",
                        f"rubric {q.rubric!r} does not exist",
                    )
                )
                del self.questions[q.id]
        for t in list(self.tracks.values()):
            unknown = [qid for qid in t.questions if qid not in self.questions]
            if unknown:
                self.errors.append(
                    ContentError(
                        str(self.sources.get(f"track:{t.id}", "tracks")),
                        "questions",
                        f"unknown question ids: {', '.join(unknown)}",
                    )
                )
            if not self.questions_for(t):
                self.errors.append(
                    ContentError(
                        str(self.sources.get(f"track:{t.id}", "tracks")),
                        "categories",
                        "no question in the bank matches this track",
                    )
                )
                del self.tracks[t.id]


def _round_robin(
    pool: list[Question],
    categories: list[Category],
    rng: random.Random,
    rank: Callable[[Question], tuple[int, int, int]] | None = None,
) -> list[Question]:
    """Interleave categories so a mixed interview alternates kinds of question; within a
    category the best-ranked question comes first (random among equals)."""
    by_cat: dict[str, list[Question]] = {c: [] for c in categories}
    for q in pool:
        by_cat.setdefault(q.category, []).append(q)
    for qs in by_cat.values():
        rng.shuffle(qs)
        if rank is not None:
            # Best last, because pop() takes from the end; a stable sort keeps the shuffle's
            # order among equals (and, with no history, exactly the plain random pick).
            qs.sort(key=rank, reverse=True)
    out: list[Question] = []
    while any(by_cat.values()):
        for cat in categories:
            if by_cat.get(cat):
                out.append(by_cat[cat].pop())
    return out
