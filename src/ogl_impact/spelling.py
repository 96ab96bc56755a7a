"""The one rule for "meinten Sie …?": which known name a mistyped one probably means.

Every message that suggests a name (a lab or period on the command line, a
file name, a key that another table does not know, a method of
:func:`ogl_impact.stats.adjust_pvalues`) asks :func:`closest`. A name given
in other capitals or with spaces around it is the name itself; otherwise the
most similar known name (:class:`difflib.SequenceMatcher`, lower case) is
meant when the likeness reaches :data:`CUTOFF`. A short name (up to
:data:`SHORT` characters) with one character wrong is meant too: ``kehk`` for
``kehl`` (likeness 0.75), ``sc6`` for ``sb6`` (0.67). A name that differs from a
known one only in its digits is another id, not a typo: ``sb7`` does not mean
``sb6`` (a period not yet in periods.csv must not send anyone to rebuild the
last one), ``p4`` does not mean ``p1``. The beginning of exactly one known name
(at least :data:`PREFIX` characters) means that name before any likeness:
``marburg`` is ``marburg_biedenkopf``, not the more alike ``merseburg``. The
beginning of several (``mer`` of ``merseburg`` and ``merzenich``, ``sb`` of
``sb1`` to ``sb6``) means none: the one meant is not known, and a third name
(``moers``) is not meant.
"""

from __future__ import annotations

import difflib
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


def _other_number(given: str, known: str) -> bool:
    """Tell whether two names of equal length differ, and only where both have a digit."""
    if len(given) != len(known):
        return False
    pairs = [(a, b) for a, b in zip(given, known, strict=True) if a != b]
    return bool(pairs) and all(a.isdigit() and b.isdigit() for a, b in pairs)


def closest(given: str, known: Iterable[str], *, cutoff: float = CUTOFF) -> str | None:
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

    Returns
    -------
    str or None
        The known name as it is spelled in ``known``; None when ``given`` is
        not a string, is empty, no known name is close (a name differing only
        in its digits is never close), or ``given`` begins several names.

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
    begun = [low for low in names if low.startswith(key)] if len(key) >= 2 else []
    meant = {means(names[low]) for low in begun}
    if len(meant) == 1 and len(key) >= PREFIX:
        return names[begun[0]]  # the beginning of one name: that name, however unlike others
    if len(meant) > 1:
        return None  # the beginning of several: which one is not known, and no other is meant
    matcher = difflib.SequenceMatcher()
    matcher.set_seq2(key)
    best: tuple[float, str] | None = None
    for low in names:
        if _other_number(key, low):
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
