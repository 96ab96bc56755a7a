"""The submissions register read back: who delivered what, when, and the reporting rates.

Rules
-----
**Which periods expect a delivery.** Every lab delivers one workbook (its
indicator values and milestones) for each period whose kind is in
:data:`ogl_impact.vocab.DELIVERY_PERIOD_KINDS`: the status reports, the
interim report and the project report. Network workshops expect nothing.
Every lab of the ``labs`` table is expected in every such period.

**Deadline.** ``periods.deadline``; where it is empty, the end of the period
plus :data:`ogl_impact.vocab.DEADLINE_DAYS` (14) days. A workbook received
on the deadline day is on time.

**What counts.** Only the register (``submissions``) counts, read up to the
day ``as_of`` (workbooks received later are ignored, as if not yet there):

- *received*: the first day a workbook of the lab and period arrived, whatever
  became of it; ``workbooks`` counts them all, ``refused`` the refused ones;
- *accepted*: the first day a workbook was accepted (outcome ``accepted``,
  or ``revision`` where the register starts with a revision); a refused
  workbook is no report, and a revision does not make a second one;
- *on time*: accepted on or before the deadline. A report accepted on time
  stays on time when it is revised after the deadline; a workbook refused
  before the deadline and accepted after it is late.
- *revised values*: values of the lab and period whose stored value differs
  from the value first accepted for them, by the revisions up to ``as_of``
  (:func:`revised_values`); ``revised_late`` those whose value now stored
  was set after the deadline; ``revised_status`` values whose status alone
  (gemessen/geschätzt) differs while the value itself does not.

**A revised value.** A value is one column of one stored row: table, lab,
period, row key, column. It counts as revised when the value it has now
(the new value of its last revision; empty when withdrawn) differs from the
value first accepted for it (the old value of its first revision; empty
when it was first added by a revision). So a withdrawn value counts once,
however many revision rows it left (value and status); a value changed and
changed back does not count; and a value changed three times counts once.
A column that only qualifies a value (:data:`STATUS_COLUMNS`, the status
"gemessen"/"geschätzt" of an indicator value) is no value of its own.

**Status** of an expected delivery on the day ``as_of``: ``on_time`` or
``late`` once accepted; otherwise ``open`` while the deadline has not
passed, then ``refused`` when workbooks came but none was accepted and
``missing`` when none came.

**Rates** as DHIS2 defines them for data sets (DHIS2 Implementation Guide,
"Assessing data quality", section "Completeness and timeliness", Reporting
Rate Summary; https://docs.dhis2.org/en/implement/data-quality/assessing-data-quality.html,
source file ``content/database_design/data-quality-03-analysis.md`` of
github.com/dhis2/dhis2-docs-implementation)::

    reporting rate         = actual reports / expected reports x 100
    reporting rate on time = actual reports on time / expected reports x 100

with *expected reports* the labs expected, *actual reports* the expected
deliveries accepted and *actual reports on time* those accepted on time.
Only expected deliveries enter the numerator, so a rate never exceeds 100
(DHIS2 counts reports of closed units in the numerator only, which can give
more than 100 %). For a period whose deadline has not passed on ``as_of``
the rates are provisional (column ``due`` is False).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date

import pandas as pd

from ogl_impact import vocab
from ogl_impact.dataset import Dataset
from ogl_impact.logic.outputs import Deliveries, ReportingRates

Tables = Dataset | Mapping[str, pd.DataFrame]

STATUS_COLUMNS: Mapping[str, tuple[str, ...]] = {"indicator_values": ("status",)}
"""Columns of a revised table that qualify a value and are no value of their own."""

VALUE_KEY = ("table", "lab_id", "period_id", "row_key", "column")
"""What identifies one stored value in ``revisions``."""


def _table(data: Tables, name: str) -> pd.DataFrame | None:
    tables = data.tables if isinstance(data, Dataset) else data
    return tables.get(name)


def deadlines(periods: pd.DataFrame) -> pd.Series:
    """Deadline of each period: ``deadline``, or ``end`` + 14 days where it is empty.

    Parameters
    ----------
    periods : DataFrame
        The ``periods`` table.

    Returns
    -------
    pandas.Series
        Deadline (Timestamp) indexed by ``period_id``.

    Examples
    --------
    >>> periods = pd.DataFrame({
    ...     "period_id": ["a", "b"],
    ...     "end": pd.to_datetime(["2021-04-30", "2021-07-31"]),
    ...     "deadline": pd.to_datetime([None, "2021-08-06"]),
    ... })
    >>> deadlines(periods).dt.strftime("%Y-%m-%d").tolist()
    ['2021-05-14', '2021-08-06']
    """
    end = pd.to_datetime(periods["end"])
    if "deadline" in periods.columns:
        given = pd.to_datetime(periods["deadline"])
    else:  # a periods frame from before the column existed
        given = pd.Series(pd.NaT, index=periods.index, dtype="datetime64[ns]")
    default = end + pd.Timedelta(days=vocab.DEADLINE_DAYS)
    return pd.Series(
        given.fillna(default).to_numpy(), index=periods["period_id"].to_numpy(), name="deadline"
    )


def _same(a: object, b: object) -> bool:
    """Whether two stored values are the same (empty = absent; numbers by value)."""
    a_empty = a is None or (isinstance(a, float) and pd.isna(a)) or str(a).strip() == ""
    b_empty = b is None or (isinstance(b, float) and pd.isna(b)) or str(b).strip() == ""
    if a_empty or b_empty:
        return a_empty and b_empty
    x, y = str(a).strip(), str(b).strip()
    if x == y:
        return True
    try:
        return float(x.replace(",", ".")) == float(y.replace(",", "."))
    except ValueError:
        return False


def revised_values(
    revisions: pd.DataFrame | None, *, as_of: date | str | pd.Timestamp | None = None
) -> pd.DataFrame:
    """One row per stored value the revisions touched: first accepted, now, revised or not.

    Parameters
    ----------
    revisions : DataFrame or None
        The ``revisions`` table (in the order collect wrote it).
    as_of : date, optional
        Only revisions up to this day (default: all).

    Returns
    -------
    pandas.DataFrame
        Columns of :class:`ogl_impact.logic.outputs.RevisedValues`: ``table``,
        ``lab_id``, ``period_id``, ``row_key`` (a trailing empty part left
        out: "i03|" is "i03"), ``column``, ``first_value`` (first accepted;
        empty when added by a revision), ``value`` (stored now; empty when
        withdrawn), ``revisions`` (rows), ``first_revised``,
        ``last_revised``, ``changed`` (``value`` differs from
        ``first_value``), ``status_column`` (a column of
        :data:`STATUS_COLUMNS`). The rule is in the module docstring.

    Examples
    --------
    >>> revs = pd.DataFrame({
    ...     "lab_id": "a", "period_id": "p", "table": "indicator_values",
    ...     "row_key": ["i03|", "i03|", "i03|", "i03|"],
    ...     "column": ["value", "status", "value", "status"],
    ...     "old_value": ["28", "estimated", None, None],
    ...     "new_value": [None, None, "28", "estimated"],
    ...     "revised": pd.to_datetime(["2026-12-01"] * 2 + ["2026-12-02"] * 2),
    ... })
    >>> revised_values(revs)[["column", "revisions", "changed"]]
       column  revisions  changed
    0  status          2    False
    1   value          2    False
    >>> revised_values(revs, as_of="2026-12-01")["changed"].tolist()
    [True, True]
    """
    from ogl_impact.logic.outputs import RevisedValues

    cols = list(RevisedValues.to_schema().columns)
    if revisions is None or revisions.empty:
        return RevisedValues.validate(pd.DataFrame(columns=cols).astype(_EMPTY_TYPES))
    revs = revisions.assign(
        revised=pd.to_datetime(revisions["revised"]),
        row_key=revisions["row_key"].astype(str).str.replace(r"\|+$", "", regex=True),
        _order=range(len(revisions)),
    )
    if as_of is not None:
        revs = revs[revs["revised"] <= pd.Timestamp(as_of)]
    if revs.empty:
        return RevisedValues.validate(pd.DataFrame(columns=cols).astype(_EMPTY_TYPES))
    for col in ("table", "lab_id", "period_id", "column"):
        revs[col] = revs[col].astype(str)
    revs = revs.sort_values(["revised", "_order"], kind="stable")
    grouped = revs.groupby(list(VALUE_KEY), sort=True, observed=True)
    # not "first"/"last", which skip empty cells: the first row's old, the last row's new value
    out = grouped.agg(
        first_value=("old_value", lambda s: s.iloc[0]),
        value=("new_value", lambda s: s.iloc[-1]),
        revisions=("_order", "size"),
        first_revised=("revised", "min"),
        last_revised=("revised", "max"),
    ).reset_index()
    out["changed"] = [
        not _same(a, b) for a, b in zip(out["first_value"], out["value"], strict=True)
    ]
    out["status_column"] = [
        c in STATUS_COLUMNS.get(t, ()) for t, c in zip(out["table"], out["column"], strict=True)
    ]
    for col in ("first_value", "value"):
        out[col] = out[col].astype(object).where(out[col].notna(), None)
    return RevisedValues.validate(out[cols])


_EMPTY_TYPES = {
    "revisions": "int64",
    "first_revised": "datetime64[ns]",
    "last_revised": "datetime64[ns]",
    "changed": "bool",
    "status_column": "bool",
}


def delivery_periods(periods: pd.DataFrame) -> pd.DataFrame:
    """Return the periods that expect a workbook from every lab, in time order.

    Parameters
    ----------
    periods : DataFrame
        The ``periods`` table.

    Returns
    -------
    pandas.DataFrame
        ``period_id``, ``kind``, ``label_de``, ``start``, ``end``, ``deadline``
        (given or end + 14 days), sorted by ``end``.

    Examples
    --------
    >>> import ogl_impact
    >>> delivery_periods(ogl_impact.load_demo().periods)["period_id"].tolist()
    ['sb1', 'sb2', 'sb3', 'zb', 'sb4', 'sb5', 'sb6', 'pb']
    """
    due = deadlines(periods)
    out = periods[periods["kind"].isin(vocab.DELIVERY_PERIOD_KINDS)].copy()
    out["deadline"] = due.reindex(out["period_id"]).to_numpy()
    cols = ["period_id", "kind", "label_de", "start", "end", "deadline"]
    return out[cols].sort_values(["end", "period_id"], kind="stable").reset_index(drop=True)


def period_names(periods: pd.DataFrame, lang: str = "de") -> dict[str, str]:
    """Return each period's name in ``lang``, by ``period_id``.

    Parameters
    ----------
    periods : DataFrame
        The ``periods`` table.
    lang : {"de", "en"}
        German: the table's ``label_de``. English: ``periods`` has no
        English label, so the name is the English label of the period's kind
        (:data:`~ogl_impact.vocab.PERIOD_KINDS`) with its number ("Status
        report 6"): the number its id ends in where every period of the kind
        has its own (``sb6``), else its place among them in order of start;
        no number where the kind has one period only ("Interim report").

    Returns
    -------
    dict of str to str

    Examples
    --------
    >>> import ogl_impact
    >>> names = period_names(ogl_impact.load_demo().periods, "en")
    >>> names["sb6"], names["zb"]
    ('Status report 6', 'Interim report')
    """
    if lang not in ("de", "en"):
        raise ValueError(f"lang must be 'de' or 'en', not {lang!r}")
    ids = periods["period_id"].astype(str)
    if lang == "de":
        return dict(zip(ids, periods["label_de"].astype(str), strict=True))
    ordered = periods.assign(period_id=ids).sort_values(["start", "period_id"], kind="stable")
    out = {}
    for kind, group in ordered.groupby("kind", sort=False):
        name = vocab.label(vocab.PERIOD_KINDS, kind, "en")
        pids = group["period_id"].tolist()
        own = [re.search(r"(\d+)$", pid) for pid in pids]
        numbers = (
            [int(m.group(1)) for m in own if m is not None]
            if all(own) and len({m.group(1) for m in own if m is not None}) == len(pids)
            else list(range(1, len(pids) + 1))
        )
        for number, pid in zip(numbers, pids, strict=True):
            out[pid] = f"{name} {number}" if len(pids) > 1 else name
    return out


def deliveries(data: Tables, *, as_of: date | str | pd.Timestamp | None = None) -> pd.DataFrame:
    """One row per lab and period expected to deliver: received, accepted, on time, status.

    Parameters
    ----------
    data : Dataset or mapping of str to DataFrame
        Needs ``labs`` and ``periods``; reads ``submissions`` and ``revisions``
        where present (without a register nothing has been received).
    as_of : date, optional
        The day the register is read on (default: today). Periods that have
        not begun by then are left out; workbooks received and values revised
        later are ignored.

    Returns
    -------
    pandas.DataFrame
        Columns of :class:`ogl_impact.logic.outputs.Deliveries`: ``lab_id``,
        ``period_id``, ``deadline``, ``due``, ``received``, ``workbooks``,
        ``refused``, ``accepted``, ``on_time``, ``revised_values``,
        ``revised_late``, ``revised_status``, ``status``; ordered by period,
        then lab.

    Examples
    --------
    >>> import ogl_impact
    >>> d = deliveries(ogl_impact.load_demo(), as_of="2021-05-31")
    >>> sorted(set(d["period_id"]))
    ['sb1', 'sb2', 'sb3']
    """
    day = pd.Timestamp(date.today() if as_of is None else as_of).normalize()
    labs = _table(data, "labs")
    periods = _table(data, "periods")
    if labs is None or periods is None:
        raise ValueError("deliveries need the tables labs and periods")
    expected = delivery_periods(periods)
    expected = expected[pd.to_datetime(expected["start"]) <= day]
    frame = pd.DataFrame(
        [
            (lab, pid, deadline)
            for pid, deadline in zip(expected["period_id"], expected["deadline"], strict=True)
            for lab in labs["lab_id"]
        ],
        columns=["lab_id", "period_id", "deadline"],
    )
    frame["deadline"] = pd.to_datetime(frame["deadline"])
    frame["due"] = frame["deadline"] < day
    key = ["lab_id", "period_id"]

    subs = _table(data, "submissions")
    if subs is None:
        subs = pd.DataFrame(columns=[*key, "received", "outcome"])
    subs = subs[pd.to_datetime(subs["received"]) <= day]
    received = pd.to_datetime(subs["received"])
    per = subs.assign(
        received=received,
        refused=subs["outcome"] == "refused",
        accepted=received.where(subs["outcome"] != "refused"),
    )
    agg = per.groupby(key).agg(
        received=("received", "min"),
        workbooks=("received", "size"),
        refused=("refused", "sum"),
        accepted=("accepted", "min"),
    )
    frame = frame.join(agg, on=key)
    frame["workbooks"] = frame["workbooks"].fillna(0).astype(int)
    frame["refused"] = frame["refused"].fillna(0).astype(int)
    frame["on_time"] = frame["accepted"].notna() & (frame["accepted"] <= frame["deadline"])

    frame = frame.join(_revised_counts(_table(data, "revisions"), frame, day), on=key)
    for col in ("revised_values", "revised_late", "revised_status"):
        frame[col] = frame[col].fillna(0).astype(int)

    frame["status"] = [
        _status(acc, on_time, due, n)
        for acc, on_time, due, n in zip(
            frame["accepted"], frame["on_time"], frame["due"], frame["workbooks"], strict=True
        )
    ]
    return Deliveries.validate(frame.reset_index(drop=True))


def _revised_counts(
    revisions: pd.DataFrame | None, frame: pd.DataFrame, day: pd.Timestamp
) -> pd.DataFrame:
    """Revised values, those set after the deadline and status-only revisions per lab and period."""
    key = ["lab_id", "period_id"]
    vals = revised_values(revisions, as_of=day)
    vals = vals[vals["changed"]].merge(frame[[*key, "deadline"]], on=key)
    values = vals[~vals["status_column"]]
    values = values.assign(late=values["last_revised"] > values["deadline"])
    # a status counts on its own only where the value of the same row is not revised
    row = ["table", *key, "row_key"]
    status = vals[vals["status_column"]].merge(
        values[row].drop_duplicates(), on=row, how="left", indicator=True
    )
    status = status[status["_merge"] == "left_only"]
    return pd.DataFrame(
        {
            "revised_values": values.groupby(key).size(),
            "revised_late": values.groupby(key)["late"].sum(),
            "revised_status": status.groupby(key).size(),
        }
    )


def _status(accepted: object, on_time: bool, due: bool, workbooks: int) -> str:
    if pd.notna(accepted):
        return "on_time" if on_time else "late"
    if not due:
        return "open"
    return "refused" if workbooks else "missing"


def reporting_rates(deliv: pd.DataFrame, by: str = "period_id") -> pd.DataFrame:
    """Count expected, actual and on-time reports and the two DHIS2 rates, per period or per lab.

    Parameters
    ----------
    deliv : DataFrame
        Output of :func:`deliveries`.
    by : {"period_id", "lab_id"}
        One row per period (with its deadline) or per lab (over the periods
        in ``deliv``; pass only due rows for a final rate).

    Returns
    -------
    pandas.DataFrame
        Columns of :class:`ogl_impact.logic.outputs.ReportingRates`: ``by``,
        ``deadline`` and ``due`` (per period; per lab empty and whether all
        periods are due), ``expected``, ``actual``, ``actual_on_time``,
        ``late``, ``missing``, ``reporting_rate``, ``reporting_rate_on_time``
        (percent).

    Notes
    -----
    ``reporting_rate = 100 * actual / expected`` and
    ``reporting_rate_on_time = 100 * actual_on_time / expected`` (DHIS2).

    Examples
    --------
    >>> d = pd.DataFrame({
    ...     "lab_id": ["a", "b", "c", "d"], "period_id": "p",
    ...     "deadline": pd.Timestamp("2021-05-14"), "due": True,
    ...     "accepted": pd.to_datetime(["2021-05-01", "2021-05-20", None, None]),
    ...     "on_time": [True, False, False, False],
    ... })
    >>> r = reporting_rates(d)
    >>> r[["expected", "actual", "actual_on_time", "reporting_rate", "reporting_rate_on_time"]]
       expected  actual  actual_on_time  reporting_rate  reporting_rate_on_time
    0         4       2               1            50.0                    25.0
    """
    if by not in ("period_id", "lab_id"):
        raise ValueError(f"by must be 'period_id' or 'lab_id'; got {by!r}")
    grouped = deliv.assign(actual=deliv["accepted"].notna()).groupby(by, sort=False)
    out = pd.DataFrame(
        {
            "expected": grouped.size(),
            "actual": grouped["actual"].sum(),
            "actual_on_time": grouped["on_time"].sum(),
            "due": grouped["due"].all(),
        }
    )
    out["deadline"] = grouped["deadline"].first() if by == "period_id" else pd.NaT
    out["late"] = out["actual"] - out["actual_on_time"]
    out["missing"] = out["expected"] - out["actual"]
    # expected is at least 1 in every group: a group exists only when a row does
    out["reporting_rate"] = 100.0 * out["actual"] / out["expected"]
    out["reporting_rate_on_time"] = 100.0 * out["actual_on_time"] / out["expected"]
    out = out.rename_axis(by).reset_index()
    cols = [by, "deadline", "due", "expected", "actual", "actual_on_time", "late", "missing"]
    cols += ["reporting_rate", "reporting_rate_on_time"]
    return ReportingRates.validate(out[cols])


__all__ = [
    "STATUS_COLUMNS",
    "deadlines",
    "deliveries",
    "delivery_periods",
    "period_names",
    "reporting_rates",
    "revised_values",
]
