"""The CSV text of a merged table, each distinct cell formatted once.

collect rewrites the data folder's tables (the old rows plus the workbooks'
rows). :func:`ogl_impact.write.tables.write_tables` formats every cell of
every row in Python; for the national tables that costs seconds. The text
cells as read (:class:`~ogl_impact.io.RawTable`, categorical columns) say
which cells are alike: :func:`table_text` formats one typed value per
distinct text and lets numpy spread the results, then the csv module writes
the rows. It gives the very bytes ``write_tables`` gives, and declines
(returns None) wherever it could not be sure of that.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import TextIO

import numpy as np
import pandas as pd

from ogl_impact.write.tables import _format_column


def _alike(a: np.ndarray, b: np.ndarray) -> bool:
    """Whether two arrays are equal cell by cell (missing equals missing)."""
    try:
        same = np.asarray(a == b, dtype=bool)
    except (TypeError, ValueError):
        return False
    if same.shape != a.shape:
        return False
    if same.all():
        return True
    return bool((same | (pd.isna(a) & pd.isna(b))).all())


def _distinct(codes: np.ndarray, categories: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distinct codes (sorted), a row holding each, and each row's rank among them.

    What ``np.unique(codes, return_index=True, return_inverse=True)`` gives,
    by counting instead of sorting (codes are ``-1`` to ``categories - 1``);
    the row for each code is one of its rows, not necessarily the first.
    """
    shifted = codes.astype(np.int64) + 1
    present = np.bincount(shifted, minlength=categories + 1) > 0
    distinct = np.flatnonzero(present)
    rank = np.full(categories + 1, -1, dtype=np.int64)
    rank[distinct] = np.arange(len(distinct))
    row = np.zeros(categories + 1, dtype=np.int64)
    row[shifted] = np.arange(len(shifted))
    return distinct - 1, row[distinct], rank[shifted]


def table_columns(
    typed: pd.DataFrame,
    text: pd.DataFrame,
    sep: str,
    as_text: Callable[[pd.DataFrame], pd.DataFrame],
) -> list[list[str]] | None:
    """Return the cells ``write_tables`` writes for ``as_text(typed)``, column by column.

    Parameters
    ----------
    typed : pandas.DataFrame
        The table as written (typed values).
    text : pandas.DataFrame
        The same rows as text, one categorical column per column of ``typed``.
    sep : str
        Field separator (``";"``: decimal comma).
    as_text : callable
        The conversion collect applies before writing (element by element).

    Returns
    -------
    list of list of str or None
        None when the columns differ, a column of ``text`` is not
        categorical, or one text stands for different typed values (then
        every cell must be formatted on its own).
    """
    n = len(typed)
    if len(text) != n or list(text.columns) != list(typed.columns) or n == 0:
        return None
    columns = []
    for col in typed.columns:
        raw = text[col]
        if not isinstance(raw.dtype, pd.CategoricalDtype):
            return None
        distinct, first, where = _distinct(raw.cat.codes.to_numpy(), len(raw.cat.categories))
        values = typed[col]
        one_each = values.iloc[first]
        if not _alike(values.to_numpy(), one_each.to_numpy()[where]):
            return None
        formatted = _format_column(as_text(one_each.to_frame())[col], sep)
        lookup = np.empty(len(distinct), dtype=object)
        lookup[:] = formatted
        columns.append(lookup[where].tolist())
    return columns


def write_columns(
    handle: TextIO, header: list[str], columns: list[list[str]], comment: str, sep: str
) -> None:
    """Write a comment line, the header and the rows as ``write_tables`` does.

    Parameters
    ----------
    handle : text file
        Opened with ``encoding="utf-8", newline=""``.
    header : list of str
        Column names.
    columns : list of list of str
        The cells, column by column (:func:`table_columns`).
    comment : str
        The file's comment line.
    sep : str
        Field separator.
    """
    handle.write(f"# {comment}\n")
    writer = csv.writer(handle, delimiter=sep, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(zip(*columns, strict=True))


def table_text(
    typed: pd.DataFrame,
    text: pd.DataFrame,
    comment: str,
    sep: str,
    as_text: Callable[[pd.DataFrame], pd.DataFrame],
) -> str | None:
    """Return what ``write_tables`` writes for ``as_text(typed)``, or None where unsure.

    Parameters
    ----------
    typed, text, sep, as_text
        As for :func:`table_columns`.
    comment : str
        The file's comment line.

    Returns
    -------
    str or None
        The file's text (see :func:`table_columns` for None).
    """
    columns = table_columns(typed, text, sep, as_text)
    if columns is None:
        return None
    out = io.StringIO()
    write_columns(out, list(typed.columns), columns, comment, sep)
    return out.getvalue()


__all__ = ["table_columns", "table_text", "write_columns"]
