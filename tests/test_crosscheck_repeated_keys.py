"""Cross-table rules on rows that share a key: each row is judged, and named at its own line.

The rules on keys work once per distinct key (a national values table
repeats ~200,000 keys two million times) and take the answer back to the
rows. These cases put the same key on several lines, between rows of other
keys, with some of its rows broken and some not, so a row judged by the
answer of another row's key, or named at another row's line, fails them.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ogl_impact.schemas.crosscheck import _combined_codes, _distinct_rows, _meant_keys
from ogl_impact.validate import validate_folder

from .conftest import read_rows, write_rows


def _errors(folder: Path, rule: str) -> list[tuple[str, int, str, str]]:
    report = validate_folder(folder)
    return sorted(
        (p.file, p.line, p.column, p.value)
        for p in report.problems
        if p.severity == "error" and p.rule == rule
    )


def _rows(folder: Path, table: str) -> tuple[list[list[str]], list[str]]:
    rows = read_rows(folder / f"{table}.csv")
    return rows, rows[1]


def _indicator(folder: Path, **where: str) -> tuple[str, str]:
    rows, header = _rows(folder, "indicators")
    for row in rows[2:]:
        if all(row[header.index(k)] == v for k, v in where.items()):
            return row[header.index("lab_id")], row[header.index("indicator_id")]
    raise LookupError(where)


def _value_lines(folder: Path, lab: str, indicator: str) -> list[int]:
    rows, header = _rows(folder, "indicator_values")
    return [
        number
        for number, row in enumerate(rows[2:], start=3)
        if row[header.index("lab_id")] == lab and row[header.index("indicator_id")] == indicator
    ]


def _set(folder: Path, table: str, lines: list[int], **cells: str) -> None:
    rows, header = _rows(folder, table)
    for line in lines:
        for column, value in cells.items():
            rows[line - 1][header.index(column)] = value
    write_rows(folder / f"{table}.csv", rows)


def test_an_unknown_key_on_three_lines_is_named_at_each(mini: Path):
    rows, header = _rows(mini, "indicator_values")
    lab = rows[2][header.index("lab_id")]
    # three lines apart from each other, rows of other keys between them (the first row's
    # key stays a known one); an unknown lab on a line of even and one of odd position
    lines = [5, 5 + (len(rows) - 5) // 2, len(rows)]
    _set(mini, "indicator_values", lines, indicator_id="i97")
    _set(mini, "indicator_values", [7, 10], lab_id="atlantis")
    got = [e for e in _errors(mini, "key_missing") if e[0] == "indicator_values.csv"]
    # an unknown indicator of a known lab is named at indicator_id, an unknown lab at lab_id
    assert got == sorted(
        [("indicator_values.csv", line, "indicator_id", "i97") for line in lines]
        + [("indicator_values.csv", line, "lab_id", "atlantis") for line in (7, 10)]
    )
    assert rows[2][header.index("lab_id")] == lab


def test_only_the_rows_of_a_key_that_break_its_measure_are_named(mini: Path):
    lab, indicator = _indicator(mini, measure="count")
    lines = _value_lines(mini, lab, indicator)
    assert len(lines) >= 3
    # the first and last value of the key break the rule, those between keep it
    _set(mini, "indicator_values", [lines[0]], value="-1")
    _set(mini, "indicator_values", [lines[-1]], value="2,5")
    _set(mini, "indicator_values", lines[1:-1], value="4")
    got = [e[:3] for e in _errors(mini, "indicator_value_range")]
    assert got == [
        ("indicator_values.csv", lines[0], "value"),
        ("indicator_values.csv", lines[-1], "value"),
    ]


def test_a_rated_value_off_its_scale_is_named_with_the_scale_of_its_own_indicator(mini: Path):
    rows, header = _rows(mini, "indicators")
    rated = [
        (n, r) for n, r in enumerate(rows[2:], start=3) if r[header.index("measure")] == "ordinal"
    ]
    assert len(rated) >= 2
    # two rated indicators on different scales; the values of both, off each other's scale
    (line_a, row_a), (line_b, row_b) = rated[0], rated[1]
    rows[line_a - 1][header.index("scale_min")] = "1"
    rows[line_a - 1][header.index("scale_max")] = "5"
    rows[line_b - 1][header.index("scale_min")] = "0"
    rows[line_b - 1][header.index("scale_max")] = "10"
    rows[line_a - 1][header.index("baseline_value")] = "2"
    rows[line_a - 1][header.index("target_value")] = "4"
    rows[line_b - 1][header.index("baseline_value")] = "2"
    rows[line_b - 1][header.index("target_value")] = "4"
    write_rows(mini / "indicators.csv", rows)
    key_a = (row_a[header.index("lab_id")], row_a[header.index("indicator_id")])
    key_b = (row_b[header.index("lab_id")], row_b[header.index("indicator_id")])
    lines_a, lines_b = _value_lines(mini, *key_a), _value_lines(mini, *key_b)
    assert lines_a and lines_b
    _set(mini, "indicator_values", lines_a, value="3")
    _set(mini, "indicator_values", lines_b, value="3")
    _set(mini, "indicator_values", [lines_a[0]], value="8")  # off 1..5, on 0..10
    _set(mini, "indicator_values", [lines_b[-1]], value="11")  # off 0..10
    report = validate_folder(mini)
    got = sorted(
        (p.line, p.value, p.message("de"))
        for p in report.problems
        if p.rule == "indicator_value_range"
    )
    assert [(line, value) for line, value, _ in got] == sorted(
        [(lines_a[0], "8"), (lines_b[-1], "11")]
    )
    said = dict((line, text) for line, _, text in got)
    assert "1 bis 5" in said[lines_a[0]]
    assert "0 bis 10" in said[lines_b[-1]]


def test_a_breakdown_on_an_undivided_indicator_is_named_on_each_row_that_has_one(mini: Path):
    lab, indicator = _indicator(mini, disaggregation="")
    lines = _value_lines(mini, lab, indicator)
    assert len(lines) >= 3
    _set(mini, "indicator_values", [lines[0], lines[-1]], disaggregation_value="citizens")
    got = [e[1:] for e in _errors(mini, "disaggregation_unexpected")]
    assert got == [
        (lines[0], "disaggregation_value", "citizens"),
        (lines[-1], "disaggregation_value", "citizens"),
    ]


def test_a_list_of_targets_repeated_on_several_nodes_is_named_on_each(mini: Path):
    rows, header = _rows(mini, "nodes")
    targets = header.index("contributes_to")
    with_targets = [n for n, r in enumerate(rows[2:], start=3) if r[targets]]
    chosen = [with_targets[0], with_targets[len(with_targets) // 2], with_targets[-1]]
    # the same text on three nodes (of different labs): one unknown target in each
    kept = {line: rows[line - 1][targets] for line in chosen}
    for line in chosen:
        rows[line - 1][targets] = "zz9|" + kept[line]
    write_rows(mini / "nodes.csv", rows)
    got = [e for e in _errors(mini, "key_missing") if e[0] == "nodes.csv"]
    assert [(line, column) for _, line, column, _ in got] == [
        (line, "contributes_to") for line in chosen
    ]


def test_keys_that_differ_as_text_stay_apart_where_the_table_as_read_has_no_codes():
    # typed keys held as Python objects (a table built in code, not read): 1, 1.0 and True
    # are three texts to the rules, though equal to a hash table
    frame = pd.DataFrame({"lab_id": ["a"] * 5, "indicator_id": [1, 1.0, True, "1", 1.0]})
    frame["indicator_id"] = frame["indicator_id"].astype(object)
    distinct, which = _distinct_rows(frame, ["lab_id", "indicator_id"])
    as_text = frame.astype("string")
    assert as_text.equals(distinct.astype("string").iloc[which].reset_index(drop=True))
    assert sorted(distinct["indicator_id"].astype("string")) == ["1", "1.0", "True"]


def test_three_key_columns_of_millions_of_categories_never_share_a_combined_code():
    # packed as digits, lab code 0 and lab code 2**22 would wrap onto one int64
    # (2**22 * 2**21 * 2**21 = 2**64); the codes are renumbered before that
    def column(codes: list[int], size: int) -> pd.Categorical:
        return pd.Categorical.from_codes(codes, dtype=pd.CategoricalDtype(pd.RangeIndex(size)))

    frame = pd.DataFrame(
        {
            "lab_id": column([0, 2**22, 1], 2**22 + 1),
            "period_id": column([0, 0, 0], 2**21 - 2),
            "sha256": column([0, 0, 0], 2**21 - 2),
        }
    )
    combined = _combined_codes(frame, ["lab_id", "period_id", "sha256"])
    assert len(set(combined.tolist())) == 3


def test_a_mistyped_lab_is_told_the_lab_meant_among_the_distinct_labs_of_a_large_parent():
    # 3 labs with 2,000 indicators each: 6,000 parent rows, but only 3 labs to choose from
    parent = pd.DataFrame(
        {
            "lab_id": [lab for lab in ("bad_belzig", "moers", "wuppertal") for _ in range(2000)],
            "indicator_id": [f"i{n:04d}" for _ in range(3) for n in range(2000)],
        }
    ).astype("string")
    keys = pd.DataFrame({"lab_id": ["bad_belzgi"], "indicator_id": ["i0007"]}).astype("string")
    meant = _meant_keys(keys, np.array([0]), np.array([0]), parent)
    assert meant == {0: "bad_belzig"}
