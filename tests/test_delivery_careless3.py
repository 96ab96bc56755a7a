"""Low findings of the second careless-user test of the delivery loop, as coordinators cause them.

Each test runs ``template`` and ``collect`` through :func:`ogl_impact.cli.main`
on a copy of the embedded data and edits workbooks with openpyxl, as a
person does in Excel. The expected values are the embedded data and what
the test typed, never the output of the code under test.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from ogl_impact.cli import main
from ogl_impact.delivery import cli as delivery_cli
from ogl_impact.delivery.workbook import STATUS_LABELS, WITHDRAW_LABEL
from tests import test_delivery_loop as loop
from tests.conftest import submissions as _register
from tests.test_delivery_loop import C_DISAGG, C_ID, C_STATUS, C_VALUE, PERIOD, RAW, collect, filled
from tests.test_delivery_run import _staging_left, _start

original, base, data = loop.original, loop.base, loop.data

LAB = "brandis"


_files = loop.files_of


# --- L4: a workbook of a network workshop ------------------------------------------------


def test_a_network_workshop_workbook_is_refused_in_plain_words(full, stored, tmp_path, capsys):
    # a coordinator copies the sb6 template and writes the workshop into the hidden sheet
    book = openpyxl.load_workbook(full / "tpl" / f"{LAB}_{PERIOD}.xlsx")
    book["ogl_meta"]["B3"] = "nw6"
    path = tmp_path / "back" / f"{LAB}_nw6.xlsx"
    path.parent.mkdir()
    book.save(path)
    before = _register(stored)
    code, text = collect(capsys, str(path), "--data", str(stored))
    assert code == 1, text
    assert "abgelehnt" in text
    assert "ogl_meta" not in text and "B3" not in text, text
    assert "Netzwerk-Workshop" in text and "6. Netzwerk-Workshop" in text, text
    assert "nicht über Arbeitsmappen" in text, text
    after = _register(stored)
    assert len(after) == len(before) + 1
    row = after.iloc[-1]
    assert row["lab_id"] == LAB and row["outcome"] == "refused", row
    assert after["lab_id"].notna().all()
    # status names the refused file instead of losing it
    assert main(["status", "--data", str(stored), "--as-of", "2026-12-01"]) == 0
    out = capsys.readouterr().out
    assert f"{LAB}_nw6.xlsx" in out, out
    line = next(x for x in out.splitlines() if f"{LAB}_nw6.xlsx" in x)
    assert "Netzwerk-Workshop" in line, line  # the line says why a file with a lab is apart


# --- L7: a blank template arriving after its period was collected -----------------------


def test_a_blank_template_after_the_delivery_is_one_line_and_no_delivery(
    base, data, original, tmp_path, capsys
):
    # the lab delivers on time; a colleague later sends the blank template of the same period
    sent = filled(base, original, LAB, tmp_path / "a" / f"{LAB}_{PERIOD}.xlsx")
    code, text = collect(capsys, str(sent), "--data", str(data), "--feedback", str(tmp_path / "fb"))
    assert code == 0 and "angenommen" in text, text
    page = (tmp_path / "fb" / f"{LAB}_{PERIOD}.html").read_bytes()
    assert main(["status", "--data", str(data), "--period", PERIOD, "--as-of", "2022-12-31"]) == 0
    status_before = capsys.readouterr().out
    before = _files(data)
    blank = tmp_path / "b" / f"{LAB}_{PERIOD} (2).xlsx"
    blank.parent.mkdir()
    shutil.copy(base / "tpl" / f"{LAB}_{PERIOD}.xlsx", blank)
    code, text = (
        main(
            [
                "collect",
                str(blank),
                "--data",
                str(data),
                "--received",
                "2022-12-01",
                "--feedback",
                str(tmp_path / "fb"),
            ]
        ),
        capsys.readouterr(),
    )
    text = text.out + text.err
    assert code == 0, text
    lines = [line for line in text.splitlines() if line.strip()]
    mine = [line for line in lines if blank.name in line]
    assert len(mine) == 1, text
    assert "nichts eingetragen" in mine[0] and "bleiben" in mine[0], text
    assert "leer gelassen" not in text and "keine Änderung" not in text, text
    assert len(lines) <= 3, text  # the line, the feedback folder, the summary
    assert _files(data) == before  # no table, no register row
    assert (tmp_path / "fb" / f"{LAB}_{PERIOD}.html").read_bytes() == page
    assert main(["status", "--data", str(data), "--period", PERIOD, "--as-of", "2022-12-31"]) == 0
    assert capsys.readouterr().out == status_before


# --- L5: a read-only data folder -----------------------------------------------------------


@contextlib.contextmanager
def _read_only(folder: Path):
    """Make a folder read-only as its owner would (chmod; as root, which chmod does not stop,
    the immutable flag); skip where neither works."""
    mode = folder.stat().st_mode
    folder.chmod(0o555)
    flagged = False
    try:
        if os.access(folder, os.W_OK):  # root
            run = subprocess.run(["chattr", "+i", str(folder)], capture_output=True, check=False)
            flagged = run.returncode == 0
            if not flagged or os.access(folder, os.W_OK):
                pytest.skip("cannot make a folder read-only here (root without chattr)")
        yield folder
    finally:
        if flagged:
            subprocess.run(["chattr", "-i", str(folder)], check=False)
        folder.chmod(mode)


def test_a_read_only_data_folder_is_refused_in_german_before_any_work(
    base, data, original, tmp_path, capsys
):
    sent = filled(base, original, LAB, tmp_path / "a" / f"{LAB}_{PERIOD}.xlsx")
    before = _files(data)
    with _read_only(data):
        code = main(["collect", str(sent), "--data", str(data), "--feedback", str(tmp_path / "fb")])
        out = capsys.readouterr()
    text = out.out + out.err
    assert code == 2, text  # as a folder refused for other reasons
    assert "Traceback" not in text
    assert "Operation not permitted" not in text and "Permission denied" not in text, text
    assert str(data) in text and "schreibgeschützt" in text and "Schreibrechte" in text, text
    assert "nichts geändert" in text
    assert _files(data) == before
    assert not (tmp_path / "fb").exists()
    assert not [p for p in data.parent.iterdir() if p.name.startswith(".ogl-staging-")]


# --- L6: Ctrl-C after everything is written; kill -9 leaves staging folders ------------------


def test_ctrl_c_while_the_results_are_printed_says_all_is_written(
    base, data, original, tmp_path, capsys, monkeypatch, interruptible
):
    sent = filled(base, original, LAB, tmp_path / "a" / f"{LAB}_{PERIOD}.xlsx")
    fb = tmp_path / "fb"
    before = _files(data)
    printing = delivery_cli._print_outcome

    def ctrl_c_now(*args, **kwargs):  # the coordinator presses Ctrl-C as the lines appear
        signal.raise_signal(signal.SIGINT)  # to this thread: handled before it returns
        return printing(*args, **kwargs)

    monkeypatch.setattr(delivery_cli, "_print_outcome", ctrl_c_now)
    code = main(["collect", str(sent), "--data", str(data), "--feedback", str(fb)])
    out = capsys.readouterr()
    assert code == 130, out.out + out.err
    assert "Traceback" not in out.err
    assert "vollständig geschrieben" in out.err and "nichts geändert" not in out.err, out.err
    after = _files(data)
    assert after["indicator_values.csv"] != before["indicator_values.csv"]
    assert f"{LAB};{PERIOD};" in after["submissions.csv"].decode()
    assert (fb / f"{LAB}_{PERIOD}.html").exists()


def test_after_kill_9_the_next_collect_says_it_removed_the_leftovers(
    base, data, original, tmp_path
):
    sent = filled(base, original, LAB, tmp_path / "a" / f"{LAB}_{PERIOD}.xlsx")
    fb = tmp_path / "fb"
    before = _files(data)
    proc, _ = _start(
        tmp_path, "staged", "collect", str(sent), "--data", str(data), "--feedback", str(fb)
    )
    proc.kill()  # kill -9 while tables and feedback are staged
    proc.communicate(timeout=60)
    assert _staging_left(data) and _files(data) == before
    # the folder itself is untouched: validate and status do not trip over the leftovers
    assert main(["validate", str(data)]) == 0
    assert main(["status", "--data", str(data), "--as-of", "2022-12-31"]) == 0
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "ogl_impact",
            "collect",
            str(sent),
            "--data",
            str(data),
            "--feedback",
            str(fb),
            "--received",
            "2022-11-20",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Zwischenordner eines abgebrochenen Laufs" in run.stderr and str(data) in run.stderr
    assert _staging_left(data) == [] and _staging_left(fb) == []
    assert "angenommen" in run.stdout


# --- L1: a Status changed onto a value another delivery changed since the template --------


def _row(sheet, iid: str) -> int:
    for row in range(2, sheet.max_row + 1):
        if sheet.cell(row, C_ID).value == iid and not sheet.cell(row, C_DISAGG).value:
            return row
    raise AssertionError(iid)


def _edited(full: Path, dest: Path, iid: str, value=None, status=None) -> Path:
    """A copy of the lab's correction template with one row of Indikatorwerte edited."""
    book = openpyxl.load_workbook(full / "tpl" / f"{LAB}_{PERIOD}.xlsx")
    sheet = book["Indikatorwerte"]
    row = _row(sheet, iid)
    if value is not None:
        sheet.cell(row, C_VALUE).value = value
    if status is not None:
        sheet.cell(row, C_STATUS).value = STATUS_LABELS[status]
    dest.parent.mkdir(parents=True, exist_ok=True)
    book.save(dest)
    return dest


@pytest.mark.parametrize("first", ["value", "status"])
def test_one_cell_of_a_row_each_on_two_copies_of_a_template_is_a_conflict(
    full, stored, tmp_path, capsys, first
):
    # i03 of brandis in sb6 is stored as 28, "geschätzt" (data/raw); two colleagues each
    # take the correction template: one corrects the value, the other the status
    iv = pd.read_csv(RAW / "indicator_values.csv", sep=";", comment="#", dtype=str)
    own = iv[(iv["lab_id"] == LAB) & (iv["period_id"] == PERIOD) & (iv["indicator_id"] == "i03")]
    assert own["value"].tolist() == ["28"] and own["status"].tolist() == ["estimated"]
    by_value = _edited(full, tmp_path / "a" / f"{LAB}_{PERIOD}.xlsx", "i03", value=30)
    by_status = _edited(full, tmp_path / "b" / f"{LAB}_{PERIOD}.xlsx", "i03", status="measured")
    one, other = (by_value, by_status) if first == "value" else (by_status, by_value)
    code, text = collect(capsys, str(one), "--data", str(stored))
    assert code == 0 and "als Korrektur angenommen" in text, text
    before = _files(stored)
    code, text = collect(capsys, str(other), "--data", str(stored))
    assert code == 1 and "abgelehnt" in text, text
    book = openpyxl.load_workbook(other)
    row = _row(book["Indikatorwerte"], "i03")
    cell = f"Indikatorwerte!{'I' if other is by_value else 'J'}{row}"
    assert cell in text, text
    assert "neue Vorlage" in text
    after = _files(stored)
    for name in ("indicator_values.csv", "revisions.csv"):
        assert after[name] == before[name], name


# --- L3: an sb5 correction template filled with sb6 values --------------------------------


def test_a_correction_that_repeats_another_periods_values_gets_a_hint(full, tmp_path, capsys):
    stored_data = tmp_path / "data"
    shutil.copytree(full / "data", stored_data)
    assert main(["template", "--period", "sb5", "--lab", LAB, "--data", str(stored_data),
                 "--out", str(tmp_path / "tpl5"), "--jobs", "1"]) == 0  # fmt: skip
    capsys.readouterr()
    iv = pd.read_csv(RAW / "indicator_values.csv", sep=";", comment="#", dtype=str)
    iv = iv[(iv["lab_id"] == LAB) & (iv["period_id"] == PERIOD)].fillna("")
    sb6 = {(r.indicator_id, r.disaggregation_value): r.value for r in iv.itertuples()}
    # the coordinator opens the sb5 correction template and types this period's (sb6) values
    book = openpyxl.load_workbook(tmp_path / "tpl5" / f"{LAB}_sb5.xlsx")
    sheet = book["Indikatorwerte"]
    typed = 0
    for row in range(2, sheet.max_row + 1):
        key = (sheet.cell(row, C_ID).value, sheet.cell(row, C_DISAGG).value or "")
        if sb6.get(key):
            sheet.cell(row, C_VALUE).value = float(sb6[key].replace(",", "."))
            typed += 1
    assert typed >= 10
    path = tmp_path / "back" / f"{LAB}_sb5.xlsx"
    path.parent.mkdir()
    book.save(path)
    code, text = collect(capsys, str(path), "--data", str(stored_data))
    assert code == 0 and "als Korrektur angenommen" in text, text
    hint = [line for line in text.splitlines() if "sb6" in line]
    assert hint and "Hinweis" in hint[0], text
    assert "gespeicherten Werten von sb6" in hint[0] and "Vorlage für sb6" in hint[0], text


def test_the_same_status_as_the_later_delivery_is_no_conflict(full, stored, tmp_path, capsys):
    # a later delivery stored 30, "gemessen"; a colleague's copy says "gemessen" too
    later = _edited(full, tmp_path / "a" / f"{LAB}_{PERIOD}.xlsx", "i03", 30, "measured")
    code, text = collect(capsys, str(later), "--data", str(stored))
    assert code == 0 and "als Korrektur angenommen" in text, text
    same = _edited(full, tmp_path / "b" / f"{LAB}_{PERIOD}.xlsx", "i03", status="measured")
    code, text = collect(capsys, str(same), "--data", str(stored))
    assert code == 0 and "keine Änderung" in text and "Fehler" not in text, text
    iv = pd.read_csv(stored / "indicator_values.csv", sep=";", comment="#", dtype=str)
    row = iv[(iv["lab_id"] == LAB) & (iv["period_id"] == PERIOD) & (iv["indicator_id"] == "i03")]
    assert row["value"].tolist() == ["30"] and row["status"].tolist() == ["measured"]


# --- a withdrawal made on a template whose row changed since --------------------------------


def test_withdrawing_a_value_changed_since_the_template_is_a_conflict(
    full, stored, tmp_path, capsys
):
    # colleague A corrects i03 (stored 28) to 30; colleague B, on a copy of the same template
    # that shows 28, withdraws the value: B withdrew 28, not the 30 stored since
    by_value = _edited(full, tmp_path / "a" / f"{LAB}_{PERIOD}.xlsx", "i03", value=30)
    code, text = collect(capsys, str(by_value), "--data", str(stored))
    assert code == 0 and "als Korrektur angenommen" in text, text
    book = openpyxl.load_workbook(full / "tpl" / f"{LAB}_{PERIOD}.xlsx")
    sheet = book["Indikatorwerte"]
    row = _row(sheet, "i03")
    sheet.cell(row, C_VALUE).value = None
    sheet.cell(row, C_STATUS).value = WITHDRAW_LABEL
    withdraw = tmp_path / "b" / f"{LAB}_{PERIOD}.xlsx"
    withdraw.parent.mkdir()
    book.save(withdraw)
    before = _files(stored)
    code, text = collect(capsys, str(withdraw), "--data", str(stored))
    assert code == 1 and "abgelehnt" in text, text
    assert f"Indikatorwerte!J{row}" in text and "30" in text and "28" in text, text
    assert "neue Vorlage" in text and "zurückgezogen" in text, text
    assert _files(stored)["indicator_values.csv"] == before["indicator_values.csv"]
    assert _files(stored)["revisions.csv"] == before["revisions.csv"]
    # a new template shows 30; withdrawing there is taken
    fresh = tmp_path / "tpl2"
    assert main(["template", "--period", PERIOD, "--lab", LAB, "--data", str(stored),
                 "--out", str(fresh), "--jobs", "1"]) == 0  # fmt: skip
    book = openpyxl.load_workbook(fresh / f"{LAB}_{PERIOD}.xlsx")
    sheet = book["Indikatorwerte"]
    assert sheet.cell(row, C_VALUE).value == 30
    sheet.cell(row, C_VALUE).value = None
    sheet.cell(row, C_STATUS).value = WITHDRAW_LABEL
    again = tmp_path / "c" / f"{LAB}_{PERIOD}.xlsx"
    again.parent.mkdir()
    book.save(again)
    capsys.readouterr()
    code, text = collect(capsys, str(again), "--data", str(stored))
    assert code == 0 and "zurückgezogen" in text, text
    iv = pd.read_csv(stored / "indicator_values.csv", sep=";", comment="#", dtype=str)
    gone = iv[(iv["lab_id"] == LAB) & (iv["period_id"] == PERIOD) & (iv["indicator_id"] == "i03")]
    assert gone.empty, gone


def test_a_conflict_with_a_withdrawn_value_says_empty_not_empty_quotes(
    full, stored, tmp_path, capsys
):
    # colleague A withdraws i03 on a fresh copy; colleague B then changes its Status on another
    book = openpyxl.load_workbook(full / "tpl" / f"{LAB}_{PERIOD}.xlsx")
    sheet = book["Indikatorwerte"]
    row = _row(sheet, "i03")
    sheet.cell(row, C_VALUE).value = None
    sheet.cell(row, C_STATUS).value = WITHDRAW_LABEL
    withdraw = tmp_path / "a" / f"{LAB}_{PERIOD}.xlsx"
    withdraw.parent.mkdir()
    book.save(withdraw)
    code, text = collect(capsys, str(withdraw), "--data", str(stored))
    assert code == 0 and "zurückgezogen" in text, text
    by_status = _edited(full, tmp_path / "b" / f"{LAB}_{PERIOD}.xlsx", "i03", status="measured")
    code, text = collect(capsys, str(by_status), "--data", str(stored))
    assert code == 1 and "abgelehnt" in text, text
    assert f"Indikatorwerte!J{row}" in text, text
    assert "„“" not in text and "(leer)" in text, text


# --- a blank template sent along with the lab's filled one ------------------------------------


def test_a_blank_template_beside_the_filled_one_does_not_block_it(
    base, data, original, tmp_path, capsys
):
    # the period is not collected yet; the coordinator's folder holds the filled workbook and
    # the blank template it was made from (downloaded twice, one never filled)
    sent = filled(base, original, LAB, tmp_path / "in" / f"{LAB}_{PERIOD}.xlsx")
    blank = tmp_path / "in" / f"{LAB}_{PERIOD} (leer).xlsx"
    shutil.copy(base / "tpl" / f"{LAB}_{PERIOD}.xlsx", blank)
    code, text = collect(capsys, str(tmp_path / "in"), "--data", str(data))
    assert code == 1, text  # the blank one is refused on its own ...
    assert "Zwei Arbeitsmappen" not in text, text
    assert "kein Wert eingetragen" in text, text
    accepted = [line for line in text.splitlines() if sent.name in line and "angenommen" in line]
    assert accepted, text  # ... and the filled one is taken
    iv = pd.read_csv(data / "indicator_values.csv", sep=";", comment="#", dtype=str)
    mine = iv[(iv["lab_id"] == LAB) & (iv["period_id"] == PERIOD)]
    want = original.indicator_values
    want = want[(want["lab_id"] == LAB) & (want["period_id"] == PERIOD)]
    assert len(mine) == len(want) > 0
    register = _register(data)
    mine = register[(register["lab_id"] == LAB) & (register["period_id"] == PERIOD)]
    assert sorted(mine["outcome"].tolist()) == ["accepted", "refused"], mine


def test_a_blank_template_beside_a_correction_is_skipped_and_the_correction_taken(
    base, data, original, tmp_path, capsys
):
    sent = filled(base, original, LAB, tmp_path / "a" / f"{LAB}_{PERIOD}.xlsx")
    code, text = collect(capsys, str(sent), "--data", str(data))
    assert code == 0, text

    def thirty(book):
        sheet = book["Indikatorwerte"]
        sheet.cell(_row(sheet, "i03"), C_VALUE).value = 30

    fixed = filled(base, original, LAB, tmp_path / "b" / f"{LAB}_{PERIOD}.xlsx", thirty)
    shutil.copy(base / "tpl" / f"{LAB}_{PERIOD}.xlsx", tmp_path / "b" / f"{LAB}_{PERIOD} (2).xlsx")
    before = len(_register(data))
    code, text = collect(capsys, str(tmp_path / "b"), "--data", str(data))
    assert code == 0, text
    assert "Zwei Arbeitsmappen" not in text and "übersprungen" in text, text
    assert any(fixed.name in line and "Korrektur" in line for line in text.splitlines()), text
    iv = pd.read_csv(data / "indicator_values.csv", sep=";", comment="#", dtype=str)
    row = iv[(iv["lab_id"] == LAB) & (iv["period_id"] == PERIOD) & (iv["indicator_id"] == "i03")]
    assert row["value"].tolist() == ["30"], row
    assert len(_register(data)) == before + 1  # the correction; the blank one is not a delivery


def test_the_page_of_a_blank_workbook_says_nothing_was_entered(
    base, data, original, tmp_path, capsys
):
    sent = filled(base, original, LAB, tmp_path / "a" / f"{LAB}_{PERIOD}.xlsx")
    code, text = collect(capsys, str(sent), "--data", str(data))
    assert code == 0, text
    blank = tmp_path / "b" / f"{LAB}_{PERIOD}.xlsx"
    blank.parent.mkdir()
    shutil.copy(base / "tpl" / f"{LAB}_{PERIOD}.xlsx", blank)
    fb = tmp_path / "fb_new"  # a feedback folder without the page of the delivery
    code, text = collect(capsys, str(blank), "--data", str(data), "--feedback", str(fb))
    assert code == 0 and "übersprungen" in text, text
    page = (fb / f"{LAB}_{PERIOD}.html").read_text(encoding="utf-8")
    index = (fb / "index.html").read_text(encoding="utf-8")
    for html_text in (page, index):
        assert "nichts eingetragen" in html_text, html_text
        assert "schon eingelesen" not in html_text, html_text


def test_two_corrected_values_that_happen_to_equal_another_period_get_no_hint(
    full, stored, tmp_path, capsys
):
    # two indicators corrected to the values they had in sb5 (a count that did not move)
    iv = pd.read_csv(RAW / "indicator_values.csv", sep=";", comment="#", dtype=str).fillna("")
    own = iv[(iv["lab_id"] == LAB) & (iv["disaggregation_value"] == "")]
    sb5 = own[own["period_id"] == "sb5"].set_index("indicator_id")["value"]
    sb6 = own[own["period_id"] == PERIOD].set_index("indicator_id")["value"]
    moved = [i for i in sb6.index if i in sb5.index and sb5[i] and sb6[i] and sb5[i] != sb6[i]]
    assert len(moved) >= 3
    book = openpyxl.load_workbook(full / "tpl" / f"{LAB}_{PERIOD}.xlsx")
    sheet = book["Indikatorwerte"]
    for iid in moved[:2]:
        sheet.cell(_row(sheet, iid), C_VALUE).value = float(sb5[iid].replace(",", "."))
    path = tmp_path / "back" / f"{LAB}_{PERIOD}.xlsx"
    path.parent.mkdir()
    book.save(path)
    code, text = collect(capsys, str(path), "--data", str(stored))
    assert code == 0 and "als Korrektur angenommen" in text, text
    assert "gespeicherten Werten von sb5" not in text, text
    # the third one makes it a pattern worth a hint
    sheet.cell(_row(sheet, moved[2]), C_VALUE).value = float(sb5[moved[2]].replace(",", "."))
    again = tmp_path / "again" / f"{LAB}_{PERIOD}.xlsx"
    again.parent.mkdir()
    book.save(again)
    fresh = tmp_path / "fresh"
    shutil.copytree(full / "data", fresh)
    code, text = collect(capsys, str(again), "--data", str(fresh))
    assert code == 0 and "gespeicherten Werten von sb5" in text, text


def test_withdrawing_a_value_whose_status_alone_changed_since_is_taken(
    full, stored, tmp_path, capsys
):
    # A sets i03's Status to "gemessen" (value 28 stays); B withdraws i03 on an older copy:
    # B withdraws the very value 28 it saw, so the withdrawal is taken
    by_status = _edited(full, tmp_path / "a" / f"{LAB}_{PERIOD}.xlsx", "i03", status="measured")
    code, text = collect(capsys, str(by_status), "--data", str(stored))
    assert code == 0 and "als Korrektur angenommen" in text, text
    book = openpyxl.load_workbook(full / "tpl" / f"{LAB}_{PERIOD}.xlsx")
    sheet = book["Indikatorwerte"]
    row = _row(sheet, "i03")
    sheet.cell(row, C_VALUE).value = None
    sheet.cell(row, C_STATUS).value = WITHDRAW_LABEL
    withdraw = tmp_path / "b" / f"{LAB}_{PERIOD}.xlsx"
    withdraw.parent.mkdir()
    book.save(withdraw)
    code, text = collect(capsys, str(withdraw), "--data", str(stored))
    assert code == 0 and "zurückgezogen" in text, text
    iv = pd.read_csv(stored / "indicator_values.csv", sep=";", comment="#", dtype=str)
    gone = iv[(iv["lab_id"] == LAB) & (iv["period_id"] == PERIOD) & (iv["indicator_id"] == "i03")]
    assert gone.empty, gone


def test_a_read_only_folder_above_the_data_folder_is_refused_before_any_work(
    base, data, original, tmp_path, capsys
):
    sent = filled(base, original, LAB, tmp_path / "a" / f"{LAB}_{PERIOD}.xlsx")
    before = _files(data)
    with _read_only(data.parent):  # the data folder itself stays writable
        code = main(["collect", str(sent), "--data", str(data)])
        out = capsys.readouterr()
    text = out.out + out.err
    assert code == 2, text
    assert "Operation not permitted" not in text and "Permission denied" not in text, text
    assert str(data.parent) in text and "schreibgeschützt" in text, text
    assert "Zwischenordner" in text and "angenommen" not in text, text
    assert _files(data) == before


def test_ctrl_c_after_the_commit_before_collect_returns_says_all_is_written(
    base, data, original, tmp_path, capsys, monkeypatch, interruptible
):
    from ogl_impact.delivery import collect as collect_module

    sent = filled(base, original, LAB, tmp_path / "a" / f"{LAB}_{PERIOD}.xlsx")
    before = _files(data)

    def ctrl_c_now(*args, **kwargs):  # the last step of collect(), after tables and feedback
        signal.raise_signal(signal.SIGINT)  # to this thread: handled before it returns
        raise AssertionError("the interrupt did not arrive")

    monkeypatch.setattr(collect_module, "CollectResult", ctrl_c_now)
    code = main(["collect", str(sent), "--data", str(data)])
    out = capsys.readouterr()
    assert code == 130, out.out + out.err
    assert "vollständig geschrieben" in out.err and "nichts geändert" not in out.err, out.err
    assert _files(data)["indicator_values.csv"] != before["indicator_values.csv"]
