"""Read the tables of a data folder that the delivery loop needs, with the rules of ``validate``.

Only the tables the workbooks touch and the ones they refer to are read
(not the survey answers), each with :func:`ogl_impact.validate.validate_table`
and together with :func:`ogl_impact.schemas.crosscheck.check_cross_table`,
and with the rule that a day something happened lies no later than today
(:func:`ogl_impact.validate.future_dates`, as ``validate`` applies it): a
table read here passes only where ``validate`` passes it. With
``cache=True`` (``collect``) what the checks of the bytes give is kept in the
user's cache directory (:mod:`~ogl_impact.delivery.cache`, keyed by each
file's sha256 and the checking code) and taken from there while the bytes
are the same: a warm load reads nothing but the files' hashes and the
entries. The rule of today's date is applied after the cache, on every
load: a cached result never depends on the day it was made.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import NamedTuple

import pandas as pd

import ogl_impact.delivery.cache as table_cache
from ogl_impact.io import RawTable, TableReadError, read_table
from ogl_impact.problems import Problem, make_problem, sort_problems
from ogl_impact.schemas import TABLES
from ogl_impact.schemas.crosscheck import check_cross_table
from ogl_impact.validate import find_tables, future_dates, validate_table

NEEDED = (
    "sources",
    "labs",
    "partners",
    "periods",
    "nodes",
    "indicators",
    "indicator_values",
    "milestones",
)
"""Tables every template and collect run reads (they must exist)."""
REGISTER = ("submissions", "revisions")
"""Tables collect writes; read when they exist."""


@dataclass
class DataTables:
    """Typed and raw tables of a data folder, and what was wrong with them.

    Attributes
    ----------
    folder : Path
        The data folder.
    tables : dict of str to DataFrame
        Typed tables.
    raw : dict of str to RawTable
        The same as read (file, dialect, comment lines).
    files : dict of str to Path
        The file of each table that exists.
    problems : list of Problem
        Errors and warnings found.
    """

    folder: Path
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    raw: dict[str, RawTable] = field(default_factory=dict)
    files: dict[str, Path] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        """Problems of severity ``error``."""
        return [p for p in self.problems if p.severity == "error"]


def load_tables(
    folder: str | Path,
    names: tuple[str, ...] = NEEDED + REGISTER,
    *,
    cache: bool = False,
    today: date | None = None,
    pending: list[Pending] | None = None,
) -> DataTables:
    """Read and check the delivery tables of a data folder.

    Parameters
    ----------
    folder : str or Path
        The data folder (``data/raw`` or a copy).
    names : tuple of str
        Tables to read; those in :data:`NEEDED` must exist.
    cache : bool, default False
        Take the checked tables from the cache where the files' bytes are
        those of an entry, and store what is checked anew
        (:mod:`~ogl_impact.delivery.cache`). The result is the same.
    today : datetime.date, optional
        The day the load is made on (default: today): a day after it in a
        column of :data:`ogl_impact.validate.HAPPENED` is an error, as in
        :func:`ogl_impact.validate.validate_folder`. Never part of a cached
        entry.
    pending : list of Pending, optional
        With ``cache=True``: the entries checked anew are appended here
        instead of being stored at once; the caller stores those still
        worth keeping with :func:`store_pending` (``collect`` leaves out
        the tables it rewrites: an entry for bytes the run replaces is
        never read again).

    Returns
    -------
    DataTables
        Never raises for bad data; everything wrong is in ``problems``.
    """
    folder = Path(folder)
    out = DataTables(folder=folder)
    if not folder.is_dir():
        out.problems.append(make_problem(str(folder), "folder_missing"))
        return out
    files, _ = find_tables(folder)
    today = today or date.today()
    for name in names:
        if name not in files:
            if name in NEEDED:
                out.problems.append(make_problem(str(folder), "table_missing", table=name))
            continue
        out.files[name] = files[name]
        hit = _cached(folder, files[name], name) if cache else None
        if hit is not None:
            raw, frame, problems = hit
        else:
            try:
                raw = read_table(files[name], name)
            except TableReadError as exc:
                out.problems.append(exc.problem)
                continue
            frame, problems = validate_table(raw, TABLES[name])
            if cache:
                entry = table_cache.key("table", files[name], name, raw.sha256, str(files[name]))
                _keep(folder, Pending((name,), entry, (raw, frame, problems)), pending)
        out.raw[name], out.tables[name] = raw, frame
        out.problems.extend(problems)
        out.problems.extend(future_dates(raw, frame, name, today))  # after the cache: dated
    missing = set(TABLES) - set(out.tables)
    out.problems.extend(_cross(out, missing & set(NEEDED), cache, pending))
    out.problems = sort_problems(out.problems)
    return out


def _cached(
    folder: Path, path: Path, name: str
) -> tuple[RawTable, pd.DataFrame, list[Problem]] | None:
    """Return a table's cached read and check while its bytes are those of the entry."""
    sha = table_cache.file_sha256(path)
    if sha is None:
        return None
    # the path as given is part of the key: messages name the file as the run was told
    hit = table_cache.load(folder, table_cache.key("table", path, name, sha, str(path)))
    if not isinstance(hit, tuple) or len(hit) != 3 or not isinstance(hit[0], RawTable):
        return None
    if hit[0].sha256 != sha or hit[0].name != name or hit[0].path != path:
        return None
    return hit


def _cross(
    out: DataTables, missing: set[str], cache: bool, pending: list[Pending] | None
) -> list[Problem]:
    """Run the cross-table rules on the loaded tables (from the cache for the same bytes)."""
    if not cache:
        return check_cross_table(out.tables, out.raw, missing=missing)
    parts = [f"{n}:{out.files[n].name}:{raw.sha256}" for n, raw in sorted(out.raw.items())]
    entry = table_cache.key(
        "cross", out.folder, *parts, str(out.folder), "missing:" + ",".join(sorted(missing))
    )
    hit = table_cache.load(out.folder, entry)
    if isinstance(hit, list):
        return hit

    def memo(rule: str, inputs: tuple[str, ...], compute: Callable[[], list[Problem]]):
        """Return a rule's problems, from the cache where its tables have an entry's bytes."""
        names = tuple(sorted(inputs))
        parts = [f"{n}:{out.files[n].name}:{out.raw[n].sha256}" for n in names]
        # one place per rule: the cache keeps the latest entries of each (cache.KEEP)
        place = out.folder / f".cross-{hashlib.sha256(rule.encode()).hexdigest()[:16]}"
        key = table_cache.key("rule", place, rule, *parts, str(out.folder))
        kept = table_cache.load(out.folder, key)
        if isinstance(kept, list):
            return kept
        found = compute()
        _keep(out.folder, Pending(names, key, found), pending)
        return found

    problems = check_cross_table(out.tables, out.raw, missing=missing, memo=memo)
    _keep(out.folder, Pending(tuple(sorted(out.raw)), entry, problems), pending)
    return problems


class Pending(NamedTuple):
    """A cache entry checked anew and not yet stored (see ``pending`` of :func:`load_tables`).

    Attributes
    ----------
    tables : tuple of str
        The tables whose bytes the entry stands for.
    key : str
        The entry's key (:func:`ogl_impact.delivery.cache.key`).
    value : object
        What is stored.
    """

    tables: tuple[str, ...]
    key: str
    value: object


def _keep(folder: Path, entry: Pending, pending: list[Pending] | None) -> None:
    if pending is None:
        table_cache.store(folder, entry.key, entry.value)
    else:
        pending.append(entry)


def store_pending(
    folder: str | Path,
    pending: list[Pending],
    replaced: set[str] | frozenset[str],
    wait: set[str] | frozenset[str] = frozenset(),
) -> None:
    """Store the entries a load left pending, but none that stands for a replaced table.

    Parameters
    ----------
    folder : str or Path
        The data folder (as given to :func:`load_tables`).
    pending : list of Pending
        From ``load_tables(..., cache=True, pending=pending)``; what is
        stored or dropped is taken out of it.
    replaced : set of str
        Tables whose files were rewritten since the load: an entry keyed by
        their old bytes would never be read again (dropped).
    wait : set of str
        Tables that may still be rewritten: an entry that stands for one of
        them stays in ``pending``.
    """
    later = []
    for entry in pending:
        if not wait.isdisjoint(entry.tables):
            later.append(entry)
        elif replaced.isdisjoint(entry.tables):
            table_cache.store(Path(folder), entry.key, entry.value)
    pending[:] = later


__all__ = ["NEEDED", "REGISTER", "DataTables", "Pending", "load_tables", "store_pending"]
