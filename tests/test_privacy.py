"""Small-cell suppression on data built to tempt it."""

import numpy as np
import pandas as pd
import pytest

from ogl_impact.privacy import (
    Disclosure,
    PrivacyError,
    assert_no_identifiers,
    check_k,
    protect,
    suppressed_label,
)


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


# --- the threshold ----------------------------------------------------------------------------


def test_k_below_5_needs_the_explicit_allowance_and_never_goes_below_3():
    assert check_k(5) == 5 and check_k(12) == 12  # higher is always allowed
    with pytest.raises(PrivacyError, match="--allow-k-below-5"):
        check_k(4)
    assert check_k(4, allow_below_5=True) == 4
    assert check_k(3, allow_below_5=True) == 3
    with pytest.raises(PrivacyError, match="Mindestwert 3"):
        check_k(2, allow_below_5=True)
    with pytest.raises(PrivacyError, match="ganze Zahl"):
        check_k(4.5)


def test_suppressed_label_names_the_actual_k():
    assert suppressed_label(5) == "unterdrückt (n < 5)"
    assert suppressed_label(7, "en") == "suppressed (n < 7)"


# --- one decision for several outputs ---------------------------------------------------------


def _labs(sizes: dict[str, int]) -> pd.DataFrame:
    f = pd.DataFrame({"unit_id": list(sizes), "n": list(sizes.values())})
    f["score"] = np.linspace(2.0, 4.0, len(f))
    f["network_mean"] = 3.0
    f["network_n"] = sum(sizes.values())
    return f


def test_network_of_one_small_lab_hides_the_network_mean_too():
    out = Disclosure().protect(_labs({"a": 3}), groups=["unit_id"], fixed={"wave": 3})
    assert out["suppressed"].all()
    assert out[["score", "n", "network_mean", "network_n"]].isna().all().all()
    assert out["note"].tolist() == ["unterdrückt (n < 5)"]
    assert out["wave"].tolist() == [3]  # the table names the group it shows


def test_a_lab_of_4_does_not_follow_from_the_network_mean():
    out = Disclosure().protect(
        _labs({"a": 4, "b": 6, "c": 6}), groups=["unit_id"], fixed={"wave": 3}
    )
    hidden = set(out.loc[out["suppressed"], "unit_id"])
    assert hidden == {"a", "b"}  # b (smallest shown) goes with a: 16 - 6 = 10 >= 5
    assert (out["network_n"] == 16).all() and out["network_mean"].notna().all()


def test_a_group_hidden_in_one_output_is_hidden_in_every_output():
    d = Disclosure()
    pooled = pd.DataFrame({"unit_id": ["a", "b", "c"], "n": [40, 30, 3], "score": [3.0, 2, 1]})
    by_wave = pd.DataFrame({"unit_id": ["a", "b", "c"], "n": [40, 30, 3], "share": [0.5, 0.4, 0.3]})
    first = d.protect(pooled, groups=["unit_id"], fixed={"wave": 2}, n="n")
    second = d.protect(by_wave, groups=["unit_id"], fixed={"wave": 2}, n="n")
    assert first["suppressed"].tolist() == second["suppressed"].tolist() == [False, False, True]


def test_a_total_in_one_output_and_parts_in_another_are_decided_together():
    d = Disclosure()
    groups = pd.DataFrame({"actor_group": ["x", "y", "z"], "n": [2, 30, 40], "v": [1.0, 2, 3]})
    lab = pd.DataFrame({"unit_id": ["L"], "n": [72], "v": [2.5]})

    def outputs():
        return (
            d.protect(groups, groups=["actor_group"], fixed={"unit_id": "L"}),
            d.protect(lab, groups=["unit_id"]),
        )

    outputs()  # every output registers first (the plan), then all read the decision
    by_group, total = outputs()
    assert by_group["suppressed"].tolist() == [True, True, False]
    assert not total["suppressed"].any()
    shown = by_group.loc[~by_group["suppressed"], "n"].sum()
    assert total["n"].iloc[0] - shown >= 5


def test_no_network_total_minus_the_shown_labs_leaves_a_small_rest():
    # random networks: the rest behind a shown network mean is 0 or at least k
    rng = np.random.default_rng(7)
    for _ in range(30):
        sizes = {f"u{i}": int(rng.integers(1, 12)) for i in range(int(rng.integers(1, 7)))}
        d = Disclosure()
        out = d.protect(_labs(sizes), groups=["unit_id"], fixed={"wave": 1})
        if out["network_n"].notna().any():
            rest = out["network_n"].iloc[0] - out.loc[~out["suppressed"], "n"].sum()
            assert rest == 0 or rest >= 5, (sizes, out)
        assert (out.loc[~out["suppressed"], "n"] >= 5).all()
