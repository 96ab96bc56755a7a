"""Write a validated dataset as Parquet plus a Frictionless ``datapackage.json``.

The raw folder is only read. The output folder is built beside its final
place and swapped in at the end, so a failing run leaves the previous output
as it was; the same input gives byte-identical files.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from ogl_impact.dataset import Dataset, load
from ogl_impact.parse import column_kind
from ogl_impact.schemas import TABLES
from ogl_impact.schemas.crosscheck import REFERENCES

FRICTIONLESS_TYPES = {
    "str": "string",
    "category": "string",
    "int": "integer",
    "float": "number",
    "bool": "boolean",
    "date": "date",
}


class ProcessError(Exception):
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
        When ``out`` is ``raw`` or lies inside it.
    """
    raw, out = Path(raw), Path(out)
    raw_r, out_r = raw.resolve(), out.resolve()
    if out_r == raw_r or raw_r in out_r.parents:
        raise ProcessError(
            f"OUT ({out}) liegt in RAW ({raw}); RAW wird nie beschrieben / OUT lies inside RAW"
        )
    dataset = load(raw)
    out_r.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_r.name}.tmp-", dir=out_r.parent))
    try:
        names = write_dataset(dataset, staging)
        _swap(staging, out_r)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return [out / name for name in names]


def write_dataset(dataset: Dataset, folder: Path) -> list[str]:
    """Write every table as Parquet and the ``datapackage.json`` into ``folder``.

    Returns
    -------
    list of str
        File names written, ``datapackage.json`` last.
    """
    from ogl_impact import __version__

    resources = []
    names = []
    for name, frame in dataset.tables.items():
        path = folder / f"{name}.parquet"
        table = pa.Table.from_pandas(frame.reset_index(drop=True), preserve_index=False)
        # one large row group: a million-category column is not rewritten per group
        pq.write_table(table, path, compression="zstd", row_group_size=1 << 26)
        info = dataset.files[name]
        resources.append(
            {
                "name": name,
                "path": path.name,
                "format": "parquet",
                "profile": "tabular-data-resource",
                "title": TABLES[name].title_de,
                "rows": len(frame),
                "bytes": path.stat().st_size,
                "hash": "sha256:" + _sha256(path),
                "synthetic": info.synthetic,
                "raw": {"path": info.path.name, "hash": "sha256:" + info.sha256},
                "schema": table_schema(name),
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


def _swap(staging: Path, out: Path) -> None:
    """Put ``staging`` in the place of ``out`` with two renames."""
    if not out.exists():
        os.replace(staging, out)
        return
    if not out.is_dir():
        raise ProcessError(f"OUT ({out}) ist keine Ordner / is not a folder")
    retired = out.with_name(f".{out.name}.old-{os.getpid()}")
    os.replace(out, retired)
    try:
        os.replace(staging, out)
    except BaseException:
        os.replace(retired, out)
        raise
    shutil.rmtree(retired, ignore_errors=True)


__all__ = ["ProcessError", "process", "table_schema", "write_dataset"]
