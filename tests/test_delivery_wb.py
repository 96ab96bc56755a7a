"""The workbook's content as careless coordinators and labs send it back (careless-user test).

Each test does what a person did in the careless-user test of the delivery
loop: two colleagues correct the same template one after the other, last
period's template is filled with this period's values, an unfilled template
is sent back, "44,3 %" is typed into a percent-formatted cell, a Status is
cleared, a milestone is set back to "Nicht begonnen". Every call goes
through ``ogl_impact.cli.main``; workbooks are edited with openpyxl. The
expected values are the embedded data (data/raw) and what the test typed.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from ogl_impact import vocab
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
TABLES = ("indicator_values.csv", "milestones.csv", "partners.csv", "revisions.csv")


_files = loop.files_of


def _edit(template: Path, dest: Path, edit) -> Path:
    book = openpyxl.load_workbook(template)
    edit(book)
    dest.parent.mkdir(parents=True, exist_ok=True)
    book.save(dest)
    return dest


def _rows(book, sheet: str = "Indikatorwerte") -> dict[str, int]:
    """Sheet row of each indicator (rows without a disaggregation) or milestone."""
    s = book[sheet]
    out = {}
    for row in range(2, s.max_row + 1):
        key = s.cell(row, C_ID if sheet == "Indikatorwerte" else M_ID).value
        if sheet == "Indikatorwerte" and s.cell(row, C_DISAGG).value:
            continue
        if key:
            out.setdefault(key, row)
    return out


def _values(folder: Path, lab: str = LAB, period: str = PERIOD) -> dict[str, float]:
    iv = load(folder).indicator_values
    iv = iv[(iv["lab_id"] == lab) & (iv["period_id"] == period)]
    iv = iv[iv["disaggregation_value"].isna() & iv["value"].notna()]
    return dict(zip(iv["indicator_id"], iv["value"].astype(float), strict=True))


def _two_with_values(full: Path) -> tuple[str, str]:
    """Two indicators of Brandis with a stored value and a row of their own in the template."""
    book = openpyxl.load_workbook(full / "tpl" / f"{LAB}_{PERIOD}.xlsx")
    stored = _values(RAW)
    ids = [i for i in _rows(book) if i in stored]
    return ids[0], ids[1]


# --- #2: a second correction on an old copy of the template ---------------------------------


def _set_value(iid: str, value: float):
    """An edit typing ``value`` into the Wert cell of indicator ``iid``."""

    def edit(book):
        book["Indikatorwerte"].cell(_rows(book)[iid], C_VALUE).value = value

    return edit


def test_a_colleagues_correction_on_the_same_template_keeps_the_first(
    full, stored, tmp_path, capsys
):
    first, second = _two_with_values(full)
    tpl = full / "tpl" / f"{LAB}_{PERIOD}.xlsx"
    was = _values(RAW)
    one, two = was[first] + 2, was[second] + 3

    a = _edit(tpl, tmp_path / "a" / f"{LAB}_{PERIOD}.xlsx", _set_value(first, one))
    code, text = collect(capsys, str(a), "--data", str(stored))
    assert code == 0 and "als Korrektur angenommen" in text, text
    assert _values(stored)[first] == pytest.approx(one)
    # the colleague changed another value on the same original template
    b = _edit(tpl, tmp_path / "b" / f"{LAB}_{PERIOD}.xlsx", _set_value(second, two))
    code, text = collect(capsys, str(b), "--data", str(stored))
    assert code == 0, text
    now = _values(stored)
    assert now[first] == pytest.approx(one), "the first correction was undone"
    assert now[second] == pytest.approx(two)
    assert "seit Ihre Vorlage erstellt wurde, geändert" in text
    assert f"{one:g}".replace(".", ",") in text


def test_both_changing_the_same_cell_is_a_conflict_that_refuses(full, stored, tmp_path, capsys):
    first, _ = _two_with_values(full)
    tpl = full / "tpl" / f"{LAB}_{PERIOD}.xlsx"
    was = _values(RAW)[first]

    a = _edit(tpl, tmp_path / "a" / f"{LAB}_{PERIOD}.xlsx", _set_value(first, was + 2))
    assert collect(capsys, str(a), "--data", str(stored))[0] == 0
    before = _files(stored)
    b = _edit(tpl, tmp_path / "b" / f"{LAB}_{PERIOD}.xlsx", _set_value(first, was + 7))
    code, text = collect(capsys, str(b), "--data", str(stored))
    assert code != 0, text
    assert "abgelehnt" in text
    row = _rows(openpyxl.load_workbook(tpl))[first]
    assert f"Indikatorwerte!I{row}" in text
    assert f"{was + 7:g}".replace(".", ",") in text  # the workbook's value
    assert f"{was + 2:g}".replace(".", ",") in text  # the stored one
    assert "neue Vorlage" in text
    after = _files(stored)
    for name in TABLES:
        assert after[name] == before[name], name


def test_a_second_correction_of_one_cell_goes_through_a_new_template(
    full, stored, tmp_path, capsys
):
    """Round 2 (M1): the lab's own file cannot tell its first correction from a colleague's.

    The message must not blame "another delivery", and the way it names (a
    new template) must work.
    """
    first, _ = _two_with_values(full)
    tpl = full / "tpl" / f"{LAB}_{PERIOD}.xlsx"
    was = _values(RAW)[first]

    own = _edit(tpl, tmp_path / "a" / f"{LAB}_{PERIOD}.xlsx", _set_value(first, was + 2))
    assert collect(capsys, str(own), "--data", str(stored))[0] == 0
    again = _edit(own, tmp_path / "b" / f"{LAB}_{PERIOD}.xlsx", _set_value(first, was + 4))
    code, text = collect(capsys, str(again), "--data", str(stored))
    assert code == 1 and "auch eine eigene" in text and "neue Vorlage" in text, text
    assert "einer anderen Lieferung" not in text
    assert _values(stored)[first] == pytest.approx(was + 2)
    # the new template shows the stored value; the change made there is taken
    args = ["template", "--period", PERIOD, "--data", str(stored), "--lab", LAB]
    assert main([*args, "--out", str(tmp_path / "tpl2"), "--jobs", "1"]) == 0
    capsys.readouterr()
    fresh = _edit(
        tmp_path / "tpl2" / f"{LAB}_{PERIOD}.xlsx",
        tmp_path / "c" / f"{LAB}_{PERIOD}.xlsx",
        _set_value(first, was + 4),
    )
    code, text = collect(capsys, str(fresh), "--data", str(stored))
    assert code == 0 and "als Korrektur angenommen" in text, text
    assert _values(stored)[first] == pytest.approx(was + 4)


def test_a_lab_resending_its_own_corrected_file_without_a_base_still_corrects(
    base, data, original, tmp_path, capsys
):
    """A template made before its period was collected records no base: as before."""
    first = next(iter(_values(RAW)))
    own = filled(base, original, LAB, tmp_path / "one" / f"{LAB}_{PERIOD}.xlsx")
    assert collect(capsys, str(own), "--data", str(data))[0] == 0
    fixed = _values(RAW)[first] + 5

    def edit(book):
        book["Indikatorwerte"].cell(_rows(book)[first], C_VALUE).value = fixed

    again = filled(base, original, LAB, tmp_path / "two" / f"{LAB}_{PERIOD}.xlsx", edit)
    code, text = collect(capsys, str(again), "--data", str(data))
    assert code == 0 and "als Korrektur angenommen" in text, text
    assert _values(data)[first] == pytest.approx(fixed)


# --- #5: last period's template filled with this period's values -----------------------------


def test_last_periods_template_filled_again_is_a_correction_with_a_warning(
    stored, tmp_path, capsys
):
    # the sb5 template as it went out before sb5 was collected (no base)
    before_sb5 = tmp_path / "before"
    shutil.copytree(RAW, before_sb5, ignore=shutil.ignore_patterns("truth"))
    for name in ("indicator_values.csv", "milestones.csv"):
        lines = (before_sb5 / name).read_text(encoding="utf-8").splitlines(keepends=True)
        kept = [x for x in lines if not x.startswith(f"{LAB};") or ";sb5;" not in x]
        (before_sb5 / name).write_text("".join(kept), encoding="utf-8")
    args = ["template", "--period", "sb5", "--data", str(before_sb5), "--lab", LAB]
    assert main([*args, "--out", str(tmp_path / "tpl5"), "--jobs", "1"]) == 0
    sb6 = _values(RAW, period="sb6")
    sb5 = _values(RAW, period="sb5")
    changed = [i for i in sb6 if i in sb5 and sb6[i] != sb5[i]][:4]
    assert changed

    def edit(book):
        rows = _rows(book)
        for iid in changed:
            book["Indikatorwerte"].cell(rows[iid], C_VALUE).value = sb6[iid]
            book["Indikatorwerte"].cell(rows[iid], C_STATUS).value = STATUS_LABELS["measured"]

    wb = _edit(tmp_path / "tpl5" / f"{LAB}_sb5.xlsx", tmp_path / "in" / f"{LAB}_sb5.xlsx", edit)
    fb = tmp_path / "fb"
    args = ["collect", str(wb), "--data", str(stored), "--feedback", str(fb)]
    code = main([*args, "--received", "2022-11-10"])
    out = capsys.readouterr()
    text = out.out + out.err
    assert code == 0, text  # accepted, not refused
    assert f"korrigiert {len(changed)} Wert" in text and "des Zeitraums sb5" in text
    assert "Vorlage für sb6" in text
    page = (fb / f"{LAB}_sb5.html").read_text(encoding="utf-8")
    assert "Vorlage für sb6" in page
    now = _values(stored, period="sb5")
    assert all(now[i] == pytest.approx(sb6[i]) for i in changed)


# --- #3: an unfilled or partly filled template of a period not yet collected ------------------


def test_an_unfilled_template_is_refused_and_not_a_delivery(base, data, capsys):
    before = _files(data)
    tpl = base / "tpl" / f"{LAB}_{PERIOD}.xlsx"
    code, text = collect(capsys, str(tpl), "--data", str(data))
    assert code != 0, text
    assert "kein Wert eingetragen" in text
    assert "Vielen Dank" not in text
    after = _files(data)
    for name in TABLES:
        assert after.get(name) == before.get(name), name
    sub = pd.read_csv(data / "submissions.csv", sep=None, engine="python", comment="#")
    mine = sub[(sub["lab_id"] == LAB) & (sub["period_id"] == PERIOD)]
    assert set(mine["outcome"]) <= {"refused"}


@pytest.mark.parametrize("what", ["status", "remark"])
def test_a_status_or_a_remark_alone_is_no_delivery(base, data, tmp_path, capsys, what):
    """Round 2: one Status chosen (or one remark) made an unfilled template count as delivered."""
    before = _files(data)

    def edit(book):
        sheet = book["Indikatorwerte"]
        if what == "status":
            sheet.cell(4, C_STATUS).value = STATUS_LABELS["measured"]
        else:
            sheet.cell(4, C_STATUS + 1).value = "Werte folgen nächste Woche"

    tpl = base / "tpl" / f"{LAB}_{PERIOD}.xlsx"
    wb = _edit(tpl, tmp_path / "in" / f"{LAB}_{PERIOD}.xlsx", edit)
    code, text = collect(capsys, str(wb), "--data", str(data))
    assert code == 1 and "kein Wert eingetragen" in text, text
    after = _files(data)
    for name in (*TABLES, "delivery_notes.csv"):
        assert after.get(name) == before.get(name), name
    sub = pd.read_csv(data / "submissions.csv", sep=None, engine="python", comment="#")
    mine = sub[(sub["lab_id"] == LAB) & (sub["period_id"] == PERIOD)]
    assert set(mine["outcome"]) <= {"refused"}


def test_a_partly_filled_template_is_accepted_with_a_note_per_sheet(
    base, data, original, tmp_path, capsys
):
    tpl = base / "tpl" / f"{LAB}_{PERIOD}.xlsx"
    book = openpyxl.load_workbook(tpl)
    ids = list(_rows(book))
    total = book["Indikatorwerte"].max_row - 1
    milestones = book["Meilensteine"].max_row - 1

    def edit(b):
        s = b["Indikatorwerte"]
        for row in range(2, s.max_row + 1):
            if s.cell(row, C_ID).value not in ids[:3] or s.cell(row, C_DISAGG).value:
                s.cell(row, C_VALUE).value = None
                s.cell(row, C_STATUS).value = None
        m = b["Meilensteine"]
        for row in range(4, m.max_row + 1):  # the first two milestones stay filled
            m.cell(row, M_COMPLETION).value = None
            m.cell(row, M_ACHIEVED).value = None

    wb = filled(base, original, LAB, tmp_path / "in" / f"{LAB}_{PERIOD}.xlsx", edit)
    filled_values = sum(
        1
        for row in range(2, total + 2)
        if openpyxl.load_workbook(wb)["Indikatorwerte"].cell(row, C_VALUE).value is not None
    )
    code, text = collect(capsys, str(wb), "--data", str(data))
    assert code == 0, text
    assert "1 Arbeitsmappe, 0 abgelehnt" in text
    assert f"{total - filled_values} von {total} Indikatorwerten ohne" in text
    assert f"{milestones - 2} von {milestones} Meilensteinen ohne" in text


# --- #4: "44,3 %" typed into a percent-formatted cell -------------------------------------------


def test_a_percent_formatted_value_is_refused_naming_the_cell(
    base, data, original, tmp_path, capsys
):
    target = {}

    def edit(book):
        s = book["Indikatorwerte"]
        row = next(r for r in range(2, s.max_row + 1) if s.cell(r, C_VALUE).value is not None)
        s.cell(row, C_VALUE).value = 0.443
        s.cell(row, C_VALUE).number_format = "0.0%"
        target["cell"] = f"I{row}"

    wb = filled(base, original, LAB, tmp_path / "in" / f"{LAB}_{PERIOD}.xlsx", edit)
    before = _files(data)
    code, text = collect(capsys, str(wb), "--data", str(data))
    assert code != 0, text
    assert f"Indikatorwerte!{target['cell']}" in text
    assert "44,3 %" in text and "44,3 " in text.replace("44,3 %", "")
    assert _files(data)["indicator_values.csv"] == before["indicator_values.csv"]


# --- #9: an empty Status or Umsetzungsstand keeps the stored one -----------------------------


def test_a_cleared_status_keeps_the_stored_one(full, stored, tmp_path, capsys):
    first, second = _two_with_values(full)
    was = _values(RAW)[second]

    def edit(book):
        rows = _rows(book)
        s = book["Indikatorwerte"]
        s.cell(rows[first], C_STATUS).value = None  # value unchanged
        s.cell(rows[second], C_STATUS).value = None
        s.cell(rows[second], C_VALUE).value = was + 1  # value changed

    tpl = full / "tpl" / f"{LAB}_{PERIOD}.xlsx"
    wb = _edit(tpl, tmp_path / "in" / f"{LAB}_{PERIOD}.xlsx", edit)
    code, text = collect(capsys, str(wb), "--data", str(stored))
    assert code == 0, text
    assert "Zu einem eingetragenen Wert gehört der Status" not in text
    assert "Status vom gespeicherten Wert übernommen" in text
    iv = load(stored).indicator_values
    row = iv[(iv["lab_id"] == LAB) & (iv["period_id"] == PERIOD) & (iv["indicator_id"] == second)]
    old = load(RAW).indicator_values
    old = old[
        (old["lab_id"] == LAB) & (old["period_id"] == PERIOD) & (old["indicator_id"] == second)
    ]
    assert row["value"].iloc[0] == pytest.approx(was + 1)
    assert row["status"].iloc[0] == old["status"].iloc[0]


def _complete_milestone(full: Path) -> tuple[str, int, pd.Timestamp]:
    ms = load(RAW).milestones
    ms = ms[(ms["lab_id"] == LAB) & (ms["period_id"] == PERIOD) & (ms["completion"] == "complete")]
    book = openpyxl.load_workbook(full / "tpl" / f"{LAB}_{PERIOD}.xlsx")
    rows = _rows(book, "Meilensteine")
    mid = next(m for m in ms["milestone_id"] if m in rows)
    return mid, rows[mid], ms[ms["milestone_id"] == mid]["achieved_date"].iloc[0]


def test_a_cleared_completion_with_its_date_kept_keeps_the_stored_one(
    full, stored, tmp_path, capsys
):
    _, row, _ = _complete_milestone(full)

    def edit(book):
        book["Meilensteine"].cell(row, M_COMPLETION).value = None

    tpl = full / "tpl" / f"{LAB}_{PERIOD}.xlsx"
    before = _files(stored)
    wb = _edit(tpl, tmp_path / "in" / f"{LAB}_{PERIOD}.xlsx", edit)
    code, text = collect(capsys, str(wb), "--data", str(stored))
    assert code == 0, text
    assert "1 Arbeitsmappe, 0 abgelehnt" in text
    assert _files(stored)["milestones.csv"] == before["milestones.csv"]


# --- #10: "Erreicht am" only with "abgeschlossen" ------------------------------------------------


def test_a_milestone_set_back_drops_its_date_and_says_so(full, stored, tmp_path, capsys):
    mid, row, _ = _complete_milestone(full)

    def edit(book):  # only the completion changed; the date the template showed is left
        book["Meilensteine"].cell(row, M_COMPLETION).value = COMPLETION_LABELS["not_started"]

    tpl = full / "tpl" / f"{LAB}_{PERIOD}.xlsx"
    wb = _edit(tpl, tmp_path / "in" / f"{LAB}_{PERIOD}.xlsx", edit)
    code, text = collect(capsys, str(wb), "--data", str(stored), "--feedback", str(tmp_path / "fb"))
    assert code == 0, text
    assert f"Meilensteine!F{row}" in text and "gelöscht" in text
    ms = load(stored).milestones
    now = ms[(ms["lab_id"] == LAB) & (ms["period_id"] == PERIOD) & (ms["milestone_id"] == mid)]
    assert now["completion"].iloc[0] == "not_started"
    assert pd.isna(now["achieved_date"].iloc[0])
    page = (tmp_path / "fb" / f"{LAB}_{PERIOD}.html").read_text(encoding="utf-8")
    assert "gelöscht" in page


def test_a_milestone_set_back_with_its_date_emptied_says_the_date_goes(
    full, stored, tmp_path, capsys
):
    _, row, achieved = _complete_milestone(full)

    def edit(book):
        book["Meilensteine"].cell(row, M_COMPLETION).value = COMPLETION_LABELS["not_started"]
        book["Meilensteine"].cell(row, M_ACHIEVED).value = None

    tpl = full / "tpl" / f"{LAB}_{PERIOD}.xlsx"
    wb = _edit(tpl, tmp_path / "in" / f"{LAB}_{PERIOD}.xlsx", edit)
    code, text = collect(capsys, str(wb), "--data", str(stored))
    assert code == 0, text
    line = next(x for x in text.splitlines() if f"Meilensteine!F{row}" in x)
    assert "gelöscht" in line and f"{achieved:%d.%m.%Y}" in line


def test_a_new_date_with_another_completion_is_refused(base, data, original, tmp_path, capsys):
    target = {}

    def edit(book):
        m = book["Meilensteine"]
        target["row"] = 2
        m.cell(2, M_COMPLETION).value = COMPLETION_LABELS["not_started"]
        m.cell(2, M_ACHIEVED).value = pd.Timestamp("2022-05-29").to_pydatetime()

    wb = filled(base, original, LAB, tmp_path / "in" / f"{LAB}_{PERIOD}.xlsx", edit)
    code, text = collect(capsys, str(wb), "--data", str(data))
    assert code != 0, text
    assert f"Meilensteine!F{target['row']}" in text
    assert "abgeschlossen" in text


# --- #8: network workshops are no reporting periods --------------------------------------------


def test_template_and_collect_refuse_a_network_workshop(full, stored, tmp_path, capsys):
    code = main(
        ["template", "--period", "nw6", "--data", str(stored), "--out", str(tmp_path / "t")]
    )
    text = capsys.readouterr()
    text = text.out + text.err
    assert code != 0
    assert not (tmp_path / "t").exists()
    assert "nw6" in text and "sb6" in text and "pb" in text
    tpl = full / "tpl" / f"{LAB}_{PERIOD}.xlsx"
    code, text = collect(capsys, str(tpl), "--data", str(stored), "--period", "nw6")
    assert code != 0
    assert "sb6" in text


# --- low: notes and advice ---------------------------------------------------------------------


def test_a_milestone_left_empty_is_not_told_to_withdraw_a_value(full, stored, tmp_path, capsys):
    _, row, _ = _complete_milestone(full)

    def edit(book):
        book["Meilensteine"].cell(row, M_COMPLETION).value = None
        book["Meilensteine"].cell(row, M_ACHIEVED).value = None

    tpl = full / "tpl" / f"{LAB}_{PERIOD}.xlsx"
    wb = _edit(tpl, tmp_path / "in" / f"{LAB}_{PERIOD}.xlsx", edit)
    code, text = collect(capsys, str(wb), "--data", str(stored))
    assert code == 0, text
    line = next(x for x in text.splitlines() if f"Meilensteine!E{row}" in x)
    assert "leer gelassen" in line
    assert "zurückziehen" not in line and "Status" not in line


def test_a_decimal_point_typed_as_text_is_advised_with_a_comma(
    base, data, original, tmp_path, capsys
):
    def edit(book):
        s = book["Indikatorwerte"]
        row = next(r for r in range(2, s.max_row + 1) if s.cell(r, C_VALUE).value is not None)
        s.cell(row, C_VALUE).value = "2.9"

    wb = filled(base, original, LAB, tmp_path / "in" / f"{LAB}_{PERIOD}.xlsx", edit)
    code, text = collect(capsys, str(wb), "--data", str(data))
    assert code != 0
    assert "2,9 neu eintippen" in text
    assert "2.9 neu eintippen" not in text


def test_an_unchanged_template_gets_no_plausibility_hints(stored, tmp_path, capsys):
    args = ["template", "--period", PERIOD, "--data", str(stored)]
    assert main([*args, "--out", str(tmp_path / "tpl"), "--jobs", "1"]) == 0
    capsys.readouterr()
    code, text = collect(capsys, str(tmp_path / "tpl"), "--data", str(stored))
    assert code == 0, text
    assert "Hinweis" not in text


def test_a_fully_reversed_sheet_is_reported_at_the_first_data_row(
    base, data, original, tmp_path, capsys
):
    def edit(book):
        s = book["Indikatorwerte"]
        rows = [[c.value for c in s[r]] for r in range(2, s.max_row + 1)]
        for n, values in enumerate(reversed(rows)):
            for col, v in enumerate(values, start=1):
                s.cell(2 + n, col).value = v

    wb = filled(base, original, LAB, tmp_path / "in" / f"{LAB}_{PERIOD}.xlsx", edit)
    _, text = collect(capsys, str(wb), "--data", str(data))
    line = next(x for x in text.splitlines() if "umsortiert" in x)
    assert "Indikatorwerte!A2:" in line


def test_a_correction_on_a_template_with_a_base_gets_no_late_warning(
    full, stored, tmp_path, capsys
):
    """The template of the collected period names its period: no "falls Sie … melden wollten"."""
    first, _ = _two_with_values(full)
    tpl = full / "tpl" / f"{LAB}_{PERIOD}.xlsx"
    changed = _values(RAW)[first] + 2

    def edit(book):
        book["Indikatorwerte"].cell(_rows(book)[first], C_VALUE).value = changed

    wb = _edit(tpl, tmp_path / "in" / f"{LAB}_{PERIOD}.xlsx", edit)
    # long after the deadline of PERIOD, with a later reporting period begun
    periods = load(RAW).periods.set_index("period_id")
    day = "2023-06-01"
    later = periods[
        (periods["start"] > periods.loc[PERIOD, "end"])
        & periods["kind"].isin(list(vocab.DELIVERY_PERIOD_KINDS))
    ]
    assert (later["start"] <= pd.Timestamp(day)).any(), "no later period begun: test is void"
    code = main(["collect", str(wb), "--data", str(stored), "--received", day])
    out = capsys.readouterr()
    text = out.out + out.err
    assert code == 0 and "als Korrektur angenommen" in text, text
    assert "melden wollten" not in text
    assert _values(stored)[first] == pytest.approx(changed)


@pytest.mark.skipif(
    loop.SOFFICE is None, reason="LibreOffice (soffice) ist nicht installiert / not installed"
)
def test_a_template_with_a_base_resaved_by_libreoffice_changes_nothing(
    full, stored, tmp_path, capsys
):
    """LibreOffice rewrites every number; the stored values must still read as unchanged."""
    tpl = full / "tpl" / f"{LAB}_{PERIOD}.xlsx"
    resaved = loop.resave_with_libreoffice(tpl, tmp_path)
    before = _files(stored)
    code, text = collect(capsys, str(resaved), "--data", str(stored))
    assert code == 0 and "keine Änderung" in text, text
    after = _files(stored)
    assert {k: v for k, v in after.items() if k != "submissions.csv"} == {
        k: v for k, v in before.items() if k != "submissions.csv"
    }


def _meta_rows(book) -> dict[str, int]:
    from ogl_impact.delivery.workbook import SHEET_META

    sheet = book[SHEET_META]
    return {sheet.cell(r, 1).value: r for r in range(1, sheet.max_row + 1)}


@pytest.mark.parametrize("tamper", ["edit", "drop_base"])
def test_a_base_edited_on_the_unhidden_sheet_is_refused(full, stored, tmp_path, capsys, tamper):
    """Round 2 (M4): the base steered the comparison without being checked."""
    from ogl_impact.delivery.workbook import SHEET_META

    first, _ = _two_with_values(full)
    tpl = full / "tpl" / f"{LAB}_{PERIOD}.xlsx"
    was = _values(RAW)[first]

    def edit(book):
        book["Indikatorwerte"].cell(_rows(book)[first], C_VALUE).value = was + 5
        meta = book[SHEET_META]
        rows = _meta_rows(book)
        assert "base" in rows and "base_hash" in rows
        if tamper == "edit":  # the base made to say what the workbook says: no change seen
            cell = meta.cell(rows["base"], 2)
            cell.value = cell.value.replace(f"{was:g}", f"{was + 5:g}", 1)
            assert f"{was + 5:g}" in cell.value
        else:
            meta.cell(rows["base"], 2).value = None

    wb = _edit(tpl, tmp_path / "in" / f"{LAB}_{PERIOD}.xlsx", edit)
    before = _files(stored)
    code, text = collect(capsys, str(wb), "--data", str(stored))
    assert code == 1 and "abgelehnt" in text, text
    after = _files(stored)
    for name in TABLES:
        assert after[name] == before[name], name
