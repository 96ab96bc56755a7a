"""The layout of a lab's workbook, shared by the template writer and the reader.

Sheet names, columns (which are locked, which the lab fills), the hidden
metadata sheet and the layout hash live here, so that what
:mod:`~ogl_impact.delivery.template` writes and what
:mod:`~ogl_impact.delivery.read` expects can never drift apart.

The *layout* of a lab's workbook for a period is derived from the data
folder without the period's own rows: the lab's indicators with every
disaggregation value seen in other periods, and the lab's milestones. So
the template written before the period was collected and the layout
checked when a revision of it arrives are the same.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache

import numpy as np
import pandas as pd

from ogl_impact import vocab
from ogl_impact.schemas.fields import ISO_3166_2_PATTERN

TEMPLATE_VERSION = "1"
"""Version of the workbook layout; bumped whenever columns or sheets change."""

SHEET_GUIDE = "Anleitung"
SHEET_VALUES = "Indikatorwerte"
SHEET_MILESTONES = "Meilensteine"
SHEET_PARTNERS = "Partner"
SHEET_META = "ogl_meta"
"""Hidden sheet with lab, period, template version and layout hash."""

DATA_SHEETS = (SHEET_VALUES, SHEET_MILESTONES, SHEET_PARTNERS)
HEADER_ROW = 1
"""Sheet row of the column headers; data begin in the row below."""
PARTNER_ROWS = 50
"""Open rows for new partners."""

META_KEYS = ("ogl_impact", "lab_id", "period_id", "template_version", "layout_hash")


@dataclass(frozen=True)
class Column:
    """One column of a data sheet.

    Attributes
    ----------
    key : str
        Internal name.
    header : str
        German header in the sheet.
    locked : bool
        Whether the lab may not change it.
    kind : {"text", "number", "date", "list"}
        What the cell holds.
    width : float
        Column width in characters.
    help_de : str
        German explanation (sheet "Anleitung" and input message).
    """

    key: str
    header: str
    locked: bool
    kind: str
    width: float
    help_de: str


VALUE_COLUMNS = (
    Column("indicator_id", "Indikator-ID", True, "text", 12, "Kennung des Indikators."),
    Column("name", "Indikator", True, "text", 44, "Bezeichnung des Indikators."),
    Column("level", "Ebene", True, "text", 11, "Ebene im Wirkungsmodell (Input bis Impact)."),
    Column("measure", "Maß", True, "text", 10, "Art des Werts: Anzahl, Prozent, Einheit ..."),
    Column("baseline", "Ausgangswert", True, "number", 13, "Wert zu Beginn des Labors."),
    Column("target", "Zielwert", True, "number", 10, "Wert, der erreicht werden soll."),
    Column(
        "disaggregation",
        "Aufschlüsselung",
        True,
        "text",
        16,
        "Gruppe, für die der Wert gilt; leer für den Gesamtwert.",
    ),
    Column("previous", "Wert Vorperiode", True, "number", 15, "Ihr Wert im letzten Zeitraum."),
    Column(
        "value",
        "Wert",
        False,
        "number",
        11,
        "Ihr Wert für diesen Zeitraum, als Zahl (z. B. 12,5). Leer lassen, wenn nicht erhoben.",
    ),
    Column(
        "status",
        "Status",
        False,
        "list",
        11,
        "gemessen oder geschätzt (Auswahlliste). Pflicht, wenn ein Wert eingetragen ist.",
    ),
    Column("note", "Anmerkung", False, "text", 30, "Freiwillig: Hinweise zum Wert."),
)
MILESTONE_COLUMNS = (
    Column("milestone_id", "Meilenstein-ID", True, "text", 15, "Kennung des Meilensteins."),
    Column("name", "Meilenstein", True, "text", 44, "Bezeichnung des Meilensteins."),
    Column("planned_date", "Geplant am", True, "date", 12, "Geplantes Datum."),
    Column("previous", "Stand Vorperiode", True, "text", 18, "Ihr Stand im letzten Zeitraum."),
    Column(
        "completion",
        "Umsetzungsstand",
        False,
        "list",
        22,
        "Stand nach der OGP-IRM-Skala (Auswahlliste).",
    ),
    Column(
        "achieved_date",
        "Erreicht am",
        False,
        "date",
        12,
        "Datum, an dem der Meilenstein erreicht wurde (TT.MM.JJJJ); Pflicht bei "
        "„Abgeschlossen“, sonst leer.",
    ),
)
PARTNER_COLUMNS = (
    Column("name", "Name", False, "text", 40, "Name des neuen Partners."),
    Column("kind", "Art", False, "list", 34, "Art des Partners (Auswahlliste)."),
    Column(
        "land",
        "Land",
        False,
        "list",
        9,
        "Bundesland als ISO-Code, z. B. DE-NW (Auswahlliste); ein Partner im Ausland mit dem "
        "ISO-3166-2-Code seiner Region, z. B. FR-GES.",
    ),
)
COLUMNS: dict[str, tuple[Column, ...]] = {
    SHEET_VALUES: VALUE_COLUMNS,
    SHEET_MILESTONES: MILESTONE_COLUMNS,
    SHEET_PARTNERS: PARTNER_COLUMNS,
}

LANDS = tuple(f"DE-{c}" for c in ("BB BE BW BY HB HE HH MV NI NW RP SH SL SN ST TH".split()))
"""ISO 3166-2 codes of the 16 Länder (dropdown of the partner sheet)."""

STATUS_LABELS = {code: de for code, (de, _en) in vocab.VALUE_STATUS.items()}
COMPLETION_LABELS = {code: de for code, (de, _en) in vocab.IRM_COMPLETION.items()}
KIND_LABELS = {code: de for code, (de, _en) in vocab.PARTNER_KINDS.items()}
LISTS: dict[tuple[str, str], dict[str, str]] = {
    (SHEET_VALUES, "status"): STATUS_LABELS,
    (SHEET_MILESTONES, "completion"): COMPLETION_LABELS,
    (SHEET_PARTNERS, "kind"): KIND_LABELS,
    (SHEET_PARTNERS, "land"): {c: c for c in LANDS},
}
"""Dropdown lists: code -> German label, per (sheet, column key)."""
OTHER_CODES: dict[tuple[str, str], tuple[str, str, str]] = {
    (SHEET_PARTNERS, "land"): (
        ISO_3166_2_PATTERN,
        "ein anderer ISO-3166-2-Code, z. B. FR-GES",
        "another ISO 3166-2 code, e.g. FR-GES",
    ),
}
"""Dropdown lists that also take a code typed in: (pattern, German, English), per (sheet, key).

The Länder are offered; a partner abroad (Kehl's lab works with Strasbourg) is entered
with the code of its region, as ``partners.csv`` allows any ISO 3166-2 code."""
WITHDRAW = "withdraw"
"""Status code of a row whose stored value the lab withdraws (never stored in a table)."""
WITHDRAW_LABEL = "Wert zurückziehen"
"""Entry of the Status dropdown, offered where the period holds stored values: the only way
to remove a stored value from a workbook (an empty cell keeps it); kept in ``revisions.csv``."""


def column_letter(index: int) -> str:
    """Return the spreadsheet letter of a 0-based column index.

    Examples
    --------
    >>> column_letter(0), column_letter(8), column_letter(27)
    ('A', 'I', 'AB')
    """
    letters = _LETTERS.get(index)
    if letters is not None:
        return letters
    letters, n = "", index + 1
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(65 + rest) + letters
    if 0 <= index < 16384:  # the columns a sheet can have: asked for again and again
        _LETTERS[index] = letters
    return letters


_LETTERS: dict[int, str] = {}


def cell_name(sheet: str, row: int, col: int) -> str:
    """Return ``Sheet!A1`` for a 1-based row and a 0-based column.

    Examples
    --------
    >>> cell_name("Indikatorwerte", 7, 8)
    'Indikatorwerte!I7'
    """
    return f"{sheet}!{column_letter(col)}{row}"


@dataclass(frozen=True)
class Layout:
    """What a lab's workbook for a period holds before the lab fills it.

    The rows are plain tuples (one layout per returned workbook must cost
    little); :attr:`values` and :attr:`milestones` give them as frames for
    the template writer.

    Attributes
    ----------
    lab_id, period_id : str
        Whose workbook, for which period.
    value_rows : tuple of tuple
        One tuple per indicator and disaggregation value, in the order of
        the locked :data:`VALUE_COLUMNS` (codes, not labels).
    milestone_rows : tuple of tuple
        One tuple per milestone, in the order of the locked :data:`MILESTONE_COLUMNS`.
    period_label : str
        German name of the period.
    period_end : pandas.Timestamp
        Last day of the period.
    previous_period : str
        The latest earlier period with values ("" when there is none).
    scales : tuple of tuple
        ``(indicator_id, scale_min, scale_max)`` of the indicators with a
        scale (ordinal ones): their value cells take whole numbers on it.
    """

    lab_id: str
    period_id: str
    value_rows: tuple[tuple, ...]
    milestone_rows: tuple[tuple, ...]
    period_label: str
    period_end: pd.Timestamp
    previous_period: str = ""
    scales: tuple[tuple[str, float, float], ...] = ()

    @cached_property
    def scale_of(self) -> dict[str, tuple[float, float]]:
        """The scale (lowest, highest value) of each indicator that has one."""
        return {iid: (low, high) for iid, low, high in self.scales}

    @cached_property
    def values(self) -> pd.DataFrame:
        """The value rows as a frame, columns as the locked :data:`VALUE_COLUMNS`."""
        return pd.DataFrame(
            [dict(zip(_VALUE_KEYS, r, strict=True)) for r in self.value_rows], columns=_VALUE_KEYS
        )

    @cached_property
    def milestones(self) -> pd.DataFrame:
        """The milestone rows as a frame, columns as the locked :data:`MILESTONE_COLUMNS`."""
        return pd.DataFrame(
            [dict(zip(_MILESTONE_KEYS, r, strict=True)) for r in self.milestone_rows],
            columns=_MILESTONE_KEYS,
        )

    @cached_property
    def value_keys(self) -> list[tuple[str, str]]:
        """(indicator_id, disaggregation value or "") of every row, in order."""
        return [(r[0], r[6]) for r in self.value_rows]

    @cached_property
    def previous(self) -> dict[tuple[str, str], float | None]:
        """Last period's value of every row, by (indicator_id, disaggregation value)."""
        return {(r[0], r[6]): r[7] for r in self.value_rows}

    @cached_property
    def milestone_keys(self) -> list[str]:
        """Milestone ids in order."""
        return [r[0] for r in self.milestone_rows]

    @cached_property
    def hash(self) -> str:
        """SHA-256 over lab, period, template version and the locked row keys."""
        return layout_digest(self.lab_id, self.period_id, self.value_keys, self.milestone_keys)


def layout_digest(
    lab: str, period: str, value_keys: Sequence[tuple[str, str]], milestone_keys: Sequence[str]
) -> str:
    """Return the layout hash of a template (:attr:`Layout.hash`) from its parts.

    Parameters
    ----------
    lab, period : str
        What the template is made for.
    value_keys : sequence of tuple
        (indicator_id, disaggregation value or "") of the value rows, in order.
    milestone_keys : sequence of str
        Milestone ids in order.

    Returns
    -------
    str
        SHA-256 (hex) over lab, period, template version and the row keys.
    """
    parts = [lab, period, TEMPLATE_VERSION]
    parts += [f"{i}|{d}" for i, d in value_keys]
    parts.append("--")
    parts += milestone_keys
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()


_VALUE_KEYS = [c.key for c in VALUE_COLUMNS if c.locked]
_MILESTONE_KEYS = [c.key for c in MILESTONE_COLUMNS if c.locked]


def reporting_periods(periods: pd.DataFrame) -> list[str]:
    """Return the ids of the periods labs deliver for, in the order of periods.csv.

    A period's ``kind`` tells them apart: status, interim and project reports
    (:data:`~ogl_impact.vocab.DELIVERY_PERIOD_KINDS`) are collected; network
    workshops (``network_workshop``) are not.

    Parameters
    ----------
    periods : pandas.DataFrame
        The typed periods table.

    Returns
    -------
    list of str
    """
    kinds = periods["kind"].astype(str).isin(vocab.DELIVERY_PERIOD_KINDS)
    return list(periods.loc[kinds.to_numpy(), "period_id"].astype(str))


def earlier_periods(periods: pd.DataFrame, period_id: str) -> list[str]:
    """Return the ids of the periods that start before ``period_id``, latest first.

    Parameters
    ----------
    periods : pandas.DataFrame
        The typed periods table.
    period_id : str
        A period in it.

    Returns
    -------
    list of str
    """
    p = periods.set_index(periods["period_id"].astype(str))
    start = p.loc[period_id, "start"]
    before = p[p["start"] < start].sort_values("start", ascending=False)
    return list(before.index)


_FIELDS = {
    "indicators": (
        "indicator_id",
        "node_id",
        "name",
        "measure",
        "baseline_value",
        "target_value",
        "scale_min",
        "scale_max",
    ),
    "nodes": ("node_id", "level"),
    "indicator_values": ("indicator_id", "period_id", "disaggregation_value", "value"),
    "milestones": ("milestone_id", "name", "period_id", "planned_date", "completion"),
}


def _grouped(
    frame: pd.DataFrame, fields: tuple[str, ...]
) -> tuple[list[np.ndarray | _Converted], dict[str, tuple[int, int]]]:
    """Convert a table's columns once and say where each lab's rows lie.

    Each column becomes an object array of Python values (text: ``""`` where
    missing; numbers: ``float`` or None; dates: ``pandas.Timestamp`` or
    None), the rows sorted stably by lab, so that each lab's rows are one
    slice ``start:end`` in the order of the table. Numbers and texts are
    converted when a slice is taken (:class:`_Converted`): collect takes
    each lab's slice in the worker that checks its workbook, so the parent
    does not convert two million values the workers mostly never ask for.
    """
    columns = [_python_column(frame[f], lazy=True) for f in fields]
    codes, uniques = pd.factorize(frame["lab_id"].astype(str), sort=False)
    labs = [str(lab) for lab in uniques.tolist()]
    if len(codes) > 1 and bool((np.diff(codes) < 0).any()):  # rows of a lab apart
        order = np.argsort(codes, kind="stable")
        codes = codes[order]
        columns = [c[order] for c in columns]
    starts = np.flatnonzero(np.diff(codes)) + 1 if len(codes) else np.array([], dtype=int)
    bounds = [0, *starts.tolist(), len(codes)]
    where = {
        labs[codes[start]]: (start, end) for start, end in itertools.pairwise(bounds) if start < end
    }
    return columns, where


def _slice(columns: list[np.ndarray | _Converted], start: int, end: int) -> list[tuple]:
    return list(zip(*(c[start:end] for c in columns), strict=True))


class LabRows(Mapping):
    """Each lab's rows as :func:`split_by_lab` gives them, made when a lab is asked for.

    The tables are converted once (:func:`_grouped`); the tuples of a lab
    are made from its slices on demand, so collect builds them only for the
    labs that sent a workbook, in the workers that check those workbooks.

    Parameters
    ----------
    tables : dict of str to DataFrame
        As for :func:`split_by_lab`.
    """

    def __init__(self, tables: dict[str, pd.DataFrame]):
        self._groups = {
            name: _grouped(_with_fields(tables[name], fields), fields)
            for name, fields in _FIELDS.items()
        }
        self._periods = tables["periods"]
        self._cache: dict[str, tuple] = {}  # shared: period facts computed once per period
        self._labs = sorted(set().union(*(where.keys() for _, where in self._groups.values())))
        self.memo: dict[object, object] = {}  # what bulk work derives from the columns, once
        self._asked = 0  # labs asked for in this process
        self._lists: dict[str, list[list]] = {}  # whole tables as lists, once many labs ask

    def __getitem__(self, lab: str) -> dict[str, object]:
        return self.without(lab, None)

    def without(self, lab: str, name: str | None) -> dict[str, object]:
        """Return ``self[lab]`` with table ``name`` left empty (made elsewhere, in bulk).

        Parameters
        ----------
        lab : str
            A lab with rows (else KeyError).
        name : str or None
            A table of :data:`_FIELDS` not to convert (None: every table).

        Returns
        -------
        dict
        """
        if not any(lab in where for _, where in self._groups.values()):
            raise KeyError(lab)
        self._asked += 1
        own: dict[str, object] = {}
        for table, (columns, where) in self._groups.items():
            if lab not in where or table == name:
                own[table] = []
            elif self._asked > LISTS_AFTER and table in LISTED:
                start, end = where[lab]
                own[table] = list(zip(*(c[start:end] for c in self._listed(table)), strict=True))
            else:
                own[table] = _slice(columns, *where[lab])
        own["periods"] = self._periods
        own["period_cache"] = self._cache
        return own

    def _listed(self, table: str) -> list[list]:
        """Return a table's converted columns as lists (made once per process).

        A lab's slice of a list costs a fraction of converting its slice of
        the arrays, so where many labs are asked for (a pool worker checks
        thousands of workbooks) each table is converted whole, once, in the
        process that asks. The values are the same objects either way.
        """
        listed = self._lists.get(table)
        if listed is None:
            columns, _ = self._groups[table]
            listed = self._lists[table] = [_whole(c).tolist() for c in columns]
        return listed

    def shared(self) -> dict[str, object]:
        """Return what every lab's rows share: ``periods`` and ``period_cache``.

        Returns
        -------
        dict
            What :func:`period_facts` reads.
        """
        return {"periods": self._periods, "period_cache": self._cache}

    def table(self, name: str) -> tuple[list[np.ndarray | _Converted], dict[str, tuple[int, int]]]:
        """Return a table's converted columns (in :data:`_FIELDS` order) and each lab's rows.

        Parameters
        ----------
        name : str
            A table of :data:`_FIELDS`.

        Returns
        -------
        tuple
            (columns, lab -> (start, end)); see :func:`_grouped`.
        """
        return self._groups[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._labs)

    def __len__(self) -> int:
        return len(self._labs)


LISTS_AFTER = 32
"""Labs a process asks :class:`LabRows` for before it converts the tables whole."""
LISTED = frozenset({"indicators", "nodes", "milestones"})
"""Tables :class:`LabRows` converts whole: those asked for with every workbook (the values are
summarised in bulk, :mod:`~ogl_impact.delivery.bulk`, and stay sliced)."""


def _whole(column: np.ndarray | _Converted) -> np.ndarray:
    """Return a column of :func:`_grouped` converted whole (as its slices are)."""
    return column[0 : len(column.data)] if isinstance(column, _Converted) else column


def _with_fields(frame: pd.DataFrame, fields: tuple[str, ...]) -> pd.DataFrame:
    """Return ``frame`` with the optional ``fields`` it lacks as empty numbers (a scale)."""
    missing = [f for f in fields if f not in frame.columns]
    return frame.assign(**dict.fromkeys(missing, np.nan)) if missing else frame


def _python_column(col: pd.Series, lazy: bool = False) -> np.ndarray | _Converted:
    """Return a column as an object array of the Python values :func:`build_layout` uses.

    With ``lazy``, numbers and texts come as a :class:`_Converted` that
    makes those values a slice at a time (where a lab's workbook is
    checked, in the worker); the values are the same.
    """
    if pd.api.types.is_datetime64_any_dtype(col):
        return _objects([None if pd.isna(v) else pd.Timestamp(v) for v in col])
    if pd.api.types.is_float_dtype(col):
        numbers = col.to_numpy(dtype=float)
        return _Converted(numbers, None) if lazy else _numbers(numbers)
    if isinstance(col.dtype, pd.StringDtype):  # each distinct text converted once
        codes, uniques = pd.factorize(col, sort=False)
        texts = _objects([*(str(v) for v in uniques), ""])  # code -1 (missing): the last, ""
        return _Converted(codes, texts) if lazy else texts[codes]
    values = col.astype(object).to_numpy()
    return _objects(["" if v is None or v != v else str(v) for v in values])


def _numbers(numbers: np.ndarray) -> np.ndarray:
    """Return floats as an object array of ``float``, None where missing."""
    out = numbers.astype(object)
    out[np.isnan(numbers)] = None
    return out


class _Converted:
    """A column of :func:`_python_column`, converted a slice at a time.

    ``texts`` None: ``data`` holds floats; else ``data`` holds each row's
    code into ``texts`` (-1: the last text, ``""``).
    """

    __slots__ = ("data", "texts")

    def __init__(self, data: np.ndarray, texts: np.ndarray | None):
        self.data, self.texts = data, texts

    def __getitem__(self, rows: slice | np.ndarray) -> np.ndarray | _Converted:
        part = self.data[rows]
        if not isinstance(rows, slice):  # reordered: still lazy
            return _Converted(part, self.texts)
        return _numbers(part) if self.texts is None else self.texts[part]


def _objects(values: list) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def split_by_lab(tables: dict[str, pd.DataFrame]) -> dict[str, dict[str, object]]:
    """Split the lab tables once into plain rows per lab, so that one layout costs little.

    Parameters
    ----------
    tables : dict of str to DataFrame
        Typed tables ``indicators``, ``nodes``, ``indicator_values``,
        ``milestones`` and ``periods``.

    Returns
    -------
    dict of str to dict
        Per lab, the rows :func:`build_layout` needs (tuples in the order of
        the module's field lists), and the shared ``periods`` table.
    """
    rows = LabRows(tables)
    return {lab: rows[lab] for lab in rows}


def lab_rows(grouped: dict[str, dict[str, list[tuple]]], lab: str, periods: pd.DataFrame) -> dict:
    """Return one lab's rows (empty lists for a lab without any) and the periods table.

    Parameters
    ----------
    grouped : dict
        Rows by table and lab.
    lab : str
        The lab.
    periods : pandas.DataFrame
        The typed periods.

    Returns
    -------
    dict
    """
    own: dict[str, object] = {name: grouped.get(name, {}).get(lab, []) for name in _FIELDS}
    own["periods"] = periods
    return own


def empty_lab(periods: pd.DataFrame) -> dict:
    """Return the rows of a lab that has no indicators or milestones yet.

    Parameters
    ----------
    periods : pandas.DataFrame
        The typed periods.

    Returns
    -------
    dict
    """
    return lab_rows({}, "", periods)


def period_facts(own: dict, period_id: str) -> tuple[list[str], str, pd.Timestamp]:
    """Return a period's earlier periods (latest first), German name and last day.

    Computed once per period where ``own`` carries a ``period_cache`` (a
    :class:`LabRows` shares one among its labs).

    Parameters
    ----------
    own : dict
        A lab's rows as :func:`split_by_lab` gives them (``periods`` is read).
    period_id : str
        The period.

    Returns
    -------
    tuple
        (earlier period ids, label, end).
    """
    periods = own["periods"]
    cache = own.get("period_cache")
    facts = cache.get(period_id) if isinstance(cache, dict) else None
    if facts is None:
        p = periods.set_index(periods["period_id"].astype(str))
        facts = (
            earlier_periods(periods, period_id),
            str(p.loc[period_id, "label_de"]),
            pd.Timestamp(p.loc[period_id, "end"]),
        )
        if isinstance(cache, dict):
            cache[period_id] = facts
    return facts


ValueHistory = tuple[dict[str, set[str]], dict[tuple[str, str], object], set[str]]
"""What a layout takes from a lab's stored values of other periods: the disaggregation
values seen per indicator, the latest earlier value per (indicator, disaggregation value),
and the periods with any value."""


def value_history(rows: Iterable[tuple], period_id: str, rank: Mapping[str, int]) -> ValueHistory:
    """Summarise a lab's stored values of the periods other than ``period_id``.

    Parameters
    ----------
    rows : iterable of tuple
        (indicator_id, period_id, disaggregation value, value) in table order.
    period_id : str
        The period of the workbook (its own rows are left out).
    rank : mapping of str to int
        Position of each earlier period, latest first (0).

    Returns
    -------
    ValueHistory
        Disaggregation values per indicator, the value of the latest earlier
        period per row key (the first such row where a period has two), the
        periods with a value.
    """
    seen: dict[str, set[str]] = {}
    previous: dict[tuple[str, str], tuple[int, object]] = {}
    with_values: set[str] = set()
    for iid, per, disagg, value in rows:
        if per == period_id:
            continue
        kinds = seen.get(iid)
        if kinds is None:
            seen[iid] = {disagg}
        else:
            kinds.add(disagg)
        with_values.add(per)
        r = rank.get(per)
        if r is not None:
            key = (iid, disagg)
            before = previous.get(key)
            if before is None or r < before[0]:
                previous[key] = (r, value)
    return seen, {k: v for k, (_, v) in previous.items()}, with_values


def build_layout(
    own: dict, lab_id: str, period_id: str, history: ValueHistory | None = None
) -> Layout:
    """Derive a lab's workbook layout for a period.

    Parameters
    ----------
    own : dict
        The lab's rows as :func:`split_by_lab` gives them.
    lab_id, period_id : str
        The lab and the period.
    history : ValueHistory, optional
        :func:`value_history` of the lab's ``indicator_values`` (made for a
        whole batch of labs at once by :mod:`ogl_impact.delivery.bulk`);
        None: made here from ``own``.

    Returns
    -------
    Layout
        Depends on everything except the period's own rows.
    """
    earlier, label, end = period_facts(own, period_id)
    rank = {p: i for i, p in enumerate(earlier)}
    if history is None:
        history = value_history(own["indicator_values"], period_id, rank)
    seen, previous, with_values = history
    level = dict(own["nodes"])
    rows = []
    levels = vocab.LEVELS
    scales = []
    for iid, node, name, measure, baseline, target, low, high in own["indicators"]:
        lv = levels.get(level.get(node, ""), ("", ""))[0]
        if low is not None and high is not None:
            scales.append((iid, float(low), float(high)))
        for d in sorted(seen.get(iid, {""})):
            rows.append((iid, name, lv, measure, baseline, target, d, previous.get((iid, d))))
    rows.sort(key=lambda r: (_natural_key(r[0]), _natural_key(r[6])))
    ms: dict[str, tuple] = {}
    for mid, name, per, planned, completion in own["milestones"]:
        if per == period_id:
            continue
        r = rank.get(per, len(rank))
        entry = ms.get(mid)
        if entry is None or r < entry[0]:
            previous_label = COMPLETION_LABELS.get(completion, "") if per in rank else ""
            ms[mid] = (r, (mid, name, planned, previous_label))
    ms_rows = sorted((row for _, row in ms.values()), key=lambda row: _natural_key(row[0]))
    return Layout(
        lab_id=lab_id,
        period_id=period_id,
        value_rows=tuple(rows),
        milestone_rows=tuple(ms_rows),
        period_label=label,
        period_end=end,
        previous_period=next((e for e in earlier if e in with_values), ""),
        scales=tuple(scales),
    )


_NUMBERS = re.compile(r"\d+")


@lru_cache(maxsize=1 << 16)  # ids recur in every lab
def _natural_key(text: str) -> str:
    """Sort key: ids with numbers in numeric order (i2 before i10)."""
    return _NUMBERS.sub(_pad, text)


def _pad(match: re.Match) -> str:
    return match.group(0).zfill(6)


def base_digest(lab_id: str, period_id: str, layout_hash: str, base: str) -> str:
    """Return the digest a template records beside its base (row ``base_hash`` of the hidden sheet).

    It ties the base (the stored values the template showed) to its lab,
    period and layout, so that a base edited on the unhidden sheet is
    recognised as changed metadata instead of steering the comparison.

    Examples
    --------
    >>> len(base_digest("brandis", "sb6", "abc", '{"v":[],"m":[]}'))
    32
    """
    text = "\n".join((lab_id, period_id, layout_hash, base))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


__all__ = [
    "COLUMNS",
    "DATA_SHEETS",
    "HEADER_ROW",
    "LISTS",
    "OTHER_CODES",
    "SHEET_GUIDE",
    "SHEET_META",
    "SHEET_MILESTONES",
    "SHEET_PARTNERS",
    "SHEET_VALUES",
    "TEMPLATE_VERSION",
    "WITHDRAW",
    "WITHDRAW_LABEL",
    "Column",
    "LabRows",
    "Layout",
    "base_digest",
    "build_layout",
    "cell_name",
    "column_letter",
    "earlier_periods",
    "empty_lab",
    "lab_rows",
    "layout_digest",
    "split_by_lab",
]
