"""The stored values of a batch of labs summarised at once give what one lab at a time gives.

collect's workers check up to 64 workbooks at a time; the stored values of
their labs are summarised for the whole batch with numpy
(:func:`~ogl_impact.delivery.bulk.value_facts`) instead of a Python loop
per lab (:func:`~ogl_impact.delivery.workbook.value_history`). The expected
results are those of the loop, which the delivery tests check against the
embedded data, and a few values stated by hand; the workbooks are the
embedded data's templates filled as in ``test_delivery_loop``, clean and
spoiled in each way people spoil them.
"""

from __future__ import annotations

import pickle
import shutil
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from ogl_impact.delivery import check
from ogl_impact.delivery.bulk import ValueFacts, value_facts
from ogl_impact.delivery.collect import _context
from ogl_impact.delivery.tables import load_tables
from ogl_impact.delivery.workbook import (
    _FIELDS,
    LabRows,
    build_layout,
    period_facts,
    value_history,
)
from tests import test_delivery_loop as loop
from tests.test_delivery_loop import LAB, PERIOD, RAW, RECEIVED, filled

original, base = loop.original, loop.base


def _tables(values: pd.DataFrame) -> dict[str, pd.DataFrame]:
    periods = load_tables(RAW).tables["periods"]
    empty = {name: pd.DataFrame({"lab_id": pd.Series([], dtype="str")}) for name in _FIELDS}
    for name, fields in _FIELDS.items():
        for f in fields:
            empty[name][f] = pd.Series([], dtype="str")
    return {**empty, "indicator_values": values, "periods": periods}


def _by_loop(rows: LabRows, lab: str, period: str) -> ValueFacts:
    """What one lab at a time gives: the loop over its rows and ``_stored_keys``."""
    own = rows.get(lab) or {"indicator_values": [], "milestones": []}
    earlier = period_facts(rows.shared(), period)[0]
    history = value_history(own["indicator_values"], period, {p: i for i, p in enumerate(earlier)})
    stored, _, anything = check._stored_keys(own, period)
    return ValueFacts(history, stored, anything)


def _tricky() -> pd.DataFrame:
    """Rows of labs apart, a missing text beside an empty one, ties, gaps, the period's own rows."""
    s = "str"
    rows = [  # lab, indicator, period, disaggregation, value
        ("b", "i1", "sb5", None, 1.5),
        ("a", "i2", "sb5", "w", np.nan),  # a missing value: None as the previous value
        ("b", "i1", "sb5", "", 3.0),  # the same key as row 1 ("" and missing), same period
        ("b", "i1", "sb4", None, 7.0),  # an earlier period: not the previous value
        ("c", "i1", None, "", -2.0),  # no period
        ("a", "i1", "sb6", None, 4.0),  # the period's own rows: stored values, no history
        ("a", "i1", "sb6", "", 5.0),  # the same key again: the last value stays
        ("a", "i3", "sb6", "m", np.nan),  # a row of the period without a value
        ("b", "i3", "pb", "m", 9.0),  # a later period: seen, no previous value
        ("a", "i2", "sb3", "m", 0.0),
        ("b", None, "sb5", "w", 2.0),  # no indicator
        ("a", "i2", "sb5", "w", 8.0),  # the same key and period as row 2: the first stays
    ]
    columns = list(zip(*rows, strict=True))
    return pd.DataFrame(
        {
            "lab_id": pd.Series(columns[0], dtype=s),
            "indicator_id": pd.Series(columns[1], dtype=s),
            "period_id": pd.Series(columns[2], dtype=s),
            "disaggregation_value": pd.Series(columns[3], dtype=s),
            "value": np.array(columns[4], dtype=float),
        }
    )


@pytest.mark.parametrize("period", ["sb6", "sb5", "pb", "sb1"])
def test_bulk_facts_are_what_the_loop_gives_for_each_lab(period):
    rows = LabRows(_tables(_tricky()))
    wanted = [(lab, period) for lab in ("a", "b", "c", "kein_labor")]
    got = value_facts(rows, wanted)
    assert sorted(got) == sorted(wanted)
    for lab, per in wanted:
        expected = _by_loop(rows, lab, per)
        assert got[(lab, per)] == expected, lab
        assert list(got[(lab, per)].stored.items()) == list(expected.stored.items())


def test_bulk_facts_of_a_batch_with_several_periods():
    rows = LabRows(_tables(_tricky()))
    wanted = [("a", "sb6"), ("b", "sb6"), ("a", "sb5"), ("b", "pb"), ("a", "sb6")]
    got = value_facts(rows, wanted)
    assert len(got) == 4
    for lab, per in wanted:
        assert got[(lab, per)] == _by_loop(rows, lab, per)


def test_bulk_facts_by_hand():
    """The values stated by hand, so that the loop and the bulk work cannot be wrong together."""
    rows = LabRows(_tables(_tricky()))
    got = value_facts(rows, [("a", "sb6"), ("b", "sb6"), ("c", "sb6")])
    seen, previous, with_values = got[("b", "sb6")].history
    assert seen == {"i1": {""}, "i3": {"m"}, "": {"w"}}
    assert previous == {("i1", ""): 1.5, ("", "w"): 2.0}  # sb5 before sb4; the first row of sb5
    assert with_values == {"sb5", "sb4", "pb"}
    assert got[("b", "sb6")].stored == {} and not got[("b", "sb6")].any_stored
    seen, previous, with_values = got[("a", "sb6")].history
    assert previous == {("i2", "w"): None, ("i2", "m"): 0.0}  # NaN first in sb5: None
    assert got[("a", "sb6")].stored == {("i1", ""): 5.0} and got[("a", "sb6")].any_stored
    assert got[("c", "sb6")].history == ({"i1": {""}}, {}, {""})


def test_layout_with_bulk_facts_is_the_layout_of_the_lab():
    tables = load_tables(RAW).tables
    rows = LabRows(tables)
    periods = sorted(set(tables["periods"]["period_id"].astype(str)))
    labs = [*rows, "kein_labor"]
    for period in periods:
        got = value_facts(rows, [(lab, period) for lab in labs])
        for lab in rows:
            own = rows[lab]
            expected = build_layout(own, lab, period)
            made = build_layout(
                rows.without(lab, "indicator_values"), lab, period, got[(lab, period)].history
            )
            assert made == expected, (lab, period)


def _revision(book):
    """A value of the collected period changed (the workbook is then a revision)."""
    book["Indikatorwerte"]["I2"].value = 123456.0


def _falls(book):
    """A cumulative count lower than last period's (a plausibility warning)."""
    book["Indikatorwerte"]["I2"].value = 0.0


def _tenfold(book):
    sheet = book["Indikatorwerte"]
    sheet["I3"].value = 1000 * float(sheet["I3"].value or 1)


def _sort(book):
    sheet = book["Indikatorwerte"]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    for r, values in enumerate(reversed(rows), start=2):
        for c, v in enumerate(values, start=1):
            sheet.cell(r, c).value = v


SPOILED = {
    "text in a number cell": loop._set("Indikatorwerte", "I3", "ca. 12"),
    "12,5 typed as text": loop._set("Indikatorwerte", "I3", "12,5"),
    "sorted rows": _sort,
    "a deleted row": loop._delete_row,
    "an inserted row": loop._insert_row,
    "a formula": loop._formula,
    "merged cells": loop._merge,
    "a status outside the list": loop._set("Indikatorwerte", "J2", "ungefähr"),
    "a cumulative that falls": _falls,
    "a value ten times last period's": _tenfold,
}


def _books(base: Path, original, back: Path) -> list[Path]:
    """Every lab's workbook clean, one per kind of spoiling, another lab's and a broken file."""
    labs = sorted(original.labs["lab_id"])
    for lab in labs:
        filled(base, original, lab, back / f"{lab}_{PERIOD}.xlsx")
    for n, edit in enumerate(SPOILED.values()):
        lab = labs[n % len(labs)]
        filled(base, original, lab, back / f"{lab}_{PERIOD} ({n + 1}).xlsx", edit)
    filled(base, original, "bremen", back / f"{LAB}_{PERIOD} (99).xlsx")  # another lab's
    (back / f"kaputt_{PERIOD}.xlsx").write_bytes((back / f"{LAB}_{PERIOD}.xlsx").read_bytes()[:900])
    return sorted(back.iterdir())


def _sent(results: list[check.Checked]) -> list[bytes]:
    for done in results:
        done.outcome.path = None  # type: ignore[assignment]
    return [pickle.dumps(done) for done in results]


def _both_ways(books: list[Path], data: Path, monkeypatch) -> tuple[list[bytes], list[bytes], list]:
    ctx = _context(data, load_tables(data), None, pd.Timestamp(RECEIVED))
    alone = [check.check_workbook(path, ctx) for path in books]
    used = []
    real = check.check_workbook

    def spy(path, ctx, raw=None, facts=None):
        done = real(path, ctx, raw, facts)
        used.append(
            (
                path.name,
                facts is not None and (done.outcome.lab_id, done.outcome.period_id) in facts,
            )
        )
        return done

    monkeypatch.setattr(check, "check_workbook", spy)
    batched = []
    for start in range(0, len(books), 4):  # batches of 4: the spoiled ones sit amid clean ones
        batched += check.check_batch(books, range(start, min(start + 4, len(books))), ctx)
    return _sent(alone), _sent(batched), used


def test_a_batch_gives_what_each_workbook_gives_alone(base, original, tmp_path, monkeypatch):
    """A first delivery of the period: clean and spoiled workbooks, results byte for byte."""
    books = _books(base, original, tmp_path / "back")
    data = tmp_path / "data"
    shutil.copytree(base / "data", data)
    alone, batched, used = _both_ways(books, data, monkeypatch)
    assert batched == alone
    by_name = dict(used)
    assert by_name[f"{LAB}_{PERIOD}.xlsx"] and by_name[f"{LAB}_{PERIOD} (99).xlsx"]
    assert not by_name[f"kaputt_{PERIOD}.xlsx"]  # not read: nothing to summarise
    assert sum(by_name.values()) == len(books) - 1
    refused = [pickle.loads(b) for b in alone]
    assert (
        sum(
            bool(c.outcome.errors or any(f.severity == "error" for f in c.findings))
            for c in refused
        )
        >= 8
    )
    assert any(f.rule == "cumulative_falls" for c in refused for f in c.findings)
    assert any(f.rule == "tenfold" for c in refused for f in c.findings)


def test_a_batch_gives_what_each_workbook_gives_alone_for_a_stored_period(
    original, tmp_path, monkeypatch
):
    """Revisions: the period is stored, so the stored values of the lab's own period count."""
    root = loop.collected_with_templates(tmp_path, LAB, "bremen")
    back = tmp_path / "back"
    shutil.copytree(root / "tpl", back)
    template = back / f"{LAB}_{PERIOD}.xlsx"
    for name, edit in (
        ("rev", _revision),
        ("falls", _falls),
        ("text", SPOILED["12,5 typed as text"]),
        ("status", loop._set("Indikatorwerte", "J2", None)),  # the stored Status stays
    ):
        book = openpyxl.load_workbook(template)
        edit(book)
        book.save(back / f"{LAB}_{PERIOD} ({name}).xlsx")
    books = sorted(back.glob("*.xlsx"))
    alone, batched, used = _both_ways(books, root / "data", monkeypatch)
    assert batched == alone
    assert all(flag for _, flag in used), used
    checked = {c.outcome.file: c for c in map(pickle.loads, alone)}
    assert checked[f"{LAB}_{PERIOD} (rev).xlsx"].values  # the revision's rows were made
    kept = checked[f"{LAB}_{PERIOD} (status).xlsx"]  # no error: the stored Status is kept
    assert kept.values and not any(f.severity == "error" for f in kept.findings)


def test_a_batch_checks_what_it_holds_before_reading_on(base, original, tmp_path, monkeypatch):
    """Beyond HELD_CELLS cells read, a batch checks what it holds first: results unchanged."""
    books = _books(base, original, tmp_path / "back")
    data = tmp_path / "data"
    shutil.copytree(base / "data", data)
    ctx = _context(data, load_tables(data), None, pd.Timestamp(RECEIVED))
    whole = _sent(check.check_batch(books, range(len(books)), ctx))
    held = []
    real = check._check_held

    def spy(paths, pending, ctx):
        held.append(len(pending))
        return real(paths, pending, ctx)

    monkeypatch.setattr(check, "_check_held", spy)
    monkeypatch.setattr(check, "HELD_CELLS", 1)  # every workbook read is checked at once
    split = _sent(check.check_batch(books, range(len(books)), ctx))
    assert split == whole
    # each workbook read is checked before the next is read; the broken file (nothing read,
    # no cells) waits with the one after it
    assert sum(held) == len(books) and len(held) == len(books) - 1 and min(held) == 1, held
