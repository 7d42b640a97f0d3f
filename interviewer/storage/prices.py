"""Read and write the user's price table, prices.json in the config folder.

The table's format and validation live in `interviewer.core.cost` (which does no I/O);
this module finds the file, reads or writes it, and hands the text over.
"""

from __future__ import annotations

from pathlib import Path

from interviewer.core.cost import (
    DEFAULT_PRICES,
    PRICES_FILE,
    Price,
    invalid_prices,
    parse_prices,
    prices_template,
)
from interviewer.core.errors import ConfigError
from interviewer.storage.paths import app_paths


def prices_path() -> Path:
    """Where the user's price table lives (beside settings.json)."""
    return app_paths().config_dir / PRICES_FILE


def load_prices(path: Path) -> dict[str, Price]:
    """Defaults, overridden by the user's file; a broken file names itself and the problem."""
    if not path.exists():
        return dict(DEFAULT_PRICES)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, ValueError) as exc:  # ValueError: UnicodeDecodeError
        raise invalid_prices(str(path), str(exc) or type(exc).__name__) from None
    return parse_prices(text, str(path))


def load_prices_or_defaults(path: Path | None = None) -> tuple[dict[str, Price], str]:
    """The price table and a warning to show ("" when the file was fine or absent).

    A broken prices.json must not stop an interview or a report: the built-in prices
    stand in, and the warning names the file and the problem.
    """
    try:
        return load_prices(path if path is not None else prices_path()), ""
    except ConfigError as err:
        return dict(DEFAULT_PRICES), str(err)


def write_prices_template(path: Path | None = None) -> Path:
    """Write the built-in prices to prices.json for editing; an existing file is kept."""
    target = path if path is not None else prices_path()
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(prices_template(), encoding="utf-8")
    return target
