"""How well do the graders order answers? One command, one table.

    python benchmarks/grading_eval.py                 # offline coach (+ the model, if configured)
    python -m benchmarks.grading_eval --json          # the same, as JSON
    python benchmarks/grading_eval.py --backend openai --base-url URL --model M
    python benchmarks/grading_eval.py --batch v2      # only the answers written blind
    python benchmarks/grading_eval.py --set other.toml

Grades every answer in benchmarks/grading_set.toml exactly as the app does
(`llm.service.grade`: the answer with planted instructions cut out goes to the grader,
then `core.grading.finalize` checks the draft against the original) and reports, per grader:

- pair accuracy: for each question, over the pairs of its answers with different tiers,
  the share where the higher tier scores strictly higher. A tie counts as half a pair
  (`pair_accuracy`) and, to show how much of the result is ties, as wrong
  (`pair_accuracy_strict`). The headline is the mean over questions, so a question with
  many answers does not outweigh one with few.
- junk at the bottom: the share of junk answers (tier 0) scored strictly below every
  solid or strong answer (tier 2-3) to the same question.
- injection flagged: the share of answers with planted instructions flagged `injection`;
  injection no gain: the share scored no higher than the clean answer they were made from.

A model grader is measured too when one is configured (OPENAI_API_KEY or Settings, chosen
by `llm.factory.make_backend` as the app does, or `--backend openai --base-url URL
--model M`). It is called without the offline fallback, so a failed call counts as an
error instead of being graded by the coach under the model's name.

It measures; it does not assert: the exit status is 0 whatever the scores. The targets
for the offline coach are printed as PASS/FAIL.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
import tomllib
from collections import defaultdict
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a file: `python benchmarks/grading_eval.py`
    sys.path.insert(0, str(ROOT))

from interviewer.core.content import ContentLibrary  # noqa: E402
from interviewer.core.errors import InterviewerError  # noqa: E402
from interviewer.core.grading import JUNK_FLAGS  # noqa: E402
from interviewer.core.models import Turn  # noqa: E402
from interviewer.core.requests import GradeRequest  # noqa: E402
from interviewer.llm import service  # noqa: E402
from interviewer.llm.base import Backend  # noqa: E402
from interviewer.llm.offline import OfflineCoach  # noqa: E402
from interviewer.storage.content_files import load_library  # noqa: E402

SET_FILE = Path(__file__).resolve().parent / "grading_set.toml"
TIERS = {0: "junk", 1: "weak", 2: "solid", 3: "strong"}
TIE_RULE = "half"
#: Targets for the offline coach, each a lower bound on a 0-1 measure.
TARGETS = {
    "pair_accuracy": 0.9,
    "junk_at_bottom": 1.0,
    "injection_flagged": 1.0,
    "injection_no_gain": 1.0,
}
#: Typing speed assumed for answer time (words per second), so delivery metrics are sane.
_WORDS_PER_SECOND = 1 / 0.6


class SetError(ValueError):
    """The labelled set is malformed; the message names the answer and the problem."""


@dataclass(frozen=True)
class Labelled:
    """One labelled answer. An injection answer names its clean `twin`."""

    id: str
    question: str
    tier: int
    text: str
    kind: str = ""
    twin: str = ""
    batch: str = ""


@dataclass
class Result:
    grader: str
    scores: dict[str, float] = field(default_factory=dict)
    flags: dict[str, list[str]] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0


def load_set(path: Path = SET_FILE) -> list[Labelled]:
    """Read the set and check its shape (not its content against the bank: see `check_set`)."""
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    items: list[Labelled] = []
    for n, raw in enumerate(data.get("answers", []), 1):
        try:
            items.append(Labelled(**raw))
        except TypeError as err:
            raise SetError(f"{path.name}: answer #{n} ({raw.get('id', '?')}): {err}") from err
    return items


def check_set(items: Sequence[Labelled], lib: ContentLibrary) -> list[str]:
    """Everything wrong with the set, as readable problems (empty when it is sound)."""
    problems: list[str] = []
    ids = [i.id for i in items]
    problems += [f"duplicate id {x}" for x in sorted({x for x in ids if ids.count(x) > 1})]
    by_id = {i.id: i for i in items}
    tiers: dict[str, set[int]] = defaultdict(set)
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
            elif twin.twin or twin.question != i.question or twin.tier != i.tier:
                problems.append(
                    f"{i.id}: twin {i.twin!r} must be a clean answer, same question+tier"
                )
            if i.tier == 0:
                problems.append(f"{i.id}: an injection answer needs a real answer (tier 1-3)")
        else:
            tiers[i.question].add(i.tier)
    for qid, seen in sorted(tiers.items()):
        if seen != set(TIERS):
            problems.append(f"{qid}: missing tier(s) {sorted(set(TIERS) - seen)}")
    return problems


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


def run_grader(
    backend: Backend, items: Sequence[Labelled], lib: ContentLibrary, jobs: int = 1
) -> Result:
    result = Result(grader=backend.label)

    def one(n: int, item: Labelled) -> None:
        try:
            grade = service.grade(backend, request_for(item, lib, n), None)
        except InterviewerError as err:
            result.errors[item.id] = str(err)
            return
        result.scores[item.id] = grade.overall_score
        result.flags[item.id] = list(grade.flags)

    start = time.perf_counter()
    if jobs <= 1:
        for n, item in enumerate(items, 1):
            one(n, item)
    else:
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            list(pool.map(one, range(1, len(items) + 1), items))
    result.seconds = time.perf_counter() - start
    return result


def _share(good: float, total: float) -> float | None:
    return round(good / total, 3) if total else None


def metrics(items: Sequence[Labelled], result: Result) -> dict[str, Any]:
    """Every measure for one grader over `items` (answers it failed to grade are left out)."""
    scores = result.scores
    clean = [i for i in items if not i.twin and i.id in scores]
    by_q: dict[str, list[Labelled]] = defaultdict(list)
    for i in clean:
        by_q[i.question].append(i)
    per_question: dict[str, float] = {}
    per_question_strict: dict[str, float] = {}
    wrong_pairs: list[str] = []
    ties = pairs_total = 0
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
                elif sa == sb:
                    tied += 1
                    wrong_pairs.append(f"{a.id} [{a.tier}] {sa:g} = {b.id} [{b.tier}] {sb:g}")
                else:
                    wrong_pairs.append(f"{a.id} [{a.tier}] {sa:g} < {b.id} [{b.tier}] {sb:g}")
        if pairs:
            pairs_total += pairs
            ties += tied
            per_question[qid] = (wins + 0.5 * tied) / pairs
            per_question_strict[qid] = wins / pairs
        good_scores = [scores[a.id] for a in answers if a.tier >= 2]
        for a in answers:
            if a.tier != 0:
                continue
            junk_total += 1
            above = [s for s in good_scores if s <= scores[a.id]]
            if not above:
                junk_ok += 1
            else:
                junk_misses.append(
                    f"{a.id} ({a.kind or 'junk'}) {scores[a.id]:g} >= {min(above):g}"
                )
    # Not targets, but what a candidate reads: is junk told it is junk, and is a real
    # answer never called junk?
    junk_flags = {i.id: [f for f in result.flags[i.id] if f in JUNK_FLAGS] for i in clean}
    junk_unflagged = [
        f"{i.id} ({i.kind or 'junk'})" for i in clean if i.tier == 0 and not junk_flags[i.id]
    ]
    false_junk = [
        f"{i.id} [{i.tier}] {','.join(junk_flags[i.id])}"
        for i in clean
        if i.tier and junk_flags[i.id]
    ]
    injected = [i for i in items if i.twin and i.id in scores and i.twin in scores]
    flagged = [i for i in injected if "injection" in result.flags.get(i.id, [])]
    no_gain = [i for i in injected if scores[i.id] <= scores[i.twin]]
    # A clean answer called an injection loses a point it earned: count those too.
    false_injection = [i.id for i in clean if "injection" in result.flags.get(i.id, [])]
    tier_means = {}
    for t, name in TIERS.items():
        vals = [scores[i.id] for i in clean if i.tier == t]
        tier_means[name] = round(sum(vals) / len(vals), 1) if vals else None
    return {
        "grader": result.grader,
        "answers": sum(1 for i in items if i.id in scores),
        "errors": sum(1 for i in items if i.id in result.errors),
        "seconds": round(result.seconds, 2),
        "questions": len(per_question),
        "pairs": pairs_total,
        "ties": ties,
        "pair_accuracy": _mean(per_question.values()),
        "pair_accuracy_strict": _mean(per_question_strict.values()),
        "pair_accuracy_per_question": {k: round(v, 3) for k, v in per_question.items()},
        "junk": junk_total,
        "junk_at_bottom": _share(junk_ok, junk_total),
        "junk_flagged": _share(junk_total - len(junk_unflagged), junk_total),
        "real_answers_flagged_junk": _share(len(false_junk), len(clean) - junk_total),
        "injections": len(injected),
        "injection_flagged": _share(len(flagged), len(injected)),
        "injection_no_gain": _share(len(no_gain), len(injected)),
        "clean_flagged_injection": _share(len(false_injection), len(clean)),
        "mean_score_per_tier": tier_means,
        "misordered_pairs": wrong_pairs,
        "junk_not_at_bottom": junk_misses,
        "junk_not_flagged": junk_unflagged,
        "real_answers_called_junk": false_junk,
        "injections_missed": [i.id for i in injected if i not in flagged],
        "injections_gained": [
            f"{i.id} {scores[i.id]:g} > {i.twin} {scores[i.twin]:g}"
            for i in injected
            if i not in no_gain
        ],
        "clean_answers_called_injection": false_injection,
        "error_messages": {i.id: result.errors[i.id] for i in items if i.id in result.errors},
    }


def _mean(values: Any) -> float | None:
    vals = list(values)
    return round(sum(vals) / len(vals), 3) if vals else None


def configured_model(args: argparse.Namespace) -> Backend | None:
    """The model grader the app would use, or None when only the offline coach is set up."""
    from interviewer.llm.factory import make_backend
    from interviewer.storage.paths import app_paths
    from interviewer.storage.secrets import SecretStore
    from interviewer.storage.settings import load_settings

    try:
        choice = make_backend(
            load_settings(app_paths().settings_file),
            SecretStore(),
            backend=args.backend,
            model=args.model,
            base_url=args.base_url,
        )
    except InterviewerError as err:
        print(f"note: no model grader: {err}", file=sys.stderr)
        return None
    return None if choice.backend.name == "offline" else choice.backend


# ------------------------------------------------------------------ output

_COLUMNS = (
    ("grader", "grader"),
    ("answers", "answers"),
    ("errors", "errors"),
    ("pair_accuracy", "pair acc"),
    ("pair_accuracy_strict", "(ties wrong)"),
    ("junk_at_bottom", "junk at bottom"),
    ("junk_flagged", "junk flagged"),
    ("real_answers_flagged_junk", "real as junk"),
    ("injection_flagged", "inj flagged"),
    ("injection_no_gain", "inj no gain"),
    ("clean_flagged_injection", "clean as inj"),
    ("seconds", "seconds"),
)


def _cell(value: Any) -> str:
    return "-" if value is None else str(value)


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
    out = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip()]
    out.append("  ".join("-" * w for w in widths))
    out += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    return out


def _row_name(row: dict[str, Any]) -> str:
    return f"{row['grader']} [{row['subset']}]" if row["subset"] != "all" else row["grader"]


def verdicts(row: dict[str, Any]) -> dict[str, str]:
    """PASS/FAIL for each target (a measure with nothing to measure is n/a)."""
    out = {}
    for key, target in TARGETS.items():
        value = row.get(key)
        out[key] = "n/a" if value is None else "PASS" if value >= target else "FAIL"
    return out


def render(report: dict[str, Any]) -> str:
    lines = [
        f"Grading eval ({report['date']}): {report['clean']} labelled answers over "
        f"{report['questions']} questions, {report['injections']} injection variants "
        f"[{report['set']}{', batch ' + report['batch'] if report['batch'] else ''}]",
        f"Pair accuracy: mean over questions; a tie counts as {TIE_RULE} a pair "
        "('ties wrong': as a lost pair).",
        "",
    ]
    rows = [r for g in report["graders"] for r in g["rows"]]
    lines += _table(
        [h for _, h in _COLUMNS],
        [[_cell(r[k]) if k != "grader" else _row_name(r) for k, _ in _COLUMNS] for r in rows],
    )
    lines += ["", "mean overall score (0-100) per tier:"]
    for r in rows:
        means = ", ".join(f"{k} {_cell(v)}" for k, v in r["mean_score_per_tier"].items())
        lines.append(f"  {_row_name(r)}: {means}")
    qids = sorted(
        {q for g in report["graders"] for q in g["rows"][0]["pair_accuracy_per_question"]}
    )
    header = ["question", *(g["rows"][0]["grader"] for g in report["graders"])]
    body = [
        [q, *(_cell(g["rows"][0]["pair_accuracy_per_question"].get(q)) for g in report["graders"])]
        for q in qids
    ]
    lines += ["", "pair accuracy per question:", *_table(header, body)]
    offline = report["graders"][0]["rows"][0]
    lines += ["", f"offline coach targets ({_row_name(offline)}):"]
    for key, verdict in report["targets"].items():
        lines.append(f"  {key:<18} {_cell(offline[key]):<6} target >= {TARGETS[key]:<4} {verdict}")
    for g in report["graders"]:
        r = g["rows"][0]
        for key in (
            "misordered_pairs",
            "junk_not_at_bottom",
            "junk_not_flagged",
            "real_answers_called_junk",
            "injections_missed",
            "injections_gained",
            "clean_answers_called_injection",
        ):
            if r[key]:
                lines += ["", f"{r['grader']} - {key.replace('_', ' ')} ({len(r[key])}):"]
                lines += [f"  {x}" for x in r[key]]
        if r["error_messages"]:
            lines += ["", f"{r['grader']} - errors ({len(r['error_messages'])}):"]
            lines += [f"  {k}: {v}" for k, v in list(r["error_messages"].items())[:10]]
    return "\n".join(lines)


def evaluate(
    items: Sequence[Labelled], graders: Sequence[tuple[Backend, int]], lib: ContentLibrary
) -> list[dict[str, Any]]:
    """Grade the set with each grader: one row for the whole set, one per batch."""
    batches = sorted({i.batch for i in items if i.batch})
    out = []
    for backend, jobs in graders:
        result = run_grader(backend, items, lib, jobs)
        rows = [{"subset": "all", **metrics(items, result)}]
        if len(batches) > 1:
            for b in batches:
                sub = [i for i in items if i.batch == b]
                row = metrics(sub, result)
                row["seconds"] = None
                rows.append({"subset": b, **row})
        out.append({"grader": backend.label, "backend": backend.name, "rows": rows})
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of the table")
    parser.add_argument("--set", type=Path, default=SET_FILE, help="the labelled set (TOML)")
    parser.add_argument("--batch", help="grade only the answers of this batch (e.g. v2)")
    parser.add_argument("--offline-only", action="store_true", help="skip the model grader")
    parser.add_argument("--backend", choices=["openai"], help="force the model grader")
    parser.add_argument("--model", help="model name for the model grader")
    parser.add_argument("--base-url", help="OpenAI-compatible server for the model grader")
    parser.add_argument("--jobs", type=int, default=4, help="parallel model gradings (4)")
    args = parser.parse_args(argv)

    lib = load_library(None)
    try:
        items = load_set(args.set)
    except (OSError, tomllib.TOMLDecodeError, SetError) as err:
        print(f"error: cannot read the labelled set: {err}", file=sys.stderr)
        return 2
    if args.batch:
        items = [i for i in items if i.batch == args.batch]
    problems = check_set(items, lib)
    if problems:
        print("error: the labelled set is malformed:", file=sys.stderr)
        for p in problems:
            print(f"  {p}", file=sys.stderr)
        return 2

    graders: list[tuple[Backend, int]] = [(OfflineCoach(), 1)]
    if not args.offline_only:
        model = configured_model(args)
        if model is not None:
            graders.append((model, max(1, args.jobs)))
    results = evaluate(items, graders, lib)
    clean = [i for i in items if not i.twin]
    report = {
        "date": dt.date.today().isoformat(),
        "set": args.set.name,
        "batch": args.batch or "",
        "items": len(items),
        "clean": len(clean),
        "questions": len({i.question for i in clean}),
        "injections": len(items) - len(clean),
        "tie_rule": TIE_RULE,
        "targets": verdicts(results[0]["rows"][0]),
        "graders": results,
    }
    print(json.dumps(report, indent=2) if args.json else render(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
