"""Read the prompt templates from a prompts folder and hand them to core.

`interviewer.core.prompts.PromptLibrary` compiles and checks templates but reads no
files; this loader reads every template file of a folder (the five the app needs, and
any other `*.j2` a template may include) and builds the library from their text.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from interviewer.core.errors import ContentError
from interviewer.core.prompts import TEMPLATES, PromptLibrary

_PKG_ROOT = Path(__file__).resolve().parent.parent


def default_prompts_dir() -> Path:
    """The packaged copy in an installed wheel, else `prompts/` in a source checkout."""
    packaged = _PKG_ROOT / "content" / "prompts"
    if packaged.is_dir():
        return packaged
    return _PKG_ROOT.parent / "prompts"


def read_templates(prompts_dir: Path) -> dict[str, str]:
    """File name -> text for the folder's templates; a missing one is simply absent.

    A file that exists but cannot be read (permissions, not UTF-8) is a ContentError
    naming it: reporting it as missing would send the user looking for the wrong fault.
    """
    folder = Path(prompts_dir)
    names = set(TEMPLATES)
    if folder.is_dir():
        names |= {p.name for p in folder.glob("*.j2")}
    texts: dict[str, str] = {}
    for name in sorted(names):
        path = folder / name
        try:
            texts[name] = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            continue
        except UnicodeDecodeError:
            raise ContentError(str(path), "", "not UTF-8 text") from None
        except OSError as exc:
            raise ContentError(str(path), "", f"cannot read: {exc.strerror or exc}") from None
    return texts


def load_prompts(prompts_dir: Path) -> PromptLibrary:
    """The prompt library of one folder, read now and checked up front."""
    return PromptLibrary(read_templates(prompts_dir), prompts_dir)


@lru_cache(maxsize=4)
def _library(prompts_dir: Path) -> PromptLibrary:
    return load_prompts(prompts_dir)


def default_library() -> PromptLibrary:
    """The shipped prompts, read once per process."""
    return _library(default_prompts_dir())
