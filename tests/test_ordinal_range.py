"""Ordinal indicators: a value off the indicator's scale (7 on 1-5) is an error.

``indicators.csv`` gives an ordinal indicator its scale (``scale_min``,
``scale_max``); ``validate`` and ``collect`` (the cross-table rule
``indicator_value_range``) refuse a value that is not a whole number on it,
naming file, line, column, value and the scale, and the labs' workbook
template lets only those numbers into the cell.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import openpyxl
import pytest

from ogl_impact.cli import main
from tests import test_delivery_loop as loop
from tests.conftest import submissions
from tests.test_delivery_loop import C_ID, C_STATUS, C_VALUE, LAB, PERIOD, collect, filled

original, base, data = loop.original, loop.base, loop.data

RAW = Path(__file__).resolve().parents[1] / "data" / "raw"
ORDINAL = "i12"  # brandis: „Bewertung der Beteiligungskultur (1-5)“, scale 1 to 5


def tree(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def spoil(folder: Path, name: str, first: str, column: str, value: str) -> int:
    """Set ``column`` of the first line of ``name`` starting with ``first``; return the line."""
    path = folder / name
    lines = path.read_text(encoding="utf-8").split("\n")
    header = next(i for i, line in enumerate(lines) if not line.startswith("#"))
    pos = lines[header].split(";").index(column)
    n = next(i for i, line in enumerate(lines) if line.startswith(first))
    cells = lines[n].split(";")
    cells[pos] = value
    lines[n] = ";".join(cells)
    path.write_text("\n".join(lines), encoding="utf-8")
    return n + 1


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    target = tmp_path / "raw"
    shutil.copytree(RAW, target, ignore=shutil.ignore_patterns("truth"))
    return target


def validate(capsys, folder: Path, *extra: str) -> tuple[int, str]:
    code = main(["validate", str(folder), *extra])
    said = capsys.readouterr()
    text = said.out + said.err
    assert "Traceback" not in text
    return code, text


@pytest.mark.parametrize("value", ["7", "0", "3,5"])
def test_validate_names_a_value_off_the_scale_of_an_ordinal_indicator(folder, capsys, value):
    line = spoil(folder, "indicator_values.csv", f"{LAB};{ORDINAL};sb3;", "value", value)
    before = tree(folder)
    code, text = validate(capsys, folder)
    assert code == 1, text
    assert (
        f"Fehler: indicator_values.csv, Zeile {line}, Spalte „value“, Wert „{value}“: Der Wert "
        f"passt nicht zum Maß des Indikators (Ordinal: ganze Zahl der Skala von 1 bis 5)."
    ) in text, text
    assert "1 Fehler" in text
    assert tree(folder) == before  # validate changes nothing
    code, text = validate(capsys, folder, "--lang", "en")
    assert "(ordinal: whole number on the scale from 1 to 5)" in text, text


def test_validate_takes_the_ends_of_the_scale(folder, capsys):
    spoil(folder, "indicator_values.csv", f"{LAB};{ORDINAL};sb3;", "value", "5")
    spoil(folder, "indicator_values.csv", f"{LAB};{ORDINAL};sb2;", "value", "1")
    assert validate(capsys, folder)[0] == 0


@pytest.mark.parametrize(
    ("column", "value"),
    [("scale_min", ""), ("scale_max", "1"), ("baseline_value", "6"), ("scale_max", "4,5")],
)
def test_an_ordinal_indicator_needs_a_scale_its_baseline_lies_on(folder, capsys, column, value):
    line = spoil(folder, "indicators.csv", f"{LAB};{ORDINAL};", column, value)
    code, text = validate(capsys, folder)
    assert code == 1, text
    shown = f", Wert „{value}“" if value else ""  # an empty cell is told as the column
    assert (
        f"indicators.csv, Zeile {line}, Spalte „{column}“{shown}: Die Skala des Indikators "
        f"fehlt, ist unvollständig oder passt nicht"
    ) in text, text
    assert "(ein ordinaler Indikator braucht eine Skala" in text, text


def _row(sheet, iid: str) -> int:
    return next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, C_ID).value == iid)


def test_the_template_lets_only_the_scale_into_an_ordinal_value_cell(base):
    book = openpyxl.load_workbook(base / "tpl" / f"{LAB}_{PERIOD}.xlsx")
    sheet = book["Indikatorwerte"]
    cell = f"I{_row(sheet, ORDINAL)}"
    assert sheet[cell].column == C_VALUE
    (rule,) = [v for v in sheet.data_validations.dataValidation if cell in v.sqref]
    # "between" is the default operator of a data validation: openpyxl reads it as None
    assert (rule.type, rule.operator or "between") == ("whole", "between")
    assert (rule.formula1, rule.formula2) == ("1", "5")
    assert "Skala von 1 bis 5" in rule.prompt and "Skala von 1 bis 5" in rule.error
    # a count keeps its own rule: whole numbers from 0
    other = f"I{_row(sheet, 'i03')}"
    (count,) = [v for v in sheet.data_validations.dataValidation if other in v.sqref]
    assert (count.type, count.operator, count.formula1) == ("whole", "greaterThanOrEqual", "0")


def test_collect_refuses_a_workbook_with_7_in_an_ordinal_row(
    base, data, original, tmp_path, capsys
):
    # Excel's check is only a prompt: pasted values pass it
    def edit(book):
        sheet = book["Indikatorwerte"]
        sheet.cell(_row(sheet, ORDINAL), C_VALUE).value = 7
        sheet.cell(_row(sheet, ORDINAL), C_STATUS).value = "gemessen"

    wb = filled(base, original, LAB, tmp_path / "in" / f"{LAB}_{PERIOD}.xlsx", edit)
    before = tree(data)
    stored = (data / "indicator_values.csv").read_bytes()
    code, text = collect(capsys, str(wb), "--data", str(data))
    assert code == 1, text
    row = _row(openpyxl.load_workbook(wb)["Indikatorwerte"], ORDINAL)
    said = [line for line in text.splitlines() if f"Indikatorwerte!I{row}" in line]
    assert any("(Ordinal: ganze Zahl der Skala von 1 bis 5)" in line for line in said), text
    assert any("7" in line for line in said), text
    assert "indicator_value_range" not in text  # the rule in words, not its code name
    # nothing of the workbook is stored; only the register of submissions notes the refusal
    assert (data / "indicator_values.csv").read_bytes() == stored
    changed = {name for name, digest in tree(data).items() if before.get(name) != digest}
    assert changed <= {"submissions.csv"}, changed
    if changed:
        row = submissions(data).iloc[-1]
        assert (row["lab_id"], row["period_id"], row["outcome"]) == (LAB, PERIOD, "refused")


@pytest.mark.parametrize(("low", "high"), [("5", "1"), ("3", "3"), ("1", "2,5")])
def test_a_broken_scale_is_one_error_not_one_per_value(folder, capsys, low, high):
    # min and max typed the wrong way round: the scale is the error, said once; the lab's
    # values (2 to 4, indicator_values.csv) were each called off a scale "von 5 bis 1"
    line = spoil(folder, "indicators.csv", f"{LAB};{ORDINAL};", "scale_min", low)
    spoil(folder, "indicators.csv", f"{LAB};{ORDINAL};", "scale_max", high)
    before = tree(folder)
    code, text = validate(capsys, folder)
    assert code == 1, text
    assert f"indicators.csv, Zeile {line}, Spalte „scale_" in text, text
    assert "indicator_values.csv" not in text, text
    assert "1 Fehler" in text, text
    assert tree(folder) == before


def test_half_a_scale_on_a_count_is_not_called_an_ordinal_indicator(folder, capsys):
    # i03 (Durchgeführte Werkstätten) is a count: a scale_min typed into its row was refused
    # with "Ein ordinaler Indikator braucht eine Skala", which sent the reader to look for an
    # ordinal indicator; the rule names the scale of this indicator
    line = spoil(folder, "indicators.csv", f"{LAB};i03;", "scale_min", "1")
    code, text = validate(capsys, folder)
    assert code == 1, text
    said = [s for s in text.splitlines() if f"indicators.csv, Zeile {line}," in s]
    assert len(said) == 1, text
    assert "Spalte „scale_min“, Wert „1“: Die Skala des Indikators fehlt, ist unvollst" in said[0]
    assert not said[0].split(": ", 1)[1].startswith("Ein ordinaler Indikator"), said[0]


@pytest.mark.parametrize(("indicator", "measure"), [("i03", "count"), ("i08", "percentage")])
def test_a_whole_scale_on_a_count_or_percentage_is_refused(folder, capsys, indicator, measure):
    """A scale 0-100 typed into a percentage made 32,46 % "not on the scale"; it belongs only
    to rated (ordinal, qualitative) indicators, and the message says to leave it empty."""
    lines = (folder / "indicators.csv").read_text(encoding="utf-8").split("\n")
    row = next(x for x in lines if x.startswith(f"{LAB};{indicator};"))
    assert f";{measure};" in row  # the demo data's own measure, read from the file
    line = spoil(folder, "indicators.csv", f"{LAB};{indicator};", "scale_min", "1")
    spoil(folder, "indicators.csv", f"{LAB};{indicator};", "scale_max", "5")
    before = tree(folder)
    code, text = validate(capsys, folder)
    assert code == 1, text
    said = [s for s in text.splitlines() if f"indicators.csv, Zeile {line}," in s]
    assert len(said) == 1, text
    assert "bei Anzahl, Einheit oder Prozent bitte leer lassen" in said[0], said[0]
    # the cell named is the scale typed in, not the baseline measured against it
    assert f"Zeile {line}, Spalte „scale_min“" in said[0], said[0]
    assert "indicator_values.csv" not in text, text  # the values are not measured against it
    assert tree(folder) == before
