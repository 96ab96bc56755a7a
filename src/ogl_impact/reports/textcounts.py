"""Counts of respondents written in the published texts of a report, and the groups they name.

A report publishes text beside its data tables: captions, alt texts, the
gallery line of each figure ("n = 847 · Quelle: ..."), notes, the
``<title>``/``<desc>`` of each SVG, the comment line of each CSV and any
other text file in the folder. Anybody who edits those texts by hand can
write a small group into them ("Bremen: n = 3"). This module finds every
count of respondents in such a text and the group it is attached to, so
that the audit can check it against k and against the data table of the
same figure.

A count is one of the forms the package writes and the usual free forms:
``n = 3``, ``n=3``, ``N = 3``, ``n: 3``, ``(n 3)``, ``3 Befragte``
(``3 respondents``), with German thousands (``1.234``, ``3 202``), and the
numbers up to twelve written as words (``drei Befragte``, ``three respondents``). A comma
after a count ends it ("n = 4, Bremen: n = 68"); only a comma before a digit
makes a decimal (``2,5``). A number after a
threshold word (``k = 5``, ``unter 5``, ``n < 5``) is no count, and nor are
plain numbers ("13 Labore", years, perspectives p1-p7).

A count is attached to the nearest group named before it in the same
clause (up to a sentence end, ``;``, ``·`` or a line break): a lab (its
label or id, as the report's tables name it), a wave ("Welle 3"), an actor
group; with none before it, to a group named right after it in a few plain
words ("n = 50 in Bremen"). A name broken over lines (a wrapped label) is
read joined. A count with no group in its clause is the n of the figure as
a whole.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ogl_impact import vocab

SPACES = " \u00a0\u202f"
"""Spaces that may group thousands: plain, no-break, narrow no-break (``3 202``)."""
NUMBER = rf"\d{{1,3}}(?:\.\d{{3}})+(?!\d)|\d{{1,3}}(?:[{SPACES}]\d{{3}})+(?!\d)|\d+"
"""A whole number, German thousands allowed (``1.234``, ``3 202``, ``3\u202f202``)."""
_GERMAN = "zwei drei vier fünf sechs sieben acht neun zehn elf zwölf".split()
_ENGLISH = "one two three four five six seven eight nine ten eleven twelve".split()
WORDS = (
    dict.fromkeys(("ein", "eine", "einer", "einem", "einen"), 1)
    | {word: i for i, word in enumerate(_GERMAN, start=2)}
    | {word: i for i, word in enumerate(_ENGLISH, start=1)}
)
"""Numbers written as words, as German prose writes those up to twelve ("drei Befragte")."""
_WORD = "(?i:" + "|".join(sorted(WORDS, key=len, reverse=True)) + r")(?!\w)"
_END = r"(?!\d|,\d)"  # not a decimal (2,5), not a longer number; a list comma ends it
COUNT = re.compile(
    rf"(?<![<>≤≥\w])[nN]\s*(?:=|:)\s*(?P<a>{NUMBER}){_END}"
    rf"|\(\s*[nN]\s+(?P<b>{NUMBER}){_END}\s*\)"
    rf"|(?<![\w.,])(?P<c>{NUMBER}|{_WORD})\s+(?:Befragten?|Befragter|[Rr]espondents?)\b"
)
"""The forms of a count of respondents."""
THRESHOLD = re.compile(r"(?:\bk\s*=|\bunter|\bals|\bmindestens|\bab|\bbelow|\bthan|[<>≤≥])\s*$")
"""Words before a number that make it a threshold, not a count ("weniger als k = 5 Befragte")."""
CLAUSE_END = re.compile(r"[.;·!?](?=\s)|\n|·")
WAVE = re.compile(r"\b(?:Welle|Wave|wave)\s+(\d+)\b")


@dataclass(frozen=True)
class Count:
    """A count of respondents found in a published text.

    Attributes
    ----------
    n : int
        The count.
    group : str
        The group it is attached to, as the text names it ("" for the figure as a whole).
    kind : {"lab", "wave", "actor", "all"}
        What the group is.
    snippet : str
        The clause that holds it, as published.
    """

    n: int
    group: str
    kind: str
    snippet: str


def _value(text: str) -> int:
    if text.lower() in WORDS:
        return WORDS[text.lower()]
    return int(re.sub(rf"[.{SPACES}]", "", text))


def _groups_in(clause: str, labs: set[str]) -> list[tuple[int, int, str, str]]:
    """Return (start, end, name, kind) of every group named in a clause."""
    found = []
    for name in labs:
        for m in re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", clause):
            found.append((m.start(), m.end(), name, "lab"))
    for m in WAVE.finditer(clause):
        found.append((m.start(), m.end(), m.group(1), "wave"))
    for names in vocab.ACTOR_GROUPS.values():
        for name in names:
            for m in re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", clause):
                found.append((m.start(), m.end(), name, "actor"))
    return found


def _joined(text: str, labs: set[str]) -> str:
    """Write every name broken over lines or spaces (a wrapped label) as the name itself."""
    for name in sorted(labs, key=len, reverse=True):
        words = name.split()
        if len(words) > 1:
            pattern = r"\s+".join(re.escape(w) for w in words)
            text = re.sub(rf"(?<!\w){pattern}(?!\w)", lambda _m, n=name: n, text)
    return text


def counts(text: str, labs: set[str]) -> list[Count]:
    """Find the counts of respondents in a text and the group each is attached to.

    Parameters
    ----------
    text : str
        A published text (plain text, no markup).
    labs : set of str
        Names of labs and units as the report's tables give them (labels and ids).

    Returns
    -------
    list of Count

    Examples
    --------
    >>> [(c.n, c.group) for c in counts("Bremen: n = 3. Alle: n = 1.234", {"Bremen"})]
    [(3, 'Bremen'), (1234, '')]
    >>> counts("13 Labore, Welle 3, weniger als k = 5 Befragte, unterdrückt (n < 5), p3", set())
    []
    >>> [(c.n, c.group, c.kind) for c in counts("Welle 2 (n 4); Kehl, 7 Befragte", {"Kehl"})]
    [(4, '2', 'wave'), (7, 'Kehl', 'lab')]
    """
    text = _joined(text, labs)
    found = []
    for m in COUNT.finditer(text):
        raw = m.group("a") or m.group("b") or m.group("c")
        if THRESHOLD.search(text[: m.start()]) and m.group("c"):
            continue  # "weniger als k = 5 Befragte", "unter 5 Befragten"
        start = max((e.end() for e in CLAUSE_END.finditer(text, 0, m.start())), default=0)
        clause = text[start : m.start()]
        named = _groups_in(clause, labs)
        end = m.end() + (text[m.end() : m.end() + 1] == ")")  # "Bremen (n=3)" whole
        if named:
            _, _, name, kind = max(named, key=lambda g: (g[1], len(g[2])))
        else:
            # "n = 50 in Marburg-Biedenkopf": the group named after the count, same clause
            stop = CLAUSE_END.search(text, m.end())
            after = text[m.end() : stop.start() if stop else len(text)]
            # only a few plain words between ("n = 50 in X"), no list punctuation
            later = [
                g for g in _groups_in(after, labs) if re.fullmatch(r"[\w\s-]{0,25}", after[: g[0]])
            ]
            name, kind = "", "all"
            if later:
                first = min(later, key=lambda g: (g[0], -len(g[2])))
                _, last, name, kind = first
                end = m.end() + last
        found.append(Count(_value(raw), name, kind, text[start:end].strip()))
    return found
