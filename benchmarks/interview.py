"""A whole scripted interview through the real main window, offscreen, in a fresh process.

`python -m benchmarks.interview --questions 10` prints one JSON line with:

* event-loop stalls: a 5 ms precise QTimer records when it actually fires; every gap
  beyond 5 ms is time the GUI thread could not react (to typing, painting, anything).
  The timer starts right after the QApplication exists, before the window is built, so
  the stalls cover the WHOLE run: launch (building the window is one long stall unless
  the start is split up), the interview, and the feedback page until it is complete;
* the time from the click on Submit for the last answer to the finished report (the
  controller's `finished` signal, after the window has built the feedback screen), to
  the feedback page's first frame, and to the first frame painted after every question
  card is complete (`page_seconds`: what a candidate waits for), and the measured
  duration of every grading call, the reference for them;
* `first_question_s`: from the Start click to the first streamed piece of the first
  question (the interview's own start-up), and `launch_s`: from the QApplication to the
  home screen shown;
* the streaming rate actually reached, and the process's peak resident memory.

The app is built the way `interviewer` builds it (`build_window`: settings, content,
session store on disk in INTERVIEWER_HOME, window), then given the scripted backend of
`benchmarks.script`: 4-character chunks every 8 ms (about 100 o200k tokens/s), follow-up
decisions after 0.3 s, gradings that take 0.5 s plus the offline coach's own work, on
the controller's worker threads. Answers are pasted into the answer box in a few bursts
(as tests/gui_helpers.py and the screenshots do, but spread out so the box's change
handlers run while gradings are under way) and submitted with the Submit action.

`--long-track` interviews on a long custom track written into the user content dir first
(`benchmarks.long_track`: up to 50 questions, which the built-in bank cannot fill).

`--idle SECONDS` measures the same 5 ms timer in a bare QApplication with a bare window:
the noise floor of the machine and of Qt's timers, the reference for the stalls.

`--headless` runs the same script through the interview service alone (`InterviewSession`
on a plain thread pool, no Qt, `benchmarks.script.run_session`): the time from the last
answer to the report without any window, the reference for what the window adds.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from typing import Any

INTERVAL_MS = 5
#: Answers are pasted in this many bursts, this far apart.
BURSTS = 6
BURST_MS = 80
#: From picking the track to clicking Start.
CLICK_GAP_MS = 300
#: Keep measuring this long after the feedback page is complete.
TAIL_MS = 500


class StallMonitor:
    """Records how late a 5 ms timer fires, labelled with what the app was doing."""

    def __init__(self) -> None:
        from PySide6.QtCore import Qt, QTimer

        self.phase = "idle"
        self.lateness_ms: list[float] = []
        self.phases: list[str] = []
        self.times: list[float] = []  # perf_counter when each sample fired
        self._was = self.phase
        self._last = 0.0
        self._timer = QTimer()
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(INTERVAL_MS)
        self._timer.timeout.connect(self._on_timeout)

    def start(self) -> None:
        self._last = time.perf_counter()
        self._was = self.phase
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def _on_timeout(self) -> None:
        now = time.perf_counter()
        late = (now - self._last) * 1000 - INTERVAL_MS
        self._last = now
        self.lateness_ms.append(max(0.0, late))
        self.times.append(now)
        # What the app was doing while the loop was held up ("a -> b" if that changed).
        was, self._was = self._was, self.phase
        self.phases.append(was if was == self.phase else f"{was} -> {self.phase}")

    def long_stalls(self, over_ms: float = 50.0) -> list[tuple[float, float, float, str]]:
        """(start, end, ms, phase) of every stall over `over_ms`, in order."""
        out = []
        for late, now, phase in zip(self.lateness_ms, self.times, self.phases, strict=True):
            if late > over_ms:
                out.append((now - (late + INTERVAL_MS) / 1000, now, late, phase))
        return out

    def summary(self) -> dict[str, Any]:
        from benchmarks.common import percentile

        data = self.lateness_ms
        worst = sorted(range(len(data)), key=lambda i: data[i], reverse=True)[:8]
        grouped: dict[str, list[float]] = {}
        for late, phase in zip(data, self.phases, strict=True):
            grouped.setdefault(phase, []).append(late)
        by_phase = {
            phase: {"samples": len(v), "max_ms": max(v), "p99_ms": percentile(v, 99)}
            for phase, v in grouped.items()
        }
        return {
            "samples": len(data),
            "max_ms": max(data) if data else float("nan"),
            "p99_ms": percentile(data, 99),
            "p999_ms": percentile(data, 99.9),
            "over_16ms": sum(1 for x in data if x > 16),
            "over_50ms": sum(1 for x in data if x > 50),
            "worst": [{"ms": round(data[i], 2), "phase": self.phases[i]} for i in worst],
            "by_phase": by_phase,
        }


class _FirstPaint:
    """Calls back once the widget's first frame after `armed` has been painted."""

    def __init__(self, widget: Any, callback: Any) -> None:
        from PySide6.QtCore import QEvent, QObject, QTimer

        outer = self
        self.armed = False

        class Filter(QObject):
            def eventFilter(self, obj: QObject, event: QEvent) -> bool:
                if outer.armed and event.type() == QEvent.Type.Paint:
                    outer.armed = False
                    QTimer.singleShot(0, callback)
                return False

        self._filter = Filter()
        widget.installEventFilter(self._filter)


def _rss_kb() -> int:
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def run_idle(seconds: float) -> dict[str, Any]:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QWidget

    app = QApplication(sys.argv[:1])
    window = QWidget()
    window.resize(1120, 780)
    window.show()
    monitor = StallMonitor()
    monitor.start()
    QTimer.singleShot(int(seconds * 1000), app.quit)
    app.exec()
    monitor.stop()
    return {"stalls": monitor.summary(), "rss_kb": _rss_kb()}


class Driver:
    """Answers every question the moment the answer box opens, and times the end."""

    def __init__(
        self,
        questions: int,
        grade_latency: float,
        decide_latency: float,
        track: str = "",
    ) -> None:
        # Nothing of the app is imported before it launches (as when `interviewer` starts).
        from interviewer.gui.boot import application

        self.app = application()
        # Stalls from the first frame on (started in `_build`): loading behind the
        # window on screen is measured like any other stall. Making that first frame is
        # not a freeze of anything on screen; it is "cold start to first window".
        self.monitor = StallMonitor()
        self.monitor.phase = "launch"
        launched = time.perf_counter()
        self.window = self._build()
        self.launch_s = time.perf_counter() - launched
        # What follows is the benchmark's own set-up (its script, its backend, its
        # watchers: 40-60 ms), not the app's: the monitor does not count it as a stall.
        self.monitor.stop()
        if os.environ.get("BENCH_NO_QUIET_GC"):  # an experiment: the collector's own timing
            self.window.quiet_collector.setParent(None)
            self.window.quiet_collector = None
        from benchmarks import script

        self.track = track or script.TRACK
        self.controller = self.window.controller
        self.grader = script.TimedGrader(latency=grade_latency)
        self.backend = script.scripted_backend(
            grader=self.grader, decider=script.SlowDecider(latency=decide_latency)
        )
        self.controller.set_backend(self.backend)
        self.questions = questions
        self.submits: list[float] = []
        self.streams: list[dict[str, Any]] = []
        self._stream_start = 0.0
        self._stream_chars = 0
        self.started_at = self.finished_at = self.last_graded_at = self.painted_at = 0.0
        self.page_built_at = 0.0
        self.first_piece_at = 0.0
        self.true_refs = self.true_refs_lost = 0
        self.error = ""
        c = self.controller
        c.stream_started.connect(self._on_stream_started)
        c.stream_delta.connect(self._on_stream_delta)
        c.turn_added.connect(self._on_turn_added)
        c.answer_needed.connect(self._on_answer_needed)
        c.finished.connect(self._on_finished)  # after the window's own slot: feedback built
        c.grading_progress.connect(self._on_grading_progress)
        self._paint_watch = _FirstPaint(self.window.feedback, self._on_feedback_painted)
        self._complete_watch = _FirstPaint(self.window.feedback, self._on_page_painted)
        self.monitor.start()

    def _build(self) -> Any:
        """The app as `interviewer` starts it: the shell's first frame, then the rest
        loaded behind it (gui/boot.py); returns the main window once it is in place."""
        from PySide6.QtCore import QEventLoop

        from interviewer.gui import boot

        _app, self.shell, loader = boot.show_shell(None)
        self.monitor.start()  # the first frame is on screen
        loop = QEventLoop()
        loader.ready.connect(loop.quit)
        loader.failed.connect(loop.quit)
        loop.exec()
        if loader.window is None:
            raise RuntimeError(f"the app did not load: {loader.error}")
        return loader.window

    def start(self) -> None:
        """Pick the track, then click Start a moment later, as a person would: each in a
        turn of its own (both in one turn, after a `processEvents` here, made one turn of
        the benchmark's own making: the 60-66 ms "launch -> streaming" stall)."""
        from PySide6.QtCore import QTimer

        self.window.home.select_track(self.track)
        QTimer.singleShot(CLICK_GAP_MS, self._click_start)

    def _click_start(self) -> None:
        from interviewer.gui.controller import StartOptions

        self.true_refs = sys.getrefcount(True)
        self.monitor.phase = "starting"
        self.started_at = time.perf_counter()
        ok = self.window.start_interview(
            StartOptions(self.track, question_count=self.questions, follow_ups=True)
        )
        if not ok:
            self.error = f"the interview did not start: {self.window.banner.text.text()}"
            self.app.quit()

    # -------------------------------------------------------------- streaming

    def _on_stream_started(self, _purpose: str) -> None:
        self.monitor.phase = "streaming"
        self._stream_start = time.perf_counter()
        self._stream_chars = 0

    def _on_stream_delta(self, piece: str) -> None:
        self._stream_chars += len(piece)
        if not self.first_piece_at:
            self.first_piece_at = time.perf_counter()

    def _on_turn_added(self, turn: Any) -> None:
        if (
            turn.role == "interviewer"
            and turn.kind in ("question", "wrap_up")
            and self._stream_chars
        ):
            self.streams.append(
                {
                    "chars": self._stream_chars,
                    "seconds": time.perf_counter() - self._stream_start,
                    "text": turn.text,
                }
            )
            self._stream_chars = 0
            self.monitor.phase = "waiting"

    # -------------------------------------------------------------- answering

    def _on_answer_needed(self, need: Any) -> None:
        from PySide6.QtCore import QTimer

        from benchmarks import script

        self.monitor.phase = "answering"
        text = script.answer(need)
        words = text.split(" ")
        step = max(1, -(-len(words) // BURSTS))
        parts = [" ".join(words[i : i + step]) for i in range(0, len(words), step)]
        for n, part in enumerate(parts):
            QTimer.singleShot(
                BURST_MS * (n + 1), lambda p=part, first=n == 0: self._paste(p, first)
            )
        QTimer.singleShot(BURST_MS * (len(parts) + 1), self._submit)

    def _paste(self, part: str, first: bool) -> None:
        box = self.window.interview.answer
        box.moveCursor(box.textCursor().MoveOperation.End)
        box.insertPlainText(part if first else " " + part)

    def _submit(self) -> None:
        self.monitor.phase = "submitted"
        self.submits.append(time.perf_counter())
        self.window.interview.submit_action.trigger()

    # -------------------------------------------------------------- the end

    def _on_grading_progress(self, done: int, total: int) -> None:
        if total and done == total:
            self.last_graded_at = time.perf_counter()

    def _on_finished(self, _results: Any) -> None:
        from PySide6.QtCore import QTimer

        self.finished_at = time.perf_counter()
        self.true_refs_lost = self.true_refs - sys.getrefcount(True)
        self.monitor.phase = "feedback built"
        self._paint_watch.armed = True
        # A guard, in case no frame ever comes (or the page never completes).
        QTimer.singleShot(10_000 + 1_000 * self.questions, self.app.quit)

    def _on_feedback_painted(self) -> None:
        self.painted_at = time.perf_counter()
        self.monitor.phase = "feedback on screen"
        self._wait_for_page()

    def _wait_for_page(self) -> None:
        """Measure until every question card is complete and painted, then a tail."""
        from PySide6.QtCore import QTimer

        if self.window.feedback.building:
            QTimer.singleShot(5, self._wait_for_page)
            return
        # Complete means readable: the first frame painted after the last card is built.
        self._complete_watch.armed = True
        self.window.feedback.update()

    def _on_page_painted(self) -> None:
        from PySide6.QtCore import QTimer

        self.page_built_at = time.perf_counter()
        self.monitor.phase = "feedback complete"
        QTimer.singleShot(TAIL_MS, self.app.quit)

    def result(self) -> dict[str, Any]:
        from benchmarks.common import median

        results = self.controller.results
        records = results.records if results is not None else []
        grade_seconds = list(self.grader.seconds)
        nan = float("nan")
        last_submit = self.submits[-1] if self.submits else nan
        chars = sum(s["chars"] for s in self.streams)
        stream_seconds = sum(s["seconds"] for s in self.streams)
        return {
            "error": self.error,
            "questions": self.questions,
            "answered": sum(1 for r in records if r.status == "answered"),
            "graded": sum(1 for r in records if r.grade is not None),
            "grade_errors": [r.grade_error for r in records if r.grade_error],
            "interview_seconds": self.finished_at - self.started_at,
            "stalls": self.monitor.summary(),
            # On screen: the feedback screen's first frame has been painted.
            "report_seconds": self.painted_at - last_submit if self.painted_at else nan,
            # Every question card built (the page fills in after the first frame).
            "page_seconds": self.page_built_at - last_submit if self.page_built_at else nan,
            "to_last_grade_s": self.last_graded_at - last_submit,
            "to_feedback_built_s": self.finished_at - last_submit,
            "grade_seconds": grade_seconds,
            "grade_median_s": median(grade_seconds),
            "stream_chars": chars,
            "stream_seconds": stream_seconds,
            "streamed_texts": [s["text"] for s in self.streams],
            "rss_kb": _rss_kb(),
            "launch_s": self.launch_s,
            # Question cards built ahead during the interview that the page took (issue 18).
            "cards_reused": getattr(self.window.feedback, "reused_cards", 0),
            "first_question_s": (
                self.first_piece_at - self.started_at if self.first_piece_at else nan
            ),
            "true_refs_lost": self.true_refs_lost,
            "true_refs_left": sys.getrefcount(True),
        }


def run_interview(
    questions: int,
    grade_latency: float,
    decide_latency: float,
    long_track: bool = False,
    profile: bool = False,
) -> dict[str, Any]:
    from PySide6.QtCore import QTimer

    from benchmarks.stall_profile import StallProfiler

    profiler = StallProfiler() if profile else None
    if profiler is not None:
        profiler.start()
    track = ""
    if long_track:
        # Written by a child of its own, so this process launches the app with nothing
        # of it imported yet.
        import subprocess

        code = (
            "from benchmarks import long_track; from interviewer.storage.paths import app_paths; "
            f"print(long_track.write(app_paths().content_dir, {questions}))"
        )
        track = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout.strip()
    driver = Driver(questions, grade_latency, decide_latency, track)
    if os.environ.get("BENCH_SWITCH_INTERVAL_MS"):  # an experiment: the GIL's time slice
        sys.setswitchinterval(float(os.environ["BENCH_SWITCH_INTERVAL_MS"]) / 1000)
    QTimer.singleShot(0, driver.start)
    # A guard, not a measurement: a broken run must end rather than hang the benchmarks.
    QTimer.singleShot(int((30 + 8 * questions) * 1000), driver.app.quit)
    driver.app.exec()
    driver.monitor.stop()
    out = driver.result()
    if profiler is not None:
        profiler.stop()
        out["gc"] = profiler.gc_summary()
        import bisect

        times, phases = driver.monitor.times, driver.monitor.phases
        out["gc"]["full"] = [
            {
                "ms": round(ms, 1),
                "phase": phases[min(bisect.bisect_left(times, t), len(phases) - 1)]
                if times and t >= times[0] - 1
                else "before launch",
            }
            for t, ms in profiler.full_collections()
        ]
        out["stall_profiles"] = [
            {"ms": round(ms, 1), "phase": phase, **profiler.explain(a, b)}
            for a, b, ms, phase in driver.monitor.long_stalls(
                float(os.environ.get("BENCH_PROFILE_OVER_MS", "50"))
            )
        ]
    driver.controller.shutdown(3000)
    driver.controller.store.close()
    return out


def run_headless(questions: int, grade_latency: float, decide_latency: float) -> dict[str, Any]:
    """The scripted interview through the service with no front end; see the module doc."""
    from benchmarks import script
    from benchmarks.common import median
    from interviewer.session import Event, GradingProgress

    grader = script.TimedGrader(latency=grade_latency)
    backend = script.scripted_backend(grader=grader, decider=script.SlowDecider(decide_latency))
    submits: list[float] = []
    last_graded = [0.0]

    def on_event(event: Event) -> None:
        if isinstance(event, GradingProgress) and event.graded == event.handed_out:
            last_graded[0] = time.perf_counter()

    started = time.perf_counter()
    session = script.run_session(
        questions,
        backend=backend,
        on_event=on_event,
        on_submit=lambda: submits.append(time.perf_counter()),
    )
    finished = time.perf_counter()
    results = session.results
    records = results.records if results is not None else []
    last_submit = submits[-1] if submits else float("nan")
    return {
        "questions": questions,
        "answered": sum(1 for r in records if r.status == "answered"),
        "graded": sum(1 for r in records if r.grade is not None),
        "interview_seconds": finished - started,
        "to_last_grade_s": last_graded[0] - last_submit,
        "to_report_s": finished - last_submit,
        "grade_median_s": median(list(grader.seconds)),
        "rss_kb": _rss_kb(),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.interview")
    parser.add_argument("--questions", type=int, default=10)
    parser.add_argument("--grade-latency", type=float, default=0.5)
    parser.add_argument("--decide-latency", type=float, default=0.3)
    parser.add_argument("--idle", type=float, default=0.0, metavar="SECONDS")
    parser.add_argument(
        "--long-track", action="store_true", help="on a custom track of --questions questions"
    )
    parser.add_argument(
        "--profile-stalls", action="store_true", help="sample the GUI thread in long stalls"
    )
    parser.add_argument("--headless", action="store_true", help="the service alone, no window")
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if args.headless:
        out = run_headless(args.questions, args.grade_latency, args.decide_latency)
    elif args.idle:
        out = run_idle(args.idle)
    else:
        out = run_interview(
            args.questions,
            args.grade_latency,
            args.decide_latency,
            args.long_track,
            args.profile_stalls,
        )
    print(json.dumps(out), flush=True)
    sys.stderr.flush()
    # Skip interpreter finalisation: with PySide6 6.12.0 on Python 3.11 it can abort
    # ("bool_dealloc") after a long session, which says nothing about the interview
    # measured here. See `true_refs_lost` and docs/performance.md.
    os._exit(0)


if __name__ == "__main__":
    main()
