"""Collect returned workbooks: recognise, check, merge, register, all or none.

Each workbook is recognised by its hidden metadata (lab, period, template
version, layout hash), its cells are read and checked
(:mod:`~ogl_impact.delivery.read`, :mod:`~ogl_impact.delivery.plausibility`),
and the rows of every workbook still accepted are merged into the data
folder's tables, which are then checked with the very rules of ``validate``
(:func:`~ogl_impact.validate.validate_table` and the cross-table rules; for
values and milestones on the new rows only, the kept rows having passed them
when the folder was loaded, see :data:`_NEW_ROWS_ONLY`). A
problem in a workbook's rows refuses that workbook as a whole; the others
arrive. A workbook for a lab and period that already has values is taken
as a revision: every value it changes is kept in ``revisions.csv``. An
empty cell never deletes a stored value (:mod:`~ogl_impact.delivery.keep`:
the stored value stays, with a note; only „Wert zurückziehen“ removes one,
as a revision), and a workbook that so changes nothing is ``unchanged``
(„keine Änderung“, registered as accepted, no table written); one with
nothing entered at all is skipped (one line, not registered). Every
recognised workbook, refused ones too, gets a row in ``submissions.csv``
(one per lab, period and file hash; an acceptance replaces an earlier
refusal of the same bytes).

One run at a time: the data folder is locked from loading to the end of the
write (:func:`~ogl_impact.write.target.locked_for_update`; a second run is
refused at once, and a run killed while moving its tables in is undone
first), and before anything is written the tables must still be the bytes
that were loaded (a table edited by hand meanwhile refuses the run). The
final renames of the tables and of the feedback folder are one critical
section (:class:`~ogl_impact.write.target.CriticalSection`): both are staged
first, and Ctrl-C during the renames takes effect once both are in place.
A corrected row stays where it stood in its table; new rows are appended.

With a pool of processes, the workbooks are read
(:class:`~ogl_impact.delivery.check.ReadAhead`) while the data folder is
loaded and checked, which takes one process; the workers then check what
was read. Which workbooks were read ahead changes no result and no message.
While the pool checks them, a thread of the parent reads the stored tables
the write may copy lines from (:class:`_StoredFiles`). During the run numpy
asks for no transparent huge pages (:func:`_small_pages`): collect makes many
large arrays once each, and where the kernel compacts memory to give one a
huge page, that costs more than the pages save.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import os
import stat
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path

import numpy as np
import pandas as pd

from ogl_impact import vocab
from ogl_impact.delivery.check import (
    Checked,
    Context,
    Outcome,
    ReadAhead,
    check_workbooks,
    pool_size,
)
from ogl_impact.delivery.check import text as _text
from ogl_impact.delivery.csvout import (
    StoredLines,
    read_stored,
    write_appended,
    write_grown,
    write_rows,
    write_table,
)
from ogl_impact.delivery.feedback import stage_feedback
from ogl_impact.delivery.findings import Finding, finding
from ogl_impact.delivery.keep import (
    OtherPeriods,
    Stored,
    keep_stored,
    same_as_other_period,
    stored_rows,
)
from ogl_impact.delivery.notes import NOTES_FILE, accepted_notes, unsaid, write_notes
from ogl_impact.delivery.notes import read_stored as read_stored_notes
from ogl_impact.delivery.read import partner_name
from ogl_impact.delivery.tables import DataTables, Pending, load_tables, store_pending
from ogl_impact.delivery.unassigned import appended, network_workbooks, with_unassigned
from ogl_impact.delivery.workbook import (
    COLUMNS,
    LISTS,
    SHEET_MILESTONES,
    SHEET_PARTNERS,
    SHEET_VALUES,
    WITHDRAW,
    LabRows,
    column_letter,
    empty_lab,
    reporting_periods,
)
from ogl_impact.io import RawTable
from ogl_impact.problems import Problem
from ogl_impact.schemas import TABLES
from ogl_impact.schemas.crosscheck import check_cross_table
from ogl_impact.validate import validate_table
from ogl_impact.write.tables import write_tables
from ogl_impact.write.target import (
    CriticalSection,
    locked_for_update,
    replace_folder,
    update_files,
)

LINE_BLOCK = 10_000_000
"""Rows of workbook k get line numbers (k + 1) * LINE_BLOCK + sheet row in the merged tables."""
DELIVERY_SOURCE = (
    "lieferungen",
    "Datenlieferungen der Labore",
    "Arbeitsmappen der Labore, eingelesen mit ogl-impact collect (submissions.csv)",
)
_SHEET_OF = {
    "indicator_values": SHEET_VALUES,
    "milestones": SHEET_MILESTONES,
    "partners": SHEET_PARTNERS,
}
_COLUMN_OF = {
    "indicator_values": {
        "value": "value",
        "status": "status",
        "disaggregation_value": "disaggregation",
    },
    "milestones": {"completion": "completion", "achieved_date": "achieved_date"},
    "partners": {"name": "name", "kind": "kind", "land": "land"},
}


class CollectError(Exception):
    """The data folder itself cannot take workbooks (its problems are in ``problems``)."""

    def __init__(self, message: str, problems: list[Problem] | None = None):
        super().__init__(message)
        self.problems = problems or []


class DataChanged(CollectError):
    """A table of the data folder changed while the run worked on it (nothing written)."""


class NotAPeriod(CollectError):
    """``period`` is no reporting period of the folder (a typo, a workshop): a usage error."""


class ReceivedTooEarly(CollectError):
    """``received`` lies before the start of a workbook's period (a typo): a usage error."""


stage_hook: Callable[[str], None] | None = None
"""Called with the name of each stage of a run: ``"loaded"`` (folder read and
locked), ``"staged"`` (tables and feedback staged, nothing changed yet),
``"data_committed"`` (tables in place, feedback not yet), ``"committed"``
(tables and feedback in place, Ctrl-C no longer deferred). None in normal use;
tests set it to interrupt a run at a given moment."""


def _stage(name: str) -> None:
    if stage_hook is not None:
        stage_hook(name)


@dataclass
class CollectResult:
    """The result of a collect run: one outcome per workbook and the files written."""

    outcomes: list[Outcome]
    written: list[Path]

    @property
    def refused(self) -> list[Outcome]:
        """Workbooks refused."""
        return [o for o in self.outcomes if o.outcome == "refused"]


def find_workbooks(paths: list[Path]) -> list[Path]:
    """Expand files and folders into the workbooks to collect (sorted, no lock files).

    Parameters
    ----------
    paths : list of Path
        Files or folders.

    Returns
    -------
    list of Path
        ``.xlsx`` files; a folder is searched (not recursively). Files given
        by name are kept whatever their suffix, so that a wrong file is
        reported rather than ignored; only lock files of Excel and
        LibreOffice (``~$…``, ``.~lock…``) and the folder files of file
        managers (``Thumbs.db``, ``desktop.ini``, ``.DS_Store``), which a
        shell glob such as ``posteingang/*`` names too, are left out. A file
        reached twice (a folder and a file in it, or the same path written
        twice) comes once, where it first appears.
    """
    out: list[Path] = []
    seen: set[str] = set()

    def add(path: Path) -> None:
        where = os.path.abspath(path)  # by name alone: no stat per workbook
        if where not in seen:
            seen.add(where)
            out.append(path)

    for p in paths:
        if p.is_dir():
            with os.scandir(p) as entries:  # the file type from the directory: no stat per file
                names = sorted(
                    e.name
                    for e in entries
                    if not e.name.startswith(("~$", ".~lock", "."))
                    and os.path.splitext(e.name)[1].lower() in (".xlsx", ".xlsm")
                    and e.is_file()
                )
            for name in names:
                add(p / name)
        elif not _not_a_delivery(p.name):
            add(p)
    return out


_FOLDER_FILES = frozenset({"thumbs.db", "desktop.ini", ".ds_store"})
"""Files a file manager puts into a folder (compared case-folded)."""


def _not_a_delivery(name: str) -> bool:
    """Say whether a file is a lock file of Excel or LibreOffice, or a file manager's."""
    return name.startswith(("~$", ".~lock")) or name.casefold() in _FOLDER_FILES


def collect(
    paths: list[Path],
    data: str | Path,
    *,
    received: pd.Timestamp,
    period: str | None = None,
    jobs: int | None = None,
    feedback: Path | None = None,
    feedback_inputs: Sequence[Path] = (),
    lang: str = "de",
) -> CollectResult:
    """Collect returned workbooks into a data folder (all accepted ones, or none on failure).

    Parameters
    ----------
    paths : list of Path
        Workbooks (files or folders).
    data : str or Path
        The data folder (``data/raw`` or a copy); its tables are updated
        through :func:`ogl_impact.write.target.update_files`.
    received : pandas.Timestamp
        Day the workbooks arrived (register and revisions).
    period : str, optional
        The period being collected; a workbook of another period is refused
        (last period's template filled in again).
    jobs : int, optional
        Processes reading and checking the workbooks; None: 2 from
        :data:`~ogl_impact.delivery.check.POOL_FROM` workbooks on (where the
        platform forks), else 1. Results and messages do not depend on it.
    feedback : Path, optional
        Feedback folder: staged before the tables are written and swapped in
        right after them, in one critical section
        (:func:`~ogl_impact.delivery.feedback.stage_feedback`).
    feedback_inputs : sequence of Path
        What the feedback folder may not be or hold (data folder, workbooks).
    lang : {"de", "en"}
        Language of the feedback.

    Returns
    -------
    CollectResult

    Raises
    ------
    CollectError
        When the data folder has errors of its own (nothing is written);
        :class:`DataChanged` when a table changed during the run.
    ogl_impact.write.target.FolderBusy
        When another run holds the data folder (nothing is done).
    """
    data = Path(data)
    done = [False]  # set once tables and feedback are in place
    try:
        # a run killed while moving its tables in is undone first (its journal), before
        # the folder is read: else the half-moved folder would be refused as broken
        with (
            _small_pages(),
            _arrow_on_malloc(),
            _frozen_to_the_end(),
            locked_for_update(data, "collect"),
        ):
            pending: list[Pending] = []  # cache entries of the load that wait for the end
            try:
                result = _collect_locked(
                    paths, data, received, period, jobs, feedback, feedback_inputs, lang, done,
                    pending,
                )  # fmt: skip
            except CollectError as exc:  # nothing written: every table read is kept
                if not isinstance(exc, DataChanged):
                    store_pending(data, pending, set())
                raise
            store_pending(data, pending, {p.stem for p in result.written})
            return result
    except KeyboardInterrupt as exc:
        if done[0]:  # Ctrl-C after the commit, before the result was handed back
            exc.committed = True  # type: ignore[attr-defined]
        raise


@contextlib.contextmanager
def _small_pages() -> Iterator[None]:
    """Let numpy not ask for transparent huge pages while collect runs (restored after).

    numpy advises the kernel to back each array of 4 MB or more with huge
    pages (``madvise(MADV_HUGEPAGE)``). Where the kernel then compacts memory
    on the first touch of such an array (``defrag`` set to ``madvise``, the
    default of many distributions), that costs system time on every large
    array collect makes once and drops: at 10,800 workbooks 1.4 s of the
    parent's 4.8 s system time, nearly all in the phases that run on one
    core (building the context, merging, writing). The arrays and every
    result are the same either way. Where numpy has no such switch, nothing
    changes.
    """
    switch = getattr(getattr(np, "_core", None), "multiarray", None)
    switch = getattr(switch, "_set_madvise_hugepage", None)
    if switch is None:
        yield
        return
    before = switch(False)
    try:
        yield
    finally:
        switch(before)


@contextlib.contextmanager
def _arrow_on_malloc() -> Iterator[None]:
    """Let pyarrow allocate with the C library's ``malloc`` while collect runs (restored after).

    pyarrow's default pool (mimalloc in the wheels for Linux) gives memory
    back to the system soon after it is freed and asks for fresh pages
    again. Where a fresh page is costly (a virtual machine whose host
    hands out memory on first touch, as on the 2-core benchmark machine)
    that is system time: loading the national values table (2.2 million
    rows) took 4.4-6.8 s with mimalloc, 3.3-4.5 s of it in the kernel,
    and 2.4-3.2 s with ``malloc``, 1.0-1.6 s in the kernel. Tables,
    results and files are the same either way. A pool the user chose
    (``ARROW_DEFAULT_MEMORY_POOL``) is left alone.
    """
    import pyarrow as pa

    if os.environ.get("ARROW_DEFAULT_MEMORY_POOL"):
        yield
        return
    before = pa.default_memory_pool()
    pa.set_memory_pool(pa.system_memory_pool())
    try:
        yield
    finally:
        pa.set_memory_pool(before)


@contextlib.contextmanager
def _frozen_to_the_end() -> Iterator[None]:
    """Unfreeze the garbage collector's objects when the run ends (frozen as it goes).

    What collect keeps to its end (what exists when it starts, the loaded
    tables, the workbooks' results) is moved out of the collector's reach
    (:func:`gc.freeze`) as it accumulates: at the start, before the pool
    forks, and every :data:`_FREEZE_EVERY` results. Else every full
    collection walks all of it again, finding nothing: at 10,800 workbooks
    nine full collections of up to 430,000 objects, about 1 s of the
    parent's CPU, part of it on the one core busy after the pool. Objects
    freed by reference counting are freed as before; garbage in reference
    cycles among frozen objects waits for the end of the run.

    The youngest generation is collected every :data:`_YOUNG_EVERY`
    allocations instead of every 700: loading and merging tables makes
    many short-lived objects, most freed by reference counting before a
    collection would look at them (at 10,800 workbooks about 1,200
    collections took 0.16-0.24 s of the parent's CPU, 20 took 0.04 s;
    peak memory unchanged). The thresholds are restored when the run ends.
    """
    before = gc.get_threshold()
    gc.set_threshold(max(before[0], _YOUNG_EVERY), *before[1:])
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)


_YOUNG_EVERY = 20_000
"""Allocations between collections of the youngest generation while collect runs."""


_FREEZE_EVERY = 256
"""Results after which the parent freezes what it holds (:func:`_frozen_to_the_end`)."""


def _prepare_validation() -> None:
    """Register pandera's pandas backends now (what the first validation of a run does).

    The first :meth:`pandera.DataFrameSchema.validate` of a process imports
    pandera's checks and strategies (with hypothesis where it is installed):
    0.3-1.7 s measured at 10,800 workbooks. Merging validates the new rows
    on one core after the pool; done at the first result instead, the
    import runs beside the workers. Validation itself is unchanged.
    """
    import pandera.pandas as pa

    pa.DataFrameSchema.register_default_backends(pd.DataFrame)


def _collect_locked(
    paths: list[Path],
    data: Path,
    received: pd.Timestamp,
    period: str | None,
    jobs: int | None,
    feedback: Path | None,
    feedback_inputs: Sequence[Path],
    lang: str,
    done: list[bool],
    pending: list[Pending],
) -> CollectResult:
    """Run :func:`collect` while the data folder is locked (``done[0]``: committed).

    ``pending``: the cache entries the load checked anew (stored by the caller).
    """
    files = find_workbooks(paths)
    processes = pool_size(len(files), jobs)
    # with a pool, the workbooks are read while this process loads the folder
    ahead = ReadAhead(files, processes - 1 if processes > 1 else 0)
    try:
        states = _states(data)  # before anything is read: see _unchanged_since_load
        notes_sha = _sha(data / NOTES_FILE)
        tables = load_tables(data, cache=True, pending=pending)
        store_pending(data, pending, set(), wait=_MAY_WRITE)  # the rest when the run ends
        ctx = _context(data, tables, period, received)
        # still beside the readers: what the results are judged against
        lab_names = dict(
            zip(
                tables.tables["labs"]["lab_id"].astype(str).tolist(),
                tables.tables["labs"]["name"].astype(str).tolist(),
                strict=True,
            )
        )
        seen_sha = _collected(tables)
        existing = _pairs(tables.tables["indicator_values"]) | _pairs(tables.tables["milestones"])
    finally:
        read = ahead.finish()
    _stage("loaded")
    outcomes: list[Outcome] = []
    candidates: list[Outcome] = []
    new_rows: dict[int, dict[str, list]] = {}
    in_run: dict[tuple[str, str], list[Outcome]] = {}
    stored: dict = {}
    stored_periods: set[str] = set()
    others = OtherPeriods(tables.raw["indicator_values"].frame)  # indexed on first use
    remarks_only: dict[int, Finding] = {}  # by id(): said only where the workbook is accepted
    stored_notes: pd.DataFrame | None = None  # read when a workbook sent again has remarks
    stored_files = _StoredFiles(tables)
    for checked in check_workbooks(files, ctx, processes, read, unfreeze=False):
        stored_files.start()  # the workers are forked by now: the thread is the parent's alone
        if processes > 1 and not outcomes:  # beside the workers, not after them
            _prepare_validation()
        if len(outcomes) % _FREEZE_EVERY == 0:  # kept to the end: out of the collector's way
            gc.freeze()
        o = checked.outcome
        outcomes.append(o)
        if period is not None and [f.rule for f in o.errors] == ["wrong_period"]:
            o.outcome = "skipped"  # left out by --period: one line, not registered
            o.findings = [
                finding(o.file, "other_period", severity="info", found=o.period_id, period=period)
            ]
            continue
        if o.lab_id is None or o.errors:
            continue
        key = (o.lab_id, o.period_id)
        if (o.lab_id, o.period_id, o.sha256) in seen_sha:
            o.outcome = "skipped"
            o.findings.append(
                finding(
                    o.file,
                    "already_collected",
                    severity="info",
                    received=seen_sha[(o.lab_id, o.period_id, o.sha256)],
                )
            )
            continue
        if _nothing_entered(checked):  # never "the other workbook" of a lab's filled one
            if key in existing:  # a period already collected: no delivery, one line
                o.outcome = "skipped"
                o.findings.append(
                    finding(o.file, "nothing_entered", severity="info", period=o.period_id)
                )
            else:  # refused on its own: „kein Wert eingetragen“
                o.findings += checked.findings
            continue
        if key in in_run:
            same = next((e for e in in_run[key] if e.sha256 == o.sha256), None)
            if same is not None:  # the same file twice: registered once, no error
                o.findings.append(
                    finding(
                        o.file,
                        "duplicate_in_run",
                        severity="info",
                        lab=o.lab_id,
                        period=o.period_id,
                        other=same.file,
                    )
                )
                o.outcome = "skipped"
                continue
            # two different workbooks for one lab and period: which one is meant cannot
            # be told (not by name, not by order), so each is refused naming the other
            name = lab_names.get(o.lab_id, o.lab_id)
            for other in in_run[key]:
                for this, that in ((o, other), (other, o)):
                    this.findings.append(
                        finding(
                            this.file,
                            "two_workbooks",
                            lab=name,
                            period=o.period_id,
                            this=_shown_path(this),
                            other=_shown_path(that),
                        )
                    )
            in_run[key].append(o)
            continue
        in_run[key] = [o]
        o.findings += checked.findings
        if o.errors:
            continue
        rows = _new_rows(o, checked, len(candidates))
        if o.notes and key in existing:  # sent again: a remark its row holds is not taken twice
            if stored_notes is None:
                try:
                    stored_notes = read_stored_notes(data)
                except ValueError as exc:
                    raise CollectError(str(exc)) from None
            o.notes = unsaid(stored_notes, o.lab_id, o.period_id, o.notes)
        if key in existing and o.period_id not in stored_periods:  # that period's rows, once
            stored_periods.add(o.period_id)
            stored_files.want_lines()  # stored rows replaced: the table is written line by line
            stored |= stored_rows(
                {n: tables.raw[n].frame for n in _ROW_COLUMNS},
                {p for p in existing if p[1] == o.period_id},
            )
        if key in stored:  # a period already collected: an empty cell keeps the stored value
            kept = keep_stored(
                o.file,
                rows["indicator_values"],
                rows["milestones"],
                checked.blank_values,
                checked.blank_milestones,
                stored[key],
                (len(candidates) + 1) * LINE_BLOCK,
                ctx.decimal,
                checked.base,
                checked.later,
            )
            o.findings += kept.findings
            if o.errors:  # a conflict with a value stored since the template was made
                continue
            if kept.values_changed:  # another period's values typed into this one's template?
                o.findings += same_as_other_period(o.file, kept, stored[key], others, ctx.decimal)
            rows["indicator_values"], rows["milestones"] = kept.values, kept.milestones
            # a table the workbook leaves as stored keeps its rows where they are
            rows["as_stored"] = {
                name
                for name, same in (
                    ("indicator_values", not kept.values_changed),
                    ("milestones", not kept.milestones_changed),
                )
                if same
            }
            for name in rows["as_stored"]:
                rows[name] = []
            if not kept.changed and _no_new_partner(rows["partners"], tables):
                if o.notes:  # remarks only: taken (delivery_notes.csv), said once accepted
                    n, more = len(o.notes), len(o.notes) != 1
                    de, en = f"Anmerkung{'en' * more}", f"remark{'s' * more}"
                    remarks_only[id(o)] = finding(
                        o.file, "notes_only", severity="info", n=n, n_de=f"{n} {de}",
                        n_en=f"{n} {en}", taken_de=f"{de} übernommen", taken_en=f"{en} taken",
                    )  # fmt: skip
                else:
                    o.outcome = "unchanged"
                    o.findings.append(finding(o.file, "unchanged", severity="info"))
                    continue
        elif any(r[5] == WITHDRAW for r in rows["indicator_values"]):  # nothing stored to withdraw
            base = (len(candidates) + 1) * LINE_BLOCK
            kept = keep_stored(
                o.file, rows["indicator_values"], [], [], [], Stored(), base, ctx.decimal
            )
            o.findings += kept.findings
            rows["indicator_values"] = kept.values
        new_rows[len(candidates)] = rows
        candidates.append(o)
    network_workbooks(outcomes, tables.tables["periods"])  # lab known, period a workshop
    _received_after_start(outcomes, tables.tables["periods"], received)
    ctx.per_lab = {}  # the lab rows were only needed for the layouts; free them before merging
    del ctx, read
    gc.freeze()  # the last results too
    _, written_tables, merged_raw, orders = _merge_and_check(
        candidates, new_rows, tables, received, existing
    )
    del new_rows  # merged into the tables
    for o in outcomes:
        if o.outcome == "skipped" or (o.outcome == "unchanged" and not o.errors):
            continue
        if o.lab_id is not None and not o.errors and o.merged:
            revised = (o.revisions is not None and len(o.revisions)) or o.partner_revisions
            o.outcome = "revision" if revised else "accepted"
            if o.outcome == "accepted" and id(o) in remarks_only:  # not for a refused one
                o.findings.append(remarks_only[id(o)])
        else:
            o.outcome = "refused"
    register = _register(outcomes, tables, received)
    revisions = _revisions(outcomes, tables, received)
    frames = dict(written_tables)
    frames["submissions"] = register
    if revisions is not None:
        frames["revisions"] = revisions
    texts = {name: raw.frame for name, raw in merged_raw.items()}
    lines = {name: np.asarray(raw.lines) for name, raw in merged_raw.items()}
    for name, order in orders.items():  # corrected rows where they stood, new rows after
        if name in frames and name in texts:
            frames[name] = frames[name].iloc[order].reset_index(drop=True)
            texts[name] = texts[name].iloc[order].reset_index(drop=True)
            lines[name] = lines[name][order]
    try:  # the remarks of the accepted workbooks, kept beside the tables
        notes = accepted_notes(outcomes, data, received)
    except ValueError as exc:
        raise CollectError(str(exc)) from None
    # update_files checks the data folder against its inputs with check_target(owned=False),
    # where only a folder among the inputs can forbid it: the workbooks are files (find_workbooks
    # gives no folder), and resolving 10,800 paths for nothing cost seconds, asking each
    # whether it is a folder still a stat each (more on a network drive)
    section = CriticalSection()
    staged_feedback = (
        replace_folder(feedback, "collect", list(feedback_inputs))
        if feedback is not None and outcomes
        else nullcontext(None)
    )
    with section, staged_feedback as feedback_staging:
        if feedback_staging is not None:  # the pages first, so that the commit is short
            stage_feedback(outcomes, Path(feedback), feedback_staging, lang)  # type: ignore[arg-type]
        with update_files(
            tables.folder,
            "collect",
            (),
            companions=[] if feedback_staging is None else [feedback_staging],  # both or neither
        ) as staging:
            written = _write(frames, tables, staging, texts, notes, lines, stored_files.get)
            _stage("staged")
            _unchanged_since_load(tables, notes_sha, states)
            section.begin()  # from here on, Ctrl-C waits until tables and feedback are in
        _stage("data_committed")
        done[0] = True  # still in the critical section: a Ctrl-C from here on is after the commit
    _stage("committed")  # tables and feedback in place, the interrupts no longer deferred
    return CollectResult(outcomes=outcomes, written=written)


def _received_after_start(
    outcomes: list[Outcome], periods: pd.DataFrame, received: pd.Timestamp
) -> None:
    """Refuse the run when ``received`` lies a whole period before a workbook's period.

    A workbook may come in early (the template goes out before its period),
    but not before the reporting period before its own began: that day is a
    typo of ``--received`` (2020 for 2022), and taken as given every milestone
    date would be "in the future" (blamed on the lab, registered as refused)
    or the register would call a delivery on time that never was. Workbooks
    skipped (another ``--period``, already collected) are not asked.
    """
    kinds = periods["kind"].astype(str).isin(vocab.DELIVERY_PERIOD_KINDS)
    ordered = periods[kinds].sort_values("start")
    ids = ordered["period_id"].astype(str).tolist()
    starts = [pd.Timestamp(v) for v in ordered["start"]]
    earliest = {pid: starts[max(k - 1, 0)] for k, pid in enumerate(ids)}
    early = [
        o
        for o in outcomes
        if o.outcome != "skipped" and o.period_id in earliest and earliest[o.period_id] > received
    ]
    if not early:
        return
    o = early[0]
    begun = starts[ids.index(o.period_id)]
    more = f" (und {len(early) - 1} weitere / and {len(early) - 1} more)" if len(early) > 1 else ""
    raise ReceivedTooEarly(
        f"--received {received:%d.%m.%Y} liegt einen ganzen Berichtszeitraum vor dem Zeitraum "
        f"{o.period_id} (Beginn {begun:%d.%m.%Y}) der Arbeitsmappe {o.file}{more}; so früh "
        f"kann sie nicht eingegangen sein. Bitte das Eingangsdatum prüfen / --received lies a "
        f"whole reporting period before the workbook's period"
    )


def _nothing_entered(checked: Checked) -> bool:
    """Whether a workbook holds nothing at all (no value, milestone, partner or remark).

    A workbook with errors of its own other than „kein Wert eingetragen“
    is not called empty: what it holds may just not have been read.
    """
    o = checked.outcome
    errors = {f.rule for f in checked.findings if f.severity == "error"}
    return (
        errors <= {"nothing_filled"}
        and not (checked.values or checked.milestones or checked.partners)
        and not o.notes
    )


def _shown_path(o: Outcome) -> str:
    """Return a workbook as ``folder/file`` (two workbooks of one name are told apart)."""
    path = Path(o.path)
    return f"{path.parent.name}/{path.name}" if path.parent.name else path.name


def _sha(path: Path) -> str | None:
    """Return the SHA-256 of a file's bytes (None when it does not exist)."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except FileNotFoundError:
        return None


RACY_NS = 3_000_000_000
"""Nanoseconds: a file changed less than this before collect looked at it is hashed again.

File times have a granularity (a kernel tick; two seconds on FAT), so a
change made right after collect looked at a file that had just been written
could leave its size and times as they were (the "racy" case git knows).
"""

_State = tuple[int, int, int, int, int]


def _states(folder: Path) -> tuple[int, dict[Path, _State]]:
    """Return the time now and device, inode, size, mtime and ctime of the folder's files.

    Taken before the tables are read, so that a file found unchanged at the
    end (:func:`_unchanged_since_load`) was unchanged while it was read.
    """
    seen = time.time_ns()
    out: dict[Path, _State] = {}
    with contextlib.suppress(OSError), os.scandir(folder) as entries:
        for entry in entries:
            with contextlib.suppress(OSError):
                info = entry.stat()
                if stat.S_ISREG(info.st_mode):
                    out[folder / entry.name] = _state(info)
    return seen, out


def _state(info: os.stat_result) -> _State:
    return (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)


def _same_since(path: Path, states: tuple[int, dict[Path, _State]]) -> bool:
    """Whether a file is provably as it was when :func:`_states` looked (else it is hashed).

    Its device, inode, size, modification and change times are those seen
    then, and both times lay more than :data:`RACY_NS` before that moment.
    A program can set a file's modification time back, but not its change
    time (the system sets it on every write, rename or ``utime``): a file
    written since shows another change time, and one replaced another inode.
    The file is opened and its handle asked (``fstat``): on NFS, opening
    makes the client ask the server (close-to-open consistency), where a
    ``stat`` may answer from attributes cached for up to a minute. Never on
    Windows, whose ``st_ctime`` is the time a file was made.
    """
    seen, before = states
    old = before.get(path)
    if old is None or os.name == "nt":
        return False
    try:
        with path.open("rb") as handle:
            now = _state(os.fstat(handle.fileno()))
    except OSError:
        return False
    return now == old and max(now[3], now[4]) < seen - RACY_NS


def _unchanged_since_load(
    tables: DataTables,
    notes_sha: str | None,
    states: tuple[int, dict[Path, _State]] | None = None,
) -> None:
    """Refuse the run when a table is no longer the bytes that were loaded (edited meanwhile).

    A file whose state is as :func:`_states` saw it before the load
    (``states``; :func:`_same_since`) is not read again; any other is
    hashed and compared with the bytes loaded.
    """
    expected = {tables.files[name]: raw.sha256 for name, raw in tables.raw.items()}
    for name in ("submissions", "revisions"):
        if name not in tables.files:
            expected[tables.folder / f"{name}.csv"] = None
    expected[tables.folder / NOTES_FILE] = notes_sha
    for path, sha in expected.items():
        if sha is not None and states is not None and _same_since(path, states):
            continue
        if _sha(path) != sha:
            raise DataChanged(
                f"{path.name} wurde während des Laufs geändert (etwa von Hand); die Arbeitsmappen "
                f"wurden gegen den vorigen Stand geprüft. Bitte collect noch einmal starten / "
                f"{path.name} changed during the run (edited by hand?); start collect again"
            )


def _context(data: Path, tables: DataTables, period: str | None, received: pd.Timestamp) -> Context:
    """Return what checking a workbook needs from the loaded folder (CollectError if broken)."""
    if tables.errors:
        raise CollectError(f"{data}: Daten fehlerhaft / data invalid", tables.errors)
    periods = reporting_periods(tables.tables["periods"])  # network workshops collect nothing
    if period is not None and period not in periods:
        known = ", ".join(periods)
        raise NotAPeriod(
            f"--period {period}: kein Berichtszeitraum; Berichtszeiträume: {known} / "
            f"not a reporting period; reporting periods: {known}"
        )
    ind = tables.tables["indicators"]
    cumulative: dict[str, dict[str, bool]] = {}
    for lab, iid, cum in zip(  # lists, not the columns: no Python object per cell from pandas
        ind["lab_id"].astype(str).tolist(),
        ind["indicator_id"].astype(str).tolist(),
        ind["cumulative"].tolist(),
        strict=True,
    ):
        cumulative.setdefault(lab, {})[iid] = bool(cum)
    return Context(
        labs=set(tables.tables["labs"]["lab_id"].astype(str).tolist()),
        periods=set(periods),
        period=period,
        per_lab=LabRows(tables.tables),  # each lab's rows made where its workbook is checked
        no_lab=empty_lab(tables.tables["periods"]),
        cumulative=cumulative,
        received=received,
        decimal=tables.raw["indicator_values"].decimal,
    )


def _no_new_partner(partners: list[dict], tables: DataTables) -> bool:
    """Whether every partner row of a workbook is a stored partner, unchanged."""
    if not partners:
        return True
    frame = tables.tables["partners"]
    known = set(
        zip(
            frame["lab_id"].astype(str),
            map(partner_name, frame["name"].astype(str)),
            frame["kind"].astype(str),
            frame["land"].astype(str),
            strict=True,
        )
    )
    return all(
        (r["lab_id"], partner_name(r["name"]), r["kind"], r["land"]) in known for r in partners
    )


def _collected(tables: DataTables) -> dict[tuple[str, str, str], str]:
    sub = tables.tables.get("submissions")
    if sub is None or sub.empty:
        return {}
    done = sub[sub["outcome"].astype(str) != "refused"]
    days: dict[object, str] = {}  # a register holds few days: each is formatted once
    for day in done["received"].unique().tolist():
        days[day] = f"{pd.Timestamp(day):%d.%m.%Y}"
    cells = (done[c].tolist() for c in ("lab_id", "period_id", "sha256", "received"))
    return {
        (str(lab), str(per), str(sha)): days[day] for lab, per, sha, day in zip(*cells, strict=True)
    }


def _new_rows(o: Outcome, c: Checked, k: int) -> dict[str, list]:
    """Return the workbook's rows as text tuples in the column order of each table.

    The last item of each tuple is the row's line number in the merged
    tables: ``(k + 1) * LINE_BLOCK`` plus the sheet row.
    """
    base = (k + 1) * LINE_BLOCK
    lab, per = o.lab_id, o.period_id
    values = [(lab, iid, per, d, v, st, base + row) for iid, d, v, st, row in c.values]
    milestones = [
        (lab, m, name, per, planned, achieved, completion, base + row)
        for m, name, planned, achieved, completion, row in c.milestones
    ]
    partners = [
        {
            "partner_id": "",
            "lab_id": lab,
            "name": n,
            "kind": kd,
            "land": ld,
            "placeholder": "false",
            "source": DELIVERY_SOURCE[0],
            "_line": base + row,
        }
        for n, kd, ld, row in c.partners
    ]
    return {"indicator_values": values, "milestones": milestones, "partners": partners}


_ROW_COLUMNS = {
    "indicator_values": (
        "lab_id",
        "indicator_id",
        "period_id",
        "disaggregation_value",
        "value",
        "status",
    ),
    "milestones": (
        "lab_id",
        "milestone_id",
        "name",
        "period_id",
        "planned_date",
        "achieved_date",
        "completion",
    ),
}
"""Columns of the text tuples of :func:`_new_rows` (the line number follows)."""


def _merge_and_check(
    candidates: list[Outcome],
    new: dict[int, dict[str, list]],
    tables: DataTables,
    received: pd.Timestamp,
    existing: set[tuple[str, str]] | None = None,
) -> tuple[
    dict[str, pd.DataFrame], dict[str, pd.DataFrame], dict[str, RawTable], dict[str, np.ndarray]
]:
    """Merge the candidates' rows, check with validate's rules, refuse workbooks until clean.

    ``existing`` holds the (lab, period) pairs with stored values or
    milestones (:func:`_pairs` of the loaded tables; None: found here). The
    last item returned gives, per merged table, the order in which to
    write its rows: a row that replaces a stored one takes that row's place.
    """
    # a candidate refused meanwhile (a second workbook for its lab and period) is left out
    by_index = {k: o for k, o in enumerate(candidates) if not o.errors}
    _drop_known_partners(by_index, new, tables)
    active = set(by_index)
    orders: dict[str, np.ndarray] = {}
    for _ in range(len(by_index) + 1):
        kept: dict[str, np.ndarray] = {}
        orders = {}
        merged_raw = _merged_raw(
            tables, {k: new[k] for k in sorted(active)}, by_index, kept, orders
        )
        typed: dict[str, pd.DataFrame] = {}
        fresh: dict[str, tuple[pd.DataFrame, RawTable]] = {}
        problems: list[Problem] = []
        for name, raw in merged_raw.items():
            frame, found = _validate_merged(raw, tables, kept.get(name), fresh)
            typed[name] = frame
            problems += found
        problems += _cross_check(tables, typed, merged_raw, fresh)
        refused = _attribute(problems, by_index, active)
        if not refused:
            break
        active -= refused
    if existing is None:
        existing = _pairs(tables.tables["indicator_values"]) | _pairs(tables.tables["milestones"])
    for k in active:
        o = by_index[k]
        if (o.lab_id, o.period_id) in existing:
            o.revisions = _diff(o, tables, typed, received)
    for k in active:
        by_index[k].merged = True
    if not active:
        return typed, {}, merged_raw, orders
    changed = {
        name: typed[name]
        for name in ("indicator_values", "milestones")
        if any(name not in new[k].get("as_stored", ()) for k in active)
    }
    if any(len(new[k]["partners"]) for k in active):
        changed["partners"] = typed["partners"]
        if "sources" in typed and len(typed["sources"]) != len(tables.tables["sources"]):
            changed["sources"] = typed["sources"]
    return typed, changed, merged_raw, orders


_PARENTS = frozenset({"labs", "periods", "indicators", "sources"})
"""Tables the merged ones (values, milestones, partners, sources) refer to.

The cross-table rules after merging run on these and the merged tables
only: a rule among untouched tables (the impact-model graph of ``nodes``,
the register) found no error when the folder was loaded (else collect
stops), and the workbooks change none of its inputs.
"""


def _drop_known_partners(
    by_index: dict[int, Outcome], new: dict[int, dict[str, list]], tables: DataTables
) -> None:
    """Give new partners an id; a known partner is dropped, or corrected where it differs.

    A partner already in the data (same lab, same name ignoring case and
    spacing) whose kind or Land the workbook changes replaces the stored row
    (same id, name and source), and each change is kept for ``revisions.csv``.
    """
    partners = tables.tables["partners"]
    stored = {
        (lab, partner_name(name)): (pid, name, kind, land, placeholder, source)
        for pid, lab, name, kind, land, placeholder, source in zip(
            partners["partner_id"].astype(str),
            partners["lab_id"].astype(str),
            partners["name"].astype(str),
            partners["kind"].astype(str),
            partners["land"].astype(str),
            partners["placeholder"],
            partners["source"].astype(str),
            strict=True,
        )
    }
    known = set(stored)
    next_id = _next_partner_number(partners)
    for k, o in by_index.items():
        keep = []
        corrected: list[str] = []
        for row in new[k]["partners"]:
            key = (row["lab_id"], partner_name(row["name"]))
            cell = f"A{row['_line'] % LINE_BLOCK}"
            if key in stored:
                pid, name, kind, land, placeholder, source = stored.pop(key)
                changes = [
                    (col, old, row[col])
                    for col, old in (("kind", kind), ("land", land))
                    if old != row[col]
                ]
                if changes:
                    row.update(
                        partner_id=pid,
                        name=name,
                        placeholder=_text(bool(placeholder)),
                        source=source,
                    )
                    o.partner_revisions += [
                        {"row_key": pid, "column": col, "old_value": old, "new_value": value}
                        for col, old, value in changes
                    ]
                    o.findings.append(
                        finding(
                            o.file,
                            "partner_corrected",
                            sheet=SHEET_PARTNERS,
                            cell=cell,
                            value=row["name"],
                            severity="warning",
                            name=name,
                            changes=", ".join(
                                f"{_PARTNER_FIELD[c]} {_label(c, a)} → {_label(c, b)}"
                                for c, a, b in changes
                            ),
                        )
                    )
                    corrected.append(pid)
                    keep.append(row)
                    continue
            if key in known:
                o.findings.append(
                    finding(
                        o.file,
                        "partner_known",
                        sheet=SHEET_PARTNERS,
                        cell=cell,
                        value=row["name"],
                        severity="warning",
                        name=row["name"],
                    )
                )
                continue
            known.add(key)
            row["partner_id"] = f"pt{next_id:03d}"
            next_id += 1
            keep.append(row)
        new[k]["partners"] = keep
        new[k]["partners_replaced"] = [{"partner_id": pid} for pid in corrected]


_PARTNER_FIELD = {"kind": "Art", "land": "Land"}


def _label(column: str, code: str) -> str:
    """Return the label of a partner's kind or Land as the Partner sheet shows it."""
    return LISTS[(SHEET_PARTNERS, column)].get(code, code)


def _next_partner_number(partners: pd.DataFrame) -> int:
    numbers = partners["partner_id"].astype(str).str.extract(r"^pt(\d+)$")[0].dropna().astype(int)
    return int(numbers.max()) + 1 if len(numbers) else len(partners) + 1


def _merged_raw(
    tables: DataTables,
    new: dict[int, dict[str, list]],
    by_index: dict[int, Outcome],
    kept: dict[str, np.ndarray] | None = None,
    orders: dict[str, np.ndarray] | None = None,
) -> dict[str, RawTable]:
    """Existing rows (minus those the workbooks replace) plus the workbooks' rows, as text.

    ``kept`` receives, per merged table, which of the existing rows stay
    (a boolean mask over the table as loaded); they come first in the
    merged table, the workbooks' rows after them. ``orders`` receives, per
    merged table, the order of its rows in the file: a new row with the key
    of a replaced row (lab, indicator, period and disaggregation; lab,
    milestone and period; a partner's id) in that row's place, the others
    appended in the workbooks' order.
    """
    out = {}
    for name in ("indicator_values", "milestones", "partners"):
        replaced = {
            (by_index[k].lab_id, by_index[k].period_id)
            for k in new
            if name not in new[k].get("as_stored", ())
        }
        raw = tables.raw[name]
        frame = raw.frame
        lines = np.asarray(raw.lines)
        keep = np.ones(len(frame), dtype=bool)
        if name != "partners" and replaced:
            # only rows of a replaced period can be replaced: the pairs are built for those
            near = frame["period_id"].isin({b for _, b in replaced}).to_numpy()
            if near.any():
                sub = frame[near]
                pair = sub["lab_id"].astype(str) + "\x00" + sub["period_id"].astype(str)
                keep[near] = ~pair.isin({f"{a}\x00{b}" for a, b in replaced}).to_numpy()
                frame, lines = frame[keep], lines[keep]
        if name == "partners":
            gone = {r["partner_id"] for k in new for r in new[k].get("partners_replaced", [])}
            if gone:
                keep = ~frame["partner_id"].astype(str).isin(gone).to_numpy()
                frame, lines = frame[keep], lines[keep]
        if kept is not None:
            kept[name] = keep
        parts = [row for k in new for row in new[k][name]]
        if orders is not None and parts and not keep.all():
            orders[name] = _file_order(name, raw.frame, keep, parts)
        if parts:
            if name == "partners":
                added = {c: [r[c] for r in parts] for c in (*parts[0].keys(),)}
                add_lines = np.asarray(added.pop("_line"), dtype=np.int64)
            else:
                added, add_lines = _columns_of(parts, _ROW_COLUMNS[name])
            text = _stack(frame, added)
            lines = np.concatenate([lines, add_lines])
        else:
            text = frame.reset_index(drop=True)
        out[name] = RawTable(
            name=name,
            path=raw.path,
            frame=text,
            lines=lines,
            header_line=raw.header_line,
            decimal=raw.decimal,
            synthetic=raw.synthetic,
            comments=raw.comments,
            sha256=raw.sha256,
        )
    if any(r["source"] == DELIVERY_SOURCE[0] for n in new.values() for r in n["partners"]):
        out["sources"] = _with_delivery_source(tables)
    return out


_ORDER_KEYS = {
    "indicator_values": ("lab_id", "indicator_id", "period_id", "disaggregation_value"),
    "milestones": ("lab_id", "milestone_id", "period_id"),
    "partners": ("partner_id",),
}


def _file_order(name: str, frame: pd.DataFrame, keep: np.ndarray, parts: list) -> np.ndarray:
    """Return the order of the merged rows (kept ones, then new ones) as they go into the file."""
    cols = _ORDER_KEYS[name]
    gone = np.flatnonzero(~keep)
    old_keys = [
        frame[c].iloc[gone].astype(object).where(frame[c].iloc[gone].notna(), "").astype(str)
        for c in cols
    ]
    place = dict(zip(zip(*old_keys, strict=True), gone.tolist(), strict=True))
    if name == "partners":
        new_keys = [(str(r["partner_id"]),) for r in parts]
    else:
        idx = [_ROW_COLUMNS[name].index(c) for c in cols]
        new_keys = [tuple("" if r[i] is None else str(r[i]) for i in idx) for r in parts]
    n_old = len(frame)
    position = np.concatenate(
        [
            np.flatnonzero(keep).astype(float),
            np.array([place.get(k, n_old + j) for j, k in enumerate(new_keys)], dtype=float),
        ]
    )
    return np.argsort(position, kind="stable")


def _cross_check(
    tables: DataTables,
    typed: dict[str, pd.DataFrame],
    merged_raw: dict[str, RawTable],
    fresh: dict[str, tuple[pd.DataFrame, RawTable]],
) -> list[Problem]:
    """Run the cross-table rules that involve a merged table, on its new rows where it can.

    The rules among untouched tables held when the folder was loaded, and
    the workbooks change none of their inputs. The rules on a merged table
    (references to labs, periods, indicators and sources; a value fitting
    its indicator's measure) look at one row at a time, and the tables they
    refer to only gain rows: for a table in ``fresh`` (validated by its new
    rows alone) they run on those rows, which gives the problems of the
    whole table, the kept rows having none.
    """
    everything = {n: t for n, t in tables.tables.items() if n in _PARENTS} | typed
    everything_raw = {**tables.raw, **merged_raw}
    for name, (frame, raw) in fresh.items():
        everything[name], everything_raw[name] = frame, raw
    return check_cross_table(everything, everything_raw, missing=set())


_NEW_ROWS_ONLY = frozenset({"indicator_values", "milestones"})
"""Merged tables whose new rows alone are validated.

Their unique keys hold lab and period, and the rows of a lab and period a
workbook brings replace the stored ones; their frame checks look at one row
at a time. So the kept rows, valid when the folder was loaded, stay valid,
and every problem of the merged table lies in the new rows, which
:func:`_validate_merged` checks alone (the cross-table rules still see the
whole merged table).
"""


def _validate_merged(
    raw: RawTable,
    tables: DataTables,
    keep: np.ndarray | None,
    fresh: dict[str, tuple[pd.DataFrame, RawTable]] | None = None,
) -> tuple[pd.DataFrame, list[Problem]]:
    """Type and check a merged table as ``validate_table`` does, the kept rows not again.

    Parameters
    ----------
    raw : RawTable
        The merged table as text: the kept rows of the loaded table, then
        the workbooks' rows.
    tables : DataTables
        The folder as loaded (typed and checked).
    keep : numpy.ndarray or None
        Which rows of the loaded table were kept (None: validate all).
    fresh : dict, optional
        Receives, where the new rows alone were validated, their typed
        frame and text (for :func:`_cross_check`).

    Returns
    -------
    frame : pandas.DataFrame
        The typed merged table.
    problems : list of Problem
        What ``validate_table`` finds in the merged table. Where a new row's
        key is also a kept row's key, the whole table is validated (the
        duplicate named as ``validate_table`` names it).
    """
    spec = TABLES[raw.name]
    old = tables.tables.get(raw.name)
    if raw.name not in _NEW_ROWS_ONLY or keep is None or old is None or len(old) != len(keep):
        return validate_table(raw, spec)
    n_old = int(keep.sum())
    if n_old == 0 or n_old == len(raw.frame):
        return validate_table(raw, spec)
    added = RawTable(
        name=raw.name,
        path=raw.path,
        frame=_only_used(raw.frame.iloc[n_old:].reset_index(drop=True)),
        lines=np.asarray(raw.lines)[n_old:],
        header_line=raw.header_line,
        decimal=raw.decimal,
        synthetic=raw.synthetic,
        comments=raw.comments,
        sha256=raw.sha256,
    )
    frame, problems = validate_table(added, spec)
    kept = old if keep.all() else old[keep]
    key = list(spec.model.Config.unique)
    # the kept rows that could share a key with a new row: its period first (few rows of
    # a table of many periods), then its lab among those
    near = kept[kept["period_id"].isin(frame["period_id"].unique()).to_numpy()]
    if len(near):  # (isin turns each lab into a pyarrow scalar first, even for no rows)
        near = near[near["lab_id"].isin(frame["lab_id"].unique()).to_numpy()]
    if len(near) and _keys(near, key) & _keys(frame, key):
        return validate_table(raw, spec)
    if list(frame.columns) != list(kept.columns) or any(
        frame[c].dtype != kept[c].dtype for c in frame.columns
    ):
        return validate_table(raw, spec)
    if fresh is not None:
        fresh[raw.name] = (frame, added)
    return pd.concat([kept, frame], ignore_index=True), problems


def _only_used(frame: pd.DataFrame) -> pd.DataFrame:
    """Drop the categories no row of a text frame uses (the old rows' texts)."""
    return pd.DataFrame(
        {
            c: frame[c].cat.remove_unused_categories()
            if isinstance(frame[c].dtype, pd.CategoricalDtype)
            else frame[c]
            for c in frame.columns
        }
    )


def _keys(frame: pd.DataFrame, key: list[str]) -> set[tuple]:
    """Return the key of every row as a tuple of text (missing: ``""``)."""
    if frame.empty:
        return set()
    cols = [frame[c].astype(object).where(frame[c].notna(), "").astype(str) for c in key]
    return set(zip(*cols, strict=True))


def _columns_of(rows: list[tuple], names: Sequence[str]) -> tuple[dict[str, list], np.ndarray]:
    """Split row tuples (the columns ``names``, then the line) into columns and lines.

    One pass per column (:func:`operator.itemgetter`): ``zip(*rows)`` over
    180,000 rows of a national collect took twice as long.
    """
    width = len(names) + 1
    if set(map(len, rows)) - {width}:
        raise ValueError(f"rows of {width} cells expected")  # never from the workbooks
    columns = {c: list(map(itemgetter(j), rows)) for j, c in enumerate(names)}
    lines = np.fromiter(map(itemgetter(width - 1), rows), dtype=np.int64, count=len(rows))
    return columns, lines


def _stack(frame: pd.DataFrame, added: dict[str, list | tuple]) -> pd.DataFrame:
    """Append text rows to a table of categorical text columns without expanding it to strings.

    Per column the new texts are numbered once (:func:`pandas.factorize`)
    and given the code of the same stored category; texts not among the
    stored categories follow them, sorted. The result is what
    ``union_categoricals([old, pd.Categorical(new)], ignore_order=True)``
    gives (the same categories in the same order, the same codes), without
    inferring a sorted categorical of the new texts first or recoding the
    stored rows' codes twice: at 10,800 workbooks 0.2 s instead of 0.3 s.
    """
    columns = {}
    for col in frame.columns:
        old = frame[col]
        old = (
            old
            if isinstance(old.dtype, pd.CategoricalDtype)
            else old.astype(str).astype("category")
        )
        known = old.cat.categories
        texts = np.empty(len(added[col]), dtype=object)
        texts[:] = added[col]
        codes, uniques = pd.factorize(texts, sort=False)  # a missing text: code -1
        at = known.get_indexer(uniques)
        extra = np.flatnonzero(at < 0)
        if len(extra):
            order = extra[np.argsort(uniques[extra], kind="stable")]
            at[order] = len(known) + np.arange(len(order))
            more = pd.Index(uniques[order], dtype=known.dtype if len(known) else None)
            known = known.append(more) if len(known) else more
        dtype = _code_dtype(len(known))
        new = np.append(at, -1)[codes].astype(dtype)  # code -1 (missing) stays -1
        values = np.concatenate([old.cat.codes.to_numpy().astype(dtype, copy=False), new])
        columns[col] = pd.Categorical.from_codes(
            values, dtype=pd.CategoricalDtype(known), validate=False
        )
    # arrays, not Series: a frame of Series reindexes each one (1.5 ms per column at 2 million rows)
    return pd.DataFrame(columns, copy=False)


def _code_dtype(n: int) -> type[np.signedinteger]:
    """Return the integer type pandas keeps the codes of ``n`` categories in."""
    for dtype in (np.int8, np.int16, np.int32):
        if n < np.iinfo(dtype).max:
            return dtype
    return np.int64


def _with_delivery_source(tables: DataTables) -> RawTable:
    raw = tables.raw["sources"]
    frame = raw.frame
    if DELIVERY_SOURCE[0] in set(frame["source_id"].astype(str)):
        return raw
    row = pd.DataFrame([dict(zip(frame.columns, DELIVERY_SOURCE, strict=True))])
    text = pd.concat([frame.astype(str), row], ignore_index=True).astype("category")
    lines = np.concatenate([np.asarray(raw.lines), [int(np.max(raw.lines, initial=0)) + 1]])
    return RawTable(
        name="sources",
        path=raw.path,
        frame=text,
        lines=lines,
        header_line=raw.header_line,
        decimal=raw.decimal,
        synthetic=raw.synthetic,
        comments=raw.comments,
        sha256=raw.sha256,
    )


_VALUE_FIX = {
    "fix_de": "Bitte den Wert so ändern, dass er die Regel erfüllt.",
    "fix_en": "Please change the value so that it meets the rule.",
}
_EMPTY_FIX = {  # there is no value to change
    "fix_de": "Bitte die leere Zelle ausfüllen.",
    "fix_en": "Please fill in the empty cell.",
}


def _attribute(problems: list[Problem], by_index: dict[int, Outcome], active: set[int]) -> set[int]:
    """Turn problems in the workbooks' rows into findings; return the workbooks to refuse."""
    refused: set[int] = set()
    foreign: list[Problem] = []
    for p in problems:
        if p.severity != "error":
            continue
        if p.line is None or p.line < LINE_BLOCK:
            foreign.append(p)
            continue
        k, row = divmod(p.line, LINE_BLOCK)
        k -= 1
        if k not in active:
            continue
        o = by_index[k]
        sheet, cell = _locate(p, row)
        o.findings.append(
            finding(
                o.file,
                "validation",
                sheet=sheet,
                cell=cell,
                value=p.value,
                message_de=p.message("de"),
                message_en=p.message("en"),
                **(_VALUE_FIX if p.value else _EMPTY_FIX),
            )
        )
        refused.add(k)
    if foreign and not refused:
        raise CollectError(
            "Zusammenführen ergibt Fehler außerhalb der Arbeitsmappen / merging gives errors "
            "outside the workbooks",
            foreign,
        )
    return refused


def _locate(p: Problem, row: int) -> tuple[str, str]:
    table = Path(p.file).stem
    sheet = _SHEET_OF.get(table, SHEET_VALUES)
    key = _COLUMN_OF.get(table, {}).get(p.column or "")
    columns = [c.key for c in COLUMNS[sheet]]
    col = columns.index(key) if key in columns else 0
    return sheet, f"{column_letter(col)}{row}"


def _pairs(frame: pd.DataFrame) -> set[tuple[str, str]]:
    """Return the distinct (lab, period) pairs of a table, by their codes."""
    lab, period = frame["lab_id"], frame["period_id"]
    if lab.hasnans or period.hasnans:  # never in a checked table; as text like the rest
        pairs = frame[["lab_id", "period_id"]].drop_duplicates().astype(str)
        return set(zip(pairs["lab_id"].tolist(), pairs["period_id"].tolist(), strict=True))
    lab_codes, labs = pd.factorize(lab)
    period_codes, periods = pd.factorize(period)
    combined = lab_codes.astype(np.int64)
    combined *= len(periods)
    combined += period_codes
    if len(labs) * len(periods) <= 4 * len(combined) + 1024:  # marked, not sorted
        present = np.zeros(len(labs) * len(periods), dtype=bool)
        present[combined] = True
        both = np.flatnonzero(present)
    else:
        both = np.unique(combined)
    labs = np.asarray(labs.astype(str), dtype=object)
    periods = np.asarray(periods.astype(str), dtype=object)
    return set(
        zip(labs[both // len(periods)].tolist(), periods[both % len(periods)].tolist(), strict=True)
    )


def _diff(
    o: Outcome, tables: DataTables, typed: dict[str, pd.DataFrame], received: pd.Timestamp
) -> pd.DataFrame:
    """Values of the lab and period that the workbook changes (old ones are kept here)."""
    rows = []
    specs = {
        "indicator_values": (("indicator_id", "disaggregation_value"), ("value", "status")),
        "milestones": (("milestone_id",), ("completion", "achieved_date")),
    }
    for table, (key, cols) in specs.items():
        old = tables.tables[table]
        old = old[
            (old["lab_id"].astype(str) == o.lab_id) & (old["period_id"].astype(str) == o.period_id)
        ]
        if old.empty:
            continue
        new = typed[table]
        new = new[
            (new["lab_id"].astype(str) == o.lab_id) & (new["period_id"].astype(str) == o.period_id)
        ]

        def index(frame: pd.DataFrame, key: tuple[str, ...] = key) -> dict[str, pd.Series]:
            out = {}
            for _, r in frame.iterrows():
                out["|".join(_text(r[c]) for c in key)] = r
            return out

        before, after = index(old), index(new)
        for rk in sorted(set(before) | set(after)):
            for col in cols:
                a = _text(before[rk][col]) if rk in before else ""
                b = _text(after[rk][col]) if rk in after else ""
                if a != b:
                    rows.append(
                        {
                            "lab_id": o.lab_id,
                            "period_id": o.period_id,
                            "table": table,
                            "row_key": rk,
                            "column": col,
                            "old_value": a or None,
                            "new_value": b or None,
                            "revised": received,
                            "sha256": o.sha256,
                        }
                    )
    return pd.DataFrame(rows, columns=list(TABLES["revisions"].model.to_schema().columns))


def _register(outcomes: list[Outcome], tables: DataTables, received: pd.Timestamp) -> pd.DataFrame:
    """Return the register: stored rows and one row per recognised workbook of this run.

    One row per lab, period, file hash and outcome: bytes registered before
    with the same outcome are not registered again; bytes refused before
    and accepted now (say, after the lab was added to ``labs.csv``) get a
    row of their own beside the refusal. A workbook that changes nothing
    (``unchanged``) is registered as accepted.
    """
    cols = list(TABLES["submissions"].model.to_schema().columns)
    rows = [
        {
            "lab_id": o.lab_id,
            "period_id": o.period_id,
            "received": received,
            "workbook": o.file,
            "sha256": o.sha256,
            "template_version": o.template_version or "?",
            "outcome": "accepted" if o.outcome == "unchanged" else o.outcome,
            "problems": sum(f.severity != "info" for f in o.findings),
        }
        for o in outcomes
        if o.lab_id is not None and o.outcome != "skipped"
    ]
    new = pd.DataFrame(rows, columns=cols)
    old = tables.tables.get("submissions")
    if old is not None and not old.empty:
        key = ["lab_id", "period_id", "sha256", "outcome"]
        old_index = old[key].astype(object).set_index(key).index
        new = new[~new[key].astype(object).set_index(key).index.isin(old_index)]
        new = appended(old[cols], new)
    return with_unassigned(new, outcomes, received)


def _revisions(
    outcomes: list[Outcome], tables: DataTables, received: pd.Timestamp
) -> pd.DataFrame | None:
    parts = [o.revisions for o in outcomes if o.revisions is not None and len(o.revisions)]
    columns = list(TABLES["revisions"].model.to_schema().columns)
    for o in outcomes:
        if o.merged and o.partner_revisions:
            rows = [
                {
                    "lab_id": o.lab_id,
                    "period_id": o.period_id,
                    "table": "partners",
                    **r,
                    "revised": received,
                    "sha256": o.sha256,
                }
                for r in o.partner_revisions
            ]
            parts.append(pd.DataFrame(rows, columns=columns))
    old = tables.tables.get("revisions")
    if not parts:
        return None
    new = pd.concat(parts, ignore_index=True)
    if old is not None and not old.empty:
        return pd.concat([old[new.columns].astype(object), new.astype(object)], ignore_index=True)
    return new


def _as_text_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Return the cells as ``write_tables`` takes them: dates as ``YYYY-MM-DD``, missing None.

    A date column's distinct days are formatted once (the register's
    ``received`` is one day for every row of a run).
    """
    out = frame.copy()
    for col in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[col]):
            codes, days = pd.factorize(out[col])
            texts = [f"{v:%Y-%m-%d}" for v in days]
            out[col] = [None if c < 0 else texts[c] for c in codes.tolist()]
        else:
            cells = out[col].astype(object).where(out[col].notna(), None)
            if isinstance(out[col].dtype, pd.StringDtype) or pd.api.types.is_numeric_dtype(
                out[col]
            ):  # no Timestamp among its cells
                out[col] = cells.tolist()
            else:
                out[col] = [f"{v:%Y-%m-%d}" if isinstance(v, pd.Timestamp) else v for v in cells]
    return out


_DEFAULT_COMMENTS = {
    "submissions": "Datenlieferungen der Labore (ogl-impact collect)",
    "revisions": "Korrigierte Werte: alter und neuer Wert je Korrektur (ogl-impact collect)",
}


def _write(
    frames: dict[str, pd.DataFrame],
    tables: DataTables,
    staging: Path,
    texts: dict[str, pd.DataFrame] | None = None,
    notes: tuple[pd.DataFrame, pd.DataFrame] | None = None,
    lines: dict[str, np.ndarray] | None = None,
    stored: Callable[[str], StoredLines | None] | None = None,
) -> list[Path]:
    """Write the changed tables into the staging folder of the data folder.

    ``texts`` holds the merged tables as text (categorical columns): where a
    written table has one, its file is made by :func:`table_text` (the same
    bytes, each distinct cell formatted once). ``notes`` (stored and new
    remarks, :func:`~ogl_impact.delivery.notes.accepted_notes`) go into the
    same step. A file whose bytes would not change is not staged (and not
    listed); ``sources.csv`` only gains its new line, the stored lines keep
    their bytes, and so does a merged table that only gains rows
    (:func:`_only_grown`, :func:`~ogl_impact.delivery.csvout.write_grown`).
    ``lines`` (the merged tables' line numbers, a stored row's
    line in the loaded file) lets :func:`~ogl_impact.delivery.csvout.write_table` copy the stored
    lines of the rows kept (the same bytes again); ``stored`` gives a stored
    table as read beforehand (:class:`_StoredFiles`), or None.

    Returns
    -------
    list of Path
        The files that change (in their final place).
    """
    written: list[Path] = []
    for name, frame in frames.items():
        if frame is None:
            continue
        raw = tables.raw.get(name)
        if texts and name in texts:  # typed by validate_table from these very texts
            checked = frame
        elif name in _APPENDED and raw is not None and len(frame) >= len(raw.frame):
            checked = _validated_tail(name, frame, len(raw.frame))
        else:  # never write a broken register
            checked = TABLES[name].model.validate(frame.copy())
        comment = (  # every leading comment line stays (a note typed in by hand too)
            "\n# ".join(raw.comments)
            if raw is not None and raw.comments
            else _DEFAULT_COMMENTS.get(name, name)
        )
        sep = ";" if raw is None or raw.decimal == "," else ","
        stem = tables.files[name].stem if name in tables.files else name
        if name in tables.files and tables.files[name].suffix.lower() != ".csv":
            raise CollectError(
                f"{tables.files[name].name}: eine Tabelle im Excel-Format wird nicht "
                "überschrieben; bitte als CSV speichern / an Excel table is not overwritten"
            )
        del stem
        ordered = checked[list(frame.columns)]
        text = texts.get(name) if texts else None
        prepared = stored(name) if stored is not None and name in _REUSE else None
        if name in _APPENDED and raw is not None:  # stored rows first, as they are
            appended = write_appended(
                staging / f"{name}.csv",
                ordered,
                raw.path,
                raw.sha256,
                len(raw.frame),
                raw.header_line,
                comment,
                sep,
                _as_text_frame,
            )
        elif name in _REUSE and raw is not None and lines is not None and name in lines:
            grown = _only_grown(lines[name], raw)  # a period's first delivery: rows only added
            appended = grown is not None and write_grown(
                staging / f"{name}.csv",
                ordered,
                text,
                grown,
                raw.path,
                raw.sha256,
                raw.header_line,
                comment,
                sep,
                _as_text_frame,
                prepared,
            )
        else:
            appended = False
        if appended:
            pass
        elif not _reused(name, ordered, text, lines, raw, staging, comment, sep, prepared):
            if text is None or not write_rows(
                staging / f"{name}.csv", ordered, text, comment, sep, _as_text_frame
            ):
                write_tables({name: _as_text_frame(ordered)}, staging, comment, sep=sep)
        if name == "sources" and raw is not None:
            _append_only(staging / f"{name}.csv", tables.files[name], len(ordered) - len(raw.frame))
        if _same_bytes(staging / f"{name}.csv", raw):
            (staging / f"{name}.csv").unlink()
            continue
        written.append(tables.folder / f"{name}.csv")
    if notes is not None and write_notes(*notes, staging) is not None:
        if _sha(staging / NOTES_FILE) == _sha(tables.folder / NOTES_FILE):
            (staging / NOTES_FILE).unlink()
        else:
            written.append(tables.folder / NOTES_FILE)
    return written


_MAY_WRITE = frozenset(
    {"indicator_values", "milestones", "partners", "sources", "submissions", "revisions"}
)
"""Tables a run may rewrite: their cache entries wait for the end (:func:`collect`)."""
_APPENDED = frozenset({"submissions"})
"""Tables a run only extends: the stored rows first, unchanged (:func:`_register`)."""


def _validated_tail(name: str, frame: pd.DataFrame, stored: int) -> pd.DataFrame:
    """Validate the rows a run adds to a table it only extends (never write a broken register).

    The stored rows were validated when the folder was loaded; the new
    ones are validated here, and the table's unique key over all rows.
    Raises what :meth:`pandera.DataFrameModel.validate` raises.
    """
    model = TABLES[name].model
    tail = model.validate(frame.iloc[stored:].copy())
    key = list(model.to_schema().unique or [])
    if key and frame[key].duplicated().any():
        model.validate(frame.copy())  # raises, naming the rows as it always did
    return pd.concat([frame.iloc[:stored], tail])


_REUSE = frozenset({"indicator_values", "milestones", "partners"})
"""Merged tables whose new rows have line numbers from :data:`LINE_BLOCK` on."""


def _only_grown(merged_lines: np.ndarray, raw: RawTable) -> int | None:
    """Return the stored rows where a merged table is the stored rows, in order, then new ones.

    The merged rows' line numbers say it (:func:`_merged_raw`): a kept row
    names its stored line, a workbook's row a number from
    :data:`LINE_BLOCK` on. None where a stored row was replaced, dropped or
    moved, or no row is new.
    """
    stored = np.asarray(raw.lines, dtype=np.int64)
    n = len(stored)
    merged_lines = np.asarray(merged_lines, dtype=np.int64)
    if len(merged_lines) <= n or n + raw.header_line >= LINE_BLOCK:
        return None
    if not np.array_equal(merged_lines[:n], stored) or (merged_lines[n:] < LINE_BLOCK).any():
        return None
    return n


def _reused(
    name: str,
    ordered: pd.DataFrame,
    text: pd.DataFrame | None,
    lines: dict[str, np.ndarray] | None,
    raw: RawTable | None,
    staging: Path,
    comment: str,
    sep: str,
    prepared: StoredLines | None = None,
) -> bool:
    """Write a merged table, its kept rows' stored lines copied where proven (False: not done)."""
    if text is None or lines is None or name not in lines or name not in _REUSE or raw is None:
        return False
    if raw.path.suffix.lower() != ".csv" or len(raw.lines) + raw.header_line >= LINE_BLOCK:
        return False
    return write_table(
        staging / f"{name}.csv",
        ordered,
        text,
        lines[name],
        raw.path,
        raw.sha256,
        np.asarray(raw.lines),
        comment,
        sep,
        _as_text_frame,
        prepared,
    )


class _StoredFiles:
    """The stored tables collect may rewrite, read in a thread while the workbooks are checked.

    Reading a table for :func:`~ogl_impact.delivery.csvout.write_table`
    (its bytes, their sha256, the UTF-8 check) needs nothing from the
    workbooks; the parent's main thread only waits for the pool meanwhile.
    :meth:`start` is called once the pool's workers are forked (no thread
    runs while the parent forks); :meth:`get` waits for the thread. Where
    its lines end is looked for only once a workbook of a stored period
    comes (:meth:`want_lines`: its rows replace stored ones, so the table is
    written line by line); a period's first delivery only appends and never
    needs them. Where a file was not read (no pool run, an error), the
    write reads it itself: the bytes written are the same either way.
    """

    def __init__(self, tables: DataTables):
        self._jobs = {
            name: (raw.path, raw.sha256)
            for name, raw in tables.raw.items()
            if name in _REUSE and raw.path.suffix.lower() == ".csv"
        }
        self._done: dict[str, StoredLines | None] = {}
        self._thread: threading.Thread | None = None
        self._lines: threading.Thread | None = None

    def start(self) -> None:
        """Start reading (once)."""
        if self._thread is None and self._jobs:
            self._thread = threading.Thread(target=self._read, name="collect-stored", daemon=True)
            self._thread.start()

    def want_lines(self) -> None:
        """Find where the stored tables' lines end, beside the pool (once; after :meth:`start`)."""
        if self._thread is not None and self._lines is None:
            self._lines = threading.Thread(
                target=self._find_lines, name="collect-lines", daemon=True
            )
            self._lines.start()

    def _read(self) -> None:
        for name, (path, sha) in self._jobs.items():
            try:
                self._done[name] = read_stored(path, sha)
            except Exception:  # MemoryError, say: the write reads it again
                self._done[name] = None

    def _find_lines(self) -> None:
        assert self._thread is not None
        self._thread.join()
        for stored in self._done.values():
            if stored is not None:
                with contextlib.suppress(Exception):  # found again where used
                    stored.starts  # noqa: B018  (computed and kept on first use)

    def get(self, name: str) -> StoredLines | None:
        """Return a stored table as read (None: not read; the write reads it)."""
        if self._thread is None:
            return None
        self._thread.join()
        if self._lines is not None:
            self._lines.join()
        return self._done.get(name)


def _same_bytes(staged: Path, raw: RawTable | None) -> bool:
    """Whether a staged table has the very bytes of the table as loaded.

    Files of different sizes are not hashed (a grown table of 80 MB took
    0.05 s). The size compared is the stored file's now: where it changed
    since the load, the run is refused before its commit anyway
    (:func:`_unchanged_since_load`).
    """
    if raw is None:
        return False
    with contextlib.suppress(OSError):
        if staged.stat().st_size != raw.path.stat().st_size:
            return False
    return _sha(staged) == raw.sha256


def _append_only(staged: Path, stored: Path, added: int) -> None:
    """Keep a stored table's bytes and add only the staged file's last ``added`` lines.

    Used for ``sources.csv``, which a delivery only extends by one line
    (:data:`DELIVERY_SOURCE`, no line break in it): rewriting the file would
    change the quoting of rows nobody touched.
    """
    if added <= 0:
        return
    new = staged.read_bytes().splitlines(keepends=True)[-added:]
    old = stored.read_bytes()
    if old and not old.endswith(b"\n"):
        old += b"\r\n" if b"\r\n" in old else b"\n"
    staged.write_bytes(old + b"".join(new))


__all__ = [
    "CollectError",
    "CollectResult",
    "DataChanged",
    "NotAPeriod",
    "Outcome",
    "ReceivedTooEarly",
    "collect",
    "find_workbooks",
]
