"""Write tables as German spreadsheet CSV (semicolon, decimal comma, UTF-8), with a comment line."""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable
from pathlib import Path

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
            handle.write(f"# {comment}\n")
            writer = csv.writer(handle, delimiter=sep, lineterminator="\n")
            writer.writerow(frame.columns)
            writer.writerows(_cells(frame, sep))
        written.append(path)
    return written


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
        return str(v)

    return [one(v) for v in series.astype(object)]
