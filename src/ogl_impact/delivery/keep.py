"""Stored values a workbook leaves empty are kept: an empty cell never deletes.

A workbook for a lab and period that the data folder already holds replaces
that lab's and period's rows. Before its rows are merged, :func:`keep_stored`
fills every open cell the lab left empty (``Wert``, ``Status``,
``Umsetzungsstand``, ``Erreicht am``) with the stored text, and adds back
every stored row the workbook left out (an empty row, or a row the template
did not show), each with a note saying so. Only ``Wert zurückziehen`` in the
column ``Status`` removes a stored value; the change is then a revision
(old value kept in ``revisions.csv``). A workbook that, so completed, holds
exactly the stored values changes nothing (:attr:`Kept.changed` False).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ogl_impact.delivery.findings import Finding, finding
from ogl_impact.delivery.workbook import (
    COLUMNS,
    COMPLETION_LABELS,
    SHEET_MILESTONES,
    SHEET_VALUES,
    STATUS_LABELS,
    WITHDRAW,
    column_letter,
)

_COMPLETE = "complete"
"""The completion state that carries an ``achieved_date``."""
_WHAT = {
    "value": ("der gespeicherte Wert", "the stored value"),
    "status": ("der gespeicherte Status", "the stored status"),
    "completion": ("der gespeicherte Umsetzungsstand", "the stored completion state"),
    "achieved_date": ("das gespeicherte Datum", "the stored date"),
}


@dataclass
class Stored:
    """The rows a data folder holds for one lab and period, as text in the folder's dialect.

    Attributes
    ----------
    values : dict
        (indicator_id, disaggregation value) -> the row's cells by column name.
    milestones : dict
        milestone_id -> the row's cells by column name.
    """

    values: dict[tuple[str, str], dict[str, str]] = field(default_factory=dict)
    milestones: dict[str, dict[str, str]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.values or self.milestones)


@dataclass
class Kept:
    """A workbook's rows completed with the stored ones.

    Attributes
    ----------
    values, milestones : list of tuple
        The rows to merge, as :func:`~ogl_impact.delivery.collect._new_rows` makes them.
    findings : list of Finding
        One note per kept cell or row, per withdrawn value.
    values_changed, milestones_changed : bool
        Whether the rows of ``indicator_values`` (``milestones``) differ
        from the stored ones.
    """

    values: list[tuple]
    milestones: list[tuple]
    findings: list[Finding]
    values_changed: bool
    milestones_changed: bool

    @property
    def changed(self) -> bool:
        """Whether any row differs from the stored ones."""
        return self.values_changed or self.milestones_changed


def stored_rows(raw: dict[str, pd.DataFrame], pairs: set[tuple[str, str]]) -> dict:
    """Return the stored rows of each (lab, period) in ``pairs``.

    Parameters
    ----------
    raw : dict of str to DataFrame
        The text frames of ``indicator_values`` and ``milestones`` as read
        (:class:`~ogl_impact.io.RawTable` ``.frame``).
    pairs : set of tuple
        (lab_id, period_id) wanted.

    Returns
    -------
    dict of tuple to Stored
        Only pairs with stored rows.
    """
    out: dict[tuple[str, str], Stored] = {}
    if not pairs:
        return out
    periods = {p for _, p in pairs}
    for name in ("indicator_values", "milestones"):
        frame = raw[name]
        near = frame["period_id"].astype(str).isin(periods).to_numpy()
        if not near.any():
            continue
        sub = frame[near].astype(str)
        sub = sub.where(frame[near].notna().to_numpy(), "")
        columns = list(sub.columns)
        for row in sub.itertuples(index=False, name=None):
            cells = dict(zip(columns, row, strict=True))
            pair = (cells["lab_id"], cells["period_id"])
            if pair not in pairs:
                continue
            stored = out.setdefault(pair, Stored())
            if name == "indicator_values":
                stored.values[(cells["indicator_id"], cells["disaggregation_value"])] = cells
            else:
                stored.milestones[cells["milestone_id"]] = cells
    return out


def _cell(sheet: str, key: str, row: int) -> str:
    return f"{column_letter([c.key for c in COLUMNS[sheet]].index(key))}{row}"


def _shown(column: str, text: str, decimal: str) -> str:
    """Return a stored cell as the lab sees it (German labels, dates, decimal comma)."""
    if column == "status":
        return f"„{STATUS_LABELS.get(text, text)}“"
    if column == "completion":
        return f"„{COMPLETION_LABELS.get(text, text)}“"
    if column == "achieved_date":
        try:
            return f"{pd.Timestamp(text):%d.%m.%Y}"
        except ValueError:
            return text
    return text.replace(".", ",") if decimal == "." else text


def _number(text: str, decimal: str) -> float | None:
    if not text:
        return None
    try:
        return float(text.replace(".", "").replace(",", ".") if decimal == "," else text)
    except ValueError:
        return None


def _same_value(new: str, old: str, decimal: str) -> bool:
    if new == old:
        return True
    a, b = _number(new, decimal), _number(old, decimal)
    return a is not None and b is not None and np.isclose(a, b, rtol=0, atol=0)


def _same_date(new: str, old: str) -> bool:
    if new == old:
        return True
    try:
        return bool(new and old and pd.Timestamp(new) == pd.Timestamp(old))
    except ValueError:
        return False


def keep_stored(
    file: str,
    values: list[tuple],
    milestones: list[tuple],
    blank_values: list[tuple],
    blank_milestones: list[tuple],
    stored: Stored,
    line_base: int,
    decimal: str = ",",
) -> Kept:
    """Complete a workbook's rows with the stored ones; no empty cell deletes a stored value.

    Parameters
    ----------
    file : str
        The workbook's file name (for the notes).
    values : list of tuple
        ``(lab, indicator_id, period, disaggregation, value, status, line)`` as text.
    milestones : list of tuple
        ``(lab, milestone_id, name, period, planned, achieved, completion, line)`` as text.
    blank_values, blank_milestones : list of tuple
        The rows left empty: ``(indicator_id, disaggregation, sheet row)``
        and ``(milestone_id, sheet row)``.
    stored : Stored
        The folder's rows of the workbook's lab and period.
    line_base : int
        Line number of the workbook's sheet row 0 in the merged tables.
    decimal : str
        Decimal separator of the folder's ``indicator_values``.

    Returns
    -------
    Kept
    """
    notes: list[Finding] = []
    changed = False

    def note(sheet: str, column: str, row: int, text: str) -> None:
        de, en = _WHAT[column]
        notes.append(
            finding(
                file,
                "kept_stored",
                sheet=sheet,
                cell=_cell(sheet, column, row),
                severity="info",
                what=de,
                what_en=en,
                stored=_shown(column, text, decimal),
            )
        )

    out_values: list[tuple] = []
    seen: set[tuple[str, str]] = set()
    for lab, iid, per, d, v, st, line in values:
        seen.add((iid, d))
        old = stored.values.get((iid, d))
        row = line - line_base
        if st == WITHDRAW:
            cell = _cell(SHEET_VALUES, "status", row)
            if old is None or not (old.get("value") or old.get("status")):
                notes.append(
                    finding(
                        file, "nothing_to_withdraw", sheet=SHEET_VALUES, cell=cell, severity="info"
                    )
                )
                continue
            notes.append(
                finding(
                    file,
                    "withdrawn",
                    sheet=SHEET_VALUES,
                    cell=cell,
                    severity="info",
                    stored=_shown("value", old.get("value", ""), decimal) or "(leer)",
                )
            )
            changed = True
            continue
        if old is None:
            changed = True
            out_values.append((lab, iid, per, d, v, st, line))
            continue
        if not v and old.get("value"):
            v = old["value"]
            note(SHEET_VALUES, "value", row, v)
        if not st and old.get("status"):
            st = old["status"]
            note(SHEET_VALUES, "status", row, st)
        if not (_same_value(v, old.get("value", ""), decimal) and st == old.get("status", "")):
            changed = True
        out_values.append((lab, iid, per, d, v, st, line))
    blank_rows = {(i, d): r for i, d, r in blank_values}
    for (iid, d), old in stored.values.items():
        if (iid, d) in seen:
            continue
        row = blank_rows.get((iid, d))
        if row is not None and old.get("value"):
            note(SHEET_VALUES, "value", row, old["value"])
        out_values.append(
            (
                old["lab_id"],
                iid,
                old["period_id"],
                d,
                old.get("value", ""),
                old.get("status", ""),
                line_base + (row or 0),
            )
        )

    changed_ms = False
    out_ms: list[tuple] = []
    seen_ms: set[str] = set()
    for lab, mid, name, per, planned, achieved, completion, line in milestones:
        seen_ms.add(mid)
        old = stored.milestones.get(mid)
        row = line - line_base
        if old is None:
            changed_ms = True
            out_ms.append((lab, mid, name, per, planned, achieved, completion, line))
            continue
        if not completion and old.get("completion"):
            completion = old["completion"]
            note(SHEET_MILESTONES, "completion", row, completion)
        if (
            not achieved
            and old.get("achieved_date")
            and completion == _COMPLETE
            and old.get("completion") == _COMPLETE
        ):
            achieved = old["achieved_date"]
            note(SHEET_MILESTONES, "achieved_date", row, achieved)
        if not (
            completion == old.get("completion", "")
            and _same_date(achieved, old.get("achieved_date", ""))
        ):
            changed_ms = True
        out_ms.append((lab, mid, name, per, planned, achieved, completion, line))
    blank_ms = dict(blank_milestones)
    for mid, old in stored.milestones.items():
        if mid in seen_ms:
            continue
        row = blank_ms.get(mid)
        if row is not None and old.get("completion"):
            note(SHEET_MILESTONES, "completion", row, old["completion"])
        out_ms.append(
            (
                old["lab_id"],
                mid,
                old.get("name", ""),
                old["period_id"],
                old.get("planned_date", ""),
                old.get("achieved_date", ""),
                old.get("completion", ""),
                line_base + (row or 0),
            )
        )
    return Kept(
        values=out_values,
        milestones=out_ms,
        findings=notes,
        values_changed=changed,
        milestones_changed=changed_ms,
    )


__all__ = ["Kept", "Stored", "keep_stored", "stored_rows"]
