"""Run backend calls off the GUI thread and bring their results back as signals.

Design rule 2 (anchor: Anki's QueryOp): a worker gets plain data (a request object and a
backend) and hands plain data back; it never sees a widget. Results, streamed pieces and
failures travel through the signals of one `TaskRunner`, which lives on the GUI thread, so
every slot that receives them runs on the GUI thread too (Qt queues signals that are
emitted from another thread).

A task is identified by the integer `submit` returns. The runner does not know what a
task is for; the controller keeps that table and simply ignores results of tasks it no
longer cares about (cancelled, or overtaken by the interview ending).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from interviewer.core.errors import Cancelled, InterviewerError
from interviewer.llm.base import CancelToken

log = logging.getLogger(__name__)

#: Shown when a backend raises something that is not one of our errors (a bug): the user
#: gets a plain sentence, the traceback goes to the log.
UNEXPECTED = "Something went wrong inside the app while talking to the model ({name})."


class Progress:
    """What a running task may report besides its result: streamed text and notices.

    Handed to the task function instead of the signals themselves so the function can be
    called from a test without Qt, and so it cannot emit a result by mistake.
    """

    def __init__(self, runner: TaskRunner, task_id: int) -> None:
        self._runner = runner
        self._task_id = task_id

    def delta(self, piece: str) -> None:
        self._runner.delta.emit(self._task_id, piece)

    def notice(self, message: str) -> None:
        self._runner.notice.emit(self._task_id, message)


TaskFn = Callable[[Progress], Any]


class _Task(QRunnable):
    def __init__(
        self, runner: TaskRunner, task_id: int, fn: TaskFn, cancel: CancelToken | None
    ) -> None:
        super().__init__()
        self._runner = runner
        self._task_id = task_id
        self._fn = fn
        self._cancel = cancel

    def run(self) -> None:
        runner, task_id = self._runner, self._task_id
        try:
            result = self._fn(Progress(runner, task_id))
        except Cancelled:
            runner.cancelled.emit(task_id)
        except InterviewerError as err:
            if self._cancel is not None and self._cancel.cancelled:
                runner.cancelled.emit(task_id)
            else:
                runner.failed.emit(task_id, str(err))
        except Exception as exc:  # a bug in a backend must not take the window down
            log.exception("background task %s failed", task_id)
            runner.failed.emit(task_id, UNEXPECTED.format(name=type(exc).__name__))
        else:
            if self._cancel is not None and self._cancel.cancelled:
                runner.cancelled.emit(task_id)
            else:
                runner.succeeded.emit(task_id, result)


class TaskRunner(QObject):
    """A thread pool plus the signals that carry its tasks' outcomes to the GUI thread."""

    delta = Signal(int, str)
    notice = Signal(int, str)
    succeeded = Signal(int, object)
    failed = Signal(int, str)
    cancelled = Signal(int)

    def __init__(self, max_threads: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(max_threads)
        self._next_id = 1

    def submit(self, fn: TaskFn, cancel: CancelToken | None = None) -> int:
        task_id = self._next_id
        self._next_id += 1
        self.pool.start(_Task(self, task_id, fn, cancel))
        return task_id

    def wait(self, msecs: int = -1) -> bool:
        """Block until every task has returned (used when closing the window)."""
        return bool(self.pool.waitForDone(msecs))
