"""What the GUI thread was doing during each long stall: a sampling profiler and GC timer.

py-spy is not installed, so this samples from inside the process: a daemon thread reads
the GUI thread's Python stack (`sys._current_frames`) every `SAMPLE_MS` and keeps the
samples with their time; `gc.callbacks` times every garbage collection on the GUI thread.
After the run, `explain(start, end)` says for one stall (in `perf_counter` seconds) how
long the collector ran inside it and which stacks were seen most often. A stack is
sampled only when the sampler gets the interpreter, so a stall spent in one long C++
call (a Qt layout pass that never returns to Python) shows as the Python frame that made
the call.

`python -m benchmarks.interview --questions 10 --profile-stalls` adds `stall_profiles` to
its JSON: for every stall over 50 ms, its phase, length, GC time and top stacks.
"""

from __future__ import annotations

import collections
import gc
import sys
import threading
import time
from typing import Any

SAMPLE_MS = 2
DEPTH = 14


def _stack(frame: Any) -> tuple[str, ...]:
    out: list[str] = []
    while frame is not None and len(out) < DEPTH:
        code = frame.f_code
        name = code.co_filename.rsplit("/", 2)
        out.append(f"{'/'.join(name[-2:])}:{frame.f_lineno} {code.co_name}")
        frame = frame.f_back
    return tuple(out)


class StallProfiler:
    def __init__(self) -> None:
        self.main_id = threading.main_thread().ident or 0
        self.samples: collections.deque[tuple[float, tuple[str, ...]]] = collections.deque(
            maxlen=200_000
        )
        self.gcs: list[tuple[float, float, int, bool]] = []  # start, end, generation, main
        self._gc_start = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="stall-sampler", daemon=True)

    def start(self) -> None:
        gc.callbacks.append(self._on_gc)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(1.0)
        if self._on_gc in gc.callbacks:
            gc.callbacks.remove(self._on_gc)

    def _on_gc(self, phase: str, info: dict[str, int]) -> None:
        now = time.perf_counter()
        if phase == "start":
            self._gc_start = now
        else:
            main = threading.get_ident() == self.main_id
            self.gcs.append((self._gc_start, now, info.get("generation", -1), main))

    def _run(self) -> None:
        while not self._stop.wait(SAMPLE_MS / 1000):
            frame = sys._current_frames().get(self.main_id)
            if frame is not None:
                self.samples.append((time.perf_counter(), _stack(frame)))

    def gc_summary(self) -> dict[str, Any]:
        """Every collection on the GUI thread: how many, the longest and the total (ms)."""
        main = [(b - a) * 1000 for a, b, _gen, on_main in self.gcs if on_main]
        full = [(b - a) * 1000 for a, b, gen, on_main in self.gcs if on_main and gen == 2]
        return {
            "count": len(main),
            "max_ms": round(max(main, default=0.0), 2),
            "total_ms": round(sum(main), 1),
            "full_count": len(full),
            "full_max_ms": round(max(full, default=0.0), 2),
        }

    def full_collections(self) -> list[tuple[float, float]]:
        """(start, ms) of every full collection, on any thread (all hold the interpreter)."""
        return [(a, (b - a) * 1000) for a, b, gen, _main in self.gcs if gen == 2]

    def explain(self, start: float, end: float) -> dict[str, Any]:
        gc_ms = 0.0
        gens = []
        for a, b, gen, main in self.gcs:
            if main and b > start and a < end:
                gc_ms += (min(b, end) - max(a, start)) * 1000
                gens.append(gen)
        seen = [s for t, s in self.samples if start <= t <= end]
        counts = collections.Counter(seen).most_common(3)
        return {
            "gc_ms": round(gc_ms, 1),
            "gc_generations": gens,
            "samples": len(seen),
            "top": [{"count": c, "stack": list(s)} for s, c in counts],
        }
