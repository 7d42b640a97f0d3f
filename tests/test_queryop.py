"""QueryOp: work off the GUI thread, callbacks on it, nothing after the parent is gone.

Also the crash this helper was built against: a worker imported the HTTP stack for the
first time while the main thread waited on a signal. The imports a worker needs are made
on the GUI thread first; one test starts 50 ops at once, one checks in a fresh
interpreter that the workers' real jobs import nothing after the warm-up.
"""

from __future__ import annotations

import importlib
import shutil
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, QThreadPool
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from interviewer.core.errors import InterviewerError
from interviewer.gui import workers
from interviewer.gui.workers import QueryOp, running_ops
from interviewer.llm.base import CancelToken
from tests.gui_helpers import settle

ROOT = Path(__file__).resolve().parent.parent


class Calls:
    """Records each callback with the thread it ran on."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, object, bool]] = []

    def success(self, result: object) -> None:
        self.seen.append(("success", result, threading.current_thread() is threading.main_thread()))

    def failure(self, err: Exception) -> None:
        self.seen.append(("failure", err, threading.current_thread() is threading.main_thread()))


def on_worker() -> bool:
    return threading.current_thread() is not threading.main_thread()


def test_success_runs_on_the_gui_thread_with_the_result(qtbot: QtBot) -> None:
    parent = QObject()
    calls = Calls()
    op = QueryOp(parent=parent, op=lambda: ("done", on_worker()), success=calls.success)
    op.failure(calls.failure).run_in_background()
    assert op.running
    settle(qtbot)
    assert calls.seen == [("success", ("done", True), True)]
    assert not op.running


def test_a_failure_reaches_failure_on_the_gui_thread(qtbot: QtBot) -> None:
    parent = QObject()
    calls = Calls()

    def broken() -> None:
        raise InterviewerError("The store is locked; close the other Interviewer.")

    QueryOp(parent=parent, op=broken, success=calls.success).failure(
        calls.failure
    ).run_in_background()
    settle(qtbot)
    assert len(calls.seen) == 1
    kind, err, gui = calls.seen[0]
    assert kind == "failure" and gui and isinstance(err, InterviewerError)
    assert workers.user_message(err) == "The store is locked; close the other Interviewer."
    assert "ValueError" in workers.user_message(ValueError("x"))  # a bug: a plain sentence


def blocked_op(gate: threading.Event, started: threading.Event) -> str:
    started.set()
    assert gate.wait(10), "the test never opened the gate"
    return "late"


def test_a_cancelled_op_calls_nothing_back(qtbot: QtBot) -> None:
    parent = QObject()
    calls = Calls()
    gate, started = threading.Event(), threading.Event()
    token = CancelToken()
    op = QueryOp(
        parent=parent, op=lambda: blocked_op(gate, started), success=calls.success, cancel=token
    ).failure(calls.failure)
    op.run_in_background()
    qtbot.waitUntil(started.is_set)
    op.cancel()
    assert token.cancelled  # an op that checks its token can stop early
    gate.set()
    settle(qtbot)
    assert calls.seen == []


def test_nothing_is_called_back_after_the_parent_is_deleted(qtbot: QtBot) -> None:
    calls = Calls()
    gate, started = threading.Event(), threading.Event()
    parent = QObject()
    QueryOp(parent=parent, op=lambda: blocked_op(gate, started), success=calls.success).failure(
        calls.failure
    ).run_in_background()
    qtbot.waitUntil(started.is_set)
    with qtbot.waitSignal(parent.destroyed):
        parent.deleteLater()
    gate.set()
    settle(qtbot)
    assert calls.seen == []


def test_nothing_touches_a_window_closed_meanwhile(qtbot: QtBot) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    window.show()
    child = QWidget(window)
    calls = Calls()
    gate, started = threading.Event(), threading.Event()
    QueryOp(parent=child, op=lambda: blocked_op(gate, started), success=calls.success).failure(
        calls.failure
    ).run_in_background()
    qtbot.waitUntil(started.is_set)
    window.close()
    gate.set()
    settle(qtbot)
    assert calls.seen == []
    # The same op on a window that stays open is delivered.
    window.show()
    QueryOp(parent=child, op=lambda: "kept", success=calls.success).run_in_background()
    settle(qtbot)
    assert calls.seen == [("success", "kept", True)]


def test_ops_must_not_be_qt_methods_or_return_qt_objects(qtbot: QtBot) -> None:
    widget = QWidget()
    qtbot.addWidget(widget)
    with pytest.raises(TypeError, match="plain data"):
        QueryOp(parent=widget, op=widget.isVisible, success=print)
    calls = Calls()
    QueryOp(parent=widget, op=QObject, success=calls.success).failure(
        calls.failure
    ).run_in_background()
    settle(qtbot)
    assert [(kind, type(err)) for kind, err, _ in calls.seen] == [("failure", TypeError)]
    op = QueryOp(parent=widget, op=lambda: 1, success=calls.success)
    op.run_in_background()
    with pytest.raises(RuntimeError, match="runs once"):
        op.run_in_background()
    settle(qtbot)


#: Standard-library modules this test process has no other reason to import.
FRESH_MODULES = ("xml.dom.minidom", "wave", "colorsys", "netrc", "mailbox", "imaplib")


def test_fifty_ops_at_once_all_call_back_on_the_gui_thread(qtbot: QtBot) -> None:
    """The crash's shape: many workers at once, each importing and working, while the GUI
    thread waits. Every op is running at the same moment (a barrier holds them), every
    module they import was imported on the GUI thread before they started, and every
    callback arrives on the GUI thread."""
    count = 50
    pool = QThreadPool()
    pool.setMaxThreadCount(count)
    barrier = threading.Barrier(count)
    parent = QObject()
    calls = Calls()

    def work(i: int) -> tuple[int, bool, bool, str]:
        barrier.wait(timeout=20)  # all 50 are running now, or this raises
        already = all(name in sys.modules for name in FRESH_MODULES)
        for name in FRESH_MODULES:
            importlib.import_module(name)
        total = sum(j * j for j in range(20_000 + i))  # some real work, different per op
        return i, already, on_worker(), f"{total}:{threading.current_thread().name}"

    for i in range(count):
        QueryOp(
            parent=parent,
            op=lambda i=i: work(i),  # type: ignore[misc]
            success=calls.success,
            needs=FRESH_MODULES,
            pool=pool,
        ).failure(calls.failure).run_in_background()
    assert all(name in sys.modules for name in FRESH_MODULES)  # warmed before any start
    assert running_ops() >= 1
    settle(qtbot, timeout=30_000)
    assert pool.waitForDone(10_000)
    assert [kind for kind, _, _ in calls.seen] == ["success"] * count
    assert all(gui for _, _, gui in calls.seen)
    results = [r for _, r, _ in calls.seen]
    assert sorted(r[0] for r in results) == list(range(count))  # type: ignore[index]
    assert all(r[1] and r[2] for r in results)  # type: ignore[index]
    threads = {str(r[3]).split(":", 1)[1] for r in results}  # type: ignore[index]
    assert len(threads) == count  # truly concurrent: one pool thread each


WORKER_JOBS = """
import sys, threading
from pathlib import Path
from PySide6.QtCore import QRunnable, QThreadPool
from PySide6.QtWidgets import QApplication
app = QApplication([])
sys.path.insert(0, {root!r})
from tests.test_export import run_interview
from tests.fake_openai_server import FakeOpenAIServer, error, json_content, text
from tests.test_openai_backend import GOOD, follow_request, grade_request, turn_request
from interviewer.gui import workers
from interviewer.gui.settings_dialog import ConnectionParams, run_probe
report = run_interview()
server = FakeOpenAIServer(models=["m"]).__enter__()
server.enqueue(
    text("Tell me about bias."),
    json_content({{"reason": "r", "follow_up": True, "question": "Why?"}}),
    json_content(GOOD),
    error(500, "boom"),
    text("OK"),
)
workers.warm_up(workers.BASE + workers.HTTP_STACK + workers.DISCOVERY + workers.EXPORT)
before = set(sys.modules)
out = Path({out!r})
closed = {port}

def jobs():
    # What the controller's workers do: a streamed turn, a follow-up, a grade, a failure.
    from interviewer.core.errors import InterviewerError
    from interviewer.llm.openai_backend import OpenAIBackend
    backend = OpenAIBackend(api_key=None, model="m", base_url=server.base_url, timeout=5.0,
                            connect_timeout=2.0, max_retries=0, provider_label="Fake")
    backend.interviewer_turn(turn_request(), lambda piece: None)
    backend.follow_up(follow_request())
    backend.grade(grade_request())
    try:
        backend.grade(grade_request())
    except InterviewerError:
        pass
    backend.close()
    # What the Settings dialog's probes do.
    params = ConnectionParams("custom", server.base_url, "m", "k", 2.0, 1.0, "Custom")
    assert run_probe(params, "test").ok
    assert run_probe(params, "models").ok
    params = ConnectionParams("custom", f"http://127.0.0.1:{{closed}}/v1", "m", "k", 2.0, 1.0,
                              "Custom")
    assert not run_probe(params, "test").ok
    assert not run_probe(params, "models").ok
    from interviewer.llm.discovery import discover
    discover(ports={{"ollama": closed}})
    from interviewer.export import write_report
    for ext in (".md", ".html", ".json", ".pdf"):
        write_report(report, out / f"r{{ext}}")

errors = []
class Job(QRunnable):
    def run(self):
        try:
            jobs()
        except BaseException as exc:
            errors.append(repr(exc))
pool = QThreadPool.globalInstance()
pool.start(Job())
assert pool.waitForDone(60_000)
server.__exit__(None, None, None)
assert not errors, errors
print("NEW", sorted(set(sys.modules) - before))
"""


def closed_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port


def test_after_the_warm_up_workers_import_nothing(tmp_path: Path) -> None:
    """In a fresh interpreter (this process has imported everything already): after
    `warm_up`, model calls (streamed, structured, failed), connection tests and model
    listings (answered and unanswered), discovery and an export in every format, on a
    pool thread, import no module for the first time."""
    script = WORKER_JOBS.format(root=str(ROOT), out=str(tmp_path), port=closed_port())
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    line = next(x for x in done.stdout.splitlines() if x.startswith("NEW "))
    assert line == "NEW []", f"imported by a worker after the warm-up: {line[4:]}"
    assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF")


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")
def test_a_pdf_rendered_on_a_pool_thread_reads_like_one_from_the_gui_thread(
    qtbot: QtBot, tmp_path: Path
) -> None:
    """Why the window renders the PDF off the GUI thread: the same text, no Qt warning
    (any warning fails this test through qt_log_level_fail)."""
    from interviewer.export import write_report
    from tests.test_export import run_interview

    report = run_interview()
    on_gui = write_report(report, tmp_path / "gui.pdf")
    parent = QObject()
    calls = Calls()
    for i in range(4):  # several at once, as a user exporting twice quickly would
        QueryOp(
            parent=parent,
            op=lambda i=i: write_report(report, tmp_path / f"pool{i}.pdf"),  # type: ignore[misc]
            success=calls.success,
            needs=workers.EXPORT,
        ).failure(calls.failure).run_in_background()
    settle(qtbot, timeout=60_000)
    assert [kind for kind, _, _ in calls.seen] == ["success"] * 4

    def text(path: Path) -> str:
        return subprocess.run(
            ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout

    expected = text(on_gui)
    assert "Interview report" in expected or report.track_name in expected
    for i in range(4):
        assert text(tmp_path / f"pool{i}.pdf") == expected
