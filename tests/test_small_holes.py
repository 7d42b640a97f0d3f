"""Issue 13, item 8 (the smaller holes): prices that are not finite, a settings file that
cannot be read, loopback spelled another way, Ctrl+C during `practice`, and `resume`
showing the question it waits for. Each is driven through the real command line or the
function the app calls, and each test fails on the code before the fix.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from interviewer.core.cost import is_local_url, parse_prices
from interviewer.core.errors import ConfigError
from interviewer.core.hosts import host_address, is_local_host, is_loopback_host
from interviewer.llm.discovery import _base_url
from interviewer.llm.openai_backend import OpenAIBackend
from interviewer.storage.paths import app_paths
from interviewer.storage.prices import load_prices_or_defaults
from interviewer.storage.settings import Settings, load_settings, save_settings


def _cli(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "interviewer", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        env=dict(os.environ),
    )


# --------------------------------------------------------------------------- prices


@pytest.mark.parametrize(
    ("entry", "field"),
    [
        ('{"input": Infinity, "output": 1}', "input"),
        ('{"input": 1, "output": NaN}', "output"),
        ('{"input": 1, "output": 1e999}', "output"),  # too big for a float: inf
        ('{"input": 1, "cached_input": -Infinity, "output": 1}', "cached_input"),
        ('{"input": "inf", "output": 1}', "input"),
        ('{"input": -0.5, "output": 1}', "input"),
    ],
)
def test_a_price_that_is_not_a_finite_positive_number_is_refused(entry: str, field: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_prices(f'{{"my-model": {entry}}}', "prices.json")
    message = str(caught.value)
    assert f"my-model.{field}" in message and "prices.json" in message


def test_a_non_finite_price_file_falls_back_to_the_built_in_prices(tmp_path: Path) -> None:
    path = tmp_path / "prices.json"
    path.write_text('{"gpt-4o-mini": {"input": NaN, "output": 1}}', encoding="utf-8")
    prices, warning = load_prices_or_defaults(path)
    assert "gpt-4o-mini.input" in warning and "finite" in warning
    assert prices["gpt-4o-mini"].input == 0.15  # the built-in price, not nan


def test_a_prices_folder_is_reported_not_raised(tmp_path: Path) -> None:
    path = tmp_path / "prices.json"
    path.mkdir()
    prices, warning = load_prices_or_defaults(path)
    assert str(path) in warning and prices


# --------------------------------------------------------------------------- settings


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (None, "it is a folder"),
        ("{not json", "it is not JSON"),
        ("[1, 2]", "must hold a JSON object"),
        (json.dumps({"request_timeout": -1}), "request_timeout: Input should be greater than 0"),
        (json.dumps({"provider": "bogus"}), "provider: Input should be"),
        ('{"temperature": NaN}', "temperature: Input should be a finite number"),
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        (b"\xff\xfe{}", "not UTF-8"),
    ],
    ids=["folder", "not json", "not an object", "bad value", "bad choice", "nan", "deep", "bytes"],
)
def test_an_unusable_settings_file_names_the_file_and_the_field(
    tmp_path: Path, content: str | bytes | None, words: str
) -> None:
    path = tmp_path / "settings.json"
    if content is None:
        path.mkdir()
    elif isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    assert str(path) in str(caught.value)
    assert words in str(caught.value)


def test_a_settings_file_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text('\ufeff{"model": "llama3.1"}', encoding="utf-8")
    assert load_settings(path).model == "llama3.1"


def test_saving_over_a_folder_fails_cleanly_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.mkdir()
    with pytest.raises(OSError):
        save_settings(Settings(), path)
    assert [p.name for p in tmp_path.iterdir()] == ["settings.json"]


@pytest.mark.parametrize(
    ("make", "words"),
    [
        ("folder", "it is a folder"),
        ('{"max_retries": 99}', "max_retries: Input should be less than or equal to 10"),
    ],
)
def test_commands_run_on_the_defaults_when_the_settings_file_is_unusable(
    interviewer_home: Path, make: str, words: str
) -> None:
    path = app_paths().settings_file
    path.parent.mkdir(parents=True, exist_ok=True)
    if make == "folder":
        path.mkdir()
    else:
        path.write_text(make, encoding="utf-8")
    r = _cli(
        "grade",
        "--question",
        "tech-bias-variance",
        "--answer",
        "Bias underfits, variance overfits.",
        "--json",
    )
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr
    assert str(path) in r.stderr and words in r.stderr
    assert "default settings" in r.stderr
    assert json.loads(r.stdout)["overall_score"] is not None


# --------------------------------------------------------------------------- loopback

LOOPBACK_SPELLINGS = [
    "127.0.0.1",
    "127.1",
    "127.0.1",
    "127.000.000.001",
    "0x7f.1",
    "0x7f.0.0.1",
    "0x7f000001",
    "0177.0.0.1",
    "2130706433",
    "127.0.0.1.",
    "127.255.255.254",
    "::1",
    "[::1]",
    "0:0:0:0:0:0:0:1",
    "::ffff:127.0.0.1",
    "localhost",
    "LOCALHOST",
    "localhost.",
    "api.localhost",
]
NOT_LOOPBACK = ["10.0.0.1", "128.0.0.1", "example.com", "localhost.example.com", "", "1.2.3.4.5"]


@pytest.mark.parametrize("host", LOOPBACK_SPELLINGS)
def test_every_spelling_of_loopback_is_loopback(host: str) -> None:
    assert is_loopback_host(host)
    bracketed = f"[{host}]" if ":" in host and not host.startswith("[") else host
    url = f"http://{bracketed}:11434/v1"
    assert is_local_url(url), url


@pytest.mark.parametrize("host", ["127.1", "0x7f.1", "2130706433", "[::1]", "localhost."])
def test_a_backend_on_a_loopback_spelling_is_local(host: str) -> None:
    """So its tokens are not billed. (The HTTP stack refuses some four-part spellings such
    as 0177.0.0.1 in a URL; those it accepts connect to 127.0.0.1.)"""
    backend = OpenAIBackend(None, "m", base_url=f"http://{host}:11434/v1")
    try:
        assert backend.is_local
    finally:
        backend.close()


@pytest.mark.parametrize("host", NOT_LOOPBACK)
def test_other_hosts_are_not_loopback(host: str) -> None:
    assert not is_loopback_host(host)


def test_numeric_forms_resolve_like_inet_aton() -> None:
    assert str(host_address("127.1")) == "127.0.0.1"
    assert str(host_address("10.1")) == "10.0.0.1"
    assert str(host_address("192.168.258")) == "192.168.1.2"
    assert str(host_address("0xc0.0xa8.1.1")) == "192.168.1.1"
    for bad in ("256.1.1.1", "1.2.3.4.5", "08.1.1.1", "1..1", "4294967296", "1.2.3.256"):
        assert host_address(bad) is None, bad
    assert is_local_host("0xc0a80101")  # 192.168.1.1, a private address
    assert not is_local_url("https://8.8.8.8/v1") and not is_local_url("http://[::1/v1")


@pytest.mark.skipif(sys.platform == "win32", reason="Windows' inet_aton is stricter")
@pytest.mark.parametrize(
    "text",
    [
        *LOOPBACK_SPELLINGS[:11],
        *("10.1", "0xa.0x1", "012.1", "1.2.65535", "255.255.255.255"),
        *("256.1", "1.16777216", "0x100.1", "09", "1.2.3.4.5", "1..2", "a.b", "0x1g"),
    ],
)
def test_the_numeric_forms_agree_with_the_c_library(text: str) -> None:
    import socket

    try:
        expected: str | None = socket.inet_ntoa(socket.inet_aton(text.rstrip(".")))
    except OSError:
        expected = None
    found = host_address(text)
    assert (str(found) if found is not None else None) == expected


def test_discovery_names_a_loopback_server_by_its_preset_whatever_the_spelling() -> None:
    assert _base_url("ollama", "127.1", 11434) == "http://127.0.0.1:11434/v1"
    assert _base_url("ollama", "localhost", 11434) == "http://127.0.0.1:11434/v1"
    assert _base_url("ollama", "10.0.0.7", 11434) == "http://10.0.0.7:11434/v1"


# --------------------------------------------------------------------------- Ctrl+C / resume


def _interrupt_practice() -> tuple[subprocess.CompletedProcess[str], str, str]:
    """Start `interviewer practice` with a pipe that stays open, wait for the first
    question, press Ctrl+C (SIGINT). Returns the run, the session id and the question."""
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "interviewer",
            "practice",
            "--track",
            "ml-technical",
            "--questions",
            "2",
            "--backend",
            "offline",
            "--no-follow-ups",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=dict(os.environ),
    )
    assert proc.stdout is not None
    seen: list[str] = []
    try:
        # Read until the answer prompt: the process now waits on its (open) stdin.
        while not seen or "for this answer" not in seen[-1]:
            line = proc.stdout.readline()
            assert line, "practice ended before asking: " + "".join(seen)
            seen.append(line)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    shown = "".join(seen) + out
    match = re.search(r"session ([0-9a-f]+)", shown)
    assert match, shown
    # The question is the last paragraph the interviewer wrote before the prompt.
    paragraphs = [p.strip() for p in "".join(seen[:-1]).split("\n\n") if p.strip()]
    question = paragraphs[-1].removeprefix("Interviewer: ")
    run = subprocess.CompletedProcess(proc.args, proc.returncode, shown, err)
    return run, match.group(1), question


def test_ctrl_c_in_practice_says_how_to_resume_and_exits_130(interviewer_home: Path) -> None:
    run, sid, _question = _interrupt_practice()
    assert run.returncode == 130
    assert "Traceback" not in run.stderr
    assert f"interviewer resume {sid}" in run.stderr


def test_resume_prints_the_question_it_waits_for(interviewer_home: Path) -> None:
    _run, sid, question = _interrupt_practice()
    assert len(question) > 20
    r = _cli("resume", sid, stdin="My answer after the break.\n.\n")
    assert r.returncode == 0, r.stderr
    before_prompt = r.stdout.split("for this answer")[0]
    assert question in before_prompt, r.stdout
