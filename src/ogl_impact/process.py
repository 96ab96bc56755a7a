"""Write a validated dataset as Parquet plus a Frictionless ``datapackage.json``.

The raw folder is only read. The output folder is written through the safe
writer (:mod:`ogl_impact.write.target`): built beside its final place and
swapped in at the end, so a failing run leaves the previous output as it was;
only a folder written by ``process`` is ever replaced, and the project root,
the raw folder and folders around or inside it are refused. The same input
gives byte-identical files.
"""

from __future__ import annotations

import hashlib
import json
from concurrent.futures import Future, ThreadPoolExecutor
from contextvars import ContextVar
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from ogl_impact.dataset import Dataset
from ogl_impact.parse import column_kind
from ogl_impact.problems import Problem
from ogl_impact.schemas import TABLES
from ogl_impact.schemas.crosscheck import REFERENCES
from ogl_impact.validate import validate_folder
from ogl_impact.write.target import TargetError, check_target, replace_folder

FRICTIONLESS_TYPES = {
    "str": "string",
    "category": "string",
    "int": "integer",
    "float": "number",
    "bool": "boolean",
    "date": "date",
}


class ProcessError(TargetError):
    """The run cannot go ahead (for example, OUT lies inside RAW)."""


def process(raw: str | Path, out: str | Path) -> list[Path]:
    """Validate the tables in ``raw`` and write them to ``out``.

    Parameters
    ----------
    raw : str or Path
        Folder of raw tables; never written to.
    out : str or Path
        Output folder; replaced as a whole when the run succeeds.

    Returns
    -------
    list of Path
        The files written (inside ``out``).

    Raises
    ------
    DataValidationError
        When the raw tables are invalid (nothing is written).
    ProcessError
        When ``out`` is refused: the project root, ``raw`` itself, a folder
        containing it or inside it, or a non-empty folder not written by
        ``process`` (nothing is written).
    """
    # Each table without errors of its own is written to the staging folder in a
    # thread while the next tables and the cross-table rules are checked; a run
    # that fails later drops the staging folder, so nothing reaches ``out``.
    raw, out = Path(raw), Path(out)
    try:
        check_target(out, "process", [raw])
    except TargetError as exc:
        raise ProcessError(str(exc)) from None
    with (
        replace_folder(out, "process", [raw]) as staging,
        ThreadPoolExecutor(max_workers=1, thread_name_prefix="ogl-write") as pool,
    ):
        early: dict[Path, Future[tuple[int, str]]] = {}

        def write_early(name: str, frame: pd.DataFrame, problems: list[Problem]) -> None:
            # a table without errors of its own is written while the next ones are checked;
            # should any rule fail later, the staging folder is dropped with it
            if not any(p.severity == "error" for p in problems):
                path = staging / f"{name}.parquet"
                early[path] = pool.submit(_write_parquet, frame, path)

        try:
            report = validate_folder(raw, on_table=write_early)
            dataset = Dataset.from_report(report)  # raises: staging is removed, OUT kept
            token = _EARLY.set(early)
            try:
                names = write_dataset(dataset, staging)
            finally:
                _EARLY.reset(token)
        except BaseException:
            for future in early.values():
                future.cancel()
            raise
    return [out / name for name in names]


_EARLY: ContextVar[dict[Path, Future[tuple[int, str]]] | None] = ContextVar(
    "ogl_impact_early_writes", default=None
)
"""Parquet files of the current ``process`` run already being written, by path."""


def write_dataset(dataset: Dataset, folder: Path) -> list[str]:
    """Write every table as Parquet and the ``datapackage.json`` into ``folder``.

    Within :func:`process`, tables written in the background while the rest
    was checked are waited for, not written again (the bytes are the same).

    Returns
    -------
    list of str
        File names written, ``datapackage.json`` last.
    """
    from ogl_impact import __version__

    early = _EARLY.get() or {}
    resources = []
    names = []
    for name, frame in dataset.tables.items():
        path = folder / f"{name}.parquet"
        future = early.get(path)
        size, digest = future.result() if future is not None else _write_parquet(frame, path)
        info = dataset.files[name]
        resources.append(
            {
                "name": name,
                "path": path.name,
                "format": "parquet",
                "profile": "tabular-data-resource",
                "title": TABLES[name].title_de,
                "rows": len(frame),
                "bytes": size,
                "hash": "sha256:" + digest,
                "synthetic": info.synthetic,
                "raw": {"path": info.path.name, "hash": "sha256:" + info.sha256},
                "schema": _own_fields(table_schema(name), frame),
            }
        )
        names.append(path.name)
    package = {
        "profile": "tabular-data-package",
        "name": "ogl-impact-processed",
        "title": "ogl-impact: geprüfte Programmdaten",
        "ogl_impact_version": __version__,
        "synthetic": dataset.synthetic,
        "resources": resources,
    }
    text = json.dumps(package, ensure_ascii=False, indent=2, sort_keys=False) + "\n"
    (folder / "datapackage.json").write_text(text, encoding="utf-8")
    names.append("datapackage.json")
    return names


def _own_fields(schema: dict[str, Any], frame: pd.DataFrame) -> dict[str, Any]:
    """Return ``schema`` with only the fields ``frame`` has.

    An optional column a table of an older version lacks (``scale_min`` of
    ``indicators``) is not in its Parquet file, so not declared either.
    """
    have = set(frame.columns)
    return {**schema, "fields": [f for f in schema["fields"] if f["name"] in have]}


def _write_parquet(frame: pd.DataFrame, path: Path) -> tuple[int, str]:
    """Write one table as Parquet; return the file's size and sha256."""
    table = pa.Table.from_pandas(frame.reset_index(drop=True), preserve_index=False)
    # one large row group: a million-category column is not rewritten per group
    pq.write_table(table, path, compression="zstd", row_group_size=1 << 26)
    return path.stat().st_size, _sha256(path)


def table_schema(name: str) -> dict[str, Any]:
    """Return the Frictionless table schema of a programme table.

    Parameters
    ----------
    name : str
        Table name, a key of :data:`ogl_impact.schemas.TABLES`.

    Returns
    -------
    dict
        ``fields`` (name, type, title, description, constraints),
        ``primaryKey`` and ``foreignKeys``.
    """
    spec = TABLES[name]
    schema = spec.model.to_schema()
    fields = []
    for col_name, col in schema.columns.items():
        meta = col.metadata or {}
        constraints: dict[str, Any] = {"required": not col.nullable}
        if col.unique:
            constraints["unique"] = True
        for check in col.checks:
            stats = check.statistics or {}
            if check.name == "isin":
                constraints["enum"] = list(stats["allowed_values"])
            elif check.name == "str_matches":
                constraints["pattern"] = str(stats["pattern"])
            elif check.name == "greater_than_or_equal_to":
                constraints["minimum"] = stats["min_value"]
            elif check.name == "less_than_or_equal_to":
                constraints["maximum"] = stats["max_value"]
        fields.append(
            {
                "name": col_name,
                "type": FRICTIONLESS_TYPES[column_kind(col.dtype)],
                "title": meta.get("label_de", col_name),
                "description": meta.get("description_de", ""),
                "description_en": meta.get("description_en", ""),
                "constraints": constraints,
            }
        )
    foreign = [
        {"fields": list(ccols), "reference": {"resource": parent, "fields": list(pcols)}}
        for child, ccols, parent, pcols, is_list in REFERENCES
        if child == name and not is_list
    ]
    return {"fields": fields, "primaryKey": list(spec.key), "foreignKeys": foreign}


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


__all__ = ["ProcessError", "process", "table_schema", "write_dataset"]
