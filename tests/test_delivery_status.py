"""The submissions register read back: deliveries, DHIS2 reporting rates, ``ogl-impact status``.

A small folder is written by hand: four labs, two delivery periods (one
with an empty deadline, one with a given one), a network workshop and a
period that has not begun. Every expected number below is counted by hand
from the rows written here (see the comments), never taken from the code.
"""

from __future__ import annotations

import csv
import hashlib
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest

import ogl_impact
from ogl_impact.cli import main
from ogl_impact.logic import deadlines, deliveries, delivery_periods, reporting_rates
from ogl_impact.validate import validate_folder

from .conftest import DEMO, edit, find_line, read_rows, write_rows


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def write(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";", lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


SUBMISSIONS = [
    # lab, period, received, outcome, workbook tag
    ("a", "p1", "2021-05-14", "accepted", "a1"),  # on the deadline day (end 30.4. + 14): on time
    ("b", "p1", "2021-05-15", "accepted", "b1"),  # one day late
    ("c", "p1", "2021-05-10", "refused", "c1"),  # refused on time ...
    ("c", "p1", "2021-05-20", "accepted", "c1b"),  # ... accepted late: late
    # d delivers nothing for p1: missing
    ("a", "p2", "2021-08-01", "accepted", "a2"),  # deadline given: 6.8.; on time
    ("a", "p2", "2021-08-20", "revision", "a2r"),  # two values revised after the deadline
    ("b", "p2", "2021-08-06", "refused", "b2"),  # only refused: refused
    ("c", "p2", "2021-09-02", "accepted", "c2"),  # after as_of 1.9.: not yet there, missing
    ("d", "p2", "2021-08-05", "accepted", "d2"),  # on time
    ("d", "p2", "2021-08-06", "revision", "d2r"),  # one value revised on the deadline day
]
REVISIONS = [
    ("a", "p2", "i01", "value", "10", "12", "2021-08-20", "a2r"),
    ("a", "p2", "i02|citizens", "value", "3", "4", "2021-08-20", "a2r"),
    ("d", "p2", "m1", "completion", "limited", "substantial", "2021-08-06", "d2r"),
]
AS_OF = "2021-09-01"


@pytest.fixture(scope="module")
def register(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("register")
    write(folder / "sources.csv", ["source_id", "title", "reference"], [["s", "S", "s"]])
    write(
        folder / "labs.csv",
        ["lab_id", "name", "grant_holder", "land", "grant_eur", "note", "source"],
        [[lab, f"Labor {lab.upper()}", "T", "DE-BY", "", "", "s"] for lab in "abcd"],
    )
    write(
        folder / "periods.csv",
        ["period_id", "kind", "label_de", "start", "end", "date_precision", "deadline", "source"],
        [
            ["p1", "status_report", "Bericht 1", "2021-04-01", "2021-04-30", "month", "", "s"],
            ["w1", "network_workshop", "Workshop", "2021-06-01", "2021-06-02", "day", "", "s"],
            [
                "p2",
                "interim_report",
                "Bericht 2",
                "2021-07-01",
                "2021-07-31",
                "month",
                "06.08.2021",
                "s",
            ],
            ["p3", "project_report", "Bericht 3", "2022-01-01", "2022-01-31", "month", "", "s"],
        ],
    )
    write(
        folder / "submissions.csv",
        [
            "lab_id",
            "period_id",
            "received",
            "workbook",
            "sha256",
            "template_version",
            "outcome",
            "problems",
        ],
        [
            [
                lab,
                pid,
                day,
                f"{tag}.xlsx",
                sha(tag),
                "1",
                outcome,
                "2" if outcome == "refused" else "0",
            ]
            for lab, pid, day, outcome, tag in SUBMISSIONS
        ],
    )
    write(
        folder / "revisions.csv",
        [
            "lab_id",
            "period_id",
            "table",
            "row_key",
            "column",
            "old_value",
            "new_value",
            "revised",
            "sha256",
        ],
        [
            [
                lab,
                pid,
                "milestones" if col == "completion" else "indicator_values",
                key,
                col,
                old,
                new,
                day,
                sha(tag),
            ]
            for lab, pid, key, col, old, new, day, tag in REVISIONS
        ],
    )
    return folder


@pytest.fixture(scope="module")
def ds(register: Path) -> ogl_impact.Dataset:
    return ogl_impact.load(register)


def _row(frame: pd.DataFrame, lab: str, period: str) -> pd.Series:
    return frame[(frame["lab_id"] == lab) & (frame["period_id"] == period)].iloc[0]


def test_deadline_empty_means_end_plus_14_days(ds):
    due = deadlines(ds.periods)
    assert due["p1"] == pd.Timestamp("2021-05-14")  # 30.4. + 14
    assert due["p2"] == pd.Timestamp("2021-08-06")  # given
    assert due["p3"] == pd.Timestamp("2022-02-14")  # 31.1. + 14


def test_deadline_of_a_periods_frame_without_the_column():
    old = pd.DataFrame({"period_id": ["x"], "end": pd.to_datetime(["2021-12-31"])})
    assert deadlines(old)["x"] == pd.Timestamp("2022-01-14")  # 31.12. + 14 days


def test_only_report_periods_expect_a_delivery(ds):
    assert delivery_periods(ds.periods)["period_id"].tolist() == ["p1", "p2", "p3"]
    d = deliveries(ds, as_of=AS_OF)
    # the workshop expects nothing, p3 has not begun on 1.9.2021
    assert sorted(set(d["period_id"])) == ["p1", "p2"]
    assert len(d) == 8  # 4 labs x 2 periods


STATUS = {
    ("a", "p1"): "on_time",
    ("b", "p1"): "late",
    ("c", "p1"): "late",
    ("d", "p1"): "missing",
    ("a", "p2"): "on_time",
    ("b", "p2"): "refused",
    ("c", "p2"): "missing",
    ("d", "p2"): "on_time",
}


@pytest.mark.parametrize(("key", "status"), STATUS.items())
def test_status_of_each_delivery(ds, key, status):
    assert _row(deliveries(ds, as_of=AS_OF), *key)["status"] == status


def test_refused_then_accepted_counts_from_the_first_acceptance(ds):
    c1 = _row(deliveries(ds, as_of=AS_OF), "c", "p1")
    assert c1["received"] == pd.Timestamp("2021-05-10")  # first workbook, refused
    assert c1["accepted"] == pd.Timestamp("2021-05-20")
    assert (c1["workbooks"], c1["refused"], bool(c1["on_time"])) == (2, 1, False)


def test_revisions_are_counted_and_do_not_make_a_delivery_late(ds):
    d = deliveries(ds, as_of=AS_OF)
    a2 = _row(d, "a", "p2")
    assert (a2["revised_values"], a2["revised_late"], a2["status"]) == (2, 2, "on_time")
    d2 = _row(d, "d", "p2")  # revised on the deadline day: not late
    assert (d2["revised_values"], d2["revised_late"]) == (1, 0)
    assert _row(d, "a", "p2")["accepted"] == pd.Timestamp("2021-08-01")  # not the revision


def test_rates_per_period_as_dhis2_defines_them(ds):
    rates = reporting_rates(deliveries(ds, as_of=AS_OF)).set_index("period_id")
    # p1: a, b, c accepted (3 of 4), only a on time (1 of 4)
    assert rates.loc["p1", ["expected", "actual", "actual_on_time"]].tolist() == [4, 3, 1]
    assert rates.loc["p1", "reporting_rate"] == 75.0
    assert rates.loc["p1", "reporting_rate_on_time"] == 25.0
    # p2: a and d accepted, both on time; b refused, c not yet received on 1.9.
    assert rates.loc["p2", ["expected", "actual", "actual_on_time"]].tolist() == [4, 2, 2]
    assert rates.loc["p2", "reporting_rate"] == 50.0
    assert rates.loc["p2", "reporting_rate_on_time"] == 50.0
    assert rates.loc["p2", ["late", "missing"]].tolist() == [0, 2]


def test_rates_per_lab(ds):
    rates = reporting_rates(deliveries(ds, as_of=AS_OF), by="lab_id").set_index("lab_id")
    # a: both on time; b: p1 late; c: p1 late; d: p2 on time
    assert rates["reporting_rate"].to_dict() == {"a": 100.0, "b": 50.0, "c": 50.0, "d": 50.0}
    assert rates["reporting_rate_on_time"].to_dict() == {"a": 100.0, "b": 0.0, "c": 0.0, "d": 50.0}


def test_before_the_deadline_nothing_is_missing_yet(ds):
    d = deliveries(ds, as_of="2021-08-03")  # p2's deadline is 6.8.
    assert _row(d, "a", "p2")["status"] == "on_time"  # accepted 1.8.
    for lab in "bcd":  # d's workbook of 5.8. is not there yet on 3.8.
        assert _row(d, lab, "p2")["status"] == "open"
    p2 = reporting_rates(d).set_index("period_id").loc["p2"]
    assert not p2["due"] and p2["reporting_rate"] == 25.0


def test_without_a_register_every_due_delivery_is_missing(ds):
    tables = {k: v for k, v in ds.tables.items() if k not in ("submissions", "revisions")}
    d = deliveries(tables, as_of=AS_OF)
    assert set(d["status"]) == {"missing"}
    assert reporting_rates(d)["reporting_rate"].tolist() == [0.0, 0.0]


def test_demo_deliveries_recover_the_simulated_truth(demo):
    truth = pd.read_csv(DEMO / "truth" / "deliveries.csv", comment="#")
    d = deliveries(demo, as_of="2030-01-01").merge(
        truth, on=["lab_id", "period_id"], suffixes=("", "_true")
    )
    assert len(d) == len(truth) == 13 * 8
    assert (d["status"] == d["true_status"]).all()
    assert (d["deadline"] == pd.to_datetime(d["deadline_true"])).all()
    # the register holds one refused workbook and two revising ones (see demo/simulate.py)
    assert d["refused"].sum() == 1 and (d["revised_values"] > 0).sum() == 2


# --- cross-table rules -------------------------------------------------------------------------


def _errors(folder: Path) -> list:
    return [p for p in validate_folder(folder).problems if p.severity == "error"]


def _hit(folder: Path, file: str, line: int, column: str, rule: str):
    errors = _errors(folder)
    hits = [p for p in errors if (p.file, p.line, p.column, p.rule) == (file, line, column, rule)]
    assert hits, [(p.file, p.line, p.column, p.rule) for p in errors]
    assert hits[0].message("de") and hits[0].message("en")
    return hits[0]


def test_the_register_folder_is_valid(register):
    assert _errors(register) == []


def test_embedded_register_is_valid(mini):
    assert [p for p in _errors(mini) if p.file in ("submissions.csv", "revisions.csv")] == []


def test_revision_naming_an_unknown_workbook(mini):
    edit(mini, "revisions", 3, "sha256", "0" * 64)
    problem = _hit(mini, "revisions.csv", 3, "sha256", "key_missing")
    assert "submissions" in problem.message("de")


def test_revision_of_an_unknown_lab(mini):
    edit(mini, "revisions", 3, "lab_id", "moerz")
    _hit(mini, "revisions.csv", 3, "lab_id", "key_missing")


def test_submission_for_an_unknown_period_suggests_the_known_one(mini):
    line = find_line(mini, "submissions", period_id="sb6")
    edit(mini, "submissions", line, "period_id", "sb66")
    problem = _hit(mini, "submissions.csv", line, "period_id", "key_missing")
    assert "sb6" in problem.message("de")


def test_revision_of_a_column_the_table_does_not_have(mini):
    edit(mini, "revisions", 3, "column", "Wert")
    problem = _hit(mini, "revisions.csv", 3, "column", "revision_column_unknown")
    assert "value" in problem.message("de")


def test_revision_of_a_key_column_is_refused(mini):
    edit(mini, "revisions", 3, "column", "indicator_id")
    _hit(mini, "revisions.csv", 3, "column", "revision_column_unknown")


@pytest.mark.parametrize("key", ["I 07", "i07|citizens|extra", "", "|citizens"])
def test_revision_row_key_must_fit_the_table(mini, key):
    edit(mini, "revisions", 3, "row_key", key)
    rule = "not_nullable" if key == "" else "row_key_format"
    _hit(mini, "revisions.csv", 3, "row_key", rule)


def test_revision_row_key_with_breakdown_is_fine(mini):
    edit(mini, "revisions", 3, "row_key", "i07|citizens")
    assert [p for p in _errors(mini) if p.column == "row_key"] == []


def test_revision_from_a_workbook_registered_as_accepted(mini):
    sha = read_rows(mini / "revisions.csv")[2][8]
    line = find_line(mini, "submissions", sha256=sha)
    edit(mini, "submissions", line, "outcome", "accepted")
    problem = _hit(mini, "revisions.csv", 3, "sha256", "revision_not_accepted")
    assert "accepted" in problem.message("de")


def test_revision_from_bytes_refused_once_before(mini):
    """The same bytes refused first (a row of their own, listed first), then taken as a revision."""
    sha = read_rows(mini / "revisions.csv")[2][8]
    line = find_line(mini, "submissions", sha256=sha)
    rows = read_rows(mini / "submissions.csv")
    header = rows[1]
    refused = list(rows[line - 1])
    refused[header.index("outcome")] = "refused"
    refused[header.index("received")] = "2023-01-02"
    rows.insert(2, refused)
    write_rows(mini / "submissions.csv", rows)
    errors = [(p.file, p.rule) for p in _errors(mini)]
    assert errors == []
    # the same bytes twice with one outcome stay a duplicate
    rows.insert(2, list(refused))
    write_rows(mini / "submissions.csv", rows)
    assert ("submissions.csv", "duplicate_key") in {(p.file, p.rule) for p in _errors(mini)}


def test_revision_date_must_be_the_day_its_workbook_arrived(mini):
    edit(mini, "revisions", 3, "revised", "2023-01-13")
    problem = _hit(mini, "revisions.csv", 3, "revised", "revision_date_differs")
    assert "2023-01-12" in problem.message("de")


def test_revisions_without_a_register(mini):
    (mini / "submissions.csv").unlink()
    rules = {(p.file, p.rule) for p in _errors(mini)}
    assert ("revisions.csv", "table_missing") in rules


def test_deadline_before_the_start_of_its_period(mini):
    line = find_line(mini, "periods", period_id="sb3")
    edit(mini, "periods", line, "deadline", "2021-03-01")
    _hit(mini, "periods.csv", line, "deadline", "deadline_after_start")


def test_deadline_typed_as_german_date_is_read(mini):
    line = find_line(mini, "periods", period_id="sb3")
    edit(mini, "periods", line, "deadline", "21.05.2021")
    assert _errors(mini) == []
    ds = ogl_impact.load(mini)
    assert deadlines(ds.periods)["sb3"] == pd.Timestamp("2021-05-21")


# --- ogl-impact status -------------------------------------------------------------------------


def test_status_per_period_prints_the_rates(register, capsys):
    assert main(["status", "--data", str(register), "--as-of", AS_OF]) == 0
    out = capsys.readouterr().out
    p1 = next(line for line in out.splitlines() if line.startswith("Bericht 1 (p1)"))
    assert "75,0 %" in p1 and "25,0 %" in p1
    assert "Workshop" not in out and "p3" not in out
    assert "fehlt" in out and "verspätet angenommen" in out and "abgelehnt" in out


def test_status_of_one_period_lab_by_lab(register, capsys):
    assert main(["status", "--data", str(register), "--period", "p2", "--as-of", "01.09.2021"]) == 0
    out = capsys.readouterr().out
    lines = {line.split()[1]: line for line in out.splitlines() if line.startswith("Labor ")}
    assert "abgelehnt, keine gültige Lieferung" in lines["B"]
    assert "fehlt" in lines["C"]
    assert "05.08.2021" in lines["D"] and "fristgerecht angenommen" in lines["D"]
    assert "Lieferquote 50,0 % (2 von 4), fristgerecht 50,0 % (2 von 4)" in out


def test_status_in_english(register, capsys):
    assert main(["status", "--data", str(register), "--as-of", AS_OF, "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "Reporting rate" in out and "75.0 %" in out and "accepted late" in out


def test_status_provisional_before_the_deadline(register, capsys):
    assert main(["status", "--data", str(register), "--period", "p2", "--as-of", "2021-08-03"]) == 0
    out = capsys.readouterr().out
    assert "vorläufig" in out and "noch nicht fällig" in out


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--period", "p4"], "unbekannter Zeitraum „p4“. Zeiträume"),  # not "meinten Sie p3?"
        (["--period", "P1"], "meinten Sie p1?"),
        (["--period", "P1"], "/ unknown period 'P1' – did you mean p1? Periods with a"),
        (["--period", "w1"], "liefern die Labore nichts"),
        (["--as-of", "31.02.2021"], "kein gültiges Datum"),
        (["--as-of", "gestern"], "kein gültiges Datum"),
    ],
)
def test_status_refuses_unusable_arguments(register, capsys, args, needle):
    assert main(["status", "--data", str(register), *args]) == 2
    captured = capsys.readouterr()
    assert needle in captured.err
    assert "Traceback" not in captured.err + captured.out


def test_status_refuses_a_day_after_today(register, capsys):
    # tomorrow has not come: its status cannot be known (rule of HAPPENED, "Tippfehler im Jahr?")
    tomorrow = date.today() + timedelta(days=1)
    for text in (f"{tomorrow:%Y-%m-%d}", f"{tomorrow:%d.%m.%Y}", "2062-05-31"):
        assert main(["status", "--data", str(register), "--as-of", text]) == 2
        captured = capsys.readouterr()
        assert f"--as-of „{text}“ liegt nach heute ({date.today():%d.%m.%Y})" in captured.err
        assert captured.out == "" and "Traceback" not in captured.err


def test_status_as_of_today_is_allowed(register, capsys):
    assert main(["status", "--data", str(register), "--as-of", f"{date.today():%d.%m.%Y}"]) == 0
    assert f"Stand {date.today():%d.%m.%Y}" in capsys.readouterr().out


def test_status_refuses_a_future_day_in_a_real_process(register):
    result = subprocess.run(
        [sys.executable, "-m", "ogl_impact", "status", "--data", str(register), "--as-of",
         "31.12.2999"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 2
    assert "--as-of „31.12.2999“ liegt nach heute" in result.stderr
    assert result.stdout == "" and "Traceback" not in result.stderr


def test_status_of_a_folder_that_does_not_exist(tmp_path, capsys):
    assert main(["status", "--data", str(tmp_path / "nichts")]) == 2
    assert "kein Ordner" in capsys.readouterr().err


def test_status_of_invalid_data_names_the_problem(mini, capsys):
    edit(mini, "submissions", 3, "received", "gestern")
    assert main(["status", "--data", str(mini)]) == 1
    err = capsys.readouterr().err
    assert "submissions.csv" in err and "received" in err and "Traceback" not in err


def test_status_of_a_period_not_yet_begun(register, capsys):
    assert main(["status", "--data", str(register), "--period", "p3", "--as-of", AS_OF]) == 0
    assert "beginnt erst am 01.01.2022" in capsys.readouterr().out


def test_status_without_a_register_says_so(register, tmp_path, capsys):
    for path in register.iterdir():
        if path.name not in ("submissions.csv", "revisions.csv"):
            (tmp_path / path.name).write_bytes(path.read_bytes())
    assert main(["status", "--data", str(tmp_path), "--as-of", AS_OF]) == 0
    out = capsys.readouterr().out
    assert "kein Register submissions.csv" in out and "0,0 %" in out


# --- the figure "Datenlieferungen" and the Korrekturvermerk -----------------------------------


@pytest.fixture(scope="module")
def reports_folder(register: Path, tmp_path_factory) -> Path:
    """The same register, its periods named as status reports (sb3 is dated 1.9.2021)."""
    folder = tmp_path_factory.mktemp("reports")
    rename = {"p1": "sb1", "p2": "sb2"}
    for path in register.iterdir():
        rows = read_rows(path)
        rows = [[rename.get(cell, cell) for cell in row] for row in rows]
        if path.name == "periods.csv":
            rows = [r for r in rows if r[0] != "p3"]
            rows.append(["sb3", "status_report", "Bericht 3", AS_OF, AS_OF, "day", "", "s"])
            for r in rows[1:]:
                r[1] = "status_report" if r[0].startswith("sb") else r[1]
        write(folder / path.name, rows[0], rows[1:])
    return folder


@pytest.fixture(scope="module")
def reports_ds(reports_folder: Path) -> ogl_impact.Dataset:
    return ogl_impact.load(reports_folder)


def _figure(ds, report: str):
    from ogl_impact.reports import draw

    return draw(ds, report, "datenlieferungen")


def test_figure_shows_only_periods_due_by_the_report_date(reports_ds):
    (drawn,) = _figure(reports_ds, "sb3")  # 1.9.2021: sb1 (14.5.) and sb2 (6.8.) are due
    table = drawn.table.set_index(["period_id", "measure"])["value"]
    # sb1: 3 of 4 accepted, 1 on time; sb2: 2 of 4 (c's workbook of 2.9. is not there yet)
    assert table.to_dict() == {
        ("sb1", "reporting_rate"): 75.0,
        ("sb1", "reporting_rate_on_time"): 25.0,
        ("sb2", "reporting_rate"): 50.0,
        ("sb2", "reporting_rate_on_time"): 50.0,
    }
    assert set(drawn.table["n"]) == {4} and drawn.n == 8
    assert "SB1: 3 von 4 Lieferungen angenommen (75,0 %), 1 fristgerecht (25,0 %)" in (
        drawn.alt_text
    )
    assert "2 Zeiträume, 4 Labore" in drawn.caption


def test_figure_before_the_first_deadline_has_no_data(reports_ds):
    assert _figure(reports_ds, "sb1") == []  # sb1 ends 30.4.2021, due 14.5.


def test_figure_of_an_earlier_report_ignores_later_workbooks(reports_ds):
    (drawn,) = _figure(reports_ds, "sb2")  # 31.7.2021: only sb1 is due
    assert drawn.table["period_id"].unique().tolist() == ["sb1"]
    assert drawn.table["value"].tolist() == [75.0, 25.0]


@pytest.mark.parametrize("report", ["sb3", "sb5", "sb6"])
def test_figure_passes_the_layout_check(demo, report):
    from ogl_impact.plots.layout import check_layout

    (drawn,) = _figure(demo, report)
    assert check_layout(drawn.figure, bbox=drawn.bbox) == []
    assert drawn.synthetic and "Register der Datenlieferungen" in drawn.source


def test_figure_in_english(demo):
    from ogl_impact.reports import draw

    (drawn,) = draw(demo, "sb3", "datenlieferungen", lang="en")
    assert "Reporting rate" in set(drawn.table["measure_label"])
    assert "reports accepted" in drawn.alt_text
    # the data table names the periods in English too (periods.csv has German labels only)
    names = dict(zip(drawn.table["period_id"], drawn.table["period_name"], strict=False))
    assert names == {"sb1": "Status report 1", "sb2": "Status report 2"}
    (german,) = draw(demo, "sb3", "datenlieferungen", lang="de")
    assert set(german.table["period_name"]) == {"Sachstandsbericht 1", "Sachstandsbericht 2"}


def _ctx(ds, report: str):
    from ogl_impact.reports import context, find

    return context(ds, find(ds.periods, report))


def test_korrekturvermerk_counts_revised_values_of_the_tables_drawn(reports_ds):
    from ogl_impact.reports.figures.base import revision_note

    ctx = _ctx(reports_ds, "sb3")
    frame = pd.DataFrame({"x": [1]})
    # without the values a figure draws on, the note says it counts the figure's periods and labs
    scope = "Korrekturvermerk: in den Zeiträumen und Laboren der Abbildung"
    # a's two indicator values of sb2 revised 20.8., after the deadline 6.8.
    assert revision_note(ctx, ("indicator_values",), frame) == (
        f"{scope} 2 Werte nachträglich korrigiert (nicht nur dargestellte), davon 2 nach der "
        "Abgabefrist."
    )
    # plus d's milestone, revised on the deadline day (not after it)
    assert revision_note(ctx, ("indicator_values", "milestones"), frame).startswith(
        f"{scope} 3 Werte nachträglich korrigiert (nicht nur dargestellte), davon 2 nach"
    )
    only_d = pd.DataFrame({"lab_id": ["d"], "period_id": ["sb2"]})
    assert revision_note(ctx, ("milestones",), only_d) == (
        f"{scope} 1 Wert nachträglich korrigiert (nicht nur dargestellte)."
    )
    assert revision_note(ctx, ("indicator_values",), pd.DataFrame({"period_id": ["sb1"]})) == ""
    assert revision_note(ctx, ("responses",), frame) == ""


def test_korrekturvermerk_only_for_periods_the_report_holds(reports_ds):
    from ogl_impact.reports.figures.base import revision_note

    frame = pd.DataFrame({"x": [1]})
    ctx = _ctx(reports_ds, "sb1")  # 30.4.2021: sb2 is not in this report
    assert revision_note(ctx, ("indicator_values",), frame) == ""
    # sb2 rebuilt after the revision of 20.8. draws the revised values: it says so
    ctx = _ctx(reports_ds, "sb2")
    assert revision_note(ctx, ("indicator_values",), frame).startswith(
        "Korrekturvermerk: in den Zeiträumen und Laboren der Abbildung 2"
    )


def test_korrekturvermerk_in_the_captions_of_the_demo_reports(demo):
    from ogl_impact.reports import draw

    revisions = pd.read_csv(DEMO / "revisions.csv", sep=";", comment="#")
    known = revisions[revisions["period_id"].isin(["sb1", "sb2", "sb3", "zb", "sb4", "sb5", "sb6"])]
    assert len(known) == 2  # the third revises a value of pb, not in sb6
    # the progress figure draws only indicators that may be aggregated across labs
    indicators = pd.read_csv(DEMO / "indicators.csv", sep=";", comment="#", dtype=str)
    drawn_on = known.merge(
        indicators[indicators["aggregatable"] == "true"],
        left_on=["lab_id", "row_key"],
        right_on=["lab_id", "indicator_id"],
    )
    assert len(drawn_on) == 1  # i12 of bad_berleburg is an ordinal rating
    (drawn,) = draw(demo, "sb6", "fortschritt")
    assert (
        f"Korrekturvermerk: {len(drawn_on)} der dargestellten Werte nachträglich korrigiert"
        in drawn.caption
    )
    (early,) = draw(demo, "sb4", "fortschritt")  # the revised values are of sb5
    assert "Korrekturvermerk" not in early.caption


def test_english_period_names_keep_the_number_of_the_id_or_fall_back_to_order(demo):
    from ogl_impact.logic import period_names

    periods = demo.periods
    without_sb1 = periods[periods["period_id"] != "sb1"]  # a gap: sb2 stays "Status report 2"
    names = period_names(without_sb1, "en")
    assert names["sb2"] == "Status report 2" and names["sb6"] == "Status report 6"
    assert period_names(without_sb1, "de")["sb2"] == "Sachstandsbericht 2"
    # ids without their own number: numbered by start, as the German labels would not tell
    renamed = periods.replace({"period_id": {"sb1": "sb-a", "sb2": "sb-b"}})
    names = period_names(renamed, "en")
    assert names["sb-a"] == "Status report 1" and names["sb-b"] == "Status report 2"
    assert names["zb"] == "Interim report"
    with pytest.raises(ValueError, match="lang"):
        period_names(periods, "fr")
