"""Entry point of the PyInstaller bundle: the same `main` as the `interviewer` command.

One extra switch, `--bundle-self-check`, checks from inside the frozen app that every
file the app reads at run time was carried into the bundle (content, prompts, tokenizer
data, report schema, keyring backends, Qt plugins). packaging/build.sh runs it after each
build; a packager can run it on any machine the bundle is copied to.
"""

from __future__ import annotations

import sys


def run() -> int:
    if sys.argv[1:2] == ["--bundle-self-check"]:
        import bundle_check

        return bundle_check.main()
    from interviewer.cli import main

    return main()


if __name__ == "__main__":
    sys.exit(run())
