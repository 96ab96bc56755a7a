"""Small-cell suppression and identifier checks for every published frame.

Every frame on its way to a figure or table passes :func:`protect`:

1. **No identifiers, no free text.** Columns such as ``respondent_id`` or
   free-text answers raise :class:`PrivacyError`; they never leave the package.
2. **Primary suppression.** A group (one row) with fewer than ``k``
   respondents is masked: its values and its ``n`` become missing and
   ``suppressed`` is true. ``k`` defaults to 5 and is never below 3.
3. **Complementary suppression.** A masked cell must not be recoverable by
   subtraction. Within every margin - the rows that share all grouping
   values but one (e.g. all labs of one wave) - a single masked cell could
   be worked out from the margin total (which a network mean or a published
   total reveals) and the visible cells. So whenever a margin holds exactly
   one masked cell, the smallest visible cell of that margin is masked too;
   this repeats until no margin holds exactly one. If a total row is present
   (``total_label``), the total row itself is masked instead when masking
   another cell is impossible.

Plots draw masked rows as absent; tables show them as empty.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

K_DEFAULT = 5
K_MINIMUM = 3
FORBIDDEN_COLUMNS = frozenset(
    {"respondent_id", "respondent", "email", "name_respondent", "free_text", "text", "comment"}
)


class PrivacyError(ValueError):
    """A frame holds identifiers or free text, or a threshold is unsafe."""


def check_k(k: int) -> int:
    """Validate a suppression threshold.

    Parameters
    ----------
    k : int
        Minimum number of respondents per published group.

    Returns
    -------
    int
        ``k`` when it is at least :data:`K_MINIMUM`.

    Raises
    ------
    PrivacyError
        When ``k`` is below 3.
    """
    if int(k) < K_MINIMUM:
        raise PrivacyError(f"suppression threshold k={k} is below the minimum of {K_MINIMUM}")
    return int(k)


def assert_no_identifiers(frame: pd.DataFrame) -> None:
    """Raise if a frame carries respondent ids or free text.

    Parameters
    ----------
    frame : DataFrame
        A frame about to be drawn or written.

    Raises
    ------
    PrivacyError
        Naming the offending columns.
    """
    bad = sorted(c for c in map(str, frame.columns) if c.lower() in FORBIDDEN_COLUMNS)
    if bad:
        raise PrivacyError(f"columns not allowed in an output: {', '.join(bad)}")


def protect(
    frame: pd.DataFrame,
    *,
    groups: Sequence[str],
    n: str = "n",
    k: int = K_DEFAULT,
    total_label: str | None = None,
    keep: Sequence[str] = (),
) -> pd.DataFrame:
    """Apply primary and complementary small-cell suppression.

    Parameters
    ----------
    frame : DataFrame
        One row per published group (cell), with the respondent count ``n``.
        Rows that repeat a group (e.g. one row per answer category of a
        group) share the group's fate.
    groups : sequence of str
        Columns that define a group (e.g. ``["unit_id", "wave"]``).
    n : str, default "n"
        Column with the number of respondents of the group.
    k : int, default 5
        Threshold; groups with fewer respondents are masked (never below 3).
    total_label : str, optional
        Value in a grouping column that marks a total row (e.g. ``"alle"``).
    keep : sequence of str
        Descriptive columns left visible in masked rows (e.g. item and
        category labels, so that a figure can still name what is missing).

    Returns
    -------
    DataFrame
        A copy with a boolean ``suppressed`` column; every other non-group
        column of a masked row is missing.

    Examples
    --------
    >>> f = pd.DataFrame({"lab": ["a", "b", "c"], "n": [2, 40, 50], "mean": [3.0, 3.5, 4.0]})
    >>> protect(f, groups=["lab"])[["lab", "suppressed"]].values.tolist()
    [['a', True], ['b', True], ['c', False]]
    """
    k = check_k(k)
    assert_no_identifiers(frame)
    groups = list(groups)
    missing = [c for c in [*groups, n] if c not in frame.columns]
    if missing:
        raise ValueError(f"columns {missing} not in the frame (have {list(frame.columns)})")
    out = frame.copy()
    cells = out[groups].astype(str).agg("\x1f".join, axis=1) if groups else pd.Series("", out.index)
    size = out.groupby(cells, sort=False)[n].max()
    masked = set(size.index[(size.fillna(0) < k)])
    keys = pd.DataFrame([c.split("\x1f") for c in size.index], columns=groups, index=size.index)
    is_total = pd.Series(False, keys.index)
    if total_label is not None:
        is_total = keys.eq(total_label).any(axis=1)
    changed = True
    while changed and len(groups) >= 1:
        changed = False
        for dim in groups:
            others = [g for g in groups if g != dim]
            margin = keys[others].agg("\x1f".join, axis=1) if others else pd.Series("", keys.index)
            for _, members in keys.groupby(margin, sort=False).groups.items():
                members = list(members)
                hidden = [m for m in members if m in masked]
                if len(hidden) != 1 or len(members) < 2:
                    continue
                visible = [m for m in members if m not in masked and not is_total[m]]
                if visible:
                    masked.add(min(visible, key=lambda m: (size[m], m)))
                else:
                    totals = [m for m in members if m not in masked]
                    masked.update(totals)
                changed = True
    out["suppressed"] = cells.isin(masked).to_numpy()
    value_cols = [c for c in out.columns if c not in {*groups, *keep, "suppressed"}]
    for col in value_cols:
        if out[col].dtype.kind in "biuf":
            out[col] = out[col].astype(float)
        out.loc[out["suppressed"], col] = np.nan
    return out
