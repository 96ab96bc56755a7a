"""Plausibility of returned values against earlier periods.

Three rules, as data-entry systems apply them to reported figures:

- a cumulative indicator whose value falls below last period's (warning:
  the earlier value may have been wrong; the lab is asked to check);
- a value at least ten times last period's (warning: a forgotten decimal
  comma or thousands instead of units);
- a milestone reached on a day after the workbook arrived (error).
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from ogl_impact.delivery.findings import Finding, finding
from ogl_impact.delivery.read import Returned
from ogl_impact.delivery.workbook import (
    MILESTONE_COLUMNS,
    SHEET_MILESTONES,
    SHEET_VALUES,
    VALUE_COLUMNS,
    Layout,
    column_letter,
)

TENFOLD = 10.0
"""Ratio to last period's value from which a value is questioned."""

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
    for indicator_id, disaggregation, value, _status, sheet_row in returned.values:
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


__all__ = ["TENFOLD", "check_plausibility"]
