"""Files collect could not assign to a lab and period, registered all the same.

A file that is not a readable workbook, has no or a changed hidden sheet
``ogl_meta``, or names an unknown lab or period is refused before its cells
are read. It still arrived, so it gets a row in ``submissions.csv``: lab
and period empty, outcome ``refused``, its hash and the number of
problems. ``status`` counts these rows apart ("nicht zuordenbare
Lieferungen"); the reporting rates, which count per lab and period, never
see them.

A workbook made for a network workshop (whose hidden sheet names, say,
``nw6``) names a known period that collects nothing: it is refused in plain
words naming the workshop (not the hidden cell), beside an unknown lab
too, and with a known lab registered with its lab and that period (also
under ``--period``: no run could ever take it); ``status`` lists it with
the files it cannot assign.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from ogl_impact import vocab
from ogl_impact.delivery.cache import file_sha256
from ogl_impact.delivery.findings import finding

UNKNOWN_VERSION = "?"
"""Template version registered when the hidden sheet does not give one."""


def with_unassigned(
    register: pd.DataFrame, outcomes: Iterable[object], received: pd.Timestamp
) -> pd.DataFrame:
    """Append a register row for every file not assigned to a lab and period.

    Parameters
    ----------
    register : pandas.DataFrame
        The register as collect writes it (stored rows and this run's
        recognised workbooks).
    outcomes : iterable of Outcome
        The run's outcomes (:class:`~ogl_impact.delivery.check.Outcome`);
        those with ``lab_id`` None are the unassigned files.
    received : pandas.Timestamp
        Day the files arrived.

    Returns
    -------
    pandas.DataFrame
        ``register`` plus one row per unassigned file whose bytes were not
        registered before (the same file sent twice is registered once; a
        file that cannot be read at all has no hash and is not registered).
    """
    blank = register["lab_id"].isna() if len(register) else pd.Series(dtype=bool)
    known = set(register.loc[blank, "sha256"].astype(str)) if len(register) else set()
    rows = []
    for o in outcomes:
        if getattr(o, "lab_id", None) is not None:
            continue
        sha = getattr(o, "sha256", "") or file_sha256(o.path)
        if sha is None or sha in known:
            continue
        known.add(sha)
        rows.append(
            {
                "lab_id": None,
                "period_id": None,
                "received": received,
                "workbook": o.file,
                "sha256": sha,
                "template_version": getattr(o, "template_version", "") or UNKNOWN_VERSION,
                "outcome": "refused",
                "problems": len(o.findings),
            }
        )
    if not rows:
        return register
    new = pd.DataFrame(rows, columns=list(register.columns))
    if register.empty:
        return new
    return appended(register, new)


def appended(register: pd.DataFrame, rows: pd.DataFrame) -> pd.DataFrame:
    """Return the register with ``rows`` after its rows, in the register's column types.

    Joining typed stored rows to rows of Python objects would turn every
    stored cell into an object (0.2 s for a register of 120,000 rows);
    given the same types, the stored columns are only copied. Where the
    rows do not take those types, both are joined as objects.

    Parameters
    ----------
    register : pandas.DataFrame
        The register so far.
    rows : pandas.DataFrame
        Rows to add, with the register's columns.

    Returns
    -------
    pandas.DataFrame
        One frame, index 0 to n - 1.
    """
    try:
        rows = rows.astype(register.dtypes.to_dict())
    except (TypeError, ValueError):
        return pd.concat([register.astype(object), rows.astype(object)], ignore_index=True)
    return pd.concat([register, rows], ignore_index=True)


def network_workbooks(outcomes: Iterable[object], periods: pd.DataFrame) -> None:
    """Say in plain words that a workbook of a network workshop is refused, and whose it is.

    An outcome whose hidden sheet names a period that is no reporting
    period, where that period is a network workshop of ``periods``, gets the
    workshop's label in its message (rule ``network_period``, no hidden
    cell named), also beside an unknown lab (the refusal does not depend on
    the lab). Refused for the workshop alone, with a known lab, it gets its
    lab and period, so that the register row names them.

    Parameters
    ----------
    outcomes : iterable of Outcome
        The run's outcomes (changed in place).
    periods : pandas.DataFrame
        The typed periods table.
    """
    ids = periods["period_id"].astype(str)
    labels = dict(zip(ids, periods["label_de"].astype(str), strict=True))
    kinds = dict(zip(ids, periods["kind"].astype(str), strict=True))
    english: dict[str, str] | None = None
    for o in outcomes:
        found = getattr(o, "findings", [])
        if getattr(o, "lab_id", None) is not None:
            continue
        for i, f in enumerate(found):
            params = dict(f.params)
            per, lab = params.get("found", ""), params.get("lab", "")
            if f.rule != "unknown_period" or kinds.get(per) in (None, *vocab.DELIVERY_PERIOD_KINDS):
                continue
            if english is None:  # only where a workshop's workbook came in (logic is heavy)
                from ogl_impact.logic.delivery import period_names

                english = period_names(periods, "en")
            found[i] = finding(
                o.file, "network_period", value=per, found=per, label=labels[per],
                label_en=english.get(per, per),
            )  # fmt: skip
            if lab and len(found) == 1:  # refused for the workshop alone: registered with its lab
                o.lab_id, o.period_id = lab, per


__all__ = ["UNKNOWN_VERSION", "appended", "file_sha256", "network_workbooks", "with_unassigned"]
