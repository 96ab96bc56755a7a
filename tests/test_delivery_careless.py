"""What a careless user of ``template`` and ``collect`` does, and what must then happen.

A coordinator writes templates for a period that is already collected and
sends them back unfilled, fills only one sheet, collects the same file
twice, writes feedback twice into one folder, types "31.7" into a
semicolon CSV. None of this may lose a stored value or read as an error
where nothing went wrong.

The expected values are the embedded data (data/raw) and what the test
typed, never the output of the code under test.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from ogl_impact.cli import main
from ogl_impact.dataset import load
from ogl_impact.delivery.workbook import COMPLETION_LABELS, STATUS_LABELS
from tests import test_delivery_loop as loop
from tests.test_delivery_loop import (
    C_DISAGG,
    C_ID,
    C_STATUS,
    C_VALUE,
    LAB,
    M_ACHIEVED,
    M_COMPLETION,
    M_ID,
    PERIOD,
    RAW,
    collect,
    filled,
)

original, base, data = loop.original, loop.base, loop.data
TABLE_FILES = ("indicator_values.csv", "milestones.csv", "partners.csv", "revisions.csv")


@pytest.fixture(scope="module")
def full(tmp_path_factory):
    """The embedded data (PERIOD collected) and its templates for PERIOD."""
    return loop.collected_with_templates(tmp_path_factory.mktemp("collected"))


@pytest.fixture
def stored(full, tmp_path):
    """A fresh copy of the embedded data for one test."""
    shutil.copytree(full / "data", tmp_path / "data")
    return tmp_path / "data"


_files = loop.files_of


def _blank(book, values: bool = True, milestones: bool = True) -> None:
    """Empty the open cells as a user who deletes what the template carries."""
    if values:
        sheet = book["Indikatorwerte"]
        for row in range(2, sheet.max_row + 1):
            sheet.cell(row, C_VALUE).value = None
            sheet.cell(row, C_STATUS).value = None
    if milestones:
        sheet = book["Meilensteine"]
        for row in range(2, sheet.max_row + 1):
            sheet.cell(row, M_COMPLETION).value = None
            sheet.cell(row, M_ACHIEVED).value = None


def _copy(full: Path, lab: str, dest: Path, edit=None) -> Path:
    book = openpyxl.load_workbook(full / "tpl" / f"{lab}_{PERIOD}.xlsx")
    if edit is not None:
        edit(book)
    dest.parent.mkdir(parents=True, exist_ok=True)
    book.save(dest)
    return dest


def _stored_value(lab: str, iid: str, disagg: str = ""):
    iv = load(RAW).indicator_values
    row = iv[
        (iv["lab_id"] == lab)
        & (iv["period_id"] == PERIOD)
        & (iv["indicator_id"] == iid)
        & (iv["disaggregation_value"].fillna("") == disagg)
    ]
    return row.iloc[0]


# --- 1a. an empty cell never deletes a stored value ------------------------------------------


def test_emptied_templates_of_a_collected_period_delete_nothing(full, stored, tmp_path, capsys):
    labs = sorted(load(RAW).labs["lab_id"])
    back = tmp_path / "back"
    for lab in labs:
        _copy(full, lab, back / f"{lab}_{PERIOD}.xlsx", _blank)
    before = _files(stored)
    code, text = collect(
        capsys, str(back), "--data", str(stored), "--feedback", str(tmp_path / "fb")
    )
    assert code == 0, text
    after = _files(stored)
    for name in TABLE_FILES:
        assert after[name] == before[name], name
    assert "als Korrektur angenommen" not in text
    # nothing entered at all: one line each, no delivery (see test_delivery_careless3)
    assert text.count("nichts eingetragen") == len(labs), text
    assert "keine Änderung" not in text
    page = (tmp_path / "fb" / f"{LAB}_{PERIOD}.html").read_text(encoding="utf-8")
    assert "nichts eingetragen" in page
    # not registered (it delivers nothing), also when sent again
    assert after["submissions.csv"] == before["submissions.csv"]
    code, text = collect(capsys, str(back), "--data", str(stored))
    assert code == 0 and _files(stored) == before


def test_only_values_filled_keeps_the_milestones(full, stored, tmp_path, capsys):
    sheet = openpyxl.load_workbook(full / "tpl" / f"{LAB}_{PERIOD}.xlsx")["Indikatorwerte"]
    iid, disagg = sheet.cell(2, C_ID).value, sheet.cell(2, C_DISAGG).value or ""
    old = _stored_value(LAB, iid, disagg)

    def values_only(book):
        _blank(book, values=True, milestones=True)
        s = book["Indikatorwerte"]
        s.cell(2, C_VALUE).value = float(old["value"]) + 3
        s.cell(2, C_STATUS).value = STATUS_LABELS["estimated"]

    wb = _copy(full, LAB, tmp_path / "b" / "Kopie von Datenlieferung.xlsx", values_only)
    before = _files(stored)
    code, text = collect(capsys, str(wb), "--data", str(stored))
    assert code == 0, text
    after = _files(stored)
    assert after["milestones.csv"] == before["milestones.csv"]
    revisions = pd.read_csv(stored / "revisions.csv", sep=";", comment="#", dtype=str)
    new = revisions[
        revisions["sha256"].isin(
            pd.read_csv(stored / "submissions.csv", sep=";", comment="#", dtype=str)["sha256"].tail(
                1
            )
        )
    ]
    assert sorted(new["column"]) == ["status", "value"] or sorted(new["column"]) == ["value"]
    assert set(new["row_key"]) == {f"{iid}|{disagg}"}
    assert new["new_value"].notna().all()
    iv = load(stored).indicator_values
    lab_rows = iv[(iv["lab_id"] == LAB) & (iv["period_id"] == PERIOD)]
    orig = load(RAW).indicator_values
    assert len(lab_rows) == ((orig["lab_id"] == LAB) & (orig["period_id"] == PERIOD)).sum()


def _line_searches(monkeypatch) -> list[int]:
    """Count the searches for the stored tables' line ends beside the pool."""
    from ogl_impact.delivery.collect import _StoredFiles

    calls: list[int] = []
    real = _StoredFiles._find_lines

    def spy(self):
        calls.append(1)
        real(self)

    monkeypatch.setattr(_StoredFiles, "_find_lines", spy)
    return calls


def test_a_first_delivery_never_looks_for_the_stored_line_ends(
    base, data, original, tmp_path, capsys, monkeypatch
):
    """A period's first delivery only appends to the stored tables."""
    calls = _line_searches(monkeypatch)
    first = filled(base, original, LAB, tmp_path / "1" / f"{LAB}_{PERIOD}.xlsx")
    assert collect(capsys, str(first), "--data", str(data))[0] == 0
    assert calls == []


def test_a_correction_looks_for_the_stored_line_ends_once(
    full, stored, tmp_path, capsys, monkeypatch
):
    """A correction replaces stored rows: the table is written line by line."""
    calls = _line_searches(monkeypatch)

    def more(book):
        s = book["Indikatorwerte"]
        s.cell(2, C_VALUE).value = float(s.cell(2, C_VALUE).value or 0) + 3

    wb = _copy(full, LAB, tmp_path / "2" / f"{LAB}_{PERIOD}.xlsx", more)
    code, text = collect(capsys, str(wb), "--data", str(stored))
    assert code == 0 and "Korrektur" in text, text
    assert calls == [1]


def test_a_value_can_be_withdrawn_explicitly_and_is_kept_as_a_revision(
    full, stored, tmp_path, capsys
):
    sheet = openpyxl.load_workbook(full / "tpl" / f"{LAB}_{PERIOD}.xlsx")["Indikatorwerte"]
    iid, disagg = sheet.cell(3, C_ID).value, sheet.cell(3, C_DISAGG).value or ""
    old = _stored_value(LAB, iid, disagg)

    def withdraw(book):
        book["Indikatorwerte"].cell(3, C_VALUE).value = None
        book["Indikatorwerte"].cell(3, C_STATUS).value = "Wert zurückziehen"

    wb = _copy(full, LAB, tmp_path / "b" / f"{LAB}_{PERIOD}.xlsx", withdraw)
    code, text = collect(capsys, str(wb), "--data", str(stored))
    assert code == 0, text
    assert "zurückgezogen" in text
    iv = load(stored).indicator_values
    gone = iv[
        (iv["lab_id"] == LAB)
        & (iv["period_id"] == PERIOD)
        & (iv["indicator_id"] == iid)
        & (iv["disaggregation_value"].fillna("") == disagg)
    ]
    assert gone.empty
    revisions = pd.read_csv(stored / "revisions.csv", sep=";", comment="#", dtype=str)
    row = revisions[(revisions["row_key"] == f"{iid}|{disagg}") & (revisions["column"] == "value")]
    assert float(row["old_value"].iat[-1].replace(",", ".")) == pytest.approx(old["value"])
    assert pd.isna(row["new_value"].iat[-1])


def test_withdrawing_where_nothing_is_stored_is_a_note_not_a_refusal(
    base, data, original, tmp_path, capsys
):
    def withdraw(book):
        book["Indikatorwerte"].cell(2, C_VALUE).value = None
        book["Indikatorwerte"].cell(2, C_STATUS).value = "Wert zurückziehen"

    wb = filled(base, original, LAB, tmp_path / "b" / f"{LAB}_{PERIOD}.xlsx", withdraw)
    code, text = collect(capsys, str(wb), "--data", str(data))
    assert code == 0, text
    assert "Indikatorwerte!J2" in text and "nichts zurückzuziehen" in text
    sheet = openpyxl.load_workbook(wb)["Indikatorwerte"]
    iid, disagg = sheet.cell(2, C_ID).value, sheet.cell(2, C_DISAGG).value or ""
    iv = load(data).indicator_values
    row = iv[
        (iv["lab_id"] == LAB)
        & (iv["period_id"] == PERIOD)
        & (iv["indicator_id"] == iid)
        & (iv["disaggregation_value"].fillna("") == disagg)
    ]
    assert row.empty


# --- 1b. templates of a collected period carry the stored values -----------------------------


def test_template_of_a_collected_period_carries_the_stored_values(full):
    book = openpyxl.load_workbook(full / "tpl" / f"{LAB}_{PERIOD}.xlsx")
    sheet = book["Indikatorwerte"]
    ds = load(RAW)
    iv = ds.indicator_values
    iv = iv[(iv["lab_id"] == LAB) & (iv["period_id"] == PERIOD)]
    seen = 0
    for row in range(2, sheet.max_row + 1):
        iid, disagg = sheet.cell(row, C_ID).value, sheet.cell(row, C_DISAGG).value or ""
        match = iv[(iv["indicator_id"] == iid) & (iv["disaggregation_value"].fillna("") == disagg)]
        if match.empty:
            assert sheet.cell(row, C_VALUE).value is None
            continue
        r = match.iloc[0]
        if pd.notna(r["value"]):
            assert sheet.cell(row, C_VALUE).value == pytest.approx(float(r["value"]))
            seen += 1
        assert sheet.cell(row, C_STATUS).value == STATUS_LABELS[r["status"]]
    assert seen > 0
    ms = ds.milestones
    ms = ms[(ms["lab_id"] == LAB) & (ms["period_id"] == PERIOD)]
    sheet = book["Meilensteine"]
    for row in range(2, sheet.max_row + 1):
        match = ms[ms["milestone_id"] == sheet.cell(row, M_ID).value]
        if len(match):
            r = match.iloc[0]
            assert sheet.cell(row, M_COMPLETION).value == COMPLETION_LABELS[r["completion"]]
            if pd.notna(r["achieved_date"]):
                assert sheet.cell(row, M_ACHIEVED).value == r["achieved_date"].to_pydatetime()


def test_template_of_a_collected_period_is_byte_identical_again(full, tmp_path):
    args = ["template", "--period", PERIOD, "--data", str(full / "data"), "--lab", LAB]
    assert main([*args, "--out", str(tmp_path / "again"), "--jobs", "1"]) == 0
    name = f"{LAB}_{PERIOD}.xlsx"
    assert (tmp_path / "again" / name).read_bytes() == (full / "tpl" / name).read_bytes()
    sheet = openpyxl.load_workbook(full / "tpl" / name)["Indikatorwerte"]
    lists = [dv.formula1 for dv in sheet.data_validations.dataValidation if dv.type == "list"]
    assert any("Wert zurückziehen" in f for f in lists)


def test_unchanged_templates_of_a_collected_period_change_no_table(full, stored, tmp_path, capsys):
    labs = sorted(load(RAW).labs["lab_id"])
    before = _files(stored)
    code, text = collect(capsys, str(full / "tpl"), "--data", str(stored))
    assert code == 0, text
    after = _files(stored)
    assert {k: v for k, v in after.items() if k != "submissions.csv"} == {
        k: v for k, v in before.items() if k != "submissions.csv"
    }
    assert after["submissions.csv"].startswith(before["submissions.csv"])
    for lab in labs:
        assert f"{lab}_{PERIOD}.xlsx ({lab}, {PERIOD}): keine Änderung" in text


# --- 1c. the guide says what an empty cell means ---------------------------------------------


def test_guide_and_coordinators_page_say_what_an_empty_cell_means(full):
    guide = openpyxl.load_workbook(full / "tpl" / f"{LAB}_{PERIOD}.xlsx")["Anleitung"]
    text = " ".join(str(c) for row in guide.iter_rows(values_only=True) for c in row if c)
    assert "leer" in text and "gespeicherte" in text and "zurückziehen" in text
    assert "personenbezogen" in text  # 5: remarks are kept
    docs = (Path(__file__).resolve().parents[1] / "docs" / "lab-coordinators.md").read_text(
        encoding="utf-8"
    )
    assert "leer gelassen" in docs and "Wert zurückziehen" in docs
    assert "personenbezogen" in docs and "delivery_notes.csv" in docs


# --- 2. feedback of a second batch keeps the first ---------------------------------------------


def test_second_batch_keeps_the_first_batchs_feedback(base, data, original, tmp_path, capsys):
    fb = tmp_path / "fb"

    def spoil(book):
        book["Indikatorwerte"].cell(2, C_VALUE).value = "viele"

    first = filled(base, original, LAB, tmp_path / "1" / f"{LAB}_{PERIOD}.xlsx", spoil)
    assert collect(capsys, str(first), "--data", str(data), "--feedback", str(fb))[0] == 1
    page = (fb / f"{LAB}_{PERIOD}.html").read_text(encoding="utf-8")
    assert "viele" in page
    second = filled(base, original, "bremen", tmp_path / "2" / f"bremen_{PERIOD}.xlsx")
    assert collect(capsys, str(second), "--data", str(data), "--feedback", str(fb))[0] == 0
    assert (fb / f"{LAB}_{PERIOD}.html").read_text(encoding="utf-8") == page
    assert (fb / f"{LAB}_{PERIOD}_rueckmeldung.xlsx").exists()
    assert (fb / f"bremen_{PERIOD}.html").exists()
    index = (fb / "index.html").read_text(encoding="utf-8")
    assert f"{LAB}_{PERIOD}.html" in index and f"bremen_{PERIOD}.html" in index
    # the lab corrects and sends again: its page is replaced, bremen's kept
    third = filled(base, original, LAB, tmp_path / "3" / f"{LAB}_{PERIOD}.xlsx")
    assert collect(capsys, str(third), "--data", str(data), "--feedback", str(fb))[0] == 0
    assert "viele" not in (fb / f"{LAB}_{PERIOD}.html").read_text(encoding="utf-8")
    assert not (fb / f"{LAB}_{PERIOD}_rueckmeldung.xlsx").exists()
    assert (fb / f"bremen_{PERIOD}.html").exists()


def test_a_file_sent_again_keeps_its_page_beside_a_wrong_file_of_its_lab(
    base, data, original, tmp_path, capsys
):
    """The same folder twice: the accepted workbook is skipped, its page stays as it was.

    Beside it lies a workbook named for another lab that holds this lab's
    template (refused both times); its page shares the lab's name and must
    not take the place of the accepted workbook's page.
    """
    inbox, fb = tmp_path / "in", tmp_path / "fb"
    right = filled(base, original, LAB, inbox / f"{LAB}_{PERIOD}.xlsx")
    wrong = inbox / f"bremen_{PERIOD}.xlsx"
    shutil.copy(right, wrong)
    assert collect(capsys, str(inbox), "--data", str(data), "--feedback", str(fb))[0] == 1

    def pages() -> dict[str, str]:
        return {p.name: p.read_text(encoding="utf-8") for p in fb.glob(f"{LAB}_{PERIOD}*.html")}

    first = pages()
    accepted = [n for n, t in first.items() if right.name in t and "angenommen" in t]
    refused = [n for n, t in first.items() if wrong.name in t and "abgelehnt" in t]
    assert len(accepted) == 1 and len(refused) == 1, first
    code, text = collect(capsys, str(inbox), "--data", str(data), "--feedback", str(fb))
    assert code == 1 and "übersprungen" in text, text
    second = pages()
    assert second[accepted[0]] == first[accepted[0]]  # the page of then stays, as the index says
    assert sum(wrong.name in t and "abgelehnt" in t for t in second.values()) == 1, second
    index = (fb / "index.html").read_text(encoding="utf-8")
    assert f'href="{accepted[0]}"' in index and "schon eingelesen" in index


def _skip_lines(fb: Path, name: str) -> list[str]:
    index = (fb / "index.html").read_text(encoding="utf-8")
    return [item for item in index.split("<li>") if item.startswith(f"{name}: ")]


def test_a_file_sent_again_without_a_page_of_then_is_not_said_to_keep_one(
    base, data, original, tmp_path, capsys
):
    """Collected first without feedback, then again beside a wrong file of its lab.

    The lab's page is the wrong file's: the index may not say that the
    feedback of then stays, for there was none; the file gets its own page.
    """
    inbox, fb = tmp_path / "in", tmp_path / "fb"
    right = filled(base, original, LAB, inbox / f"{LAB}_{PERIOD}.xlsx")
    assert collect(capsys, str(right), "--data", str(data))[0] == 0  # no feedback asked for
    wrong = inbox / f"bremen_{PERIOD}.xlsx"
    shutil.copy(right, wrong)  # named for another lab, this lab's template
    assert collect(capsys, str(inbox), "--data", str(data), "--feedback", str(fb))[0] == 1
    _own_skip_page(fb, right.name, wrong.name)


def _own_skip_page(fb: Path, name: str, other: str) -> None:
    """The file has a page of its own saying it was skipped, the other's page beside it."""
    pages = {p.name: p.read_text(encoding="utf-8") for p in fb.glob("*.html")}
    own = [n for n, t in pages.items() if n != "index.html" and f"<strong>{name}</strong>" in t]
    assert len(own) == 1 and "übersprungen" in pages[own[0]], pages
    assert any(f"<strong>{other}</strong>" in t and "abgelehnt" in t for t in pages.values())
    index = pages["index.html"]
    assert f'<a href="{own[0]}">{name}</a>' in index and "damals" not in index, index


def test_a_file_sent_again_after_another_workbook_of_its_lab_is_not_said_to_keep_its_page(
    base, data, original, tmp_path, capsys
):
    """Accepted, then a refused workbook of the lab took the page, then the first again.

    (The index names files, not their bytes: a refused file of the same name
    could not be told apart from the first, so the second one has another.)
    """
    fb = tmp_path / "fb"
    right = filled(base, original, LAB, tmp_path / "1" / f"{LAB}_{PERIOD}.xlsx")
    assert collect(capsys, str(right), "--data", str(data), "--feedback", str(fb))[0] == 0

    def spoil(book):
        book["Indikatorwerte"].cell(2, C_VALUE).value = "viele"

    other = filled(base, original, LAB, tmp_path / "2" / f"{LAB}_{PERIOD}_neu.xlsx", spoil)
    assert collect(capsys, str(other), "--data", str(data), "--feedback", str(fb))[0] == 1
    page = (fb / f"{LAB}_{PERIOD}.html").read_text(encoding="utf-8")
    assert "viele" in page  # the lab's page is now the refused workbook's
    assert collect(capsys, str(right), "--data", str(data), "--feedback", str(fb))[0] == 0
    assert (fb / f"{LAB}_{PERIOD}.html").read_text(encoding="utf-8") == page
    _own_skip_page(fb, right.name, other.name)


def test_a_page_of_another_lab_or_a_refused_file_of_the_same_name_is_not_its_own(
    base, data, original, tmp_path, capsys
):
    """One file name for everything: only the file's own page of then counts as kept.

    Batch 1 accepts ``Daten.xlsx`` of the lab; batch 2 refuses another
    ``Daten.xlsx`` of the lab (its page takes the lab's place); batch 3
    accepts a ``Daten.xlsx`` of bremen. Sent again, the first file has no
    page left: it gets one of its own, and nothing says a page stays.
    """
    fb = tmp_path / "fb"

    def spoil(book):
        book["Indikatorwerte"].cell(2, C_VALUE).value = "viele"

    first = filled(base, original, LAB, tmp_path / "1" / "Daten.xlsx")
    assert collect(capsys, str(first), "--data", str(data), "--feedback", str(fb))[0] == 0
    refused = filled(base, original, LAB, tmp_path / "2" / "Daten.xlsx", spoil)
    assert collect(capsys, str(refused), "--data", str(data), "--feedback", str(fb))[0] == 1
    other_lab = filled(base, original, "bremen", tmp_path / "3" / "Daten.xlsx")
    assert collect(capsys, str(other_lab), "--data", str(data), "--feedback", str(fb))[0] == 0
    before = {p.name: p.read_bytes() for p in fb.glob("[!.]*") if p.name != "index.html"}
    assert collect(capsys, str(first), "--data", str(data), "--feedback", str(fb))[0] == 0
    pages = {p.name: p.read_text(encoding="utf-8") for p in fb.glob("*.html")}
    index = pages["index.html"]
    assert "damals" not in index, index
    new = [n for n in pages if n not in before and n != "index.html"]
    assert len(new) == 1 and new[0].startswith(f"{LAB}_{PERIOD}"), new
    assert "übersprungen" in pages[new[0]] and "<strong>Daten.xlsx</strong>" in pages[new[0]]
    assert f'<a href="{new[0]}">Daten.xlsx</a>' in index
    for name, data_ in before.items():  # the refused page and bremen's stay as they were
        assert (fb / name).read_bytes() == data_, name


def test_a_file_sent_again_with_its_page_of_then_is_told_it_stays(
    base, data, original, tmp_path, capsys
):
    fb = tmp_path / "fb"
    right = filled(base, original, LAB, tmp_path / "1" / f"{LAB}_{PERIOD}.xlsx")
    assert collect(capsys, str(right), "--data", str(data), "--feedback", str(fb))[0] == 0
    page = (fb / f"{LAB}_{PERIOD}.html").read_text(encoding="utf-8")
    assert collect(capsys, str(right), "--data", str(data), "--feedback", str(fb))[0] == 0
    assert (fb / f"{LAB}_{PERIOD}.html").read_text(encoding="utf-8") == page
    lines = _skip_lines(fb, right.name)
    assert len(lines) == 1 and "die Rückmeldung von damals bleibt" in lines[0], lines


def test_help_of_collect_says_feedback_is_kept_per_lab(capsys):
    with pytest.raises(SystemExit):
        main(["collect", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "andere" in text and "bleiben" in text


# --- 3. a harmless skip is no error -------------------------------------------------------------


def test_a_file_collected_again_is_one_line_without_error(base, data, original, tmp_path, capsys):
    wb = filled(base, original, LAB, tmp_path / "b" / f"{LAB}_{PERIOD}.xlsx")
    assert collect(capsys, str(wb), "--data", str(data))[0] == 0
    code, text = collect(capsys, str(wb), "--data", str(data))
    assert code == 0
    lines = [line for line in text.splitlines() if wb.name in line]
    assert len(lines) == 1, text
    assert "übersprungen" in lines[0] and "schon am" in lines[0]
    assert "Fehler" not in text and "erwartet" not in text


# --- 4. a decimal point in a semicolon CSV ------------------------------------------------------


def test_decimal_point_in_a_semicolon_file_says_what_to_write(stored, capsys):
    path = stored / "indicator_values.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    header_at = next(i for i, line in enumerate(lines) if not line.startswith("#"))
    pos = lines[header_at].rstrip("\n").split(";").index("value")
    for i in range(header_at + 1, len(lines)):
        cells = lines[i].rstrip("\n").split(";")
        if cells[pos]:
            cells[pos] = "31.7"
            lines[i] = ";".join(cells) + "\n"
            break
    path.write_text("".join(lines), encoding="utf-8")
    assert main(["validate", str(stored)]) == 1
    text = capsys.readouterr().out
    assert "31.7" in text and "31,7" in text


# --- 5. the remarks file is named, not counted --------------------------------------------------


def test_validate_names_the_remarks_file_as_kept_but_not_checked(stored, capsys):
    assert main(["validate", str(stored)]) == 0
    plain = capsys.readouterr().out
    (stored / "delivery_notes.csv").write_text(
        "lab_id;period_id;sheet;indicator_id;disaggregation;cell;text;sha256;received\n",
        encoding="utf-8",
    )
    assert main(["validate", str(stored)]) == 0
    text = capsys.readouterr().out
    info = [line for line in text.splitlines() if "delivery_notes.csv" in line]
    assert len(info) == 1 and "nicht geprüft" in info[0] and "personenbezogen" in info[0]
    assert plain.splitlines()[-1] == text.splitlines()[-1]  # the same counts


# --- 6. bytes once refused, accepted later, are registered --------------------------------------


def _one_more(book) -> None:
    """Change the first value of the Indikatorwerte sheet (another version of the workbook)."""
    cell = book["Indikatorwerte"].cell(2, C_VALUE)
    cell.value = (cell.value or 0) + 1


def test_acceptance_after_a_refusal_of_the_same_bytes_is_registered(
    base, data, original, tmp_path, capsys
):
    wb = filled(base, original, LAB, tmp_path / "b" / f"{LAB}_{PERIOD}.xlsx")
    other = filled(base, original, LAB, tmp_path / "c" / f"{LAB}_{PERIOD}.xlsx", _one_more)
    # collected together with a second, different workbook of the lab first: refused
    code, _ = collect(capsys, str(wb), str(other), "--data", str(data))
    assert code == 1
    later = ["collect", str(wb), "--data", str(data), "--period", PERIOD]
    code = main([*later, "--received", "2022-11-25"])
    text = capsys.readouterr().out
    assert code == 0, text
    register = loop._register(data)
    sha = hashlib.sha256(wb.read_bytes()).hexdigest()
    assert list(register[register["sha256"] != sha]["outcome"]) == ["refused"]  # the other file
    register = register[register["sha256"] == sha].reset_index(drop=True)
    # the refusal stays on record; the acceptance is a row of its own with its day
    assert list(register["outcome"]) == ["refused", "accepted"]
    assert register["received"].iloc[1] == "2022-11-25"
    assert register["received"].iloc[0] != "2022-11-25"
    iv = load(data).indicator_values
    assert ((iv["lab_id"] == LAB) & (iv["period_id"] == PERIOD)).any()
    # the data folder still passes validate with both rows
    assert main(["validate", str(data)]) == 0, capsys.readouterr().out
    capsys.readouterr()
    # and the same bytes a third time: skipped, not registered again
    code, text = collect(capsys, str(wb), "--data", str(data))
    assert code == 0 and "übersprungen" in text
    assert len(loop._register(data)) == 3
