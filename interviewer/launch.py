"""The `interviewer` command's entry point: the desktop app's first frame before anything else.

`interviewer` with no arguments (or `interviewer gui`) opens the desktop app. Going
through `interviewer.cli` first would import the whole command line (pydantic models,
the engine, export, the terminal) before a window could show, several times as long as
the window itself; so when the display has been checked before with this same Qt install
(`gui.boot.qt_checked`), the app starts in two phases from here (`gui.boot.run`).
Everything else, including the first start on a machine (the command line checks Qt's
system libraries and names any that are missing), goes through `interviewer.cli.main`.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args in ([], ["gui"]):
        from interviewer.gui.boot import qt_checked, run

        if qt_checked():
            return run(None)
    from interviewer.cli import main as cli_main

    return cli_main(args)


if __name__ == "__main__":
    sys.exit(main())
