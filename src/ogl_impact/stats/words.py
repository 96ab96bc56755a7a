"""Method texts and notes in both languages: ``"Deutsch / English"``.

Every method text and note of :mod:`ogl_impact.stats` is written in both
languages, German first, separated by exactly one ``" / "``; a table
(:func:`ogl_impact.present.labelled`) shows the reader's half. A text the
same in both languages (``"ML"``, ``"REML"``) is written once.

Examples
--------
>>> both("konvergiert", "converged")
'konvergiert / converged'
>>> halves("ML")
('ML', 'ML')
>>> joined(["OLS, Kovarianz klassisch / OLS, classical covariance", "G = 4"])
'OLS, Kovarianz klassisch; G = 4 / OLS, classical covariance; G = 4'
>>> joined(["ML", ""])
'ML'
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["BILINGUAL", "both", "comma", "halves", "joined"]

#: The separator of a text's German and English half.
BILINGUAL = " / "


def both(german: str, english: str) -> str:
    """Write a text in both languages (once when the two are the same).

    Parameters
    ----------
    german, english : str
        The text in German and in English.

    Returns
    -------
    str
        ``"german / english"``, or ``german`` when both are equal.

    Notes
    -----
    Neither half may contain the separator itself, or the text would read as
    one language (:func:`halves`).

    References
    ----------
    The package's convention for texts of results (docs/architecture.md);
    :func:`ogl_impact.present.in_language` shows one half.

    Examples
    --------
    >>> both("Mittelwert", "mean")
    'Mittelwert / mean'
    >>> both("ML", "ML")
    'ML'
    """
    german, english = german.strip(), english.strip()
    return german if german == english else f"{german}{BILINGUAL}{english}"


def halves(text: str) -> tuple[str, str]:
    """Split a text into its German and English half.

    Parameters
    ----------
    text : str
        A text written by :func:`both`, or one in a single language.

    Returns
    -------
    tuple of str
        German and English half; a text without exactly one separator is both.

    Notes
    -----
    A text with two or more separators ("a / b / c") is taken as one
    language, as :func:`ogl_impact.present.in_language` takes it.

    References
    ----------
    The package's convention for texts of results (docs/architecture.md);
    :func:`ogl_impact.present.in_language` shows one half.

    Examples
    --------
    >>> halves("konvergiert / converged")
    ('konvergiert', 'converged')
    >>> halves("REML")
    ('REML', 'REML')
    """
    if text.count(BILINGUAL) != 1:
        return text, text
    german, english = text.split(BILINGUAL)
    return german.strip(), english.strip()


def joined(texts: Iterable[str], sep: str = "; ") -> str:
    """Join texts half by half: the German halves, then the English halves.

    Parameters
    ----------
    texts : iterable of str
        Texts in both languages (or the same in both); empty ones are left out.
    sep : str, default "; "
        What stands between two texts in each half.

    Returns
    -------
    str
        One text in both languages (empty when ``texts`` are).

    Notes
    -----
    Joining whole texts ("a / b; c / d") would give two separators and a
    table could show neither half; joining half by half keeps one.

    References
    ----------
    The package's convention for texts of results (docs/architecture.md);
    :func:`ogl_impact.present.in_language` shows one half.

    Examples
    --------
    >>> joined(["nur 8 Cluster / only 8 clusters", "5 Zeilen / 5 rows"])
    'nur 8 Cluster; 5 Zeilen / only 8 clusters; 5 rows'
    """
    parts = [halves(t) for t in texts if t]
    return both(sep.join(g for g, _ in parts), sep.join(e for _, e in parts))


def comma(text: str) -> str:
    """Write the decimal points of the numbers in ``text`` as commas (for the German half).

    Parameters
    ----------
    text : str
        Text with numbers such as ``0.05``.

    Returns
    -------
    str

    Notes
    -----
    Only a point between two digits changes; a full stop stays.

    References
    ----------
    The package's convention for texts of results (docs/architecture.md);
    :func:`ogl_impact.present.in_language` shows one half.

    Examples
    --------
    >>> comma("p < 0.01, G = 4")
    'p < 0,01, G = 4'
    """
    return re.sub(r"(?<=\d)\.(?=\d)", ",", text)
