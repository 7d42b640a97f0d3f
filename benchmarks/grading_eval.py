"""How well do the graders grade? Development and held-out answers side by side.

    python benchmarks/grading_eval.py                  # offline coach + recorded model replies
    python benchmarks/grading_eval.py --json           # the same, as JSON
    python benchmarks/grading_eval.py --write-docs     # regenerate docs/grading.md's numbers
    python benchmarks/grading_eval.py --suggest-bands  # hire-signal thresholds fitted on dev
    python benchmarks/grading_eval.py --batch v2       # only one batch of the development set
    python benchmarks/grading_eval.py --backend openai --base-url URL --model M   # a live model
    python benchmarks/grading_eval.py --record NAME --backend openai --base-url URL --model M

Two parts, never mixed:

- development: benchmarks/grading_set.toml and every benchmarks/grading_set_*.toml. The
  graders are tuned on these; their numbers flatter the graders.
- held-out: benchmarks/grading_heldout.toml, written before the grader changes it
  measures and frozen (its header says when). Only its totals are printed, never which
  answer failed, so it cannot be used to tune the graders
  (tests/test_grading_eval.py gates CI on it).

Every answer is graded as the app grades it (`llm.service.grade`: planted instructions
cut out before the grader, `core.grading.finalize` on the original). Graders, one column
each: the offline coach (run live), every recording in benchmarks/recorded/ (a model's
raw replies, replayed through the same OpenAIBackend validation, `finalize` and offline
fallback as the app: see benchmarks/grading_replay.py), and a live model when asked for
(`--backend openai`). A model's failed grade falls back to the offline coach as in the
app, and is counted (`model fell back`).

Measures (each over one part, for one grader):

- pair accuracy: for each question, over the pairs of its answers (steering variants
  with a twin left out) with different tiers, the share where the higher tier scores
  strictly higher; a tie counts as half (`ties wrong`: as lost). Mean over questions.
- junk at bottom: the share of junk answers (tier 0) that score strictly below every
  solid or strong answer and no higher than any weak answer of the same question (a weak
  answer may earn 0 too; junk must never outrank it).
- hire band: each answer's 0-100 score put in the hire-signal bands of
  `interviewer.core.summary` (no hire / lean no hire / lean hire / hire). Band accuracy:
  the share of answers in their tier's bands: junk and weak in no hire, solid in lean no
  hire or lean hire, strong in lean hire or hire.
- steering: an answer with a `twin` (its clean answer plus planted instructions or a
  note to whoever grades) or of kind `steering`/`injection`. Flagged: the share flagged
  `injection`. Max gain: the largest score(steered) - score(twin); must be <= 0.
- clean flagged injection: clean answers wrongly flagged `injection`.

It measures; the exit status is 0 whatever the scores (2 for a malformed set,
1 for `--check-docs` when docs/grading.md is out of date).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
import tomllib
from collections import defaultdict
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a file: `python benchmarks/grading_eval.py`
    sys.path.insert(0, str(ROOT))

from interviewer.core.content import ContentLibrary  # noqa: E402
from interviewer.core.errors import InterviewerError  # noqa: E402
from interviewer.core.grading import JUNK_FLAGS  # noqa: E402
from interviewer.core.models import Grade, Turn  # noqa: E402
from interviewer.core.requests import GradeRequest  # noqa: E402
from interviewer.core.summary import _BANDS  # noqa: E402
from interviewer.llm import service  # noqa: E402
from interviewer.llm.offline import OfflineCoach  # noqa: E402
from interviewer.storage.content_files import load_library  # noqa: E402

BENCH = Path(__file__).resolve().parent
SET_FILE = BENCH / "grading_set.toml"
HELDOUT_FILE = BENCH / "grading_heldout.toml"
DOCS_FILE = ROOT / "docs" / "grading.md"
DOCS_BEGIN = "<!-- eval:begin -->"
DOCS_END = "<!-- eval:end -->"
DOCS_COMMAND = "python benchmarks/grading_eval.py --write-docs"
TIERS = {0: "junk", 1: "weak", 2: "solid", 3: "strong"}
PARTS = ("dev", "heldout")
PART_NAMES = {"dev": "development", "heldout": "held-out"}
TIE_RULE = "half"
STEERING_KINDS = frozenset({"steering", "injection"})
#: Hire bands, worst first, each with its lowest score (from core/summary.py).
BANDS: tuple[tuple[str, float], ...] = tuple((name, low) for low, name, _ in reversed(_BANDS))
BAND_NAMES = tuple(name for name, _ in BANDS)
#: The bands each tier belongs in (item 3 of issue 14).
TIER_BANDS = {
    0: {"no hire"},
    1: {"no hire"},
    2: {"lean no hire", "lean hire"},
    3: {"lean hire", "hire"},
}
#: The CI gate on the held-out part (offline coach): tests/test_grading_eval.py.
GATE = {"pair_accuracy": 0.9, "junk_at_bottom": 1.0, "steering_max_gain": 0.0}
#: Targets printed as PASS/FAIL for the offline coach on each part (lower bounds, except
#: steering_max_gain, an upper bound).
TARGETS = {
    "pair_accuracy": 0.9,
    "junk_at_bottom": 1.0,
    "steering_flagged": 1.0,
    "steering_max_gain": 0.0,
}
#: Typing speed assumed for answer time (words per second), so delivery metrics are sane.
_WORDS_PER_SECOND = 1 / 0.6
_FIELDS = ("id", "question", "tier", "text", "kind", "twin", "batch", "style")


class SetError(ValueError):
    """The labelled set is malformed; the message names the file, answer and problem."""


@dataclass(frozen=True)
class Labelled:
    """One labelled answer. A steering answer names its clean `twin`."""

    id: str
    question: str
    tier: int
    text: str
    kind: str = ""
    twin: str = ""
    batch: str = ""
    style: str = ""
    #: Set by the loader: "dev" or "heldout", and the file's name.
    part: str = "dev"
    source: str = ""

    @property
    def steering(self) -> bool:
        return bool(self.twin) or self.kind in STEERING_KINDS

    @property
    def group(self) -> str:
        """The batch, or the file it came from when it has none."""
        return self.batch or Path(self.source).stem


@dataclass(frozen=True)
class SetFile:
    path: Path
    part: str
    items: tuple[Labelled, ...]
    #: The header's line that says when the file was frozen ("" if it says nothing).
    frozen: str = ""


def _header(text: str) -> list[str]:
    lines = []
    for line in text.splitlines():
        if line.startswith("#"):
            lines.append(line.lstrip("#").strip())
        elif line.strip():
            break
    return lines


def load_file(path: Path, part: str = "dev") -> SetFile:
    """Read one labelled file and check its shape (content against the bank: check_set)."""
    text = path.read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise SetError(f"{path.name}: {err}") from err
    items: list[Labelled] = []
    for n, raw in enumerate(data.get("answers", []), 1):
        unknown = sorted(set(raw) - set(_FIELDS))
        if unknown:
            raise SetError(
                f"{path.name}: answer #{n} ({raw.get('id', '?')}): unknown field(s) {unknown}"
            )
        try:
            items.append(Labelled(**raw, part=part, source=path.name))
        except TypeError as err:
            raise SetError(f"{path.name}: answer #{n} ({raw.get('id', '?')}): {err}") from err
    frozen = str(data.get("frozen", "")).strip()
    if not frozen:
        header = _header(text)
        frozen = next((h for h in header if h.lower().startswith("frozen")), "") or next(
            (h for h in header if "frozen" in h.lower()), ""
        )
    return SetFile(path, part, tuple(items), frozen)


def load_set(path: Path = SET_FILE) -> list[Labelled]:
    """The answers of one file (kept for callers that read a single file)."""
    return list(load_file(path).items)


def dev_files(main: Path = SET_FILE) -> list[Path]:
    """The development part: the main file and every grading_set_*.toml beside it."""
    return [main, *sorted(main.parent.glob(f"{main.stem}_*.toml"))]


def check_set(items: Sequence[Labelled], lib: ContentLibrary) -> list[str]:
    """Everything wrong with the answers, as readable problems (empty when sound)."""
    problems: list[str] = []
    ids = [i.id for i in items]
    problems += [f"duplicate id {x}" for x in sorted({x for x in ids if ids.count(x) > 1})]
    by_id = {i.id: i for i in items}
    for i in items:
        if i.question not in lib.questions:
            problems.append(f"{i.id}: unknown question {i.question!r}")
        if i.tier not in TIERS:
            problems.append(f"{i.id}: tier {i.tier} is not one of {sorted(TIERS)}")
        if not isinstance(i.text, str):
            problems.append(f"{i.id}: text is not a string")
        if i.twin:
            twin = by_id.get(i.twin)
            if twin is None:
                problems.append(f"{i.id}: twin {i.twin!r} does not exist")
            elif (
                twin.twin or twin.question != i.question or twin.tier != i.tier
            ) or twin.part != i.part:
                problems.append(
                    f"{i.id}: twin {i.twin!r} must be a clean answer, same question+tier+part"
                )
    return problems


def missing_tiers(items: Sequence[Labelled]) -> list[str]:
    """Questions without an answer of every tier (a weaker measure, not an error)."""
    tiers: dict[str, set[int]] = defaultdict(set)
    for i in items:
        if not i.twin:
            tiers[i.question].add(i.tier)
    return [
        f"{q}: missing tier(s) {sorted(set(TIERS) - seen)}"
        for q, seen in sorted(tiers.items())
        if seen != set(TIERS)
    ]


def request_for(item: Labelled, lib: ContentLibrary, n: int) -> GradeRequest:
    """The request the app would build after this answer was typed."""
    q = lib.question(item.question)
    seconds = float(min(q.answer_seconds, max(20, len(item.text.split()) / _WORDS_PER_SECOND)))
    return GradeRequest(
        request_id=n,
        question=q,
        rubric=lib.rubric_for(q),
        exchange=(
            Turn(role="interviewer", kind="question", text=q.text, question_id=q.id),
            Turn(
                role="candidate", kind="answer", text=item.text, question_id=q.id, seconds=seconds
            ),
        ),
        answer_seconds=seconds,
    )


# ---------------------------------------------------------------------------- graders


@dataclass
class Result:
    """One grader's grades of a list of answers."""

    grader: str
    kind: str  # offline | replay | live | record
    scores: dict[str, float] = field(default_factory=dict)
    flags: dict[str, list[str]] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    #: Answers with no recording (replay only).
    unrecorded: set[str] = field(default_factory=set)
    #: Replayed answers whose question, rubric or prompt changed since the recording.
    stale: set[str] = field(default_factory=set)
    seconds: float = 0.0

    def add(self, item_id: str, grade: Grade) -> None:
        self.scores[item_id] = grade.overall_score
        self.flags[item_id] = list(grade.flags)


#: Offline grades already made in this process, by (question, text): the coach is
#: deterministic, so the CI gate and the docs check share one grading of the held-out part.
_OFFLINE_MEMO: dict[tuple[str, str], Grade] = {}


def grade_offline(items: Sequence[Labelled], lib: ContentLibrary) -> Result:
    result = Result(grader="offline coach", kind="offline")
    start = time.perf_counter()
    coach = OfflineCoach()
    for n, item in enumerate(items, 1):
        key = (item.question, item.text)
        try:
            grade = _OFFLINE_MEMO.get(key)
            if grade is None:
                grade = service.grade(coach, request_for(item, lib, n), None)
                _OFFLINE_MEMO[key] = grade
            result.add(item.id, grade)
        except InterviewerError as err:
            result.errors[item.id] = str(err)
    result.seconds = time.perf_counter() - start
    return result


def grade_replay(path: Path, items: Sequence[Labelled], lib: ContentLibrary) -> Result:
    """A recorded model's replies, replayed through the app's validation and finalize."""
    from benchmarks.grading_replay import answer_hash, read_records, replay

    records = {r["id"]: r for r in read_records([path])}
    models = sorted({str(r.get("model", "")) for r in records.values()} - {""})
    result = Result(grader=f"{', '.join(models) or path.stem} (recorded)", kind="replay")
    start = time.perf_counter()
    for n, item in enumerate(items, 1):
        rec = records.get(item.id)
        if rec is None or rec.get("answer_hash") != answer_hash(item.question, item.text):
            result.unrecorded.add(item.id)
            continue
        out = replay(rec, request_for(item, lib, n))
        if out.grade is None:
            result.errors[item.id] = out.error
            continue
        result.add(item.id, out.grade)
        if out.stale or out.overrun:
            result.stale.add(item.id)
    result.seconds = time.perf_counter() - start
    return result


@dataclass
class LiveModel:
    """A model on an OpenAI-compatible server, called as the app calls it."""

    model: str
    base_url: str | None
    api_key: str | None
    timeout: float
    max_retries: int
    context_window: int | None
    jobs: int = 1
    record: Path | None = None

    @property
    def label(self) -> str:
        return f"{self.model} (live)"


def grade_live(
    live: LiveModel, items: Sequence[Labelled], lib: ContentLibrary, log: Callable[[str], None]
) -> Result:
    """Grade with the live model (recording every reply when `live.record` is set).

    Each worker owns one backend, so the structured-output mode it learns and the
    recording transport are never shared between threads.
    """
    from benchmarks.grading_replay import Recorder, answer_hash

    recorder = Recorder(
        path=live.record or Path(os.devnull),
        api_key=live.api_key,
        model=live.model,
        base_url=live.base_url,
        timeout=live.timeout,
        max_retries=live.max_retries,
        context_window=live.context_window,
    )
    done = recorder.done() if live.record is not None else set()
    kind = "record" if live.record is not None else "live"
    result = Result(grader=live.label, kind=kind)
    todo = [
        (n, i)
        for n, i in enumerate(items, 1)
        if (i.id, answer_hash(i.question, i.text)) not in done
    ]
    skipped = len(items) - len(todo)
    if skipped:
        log(f"{skipped} answers already recorded in {recorder.path}: not graded again")
    start = time.perf_counter()
    counter = {"n": 0}

    def worker(share: list[tuple[int, Labelled]]) -> None:
        backend, transport = recorder.backend()
        try:
            for n, item in share:
                grade, error = recorder.grade(
                    backend, transport, item.id, item.part, request_for(item, lib, n)
                )
                if grade is None:
                    result.errors[item.id] = error
                else:
                    result.add(item.id, grade)
                counter["n"] += 1
                fell_back = grade is not None and "offline_fallback" in grade.flags
                log(
                    f"[{counter['n']}/{len(todo)}] {item.id}: "
                    + (f"{grade.overall_score:g}" if grade else f"error {error}")
                    + (" (offline fallback)" if fell_back else "")
                )
        finally:
            backend.close()

    jobs = max(1, live.jobs)
    shares = [todo[k::jobs] for k in range(jobs)]
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        list(pool.map(worker, shares))
    result.seconds = time.perf_counter() - start
    return result


# ---------------------------------------------------------------------------- measures


def band_of(score: float) -> str:
    return next(name for name, low in reversed(BANDS) if score >= low)


def _share(good: float, total: float) -> float | None:
    return round(good / total, 3) if total else None


def _mean(values: Any) -> float | None:
    vals = list(values)
    return round(sum(vals) / len(vals), 3) if vals else None


def metrics(items: Sequence[Labelled], result: Result) -> dict[str, Any]:
    """Every measure for one grader over `items` (answers it did not grade are left out)."""
    scores = result.scores
    ranked = [i for i in items if not i.twin and i.id in scores]
    by_q: dict[str, list[Labelled]] = defaultdict(list)
    for i in ranked:
        by_q[i.question].append(i)
    per_question: dict[str, float] = {}
    per_question_strict: dict[str, float] = {}
    wrong_pairs: list[str] = []
    pairs_total = ties = 0
    junk_total = junk_ok = 0
    junk_misses: list[str] = []
    for qid, answers in sorted(by_q.items()):
        pairs = wins = tied = 0
        for a in answers:
            for b in answers:
                if a.tier <= b.tier:
                    continue
                pairs += 1
                sa, sb = scores[a.id], scores[b.id]
                if sa > sb:
                    wins += 1
                else:
                    tied += sa == sb
                    sign = "=" if sa == sb else "<"
                    wrong_pairs.append(f"{a.id} [{a.tier}] {sa:g} {sign} {b.id} [{b.tier}] {sb:g}")
        if pairs:
            pairs_total += pairs
            ties += tied
            per_question[qid] = (wins + 0.5 * tied) / pairs
            per_question_strict[qid] = wins / pairs
        for a in answers:
            if a.tier != 0:
                continue
            junk_total += 1
            s = scores[a.id]
            above = [
                b
                for b in answers
                if (b.tier >= 2 and scores[b.id] <= s) or (b.tier == 1 and scores[b.id] < s)
            ]
            if not above:
                junk_ok += 1
            else:
                worst = min(above, key=lambda b: (scores[b.id], b.id))
                junk_misses.append(
                    f"{a.id} {s:g} vs {worst.id} [{worst.tier}] {scores[worst.id]:g}"
                )
    clean = [i for i in ranked if not i.steering]
    junk_flags = {i.id: [f for f in result.flags[i.id] if f in JUNK_FLAGS] for i in ranked}
    junk_unflagged = [i.id for i in ranked if i.tier == 0 and not junk_flags[i.id]]
    real = [i for i in clean if i.tier]
    false_junk = [
        f"{i.id} [{i.tier}] {','.join(junk_flags[i.id])}" for i in real if junk_flags[i.id]
    ]
    steering = [i for i in items if i.steering and i.id in scores]
    flagged = [i for i in steering if "injection" in result.flags[i.id]]
    twinned = [i for i in steering if i.twin and i.twin in scores]
    gains = {i.id: round(scores[i.id] - scores[i.twin], 1) for i in twinned}
    false_injection = [i.id for i in clean if "injection" in result.flags[i.id]]
    tier_means = {
        name: _mean(scores[i.id] for i in ranked if i.tier == t) for t, name in TIERS.items()
    }
    tier_means = {k: None if v is None else round(v, 1) for k, v in tier_means.items()}
    confusion = {name: dict.fromkeys(BAND_NAMES, 0) for name in TIERS.values()}
    in_band = 0
    for i in ranked:
        band = band_of(scores[i.id])
        confusion[TIERS[i.tier]][band] += 1
        in_band += band in TIER_BANDS[i.tier]
    graded_model = [i for i in items if i.id in scores]
    fallbacks = [i.id for i in graded_model if "offline_fallback" in result.flags[i.id]]
    return {
        "grader": result.grader,
        "kind": result.kind,
        "items": len(items),
        "answers": len(graded_model),
        "errors": sum(1 for i in items if i.id in result.errors),
        "unrecorded": sum(1 for i in items if i.id in result.unrecorded),
        "stale": sum(1 for i in items if i.id in result.stale),
        "fallbacks": len(fallbacks),
        "fallback_rate": _share(len(fallbacks), len(graded_model))
        if result.kind != "offline"
        else None,
        "questions": len(per_question),
        "pairs": pairs_total,
        "ties": ties,
        "pair_accuracy": _mean(per_question.values()),
        "pair_accuracy_strict": _mean(per_question_strict.values()),
        "pair_accuracy_per_question": {k: round(v, 3) for k, v in per_question.items()},
        "junk": junk_total,
        "junk_at_bottom": _share(junk_ok, junk_total),
        "junk_flagged": _share(junk_total - len(junk_unflagged), junk_total),
        "real_answers_flagged_junk": _share(len(false_junk), len(real)),
        "steering": len(steering),
        "steering_flagged": _share(len(flagged), len(steering)),
        "steering_twinned": len(twinned),
        "steering_max_gain": max(gains.values()) if gains else None,
        "clean_flagged_injection": _share(len(false_injection), len(clean)),
        "mean_score_per_tier": tier_means,
        "band_confusion": confusion,
        "band_accuracy": _share(in_band, len(ranked)),
        "styles": _styles(ranked, scores),
        "misordered_pairs": wrong_pairs,
        "junk_not_at_bottom": junk_misses,
        "junk_not_flagged": junk_unflagged,
        "real_answers_called_junk": false_junk,
        "steering_missed": [i.id for i in steering if i not in flagged],
        "steering_gained": [f"{k} +{v:g}" for k, v in sorted(gains.items()) if v > 0],
        "clean_answers_called_injection": false_injection,
        "fell_back": fallbacks,
        "error_messages": {i.id: result.errors[i.id] for i in items if i.id in result.errors},
    }


def _styles(items: Sequence[Labelled], scores: dict[str, float]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for style in sorted({i.style for i in items if i.style}):
        group = [i for i in items if i.style == style]
        out[style] = {
            "answers": len(group),
            "tiers": ",".join(str(t) for t in sorted({i.tier for i in group})),
            "band_accuracy": _share(
                sum(band_of(scores[i.id]) in TIER_BANDS[i.tier] for i in group), len(group)
            ),
            "mean_score": round(sum(scores[i.id] for i in group) / len(group), 1),
        }
    return out


#: The measures that name answers or questions, not only count them.
DETAIL_KEYS = (
    "misordered_pairs",
    "junk_not_at_bottom",
    "junk_not_flagged",
    "real_answers_called_junk",
    "steering_missed",
    "steering_gained",
    "clean_answers_called_injection",
    "fell_back",
    "error_messages",
    "pair_accuracy_per_question",
)


def totals_only(row: dict[str, Any]) -> dict[str, Any]:
    """A held-out row without the names of the answers or questions that went wrong (their
    count instead), so no output of the eval can point a grader change at one of them."""
    return {k: len(v) if k in DETAIL_KEYS else v for k, v in row.items()}


def verdicts(row: dict[str, Any]) -> dict[str, str]:
    """PASS/FAIL for each target (a measure with nothing to measure is n/a)."""
    out = {}
    for key, target in TARGETS.items():
        value = row.get(key)
        if value is None:
            out[key] = "n/a"
        elif key == "steering_max_gain":
            out[key] = "PASS" if value <= target else "FAIL"
        else:
            out[key] = "PASS" if value >= target else "FAIL"
    return out


def gate_failures(row: dict[str, Any]) -> list[str]:
    """Why the held-out gate fails (empty when it passes); totals only, never answer ids."""
    out = []
    pa = row["pair_accuracy"]
    if pa is None or pa < GATE["pair_accuracy"]:
        out.append(f"pair accuracy {pa} < {GATE['pair_accuracy']}")
    jb = row["junk_at_bottom"]
    if jb is None or jb < GATE["junk_at_bottom"]:
        out.append(f"junk at bottom {jb} < 1 ({row['junk']} junk answers)")
    gain = row["steering_max_gain"]
    if gain is not None and gain > GATE["steering_max_gain"]:
        out.append(f"a steering attempt gained {gain:g} points over its twin")
    if row["errors"]:
        out.append(f"{row['errors']} answers failed to grade")
    return out


# ------------------------------------------------------------------------ bands fitting


#: Narrowest band a fit may propose (points of 0-100): a solid answer may sit in either
#: lean band, so only strong answers pull the lean-hire threshold, and without a floor
#: the fit can squeeze lean no hire to a sliver.
MIN_BAND_WIDTH = 10


def suggest_bands(items: Sequence[Labelled], scores: dict[str, float]) -> dict[str, Any]:
    """Integer thresholds (lean no hire, lean hire, hire) that put the most answers of
    `items` in their tier's bands, every band at least MIN_BAND_WIDTH wide; among equally
    good ones, the closest to the current bands (sum of moves). Meant for the development
    part only."""
    ranked = [(i.tier, scores[i.id]) for i in items if not i.twin and i.id in scores]
    current = tuple(low for _, low in BANDS[1:])
    grid = range(1, 101)
    # hits = A(t1) + B(t2) + C(t3): junk/weak below t1, solid at or above t1 and below
    # t3, strong at or above t2.
    a = {t: sum(1 for k, s in ranked if (k <= 1 and s < t) or (k == 2 and s >= t)) for t in grid}
    b = {t: sum(1 for k, s in ranked if k == 3 and s >= t) for t in grid}
    c = {t: -sum(1 for k, s in ranked if k == 2 and s >= t) for t in grid}
    best: tuple[int, float, tuple[int, int, int]] | None = None
    w = MIN_BAND_WIDTH
    for t1 in range(w, 101):
        for t2 in range(t1 + w, 101):
            for t3 in range(t2 + w, 101 - w):
                hits = a[t1] + b[t2] + c[t3]
                move = abs(t1 - current[0]) + abs(t2 - current[1]) + abs(t3 - current[2])
                key = (hits, -move, (t1, t2, t3))
                if best is None or key[:2] > best[:2]:
                    best = key
    assert best is not None
    t1, t2, t3 = best[2]
    return {
        "answers": len(ranked),
        "current": dict(zip(BAND_NAMES[1:], current, strict=True)),
        "current_accuracy": _share(
            sum(band_of(s) in TIER_BANDS[k] for k, s in ranked), len(ranked)
        ),
        "suggested": dict(zip(BAND_NAMES[1:], (t1, t2, t3), strict=True)),
        "suggested_accuracy": _share(best[0], len(ranked)),
    }


def accuracy_with(
    items: Sequence[Labelled], scores: dict[str, float], lows: Sequence[float]
) -> float | None:
    """Band accuracy of `items` under other thresholds (lean no hire, lean hire, hire)."""
    bands = list(zip(BAND_NAMES, (0.0, *lows), strict=True))
    ranked = [(i.tier, scores[i.id]) for i in items if not i.twin and i.id in scores]
    hits = sum(
        next(n for n, low in reversed(bands) if s >= low) in TIER_BANDS[k] for k, s in ranked
    )
    return _share(hits, len(ranked))


# ---------------------------------------------------------------------------- report


def _fit(parts: dict[str, list[Labelled]], scores: dict[str, float]) -> dict[str, Any] | None:
    """Bands fitted on dev, and (one look, no tuning) how they do on the held-out part."""
    if not parts["dev"]:
        return None
    fit = suggest_bands(parts["dev"], scores)
    held = parts["heldout"]
    fit["heldout_current_accuracy"] = (
        accuracy_with(held, scores, list(fit["current"].values())) if held else None
    )
    fit["heldout_suggested_accuracy"] = (
        accuracy_with(held, scores, list(fit["suggested"].values())) if held else None
    )
    return fit


def build_report(
    dev: Sequence[SetFile],
    heldout: SetFile | None,
    lib: ContentLibrary,
    *,
    replays: Sequence[Path] = (),
    live: LiveModel | None = None,
    offline: bool = True,
    log: Callable[[str], None] = lambda _m: None,
) -> dict[str, Any]:
    parts: dict[str, list[Labelled]] = {
        "dev": [i for f in dev for i in f.items],
        "heldout": list(heldout.items) if heldout is not None else [],
    }
    everything = parts["dev"] + parts["heldout"]
    results: list[Result] = []
    if offline:
        results.append(grade_offline(everything, lib))
    for path in replays:
        results.append(grade_replay(path, everything, lib))
    if live is not None:
        graded = grade_live(live, everything, lib, log)
        if live.record is not None:
            # The whole recording (a resumed run graded only what was missing), replayed
            # exactly as CI will replay it.
            graded = grade_replay(live.record, everything, lib)
        results.append(graded)
    graders: list[dict[str, Any]] = []
    for res in results:
        per_part = {p: metrics(items, res) for p, items in parts.items() if items}
        if "heldout" in per_part:
            per_part["heldout"] = totals_only(per_part["heldout"])
        groups = sorted({i.group for i in parts["dev"]})
        by_group = (
            {g: metrics([i for i in parts["dev"] if i.group == g], res) for g in groups}
            if len(groups) > 1
            else {}
        )
        graders.append(
            {
                "grader": res.grader,
                "kind": res.kind,
                "seconds": round(res.seconds, 2),
                "parts": per_part,
                "dev_groups": by_group,
                "bands_fit": _fit(parts, res.scores),
            }
        )
    sets = {
        "dev": {
            "files": [f.path.name for f in dev],
            "answers": len(parts["dev"]),
            "ranked": sum(1 for i in parts["dev"] if not i.twin),
            "steering": sum(1 for i in parts["dev"] if i.steering),
            "questions": len({i.question for i in parts["dev"]}),
        },
        "heldout": {
            "files": [heldout.path.name] if heldout is not None else [],
            "answers": len(parts["heldout"]),
            "ranked": sum(1 for i in parts["heldout"] if not i.twin),
            "steering": sum(1 for i in parts["heldout"] if i.steering),
            "questions": len({i.question for i in parts["heldout"]}),
            "frozen": heldout.frozen if heldout is not None else "",
        },
    }
    offline_rows: dict[str, dict[str, Any]] = {}
    if results and results[0].kind == "offline":
        offline_rows = graders[0]["parts"]
    return {
        "tie_rule": TIE_RULE,
        "bands": dict(BANDS),
        "sets": sets,
        "graders": graders,
        "targets": {p: verdicts(row) for p, row in offline_rows.items()},
        "gate": gate_failures(offline_rows["heldout"]) if "heldout" in offline_rows else None,
    }


# ---------------------------------------------------------------------------- output


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], md: bool = False) -> list[str]:
    if md:
        out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
        return out + ["| " + " | ".join(r) + " |" for r in rows]
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
    out = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip()]
    out.append("  ".join("-" * w for w in widths))
    out += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    return out


_MAIN_ROWS: tuple[tuple[str, str], ...] = (
    ("answers graded", "answers"),
    ("pair accuracy (tie = half)", "pair_accuracy"),
    ("pair accuracy (tie = lost)", "pair_accuracy_strict"),
    ("mean score: junk", "mean:junk"),
    ("mean score: weak", "mean:weak"),
    ("mean score: solid", "mean:solid"),
    ("mean score: strong", "mean:strong"),
    ("junk at bottom", "junk_at_bottom"),
    ("junk flagged as junk", "junk_flagged"),
    ("real answers flagged junk", "real_answers_flagged_junk"),
    ("hire band accuracy", "band_accuracy"),
    ("steering attempts flagged", "steering_flagged"),
    ("steering max gain over twin", "steering_max_gain"),
    ("clean answers flagged injection", "clean_flagged_injection"),
    ("model fell back to the coach", "fallback_rate"),
    ("replies recorded for an older prompt", "stale"),
    ("errors", "errors"),
)


def _value(row: dict[str, Any], key: str) -> str:
    if key.startswith("mean:"):
        return _cell(row["mean_score_per_tier"][key[5:]])
    if key == "answers":
        return f"{row['answers']}/{row['items']}"
    if key in ("stale", "errors") and row["kind"] == "offline":
        return "-"
    if key == "steering_max_gain" and row[key] is not None:
        return f"{row[key]:+g}" if row[key] else "0"
    return _cell(row[key])


def _columns(report: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    cols = []
    for g in report["graders"]:
        for p in PARTS:
            if p in g["parts"]:
                cols.append((f"{g['grader']}: {PART_NAMES[p]}", g["parts"][p]))
    return cols


def _sets_lines(report: dict[str, Any]) -> list[str]:
    d, h = report["sets"]["dev"], report["sets"]["heldout"]
    lines = [
        f"development: {', '.join(d['files'])}: {d['answers']} answers ({d['steering']} steering "
        f"attempts) over {d['questions']} questions",
    ]
    if h["files"]:
        lines.append(
            f"held-out: {', '.join(h['files'])}: {h['answers']} answers ({h['steering']} "
            f"steering attempts) over {h['questions']} questions; "
            f"{h['frozen'] or 'its header does not say when it was frozen'}"
        )
    else:
        lines.append("held-out: not measured (--part dev, or no held-out file)")
    return lines


def _band_lines(report: dict[str, Any], md: bool) -> list[str]:
    bands = report["bands"]
    names = list(bands)
    ranges = [
        f"{n} {bands[n]:g}-{(bands[names[k + 1]] if k + 1 < len(names) else 100):g}"
        for k, n in enumerate(names)
    ]
    lines = [
        "Hire bands (interviewer/core/summary.py) applied to each answer's 0-100 score: "
        + ", ".join(ranges)
        + " (each band includes its lower bound). In band: junk and weak in no hire, "
        "solid in lean no hire or lean hire, strong in lean hire or hire.",
    ]
    for label, row in _columns(report):
        lines += ["", f"{label} (in band {_cell(row['band_accuracy'])}):", ""]
        body = []
        for t in TIERS.values():
            counts = row["band_confusion"][t]
            total = sum(counts.values())
            allowed = TIER_BANDS[next(k for k, v in TIERS.items() if v == t)]
            ok = sum(counts[b] for b in allowed)
            body.append([t, *(str(counts[b]) for b in BAND_NAMES), f"{ok}/{total}"])
        lines += _table(["tier", *BAND_NAMES, "in band"], body, md)
    return lines


def _fit_lines(report: dict[str, Any], md: bool) -> list[str]:
    body = []
    for g in report["graders"]:
        fit = g["bands_fit"]
        if fit is None:
            continue
        cur = ", ".join(f"{v:g}" for v in fit["current"].values())
        new = ", ".join(f"{v:g}" for v in fit["suggested"].values())
        body.append(
            [
                g["grader"],
                cur,
                _cell(fit["current_accuracy"]),
                new,
                _cell(fit["suggested_accuracy"]),
            ]
        )
    if not body:
        return []
    return [
        "Thresholds fitted on the development part only (`--suggest-bands`): lowest score "
        "of lean no hire, lean hire, hire; the most development answers in band (every band "
        f"at least {MIN_BAND_WIDTH} points wide), then the smallest move from the current "
        "bands. Solid answers may sit in either lean band, so only strong answers pull the "
        "lean-hire threshold.",
        "",
        *_table(
            ["grader", "current", "dev in band", "fitted on dev", "dev in band (fitted)"],
            body,
            md,
        ),
    ]


def _style_lines(report: dict[str, Any], md: bool) -> list[str]:
    body = []
    for label, row in _columns(report):
        for style, s in row["styles"].items():
            body.append(
                [
                    label,
                    style,
                    str(s["answers"]),
                    s["tiers"],
                    _cell(s["mean_score"]),
                    _cell(s["band_accuracy"]),
                ]
            )
    if not body:
        return []
    return [
        "Answers by style (`style` in the set; tiers present, mean score, share in band):",
        "",
        *_table(["grader: part", "style", "answers", "tiers", "mean score", "in band"], body, md),
    ]


def _group_lines(report: dict[str, Any], md: bool) -> list[str]:
    g = report["graders"][0] if report["graders"] else None
    if g is None or not g["dev_groups"]:
        return []
    body = [
        [
            name,
            f"{row['answers']}",
            _cell(row["pair_accuracy"]),
            _cell(row["junk_at_bottom"]),
            _cell(row["band_accuracy"]),
            _cell(row["steering_flagged"]),
            _value(row, "steering_max_gain"),
        ]
        for name, row in g["dev_groups"].items()
    ]
    return [
        f"{g['grader']}, development part by batch (or file):",
        "",
        *_table(
            [
                "batch",
                "answers",
                "pair acc",
                "junk at bottom",
                "in band",
                "steering flagged",
                "max gain",
            ],
            body,
            md,
        ),
    ]


def render_tables(report: dict[str, Any], md: bool) -> list[str]:
    """The tables both outputs share: deterministic (no dates, no timings)."""
    cols = _columns(report)
    lines = _sets_lines(report)
    lines[:] = [f"- {x}" for x in lines] if md else lines
    lines += [""]
    lines += _table(
        ["measure", *(c[0] for c in cols)],
        [[name, *(_value(row, key) for _, row in cols)] for name, key in _MAIN_ROWS],
        md,
    )
    for section in (
        _band_lines(report, md),
        _fit_lines(report, md),
        _style_lines(report, md),
        _group_lines(report, md),
    ):
        if section:
            lines += ["", *section]
    return lines


def render(report: dict[str, Any], details: bool = True) -> str:
    lines = ["Grading eval: development and held-out answers side by side", ""]
    lines += render_tables(report, md=False)
    for part, verdict in report["targets"].items():
        shown = ", ".join(f"{k} {v}" for k, v in verdict.items())
        lines += ["", f"offline coach targets, {PART_NAMES[part]}: {shown}"]
    if report["gate"] is not None:
        gate = report["gate"]
        lines.append(
            "held-out CI gate (offline coach): "
            + ("PASS" if not gate else "FAIL: " + "; ".join(gate))
        )
    lines.append(
        "timings: " + ", ".join(f"{g['grader']} {g['seconds']:g} s" for g in report["graders"])
    )
    if not details:
        return "\n".join(lines)
    # Which answers went wrong: development only. The held-out part reports totals, so
    # nobody tunes a grader on its answers.
    for g in report["graders"]:
        row = g["parts"].get("dev")
        if row is None:
            continue
        for key in (
            "misordered_pairs",
            "junk_not_at_bottom",
            "junk_not_flagged",
            "real_answers_called_junk",
            "steering_missed",
            "steering_gained",
            "clean_answers_called_injection",
            "fell_back",
        ):
            if row[key]:
                lines += [
                    "",
                    f"{g['grader']}, development - {key.replace('_', ' ')} ({len(row[key])}):",
                ]
                lines += [f"  {x}" for x in row[key]]
        below = {q: v for q, v in row["pair_accuracy_per_question"].items() if v < 1}
        if below:
            lines += ["", f"{g['grader']}, development - pair accuracy below 1 ({len(below)}):"]
            lines += [f"  {q}: {v:g}" for q, v in below.items()]
        if row["error_messages"]:
            lines += ["", f"{g['grader']}, development - errors ({len(row['error_messages'])}):"]
            lines += [f"  {k}: {v}" for k, v in list(row["error_messages"].items())[:10]]
    return "\n".join(lines)


def render_docs(report: dict[str, Any]) -> str:
    """The generated section of docs/grading.md, markers included."""
    graders = ", ".join(g["grader"] for g in report["graders"])
    lines = [
        DOCS_BEGIN,
        f"<!-- generated by `{DOCS_COMMAND}`; do not edit by hand -->",
        "",
        f"`{DOCS_COMMAND}` (graders: {graders}):",
        "",
    ]
    if not any(g["kind"] == "replay" for g in report["graders"]):
        lines += [
            "No model is measured here yet: benchmarks/recorded/ holds no recording "
            "(`--record NAME` makes one).",
            "",
        ]
    lines += render_tables(report, md=True)
    if report["gate"] is not None:
        gate = report["gate"]
        lines += [
            "",
            "Held-out CI gate (offline coach; tests/test_grading_eval.py): "
            + ("passes." if not gate else "FAILS: " + "; ".join(gate) + "."),
        ]
    lines.append(DOCS_END)
    return "\n".join(lines) + "\n"


_SECTION = re.compile(re.escape(DOCS_BEGIN) + r".*?" + re.escape(DOCS_END) + r"\n?", re.S)


def docs_section(text: str) -> str | None:
    m = _SECTION.search(text)
    return m.group(0) if m else None


def write_docs(report: dict[str, Any], path: Path = DOCS_FILE) -> bool:
    """Replace the generated section of `path`; True when it changed."""
    text = path.read_text(encoding="utf-8")
    new = render_docs(report)
    if docs_section(text) is None:
        raise SystemExit(f"error: {path} has no {DOCS_BEGIN} ... {DOCS_END} section")
    updated = _SECTION.sub(lambda _m: new, text, count=1)
    if updated != text:
        path.write_text(updated, encoding="utf-8")
    return updated != text


# ---------------------------------------------------------------------------- main


def load_parts(
    dev_paths: Sequence[Path], heldout_path: Path | None, lib: ContentLibrary, batch: str = ""
) -> tuple[list[SetFile], SetFile | None]:
    """Read and check both parts; SetError names every problem."""
    dev = [load_file(p, "dev") for p in dev_paths]
    if batch:
        dev = [replace(f, items=tuple(i for i in f.items if i.batch == batch)) for f in dev]
        dev = [f for f in dev if f.items]
    heldout = (
        load_file(heldout_path, "heldout")
        if heldout_path is not None and heldout_path.exists()
        else None
    )
    everything = [i for f in dev for i in f.items] + (list(heldout.items) if heldout else [])
    problems = check_set(everything, lib)
    if problems:
        raise SetError("the labelled set is malformed:\n  " + "\n  ".join(problems))
    return dev, heldout


def docs_report(lib: ContentLibrary | None = None) -> dict[str, Any]:
    """What `--write-docs` measures: both parts, offline coach and every recording."""
    from benchmarks.grading_replay import recorded_files

    lib = lib or load_library(None)
    dev, heldout = load_parts(dev_files(), HELDOUT_FILE, lib)
    return build_report(dev, heldout, lib, replays=recorded_files())


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of the tables")
    parser.add_argument(
        "--set",
        type=Path,
        action="append",
        help="development file(s) instead of grading_set.toml + grading_set_*.toml",
    )
    parser.add_argument("--heldout", type=Path, default=HELDOUT_FILE, help="the held-out file")
    parser.add_argument("--batch", help="only this batch of the development part (e.g. v2)")
    parser.add_argument(
        "--part", choices=["dev", "heldout", "both"], default="both", help="which part to grade"
    )
    parser.add_argument(
        "--offline-only", action="store_true", help="only the offline coach (no recordings)"
    )
    parser.add_argument(
        "--replay",
        type=Path,
        action="append",
        help="recorded replies to replay (default: every file in benchmarks/recorded/)",
    )
    parser.add_argument("--backend", choices=["openai"], help="grade with a live model too")
    parser.add_argument("--model", help="model name for --backend openai")
    parser.add_argument("--base-url", help="OpenAI-compatible server for --backend openai")
    parser.add_argument("--api-key", help="API key (default: the app's: OPENAI_API_KEY or keyring)")
    parser.add_argument(
        "--timeout", type=float, help="seconds per model request (default: Settings)"
    )
    parser.add_argument("--jobs", type=int, default=1, help="parallel model gradings (1)")
    parser.add_argument(
        "--record",
        metavar="FILE",
        help="store the live model's raw replies (bare NAME: benchmarks/recorded/NAME.jsonl)",
    )
    parser.add_argument("--suggest-bands", action="store_true", help="print the fitted bands only")
    parser.add_argument(
        "--write-docs", action="store_true", help="regenerate docs/grading.md's section"
    )
    parser.add_argument(
        "--check-docs", action="store_true", help="exit 1 if docs/grading.md is out of date"
    )
    args = parser.parse_args(argv)

    lib = load_library(None)
    try:
        dev, heldout = load_parts(
            [] if args.part == "heldout" else args.set or dev_files(),
            None if args.part == "dev" else args.heldout,
            lib,
            args.batch or "",
        )
    except (OSError, SetError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    for note in missing_tiers([i for f in dev for i in f.items]):
        print(f"note: development {note}", file=sys.stderr)
    if args.write_docs or args.check_docs:
        if args.set or args.batch or args.part != "both" or args.backend or args.replay:
            print("error: --write-docs/--check-docs measure the default sets only", file=sys.stderr)
            return 2
        report = docs_report(lib)
        if args.check_docs:
            current = docs_section(DOCS_FILE.read_text(encoding="utf-8"))
            if current != render_docs(report):
                print(f"docs/grading.md is out of date: run `{DOCS_COMMAND}`", file=sys.stderr)
                return 1
            print("docs/grading.md is up to date")
            return 0
        changed = write_docs(report)
        print(render(report, details=False))
        print(f"\n{DOCS_FILE.relative_to(ROOT)}: {'updated' if changed else 'already up to date'}")
        return 0
    from benchmarks.grading_replay import recorded_files, resolve

    live = None
    if args.record and not args.backend:
        print("error: --record needs --backend openai --base-url URL --model NAME", file=sys.stderr)
        return 2
    if args.backend:
        if not args.model:
            print("error: --backend openai needs --model", file=sys.stderr)
            return 2
        from interviewer.storage.paths import app_paths
        from interviewer.storage.secrets import SecretStore
        from interviewer.storage.settings import load_settings

        settings = load_settings(app_paths().settings_file)
        live = LiveModel(
            model=args.model,
            base_url=args.base_url,
            api_key=args.api_key or SecretStore().get(),
            timeout=args.timeout or settings.request_timeout,
            max_retries=settings.max_retries,
            context_window=settings.context_window,
            jobs=args.jobs,
            record=resolve(args.record) if args.record else None,
        )
        if not live.api_key and not live.base_url:
            print("error: no API key: pass --api-key or --base-url", file=sys.stderr)
            return 2
    replays = [] if args.offline_only else recorded_files(args.replay)
    if live is not None and live.record is not None:
        replays = [p for p in replays if p != live.record]
    report = build_report(
        dev,
        heldout,
        lib,
        replays=replays,
        live=live,
        log=lambda m: print(m, file=sys.stderr, flush=True),
    )
    if args.suggest_bands:
        fits = [{"grader": g["grader"], **(g["bands_fit"] or {})} for g in report["graders"]]
        if args.json:
            print(json.dumps(fits, indent=2))
            return 0
        print("\n".join(_fit_lines(report, md=False)))
        for f in fits:
            if f.get("heldout_current_accuracy") is not None:
                print(
                    f"{f['grader']}, held-out in band (a check, never a fit): current bands "
                    f"{f['heldout_current_accuracy']:g}, fitted {f['heldout_suggested_accuracy']:g}"
                )
        return 0
    print(json.dumps(report, indent=2) if args.json else render(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
