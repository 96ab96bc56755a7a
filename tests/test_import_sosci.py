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
