"""`python -m interviewer.core.injection` writes the table of words each injection
pattern needs (`_required_words.py`, see prefilter.py). Run it after editing a pattern;
tests/test_injection_prefilter.py says when it is due."""

from pathlib import Path

from interviewer.core.injection import prefilter
from interviewer.core.injection.patterns import PATTERNS

prefilter.write_table(
    (p.compile() for p in PATTERNS), Path(prefilter.__file__).with_name("_required_words.py")
)
