"""Write tables as German spreadsheet CSV (semicolon, decimal comma, UTF-8), with a comment line.

Text cells that a spreadsheet would run as a formula (starting with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return) are written with a leading
apostrophe, as OWASP recommends against CSV injection; numbers are never
escaped. A carriage return inside a text cell is written as a line feed
(a lone one would end the row in spreadsheet programs). :func:`escape_cell`
is the one rule for every CSV and XLSX writer.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable
from pathlib import Path
from typing import TextIO

import numpy as np
import pandas as pd


def write_tables(
    frames: dict[str, pd.DataFrame], folder: Path, comment: str, sep: str = ";"
) -> list[Path]:
    """Write frames as German spreadsheet CSV (semicolon, decimal comma, UTF-8).

    Parameters
    ----------
    frames : dict of str to DataFrame
        Tables by file stem.
    folder : Path
        Target folder (created if missing).
    comment : str
        Leading ``#`` comment line of every file.
    sep : str
        Field separator; ``";"`` writes decimal commas, ``","`` decimal points.

    Returns
    -------
    list of Path
        The files written.
    """
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in frames.items():
        path = folder / f"{name}.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            _write_csv(handle, frame, comment, sep)
        written.append(path)
    return written


def table_csv_text(frame: pd.DataFrame, comment: str, sep: str = ";") -> str:
    r"""Return the text :func:`write_tables` writes for one frame, without a file.

    Parameters
    ----------
    frame : DataFrame
        The table.
    comment : str
        Leading ``#`` comment line.
    sep : str
        Field separator, as for :func:`write_tables`.

    Returns
    -------
    str
        Comment line, header and rows, each ending in ``\n``.

    Examples
    --------
    >>> table_csv_text(pd.DataFrame({"a": [1.5], "b": ["=x"]}), "Test")
    "# Test\na;b\n1,5;'=x\n"
    """
    buffer = io.StringIO(newline="")
    _write_csv(buffer, frame, comment, sep)
    return buffer.getvalue()


def _write_csv(handle: TextIO, frame: pd.DataFrame, comment: str, sep: str) -> None:
    handle.write(f"# {comment}\n")
    writer = csv.writer(handle, delimiter=sep, lineterminator="\n")
    writer.writerow(frame.columns)
    writer.writerows(_cells(frame, sep))


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

CHANGED_BY_STORED_TEXT = "^[=+@\t-]|\r"
"""A regular expression matching exactly the text cells :func:`stored_text` changes."""


def escape_cell(text: str) -> str:
    """Make a text cell safe for spreadsheets (CSV injection).

    Parameters
    ----------
    text : str
        The cell's text.

    Returns
    -------
    str
        ``text`` with a leading apostrophe when it starts with ``=``, ``+``,
        ``-``, ``@``, a tab or a carriage return; otherwise unchanged.

    Examples
    --------
    >>> print(escape_cell('=HYPERLINK("http://x", "klick")'))
    '=HYPERLINK("http://x", "klick")
    >>> print(escape_cell("Bürgerhaushalt"))
    Bürgerhaushalt
    """
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def stored_text(text: str) -> str:
    r"""Return a text cell as :func:`write_tables` writes it (and reading gives back).

    Parameters
    ----------
    text : str
        The cell's text.

    Returns
    -------
    str
        :func:`escape_cell` applied, and every line break made ``\n`` (a
        lone carriage return would end the row in spreadsheet programs).

    Examples
    --------
    >>> stored_text("-5 % wegen Umbau")
    "'-5 % wegen Umbau"
    >>> stored_text("Zeile 1\r\nZeile 2")
    'Zeile 1\nZeile 2'
    """
    text = str(escape_cell(text))  # a str subclass comes back as str, as from replace
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def _cells(frame: pd.DataFrame, sep: str) -> Iterable[list[str]]:
    columns = [_format_column(frame[c], sep) for c in frame.columns]
    return (list(row) for row in zip(*columns, strict=True))


def _format_column(series: pd.Series, sep: str) -> list[str]:
    def one(v: object) -> str:
        if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA:
            return ""
        if isinstance(v, bool | np.bool_):
            return "true" if v else "false"
        if isinstance(v, float | np.floating):
            text = repr(float(v)) if not float(v).is_integer() else str(int(v))
            return text.replace(".", ",") if sep == ";" else text
        if isinstance(v, int | np.integer):
            return str(v)
        return stored_text(str(v))

    # Cells repeat (labs, periods, codes, rounded numbers): each distinct value is
    # formatted once. Only types whose equal values always print alike are cached
    # (not e.g. timestamps of different time zones, which compare equal).
    cache: dict[tuple[type, object], str] = {}
    texts: dict[str, str] = {}  # the most common kind, keyed by itself
    out: list[str] = []
    append = out.append
    for v in series.astype(object):
        kind = type(v)
        if kind is str:
            text = texts.get(v)
            if text is None:
                text = texts[v] = stored_text(v)
            append(text)
            continue
        if kind not in _CACHED:
            append(one(v))
            continue
        key = (kind, v)
        text = cache.get(key)
        if text is None:
            text = cache[key] = one(v)
        append(text)
    return out


_CACHED = frozenset({str, int, float, bool, np.float64, np.int64, np.bool_})
