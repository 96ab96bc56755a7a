"""Hand-made fast paths give what the pandas operations they replace give.

- ``collect._stack`` appends text rows to categorical columns: the reference
  is ``union_categoricals([old, pd.Categorical(new)], ignore_order=True)``
  (same categories in the same order, same codes, same code type).
- ``crosscheck._isin`` tests pyarrow-backed text against known texts with
  pyarrow's ``is_in``: the reference is ``Series.isin``.
- ``collect._as_text_frame`` formats each distinct day once: dates as
  ``YYYY-MM-DD``, missing cells None, other cells as they are.
"""

from __future__ import annotations

import random

import numpy as np
import pandas as pd
import pytest
from pandas.api.types import union_categoricals

from ogl_impact.delivery.collect import _as_text_frame, _stack
from ogl_impact.schemas.crosscheck import _arrow_isin, _isin

WORDS = ["", "a", "b", "B", "ä", "a ", "10", "9", "1,5", "xxxxx", "None", "nan"]


def _union(frame: pd.DataFrame, added: dict) -> pd.DataFrame:
    columns = {}
    for col in frame.columns:
        old = frame[col]
        if not isinstance(old.dtype, pd.CategoricalDtype):
            old = old.astype(str).astype("category")
        new = pd.Categorical(list(added[col]))
        columns[col] = pd.Series(union_categoricals([old.array, new], ignore_order=True))
    return pd.DataFrame(columns)


@pytest.mark.parametrize("seed", range(5))
def test_stack_gives_what_union_categoricals_gives(seed):
    rng = random.Random(seed)
    compared = 0
    for _ in range(300):
        many = rng.random() < 0.2  # more categories than int8 codes hold

        def cell(pool, many=many):
            if many:
                return str(rng.randint(0, 400))
            return rng.choice(pool + ([None] if rng.random() < 0.3 else []))

        pool = rng.sample(WORDS, rng.randint(1, len(WORDS)))
        old = [cell(pool) for _ in range(rng.choice([1, 3, 20, 200]))]
        if rng.random() < 0.5:
            frame = pd.DataFrame({"c": pd.Series(old, dtype="str").astype("category")})
        else:  # as a file reader gives it: pyarrow text categories
            frame = pd.DataFrame({"c": pd.Series(old, dtype="str")}).astype("category")
        new = [
            cell(rng.sample(WORDS, rng.randint(1, len(WORDS))))
            for _ in range(rng.choice([0, 1, 50, 300]))
        ]
        added = {"c": tuple(new) if rng.random() < 0.5 else new}
        try:
            want = _union(frame, added)["c"]
        except TypeError:  # categories of two kinds: pandas refuses, the fast path need not
            continue
        got = _stack(frame, added)["c"]
        assert got.cat.categories.equals(want.cat.categories)
        assert got.cat.categories.dtype == want.cat.categories.dtype
        assert got.cat.codes.dtype == want.cat.codes.dtype
        np.testing.assert_array_equal(got.cat.codes.to_numpy(), want.cat.codes.to_numpy())
        compared += 1
    assert compared > 200


@pytest.mark.parametrize("seed", range(3))
def test_isin_gives_what_series_isin_gives(seed):
    rng = random.Random(seed)
    fast = 0
    for _ in range(400):
        pool = [f"m{k}" for k in range(rng.randint(1, 40))] + ["", "ä", " a", "nan", "None"]
        cells = [rng.choice([*pool, None]) for _ in range(rng.choice([0, 1, 5, 300]))]
        dtype = rng.choice(["str", "string[pyarrow]", "string[python]", object])
        values = pd.Series(cells, dtype=dtype)
        if rng.random() < 0.3 and len(cells) > 1:  # several chunks
            values = pd.concat([values.iloc[:2], values.iloc[2:]], ignore_index=True)
        texts = rng.sample(pool, rng.randint(0, len(pool)))
        if rng.random() < 0.1:
            texts.append(1)  # not text: pandas decides
        known = pd.Index(texts, dtype=object) if rng.random() < 0.5 else pd.Index(texts)
        want = values.isin(known).to_numpy(dtype=bool)
        fast += _arrow_isin(values, known) is not None
        got = _isin(values, known)
        assert got.dtype == want.dtype
        np.testing.assert_array_equal(got, want)
    assert fast > 100  # the fast path was taken


def test_as_text_frame_formats_days_and_leaves_the_rest():
    days = pd.to_datetime(["2023-01-20", None, "2023-01-20", "2022-12-31"])
    frame = pd.DataFrame(
        {
            "received": days,
            "zoned": days.tz_localize("Europe/Berlin"),
            "lab_id": pd.Series(["a", None, "c", "d"], dtype="str"),
            "problems": [0, 2, 0, 1],
            "value": [1.5, np.nan, 3.0, 0.25],
            "mixed": pd.Series([pd.Timestamp("2021-01-02"), "x", None, 4], dtype=object),
            "flag": pd.array([True, None, False, True], dtype="boolean"),
        }
    )
    out = _as_text_frame(frame)

    def cells(column: str) -> list:
        return [
            None if v is None or (not isinstance(v, str) and pd.isna(v)) else v for v in out[column]
        ]

    day = ["2023-01-20", None, "2023-01-20", "2022-12-31"]
    assert cells("received") == day
    assert cells("zoned") == day
    assert cells("lab_id") == ["a", None, "c", "d"]
    assert cells("problems") == [0, 2, 0, 1]
    assert cells("value") == [1.5, None, 3.0, 0.25]
    assert cells("mixed") == ["2021-01-02", "x", None, 4]
    assert cells("flag") == [True, None, False, True]
    assert pd.api.types.is_datetime64_dtype(frame["received"])  # the input is left as it was
