"""Run work off the GUI thread and bring its outcome back on the GUI thread.

Design rule 2 (anchor: Anki's `qt/aqt/operations/__init__.py`, QueryOp): a worker gets
plain data and hands plain data back; it never sees a widget. Two shapes live here:

`QueryOp` is the one way the window runs a single piece of background work (store
reads and writes, discovery, connection tests, report export)::

    QueryOp(parent=self, op=lambda: store.list_sessions(), success=self._on_rows)
        .failure(self._on_rows_failed)
        .run_in_background()

`op` runs on a pool thread; `success(result)` or `failure(exception)` then runs on the
GUI thread, and at most one of them. Neither runs when the op was cancelled, when the
parent QObject has been deleted, or when the parent is a widget whose window was showing
when the op started and has been closed (hidden) since: a late result never touches a
closed window. The op itself is not interrupted (a thread cannot be), so an op that can
stop early takes the `CancelToken` it shares with its QueryOp and checks it.

`TaskRunner` carries the interview controller's backend calls, which also stream text
and notices while they run; each outcome arrives as a signal on the GUI thread.

Imports the workers need are made on the GUI thread before a worker that needs them
starts (`warm_up`, and QueryOp's `needs`): a GUI test once crashed while a worker
imported the HTTP stack for the first time and the main thread waited on a signal.
Python's import machinery is thread-safe on paper; importing extension modules (TLS
setup, truststore, Qt pieces) on a pool thread while the GUI thread runs Qt is where
that guarantee has not held.
"""

from __future__ import annotations

import importlib
import itertools
import logging
import sys
from collections.abc import Callable
from typing import Any, Generic, TypeVar

import shiboken6
from PySide6.QtCore import (
    QCoreApplication,
    QObject,
    QRunnable,
    Qt,
    QThread,
    QThreadPool,
    Signal,
    Slot,
)
from PySide6.QtWidgets import QWidget

from interviewer.core.errors import Cancelled, InterviewerError
from interviewer.llm.base import CLIENT_IMPORT_LOCK, CancelToken

log = logging.getLogger(__name__)

T = TypeVar("T")

#: Shown when a backend raises something that is not one of our errors (a bug): the user
#: gets a plain sentence, the traceback goes to the log.
UNEXPECTED = "Something went wrong inside the app while talking to the model ({name})."
#: The same for background work that is not a model call (store, files, discovery).
UNEXPECTED_OP = "Something went wrong inside the app ({name}); the log has the details."

# ------------------------------------------------------------------------ warm-up

#: The HTTP stack a model call or a connection test needs. Its transport, TLS, resource
#: and streaming modules are otherwise imported lazily by the first request (measured:
#: httpcore2._sync, h11, truststore, anyio.streams.tls, openai.resources.models,
#: openai.lib.streaming, jiter, encodings.idna); tests/test_queryop.py checks, in a fresh
#: interpreter, that after `warm_up` the workers' jobs (a streamed turn, a follow-up, a
#: grade, a failed call, a connection test) import nothing new.
HTTP_STACK: tuple[str, ...] = (
    "interviewer.llm.openai_backend",
    "openai.pagination",
    "openai.resources.models",
    "openai.resources.chat",
    "openai.resources.chat.chat",
    "openai.resources.chat.completions",
    "openai.resources.chat.completions.completions",
    "openai.resources.chat.completions.messages",
    "openai.types.chat.completions",
    # a streamed reply and structured output (jiter is a compiled extension)
    "openai.lib.streaming",
    "openai.lib.streaming.chat",
    "openai.lib._chat_completion_resources",
    "jiter",
    "httpcore2",
    "httpcore2._sync",
    "httpcore2._sync.connection",
    "httpcore2._sync.connection_pool",
    "httpcore2._sync.http11",
    "httpcore2._sync.http_proxy",
    "httpcore2._backends.sync",
    "httpcore2._backends.auto",
    "httpcore2._backends.anyio",
    "httpcore2._async",
    "anyio.abc",
    "anyio.streams.tls",
    "h11",
    "truststore",
    "encodings.idna",
    "encodings.unicode_escape",
    "stringprep",
)
#: Local server discovery (plain http.client).
DISCOVERY: tuple[str, ...] = ("interviewer.llm.discovery", "http.client", "encodings.idna")
#: Report export: every format, the PDF with Qt's printing.
EXPORT: tuple[str, ...] = (
    "interviewer.export",
    "interviewer.export.view",
    "interviewer.export.markdown",
    "interviewer.export.html",
    "interviewer.export.json_export",
    "interviewer.export.pdf",
)
#: Every QueryOp: the session store (already loaded by the window; cheap to check).
BASE: tuple[str, ...] = ("interviewer.storage.store",)

_warmed: set[str] = set()
#: One lock with every other import of the client's modules (llm.base.CLIENT_IMPORT_LOCK).
_warm_lock = CLIENT_IMPORT_LOCK


def warm_up(modules: tuple[str, ...]) -> None:
    """Import `modules` on the calling (GUI) thread, each once per process.

    QueryOp calls it with what its op `needs` before starting the op, and TaskRunner
    with the HTTP stack before its first model call. Paid when a kind of work is first
    used, not at start-up: importing openai takes about a second, and the offline coach
    never needs it. A module that is missing (a part of a newer or older HTTP stack) is
    skipped: the worker imports it lazily as before, and the fresh-interpreter test
    names it.
    """
    todo = [m for m in modules if m not in _warmed]
    if not todo:
        return
    with _warm_lock:
        for name in todo:
            try:
                importlib.import_module(name)
            except ImportError:
                log.debug("warm-up: %s is not importable here", name)
            _warmed.add(name)


def _on_gui_thread() -> bool:
    app = QCoreApplication.instance()
    return app is None or app.thread() is QThread.currentThread()


def user_message(exc: BaseException) -> str:
    """The sentence a failure callback shows: ours say what to do; anything else is a bug."""
    if isinstance(exc, InterviewerError):
        return str(exc)
    return UNEXPECTED_OP.format(name=type(exc).__name__)


# ------------------------------------------------------------------------ QueryOp

#: QueryOps started and not yet delivered, by id. The worker holds only the id and the
#: dispatcher (which is never deleted), so no Qt object's lifetime depends on a worker.
_RUNNING: dict[int, QueryOp[Any]] = {}
_ids = itertools.count(1)


def running_ops() -> int:
    """How many QueryOps have not delivered their outcome yet (tests wait for 0)."""
    return len(_RUNNING)


class _Dispatcher(QObject):
    """Lives on the GUI thread for the life of the process; workers emit on it, so its
    slot, and every QueryOp callback, runs on the GUI thread."""

    done = Signal(int, object, object)  # op id, result, exception (one of them is None)

    def __init__(self) -> None:
        super().__init__()
        self.done.connect(self._on_done, Qt.ConnectionType.QueuedConnection)

    @Slot(int, object, object)
    def _on_done(self, op_id: int, result: object, error: object) -> None:
        op = _RUNNING.get(op_id)
        if op is None:
            return
        try:
            op._deliver(result, error if isinstance(error, BaseException) else None)
        finally:
            # Removed after the callbacks ran: an op they start is counted before this
            # one stops being counted, so `running_ops() == 0` means everything settled.
            _RUNNING.pop(op_id, None)


_dispatcher: _Dispatcher | None = None


def _the_dispatcher() -> _Dispatcher:
    global _dispatcher
    if _dispatcher is None or not shiboken6.isValid(_dispatcher):
        _dispatcher = _Dispatcher()
    return _dispatcher


class _OpRunnable(QRunnable):
    def __init__(
        self, op_id: int, op: Callable[[], Any], dispatcher: _Dispatcher, token: CancelToken
    ) -> None:
        super().__init__()
        self._id = op_id
        self._op = op
        self._dispatcher = dispatcher
        self._token = token

    def run(self) -> None:
        signal = self._dispatcher.done
        if self._token.cancelled:
            signal.emit(self._id, None, Cancelled("Cancelled before it started."))
            return
        try:
            result = self._op()
        except BaseException as exc:  # delivered to failure(); a bug must not kill the app
            signal.emit(self._id, None, exc)
        else:
            signal.emit(self._id, result, None)
        self._op = _nothing  # drop the closure's data here, not at some later GC


def _nothing() -> None:
    return None


class QueryOp(Generic[T]):
    """One piece of background work with its callbacks on the GUI thread.

    `needs` names the modules the op imports (`HTTP_STACK`, `DISCOVERY`, `EXPORT`): they
    are imported on the GUI thread before the op starts. `parent` decides whether the
    callbacks still make sense: a deleted parent, or a
    widget whose window has been closed since the start, drops them. `op` must be plain
    work on plain data: it may not be a method of a QObject (a widget's state read from a
    pool thread is the bug this class exists to prevent), and a QObject it returns is
    turned into a failure (a Qt object made on a pool thread belongs to that thread).
    """

    def __init__(
        self,
        *,
        parent: QObject,
        op: Callable[[], T],
        success: Callable[[T], None],
        cancel: CancelToken | None = None,
        needs: tuple[str, ...] = (),
        pool: QThreadPool | None = None,
    ) -> None:
        owner = getattr(op, "__self__", None)
        if isinstance(owner, QObject):
            raise TypeError(
                f"QueryOp's op is a method of {type(owner).__name__}: pass plain data to "
                "a plain function instead, so no Qt object is used off the GUI thread."
            )
        self._parent = parent
        self._op = op
        self._success = success
        self._failure: Callable[[Exception], None] | None = None
        self._token = cancel if cancel is not None else CancelToken()
        self._needs = BASE + needs
        self._pool = pool
        self._started = False
        self._finished = False
        self._window_was_shown = False

    @property
    def cancel_token(self) -> CancelToken:
        return self._token

    @property
    def running(self) -> bool:
        """Started and its outcome not delivered (or dropped) yet."""
        return self._started and not self._finished

    def failure(self, fn: Callable[[Exception], None]) -> QueryOp[T]:
        """What to do on the GUI thread if `op` raised (default: log it)."""
        self._failure = fn
        return self

    def cancel(self) -> None:
        """No callback will run; an op that checks the token stops early."""
        self._token.cancel()

    def run_in_background(self) -> QueryOp[T]:
        """Start `op` on a pool thread. Call on the GUI thread, once."""
        if self._started:
            raise RuntimeError("A QueryOp runs once; make a new one to run again.")
        if not _on_gui_thread():
            raise RuntimeError("QueryOp.run_in_background must be called on the GUI thread.")
        warm_up(self._needs)
        self._started = True
        if isinstance(self._parent, QWidget):
            self._window_was_shown = self._parent.window().isVisible()
        op_id = next(_ids)
        _RUNNING[op_id] = self
        pool = self._pool or QThreadPool.globalInstance()
        pool.start(_OpRunnable(op_id, self._op, _the_dispatcher(), self._token))
        return self

    def _parent_gone(self) -> bool:
        if not shiboken6.isValid(self._parent):
            return True
        if isinstance(self._parent, QWidget) and self._window_was_shown:
            return not self._parent.window().isVisible()
        return False

    def _deliver(self, result: object, error: BaseException | None) -> None:
        self._finished = True
        self._op = _nothing  # type: ignore[assignment]
        if self._token.cancelled or self._parent_gone():
            return
        if error is None and isinstance(result, QObject):
            error = TypeError(
                f"QueryOp's op returned a {type(result).__name__}, a Qt object made on a "
                "worker thread; return plain data and build Qt objects in success()."
            )
        if error is None:
            self._success(result)  # type: ignore[arg-type]
            return
        if not isinstance(error, Exception):  # KeyboardInterrupt, SystemExit: not ours
            raise error
        if not isinstance(error, InterviewerError):
            log.error("background work failed", exc_info=error)
        if self._failure is not None:
            self._failure(error)


# ------------------------------------------------------------------------ TaskRunner


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
    """A thread pool plus the signals that carry its tasks' outcomes to the GUI thread.

    The controller's streamed model calls run here (a task reports text as it arrives,
    which QueryOp's one-result shape does not carry). A task is identified by the integer
    `submit` returns; the controller ignores results of tasks it no longer cares about.
    """

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
        if "openai" in sys.modules:
            # A backend that speaks HTTP is loaded: its first call must not import the
            # transport on a worker. (The offline coach and test doubles never load it.)
            warm_up(HTTP_STACK)
        task_id = self._next_id
        self._next_id += 1
        self.pool.start(_Task(self, task_id, fn, cancel))
        return task_id

    def wait(self, msecs: int = -1) -> bool:
        """Block until every task has returned (used when closing the window)."""
        return bool(self.pool.waitForDone(msecs))
