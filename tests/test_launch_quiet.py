"""A launch from a terminal prints nothing about Qt Multimedia's optional libraries: its
back end, loaded ahead on the loading thread, warned once for each library it looked for
and did not find (VA-API, PipeWire), ten lines on a machine without them."""

from __future__ import annotations

import os
import subprocess
import sys

from PySide6.QtCore import QLoggingCategory

from interviewer.gui import boot

LAUNCH = """
from interviewer.gui import boot
app, shell, loader = boot.show_shell(None)
loader.ready.connect(app.quit)
app.exec()
loader.window.controller.shutdown(3000)
loader.close_down()
print("LOADED")
"""

#: What the back end prints when it loads, without the filter rule (the control).
PRELOAD_ONLY = """
from PySide6.QtWidgets import QApplication
from interviewer.gui import boot
app = QApplication([])
boot._preload_multimedia()
import PySide6.QtMultimedia
print("LOADED")
"""


def _stderr(script: str, **extra: str) -> str:
    env = dict(os.environ, PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring", **extra)
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, env=env
    )
    assert done.returncode == 0 and "LOADED" in done.stdout, done.stderr[-2000:]
    return done.stderr


def test_the_filter_rule_turns_off_the_back_ends_library_warnings() -> None:
    # The stubs want bytes; PySide6 takes only str at run time.
    category = QLoggingCategory("qt.multimedia.symbolsresolver")  # type: ignore[arg-type]
    other = QLoggingCategory("qt.multimedia.audio")  # type: ignore[arg-type]
    boot.quiet_media_probe()
    assert not category.isWarningEnabled()
    # Other Qt Multimedia warnings (a device that failed) still reach the handlers.
    assert other.isWarningEnabled()


def test_a_whole_start_prints_no_multimedia_warnings() -> None:
    assert "qt.multimedia" not in _stderr(LAUNCH)


def test_qt_logging_rules_still_show_them() -> None:
    # The user's own rules win over the app's; where the libraries are missing (most
    # machines without a desktop, like CI's) this shows the warnings do come and that
    # the launch above is quiet because of the rule.
    shown = _stderr(LAUNCH, QT_LOGGING_RULES="qt.multimedia.symbolsresolver=true")
    if "qt.multimedia.symbolsresolver" not in _stderr(PRELOAD_ONLY):
        assert "qt.multimedia.symbolsresolver" not in shown  # every library was found
    else:
        assert "qt.multimedia.symbolsresolver" in shown
