"""`python -m tests.write_injection_words` writes the table of words each injection
pattern needs (`interviewer/core/injection/_required_words.py`, see prefilter.py). Run it
after editing a pattern; tests/test_injection_prefilter.py says when it is due. (A
developer's tool, kept out of `interviewer.core`, which does no I/O.)"""

from pathlib import Path

from interviewer.core.injection import prefilter
from interviewer.core.injection.patterns import PATTERNS


def main() -> None:
    target = Path(prefilter.__file__).with_name("_required_words.py")
    target.write_text(prefilter.table_source(p.compile() for p in PATTERNS), encoding="utf-8")


if __name__ == "__main__":
    main()
