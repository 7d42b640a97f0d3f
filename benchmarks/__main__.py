"""`python -m benchmarks [--quick] [--json PATH] [--strict]`: run every benchmark, print one table.

The default run takes well under three minutes on a 2-core machine; `--quick` trades
precision for speed (fewer start-up runs, a 4-question GUI interview, a shorter idle
reference). The prompt-token count always uses a 10-question interview: it is exact and
takes a couple of seconds.

Every user file goes to a temporary INTERVIEWER_HOME that is deleted afterwards. The
exit status is 0 when every benchmark ran (1 with `--strict` if a target was missed,
2 if a benchmark could not run).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.common import Row, median, render_table, run_json_child


def _log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def machine() -> dict[str, str]:
    """What the numbers were measured on (for docs/performance.md)."""
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        cpu = platform.processor()
    ram = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    except OSError:
        pass
    try:
        from importlib.metadata import version

        pyside = version("PySide6-Essentials")
    except Exception:  # pragma: no cover - a different PySide6 distribution
        import PySide6

        pyside = PySide6.__version__
    return {
        "cpus": str(os.cpu_count()),
        "cpu": cpu or "unknown",
        "ram": ram or "unknown",
        "python": platform.python_version(),
        "pyside6": pyside,
        "os": platform.platform(),
    }


def run(quick: bool) -> tuple[list[Row], dict[str, Any]]:
    from benchmarks import startup, tokens
    from interviewer.core.tokens import count_tokens

    runs = 3 if quick else 5
    questions = 4 if quick else 10
    idle = 2.0 if quick else 3.0
    raw: dict[str, Any] = {"machine": machine(), "quick": quick}
    saved = {k: os.environ.get(k) for k in ("INTERVIEWER_HOME",)}
    with tempfile.TemporaryDirectory(prefix="interviewer-bench-") as tmp:
        root = Path(tmp)
        os.environ["INTERVIEWER_HOME"] = str(root / "parent")

        _log(f"cold start: {runs} runs each of the app and a bare window (+1 warm-up)...")
        start = startup.measure(runs, root / "start")
        raw["startup"] = start

        _log(f"event-loop reference: an idle bare window for {idle:g} s...")
        idle_run = run_json_child("benchmarks.interview", ["--idle", str(idle)], root / "idle", 60)
        raw["idle"] = idle_run

        _log(f"a scripted {questions}-question interview through the main window...")
        began = time.perf_counter()
        gui = run_json_child(
            "benchmarks.interview",
            ["--questions", str(questions)],
            root / "gui",
            60 + 12 * questions,
        )
        raw["interview"] = gui
        _log(f"  ({time.perf_counter() - began:.0f} s)")

        # How the interview scales (issue 18): the same script on a long custom track.
        raw["scale"] = {}
        for n in () if quick else SCALE_QUESTIONS:
            if n == questions:
                continue
            _log(f"a scripted {n}-question interview on a long custom track...")
            began = time.perf_counter()
            raw["scale"][str(n)] = run_json_child(
                "benchmarks.interview",
                ["--questions", str(n), "--long-track"],
                root / f"scale-{n}",
                60 + 15 * n,
            )
            _log(f"  ({time.perf_counter() - began:.0f} s)")

        _log("prompt tokens of a 10-question interview...")
        tok = tokens.measure(10)
        raw["tokens"] = tok

        streamed = sum(count_tokens(t) for t in gui["streamed_texts"])
        raw["stream_tokens_per_s"] = (
            streamed / gui["stream_seconds"] if gui["stream_seconds"] else float("nan")
        )
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value

    stalls, idle_stalls = gui["stalls"], idle_run["stalls"]
    complete = gui["answered"] == questions and gui["graded"] == questions
    rows = [
        Row(
            "cold start to first window",
            median(start["app_s"]),
            median(start["bare_s"]),
            "s",
            "≤ 1.5x",
            limit=1.5,
            note="reference: a bare PySide6 QWidget window",
        ),
        Row(
            "cold start to home usable",
            median(start.get("app_usable_s", [])),
            median(start["bare_s"]),
            "s",
            "≤ 2.5x",
            limit=2.5,
            note="the real home screen painted (two-phase start); reference: bare window",
        ),
        Row(
            "longest stall, launch to full feedback",
            stalls["max_ms"],
            idle_stalls["max_ms"],
            "ms",
            "< 50 ms",
            compare="value",
            limit=50.0,
            strict=True,
            note="the whole run, window built to feedback page complete; reference: the "
            "same 5 ms timer in an idle bare window",
        ),
        Row(
            "99th percentile stall, whole run",
            stalls["p99_ms"],
            idle_stalls["p99_ms"],
            "ms",
            "-",
            note="reference: idle bare window",
        ),
        Row(
            "last answer to feedback first frame",
            gui["report_seconds"],
            gui["grade_median_s"],
            "s",
            "-",
            note="the page's first frame (overview); reference: median grading call",
        ),
        Row(
            "last answer to complete feedback page",
            gui.get("page_seconds", float("nan")),
            gui["grade_median_s"],
            "s",
            "≤ 1.5x",
            limit=1.5,
            note="every question card built and painted; reference: median duration of "
            "one grading call in the same run",
        ),
        Row(
            "prompt tokens, 10 questions",
            float(tok["tokens"]),
            float(tok["naive"]),
            "tokens",
            "≤ 0.5x",
            limit=0.5,
            note="reference: the whole transcript resent on every call",
        ),
        Row(
            "peak RSS during interview",
            gui["rss_kb"] / 1024,
            median(start["bare_rss_kb"]) / 1024,
            "MB",
            "≤ 250 MB",
            compare="value",
            limit=250.0,
            note="reference: a bare PySide6 window's peak RSS",
        ),
    ]
    rows += scale_rows(raw, idle_stalls)
    rows += local_model_rows(raw)
    # Spoken answers (issue 16): benchmarks/voice_bench.py, in a child of its own.
    from benchmarks.voice_bench import voice_rows

    _log("spoken answers: tiny.en on espeak-ng speech, an answer fed in real time...")
    rows += voice_rows(raw, quick)
    if not complete:
        raw["warning"] = (
            f"the GUI interview did not complete: {gui['answered']} answered, "
            f"{gui['graded']} graded of {questions}. {gui.get('error', '')}"
        ).strip()
    return rows, raw


#: Interview lengths of the scaling table (issue 18); the main run supplies its own.
SCALE_QUESTIONS = (5, 10, 20, 40)


def scale_rows(raw: dict[str, Any], idle_stalls: dict[str, Any]) -> list[Row]:
    """The 40-question interview's rows: as smooth as a 10-question one, same targets."""
    long = raw.get("scale", {}).get("40")
    if not long:
        return []
    stalls = long["stalls"]
    return [
        Row(
            "40 questions: longest stall",
            stalls["max_ms"],
            idle_stalls["max_ms"],
            "ms",
            "< 50 ms",
            compare="value",
            limit=50.0,
            strict=True,
            note="launch to full feedback, a long custom track; reference: idle bare window",
        ),
        Row(
            "40 questions: complete feedback page",
            long.get("page_seconds", float("nan")),
            long["grade_median_s"],
            "s",
            "≤ 1.5x",
            limit=1.5,
            note="reference: median grading call in the same run",
        ),
        Row(
            "40 questions: peak RSS",
            long["rss_kb"] / 1024,
            raw["interview"]["rss_kb"] / 1024,
            "MB",
            "≤ 250 MB",
            compare="value",
            limit=250.0,
            note="reference: the 10-question interview's peak RSS",
        ),
    ]


def scale_table(raw: dict[str, Any]) -> str:
    """How start-up, stalls, memory and report time grow with the number of questions."""
    runs = dict(raw.get("scale", {}))
    main_run = raw["interview"]
    runs[str(main_run["questions"])] = main_run
    if len(runs) < 2:
        return ""
    lines = [
        "| questions | launch | Start to first question | longest stall | p99 stall "
        "| peak RSS | last answer to complete page | median grading call |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for n in sorted(runs, key=int):
        r = runs[n]
        lines.append(
            f"| {n} | {r.get('launch_s', float('nan')):.2f} s "
            f"| {r.get('first_question_s', float('nan')):.2f} s "
            f"| {r['stalls']['max_ms']:.0f} ms | {r['stalls']['p99_ms']:.0f} ms "
            f"| {r['rss_kb'] / 1024:.0f} MB | {r.get('page_seconds', float('nan')):.2f} s "
            f"| {r['grade_median_s']:.2f} s |"
        )
    return "\n".join(lines)


def local_model_rows(raw: dict[str, Any]) -> list[Row]:
    """Grades a recorded small local model made, against the offline coach standing in
    (benchmarks/local_model.py: read from the recordings, no server needed)."""
    from benchmarks import local_model

    rows = []
    found = local_model.tally()
    raw["local_models"] = {
        k: {"by_model": t.by_model, "by_coach": t.by_coach, "sources": t.sources}
        for k, t in found.items()
    }
    for t in found.values():
        rows.append(
            Row(
                f"grades by recorded {t.model}",
                float(t.by_model),
                float(t.total),
                "grades",
                "-",
                note=f"reference: all its recorded grades; the rest by the offline coach "
                f"({'; '.join(t.sources)})",
            )
        )
    return rows


def details(raw: dict[str, Any]) -> str:
    m, s, gui, tok = raw["machine"], raw["startup"], raw["interview"], raw["tokens"]
    stalls = gui["stalls"]
    worst = ", ".join(f"{w['ms']:.0f} ms ({w['phase']})" for w in stalls["worst"][:5])
    streaming = [v for k, v in stalls["by_phase"].items() if k == "streaming"]
    lines = [
        f"machine: {m['cpus']} CPUs, {m['cpu']}, {m['ram']} RAM, Python {m['python']}, "
        f"PySide6 {m['pyside6']}, {m['os']}",
        f"cold start: app {', '.join(f'{x:.2f}' for x in s['app_s'])} s; "
        f"bare {', '.join(f'{x:.2f}' for x in s['bare_s'])} s; peak RSS at first frame: "
        f"app {median(s['app_rss_kb']) / 1024:.0f} MB, "
        f"bare {median(s['bare_rss_kb']) / 1024:.0f} MB; home usable: "
        f"{', '.join(f'{x:.2f}' for x in s.get('app_usable_s', []))} s",
        f"interview: {gui['questions']} questions with a follow-up each, {gui['answered']} "
        f"answered and {gui['graded']} graded in {gui['interview_seconds']:.1f} s; streamed "
        f"{raw['stream_tokens_per_s']:.0f} tokens/s "
        f"({gui['stream_chars'] / max(gui['stream_seconds'], 1e-9):.0f} chars/s)",
        f"stalls: {stalls['samples']} timer samples, {stalls['over_16ms']} over 16 ms, "
        f"{stalls['over_50ms']} over 50 ms; worst: {worst}",
    ]
    before = {k: v for k, v in stalls["by_phase"].items() if "feedback" not in k}
    if before:
        phase, worst_before = max(before.items(), key=lambda kv: kv[1]["max_ms"])
        lines.append(
            f"  before the feedback screen: longest {worst_before['max_ms']:.0f} ms ({phase})"
        )
    if streaming:
        lines.append(
            f"  while streaming: longest {streaming[0]['max_ms']:.0f} ms, "
            f"p99 {streaming[0]['p99_ms']:.0f} ms over {streaming[0]['samples']} samples"
        )
    lines += [
        f"grading calls: {len(gui['grade_seconds'])}, median {gui['grade_median_s']:.3f} s; "
        f"from the last answer: last grade in {gui['to_last_grade_s']:.3f} s, report and "
        f"feedback screen built {gui['to_feedback_built_s']:.3f} s, feedback painted "
        f"{gui['report_seconds']:.3f} s, every question card complete "
        f"{gui.get('page_seconds', float('nan')):.3f} s",
        "prompt tokens by call: "
        + "; ".join(
            f"{k} {v['calls']}x {v['tokens']:,} vs {v['naive']:,}"
            for k, v in tok["by_kind"].items()
        ),
        f"  interviewer turn for question 1: {tok['first_question_turn']:,} tokens; for "
        f"question 10: {tok['last_question_turn']:,} (naive {tok['last_question_turn_naive']:,})",
        f"PySide6 references to True lost during the interview: {gui['true_refs_lost']:,} "
        f"({gui['true_refs_left']:,} left; the process aborts when none are left)",
    ]
    for name, t in raw.get("local_models", {}).items():
        lines.append(
            f"recorded local model {name}: {t['by_model']} grades by the model, "
            f"{t['by_coach']} by the offline coach ({'; '.join(t['sources'])})"
        )
    table = scale_table(raw)
    if table:
        lines += [
            "by interview length (the main run on the built-in track, the others on a "
            "long custom track):",
            table,
        ]
    for n, r in raw.get("scale", {}).items():
        worst_n = ", ".join(f"{w['ms']:.0f} ms ({w['phase']})" for w in r["stalls"]["worst"][:3])
        lines.append(f"  {n} questions, worst stalls: {worst_n}")
    if "warning" in raw:
        lines.append(f"WARNING: {raw['warning']}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--quick", action="store_true", help="a faster, less precise run")
    parser.add_argument("--json", type=Path, metavar="PATH", help="also write raw results here")
    parser.add_argument("--strict", action="store_true", help="exit 1 if a target is missed")
    args = parser.parse_args(argv)
    began = time.perf_counter()
    try:
        rows, raw = run(args.quick)
    except Exception as exc:  # a benchmark that cannot run says why, without a traceback
        print(f"benchmark failed: {exc}", file=sys.stderr)
        return 2
    print(render_table(rows))
    print()
    print(details(raw))
    command = "python -m benchmarks" + (" --quick" if args.quick else "")
    print(f"\n(took {time.perf_counter() - began:.0f} s; `{command}`)")
    if args.json:
        raw["rows"] = [r.as_dict() for r in rows]
        args.json.write_text(json.dumps(raw, indent=1))
    missed = [r for r in rows if r.passed is False]
    return 1 if args.strict and missed else 0


if __name__ == "__main__":
    sys.exit(main())
