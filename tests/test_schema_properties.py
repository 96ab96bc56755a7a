"""Property tests: tables drawn from the schemas' own hypothesis strategies.

Any table a schema accepts, written as German spreadsheet CSV or as comma
CSV, must read back to the same frame without a problem.
"""

from __future__ import annotations

import copy
import csv
import re
import warnings

import pandas as pd
import pandera.pandas as pa
import pytest
from hypothesis import HealthCheck, Phase, assume, given, settings
from hypothesis import strategies as st

from ogl_impact.io import read_table
from ogl_impact.parse import column_kind
from ogl_impact.schemas import TABLES
from ogl_impact.validate import validate_table

SIMPLE = ["sources", "perspectives", "labs", "partners", "waves", "codebook", "comparison_communes"]


def _text(value: object, kind: str, german: bool) -> str:
    if (
        value is None
        or value is pd.NA
        or (isinstance(value, float) and pd.isna(value))
        or value is pd.NaT
    ):
        return ""
    if kind == "bool":
        return ("ja" if value else "nein") if german else ("true" if value else "false")
    if kind == "date":
        ts = pd.Timestamp(value)
        return ts.strftime("%d.%m.%Y") if german else ts.strftime("%Y-%m-%d")
    if kind == "float":
        text = repr(float(value))
        return text.replace(".", ",") if german else text
    return str(value)


def _sanitise(frame: pd.DataFrame, model: type[pa.DataFrameModel]) -> pd.DataFrame:
    """Make drawn text cells writable: no surrounding blanks or control characters."""
    schema = model.to_schema()
    out = frame.copy()
    for name, col in schema.columns.items():
        kind = column_kind(col.dtype)
        if kind == "str":
            out[name] = out[name].map(
                lambda v: (
                    v
                    if not isinstance(v, str)
                    else (re.sub(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\x85]", "", v).strip() or "x")
                )
            )
        if kind == "date":
            out[name] = pd.to_datetime(out[name]).dt.normalize()
            assume(out[name].dropna().between("1900-01-01", "2200-12-31").all())
    return out


ORDERED = {
    "codebook": ("scale_min", "scale_max", True),
    "waves": ("field_start", "field_end", False),
}
"""Frame-level checks of two columns: (lower, upper, strictly above)."""
KNOWN = ("lab_id", "land", "source")
"""partners' frame-level check: a partner that is no placeholder has these three."""


def _meet_frame_checks(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    """Make a frame drawn without the frame-level checks meet them where a row can.

    pandera's strategy meets a frame-level check only by drawing until a frame
    passes (for 4 rows of the codebook 1 in 16: a minute of drawing per test).
    Instead the columns' own strategies draw, and here each row's pair of
    :data:`ORDERED` columns is put in order (swapped where reversed) and a
    partner missing one of :data:`KNOWN` is marked a placeholder. The
    frame-level checks themselves still run in ``model.validate`` below; a
    tie where the check is strict is left for it to reject.
    """
    if frame.empty:
        return frame
    out = frame.copy()
    if table in ORDERED:
        low, high, _ = ORDERED[table]
        swap = (out[low] > out[high]).fillna(False).to_numpy(dtype=bool)
        out.loc[swap, [low, high]] = out.loc[swap, [high, low]].to_numpy()
    if table == "partners":
        known = out[list(KNOWN)].notna().all(axis=1)
        out["placeholder"] = out["placeholder"].astype(bool) | ~known
    return out


def _strategy(table: str):
    """The schema's own strategy, without its frame-level checks (see _meet_frame_checks)."""
    schema = TABLES[table].model.to_schema()
    if schema.checks:
        schema = copy.deepcopy(schema)
        schema.checks = []  # the columns' checks stay
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return schema.strategy(size=4)


def test_the_repairs_are_the_schemas_frame_checks():
    for table in SIMPLE:  # a table with a frame-level check not repaired would be drawn unmet
        checks = TABLES[table].model.to_schema().checks
        assert table in (*ORDERED, "partners") or not checks, table
    for table, (low, high, strict) in ORDERED.items():
        checks = TABLES[table].model.to_schema().checks
        assert len(checks) == 1, table
        one, two = (
            (1, 2) if table == "codebook" else map(pd.Timestamp, ("2021-01-01", "2021-02-01"))
        )

        def passes(a, b, check=checks[0], low=low, high=high):
            return bool(check(pd.DataFrame({low: [a], high: [b]})).check_passed)

        assert passes(one, two) and not passes(two, one), table
        assert passes(one, one) is not strict, table
    (check,) = TABLES["partners"].model.to_schema().checks
    rows = pd.DataFrame(
        {"lab_id": ["a", None, "a"], "land": ["BY", "BY", None], "source": ["s", "s", "s"]}
    )
    rows["placeholder"] = False
    assert check(rows).check_output.tolist() == [True, False, False]
    assert bool(check(_meet_frame_checks(rows, "partners")).check_passed)


@pytest.mark.parametrize("table", SIMPLE)
def test_valid_tables_round_trip(tmp_path_factory, table: str):
    model = TABLES[table].model
    strategy = _strategy(table)

    @settings(
        max_examples=10,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.explicit, Phase.reuse, Phase.generate],
    )
    @given(frame=strategy, german=st.booleans())
    def check(frame: pd.DataFrame, german: bool):
        frame = _sanitise(_meet_frame_checks(frame, table), model)
        try:
            expected = model.validate(frame)
        except pa.errors.SchemaError:
            assume(False)
        folder = tmp_path_factory.mktemp(table)
        path = folder / f"{table}.csv"
        schema = model.to_schema()
        kinds = {n: column_kind(c.dtype) for n, c in schema.columns.items()}
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, delimiter=";" if german else ",")
            writer.writerow(list(expected.columns))
            for row in expected.itertuples(index=False):
                writer.writerow(
                    [_text(v, kinds[c], german) for c, v in zip(expected.columns, row, strict=True)]
                )
        frame_back, problems = validate_table(read_table(path), TABLES[table])
        assert problems == []
        pd.testing.assert_frame_equal(
            expected.reset_index(drop=True), frame_back.reset_index(drop=True), check_dtype=False
        )

    check()


def test_every_column_is_described():
    for spec in TABLES.values():
        for name, col in spec.model.to_schema().columns.items():
            meta = col.metadata or {}
            assert (
                meta.get("label_de") and meta.get("description_de") and meta.get("description_en")
            ), (
                spec.name,
                name,
            )


def test_every_schema_is_strict_and_coercing():
    for spec in TABLES.values():
        schema = spec.model.to_schema()
        assert schema.strict is True, spec.name
        # responses: the reader yields its exact types; coercing a million categories is slow
        assert schema.coerce is (spec.name != "responses"), spec.name
        assert set(spec.key) <= set(schema.columns), spec.name
