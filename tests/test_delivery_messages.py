"""Messages of collect that were wrong or unclear when a tester went through the loop.

Each test is one thing a lab coordinator did (a Status without a value, a
partner's name as a formula, the hidden sheet edited) or one file the
evaluator got (cut off while copying), and checks that collect says what
happened, in German words, once.
"""

from __future__ import annotations

import openpyxl
import pandas as pd

from ogl_impact.delivery.workbook import STATUS_LABELS
from tests import test_delivery_loop as loop
from tests.conftest import submissions as _register
from tests.test_delivery_loop import C_ID, C_STATUS, C_VALUE, LAB, PERIOD, collect, filled

original, base, data = loop.original, loop.base, loop.data


def _row(sheet, iid: str) -> int:
    """The first row of an indicator on the sheet „Indikatorwerte“."""
    return next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, C_ID).value == iid)


def _lines(text: str, where: str) -> list[str]:
    return [line for line in text.splitlines() if f"{where}:" in line]


def _values_of(data, iid: str) -> pd.DataFrame:
    iv = pd.read_csv(data / "indicator_values.csv", sep=";", comment="#", dtype=str)
    return iv[(iv["lab_id"] == LAB) & (iv["period_id"] == PERIOD) & (iv["indicator_id"] == iid)]


def test_a_status_without_a_value_stores_no_empty_row(base, data, original, tmp_path, capsys):
    # „gemessen“ chosen, „Wert“ left empty: nothing was measured (or the value forgotten);
    # a row without a value is no measurement and must not be stored as one, and the lab
    # must hear which cell it is
    def edit(book):
        sheet = book["Indikatorwerte"]
        row = _row(sheet, "i01")
        sheet.cell(row, C_VALUE).value = None
        sheet.cell(row, C_STATUS).value = "gemessen"

    wb = filled(base, original, LAB, tmp_path / "in" / f"{LAB}_{PERIOD}.xlsx", edit)
    code, text = collect(capsys, str(wb), "--data", str(data))
    assert code == 0, text
    assert _values_of(data, "i01").empty
    assert not _values_of(data, "i02").empty  # the other rows are stored
    cell = f"I{_row(openpyxl.load_workbook(wb)['Indikatorwerte'], 'i01')}"
    said = [line for line in _lines(text, f"Indikatorwerte!{cell}") if "Status" in line]
    assert len(said) == 1, text
    assert "Wert fehlt" in said[0] and "gemessen" in said[0] and "nicht gespeichert" in said[0]


def test_a_status_without_a_value_in_a_correction_keeps_the_stored_value(full, stored, capsys):
    # the period is stored: an empty „Wert“ keeps the stored value, and the Status chosen
    # beside it belongs to that value (as the keep rule has it); nothing is said twice
    book = openpyxl.load_workbook(full / "tpl" / f"{LAB}_{PERIOD}.xlsx")
    sheet = book["Indikatorwerte"]
    row = _row(sheet, "i01")
    before = _values_of(stored, "i01")
    assert len(before) == 1 and before["value"].notna().all()
    other = "measured" if before["status"].iloc[0] == "estimated" else "estimated"
    sheet.cell(row, C_VALUE).value = None
    sheet.cell(row, C_STATUS).value = STATUS_LABELS[other]
    wb = stored.parent / "in" / f"{LAB}_{PERIOD}.xlsx"
    wb.parent.mkdir()
    book.save(wb)
    code, text = collect(capsys, str(wb), "--data", str(stored))
    assert code == 0, text
    after = _values_of(stored, "i01")
    assert after[["value", "status"]].values.tolist() == [[before["value"].iloc[0], other]]
    assert "Wert fehlt" not in text


def test_a_measure_is_named_in_german(base, data, original, tmp_path, capsys):
    # "percentage: 0 bis 100" mixes a code into the German text
    def edit(book):
        sheet = book["Indikatorwerte"]
        for iid in ("i05", "i03"):  # Prozent, Anzahl
            sheet.cell(_row(sheet, iid), C_VALUE).value = -2.5
            sheet.cell(_row(sheet, iid), C_STATUS).value = "gemessen"

    wb = filled(base, original, LAB, tmp_path / "in" / f"{LAB}_{PERIOD}.xlsx", edit)
    code, text = collect(capsys, str(wb), "--data", str(data))
    assert code == 1, text
    sheet = openpyxl.load_workbook(wb)["Indikatorwerte"]
    percent = [
        line for line in _lines(text, f"Indikatorwerte!I{_row(sheet, 'i05')}") if "Maß" in line
    ]
    count = [
        line for line in _lines(text, f"Indikatorwerte!I{_row(sheet, 'i03')}") if "Maß" in line
    ]
    assert len(percent) == 1 and len(count) == 1, text
    assert "(Prozent: 0 bis 100)" in percent[0]
    assert "(Anzahl: ganze Zahl ab 0)" in count[0]
    assert "percentage" not in text and "count" not in text


def test_a_file_cut_off_while_copying_is_called_incomplete(base, tmp_path, data, capsys):
    template = (base / "tpl" / f"{LAB}_{PERIOD}.xlsx").read_bytes()
    cut = tmp_path / "in" / f"{LAB}_{PERIOD}.xlsx"
    cut.parent.mkdir()
    cut.write_bytes(template[: len(template) // 2])
    code, text = collect(capsys, str(cut), "--data", str(data))
    assert code == 1, text
    lines = _lines(text, f"{LAB}_{PERIOD}.xlsx") or text.splitlines()
    said = " ".join(line for line in lines if "Fehler" in line)
    assert "beschädigt oder unvollständig" in said, text
    assert "kopiert" in said and "heruntergeladen" in said
    assert ".xls" not in said.replace(".xlsx", "") and ".ods" not in said
    register = _register(data)
    assert register[register["workbook"] == cut.name]["outcome"].tolist() == ["refused"]


def test_a_file_that_is_no_zip_at_all_is_still_called_so(tmp_path, data, capsys):
    wb = tmp_path / "in" / "alt.xlsx"
    wb.parent.mkdir()
    wb.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)  # an old .xls
    code, text = collect(capsys, str(wb), "--data", str(data))
    assert code == 1, text
    assert "kein ZIP-Container" in text and "unvollständig" not in text


def test_a_formula_as_partner_name_is_said_once(base, data, original, tmp_path, capsys):
    def edit(book):
        sheet = book["Partner"]
        sheet.cell(2, 1).value = '=A1&" Nord"'
        sheet.cell(2, 2).value = "Kommune"
        sheet.cell(2, 3).value = "DE-SN"

    wb = filled(base, original, LAB, tmp_path / "in" / f"{LAB}_{PERIOD}.xlsx", edit)
    code, text = collect(capsys, str(wb), "--data", str(data))
    assert code == 1, text
    lines = _lines(text, "Partner!A2")
    assert len(lines) == 1, text
    assert "Formel" in lines[0]
    assert "Name, Art und Land" not in text


def test_a_partner_without_a_kind_is_still_called_incomplete(
    base, data, original, tmp_path, capsys
):
    def edit(book):
        sheet = book["Partner"]
        sheet.cell(2, 1).value = "Bürgerverein Nord"
        sheet.cell(2, 3).value = "DE-SN"

    wb = filled(base, original, LAB, tmp_path / "in" / f"{LAB}_{PERIOD}.xlsx", edit)
    code, text = collect(capsys, str(wb), "--data", str(data))
    assert code == 1, text
    lines = _lines(text, "Partner!A2")
    assert len(lines) == 1 and "Name, Art und Land" in lines[0], text


def _meta_edited(base, original, tmp_path, cell: str, value: str, name: str = "Lieferung.xlsx"):
    def edit(book):
        book["ogl_meta"][cell].value = value

    return filled(base, original, LAB, tmp_path / "in" / name, edit)


def test_the_period_edited_in_the_hidden_sheet_is_called_so(base, data, original, tmp_path, capsys):
    # the coordinator unhid „ogl_meta“ and put sb5 for sb6: the impact model did not change
    wb = _meta_edited(base, original, tmp_path, "B3", "sb5")
    code, text = collect(capsys, str(wb), "--data", str(data))
    assert code == 1, text
    assert "Wirkungsmodell" not in text and "Indikatoren oder Meilensteine" not in text
    lines = _lines(text, "ogl_meta!B3")
    assert len(lines) == 1, text
    assert "verborgene Blatt" in lines[0] and "verändert" in lines[0]
    assert f"{LAB}, {PERIOD}" in lines[0] and "sb5" in lines[0]


def test_the_lab_edited_in_the_hidden_sheet_is_called_so(base, data, original, tmp_path, capsys):
    wb = _meta_edited(base, original, tmp_path, "B2", "kehl")
    code, text = collect(capsys, str(wb), "--data", str(data))
    assert code == 1, text
    assert "Wirkungsmodell" not in text
    lines = _lines(text, "ogl_meta!B2")
    assert len(lines) == 1, text
    assert "verborgene Blatt" in lines[0] and f"{LAB}, {PERIOD}" in lines[0] and "kehl" in lines[0]


def test_the_period_edited_in_a_file_named_for_it_is_no_other_template(
    base, data, original, tmp_path, capsys
):
    # brandis_sb6.xlsx whose hidden sheet now says sb5: the file holds the template of sb6,
    # not "the template of brandis, sb5"
    wb = _meta_edited(base, original, tmp_path, "B3", "sb5", f"{LAB}_{PERIOD}.xlsx")
    code, text = collect(capsys, str(wb), "--data", str(data))
    assert code == 1, text
    assert "enthält aber die Vorlage von" not in text
    lines = _lines(text, "ogl_meta!B3")
    assert len(lines) == 1 and "verborgene Blatt" in lines[0], text


def test_a_changed_impact_model_is_still_called_so(base, data, original, tmp_path, capsys):
    # a milestone added to the lab's model after the template went out: the template is old
    wb = filled(base, original, LAB, tmp_path / "in" / "Lieferung.xlsx")
    path = data / "milestones.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    mine = next(line for line in lines if line.startswith(f"{LAB};m1;"))
    path.write_text("".join([*lines, mine.replace(f"{LAB};m1;", f"{LAB};m99;", 1)]), "utf-8")
    code, text = collect(capsys, str(wb), "--data", str(data))
    assert code == 1, text
    said = _lines(text, "ogl_meta!B5")
    assert len(said) == 1 and "Indikatoren oder Meilensteine" in said[0], text
