"""Plausibility of returned values against earlier periods.

Three rules, as data-entry systems apply them to reported figures:

- a cumulative indicator whose value falls below last period's (warning:
  the earlier value may have been wrong; the lab is asked to check);
- a value at least ten times last period's (warning: a forgotten decimal
  comma or thousands instead of units);
- a milestone reached on a day after the workbook arrived (error);
- the column „Wert“ sorted on its own (warning): the indicators stand in
  the template's order, but the values (at least :data:`SORTED_FROM`
  distinct ones) run up or down the column while last period's values of
  the same rows do not. Sorting only the selected column leaves each value
  beside another indicator; whole rows sorted are matched by their keys
  and noted by the reader.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping

import pandas as pd

from ogl_impact.delivery.findings import Finding, finding
from ogl_impact.delivery.read import Returned
from ogl_impact.delivery.workbook import (
    HEADER_ROW,
    MILESTONE_COLUMNS,
    SHEET_MILESTONES,
    SHEET_VALUES,
    VALUE_COLUMNS,
    Layout,
    column_letter,
)

TENFOLD = 10.0
"""Ratio to last period's value from which a value is questioned."""
SORTED_FROM = 5
"""Distinct values in sorted order from which a column sorted on its own is suspected."""

_VALUE_COL = column_letter([c.key for c in VALUE_COLUMNS].index("value"))
_DATE_COL = column_letter([c.key for c in MILESTONE_COLUMNS].index("achieved_date"))


def _german(number: float) -> str:
    return (str(int(number)) if float(number).is_integer() else repr(float(number))).replace(
        ".", ","
    )


def check_plausibility(
    returned: Returned,
    layout: Layout,
    cumulative: Mapping[str, bool],
    received: pd.Timestamp,
    stored: Mapping[tuple[str, str], float] | None = None,
) -> list[Finding]:
    """Compare a workbook's values with last period's and its dates with the day it arrived.

    Parameters
    ----------
    returned : Returned
        The workbook's rows (:func:`~ogl_impact.delivery.read.interpret`).
    layout : Layout
        Its layout, which holds last period's values.
    cumulative : mapping of str to bool
        Whether each of the lab's indicators is cumulative.
    received : pandas.Timestamp
        The day the workbook arrived.
    stored : mapping, optional
        The values the data folder holds for this lab and period, by
        (indicator_id, disaggregation value): a value equal to its stored
        one was checked when it came and gets no hint again (a template of a
        collected period carries them all).

    Returns
    -------
    list of Finding
        Warnings for falling cumulative values and tenfold jumps, errors for
        milestone dates after ``received``.
    """
    out: list[Finding] = []
    file = returned.raw.file
    previous_period = layout.previous_period
    previous = layout.previous
    stored = stored or {}
    changed = [
        r
        for r in returned.values
        if r[2] is None or stored.get((r[0], r[1])) is None or stored[(r[0], r[1])] != r[2]
    ]
    for indicator_id, disaggregation, value, _status, sheet_row in changed:
        prev = previous.get((indicator_id, disaggregation))
        if value is None or value != value or prev is None or prev != prev:
            continue
        cell = f"{_VALUE_COL}{sheet_row}"
        if cumulative.get(indicator_id, False) and value < prev:
            out.append(
                finding(
                    file,
                    "cumulative_falls",
                    sheet=SHEET_VALUES,
                    cell=cell,
                    value=_german(value),
                    severity="warning",
                    previous=_german(prev),
                    period=previous_period,
                )
            )
        elif prev > 0 and value >= TENFOLD * prev:
            out.append(
                finding(
                    file,
                    "tenfold",
                    sheet=SHEET_VALUES,
                    cell=cell,
                    value=_german(value),
                    severity="warning",
                    previous=_german(prev),
                    period=previous_period,
                )
            )
    if any(r[2] is not None for r in changed):  # stored values were checked when they came
        out += _value_column_sorted(returned, layout)
    for _mid, _completion, achieved, sheet_row in returned.milestones:
        if achieved is not None and pd.notna(achieved) and achieved > received:
            out.append(
                finding(
                    file,
                    "date_in_future",
                    sheet=SHEET_MILESTONES,
                    cell=f"{_DATE_COL}{sheet_row}",
                    value=f"{achieved:%d.%m.%Y}",
                    received=f"{received:%d.%m.%Y}",
                )
            )
    return out


def _direction(numbers: list[float]) -> int:
    """1: rising, -1: falling (equal neighbours allowed, as a sort leaves them), 0: neither."""
    pairs = list(itertools.pairwise(numbers))
    if not pairs or len(set(numbers)) < 2:
        return 0
    if all(b >= a for a, b in pairs):
        return 1
    if all(b <= a for a, b in pairs):
        return -1
    return 0


def _value_column_sorted(returned: Returned, layout: Layout) -> list[Finding]:
    """Warn when „Wert“ looks sorted on its own, away from its indicators."""
    position = {key: n for n, key in enumerate(layout.value_keys)}
    rows = sorted(returned.values, key=lambda r: r[4])
    first = HEADER_ROW + 1
    if any(position.get((r[0], r[1])) != r[4] - first for r in rows):
        return []  # whole rows moved: matched by their keys (the reader's note)
    filled = [r for r in rows if r[2] is not None and r[2] == r[2]]
    numbers = [float(r[2]) for r in filled]
    if len(set(numbers)) < SORTED_FROM:
        return []
    way = _direction(numbers)
    if way == 0:
        return []
    before = [layout.previous.get((r[0], r[1])) for r in filled]
    known = [float(v) for v in before if v is not None and v == v]
    if len(known) >= 3 and _direction(known) == way:
        return []  # the values ran that way last period too: the indicators' own order
    return [
        finding(
            returned.raw.file,
            "value_column_sorted",
            sheet=SHEET_VALUES,
            cell=f"{_VALUE_COL}{filled[0][4]}",
            value=_german(numbers[0]),
            severity="warning",
            order="aufsteigend" if way > 0 else "absteigend",
            order_en="ascending" if way > 0 else "descending",
            n=len(numbers),
        )
    ]


__all__ = ["SORTED_FROM", "TENFOLD", "check_plausibility"]
