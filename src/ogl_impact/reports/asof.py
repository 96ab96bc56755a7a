"""A dataset as it stood on a given day: nothing later reaches a report."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from types import MappingProxyType

import pandas as pd

from ogl_impact.dataset import Dataset


def as_of(ds: Dataset, day: date) -> Dataset:
    """Return a copy of ``ds`` limited to what was known on ``day``.

    Reporting periods ending after ``day`` are dropped, and with them their
    indicator values and milestones; survey waves whose field time ended
    after ``day`` are dropped, and with them their answers. Tables without
    dates (labs, partners, impact models, codebook) are kept whole.

    Parameters
    ----------
    ds : Dataset
        The full dataset.
    day : date
        Last day of data.

    Returns
    -------
    Dataset
        A new dataset; ``ds`` is unchanged.
    """
    t = dict(ds.tables)
    limit = pd.Timestamp(day)
    periods = t["periods"][pd.to_datetime(t["periods"]["end"]) <= limit]
    keep = set(periods["period_id"])
    t["periods"] = periods.reset_index(drop=True)
    for name in ("indicator_values", "milestones"):
        if name in t:
            t[name] = t[name][t[name]["period_id"].isin(keep)].reset_index(drop=True)
    if "waves" in t:
        waves = t["waves"][pd.to_datetime(t["waves"]["field_end"]) <= limit]
        t["waves"] = waves.reset_index(drop=True)
        if "responses" in t:
            r = t["responses"]
            t["responses"] = r[r["wave"].isin(set(waves["wave"]))].reset_index(drop=True)
    return replace(ds, tables=MappingProxyType(t))
