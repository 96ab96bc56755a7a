"""Likert summaries: percent per category and low / neutral / high shares.

Category order and labels come from the codebook (``scale_min`` ..
``scale_max`` and ``value_labels``), never from the data, so that a category
nobody chose still appears with 0 %. Shares follow R's likert package: *low*
is the share below the middle category, *high* the share above it, *neutral*
the middle category itself (0 for an even number of categories).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ogl_impact.stats.errors import StatsInputError
from ogl_impact.stats.groups import constant_dims, describe
from ogl_impact.stats.masking import MIN_N_DEFAULT, check_min_n, mask, note


@dataclass(frozen=True, eq=False)
class LikertSummary:
    """Result of :func:`likert_summary`.

    Attributes
    ----------
    categories : DataFrame
        by..., item_id, value, label, count, n, percent: one row per category
        of the scale, in scale order (a category nobody chose has 0 %).
    shares : DataFrame
        by..., item_id, n, missing, low, neutral, high (percent of valid
        answers), mean, sd.
    note : str
        How many groups are masked (``min_n``), or that the values are raw.

    Both frames end with ``suppressed``: groups with 1 to ``min_n - 1``
    valid answers keep their labels, everything else is missing. A group
    without any valid answer (n = 0) is not suppressed: it identifies no one.
    """

    categories: pd.DataFrame
    shares: pd.DataFrame
    note: str = ""

    def summary(self) -> str:
        """Plain-text view of the shares table."""
        return self.shares.to_string(index=False)

    def _repr_html_(self) -> str:
        return self.shares.to_html(index=False)


def _labels(spec: object) -> dict[int, str]:
    out: dict[int, str] = {}
    if isinstance(spec, str) and spec:
        for part in spec.split("|"):
            code, _, label = part.partition("=")
            out[int(float(code))] = label
    return out


def likert_summary(
    data: pd.DataFrame,
    codebook: pd.DataFrame,
    *,
    items: Sequence[str] | None = None,
    by: Sequence[str] = (),
    min_n: int | None = MIN_N_DEFAULT,
) -> LikertSummary:
    r"""Percent per category and summary shares per item (and group).

    Parameters
    ----------
    data : DataFrame
        Long survey table with item_id and value (raw answers, not reversed:
        a Likert chart shows what people ticked).
    codebook : DataFrame
        The codebook: item order, scale ends and value labels.
    items : sequence of str, optional
        Items to summarise, default all items of the codebook in its order.
    by : sequence of str
        Grouping columns of ``data`` such as ``("unit_id", "wave")``.
    min_n : int or None, default 5
        Groups (by... and item) with fewer valid answers, but at least one,
        are masked: labels stay, counts, shares, mean, sd and n are missing,
        ``suppressed`` is true (a group of 0 keeps n = 0 and is not masked).
        ``None`` gives raw values with a :class:`UserWarning`.

    Returns
    -------
    LikertSummary
        ``.categories`` (by..., item_id, value, label, count, n (valid
        answers), percent; one row for every category of the scale, in scale
        order) and ``.shares`` (by..., item_id, n, missing, low, neutral,
        high (percent of valid answers), mean, sd).

    Raises
    ------
    StatsInputError
        A column is missing, an item is not in the codebook or an answer lies
        outside the item's scale.

    Notes
    -----
    With valid answers :math:`x_1..x_n` of an item on the scale
    :math:`a..b` and middle :math:`m = (a + b) / 2`:
    :math:`\text{percent}_v = 100\,\#\{x_i = v\}/n`,
    :math:`\text{low} = \sum_{v<m}\text{percent}_v`,
    :math:`\text{neutral} = \text{percent}_m` (0 when :math:`m` is not a
    category) and :math:`\text{high} = \sum_{v>m}\text{percent}_v`.

    References
    ----------
    Bryer, J. & Speerschneider, K. (2016). likert: Analysis and visualization
    of Likert items. R package; ``summary.likert`` computes the same low /
    neutral / high shares.

    Examples
    --------
    >>> responses = pd.DataFrame({"item_id": ["q1"] * 8, "value": [1, 2, 3, 5] * 2})
    >>> codebook = pd.DataFrame({"item_id": ["q1"], "scale_min": [1], "scale_max": [5],
    ...                          "value_labels": ["1=nie|5=immer"]})
    >>> res = likert_summary(responses, codebook)  # min_n=5: the 8 answers are shown
    >>> res.shares[["low", "neutral", "high"]].iloc[0].tolist()
    [50.0, 25.0, 25.0]
    >>> res.categories["label"].tolist()
    ['nie', '2', '3', '4', 'immer']
    >>> likert_summary(responses.head(2), codebook).shares[["n", "low", "suppressed"]]
        n  low  suppressed
    0 NaN  NaN        True
    """
    min_n = check_min_n(min_n)
    book = codebook.set_index("item_id")
    wanted = list(items) if items is not None else book.index.tolist()
    by = list(by)
    needed = [c for c in [*by, "item_id", "value"] if c not in data.columns]
    if needed:
        raise StatsInputError(
            f"Spalte {needed[0]!r} fehlt in data (column missing); vorhandene Spalten: "
            f"{', '.join(map(str, data.columns))}."
        )
    unknown = [i for i in wanted if i not in book.index]
    if unknown:
        raise StatsInputError(
            f"Items {unknown} stehen nicht im Codebuch (items not in the codebook)."
        )
    sub = data.loc[data["item_id"].isin(wanted), [*by, "item_id", "value"]].copy()
    sub["item_id"] = sub["item_id"].astype(str)
    for col in by:
        if isinstance(sub[col].dtype, pd.CategoricalDtype):
            sub[col] = sub[col].astype(str)
    cat_rows, sum_rows = [], []
    groups = (
        sub.groupby([*by, "item_id"], sort=True, observed=True)
        if by
        else sub.groupby("item_id", sort=True)
    )
    for key, part in groups:
        key = key if isinstance(key, tuple) else (key,)
        item = key[-1]
        lo, hi = int(book.at[item, "scale_min"]), int(book.at[item, "scale_max"])
        labels = _labels(book.at[item, "value_labels"])
        values = pd.to_numeric(part["value"], errors="coerce").to_numpy(dtype=float)
        valid = values[~np.isnan(values)]
        outside = valid[(valid < lo) | (valid > hi) | (valid != np.round(valid))]
        if len(outside):
            raise StatsInputError(
                f"Item {item!r}: Wert {outside[0]:g} liegt nicht auf der Skala {lo}..{hi} "
                f"(value outside the scale)."
            )
        n = len(valid)
        scale = np.arange(lo, hi + 1)
        counts = np.array([(valid == v).sum() for v in scale])
        pct = 100 * counts / n if n else np.full(len(scale), np.nan)
        for v, c, p in zip(scale, counts, pct, strict=True):
            cat_rows.append((*key, int(v), labels.get(int(v), str(v)), int(c), n, p))
        mid = (lo + hi) / 2
        sum_rows.append(
            (
                *key,
                n,
                int(np.isnan(values).sum()),
                pct[scale < mid].sum() if n else np.nan,
                pct[scale == mid].sum() if n else np.nan,
                pct[scale > mid].sum() if n else np.nan,
                valid.mean() if n else np.nan,
                valid.std(ddof=1) if n > 1 else np.nan,
            )
        )
    keys = [*by, "item_id"]
    categories = pd.DataFrame(cat_rows, columns=[*keys, "value", "label", "count", "n", "percent"])
    summary = pd.DataFrame(
        sum_rows, columns=[*keys, "n", "missing", "low", "neutral", "high", "mean", "sd"]
    )
    order = {item: i for i, item in enumerate(wanted)}

    def ordered(frame: pd.DataFrame) -> pd.DataFrame:
        key = frame.assign(_o=frame["item_id"].map(order))
        extra = ["value"] if "value" in frame else []
        return key.sort_values([*by, "_o", *extra]).drop(columns="_o").reset_index(drop=True)

    categories, summary = ordered(categories), ordered(summary)
    fixed = constant_dims(data, by)  # e.g. the one lab whose answers were summarised
    if min_n is None:
        return LikertSummary(
            describe(categories, dims=by, variables=["item_id"], fixed=fixed,
                     keep=["value", "label"]),
            describe(summary, dims=by, variables=["item_id"], fixed=fixed),
            note(0, None),
        )  # fmt: skip
    # a group of nobody (n = 0) identifies no one: "keine Daten", not suppressed
    small_c = categories["n"].between(1, min_n - 1)
    small_s = summary["n"].between(1, min_n - 1)
    return LikertSummary(
        describe(
            mask(categories, small_c, keep=[*keys, "value", "label"]),
            dims=by,
            variables=["item_id"],
            fixed=fixed,
            keep=["value", "label"],
        ),
        describe(mask(summary, small_s, keep=keys), dims=by, variables=["item_id"], fixed=fixed),
        note(int(small_s.sum()), min_n),
    )
