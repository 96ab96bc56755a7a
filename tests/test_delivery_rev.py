"""What a correction does to the Korrekturvermerk and to ``status``: values count, not rows.

A lab coordinator withdraws a value ("Wert zurückziehen"), withdraws it and
sends it again, or corrects only "geschätzt" to "gemessen". The reports and
``status`` must count *values* whose present value (or absence) differs from
the one first accepted, never the rows the revisions table holds for them.

The expected numbers come from the embedded data (data/raw) and from what
the test typed: Brandis's indicator i03 ("Durchgeführte Werkstätten") is a
cumulative count with target 24 (indicators.csv), stored for sb6 as 28
"geschätzt" and for sb5 as 22 (indicator_values.csv); data/raw's revisions
are two values of Bad Berleburg's sb5 (i01, aggregatable; i12, an ordinal
rating) revised 29.06.2022, after sb5's deadline 14.05.2022, and one of pb.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from ogl_impact.cli import main
from ogl_impact.dataset import load
from ogl_impact.delivery.workbook import STATUS_LABELS, WITHDRAW_LABEL
from ogl_impact.logic import revised_values

RAW = Path(__file__).resolve().parents[1] / "data" / "raw"
LAB, PERIOD, IID = "brandis", "sb6", "i03"
C_ID, C_DISAGG, C_VALUE, C_STATUS = 1, 7, 9, 10
FIRST, SECOND = "2023-03-01", "2023-03-02"  # after sb6's deadline 14.11.2022, in the past
# the figures of sb6 drawn from the stored tables (the survey figures read no revised table)
FIGURES = ("wirkungstreppe", "zielerreichung", "fortschritt", "meilensteine", "datenlieferungen")


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    """The embedded data and, drawn from them, sb6's figures before any correction."""
    root = tmp_path_factory.mktemp("rev")
    shutil.copytree(RAW, root / "data", ignore=shutil.ignore_patterns("truth"))
    return root / "data", _figures(root / "data")


@pytest.fixture
def data(base, tmp_path):
    shutil.copytree(base[0], tmp_path / "data")
    return tmp_path / "data"


def _figures(folder: Path) -> dict[str, tuple[str, str]]:
    """Each figure's data table (as CSV text) and caption for the report sb6."""
    from ogl_impact.reports import draw

    ds = load(folder)
    out = {}
    for name in FIGURES:
        (drawn,) = draw(ds, PERIOD, name)
        out[name] = (drawn.table.to_csv(index=False), drawn.caption)
    return out


def _template(data: Path, out: Path) -> Path:
    """Brandis's template of sb6 as `ogl-impact template` writes it from the stored data."""
    args = ["template", "--period", PERIOD, "--lab", LAB, "--data", str(data)]
    assert main([*args, "--out", str(out), "--jobs", "1"]) == 0
    return out / f"{LAB}_{PERIOD}.xlsx"


def _edit(template: Path, dest: Path, value: object, status: str) -> Path:
    """Type into the total row of i03 (value None: the cell emptied) as in Excel."""
    book = openpyxl.load_workbook(template)
    sheet = book["Indikatorwerte"]
    rows = [
        r
        for r in range(2, sheet.max_row + 1)
        if sheet.cell(r, C_ID).value == IID and not sheet.cell(r, C_DISAGG).value
    ]
    assert len(rows) == 1
    sheet.cell(rows[0], C_VALUE).value = value
    sheet.cell(rows[0], C_STATUS).value = status
    dest.parent.mkdir(parents=True, exist_ok=True)
    book.save(dest)
    return dest


def _collect(capsys, workbook: Path, data: Path, received: str) -> str:
    code = main(["collect", str(workbook), "--data", str(data), "--received", received])
    out = capsys.readouterr()
    text = out.out + out.err
    assert code == 0, text
    assert "Traceback" not in text and "als Korrektur angenommen" in text, text
    return text


def _status_row(capsys, data: Path, day: str) -> dict[str, str]:
    """Brandis's line of `ogl-impact status --period sb6`, by column heading."""
    assert main(["status", "--data", str(data), "--period", PERIOD, "--as-of", day]) == 0
    lines = capsys.readouterr().out.splitlines()
    head = next(i for i, line in enumerate(lines) if line.startswith("Labor "))
    names = re.split(r"\s{2,}", lines[head].strip())
    row = next(line for line in lines[head + 2 :] if line.startswith("Brandis"))
    return dict(zip(names, re.split(r"\s{2,}", row.strip()), strict=True))


def _withdraw(capsys, data: Path, tmp: Path) -> None:
    tpl = _template(data, tmp / "tpl1")
    wb = _edit(tpl, tmp / "back1" / f"{LAB}_{PERIOD}.xlsx", None, WITHDRAW_LABEL)
    _collect(capsys, wb, data, FIRST)
    iv = load(data).indicator_values
    gone = (iv["lab_id"] == LAB) & (iv["period_id"] == PERIOD) & (iv["indicator_id"] == IID)
    assert not (gone & iv["disaggregation_value"].isna()).any()  # the value is withdrawn


def test_a_withdrawn_value_is_one_revised_value_of_the_figures_that_drew_it(
    base, data, tmp_path, capsys
):
    _, before = base
    _withdraw(capsys, data, tmp_path)
    after = _figures(data)
    # i03 is carried forward from sb5 (22 of 24, on track) instead of 28 (achieved): the
    # attainment figure changes because of the one value withdrawn
    assert after["zielerreichung"][0] != before["zielerreichung"][0]
    assert "Korrekturvermerk" not in before["zielerreichung"][1]
    assert (
        "Korrekturvermerk: 1 Wert der Abbildung nachträglich korrigiert, davon 1 nach der "
        "Abgabefrist und 1 zurückgezogen (nicht mehr dargestellt)." in after["zielerreichung"][1]
    )
    # the progress figure drew Bad Berleburg's i01 of sb5 before (i12 is ordinal): now 2
    assert "Korrekturvermerk: 1 der dargestellten Werte" in before["fortschritt"][1]
    assert (
        "Korrekturvermerk: 2 Werte der Abbildung nachträglich korrigiert, davon 2 nach der "
        "Abgabefrist und 1 zurückgezogen (nicht mehr dargestellt)." in after["fortschritt"][1]
    )
    # status: one value revised (its status went with it: no second value, no "nur Status")
    row = _status_row(capsys, data, FIRST)
    assert (row["korrigiert"], row["nur Status"]) == ("1", "0")


def test_withdrawn_and_delivered_again_changes_nothing_and_notes_nothing(
    base, data, tmp_path, capsys
):
    _, before = base
    _withdraw(capsys, data, tmp_path)
    # next day the coordinator types 28 "geschätzt" into a fresh template again
    tpl = _template(data, tmp_path / "tpl2")
    wb = _edit(tpl, tmp_path / "back2" / f"{LAB}_{PERIOD}.xlsx", 28, STATUS_LABELS["estimated"])
    _collect(capsys, wb, data, SECOND)
    revs = pd.read_csv(data / "revisions.csv", sep=";", comment="#", dtype=str)
    assert len(revs) == 3 + 4  # nothing lost: value and status withdrawn, then delivered again
    after = _figures(data)
    for name in FIGURES:
        assert after[name][0] == before[name][0], name  # the same numbers drawn
        assert after[name][1] == before[name][1], name  # so the same caption, no new note
    row = _status_row(capsys, data, SECOND)
    assert (row["korrigiert"], row["nur Status"]) == ("0", "0")
    # read on the day of the withdrawal, the register still shows it
    row = _status_row(capsys, data, FIRST)
    assert (row["korrigiert"], row["nur Status"]) == ("1", "0")


def test_a_status_only_revision_changes_no_figure_and_is_counted_apart(
    base, data, tmp_path, capsys
):
    _, before = base
    tpl = _template(data, tmp_path / "tpl")
    wb = _edit(tpl, tmp_path / "back" / f"{LAB}_{PERIOD}.xlsx", 28, STATUS_LABELS["measured"])
    _collect(capsys, wb, data, FIRST)
    revs = pd.read_csv(data / "revisions.csv", sep=";", comment="#", dtype=str)
    mine = revs[(revs["lab_id"] == LAB) & (revs["period_id"] == PERIOD)]
    assert mine[["column", "old_value", "new_value"]].values.tolist() == [
        ["status", "estimated", "measured"]
    ]
    after = _figures(data)
    for name in FIGURES:
        assert after[name] == before[name], name
    row = _status_row(capsys, data, FIRST)
    assert (row["korrigiert"], row["nur Status"]) == ("0", "1")


def test_a_value_changed_three_times_counts_once_late_by_its_last_change(
    base, data, tmp_path, capsys
):
    """28 -> 30 before nothing else, -> 31, -> 30: one value, set after the deadline."""
    for i, (value, day) in enumerate(((30, FIRST), (31, SECOND), (30, "2023-03-03"))):
        tpl = _template(data, tmp_path / f"tpl{i}")
        wb = _edit(tpl, tmp_path / f"back{i}" / f"{LAB}_{PERIOD}.xlsx", value, "geschätzt")
        _collect(capsys, wb, data, day)
    row = _status_row(capsys, data, "2023-03-03")
    assert (row["korrigiert"], row["nur Status"]) == ("1", "0")
    row = _status_row(capsys, data, FIRST)  # before the second correction: also one
    assert row["korrigiert"] == "1"
    # the attainment figure draws i03 (achieved either way): one value revised
    after = _figures(data)
    assert "Korrekturvermerk: 1 der dargestellten Werte" in after["zielerreichung"][1]


# --- the rule on its own, with revision rows written by hand -----------------------------------


def _revs(rows: list[tuple[str, str, str | None, str | None, str]]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "lab_id": "a",
                "period_id": "p",
                "table": "indicator_values",
                "row_key": key,
                "column": col,
                "old_value": old,
                "new_value": new,
                "revised": pd.Timestamp(day),
                "sha256": "0" * 64,
            }
            for key, col, old, new, day in rows
        ]
    )


def test_revised_values_compares_the_first_accepted_with_the_present_value():
    v = revised_values(
        _revs(
            [
                ("i01|", "value", "28", None, "2022-01-01"),  # withdrawn
                ("i02|", "value", "5", "6", "2022-01-01"),  # changed ...
                ("i02|", "value", "6", "5", "2022-01-02"),  # ... and back
                ("i03", "value", None, "7", "2022-01-01"),  # added by a revision
                ("i04|", "value", "1", "2", "2022-01-01"),
                ("i04|", "value", "2", "3", "2022-01-05"),  # counted once, last on 5.1.
                ("i05|", "value", "2.5", "2.50", "2022-01-01"),  # the same number
                ("i06|", "status", "estimated", "measured", "2022-01-01"),
            ]
        )
    ).set_index("row_key")
    assert v["changed"].to_dict() == {
        "i01": True,
        "i02": False,
        "i03": True,
        "i04": True,
        "i05": False,
        "i06": True,
    }
    assert v.loc["i04", "last_revised"] == pd.Timestamp("2022-01-05")
    assert v.loc["i04", ["first_value", "value", "revisions"]].tolist() == ["1", "3", 2]
    assert v["status_column"].to_dict()["i06"] and not v["status_column"].to_dict()["i01"]
    # read before the change back, i02 is revised
    early = revised_values(_revs([("i02|", "value", "5", "6", "2022-01-01")]), as_of="2022-01-01")
    assert early["changed"].tolist() == [True]
