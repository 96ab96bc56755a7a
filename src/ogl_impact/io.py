"""Read programme tables from files into frames of text, never writing anything.

CSV files are accepted as German spreadsheets write them (semicolon
separator, decimal comma, UTF-8 with or without byte-order mark, or
Windows-1252) and as plain comma-separated UTF-8; XLSX workbooks are read
from their first sheet. Leading lines that start with ``#`` are comments; a
comment that says "synthetic" or "synthetisch" marks the file as synthetic
demo data. Every row keeps the line number it has in the file, so that
problems can be reported where a researcher will find them.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ogl_impact.problems import Problem, make_problem

CSV_SUFFIXES = (".csv", ".txt", ".tsv")
XLSX_SUFFIXES = (".xlsx", ".xlsm")
TABLE_SUFFIXES = CSV_SUFFIXES + XLSX_SUFFIXES
UNSUPPORTED_SUFFIXES = (".xls", ".ods", ".numbers", ".xlsb")
"""Spreadsheet files that are recognised as tables but must be saved as CSV or XLSX first."""

MAX_XLSX_UNCOMPRESSED = 200 * 1024**2
"""Largest total uncompressed size (bytes) of a workbook's zip members that is unpacked."""
MAX_XLSX_RATIO = 100
"""Largest compression ratio of a zip member (above :data:`XLSX_RATIO_FLOOR` bytes)."""
XLSX_RATIO_FLOOR = 1024**2
"""Members smaller than this (uncompressed) may compress better: they cannot hurt."""

_ZIP_SIGNATURE = b"PK\x03\x04"
_OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_SEPARATORS = (";", ",", "\t")
_SYNTHETIC = re.compile(r"synthetic|synthetisch", re.IGNORECASE)
_EXCEL_SEP = re.compile(r"[\"']?sep=.[\"']?", re.IGNORECASE)


@dataclass(frozen=True, eq=False)
class RawTable:
    """A table as read from its file: every cell as text.

    Attributes
    ----------
    name : str
        Table name (file stem).
    path : Path
        Where it was read from.
    frame : pandas.DataFrame
        One categorical column of text per header field, every cell stripped ("" when empty).
    lines : numpy.ndarray
        For each row of ``frame``, the line (CSV) or sheet row (XLSX) it came from.
    header_line : int
        Line (or sheet row) of the header.
    decimal : str
        Decimal separator of the file ("," for semicolon CSV, else ".").
    synthetic : bool
        Whether a leading comment marks the file as synthetic.
    comments : tuple of str
        The leading comment lines, without ``#``.
    sha256 : str
        Hash of the file's bytes.
    """

    name: str
    path: Path
    frame: pd.DataFrame
    lines: np.ndarray
    header_line: int
    decimal: str
    synthetic: bool
    comments: tuple[str, ...]
    sha256: str


class TableReadError(Exception):
    """A file could not be read as a table; ``problem`` says why and where."""

    def __init__(self, problem: Problem):
        super().__init__(problem.message("en"))
        self.problem = problem


def read_table(
    path: str | Path, name: str | None = None, *, short_rows_ok: bool = False
) -> RawTable:
    """Read one CSV or XLSX table as text.

    Parameters
    ----------
    path : str or Path
        The file.
    name : str, optional
        Table name; defaults to the file stem.
    short_rows_ok : bool, default False
        Accept rows with fewer fields than the header (the missing cells are
        empty), as in a mapping table whose ``@`` rows have two or three
        fields. Rows with more fields are refused either way.

    Returns
    -------
    RawTable

    Raises
    ------
    TableReadError
        When the file is empty, binary, not a table or has malformed lines.
    """
    path = Path(path)
    name = name or path.stem
    if path.suffix.lower() in XLSX_SUFFIXES:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise TableReadError(
                make_problem(path.name, "file_unreadable", detail=exc.strerror or exc)
            ) from None
        return _read_xlsx(path, name, data)
    return _read_csv(path, name, short_rows_ok)


@dataclass(frozen=True)
class _FileFacts:
    sha256: str
    newlines: int
    ends_with_newline: bool
    head: bytes
    has_nul: bool
    blank: bool
    lone_returns: int = 0
    """Carriage returns not followed by a line feed: line ends (old Mac files) ``\\n`` misses."""


def _scan(path: Path) -> _FileFacts:
    """One streaming pass over a file: hash, line count, NUL bytes, head."""
    digest = hashlib.sha256()
    newlines, has_nul, blank = 0, False, True
    returns = 0
    head = b""
    last = b""
    try:
        with path.open("rb") as handle:
            while block := handle.read(1 << 24):
                digest.update(block)
                newlines += block.count(b"\n")
                if b"\r" in block:
                    returns += block.count(b"\r") - block.count(b"\r\n")
                if last == b"\r" and block.startswith(b"\n"):
                    returns -= 1  # a \r\n across two blocks
                has_nul = has_nul or b"\x00" in block
                if len(head) < 65536:
                    head += block[: 65536 - len(head)]
                if blank and block.strip(b" \t\r\n\xef\xbb\xbf"):
                    blank = False
                last = block[-1:]
    except OSError as exc:
        raise TableReadError(
            make_problem(path.name, "file_unreadable", detail=exc.strerror or exc)
        ) from None
    return _FileFacts(
        digest.hexdigest(), newlines, last == b"\n", head, has_nul, blank, lone_returns=returns
    )


def _read_csv(path: Path, name: str, short_rows_ok: bool = False) -> RawTable:
    file = path.name
    facts, early = _scan_while_reading(path)
    _refuse_foreign_format(file, facts.head)
    if facts.blank:
        raise TableReadError(make_problem(file, "file_empty"))
    if facts.has_nul:
        raise TableReadError(make_problem(file, "file_binary"))
    encoding = _detect_encoding(path, facts)
    comments, header_index, header, sep = _layout(file, facts.head, encoding)
    layout = (path, encoding, sep, header_index, header)
    if early is not None and early[0] == layout:  # read with the same settings already
        frame = early[1]
    else:
        frame = _parse_csv_fast(*layout)
    if frame is None and encoding == "utf-8":  # perhaps not UTF-8 after the head
        encoding = _detect_encoding(path, facts, whole=True)
        if encoding != "utf-8":
            frame = _parse_csv_fast(path, encoding, sep, header_index, header)
    if frame is None:  # pyarrow could not read it: find out where and why
        _check_ragged(path, file, encoding, sep, header_index, short_rows_ok)
        frame = _parse_csv_c(path, file, encoding, sep, header_index)
        frame.columns = [str(c).strip() for c in frame.columns]
        _check_header(file, frame)
        frame = frame.astype("category")
    frame = _strip(frame)
    physical = facts.newlines + (0 if facts.ends_with_newline else 1) - (header_index + 1)
    if physical == len(frame) and not facts.lone_returns:  # every row on a line of its own
        first = header_index + 2
        lines = np.arange(first, first + len(frame), dtype=np.int64)
    else:
        lines = _csv_record_lines(path, encoding, sep, header_index, len(frame))
    return RawTable(
        name=name,
        path=path,
        frame=frame,
        lines=lines,
        header_line=header_index + 1,
        decimal="," if sep == ";" else ".",
        synthetic=_says_synthetic(comments),
        comments=tuple(comments),
        sha256=facts.sha256,
    )


def _layout(file: str, head: bytes, encoding: str) -> tuple[list[str], int, str, str]:
    """Leading comments, index and text of the header line, and the separator."""
    text_head = head.decode(encoding, errors="ignore")
    comments, header_index = leading_comments(text_head)
    head_lines = physical_lines(text_head)
    if header_index >= len(head_lines):
        raise TableReadError(make_problem(file, "file_no_header"))
    header = head_lines[header_index]
    sep = max(_SEPARATORS, key=header.count) if any(s in header for s in _SEPARATORS) else ","
    return comments, header_index, header, sep


OVERLAP_BYTES = 64 * 1024**2
"""CSV files at least this large are hashed and counted while pyarrow reads them."""

_Early = tuple[tuple[Path, str, str, int, str], "pd.DataFrame | None"]


def _scan_while_reading(path: Path) -> tuple[_FileFacts, _Early | None]:
    """Scan the file (hash, lines, NUL bytes) and, for a large file, read it meanwhile.

    The scan is one thread's work; pyarrow's reader works beside it, so the
    hash of a file of gigabytes costs little extra time. The read is
    speculative: it starts from the file's head alone (UTF-8 text with a
    header line) with exactly the settings :func:`_read_csv` derives once the
    scan is done, and is used only when those agree and the scan finds
    nothing to refuse. Small files, and heads that need more than that, are
    scanned first and read afterwards as always.

    Returns
    -------
    facts : _FileFacts
    early : ((path, encoding, sep, header_index, header), frame or None) or None
    """
    try:
        size = path.stat().st_size
        if size < OVERLAP_BYTES:
            return _scan(path), None
        with path.open("rb") as handle:
            head = handle.read(65536)
    except OSError:
        return _scan(path), None  # reports it
    encoding = _head_encoding(head)
    if encoding is None or _is_foreign(head) or b"\x00" in head:
        return _scan(path), None
    try:
        _, header_index, header, sep = _layout(path.name, head, encoding)
    except TableReadError:
        return _scan(path), None
    layout = (path, encoding, sep, header_index, header)
    with ThreadPoolExecutor(max_workers=1) as pool:
        scanning = pool.submit(_scan, path)
        frame = _parse_csv_fast(*layout)
        facts = scanning.result()  # raises as the scan alone would
    return facts, (layout, frame)


def _head_encoding(head: bytes) -> str | None:
    """Return the encoding :func:`_detect_encoding` finds from the head alone, or None."""
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        return "utf-8" if exc.start >= len(head) - 4 else None
    return "utf-8"


def _is_foreign(head: bytes) -> bool:
    """Whether :func:`_refuse_foreign_format` refuses this head."""
    return head.startswith((_ZIP_SIGNATURE, _OLE_SIGNATURE)) or _looks_utf16(head)


def _refuse_foreign_format(file: str, head: bytes) -> None:
    """Refuse, with what to do, workbooks and UTF-16 text saved under a CSV name."""
    if head.startswith(_ZIP_SIGNATURE):
        raise TableReadError(make_problem(file, "file_xlsx_as_csv"))
    if head.startswith(_OLE_SIGNATURE):
        raise TableReadError(make_problem(file, "file_xls_as_csv"))
    if _looks_utf16(head):
        raise TableReadError(make_problem(file, "file_utf16"))


def _looks_utf16(head: bytes) -> bool:
    """UTF-16 with byte-order mark, or without one: text whose every other byte is NUL."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    sample = head[:4096]
    if len(sample) < 4:
        return False
    even, odd = sample[0::2], sample[1::2]
    share = max(even.count(0) / len(even), odd.count(0) / max(len(odd), 1))
    return share > 0.4


def _parse_csv_fast(
    path: Path, encoding: str, sep: str, header_index: int, header: str
) -> pd.DataFrame | None:
    """Read with pyarrow's multi-threaded CSV reader; None if it fails.

    Every column is read as dictionary-encoded text, so it arrives as a pandas
    Categorical: repeated values (unit, item, wave) are stored once.
    """
    import pyarrow as pa
    import pyarrow.csv as pacsv

    names = next(csv.reader([header], delimiter=sep))
    names = [n.strip().lstrip("\ufeff") for n in names]
    if len(set(names)) != len(names) or "" in names:
        return None  # the C path reports duplicate or empty header cells
    try:
        table = pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(
                skip_rows=header_index + 1,
                column_names=names,
                block_size=1 << 26,  # few large blocks: cheap to merge into one Categorical
                encoding=encoding.replace("-sig", ""),
            ),
            parse_options=pacsv.ParseOptions(delimiter=sep),
            convert_options=pacsv.ConvertOptions(
                column_types={n: pa.dictionary(pa.int32(), pa.string()) for n in names},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, UnicodeDecodeError, ValueError):
        return None
    return table.to_pandas()


def _check_ragged(
    path: Path, file: str, encoding: str, sep: str, header_index: int, short_ok: bool = False
) -> None:
    """Refuse a file whose records do not all have as many fields as its header.

    The first such line is named, with how many lines are affected in all.
    """
    try:
        text = path.read_text(encoding=encoding)
    except (UnicodeDecodeError, OSError):
        return  # the C parser reports it
    lines = physical_lines(text, keepends=True)[header_index:]
    reader = csv.reader(lines, delimiter=sep)
    width = None
    first: tuple[int, int] | None = None
    bad = 0
    previous = 0
    try:
        for record in reader:
            start = previous + 1
            previous = reader.line_num
            if not record or not any(cell.strip() for cell in record):
                continue
            if width is None:
                width = len(record)
            elif len(record) > width or (len(record) < width and not short_ok):
                bad += 1
                if first is None:
                    first = (header_index + start, len(record))
    except csv.Error:
        return  # the C parser reports it
    if first is not None and width is not None:
        line, n = first
        detail = f"{n} Felder statt {width} / {n} fields instead of {width}"
        if bad > 1:
            detail += f"; {bad} Zeilen / lines"
        raise TableReadError(make_problem(file, "file_parse", line=line, detail=detail))


def _parse_csv_c(path: Path, file: str, encoding: str, sep: str, header_index: int) -> pd.DataFrame:
    try:
        return pd.read_csv(
            path,
            sep=sep,
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            skiprows=header_index,
            encoding=encoding,
            engine="c",
            skip_blank_lines=True,
            quotechar='"',
        )
    except pd.errors.ParserError as exc:
        line = _parser_error_line(str(exc))
        raise TableReadError(
            make_problem(file, "file_parse", line=line, detail=_parser_detail(str(exc)))
        ) from None
    except (pd.errors.EmptyDataError, UnicodeDecodeError, ValueError) as exc:
        raise TableReadError(
            make_problem(file, "file_unreadable", detail=type(exc).__name__)
        ) from None


def _detect_encoding(path: Path, facts: _FileFacts, whole: bool = False) -> str:
    """UTF-8 (with or without byte-order mark) when it decodes, else Windows-1252.

    With ``whole=False`` only the head of the file is tried (pyarrow checks
    the rest as it reads and the caller asks again with ``whole=True``).
    """
    if facts.head.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    data = path.read_bytes() if whole else facts.head
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if not whole and exc.start >= len(data) - 4:
            return "utf-8"  # a character cut at the end of the head
    try:
        path.read_bytes().decode("cp1252")
    except UnicodeDecodeError:
        raise TableReadError(make_problem(path.name, "file_binary")) from None
    return "cp1252"


def _says_synthetic(comments: list[str]) -> bool:
    return any(_SYNTHETIC.search(c) for c in comments)


def is_synthetic(path: str | Path) -> bool:
    """Return whether a CSV table's leading comments mark it as synthetic (reads only its head).

    Examples
    --------
    >>> from ogl_impact.dataset import demo_path
    >>> is_synthetic(demo_path() / "responses.csv"), is_synthetic(demo_path() / "labs.csv")
    (True, False)
    """
    with Path(path).open("rb") as handle:
        head = handle.read(65536)
    comments, _ = leading_comments(head.decode("utf-8", errors="ignore"))
    return _says_synthetic(comments)


def physical_lines(text: str, keepends: bool = False) -> list[str]:
    r"""Split text into lines where the CSV readers do: at ``\n``, ``\r\n`` and ``\r``.

    :meth:`str.splitlines` also splits at vertical tab, form feed, the information
    separators ``\x1c``-``\x1e``, NEL and the Unicode line and paragraph
    separators. pyarrow, pandas and :mod:`csv` treat those as text, so line
    numbers counted with ``splitlines`` would disagree with the readers'.

    Examples
    --------
    >>> physical_lines("a\u2028b\r\nc\rd\n")
    ['a\u2028b', 'c', 'd']
    >>> physical_lines("a\fb\nc", keepends=True)
    ['a\x0cb\n', 'c']
    """
    if not any(c in text for c in _OTHER_BREAKS):  # the common case, twice as fast
        return text.splitlines(keepends)
    lines = list(io.StringIO(text, newline=""))
    return lines if keepends else [line.rstrip("\r\n") for line in lines]


_OTHER_BREAKS = ("\v", "\f", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029")
"""Where :meth:`str.splitlines` breaks and the CSV readers do not."""


def line_of_byte(data: bytes, offset: int) -> int:
    r"""Return the line (1-based) of the byte at ``offset``, lines ended as the readers end them.

    Lines end at ``\n``, ``\r\n`` and a lone ``\r`` (an old Mac file), as
    :func:`physical_lines` splits them; for naming the line of a byte that
    does not decode.

    Examples
    --------
    >>> line_of_byte(b"a\r\nb\rc\n\xe9", 7)
    4
    """
    before = data[:offset]
    return before.count(b"\n") + before.count(b"\r") - before.count(b"\r\n") + 1


def leading_comments(text: str) -> tuple[list[str], int]:
    r"""Return the leading ``#`` comment lines of a CSV text and the index of its header line.

    Blank lines and Excel's ``sep=;`` hint line before the header are
    skipped; lines are counted as :func:`physical_lines` counts them.

    Parameters
    ----------
    text : str
        The file's text (or its head).

    Returns
    -------
    comments : list of str
        The comments, without ``#`` and the blanks around them.
    index : int
        0-based index of the header line among the lines.

    Examples
    --------
    >>> leading_comments("# Quelle: Demo\nsep=;\n\na;b\n1;2\n")
    (['Quelle: Demo'], 3)
    """
    comments = []
    index = 0
    for index, line in enumerate(physical_lines(text)):
        stripped = line.strip().lstrip("\ufeff")
        if stripped.startswith("#"):
            comments.append(stripped.lstrip("#").strip())
        elif _EXCEL_SEP.fullmatch(stripped):
            continue  # Excel's "sep=;" hint line: the header follows
        elif stripped:
            return comments, index
    return comments, index + 1


def _check_header(file: str, frame: pd.DataFrame) -> None:
    cols = list(frame.columns)
    for i, col in enumerate(cols):
        if col == "" or col.startswith("Unnamed:"):
            raise TableReadError(
                make_problem(
                    file, "file_parse", detail=f"Spalte {i + 1} ohne Namen / column without name"
                )
            )
    mangled = [c for c in cols if re.fullmatch(r".+\.\d+", c) and c.rsplit(".", 1)[0] in cols]
    if mangled:
        raise TableReadError(
            make_problem(file, "column_duplicate", column=mangled[0].rsplit(".", 1)[0])
        )


def _strip(frame: pd.DataFrame) -> pd.DataFrame:
    """Strip blanks around every cell; work on the categories, not on every row."""
    out = {}
    for col in frame.columns:
        s = frame[col]
        if not isinstance(s.dtype, pd.CategoricalDtype):
            s = s.astype("category")
        if s.hasnans:
            s = s.cat.add_categories([""]) if "" not in s.cat.categories else s
            s = s.fillna("")
        out[col] = _recode(s, s.cat.categories.str.strip())
    return pd.DataFrame(out, index=pd.RangeIndex(len(frame)), copy=False)


def _recode(s: pd.Series, new_categories: pd.Index) -> pd.Series:
    """Rename categories, merging those that became equal."""
    if new_categories.equals(s.cat.categories):
        return s
    uniques, inverse = np.unique(np.asarray(new_categories, dtype=object), return_inverse=True)
    codes = inverse[s.cat.codes.to_numpy()]
    cats = pd.Index(uniques, dtype="str")
    return pd.Series(pd.Categorical.from_codes(codes, cats), index=s.index, copy=False)


def _csv_record_lines(
    path: Path, encoding: str, sep: str, header_index: int, n_rows: int
) -> np.ndarray:
    """Line number (1-based) of each data record, walking the records with csv.

    Blank lines are no records. A row of separators only (``;;``, as Excel
    leaves one whose cells were emptied) is one for the readers, and is counted
    as such when the table holds it; otherwise it is skipped like a blank line.
    """
    first = header_index + 2  # header is line header_index + 1
    text = path.read_text(encoding=encoding)
    reader = csv.reader(physical_lines(text, keepends=True)[header_index + 1 :], delimiter=sep)
    filled, any_field = [], []
    previous = 0
    for record in reader:
        start = header_index + 1 + previous + 1
        previous = reader.line_num
        if record and any(cell.strip() for cell in record):
            filled.append(start)
        if len(record) > 1 or (record and record[0].strip()):
            any_field.append(start)
    for starts in (filled, any_field):
        if len(starts) == n_rows:
            return np.asarray(starts, dtype=np.int64)
    return np.arange(first, first + n_rows, dtype=np.int64)  # pragma: no cover - defensive


def _parser_error_line(message: str) -> int | None:
    m = re.search(r"line (\d+)", message)
    return int(m.group(1)) if m else None


def _parser_detail(message: str) -> str:
    m = re.search(r"Expected (\d+) fields in line \d+, saw (\d+)", message)
    if m:
        return (
            f"{m.group(2)} Felder statt {m.group(1)} / {m.group(2)} fields instead of {m.group(1)}"
        )
    return message.strip().splitlines()[-1][:120]


def _read_xlsx(path: Path, name: str, data: bytes) -> RawTable:
    import openpyxl  # local import: only needed for workbooks

    file = path.name
    if not data:
        raise TableReadError(make_problem(file, "file_empty"))
    if data.startswith(_OLE_SIGNATURE):
        raise TableReadError(make_problem(file, "file_xls_as_csv"))
    if not zipfile.is_zipfile(path):
        raise TableReadError(make_problem(file, "file_binary"))
    _check_zip_sizes(path)
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for broken workbooks
        raise TableReadError(
            make_problem(file, "file_unreadable", detail=type(exc).__name__)
        ) from None
    try:
        sheet = book[name] if name in book.sheetnames else book.worksheets[0]
        rows = [
            (i, [_cell_text(v) for v in row])
            for i, row in enumerate(sheet.iter_rows(values_only=True), start=1)
        ]
    finally:
        book.close()
    comments = []
    rows = [(i, r) for i, r in rows if any(r)]
    while rows and rows[0][1][0].startswith("#"):
        comments.append(" ".join(c for c in rows[0][1] if c).lstrip("#").strip())
        rows.pop(0)
    if not rows:
        raise TableReadError(make_problem(file, "file_empty" if not comments else "file_no_header"))
    header = rows[0][1]
    while header and header[-1] == "":
        header = header[:-1]
    width = len(header)
    body = rows[1:]
    for line, row in body:
        if any(row[width:]):
            raise TableReadError(
                make_problem(
                    file, "file_parse", line=line, detail=f"Werte außerhalb der {width} Spalten"
                )
            )
    frame = pd.DataFrame(
        [r[:width] + [""] * (width - len(r[:width])) for _, r in body],
        columns=[h.strip() for h in header],
        dtype=str,
    )
    _check_header(file, frame)
    if frame.columns.duplicated().any():
        dup = frame.columns[frame.columns.duplicated()][0]
        raise TableReadError(make_problem(file, "column_duplicate", column=dup))
    return RawTable(
        name=name,
        path=path,
        frame=_strip(frame),
        lines=np.asarray([line for line, _ in body], dtype=np.int64),
        header_line=rows[0][0],
        decimal=".",
        synthetic=_says_synthetic(comments),
        comments=tuple(comments),
        sha256=hashlib.sha256(data).hexdigest(),
    )


@dataclass(frozen=True)
class ZipLimits:
    """Limits a zip container must keep before anything in it is inflated.

    Attributes
    ----------
    total : int
        Largest sum of the members' declared uncompressed sizes (bytes).
    member : int
        Largest declared uncompressed size of one member (bytes).
    ratio : float
        Largest compression ratio (declared size / compressed size) of a member
        larger than ``ratio_floor``.
    ratio_floor : int
        Members smaller than this may compress better: they cannot hurt.
    members : int
        Most members.
    """

    total: int
    member: int
    ratio: float
    ratio_floor: int = 1024**2
    members: int = 10_000


@dataclass(frozen=True)
class ZipBreach:
    """The first limit a zip container breaks: ``kind`` is members/member/ratio/total."""

    kind: str
    value: float
    limit: float
    member: str = ""


WORKBOOK_LIMITS = ZipLimits(
    total=MAX_XLSX_UNCOMPRESSED,
    member=MAX_XLSX_UNCOMPRESSED,
    ratio=MAX_XLSX_RATIO,
    ratio_floor=XLSX_RATIO_FLOOR,
)


def zip_breach(members: list[zipfile.ZipInfo], limits: ZipLimits) -> ZipBreach | None:
    """Return the first limit the zip's declared sizes break, or None (nothing is inflated).

    The one rule for every zipped input (workbooks, LimeSurvey archives,
    XLSForms). Python's :mod:`zipfile` never inflates a member beyond its
    declared size, so a lying header cannot get past these limits.

    Parameters
    ----------
    members : list of zipfile.ZipInfo
        The central directory (``ZipFile.infolist()``).
    limits : ZipLimits
        The limits.

    Returns
    -------
    ZipBreach or None

    Examples
    --------
    >>> info = zipfile.ZipInfo("xl/sheet1.xml")
    >>> info.file_size, info.compress_size = 300 * 1024**2, 300 * 1024
    >>> zip_breach([info], WORKBOOK_LIMITS).kind
    'member'
    """
    if len(members) > limits.members:
        return ZipBreach("members", len(members), limits.members)
    total = 0
    for info in members:
        total += info.file_size
        if info.file_size > limits.member:
            return ZipBreach("member", info.file_size, limits.member, info.filename)
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > limits.ratio_floor and ratio > limits.ratio:
            return ZipBreach("ratio", ratio, limits.ratio, info.filename)
    if total > limits.total:
        return ZipBreach("total", total, limits.total)
    return None


def _check_zip_sizes(path: Path) -> None:
    """Refuse a workbook whose zip members would inflate beyond the limits, before inflating."""
    file = path.name
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise TableReadError(
            make_problem(file, "file_unreadable", detail=type(exc).__name__)
        ) from None
    breach = zip_breach(members, WORKBOOK_LIMITS)
    if breach is None:
        return
    mb = 1024**2
    if breach.kind == "ratio":
        problem = make_problem(
            file,
            "file_zip_ratio",
            member=breach.member,
            ratio=f"{breach.value:.0f}",
            limit=MAX_XLSX_RATIO,
        )
    else:
        problem = make_problem(
            file,
            "file_zip_too_large",
            size=f"{breach.value / mb:.0f}",
            limit=f"{breach.limit / mb:.0f}",
        )
    raise TableReadError(problem)


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
