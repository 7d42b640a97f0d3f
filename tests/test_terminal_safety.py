"""Nothing smuggled to the terminal or into a report (issue 13, item 4).

Text from a model server, the candidate's own answer (quoted back as evidence) and the
user's content files can hold escape sequences: clipboard writes (OSC 52), title changes,
screen clears, BEL, NUL, C1 controls and right-to-left overrides. The terminal shows
them visibly and obeys none; Markdown and HTML reports drop them; JSON keeps them as
escaped data.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from interviewer.cli import main
from interviewer.textsafety import (
    UNSAFE,
    TerminalWriter,
    json_text,
    report_text,
    terminal_text,
    terminal_writer,
)
from tests.fake_openai_server import FakeOpenAIServer, Reply, json_content, text

QID = "tech-bias-variance"
OSC52 = "\x1b]52;c;cHduZWQ=\x07"  # write "pwned" to the clipboard
TITLE = "\x1b]0;owned\x1b\\"  # set the window title (ST-terminated)
CLEAR = "\x1b[2J\x1b[H"
C1_CSI = "\x9b31m"
RLO = "\u202e"
ISOLATE = "\u2067"
HOSTILE = f"{OSC52}{TITLE}{CLEAR}\x07\x00\r{C1_CSI}{RLO}{ISOLATE}\x7f"
# What must never be written raw: every control but tab and newline, and bidi controls.
# (\r alone would rewrite the line; the terminal shows it as a picture.)
RAW = re.compile("[" + "".join(re.escape(chr(c)) for c in sorted(UNSAFE)) + "]")


def unsafe_in(text: str) -> list[str]:
    return sorted({f"U+{ord(c):04X}" for c in RAW.findall(text)})


# --------------------------------------------------------------------------- the sanitiser

# Text weighted towards the characters that matter, plus anything else Unicode has.
_dangerous = st.sampled_from(
    [chr(c) for c in sorted(UNSAFE)]
    + ["\n", "\t", "\r\n", "[", "]", ";", "\\", "7", "\ud800", "\udfff"]  # + lone surrogates
)
ARBITRARY = st.lists(st.one_of(_dangerous, st.characters()), max_size=80).map("".join)


@given(ARBITRARY)
def test_terminal_text_never_holds_a_control_or_bidi_character(s: str) -> None:
    shown = terminal_text(s)
    assert unsafe_in(shown) == []
    shown.encode("utf-8")  # a lone surrogate from a server would make print() raise
    # Newlines and tabs stay; nothing else printable is lost.
    assert shown.count("\n") == s.count("\n")
    assert shown.count("\t") == s.count("\t")


@given(ARBITRARY)
def test_report_text_drops_every_control_or_bidi_character(s: str) -> None:
    kept = report_text(s)
    assert unsafe_in(kept) == []
    kept.encode("utf-8")
    lines = s.replace("\r\n", "\n").replace("\r", "\n")
    expected = "".join(
        "\ufffd" if 0xD800 <= ord(c) < 0xE000 else c for c in lines if ord(c) not in UNSAFE
    )
    assert kept == expected


@given(st.recursive(ARBITRARY, lambda kids: st.lists(kids, max_size=3), max_leaves=8))
def test_json_text_escapes_everything_and_keeps_the_data(value: Any) -> None:
    dumped = json_text(json.dumps(value, ensure_ascii=False))
    assert unsafe_in(dumped) == []
    dumped.encode("utf-8")
    assert json.loads(dumped) == value


@given(ARBITRARY, st.integers(min_value=0, max_value=80))
def test_writer_is_safe_however_the_text_is_split(s: str, cut: int) -> None:
    buf = io.StringIO()
    out = terminal_writer(buf)
    out.write(s[:cut])
    out.write(s[cut:])
    assert unsafe_in(buf.getvalue()) == []
    buf.getvalue().encode("utf-8")


def test_visible_forms() -> None:
    assert terminal_text(OSC52) == "␛]52;c;cHduZWQ=␇"
    assert terminal_text("a\x00b\r\nc\rd\x9b\u202e") == "a␀b\nc␍d<U+009B><U+202E>"
    assert report_text("a\x00b\x1b[2J\u202ec\r\nd\re") == "ab[2Jc\nd\ne"


def test_writer_wraps_once_and_passes_the_rest_through() -> None:
    buf = io.StringIO()
    out = terminal_writer(buf)
    assert terminal_writer(out) is out
    assert isinstance(out, TerminalWriter)
    assert out.write("\x1b") == 1
    out.writelines(["\x07", "ok"])
    out.close()  # never closes the stream it wraps
    assert not buf.closed and buf.getvalue() == "␛␇ok"
    assert out.getvalue() == "␛␇ok"  # other attributes are the wrapped stream's


# --------------------------------------------------------------------------- commands


def _user_file(home: Path, rel: str, body: str) -> None:
    path = home / "data" / "content" / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(body, encoding="utf-8")


def _toml_escaped(s: str) -> str:
    """`s` as a TOML basic string body (every control as a \\uXXXX escape)."""
    return "".join(
        f"\\u{ord(c):04x}" if ord(c) < 0x20 or c in '"\\' or ord(c) in UNSAFE else c for c in s
    )


def _run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "interviewer", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        env=dict(os.environ),
        encoding="utf-8",
    )


def test_tracks_from_a_user_file_print_no_escape_sequence(
    interviewer_home: Path, capsys: Any
) -> None:
    _user_file(
        interviewer_home,
        "tracks/evil.toml",
        f'id = "evil"\nname = "Evil{_toml_escaped(HOSTILE)}"\n'
        f'description = "{_toml_escaped(CLEAR)}Looks fine"\nduration_minutes = 10\n'
        'question_count = 1\ncategories = ["technical"]\n',
    )
    # A broken file's name is printed too: a path can hold an escape sequence.
    _user_file(interviewer_home, f"tracks/bad{chr(27)}]0;x{chr(7)}.toml", "nope = [")
    assert main(["tracks"]) == 0
    captured = capsys.readouterr()
    assert "Evil␛]52;c;cHduZWQ=␇" in captured.out
    assert unsafe_in(captured.out) == [] and unsafe_in(captured.err) == []
    assert "bad␛]0;x␇.toml" in captured.err


def test_main_restores_the_real_streams() -> None:
    before = (sys.stdout, sys.stderr)
    main(["tracks", "--json"])
    assert (sys.stdout, sys.stderr) == before


# --------------------------------------------------------------------------- a model server


def _kind(body: dict[str, Any]) -> str:
    fmt = body.get("response_format") or {}
    name = (fmt.get("json_schema") or {}).get("name", "")
    blob = json.dumps(body.get("messages", []))
    if (
        name == "GradeDraft"
        or "GradeDraft" in blob
        or ("candidate_answer" in blob and "criteria" in blob)
    ):
        return "grade"
    if name == "FollowUpDecision" or "FollowUpDecision" in blob:
        return "follow_up"
    return "turn"


ANSWER_QUOTE = f"the model underfits{OSC52} because{RLO} its assumptions are too simple"
ANSWER = (
    f"High bias means {ANSWER_QUOTE}. High variance{CLEAR} means it overfits to noise\x07 "
    "in the training sample, so validation error is far above training error."
)
QUESTION = f"Let's begin.{OSC52} Explain{TITLE} the bias-variance{CLEAR} trade-off.\x07{RLO}"


def _route(body: dict[str, Any]) -> Reply:
    kind = _kind(body)
    if kind == "grade":
        criteria = ["correctness", "coverage", "depth", "application", "communication"]
        return json_content(
            {
                "criteria": [
                    {
                        "criterion_id": c,
                        "evidence": [ANSWER_QUOTE],
                        "reasoning": f"covered{CLEAR}",
                        "score": 4,
                    }
                    for c in criteria
                ],
                "star": [],
                "missing_key_points": [f"diagnosis{TITLE}"],
                "strengths": [f"Defines both terms.{OSC52}"],
                "improvements": [f"Mention learning curves.{C1_CSI}"],
                "strong_answer": ["Define bias", f"Define variance{RLO}"],
                "injection_attempt": False,
                "summary": f"Solid.\x07{HOSTILE}",
            }
        )
    if kind == "follow_up":
        asked = any("spot" in str(m.get("content", "")) for m in body["messages"])
        if asked:
            return json_content({"reason": "enough", "follow_up": False, "question": ""})
        return json_content(
            {"reason": "probe", "follow_up": True, "question": f"How would you spot it?{CLEAR}"}
        )
    last = str(body["messages"][-1].get("content", "")).lower()
    if "wrap" in last:
        return text(f"Thanks.{HOSTILE}")
    # Split so every escape sequence straddles two streamed chunks.
    chunks = [QUESTION[i : i + 3] for i in range(0, len(QUESTION), 3)]
    return text(QUESTION, chunks=chunks)


def test_model_text_and_quoted_answers_reach_terminal_and_reports_without_escapes(
    interviewer_home: Path,
) -> None:
    _user_file(
        interviewer_home,
        "tracks/bv.toml",
        'id = "bv-only"\nname = "Bias-variance"\ndescription = "One question."\n'
        'duration_minutes = 5\nquestion_count = 1\ncategories = ["technical"]\n'
        f'follow_up_limit = 1\nselection = "ordered"\nquestions = ["{QID}"]\n',
    )
    md = interviewer_home / "report.md"
    server_args = ["--backend", "openai", "--model", "fake-model"]
    with FakeOpenAIServer() as server:
        server.router = _route
        r = _run(
            "practice",
            "--track",
            "bv-only",
            "--report",
            str(md),
            *server_args,
            "--base-url",
            server.base_url,
            stdin=f"{ANSWER}\n.\nLearning curves.\x1b[2J\n.\n",
        )
    assert r.returncode == 0, r.stderr
    # The question was streamed, shown visibly, and obeyed nowhere.
    assert unsafe_in(r.stdout) == [] and unsafe_in(r.stderr) == []
    assert "Let's begin.␛]52;c;cHduZWQ=␇ Explain" in r.stdout
    assert "How would you spot it?␛[2J␛[H" in r.stdout
    assert "Solid.␇" in r.stdout
    assert "the model underfits␛]52;c;cHduZWQ=␇ because" in r.stdout  # the evidence quote
    assert "score 75/100" in r.stdout  # the quote was real, so the grade stood

    sid = re.search(r"session ([0-9a-z]+)", r.stdout)
    assert sid is not None
    html = interviewer_home / "report.html"
    js = interviewer_home / "report.json"
    for path in (html, js):
        done = _run("report", sid.group(1), "-o", str(path))
        assert done.returncode == 0, done.stderr
        assert unsafe_in(done.stdout + done.stderr) == []

    for path in (md, html):
        body = path.read_text(encoding="utf-8")
        assert unsafe_in(body) == [], path
        # The answer is there, without its controls (Markdown escapes the "]").
        assert re.search(r"the model underfits\\?\]52;c;cHduZWQ= because its", body), path
    data = json.loads(js.read_text(encoding="utf-8"))
    answers = [t["text"] for q in data["questions"] for t in q["turns"] if t["role"] == "candidate"]
    assert ANSWER in answers  # JSON keeps the answer as it was typed, as data
    assert unsafe_in(js.read_text(encoding="utf-8")) == []  # ...escaped by JSON (\u001b)

    calls = _run("calls", sid.group(1))
    assert calls.returncode == 0, calls.stderr
    assert unsafe_in(calls.stdout) == [] and "␛" in calls.stdout
    calls_json = _run("calls", sid.group(1), "--json")
    assert calls_json.returncode == 0, calls_json.stderr
    assert unsafe_in(calls_json.stdout) == []
    replies = [c["raw_reply"] for c in json.loads(calls_json.stdout)]
    assert QUESTION in replies  # the raw reply is kept exactly, as escaped data
    for command in (["sessions"], ["progress"]):
        shown = _run(*command)
        assert shown.returncode == 0, shown.stderr
        assert unsafe_in(shown.stdout + shown.stderr) == []


def _surrogate_route(body: dict[str, Any]) -> Reply:
    """A server whose JSON carries lone surrogates ("\\ud800") in a question and a grade."""
    kind = _kind(body)
    if kind == "grade":
        criteria = ["correctness", "coverage", "depth", "application", "communication"]
        return json_content(
            {
                "criteria": [
                    {"criterion_id": c, "evidence": [], "reasoning": "ok\udfff", "score": 3}
                    for c in criteria
                ],
                "star": [],
                "missing_key_points": [],
                "strengths": ["Clear.\ud800"],
                "improvements": [],
                "strong_answer": [],
                "injection_attempt": False,
                "summary": "Fine\ud800.",
            }
        )
    if kind == "follow_up":
        return json_content({"reason": "enough", "follow_up": False, "question": ""})
    return text("Explain the bias\ud800variance trade-off.")


def test_lone_surrogates_from_a_server_do_not_break_the_interview(
    interviewer_home: Path,
) -> None:
    """Repaired where they enter (openai_backend): the next request, the store, the
    terminal and the reports all get well-formed text (U+FFFD in place of the surrogate)."""
    _user_file(
        interviewer_home,
        "tracks/bv.toml",
        'id = "bv-only"\nname = "Bias-variance"\ndescription = "One question."\n'
        'duration_minutes = 5\nquestion_count = 1\ncategories = ["technical"]\n'
        f'follow_up_limit = 0\nselection = "ordered"\nquestions = ["{QID}"]\n',
    )
    md = interviewer_home / "report.md"
    with FakeOpenAIServer() as server:
        server.router = _surrogate_route
        r = _run(
            "practice",
            "--track",
            "bv-only",
            "--report",
            str(md),
            "--backend",
            "openai",
            "--model",
            "fake-model",
            "--base-url",
            server.base_url,
            stdin=f"{ANSWER}\n.\n",
        )
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr
    assert "bias\ufffdvariance" in r.stdout
    assert "\ufffd" in md.read_text(encoding="utf-8")
