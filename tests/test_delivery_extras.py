"""The delivery loop's loose ends, as a lab coordinator and an evaluator meet them.

- Remarks in the column „Anmerkung“ are kept (beside the tables, never in a figure).
- Files that cannot be assigned to a lab and period are registered, and counted for no lab.
- Sorted rows: the values land on the indicator of their row; the feedback names sheet and cell.

The expected values are what the test typed into the workbook (or the
embedded data it filled in), never the output of the code under test.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from ogl_impact import privacy
from ogl_impact.cli import main
from ogl_impact.dataset import load
from ogl_impact.delivery.notes import COMMENT, read_stored
from ogl_impact.delivery.workbook import STATUS_LABELS
from tests import test_delivery_loop as loop
from tests.test_delivery_loop import (
    C_ID,
    C_STATUS,
    C_VALUE,
    IV_KEY,
    LAB,
    PERIOD,
    _period_rows,
    collect,
    filled,
)

# the loop's fixtures: the data folder without PERIOD, its templates, a fresh copy per test
original, base, data = loop.original, loop.base, loop.data

C_NOTE = 11  # „Anmerkung“, the last open column of Indikatorwerte (1-based, as openpyxl counts)


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def notes(data: Path) -> pd.DataFrame:
    path = data / "delivery_notes.csv"
    return pd.read_csv(path, sep=";", comment="#", dtype=str, keep_default_na=False)


def remark(rows: dict[int, str]):
    """An edit writing remarks into sheet rows of Indikatorwerte."""

    def edit(book):
        sheet = book["Indikatorwerte"]
        for row, text in rows.items():
            sheet.cell(row, C_NOTE).value = text

    return edit


def cell_of(book_path: Path, row: int) -> tuple[str, str]:
    sheet = openpyxl.load_workbook(book_path)["Indikatorwerte"]
    return str(sheet.cell(row, C_ID).value), str(sheet.cell(row, 7).value or "")


# --- 1. Anmerkung ------------------------------------------------------------------------------


def test_template_has_the_remark_column_where_the_reader_looks(base):
    sheet = openpyxl.load_workbook(base / "tpl" / f"{LAB}_{PERIOD}.xlsx")["Indikatorwerte"]
    assert sheet.cell(1, C_NOTE).value == "Anmerkung"


def test_remarks_of_an_accepted_workbook_are_kept(base, data, original, tmp_path, capsys):
    typed = {
        2: "Zählung durch das Bürgerbüro",
        4: "- vorläufig, Zählung läuft",  # a leading "-": stored, escaped in the CSV
        5: "zweizeilig\nzweite Zeile",
    }
    wb = filled(base, original, LAB, tmp_path / "b" / f"{LAB}_{PERIOD}.xlsx", remark(typed))
    code, text = collect(capsys, str(wb), "--data", str(data))
    assert code == 0, text
    assert "delivery_notes.csv" in text
    got = notes(data)
    assert len(got) == len(typed)
    for row, note in typed.items():
        iid, disagg = cell_of(wb, row)
        hit = got[(got["indicator_id"] == iid) & (got["disaggregation"] == disagg)]
        assert len(hit) == 1, (iid, disagg)
        r = hit.iloc[0]
        stored = r["text"][1:] if note.startswith("-") else r["text"]
        assert stored == note
        assert (r["lab_id"], r["period_id"], r["sheet"], r["cell"]) == (
            LAB,
            PERIOD,
            "Indikatorwerte",
            f"K{row}",
        )
        assert r["sha256"] == sha(wb) and r["received"] == "2022-11-20"
    raw = (data / "delivery_notes.csv").read_text(encoding="utf-8")
    assert "'- vorläufig" in raw  # never a formula when opened in a spreadsheet
    # the values arrived as typed: the remarks changed nothing else
    expected = _period_rows(original, "indicator_values", IV_KEY)
    got_values = _period_rows(load(data), "indicator_values", IV_KEY)
    pd.testing.assert_frame_equal(
        got_values, expected[expected["lab_id"] == LAB].reset_index(drop=True), check_dtype=False
    )


def test_remarks_never_reach_a_table_a_figure_or_processed_output(
    base, data, original, tmp_path, capsys
):
    wb = filled(
        base, original, LAB, tmp_path / "b" / f"{LAB}_{PERIOD}.xlsx", remark({2: "Frau Muster"})
    )
    assert collect(capsys, str(wb), "--data", str(data))[0] == 0
    # free text: the privacy guard refuses the remarks as an output
    with pytest.raises(privacy.PrivacyError, match="text"):
        privacy.assert_no_identifiers(notes(data))
    ds = load(data)
    assert "delivery_notes" not in ds.tables
    assert not any("Frau Muster" in f.to_csv() for f in ds.tables.values())
    # validate and process still accept the folder: the remarks file is known, not read,
    # not reported as an unknown table; validate names it once as kept but not checked
    assert main(["validate", str(data)]) == 0
    out = capsys.readouterr()
    named = [line for line in (out.out + out.err).splitlines() if "delivery_notes.csv" in line]
    assert len(named) == 1 and named[0].startswith("Info:") and "nicht geprüft" in named[0]
    assert "0 Warnungen" in out.out
    assert main(["process", str(data), str(tmp_path / "processed")]) == 0
    capsys.readouterr()
    processed = tmp_path / "processed"
    assert not any("delivery_notes" in p.name for p in processed.rglob("*"))
    assert not any(b"Frau Muster" in p.read_bytes() for p in processed.rglob("*") if p.is_file())


def test_a_revision_keeps_the_old_remark(base, data, original, tmp_path, capsys):
    first = filled(
        base, original, LAB, tmp_path / "1" / f"{LAB}_{PERIOD}.xlsx", remark({2: "vorläufig"})
    )
    assert collect(capsys, str(first), "--data", str(data))[0] == 0
    old_value = openpyxl.load_workbook(first)["Indikatorwerte"].cell(2, C_VALUE).value

    def correct(book):
        book["Indikatorwerte"].cell(2, C_VALUE).value = old_value + 1
        book["Indikatorwerte"].cell(2, C_NOTE).value = "endgültig, nachgezählt"

    second = filled(base, original, LAB, tmp_path / "2" / f"{LAB}_{PERIOD}.xlsx", correct)
    code, text = collect(capsys, str(second), "--data", str(data))
    assert code == 0 and "Korrektur" in text
    got = notes(data)
    iid, _ = cell_of(first, 2)
    assert got["text"].tolist() == ["vorläufig", "endgültig, nachgezählt"]
    assert set(got["indicator_id"]) == {iid}
    assert got["sha256"].tolist() == [sha(first), sha(second)]
    # the same file again: skipped, its remark not stored twice
    assert collect(capsys, str(second), "--data", str(data))[0] == 0
    assert len(notes(data)) == 2


def test_a_refused_workbook_leaves_no_remark(base, data, original, tmp_path, capsys):
    def spoil(book):
        remark({2: "bitte anrufen"})(book)
        book["Indikatorwerte"].cell(3, C_VALUE).value = "zwölf"

    wb = filled(base, original, LAB, tmp_path / "b" / f"{LAB}_{PERIOD}.xlsx", spoil)
    assert collect(capsys, str(wb), "--data", str(data))[0] == 1
    assert not (data / "delivery_notes.csv").exists()


def test_remarks_of_several_labs_in_one_run(base, data, original, tmp_path, capsys):
    back = tmp_path / "back"
    filled(base, original, LAB, back / f"{LAB}_{PERIOD}.xlsx", remark({3: "aus Brandis"}))
    filled(base, original, "bremen", back / f"bremen_{PERIOD}.xlsx", remark({2: "aus Bremen"}))
    filled(base, original, "bad_belzig", back / f"bad_belzig_{PERIOD}.xlsx")
    assert collect(capsys, str(back), "--data", str(data))[0] == 0
    got = notes(data)
    assert dict(zip(got["lab_id"], got["text"], strict=True)) == {
        LAB: "aus Brandis",
        "bremen": "aus Bremen",
    }


# --- 2. files that cannot be assigned ----------------------------------------------------------


def _strangers(base: Path, folder: Path) -> dict[str, Path]:
    """The files people really send instead of the template, each a different kind of wrong."""
    folder.mkdir(parents=True, exist_ok=True)
    out = {}
    out["text"] = folder / "daten.xlsx"
    out["text"].write_text("Wert;12\n", encoding="utf-8")
    out["empty"] = folder / "leer.xlsx"
    openpyxl.Workbook().save(out["empty"])
    own = openpyxl.Workbook()
    own.active["A1"] = "Indikator"
    out["own"] = folder / "eigene_tabelle.xlsx"
    own.save(out["own"])
    template = (base / "tpl" / f"{LAB}_{PERIOD}.xlsx").read_bytes()
    out["truncated"] = folder / "abgeschnitten.xlsx"
    out["truncated"].write_bytes(template[: len(template) // 2])
    book = openpyxl.load_workbook(base / "tpl" / f"{LAB}_{PERIOD}.xlsx")
    book["ogl_meta"]["B2"] = "atlantis"
    out["unknown_lab"] = folder / "atlantis.xlsx"
    book.save(out["unknown_lab"])
    return out


def test_files_that_cannot_be_assigned_are_registered(base, data, original, tmp_path, capsys):
    back = tmp_path / "back"
    strangers = _strangers(base, back)
    good = filled(base, original, LAB, back / f"{LAB}_{PERIOD}.xlsx")
    code, text = collect(capsys, str(back), "--data", str(data))
    assert code == 1, text
    register = pd.read_csv(data / "submissions.csv", sep=";", comment="#", dtype=str)
    mine = register[register["received"] == "2022-11-20"]
    blank = mine[mine["lab_id"].isna()]
    assert sorted(blank["workbook"]) == sorted(p.name for p in strangers.values())
    assert blank["period_id"].isna().all()
    assert set(blank["outcome"]) == {"refused"}
    assert dict(zip(blank["workbook"], blank["sha256"], strict=True)) == {
        p.name: sha(p) for p in strangers.values()
    }
    assert (blank["problems"].astype(int) >= 1).all()
    accepted = mine[mine["lab_id"].notna()]
    assert accepted[["lab_id", "period_id", "outcome", "sha256"]].values.tolist() == [
        [LAB, PERIOD, "accepted", sha(good)]
    ]
    load(data)  # the register with its empty labs is a valid table
    # sent again the next day: nothing new to register
    before = (data / "submissions.csv").read_bytes()
    code, _ = collect(capsys, *map(str, strangers.values()), "--data", str(data))
    assert code == 1
    assert (data / "submissions.csv").read_bytes() == before


def test_the_same_stranger_twice_in_one_run_is_registered_once(data, tmp_path, capsys):
    back = tmp_path / "back"
    back.mkdir()
    (back / "daten.xlsx").write_text("Wert;12\n", encoding="utf-8")
    (back / "daten (1).xlsx").write_text("Wert;12\n", encoding="utf-8")
    assert collect(capsys, str(back), "--data", str(data))[0] == 1
    register = pd.read_csv(data / "submissions.csv", sep=";", comment="#", dtype=str)
    assert register["lab_id"].isna().sum() == 1


def _status(data: Path, capsys, *args: str) -> str:
    assert main(["status", "--data", str(data), "--as-of", "2022-12-31", *args]) == 0
    out = capsys.readouterr()
    return out.out + out.err


def test_status_names_the_strangers_and_counts_them_for_no_lab(
    base, data, original, tmp_path, capsys
):
    from ogl_impact.logic import deliveries, reporting_rates
    from ogl_impact.reports import draw

    filled(base, original, LAB, tmp_path / "back" / f"{LAB}_{PERIOD}.xlsx")
    assert collect(capsys, str(tmp_path / "back"), "--data", str(data))[0] == 0
    plain = tmp_path / "plain"
    shutil.copytree(data, plain)  # the same folder without the strangers
    before_all, before_one = _status(data, capsys), _status(data, capsys, "--period", PERIOD)
    strangers = _strangers(base, tmp_path / "strangers")
    assert collect(capsys, str(tmp_path / "strangers"), "--data", str(data))[0] == 1

    text = _status(data, capsys)
    assert f"Außerdem {len(strangers)} nicht zuordenbare Lieferungen" in text
    for p in strangers.values():
        assert f"{p.name} (20.11.2022)" in text
    # everything else is what it was: no lab gained or lost a workbook, no rate moved
    assert text.split("\n\nAußerdem")[0] == before_all.rstrip("\n")
    one = _status(data, capsys, "--period", PERIOD)
    assert one.split("\n\nAußerdem")[0] == before_one.rstrip("\n")
    assert f"{len(strangers)} nicht zuordenbare" in one
    english = main(["status", "--data", str(data), "--as-of", "2022-12-31", "--lang", "en"])
    assert english == 0
    assert f"Also {len(strangers)} deliveries that could not be assigned" in capsys.readouterr().out

    with_strangers, without = load(data), load(plain)
    pd.testing.assert_frame_equal(
        deliveries(with_strangers, as_of="2022-12-31"), deliveries(without, as_of="2022-12-31")
    )
    # DHIS2: expected = every lab in every delivery period, actual = accepted
    rates = reporting_rates(deliveries(with_strangers, as_of="2022-12-31"))
    assert set(rates["expected"]) == {len(with_strangers.labs)}
    (fig_with,) = draw(with_strangers, "pb", "datenlieferungen")
    (fig_without,) = draw(without, "pb", "datenlieferungen")
    pd.testing.assert_frame_equal(fig_with.table, fig_without.table)


def test_status_without_strangers_says_nothing_of_them(base, data, original, tmp_path, capsys):
    filled(base, original, LAB, tmp_path / "back" / f"{LAB}_{PERIOD}.xlsx")
    assert collect(capsys, str(tmp_path / "back"), "--data", str(data))[0] == 0
    assert "zuordenbar" not in _status(data, capsys)


# --- 4. sorted rows ----------------------------------------------------------------------------


def _sort_by_value_descending(book) -> None:
    """Sort the data rows of Indikatorwerte by „Wert“, largest first, empty last (as Excel does)."""
    sheet = book["Indikatorwerte"]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    rows = [r for r in rows if any(v not in (None, "") for v in r)]
    filled_rows = sorted(
        (r for r in rows if isinstance(r[C_VALUE - 1], int | float)),
        key=lambda r: -r[C_VALUE - 1],
    )
    rest = [r for r in rows if not isinstance(r[C_VALUE - 1], int | float)]
    for i, values in enumerate([*filled_rows, *rest], start=2):
        for c, v in enumerate(values, start=1):
            sheet.cell(i, c).value = v


def test_rows_sorted_by_value_keep_each_value_with_its_indicator(
    base, data, original, tmp_path, capsys
):
    typed: dict[tuple[str, str], tuple[float | None, str]] = {}

    def sort(book):
        sheet = book["Indikatorwerte"]
        sheet.cell(2, C_NOTE).value = "Anmerkung der ersten Zeile"
        _sort_by_value_descending(book)
        for row in range(2, sheet.max_row + 1):
            iid = sheet.cell(row, C_ID).value
            if iid is None:
                continue
            key = (str(iid), str(sheet.cell(row, 7).value or ""))
            typed[key] = (sheet.cell(row, C_VALUE).value, sheet.cell(row, C_STATUS).value)

    template = openpyxl.load_workbook(base / "tpl" / f"{LAB}_{PERIOD}.xlsx")["Indikatorwerte"]
    first_key = (str(template.cell(2, C_ID).value), str(template.cell(2, 7).value or ""))
    wb = filled(base, original, LAB, tmp_path / "b" / f"{LAB}_{PERIOD}.xlsx", sort)
    fb = tmp_path / "fb"
    code, text = collect(capsys, str(wb), "--data", str(data), "--feedback", str(fb))
    assert code == 0, text
    # the order really changed (else the test proves nothing)
    sheet = openpyxl.load_workbook(wb)["Indikatorwerte"]
    order = [str(sheet.cell(r, C_ID).value) for r in range(2, sheet.max_row + 1)]
    assert order != [str(template.cell(r, C_ID).value) for r in range(2, template.max_row + 1)]
    # the note names sheet and cell, in the terminal and on the feedback page
    assert "Indikatorwerte!A" in text and "umsortiert" in text
    page = (fb / f"{LAB}_{PERIOD}.html").read_text(encoding="utf-8")
    assert "Indikatorwerte" in page and "umsortiert" in page
    line = next(x for x in text.splitlines() if "umsortiert" in x)
    cell = line.split("Indikatorwerte!")[1].split(":")[0]
    assert f">{cell}<" in page
    # every stored value is the one typed in the row of its indicator
    stored = load(data).indicator_values
    stored = stored[(stored["lab_id"] == LAB) & (stored["period_id"] == PERIOD)]
    checked = 0
    for r in stored.itertuples():
        disagg = "" if pd.isna(r.disaggregation_value) else str(r.disaggregation_value)
        value, status = typed[(r.indicator_id, disagg)]
        assert (None if pd.isna(r.value) else float(r.value)) == (
            None if value is None else float(value)
        )
        assert STATUS_LABELS[r.status] == status
        checked += 1
    assert checked == sum(1 for v, s in typed.values() if v is not None or s is not None)
    # the remark moved with its row and is stored for its indicator
    got = notes(data)
    assert (got["indicator_id"].iat[0], got["disaggregation"].iat[0]) == first_key


# --- 3. Korrekturvermerk: only revisions of values a figure draws ------------------------------


def _revision(lab, period, table, key, column="value", day="2023-02-01"):
    return {
        "lab_id": lab,
        "period_id": period,
        "table": table,
        "row_key": key,
        "column": column,
        "old_value": "1",
        "new_value": "2",
        "revised": pd.Timestamp(day),
        "sha256": "0" * 64,
    }


@pytest.fixture(scope="module")
def korrektur():
    """The demo data with revisions whose truth is known: which of them sb6's figures draw.

    Chosen from the tables by the rules the figures document: the attainment
    figure of sb6 draws each indicator's total of sb6 that has a target (or,
    for a cumulative indicator without a report in sb6, its last total before);
    the milestone figure the milestones of sb6; the partner figure each named
    partner's kind.
    """
    import dataclasses
    from types import MappingProxyType

    import ogl_impact

    demo = ogl_impact.load_demo()
    t = dict(demo.tables)
    iv, ind, nodes = t["indicator_values"], t["indicators"], t["nodes"]
    staged = ind.merge(nodes[["lab_id", "node_id", "stage"]], on=["lab_id", "node_id"])
    staged = staged[
        staged["stage"].notna() & staged["target_value"].notna() & staged["baseline_value"].notna()
    ]
    totals = iv[iv["disaggregation_value"].isna() & iv["value"].notna()]
    in_sb6 = totals[totals["period_id"] == "sb6"].merge(
        staged[["lab_id", "indicator_id", "cumulative"]], on=["lab_id", "indicator_id"]
    )
    drawn = in_sb6[~in_sb6["cumulative"].astype(bool)].iloc[0]
    lab, iid = str(drawn["lab_id"]), str(drawn["indicator_id"])
    # a cumulative indicator of another lab: its sb6 total removed, so sb5's is carried forward
    cum = in_sb6[in_sb6["cumulative"].astype(bool) & (in_sb6["lab_id"] != lab)]
    cum = cum.merge(totals[totals["period_id"] == "sb5"][["lab_id", "indicator_id"]])
    carried = cum.iloc[0]
    c_lab, c_iid = str(carried["lab_id"]), str(carried["indicator_id"])
    gone = (iv["lab_id"] == c_lab) & (iv["indicator_id"] == c_iid) & (iv["period_id"] == "sb6")
    t["indicator_values"] = iv[~gone].reset_index(drop=True)
    no_target = ind[ind["target_value"].isna() & (ind["lab_id"] == lab)]
    disagg = iv[iv["disaggregation_value"].notna() & (iv["period_id"] == "sb6")].iloc[0]
    ms = t["milestones"]
    m6 = ms[ms["period_id"] == "sb6"].iloc[0]
    m5 = ms[(ms["period_id"] == "sb5") & (ms["lab_id"] == m6["lab_id"])].iloc[0]
    partner = t["partners"][t["partners"]["lab_id"].notna()].iloc[0]
    in_pb = totals[totals["period_id"] == "pb"].merge(
        staged[["lab_id", "indicator_id"]], on=["lab_id", "indicator_id"]
    )
    model = in_pb.iloc[0]
    rows = [
        ("drawn", _revision(lab, "sb6", "indicator_values", iid)),
        ("carried", _revision(c_lab, "sb5", "indicator_values", f"{c_iid}|")),
        ("earlier", _revision(lab, "sb5", "indicator_values", iid)),
        ("status", _revision(lab, "sb6", "indicator_values", iid, "status")),
        (
            "breakdown",
            _revision(
                str(disagg["lab_id"]),
                "sb6",
                "indicator_values",
                f"{disagg['indicator_id']}|{disagg['disaggregation_value']}",
            ),
        ),
        (
            "milestone",
            _revision(
                str(m6["lab_id"]), "sb6", "milestones", str(m6["milestone_id"]), "completion"
            ),
        ),
        (
            "milestone_sb5",
            _revision(
                str(m5["lab_id"]), "sb5", "milestones", str(m5["milestone_id"]), "completion"
            ),
        ),
        (
            "kind",
            _revision(
                str(partner["lab_id"]), "sb4", "partners", str(partner["partner_id"]), "kind"
            ),
        ),
        (
            "land",
            _revision(
                str(partner["lab_id"]), "sb4", "partners", str(partner["partner_id"]), "land"
            ),
        ),
    ]
    rows.append(
        (
            "model",
            _revision(str(model["lab_id"]), "pb", "indicator_values", str(model["indicator_id"])),
        )
    )
    if len(no_target):
        rows.append(
            (
                "no_target",
                _revision(lab, "sb6", "indicator_values", str(no_target["indicator_id"].iat[0])),
            )
        )
    t["revisions"] = pd.DataFrame([r for _, r in rows])
    ds = dataclasses.replace(demo, tables=MappingProxyType(t))
    return ds, dict(rows), str(model["lab_id"])


def _caption(ds, report: str, figure: str, name: str | None = None) -> str:
    from ogl_impact.reports import draw

    drawn = draw(ds, report, figure)
    return next(d for d in drawn if name is None or d.name == name).caption


def test_korrekturvermerk_counts_only_values_the_attainment_figure_draws(korrektur):
    ds, _, _ = korrektur
    # drawn: the sb6 total and the sb5 total carried into sb6; not: the earlier value of an
    # indicator reported in sb6, a status, a breakdown, an indicator without target
    assert "Korrekturvermerk: 2 der dargestellten Werte nachträglich korrigiert" in _caption(
        ds, "sb6", "zielerreichung"
    )


def test_korrekturvermerk_of_a_lab_model_counts_that_labs_values(korrektur):
    from ogl_impact.reports import draw

    ds, _, lab = korrektur
    for drawn in draw(ds, "pb", "wirkungsmodelle"):
        if drawn.name == f"wirkungsmodell_{lab}":
            assert "Korrekturvermerk: 1 der dargestellten" in drawn.caption
        else:  # the other labs' models draw none of the revised values
            assert "Korrekturvermerk" not in drawn.caption, drawn.name


def test_korrekturvermerk_of_milestones_and_partners(korrektur):
    ds, _, _ = korrektur
    assert "Korrekturvermerk: 1 der dargestellten" in _caption(ds, "sb6", "meilensteine")
    assert "Korrekturvermerk: 1 der dargestellten" in _caption(ds, "pb", "partner")


def test_korrekturvermerk_without_declared_values_says_what_it_counts(korrektur):
    from ogl_impact.reports import context, find
    from ogl_impact.reports.figures.base import revision_note

    ds, _, _ = korrektur
    ctx = context(ds, find(ds.periods, "sb6"))
    revised = ds.revisions
    # each fixture row is a value of its own (old 1, new 2); the status "geschätzt" is no value
    n = int(
        (
            (revised["table"] == "indicator_values")
            & (revised["period_id"] != "pb")
            & (revised["column"] != "status")
        ).sum()
    )
    note = revision_note(ctx, ("indicator_values",), pd.DataFrame({"x": [1]}))
    assert note.startswith(
        f"Korrekturvermerk: in den Zeiträumen und Laboren der Abbildung {n} Werte "
        "nachträglich korrigiert (nicht nur dargestellte)"
    )


def test_only_the_value_column_sorted_is_questioned(base, data, original, tmp_path, capsys):
    def sort_column(book):
        """Select I2:I<last> and sort it descending without expanding the selection."""
        sheet = book["Indikatorwerte"]
        cells = [sheet.cell(r, C_VALUE) for r in range(2, sheet.max_row + 1)]
        numbers = sorted((c.value for c in cells if c.value is not None), reverse=True)
        for c, v in zip(cells, numbers + [None] * (len(cells) - len(numbers)), strict=True):
            c.value = v

    wb = filled(base, original, LAB, tmp_path / "b" / f"{LAB}_{PERIOD}.xlsx", sort_column)
    _, text = collect(capsys, str(wb), "--data", str(data), "--feedback", str(tmp_path / "fb"))
    assert "Indikatorwerte!I2: Hinweis" in text and "nur die Spalte „Wert“" in text
    page = (tmp_path / "fb" / f"{LAB}_{PERIOD}.html").read_text(encoding="utf-8")
    assert "nur die Spalte „Wert“" in page


def test_values_in_the_templates_order_are_not_questioned(base, data, original, tmp_path, capsys):
    """No false alarm on any lab's real-looking values, and none for whole rows sorted."""
    back = tmp_path / "back"
    for lab in sorted(original.labs["lab_id"]):
        filled(base, original, lab, back / f"{lab}_{PERIOD}.xlsx")
    code, text = collect(capsys, str(back), "--data", str(data))
    assert code == 0 and "nur die Spalte" not in text
    # whole rows sorted (a revision of the same values): matched by key, the reader's note only
    other = tmp_path / "other"
    shutil.copytree(base / "data", other)
    wb = filled(
        base, original, LAB, tmp_path / "s" / f"{LAB}_{PERIOD}.xlsx", _sort_by_value_descending
    )
    code, text = collect(capsys, str(wb), "--data", str(other))
    assert code == 0 and "umsortiert" in text and "nur die Spalte" not in text


def test_a_remark_with_a_line_starting_with_a_hash_is_kept_whole(
    base, data, original, tmp_path, capsys
):
    # "#2" typed at the start of a line of a remark is no comment line of the file
    typed = "Zählung:\n#1 erledigt\n#2 noch offen"
    first = filled(base, original, LAB, tmp_path / "1" / f"{LAB}_{PERIOD}.xlsx", remark({2: typed}))
    assert collect(capsys, str(first), "--data", str(data))[0] == 0
    old_value = openpyxl.load_workbook(first)["Indikatorwerte"].cell(2, C_VALUE).value

    def correct(book):  # sent again with a corrected value: the stored remarks are read
        book["Indikatorwerte"].cell(2, C_VALUE).value = old_value + 1
        book["Indikatorwerte"].cell(3, C_NOTE).value = "nachgezählt"

    second = filled(base, original, LAB, tmp_path / "2" / f"{LAB}_{PERIOD}.xlsx", correct)
    code, text = collect(capsys, str(second), "--data", str(data))
    assert code == 0, text
    assert notes(data)["text"].tolist() == [typed, "nachgezählt"]


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_a_stored_remark_table_with_a_broken_line_names_it(tmp_path, newline):
    lines = [
        f"# {COMMENT}",
        "lab_id;period_id;sheet;indicator_id;disaggregation;cell;text;sha256;received",
        "",
        'bad_belzig;sb6;Indikatorwerte;i01;;K2;"zwei\n#Zeilen";abc;2022-11-20',
        "bad_belzig;sb6;Indikatorwerte;i02;;K3;ein; Semikolon zu viel;abc;2022-11-20",
    ]
    (tmp_path / "delivery_notes.csv").write_bytes(newline.join([*lines, ""]).encode("utf-8"))
    with pytest.raises(ValueError, match=r"delivery_notes.csv: Zeile 6 hat 10 statt 9 Felder"):
        read_stored(tmp_path)
    (tmp_path / "delivery_notes.csv").write_bytes(newline.join([*lines[:4], ""]).encode("utf-8"))
    assert read_stored(tmp_path)["text"].tolist() == ["zwei\n#Zeilen"]


def test_a_remark_table_saved_as_windows_1252_is_named_not_raised(tmp_path):
    text = "# Anmerkungen\n"
    text += "lab_id;period_id;sheet;indicator_id;disaggregation;cell;text;sha256;received\n"
    text += "bad_belzig;sb6;Indikatorwerte;i01;;K2;Zählung läuft;abc;2022-11-20\n"
    (tmp_path / "delivery_notes.csv").write_bytes(text.encode("cp1252"))
    with pytest.raises(ValueError, match=r"delivery_notes.csv: Zeile 3: nicht UTF-8-kodiert"):
        read_stored(tmp_path)


_NOTES_HEADER = "lab_id;period_id;sheet;indicator_id;disaggregation;cell;text;sha256;received"
_NOTE = "bad_belzig;sb6;Indikatorwerte;i01;;K2;Zählung läuft;abc;2022-11-20"


def _notes_file(folder: Path, *lines: str) -> None:
    (folder / "delivery_notes.csv").write_text("\n".join([*lines, ""]), encoding="utf-8")


def test_a_remark_table_saved_by_excel_is_read_as_saved(tmp_path):
    # Excel's "sep=;" hint line before the header, a row of emptied cells, a blank line
    _notes_file(tmp_path, "sep=;", "# Anmerkungen", _NOTES_HEADER, _NOTE, ";;;;;;;;", "", " ")
    stored = read_stored(tmp_path)
    assert stored["text"].tolist() == ["Zählung läuft"]


def test_a_quote_never_closed_in_the_remark_table_is_named(tmp_path):
    # a quote opened by hand in line 3; the rest of the file becomes one field (over the
    # csv module's field limit of 128 KB here)
    rest = [_NOTE.replace("K2", f"K{k}") for k in range(3, 3000)]
    _notes_file(
        tmp_path, "# Anmerkungen", _NOTES_HEADER, _NOTE.replace("Zählung", '"Zählung'), *rest
    )
    with pytest.raises(ValueError, match=r"delivery_notes.csv: Zeile 3: ein Anführungszeichen"):
        read_stored(tmp_path)


def test_a_remark_table_without_its_header_names_the_line(tmp_path):
    _notes_file(tmp_path, "# Anmerkungen", "", "lab_id;period_id;text", "a;b;c")
    with pytest.raises(ValueError, match=r"Zeile 3 ist keine Kopfzeile der Anmerkungen"):
        read_stored(tmp_path)
