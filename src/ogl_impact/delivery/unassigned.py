"""Files collect could not assign to a lab and period, registered all the same.

A file that is not a readable workbook, has no or a changed hidden sheet
``ogl_meta``, or names an unknown lab or period is refused before its cells
are read. It still arrived, so it gets a row in ``submissions.csv``: lab
and period empty, outcome ``refused``, its hash and the number of
problems. ``status`` counts these rows apart ("nicht zuordenbare
Lieferungen"); the reporting rates, which count per lab and period, never
see them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

UNKNOWN_VERSION = "?"
"""Template version registered when the hidden sheet does not give one."""


def file_sha256(path: Path) -> str | None:
    """Return the SHA-256 of a file's bytes, or None when it cannot be read.

    Parameters
    ----------
    path : Path
        The file.

    Returns
    -------
    str or None
    """
    try:
        with Path(path).open("rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError:
        return None


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
    return pd.concat([register.astype(object), new.astype(object)], ignore_index=True)


__all__ = ["UNKNOWN_VERSION", "file_sha256", "with_unassigned"]
