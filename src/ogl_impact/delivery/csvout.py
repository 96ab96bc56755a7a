"""The CSV text of a merged table, each distinct cell formatted once.

collect rewrites the data folder's tables (the old rows plus the workbooks'
rows). :func:`ogl_impact.write.tables.write_tables` formats every cell of
every row in Python; for the national tables that costs seconds. The text
cells as read (:class:`~ogl_impact.io.RawTable`, categorical columns) say
which cells are alike: :func:`table_text` formats one typed value per
distinct text and lets numpy spread the results, then the csv module writes
the rows. It gives the very bytes ``write_tables`` gives, and declines
(returns None) wherever it could not be sure of that.

The rows are not written one by one: each distinct cell is encoded once
as ``csv.writer`` writes it inside a row (quoted where it must be), and
pyarrow joins the cells of each row with the separator, a block of rows at
a time (:func:`write_rows`).

Most rows of a merged table are the stored ones, unchanged:
:func:`write_reusing` copies their lines from the stored file, byte for
byte, and formats only the others, where it can prove that the stored line
is exactly what ``write_tables`` would write for the row (see there).
Where no stored row is replaced or moved (a period's first delivery),
:func:`write_grown` keeps the stored file as it is and appends the new
rows; the register of deliveries likewise (:func:`write_appended`).
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import itertools
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import BinaryIO, TextIO

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ogl_impact.delivery.cache import file_sha256
from ogl_impact.write.tables import CHANGED_BY_STORED_TEXT, _format_column, table_csv_text


def _alike(a: np.ndarray, b: np.ndarray) -> bool:
    """Whether two arrays are equal cell by cell (missing equals missing)."""
    try:
        same = np.asarray(a == b, dtype=bool)
    except (TypeError, ValueError):
        return False
    if same.shape != a.shape:
        return False
    if same.all():
        return True
    return bool((same | (pd.isna(a) & pd.isna(b))).all())


def _alike_column(values: pd.Series, one_each: pd.Series, where: np.ndarray) -> bool:
    """Whether ``values`` equals ``one_each`` taken at ``where`` (missing equals missing).

    What :func:`_alike` says of the two as numpy arrays; for a column of
    pyarrow strings the comparison stays in pyarrow (no Python string per
    cell).
    """
    if (
        isinstance(values.dtype, pd.StringDtype)
        and values.dtype == one_each.dtype
        and hasattr(values.array, "__arrow_array__")
    ):
        a = values.array.__arrow_array__()
        b = one_each.array.__arrow_array__().take(pa.array(where))
        same = pc.equal(a, b).fill_null(False)
        both_missing = pc.and_(pc.is_null(a), pc.is_null(b))
        return bool(pc.all(pc.or_(same, both_missing)).as_py())
    return _alike(values.to_numpy(), one_each.to_numpy()[where])


def _distinct(codes: np.ndarray, categories: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distinct codes (sorted), a row holding each, and each row's rank among them.

    What ``np.unique(codes, return_index=True, return_inverse=True)`` gives,
    by counting instead of sorting (codes are ``-1`` to ``categories - 1``);
    the row for each code is one of its rows, not necessarily the first.
    """
    shifted = codes.astype(np.int64) + 1
    present = np.bincount(shifted, minlength=categories + 1) > 0
    distinct = np.flatnonzero(present)
    rank = np.full(categories + 1, -1, dtype=np.int64)
    rank[distinct] = np.arange(len(distinct))
    row = np.zeros(categories + 1, dtype=np.int64)
    row[shifted] = np.arange(len(shifted))
    return distinct - 1, row[distinct], rank[shifted]


def table_columns(
    typed: pd.DataFrame,
    text: pd.DataFrame,
    sep: str,
    as_text: Callable[[pd.DataFrame], pd.DataFrame],
) -> list[list[str]] | None:
    """Return the cells ``write_tables`` writes for ``as_text(typed)``, column by column.

    Parameters
    ----------
    typed : pandas.DataFrame
        The table as written (typed values).
    text : pandas.DataFrame
        The same rows as text, one categorical column per column of ``typed``.
    sep : str
        Field separator (``";"``: decimal comma).
    as_text : callable
        The conversion collect applies before writing (element by element).

    Returns
    -------
    list of list of str or None
        None when the columns differ, a column of ``text`` is not
        categorical, or one text stands for different typed values (then
        every cell must be formatted on its own).
    """
    lookups = _lookups(typed, text, sep, as_text)
    if lookups is None:
        return None
    return [lookup[where].tolist() for lookup, _, where in lookups]


def _lookups(
    typed: pd.DataFrame,
    text: pd.DataFrame,
    sep: str,
    as_text: Callable[[pd.DataFrame], pd.DataFrame],
) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]] | None:
    """Per column: the formatted cell of each distinct text, the code of each, each row's rank.

    None where :func:`table_columns` declines.
    """
    n = len(typed)
    if len(text) != n or list(text.columns) != list(typed.columns) or n == 0:
        return None
    out = []
    for col in typed.columns:
        raw = text[col]
        if not isinstance(raw.dtype, pd.CategoricalDtype):
            return None
        distinct, first, where = _distinct(raw.cat.codes.to_numpy(), len(raw.cat.categories))
        values = typed[col]
        one_each = values.iloc[first]
        if not _alike_column(values, one_each, where):
            return None
        formatted = _format_column(as_text(one_each.to_frame())[col], sep)
        lookup = np.empty(len(distinct), dtype=object)
        lookup[:] = formatted
        out.append((lookup, distinct, where))
    return out


def write_columns(
    handle: TextIO, header: list[str], columns: list[list[str]], comment: str, sep: str
) -> None:
    """Write a comment line, the header and the rows as ``write_tables`` does.

    Parameters
    ----------
    handle : text file
        Opened with ``encoding="utf-8", newline=""``.
    header : list of str
        Column names.
    columns : list of list of str
        The cells, column by column (:func:`table_columns`).
    comment : str
        The file's comment line.
    sep : str
        Field separator.
    """
    handle.write(f"# {comment}\n")
    writer = csv.writer(handle, delimiter=sep, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(zip(*columns, strict=True))


_BLOCK = 1 << 18
"""Rows encoded at a time by :func:`_encoded_rows` (bounds the memory of the text)."""


def _encoded_cells(lookup: np.ndarray, sep: str) -> pa.Array:
    """Return each distinct formatted cell as the csv module writes it inside a row.

    A cell without the separator, a quote or a line break is written as it
    is (``csv.writer`` quotes nothing else; an empty cell among others stays
    empty); the others are written by ``csv.writer`` itself, one at a time.
    """
    cells = pa.array(lookup, type=pa.large_string())
    special = "[" + re.escape(sep) + '"\\n\\r]'
    quoted = np.flatnonzero(_flags(pc.match_substring_regex(cells, special)))
    if not len(quoted):
        return cells
    encoded = lookup.copy()
    out = io.StringIO()
    writer = csv.writer(out, delimiter=sep, lineterminator="\n")
    tail = len(sep) + 2  # the separator, "x" and "\n" after the cell
    for i in quoted.tolist():
        out.seek(0)
        out.truncate()
        writer.writerow([lookup[i], "x"])
        encoded[i] = out.getvalue()[:-tail]
    return pa.array(encoded, type=pa.large_string())


def _encoded_rows(
    lookups: list[tuple[np.ndarray, np.ndarray, np.ndarray]],
    sep: str,
    rows: np.ndarray | None = None,
) -> Iterator[tuple[memoryview, np.ndarray]]:
    r"""Yield the rows as ``csv.writer`` writes them, a block at a time, as UTF-8 bytes.

    Each distinct cell is encoded once (:func:`_encoded_cells`); pyarrow
    takes the cells of each row and joins them with the separator and a
    ``\n``. Yields the bytes of a block of rows and, per row of the block,
    where its line ends (offsets into those bytes, one more than rows: the
    first is 0). ``rows`` (default: all) selects and orders the rows.
    """
    if len(lookups) < 2:  # a lone empty cell is written as "" by csv.writer
        raise ValueError("at least two columns")
    encoded = [_encoded_cells(lookup, sep) for lookup, _, _ in lookups]
    n = len(lookups[0][2]) if rows is None else len(rows)
    empty = pa.scalar("", type=pa.large_string())
    for begin in range(0, n, _BLOCK):
        take = (
            np.arange(begin, min(begin + _BLOCK, n))
            if rows is None
            else rows[begin : begin + _BLOCK]
        )
        cells = [
            enc.take(pa.array(where[take]))
            for enc, (_, _, where) in zip(encoded, lookups, strict=True)
        ]
        line = pc.binary_join_element_wise(*cells, pa.scalar(sep, type=pa.large_string()))
        line = pc.binary_join_element_wise(
            line, empty, pa.scalar("\n", type=pa.large_string())
        )  # the row, then "\n"
        if line.null_count or line.offset:
            raise ValueError("unexpected arrow layout")
        offsets = np.frombuffer(line.buffers()[1], dtype=np.int64)[: len(line) + 1]
        data = line.buffers()[2]
        yield memoryview(data)[: int(offsets[-1])], offsets
        del cells, line


def _write_encoded(
    handle: BinaryIO,
    header: list[str],
    lookups: list[tuple[np.ndarray, np.ndarray, np.ndarray]],
    comment: str,
    sep: str,
) -> None:
    """Write a comment line, the header and the rows as :func:`write_columns` does, as bytes."""
    head = io.StringIO()
    head.write(f"# {comment}\n")
    csv.writer(head, delimiter=sep, lineterminator="\n").writerow(header)
    handle.write(head.getvalue().encode("utf-8"))
    for data, _ in _encoded_rows(lookups, sep):
        handle.write(data)


def _can_encode(lookups: list[tuple[np.ndarray, np.ndarray, np.ndarray]]) -> bool:
    """Whether :func:`_encoded_rows` can write these columns (two or more, all text UTF-8 safe)."""
    if len(lookups) < 2:
        return False
    try:
        for lookup, _, _ in lookups:  # a lone surrogate (not UTF-8), a cell that is no text
            if pa.array(lookup, type=pa.large_string()).null_count:
                return False
    except (pa.ArrowException, TypeError, ValueError):
        return False
    return True


def write_rows(
    target: Path,
    typed: pd.DataFrame,
    text: pd.DataFrame,
    comment: str,
    sep: str,
    as_text: Callable[[pd.DataFrame], pd.DataFrame],
) -> bool:
    """Write what ``write_tables`` writes for ``as_text(typed)`` into ``target``.

    Parameters
    ----------
    target : Path
        The file to write.
    typed, text, sep, as_text
        As for :func:`table_columns`.
    comment : str
        The file's comment line.

    Returns
    -------
    bool
        False (and nothing written) where :func:`table_columns` declines.
    """
    lookups = _lookups(typed, text, sep, as_text)
    if lookups is None:
        return False
    _write_all(target, list(typed.columns), lookups, comment, sep)
    return True


def _write_all(
    target: Path,
    header: list[str],
    lookups: list[tuple[np.ndarray, np.ndarray, np.ndarray]],
    comment: str,
    sep: str,
) -> None:
    """Write every row formatted (the csv module's bytes)."""
    with target.open("wb") as handle:
        _write_formatted(handle, header, lookups, comment, sep)


def _write_formatted(
    handle: BinaryIO,
    header: list[str],
    lookups: list[tuple[np.ndarray, np.ndarray, np.ndarray]],
    comment: str,
    sep: str,
) -> None:
    """Write every row as UTF-8: encoded by pyarrow where it can, else by the csv module."""
    if _can_encode(lookups):
        _write_encoded(handle, header, lookups, comment, sep)
        return
    columns = [lookup[where].tolist() for lookup, _, where in lookups]
    text = io.TextIOWrapper(handle, encoding="utf-8", newline="")
    write_columns(text, header, columns, comment, sep)
    text.flush()
    text.detach()  # the caller's handle stays open


def table_text(
    typed: pd.DataFrame,
    text: pd.DataFrame,
    comment: str,
    sep: str,
    as_text: Callable[[pd.DataFrame], pd.DataFrame],
) -> str | None:
    """Return what ``write_tables`` writes for ``as_text(typed)``, or None where unsure.

    Parameters
    ----------
    typed, text, sep, as_text
        As for :func:`table_columns`.
    comment : str
        The file's comment line.

    Returns
    -------
    str or None
        The file's text (see :func:`table_columns` for None).
    """
    lookups = _lookups(typed, text, sep, as_text)
    if lookups is None:
        return None
    out = io.BytesIO()
    _write_formatted(out, list(typed.columns), lookups, comment, sep)
    return out.getvalue().decode("utf-8")


def write_table(
    target: Path,
    typed: pd.DataFrame,
    text: pd.DataFrame,
    lines: np.ndarray,
    stored: Path,
    stored_sha: str,
    stored_lines: np.ndarray,
    comment: str,
    sep: str,
    as_text: Callable[[pd.DataFrame], pd.DataFrame],
    prepared: StoredLines | None = None,
) -> bool:
    r"""Write a merged table, copying the stored file's lines of the rows it keeps as they are.

    The bytes are those ``write_tables`` writes for ``as_text(typed)``: a
    stored line is copied only where that is proven, else the row is
    formatted (:func:`table_columns`); where less than half of the rows
    can be copied, every row is formatted (:func:`write_columns`). The
    proof: the stored file is UTF-8, its header line is the one written
    (same columns, same separator), every line after the header is one data row, in the order read
    (``lines`` of the stored rows name those lines), and for the row the
    cell ``write_tables`` writes is, in every column, the text read from
    that line (no quoting needed), and the line's length in bytes is the
    sum of those texts, the separators and one ``\n``. Since the reader
    only ever drops bytes from a line (quotes, blanks around a cell, a
    ``\r``), equal length means nothing was dropped: the line is the
    written row.

    Parameters
    ----------
    target : Path
        The file to write.
    typed, text, sep, as_text
        As for :func:`table_columns` (rows in the order they are written).
    lines : numpy.ndarray
        Per row, the stored line it was read from (1-based), or a number
        beyond the stored file's lines for a row that is not a stored one.
        The caller's promise: a row that names a stored line holds, in
        ``text``, exactly the texts read from that line (a row whose cells
        changed must name no stored line). The proof above checks the
        written cells against ``text``, not ``text`` against the line.
    stored : Path
        The stored file.
    stored_sha : str
        The sha256 of the stored file as loaded (other bytes: declined).
    stored_lines : numpy.ndarray
        The line of each row of the stored file as loaded: they must be
        consecutive and run to the file's last line (no blank or comment
        line among the rows, no row over two lines), else it declines.
    comment : str
        The file's comment line.
    prepared : StoredLines, optional
        The stored file as :func:`read_stored` read it beforehand (say,
        while the workbooks were checked); used where it is of ``stored``
        with ``stored_sha``, else the file is read here.

    Returns
    -------
    bool
        False (and nothing written) where :func:`table_columns` declines:
        then the caller writes the table with ``write_tables``.
    """
    lookups = _lookups(typed, text, sep, as_text)
    if lookups is None:
        return False
    if not _copy_stored(
        target,
        typed,
        text,
        lines,
        stored,
        stored_sha,
        stored_lines,
        comment,
        sep,
        lookups,
        prepared,
    ):
        _write_all(target, list(typed.columns), lookups, comment, sep)
    return True


@dataclass(frozen=True, eq=False)
class StoredLines:
    """A stored table's bytes, proven by their sha256, and its lines (:func:`read_stored`).

    Where each line starts and ends is found on first use: a table that
    only grows (:func:`write_grown`) needs its header line alone, not the
    line ends of two million rows.
    """

    path: Path
    sha256: str
    data: bytes

    @cached_property
    def ends(self) -> np.ndarray:
        r"""Return the index of each ``\n`` of the file."""
        return _line_ends(self.data)

    @cached_property
    def starts(self) -> np.ndarray:
        """Return where each line of the file starts."""
        return np.concatenate([[0], self.ends[:-1] + 1])

    def line(self, number: int) -> bytes | None:
        r"""Return line ``number`` (1-based) without its ``\n``; None where the file has fewer."""
        at = 0
        for _ in range(number - 1):
            at = self.data.find(b"\n", at) + 1
            if at == 0:
                return None
        end = self.data.find(b"\n", at)
        return None if end < 0 else self.data[at:end]


def read_stored(path: Path, sha: str) -> StoredLines | None:
    r"""Read a stored table for :func:`write_table` and :func:`write_grown`, its bytes proven.

    Parameters
    ----------
    path : Path
        The stored file.
    sha : str
        The sha256 of the file as loaded.

    Returns
    -------
    StoredLines or None
        None where no line of it can be copied: the file cannot be read, its
        bytes are not those loaded, it is not UTF-8, or its last line has no
        ``\n``.
    """
    try:
        data = path.read_bytes()
    except OSError:
        return None
    if hashlib.sha256(data).hexdigest() != sha or not data.endswith(b"\n") or not _is_utf8(data):
        return None
    return StoredLines(path, sha, data)


_BLOCK = 1 << 22
"""Bytes looked at a time where a whole file would need a temporary as large as itself."""


def _line_ends(data: bytes) -> np.ndarray:
    r"""Return the index of each ``\n`` in ``data`` (a block at a time: no mask of the whole)."""
    octets = np.frombuffer(data, dtype=np.uint8)
    parts = [
        np.flatnonzero(octets[at : at + _BLOCK] == 10) + at for at in range(0, len(octets), _BLOCK)
    ]
    return np.concatenate(parts) if parts else np.empty(0, dtype=np.intp)


def _copy_stored(
    target: Path,
    typed: pd.DataFrame,
    text: pd.DataFrame,
    lines: np.ndarray,
    stored: Path,
    stored_sha: str,
    stored_lines: np.ndarray,
    comment: str,
    sep: str,
    lookups: list[tuple[np.ndarray, np.ndarray, np.ndarray]],
    prepared: StoredLines | None = None,
) -> bool:
    """Write the table copying the proven stored lines (:func:`write_table`); False: declined."""
    if prepared is None or prepared.path != stored or prepared.sha256 != stored_sha:
        prepared = read_stored(stored, stored_sha)
    if prepared is None:
        return False
    data, starts, ends = prepared.data, prepared.starts, prepared.ends
    n_lines = len(ends)
    stored_lines = np.asarray(stored_lines, dtype=np.int64)
    if not len(stored_lines):
        return False
    first_line = int(stored_lines[0])
    if (
        not np.array_equal(stored_lines, np.arange(first_line, first_line + len(stored_lines)))
        or int(stored_lines[-1]) != n_lines
    ):
        return False
    header = io.StringIO()
    csv.writer(header, delimiter=sep, lineterminator="\n").writerow(list(typed.columns))
    header_bytes = header.getvalue().encode("utf-8")
    if first_line < 2 or data[starts[first_line - 2] : ends[first_line - 2] + 1] != header_bytes:
        return False  # the line before the rows is the header as written: same columns, same sep
    lines = np.asarray(lines, dtype=np.int64)
    old = (lines >= first_line) & (lines <= n_lines)
    # every stored row must sit on its own line, in order, with no other lines after the header
    ok = old.copy()
    broken = np.zeros(len(lines), dtype=bool)  # a cell with a line break (never copied)
    length = np.full(len(lines), len(lookups), dtype=np.int64)  # separators and "\n"
    special = "[" + re.escape(sep) + '"\\n\\r]'  # cells the csv module would quote
    for (lookup, distinct, where), col in zip(lookups, text.columns, strict=True):
        cells = pa.array(lookup, type=pa.string())
        read = pa.array(
            np.asarray(text[col].cat.categories, dtype=object)[np.maximum(distinct, 0)],
            type=pa.string(),
        )
        same = (
            _flags(pc.equal(cells, read))
            & (distinct >= 0)
            & ~_flags(pc.match_substring_regex(cells, special))
        )
        size = np.asarray(pc.binary_length(cells).to_numpy(zero_copy_only=False), dtype=np.int64)
        ok &= same[where]
        length += size[where]
        broken |= _flags(pc.match_substring_regex(cells, "[\\n\\r]"))[where]
    at = np.where(old, lines - 1, 0)
    ok &= (ends[at] + 1 - starts[at]) == length
    if (np.bincount(lines[old], minlength=n_lines + 1) > 1).any():  # a line twice: no merge
        return False
    if 2 * int(ok.sum()) < len(ok) or broken.any():  # a row over lines: no split
        return False
    src = np.where(ok, lines, -1)
    fresh = np.flatnonzero(~ok)
    formatted = _formatted(lookups, sep, fresh)
    if formatted is None:
        return False
    with target.open("wb") as handle:
        handle.write(f"# {comment}\n".encode() + header_bytes)
        _write_runs(handle, data, starts, ends, src, formatted)
    return True


def _formatted(
    lookups: list[tuple[np.ndarray, np.ndarray, np.ndarray]], sep: str, fresh: np.ndarray
) -> tuple[bytes, np.ndarray] | None:
    """Return the lines of the rows ``fresh`` as ``csv.writer`` writes them, and their starts.

    The second item holds, per row, where its line starts in the bytes (one
    more item: the end). None where a row would not be one line.
    """
    if not len(fresh):
        return b"", np.zeros(1, dtype=np.int64)
    if _can_encode(lookups):
        parts, ends, at = [], [np.zeros(1, dtype=np.int64)], 0
        for data, offsets in _encoded_rows(lookups, sep, fresh):
            parts.append(bytes(data))
            ends.append(offsets[1:] + at)
            at += len(data)
        blob, starts = b"".join(parts), np.concatenate(ends)
    else:
        cells = [lookup[where[fresh]].tolist() for lookup, _, where in lookups]
        out = io.StringIO()
        csv.writer(out, delimiter=sep, lineterminator="\n").writerows(zip(*cells, strict=True))
        blob = out.getvalue().encode("utf-8")
        starts = np.concatenate(
            [[0], np.flatnonzero(np.frombuffer(blob, dtype=np.uint8) == 10) + 1]
        )
    if len(starts) != len(fresh) + 1 or blob.count(b"\n") != len(fresh):
        return None
    return blob, starts


def _flags(result: pa.Array) -> np.ndarray:
    """Return a boolean result of pyarrow as numpy (missing: False)."""
    return np.asarray(result.fill_null(False).to_numpy(zero_copy_only=False), dtype=bool)


def _write_runs(
    handle: BinaryIO,
    data: bytes,
    starts: np.ndarray,
    ends: np.ndarray,
    src: np.ndarray,
    formatted: tuple[bytes, np.ndarray],
) -> None:
    """Write the rows: runs of consecutive stored lines as one slice, the others formatted."""
    n = len(src)
    if n == 0:
        return
    copied = src >= 0
    follows = np.zeros(n, dtype=bool)
    follows[1:] = copied[1:] & copied[:-1] & (src[1:] == src[:-1] + 1)
    follows[1:] |= ~copied[1:] & ~copied[:-1]
    breaks = [*np.flatnonzero(~follows).tolist(), n]
    view = memoryview(data)
    blob, at = memoryview(formatted[0]), formatted[1]
    k = 0  # next formatted row
    for begin, end in itertools.pairwise(breaks):
        if copied[begin]:
            handle.write(view[starts[src[begin] - 1] : ends[src[end - 1] - 1] + 1])
        else:
            handle.write(blob[at[k] : at[k + end - begin]])
            k += end - begin


def write_grown(
    target: Path,
    typed: pd.DataFrame,
    text: pd.DataFrame | None,
    stored_rows: int,
    stored: Path,
    stored_sha: str,
    header_line: int,
    comment: str,
    sep: str,
    as_text: Callable[[pd.DataFrame], pd.DataFrame],
    prepared: StoredLines | None = None,
) -> bool:
    r"""Write a merged table whose stored rows all stay, in order, and whose new rows follow.

    A period's first delivery only adds rows to the values and milestones
    of a data folder: the stored file's bytes are kept as they are (rows
    nobody touched keep their quoting, a national table of two million
    rows is not formatted again) and the new rows, formatted as
    ``write_tables`` formats them (:func:`table_columns` where ``text``
    allows, else ``write_tables`` itself), are written after them.

    Parameters
    ----------
    target : Path
        The file to write.
    typed : pandas.DataFrame
        The whole table: the stored rows first, unchanged and in the order
        read, then the new ones (the caller's promise).
    text : pandas.DataFrame or None
        The same rows as text, one categorical column per column (or None).
    stored_rows : int
        Rows of the stored file as loaded.
    stored : Path
        The stored file.
    stored_sha : str
        The sha256 of the stored file as loaded.
    header_line : int
        The stored file's header line (1-based).
    comment : str
        The comment line ``write_tables`` would write (not written: the
        stored file keeps its own).
    sep : str
        Field separator.
    as_text : callable
        The conversion applied before writing (element by element).
    prepared : StoredLines, optional
        The stored file as :func:`read_stored` read it beforehand.

    Returns
    -------
    bool
        False (and nothing written) where no row is new, the stored file is
        not the one loaded, cannot be read, is not UTF-8, does not end in a
        line break, ends its lines in two ways (``\r\n`` and ``\n``), or its
        header line does not read as these columns with this separator, or
        its lines end in ``\r\n`` (Excel on Windows; the new ones then end so
        too) and a new cell holds a line break: then the caller writes the
        whole table.
    """
    if not 0 <= stored_rows < len(typed) or header_line < 1 or stored.suffix.lower() != ".csv":
        return False
    if prepared is None or prepared.path != stored or prepared.sha256 != stored_sha:
        prepared = read_stored(stored, stored_sha)
    line = None if prepared is None else prepared.line(header_line)
    if prepared is None or line is None:
        return False
    data = prepared.data
    crlf = b"\r" in data and _windows_lines(data)  # one scan where there is no \r
    if b"\r" in data and not crlf:  # lines ended two ways, or a lone \r: not kept
        return False
    head = line.decode("utf-8")
    head = head.removesuffix("\r")
    if header_line == 1:
        head = head.removeprefix("\ufeff")
    try:
        found = next(csv.reader([head], delimiter=sep, strict=True))
    except (csv.Error, StopIteration):
        return False
    if found != [str(c) for c in typed.columns]:
        return False
    if not _stored_as_written(typed, text, stored_rows):
        return False
    rows = _rows_text(typed.iloc[stored_rows:], text, stored_rows, sep, as_text)
    if crlf:
        rows = _windows_ended(rows, len(typed) - stored_rows)
        if rows is None:
            return False
    with target.open("wb") as handle:
        if not _copy_proven(stored, target, handle, len(data), stored_sha, data):
            handle.seek(0)
            handle.truncate()
            handle.write(data)
        handle.write(rows)
    return True


def _copy_proven(
    source: Path,
    target: Path,
    handle: BinaryIO,
    size: int,
    sha: str,
    proven: bytes | None = None,
) -> bool:
    """Copy a stored file into the start of a file being written, in the kernel, and prove it.

    The bytes go from file to file with ``os.copy_file_range`` instead of
    being written from memory: for the national values table (84 MB) 0.03 s
    instead of 0.5-0.8 s on the 2-core benchmark machine, where every fresh
    page a process writes into costs system time. The copy is then read
    back (a small buffer, used again): only a copy whose bytes are those of
    the stored file as loaded counts. Where the caller holds those bytes,
    proven by their sha256 (``proven``), the copy is compared with them
    (0.02 s for the national table); else it is hashed (0.05 s).

    Parameters
    ----------
    source : Path
        The stored file.
    target : Path
        The file being written.
    handle : BinaryIO
        ``target`` as opened for writing (``"wb"``), nothing written so far;
        on success its position is ``size``.
    size : int
        The stored file's size as loaded.
    sha : str
        The stored file's sha256 as loaded.
    proven : bytes, optional
        The stored file's bytes as loaded, their sha256 ``sha`` (checked by
        the caller): the copy is compared with them instead of hashed.

    Returns
    -------
    bool
        False where the platform, the file systems or the file do not allow
        it or the copy is not proven (the caller writes the bytes itself,
        after emptying ``handle``).
    """
    copy = getattr(os, "copy_file_range", None)
    if copy is None or size == 0:
        return False
    try:
        out = handle.fileno()
        with source.open("rb") as src:
            if os.fstat(src.fileno()).st_size != size:
                return False
            done = 0
            while done < size:
                step = copy(src.fileno(), out, size - done, done, done)
                if step <= 0:
                    return False
                done += step
        if proven is not None and len(proven) == size:
            if not _same_as(target, proven):  # the copy as it is in the file (its length too)
                return False
        elif file_sha256(target) != sha:  # likewise
            return False
        handle.seek(size)
    except (OSError, ValueError, io.UnsupportedOperation):
        return False
    return True


_COMPARE_STEP = 1 << 20
"""Bytes read back at a time by :func:`_same_as` (one buffer, used again)."""


def _same_as(path: Path, expected: bytes) -> bool:
    """Whether a file holds exactly ``expected`` (read back a block at a time)."""
    view = memoryview(expected)
    buffer = bytearray(_COMPARE_STEP)
    at = 0
    with path.open("rb", buffering=0) as handle:
        while True:
            got = handle.readinto(buffer)
            if not got:
                return at == len(view)
            if at + got > len(view):
                return False
            same = (
                buffer == view[at : at + got]
                if got == _COMPARE_STEP
                else (buffer[:got] == view[at : at + got])
            )
            if not same:
                return False
            at += got


def _stored_as_written(typed: pd.DataFrame, text: pd.DataFrame | None, stored_rows: int) -> bool:
    """Whether every stored text cell reads as ``write_tables`` would write it.

    A milestone typed by hand as ``-Laborteam`` is written ``'-Laborteam``
    by the package (:func:`~ogl_impact.write.tables.stored_text`); kept as
    it stands beside new rows written so, one name would have two
    spellings. The same holds for a cell with a carriage return. Such a
    table is written whole. Only the distinct texts are looked at: the
    categories of ``text`` used by the stored rows, else the distinct
    stored values. Numbers, truth values and dates are not text: another
    spelling of them reads as the same value.
    """
    for col in typed.columns:
        dtype = typed[col].dtype
        if (
            pd.api.types.is_numeric_dtype(dtype)
            or pd.api.types.is_bool_dtype(dtype)
            or pd.api.types.is_datetime64_any_dtype(dtype)
        ):
            continue
        if text is not None and isinstance(text[col].dtype, pd.CategoricalDtype):
            categories = text[col].cat.categories
            found = pc.match_substring_regex(
                pa.array(np.asarray(categories, dtype=object), pa.string()), CHANGED_BY_STORED_TEXT
            )
            odd = np.flatnonzero(_flags(found))
            if len(odd) and np.isin(text[col].cat.codes.to_numpy()[:stored_rows], odd).any():
                return False
            continue
        distinct = pd.unique(typed[col].iloc[:stored_rows].dropna().astype(object))
        cells = pa.array([v for v in distinct if isinstance(v, str)], pa.string())
        if _flags(pc.match_substring_regex(cells, CHANGED_BY_STORED_TEXT)).any():
            return False
    return True


def _windows_lines(data: bytes) -> bool:
    r"""Whether every line of ``data`` ends in ``\r\n`` and no other ``\r`` is in it."""
    ends = data.count(b"\r\n")
    return ends > 0 and ends == data.count(b"\n") == data.count(b"\r")


def _windows_ended(rows: bytes, count: int) -> bytes | None:
    r"""Return ``count`` rows ended by ``\n`` ended by ``\r\n`` instead (None: a cell has one)."""
    if b"\r" in rows or rows.count(b"\n") != count:
        return None
    return rows.replace(b"\n", b"\r\n")


def _rows_text(
    typed: pd.DataFrame,
    text: pd.DataFrame | None,
    first: int,
    sep: str,
    as_text: Callable[[pd.DataFrame], pd.DataFrame],
) -> bytes:
    """Return the rows ``typed`` as ``write_tables`` writes them, without comment and header.

    ``text`` (the whole table as text, or None) gives the distinct cells
    from row ``first`` on (:func:`_lookups`); where it cannot, the rows go
    through ``write_tables``' own formatting.
    """
    if text is not None:
        lookups = _lookups(typed, text.iloc[first:], sep, as_text)
        if lookups is not None:
            formatted = _formatted(lookups, sep, np.arange(len(typed)))
            if formatted is not None:
                return formatted[0]
    return _header_and_rows(as_text(typed), sep)[1].encode("utf-8")


def _header_and_rows(frame: pd.DataFrame, sep: str) -> tuple[str, str]:
    """Return the header line and the rows as ``write_tables`` writes them (no comment).

    The comment a caller passes may be several lines (a stored table's
    comments, joined); the one written here is cut off, so it is one line.
    """
    _, header, rows = table_csv_text(frame, "-", sep).split("\n", 2)
    return header, rows


def _is_utf8(data: bytes) -> bool:
    """Whether ``data`` decode as UTF-8 (a register saved as Windows-1252 does not).

    ASCII is UTF-8; other bytes are decoded a block at a time, so that no
    text as large as a national table is made only to be dropped (a fresh
    page costs system time on the benchmark machine).
    """
    if data.isascii():
        return True
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(data)
    try:
        for at in range(0, len(view), _BLOCK):
            decoder.decode(view[at : at + _BLOCK])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def write_appended(
    target: Path,
    typed: pd.DataFrame,
    stored: Path,
    stored_sha: str,
    stored_rows: int,
    header_line: int,
    comment: str,
    sep: str,
    as_text: Callable[[pd.DataFrame], pd.DataFrame],
) -> bool:
    r"""Write a table that only grew: the stored file's bytes, then its new rows.

    For a table whose stored rows stay as they are and whose new rows come
    after them (the register of deliveries): the stored lines are not
    formatted again (a register of eleven periods of a national roll-out
    holds over 100,000 of them), and keep their bytes. The new rows
    (``typed`` from row ``stored_rows`` on) are written as ``write_tables``
    writes ``as_text`` of them, their lines ended by ``\r\n`` where every
    stored line is (a register saved by Excel on Windows). Where the stored
    file did not end in a line break, one is added first (``\r\n`` where
    the file has them).

    Parameters
    ----------
    target : Path
        The file to write.
    typed : pandas.DataFrame
        The whole table: the stored rows first, unchanged, then the new ones.
    stored : Path
        The stored file.
    stored_sha : str
        The sha256 of the stored file as loaded.
    stored_rows : int
        Rows of the stored file.
    header_line : int
        The stored file's header line (1-based).
    comment : str
        The comment line ``write_tables`` would write (only its header is compared).
    sep : str
        Field separator.
    as_text : callable
        The conversion applied before writing (element by element).

    Returns
    -------
    bool
        False (and nothing written) where the stored file is not the one
        loaded, cannot be read, is not UTF-8 (a register saved by Excel as
        Windows-1252: rows appended in UTF-8 would mix two encodings in one
        file), its header line is not the one ``write_tables`` writes for
        these columns and separator, or its lines end in ``\r\n`` and a new
        cell holds a line break: then the caller writes the whole table.
    """
    if len(typed) < stored_rows or header_line < 1 or stored.suffix.lower() != ".csv":
        return False
    try:
        data = stored.read_bytes()
    except OSError:
        return False
    if hashlib.sha256(data).hexdigest() != stored_sha or not _is_utf8(data):
        return False
    header, rows = _header_and_rows(as_text(typed.iloc[stored_rows:]), sep)
    lines = data.split(b"\n", header_line)
    if len(lines) < header_line:
        return False
    found = lines[header_line - 1].rstrip(b"\r")
    if header_line == 1:
        found = found.removeprefix(b"\xef\xbb\xbf")
    if found != header.encode("utf-8"):
        return False
    added: bytes | None = rows.encode("utf-8")
    if _windows_lines(data):  # saved by Excel on Windows: the new lines end so too
        added = _windows_ended(added, len(typed) - stored_rows)  # type: ignore[arg-type]
        if added is None:
            return False
    ended = data.endswith(b"\n")
    if data and not ended:
        data += b"\r\n" if b"\r\n" in data else b"\n"
    with target.open("wb") as handle:
        if not (ended and _copy_proven(stored, target, handle, len(data), stored_sha)):
            handle.seek(0)
            handle.truncate()
            handle.write(data)
        handle.write(added)
    return True


__all__ = [
    "StoredLines",
    "read_stored",
    "table_columns",
    "table_text",
    "write_appended",
    "write_columns",
    "write_grown",
    "write_rows",
    "write_table",
]
