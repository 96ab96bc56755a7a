"""The joint key of a table is proved unique from its category codes, else pandera checks it.

``validate_table`` skips pandera's ``unique`` rule only where the key's text
codes prove that no key repeats (:func:`ogl_impact.validate._key_text_unique`).
The reference here is pandera's own check: the same tables validated with
that proof switched off must give the same typed frame and the same problems,
in the same order, for tables with and without repeated keys.
"""

from __future__ import annotations

import random
from pathlib import Path

import pandas as pd
import pytest

import ogl_impact.validate as validate
from ogl_impact.io import RawTable, read_table
from ogl_impact.schemas import TABLES
from tests.conftest import raw_table

RAW = Path(__file__).resolve().parents[1] / "data" / "raw"


def _lines(name: str) -> tuple[list[str], list[str]]:
    text = (RAW / f"{name}.csv").read_text(encoding="utf-8").splitlines()
    head = [line for line in text if line.startswith("#")]
    body = [line for line in text if not line.startswith("#")]
    return head + body[:1], body[1:]


def _both(raw: RawTable, monkeypatch: pytest.MonkeyPatch):
    spec = TABLES[raw.name]
    fast = validate.validate_table(raw, spec)
    with monkeypatch.context() as m:
        m.setattr(validate, "_key_text_unique", lambda raw, schema: False)
        slow = validate.validate_table(raw, spec)
    return fast, slow


def _spoiled(rows: list[str], key: list[int], rng: random.Random) -> list[str]:
    """Rows with keys (at positions ``key``) made to repeat, emptied or changed as people do."""
    rows = list(rows)
    for _ in range(rng.randint(0, 4)):
        kind = rng.choice(["copy", "empty_last", "case", "space", "same_key_other_value"])
        pos = rng.randrange(len(rows))
        cells = rows[pos].split(";")
        if kind == "copy":  # the same row twice (pasted again)
            rows.insert(rng.randrange(len(rows)), rows[pos])
        elif kind == "empty_last":  # a key cell emptied
            cells[rng.choice(key[1:])] = ""
            rows[pos] = ";".join(cells)
        elif kind == "case":  # another spelling: a different key, no repeat
            cells[0] = cells[0].upper()
            rows[pos] = ";".join(cells)
        elif kind == "space":  # padded: read as the same text
            cells[key[1]] = f" {cells[key[1]]} "
            rows.insert(rng.randrange(len(rows)), ";".join(cells))
        else:  # the key of another row with its own value
            other = rows[rng.randrange(len(rows))].split(";")
            for i in key:
                cells[i] = other[i]
            rows[pos] = ";".join(cells)
    return rows


@pytest.mark.parametrize("name", ["indicator_values", "milestones", "submissions"])
@pytest.mark.parametrize("seed", range(12))
def test_the_proof_gives_what_pandera_gives(name, seed, tmp_path, monkeypatch):
    head, rows = _lines(name)
    rng = random.Random(seed)
    rows = rng.sample(rows, min(len(rows), 300))
    if seed:
        columns = head[-1].split(";")
        rows = _spoiled(rows, [columns.index(c) for c in TABLES[name].model.Config.unique], rng)
    path = tmp_path / f"{name}.csv"
    path.write_text("\n".join(head + rows) + "\n", encoding="utf-8")
    raw = read_table(path, name)
    (fast_frame, fast_problems), (slow_frame, slow_problems) = _both(raw, monkeypatch)
    pd.testing.assert_frame_equal(fast_frame, slow_frame)
    assert fast_problems == slow_problems


def test_a_clean_table_skips_pandera_and_a_repeat_does_not(tmp_path):
    head, rows = _lines("indicator_values")
    spec = TABLES["indicator_values"]
    schema = spec.model.to_schema()
    path = tmp_path / "indicator_values.csv"
    path.write_text("\n".join(head + rows) + "\n", encoding="utf-8")
    assert validate._key_text_unique(read_table(path), schema)

    path.write_text("\n".join(head + rows + rows[-1:]) + "\n", encoding="utf-8")
    assert not validate._key_text_unique(read_table(path), schema)
    _, problems = validate.validate_table(read_table(path), spec)
    assert [p.rule for p in problems] == ["duplicate_key", "duplicate_key"]
    assert {p.line for p in problems} == {len(head) + len(rows), len(head) + len(rows) + 1}


def test_an_empty_cell_and_a_missing_one_are_one_key(tmp_path):
    """Typing makes both missing, so pandera sees one key twice: the proof must not pass."""
    spec = TABLES["indicator_values"]
    frame = pd.DataFrame(
        {
            "lab_id": ["a", "a"],
            "indicator_id": ["i01", "i01"],
            "period_id": ["p1", "p1"],
            "disaggregation_value": ["", None],
            "value": ["1", "2"],
            "status": ["measured", "measured"],
        }
    ).astype("category")
    raw = raw_table("indicator_values", frame, tmp_path)
    assert not validate._key_text_unique(raw, spec.model.to_schema())


def test_categories_that_read_as_one_text_go_to_pandera(tmp_path):
    """1 and "1" are two categories but one text once typed: no proof from their codes."""
    spec = TABLES["milestones"]
    schema = spec.model.to_schema()
    columns = {c: ["x", "x"] for c in schema.columns}
    columns |= {"lab_id": [1, "1"], "milestone_id": ["m1", "m1"], "period_id": ["p", "p"]}
    raw = raw_table("milestones", pd.DataFrame(columns).astype("category"), tmp_path)
    assert not validate._key_text_unique(raw, schema)


def test_a_key_not_read_as_categories_goes_to_pandera(tmp_path):
    head, rows = _lines("milestones")
    path = tmp_path / "milestones.csv"
    path.write_text("\n".join(head + rows) + "\n", encoding="utf-8")
    raw = read_table(path)
    plain = raw_table("milestones", raw.frame.astype(object), tmp_path)
    schema = TABLES["milestones"].model.to_schema()
    assert validate._key_text_unique(raw, schema)
    assert not validate._key_text_unique(plain, schema)


def test_keys_of_millions_of_combinations_are_judged_by_sorting(tmp_path):
    """Codes multiplied past what a count can hold (or past int64) are sorted: no false proof."""
    n = 3000
    spec = TABLES["indicator_values"]
    schema = spec.model.to_schema()
    labs = [f"l{k}" for k in range(n)]
    frame = pd.DataFrame(
        {
            "lab_id": pd.Categorical(labs, categories=[*labs, *(f"x{k}" for k in range(10**6))]),
            "indicator_id": pd.Categorical(
                ["i"] * n, categories=["i", *(f"y{k}" for k in range(10**6))]
            ),
            "period_id": pd.Categorical(
                ["p"] * n, categories=["p", *(f"z{k}" for k in range(10**6))]
            ),
            "disaggregation_value": pd.Categorical([""] * n),
        }
    )
    raw = raw_table("indicator_values", frame, tmp_path)
    assert validate._key_text_unique(raw, schema)
    frame.loc[n - 1, "lab_id"] = "l0"
    assert not validate._key_text_unique(raw, schema)


def test_a_key_with_a_number_column_goes_to_pandera(tmp_path):
    """Typing joins "1" and "01" in a whole-number column: no proof from its codes."""
    schema = TABLES["imports"].model.to_schema()
    columns = {c: ["x", "y"] for c in schema.columns} | {"wave": ["1", "01"]}
    raw = raw_table("imports", pd.DataFrame(columns).astype("category"), tmp_path)
    assert not validate._key_text_unique(raw, schema)


@pytest.mark.parametrize(
    ("values", "categories"),
    [(["b", None], ["a", "b"]), (["a", None], ["", "a"]), (["None", None], ["None"])],
)
def test_a_missing_key_cell_goes_to_pandera(values, categories, tmp_path, monkeypatch):
    """A missing cell (code -1) is typed by parse, not by this proof: pandera decides.

    Tables read from files hold an empty text instead; a table built in code may not.
    """
    frame = pd.DataFrame(
        {
            "lab_id": ["a", "a"],
            "indicator_id": ["i01", "i01"],
            "period_id": ["p1", "p1"],
            "value": ["1", "2"],
            "status": ["measured", "measured"],
        }
    ).astype("category")
    frame.insert(3, "disaggregation_value", pd.Categorical(values, categories=categories))
    raw = raw_table("indicator_values", frame, tmp_path)
    assert not validate._key_text_unique(raw, TABLES["indicator_values"].model.to_schema())
    (_, fast), (_, slow) = _both(raw, monkeypatch)
    assert fast == slow
