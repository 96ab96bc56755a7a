"""Values that are refused rather than guessed, misnamed files, and one root cause told once.

Cases edit a copy of the small embedded tables (semicolon files with decimal
comma, as German spreadsheets write them); expected counts are counted from
the edited files with the csv module, not taken from the validator.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from ogl_impact.cli import main
from ogl_impact.parse import MAX_ABS_NUMBER
from ogl_impact.problems import MAX_LINES_PER_COLUMN, format_text, group_problems
from ogl_impact.validate import validate_folder

from .conftest import edit, find_line, read_rows, write_rows


def _errors(folder: Path):
    report = validate_folder(folder)
    return report, [p for p in report.problems if p.severity == "error"]


def _one(folder: Path, file: str, line: int, column: str, rule: str):
    report, errors = _errors(folder)
    hits = [p for p in errors if (p.file, p.line, p.column, p.rule) == (file, line, column, rule)]
    got = [(p.file, p.line, p.column, p.rule) for p in errors]
    assert hits, f"expected {rule} at {file}:{line} {column}; got {got}"
    assert hits[0].message("de") and hits[0].message("en")
    return report, hits[0]


# (table, column, value, rule): numbers that must not be guessed
REFUSED = [
    ("labs", "grant_eur", "0.250", "number_ambiguous"),
    ("labs", "grant_eur", "1.000", "number_ambiguous"),
    ("labs", "grant_eur", "-2.500", "number_ambiguous"),
    ("labs", "grant_eur", "inf", "number_not_finite"),
    ("labs", "grant_eur", "1e308", "number_too_large"),
    ("labs", "grant_eur", "1e400", "number_not_finite"),
    ("indicator_values", "value", "nan", "number_not_finite"),
    ("indicator_values", "value", "NaN", "number_not_finite"),
    ("indicator_values", "value", "-inf", "number_not_finite"),
    ("indicator_values", "value", "Infinity", "number_not_finite"),
    ("indicator_values", "value", "1e308", "number_too_large"),
    ("indicator_values", "value", "0.500", "number_ambiguous"),
    ("responses", "value", "inf", "number_not_finite"),
    ("responses", "value", "NaN", "number_not_finite"),
    ("codebook", "scale_max", "1.000", "number_ambiguous"),
    ("waves", "wave", "inf", "number_not_finite"),
    ("dac_ratings", "rating", "1e308", "number_too_large"),
]


@pytest.mark.parametrize(("table", "column", "value", "rule"), REFUSED)
def test_number_refused_not_guessed(mini: Path, table: str, column: str, value: str, rule: str):
    edit(mini, table, 3, column, value)
    report, problem = _one(mini, f"{table}.csv", 3, column, rule)
    assert problem.value == value
    assert not report.ok


def test_ambiguous_number_message_offers_both_readings(mini: Path):
    edit(mini, "labs", 3, "grant_eur", "0.250")
    _, problem = _one(mini, "labs.csv", 3, "grant_eur", "number_ambiguous")
    text = problem.message("de")
    assert "250" in text and "0,25" in text and "0.25" in text


# German numbers that stay fine, with the value they mean
ACCEPTED = [("0,250", 0.25), ("1.000,5", 1000.5), ("1000", 1000.0), ("1.000.000", 1e6)]


@pytest.mark.parametrize(("text", "number"), ACCEPTED)
def test_unambiguous_german_numbers_stay_fine(mini: Path, text: str, number: float):
    edit(mini, "labs", 3, "grant_eur", text)
    report, errors = _errors(mini)
    assert errors == []
    assert report.tables["labs"]["grant_eur"].iat[0] == number  # line 3: first data row


def test_point_is_a_plain_decimal_in_comma_separated_files(tmp_path: Path):
    (tmp_path / "sources.csv").write_text("source_id,title,reference\ns1,T,R\n", encoding="utf-8")
    (tmp_path / "labs.csv").write_text(
        "lab_id,name,grant_holder,land,grant_eur,note,source\n"
        "a,A,H,DE-BY,0.250,,s1\nb,B,H,DE-BY,1.000,,s1\n",
        encoding="utf-8",
    )
    report, errors = _errors(tmp_path)
    assert errors == []
    assert report.tables["labs"]["grant_eur"].tolist() == [0.25, 1.0]


def test_magnitude_limit_is_a_module_constant(mini: Path):
    edit(mini, "labs", 3, "grant_eur", f"{MAX_ABS_NUMBER:.0f}")
    assert _errors(mini)[1] == []
    edit(mini, "labs", 3, "grant_eur", f"{MAX_ABS_NUMBER * 10:.0f}")
    _one(mini, "labs.csv", 3, "grant_eur", "number_too_large")


def test_excel_date_number_is_named(mini: Path):
    # Excel counts days from 1899-12-30: 2021-01-01 is 44197 (DATEVALUE("2021-01-01"))
    edit(mini, "periods", 3, "start", "44197")
    _, problem = _one(mini, "periods.csv", 3, "start", "type_date_excel")
    assert "2021-01-01" in problem.message("de") and "Excel" in problem.message("en")


def test_year_alone_is_no_excel_date(mini: Path):
    edit(mini, "periods", 3, "start", "2021")
    _one(mini, "periods.csv", 3, "start", "type_date")


def test_negative_count_baseline_is_refused(mini: Path):
    line = find_line(mini, "indicators", measure="count")
    edit(mini, "indicators", line, "target_value", "-3")
    _one(mini, "indicators.csv", line, "target_value", "count_range")
    edit(mini, "indicators", line, "target_value", "3")
    edit(mini, "indicators", line, "baseline_value", "2,5")
    _one(mini, "indicators.csv", line, "baseline_value", "count_range")


def test_percentage_value_above_100_is_refused(mini: Path):
    line = find_line(mini, "indicators", measure="percentage")
    rows = read_rows(mini / "indicators.csv")
    lab, ind = rows[line - 1][0], rows[line - 1][1]
    vline = find_line(mini, "indicator_values", lab_id=lab, indicator_id=ind)
    edit(mini, "indicator_values", vline, "value", "100,5")
    _one(mini, "indicator_values.csv", vline, "value", "indicator_value_range")


def test_renamed_file_gets_the_expected_name(mini: Path, capsys):
    (mini / "milestones.csv").rename(mini / "meilensteine.csv")
    assert main(["validate", str(mini)]) == 1
    out = capsys.readouterr().out
    assert "meilensteine.csv" in out and "meinten Sie milestones.csv?" in out
    assert main(["validate", str(mini), "--lang", "en"]) == 1
    assert "did you mean milestones.csv?" in capsys.readouterr().out


@pytest.mark.parametrize("saved_as", ["labs.csv.csv", "Kopie von labs.csv", "Copy of labs.csv"])
def test_a_file_saved_with_a_doubled_extension_or_as_a_copy_gets_the_name(
    mini: Path, capsys, saved_as: str
):
    # Windows hides ".csv": "labs.csv" typed as the name gives labs.csv.csv
    (mini / "labs.csv").rename(mini / saved_as)
    assert main(["validate", str(mini)]) == 1
    out = capsys.readouterr().out
    assert f"{saved_as}: Unbekannte Tabelle, wird nicht gelesen – meinten Sie labs.csv?" in out, out


def test_unknown_file_without_likeness_stays_a_warning(mini: Path):
    (mini / "notizen.csv").write_text("a;b\n1;2\n", encoding="utf-8")
    report = validate_folder(mini)
    assert report.ok
    assert [(p.file, p.rule) for p in report.problems] == [("notizen.csv", "file_unknown")]


def test_a_short_file_name_is_no_beginning_of_a_table_left_out(mini: Path):
    # rev.csv and sub.csv beside a folder without revisions and submissions were told
    # "meinten Sie revisions.csv?" as blocking errors: files of their own, a warning
    (mini / "revisions.csv").unlink()
    (mini / "submissions.csv").unlink()
    (mini / "rev.csv").write_text("a;b\n1;2\n", encoding="utf-8")
    (mini / "sub.csv").write_text("a;b\n1;2\n", encoding="utf-8")
    report = validate_folder(mini)
    mine = ("rev.csv", "sub.csv")
    said = [(p.file, p.rule, p.severity) for p in report.problems if p.file in mine]
    assert sorted(said) == [
        ("rev.csv", "file_unknown", "warning"),
        ("sub.csv", "file_unknown", "warning"),
    ], said
    assert report.ok, format_text(report.problems)


def test_missing_column_skips_cross_checks_and_says_so_once(mini: Path):
    rows = read_rows(mini / "indicators.csv")
    i = rows[1].index("measure")
    write_rows(mini / "indicators.csv", [r if len(r) < i + 1 else r[:i] + r[i + 1 :] for r in rows])
    report = validate_folder(mini)
    skipped = [p for p in report.problems if p.rule == "check_skipped"]
    assert [(p.file, p.column, p.severity) for p in skipped] == [
        ("indicators.csv", "measure", "warning")
    ]
    de, en = skipped[0].message("de"), skipped[0].message("en")
    assert "ob die Indikatorwerte zur Messart ihres Indikators passen" in de, de
    assert "whether the indicator values fit their indicator's measure" in en, en
    assert "indicator_value_range" not in de + en  # the check's code name stays out
    assert any(p.rule == "column_missing" and p.column == "measure" for p in report.errors)


# ----------------------------------------------------------------- one root cause, told once


def _misspell_lab(folder: Path, lab: str = "bad_belzig") -> tuple[int, set[str]]:
    """Rename a lab in labs.csv; count the rows elsewhere that still use the old id."""
    path = folder / "labs.csv"
    path.write_text(
        path.read_text(encoding="utf-8").replace(f"\n{lab};", f"\n{lab.replace('_', '-')};"),
        encoding="utf-8",
    )
    rows, files = 0, set()
    for table, col in [
        ("partners", "lab_id"),
        ("nodes", "lab_id"),
        ("milestones", "lab_id"),
        ("dac_ratings", "lab_id"),
        ("responses", "unit_id"),
        ("submissions", "lab_id"),
        ("revisions", "lab_id"),
    ]:
        with (folder / f"{table}.csv").open(encoding="utf-8") as handle:
            lines = [line for line in handle if not line.startswith("#")]
        n = sum(1 for rec in csv.DictReader(lines, delimiter=";") if rec[col] == lab)
        rows += n
        files |= {f"{table}.csv"} if n else set()
    return rows, files


def test_one_wrong_lab_id_is_one_line(mini: Path, capsys):
    n, files = _misspell_lab(mini)
    assert n > 100 and len(files) >= 4
    assert main(["validate", str(mini)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2, lines  # the root cause and the verdict
    count = f"{n:,}".replace(",", ".")
    assert "lab_id „bad_belzig“ unbekannt" in lines[0]
    assert f"{count} Zeilen in {len(files)} Tabellen" in lines[0]
    assert "(meinten Sie „bad-belzig“?)" in lines[0]
    assert f"{n} Fehler" in lines[1]
    assert main(["validate", str(mini), "--lang", "en"]) == 1
    first = capsys.readouterr().out.splitlines()[0]
    assert "lab_id 'bad_belzig' unknown" in first and f"{n:,} rows in {len(files)} tables" in first


def test_json_keeps_every_row_and_marks_the_group(mini: Path, capsys):
    n, files = _misspell_lab(mini)
    assert main(["validate", str(mini), "--format", "json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert len(doc["problems"]) == doc["errors"] == n
    assert {p["group"] for p in doc["problems"]} == {1}
    (group,) = doc["groups"]
    assert group["count"] == n and set(group["files"]) == files
    assert group["value"] == "bad_belzig" and group["rule"] == "key_missing"
    first = min(doc["problems"], key=lambda p: (p["file"], p["line"]))
    assert group["first"] == {k: first[k] for k in ("file", "line", "column")}


def test_many_different_bad_values_are_capped_per_column(mini: Path):
    rows = read_rows(mini / "responses.csv")
    i = rows[1].index("respondent_id")
    n = MAX_LINES_PER_COLUMN + 15
    for k, row in enumerate(rows[2 : 2 + n]):
        row[i] = f"x {k}"  # a blank: breaks the pseudonym format, each value different
    write_rows(mini / "responses.csv", rows)
    report = validate_folder(mini)
    bad = [p for p in report.errors if p.rule == "str_matches" and p.column == "respondent_id"]
    assert len(bad) == n
    text = format_text(report.problems, "de", summarise=True)
    shown = [line for line in text.splitlines() if "respondent_id" in line and "x " in line]
    assert len(shown) == MAX_LINES_PER_COLUMN
    assert f"{n - MAX_LINES_PER_COLUMN} weitere Probleme nach Regel str_matches" in text


def test_small_groups_stay_single_lines(mini: Path):
    edit(mini, "labs", 3, "land", "DE-XX")
    edit(mini, "labs", 4, "land", "DE-XX")
    report = validate_folder(mini)
    groups, single = group_problems(report.problems)
    assert groups == [] and len(single) == 2


def test_wrong_lab_in_composite_keys_is_one_root(mini: Path):
    """A lab id changed in nodes.csv: its indicators dangle, one root however many nodes."""
    path = mini / "nodes.csv"
    path.write_text(
        path.read_text(encoding="utf-8").replace("\nmoers;", "\nmoer;"), encoding="utf-8"
    )
    with (mini / "indicators.csv").open(encoding="utf-8") as handle:
        lines = [line for line in handle if not line.startswith("#")]
    n = sum(1 for rec in csv.DictReader(lines, delimiter=";") if rec["lab_id"] == "moers")
    assert n > 3
    report = validate_folder(mini)
    groups, _ = group_problems(report.problems)
    roots = {(g.first.file, len(g.problems)) for g in groups}
    assert ("indicators.csv", n) in roots
    text = format_text(report.problems, "de", summarise=True)
    # the lab id as the nodes now spell it is meant (a typo in either table)
    meant = "lab_id „moers“ unbekannt in nodes (meinten Sie „moer“?)"
    assert f"{meant}: {n} Zeilen in 1 Tabelle" in text


def test_a_missing_labs_table_is_told_first_and_not_as_unknown_labs(mini: Path, capsys):
    """Without labs.csv every lab id dangles; the cause comes first, no lab is called unknown."""
    (mini / "labs.csv").unlink()
    referring = sorted(
        f"{t}.csv"
        for t in ("dac_ratings", "milestones", "nodes", "partners", "responses")
        if (mini / f"{t}.csv").exists()
    )
    assert main(["validate", str(mini)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert "„labs“ fehlt" in lines[0], lines[:3]
    assert "unbekannt in labs" not in "\n".join(lines)  # a symptom of the missing table
    for name in referring:  # the tables that need it, named once in the cause
        assert name in lines[0]
    assert "Zeilen" not in lines[0]  # no rows: tables
    assert main(["validate", str(mini), "--lang", "en"]) == 1
    first = capsys.readouterr().out.splitlines()[0]
    assert "'labs' is missing" in first and "rows" not in first


def _type_float_message(folder: Path, file: str) -> str:
    hits = [p for p in _errors(folder)[1] if p.rule == "type_float" and p.file == file]
    assert hits, f"no type_float in {file}"
    return hits[0].message("de") + " | " + hits[0].message("en")


def test_text_in_a_number_column_gets_no_placeholder(mini: Path):
    """'abc' is no number: the message says so without a stray '?' where a hint would go."""
    edit(mini, "indicator_values", 3, "value", "abc")
    text = _type_float_message(mini, "indicator_values.csv")
    assert "?" not in text, text
    assert text.startswith("Keine Zahl") and "Not a number" in text


def test_a_decimal_comma_in_a_comma_file_says_what_to_write(mini: Path):
    path = mini / "indicator_values.csv"
    rows = [r for r in read_rows(path) if not r[0].startswith("#")]
    col = rows[0].index("value")
    body = [i for i in range(1, len(rows)) if rows[i][col]]
    rows[body[0]][col] = "47,4"
    # the same table as a comma-separated file with decimal points
    for i in body[1:]:
        rows[i][col] = rows[i][col].replace(",", ".")
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    text = _type_float_message(mini, "indicator_values.csv")
    assert "47.4" in text and "Semikolon" in text and "?" not in text, text


def test_a_decimal_comma_typed_as_text_in_excel_says_enter_a_number(mini: Path):
    import openpyxl

    path = mini / "indicator_values.csv"
    rows = [r for r in read_rows(path) if not r[0].startswith("#")]
    col = rows[0].index("value")
    book = openpyxl.Workbook()
    sheet = book.active
    for k, row in enumerate(rows):
        out: list[object] = list(row)
        if k and row[col]:
            number = float(row[col].replace(",", "."))
            out[col] = "47,4" if k == 1 else number  # the first as text, the others as numbers
        sheet.append(out)
    path.unlink()
    book.save(mini / "indicator_values.xlsx")
    text = _type_float_message(mini, "indicator_values.xlsx")
    assert "als Text eingetragen" in text and "entered as text" in text, text
    assert "?" not in text and "Semikolon" not in text, text
