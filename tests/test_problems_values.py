"""A problem shows a missing cell as an empty cell, whether read from a file or built in code."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ogl_impact.problems import make_problem

RULE = "not_nullable"


@pytest.mark.parametrize(
    "value",
    [float("nan"), np.nan, np.float32("nan"), pd.NA, pd.NaT, np.datetime64("NaT"), ""],
    ids=repr,
)
def test_a_missing_cell_shows_as_empty(value):
    assert make_problem("t.csv", RULE, line=3, column="value", value=value).value == ""


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0.0, "0.0"),
        (17.5, "17.5"),
        ("nan", "nan"),  # typed by a person: shown as typed
        ("NA", "NA"),
        (3, "3"),
        (pd.Timestamp("2022-03-01"), "2022-03-01 00:00:00"),
        (np.array([1.0, np.nan]), "[ 1. nan]"),
    ],
    ids=repr,
)
def test_other_values_show_as_their_text(value, text):
    assert make_problem("t.csv", RULE, value=value).value == text


def test_no_value_stays_none():
    assert make_problem("t.csv", RULE).value is None
