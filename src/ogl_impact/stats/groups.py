"""Which groups of respondents a per-group result shows, written into ``frame.attrs``.

A per-group summary of :mod:`ogl_impact.stats` (Likert shares, reliability,
change per unit) says in ``attrs["groups"]`` what its rows are about, so
that a notebook's one suppression decision
(:meth:`ogl_impact.privacy.Disclosure.publish`, used by
``present.table(frame, ds, disclosure=dc)``) can register every group a
table shows without being told again:

- ``dims``: columns whose values split the respondents (e.g. ``wave``,
  ``unit_id``);
- ``fixed``: respondent dimensions shared by every row (e.g. the one lab
  whose answers were summarised, or ``is_lab`` = True for a table of labs);
- ``counts``: each n column with the respondent dimensions it adds (e.g.
  ``n_after`` counts wave 3): one group per row and n column;
- ``partial``: value columns that belong to one n column only (e.g. the
  panel values to ``n_panel``); every other value belongs to the whole row;
- ``variables``: columns naming what a value is about (item, construct), or
  ``variable``, the one thing every row is about;
- ``total``: ``{column: value}`` of a row over all units (``unit_id`` =
  ``"alle"``): its group lacks that dimension (``scope`` names the units
  when the total covers only some of them);
- ``rows``: groups named by a row label (the cells of a 2x2 table); other
  rows derive from them; ``depends``: groups of another table that every
  row derives from (a model estimate from its cells);
- ``keep``: label columns that stay visible in a suppressed row.

pandas keeps ``attrs`` through copies, column selection, filtering and
``assign``; :func:`pandas.concat` of frames with different descriptions drops
them (the decision then refuses the frame and names its columns).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

GROUPS = "groups"
"""Key of the description in ``DataFrame.attrs``."""
RESPONDENT_COLUMNS = ("wave", "unit_id", "is_lab", "actor_group")
"""Columns of answers or scores that split respondents into groups."""


def constant_dims(data: pd.DataFrame, by: Sequence[str] = ()) -> dict[str, object]:
    """Return the respondent dimensions with one value in all of ``data`` (not in ``by``).

    A summary of one lab's answers shows groups of that lab: the lab is a
    fixed dimension of every row although no column of the result names it.

    Parameters
    ----------
    data : DataFrame
        The answers or scores a summary was computed from.
    by : sequence of str
        Grouping columns of the summary (already dimensions of its rows).

    Returns
    -------
    dict
        ``{column: value}`` for each of :data:`RESPONDENT_COLUMNS` that
        ``data`` has, is not in ``by`` and holds exactly one value.

    Notes
    -----
    A column with several values is pooled over (the group is their total)
    and is left out, as a total over that dimension.

    References
    ----------
    Hundepool, A. et al. (2012). *Statistical Disclosure Control*. Wiley,
    ch. 5 (tables, their margins and linked tables).

    Examples
    --------
    >>> constant_dims(pd.DataFrame({"unit_id": ["a", "a"], "wave": [1, 3]}), by=["wave"])
    {'unit_id': 'a'}
    """
    out: dict[str, object] = {}
    for col in RESPONDENT_COLUMNS:
        if col in data.columns and col not in by:
            values = pd.unique(data[col].dropna().astype(object))
            if len(values) == 1:
                value = values[0]
                out[col] = value.item() if hasattr(value, "item") else value
    return out


def describe(
    frame: pd.DataFrame,
    *,
    dims: Sequence[str] = (),
    counts: Mapping[str, Mapping[str, object]] | None = None,
    variables: Sequence[str] = (),
    variable: str = "",
    fixed: Mapping[str, object] | None = None,
    partial: Mapping[str, Sequence[str]] | None = None,
    total: Mapping[str, object] | None = None,
    scope: Mapping[str, Sequence[object]] | None = None,
    rows: Mapping[str, Mapping[object, Mapping[str, object]]] | None = None,
    depends: Sequence[Mapping[str, object]] = (),
    keep: Sequence[str] = (),
) -> pd.DataFrame:
    """Write the description of a result's groups into ``frame.attrs["groups"]``.

    Parameters
    ----------
    frame : DataFrame
        A per-group result (changed in place and returned).
    dims : sequence of str
        Respondent dimensions of the rows.
    counts : mapping, optional
        n column -> respondent dimensions it adds; default ``{"n": {}}``.
    variables : sequence of str
        Columns naming the variable of a row.
    variable : str
        The variable of every row when no column names it (e.g. the
        construct of a change table, so that selecting columns keeps it).
    fixed : mapping, optional
        Respondent dimensions shared by all rows.
    partial : mapping, optional
        n column -> the value columns that depend on it alone.
    total : mapping, optional
        ``{column: value}`` marking rows over all values of that dimension.
    scope : mapping, optional
        ``{column: values}`` when a total row covers only some values of its
        dimension (e.g. a chosen set of units): the total is then a group of
        its own (the one unit, when it covers one), not the total over the
        dimension.
    rows : mapping, optional
        ``{column: {value: dims}}``: rows named by ``value`` in ``column``
        (e.g. the cells "treated, before" of a 2x2 table) show the group
        ``dims``; every other row is derived from them and hidden with any
        of them (changes, a difference in differences).
    depends : sequence of mapping
        Groups (respondent dimensions, with ``variable``) every row is
        derived from, shown in another table (e.g. the model estimate of a
        2x2 table); the rows are hidden when any of them is.
    keep : sequence of str
        Label columns left visible in suppressed rows.

    Returns
    -------
    DataFrame
        ``frame``, with the description.

    Notes
    -----
    A group is the set of respondents with the row's ``dims`` values, the
    ``fixed`` values and the dimensions of one n column; with the row's
    variable it is one cell of the decision's table of published groups.

    References
    ----------
    Hundepool, A. et al. (2012). *Statistical Disclosure Control*. Wiley,
    ch. 5 (linked tables are protected together).

    Examples
    --------
    >>> f = describe(pd.DataFrame({"wave": [1, 3], "n": [9, 4]}), dims=["wave"],
    ...              fixed={"unit_id": "a"})
    >>> f.attrs["groups"]["fixed"], f.attrs["groups"]["counts"]
    ({'unit_id': 'a'}, {'n': {}})
    """
    frame.attrs[GROUPS] = {
        "dims": list(dims),
        "counts": {str(c): dict(extra) for c, extra in (counts or {"n": {}}).items()},
        "variables": list(variables),
        "variable": str(variable),
        "fixed": dict(fixed or {}),
        "partial": {str(c): list(cols) for c, cols in (partial or {}).items()},
        "total": dict(total or {}),
        "scope": {str(c): list(values) for c, values in (scope or {}).items()},
        "rows": {str(c): {v: dict(d) for v, d in m.items()} for c, m in (rows or {}).items()},
        "depends": [dict(d) for d in depends],
        "keep": list(keep),
    }
    return frame
