"""Every schema and cross-table rule, fed a table that breaks it.

Each case edits one cell of a copy of the embedded tables at a line chosen
here, so the expected file, line, column and value are known by construction.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ogl_impact.validate import validate_folder

from .conftest import cell, edit, find_line, read_rows, write_rows


def problems_of(folder: Path):
    report = validate_folder(folder)
    return report, [p for p in report.problems if p.severity == "error"]


def assert_problem(folder: Path, file: str, line: int, column: str, value: str, rule: str):
    report, errors = problems_of(folder)
    hits = [p for p in errors if (p.file, p.line, p.column, p.rule) == (file, line, column, rule)]
    got = [(p.file, p.line, p.column, p.rule) for p in errors]
    assert hits, f"expected {rule} at {file}:{line} {column}; got {got}"
    assert hits[0].value == value
    assert hits[0].message("de") and hits[0].message("en")
    assert not report.ok
    return errors


def test_embedded_data_is_clean(mini: Path):
    report, errors = problems_of(mini)
    assert errors == []
    assert report.ok


# (table, line, column, new value, rule)
CELL_CASES = [
    ("labs", 3, "land", "DE-XX", "str_matches"),
    ("labs", 4, "grant_eur", "-5", "ge"),
    ("labs", 3, "grant_eur", "viel", "type_float"),
    ("labs", 3, "name", "", "not_nullable"),
    ("labs", 3, "source", "nirgendwo", "key_missing"),
    ("partners", 3, "kind", "verein", "isin"),
    ("partners", 3, "lab_id", "atlantis", "key_missing"),
    ("partners", 3, "placeholder", "vielleicht", "type_bool"),
    ("partners", 3, "land", "", "partner_known_fields"),
    ("periods", 3, "end", "2019-01-01", "period_end_after_start"),
    ("periods", 3, "start", "31.02.2020", "type_date"),
    ("periods", 3, "kind", "party", "isin"),
    ("waves", 3, "field_end", "01.01.2020", "wave_end_after_start"),
    ("waves", 3, "wave", "zwei", "type_int"),
    ("codebook", 3, "scale_max", "1", "scale_max_above_min"),
    ("codebook", 3, "value_labels", "1=nie|9=immer", "value_label_outside_scale"),
    ("codebook", 3, "value_labels", "irgendwas", "str_matches"),
    ("codebook", 3, "construct", "p8", "key_missing"),
    ("codebook", 3, "reverse_keyed", "2", "type_bool"),
    ("responses", 3, "value", "7", "value_outside_scale"),
    ("responses", 3, "value", "2,5", "value_not_on_scale"),
    ("responses", 3, "item_id", "xx_1", "key_missing"),
    ("responses", 3, "unit_id", "nowhere", "key_missing"),
    ("responses", 3, "wave", "9", "key_missing"),
    ("responses", 3, "respondent_id", "a b", "str_matches"),
    ("responses", 3, "actor_group", "rentner", "isin"),
    ("nodes", 3, "level", "wirkung", "isin"),
    ("nodes", 3, "perspectives", "p9", "key_missing"),
    ("nodes", 3, "contributes_to", "zz9", "key_missing"),
    ("indicators", 3, "measure", "prozent", "isin"),
    ("indicators", 3, "node_id", "zz9", "key_missing"),
    ("indicator_values", 3, "period_id", "sb9", "key_missing"),
    ("indicator_values", 3, "status", "geraten", "isin"),
    ("indicator_values", 3, "indicator_id", "i99", "key_missing"),
    ("milestones", 3, "period_id", "sb9", "key_missing"),
    ("milestones", 3, "completion", "fertig", "isin"),
    ("dac_ratings", 3, "criterion", "schönheit", "isin"),
    ("dac_ratings", 3, "rating", "5", "le"),
    ("dac_ratings", 3, "lab_id", "atlantis", "key_missing"),
]


@pytest.mark.parametrize(("table", "line", "column", "value", "rule"), CELL_CASES)
def test_cell_rule(mini: Path, table: str, line: int, column: str, value: str, rule: str):
    edit(mini, table, line, column, value)
    assert_problem(mini, f"{table}.csv", line, column, value, rule)


def test_stage_must_match_level(mini: Path):
    line = find_line(mini, "nodes", node_id="in1")
    edit(mini, "nodes", line, "stage", "3")
    assert_problem(mini, "nodes.csv", line, "stage", "3", "stage_matches_level")


def test_contribution_must_point_up(mini: Path):
    # oc1 and oc3 are both stage 4: a contribution between them is not upward, and no cycle
    lab = cell(mini, "nodes", find_line(mini, "nodes", node_id="oc3"), "lab_id")
    line = find_line(mini, "nodes", lab_id=lab, node_id="oc1")
    edit(mini, "nodes", line, "contributes_to", "oc2|oc3")
    errors = assert_problem(mini, "nodes.csv", line, "contributes_to", "oc2|oc3", "edge_not_upward")
    assert all(p.rule != "graph_cycle" for p in errors)
    assert "oc3" in errors[0].message("de") or any("oc3" in p.message("de") for p in errors)


def test_cycle_is_reported(mini: Path):
    line = find_line(mini, "nodes", node_id="im1")
    edit(mini, "nodes", line, "contributes_to", "oc5")
    _, errors = problems_of(mini)
    cycles = [p for p in errors if p.rule == "graph_cycle"]
    assert len(cycles) == 1
    assert "oc5" in cycles[0].message("de") and "im1" in cycles[0].message("de")
    assert any(p.rule == "edge_not_upward" and p.line == line for p in errors)


def test_percentage_baseline_range(mini: Path):
    line = find_line(mini, "indicators", measure="percentage")
    edit(mini, "indicators", line, "baseline_value", "150")
    assert_problem(
        mini,
        "indicators.csv",
        line,
        "target_value",
        cell(mini, "indicators", line, "target_value"),
        "percentage_range",
    )


def test_target_after_baseline(mini: Path):
    edit(mini, "indicators", 3, "target_date", "01.01.2019")
    assert_problem(mini, "indicators.csv", 3, "target_date", "01.01.2019", "target_after_baseline")


def test_count_value_must_be_whole_and_positive(mini: Path):
    line = find_line(mini, "indicators", measure="count")
    lab, ind = (
        cell(mini, "indicators", line, "lab_id"),
        cell(mini, "indicators", line, "indicator_id"),
    )
    vline = find_line(mini, "indicator_values", lab_id=lab, indicator_id=ind)
    edit(mini, "indicator_values", vline, "value", "-1")
    assert_problem(mini, "indicator_values.csv", vline, "value", "-1", "indicator_value_range")


def test_disaggregation_only_where_declared(mini: Path):
    line = find_line(mini, "indicators", disaggregation="")
    lab, ind = (
        cell(mini, "indicators", line, "lab_id"),
        cell(mini, "indicators", line, "indicator_id"),
    )
    vline = find_line(mini, "indicator_values", lab_id=lab, indicator_id=ind)
    edit(mini, "indicator_values", vline, "disaggregation_value", "citizens")
    assert_problem(
        mini,
        "indicator_values.csv",
        vline,
        "disaggregation_value",
        "citizens",
        "disaggregation_unexpected",
    )


def test_duplicate_key_reports_both_rows(mini: Path):
    path = mini / "indicator_values.csv"
    rows = read_rows(path)
    rows.insert(5, list(rows[2]))  # line 6 repeats line 3
    write_rows(path, rows)
    _report, errors = problems_of(mini)
    dup = sorted(p.line for p in errors if p.rule == "duplicate_key")
    assert dup == [3, 6]


def test_unique_id_reports_both_rows(mini: Path):
    other = cell(mini, "labs", 5, "lab_id")
    edit(mini, "labs", 4, "lab_id", other)
    _, errors = problems_of(mini)
    assert sorted(p.line for p in errors if p.rule == "unique" and p.file == "labs.csv") == [4, 5]


def test_complete_milestone_needs_date(mini: Path):
    line = find_line(mini, "milestones", completion="complete")
    edit(mini, "milestones", line, "achieved_date", "")
    assert_problem(mini, "milestones.csv", line, "achieved_date", "", "complete_has_date")


def test_respondent_in_two_groups(mini: Path):
    rid = cell(mini, "responses", 3, "respondent_id")
    line = find_line(mini, "responses", respondent_id=rid, item_id="p1_2")
    other = "politics" if cell(mini, "responses", line, "actor_group") != "politics" else "science"
    edit(mini, "responses", line, "actor_group", other)
    _, errors = problems_of(mini)
    hits = [p for p in errors if p.rule == "respondent_inconsistent"]
    assert len(hits) == 1 and hits[0].value == rid


def test_missing_and_extra_columns(mini: Path):
    path = mini / "labs.csv"
    rows = read_rows(path)
    col = rows[1].index("grant_holder")
    rows = [r if len(r) == 1 else [*r[:col], *r[col + 1 :], "x"] for r in rows]
    rows[1][-1] = "bemerkung"
    write_rows(path, rows)
    _, errors = problems_of(mini)
    found = {(p.rule, p.column, p.line) for p in errors if p.file == "labs.csv"}
    assert ("column_missing", "grant_holder", 2) in found
    assert ("column_extra", "bemerkung", 2) in found


def test_missing_table_is_named(mini: Path):
    (mini / "periods.csv").unlink()
    _, errors = problems_of(mini)
    missing = {(p.file, p.rule) for p in errors if p.rule == "table_missing"}
    assert ("indicator_values.csv", "table_missing") in missing
    assert ("milestones.csv", "table_missing") in missing


def test_all_problems_at_once(mini: Path):
    edit(mini, "labs", 3, "land", "DE-XX")
    edit(mini, "partners", 4, "kind", "verein")
    edit(mini, "responses", 5, "value", "9")
    _, errors = problems_of(mini)
    assert {("labs.csv", 3), ("partners.csv", 4), ("responses.csv", 5)} <= {
        (p.file, p.line) for p in errors
    }


def test_duplicate_response_key_reports_both_rows(mini: Path):
    path = mini / "responses.csv"
    rows = read_rows(path)
    rows.append(list(rows[10]))  # the last line repeats line 11
    write_rows(path, rows)
    _, errors = problems_of(mini)
    dup = sorted(p.line for p in errors if p.rule == "duplicate_key" and p.file == "responses.csv")
    assert dup == [11, len(rows)]


def test_a_type_failure_on_a_text_column_is_a_problem_not_a_crash(mini: Path):
    """pandera's dtype check failing on a text column has no type rule of its own.

    The parser reads every text cell, so this takes a frame pandera refuses
    by type where the parser found nothing; the failure must still come out
    as a problem naming the cell (``check_failed``), never an unknown rule.
    """
    import pandas as pd

    from ogl_impact.io import read_table
    from ogl_impact.schemas import TABLES
    from ogl_impact.validate import _translate

    raw = read_table(mini / "labs.csv", "labs")
    cases = pd.DataFrame(
        {
            "schema_context": ["Column"],
            "column": ["name"],
            "check": ["dtype('str')"],
            "check_number": [None],
            "failure_case": ["17"],
            "index": [0],
        }
    )
    problems = _translate(cases, raw, TABLES["labs"])
    found = [(p.rule, p.column, p.line) for p in problems]
    assert found == [("check_failed", "name", raw.lines[0])]
    assert "?" not in problems[0].message("de")
