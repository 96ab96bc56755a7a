"""Read and check one returned workbook: the per-workbook job of collect.

:func:`check_workbook` reads a file (:func:`~ogl_impact.delivery.read.read_raw`),
recognises it by its hidden metadata, derives the lab's layout, checks the
cells (:func:`~ogl_impact.delivery.read.interpret`) and the plausibility
against earlier periods, and gives back the outcome and the rows as text in
the data folder's dialect. It needs nothing but a :class:`Context` and the
path, so :func:`check_workbooks` can run it in a pool of processes; the
results come back in input order, and each holds exactly what the serial
run gives, so messages do not depend on the number of processes.
:class:`ReadAhead` reads the workbooks (the part that needs nothing from the
data folder) in a forked process while collect loads the folder; the pool
then checks what was read and reads the rest itself.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import pickle
import re
import signal
import struct
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ogl_impact.delivery.bulk import ValueFacts, value_facts
from ogl_impact.delivery.findings import Finding, finding
from ogl_impact.delivery.keep import Base, parse_base
from ogl_impact.delivery.notes import lost_notes, read_notes
from ogl_impact.delivery.plausibility import check_plausibility
from ogl_impact.delivery.read import RawWorkbook, filled_notes, interpret, read_raw, row_keys
from ogl_impact.delivery.workbook import (
    SHEET_META,
    TEMPLATE_VERSION,
    LabRows,
    base_digest,
    build_layout,
    layout_digest,
)
from ogl_impact.procs import die_with_parent
from ogl_impact.vocab import DELIVERY_PERIOD_KINDS

POOL_FROM = 64
"""Fewer workbooks than this are checked in the calling process (a pool costs more)."""
CHUNK = 64
"""Workbooks handed to a pool worker at a time, at most (fewer where each worker would get
fewer than :data:`_BATCHES` batches). The parent's cost of a batch is high (about 1.7 ms,
measured at 2,000 workbooks): batches of 64 instead of 16 halve its CPU while the pool runs."""
_BATCHES = 8
"""Batches each worker gets at least (when there are enough workbooks): the last ones keep
both workers busy to the end."""


@dataclass
class Outcome:
    """What happened to one workbook.

    Attributes
    ----------
    file : str
        File name as received.
    path : Path
        Where it was read from.
    lab_id, period_id : str or None
        Whose workbook, for which period (None when not recognised).
    outcome : {"accepted", "revision", "unchanged", "refused", "skipped"}
        Skipped: the same file was collected before. Unchanged: accepted,
        but it changes no stored value (registered as accepted, nothing merged).
    findings : list of Finding
        Everything found, errors and warnings.
    sha256 : str
        Hash of the file.
    template_version : str
        From the metadata.
    revisions : pandas.DataFrame
        Values of its lab and period this workbook changed (rows of ``revisions.csv``).
    raw : RawWorkbook or None
        Not kept once the workbook is checked (always None after
        :func:`check_workbook`); the rows are in :class:`Checked`.
    merged : bool
        Whether its rows passed every check and were merged.
    partner_revisions : list of dict
        Kind or Land of partners already known that this workbook corrects
        (rows of ``revisions.csv``; the workbook is then registered as a
        revision, as the register rule for revisions requires).
    notes : list of tuple
        The lab's remarks (column „Anmerkung“), see
        :func:`~ogl_impact.delivery.notes.read_notes`; read only from a
        workbook whose cells hold no error.
    """

    file: str
    path: Path
    lab_id: str | None = None
    period_id: str | None = None
    outcome: str = "refused"
    findings: list[Finding] = field(default_factory=list)
    sha256: str = ""
    template_version: str = ""
    revisions: pd.DataFrame | None = None
    raw: RawWorkbook | None = None
    merged: bool = False
    partner_revisions: list[dict] = field(default_factory=list)
    notes: list[tuple] = field(default_factory=list)

    @property
    def errors(self) -> list[Finding]:
        """Findings of severity ``error``."""
        return [f for f in self.findings if f.severity == "error"]


@dataclass
class Context:
    """What checking a workbook needs from the data folder (plain Python, cheap to share).

    Attributes
    ----------
    labs, periods : set of str
        Known lab and period ids.
    period : str or None
        The period being collected (``--period``), if any.
    per_lab : mapping
        Each lab's rows as :func:`~ogl_impact.delivery.workbook.split_by_lab` gives them
        (or a :class:`~ogl_impact.delivery.workbook.LabRows`, which makes them on demand).
    no_lab : dict
        The rows of a lab without indicators or milestones.
    cumulative : dict of str to dict
        Per lab, whether each indicator is cumulative.
    received : pandas.Timestamp
        Day the workbooks arrived.
    decimal : str
        Decimal separator of ``indicator_values`` in the data folder.
    later : dict
        Per period, the reporting period due instead (filled as workbooks
        are checked; see :func:`_later_period`).
    """

    labs: set[str]
    periods: set[str]
    period: str | None
    per_lab: Mapping
    no_lab: dict
    cumulative: dict[str, dict[str, bool]]
    received: pd.Timestamp
    decimal: str = ","
    later: dict[str, str] = field(default_factory=dict)


@dataclass
class Checked:
    """One workbook read and checked.

    Attributes
    ----------
    outcome : Outcome
        Recognition: file, hash, lab, period, version and the findings made
        before the layout is compared (unreadable, no metadata, unknown lab ...).
    findings : list of Finding
        What the layout, the cells and the plausibility checks found; kept
        apart because collect drops them for a workbook it skips.
    values : list of tuple
        ``indicator_values`` rows as text: (indicator_id,
        disaggregation_value, value, status, sheet row).
    milestones : list of tuple
        ``milestones`` rows as text: (milestone_id, name, planned_date,
        achieved_date, completion, sheet row).
    partners : list of tuple
        New partners: (name, kind, land, sheet row).
    blank_values : list of tuple
        Rows left empty: (indicator_id, disaggregation_value, sheet row).
    blank_milestones : list of tuple
        Milestones left empty: (milestone_id, sheet row).
    base : Base or None
        The stored values the template was filled with (its hidden sheet);
        None for a template made before its period was collected.
    later : str
        The reporting period due on the day of receipt when this workbook's
        period is past its deadline (``_later_period``; "" otherwise): a correction
        of it is then noted (last period's template filled with this
        period's values?).
    """

    outcome: Outcome
    findings: list[Finding] = field(default_factory=list)
    values: list[tuple] = field(default_factory=list)
    milestones: list[tuple] = field(default_factory=list)
    partners: list[tuple] = field(default_factory=list)
    blank_values: list[tuple] = field(default_factory=list)
    blank_milestones: list[tuple] = field(default_factory=list)
    base: Base | None = None
    later: str = ""


def text(value: object, decimal: str = ",") -> str:
    """Return a typed value as a CSV cell of the data folder's dialect.

    Parameters
    ----------
    value : object
        A cell value (None, float, str, bool, Timestamp).
    decimal : str
        Decimal separator.

    Returns
    -------
    str
        ``""`` for missing values.

    Examples
    --------
    >>> text(12.5), text(3.0), text(None), text(pd.Timestamp("2023-01-31"))
    ('12,5', '3', '', '2023-01-31')
    """
    kind = type(value)
    if kind is str:
        return value  # type: ignore[return-value]
    if kind is float:  # the common case first (same answer as below)
        if value != value:  # NaN
            return ""
        shown = str(int(value)) if value.is_integer() else repr(value)  # type: ignore[attr-defined]
        return shown.replace(".", decimal)
    if value is None or pd.isna(value):
        return ""
    if isinstance(value, pd.Timestamp):
        return f"{value:%Y-%m-%d}"
    if isinstance(value, bool | np.bool_):
        return "true" if value else "false"
    if isinstance(value, float | np.floating):
        shown = str(int(value)) if float(value).is_integer() else repr(float(value))
        return shown.replace(".", decimal)
    return str(value)


_NAME = re.compile(r"^(?P<lab>[a-z0-9_-]+?)_(?P<period>[a-z0-9-]+)(?:\s*\(\d+\))?$")


def recognise(
    raw: RawWorkbook | Finding, path: Path, labs: set[str], periods: set[str], period: str | None
) -> Outcome:
    """Say who sent a workbook for which period (from its hidden sheet, not its name).

    Parameters
    ----------
    raw : RawWorkbook or Finding
        The cells, or why they could not be read.
    path : Path
        The file.
    labs, periods : set of str
        Known ids.
    period : str or None
        The period being collected.

    Returns
    -------
    Outcome
        ``lab_id`` is None when the workbook is not recognised.
    """
    if isinstance(raw, Finding):
        return Outcome(file=path.name, path=path, findings=[raw])
    o = Outcome(file=raw.file, path=path, sha256=raw.sha256)
    meta = raw.meta
    if SHEET_META not in raw.sheets or meta.get("ogl_impact") is None:
        empty = not any(
            any(v not in ("", None) for v in row) for rows in raw.sheets.values() for row in rows
        )
        o.findings.append(finding(raw.file, "empty_workbook" if empty else "no_metadata"))
        return o
    lab, per, version = (
        meta.get("lab_id", ""),
        meta.get("period_id", ""),
        meta.get("template_version", ""),
    )
    o.template_version = version
    if not lab or not per or not version or not meta.get("layout_hash"):  # cleared in the sheet
        o.findings.append(finding(raw.file, "metadata_changed", sheet=SHEET_META))
        return o
    if lab not in labs:
        o.findings.append(
            finding(raw.file, "unknown_lab", sheet=SHEET_META, cell="B2", value=lab, found=lab)
        )
    if per not in periods:  # said beside an unknown lab too: it does not depend on the lab
        o.findings.append(
            finding(
                raw.file,
                "unknown_period",
                sheet=SHEET_META,
                cell="B3",
                value=per,
                found=per,
                lab=lab if lab in labs else "",
            )
        )
    if o.findings:
        return o
    o.lab_id, o.period_id = lab, per
    if version != TEMPLATE_VERSION:
        o.findings.append(
            finding(
                raw.file,
                "unknown_version",
                sheet=SHEET_META,
                cell="B4",
                value=version,
                expected=TEMPLATE_VERSION,
                found=version,
            )
        )
    if period is not None and per != period:
        o.findings.append(
            finding(
                raw.file,
                "wrong_period",
                sheet=SHEET_META,
                cell="B3",
                value=per,
                expected=period,
                found=per,
            )
        )
    m = _NAME.match(_stem(raw.file))
    if m and m["lab"] in labs and m["period"] in periods and (m["lab"], m["period"]) != (lab, per):
        o.findings.append(
            finding(
                raw.file,
                "file_name_mismatch",
                sheet=SHEET_META,
                cell="B2",
                value=f"{lab}, {per}",
                named=f"{m['lab']}, {m['period']}",
                found=f"{lab}, {per}",
                file=raw.file,
            )
        )
    return o


def _stem(name: str) -> str:
    """Return what :attr:`pathlib.PurePath.stem` gives for a file's name (without making a Path).

    Examples
    --------
    >>> _stem("brandis_sb6.xlsx"), _stem(".xlsx"), _stem("a.b."), _stem("ohne")
    ('brandis_sb6', '.xlsx', 'a.b.', 'ohne')
    """
    dot = name.rfind(".")
    return name[:dot] if 0 < dot < len(name) - 1 else name


def check_workbook(
    path: Path,
    ctx: Context,
    raw: RawWorkbook | Finding | None = None,
    facts: Mapping[tuple[str, str], ValueFacts] | None = None,
) -> Checked:
    """Read one workbook, recognise it, check its cells and convert its rows to text.

    Parameters
    ----------
    path : Path
        The file.
    ctx : Context
        What the data folder says.
    raw : RawWorkbook or Finding, optional
        What :func:`~ogl_impact.delivery.read.read_raw` gave for ``path``
        (read ahead); None: read it here.
    facts : mapping, optional
        The stored values of labs by (lab, period) as
        :func:`~ogl_impact.delivery.bulk.value_facts` summarised them for
        a batch (used where ``ctx.per_lab`` is a
        :class:`~ogl_impact.delivery.workbook.LabRows`); a lab not in it is
        summarised here. The result is the same either way.

    Returns
    -------
    Checked
        For a workbook not recognised or with errors in its metadata, only
        the outcome; otherwise also the layout's, cells' and plausibility's
        findings and, when they hold no error, the rows.
    """
    if raw is None:
        raw = read_raw(path)
    o = recognise(raw, path, ctx.labs, ctx.periods, ctx.period)
    done = Checked(outcome=o)
    if o.lab_id is not None and [f.rule for f in o.errors] == ["file_name_mismatch"]:
        edited = _edited_meta(raw, ctx, o.lab_id, o.period_id)  # type: ignore[arg-type]
        if edited is not None:  # the file is what its name says; its hidden sheet was edited
            o.findings = [f for f in o.findings if f.rule != "file_name_mismatch"] + [edited]
    if o.lab_id is None or o.errors:
        return done
    assert isinstance(raw, RawWorkbook)
    bulk = facts.get((o.lab_id, o.period_id)) if facts else None
    own = None
    if bulk is not None and isinstance(ctx.per_lab, LabRows):
        with contextlib.suppress(KeyError):  # a lab without rows: as below
            own = ctx.per_lab.without(o.lab_id, "indicator_values")  # summarised in bulk
    if own is None:
        bulk = None
        own = ctx.per_lab.get(o.lab_id) or ctx.no_lab  # made once: a LabRows makes it on demand
    layout = build_layout(own, o.lab_id, o.period_id, None if bulk is None else bulk.history)
    if raw.meta.get("layout_hash") != layout.hash:
        edited = _edited_meta(raw, ctx, o.lab_id, o.period_id)
        done.findings.append(
            edited or finding(o.file, "layout_changed", sheet=SHEET_META, cell="B5")
        )
        return done
    base_cell, base_hash = raw.meta.get("base", ""), raw.meta.get("base_hash", "")
    base = parse_base(base_cell)
    sealed = bool(base_cell) == bool(base_hash) and (
        not base_cell or base_hash == base_digest(o.lab_id, o.period_id, layout.hash, base_cell)
    )
    if base is False or not sealed:
        done.findings.append(finding(o.file, "metadata_changed", sheet=SHEET_META))
        return done
    stored_values, stored_milestones, anything = _stored_keys(own, o.period_id, bulk)
    returned = interpret(raw, layout, frozenset(stored_values), stored_milestones)
    returned.findings += check_plausibility(
        returned, layout, ctx.cumulative.get(o.lab_id, {}), ctx.received, stored_values
    )
    done.findings = returned.findings
    if any(f.severity == "error" for f in done.findings):
        return done
    o.notes = read_notes(raw.sheets)
    done.findings += [
        finding(o.file, "note_formula", sheet=sheet, cell=cell, severity="warning", formula=f)
        for sheet, cell, f in lost_notes(raw.sheets, raw.formulas)
    ]
    if not anything:  # a first delivery: it must hold something, and gaps are named
        done.findings += filled_notes(returned, layout, bool(o.notes))
        if any(f.severity == "error" for f in done.findings):
            return done
    done.base = base
    if o.period_id not in ctx.later:  # once per period, not per workbook
        ctx.later[o.period_id] = _later_period(own["periods"], o.period_id, ctx.received)
    done.later = ctx.later[o.period_id]
    dec = ctx.decimal
    done.values = [
        (str(iid), str(d), text(v, dec), text(st), row) for iid, d, v, st, row in returned.values
    ]
    info = {r[0]: (r[1], r[2]) for r in layout.milestone_rows}
    done.milestones = [
        (str(m), str(info[m][0]), text(info[m][1]), text(a), text(c), row)
        for m, c, a, row in returned.milestones
    ]
    done.partners = [(str(n), str(k), str(la), row) for n, k, la, row in returned.partners]
    done.blank_values = [(str(i), str(d), row) for i, d, row in returned.blank_values]
    done.blank_milestones = [(str(m), row) for m, row in returned.blank_milestones]
    return done


def _edited_meta(raw: RawWorkbook, ctx: Context, lab: str, period: str) -> Finding | None:
    """Say that the hidden sheet was edited, if its hash is that of another lab or period.

    The layout hash covers lab and period: a template whose lab or period was
    changed by hand in „ogl_meta“ keeps the hash of the lab and period it was
    made for. Its rows (as the workbook holds them) are hashed with each lab
    and period asked, so no layout is built; a workbook whose rows hash to
    its own lab and period was made for them (the impact model changed since)
    and is answered after one hash. Only asked for a workbook already refused.

    Parameters
    ----------
    raw : RawWorkbook
        The workbook (its metadata).
    ctx : Context
        What the data folder says.
    lab, period : str
        Lab and period its hidden sheet names now.

    Returns
    -------
    Finding or None
        A ``metadata_edited`` error naming what the template was made for,
        or None when neither another period of the lab nor another lab of
        the period has its hash (then the lab's impact model really changed,
        or more than one cell of the hidden sheet was edited).
    """
    digest = raw.meta.get("layout_hash", "")
    keys = row_keys(raw)  # hashed with each lab and period asked: no layout built
    if keys is None or layout_digest(lab, period, *keys) == digest:
        return None  # its rows were made for this very lab and period: the model changed since
    # one cell edited: the period (of the same lab) or the lab (for the same period)
    candidates = [(lab, p) for p in sorted(ctx.periods - {period})]
    candidates += [(other, period) for other in sorted(ctx.labs - {lab})]
    for other_lab, other_period in candidates:
        if layout_digest(other_lab, other_period, *keys) == digest:
            return finding(
                raw.file,
                "metadata_edited",
                sheet=SHEET_META,
                cell="B2" if other_lab != lab else "B3",
                value=f"{lab}, {period}",
                made=f"{other_lab}, {other_period}",
                found=f"{lab}, {period}",
            )
    return None


def _stored_keys(
    own: Mapping, period: str, bulk: ValueFacts | None = None
) -> tuple[dict, frozenset, bool]:
    """Return the values and milestones a lab has stored for ``period``, and whether any row.

    The values map (indicator_id, disaggregation value) to the stored number;
    ``bulk``: the values as :func:`~ogl_impact.delivery.bulk.value_facts`
    summarised them (``own`` then holds no value rows).
    """
    milestones = [r for r in own.get("milestones", []) if r[2] == period]
    if bulk is not None:
        return (
            bulk.stored,
            frozenset(str(r[0]) for r in milestones if r[4]),
            bulk.any_stored or bool(milestones),
        )
    values = [r for r in own.get("indicator_values", []) if r[1] == period]
    return (
        {(str(r[0]), str(r[2])): r[3] for r in values if r[3] is not None},
        frozenset(str(r[0]) for r in milestones if r[4]),
        bool(values or milestones),
    )


def _later_period(periods: pd.DataFrame, period: str, received: pd.Timestamp) -> str:
    """Return the reporting period now due when ``period``'s deadline has passed.

    The deadline is the column ``deadline`` of periods.csv or the end of the
    period plus :data:`~ogl_impact.delivery.template.DEADLINE_DAYS`. Of the
    later reporting periods begun by ``received``, the first still within its
    deadline, else the latest; "" when ``period``'s deadline has not passed
    or no later reporting period has begun.
    """
    from ogl_impact.delivery.template import DEADLINE_DAYS

    p = periods.set_index(periods["period_id"].astype(str))
    if period not in p.index:
        return ""

    def deadline(row: pd.Series) -> pd.Timestamp:
        due = row.get("deadline") if "deadline" in p.columns else None
        if due is None or pd.isna(due):
            return pd.Timestamp(row["end"]) + pd.Timedelta(days=DEADLINE_DAYS)
        return pd.Timestamp(due)

    row = p.loc[period]
    if received <= deadline(row):
        return ""
    begun = p[
        p["kind"].astype(str).isin(DELIVERY_PERIOD_KINDS)
        & (p["start"] > row["start"])
        & (p["start"] <= received)
    ].sort_values("start")
    if begun.empty:
        return ""
    # the one now due: the first still within its deadline, else the latest begun
    due = [pid for pid, r in begun.iterrows() if received <= deadline(r)]
    return str(due[0] if due else begun.index[-1])


_JOB: tuple[Context, list[Path], Mapping[int, bytes]] | None = None
"""The pool's work: context, files and what was read ahead (set before the workers fork)."""


def _check_in_worker(ks: range) -> list[Checked]:
    assert _JOB is not None
    ctx, paths, ahead = _JOB
    was_on = gc.isenabled()
    gc.disable()  # a batch makes many short-lived objects and no cycles worth a collection
    try:
        out = check_batch(paths, ks, ctx, ahead)
    finally:
        if was_on:
            gc.enable()
    for done in out:
        done.outcome.path = None  # type: ignore[assignment]  # the parent puts back its own path
    return out


def check_batch(
    paths: list[Path], ks: range, ctx: Context, ahead: Mapping[int, bytes] | None = None
) -> list[Checked]:
    """Check the workbooks ``paths[k]`` for ``k`` in ``ks``, their labs' stored values in bulk.

    Each result is what :func:`check_workbook` gives for the workbook alone:
    the stored values of the batch's labs are summarised at once
    (:func:`~ogl_impact.delivery.bulk.value_facts`) instead of one lab at a time.

    Parameters
    ----------
    paths : list of Path
        The files.
    ks : range
        Positions in ``paths`` to check.
    ctx : Context
        What the data folder says.
    ahead : mapping of int to bytes, optional
        Workbooks already read, by position (:meth:`ReadAhead.finish`).

    Returns
    -------
    list of Checked
        One per position of ``ks``, in order.
    """
    ahead = ahead or {}
    out: list[Checked] = []
    held: list[tuple[int, RawWorkbook | Finding]] = []
    cells = 0
    for k in ks:
        raw = _unpickled(ahead.get(k), paths[k])
        raw = read_raw(paths[k]) if raw is None else raw
        held.append((k, raw))
        cells += _cells(raw)
        if cells > HELD_CELLS:  # a large workbook: check what is held before reading on
            out += _check_held(paths, held, ctx)
            held, cells = [], 0
    return out + _check_held(paths, held, ctx) if held else out


HELD_CELLS = 200_000
"""Cells read and held by :func:`check_batch` before it checks them (a returned
template has about 300; a workbook with tens of thousands of rows is checked alone)."""


def _cells(raw: RawWorkbook | Finding) -> int:
    """Count the cells (rows times the first row's width) of a workbook as read."""
    if not isinstance(raw, RawWorkbook):
        return 0
    return sum(len(rows) * len(rows[0]) for rows in raw.sheets.values() if rows)


def _check_held(
    paths: list[Path], held: list[tuple[int, RawWorkbook | Finding]], ctx: Context
) -> list[Checked]:
    """Check workbooks read by :func:`check_batch`, their labs' stored values at once."""
    facts = None
    if held and isinstance(ctx.per_lab, LabRows):
        wanted = [
            (r.meta.get("lab_id", ""), r.meta.get("period_id", ""))
            for _, r in held
            if isinstance(r, RawWorkbook)
        ]
        facts = value_facts(
            ctx.per_lab,
            [(lab, per) for lab, per in wanted if lab in ctx.labs and per in ctx.periods],
        )
    return [check_workbook(paths[k], ctx, raw, facts) for k, raw in held]


def _unpickled(blob: bytes | None, path: Path) -> RawWorkbook | Finding | None:
    """Return a workbook read ahead (None: not read ahead) with its path put back.

    A :class:`~pathlib.Path` costs more to unpickle than the rest of a
    result, so the path travels between processes as the position in the
    list, never pickled: read ahead with ``path`` None, sent back with
    ``outcome.path`` None.
    """
    if blob is None:
        return None
    raw = pickle.loads(blob)
    if isinstance(raw, RawWorkbook):
        raw.path = path
    return raw


def pool_size(count: int, jobs: int | None) -> int:
    """Return the number of processes for ``count`` workbooks.

    Parameters
    ----------
    count : int
        Workbooks to check.
    jobs : int or None
        Asked for; None: 2 (or the number of cores, if fewer) from
        :data:`POOL_FROM` workbooks on, else 1.

    Returns
    -------
    int
    """
    if jobs is not None:
        return max(1, min(jobs, count))
    if count < POOL_FROM or multiprocessing.get_all_start_methods()[0] != "fork":
        return 1
    return max(1, min(2, os.cpu_count() or 1))


def check_workbooks(
    paths: list[Path],
    ctx: Context,
    processes: int = 1,
    ahead: Mapping[int, bytes] | None = None,
    unfreeze: bool = True,
) -> Iterator[Checked]:
    """Check workbooks, in a pool of processes if asked; results in input order.

    Parameters
    ----------
    paths : list of Path
        The files.
    ctx : Context
        What the data folder says.
    processes : int
        1: in this process. More: forked workers (where the platform forks),
        each handed up to :data:`CHUNK` workbooks at a time.
    ahead : mapping of int to bytes, optional
        Workbooks already read, by position in ``paths``
        (:meth:`ReadAhead.finish`); the others are read here.
    unfreeze : bool
        Whether to unfreeze the garbage collector's objects once the pool is
        done (:func:`gc.freeze` before the workers fork). False: the caller
        does it (collect keeps them frozen to the end of its run).

    Yields
    ------
    Checked
        One per path, in the order of ``paths``.
    """
    ahead = ahead or {}
    if processes <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        for start in range(0, len(paths), CHUNK):
            yield from check_batch(paths, range(start, min(start + CHUNK, len(paths))), ctx, ahead)
        return
    global _JOB
    _JOB = (ctx, paths, ahead)
    gc.freeze()  # the workers' garbage collector leaves the shared objects (and pages) alone
    try:
        with multiprocessing.get_context("fork").Pool(processes, initializer=_quiet) as pool:
            batch = min(CHUNK, max(1, -(-len(paths) // (processes * _BATCHES))))
            batches = [range(a, min(a + batch, len(paths))) for a in range(0, len(paths), batch)]
            for ks, results in zip(batches, pool.imap(_check_in_worker, batches), strict=True):
                for k, done in zip(ks, results, strict=True):
                    done.outcome.path = paths[k]  # sent back without it (see _unpickled)
                    yield done
            pool.close()
            pool.join()
    finally:
        _JOB = None
        if unfreeze:
            gc.unfreeze()


_FRAME = struct.Struct("<QQ")
"""Head of one workbook read ahead: its position in the list, the length of its pickle."""


class ReadAhead:
    """Read workbooks in forked processes while the caller loads the data folder.

    Reading a workbook (:func:`~ogl_impact.delivery.read.read_raw`) needs
    nothing from the data folder; checking it does. So while collect loads
    and checks the folder in its own process, ``readers`` processes read the
    workbooks in input order, each into a temporary file (a pickle of a few
    KB per workbook). :meth:`finish` stops them after the workbook at hand
    and hands what they read to :func:`check_workbooks`, which reads the
    rest. The result of every workbook is the one ``read_raw`` gives, so
    results and messages do not depend on how far the readers got.

    Parameters
    ----------
    paths : list of Path
        The files, in the order they are checked.
    readers : int
        Processes; 0 (or a platform that does not fork): nothing is read ahead.
    """

    def __init__(self, paths: list[Path], readers: int):
        self._procs: list = []
        self._files: list = []
        if readers < 1 or not paths or "fork" not in multiprocessing.get_all_start_methods():
            return
        mp = multiprocessing.get_context("fork")
        self._stop = mp.Event()
        for first in range(readers):
            out = tempfile.TemporaryFile(buffering=0)
            proc = mp.Process(
                target=_read_ahead,
                args=(paths, first, readers, self._stop, out),
                daemon=True,
            )
            proc.start()
            self._procs.append(proc)
            self._files.append(out)

    def finish(self, wait: bool = False) -> dict[int, bytes]:
        """Stop the readers and return what they read.

        Parameters
        ----------
        wait : bool
            Let the readers read every workbook first (instead of stopping
            them after the workbook at hand).

        Returns
        -------
        dict of int to bytes
            Pickled :func:`~ogl_impact.delivery.read.read_raw` results by
            position in ``paths`` (a reader that failed only leaves gaps);
            a workbook's ``path`` is None in them (the position says it,
            see :func:`_unpickled`).
        """
        if self._procs and not wait:
            self._stop.set()
        for proc in self._procs:
            proc.join()
        out: dict[int, bytes] = {}
        for handle in self._files:
            with handle:
                handle.seek(0)
                data = handle.readall()
            view, at = memoryview(data), 0
            while at + _FRAME.size <= len(data):
                k, size = _FRAME.unpack_from(data, at)
                at += _FRAME.size
                if at + size > len(data):
                    break  # cut short: that workbook is read again
                out[k] = bytes(view[at : at + size])
                at += size
        self._procs, self._files = [], []
        return out


def _read_ahead(paths: list[Path], first: int, step: int, stop, out) -> None:
    """Read every ``step``-th workbook from ``first`` on until told to stop (a reader process).

    The reader runs at a lower priority: it is to use a core the loading
    process leaves free, not to slow that process down on a busy machine.
    Its garbage collector is off: each workbook's objects are dropped once
    pickled and hold no cycles, so a collection would find nothing (it
    cost about a tenth of the reading).
    """
    _quiet()
    gc.disable()
    with contextlib.suppress(OSError):
        os.nice(10)
    for k in range(first, len(paths), step):
        if stop.is_set():
            break
        try:
            raw = read_raw(paths[k])
            if isinstance(raw, RawWorkbook):
                raw.path = None  # type: ignore[assignment]  # put back where it is checked
            blob = pickle.dumps(raw, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:  # read again where it is checked, and reported there as today
            continue
        out.write(_FRAME.pack(k, len(blob)) + blob)


def _quiet() -> None:
    """Let a worker end silently: Ctrl-C and SIGTERM are the parent's to handle.

    It also ends with its parent (a ``kill -9`` of collect leaves no worker).
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    die_with_parent()


__all__ = [
    "CHUNK",
    "POOL_FROM",
    "Checked",
    "Context",
    "Outcome",
    "ReadAhead",
    "check_batch",
    "check_workbook",
    "check_workbooks",
    "pool_size",
    "recognise",
    "text",
]
