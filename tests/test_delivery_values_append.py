"""A period's first delivery only adds rows: the stored values keep their bytes.

collect writes ``indicator_values.csv`` and ``milestones.csv`` as the stored
file followed by the new rows where the workbooks only add rows
(``csvout.write_grown``); a stored row replaced, dropped or moved (a
revision) still gets the whole table written as ``write_tables`` writes it.
The expected lines of the added rows are those of the embedded data
(data/raw is written in the package's own form), not collect's output.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from ogl_impact.dataset import load
from ogl_impact.delivery.collect import LINE_BLOCK, _as_text_frame, _only_grown
from ogl_impact.delivery.csvout import _stored_as_written, write_grown
from ogl_impact.io import read_table
from ogl_impact.schemas import TABLES
from ogl_impact.validate import validate_table
from ogl_impact.write.tables import CHANGED_BY_STORED_TEXT, stored_text, write_tables
from tests import test_delivery_loop as loop
from tests.test_delivery_loop import IV_KEY, LAB, PERIOD, RAW, _period_rows, collect, filled

COMMENT = "x"


def _quoted(line: str, sep: str, numeric: set[int]) -> str:
    """A data line as pyarrow writes it: every text cell quoted, numbers bare."""
    cells = line.split(sep)
    return sep.join(c if k in numeric else f'"{c}"' for k, c in enumerate(cells))


def _quote_file(path: Path, numeric_columns: tuple[str, ...] = ("value",)) -> bytes:
    """Quote every text cell of a stored table (header too), as pyarrow's writer does."""
    lines = path.read_text(encoding="utf-8").splitlines()
    comments = [line for line in lines if line.startswith("#")]
    header = lines[len(comments)]
    sep = ";" if ";" in header else ","
    numeric = {k for k, c in enumerate(header.split(sep)) if c in numeric_columns}
    body = [_quoted(line, sep, numeric) for line in lines[len(comments) + 1 :]]
    data = "\n".join([*comments, _quoted(header, sep, set()), *body]) + "\n"
    path.write_bytes(data.encode("utf-8"))
    return path.read_bytes()


def _tables(tmp_path: Path, sep: str, stored: int = 40, new: int = 7):
    """A stored values table (first ``stored`` rows of data/raw) and the merged table."""
    raw = read_table(RAW / "indicator_values.csv", "indicator_values")
    typed = validate_table(raw, TABLES["indicator_values"])[0].iloc[: stored + new]
    typed = typed.reset_index(drop=True)
    path = write_tables(
        {"indicator_values": _as_text_frame(typed.iloc[:stored])}, tmp_path / "s", COMMENT, sep=sep
    )[0]
    return path, typed


def _loaded(path: Path):
    raw = read_table(path, "indicator_values")
    return raw, validate_table(raw, TABLES["indicator_values"])[0]


def _as_read(raw, whole: pd.DataFrame, stored: int = 40) -> pd.DataFrame:
    """The merged table as text: the stored rows as read, the new ones as collect formats them."""
    text = pd.concat([raw.frame, _as_text_frame(whole.iloc[stored:])], ignore_index=True)
    return text.astype("category")


@pytest.mark.parametrize("sep", [";", ","])
def test_stored_lines_keep_their_bytes_and_new_rows_are_written_as_the_package_writes(
    tmp_path, sep
):
    path, whole = _tables(tmp_path, sep)
    before = _quote_file(path)
    raw, stored = _loaded(path)
    assert len(stored) == 40
    text = _as_read(raw, whole)
    target = tmp_path / "out.csv"
    assert write_grown(
        target, whole, text, 40, path, raw.sha256, raw.header_line, COMMENT, sep, _as_text_frame
    )
    out = target.read_bytes()
    assert out.startswith(before)  # every stored line as it was, quotes and all
    full = write_tables({"t": _as_text_frame(whole)}, tmp_path / "full", COMMENT, sep=sep)[0]
    expected_tail = full.read_bytes().split(b"\n", 2 + 40)[-1]  # rows 41.. as write_tables writes
    assert out[len(before) :] == expected_tail
    back = _loaded(target)[1]
    pd.testing.assert_frame_equal(back.reset_index(drop=True), whole, check_dtype=False)


def test_new_rows_without_text_are_formatted_by_write_tables(tmp_path):
    path, whole = _tables(tmp_path, ";")
    before = path.read_bytes()
    raw, _ = _loaded(path)
    target = tmp_path / "out.csv"
    assert write_grown(
        target, whole, None, 40, path, raw.sha256, raw.header_line, COMMENT, ";", _as_text_frame
    )
    full = write_tables({"t": _as_text_frame(whole)}, tmp_path / "full", COMMENT, sep=";")[0]
    assert before == full.read_bytes()[: len(before)]  # a file the package wrote: the same bytes
    assert target.read_bytes() == full.read_bytes()


def _edits(path: Path) -> dict[str, bytes]:
    data = path.read_bytes()
    lines = data.split(b"\n")
    return {
        "crlf_and_lf": data.replace(b"\n", b"\r\n", 3),
        "no_last_line_break": data.rstrip(b"\n"),
        "columns_swapped": b"\n".join(
            [lines[0], lines[1].replace(b"lab_id;indicator_id", b"indicator_id;lab_id"), *lines[2:]]
        ),
        "another_separator": b"\n".join([lines[0], lines[1].replace(b";", b","), *lines[2:]]),
        "windows_1252": data.replace(b"measured", "gemessen äöü".encode("cp1252")),
    }


@pytest.mark.parametrize("edit", ["crlf_and_lf", "no_last_line_break", "columns_swapped",
                                  "another_separator", "windows_1252"])  # fmt: skip
def test_a_stored_file_that_cannot_be_kept_is_declined(tmp_path, edit):
    path, whole = _tables(tmp_path, ";")
    path.write_bytes(_edits(path)[edit])
    target = tmp_path / "out.csv"
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    assert not write_grown(target, whole, None, 40, path, sha, 2, COMMENT, ";", _as_text_frame)
    assert not target.exists()


def test_a_stored_file_with_windows_lines_gets_new_lines_ended_so(tmp_path):
    path, whole = _tables(tmp_path, ";")
    before = path.read_bytes().replace(b"\n", b"\r\n")  # as Excel saves it on Windows
    path.write_bytes(before)
    raw, _ = _loaded(path)
    target = tmp_path / "out.csv"
    args = (COMMENT, ";", _as_text_frame)
    assert write_grown(target, whole, None, 40, path, raw.sha256, raw.header_line, *args)
    full = write_tables({"t": _as_text_frame(whole)}, tmp_path / "full", COMMENT, sep=";")[0]
    assert target.read_bytes() == full.read_bytes().replace(b"\n", b"\r\n")
    broken = whole.copy()
    broken.loc[45, "disaggregation_value"] = "zwei\nZeilen"  # a new cell with a line break
    assert not write_grown(target.with_name("b.csv"), broken, None, 40, path, raw.sha256, 2, *args)
    assert not target.with_name("b.csv").exists()  # the whole table is written instead


def test_other_bytes_or_no_new_row_are_declined(tmp_path):
    path, whole = _tables(tmp_path, ";")
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    target = tmp_path / "out.csv"
    args = (COMMENT, ";", _as_text_frame)
    assert not write_grown(target, whole, None, 40, path, "0" * 64, 2, *args)  # changed since
    assert not write_grown(target, whole.iloc[:40], None, 40, path, sha, 2, *args)  # nothing new
    assert not write_grown(target, whole, None, 40, path.with_suffix(".xlsx"), sha, 2, *args)
    assert not target.exists()
    assert write_grown(target, whole, None, 40, path, sha, 2, *args)


def test_only_grown_reads_the_merged_line_numbers(tmp_path):
    path, _ = _tables(tmp_path, ";")
    raw = read_table(path, "indicator_values")
    stored = np.asarray(raw.lines)
    assert list(stored[:2]) == [3, 4]  # comment, header, then the rows
    new = LINE_BLOCK + np.arange(2, 5)
    assert _only_grown(np.concatenate([stored, new]), raw) == 40
    assert _only_grown(stored, raw) is None  # no new row
    assert _only_grown(np.concatenate([stored[1:], new]), raw) is None  # a stored row dropped
    moved = stored.copy()
    moved[[0, 1]] = moved[[1, 0]]
    assert _only_grown(np.concatenate([moved, new]), raw) is None  # rows in another order
    replaced = stored.copy()
    replaced[5] = 2 * LINE_BLOCK + 5
    assert _only_grown(np.concatenate([replaced, new]), raw) is None  # one replaced in place
    assert _only_grown(np.concatenate([stored, [7]]), raw) is None  # a new row on a stored line


original, base, data = loop.original, loop.base, loop.data


def _raw_lines(lab: str) -> list[bytes]:
    """The embedded data's lines of the lab's PERIOD values (the package's own form)."""
    lines = (RAW / "indicator_values.csv").read_bytes().splitlines(keepends=True)
    return sorted(line for line in lines if line.startswith(f"{lab};".encode())
                  and line.split(b";")[2] == PERIOD.encode())  # fmt: skip


def test_collect_of_a_new_period_keeps_the_stored_lines(
    base, data, original, tmp_path, capsys
):  # fmt: skip
    path = data / "indicator_values.csv"
    before = _quote_file(path)  # as another program (pyarrow, say) wrote the folder
    wb = filled(base, original, LAB, tmp_path / "w" / f"{LAB}_{PERIOD}.xlsx")
    code, text = collect(capsys, str(wb), "--data", str(data))
    assert code == 0, text
    after = path.read_bytes()
    assert after.startswith(before)  # no stored line rewritten
    added = sorted(after[len(before) :].splitlines(keepends=True))
    assert added == _raw_lines(LAB)  # the new rows, as the package writes them
    got = _period_rows(load(data), "indicator_values", IV_KEY)
    expected = _period_rows(original, "indicator_values", IV_KEY)
    expected = expected[expected["lab_id"] == LAB].reset_index(drop=True)
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)


def test_a_revision_afterwards_writes_the_whole_table(base, data, original, tmp_path, capsys):
    path = data / "indicator_values.csv"
    _quote_file(path)
    wb = filled(base, original, LAB, tmp_path / "w" / f"{LAB}_{PERIOD}.xlsx")
    assert collect(capsys, str(wb), "--data", str(data))[0] == 0

    def change(book):
        sheet = book["Indikatorwerte"]
        row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 9).value is not None)
        sheet.cell(row, 9).value = sheet.cell(row, 9).value + 2

    again = filled(base, original, LAB, tmp_path / "w2" / f"{LAB}_{PERIOD}.xlsx", change)
    code, text = collect(capsys, str(again), "--data", str(data))
    assert code == 0, text
    lines = path.read_bytes().splitlines()
    assert not any(b'"' in line for line in lines[1:])  # written as the package writes: no quotes
    tail = lines[-len(_raw_lines(LAB)) :]  # the corrected row where its stored row stood
    assert all(line.startswith(f"{LAB};".encode()) for line in tail)
    revisions = pd.read_csv(data / "revisions.csv", sep=";", comment="#", dtype=str)
    assert len(revisions[revisions["lab_id"] == LAB]) == 1


@pytest.mark.parametrize("typed_by_hand", ["-unter 18", "=A1", "+ältere", "@team"])
@pytest.mark.parametrize("with_text", [True, False])
def test_a_stored_cell_the_package_writes_otherwise_gets_the_whole_table_written(
    tmp_path, typed_by_hand, with_text
):
    # a cell typed by hand without the apostrophe write_tables puts before it: kept as it
    # stands beside new rows written by the package, one text would have two spellings
    path, whole = _tables(tmp_path, ";")
    lines = path.read_text(encoding="utf-8").split("\n")
    assert lines[2].split(";")[3] == ""  # row 1 has no disaggregation
    cells = lines[2].split(";")
    cells[3] = typed_by_hand
    lines[2] = ";".join(cells)
    path.write_text("\n".join(lines), encoding="utf-8")
    raw, stored = _loaded(path)
    assert stored["disaggregation_value"].iat[0] == typed_by_hand
    whole = pd.concat([stored, whole.iloc[40:]], ignore_index=True)
    text = _as_read(raw, whole) if with_text else None
    target = tmp_path / "out.csv"
    args = (raw.header_line, COMMENT, ";", _as_text_frame)
    assert not write_grown(target, whole, text, 40, path, raw.sha256, *args)
    assert not target.exists()  # collect writes the whole table instead


def test_a_new_cell_the_package_escapes_does_not_stop_the_stored_lines_being_kept(tmp_path):
    path, whole = _tables(tmp_path, ";")
    before = path.read_bytes()
    raw, _ = _loaded(path)
    whole = whole.copy()
    whole.loc[45, "disaggregation_value"] = "-unter 18"  # only in a new row
    text = _as_read(raw, whole)
    target = tmp_path / "out.csv"
    assert write_grown(
        target, whole, text, 40, path, raw.sha256, raw.header_line, COMMENT, ";", _as_text_frame
    )
    out = target.read_bytes()
    assert out.startswith(before) and b";'-unter 18;" in out[len(before) :]


def test_a_carriage_return_inside_a_stored_cell_of_a_windows_file_is_not_kept(tmp_path):
    # Excel on Windows ends lines in \r\n, also inside a quoted cell; write_tables writes \n
    path, whole = _tables(tmp_path, ";")
    lines = path.read_text(encoding="utf-8").split("\n")
    cells = lines[2].split(";")
    cells[3] = '"unter\r\n18"'
    lines[2] = ";".join(cells)
    path.write_bytes("\r\n".join(lines).encode("utf-8"))
    raw, stored = _loaded(path)
    assert stored["disaggregation_value"].iat[0] == "unter\r\n18"
    whole = pd.concat([stored, whole.iloc[40:]], ignore_index=True)
    text = _as_read(raw, whole)
    target = tmp_path / "out.csv"
    args = (raw.header_line, COMMENT, ";", _as_text_frame)
    assert not write_grown(target, whole, text, 40, path, raw.sha256, *args)
    assert not target.exists()


def test_the_pattern_matches_exactly_the_cells_stored_text_changes():
    # every text of up to three characters drawn from the starts, line ends and neighbours
    chars = ["=", "+", "-", "@", "\t", "\r", "\n", "a", "'", " ", "\\", "^", "]"]
    texts = ["".join(t) for n in range(4) for t in itertools.product(chars, repeat=n)]
    by_re2 = pc.match_substring_regex(pa.array(texts), CHANGED_BY_STORED_TEXT).to_pylist()
    for text, found in zip(texts, by_re2, strict=True):
        changed = stored_text(text) != text
        assert found == changed == (re.search(CHANGED_BY_STORED_TEXT, text) is not None), text


@pytest.mark.parametrize("new_cell", ["unter 18", "zwei\nZeilen"])
@pytest.mark.parametrize("with_text", [True, False])
def test_a_stored_table_with_two_comment_lines_gets_only_rows_appended(
    tmp_path, new_cell, with_text
):
    # the comments collect passes are the stored ones, joined; a new cell with a line
    # break (Alt+Enter in Excel) is formatted by write_tables itself
    two = f"{COMMENT}\n# Hinweis der Koordination"
    raw0 = read_table(RAW / "indicator_values.csv", "indicator_values")
    whole = validate_table(raw0, TABLES["indicator_values"])[0].iloc[:47].reset_index(drop=True)
    whole.loc[45, "disaggregation_value"] = new_cell
    path = write_tables(
        {"indicator_values": _as_text_frame(whole.iloc[:40])}, tmp_path / "s", two, sep=";"
    )[0]
    before = path.read_bytes()
    assert before.startswith(b"# x\n# Hinweis der Koordination\nlab_id;")
    raw, _ = _loaded(path)
    text = _as_read(raw, whole) if with_text else None
    target = tmp_path / "out.csv"
    args = (raw.header_line, two, ";", _as_text_frame)
    assert write_grown(target, whole, text, 40, path, raw.sha256, *args)
    full = write_tables({"t": _as_text_frame(whole)}, tmp_path / "full", two, sep=";")[0]
    assert target.read_bytes() == full.read_bytes()
    back = _loaded(target)[1]
    pd.testing.assert_frame_equal(back.reset_index(drop=True), whole, check_dtype=False)


def test_stored_text_is_checked_whatever_the_column_type():
    names = ["Auftakt", "-Laborteam", "Abschluss"]  # row 2 typed by hand, without apostrophe
    for column in (
        pd.Series(names, dtype="str"),
        pd.Series(names, dtype="category"),
        pd.Series(names, dtype=object),
        pd.Series([*names[:2], pd.Timestamp("2022-01-01")], dtype=object),  # mixed: no crash
    ):
        typed = pd.DataFrame({"name": column, "value": [1.0, -2.0, 3.0]})
        as_read = pd.DataFrame({c: typed[c].astype(str).astype("category") for c in typed})
        for text in (None, as_read):
            assert not _stored_as_written(typed, text, 3), (column.dtype, text is None)
            assert _stored_as_written(typed, text, 1)  # only row 1 is stored: nothing odd
    fine = pd.DataFrame({"name": ["'-Laborteam", "Auftakt"], "value": [-1.0, 2.0]})
    assert _stored_as_written(fine, None, 2)  # negative numbers are not text
