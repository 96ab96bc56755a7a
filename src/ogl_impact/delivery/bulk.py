"""The stored values a batch of workbooks needs, summarised for all their labs at once.

Checking a workbook needs its lab's stored ``indicator_values`` twice: the
layout (:func:`~ogl_impact.delivery.workbook.build_layout`: which
disaggregation values each indicator has, last period's value of each row,
the latest period with a value) and the values already stored for the
workbook's own period (collect's keep rule and the plausibility checks).
Made one lab at a time, that is a Python loop over every stored row of the
lab (about 200 in a national roll-out), the largest part of the checks.
:func:`value_facts` does it with numpy over the rows of all labs of a batch
(a pool worker is handed up to 64 workbooks at a time) and gives, per lab
and period, exactly what the loop gives; a column it does not know how to
read in bulk (not converted lazily by
:class:`~ogl_impact.delivery.workbook.LabRows`) leaves the lab to the loop.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from ogl_impact.delivery.workbook import (
    LabRows,
    ValueHistory,
    _Converted,
    period_facts,
)

_NO_RANK = np.iinfo(np.int64).max


@dataclass
class ValueFacts:
    """A lab's stored values as checking its workbook for a period needs them.

    Attributes
    ----------
    history : ValueHistory
        What :func:`~ogl_impact.delivery.workbook.value_history` gives for the
        lab's rows of the other periods.
    stored : dict
        (indicator_id, disaggregation value) -> value of the period's own
        rows with a value, in table order (the last row of a key wins).
    any_stored : bool
        Whether the lab has any row for the period (a value or not).
    """

    history: ValueHistory
    stored: dict[tuple[str, str], object]
    any_stored: bool


class _Column:
    """A text column as codes whose equal texts share one code (the first)."""

    def __init__(self, col: _Converted):
        texts = col.texts.tolist()  # type: ignore[union-attr]
        first: dict[str, int] = {}
        self.canon = np.array([first.setdefault(t, i) for i, t in enumerate(texts)], np.int64)
        self.texts = texts
        self.code = first  # text -> its code
        self.data = col.data
        self._objects = np.empty(len(texts), dtype=object)
        self._objects[:] = texts

    def of(self, codes: np.ndarray) -> list[str]:
        """Return the texts of ``codes`` (positions in :attr:`texts`)."""
        return self._objects[codes].tolist()


def _columns(rows: LabRows) -> tuple[_Column, _Column, _Column, np.ndarray] | None:
    """Return the value table's columns ready for bulk work (None: not lazily converted)."""
    memo = rows.memo
    if "value_columns" not in memo:
        (iid, per, disagg, value), _ = rows.table("indicator_values")
        texts_ok = all(
            isinstance(c, _Converted) and c.texts is not None for c in (iid, per, disagg)
        )
        numbers_ok = isinstance(value, _Converted) and value.texts is None
        memo["value_columns"] = (
            (_Column(iid), _Column(per), _Column(disagg), value.data)  # type: ignore[arg-type, union-attr]
            if texts_ok and numbers_ok
            else None
        )
    return memo["value_columns"]  # type: ignore[return-value]


def value_facts(
    rows: LabRows, wanted: Iterable[tuple[str, str]]
) -> dict[tuple[str, str], ValueFacts]:
    """Summarise the stored values of many labs, each for its workbook's period.

    Parameters
    ----------
    rows : LabRows
        The lab tables as collect converted them.
    wanted : iterable of tuple
        (lab, period) pairs; each period must be in the periods table.

    Returns
    -------
    dict
        :class:`ValueFacts` per pair of ``wanted``; a pair is missing where
        the table's columns cannot be read in bulk (the caller makes it
        one lab at a time).
    """
    columns = _columns(rows)
    if columns is None:
        return {}
    by_period: dict[str, list[str]] = {}
    for lab, period in dict.fromkeys(wanted):
        by_period.setdefault(period, []).append(lab)
    out: dict[tuple[str, str], ValueFacts] = {}
    for period, labs in by_period.items():
        for lab, facts in zip(labs, _for_period(rows, columns, labs, period), strict=True):
            out[(lab, period)] = facts
    return out


def _for_period(
    rows: LabRows,
    columns: tuple[_Column, _Column, _Column, np.ndarray],
    labs: list[str],
    period: str,
) -> list[ValueFacts]:
    """Do :func:`value_facts` for labs whose workbooks are all for one period."""
    iid_col, per_col, dis_col, numbers = columns
    _, where = rows.table("indicator_values")
    bounds = np.array([where.get(lab, (0, 0)) for lab in labs], dtype=np.int64).reshape(-1, 2)
    lengths = bounds[:, 1] - bounds[:, 0]
    total = int(lengths.sum())
    # the rows of every lab, in table order, and whose they are (position in labs)
    owner = np.repeat(np.arange(len(labs), dtype=np.int64), lengths)
    offsets = np.cumsum(lengths) - lengths
    at = (
        np.arange(total, dtype=np.int64)
        - np.repeat(offsets, lengths)
        + np.repeat(bounds[:, 0], lengths)
    )
    iid = iid_col.canon[iid_col.data[at]]
    per = per_col.canon[per_col.data[at]]
    dis = dis_col.canon[dis_col.data[at]]
    value = numbers[at]

    earlier = period_facts(rows.shared(), period)[0]
    rank_of = np.full(len(per_col.texts), _NO_RANK, dtype=np.int64)
    for r, p in enumerate(earlier):  # as {p: r for r, p in enumerate(earlier)}: the last wins
        code = per_col.code.get(p)
        if code is not None:
            rank_of[code] = r
    own_code = per_col.code.get(period, -1)
    mine = per == own_code if own_code >= 0 else np.zeros(total, dtype=bool)
    other = ~mine

    n_iid, n_dis = len(iid_col.texts), len(dis_col.texts)
    key = (owner * n_iid + iid) * n_dis + dis  # (lab, indicator, disaggregation value)
    facts = [ValueFacts(({}, {}, set()), {}, False) for _ in labs]

    seen = np.unique(key[other])
    for lab, i, d in zip(*_decoded(seen, n_iid, n_dis, iid_col, dis_col), strict=True):
        facts[lab].history[0].setdefault(i, set()).add(d)

    pairs = np.unique(owner[other] * len(per_col.texts) + per[other])
    for lab, p in zip(
        (pairs // len(per_col.texts)).tolist(), per_col.of(pairs % len(per_col.texts)), strict=True
    ):
        facts[lab].history[2].add(p)

    ranked = np.flatnonzero(other & (rank_of[per] != _NO_RANK))
    if len(ranked):
        # per key the row of the lowest rank, the first in table order among equals
        order = ranked[np.lexsort((ranked, rank_of[per[ranked]], key[ranked]))]
        keys = key[order]
        first = order[np.r_[True, keys[1:] != keys[:-1]]]
        labs_i_d = _decoded(key[first], n_iid, n_dis, iid_col, dis_col)
        for lab, i, d, v in zip(*labs_i_d, value[first].tolist(), strict=True):
            facts[lab].history[1][(i, d)] = None if v != v else v

    own_rows = np.flatnonzero(mine)
    for lab, i, d, v in zip(
        owner[own_rows].tolist(),
        iid_col.of(iid[own_rows]),
        dis_col.of(dis[own_rows]),
        value[own_rows].tolist(),
        strict=True,
    ):
        f = facts[lab]
        f.any_stored = True
        if v == v:  # a missing value (NaN) is no stored value
            f.stored[(i, d)] = v
    return facts


def _decoded(
    keys: np.ndarray, n_iid: int, n_dis: int, iid_col: _Column, dis_col: _Column
) -> tuple[list[int], list[str], list[str]]:
    """Split keys ``(lab * n_iid + indicator) * n_dis + disaggregation`` into labs and texts."""
    lab, rest = np.divmod(keys, n_iid * n_dis)
    i, d = np.divmod(rest, n_dis)
    return lab.tolist(), iid_col.of(i), dis_col.of(d)


__all__ = ["ValueFacts", "value_facts"]
