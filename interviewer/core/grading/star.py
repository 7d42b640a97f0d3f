"""The STAR breakdown of a behavioral answer: situation, task, action, result, reflection.

Cue phrases, the candidate's own labels and a light prior for where each part sits in a
story decide which sentence tells which part; each part gets a piece of the answer of
its own as its quote.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from interviewer.core.grading.text import Sentence, quote_of, star_label, words
from interviewer.core.models import (
    Rubric,
    StarComponent,
    StarStatus,
)

STAR_ORDER: tuple[StarComponent, ...] = ("situation", "task", "action", "result", "reflection")


#: What a STAR answer is missing, as advice (used by finalize and the offline coach alike).
STAR_ADVICE: dict[StarComponent, dict[str, str]] = {
    "situation": {
        "missing": "No situation: open with where you were and what was at stake "
        "(team, project, when).",
        "weak": "Thin situation: add the context (team, project, constraint) in one or two "
        "sentences.",
    },
    "task": {
        "missing": "No task: say what you personally were responsible for and what the goal was.",
        "weak": "Vague task: state your own responsibility and the goal in one sentence.",
    },
    "action": {
        "missing": "No actions: describe the steps you took, in the first person "
        '("I built...", "I proposed...").',
        "weak": 'Actions are not clearly yours: say what you did ("I ..."), not only what '
        '"we" did.',
    },
    "result": {
        "missing": "No result: say how it ended and what changed, with a number.",
        "weak": "No measurable result: say what changed, with a number (time saved, error "
        "rate, deadline met).",
    },
    "reflection": {
        "missing": "No reflection: end with what you learned or would do differently next time.",
        "weak": "Brief reflection: name the specific lesson and how you apply it now.",
    },
}


# =========================================================================== STAR

_I = r"\bi\s+(?:then\s+|first\s+|also\s+|personally\s+|quickly\s+|immediately\s+|eventually\s+|"
_I += r"finally\s+|next\s+|actually\s+|just\s+|carefully\s+|proactively\s+|)"
_ACTION_VERBS = (
    r"(?:built|wrote|proposed|scheduled|set\s+up|organi[sz]ed|led|designed|implemented|created|"
    r"analy[sz]ed|talked|met|spoke|asked|reached\s+out|suggested|introduced|refactored|added|ran|"
    r"tested|collected|trained|retrained|deployed|migrated|automated|documented|presented|"
    r"explained|negotiated|prioriti[sz]ed|broke|split|decided|started|began|reviewed|"
    r"investigated|debugged|profiled|fixed|rewrote|pushed|convinced|mentored|paired|drafted|"
    r"shared|listened|facilitated|escalated|coordinated|delegated|tracked|monitored|measured|"
    r"benchmarked|prototyped|compared|resampled|applied|used|chose|changed|replaced|removed|"
    r"reduced|sat\s+down|called|emailed|put\s+together|came\s+up\s+with|worked\s+with|took|"
    r"made|gave|invited|clarified|agreed|aligned|set|defined|cleaned|labell?ed|engineered|"
    r"tuned|optimi[sz]ed|simplified|wrote\s+up|planned|communicated|summari[sz]ed|"
    r"identified|discovered|found|noticed|flagged|volunteered|stepped\s+in|owned|"
    r"cut|scoped|validated|instrumented|launched|shipped|built\s+out|created|ensured|"
    r"initiated|restructured|dug\s+into|looked\s+into|spent|pulled|sought|requested|"
    r"acknowledged|apologi[sz]ed|offered|recommended|argued|showed|demonstrated|visuali[sz]ed|"
    r"kept|held|refused|insisted|moved|rebuilt|wrapped|reran|re-ran|rolled\s+back|"
    r"split\s+up|broke\s+down|set\s+aside|blocked|batched|booked|wrote\s+down)\b"
)
# Any other verb in the past tense after "I" is an action too ("I skipped the maths"),
# except the ones that describe a state of mind rather than something done.
_NOT_ACTIONS = (
    r"(?!(?:wanted|needed|liked|loved|hated|hoped|believed|felt|seemed|assumed|guessed|wished|"
    r"worried|preferred|expected|was|were|had|thought|knew|learned|learnt|realized|realised|"
    r"understood|noticed|wondered|used\s+to|tended|happened|appeared|remained|stayed|"
    r"enjoyed|struggled|failed|missed|forgot|panicked|doubted|feared|regretted)\b)"
)
_PAST_VERB = (
    r"(?:[a-z]{2,}ed|went|sent|drew|brought|bought|taught|caught|told|sold|built|spent|led|held|"
    r"ran|gave|made|took|got|sat|stood|spoke|chose|drove|threw|fought|sought|read|left|kept|"
    r"put|set|cut|hit|met|paid|said|found|began|won|wrote|rewrote|broke|shut|sent|dug|swapped|"
    r"split|built|redid|undid|forwarded|flew|ate)\b"
)
_GENERIC_ACTION = _I + _NOT_ACTIONS + _PAST_VERB

_STAR_CUE_SOURCE: dict[StarComponent, tuple[tuple[str, float], ...]] = {
    "situation": (
        (
            r"\b(?:at|in)\s+my\s+(?:previous|last|current|former|first|old|prior|second)\s+"
            r"(?:job|company|role|team|employer|position|internship|workplace|startup|project)\b",
            1.0,
        ),
        (r"\bwhen\s+i\s+(?:was|worked)\s+(?:at|on|with|in|as)\b", 1.0),
        (
            r"\b(?:the\s+)?(?:context|situation|background|setting|setup)\s+(?:was|is|here)\b",
            1.0,
        ),
        (r"\b(?:a\s+few|two|three|several|\d+)\s+(?:years?|months?|weeks?)\s+ago\b", 1.0),
        (r"\b(?:last|this\s+past)\s+(?:year|quarter|summer|spring|fall|autumn|winter)\b", 1.0),
        (r"\bback\s+in\b|\bin\s+(?:19|20)\d\d\b|\bduring\s+my\b", 1.0),
        (
            r"\bwe\s+were\s+(?:building|working|developing|launching|migrating|facing|"
            r"running|trying|preparing|about|under|behind|asked|tasked|short|on|in)\b",
            1.0,
        ),
        (
            r"\bour\s+(?:team|company|startup|group|product|model|pipeline|client|system)\s+"
            r"(?:was|had|were|needed|used)\b",
            1.0,
        ),
        (r"\bi\s+was\s+(?:working|leading|part\s+of|on\s+a|one\s+of|the\s+only)\b", 1.0),
        (
            r"\b(?:on|during|in|at)\s+(?:a|one|my|our)\s+(?:recent|previous|past|last|former)"
            r"\s+(?:project|internship|team|sprint|launch|engagement|job|role|company)\b",
            1.0,
        ),
        (
            r"\b(?:on|during|in)\s+(?:a|one|my|our)\s+(?:project|internship|team|sprint|"
            r"launch|engagement)\b",
            0.6,
        ),
        (
            r"(?:^|(?<=[.!?]\s))\s*(?:on|during|in|at)\s+(?:a|one|my|our)\s+(?:[\w-]+\s+){1,2}?"
            r"(?:project|internship|team|sprint|launch|engagement|startup|company|job|role|"
            r"migration|rollout)\b",
            1.0,
        ),
        (r"\b(?:there\s+was|we\s+had)\s+(?:a|an)\b", 0.5),
        (
            r"(?:^|(?<=[.!?]\s))\s*(?:our|my)\s+(?:[\w'\u2019-]+\s+){0,4}?(?:was|were|had|wanted|"
            r"needed|asked|decided|faced|started|planned|came|got|kept|couldn't|could\s+not|"
            r"didn't|did\s+not|ran|lost|hit|missed|fell|dropped|broke|stopped|failed|degraded|"
            r"began|slowed|spiked)\b",
            1.0,
        ),
        (r"\bonce\b|\bat\s+the\s+time\b", 0.5),
    ),
    "task": (
        (
            r"\b(?:asked|told|tasked|needed|wanted|expected|assigned)\s+me\s+to\b|"
            r"\bi\s+was\s+asked\s+to\b",
            1.0,
        ),
        (
            r"\bmy\s+(?:main\s+|own\s+)?(?:role|job|task|responsibility|goal|objective|"
            r"assignment|mandate|part|mission)\b(?:\s+as\s+[^.!?\n,]{1,40}?)?,?\s+"
            r"(?:was|is|involved|became|there)\b",
            1.0,
        ),
        (
            r"\bi\s+was\s+(?:responsible|accountable|tasked|asked|assigned|in\s+charge|"
            r"expected|supposed|charged|hired|the\s+owner|the\s+lead|leading)\b",
            1.0,
        ),
        (
            r"\b(?:the|our)\s+(?:main\s+)?(?:goal|task|objective|challenge|problem|aim|"
            r"requirement|mission|deadline|ask)\s+(?:was|were|is)\b",
            1.0,
        ),
        (r"\bi\s+(?:needed|had)\s+to\b|\bit\s+was\s+(?:my\s+job|up\s+to\s+me)\b", 1.0),
        (r"\bi\s+owned\b|\bi\s+took\s+(?:ownership|charge|the\s+lead)\b", 1.0),
        (
            r"\bi\s+was\s+(?:the|a|an)\s+(?:\w+\s+)?(?:lead|owner|engineer|manager|"
            r"point\s+person|scientist|developer)\b[^.!?\n]{0,30}\b(?:responsible|for|on)\b",
            1.0,
        ),
        (r"\bresponsible\s+for\b|\bin\s+charge\s+of\b", 0.8),
        (r"\bwe\s+(?:needed|had|wanted)\s+to\b|\b(?:goal|deadline|target)\b", 0.5),
        (r"\bi\s+was\s+(?:on[\s-]?call|on\s+point|the\s+one\s+who)\b", 1.0),
        (r"\b(?:had|needed|was\s+supposed)\s+to\b", 0.5),
    ),
    "action": (
        (_I + _ACTION_VERBS, 1.0),
        (_GENERIC_ACTION, 1.0),
        (r"\bmy\s+approach\s+was\b|\bwhat\s+i\s+did\b|\bi\s+(?:started|began)\s+by\b", 1.0),
        (r"\bi\s+(?:decided|chose|offered|volunteered|made\s+sure)\s+to\b", 1.0),
        (r"\bwe\s+(?:then\s+|first\s+|also\s+)?" + _ACTION_VERBS, 0.5),
    ),
    "result": (
        (r"\bas\s+a\s+result\b|\bresult(?:ed|s)?\s+(?:was|in|were)\b|\boutcome\b", 1.0),
        (r"\bin\s+the\s+end\b|\bended\s+up\b|\beventually\b|\bultimately\b", 0.6),
        (
            r"\b(?:reduced|improved|increased|decreased|cut|saved|boosted|raised|lowered|"
            r"halved|doubled|tripled|grew|dropped|shrank|sped\s+up|accelerated|"
            r"resolved|fixed)\b",
            1.0,
        ),
        (
            r"\b(?:shipped|launched|delivered|released|hit|met|beat|exceeded|achieved|won|"
            r"finished|completed)\b[^.!?\n]{0,40}\b(?:on\s+time|deadline|target|goal|"
            r"early|ahead|production|schedule)\b",
            1.0,
        ),
        (r"\b(?:which|this|that)\s+(?:led|meant|allowed|helped|let|enabled)\b", 0.6),
        (r"\bled\s+to\b|\bleading\s+to\b|\bsucceeded\b|\bsuccess(?:ful)?\b", 0.6),
        (
            r"\bafter\s+(?:that|this)\b|\bfrom\s+then\s+on\b|\bafterwards\b|\bby\s+the\s+end\b|"
            r"\b(?:trusted|adopted|accepted|approved|signed\s+off|started\s+using|bought\s+in|"
            r"still\s+use[sd]?|now\s+use[sd]?|got\s+(?:promoted|approved|buy-in))\b",
            0.6,
        ),
        (
            r"\bwent\s+(?:from|up|down)\b|\b(?:rose|fell|climbed|jumped|dropped)\s+(?:from|to|by)\b"
            r"|\bfrom\s+\S*\d\S*\s+to\s+\S*\d",
            1.0,
        ),
        # A change told in the past tense: "false positives fell 60 percent".
        (
            r"\b(?:fell|rose|recovered|declined|climbed|jumped|plunged|plummeted|soared|"
            r"stabili[sz]ed|bounced\s+back|came\s+down|returned\s+to|went\s+back\s+to|"
            r"shortened|sped\s+up|fewer|less\s+than\s+before|no\s+longer)\b",
            1.0,
        ),
        (
            r"\b(?:shipped|launched|delivered|released|went\s+well|worked\s+out|paid\s+off)\b",
            0.6,
        ),
    ),
    "reflection": (
        (r"\bi\s+(?:have\s+|also\s+)?(?:learned|learnt|realized|realised|understood)\b", 1.0),
        (r"\b(?:lesson|lessons|takeaway|takeaways)\b", 1.0),
        (r"\bnext\s+time\b|\bin\s+hindsight\b|\blooking\s+back\b|\bin\s+retrospect\b", 1.0),
        (r"\bif\s+i\s+(?:did|do|were\s+to\s+do|had\s+to\s+do|could\s+do)\s+it\s+again\b", 1.0),
        (
            r"\b(?:taught|showed|reminded)\s+me\b|\bsince\s+then\b|\bnow\s+i\b|"
            r"\bi\s+now\s+(?:always\s+|make\s+sure|check|write|ask|start|insist|run|add)",
            1.0,
        ),
        (
            r"\bdifferently\b|\b(?:would|should)\s+have\b|\bi'?d\s+(?:now|also)\b|"
            r"\bgoing\s+forward\b",
            0.6,
        ),
    ),
}
# Cue phrases per component, each with a weight: 1.0 is a clear cue, less a hint.
_STAR_CUES: dict[StarComponent, tuple[tuple[re.Pattern[str], float], ...]] = {
    comp: tuple((re.compile(rx, re.IGNORECASE), w) for rx, w in cues)
    for comp, cues in _STAR_CUE_SOURCE.items()
}

_UNITS = (
    r"(?:%|percent\b|x\b|times\b|ms\b|milliseconds|seconds|minutes|hours|days|weeks|months|"
    r"points|pp\b|bps\b|k\b|m\b|million|thousand|users|customers|people|engineers|tickets|"
    r"requests|dollars|gb\b|tb\b|incidents|bugs|releases)"
)
_NUMBER_WORDS = (
    r"(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|"
    r"fifty|hundred|a\s+hundred|a\s+thousand|several|half\s+(?:a|the))"
)
# Something counted or measured: "40%", "$2k", "three days", "from 0.71 to 0.80".
_QUANTITY = re.compile(
    r"(?:\$\s?\d|\d(?:[\d,.]*\d)?\s*"
    + _UNITS
    + r"|\b"
    + _NUMBER_WORDS
    + r"\s+"
    + _UNITS
    + r"|\bfrom\s+\S+\s+to\s+\S*\d|\b(?:halved|doubled|tripled|twice\s+as|zero\s+"
    r"(?:incidents|bugs|downtime)|no\s+incidents)\b)",
    re.IGNORECASE,
)


# Any number a result could be measured in (not a year): "0.84", "300 accounts", "$2k".
_ANY_NUMBER = re.compile(
    r"[$\u20ac\u00a3\u00a5]\s?\d|(?<![\w.])(?!(?:19|20)\d\d(?![\d.,]))\d+(?:[.,]\d+)*"
    r"|\b\d+(?:[.,]\d+)?\s*(?:per\s*cent|percentage\s+points?|pp|bps)\b"
    r"|\bby\s+(?:a\s+)?(?:half|third|quarter)\b"
    r"|\b(?:to|by|from|within|in|under)\s+(?:about\s+|around\s+|roughly\s+|almost\s+)?"
    r"(?:zero|none|one|two|three|four|five|six|seven|eight|nine|ten|twenty|thirty|fifty|"
    r"a\s+hundred|a\s+thousand|half|a\s+third|a\s+quarter|a\s+tenth)\b",
    re.IGNORECASE,
)


def has_measure(text: str) -> bool:
    """Does `text` state something counted or measured (a number, a percentage, "halved")?"""
    return bool(_QUANTITY.search(text) or _ANY_NUMBER.search(text))


@dataclass(frozen=True)
class StarFinding:
    """What the heuristic found for one STAR component.

    `quote` is the one piece of the answer offered for this component; no other
    component is offered the same piece (`quotes` are every piece that belongs to it,
    the quote first). A component whose only cue sits in another component's sentence
    is "missing", with `implied_in` naming that component.
    """

    component: StarComponent
    status: StarStatus
    quote: str = ""
    sentences: tuple[int, ...] = ()
    weight: float = 0.0  # summed cue weight over the pieces that belong to it
    detail: int = 0  # component-specific richness: distinct actions, numbers in results ...
    quotes: tuple[str, ...] = ()
    labelled: bool = False  # the candidate named this part ("Result: ...")
    implied_in: StarComponent | None = None


#: Where in a story each part usually sits (0 = start, 1 = end): breaks ties.
_EXPECTED_AT: dict[StarComponent, float] = {
    "situation": 0.0,
    "task": 0.25,
    "action": 0.5,
    "result": 0.8,
    "reflection": 1.0,
}
_LABELLED_ACTION = re.compile(r"\b" + _ACTION_VERBS, re.IGNORECASE)
_SCENE_OPENER = re.compile(
    r"\s*(?:at|in|on|during|while|when|back\s+in|last|a\s+few|two|three|several|early|"
    r"earlier|once)\b[^,.!?\n]{2,60},",
    re.IGNORECASE,
)
_AND_ACTION = re.compile(r"\band\s+(?:then\s+|also\s+|later\s+)?" + _ACTION_VERBS, re.IGNORECASE)
_CLAUSE_SPLIT = re.compile(
    r"[;:]\s+|\s+[-\u2013\u2014]\s+|,\s+(?=(?:and|but|so|which|then|while|after|because|"
    r"until|when|leading|resulting|cutting|saving)\b)|\s+(?=(?:and\s+(?:then\s+)?"
    r"(?:i|we|it|this|that|the|our|my)|but|so\s+(?:i|we|it|that|the|our))\b)",
    re.IGNORECASE,
)


@dataclass
class _Cues:
    weight: float = 0.0
    actions: frozenset[str] = frozenset()
    measured: bool = False


def _cues(comp: StarComponent, text: str, labelled: bool = False) -> _Cues:
    """How strongly `text` shows `comp`, by its cue phrases (capped at 2, +0.5 for a number)."""
    w = 0.0
    actions: set[str] = set()
    for rx, weight in _STAR_CUES[comp]:
        matches = list(rx.finditer(text))
        if matches:
            w += weight
        if comp == "action" and weight >= 1.0:
            actions.update(m.group(0).lower().split()[-1] for m in matches)
    if comp == "action" and labelled:
        # Under an "Action:" label the verbs are the candidate's even without "I".
        actions.update(m.group(0).lower().split()[-1] for m in _LABELLED_ACTION.finditer(text))
    elif comp == "action" and actions:
        # "I retrained the model and added a monitor": the second verb is also theirs.
        actions.update(m.group(0).lower().split()[-1] for m in _AND_ACTION.finditer(text))
    w = min(2.0, w)
    measured = comp == "result" and has_measure(text) and (bool(w) or labelled)
    if measured:
        w += 0.5
    return _Cues(w, frozenset(actions), measured)


def _clauses(text: str) -> list[str]:
    """`text` cut at clause boundaries; each piece is a substring of it."""
    pieces = [p.strip(" ,;:") for p in _CLAUSE_SPLIT.split(text)]
    return [p for p in pieces if len(words(p)) >= 3]


def _assign(eff: list[dict[StarComponent, float]], n: int) -> dict[StarComponent, int]:
    """One sentence per component, no sentence for two, the most cue weight in all.

    Exact (a small dynamic programme over which components are taken); ties go to the
    assignment that keeps the story's usual order.
    """
    comps = STAR_ORDER
    neg = float("-inf")
    # best[mask] = (score, assignment) after the sentences seen so far
    best: dict[int, tuple[float, tuple[tuple[int, int], ...]]] = {0: (0.0, ())}
    for i, row in enumerate(eff):
        pos = i / max(1, n - 1)
        nxt = dict(best)
        for mask, (score, chosen) in best.items():
            for k, comp in enumerate(comps):
                w = row.get(comp, 0.0)
                if w <= 0 or mask & (1 << k):
                    continue
                value = score + w + 0.01 * (1 - abs(pos - _EXPECTED_AT[comp]))
                m2 = mask | (1 << k)
                if value > nxt.get(m2, (neg, ()))[0]:
                    nxt[m2] = (value, (*chosen, (k, i)))
        best = nxt
    top = max(best.values(), key=lambda v: v[0])
    return {comps[k]: i for k, i in top[1]}


def _moves_on(label: StarComponent, text: str) -> bool:
    """Does an unlabelled sentence after a `label` section clearly tell a later part?

    Only a clear cue counts ("I learned", "the lesson", "next time I would", "in
    hindsight", "looking back", "I now always" ...; a measured change after an action),
    and only when the labelled part itself has no cue there: "Action: I retrained it.
    Then I added a monitor." stays an action.
    """
    later = STAR_ORDER[STAR_ORDER.index(label) + 1 :]
    if not later or _cues(label, text).weight >= 1.0:
        return False
    for comp in later:
        strong = sum(w for rx, w in _STAR_CUES[comp] if w >= 1.0 and rx.search(text))
        if strong >= 1.0 and (comp != "result" or has_measure(text)):
            return True
    return False


def detect_star(sentences: Sequence[Sentence]) -> dict[StarComponent, StarFinding]:
    """Find each STAR component; each gets its own piece of the answer as its quote.

    A part the candidate labelled ("Situation:", "**Result**", "T:") is that part, and
    the sentences after a label belong to it until the next label. Other sentences are
    read by their cue phrases, with a light prior for where each part sits in a story
    (a number in the opening sentence is usually the problem, not the result). Then each
    component is given a different sentence (the assignment with the most cue weight);
    a component left without one may take a clause of another component's sentence
    when the sentence clearly holds both ("I was asked to fix it, so I rewrote the
    loader"). A result needs a number to be 'present'.
    """
    n = len(sentences)
    labels: list[StarComponent | None] = []
    bodies: list[str] = []
    current: StarComponent | None = None
    for sent in sentences:
        label, body = star_label(sent.text)
        if label is not None:
            current = label
        elif current is not None and _moves_on(current, body):
            # "Result: ... fell 45 percent. I learned to ...": the story has moved on
            # to a later part; the label before does not swallow it.
            current = None
        labels.append(current)
        bodies.append(body if words(body) else "")
    late = max(1, (n + 1) // 2)
    cues: list[dict[StarComponent, _Cues]] = []
    eff: list[dict[StarComponent, float]] = []
    for i, body in enumerate(bodies):
        row = {c: _cues(c, body, labels[i] == c) for c in STAR_ORDER} if body else {}
        if body and n >= 4 and i < late:
            r = row["reflection"]  # "I learned his concern was..." early on is discovery
            row["reflection"] = _Cues(r.weight * 0.5, r.actions, r.measured)
        cues.append(row)
        label = labels[i]
        if not body:
            eff.append({})
        elif label is not None:
            eff.append({label: 3.0 + row[label].weight})
        else:
            pos = i / max(1, n - 1)
            e = {c: cw.weight for c, cw in row.items() if cw.weight > 0}
            if i == 0 and n >= 3 and _SCENE_OPENER.match(body):
                # "At an insurer, the claims managers were about to reject a model": a
                # story that opens on a place or a time is setting the scene.
                e["situation"] = max(e.get("situation", 0.0), 1.0)
            if n >= 3 and pos < 0.34 and "result" in e and "action" not in e:
                # A change told before anything was done is the problem, not the result:
                # "our AUC fell from 0.86 to 0.71 after a pricing change".
                e["situation"] = max(e.get("situation", 0.0), min(1.0, e["result"]))
                e["result"] *= 0.4
            if n >= 3 and pos > 0.66 and "situation" in e:
                e["situation"] *= 0.5
            eff.append(e)
    chosen = _assign(eff, n)
    owner: list[StarComponent | None] = []
    for i, e in enumerate(eff):
        taken = [c for c, j in chosen.items() if j == i]
        if taken:
            owner.append(taken[0])
        elif e:
            pos = i / max(1, n - 1)
            ranked: list[StarComponent] = sorted(
                e, key=lambda c: (-e[c], abs(pos - _EXPECTED_AT[c]))
            )
            owner.append(ranked[0])
        else:
            owner.append(None)

    # A component with cues only inside another component's sentence: a clause of it.
    clause_quote: dict[StarComponent, tuple[int, str]] = {}
    for comp in STAR_ORDER:
        if comp in chosen:
            continue
        for i in sorted(range(n), key=lambda j: -(cues[j][comp].weight if cues[j] else 0)):
            if not cues[i] or cues[i][comp].weight <= 0 or owner[i] is None:
                continue
            holder = owner[i]
            assert holder is not None
            parts = _clauses(bodies[i])
            if len(parts) < 2:
                continue
            mine = [
                p
                for p in parts
                if _cues(comp, p).weight > 0 and _cues(comp, p).weight >= _cues(holder, p).weight
            ]
            keep = [p for p in parts if p not in mine and _cues(holder, p).weight > 0]
            if labels[i] == holder and not keep:
                keep = [p for p in parts if p not in mine][:1]
            if mine and keep:
                clause_quote[comp] = (i, mine[0])
                if chosen.get(holder) == i and holder not in clause_quote:
                    clause_quote[holder] = (i, keep[0])
                break

    out: dict[StarComponent, StarFinding] = {}
    for comp in STAR_ORDER:
        mine_idx = [i for i in range(n) if owner[i] == comp]
        if comp in clause_quote:
            i, piece = clause_quote[comp]
            if comp not in chosen:
                mine_idx = [i]
            pieces = [piece] + [quote_of(sentences[j].text) for j in mine_idx if j != i]
            texts = [piece] + [bodies[j] for j in mine_idx if j != i]
        else:
            if comp in chosen:
                first = chosen[comp]
                mine_idx = [first] + [j for j in mine_idx if j != first]
            pieces = [quote_of(sentences[j].text) for j in mine_idx]
            texts = [bodies[j] for j in mine_idx]
        pieces = [p for p in pieces if p]
        if not pieces:
            holders = {
                owner[i] for i in range(n) if cues[i] and cues[i][comp].weight > 0 and owner[i]
            }
            implied = next((c for c in STAR_ORDER if c in holders), None)
            out[comp] = StarFinding(comp, "missing", implied_in=implied)
            continue
        labelled = any(labels[j] == comp for j in mine_idx)
        found = [_cues(comp, t, labels[j] == comp) for t, j in zip(texts, mine_idx, strict=False)]
        unit_w = [
            max(f.weight, 1.0) if labels[j] == comp else eff[j].get(comp, f.weight)
            for f, j in zip(found, mine_idx, strict=False)
        ]
        weight = sum(unit_w)
        actions = frozenset[str]().union(*(f.actions for f in found))
        numbers = sum(f.measured for f in found)
        detail = len(actions) if comp == "action" else numbers if comp == "result" else len(pieces)
        best = max(unit_w, default=0.0)
        status: StarStatus
        if comp == "result":
            status = "present" if numbers else "weak"
        elif comp == "action":
            status = "present" if actions else "weak"
        else:
            status = "present" if best >= 1.0 or labelled else "weak"
        out[comp] = StarFinding(
            comp,
            status,
            pieces[0],
            tuple(mine_idx),
            weight,
            detail,
            tuple(dict.fromkeys(pieces)),
            labelled,
        )
    return out


def is_behavioral(rubric: Rubric) -> bool:
    return any(c.star is not None for c in rubric.criteria)
