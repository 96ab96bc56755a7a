"""The labs' Excel loop as a lab coordinator and an evaluator use it: template, fill, collect.

The expected values of the round trip are the embedded data themselves: a
period is removed from a copy of data/raw, its templates are written and
filled (with openpyxl, as Excel would) with the removed values, and after
``collect`` the tables must equal the original ones.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from ogl_impact.cli import main
from ogl_impact.dataset import load
from ogl_impact.delivery.workbook import (
    COMPLETION_LABELS,
    LISTS,
    SHEET_PARTNERS,
    STATUS_LABELS,
)

RAW = Path(__file__).resolve().parents[1] / "data" / "raw"
PERIOD = "sb6"
RECEIVED = "2022-11-20"
LAB = "brandis"
# columns of the sheets (1-based, as openpyxl counts)
C_ID, C_DISAGG, C_VALUE, C_STATUS = 1, 7, 9, 10
M_ID, M_COMPLETION, M_ACHIEVED = 1, 5, 6


def _without_period(target: Path) -> None:
    shutil.copytree(RAW, target, ignore=shutil.ignore_patterns("truth"))
    for name in ("indicator_values", "milestones", "submissions", "revisions"):
        path = target / f"{name}.csv"
        if not path.exists():
            continue
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        comments = [line for line in lines if line.startswith("#")]
        header = lines[len(comments)]
        pos = header.rstrip("\n").split(";").index("period_id")
        body = [line for line in lines[len(comments) + 1 :] if line.split(";")[pos] != PERIOD]
        path.write_text("".join([*comments, header, *body]), encoding="utf-8")


def collected_with_templates(root: Path, *labs: str) -> Path:
    """Copy the embedded data (PERIOD collected) into ``root`` and make PERIOD's templates.

    ``root/data`` is the data, ``root/tpl`` the templates (of ``labs``, or of every lab).
    """
    shutil.copytree(RAW, root / "data", ignore=shutil.ignore_patterns("truth"))
    args = ["template", "--period", PERIOD, "--data", str(root / "data")]
    for lab in labs:
        args += ["--lab", lab]
    assert main([*args, "--out", str(root / "tpl"), "--jobs", "1"]) == 0
    return root


def files_of(folder: Path) -> dict[str, bytes]:
    """Return the bytes of every file directly in a folder, by name."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def _register(data: Path, name: str = "submissions") -> pd.DataFrame:
    """The rows of PERIOD in the register (or revisions table): those collect wrote."""
    table = pd.read_csv(data / f"{name}.csv", sep=";", comment="#", dtype=str)
    return table[table["period_id"] == PERIOD].reset_index(drop=True)


@pytest.fixture(scope="module")
def original():
    return load(RAW)


@pytest.fixture(scope="module")
def base(tmp_path_factory, original):
    """A data folder without PERIOD and the templates written from it."""
    root = tmp_path_factory.mktemp("delivery")
    _without_period(root / "data")
    assert (
        main(
            [
                "template",
                "--period",
                PERIOD,
                "--data",
                str(root / "data"),
                "--out",
                str(root / "tpl"),
                "--jobs",
                "1",
            ]
        )
        == 0
    )
    return root


@pytest.fixture
def data(base, tmp_path):
    """A fresh copy of the data folder without PERIOD for one test."""
    shutil.copytree(base / "data", tmp_path / "data")
    return tmp_path / "data"


def filled(base: Path, original, lab: str, dest: Path, edit=None) -> Path:
    """Fill a lab's template with the removed values as a person would in Excel."""
    iv = original.indicator_values
    iv = iv[(iv["lab_id"] == lab) & (iv["period_id"] == PERIOD)]
    ms = original.milestones
    ms = ms[(ms["lab_id"] == lab) & (ms["period_id"] == PERIOD)]
    book = openpyxl.load_workbook(base / "tpl" / f"{lab}_{PERIOD}.xlsx")
    sheet = book["Indikatorwerte"]
    for row in range(2, sheet.max_row + 1):
        iid = sheet.cell(row, C_ID).value
        disagg = sheet.cell(row, C_DISAGG).value or ""
        match = iv[(iv["indicator_id"] == iid) & (iv["disaggregation_value"].fillna("") == disagg)]
        if len(match):
            r = match.iloc[0]
            if pd.notna(r["value"]):
                sheet.cell(row, C_VALUE).value = float(r["value"])
            sheet.cell(row, C_STATUS).value = STATUS_LABELS[r["status"]]
    sheet = book["Meilensteine"]
    for row in range(2, sheet.max_row + 1):
        match = ms[ms["milestone_id"] == sheet.cell(row, M_ID).value]
        if len(match):
            r = match.iloc[0]
            sheet.cell(row, M_COMPLETION).value = COMPLETION_LABELS[r["completion"]]
            if pd.notna(r["achieved_date"]):
                sheet.cell(row, M_ACHIEVED).value = r["achieved_date"].to_pydatetime()
    if edit is not None:
        edit(book)
    dest.parent.mkdir(parents=True, exist_ok=True)
    book.save(dest)
    return dest


def _period_rows(ds, name: str, key: list[str]) -> pd.DataFrame:
    frame = ds[name]
    frame = frame[frame["period_id"] == PERIOD].sort_values(key).reset_index(drop=True)
    return frame.astype(object).where(frame.notna(), None)


def collect(capsys, *args: str) -> tuple[int, str]:
    code = main(["collect", *args, "--received", RECEIVED])
    out = capsys.readouterr()
    text = out.out + out.err
    assert "Traceback" not in text and "interner Fehler" not in text
    return code, text


IV_KEY = ["lab_id", "indicator_id", "period_id", "disaggregation_value"]
MS_KEY = ["lab_id", "milestone_id", "period_id"]


def test_round_trip_returns_every_value(base, data, original, tmp_path, capsys):
    labs = sorted(original.labs["lab_id"])
    back = tmp_path / "back"
    for lab in labs:
        filled(base, original, lab, back / f"{lab}_{PERIOD}.xlsx")
    code, text = collect(capsys, str(back), "--data", str(data), "--feedback", str(tmp_path / "fb"))
    assert code == 0, text
    new = load(data)
    for name, key in (("indicator_values", IV_KEY), ("milestones", MS_KEY)):
        expected = _period_rows(original, name, key)
        got = _period_rows(new, name, key)
        pd.testing.assert_frame_equal(got, expected, check_dtype=False)
        assert len(new[name]) == len(original[name])
    register = _register(data)
    assert sorted(register["lab_id"]) == labs
    assert set(register["outcome"]) == {"accepted"}
    assert (tmp_path / "fb" / "index.html").exists()


def test_same_inputs_give_identical_bytes(base, tmp_path):
    out = tmp_path / "again"
    assert (
        main(
            [
                "template",
                "--period",
                PERIOD,
                "--data",
                str(base / "data"),
                "--out",
                str(out),
                "--lab",
                LAB,
                "--jobs",
                "1",
            ]
        )
        == 0
    )
    first = (base / "tpl" / f"{LAB}_{PERIOD}.xlsx").read_bytes()
    assert hashlib.sha256((out / f"{LAB}_{PERIOD}.xlsx").read_bytes()).digest() == (
        hashlib.sha256(first).digest()
    )


def test_template_holds_sheets_locks_and_hidden_metadata(base):
    book = openpyxl.load_workbook(base / "tpl" / f"{LAB}_{PERIOD}.xlsx")
    assert book.sheetnames == ["Anleitung", "Indikatorwerte", "Meilensteine", "Partner", "ogl_meta"]
    assert book["ogl_meta"].sheet_state == "hidden"
    meta = {r[0]: r[1] for r in book["ogl_meta"].iter_rows(values_only=True)}
    assert (meta["lab_id"], meta["period_id"]) == (LAB, PERIOD)
    sheet = book["Indikatorwerte"]
    assert sheet.protection.sheet
    assert sheet.cell(2, C_ID).protection.locked
    assert not sheet.cell(2, C_VALUE).protection.locked
    lists = [dv.formula1 for dv in sheet.data_validations.dataValidation if dv.type == "list"]
    assert any("gemessen" in f and "geschätzt" in f for f in lists)


def test_one_spoiled_cell_refuses_that_workbook_and_the_others_arrive(
    base, data, original, tmp_path, capsys
):
    back = tmp_path / "back"

    def spoil(book):
        book["Indikatorwerte"].cell(3, C_VALUE).value = "zwölf"

    filled(base, original, LAB, back / f"{LAB}_{PERIOD}.xlsx", spoil)
    filled(base, original, "bremen", back / f"bremen_{PERIOD}.xlsx")
    code, text = collect(capsys, str(back), "--data", str(data), "--feedback", str(tmp_path / "fb"))
    assert code == 1
    assert "Indikatorwerte!I3" in text and "zwölf" in text
    page = (tmp_path / "fb" / f"{LAB}_{PERIOD}.html").read_text(encoding="utf-8")
    assert "I3" in page and "zwölf" in page and "abgelehnt" in page
    marked = openpyxl.load_workbook(tmp_path / "fb" / f"{LAB}_{PERIOD}_rueckmeldung.xlsx")
    assert "zwölf" in marked["Indikatorwerte"]["I3"].comment.text
    new = load(data)
    got = new.indicator_values
    assert not ((got["lab_id"] == LAB) & (got["period_id"] == PERIOD)).any()
    expected = _period_rows(original, "indicator_values", IV_KEY)
    bremen = _period_rows(new, "indicator_values", IV_KEY)
    pd.testing.assert_frame_equal(
        bremen, expected[expected["lab_id"] == "bremen"].reset_index(drop=True), check_dtype=False
    )
    register = _register(data)
    outcome = dict(zip(register["lab_id"], register["outcome"], strict=True))
    assert outcome == {LAB: "refused", "bremen": "accepted"}


def test_refused_only_changes_no_table(base, data, original, tmp_path, capsys):
    before = {p.name: p.read_bytes() for p in data.glob("*.csv")}

    def spoil(book):
        book["Indikatorwerte"].cell(2, C_VALUE).value = "viele"

    wb = filled(base, original, LAB, tmp_path / "back" / f"{LAB}_{PERIOD}.xlsx", spoil)
    code, _ = collect(capsys, str(wb), "--data", str(data))
    assert code == 1
    after = {p.name: p.read_bytes() for p in data.glob("*.csv")}
    assert {k: v for k, v in after.items() if k != "submissions.csv"} == {
        k: v for k, v in before.items() if k != "submissions.csv"
    }
    # the register only gained the refusal: the old rows are an exact prefix
    assert after["submissions.csv"].startswith(before["submissions.csv"])
    assert list(_register(data)["outcome"]) == ["refused"]


def test_revision_keeps_the_old_value(base, data, original, tmp_path, capsys):
    first = filled(base, original, LAB, tmp_path / "1" / f"{LAB}_{PERIOD}.xlsx")
    assert collect(capsys, str(first), "--data", str(data))[0] == 0
    sheet_row = 2
    old = openpyxl.load_workbook(first)["Indikatorwerte"]
    iid = old.cell(sheet_row, C_ID).value
    old_value = old.cell(sheet_row, C_VALUE).value

    def correct(book):
        book["Indikatorwerte"].cell(sheet_row, C_VALUE).value = old_value + 1

    second = filled(base, original, LAB, tmp_path / "2" / f"{LAB}_{PERIOD}.xlsx", correct)
    code, text = collect(capsys, str(second), "--data", str(data))
    assert code == 0 and "Korrektur" in text
    revisions = _register(data, "revisions")
    row = revisions[(revisions["row_key"] == f"{iid}|") & (revisions["column"] == "value")]
    assert len(row) == 1
    assert float(row["old_value"].iat[0].replace(",", ".")) == pytest.approx(old_value)
    assert float(row["new_value"].iat[0].replace(",", ".")) == pytest.approx(old_value + 1)
    new = load(data).indicator_values
    got = new[(new["lab_id"] == LAB) & (new["period_id"] == PERIOD) & (new["indicator_id"] == iid)]
    assert got["value"].iat[0] == pytest.approx(old_value + 1)
    register = _register(data)
    assert list(register["outcome"]) == ["accepted", "revision"]
    # the same file again is recognised and skipped, never registered twice
    code, text = collect(capsys, str(second), "--data", str(data))
    assert code == 0 and "schon" in text
    assert len(_register(data)) == 2


def new_partner(name: str, kind: str = "Zivilgesellschaftliche Organisation", land: str = "DE-SN"):
    """An edit typing one new partner into the first row of the sheet Partner."""

    def edit(book):
        sheet = book["Partner"]
        sheet["A2"], sheet["B2"], sheet["C2"] = name, kind, land

    return edit


def test_new_partner_is_added_with_an_id(base, data, original, tmp_path, capsys):
    partner = new_partner("Bürgerverein Brandis e. V.")
    wb = filled(base, original, LAB, tmp_path / "b" / f"{LAB}_{PERIOD}.xlsx", partner)
    code, text = collect(capsys, str(wb), "--data", str(data))
    assert code == 0, text
    partners = load(data).partners
    row = partners[partners["name"] == "Bürgerverein Brandis e. V."]
    assert len(row) == 1 and row["kind"].iat[0] == "civil_society" and row["lab_id"].iat[0] == LAB
    assert len(partners) == len(original.partners) + 1


def _known_partner(original) -> pd.Series:
    own = original.partners[original.partners["lab_id"] == LAB]
    return own.iloc[0]


def _partner_row(name: str, kind: str, land: str):
    def edit(book):
        sheet = book["Partner"]
        sheet["A2"], sheet["B2"], sheet["C2"] = name, LISTS[(SHEET_PARTNERS, "kind")][kind], land

    return edit


def test_known_partner_unchanged_is_not_added_twice(base, data, original, tmp_path, capsys):
    known = _known_partner(original)
    edit = _partner_row(known["name"], known["kind"], known["land"])
    wb = filled(base, original, LAB, tmp_path / "b" / f"{LAB}_{PERIOD}.xlsx", edit)
    code, text = collect(capsys, str(wb), "--data", str(data))
    assert code == 0, text
    assert "nicht doppelt" in text and "Partner!A2" in text
    partners = load(data).partners
    pd.testing.assert_frame_equal(partners, original.partners)
    assert "partners" not in set(_register(data, "revisions")["table"])


def test_known_partner_with_another_kind_is_a_correction(base, data, original, tmp_path, capsys):
    """A lab corrects the kind of a partner it named before: kept as a revision, never lost."""
    known = _known_partner(original)
    other = next(k for k in LISTS[(SHEET_PARTNERS, "kind")] if k != known["kind"])
    # typed in another case, as people do: still the same partner
    edit = _partner_row(known["name"].upper(), other, known["land"])
    wb = filled(base, original, LAB, tmp_path / "b" / f"{LAB}_{PERIOD}.xlsx", edit)
    code, text = collect(capsys, str(wb), "--data", str(data))
    assert code == 0, text
    assert "Korrektur" in text and "Partner!A2" in text
    labels = LISTS[(SHEET_PARTNERS, "kind")]
    assert f"Art {labels[known['kind']]} → {labels[other]}" in text  # labels, not codes
    partners = load(data).partners
    pd.testing.assert_frame_equal(load(data).sources, original.sources)  # no new source
    assert len(partners) == len(original.partners)
    row = partners[partners["partner_id"] == known["partner_id"]].iloc[0]
    assert row["kind"] == other
    assert (row["name"], row["land"], row["source"]) == (
        known["name"],
        known["land"],
        known["source"],
    )
    others = partners[partners["partner_id"] != known["partner_id"]].set_index("partner_id")
    before = original.partners[original.partners["partner_id"] != known["partner_id"]]
    pd.testing.assert_frame_equal(
        others.sort_index(), before.set_index("partner_id").sort_index(), check_categorical=False
    )
    revs = _register(data, "revisions")
    revs = revs[revs["table"] == "partners"]
    assert len(revs) == 1
    r = revs.iloc[0]
    assert (r["lab_id"], r["row_key"], r["column"]) == (LAB, known["partner_id"], "kind")
    assert (r["old_value"], r["new_value"]) == (known["kind"], other)
    # a workbook that changes a stored value is registered as a revision
    assert list(_register(data)["outcome"]) == ["revision"]


# ---- typical mistakes: each one a clear message naming sheet and cell, never a traceback ----


def _set(sheet: str, cell: str, value):
    def edit(book):
        book[sheet][cell].value = value

    return edit


def _delete_row(book):
    book["Indikatorwerte"].delete_rows(4)


def _insert_row(book):
    sheet = book["Indikatorwerte"]
    sheet.insert_rows(4)
    sheet["A4"], sheet["I4"], sheet["J4"] = "i99", 5, "gemessen"


def _rename(book):
    book["Indikatorwerte"].title = "Tabelle1"


def _formula(book):
    book["Indikatorwerte"]["I2"] = "=1+2"


def _merge(book):
    book["Indikatorwerte"].merge_cells("I2:J2")


MISTAKES = {
    "text in a number cell": (
        _set("Indikatorwerte", "I3", "ca. 12"),
        "Indikatorwerte!I3",
        "ca. 12",
    ),
    "12,5 typed as text": (_set("Indikatorwerte", "I3", "12,5"), "Indikatorwerte!I3", "12,5"),
    "a date as text": (_set("Meilensteine", "F2", "30.10.2022"), "Meilensteine!F2", "30.10.2022"),
    "a deleted row": (_delete_row, "Indikatorwerte!A4", "gelöscht"),
    "an inserted row": (_insert_row, "Indikatorwerte!A4", "i99"),
    "a renamed sheet": (_rename, "Indikatorwerte", "Tabelle1"),
    "a formula": (_formula, "Indikatorwerte!I2", "=1+2"),
    "merged cells": (_merge, "Indikatorwerte!I2", "I2:J2"),
    "a status outside the list": (
        _set("Indikatorwerte", "J2", "ungefähr"),
        "Indikatorwerte!J2",
        "ungefähr",
    ),
    "a milestone date in the future": (
        _set("Meilensteine", "F2", dt.datetime(2030, 1, 1)),
        "Meilensteine!F2",
        "01.01.2030",
    ),
}


@pytest.mark.parametrize("mistake", list(MISTAKES))
def test_typical_mistake_is_refused_naming_the_cell(
    mistake, base, data, original, tmp_path, capsys
):
    edit, where, what = MISTAKES[mistake]
    wb = filled(base, original, LAB, tmp_path / "b" / f"{LAB}_{PERIOD}.xlsx", edit)
    code, text = collect(capsys, str(wb), "--data", str(data), "--feedback", str(tmp_path / "fb"))
    assert code == 1, text
    assert where in text and what in text, text
    page = (tmp_path / "fb" / f"{LAB}_{PERIOD}.html").read_text(encoding="utf-8")
    assert what in page


def test_sorted_rows_are_matched_by_id_with_a_note(base, data, original, tmp_path, capsys):
    def sort(book):
        sheet = book["Indikatorwerte"]
        rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
        for r, values in enumerate(reversed(rows), start=2):
            for c, v in enumerate(values, start=1):
                sheet.cell(r, c).value = v

    wb = filled(base, original, LAB, tmp_path / "b" / f"{LAB}_{PERIOD}.xlsx", sort)
    code, text = collect(capsys, str(wb), "--data", str(data))
    assert code == 0 and "umsortiert" in text
    expected = _period_rows(original, "indicator_values", IV_KEY)
    got = _period_rows(load(data), "indicator_values", IV_KEY)
    pd.testing.assert_frame_equal(
        got, expected[expected["lab_id"] == LAB].reset_index(drop=True), check_dtype=False
    )


def test_another_labs_workbook_is_refused(base, data, original, tmp_path, capsys):
    wb = filled(base, original, "bremen", tmp_path / "b" / f"{LAB}_{PERIOD}.xlsx")
    code, text = collect(capsys, str(wb), "--data", str(data))
    assert code == 1 and "ogl_meta" in text and "bremen" in text


def test_last_periods_workbook_is_left_out_by_period(base, data, original, tmp_path, capsys):
    """``--period sb6`` leaves last period's workbook out: one line, nothing registered."""
    out = tmp_path / "old"
    assert (
        main(
            [
                "template",
                "--period",
                "sb5",
                "--data",
                str(data),
                "--out",
                str(out),
                "--lab",
                LAB,
                "--jobs",
                "1",
            ]
        )
        == 0
    )
    before = (data / "submissions.csv").read_bytes()
    code, text = collect(
        capsys, str(out / f"{LAB}_sb5.xlsx"), "--data", str(data), "--period", PERIOD
    )
    assert code == 0, text
    line = next(x for x in text.splitlines() if f"{LAB}_sb5.xlsx" in x)
    assert "übersprungen" in line and "sb5" in line and PERIOD in line and "Fehler" not in text
    assert (data / "submissions.csv").read_bytes() == before


def test_empty_and_foreign_files_are_refused(data, tmp_path, capsys):
    empty = tmp_path / "leer.xlsx"
    openpyxl.Workbook().save(empty)
    text_file = tmp_path / "daten.xlsx"
    text_file.write_text("Wert;12\n", encoding="utf-8")
    own = tmp_path / "eigene.xlsx"
    book = openpyxl.Workbook()
    book.active["A1"] = "Indikator"
    book.save(own)
    code, text = collect(capsys, str(empty), str(text_file), str(own), "--data", str(data))
    assert code == 1
    assert "leer.xlsx: Fehler" in text and "leer" in text
    assert "daten.xlsx" in text and "keine lesbare .xlsx-Datei" in text
    assert "eigene.xlsx" in text and "ogl_meta" in text


def test_unknown_period_is_a_usage_error(base, tmp_path, capsys):
    code = main(
        ["template", "--period", "sb9", "--data", str(base / "data"), "--out", str(tmp_path / "t")]
    )
    assert code == 2
    assert "sb9" in capsys.readouterr().err


def test_english_messages(base, data, original, tmp_path, capsys):
    wb = filled(
        base,
        original,
        LAB,
        tmp_path / "b" / f"{LAB}_{PERIOD}.xlsx",
        _set("Indikatorwerte", "I3", "zwölf"),
    )
    code = main(["collect", str(wb), "--data", str(data), "--received", RECEIVED, "--lang", "en"])
    text = capsys.readouterr().out
    assert code == 1 and "refused" in text and "A number." in text


SOFFICE = shutil.which("soffice") or (
    "/usr/bin/soffice" if Path("/usr/bin/soffice").exists() else None
)


def resave_with_libreoffice(workbook: Path, tmp_path: Path) -> Path:
    """Open and save a workbook with LibreOffice headless, as a lab using it does."""
    assert SOFFICE is not None
    out = tmp_path / "lo"
    result = subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}",
            "--headless",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(out),
            str(workbook),
        ],
        capture_output=True,
        timeout=180,
        env={**os.environ, "HOME": str(tmp_path)},
    )
    resaved = out / workbook.name
    assert resaved.exists(), result.stderr.decode(errors="replace")
    return resaved


@pytest.mark.skipif(
    SOFFICE is None, reason="LibreOffice (soffice) ist nicht installiert / not installed"
)
def test_workbook_resaved_by_libreoffice_is_collected(base, data, original, tmp_path, capsys):
    wb = filled(base, original, LAB, tmp_path / "b" / f"{LAB}_{PERIOD}.xlsx")
    resaved = resave_with_libreoffice(wb, tmp_path)
    assert resaved.read_bytes() != wb.read_bytes()
    code, text = collect(capsys, str(resaved), "--data", str(data))
    assert code == 0, text
    expected = _period_rows(original, "indicator_values", IV_KEY)
    got = _period_rows(load(data), "indicator_values", IV_KEY)
    pd.testing.assert_frame_equal(
        got, expected[expected["lab_id"] == LAB].reset_index(drop=True), check_dtype=False
    )


def test_changed_metadata_or_version_is_refused(base, data, original, tmp_path, capsys):
    def tamper(book):
        book["ogl_meta"]["B4"] = "0"

    wb = filled(base, original, LAB, tmp_path / "b" / f"{LAB}_{PERIOD}.xlsx", tamper)
    code, text = collect(capsys, str(wb), "--data", str(data))
    assert code == 1 and "ogl_meta!B4" in text and "Version 0" in text

    def hash_gone(book):
        book["ogl_meta"]["B5"] = "abc"

    wb = filled(base, original, LAB, tmp_path / "c" / f"{LAB}_{PERIOD}.xlsx", hash_gone)
    code, text = collect(capsys, str(wb), "--data", str(data))
    assert code == 1 and "neue Vorlage anfordern" in text


def test_zip_bomb_is_refused_before_inflating(data, tmp_path, capsys):
    import zipfile

    bomb = tmp_path / "bombe.xlsx"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (300 * 1024**2))
    code, text = collect(capsys, str(bomb), "--data", str(data))
    assert code == 1 and "bombe.xlsx" in text and "MB" in text


def test_invalid_data_folder_changes_nothing(base, data, original, tmp_path, capsys):
    labs = data / "labs.csv"
    labs.write_text(labs.read_text(encoding="utf-8").replace("DE-SN", "Sachsen"), encoding="utf-8")
    before = {p.name: p.read_bytes() for p in data.iterdir()}
    wb = filled(base, original, LAB, tmp_path / "b" / f"{LAB}_{PERIOD}.xlsx")
    code, text = collect(capsys, str(wb), "--data", str(data))
    assert code == 1 and "labs.csv" in text and "nichts geändert" in text
    assert {p.name: p.read_bytes() for p in data.iterdir()} == before


def test_feedback_into_a_foreign_folder_is_refused(base, data, original, tmp_path, capsys):
    foreign = tmp_path / "meine_dokumente"
    foreign.mkdir()
    (foreign / "brief.docx").write_bytes(b"x")
    before = {p.name: p.read_bytes() for p in data.iterdir() if p.is_file()}
    wb = filled(base, original, LAB, tmp_path / "b" / f"{LAB}_{PERIOD}.xlsx")
    code, text = collect(capsys, str(wb), "--data", str(data), "--feedback", str(foreign))
    assert code == 2 and "nicht von ogl-impact angelegt" in text
    assert (foreign / "brief.docx").read_bytes() == b"x"
    assert {p.name: p.read_bytes() for p in data.iterdir() if p.is_file()} == before


# ---- many workbooks: checked in a pool of processes, same results in the same order ----


def _run_collect(paths: list[Path], data: Path, jobs: int):
    from ogl_impact.delivery.collect import collect as collect_books

    result = collect_books(paths, data, received=pd.Timestamp(RECEIVED), jobs=jobs)
    said = [
        (o.file, o.lab_id, o.period_id, o.outcome, [f.line("de") for f in o.findings])
        for o in result.outcomes
    ]
    files = {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(data.iterdir())
        if p.is_file() and p.name != ".ogl-impact-output"
    }
    return said, files


def test_pool_of_two_gives_what_one_process_gives(
    base, data, original, tmp_path, capsys, monkeypatch
):
    """Every lab's workbook, one spoiled, a truncated file and an empty one amid them."""
    import ogl_impact.delivery.check as check

    monkeypatch.setattr(check, "CHUNK", 2)  # batches of 2: the bad files sit inside batches
    back = tmp_path / "back"
    labs = sorted(original.labs["lab_id"])
    for lab in labs:
        edit = _set("Indikatorwerte", "I3", "zwölf") if lab == LAB else None
        filled(base, original, lab, back / f"{lab}_{PERIOD}.xlsx", edit)
    good = (back / f"bremen_{PERIOD}.xlsx").read_bytes()
    (back / f"c_kaputt_{PERIOD}.xlsx").write_bytes(good[:900])  # sorts between the labs
    (back / f"k_leer_{PERIOD}.xlsx").write_bytes(b"")
    serial_data = tmp_path / "serial"
    shutil.copytree(data, serial_data)
    serial, serial_files = _run_collect([back], serial_data, jobs=1)
    pooled, pooled_files = _run_collect([back], data, jobs=2)
    assert pooled == serial
    assert pooled_files == serial_files
    assert [s[0] for s in pooled] == sorted(p.name for p in back.iterdir())
    outcome = {s[0]: s[3] for s in pooled}
    assert outcome[f"c_kaputt_{PERIOD}.xlsx"] == outcome[f"k_leer_{PERIOD}.xlsx"] == "refused"
    assert outcome[f"{LAB}_{PERIOD}.xlsx"] == "refused"
    assert sum(v == "accepted" for v in outcome.values()) == len(labs) - 1
    broken = next(s[4] for s in pooled if s[0] == f"c_kaputt_{PERIOD}.xlsx")
    assert "beschädigt oder unvollständig" in broken[0]  # cut off after 900 bytes
    spoiled = next(s[4] for s in pooled if s[0] == f"{LAB}_{PERIOD}.xlsx")
    assert any("Indikatorwerte!I3" in line and "zwölf" in line for line in spoiled)
    register = _register(data)
    assert dict(zip(register["lab_id"], register["outcome"], strict=True))[LAB] == "refused"


def _mixed_books(base: Path, original, back: Path) -> list[Path]:
    """Every lab's workbook, one spoiled, with a truncated, an empty and a text file amid them."""
    for lab in sorted(original.labs["lab_id"]):
        edit = _set("Indikatorwerte", "I3", "zwölf") if lab == LAB else None
        filled(base, original, lab, back / f"{lab}_{PERIOD}.xlsx", edit)
    good = (back / f"bremen_{PERIOD}.xlsx").read_bytes()
    (back / f"c_kaputt_{PERIOD}.xlsx").write_bytes(good[:900])
    (back / f"k_leer_{PERIOD}.xlsx").write_bytes(b"")
    (back / "notizen.xlsx").write_text("Werte kommen nächste Woche", encoding="utf-8")
    return sorted(back.iterdir())


def test_workbooks_read_ahead_are_what_read_raw_gives(base, original, tmp_path):
    """The readers' pickles give back read_raw's result for each file, broken ones too."""
    import pickle

    from ogl_impact.delivery.check import ReadAhead, _unpickled
    from ogl_impact.delivery.read import RawWorkbook, read_raw

    books = _mixed_books(base, original, tmp_path / "back")
    books.append(tmp_path / "back" / "weg.xlsx")  # gone before it is read
    read = ReadAhead(books, 2).finish(wait=True)
    assert sorted(read) == list(range(len(books)))
    for k, path in enumerate(books):
        sent = pickle.loads(read[k])  # the path is not pickled: the position says it
        assert not isinstance(sent, RawWorkbook) or sent.path is None
        assert _unpickled(read[k], path) == read_raw(path), path.name
    assert ReadAhead(books, 0).finish() == {}
    assert ReadAhead([], 2).finish() == {}


@pytest.mark.parametrize("share", ["all", "every other", "none"])
def test_collect_gives_the_same_however_far_the_readers_got(
    base, data, original, tmp_path, monkeypatch, share
):
    """Workbooks read ahead or read in the pool: the same outcomes, messages and files."""
    import ogl_impact.delivery.check as check

    books = _mixed_books(base, original, tmp_path / "back")
    serial_data = tmp_path / "serial"
    shutil.copytree(data, serial_data)
    serial = _run_collect(books, serial_data, jobs=1)
    finish = check.ReadAhead.finish
    got: list[int] = []

    def finish_then_drop(self, wait=False):
        read = finish(self, wait=True)
        keep = {"all": read, "every other": {k: read[k] for k in read if k % 2}, "none": {}}
        got.append(len(read))
        return keep[share]

    monkeypatch.setattr(check.ReadAhead, "finish", finish_then_drop)
    pooled = _run_collect(books, data, jobs=2)
    assert got == [len(books)]  # the readers did run (and read everything)
    assert pooled == serial
    assert {s[0]: s[3] for s in pooled[0]}[f"{LAB}_{PERIOD}.xlsx"] == "refused"


def test_broken_data_folder_stops_the_readers(base, data, original, tmp_path):
    """The folder refused while workbooks are being read: its problems as ever, no reader left."""
    import multiprocessing

    from ogl_impact.delivery.collect import CollectError
    from ogl_impact.delivery.collect import collect as collect_books

    books = _mixed_books(base, original, tmp_path / "back")
    labs = data / "labs.csv"
    labs.write_text(labs.read_text(encoding="utf-8") + "ein;kaputter\n", encoding="utf-8")
    before = {p.name: p.read_bytes() for p in data.iterdir() if p.is_file()}
    with pytest.raises(CollectError, match="Daten fehlerhaft") as refused:
        collect_books(books, data, received=pd.Timestamp(RECEIVED), jobs=2)
    assert refused.value.problems
    assert any(p.file == "labs.csv" for p in refused.value.problems if p.severity == "error")
    assert multiprocessing.active_children() == []
    assert {p.name: p.read_bytes() for p in data.iterdir() if p.is_file()} == before


def test_pool_with_nothing_readable_ends_cleanly(data, tmp_path, capsys):
    """Only broken files, checked in a pool: each refused, no worker traceback, no table."""
    back = tmp_path / "back"
    back.mkdir()
    for n in range(5):
        (back / f"datei{n}.xlsx").write_bytes(b"PK\x03\x04 kaputt")
    before = {p.name: p.read_bytes() for p in data.iterdir() if p.is_file()}
    said, _ = _run_collect([back], data, jobs=2)
    assert [s[3] for s in said] == ["refused"] * 5
    err = capsys.readouterr().err
    assert "Traceback" not in err
    after = {p.name: p.read_bytes() for p in data.iterdir() if p.is_file()}
    assert {k: v for k, v in after.items() if k != "submissions.csv"} == {
        k: v for k, v in before.items() if k != "submissions.csv"
    }


def test_the_same_file_twice_in_one_run_is_registered_once(base, data, original, tmp_path, capsys):
    back = tmp_path / "back"
    first = filled(base, original, LAB, back / f"{LAB}_{PERIOD}.xlsx")
    shutil.copy(first, back / f"{LAB}_{PERIOD} (1).xlsx")
    code, text = collect(capsys, str(back), "--data", str(data))
    assert code == 0, text
    # " (1)" sorts first: the copy is collected, the file of the original name skipped
    assert "übersprungen" in text and f"schon als {LAB}_{PERIOD} (1).xlsx vor" in text
    assert list(_register(data)["outcome"]) == ["accepted"]


def test_a_value_that_breaks_a_rule_across_tables_is_refused_naming_the_cell(
    base, data, original, tmp_path, capsys
):
    """2.5 workshops: only the cross-table rule (a count is a whole number) sees it."""
    where = {}

    def half_workshop(book):
        sheet = book["Indikatorwerte"]
        for row in range(2, sheet.max_row + 1):
            if sheet.cell(row, C_ID).value == "i03" and not sheet.cell(row, C_DISAGG).value:
                sheet.cell(row, C_VALUE).value = 2.5
                sheet.cell(row, C_STATUS).value = STATUS_LABELS["measured"]
                where["cell"] = f"Indikatorwerte!I{row}"

    back = tmp_path / "back"
    filled(base, original, LAB, back / f"{LAB}_{PERIOD}.xlsx", half_workshop)
    filled(base, original, "bremen", back / f"bremen_{PERIOD}.xlsx")
    code, text = collect(capsys, str(back), "--data", str(data))
    assert code == 1, text
    lines = [x for x in text.splitlines() if where["cell"] in x]
    assert any("„2,5“" in x and "ganze Zahl" in x and "Fehler" in x for x in lines), text
    outcome = dict(zip(_register(data)["lab_id"], _register(data)["outcome"], strict=True))
    assert outcome == {LAB: "refused", "bremen": "accepted"}


# ---- the short cuts of collect say what the long way says ----


def _zip_variants(book: Path, tmp: Path) -> dict[str, Path]:
    """The same workbook as zip archives people and programs make, some of them odd."""
    import zipfile

    data = book.read_bytes()
    out = {"as saved": book}
    with zipfile.ZipFile(book) as src:
        members = [(i, src.read(i)) for i in src.infolist()]
    stored = tmp / "stored.xlsx"  # no compression at all
    with zipfile.ZipFile(stored, "w", compression=zipfile.ZIP_STORED) as dst:
        for info, content in members:
            dst.writestr(info.filename, content)
    out["stored"] = stored
    commented = tmp / "commented.xlsx"  # an archive comment: zipfile reads it
    with zipfile.ZipFile(commented, "w", compression=zipfile.ZIP_DEFLATED) as dst:
        for info, content in members:
            dst.writestr(info.filename, content)
        dst.comment = b"saved by a mail gateway"
    out["commented"] = commented
    out["truncated"] = tmp / "truncated.xlsx"
    out["truncated"].write_bytes(data[:700])
    with zipfile.ZipFile(book) as src:
        sheet = next(i for i in src.infolist() if i.filename.startswith("xl/worksheets/"))
    start = sheet.header_offset + 30 + len(sheet.filename.encode()) + len(sheet.extra)
    flipped = bytearray(data)
    flipped[start + sheet.compress_size // 2] ^= 0xFF  # a damaged sheet: CRC or inflating fails
    out["damaged"] = tmp / "damaged.xlsx"
    out["damaged"].write_bytes(bytes(flipped))
    return out


def test_fast_zip_reading_says_what_zipfile_says(base, original, tmp_path, monkeypatch):
    """read_raw's own central-directory reader gives what the zipfile path gives, file by file."""
    import ogl_impact.delivery.read as read

    books = {
        "plain": filled(base, original, LAB, tmp_path / "p" / f"{LAB}_{PERIOD}.xlsx"),
        "formula": filled(base, original, LAB, tmp_path / "f" / f"{LAB}_{PERIOD}.xlsx", _formula),
        "merged": filled(base, original, LAB, tmp_path / "m" / f"{LAB}_{PERIOD}.xlsx", _merge),
    }
    files: dict[str, Path] = {}
    for kind, book in books.items():
        variants = _zip_variants(book, book.parent)
        files |= {f"{kind}, {name}": path for name, path in variants.items()}
    fast_path = {name: read._inspect(path.read_bytes()) is not None for name, path in files.items()}
    fast = {name: repr(read.read_raw(path)) for name, path in files.items()}
    monkeypatch.setattr(read, "_inspect", lambda data, members=None: None)
    slow = {name: repr(read.read_raw(path)) for name, path in files.items()}
    assert fast == slow
    # the short cut is taken for plain archives and left to zipfile for odd ones
    for kind in books:
        assert fast_path[f"{kind}, as saved"] and fast_path[f"{kind}, stored"]
        assert not fast_path[f"{kind}, commented"] and not fast_path[f"{kind}, damaged"]
        assert not fast_path[f"{kind}, truncated"]
    assert "formula" in fast["formula, as saved"] and "=1+2" in fast["formula, as saved"]
    assert "I2:J2" in fast["merged, stored"]
    assert "not_a_workbook" in fast["plain, damaged"]


def _merge_new_values(data: Path, books: list[list[tuple]]) -> tuple:
    """Merge value rows (lab, indicator, period, disaggregation, value, status) as collect does.

    Each list is one workbook, for the lab and period of its first row.
    """
    from ogl_impact.delivery import collect as c
    from ogl_impact.delivery.check import Outcome
    from ogl_impact.delivery.tables import load_tables

    tables = load_tables(data)
    assert not tables.errors
    by_index = {
        k: Outcome(file=f"{k}.xlsx", path=Path("."), lab_id=rows[0][0], period_id=rows[0][2])
        for k, rows in enumerate(books)
    }
    new = {
        k: {
            "indicator_values": [(*r, (k + 1) * c.LINE_BLOCK + 2 + n) for n, r in enumerate(rows)],
            "milestones": [],
            "partners": [],
        }
        for k, rows in enumerate(books)
    }
    kept: dict = {}
    fresh: dict = {}
    merged = c._merged_raw(tables, new, by_index, kept)["indicator_values"]
    typed, problems = c._validate_merged(merged, tables, kept["indicator_values"], fresh)
    cross = c._cross_check(tables, {"indicator_values": typed}, {"indicator_values": merged}, fresh)
    return typed, problems, cross, merged, tables


def _errors(problems) -> list[tuple]:
    return [
        (p.line, p.column, p.rule, p.value, p.message("de"))
        for p in problems
        if p.severity == "error"
    ]


@pytest.mark.parametrize(
    "case",
    [
        "clean",
        "duplicate of a stored row",
        "duplicate between two new workbooks",
        "bad status",
        "revision of a stored period",
        "unknown indicator",
        "a share above 100 percent",
    ],
)
def test_new_rows_only_validation_finds_what_the_whole_table_gives(
    data, original, case, monkeypatch
):
    """Validating only a merge's new rows gives the typed table and errors of validating all."""
    from ogl_impact.delivery import collect as c
    from ogl_impact.schemas import TABLES
    from ogl_impact.schemas.crosscheck import check_cross_table
    from ogl_impact.validate import validate_table

    validated: list[int] = []

    def spy(raw, spec):
        validated.append(len(raw.frame))
        return validate_table(raw, spec)

    monkeypatch.setattr(c, "validate_table", spy)

    iv = original.indicator_values
    mine = iv[(iv["lab_id"] == LAB) & (iv["period_id"] == PERIOD)]
    rows = [
        (
            LAB,
            r.indicator_id,
            PERIOD,
            "" if pd.isna(r.disaggregation_value) else r.disaggregation_value,
            f"{r.value:g}".replace(".", ","),
            r.status,
        )
        for r in mine.itertuples()
        if pd.notna(r.value)
    ]
    stored = iv[(iv["lab_id"] == LAB) & (iv["period_id"] != PERIOD)].iloc[0]
    books = [rows]
    if case == "duplicate of a stored row":  # a stored key typed into this period's workbook
        d = "" if pd.isna(stored.disaggregation_value) else stored.disaggregation_value
        rows.append((LAB, stored.indicator_id, stored.period_id, d, "1", "measured"))
    elif case == "duplicate between two new workbooks":  # one row of this lab in another's book
        other = (original.labs["lab_id"] != LAB).idxmax()
        books.append([(original.labs["lab_id"][other], *rows[0][1:4], "7", "estimated"), rows[0]])
    elif case == "bad status":
        rows[1] = (*rows[1][:5], "geschaetzt")
    elif case == "unknown indicator":  # valid on its own, unknown to the folder
        rows.append((LAB, "i99", PERIOD, "", "3", "measured"))
    elif case == "a share above 100 percent":  # only the cross-table rule knows the measure
        ind = original.indicators
        share = ind[(ind["lab_id"] == LAB) & (ind["measure"] == "percentage")]["indicator_id"]
        rows[:] = [(*r[:4], "250", r[5]) if r[1] == share.iloc[0] and not r[3] else r for r in rows]
    elif case == "revision of a stored period":
        books = [[(LAB, i, stored.period_id, d, v, s) for _, i, _, d, v, s in rows]]
    typed, problems, cross, merged, tables = _merge_new_values(data, books)
    # the whole table is validated again only where a new key meets a stored one
    whole_again = case == "duplicate of a stored row"
    assert validated[-1] == len(merged.frame) if whole_again else max(validated) < 100
    whole, whole_problems = validate_table(merged, TABLES["indicator_values"])
    pd.testing.assert_frame_equal(typed, whole, check_exact=True)
    assert _errors(problems) == _errors(whole_problems)
    parents = {n: tables.tables[n] for n in ("labs", "periods", "indicators", "sources")}
    whole_cross = check_cross_table(
        {**parents, "indicator_values": whole},
        {**tables.raw, "indicator_values": merged},
        missing=set(),
    )
    assert _errors(cross) == _errors(whole_cross)
    table_rule = case in ("unknown indicator", "a share above 100 percent")
    assert bool(_errors(cross)) == table_rule
    expect_errors = case not in ("clean", "revision of a stored period")
    assert bool(_errors(problems)) == (expect_errors and not table_rule)
    if case.startswith("duplicate"):
        assert any("kommt mehrfach vor" in p.message("de") for p in problems)
