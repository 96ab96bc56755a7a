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

import json
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
    WITHDRAW_LABEL,
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
    """Return a stored cell as the lab sees it (labels, dates, decimal comma; "" when empty)."""
    if not text:
        return ""
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


@dataclass
class Base:
    """The stored values a template was filled with (recorded in its hidden sheet).

    Attributes
    ----------
    values : dict
        (indicator_id, disaggregation value) -> (value as float or None, status code).
    milestones : dict
        milestone_id -> (completion code, achieved date as ``YYYY-MM-DD`` or "").
    """

    values: dict[tuple[str, str], tuple[float | None, str]] = field(default_factory=dict)
    milestones: dict[str, tuple[str, str]] = field(default_factory=dict)


def parse_base(text: str) -> Base | bool | None:
    """Read the base a template records (:func:`~ogl_impact.delivery.template.base_text`).

    Parameters
    ----------
    text : str
        The cell of the hidden sheet ("" where the template records none).

    Returns
    -------
    Base, None or False
        None: no base (a template of a period not yet collected, or an
        older template); False: the text was changed and cannot be read.

    Examples
    --------
    >>> parse_base('{"v":[["i01","",28.0,"measured"]],"m":[["m1","complete","2022-05-29"]]}')
    Base(values={('i01', ''): (28.0, 'measured')}, milestones={'m1': ('complete', '2022-05-29')})
    >>> parse_base("") is None, parse_base("{kaputt")
    (True, False)
    """
    if not text:
        return None
    try:
        data = json.loads(text)
        values = {
            (str(i), str(d)): (None if v is None else float(v), str(st))
            for i, d, v, st in data["v"]
        }
        milestones = {str(m): (str(c), str(a)) for m, c, a in data["m"]}
    except (ValueError, TypeError, KeyError):
        return False
    return Base(values=values, milestones=milestones)


def _base_value(number: float | None, decimal: str) -> str:
    if number is None:
        return ""
    shown = str(int(number)) if number.is_integer() else repr(number)
    return shown.replace(".", decimal)


class _Merge:
    """Per open cell: the workbook's text, its base and the stored text -> what is kept."""

    def __init__(self, file: str, decimal: str, notes: list[Finding]):
        self.file, self.decimal, self.notes = file, decimal, notes

    def same(self, column: str, a: str, b: str) -> bool:
        if column == "value":
            return _same_value(a, b, self.decimal)
        if column == "achieved_date":
            return _same_date(a, b) or (not a and not b)
        return a == b

    def cell(
        self, sheet: str, column: str, row: int, new: str, base: str | None, old: str
    ) -> str | None:
        """Return the cell to keep, or None for a conflict (a finding is added).

        ``new`` is not empty (an empty cell keeps the stored text elsewhere).
        Without a base the workbook's text wins, as before bases existed.
        """
        if base is None or self.same(column, new, old):
            return new
        if self.same(column, new, base):  # the lab left it as the template showed it
            self.notes.append(
                finding(
                    self.file,
                    "changed_since_template",
                    sheet=sheet,
                    cell=_cell(sheet, column, row),
                    severity="info",
                    template=_shown(column, base, self.decimal) or "(leer)",
                    stored=_shown(column, old, self.decimal) or "(leer)",
                )
            )
            return old
        if self.same(column, old, base):  # only the lab changed it: a revision
            return new
        self.notes.append(
            finding(
                self.file,
                "conflict",
                sheet=sheet,
                cell=_cell(sheet, column, row),
                value=_shown(column, new, self.decimal).strip("„“"),
                template=_shown(column, base, self.decimal) or "(leer)",
                stored=_shown(column, old, self.decimal) or "(leer)",
            )
        )
        return None


def _row_conflict(
    file: str,
    row: int,
    v: str,
    st: str,
    base: tuple[str, str],
    old: tuple[str, str],
    decimal: str,
) -> Finding | None:
    """Return a conflict: a Status changed onto a value changed since the template, or back.

    Wert and Status belong together: "gemessen" is said of the value the
    lab saw. Where the lab changed one of them (against the template's base)
    and a later delivery the other (the stored row against the base), the
    lab's change cannot be told to fit the stored row: a conflict, like two
    changes of one cell.
    """
    (base_v, base_st), (old_v, old_st) = base, old
    lab_v = bool(v) and not _same_value(v, base_v, decimal)
    lab_st = bool(st) and st != base_st
    since_v = not _same_value(old_v, base_v, decimal)
    since_st = old_st != base_st
    # a change that leaves the stored cell as it is changes nothing: no conflict
    if lab_st and not lab_v and since_v and st != old_st:
        column, what = "status", "Wert"
        template, stored = _shown("value", base_v, decimal), _shown("value", old_v, decimal)
    elif lab_v and not lab_st and since_st and not _same_value(v, old_v, decimal):
        column, what = "value", "Status"
        template, stored = _shown("status", base_st, decimal), _shown("status", old_st, decimal)
    else:
        return None
    return finding(
        file,
        "row_conflict",
        sheet=SHEET_VALUES,
        cell=_cell(SHEET_VALUES, column, row),
        value=_shown(column, v if column == "value" else st, decimal).strip("„“"),
        what=what,
        template=template or "(leer)",
        stored=stored or "(leer)",
    )


def keep_stored(
    file: str,
    values: list[tuple],
    milestones: list[tuple],
    blank_values: list[tuple],
    blank_milestones: list[tuple],
    stored: Stored,
    line_base: int,
    decimal: str = ",",
    base: Base | None = None,
    later: str = "",
) -> Kept:
    """Complete a workbook's rows with the stored ones; no empty cell deletes a stored value.

    With a ``base`` (the stored values the template was filled with) each
    open cell the lab left as the template showed it keeps the stored value,
    also where the stored value changed since (a note says so); a cell the
    lab changed is a revision where the stored value is still the base, and
    a conflict (an error) where both changed to different values.

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
    base : Base, optional
        What the template showed (None: a template without a base).
    later : str
        A later reporting period already begun while this one is past its
        deadline (:attr:`~ogl_impact.delivery.check.Checked.later`): a
        correction made on a template without a base (one that went out
        before the period was collected, perhaps last period's) then gets a
        warning that names it.

    Returns
    -------
    Kept
        Its findings hold an error for each conflict.
    """
    notes: list[Finding] = []
    merge = _Merge(file, decimal, notes)
    revised = 0

    def note(sheet: str, column: str, row: int, text: str) -> None:
        de, en = _WHAT[column]
        notes.append(
            finding(
                file,
                "kept_stored" if sheet == SHEET_VALUES else "kept_stored_milestone",
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
            given = None if base is None else base.values.get((iid, d))
            if given is not None and not _same_value(
                old.get("value", ""), _base_value(given[0], decimal), decimal
            ):  # the value changed since the template: the lab withdrew what it saw, not this
                notes.append(
                    finding(
                        file,
                        "withdraw_conflict",
                        sheet=SHEET_VALUES,
                        cell=cell,
                        value=WITHDRAW_LABEL,
                        template=_shown("value", _base_value(given[0], decimal), decimal)
                        or "(leer)",
                        stored=_shown("value", old.get("value", ""), decimal) or "(leer)",
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
            revised += 1
            continue
        given = None if base is None else base.values.get((iid, d), (None, ""))
        base_v = None if given is None else _base_value(given[0], decimal)
        base_st = None if given is None else given[1]
        if old is None and base is None:
            revised += 1
            out_values.append((lab, iid, per, d, v, st, line))
            continue
        old = old or {}
        old_v, old_st = old.get("value", ""), old.get("status", "")
        if given is not None and old:
            clash = _row_conflict(file, row, v, st, (base_v, base_st), (old_v, old_st), decimal)
            if clash is not None:  # the lab changed one cell, a later delivery the other
                notes.append(clash)
                continue
        value_changed = False
        if v:
            kept = merge.cell(SHEET_VALUES, "value", row, v, base_v, old_v)
            if kept is None:
                continue
            value_changed = not _same_value(kept, old_v, decimal)
            v = kept
        elif old_v:
            v = old_v
            note(SHEET_VALUES, "value", row, v)
        if st:
            kept = merge.cell(SHEET_VALUES, "status", row, st, base_st, old_st)
            if kept is None:
                continue
            st = kept
        elif old_st:
            st = old_st
            if value_changed:
                notes.append(
                    finding(
                        file,
                        "status_taken",
                        sheet=SHEET_VALUES,
                        cell=_cell(SHEET_VALUES, "status", row),
                        severity="warning",
                        stored=_shown("status", st, decimal),
                    )
                )
            else:
                note(SHEET_VALUES, "status", row, st)
        if not v and not st:  # nothing stored and the lab left the template's cells
            continue
        if not (_same_value(v, old_v, decimal) and st == old_st):
            revised += 1
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

    revised_ms = 0
    out_ms: list[tuple] = []
    seen_ms: set[str] = set()
    for lab, mid, name, per, planned, achieved, completion, line in milestones:
        seen_ms.add(mid)
        old = stored.milestones.get(mid)
        row = line - line_base
        given_ms = None if base is None else base.milestones.get(mid, ("", ""))
        old = old or {}
        old_c, old_a = old.get("completion", ""), old.get("achieved_date", "")
        typed_date = bool(achieved) and not (
            given_ms is not None and _same_date(achieved, given_ms[1])
        )
        if completion:
            kept = merge.cell(
                SHEET_MILESTONES,
                "completion",
                row,
                completion,
                None if given_ms is None else given_ms[0],
                old_c,
            )
            if kept is None:
                continue
            completion = kept
        elif old_c:
            completion = old_c
            note(SHEET_MILESTONES, "completion", row, completion)
        if achieved:
            kept = merge.cell(
                SHEET_MILESTONES,
                "achieved_date",
                row,
                achieved,
                None if given_ms is None else given_ms[1],
                old_a,
            )
            if kept is None:
                continue
            typed_date = typed_date and kept == achieved and not _same_date(kept, old_a)
            achieved = kept
        elif old_a and completion == _COMPLETE and old_c == _COMPLETE:
            achieved = old_a
            note(SHEET_MILESTONES, "achieved_date", row, achieved)
        elif old_a and completion and completion != _COMPLETE:  # emptied with the completion
            notes.append(
                finding(
                    file,
                    "date_dropped",
                    sheet=SHEET_MILESTONES,
                    cell=_cell(SHEET_MILESTONES, "achieved_date", row),
                    severity="warning",
                    stored=_shown("achieved_date", old_a, decimal),
                    completion=_shown("completion", completion, decimal),
                )
            )
        if achieved and completion and completion != _COMPLETE:
            if typed_date:
                if mid not in stored.milestones:  # a new row: read said so already
                    continue
                notes.append(
                    finding(
                        file,
                        "date_not_complete",
                        sheet=SHEET_MILESTONES,
                        cell=_cell(SHEET_MILESTONES, "achieved_date", row),
                        value=_shown("achieved_date", achieved, decimal),
                        completion=_shown("completion", completion, decimal),
                    )
                )
                continue
            notes.append(
                finding(
                    file,
                    "date_dropped",
                    sheet=SHEET_MILESTONES,
                    cell=_cell(SHEET_MILESTONES, "achieved_date", row),
                    severity="warning",
                    stored=_shown("achieved_date", achieved, decimal),
                    completion=_shown("completion", completion, decimal),
                )
            )
            achieved = ""
        if not completion and not achieved:
            continue
        if not (completion == old_c and _same_date(achieved, old_a)):
            revised_ms += 1
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
    period = values[0][2] if values else milestones[0][3] if milestones else ""
    # a template with a base was made for correcting this very period: no doubt which it is
    if later and base is None and (revised or revised_ms) and period:
        notes.append(
            finding(
                file,
                "late_correction",
                severity="warning",
                n=revised + revised_ms,
                n_de=f"{revised + revised_ms} Wert" + ("e" if revised + revised_ms > 1 else ""),
                n_en=f"{revised + revised_ms} value" + ("s" if revised + revised_ms > 1 else ""),
                period=period,
                later=later,
            )
        )
    return Kept(
        values=out_values,
        milestones=out_ms,
        findings=notes,
        values_changed=bool(revised),
        milestones_changed=bool(revised_ms),
    )


class OtherPeriods:
    """The stored indicator values of each lab per period, indexed on first use.

    Parameters
    ----------
    frame : pandas.DataFrame
        The text frame of ``indicator_values`` as read.
    """

    def __init__(self, frame: pd.DataFrame):
        self.frame = frame
        self._index: dict[str, dict[str, dict[tuple[str, str], str]]] | None = None

    def of(self, lab: str) -> dict[str, dict[tuple[str, str], str]]:
        """Return period -> (indicator_id, disaggregation value) -> value text of ``lab``."""
        if self._index is None:
            self._index = {}
            cols = ["lab_id", "period_id", "indicator_id", "disaggregation_value", "value"]
            sub = self.frame[cols]
            sub = sub.astype(str).where(sub.notna().to_numpy(), "")
            for lab_id, per, iid, d, v in sub.itertuples(index=False, name=None):
                if v:
                    self._index.setdefault(lab_id, {}).setdefault(per, {})[(iid, d)] = v
        return self._index.get(lab, {})


SAME_AS_FROM = 3
"""Changed values that must all equal another period's before a correction gets the hint."""


def same_as_other_period(
    file: str, kept: Kept, stored: Stored, others: OtherPeriods, decimal: str = ","
) -> list[Finding]:
    """Note a correction whose changed values are all another stored period's values.

    An sb5 correction template filled with the sb6 values is a correction
    of sb5 that repeats sb6: said in a warning naming the other period (the
    correction is taken; a coincidence of one or two values is not noted).

    Parameters
    ----------
    file : str
        The workbook.
    kept : Kept
        What :func:`keep_stored` made of the workbook.
    stored : Stored
        The rows stored for its lab and period.
    others : OtherPeriods
        The stored values of every period.
    decimal : str
        Decimal separator of the folder.

    Returns
    -------
    list of Finding
        One warning, or none.
    """
    changed = {}
    for lab, iid, per, d, v, _st, _line in kept.values:
        old = stored.values.get((iid, d), {}).get("value", "")
        if v and not _same_value(v, old, decimal):
            changed[(iid, d)] = (lab, per, v)
    if len(changed) < SAME_AS_FROM:
        return []
    lab, period = next(iter(changed.values()))[:2]
    for other, values in others.of(lab).items():
        if other == period:
            continue
        if all(_same_value(v, values.get(key, ""), decimal) for key, (_, _, v) in changed.items()):
            return [
                finding(
                    file,
                    "same_as_other_period",
                    severity="warning",
                    n=len(changed),
                    period=period,
                    other=other,
                )
            ]
    return []


__all__ = [
    "Base",
    "Kept",
    "OtherPeriods",
    "Stored",
    "keep_stored",
    "parse_base",
    "same_as_other_period",
    "stored_rows",
]
