"""Read a returned workbook: cells by sheet, metadata, then typed rows and findings.

python-calamine reads the cells (chosen by measurement, see
``benchmarks/bench_delivery.py``: it reads the same templates several times
faster than openpyxl). Formulas and merged cells are spotted in the sheet
XML without inflating anything twice; only then is openpyxl asked for the
exact cells. For a plain archive (no comment, zip64, extra fields or
encryption; sizes and CRCs as declared) the central directory is read and
the sheet XML inflated here, which costs a fraction of :mod:`zipfile`'s
overhead; any other archive goes through :mod:`zipfile`, so every answer
and message stays its own.

:func:`read_raw` turns a file into a :class:`RawWorkbook` (or one finding
saying why it cannot be read); :func:`interpret` checks it against the
lab's :class:`~ogl_impact.delivery.workbook.Layout` and returns the rows
for ``indicator_values``, ``milestones`` and ``partners`` with every finding.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import io
import math
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import pandas as pd
import python_calamine

from ogl_impact.delivery.findings import Finding, finding
from ogl_impact.delivery.workbook import (
    COLUMNS,
    DATA_SHEETS,
    HEADER_ROW,
    LISTS,
    OTHER_CODES,
    SHEET_GUIDE,
    SHEET_META,
    SHEET_MILESTONES,
    SHEET_PARTNERS,
    SHEET_VALUES,
    WITHDRAW,
    WITHDRAW_LABEL,
    Layout,
    column_letter,
)
from ogl_impact.io import WORKBOOK_LIMITS, zip_breach
from ogl_impact.parse import MAX_ABS_NUMBER

_SUSPICIOUS = re.compile(rb"<(?:f|mergeCell)[\s>/]")
"""A formula (``<f>``) or a merged range (``<mergeCell>``) in a sheet's XML: one pass."""
_DE_NUMBER = re.compile(r"^[+-]?(\d{1,3}(\.\d{3})+|\d+)(,\d+)?$")
_EN_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")
_DE_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{2}|\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
_COMPLETE = "complete"
_ZIP_START = b"PK\x03\x04"  # a ZIP container's first local file header
_ZIP_END = b"PK\x05\x06"  # its end of central directory record ...
_ZIP_END_SPAN = 22 + 0xFFFF  # ... within its last bytes (the record and a comment)


@dataclass
class RawWorkbook:
    """A workbook as read: cell values per sheet and what the XML says about it.

    Attributes
    ----------
    file : str
        File name as received.
    path : Path
        Where it is.
    sha256 : str
        Hash of the file's bytes.
    sheets : dict of str to list of list
        Cell values per sheet (row 1 first), as python-calamine gives them.
    meta : dict of str to str
        Key-value pairs of the hidden sheet (empty when it is missing).
    formulas : dict of str to dict
        Per sheet, cell reference -> formula text.
    merged : dict of str to list of str
        Per sheet, merged ranges such as ``I7:J7``.
    percent : dict of str to set of str
        Per sheet, the cells with a percent number format (Excel shows
        0.443 as „44,3 %“).
    """

    file: str
    path: Path
    sha256: str
    sheets: dict[str, list[list[object]]] = field(default_factory=dict)
    meta: dict[str, str] = field(default_factory=dict)
    formulas: dict[str, dict[str, str]] = field(default_factory=dict)
    merged: dict[str, list[str]] = field(default_factory=dict)
    percent: dict[str, set[str]] = field(default_factory=dict)


def read_raw(path: str | Path) -> RawWorkbook | Finding:
    """Read a workbook's cells, or say why it cannot be read.

    Parameters
    ----------
    path : str or Path
        A returned ``.xlsx`` file.

    Returns
    -------
    RawWorkbook or Finding
        The cells, or one finding (not a workbook, cut off, too large when inflated, empty).
    """
    path = path if isinstance(path, Path) else Path(path)  # a Path made again costs 1 % here
    name = path.name
    try:
        data = path.read_bytes()
    except OSError as exc:
        what = exc.strerror or type(exc).__name__
        return finding(name, "not_a_workbook", detail=what, detail_en=what)
    digest = hashlib.sha256(data).hexdigest()
    members = _central_directory(data)
    fast = _inspect(data, members)
    if fast is not None:  # a plain archive within the limits: zipfile would say the same
        return _cells_of(name, path, digest, data, fast, members)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        if data.startswith(_ZIP_START) and _ZIP_END not in data[-_ZIP_END_SPAN:]:
            # the start of a ZIP container without its end: cut off while copied or downloaded
            return finding(name, "workbook_incomplete")
        if not data:
            return finding(name, "not_a_workbook", detail="leer", detail_en="empty")
        return finding(
            name,
            "not_a_workbook",
            detail="kein ZIP-Container, evtl. altes .xls oder .ods",
            detail_en="no ZIP container, perhaps an old .xls or an .ods",
        )
    breach = zip_breach(members, WORKBOOK_LIMITS)
    if breach is not None:
        return finding(name, "zip_limits", detail=f"{breach.value / 1024**2:.0f} MB")
    suspicious = False
    try:
        for info in members:
            if _is_sheet(info.filename):
                xml = archive.read(info)
                if _SUSPICIOUS.search(xml):
                    suspicious = True
                    break
    except Exception as exc:
        return finding(
            name, "not_a_workbook", detail=type(exc).__name__, detail_en=type(exc).__name__
        )
    return _cells_of(name, path, digest, data, suspicious)


def _is_sheet(filename: str) -> bool:
    return filename.startswith("xl/worksheets/") and filename.endswith(".xml")


def _cells_of(
    name: str,
    path: Path,
    digest: str,
    data: bytes,
    suspicious: bool,
    members: list[_Member] | None = None,
) -> RawWorkbook | Finding:
    """Read the cells with python-calamine (and formulas and merges where the XML has them)."""
    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = {  # the guide is text the lab does not fill: it is not read
            s: []
            if s == SHEET_GUIDE
            else book.get_sheet_by_name(s).to_python(skip_empty_area=False)
            for s in book.sheet_names
        }
    except Exception as exc:
        return finding(
            name, "not_a_workbook", detail=type(exc).__name__, detail_en=type(exc).__name__
        )
    raw = RawWorkbook(file=name, path=path, sha256=digest, sheets=sheets)
    try:
        raw.percent = _percent_cells(_member_reader(data, members))
    except (zipfile.BadZipFile, ValueError, OSError, KeyError, zlib.error):
        raw.percent = {}  # the cells were read; only the hint is lost
    if suspicious:
        raw.formulas, raw.merged = _formulas_and_merges(data)
    meta_rows = sheets.get(SHEET_META, [])
    raw.meta = {
        str(r[0]).strip(): _cell_str(r[1]) for r in meta_rows if len(r) >= 2 and str(r[0]).strip()
    }
    return raw


_PERCENT_BUILTIN = {9, 10}
"""Built-in number formats ``0%`` and ``0.00%``."""
_BUILTIN_ID = re.compile(rb'numFmtId="(?:9|10)"')
_TAG_ATTRS = re.compile(rb'([\w:]+)="([^"]*)"')
_NUMFMT = re.compile(rb"<(?:\w+:)?numFmt\s[^>]*>")
_CELLXFS = re.compile(rb"<(?:\w+:)?cellXfs\b[^>]*>(.*?)</(?:\w+:)?cellXfs>", re.S)
_XF = re.compile(rb"<(?:\w+:)?xf\b([^>]*)>")
_SHEET_TAG = re.compile(rb"<(?:\w+:)?sheet\s([^>]*)>")
_REL = re.compile(rb"<(?:\w+:)?Relationship\s([^>]*)>")
_CELL_TAG = re.compile(rb"<(?:\w+:)?c\s([^>]*)>")
_QUOTED = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')


def _attrs(text: bytes) -> dict[str, str]:
    return {
        k.decode().split(":")[-1]: html.unescape(v.decode()) for k, v in _TAG_ATTRS.findall(text)
    }


def _member_reader(data: bytes, members: list[_Member] | None = None):
    """Return a function giving a zip member's bytes by name (None when it is missing).

    ``members``: the central directory of a plain archive as
    :func:`_central_directory` read it (None: read through :mod:`zipfile`).
    """
    if members is not None:
        by_name = {m.filename: m for m in members}
        return lambda n: _inflate(data, by_name[n]) if n in by_name else None
    archive = zipfile.ZipFile(io.BytesIO(data))
    names = set(archive.namelist())
    return lambda n: archive.read(n) if n in names else None


def _percent_cells(read) -> dict[str, set[str]]:
    """Return, per data sheet, the cells whose number format shows a percent.

    The styles (``xl/styles.xml``) are looked at first: a workbook without a
    percent format (built-in 9 or 10, or a custom format with an unquoted
    ``%``) costs one small member; only otherwise are the sheets' ``s=``
    attributes read.
    """
    styles = read("xl/styles.xml")
    if not styles or (b"%" not in styles and not _BUILTIN_ID.search(styles)):
        return {}
    ids = set(_PERCENT_BUILTIN)
    for tag in _NUMFMT.findall(styles):
        a = _attrs(tag)
        if "%" in _QUOTED.sub("", a.get("formatCode", "")):
            ids.add(int(a.get("numFmtId", "-1")))
    xfs = _CELLXFS.search(styles)
    if xfs is None:
        return {}
    percent = {
        str(n)
        for n, xf in enumerate(_XF.findall(xfs.group(1)))
        if int(_attrs(xf).get("numFmtId", "0") or 0) in ids
    }
    if not percent:
        return {}
    book, rels = read("xl/workbook.xml"), read("xl/_rels/workbook.xml.rels")
    if not book or not rels:
        return {}
    targets = {a.get("Id"): a.get("Target", "") for a in map(_attrs, _REL.findall(rels))}
    out: dict[str, set[str]] = {}
    for a in map(_attrs, _SHEET_TAG.findall(book)):
        if a.get("name") not in DATA_SHEETS:
            continue
        target = targets.get(a.get("id"), "")
        member = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        xml = read(member)
        if not xml:
            continue
        cells = {c["r"] for c in map(_attrs, _CELL_TAG.findall(xml)) if c.get("s") in percent}
        if cells:
            out[a["name"]] = cells
    return out


class _Member(NamedTuple):
    """What :func:`ogl_impact.io.zip_breach` and the inflating need of a zip member.

    A named tuple: a workbook has a dozen members, and a frozen dataclass
    costs several times as much to make.
    """

    filename: str
    file_size: int
    compress_size: int
    compress_type: int
    crc: int
    header_offset: int


_END = struct.Struct("<4s4H2LH")
_CENTRAL = struct.Struct("<4s6H3L5H2L")
_LOCAL = struct.Struct("<4s5H3L2H")


def _inspect(data: bytes, members: list[_Member] | None = None) -> bool | None:
    """Scan the sheet XML of a plain zip archive (``members``: its central directory).

    Returns whether a sheet holds a formula or a merged range, or None where
    the archive breaks :data:`~ogl_impact.io.WORKBOOK_LIMITS` or
    is not the plain kind (comment, zip64, extra fields, data before it,
    encryption, other compression, a CRC or size that does not match): then
    :mod:`zipfile` reads it, and every answer and message is its own.
    """
    if members is None:
        members = _central_directory(data)
    if members is None or zip_breach(members, WORKBOOK_LIMITS) is not None:  # type: ignore[arg-type]
        return None
    suspicious = False
    for m in members:
        if _is_sheet(m.filename):
            xml = _inflate(data, m)
            if xml is None:
                return None
            if _SUSPICIOUS.search(xml):
                suspicious = True
                break
    return suspicious


def _central_directory(data: bytes) -> list[_Member] | None:
    if len(data) < _END.size:
        return None
    sig, disk, disk_cd, n_disk, n_total, cd_size, cd_offset, comment = _END.unpack_from(
        data, len(data) - _END.size
    )
    if (
        sig != b"PK\x05\x06"
        or comment
        or disk
        or disk_cd
        or n_disk != n_total
        or n_total in (0, 0xFFFF)
        or cd_offset + cd_size != len(data) - _END.size
    ):
        return None
    members = []
    pos = cd_offset
    for _ in range(n_total):
        if pos + _CENTRAL.size > cd_offset + cd_size:
            return None
        head = _CENTRAL.unpack_from(data, pos)
        (sig, _made, version, flags, method, _time, _date, crc, csize, size, n_name, n_extra,
         n_comment, _disk, _iattr, _eattr, offset) = head  # fmt: skip
        if (
            sig != b"PK\x01\x02"
            or n_extra
            or n_comment
            or flags & 0x1
            or method not in (0, 8)
            or version > 63
            or 0xFFFFFFFF in (csize, size, offset)
        ):
            return None
        raw_name = data[pos + _CENTRAL.size : pos + _CENTRAL.size + n_name]
        if b"\x00" in raw_name:
            return None
        try:  # ASCII reads the same in UTF-8 and cp437, and the ascii codec costs least
            filename = raw_name.decode(
                "ascii" if raw_name.isascii() else "utf-8" if flags & 0x800 else "cp437"
            )
        except UnicodeDecodeError:
            return None
        members.append(_Member(filename, size, csize, method, crc, offset))
        pos += _CENTRAL.size + n_name
    if pos != cd_offset + cd_size:
        return None
    return members


def _inflate(data: bytes, m: _Member) -> bytes | None:
    """Return a member's bytes (never more than its declared size), or None where unsure."""
    if m.header_offset + _LOCAL.size > len(data):
        return None
    sig, *_, n_name, n_extra = _LOCAL.unpack_from(data, m.header_offset)
    if sig != b"PK\x03\x04":
        return None
    start = m.header_offset + _LOCAL.size + n_name + n_extra
    packed = memoryview(data)[start : start + m.compress_size]  # no copy
    if len(packed) != m.compress_size:
        return None
    if m.compress_type == 0:
        out = bytes(packed)
    else:
        inflater = zlib.decompressobj(-15)
        try:
            out = inflater.decompress(packed, m.file_size + 1)
        except zlib.error:
            return None
    if len(out) != m.file_size or zlib.crc32(out) != m.crc:
        return None
    return out


def _cells(book: python_calamine.CalamineWorkbook, sheet: str) -> list[list[object]]:
    return book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)


def _formulas_and_merges(data: bytes) -> tuple[dict[str, dict[str, str]], dict[str, list[str]]]:
    """Locate formula cells and merged ranges (openpyxl; only for workbooks that have them)."""
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(data), data_only=False)
    formulas: dict[str, dict[str, str]] = {}
    merged: dict[str, list[str]] = {}
    for sheet in book.worksheets:
        found = {}
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    found[cell.coordinate] = str(cell.value)
        if found:
            formulas[sheet.title] = found
        ranges = [str(r) for r in sheet.merged_cells.ranges]
        if ranges:
            merged[sheet.title] = ranges
    return formulas, merged


def _cell_str(value: object) -> str:
    if type(value) is str:  # the common case first (same answer as below)
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _shown(value: object) -> str:
    """Return a cell value as the lab sees it (German number and date forms)."""
    if isinstance(value, bool):  # as a German Excel shows it
        return "WAHR" if value else "FALSCH"
    if isinstance(value, dt.datetime):
        return f"{value:%d.%m.%Y}"
    if isinstance(value, dt.date):
        return f"{value:%d.%m.%Y}"
    if isinstance(value, float):
        if math.isfinite(value) and abs(value) > MAX_ABS_NUMBER:  # as Excel shows it: 1E+16
            return f"{value:G}".replace(".", ",")
        return (str(int(value)) if value.is_integer() else repr(value)).replace(".", ",")
    return str(value)


@dataclass
class Returned:
    """A returned workbook, checked against its layout.

    Attributes
    ----------
    raw : RawWorkbook
        The cells.
    values : list of tuple
        (indicator_id, disaggregation_value, value, status, sheet_row) per
        filled row. The rows hold the Python values as read (``None`` where
        empty, ``pandas.Timestamp`` for dates): plain tuples, because a frame
        per workbook costs more than reading it.
    milestones : list of tuple
        (milestone_id, completion, achieved_date, sheet_row).
    partners : list of tuple
        (name, kind, land, sheet_row).
    findings : list of Finding
        Everything wrong or worth a note.
    blank_values : list of tuple
        (indicator_id, disaggregation_value, sheet_row) of the rows left
        empty (value and status): collect keeps a stored value there.
    blank_milestones : list of tuple
        (milestone_id, sheet_row) of the milestones left empty.
    """

    raw: RawWorkbook
    values: list[tuple]
    milestones: list[tuple]
    partners: list[tuple]
    findings: list[Finding] = field(default_factory=list)
    blank_values: list[tuple] = field(default_factory=list)
    blank_milestones: list[tuple] = field(default_factory=list)


def _choices(labels: dict[str, str]) -> dict[str, str]:
    """Map each code and label, case-folded, to its code (the first one wins, as in the list)."""
    out: dict[str, str] = {}
    for code, label in labels.items():
        out.setdefault(code.casefold(), code)
        out.setdefault(label.casefold(), code)
    return out


_CHOICES = {where: _choices(labels) for where, labels in LISTS.items()}
"""Per dropdown (sheet, column key): what a lab may type, case-folded, and its code."""


def _other_code(code: str, pattern: str, listed: dict[str, str]) -> bool:
    """Whether a code typed in beside a dropdown list is taken.

    It must match ``pattern``, and its country must not be one whose codes the
    list names completely (the 16 Länder: ``DE-NRW`` or ``DE-XX`` is a typo,
    not a partner abroad).
    """
    country = code.split("-", 1)[0]
    return bool(re.match(pattern, code)) and not any(c.split("-", 1)[0] == country for c in listed)


class _Sheet:
    """Cell access by column key for one data sheet, with findings."""

    def __init__(self, raw: RawWorkbook, name: str, out: list[Finding]):
        self.raw, self.name, self.out = raw, name, out
        self.rows = raw.sheets.get(name, [])
        header: dict[str, int] = {}  # each header's first column
        for at, v in enumerate(self.rows[HEADER_ROW - 1] if self.rows else []):
            header.setdefault(_cell_str(v), at)
        self.col: dict[str, int] = {}
        for c in COLUMNS[name]:
            if c.header in header:
                self.col[c.key] = header[c.header]
            else:
                self.out.append(
                    finding(
                        raw.file,
                        "column_missing",
                        sheet=name,
                        cell=f"{column_letter(len(self.col))}{HEADER_ROW}",
                        header=c.header,
                    )
                )
        self.ok = len(self.col) == len(COLUMNS[name])
        self.formulas = raw.formulas.get(name, {})

    def cell(self, row_index: int, key: str) -> object:
        row = self.rows[row_index]
        col = self.col[key]
        return row[col] if col < len(row) else ""

    def ref(self, row_index: int, key: str) -> str:
        return f"{column_letter(self.col[key])}{row_index + 1}"

    def data_rows(self) -> list[int]:
        """Return the indices (0-based) of rows below the header with any content."""
        rows = self.rows  # a row is empty when each cell is "" or None (counted in C)
        return [
            i
            for i in range(HEADER_ROW, len(rows))
            if rows[i].count("") + rows[i].count(None) != len(rows[i])
        ]

    def add(
        self, rule: str, row_index: int, col_key: str, value: object = None, **kw: object
    ) -> None:
        self.out.append(
            finding(
                self.raw.file,
                rule,
                sheet=self.name,
                cell=self.ref(row_index, col_key),
                value=None if value is None else _shown(value),
                **kw,
            )
        )

    def formula(self, row_index: int, key: str) -> bool:
        if not self.formulas:
            return False
        ref = self.ref(row_index, key)
        if ref in self.formulas:
            self.add("formula", row_index, key, formula=self.formulas[ref])
            return True
        return False

    def number(self, row_index: int, key: str) -> float | None:
        if self.formula(row_index, key):
            return None
        v = self.cell(row_index, key)
        if v is None or (isinstance(v, str) and not v.strip()):
            return None
        if isinstance(v, bool):
            self.add("text_not_number", row_index, key, v)
            return None
        if isinstance(v, dt.date | dt.time | dt.timedelta):  # "2.9" typed into German Excel
            self.add("date_not_number", row_index, key, v)
            return None
        if isinstance(v, int | float):
            number = float(v)
            if math.isnan(number) or math.isinf(number):
                self.add("text_not_number", row_index, key, v)
                return None
            if abs(number) > MAX_ABS_NUMBER:
                limit = f"{int(MAX_ABS_NUMBER):,}"
                self.add(
                    "number_too_large",
                    row_index,
                    key,
                    v,
                    limit_de=limit.replace(",", "."),
                    limit_en=limit,
                )
                return None
            percent = self.raw.percent.get(self.name)
            if percent and self.ref(row_index, key) in percent:
                shown = _shown(round(number * 100, 10))
                self.add(
                    "percent_format",
                    row_index,
                    key,
                    f"{shown} %",
                    percent=f"{shown} %",
                    stored=_shown(number),
                    number=shown,
                )
                return None
            return number
        text = str(v).strip().lstrip("'")
        if _DE_NUMBER.match(text) or _EN_NUMBER.match(text):
            # German Excel reads "2.9" typed again as a date: the advice gives the comma
            german = text.replace(".", ",") if _EN_NUMBER.match(text) else text
            self.add("number_as_text", row_index, key, v, number=text, number_de=german)
        else:
            self.add("text_not_number", row_index, key, v)
        return None

    def date(self, row_index: int, key: str) -> pd.Timestamp | None:
        if self.formula(row_index, key):
            return None
        v = self.cell(row_index, key)
        if v is None or (isinstance(v, str) and not v.strip()):
            return None
        if isinstance(v, dt.datetime | dt.date):
            return pd.Timestamp(v.year, v.month, v.day)
        text = str(v).strip()
        if isinstance(v, str) and (_DE_DATE.match(text) or _ISO_DATE.match(text)):
            self.add("date_as_text", row_index, key, v, date=text)
        else:
            self.add("not_a_date", row_index, key, v)
        return None

    def choice(self, row_index: int, key: str) -> str | None:
        if self.formula(row_index, key):
            return None
        v = _cell_str(self.cell(row_index, key))
        if not v:
            return None
        code = _CHOICES[(self.name, key)].get(v.casefold())
        if code is not None:
            return code
        other = OTHER_CODES.get((self.name, key))
        if other is not None and _other_code(v.upper(), other[0], LISTS[(self.name, key)]):
            return v.upper()  # a partner abroad: FR-GES
        self.add(
            "not_in_list",
            row_index,
            key,
            v,
            allowed=", ".join(LISTS[(self.name, key)].values()),
            other_de="" if other is None else f" oder {other[1]}",
            other_en="" if other is None else f" or {other[2]}",
        )
        return None

    def text(self, row_index: int, key: str) -> str:
        if self.formula(row_index, key):
            return ""
        return _cell_str(self.cell(row_index, key))


def check_structure(raw: RawWorkbook) -> list[Finding]:
    """Return findings about the workbook as a whole: empty, renamed sheets, merged cells.

    Parameters
    ----------
    raw : RawWorkbook
        The cells.

    Returns
    -------
    list of Finding
    """
    out: list[Finding] = []
    if not any(
        any(v not in ("", None) for v in row) for rows in raw.sheets.values() for row in rows
    ):
        return [finding(raw.file, "empty_workbook")]
    others = [s for s in raw.sheets if s not in (*DATA_SHEETS, SHEET_META, "Anleitung")]
    for name in DATA_SHEETS:
        if name not in raw.sheets:
            if others:  # renamed, probably: the sheets found are named
                guess = ", ".join(f"„{s}“" for s in others)
                guess_en = ", ".join(f"'{s}'" for s in others)
                said = {
                    "renamed": f" (umbenannt? vorhanden: {guess})",
                    "renamed_en": f" (renamed? found: {guess_en})",
                    "advice_de": "Bitte den ursprünglichen Namen wiederherstellen.",
                    "advice_en": "Please restore its original name.",
                }
            else:  # deleted: no name to restore
                said = {
                    "advice_de": "Bitte die Werte in die verschickte Vorlage eintragen, ohne "
                    "ein Blatt zu löschen.",
                    "advice_en": "Please enter the values into the template sent to you "
                    "without deleting a sheet.",
                }
            out.append(finding(raw.file, "sheet_missing", sheet=name, **said))
    for sheet, ranges in raw.merged.items():
        for r in ranges:
            out.append(
                finding(raw.file, "merged_cells", sheet=sheet, cell=r.split(":")[0], range=r)
            )
    return out


def interpret(
    raw: RawWorkbook,
    layout: Layout,
    stored_values: frozenset = frozenset(),
    stored_milestones: frozenset = frozenset(),
) -> Returned:
    """Check a workbook's rows against the layout and convert its cells.

    Parameters
    ----------
    raw : RawWorkbook
        The cells (metadata already matched to ``layout``'s lab and period).
    layout : Layout
        What the template held.
    stored_values : frozenset
        (indicator_id, disaggregation value) of the values the data folder
        holds for this lab and period: an empty Status there keeps the
        stored one (collect's keep rule) instead of being an error.
    stored_milestones : frozenset
        Milestone ids with a stored completion state, likewise.

    Returns
    -------
    Returned
        Rows of the filled cells and every finding; a row whose cells could
        not be read is left out (the workbook is refused anyway).
    """
    out = check_structure(raw)
    blank_values: list[tuple] = []
    blank_milestones: list[tuple] = []
    values = (
        _read_values(raw, layout, out, blank_values, stored_values)
        if SHEET_VALUES in raw.sheets
        else []
    )
    milestones = (
        _read_milestones(raw, layout, out, blank_milestones, stored_milestones)
        if SHEET_MILESTONES in raw.sheets
        else []
    )
    partners = _read_partners(raw, out) if SHEET_PARTNERS in raw.sheets else []
    return Returned(
        raw=raw,
        values=values,
        milestones=milestones,
        partners=partners,
        findings=out,
        blank_values=blank_values,
        blank_milestones=blank_milestones,
    )


def _match_rows(
    sheet: _Sheet,
    keys: list[tuple[str, ...]],
    key_of: callable,  # type: ignore[valid-type]
    shown: callable,  # type: ignore[valid-type]
) -> dict[tuple[str, ...], int]:
    """Map each expected key to its row; report deleted, inserted, duplicated and sorted rows."""
    expected = {k: n for n, k in enumerate(keys)}
    at = sheet.data_rows()
    got = [key_of(i) for i in at]
    if got == keys and len(expected) == len(keys):  # every row where the template put it
        return dict(zip(got, at, strict=True))
    found: dict[tuple[str, ...], int] = {}
    order = []
    first_key = "indicator_id" if sheet.name == SHEET_VALUES else "milestone_id"
    for i, key in zip(at, got, strict=True):
        if key in found:
            sheet.add(
                "row_duplicate",
                i,
                first_key,
                sheet.cell(i, first_key),
                key=shown(key),
                first=found[key] + 1,
            )
        elif key in expected:
            found[key] = i
            order.append(expected[key])
        else:
            sheet.add("row_inserted", i, first_key, sheet.cell(i, first_key), key=shown(key))
    for key, n in expected.items():
        if key not in found:
            sheet.out.append(
                finding(
                    sheet.raw.file,
                    "row_deleted",
                    sheet=sheet.name,
                    cell=f"A{HEADER_ROW + 1 + n}",
                    key=shown(key),
                )
            )
    if order != sorted(order):
        sheet.out.append(
            finding(
                sheet.raw.file,
                "rows_sorted",
                sheet=sheet.name,
                cell=f"A{HEADER_ROW + 1}",  # the first data row: the order is the sheet's
                severity="warning",
            )
        )
    return found


def _value_key(sheet: _Sheet):
    """Return the function giving a value row's key (indicator_id, disaggregation) as text."""
    cells, at_id, at_disagg = sheet.rows, sheet.col["indicator_id"], sheet.col["disaggregation"]

    def key_of(i: int) -> tuple[str, ...]:
        row = cells[i]
        return (
            _cell_str(row[at_id] if at_id < len(row) else ""),
            _cell_str(row[at_disagg] if at_disagg < len(row) else ""),
        )

    return key_of


def _milestone_key(sheet: _Sheet):
    """Return the function giving a milestone row's key (milestone_id,) as text."""
    return lambda i: (_cell_str(sheet.cell(i, "milestone_id")),)


def row_keys(raw: RawWorkbook) -> tuple[list[tuple[str, str]], list[str]] | None:
    """Return the row keys a workbook holds, as ``layout_digest`` takes them.

    (:func:`~ogl_impact.delivery.workbook.layout_digest`.)

    Parameters
    ----------
    raw : RawWorkbook
        The workbook as read.

    Returns
    -------
    tuple or None
        (value keys, milestone ids) of its rows in sheet order; None where a
        sheet or one of its columns is missing.
    """
    values = _Sheet(raw, SHEET_VALUES, [])
    milestones = _Sheet(raw, SHEET_MILESTONES, [])
    if not (values.ok and milestones.ok):
        return None
    value_key, milestone_key = _value_key(values), _milestone_key(milestones)
    return (
        [value_key(i) for i in values.data_rows()],  # type: ignore[misc]
        [milestone_key(i)[0] for i in milestones.data_rows()],
    )


def _read_values(
    raw: RawWorkbook,
    layout: Layout,
    out: list[Finding],
    blanks: list[tuple] | None = None,
    stored: frozenset = frozenset(),
) -> list[tuple]:
    sheet = _Sheet(raw, SHEET_VALUES, out)
    if not sheet.ok:
        return []
    cells, key_of = sheet.rows, _value_key(sheet)

    def shown(key: tuple[str, ...]) -> str:
        return f"Indikator {key[0]}" + (f", {key[1]}" if key[1] else "")

    found = _match_rows(sheet, layout.value_keys, key_of, shown)
    rows = []
    at_value, at_status = sheet.col["value"], sheet.col["status"]
    percent = raw.percent.get(sheet.name)
    choices = _CHOICES[(sheet.name, "status")]
    plain = not sheet.formulas  # no formula: a number and a listed Status need no checks
    for (iid, disagg), i in found.items():
        if plain:
            row = cells[i]
            v = row[at_value] if at_value < len(row) else ""
            st = row[at_status] if at_status < len(row) else ""
            if type(v) in (float, int) and type(st) is str:
                number, label = float(v), st.strip()
                code = choices.get(label.casefold()) if label != WITHDRAW_LABEL else None
                if (
                    code is not None
                    and not math.isnan(number)
                    and not math.isinf(number)
                    and abs(number) <= MAX_ABS_NUMBER
                    and not (percent and sheet.ref(i, "value") in percent)
                ):
                    rows.append((iid, disagg, number, code, i + 1))
                    continue
        if _cell_str(sheet.cell(i, "status")).strip() == WITHDRAW_LABEL:
            if not _blank(sheet.cell(i, "value")):
                sheet.add("withdraw_with_value", i, "value", sheet.cell(i, "value"))
            rows.append((iid, disagg, None, WITHDRAW, i + 1))
            continue
        value = sheet.number(i, "value")
        status = sheet.choice(i, "status")
        empty_value = _blank(sheet.cell(i, "value"))
        if value is None and status is None and empty_value:
            if blanks is not None and _blank(sheet.cell(i, "status")):
                blanks.append((iid, disagg, i + 1))
            continue  # not reported this period (a stored value stays)
        if (
            empty_value
            and status is not None
            and (iid, disagg) not in stored
            and sheet.ref(i, "value") not in sheet.formulas  # a formula has been said
        ):
            # a Status with no value, and none stored for it to belong to: nothing was
            # measured (or the value forgotten); a row without a value is not stored
            sheet.add(
                "status_without_value",
                i,
                "value",
                status=f"„{LISTS[(SHEET_VALUES, 'status')][status]}“",
                severity="warning",
            )
            if blanks is not None:
                blanks.append((iid, disagg, i + 1))
            continue
        if status is None and _blank(sheet.cell(i, "status")) and (iid, disagg) not in stored:
            sheet.add("status_missing", i, "status")
        rows.append((iid, disagg, value, status, i + 1))
    return rows


def _blank(v: object) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def _read_milestones(
    raw: RawWorkbook,
    layout: Layout,
    out: list[Finding],
    blanks: list[tuple] | None = None,
    stored: frozenset = frozenset(),
) -> list[tuple]:
    sheet = _Sheet(raw, SHEET_MILESTONES, out)
    if not sheet.ok:
        return []
    key_of = _milestone_key(sheet)
    found = _match_rows(
        sheet, [(k,) for k in layout.milestone_keys], key_of, lambda k: f"Meilenstein {k[0]}"
    )
    rows = []
    for (mid,), i in found.items():
        completion = sheet.choice(i, "completion")
        achieved = sheet.date(i, "achieved_date")
        if (
            achieved is not None
            and completion not in (None, _COMPLETE)
            and mid not in stored  # a stored one: collect's keep rule decides
        ):
            sheet.add(
                "date_not_complete",
                i,
                "achieved_date",
                achieved,
                completion=f"„{LISTS[(SHEET_MILESTONES, 'completion')][completion]}“",
            )
        if completion is None and _blank(sheet.cell(i, "completion")):
            if achieved is not None and mid not in stored:
                sheet.add("completion_missing", i, "completion")
            elif _blank(sheet.cell(i, "achieved_date")):
                if blanks is not None:
                    blanks.append((mid, i + 1))
                continue  # not reported (a stored state stays)
        rows.append((mid, completion, achieved, i + 1))
    return rows


def _read_partners(raw: RawWorkbook, out: list[Finding]) -> list[tuple]:
    sheet = _Sheet(raw, SHEET_PARTNERS, out)
    if not sheet.ok:
        return []
    rows = []
    first: dict[str, tuple[object, object, int]] = {}  # the first row of each partner
    for i in sheet.data_rows():
        said = len(out)
        name = sheet.text(i, "name")
        kind = sheet.choice(i, "kind")
        land = sheet.choice(i, "land")
        # "incomplete" only for a cell left empty: a formula (or an entry not in the list)
        # has been said already, and the workbook is refused for it
        if any(
            _blank(sheet.cell(i, key)) and sheet.ref(i, key) not in sheet.formulas
            for key in ("name", "kind", "land")
        ):
            sheet.add("partner_incomplete", i, "name", name or None)
            continue
        if len(out) > said:
            continue
        seen = first.setdefault(partner_name(name), (kind, land, i))
        if seen[2] != i and seen[:2] != (kind, land):  # which row is right cannot be told
            sheet.add("partner_twice", i, "name", name, other=sheet.ref(seen[2], "name"))
            continue
        rows.append((name, kind, land, i + 1))
    return rows


def partner_name(name: str) -> str:
    """Return a partner's name as compared: case and spacing (double, non-breaking) aside.

    Parameters
    ----------
    name : str
        The name as written.

    Returns
    -------
    str
        The name case-folded, with every run of white space one space.

    Examples
    --------
    >>> partner_name("Gemeinde\u00a0 Borsdorf ") == partner_name("gemeinde borsdorf")
    True
    """
    return " ".join(name.split()).casefold()


_SHOWN_CELLS = 3
"""Cells named in a note on a partly filled sheet."""


def filled_notes(returned: Returned, layout: Layout, remarks: bool = False) -> list[Finding]:
    """Say what a first delivery of a lab and period left empty.

    A workbook with no value, milestone or partner entered is refused: it
    is no delivery (a Status chosen or a remark written alone does not make
    one). Otherwise each data
    sheet with rows left empty gets one note naming how many and the first
    few cells (an empty ``Wert`` means "nicht erhoben"; nothing is refused).

    Parameters
    ----------
    returned : Returned
        The checked workbook.
    layout : Layout
        Its rows.
    remarks : bool
        Whether the lab wrote a remark (column „Anmerkung“); kept for the
        callers, a remark alone is no delivery.

    Returns
    -------
    list of Finding
    """
    file = returned.raw.file
    typed = any(v is not None for _, _, v, _, _ in returned.values)
    if not (typed or returned.milestones or returned.partners):
        # a Status chosen or a remark written alone is no delivery either
        return [finding(file, "nothing_filled")]
    out = []
    value_col = column_letter([c.key for c in COLUMNS[SHEET_VALUES]].index("value"))
    empty = sorted(
        [r for _, _, r in returned.blank_values]
        + [r for _, _, v, st, r in returned.values if v is None and st != WITHDRAW]
    )
    completion_col = column_letter([c.key for c in COLUMNS[SHEET_MILESTONES]].index("completion"))
    empty_ms = sorted(
        [r for _, r in returned.blank_milestones]
        + [r for _, c, _, r in returned.milestones if c is None]
    )
    for sheet, rows, total, col, what, column in (
        (SHEET_VALUES, empty, len(layout.value_keys), value_col, "Indikatorwerten", "Wert"),
        (
            SHEET_MILESTONES,
            empty_ms,
            len(layout.milestone_keys),
            completion_col,
            "Meilensteinen",
            "Umsetzungsstand",
        ),
    ):
        if not rows or sheet not in returned.raw.sheets:
            continue
        cells = [f"{col}{r}" for r in rows[:_SHOWN_CELLS]]
        out.append(
            finding(
                file,
                "partly_filled",
                sheet=sheet,
                cell=cells[0],
                severity="info",
                n=len(rows),
                total=total,
                what=what,
                what_en="indicator values" if sheet == SHEET_VALUES else "milestones",
                column=f"„{column}“",
                cells=", ".join(cells) + (", …" if len(rows) > _SHOWN_CELLS else ""),
            )
        )
    return out


def rows_of(frame: pd.DataFrame, *columns: str) -> zip:
    """Iterate the rows of ``frame`` as tuples of the given columns.

    The values are those :meth:`pandas.DataFrame.itertuples` yields (Python
    scalars, ``pd.Timestamp`` for dates), without its per-call overhead, which
    dominates for the few rows of a workbook.

    Parameters
    ----------
    frame : pandas.DataFrame
        The rows.
    *columns : str
        Columns, in the order of the tuples.

    Returns
    -------
    zip
        One tuple per row.
    """
    return zip(*(frame[c].tolist() for c in columns), strict=True)


__all__ = [
    "RawWorkbook",
    "Returned",
    "check_structure",
    "filled_notes",
    "interpret",
    "partner_name",
    "read_raw",
    "row_keys",
    "rows_of",
]
