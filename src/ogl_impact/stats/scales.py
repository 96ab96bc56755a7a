"""Items to scales: reverse keying, the respondent x item matrix, scale scores.

The survey table is long (one row per respondent, wave and item). Most
statistics need it wide: one row per respondent and wave, one column per
item. :func:`item_matrix` builds that matrix from the codebook, reversing the
items the codebook marks as reverse-keyed, so that every later step works on
items that all point the same way.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ogl_impact.stats.errors import StatsInputError

ID_COLUMNS = ("respondent_id", "unit_id", "wave", "actor_group")


REVERSED_ITEMS = "reversed_items"
"""Key of ``DataFrame.attrs`` listing the items whose answers are reversed."""


def reverse_key(
    values: pd.Series | pd.DataFrame | np.ndarray,
    minimum: float,
    maximum: float,
    *,
    keys: Sequence[int] | Sequence[str] | None = None,
):
    r"""Reverse answers the way R's psych package does (``reverse.code``, ``keys=``).

    Parameters
    ----------
    values : Series, DataFrame or ndarray
        Answers on a scale from ``minimum`` to ``maximum``; missing stays missing.
    minimum, maximum : float
        Ends of the scale (from the codebook, not from the data: psych takes
        them from the data when not given, which shifts items nobody answered
        at the ends).
    keys : sequence, optional
        Only for a DataFrame: which columns to reverse, in psych's ``keys``
        convention: one number per column (``-1`` reverse, ``1`` keep), or
        column names where a leading ``"-"`` means reverse (unmentioned columns
        stay as they are). Without ``keys`` every value is reversed.

    Returns
    -------
    Series, DataFrame or ndarray
        ``maximum + minimum - value`` where reversed; a DataFrame keeps its
        column names (psych appends ``"-"``; the codebook's item ids stay).

    Notes
    -----
    :math:`x' = \max + \min - x` maps the scale onto itself in reverse order.

    References
    ----------
    Revelle, W. psych: ``reverse.code(keys, items, mini, maxi)`` and the
    ``keys`` argument of ``alpha``/``scoreItems``.

    Examples
    --------
    >>> reverse_key(np.array([1.0, 2.0, 5.0, np.nan]), 1, 5)
    array([ 5.,  4.,  1., nan])
    >>> df = pd.DataFrame({"a": [1, 2], "b": [1, 2], "c": [5, 4]})
    >>> reverse_key(df, 1, 5, keys=[1, 1, -1])["c"].tolist()
    [1, 2]
    >>> reverse_key(df, 1, 5, keys=["-a"]).to_dict("list")
    {'a': [5, 4], 'b': [1, 2], 'c': [5, 4]}
    """
    if minimum >= maximum:
        raise StatsInputError(
            f"Skalenenden vertauscht oder gleich: minimum={minimum}, maximum={maximum}"
        )
    if keys is None:
        return maximum + minimum - values
    if not isinstance(values, pd.DataFrame):
        raise StatsInputError("keys= braucht eine Tabelle (DataFrame) mit einer Spalte pro Item")
    columns = [str(c) for c in values.columns]
    flip = _keys_to_flags(list(keys), columns)
    out = values.copy()
    for column, reverse in zip(values.columns, flip, strict=True):
        if reverse:
            out[column] = maximum + minimum - values[column]
    return out


def _keys_to_flags(keys: list, columns: list[str]) -> list[bool]:
    if keys and all(isinstance(k, str) for k in keys):
        names = [k.lstrip("-") for k in keys]
        unknown = [k for k in names if k not in columns]
        if unknown:
            raise StatsInputError(
                f"keys nennt Items, die es nicht gibt: {unknown}; Items: {columns}"
            )
        reversed_ = {k.lstrip("-") for k in keys if k.startswith("-")}
        return [c in reversed_ for c in columns]
    if len(keys) != len(columns):
        raise StatsInputError(
            f"keys hat {len(keys)} Einträge, die Tabelle {len(columns)} Items ({columns})"
        )
    flags = []
    for column, key in zip(columns, keys, strict=True):
        if key not in (1, -1):
            raise StatsInputError(f"keys für Item '{column}' ist {key!r}: erlaubt sind 1 und -1")
        flags.append(key == -1)
    return flags


def item_matrix(
    data: pd.DataFrame,
    codebook: pd.DataFrame,
    *,
    construct: str | None = None,
    items: Sequence[str] | None = None,
    reverse: bool = True,
) -> pd.DataFrame:
    r"""Turn the long survey table into a respondent x item matrix.

    Parameters
    ----------
    data : DataFrame
        The long ``responses`` table (respondent_id, unit_id, wave, actor_group,
        item_id, value).
    codebook : DataFrame
        The ``codebook`` table (item order, scale ends, reverse keys).
    construct : str, optional
        Keep only the items of this construct (e.g. ``"p1"``).
    items : sequence of str, optional
        Keep only these items, in this order.
    reverse : bool, default True
        Reverse the items marked ``reverse_keyed`` in the codebook.

    Returns
    -------
    DataFrame
        One row per respondent and wave, indexed by respondent_id, unit_id,
        wave and actor_group; one float column per item in codebook order;
        missing answers are NaN. ``attrs["reversed_items"]`` lists the
        columns whose answers were reversed.

    Notes
    -----
    Reverse keying uses the codebook's scale ends:
    :math:`x' = \text{scale\_max} + \text{scale\_min} - x` (see :func:`reverse_key`).

    References
    ----------
    R psych ``reverse.code`` / ``scoreItems`` (the same keying rule).

    Examples
    --------
    >>> responses = pd.DataFrame({"respondent_id": ["r1", "r1", "r2", "r2"],
    ...     "unit_id": "u", "wave": 1, "actor_group": "a",
    ...     "item_id": ["q1", "q2", "q1", "q2"], "value": [1.0, 5.0, 2.0, 4.0]})
    >>> codebook = pd.DataFrame({"item_id": ["q1", "q2"], "construct": "c",
    ...     "scale_min": 1, "scale_max": 5, "reverse_keyed": [False, True]})
    >>> item_matrix(responses, codebook).to_numpy().tolist()
    [[1.0, 1.0], [2.0, 2.0]]
    """
    book = codebook.set_index("item_id")
    if items is not None:
        wanted = list(items)
    elif construct is not None:
        wanted = book.index[book["construct"] == construct].tolist()
    else:
        wanted = book.index.tolist()
    unknown = [i for i in wanted if i not in book.index]
    if unknown or not wanted:
        raise StatsInputError(f"items not in the codebook: {unknown or wanted}")

    item_codes, item_index = _codes(data["item_id"])
    column_of = {item: j for j, item in enumerate(wanted)}
    lookup = np.array([column_of.get(str(i), -1) for i in item_index], dtype=np.int64)
    col = lookup[item_codes]
    keep = col >= 0
    sub_cols = col[keep]

    resp_codes, _ = _codes(data["respondent_id"])
    wave = data["wave"].to_numpy(dtype=np.int64)
    key = resp_codes[keep].astype(np.int64) * (int(wave.max()) + 1) + wave[keep]
    row, first = _factorize_first(key)
    matrix = np.full((len(first), len(wanted)), np.nan)
    matrix[row, sub_cols] = data["value"].to_numpy(dtype=float)[keep]

    kept_index = np.flatnonzero(keep)[first]
    ids = data.iloc[kept_index][list(ID_COLUMNS)].reset_index(drop=True)
    for name in ("respondent_id", "unit_id", "actor_group"):
        ids[name] = ids[name].astype(str)
    frame = pd.DataFrame(matrix, columns=pd.Index(wanted, name="item_id"))
    if reverse:
        for item in wanted:
            if bool(book.at[item, "reverse_keyed"]):
                frame[item] = reverse_key(
                    frame[item],
                    float(book.at[item, "scale_min"]),
                    float(book.at[item, "scale_max"]),
                )
    frame.index = pd.MultiIndex.from_frame(ids)
    frame = frame.sort_index()
    # which columns hold reversed answers: tables name them "umgepolt" (present.labelled)
    frame.attrs[REVERSED_ITEMS] = [
        item for item in wanted if reverse and bool(book.at[item, "reverse_keyed"])
    ]
    return frame


def scale_scores(data: pd.DataFrame, *, min_valid: int | float | None = None) -> pd.Series:
    r"""Mean of the valid items per respondent, if enough items were answered.

    Parameters
    ----------
    data : DataFrame
        Respondent x item matrix (items already reverse-keyed).
    min_valid : int or float, optional
        Minimum number of answered items for a score; a float below 1 is a
        share of the items. Default: all but one item (at least one).

    Returns
    -------
    Series
        The scale score, NaN where too few items were answered.

    Notes
    -----
    :math:`\bar x_i = \sum_{j \in V_i} x_{ij} / |V_i|` over the answered items
    :math:`V_i`, if :math:`|V_i| \ge` ``min_valid``.

    References
    ----------
    R psych ``scoreItems(..., impute = "none")`` (mean of the answered items).

    Examples
    --------
    >>> m = pd.DataFrame({"a": [1.0, 2.0, np.nan], "b": [3.0, np.nan, np.nan]})
    >>> scale_scores(m, min_valid=1).tolist()
    [2.0, 2.0, nan]
    >>> scale_scores(m, min_valid=2).tolist()
    [2.0, nan, nan]
    """
    values = data.to_numpy(dtype=float)
    k = values.shape[1]
    if min_valid is None:
        need = max(k - 1, 1)
    elif isinstance(min_valid, float) and min_valid < 1:
        need = int(np.ceil(min_valid * k))
    else:
        need = int(min_valid)
    valid = ~np.isnan(values)
    count = valid.sum(axis=1)
    total = np.where(valid, values, 0.0).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        score = np.where(count >= need, total / count, np.nan)
    return pd.Series(score, index=data.index, name="score")


def _codes(column: pd.Series) -> tuple[np.ndarray, pd.Index]:
    if isinstance(column.dtype, pd.CategoricalDtype):
        return column.cat.codes.to_numpy(), column.cat.categories
    codes, uniques = pd.factorize(column)
    return codes, pd.Index(uniques)


def _factorize_first(key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Codes of ``key`` and the position where each code first occurs."""
    codes, _ = pd.factorize(key)
    # factorize numbers values in order of first appearance, so a code is new
    # exactly where it exceeds every code before it
    previous_max = np.maximum.accumulate(codes)
    new = np.empty(len(codes), dtype=bool)
    new[:1] = True
    new[1:] = codes[1:] > previous_max[:-1]
    return codes, np.flatnonzero(new)
