"""Model backends behind one small protocol (base.py).

The core reads no files, so importing this package hands it what the backends rely on,
loaded by storage: the shipped tokenizer files (token counting, the prompt budget) and
the built-in question bank (grading compares an answer with the bank's questions). Both
are read on first use, not here.
"""

from interviewer.storage import content_files as _content_files  # noqa: F401
from interviewer.storage import tokenizer as _tokenizer  # noqa: F401
