"""The one rule for "meinten Sie …?": which known name a mistyped one probably means.

Every message that suggests a name (a lab or period on the command line, a
file name, a key that another table does not know, a method of
:func:`ogl_impact.stats.adjust_pvalues`) asks :func:`closest`. A name given
in other capitals or with spaces around it is the name itself; otherwise the
most similar known name (:class:`difflib.SequenceMatcher`, lower case) is
meant when the likeness reaches :data:`CUTOFF` (``kehk`` for ``kehl``, 0.75).
A short name (up to :data:`SHORT` characters) with one character wrong is
meant too, though its likeness falls short: ``sc6`` for ``sb6`` (0.67). A name
that differs from a known one only in its numbers is another id, not a typo:
``sb7`` does not mean ``sb6`` (a period not yet in periods.csv must not send
anyone to rebuild the last one), ``p4`` does not mean ``p1``, ``sb1`` does not
mean ``sb10``. The beginning of exactly one known name (at least :data:`PREFIX`
characters) means that name before any likeness: ``marburg`` is
``marburg_biedenkopf``, not the more alike ``merseburg``; a beginning that ends
in a digit where the name goes on with one is no beginning of it (``welle1`` of
``welle10``). The beginning of several (``mer`` of ``merseburg`` and
``merzenich``, ``sb`` of ``sb1`` to ``sb6``) means none: the one meant is not
known, and a third name (``moers``) is not meant. Where names are not typed but
found (file names), ``prefix=False`` leaves the beginnings out: ``rev.csv`` is a
file of its own, not ``revisions.csv``.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from typing import Final

CUTOFF: Final = 0.75
"""Least likeness (:meth:`difflib.SequenceMatcher.ratio`) of a name meant."""

SHORT: Final = 4
"""Up to this many characters, one character wrong still means the name (likeness below CUTOFF)."""


PREFIX: Final = 3
"""At least this many characters that begin exactly one known name mean that name."""


def _one_wrong(given: str, known: str) -> bool:
    """Tell whether two short names of equal length differ in exactly one place."""
    if len(given) != len(known) or len(given) > SHORT:
        return False
    return sum(a != b for a, b in zip(given, known, strict=True)) == 1


_NUMBER = re.compile(r"\d+")


def _other_number(given: str, known: str) -> bool:
    """Tell whether two names differ only in their numbers (``sb7``, ``sb6``, ``sb10``).

    The parts between the numbers are the same and at least one number has
    another value (``sb06`` is ``sb6`` written with a zero).
    """
    if _NUMBER.sub("#", given) != _NUMBER.sub("#", known):
        return False
    numbers = [int(n) for n in _NUMBER.findall(given)]
    return bool(numbers) and numbers != [int(n) for n in _NUMBER.findall(known)]


def _begins(key: str, name: str) -> bool:
    """Tell whether ``key`` begins ``name``, a number not cut short (``sb1`` begins no ``sb10``)."""
    if not name.startswith(key):
        return False
    return not (key[-1:].isdigit() and name[len(key) : len(key) + 1].isdigit())


def closest(
    given: str, known: Iterable[str], *, cutoff: float = CUTOFF, prefix: bool = True
) -> str | None:
    """Return the known name ``given`` probably means, or None when none is close.

    Parameters
    ----------
    given : str
        The name as typed; anything else (None, a number) means no name.
    known : iterable of str
        The names there are; a mapping from each name to what it names (a lab's
        id and its full name both naming the lab) lets the beginning of
        several names of one thing mean it. Of two names equally like
        ``given`` the one later in lower-case sort order is meant, as
        :func:`difflib.get_close_matches` decides.
    cutoff : float, default CUTOFF
        Least likeness (0-1) of a name meant; a short name with one character
        wrong, or the beginning of exactly one name, is meant whatever the
        cutoff.
    prefix : bool, default True
        Whether the beginning of a name means it (and of several, none). False
        where ``given`` was not typed for a known name but found beside them,
        as a file in a data folder: ``rev`` is not ``revisions``.

    Returns
    -------
    str or None
        The known name as it is spelled in ``known``; None when ``given`` is
        not a string, is empty, no known name is close (a name differing only
        in its numbers is never close), or ``given`` begins several names.

    Examples
    --------
    >>> closest("Brandiss", ["brandis", "kehl"])
    'brandis'
    >>> closest("SB6", ["sb5", "sb6"])
    'sb6'
    >>> closest("sb7", ["sb5", "sb6"]) is None
    True
    >>> closest("sc6", ["sb5", "sb6"])
    'sb6'
    >>> closest("marburg", ["marburg_biedenkopf", "merseburg"])
    'marburg_biedenkopf'
    >>> closest("mer", ["merseburg", "merzenich", "moers"]) is None
    True
    >>> closest("sb1", ["sb10"]) is None
    True
    >>> closest("rev", ["revisions", "labs"], prefix=False) is None
    True
    >>> closest("xx", ["sb5", "sb6"]) is None
    True
    """
    if not isinstance(given, str):
        return None
    key = given.strip().lower()
    if not key:
        return None
    names: dict[str, str] = {}
    for name in known:
        names.setdefault(name.strip().lower(), name)
    if key in names:
        return names[key]
    means = known.get if isinstance(known, Mapping) else (lambda name: name)
    begun = [low for low in names if _begins(key, low)] if prefix and len(key) >= 2 else []
    meant = {means(names[low]) for low in begun}
    if len(meant) == 1 and len(key) >= PREFIX:
        return names[begun[0]]  # the beginning of one name: that name, however unlike others
    if len(meant) > 1:
        return None  # the beginning of several: which one is not known, and no other is meant
    matcher = difflib.SequenceMatcher()
    matcher.set_seq2(key)
    best: tuple[float, str] | None = None
    numbered = any(c.isdigit() for c in key)
    for low in names:
        if numbered and _other_number(key, low):
            continue  # sb7 is a period of its own, not a typo of sb6
        matcher.set_seq1(low)
        short = _one_wrong(key, low)
        if not short and (matcher.real_quick_ratio() < cutoff or matcher.quick_ratio() < cutoff):
            continue  # the cheap upper bounds already fall short
        score = matcher.ratio()
        if score < cutoff and not short:
            continue
        if best is None or (score, low) > best:
            best = (score, low)
    return names[best[1]] if best is not None else None
