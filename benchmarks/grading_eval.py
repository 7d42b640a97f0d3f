"""How well do the graders order answers? One command, one table.

    python benchmarks/grading_eval.py                 # offline coach (+ the model, if configured)
    python benchmarks/grading_eval.py --json
    python benchmarks/grading_eval.py --backend openai --base-url URL --model M

Grades every answer in benchmarks/grading_set.toml exactly as the app does
(llm.service.grade: sanitised request, then core.grading.finalize) and reports, per grader:
- pair accuracy: for each question, over pairs of answers with different tiers, the share
  where the higher tier scores strictly higher (a tie counts as half a pair);
- junk at the bottom: the share of junk answers scored below every solid or strong answer
  to the same question;
- injection: the share of planted-instruction answers flagged `injection`, and the share
  scored no higher than the same answer without the planted text.
It measures; it does not assert. Targets for the offline coach are printed as PASS/FAIL.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import tomllib
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from interviewer.core.content import ContentLibrary, load_library  # noqa: E402
from interviewer.core.errors import InterviewerError  # noqa: E402
from interviewer.core.models import Turn  # noqa: E402
from interviewer.core.requests import GradeRequest  # noqa: E402
from interviewer.llm import service  # noqa: E402
from interviewer.llm.base import Backend  # noqa: E402
from interviewer.llm.offline import OfflineCoach  # noqa: E402

SET_FILE = Path(__file__).resolve().parent / "grading_set.toml"
TIERS = {0: "junk", 1: "weak", 2: "solid", 3: "strong"}
TARGETS = {
    "pair_accuracy": 0.9,
    "junk_at_bottom": 1.0,
    "injection_flagged": 1.0,
    "injection_no_gain": 1.0,
}


@dataclass(frozen=True)
class Labelled:
    id: str
    question: str
    tier: int
    text: str
    kind: str = ""
    twin: str = ""


@dataclass
class Result:
    grader: str
    scores: dict[str, float] = field(default_factory=dict)
    flags: dict[str, list[str]] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0


def load_set(path: Path = SET_FILE) -> list[Labelled]:
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    return [Labelled(**a) for a in data["answers"]]


def request_for(item: Labelled, lib: ContentLibrary, n: int) -> GradeRequest:
    q = lib.question(item.question)
    seconds = float(min(q.answer_seconds, max(20, len(item.text.split()) * 0.6)))
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


def run_grader(backend: Backend, items: list[Labelled], lib: ContentLibrary) -> Result:
    result = Result(grader=backend.label)
    start = time.perf_counter()
    for n, item in enumerate(items, 1):
        try:
            grade = service.grade(backend, request_for(item, lib, n), None)
        except InterviewerError as err:
            result.errors[item.id] = str(err)
            continue
        result.scores[item.id] = grade.overall_score
        result.flags[item.id] = list(grade.flags)
    result.seconds = time.perf_counter() - start
    return result


def metrics(items: list[Labelled], result: Result) -> dict[str, Any]:
    clean = [i for i in items if not i.twin and i.id in result.scores]
    by_q: dict[str, list[Labelled]] = defaultdict(list)
    for i in clean:
        by_q[i.question].append(i)
    per_question: dict[str, float] = {}
    wrong_pairs: list[str] = []
    junk_total = junk_ok = 0
    junk_misses: list[str] = []
    for qid, answers in sorted(by_q.items()):
        pairs = 0.0
        good = 0.0
        for a in answers:
            for b in answers:
                if a.tier <= b.tier:
                    continue
                pairs += 1
                sa, sb = result.scores[a.id], result.scores[b.id]
                if sa > sb:
                    good += 1
                elif sa == sb:
                    good += 0.5
                    wrong_pairs.append(f"{a.id} ({sa:.0f}) = {b.id} ({sb:.0f})")
                else:
                    wrong_pairs.append(f"{a.id} ({sa:.0f}) < {b.id} ({sb:.0f})")
        per_question[qid] = good / pairs if pairs else 1.0
        good_answers = [result.scores[a.id] for a in answers if a.tier >= 2]
        for a in answers:
            if a.tier == 0:
                junk_total += 1
                if all(result.scores[a.id] < s for s in good_answers):
                    junk_ok += 1
                else:
                    junk_misses.append(f"{a.id} ({result.scores[a.id]:.0f})")
    injected = [i for i in items if i.twin and i.id in result.scores and i.twin in result.scores]
    flagged = [i for i in injected if "injection" in result.flags.get(i.id, [])]
    no_gain = [i for i in injected if result.scores[i.id] <= result.scores[i.twin]]
    return {
        "grader": result.grader,
        "answers": len(result.scores),
        "errors": len(result.errors),
        "seconds": round(result.seconds, 2),
        "pair_accuracy": round(sum(per_question.values()) / len(per_question), 3)
        if per_question
        else 0.0,
        "pair_accuracy_per_question": {k: round(v, 3) for k, v in per_question.items()},
        "junk_at_bottom": round(junk_ok / junk_total, 3) if junk_total else 1.0,
        "injection_flagged": round(len(flagged) / len(injected), 3) if injected else 1.0,
        "injection_no_gain": round(len(no_gain) / len(injected), 3) if injected else 1.0,
        "misordered_pairs": wrong_pairs,
        "junk_not_at_bottom": junk_misses,
        "injections_missed": [i.id for i in injected if i not in flagged],
        "injections_gained": [
            f"{i.id} ({result.scores[i.id]:.0f} > {result.scores[i.twin]:.0f})"
            for i in injected
            if i not in no_gain
        ],
        "mean_score_per_tier": {
            TIERS[t]: round(
                sum(result.scores[i.id] for i in clean if i.tier == t)
                / max(1, sum(1 for i in clean if i.tier == t)),
                1,
            )
            for t in TIERS
        },
    }


def configured_model(args: argparse.Namespace) -> Backend | None:
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


def print_table(rows: list[dict[str, Any]], offline_row: dict[str, Any]) -> None:
    cols = [
        "grader",
        "answers",
        "errors",
        "pair_accuracy",
        "junk_at_bottom",
        "injection_flagged",
        "injection_no_gain",
        "seconds",
    ]
    widths = [max(len(c), *(len(str(r[c])) for r in rows)) for c in cols]
    print("  ".join(c.ljust(w) for c, w in zip(cols, widths, strict=True)))
    print("  ".join("-" * w for w in widths))
    for r in rows:
        print("  ".join(str(r[c]).ljust(w) for c, w in zip(cols, widths, strict=True)))
    print("\nmean score per tier:")
    for r in rows:
        print(
            f"  {r['grader']}: "
            + ", ".join(f"{k} {v}" for k, v in r["mean_score_per_tier"].items())
        )
    print("\noffline coach targets:")
    for key, target in TARGETS.items():
        value = offline_row[key]
        verdict = "PASS" if value >= target else "FAIL"
        print(f"  {key:<18} {value:<6} target >= {target}  {verdict}")
    for r in rows:
        for key in (
            "misordered_pairs",
            "junk_not_at_bottom",
            "injections_missed",
            "injections_gained",
        ):
            if r[key]:
                print(f"\n{r['grader']} - {key.replace('_', ' ')}:")
                for line in r[key]:
                    print(f"  {line}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument("--offline-only", action="store_true", help="skip the model grader")
    parser.add_argument("--backend", choices=["openai"], help="force the model grader")
    parser.add_argument("--model")
    parser.add_argument("--base-url")
    args = parser.parse_args(argv)
    lib = load_library(None)
    items = load_set()
    rows = [metrics(items, run_grader(OfflineCoach(), items, lib))]
    if not args.offline_only:
        model = configured_model(args)
        if model is not None:
            rows.append(metrics(items, run_grader(model, items, lib)))
    if args.json:
        print(
            json.dumps({"set": str(SET_FILE.name), "items": len(items), "graders": rows}, indent=2)
        )
    else:
        clean = sum(1 for i in items if not i.twin)
        print(
            f"Grading eval: {clean} labelled answers over "
            f"{len({i.question for i in items})} questions, "
            f"{len(items) - clean} injection variants\n"
        )
        print_table(rows, rows[0])
    return 0


if __name__ == "__main__":
    sys.exit(main())
