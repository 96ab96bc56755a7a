"""The validated bundle of programme tables: :class:`Dataset`, :func:`load`, :func:`load_demo`.

:func:`lab_names` is the one rule for a lab's short name, used by every table,
figure and status line that names a lab.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pandas as pd

from ogl_impact.problems import Problem, format_text
from ogl_impact.schemas import TABLES
from ogl_impact.validate import ValidationReport, validate_folder


class DataValidationError(ValueError):
    """The input tables break rules; ``problems`` lists every one of them."""

    def __init__(self, problems: list[Problem], lang: str = "de"):
        self.problems = problems
        errors = [p for p in problems if p.severity == "error"]
        # one line per root cause, then single problems (see problems.group_problems)
        lines = format_text(errors, lang, summarise=True).splitlines()  # type: ignore[arg-type]
        shown = "\n".join(lines[:20])
        more = f"\n… und {len(lines) - 20} weitere Zeilen" if len(lines) > 20 else ""
        super().__init__(f"{len(errors)} Fehler in den Eingabedaten:\n{shown}{more}")


@dataclass(frozen=True)
class TableFile:
    """Where a table came from.

    Attributes
    ----------
    path : Path
        The file read.
    sha256 : str
        Hash of its bytes.
    rows : int
        Number of data rows.
    synthetic : bool
        Whether the file says it holds synthetic demo data.
    """

    path: Path
    sha256: str
    rows: int
    synthetic: bool


@dataclass(frozen=True)
class Dataset:
    """Validated programme tables, one pandas DataFrame per table.

    Tables are reached by name, as attributes (``ds.labs``) or items
    (``ds["labs"]``). Build one with :func:`load` or :func:`load_demo`.

    Attributes
    ----------
    tables : mapping of str to DataFrame
        The typed, validated tables (read-only mapping).
    files : mapping of str to TableFile
        Provenance of every table.
    folder : Path
        The folder the tables were read from.
    warnings : tuple of Problem
        Problems that did not stop loading (unknown files, duplicates).
    """

    tables: MappingProxyType
    files: MappingProxyType
    folder: Path
    warnings: tuple[Problem, ...] = ()

    @classmethod
    def from_report(cls, report: ValidationReport) -> Dataset:
        """Build a dataset from a clean validation report.

        Raises
        ------
        DataValidationError
            When the report holds errors.
        """
        if not report.ok:
            raise DataValidationError(report.problems)
        files = {
            name: TableFile(raw.path, raw.sha256, len(raw.frame), raw.synthetic)
            for name, raw in report.raw.items()
        }
        return cls(
            tables=MappingProxyType(dict(report.tables)),
            files=MappingProxyType(files),
            folder=report.folder,
            warnings=tuple(report.problems),
        )

    @property
    def synthetic(self) -> bool:
        """True when any table is synthetic demo data."""
        return any(f.synthetic for f in self.files.values())

    def __getitem__(self, name: str) -> pd.DataFrame:
        try:
            return self.tables[name]
        except KeyError:
            known = ", ".join(self.tables) or "keine"
            raise KeyError(f"no table {name!r} in this dataset; tables: {known}") from None

    def __getattr__(self, name: str) -> Any:
        if name in TABLES and name in self.tables:
            return self.tables[name]
        known = ", ".join(self.tables) or "keine"
        raise AttributeError(f"no table or attribute {name!r}; tables: {known}")

    def __dir__(self) -> list[str]:
        return sorted(set(super().__dir__()) | set(self.tables))

    def summary(self) -> pd.DataFrame:
        """One row per table: rows, columns, synthetic flag and file.

        Returns
        -------
        pandas.DataFrame
            Columns ``table``, ``rows``, ``columns``, ``synthetic``, ``file``.
        """
        return pd.DataFrame(
            [
                {
                    "table": name,
                    "rows": info.rows,
                    "columns": self.tables[name].shape[1],
                    "synthetic": info.synthetic,
                    "file": info.path.name,
                }
                for name, info in self.files.items()
            ]
        )

    def __repr__(self) -> str:
        kind = "synthetic demo data" if self.synthetic else "data"
        parts = ", ".join(f"{n}={i.rows}" for n, i in self.files.items())
        return f"Dataset({kind} from {self.folder}: {parts})"

    def _repr_html_(self) -> str:
        note = "<p><strong>Enthält synthetische Demodaten.</strong></p>" if self.synthetic else ""
        return f"<p>Datensatz aus <code>{html.escape(str(self.folder))}</code></p>{note}" + (
            self.summary().to_html(index=False)
        )


def lab_names(data: Dataset) -> dict[str, str]:
    """Short lab names by lab id: the name without the part in brackets or quotes.

    The one rule for naming a lab; tables (:mod:`ogl_impact.present`), figures
    (:mod:`ogl_impact.reports`), the impact model and the delivery status read it here.

    Parameters
    ----------
    data : Dataset
        The dataset whose ``labs`` table names the labs.

    Returns
    -------
    dict
        ``{lab_id: name}``; empty when the dataset has no ``labs`` table.

    Examples
    --------
    >>> names = lab_names(load_demo())
    >>> len(names)
    13
    >>> any("(" in name or "„" in name for name in names.values())
    False
    """
    if "labs" not in data.tables:
        return {}
    return short_lab_names(data["labs"])


def short_lab_names(labs: pd.DataFrame) -> dict[str, str]:
    """Short lab names by lab id from a ``labs`` table (the rule of :func:`lab_names`).

    Parameters
    ----------
    labs : pandas.DataFrame
        A table with the columns ``lab_id`` and ``name``.

    Returns
    -------
    dict
        ``{lab_id: name}``, the name without the part in brackets or quotes.

    Examples
    --------
    >>> short_lab_names(pd.DataFrame({"lab_id": ["kehl"], "name": ["Oberrhein (Kehl, Tengen)"]}))
    {'kehl': 'Oberrhein'}
    """
    short = labs["name"].astype(str).str.split(" \\(|„", regex=True).str[0].str.strip()
    return dict(zip(labs["lab_id"].astype(str), short, strict=True))


def load(path: str | Path) -> Dataset:
    """Read and validate a folder of programme tables.

    Parameters
    ----------
    path : str or Path
        Folder with CSV or XLSX files named after the tables (``labs.csv``,
        ``responses.xlsx``, ...). CSV may be German spreadsheet CSV
        (semicolon, decimal comma, UTF-8 or Windows-1252) or plain comma CSV.

    Returns
    -------
    Dataset

    Raises
    ------
    DataValidationError
        When any table breaks a rule; its ``problems`` attribute lists them all.

    Examples
    --------
    >>> ds = load(demo_path())
    >>> len(ds.labs)
    13
    """
    return Dataset.from_report(validate_folder(path))


def demo_path() -> Path:
    """Return the folder of the embedded data (``data/raw`` of the project)."""
    packaged = resources.files("ogl_impact") / "_demo_data"
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[2] / "data" / "raw"


def load_demo() -> Dataset:
    """Load the embedded data: real programme facts plus synthetic demo tables.

    Returns
    -------
    Dataset
        ``synthetic`` is True: survey answers, indicator values, impact models
        and milestones are simulated (see ``data/raw/README.md``).

    Examples
    --------
    >>> ds = load_demo()
    >>> ds.synthetic
    True
    """
    return load(demo_path())
