"""What a lab coordinator and the evaluator really do wrong, and what collect then says.

Each test is one mistake seen when the loop was used as the people who use it
would: a value cell that German Excel turned into a date, a number far too
large, the same workbook named twice on the command line.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from tests import test_delivery_loop as loop
from tests.conftest import submissions as _register
from tests.test_delivery_loop import C_ID, C_STATUS, C_VALUE, LAB, PERIOD, collect, filled

C_NOTE = 11  # „Anmerkung“ on the sheet „Indikatorwerte“

original, base, data = loop.original, loop.base, loop.data


def _row(sheet, iid: str) -> int:
    """The first row of an indicator on the sheet „Indikatorwerte“."""
    return next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, C_ID).value == iid)


def _value_cell(book, iid: str, value) -> None:
    sheet = book["Indikatorwerte"]
    row = _row(sheet, iid)
    sheet.cell(row, C_VALUE).value = value
    sheet.cell(row, C_STATUS).value = "gemessen"


def _with_partners(template: Path, folder: Path, rows) -> Path:
    """Save ``template`` into ``folder`` with (name, kind, Land) rows on the sheet „Partner“."""
    book = openpyxl.load_workbook(template)
    sheet = book["Partner"]
    for row, values in enumerate(rows, start=2):
        for col, value in enumerate(values, start=1):
            sheet.cell(row, col).value = value
    folder.mkdir()
    book.save(folder / template.name)
    return folder / template.name


def _line_of(text: str, cell: str) -> str:
    lines = [line for line in text.splitlines() if f"Indikatorwerte!{cell}:" in line]
    assert len(lines) == 1, text
    return lines[0]


def test_a_value_excel_turned_into_a_date_is_called_a_date(base, data, original, tmp_path, capsys):
    # a German Excel reads "2.9" typed into „Wert“ as the 2nd of September; the cell then
    # holds a date. "Hier steht Text" would send the coordinator looking for text that is
    # not there.
    def edit(book):
        _value_cell(book, "i02", dt.datetime(2022, 9, 2))
        book["Indikatorwerte"].cell(
            _row(book["Indikatorwerte"], "i02"), C_VALUE
        ).number_format = "DD.MM.YYYY"

    wb = filled(base, original, LAB, tmp_path / "in" / f"{LAB}_{PERIOD}.xlsx", edit)
    code, text = collect(capsys, str(wb), "--data", str(data))
    assert code == 1, text
    cell = f"I{_row(openpyxl.load_workbook(wb)['Indikatorwerte'], 'i02')}"
    line = _line_of(text, cell)
    assert "02.09.2022" in line
    assert "Hier steht Text" not in line
    assert "Datum" in line and "Zahl" in line


def test_a_number_beyond_the_limit_is_called_too_large_not_text(
    base, data, original, tmp_path, capsys
):
    def edit(book):
        _value_cell(book, "i06", 1e16)

    wb = filled(base, original, LAB, tmp_path / "in" / f"{LAB}_{PERIOD}.xlsx", edit)
    code, text = collect(capsys, str(wb), "--data", str(data))
    assert code == 1, text
    cell = f"I{_row(openpyxl.load_workbook(wb)['Indikatorwerte'], 'i06')}"
    line = _line_of(text, cell)
    assert "Hier steht Text" not in line
    assert "groß" in line


def test_a_true_in_a_value_cell_is_shown_as_excel_shows_it(base, data, original, tmp_path, capsys):
    def edit(book):
        _value_cell(book, "i02", True)

    wb = filled(base, original, LAB, tmp_path / "in" / f"{LAB}_{PERIOD}.xlsx", edit)
    code, text = collect(capsys, str(wb), "--data", str(data))
    assert code == 1, text
    cell = f"I{_row(openpyxl.load_workbook(wb)['Indikatorwerte'], 'i02')}"
    line = _line_of(text, cell)
    assert "„WAHR“" in line and "True" not in line


def test_a_workbook_named_twice_is_collected_once(base, data, original, tmp_path, capsys):
    # the inbox folder and, to be sure, the file in it: one workbook, not three, and no
    # page telling the lab to send "only the newest file" of a file it sent once
    wb = filled(base, original, LAB, tmp_path / "in" / f"{LAB}_{PERIOD}.xlsx")
    fb = tmp_path / "fb"
    code, text = collect(
        capsys,
        str(wb.parent),
        str(wb),
        str(wb.parent / ".." / "in" / wb.name),
        "--data",
        str(data),
        "--feedback",
        str(fb),
    )
    assert code == 0, text
    assert "übersprungen" not in text and "neueste" not in text
    assert "1 Arbeitsmappe," in text
    assert sorted(p.name for p in fb.iterdir() if p.suffix == ".html") == [
        f"{LAB}_{PERIOD}.html",
        "index.html",
    ]
    register = _register(data)
    assert len(register[register["period_id"] == PERIOD]) == 1


def test_a_remark_that_excel_made_a_formula_is_not_lost_without_a_word(
    base, data, original, tmp_path, capsys
):
    # Excel makes "- siehe Bericht" typed into „Anmerkung“ the formula =-siehe Bericht, whose
    # result is an error: there is no text to keep, and the lab must hear that its remark
    # was not kept
    def edit(book):
        sheet = book["Indikatorwerte"]
        sheet.cell(_row(sheet, "i02"), C_NOTE).value = "=-siehe Bericht"

    wb = filled(base, original, LAB, tmp_path / "in" / f"{LAB}_{PERIOD}.xlsx", edit)
    code, text = collect(capsys, str(wb), "--data", str(data))
    assert code == 0, text
    cell = f"K{_row(openpyxl.load_workbook(wb)['Indikatorwerte'], 'i02')}"
    lines = [line for line in text.splitlines() if f"Indikatorwerte!{cell}:" in line]
    assert len(lines) == 1, text
    assert "Anmerkung" in lines[0] and "nicht gespeichert" in lines[0]
    notes = data / "delivery_notes.csv"
    assert not notes.exists() or "siehe" not in notes.read_text(encoding="utf-8")


def test_lock_and_thumbnail_files_from_a_shell_glob_are_no_deliveries(
    base, data, original, tmp_path, capsys
):
    # `collect posteingang/*` while a colleague has a workbook open in Excel: the shell names
    # Excel's lock file ~$… (and Windows' Thumbs.db) like a workbook. Neither is a delivery;
    # in the register they would stay for good as refused, unassignable deliveries.
    wb = filled(base, original, LAB, tmp_path / "in" / f"{LAB}_{PERIOD}.xlsx")
    lock = wb.parent / f"~${wb.name}"
    lock.write_bytes(b"\x0bJohanna M." + b" " * 40)
    thumbs = wb.parent / "Thumbs.db"
    thumbs.write_bytes(b"")
    code, text = collect(capsys, str(lock), str(thumbs), str(wb), "--data", str(data))
    assert code == 0, text
    assert "~$" not in text and "Thumbs" not in text
    register = _register(data)
    assert not register["workbook"].isin([lock.name, thumbs.name]).any()
    assert (register["workbook"] == wb.name).sum() == 1


def test_a_known_partner_with_a_double_or_non_breaking_space_is_not_added_twice(
    full, stored, tmp_path, capsys
):
    # names copied from a web page bring a non-breaking space, typing brings a double one;
    # the partner is the same and must not be counted twice
    wb = _with_partners(
        full / "tpl" / f"{LAB}_{PERIOD}.xlsx",
        tmp_path / "in",
        [("Stadt  Brandis", "Kommune", "DE-SN"), ("Gemeinde\u00a0Borsdorf ", "Kommune", "DE-SN")],
    )
    before = (stored / "partners.csv").read_bytes()
    code, text = collect(capsys, str(wb), "--data", str(stored))
    assert code == 0, text
    assert (stored / "partners.csv").read_bytes() == before


def test_one_partner_twice_with_different_kinds_is_refused_not_half_dropped(
    full, stored, tmp_path, capsys
):
    # two colleagues each added the same new partner to the sheet, as different kinds;
    # which is right cannot be told, and "already recorded" would be false
    wb = _with_partners(
        full / "tpl" / f"{LAB}_{PERIOD}.xlsx",
        tmp_path / "in",
        [
            ("Bürgerverein Nord", "Zivilgesellschaftliche Organisation", "DE-SN"),
            ("bürgerverein  nord", "Unternehmen", "DE-SN"),
        ],
    )
    before = (stored / "partners.csv").read_bytes()
    code, text = collect(capsys, str(wb), "--data", str(stored))
    assert code == 1, text
    assert (stored / "partners.csv").read_bytes() == before
    lines = [line for line in text.splitlines() if "Partner!A3:" in line]
    assert len(lines) == 1 and "Fehler" in lines[0] and "A2" in lines[0], text
    assert "schon als Partner des Labors erfasst" not in text


@pytest.fixture(scope="module")
def kehl(tmp_path_factory):
    """The embedded data (sb6 collected) and Kehl's template for sb6: a cross-border lab."""
    return loop.collected_with_templates(tmp_path_factory.mktemp("kehl"), "kehl")


def _kehl_partners(kehl, tmp_path, rows) -> Path:
    shutil.copytree(kehl / "data", tmp_path / "data")
    return _with_partners(kehl / "tpl" / f"kehl_{PERIOD}.xlsx", tmp_path / "in", rows)


def _partners_of(data: Path):
    return pd.read_csv(data / "partners.csv", sep=";", comment="#", dtype=str)


def test_a_cross_border_lab_adds_a_partner_abroad_with_its_iso_code(kehl, tmp_path, capsys):
    # Kehl's lab works with Strasbourg: a new French partner has an ISO 3166-2 code of its
    # own (partners.csv allows any), which a list of the 16 Länder alone cannot offer
    wb = _kehl_partners(
        kehl, tmp_path, [("Eurométropole de Strasbourg", "Kommunale Einrichtung", "fr-ges")]
    )
    code, text = collect(capsys, str(wb), "--data", str(tmp_path / "data"))
    assert code == 0, text
    partners = _partners_of(tmp_path / "data")
    new = partners[partners["name"] == "Eurométropole de Strasbourg"]
    assert new[["lab_id", "kind", "land"]].values.tolist() == [
        ["kehl", "communal_institution", "FR-GES"]
    ]


def test_a_known_partner_abroad_named_again_is_no_correction(kehl, tmp_path, capsys):
    wb = _kehl_partners(kehl, tmp_path, [("Ville de Strasbourg", "Kommune", "FR-GES")])
    before = (kehl / "data" / "partners.csv").read_bytes()
    code, text = collect(capsys, str(wb), "--data", str(tmp_path / "data"))
    assert code == 0, text
    assert (tmp_path / "data" / "partners.csv").read_bytes() == before
    assert "DE-" not in "\n".join(line for line in text.splitlines() if "Land" in line), text


def test_a_land_that_is_no_code_is_refused_naming_the_rule(kehl, tmp_path, capsys):
    wb = _kehl_partners(kehl, tmp_path, [("Eurométropole de Strasbourg", "Kommune", "Frankreich")])
    code, text = collect(capsys, str(wb), "--data", str(tmp_path / "data"))
    assert code == 1, text
    lines = [line for line in text.splitlines() if "Partner!C2:" in line]
    assert len(lines) == 1 and "Frankreich" in lines[0], text
    assert "FR-GES" in lines[0] and "DE-BW" in lines[0], text


def test_the_template_offers_the_laender_and_lets_a_code_abroad_through(kehl):
    book = openpyxl.load_workbook(kehl / "tpl" / f"kehl_{PERIOD}.xlsx")
    sheet = book["Partner"]
    (rule,) = [dv for dv in sheet.data_validations.dataValidation if "C2" in str(dv.sqref)]
    assert rule.type == "list" and "DE-BW" in rule.formula1
    assert rule.errorStyle in ("warning", "information"), rule.errorStyle
    assert "FR-GES" in rule.prompt and "FR-GES" in rule.error


def test_a_received_day_before_the_period_began_changes_nothing(
    base, data, original, tmp_path, capsys
):
    # --received 2020-01-01 for 2022-11-20: no workbook of sb6 can have come in before sb6
    # began. Taken as given, the register said "fristgerecht angenommen am 01.01.2020"
    from ogl_impact.cli import main

    wb = filled(base, original, LAB, tmp_path / "in" / f"{LAB}_{PERIOD}.xlsx")
    before = {p.name: p.read_bytes() for p in data.iterdir() if p.is_file()}
    code = main(["collect", str(wb), "--data", str(data), "--received", "2020-01-01"])
    out = capsys.readouterr()
    text = out.out + out.err
    assert code == 2, text
    assert "Traceback" not in text
    assert {p.name: p.read_bytes() for p in data.iterdir() if p.is_file()} == before
    assert "01.01.2020" in out.err and "--received" in out.err and wb.name in out.err, text
    assert "nichts geändert" in out.err, text


def test_an_early_delivery_is_taken_not_called_a_typo(base, data, original, tmp_path, capsys):
    # the template goes out before its period; a lab that sends it back a few days before
    # sb6 began (01.10.2022) is early, not a typo of --received
    from ogl_impact.cli import main

    wb = filled(base, original, LAB, tmp_path / "in" / f"{LAB}_{PERIOD}.xlsx")
    code = main(["collect", str(wb), "--data", str(data), "--received", "2022-09-20"])
    text = capsys.readouterr()
    assert code == 0, text.out + text.err
    assert "--received" not in text.err


def test_a_workbook_left_out_by_period_is_not_asked_for_its_received_day(
    base, data, original, tmp_path, capsys
):
    # --period sb6 leaves a stray pb workbook in the inbox aside; a received day a whole
    # period before pb (sb6 began 01.10.2022) must not stop the run for it
    from ogl_impact.cli import main

    wb = filled(base, original, LAB, tmp_path / "in" / f"{LAB}_{PERIOD}.xlsx")
    assert main(["template", "--period", "pb", "--lab", LAB, "--data", str(data),
                 "--out", str(tmp_path / "pb")]) == 0  # fmt: skip
    shutil.copy(tmp_path / "pb" / f"{LAB}_pb.xlsx", wb.parent)
    capsys.readouterr()
    code = main(
        ["collect", str(wb.parent), "--data", str(data), "--period", PERIOD,
         "--received", "2022-09-20"]
    )  # fmt: skip
    text = capsys.readouterr()
    assert code == 0, text.out + text.err
    assert "--received" not in text.err


def test_a_german_code_that_is_no_land_is_refused_not_taken_as_abroad(kehl, tmp_path, capsys):
    # "DE-NRW" is a common typo for DE-NW: the list names every German code, so a German
    # code outside it is no partner abroad
    wb = _kehl_partners(
        kehl,
        tmp_path,
        [("Bürgerverein Kehl-Nord", "Zivilgesellschaftliche Organisation", "DE-NRW")],
    )
    before = (kehl / "data" / "partners.csv").read_bytes()
    code, text = collect(capsys, str(wb), "--data", str(tmp_path / "data"))
    assert code == 1, text
    assert (tmp_path / "data" / "partners.csv").read_bytes() == before
    lines = [line for line in text.splitlines() if "Partner!C2:" in line]
    assert len(lines) == 1 and "DE-NRW" in lines[0] and "DE-NW" in lines[0], text
