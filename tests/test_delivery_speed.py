"""The speed-ups of collect change no byte and no value.

``write_tables`` formats each distinct cell value once instead of every cell;
its files must stay byte-identical to those of the per-cell formatter it
replaced. The reference below is that formatter, kept verbatim from
src/ogl_impact/write/tables.py before the change (commit e593add), so the test
compares against the former behaviour, not against the new code's own output.
``rows_of`` replaces ``DataFrame.itertuples`` in the per-workbook loop and must
yield the same tuples.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ogl_impact.dataset import load
from ogl_impact.delivery.collect import _as_text_frame
from ogl_impact.delivery.read import rows_of
from ogl_impact.write.tables import escape_cell, write_tables

RAW = Path(__file__).resolve().parents[1] / "data" / "raw"


def _former_format_column(series: pd.Series, sep: str) -> list[str]:
    """The per-cell formatter of write/tables.py at commit e593add (verbatim)."""

    def one(v: object) -> str:
        if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA:
            return ""
        if isinstance(v, bool | np.bool_):
            return "true" if v else "false"
        if isinstance(v, float | np.floating):
            text = repr(float(v)) if not float(v).is_integer() else str(int(v))
            return text.replace(".", ",") if sep == ";" else text
        if isinstance(v, int | np.integer):
            return str(v)
        return escape_cell(str(v)).replace("\r\n", "\n").replace("\r", "\n")

    return [one(v) for v in series.astype(object)]


def _former_bytes(frame: pd.DataFrame, comment: str, sep: str, tmp: Path) -> bytes:
    path = tmp / "former.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write(f"# {comment}\n")
        writer = csv.writer(handle, delimiter=sep, lineterminator="\n")
        writer.writerow(frame.columns)
        columns = [_former_format_column(frame[c], sep) for c in frame.columns]
        writer.writerows(list(row) for row in zip(*columns, strict=True))
    return path.read_bytes()


def _tricky() -> pd.DataFrame:
    """Values that hash alike but print differently, and the escapes of the writer."""
    utc = pd.Timestamp("2022-01-01 00:00", tz="UTC")
    values = [
        1, 1.0, True, np.bool_(True), np.int64(1), np.float64(1.0),  # equal, printed differently
        0, 0.0, -0.0, False, np.float32(2.5), 2.5, np.float64(2.5),
        float("nan"), np.nan, None, pd.NA, pd.NaT,
        "=SUMME(A1)", "+49 30", "-", "@x", "\tx", "a\r\nb", "a\rb", "Bürger;haus",
        utc, utc.tz_convert("Europe/Berlin"),  # equal timestamps, different text
        dt.date(2022, 5, 14), 1e16, 123456789.125, 0.1 + 0.2, "1", "1.0",
    ]  # fmt: skip
    return pd.DataFrame({"mixed": pd.Series(values, dtype=object), "twice": values[::-1]})


@pytest.mark.parametrize("sep", [";", ","])
def test_tricky_values_are_written_as_before(tmp_path, sep):
    frame = _tricky()
    new = write_tables({"t": frame}, tmp_path, "Kommentar", sep=sep)[0].read_bytes()
    assert new == _former_bytes(frame, "Kommentar", sep, tmp_path)


def test_the_embedded_tables_are_written_as_before(tmp_path):
    """Every table of data/raw, typed by load and made text as collect does."""
    data = load(RAW)
    assert len(data.tables) >= 10
    for name, frame in data.tables.items():
        for text in (frame, _as_text_frame(frame)):
            new = write_tables({name: text}, tmp_path, "x")[0].read_bytes()
            assert new == _former_bytes(text, "x", ";", tmp_path), name


def test_rows_of_yields_what_itertuples_yields():
    data = load(RAW)
    for frame in (data.indicator_values, data.milestones, data.partners):
        columns = list(frame.columns)
        expected = list(frame.itertuples(index=False, name=None))
        got = list(rows_of(frame, *columns))
        assert len(got) == len(expected) > 0
        for a, b in zip(got, expected, strict=True):
            assert [type(x) for x in a] == [type(x) for x in b]
            assert all((x == y) or (pd.isna(x) and pd.isna(y)) for x, y in zip(a, b, strict=True))


def test_table_text_gives_the_bytes_of_write_tables(tmp_path):
    """Every table of data/raw, typed from its text as collect types merged tables."""
    from ogl_impact.delivery.csvout import table_text
    from ogl_impact.io import read_table
    from ogl_impact.schemas import TABLES
    from ogl_impact.validate import find_tables, validate_table

    files, _ = find_tables(RAW)
    used = 0
    for name, path in files.items():
        if name not in TABLES or path.suffix != ".csv":
            continue
        raw = read_table(path, name)
        typed, _problems = validate_table(raw, TABLES[name])
        for sep in (";", ","):
            fast = table_text(typed, raw.frame, "Kommentar", sep, _as_text_frame)
            slow = write_tables({name: _as_text_frame(typed)}, tmp_path, "Kommentar", sep=sep)
            assert fast is not None, name
            assert fast.encode("utf-8") == slow[0].read_bytes(), (name, sep)
        used += 1
    assert used >= 8


def test_table_text_declines_where_one_text_stands_for_two_values(tmp_path):
    from ogl_impact.delivery.csvout import table_text

    text = pd.DataFrame({"a": pd.Categorical(["1", "1", "x"])})
    typed = pd.DataFrame({"a": [1.0, 2.0, None]})  # "1" read as 1 and as 2: not one value
    assert table_text(typed, text, "c", ";", _as_text_frame) is None
    typed = pd.DataFrame({"a": [1.0, 1.0, None]})
    slow = write_tables({"t": _as_text_frame(typed)}, tmp_path, "c", sep=";")[0].read_bytes()
    assert table_text(typed, text, "c", ";", _as_text_frame).encode("utf-8") == slow
    assert table_text(typed, text.astype(str), "c", ";", _as_text_frame) is None  # not categorical


@pytest.mark.parametrize("rows, categories", [(1, 1), (50, 3), (20_000, 700), (5, 40)])
def test_distinct_codes_by_counting_give_what_np_unique_gives(rows, categories):
    """table_columns counts categorical codes instead of sorting them: same groups, same order."""
    from ogl_impact.delivery.csvout import _distinct

    rng = np.random.default_rng(rows)
    codes = rng.integers(-1, categories, rows).astype(np.int16)  # -1: a missing cell
    distinct, row, where = _distinct(codes, categories)
    expected, _first, inverse = np.unique(codes, return_index=True, return_inverse=True)
    assert distinct.tolist() == expected.tolist()
    assert where.tolist() == inverse.ravel().tolist()
    assert codes[row].tolist() == distinct.tolist()  # a row of each code holds it


def test_lab_rows_made_on_demand_are_those_of_split_by_lab():
    """collect makes a lab's rows only when its workbook is checked: the same rows."""
    from ogl_impact.delivery.tables import load_tables
    from ogl_impact.delivery.workbook import LabRows, split_by_lab

    tables = load_tables(RAW).tables
    every = split_by_lab(tables)
    lazy = LabRows(tables)
    assert list(lazy) == list(every) and len(lazy) == len(every)
    for lab, own in every.items():
        made = lazy[lab]
        assert list(made) == list(own)
        assert {k: v for k, v in made.items() if k not in ("periods", "period_cache")} == {
            k: v for k, v in own.items() if k not in ("periods", "period_cache")
        }
    assert lazy.get("kein_labor") is None and "kein_labor" not in lazy


@pytest.mark.parametrize("after", [0, 1, 10**9])
def test_lab_rows_from_tables_listed_whole_are_those_made_per_slice(after, monkeypatch):
    """A pool worker lists the tables whole once many labs ask: the same rows and types."""
    from ogl_impact.delivery import workbook
    from ogl_impact.delivery.tables import load_tables

    tables = dict(load_tables(RAW).tables)
    indicators = tables["indicators"]
    tables["indicators"] = indicators.iloc[::-1].reset_index(drop=True)  # a lab's rows apart
    every = workbook.split_by_lab(tables)
    monkeypatch.setattr(workbook, "LISTS_AFTER", after)
    lazy = workbook.LabRows(tables)
    for lab in [*lazy, *lazy]:  # asked twice: the second time from the lists made
        made = lazy.without(lab, "indicator_values")
        assert made["indicator_values"] == []
        for name in ("indicators", "nodes", "milestones"):
            assert made[name] == every[lab][name], (lab, name)
            assert [[type(x) for x in r] for r in made[name]] == [
                [type(x) for x in r] for r in every[lab][name]
            ]
    assert bool(lazy._lists) == (after < 10**9)
    assert "indicator_values" not in lazy._lists  # summarised in bulk: never listed whole


def test_lab_rows_converted_per_slice_are_those_converted_at_once():
    """Numbers and texts converted a lab at a time: the values (and types) of converting it all."""
    from ogl_impact.delivery.workbook import _FIELDS, LabRows, _python_column

    periods = load(RAW).tables["periods"]
    values = pd.DataFrame(
        {  # rows of a lab apart, missing texts and numbers
            "lab_id": pd.Series(["b", "a", "b", "c", "a", "b"], dtype="str"),
            "indicator_id": pd.Series(["i1", "i2", None, "i1", "i1", "i3"], dtype="str"),
            "period_id": pd.Series(["q1", "q1", "q2", None, "q2", "q2"], dtype="str"),
            "disaggregation_value": pd.Series([None, "w", "m", "", None, "w"], dtype="str"),
            "value": [1.5, np.nan, 0.0, -2.0, 3.0, np.nan],
        }
    )
    empty = {name: pd.DataFrame({"lab_id": pd.Series([], dtype="str")}) for name in _FIELDS}
    for name, fields in _FIELDS.items():
        for f in fields:
            empty[name][f] = pd.Series([], dtype="str")
    tables = {**empty, "indicator_values": values, "periods": periods}
    rows = LabRows(tables)
    assert list(rows) == ["a", "b", "c"]
    for lab in rows:
        own = values[values["lab_id"] == lab]
        columns = [_python_column(own[f]).tolist() for f in _FIELDS["indicator_values"]]
        expected = list(zip(*columns, strict=True))
        got = rows[lab]["indicator_values"]
        assert [[type(x) for x in r] for r in got] == [[type(x) for x in r] for r in expected]
        assert got == expected
    assert rows["b"]["indicator_values"][1] == ("", "q2", "m", 0.0)
    assert rows["b"]["indicator_values"][2][3] is None and rows["c"]["indicator_values"][0][1] == ""


@pytest.mark.parametrize("sep", [";", ","])
def test_cells_encoded_once_are_what_csv_writer_writes_in_a_row(sep):
    """Every code point (and the cells csv quotes), encoded as csv.writer writes it in a row."""
    from ogl_impact.delivery.csvout import _encoded_cells

    cells = [f"a{chr(c)}b" for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]
    cells += ["", " ", '"', 'x"y', "a;b", "a,b", "a\nb", "a\rb", "\r\n", "'=1", "ä ö"]
    got = _encoded_cells(np.array(cells, dtype=object), sep).to_pylist()
    out = []
    for cell in cells:
        line = io.StringIO()
        csv.writer(line, delimiter=sep, lineterminator="\n").writerow([cell, "x"])
        out.append(line.getvalue())
    assert [g + sep + "x\n" for g in got] == out


def test_rows_written_in_blocks_are_the_bytes_of_write_tables(tmp_path, monkeypatch):
    """Rows joined by pyarrow, a few at a time, with cells csv must quote: write_tables' bytes."""
    from ogl_impact.delivery import csvout

    monkeypatch.setattr(csvout, "_BLOCK", 3)
    texts = ["a;b", 'sag "ja"', "zwei\nZeilen", "", "=1+1", "Bürger", "a,b", "x"]
    typed = pd.DataFrame(
        {
            "t": pd.Series([texts[i % len(texts)] for i in range(23)], dtype="str"),
            "n": [None if i % 5 == 0 else i / 4 for i in range(23)],
        }
    )
    text = pd.DataFrame(
        {
            "t": typed["t"].astype("category"),
            "n": pd.Categorical(["" if v is None else str(v) for v in typed["n"]]),
        }
    )
    typed["n"] = typed["n"].astype(float)
    for sep in (";", ","):
        fast = csvout.table_text(typed, text, "Kommentar", sep, _as_text_frame)
        slow = write_tables({"t": _as_text_frame(typed)}, tmp_path, "Kommentar", sep=sep)
        assert fast is not None and fast.encode("utf-8") == slow[0].read_bytes()
        assert csvout.write_rows(tmp_path / "w.csv", typed, text, "Kommentar", sep, _as_text_frame)
        assert (tmp_path / "w.csv").read_bytes() == slow[0].read_bytes()


@pytest.mark.parametrize("rows, labs, periods", [(0, 1, 1), (40, 3, 2), (2_000, 1_500, 400)])
def test_stored_lab_period_pairs_are_those_of_the_rows(rows, labs, periods):
    """The distinct (lab, period) pairs, found by marking codes or by sorting them."""
    from ogl_impact.delivery.collect import _pairs

    rng = np.random.default_rng(rows)
    frame = pd.DataFrame(
        {
            "lab_id": pd.Series([f"l{i}" for i in rng.integers(0, labs, rows)], dtype="str"),
            "period_id": pd.Series([f"q{i}" for i in rng.integers(0, periods, rows)], dtype="str"),
        }
    )
    expected = set(zip(frame["lab_id"].tolist(), frame["period_id"].tolist(), strict=True))
    assert _pairs(frame) == expected
    assert _pairs(frame.astype("category")) == expected


def _numpy_huge_pages() -> bool:
    """Whether numpy asks for huge pages now (read by setting it back at once)."""
    from numpy._core import multiarray

    now = multiarray._set_madvise_hugepage(False)
    multiarray._set_madvise_hugepage(now)
    return now


@pytest.mark.parametrize("before", [True, False])
def test_collect_turns_off_numpys_huge_pages_only_while_it_runs(before):
    from numpy._core import multiarray

    from ogl_impact.delivery.collect import _small_pages

    was = multiarray._set_madvise_hugepage(before)
    try:
        with _small_pages():
            assert _numpy_huge_pages() is False
        assert _numpy_huge_pages() is before
        with pytest.raises(KeyboardInterrupt), _small_pages():  # Ctrl-C: restored all the same
            raise KeyboardInterrupt
        assert _numpy_huge_pages() is before
    finally:
        multiarray._set_madvise_hugepage(was)


def test_collect_restores_numpys_huge_pages_after_a_run(tmp_path):
    from ogl_impact.delivery.collect import CollectError, collect

    before = _numpy_huge_pages()
    data = tmp_path / "data"
    data.mkdir()
    with pytest.raises(CollectError, match="Daten fehlerhaft"):  # an empty folder: refused
        collect([tmp_path / "none"], data, received=pd.Timestamp("2023-01-20"))
    assert _numpy_huge_pages() is before


def test_collect_unfreezes_the_garbage_collector_when_it_ends():
    import gc

    from ogl_impact.delivery.collect import _frozen_to_the_end

    gc.unfreeze()
    with _frozen_to_the_end():
        assert gc.get_freeze_count() > 0  # what existed at the start is frozen
        gc.freeze()
    assert gc.get_freeze_count() == 0
    with pytest.raises(KeyboardInterrupt), _frozen_to_the_end():  # Ctrl-C: unfrozen all the same
        raise KeyboardInterrupt
    assert gc.get_freeze_count() == 0


def test_garbage_in_cycles_made_during_the_run_is_collected_after_it():
    import gc
    import weakref

    from ogl_impact.delivery.collect import _frozen_to_the_end

    class Node:
        pass

    with _frozen_to_the_end():
        a, b = Node(), Node()
        a.other, b.other = b, a  # a cycle: reference counting alone never frees it
        gone = weakref.ref(a)
        gc.freeze()
        del a, b
        gc.collect()
        assert gone() is not None  # frozen: left alone during the run
    gc.collect()
    assert gone() is None


def test_a_failed_collect_leaves_nothing_frozen(tmp_path):
    import gc

    from ogl_impact.delivery.collect import CollectError, collect

    gc.unfreeze()
    data = tmp_path / "data"
    data.mkdir()
    with pytest.raises(CollectError):
        collect([tmp_path / "none"], data, received=pd.Timestamp("2023-01-20"))
    assert gc.get_freeze_count() == 0


def test_the_pool_leaves_its_objects_frozen_only_when_asked(tmp_path):
    import gc

    from ogl_impact.delivery.check import Context, check_workbooks

    ctx = Context(set(), set(), None, {}, {}, {}, pd.Timestamp("2023-01-20"))
    paths = [tmp_path / f"nothing{k}.xlsx" for k in range(3)]  # unreadable: one finding each
    for unfreeze, frozen in ((True, False), (False, True)):
        gc.unfreeze()
        found = list(check_workbooks(paths, ctx, processes=2, unfreeze=unfreeze))
        assert [c.outcome.findings[0].rule for c in found] == ["not_a_workbook"] * 3
        assert (gc.get_freeze_count() > 0) is frozen
    gc.unfreeze()


def test_pyarrow_allocates_with_malloc_only_while_collect_runs(monkeypatch):
    import pyarrow as pa

    from ogl_impact.delivery.collect import _arrow_on_malloc

    monkeypatch.delenv("ARROW_DEFAULT_MEMORY_POOL", raising=False)
    before = pa.default_memory_pool().backend_name
    with _arrow_on_malloc():
        assert pa.default_memory_pool().backend_name == "system"
        made = pa.array(["a"] * 1000)
    assert pa.default_memory_pool().backend_name == before
    assert made.to_pylist() == ["a"] * 1000  # an array made inside outlives the switch back
    with pytest.raises(KeyboardInterrupt), _arrow_on_malloc():  # Ctrl-C: restored all the same
        raise KeyboardInterrupt
    assert pa.default_memory_pool().backend_name == before


def test_a_pool_the_user_chose_for_pyarrow_is_left_alone(monkeypatch):
    import pyarrow as pa

    from ogl_impact.delivery.collect import _arrow_on_malloc

    monkeypatch.setenv("ARROW_DEFAULT_MEMORY_POOL", "mimalloc")
    before = pa.default_memory_pool().backend_name
    if before == "system":
        pytest.skip("pyarrow allocates with malloc already: a switch could not be seen")
    with _arrow_on_malloc():
        assert pa.default_memory_pool().backend_name == before


def test_the_reader_ahead_runs_without_the_garbage_collector(tmp_path, monkeypatch):
    """The forked reader turns its collector off (each workbook's objects hold no cycles).

    The parent's collector stays as it was.
    """
    import gc
    import multiprocessing

    import ogl_impact.delivery.check as check
    from ogl_impact.delivery.read import RawWorkbook

    if "fork" not in multiprocessing.get_all_start_methods():
        pytest.skip("the readers ahead need fork, which this platform lacks")

    def spy(path):  # runs in the reader: tells whether its collector is on
        return RawWorkbook(
            file=Path(path).name, path=Path(path), sha256="", meta={"gc": str(gc.isenabled())}
        )

    monkeypatch.setattr(check, "read_raw", spy)
    books = [tmp_path / f"b{k}.xlsx" for k in range(3)]
    was = gc.isenabled()
    gc.enable()
    try:
        read = check.ReadAhead(books, 1).finish(wait=True)
        assert gc.isenabled()
    finally:
        if not was:
            gc.disable()
    assert sorted(read) == [0, 1, 2]
    assert {check._unpickled(blob, books[k]).meta["gc"] for k, blob in read.items()} == {"False"}


def test_the_young_generation_waits_longer_only_while_collect_runs():
    import gc

    from ogl_impact.delivery.collect import _YOUNG_EVERY, _frozen_to_the_end

    before = gc.get_threshold()
    try:
        gc.set_threshold(700, 10, 10)
        with _frozen_to_the_end():
            assert gc.get_threshold() == (_YOUNG_EVERY, 10, 10)
        assert gc.get_threshold() == (700, 10, 10)
        with pytest.raises(KeyboardInterrupt), _frozen_to_the_end():  # Ctrl-C: restored too
            raise KeyboardInterrupt
        assert gc.get_threshold() == (700, 10, 10)
        gc.set_threshold(50_000, 5, 5)  # a user's larger threshold is kept
        with _frozen_to_the_end():
            assert gc.get_threshold() == (50_000, 5, 5)
        assert gc.get_threshold() == (50_000, 5, 5)
    finally:
        gc.set_threshold(*before)


@pytest.mark.parametrize("sep", [";", ","])
def test_text_cells_formatted_once_read_as_written_by_hand(sep):
    """Each distinct text is formatted once: escaped, line breaks made ``\\n``, repeats alike."""
    from ogl_impact.write.tables import _format_column

    cells = ["-5 %", "a\r\nb", "c\rd", "=SUMME(A1)", "ok", "ok", "+49", "@x", "\tt", "", "-5 %"]
    cells += [1.5, 2.0, None, float("nan"), True, 3]
    got = _format_column(pd.Series(cells, dtype=object), sep)
    decimal = "1,5" if sep == ";" else "1.5"
    assert got == [
        "'-5 %", "a\nb", "c\nd", "'=SUMME(A1)", "ok", "ok", "'+49", "'@x", "'\tt", "", "'-5 %",
        decimal, "2", "", "", "true", "3",
    ]  # fmt: skip


def test_stored_text_gives_plain_text_for_a_text_subclass():
    """numpy's text scalars (a str subclass) come back as plain str, escaped or not."""
    from ogl_impact.write.tables import stored_text

    assert [type(stored_text(np.str_(t))) for t in ("abc", "-5", "a\rb")] == [str, str, str]
    assert stored_text(np.str_("-5")) == "'-5"
