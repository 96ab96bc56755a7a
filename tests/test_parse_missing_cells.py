"""A missing cell in a table built in code is typed as the empty cell a file gives.

The file readers hold ``""`` for an empty cell. A ``RawTable`` built in code
may hold a missing value instead (``None``, NaN), whose category code is -1;
typing must not take that code as an index (the last category). The
reference is the same table with ``""`` in those cells: the typed frames and
the problems must be equal.
"""

from __future__ import annotations

import pandas as pd
import pytest

from ogl_impact.parse import parse_table
from ogl_impact.schemas import TABLES
from ogl_impact.validate import validate_table
from tests.conftest import raw_table

# one column of each kind the schemas type: text, number, whole number, date, yes/no, category
CASES = [
    ("indicator_values", "disaggregation_value", ["Frauen", None, "Männer"]),
    ("indicator_values", "value", ["3,5", None, "7"]),
    ("indicator_values", "status", ["measured", None, "estimated"]),
    ("milestones", "achieved_date", ["2021-03-01", None, "2021-05-02"]),
    ("partners", "placeholder", ["ja", None, "nein"]),
    ("responses", "wave", ["1", None, "2"]),
    ("responses", "actor_group", ["verwaltung", None, "zivilgesellschaft"]),
]


def _frame(name: str) -> pd.DataFrame:
    columns = list(TABLES[name].model.to_schema().columns)
    fill = {
        "value": "1",
        "wave": "1",
        "placeholder": "nein",
        "planned_date": "2021-01-01",
        "achieved_date": "2021-01-01",
    }
    return pd.DataFrame({c: [fill.get(c, f"{c[:3]}{k}") for k in range(3)] for c in columns})


@pytest.mark.parametrize(("name", "column", "cells"), CASES)
@pytest.mark.parametrize("categorical", [True, False])
def test_a_missing_cell_is_typed_as_an_empty_one(name, column, cells, categorical, tmp_path):
    frame = _frame(name)
    missing, empty = frame.copy(), frame.copy()
    missing[column] = cells
    empty[column] = ["" if c is None else c for c in cells]
    if categorical:
        missing, empty = missing.astype("category"), empty.astype("category")
    model = TABLES[name].model
    got, got_problems = parse_table(raw_table(name, missing, tmp_path), model)
    want, want_problems = parse_table(raw_table(name, empty, tmp_path), model)
    pd.testing.assert_frame_equal(got, want)
    assert got_problems == want_problems


def test_the_last_category_is_not_taken_for_a_missing_cell(tmp_path):
    """``["b", None]`` with categories ``["a", "b"]`` was typed ``["b", "b"]``."""
    frame = _frame("indicator_values").iloc[:2].reset_index(drop=True).astype("category")
    frame["disaggregation_value"] = pd.Categorical(["b", None], categories=["a", "b"])
    typed, _ = parse_table(
        raw_table("indicator_values", frame, tmp_path), TABLES["indicator_values"].model
    )
    assert typed["disaggregation_value"].iloc[0] == "b"
    assert pd.isna(typed["disaggregation_value"].iloc[1])


def test_a_missing_required_cell_is_named_like_an_empty_one(tmp_path):
    """validate_table names a missing key cell as it names an empty one."""
    frame = _frame("indicator_values")
    missing, empty = frame.copy(), frame.copy()
    missing["period_id"] = ["p1", None, "p1"]
    empty["period_id"] = ["p1", "", "p1"]
    spec = TABLES["indicator_values"]
    got = validate_table(raw_table("indicator_values", missing.astype("category"), tmp_path), spec)
    want = validate_table(raw_table("indicator_values", empty.astype("category"), tmp_path), spec)
    pd.testing.assert_frame_equal(got[0], want[0])
    where = [(p.rule, p.line, p.column) for p in got[1]]  # the value: as the table holds it
    assert where == [(p.rule, p.line, p.column) for p in want[1]]
    assert ("not_nullable", 3, "period_id") in where
