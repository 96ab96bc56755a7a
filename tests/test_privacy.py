"""Small-cell suppression on data built to tempt it."""

import numpy as np
import pandas as pd
import pytest

from ogl_impact.privacy import PrivacyError, assert_no_identifiers, check_k, protect


def _no_margin_with_one_masked(frame, groups):
    for dim in groups:
        others = [g for g in groups if g != dim]
        margins = frame.groupby(others) if others else [(None, frame)]
        for _, part in margins:
            assert part["suppressed"].sum() != 1 or len(part) == 1, (dim, part)


def test_small_lab_and_its_complement_are_masked():
    frame = pd.DataFrame({"lab": list("abcd"), "n": [3, 40, 50, 60], "mean": [1.0, 3.0, 3.5, 4.0]})
    out = protect(frame, groups=["lab"]).set_index("lab")
    assert (
        out.loc["a", "suppressed"]
        and np.isnan(out.loc["a", "mean"])
        and np.isnan(out.loc["a", "n"])
    )
    # a total (or network mean with n) would give a away: the next smallest goes too
    assert out.loc["b", "suppressed"]
    assert not out.loc[["c", "d"], "suppressed"].any()
    assert out.loc["c", "mean"] == 3.5


def test_two_way_table_leaves_no_margin_with_one_masked_cell():
    rng = np.random.default_rng(0)
    rows = []
    for lab in "abcdef":
        for wave in (1, 2, 3):
            rows.append((lab, wave, int(rng.integers(20, 90)), rng.normal()))
    frame = pd.DataFrame(rows, columns=["lab", "wave", "n", "score"])
    frame.loc[(frame["lab"] == "c") & (frame["wave"] == 2), "n"] = 4
    out = protect(frame, groups=["lab", "wave"])
    assert out.loc[(out["lab"] == "c") & (out["wave"] == 2), "suppressed"].all()
    assert out["suppressed"].sum() >= 4  # the cell, one more in its row, one in its column, ...
    _no_margin_with_one_masked(out, ["lab", "wave"])
    # masked values are gone, visible ones untouched
    assert out.loc[out["suppressed"], "score"].isna().all()
    visible = out[~out["suppressed"]]
    merged = visible.merge(frame, on=["lab", "wave"], suffixes=("", "_orig"))
    assert (merged["score"] == merged["score_orig"]).all()


def test_total_row_cannot_reveal_a_masked_cell():
    frame = pd.DataFrame({"lab": ["a", "b", "alle"], "n": [2, 30, 32], "mean": [5.0, 3.0, 3.125]})
    out = protect(frame, groups=["lab"], total_label="alle").set_index("lab")
    # with a and the total visible, b's mean would give a's: the total is masked too
    assert out.loc["a", "suppressed"]
    assert out["suppressed"].sum() >= 2


def test_rows_of_one_group_share_its_fate_and_keep_columns():
    frame = pd.DataFrame(
        {
            "wave": [1, 1, 2, 2, 3, 3],
            "value": [1, 2, 1, 2, 1, 2],
            "label": ["nein", "ja"] * 3,
            "n": [2, 2, 50, 50, 60, 60],
            "percent": [50.0, 50, 40, 60, 30, 70],
        }
    )
    out = protect(frame, groups=["wave"], keep=["value", "label"])
    assert out.loc[out["wave"] == 1, "suppressed"].all()
    assert out.loc[out["wave"] == 1, "label"].tolist() == ["nein", "ja"]
    assert out.loc[out["wave"] == 1, "percent"].isna().all()


def test_threshold_is_configurable_but_never_below_three():
    frame = pd.DataFrame({"lab": list("abc"), "n": [6, 8, 40]})
    assert not protect(frame, groups=["lab"])["suppressed"].any()
    assert protect(frame, groups=["lab"], k=10)["suppressed"].sum() == 2
    with pytest.raises(PrivacyError, match="below the minimum of 3"):
        check_k(2)
    with pytest.raises(PrivacyError):
        protect(frame, groups=["lab"], k=2)


def test_identifiers_and_free_text_are_refused():
    with pytest.raises(PrivacyError, match="respondent_id"):
        assert_no_identifiers(pd.DataFrame({"respondent_id": ["x"], "n": [9]}))
    with pytest.raises(PrivacyError, match="free_text"):
        protect(pd.DataFrame({"lab": ["a"], "n": [9], "free_text": ["hallo"]}), groups=["lab"])
