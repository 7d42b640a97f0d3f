"""Grading a coding answer: the tests decide correctness, the code shows the rest.

Pure functions (core does no I/O): the session or the command line runs the hidden tests
in a guarded child process (`interviewer/coding/runner.py`) and hands the results in, as
`GradeRequest.tests`. Then:

* correctness is the share of hidden tests passed, whatever a grader says
  (`correctness_score`): all pass 5, three quarters 4, half 3, any 2, none 1;
* the other criteria (edge cases, efficiency and vectorisation, readability,
  explanation) come from a model grader, which sees the code and the test table, or from
  the offline coach (`coach_draft`), which reads the code: Python loops over data where
  NumPy would do it at once, nested loops, function length, one-letter names, the edge
  cases the tests probe and whether the code guards them, comments and the spoken or
  typed explanation in the follow-ups;
* evidence is quoted lines of the candidate's code (or explanation); a quote that is not
  a real piece of what the candidate wrote is dropped, and a criterion left with no
  evidence cannot score above `NO_EVIDENCE_CODE_CAP` (`finalize_code`).

Also here, because the runner and the grade both need them: the syntax check
("SyntaxError on line 7: invalid syntax") and the import check that runs before any code
does.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Sequence
from typing import cast

from interviewer.core.grading.evidence import EvidenceIndex
from interviewer.core.injection import injection_spans, strip_injection
from interviewer.core.models import (
    CodingSpec,
    CriterionDraft,
    CriterionScore,
    Grade,
    GradeDraft,
    Question,
    Rubric,
    ScoreValue,
    TestSummary,
)
from interviewer.core.requests import GradeRequest

#: Modules a coding answer may import: NumPy and the standard library's maths and data
#: structures. Anything else (pandas, scikit-learn, os, subprocess) is refused.
ALLOWED_MODULES = frozenset(
    {
        "numpy",
        "math",
        "cmath",
        "statistics",
        "random",
        "collections",
        "itertools",
        "functools",
        "operator",
        "heapq",
        "bisect",
        "typing",
        "dataclasses",
        "__future__",
        "re",
        "string",
        "copy",
        "fractions",
        "decimal",
        "numbers",
        "enum",
        "abc",
        "sys",
    }
)
#: A criterion with no verified quote cannot score above this.
NO_EVIDENCE_CODE_CAP = 3
#: The criterion ids the offline coach measures; others get a middling score, said so.
CORRECTNESS = "correctness"
#: Lines of a function body past which readability suffers.
LONG_FUNCTION_LINES = 40
#: Names that are idiomatic in ML code even though they are one letter long.
CONVENTIONAL_NAMES = frozenset(
    {"X", "y", "k", "i", "j", "n", "m", "d", "w", "b", "p", "x", "_", "t", "c", "e", "f"}
)


# --------------------------------------------------------------------------- checks


def syntax_problem(code: str) -> str:
    """'SyntaxError on line 7: invalid syntax', or '' when the code parses."""
    try:
        compile(code, "solution.py", "exec", dont_inherit=True)
    except SyntaxError as exc:
        kind = type(exc).__name__  # IndentationError and TabError are SyntaxErrors too
        if "null bytes" in str(exc.msg):  # Python 3.11 and later say so without a line
            return NULL_BYTES
        if exc.lineno is None:
            return f"{kind}: {exc.msg}"
        return f"{kind} on line {exc.lineno}: {exc.msg}"
    except ValueError:  # null bytes, on older Pythons
        return NULL_BYTES
    return ""


#: What a file with binary data in it (not Python source) is told.
NULL_BYTES = (
    "SyntaxError: the code holds null bytes (binary data), so it is not Python source; "
    "save the solution as a plain text .py file"
)


def forbidden_imports(code: str, allowed: Iterable[str] = ALLOWED_MODULES) -> list[str]:
    """Top-level modules the code imports that are not in `allowed`, in order."""
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError):
        return []
    ok = set(allowed)
    found: list[str] = []
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        for name in names:
            top = name.split(".")[0]
            if top not in ok and top not in found:
                found.append(top)
    return found


def import_message(modules: Sequence[str]) -> str:
    listed = ", ".join(f"'{m}'" for m in modules)
    return (
        f"import of {listed} is not allowed: use NumPy and the Python standard library's "
        "math tools only"
    )


def correctness_score(tests: TestSummary) -> ScoreValue:
    """The correctness level the hidden tests give: 5 all, 4 >= 75 %, 3 >= 50 %, 2 any."""
    if tests.total <= 0:
        return 1
    share = tests.passed / tests.total
    if share >= 1:
        return 5
    if share >= 0.75:
        return 4
    if share >= 0.5:
        return 3
    return 2 if tests.passed else 1


def results_table(tests: TestSummary) -> str:
    """The test results as plain lines, for a model grader's prompt.

    A message can hold what the candidate's code returned ("got ..."), so planted
    instructions are cut out of it as they are from the answer, and line breaks folded.
    """
    lines = [f"{tests.passed} of {tests.total} hidden tests passed."]
    for r in tests.results:
        message = " ".join(strip_injection(r.message).split())
        lines.append(f"- {'PASS' if r.ok else 'FAIL'} {r.name}: {message}")
    return "\n".join(lines)


# --------------------------------------------------------------------------- reading code


class CodeFacts:
    """What the offline coach sees in the code: loops, NumPy use, names, length, guards."""

    def __init__(self, code: str) -> None:
        self.code = code
        self.lines = code.splitlines()
        try:
            self.tree: ast.Module | None = ast.parse(code)
        except (SyntaxError, ValueError):
            self.tree = None
        self.loops: list[ast.For | ast.While] = []
        self.nested: list[ast.For | ast.While] = []
        self.comprehension_loops = 0
        self.functions: list[ast.FunctionDef] = []
        self.names: set[str] = set()
        self.guards: list[ast.If] = []
        self.raises = 0
        self.numpy_calls = len(re.findall(r"\bnp\.\w+|@", code))
        if self.tree is not None:
            self._walk(self.tree, depth=0)

    def _walk(self, node: ast.AST, depth: int) -> None:
        for child in ast.iter_child_nodes(node):
            inner = depth
            if isinstance(child, (ast.For, ast.While)):
                self.loops.append(child)
                if depth > 0:
                    self.nested.append(child)
                inner = depth + 1
            elif isinstance(child, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
                self.comprehension_loops += len(child.generators)
            elif isinstance(child, ast.FunctionDef):
                self.functions.append(child)
                self.names.update(a.arg for a in child.args.args)
                inner = 0
            elif isinstance(child, ast.Name) and isinstance(child.ctx, ast.Store):
                self.names.add(child.id)
            elif isinstance(child, ast.If) and _is_guard(child):
                self.guards.append(child)
            elif isinstance(child, ast.Raise):
                self.raises += 1
            self._walk(child, inner)

    def line(self, node: ast.AST) -> str:
        number = getattr(node, "lineno", 0)
        if 1 <= number <= len(self.lines):
            return self.lines[number - 1].strip()
        return ""

    def longest_function(self) -> tuple[str, int]:
        best = ("", 0)
        for f in self.functions:
            length = (f.end_lineno or f.lineno) - f.lineno + 1
            if length > best[1]:
                best = (f.name, length)
        return best

    def poor_names(self) -> list[str]:
        return sorted(n for n in self.names if len(n) == 1 and n not in CONVENTIONAL_NAMES)

    def comments(self) -> list[str]:
        found = [ln.strip() for ln in self.lines if ln.strip().startswith("#")]
        for f in self.functions:
            doc = ast.get_docstring(f)
            if doc:
                found.append(self.line(f.body[0]))
        return [c for c in found if c]


def _is_guard(node: ast.If) -> bool:
    """An early check of an edge case: `if not y:`, `if len(x) == 0:`, `if denom == 0:`."""
    test = ast.unparse(node.test)
    return bool(
        re.search(r"==\s*0\b|<=\s*0\b|<\s*1\b|\bnot\s+\w+|len\(|\.size\b|is None|== \[\]", test)
    )


# --------------------------------------------------------------------------- the coach


def submitted_code(request: GradeRequest) -> str:
    """The code the candidate submitted: the first answer of the exchange."""
    answers = request.answers
    return answers[0].text if answers else ""


def explanation_text(request: GradeRequest) -> str:
    """What the candidate said about the code: the follow-up answers."""
    return "\n\n".join(t.text for t in request.answers[1:] if t.text.strip())


def _unchanged(code: str, spec: CodingSpec) -> bool:
    return " ".join(code.split()) == " ".join(spec.starter.split()) or not code.strip()


def _score(value: int) -> ScoreValue:
    return cast(ScoreValue, max(1, min(5, value)))


def coach_draft(request: GradeRequest) -> GradeDraft:
    """The offline coach's grade of a coding answer, criterion by criterion."""
    question, rubric = request.question, request.rubric
    spec = question.coding
    code = submitted_code(request)
    facts = CodeFacts(code)
    tests = request.tests or TestSummary()
    empty = spec is not None and _unchanged(code, spec)
    drafts: list[CriterionDraft] = []
    broken = syntax_problem(code)
    # Code for another problem (or a renamed function) is not judged on its style: it
    # scored 5/5 for vectorisation while every test said the function was missing.
    missing = (
        spec.function
        if spec is not None
        and not empty
        and not broken
        and facts.tree is not None
        and spec.function not in {f.name for f in facts.functions} | facts.names
        else ""
    )
    for crit in rubric.criteria:
        if empty or ((broken or missing) and crit.id != CORRECTNESS):
            if empty:
                why = "No code was written beyond the starter."
            elif broken:
                why = f"The code does not run ({broken}), so this cannot be judged."
            else:
                why = (
                    f"The code defines no function named {missing}(), the one the question "
                    "asks for, so this cannot be judged."
                )
            drafts.append(CriterionDraft(criterion_id=crit.id, evidence=[], reasoning=why, score=1))
            continue
        score, evidence, reasoning = _judge(crit.id, facts, tests, question, request)
        drafts.append(
            CriterionDraft(
                criterion_id=crit.id, evidence=evidence, reasoning=reasoning, score=score
            )
        )
    strengths, improvements = _advice(facts, tests, question)
    return GradeDraft(
        criteria=drafts,
        star=[],
        missing_key_points=[],
        strengths=strengths,
        improvements=improvements,
        strong_answer=list(question.strong_answer),
        injection_attempt=False,
        summary=f"{tests.passed} of {tests.total} hidden tests passed."
        if request.tests is not None
        else "The hidden tests have not been run yet.",
        red_flags=[],
    )


def _judge(
    criterion_id: str,
    facts: CodeFacts,
    tests: TestSummary,
    question: Question,
    request: GradeRequest,
) -> tuple[ScoreValue, list[str], str]:
    def_line = facts.line(facts.functions[0]) if facts.functions else ""
    if criterion_id == CORRECTNESS and request.tests is None:
        # Only a quick look before the tests ran (e.g. adaptive difficulty's estimate).
        return 3, [def_line] if def_line else [], "The hidden tests have not been run yet."
    if criterion_id == CORRECTNESS:
        return (
            correctness_score(tests),
            [def_line] if def_line else [],
            f"{tests.passed} of {tests.total} hidden tests passed.",
        )
    if criterion_id == "edge_cases":
        return _edge_cases(facts, tests, question, def_line)
    if criterion_id == "efficiency":
        return _efficiency(facts, question)
    if criterion_id == "readability":
        return _readability(facts, def_line)
    if criterion_id == "explanation":
        return _explanation(facts, request)
    return 3, [], "Not measured by the offline coach."


def _edge_cases(
    facts: CodeFacts, tests: TestSummary, question: Question, def_line: str
) -> tuple[ScoreValue, list[str], str]:
    spec = question.coding
    edge_names = {t.name for t in spec.hidden if t.edge} if spec else set()
    edge = [r for r in tests.results if r.name in edge_names]
    guards = [facts.line(g) for g in facts.guards[:3]]
    if not edge:
        score = 4 if guards else 3
        return (
            _score(score),
            guards or ([def_line] if def_line else []),
            (
                "The tests probe no special edge case; "
                + ("the code guards some inputs." if guards else "no explicit guard in the code.")
            ),
        )
    passed = sum(1 for r in edge if r.ok)
    failed = [r.name for r in edge if not r.ok]
    if passed == len(edge):
        score = 5 if guards or facts.raises else 4
    elif passed:
        score = 3
    else:
        score = 1 if not guards else 2
    reason = f"{passed} of {len(edge)} edge-case tests passed"
    if failed:
        reason += f" (failed: {', '.join(failed)})"
    reason += "; explicit guards: " + (", ".join(guards) if guards else "none") + "."
    return _score(score), guards or ([def_line] if def_line else []), reason


def _efficiency(facts: CodeFacts, question: Question) -> tuple[ScoreValue, list[str], str]:
    spec = question.coding
    matters = spec.vectorise if spec else True
    loops = [facts.line(n) for n in facts.loops]
    nested = [facts.line(n) for n in facts.nested]
    uses_numpy = facts.numpy_calls > 0
    if nested and matters:
        return (
            2,
            nested[:2],
            (
                "Nested Python loops over the data: NumPy broadcasting or matrix products "
                "would do this in one step and far faster."
            ),
        )
    if loops and matters and len(loops) > 1:
        return 3, loops[:2], "Several Python loops over the data where NumPy could vectorise."
    if loops and matters:
        score = 4 if uses_numpy else 3
        return (
            _score(score),
            loops[:1],
            (
                "One Python loop (fine over iterations or folds, slow over data points); "
                + ("the rest is vectorised." if uses_numpy else "no NumPy operations.")
            ),
        )
    if nested:
        return 3, nested[:2], "Nested loops; acceptable here, but watch the cost as inputs grow."
    evidence = [ln.strip() for ln in facts.lines if re.search(r"\bnp\.\w+|@", ln)][:2]
    if uses_numpy or not matters:
        return 5, evidence or loops[:1], "Vectorised: no Python loop over the data."
    return 4, evidence, "No loops over the data."


def _readability(facts: CodeFacts, def_line: str) -> tuple[ScoreValue, list[str], str]:
    name, length = facts.longest_function()
    poor = facts.poor_names()
    comments = facts.comments()
    score = 5
    notes: list[str] = []
    if length > LONG_FUNCTION_LINES:
        score -= 2
        notes.append(f"{name}() is {length} lines long; split it into helpers")
    if len(poor) > 2:
        score -= 1
        notes.append(f"one-letter names that say nothing: {', '.join(poor[:5])}")
    if not comments:
        score -= 1
        notes.append("no docstring or comment says what the steps do")
    reason = (
        "; ".join(notes).capitalize() + "."
        if notes
        else ("Short functions, descriptive names and comments.")
    )
    evidence = (comments[:1] or []) + ([def_line] if def_line else [])
    return _score(score), evidence, reason


def _explanation(facts: CodeFacts, request: GradeRequest) -> tuple[ScoreValue, list[str], str]:
    said = explanation_text(request)
    comments = facts.comments()
    complexity = re.findall(
        r"[^.\n]*(?:O\([^)]*\)|complexity|linear time|quadratic|memory|scales?|vectori[sz])"
        r"[^.\n]*",
        said,
        flags=re.IGNORECASE,
    )
    if complexity:
        score = 5 if len(complexity) > 1 else 4
        return (
            _score(score),
            [c.strip() for c in complexity[:2]],
            ("The explanation covers complexity or scaling."),
        )
    if said.strip():
        first = next((ln.strip() for ln in said.splitlines() if ln.strip()), "")
        return (
            3,
            [first[:200]] if first else [],
            ("Explained the approach, but not its complexity or how it scales."),
        )
    if comments:
        return 3, comments[:2], "Comments explain the steps; no spoken explanation."
    return 2, [], "Nothing explains the approach, its complexity or its edge cases."


def _advice(
    facts: CodeFacts, tests: TestSummary, question: Question
) -> tuple[list[str], list[str]]:
    strengths: list[str] = []
    improvements: list[str] = []
    if tests.total and tests.passed == tests.total:
        strengths.append(f"All {tests.total} hidden tests pass.")
    failed = [r for r in tests.results if not r.ok]
    causes = {r.message.split("; input: ")[0] for r in failed}
    if len(failed) > 1 and len(causes) == 1:  # one cause (no such function, a time-out)
        improvements.append(f"Every failing test says the same: {causes.pop()}")
    else:
        for r in failed[:3]:
            improvements.append(f"Fix the failing test '{r.name}': {r.message}")
    spec = question.coding
    if facts.nested and (spec is None or spec.vectorise):
        improvements.append(
            "Replace the nested Python loops with NumPy broadcasting or a matrix product."
        )
    elif not facts.loops and facts.numpy_calls:
        strengths.append("Vectorised with NumPy: no Python loop over the data.")
    return strengths, improvements


# --------------------------------------------------------------------------- finalize


def finalize_code(draft: GradeDraft, request: GradeRequest, backend: str) -> Grade:
    """Turn any grader's draft of a coding answer into a Grade the candidate can trust.

    One score per rubric criterion; correctness from the tests alone; quotes verified
    against what the candidate wrote; a criterion with no verified quote capped at
    NO_EVIDENCE_CODE_CAP; unchanged starter code scores 1 everywhere; planted
    instructions flagged and never rewarded.
    """
    from interviewer.core.grading.policy import overall_score

    question, rubric = request.question, request.rubric
    spec = question.coding
    code = submitted_code(request)
    answer = request.answer_text
    index = EvidenceIndex(answer)
    tests = request.tests
    flags: list[str] = []
    empty = spec is not None and _unchanged(code, spec)
    if empty:
        flags.append("empty")
    if injection_spans(answer) or draft.injection_attempt:
        flags.append("injection")
    dropped = 0
    given: dict[str, CriterionDraft] = {}
    for one in draft.criteria:
        given.setdefault(one.criterion_id, one)
    criteria: list[CriterionScore] = []
    for crit in rubric.criteria:
        cd = given.get(crit.id)
        evidence: list[str] = []
        for quote in cd.evidence if cd else []:
            if not quote.strip():
                continue
            if index.verify(quote):
                evidence.append(quote.strip())
            else:
                dropped += 1
        score = int(cd.score) if cd else 1
        reasoning = cd.reasoning.strip() if cd else "The grader gave no score."
        if crit.id == CORRECTNESS and tests is not None:
            score = correctness_score(tests)
            reasoning = f"{tests.passed} of {tests.total} hidden tests passed. " + (
                reasoning
                if cd and reasoning and not reasoning.startswith(str(tests.passed))
                else ""
            )
        elif not evidence and score > NO_EVIDENCE_CODE_CAP:
            score = NO_EVIDENCE_CODE_CAP
            reasoning += f" (capped at {NO_EVIDENCE_CODE_CAP}: no line of the code shows it)"
        if empty or ("injection" in flags and crit.id != CORRECTNESS):
            score = 1 if empty else min(score, 2)
        criteria.append(
            CriterionScore(
                criterion_id=crit.id,
                evidence=list(dict.fromkeys(evidence)),
                reasoning=reasoning.strip(),
                score=score,
            )
        )
    improvements = list(draft.improvements)
    if tests is not None:
        for r in tests.results:
            cause = r.message.split("; input: ")[0]
            if not r.ok and not any(r.name in i or cause in i for i in improvements):
                improvements.append(f"Fix the failing test '{r.name}': {r.message}")
                break
    summary = draft.summary.strip()
    if tests is not None and f"{tests.passed} of {tests.total}" not in summary:
        summary = f"{tests.passed} of {tests.total} hidden tests passed. {summary}".strip()
    return Grade(
        question_id=question.id,
        rubric_id=rubric.id,
        criteria=criteria,
        overall_score=overall_score(criteria, rubric),
        flags=flags,
        missing_key_points=[k for k in draft.missing_key_points if k],
        strengths=[s for s in draft.strengths if s][:6],
        improvements=improvements[:8],
        strong_answer=list(question.strong_answer) or list(draft.strong_answer),
        summary=summary,
        dropped_quotes=dropped,
        backend=backend,
        tests=tests,
        reference_solution=spec.reference if spec else "",
    )


def is_coding(question: Question, rubric: Rubric | None = None) -> bool:
    """Whether a question is graded as code (by its tests) rather than as prose."""
    return question.kind == "coding" and question.coding is not None
