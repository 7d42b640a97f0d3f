"""Guards against known-bad Qt bindings: a crash twenty minutes into an interview is the
worst kind of bug, and it came from the binding, not from our code."""

from __future__ import annotations

import subprocess
import sys


def test_signal_emit_does_not_leak_references_to_true() -> None:
    """PySide6 6.12.0 lost a reference to True on every emit and aborted after ~5,000."""
    script = (
        "import sys\n"
        "from PySide6.QtCore import QCoreApplication, QObject, Signal\n"
        "app = QCoreApplication([])\n"
        "class O(QObject):\n"
        "    s = Signal(int)\n"
        "o = O()\n"
        "before = sys.getrefcount(True)\n"
        "for _ in range(20000):\n"
        "    o.s.emit(1)\n"
        "print(sys.getrefcount(True) - before)\n"
    )
    r = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, f"the Qt binding crashed on repeated emits: {r.stderr[-300:]}"
    assert abs(int(r.stdout.strip())) < 100
