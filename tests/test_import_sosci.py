"""SoSci Survey export with its generated R script (see tests/fixtures/README.md)."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pytest

from ogl_impact.imports.sosci import SosciError, read_sosci

FIX = Path(__file__).parent / "fixtures" / "soscisurvey"


@pytest.fixture(scope="module")
def export():
    return read_sosci(FIX / "Exp1_data.csv", FIX / "Exp1_import.r")


@pytest.fixture(scope="module")
def rows():
    with (FIX / "Exp1_data.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def test_cases_and_labels(export, rows):
    assert export.answers["response_id"].nunique() == len(rows) == 209
    items = export.items.set_index("code")
    assert items.loc["TR02_01", "value_labels"] == "1=%place1%|2=%place2%"
    assert (items.loc["TR02_01", "scale_min"], items.loc["TR02_01", "scale_max"]) == (1, 2)
    assert items.loc["TR02_01", "wording_de"] == "FreeSelection: "
    # response times and system variables carry no value labels: never answers
    assert "TR01_01a" not in items.index and "STARTED" not in items.index
    assert set(export.answers["tool_code"]) == set(items["tool_code"])


def test_values_match_the_file(export, rows):
    answers = export.answers.set_index(["response_id", "tool_code"])
    first = rows[0]
    for var in ("TR01_01", "TR01_07", "TR02_01"):
        raw = first[var]
        got = answers.loc[(first["CASE"], var)]
        assert got["raw"] == raw
        if raw.lstrip("-").isdigit() and int(raw) >= 0:
            assert got["value"] == int(raw)
        else:  # -9: not answered, or empty
            assert math.isnan(got["value"])


def test_wrong_files(tmp_path):
    with pytest.raises(SosciError, match=r"col\.names"):
        read_sosci(FIX / "Exp1_data.csv", FIX / "Exp1_data.csv")
    bad = tmp_path / "daten.csv"
    bad.write_text("a\tb\n1\t2\n", encoding="utf-8")
    with pytest.raises(SosciError, match="standard SoSci columns"):
        read_sosci(bad, FIX / "Exp1_import.r")


def test_labels_with_parentheses_keep_every_answer(export, rows):
    # DM07's labels hold parentheses and commas ("Undergraduate degree (BA, BSc or comparable)")
    items = export.items.set_index("code")
    labels = dict(part.split("=", 1) for part in items.loc["DM07", "value_labels"].split("|"))
    assert sorted(labels) == ["1", "2", "3", "4", "5", "6"]
    assert labels["6"] == "Doctorate degree (PhD, MD, or comparable)"
    dm07 = export.answers[export.answers["tool_code"] == "DM07"]
    assert len(dm07) == len(rows) == 209
    raw = [r["DM07"] for r in rows]
    want = sorted(float(v) for v in raw if v in labels)
    assert sorted(dm07["value"].dropna()) == want and len(want) == 201
    # the rest is SoSci's "not answered" (-9) or empty, none of it a valid code
    assert all(v in ("", "-9") for v in raw if v not in labels)


def test_r_string_literals_are_read_whole():
    from ogl_impact.imports.sosci import parse_r_script

    script = "\n".join(
        [
            '# comment with "quotes" and ) parentheses',
            'col.names = c("CASE", "A01", "A02")',
            "data1$A01 = factor(data1$A01, levels=c('1','2','-9'),"
            ' labels=c("gar nicht (0)", "sehr, \\"wirklich\\" (1)", "[NA] k. A."), ordered=FALSE)',
            'attr(data1$A02, "1") = "Ja (mit Vorbehalt), \\\\ ok"',
            'comment(data1$A01) = "Wie oft? (pro Woche, \\"ca.\\")"',
            "comment(data1$A02) = 'Einfach \\u00e4'",
        ]
    )
    names, values, comments = parse_r_script(script)
    assert names == ["CASE", "A01", "A02"]
    assert values["A01"] == {
        "1": "gar nicht (0)",
        "2": 'sehr, "wirklich" (1)',
        "-9": "[NA] k. A.",
    }
    assert values["A02"] == {"1": "Ja (mit Vorbehalt), \\ ok"}
    assert comments == {"A01": 'Wie oft? (pro Woche, "ca.")', "A02": "Einfach ä"}


@pytest.mark.parametrize("sep", [";", ","])
def test_an_export_saved_by_excel_is_told_by_its_separator(tmp_path, rows, sep):
    # every SoSci column is there, split by Excel's separator instead of tabs
    saved = tmp_path / "daten_excel.csv"
    with saved.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), delimiter=sep)
        writer.writeheader()
        writer.writerows(rows)
    with pytest.raises(SosciError) as caught:
        read_sosci(saved, FIX / "Exp1_import.r")
    message = str(caught.value)
    assert f"durch „{sep}“ getrennt, nicht durch Tabulatoren" in message, message
    assert "Standardspalten" not in message, message
