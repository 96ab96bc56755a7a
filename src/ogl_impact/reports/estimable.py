"""Figures and statistics that thin data cannot support, and why.

A report must still be built when a wave holds a handful of respondents or
the network one lab: the figure that cannot be estimated is listed in the
gallery as "nicht schätzbar" with the reason in plain words, and the rest of
the report is drawn. :class:`NotEstimable` carries that reason;
:func:`numerical_failures` turns the numerical failures of an estimation
(singular design, perfect separation, and a division by zero or a refusal
of the data raised while a function of :mod:`ogl_impact.stats` computes)
into it, and lets every other error through so that a genuine bug in the
reports still fails loudly.
"""

from __future__ import annotations

import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
from statsmodels.tools.sm_exceptions import PerfectSeparationError

STATS_FOLDER = Path(__file__).resolve().parents[1] / "stats"


class NotEstimable(Exception):
    """A figure or statistic cannot be estimated from the data at hand.

    Parameters
    ----------
    reason : str
        Plain-language reason in the report's language, e.g. "In Welle 3
        hat nur ein Labor Antworten."

    Examples
    --------
    >>> str(NotEstimable("keine Streuung"))
    'keine Streuung'
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _from_stats(exc: BaseException) -> bool:
    """Whether ``exc`` was raised while a function of ogl_impact/stats/ was running."""
    frames = traceback.extract_tb(exc.__traceback__)
    return any(Path(f.filename).resolve().parent == STATS_FOLDER for f in frames)


@contextmanager
def numerical_failures(lang: str = "de") -> Iterator[None]:
    """Turn the numerical failures of an estimation into :class:`NotEstimable`.

    Translated wherever they arise: :class:`numpy.linalg.LinAlgError`
    (singular design) and statsmodels' ``PerfectSeparationError``.
    Translated only when raised while a function of :mod:`ogl_impact.stats`
    runs (its own refusal of data it cannot estimate from, e.g. too few
    clusters, or numpy's failure on an empty or constant input inside it):
    :class:`ValueError`, :class:`ZeroDivisionError` and
    :class:`FloatingPointError`. Anything else, and those three when raised
    by the report code itself, passes unchanged: a bug stays visible.

    Parameters
    ----------
    lang : {"de", "en"}
        Language of the reason.

    Yields
    ------
    None

    Raises
    ------
    NotEstimable
        With the reason in plain words.

    Examples
    --------
    >>> import numpy as np
    >>> try:
    ...     with numerical_failures("en"):
    ...         np.linalg.inv(np.zeros((2, 2)))
    ... except NotEstimable as exc:
    ...     print(exc.reason)
    the model's design is singular (e.g. a group is missing in a wave)
    """
    de = lang == "de"
    try:
        yield
    except np.linalg.LinAlgError as exc:
        raise NotEstimable(
            "die Designmatrix des Modells ist singulär (z. B. fehlt einer Gruppe eine Welle)"
            if de
            else "the model's design is singular (e.g. a group is missing in a wave)"
        ) from exc
    except (ZeroDivisionError, FloatingPointError) as exc:
        if not _from_stats(exc):
            raise
        raise NotEstimable(
            "Division durch null (die Werte streuen nicht)"
            if de
            else "division by zero (the values do not vary)"
        ) from exc
    except PerfectSeparationError as exc:
        raise NotEstimable(
            "vollständige Trennung der Gruppen" if de else "perfect separation of the groups"
        ) from exc
    except ValueError as exc:
        if not _from_stats(exc):
            raise
        raise NotEstimable(
            f"das Modell lehnt die Daten ab: {exc}" if de else f"the model refuses the data: {exc}"
        ) from exc
