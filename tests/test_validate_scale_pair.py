"""``indicators.csv`` with one of ``scale_min`` and ``scale_max`` but not the other.

The two columns are optional together (a table of an older version has
neither). One without the other is one error naming the missing column, not
one "broken scale" per row.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ogl_impact.cli import main
from ogl_impact.validate import validate_folder

DEMO = Path(__file__).resolve().parents[1] / "data" / "raw"


def without(tmp_path: Path, column: str) -> Path:
    """The demo folder with ``column`` removed from ``indicators.csv``."""
    folder = tmp_path / "raw"
    shutil.copytree(DEMO, folder)
    path = folder / "indicators.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    header = next(i for i, t in enumerate(lines) if not t.startswith("#"))
    at = lines[header].split(";").index(column)
    for i in range(header, len(lines)):
        cells = lines[i].split(";")
        del cells[at]
        lines[i] = ";".join(cells)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


@pytest.mark.parametrize(("gone", "kept"), [("scale_max", "scale_min"), ("scale_min", "scale_max")])
def test_half_a_scale_is_one_error_naming_the_missing_column(tmp_path, gone, kept):
    folder = without(tmp_path, gone)
    errors = validate_folder(folder).errors
    assert [(p.file, p.line, p.column, p.rule) for p in errors] == [
        ("indicators.csv", 2, gone, "column_missing_pair")
    ]
    assert dict(errors[0].params)["present"] == kept


def test_the_message_names_both_columns_in_german(tmp_path, capsys):
    folder = without(tmp_path, "scale_max")
    assert main(["validate", str(folder)]) == 1
    said = capsys.readouterr()
    text = said.out + said.err
    assert "indicators.csv, Zeile 2, Spalte „scale_max“" in text, text
    assert "die Kopfzeile hat scale_min, aber nicht scale_max" in text, text
    assert "indicator_scale" not in text, text


def test_neither_column_is_a_table_of_an_older_version(tmp_path):
    folder = without(tmp_path, "scale_max")
    path = folder / "indicators.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    header = next(i for i, t in enumerate(lines) if not t.startswith("#"))
    at = lines[header].split(";").index("scale_min")
    lines[header:] = [";".join(c for j, c in enumerate(t.split(";")) if j != at)
                      for t in lines[header:]]  # fmt: skip
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert validate_folder(folder).ok
