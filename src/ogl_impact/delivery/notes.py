"""The labs' remarks (column „Anmerkung“): read from a workbook, kept beside the tables.

A lab may explain a value in the open column „Anmerkung“ of a data sheet.
The remarks are free text, so they never enter a programme table, a figure
or a report: collect keeps the non-empty remarks of every accepted workbook
in their own file :data:`NOTES_FILE` in the data folder, written through the
same safe writer and in the same all-or-none step as the other tables. The
file is not one of the programme tables (``validate`` names it as an unknown
table it does not read, ``process`` leaves it out). A revision adds its own
remarks; the earlier ones stay.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from ogl_impact.delivery.workbook import (
    HEADER_ROW,
    SHEET_MILESTONES,
    SHEET_PARTNERS,
    SHEET_VALUES,
)
from ogl_impact.io import leading_comments, line_of_byte, physical_lines
from ogl_impact.write.tables import stored_text, write_tables

NOTES_NAME = "delivery_notes"
NOTES_FILE = f"{NOTES_NAME}.csv"
"""File of the remarks in the data folder."""
NOTE_HEADER = "Anmerkung"
"""Header of the open remark column in the template."""
COLUMNS = (
    "lab_id",
    "period_id",
    "sheet",
    "indicator_id",
    "disaggregation",
    "cell",
    "text",
    "sha256",
    "received",
)
"""Columns of :data:`NOTES_FILE` (``indicator_id`` holds the row's id on every sheet)."""
COMMENT = (
    "Anmerkungen der Labore aus der Spalte „Anmerkung“ (ogl-impact collect); Freitext, "
    "nur zur Rückfrage, nie in Abbildungen oder Berichten"
)
_KEYS = {
    SHEET_VALUES: ("Indikator-ID", "Aufschlüsselung"),
    SHEET_MILESTONES: ("Meilenstein-ID", None),
    SHEET_PARTNERS: ("Name", None),
}
"""Per sheet, the headers of the row's id and of its disaggregation (None: none)."""


def read_notes(sheets: dict[str, list[list[object]]]) -> list[tuple[str, str, str, str, str]]:
    """Return the non-empty remarks of a workbook's data sheets.

    Parameters
    ----------
    sheets : dict of str to list of list
        Cell values per sheet, row 1 first (as
        :class:`~ogl_impact.delivery.read.RawWorkbook` holds them).

    Returns
    -------
    list of tuple
        (sheet, row id, disaggregation, cell, text) per remark, in sheet
        order. The row id is read from the remark's own row, so a sorted
        sheet keeps each remark with its indicator. A sheet without the
        column gives nothing.

    Examples
    --------
    >>> read_notes({"Indikatorwerte": [
    ...     ["Indikator-ID", "Aufschlüsselung", "Wert", "Anmerkung"],
    ...     ["i01", None, 3.0, "  geschätzt, Zählung fehlt "],
    ...     ["i02", "Frauen", 1.0, ""],
    ... ]})
    [('Indikatorwerte', 'i01', '', 'D2', 'geschätzt, Zählung fehlt')]
    """
    from ogl_impact.delivery.workbook import column_letter

    out = []
    for sheet, (id_header, sub_header) in _KEYS.items():
        rows = sheets.get(sheet) or []
        if len(rows) < HEADER_ROW:
            continue
        header = [_text(v) for v in rows[HEADER_ROW - 1]]
        if NOTE_HEADER not in header or id_header not in header:
            continue
        col = header.index(NOTE_HEADER)
        key = header.index(id_header)
        sub = header.index(sub_header) if sub_header in header else None
        for i, row in enumerate(rows[HEADER_ROW:], start=HEADER_ROW + 1):
            text = _text(row[col]) if col < len(row) else ""
            if not text:
                continue
            rid = _text(row[key]) if key < len(row) else ""
            part = _text(row[sub]) if sub is not None and sub < len(row) else ""
            out.append((sheet, rid, part, f"{column_letter(col)}{i}", text))
    return out


def lost_notes(
    sheets: dict[str, list[list[object]]], formulas: dict[str, dict[str, str]]
) -> list[tuple[str, str, str]]:
    """Return the remarks that are formulas without a text to keep.

    Excel makes a remark typed as „- siehe Bericht“ or „+ 3 Teilnehmende“ a
    formula whose result is an error; the cell then holds no text, and
    :func:`read_notes` has nothing to keep.

    Parameters
    ----------
    sheets : dict of str to list of list
        Cell values per sheet, row 1 first.
    formulas : dict of str to dict
        Per sheet, cell reference -> formula text (as
        :class:`~ogl_impact.delivery.read.RawWorkbook` holds them).

    Returns
    -------
    list of tuple
        (sheet, cell, formula) per remark cell with a formula and no text,
        in sheet and row order.

    Examples
    --------
    >>> lost_notes(
    ...     {"Indikatorwerte": [["Indikator-ID", "Anmerkung"], ["i01", ""], ["i02", "3 mehr"]]},
    ...     {"Indikatorwerte": {"B2": "=-siehe Bericht", "B3": "=A3"}},
    ... )
    [('Indikatorwerte', 'B2', '=-siehe Bericht')]
    """
    from ogl_impact.delivery.workbook import column_letter

    out = []
    for sheet in _KEYS:
        cells = formulas.get(sheet)
        rows = sheets.get(sheet) or []
        if not cells or len(rows) < HEADER_ROW:
            continue
        header = [_text(v) for v in rows[HEADER_ROW - 1]]
        if NOTE_HEADER not in header:
            continue
        col = header.index(NOTE_HEADER)
        letter = column_letter(col)
        for i, row in enumerate(rows[HEADER_ROW:], start=HEADER_ROW + 1):
            ref = f"{letter}{i}"
            if ref in cells and not (_text(row[col]) if col < len(row) else ""):
                out.append((sheet, ref, cells[ref]))
    return out


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def notes_frame(
    accepted: Iterable[tuple[str, str, str, list[tuple]]], received: pd.Timestamp
) -> pd.DataFrame:
    """Return the remarks of the accepted workbooks as rows of :data:`NOTES_FILE`.

    Parameters
    ----------
    accepted : iterable of tuple
        (lab_id, period_id, sha256, remarks from :func:`read_notes`) per
        accepted workbook.
    received : pandas.Timestamp
        Day the workbooks arrived.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`COLUMNS`, all text (``received`` as YYYY-MM-DD).
    """
    day = f"{pd.Timestamp(received):%Y-%m-%d}"
    rows = [
        (lab, period, sheet, rid, part, cell, text, sha, day)
        for lab, period, sha, notes in accepted
        for sheet, rid, part, cell, text in notes
    ]
    return pd.DataFrame(rows, columns=list(COLUMNS), dtype=object)


def read_stored(folder: Path) -> pd.DataFrame:
    """Return the remarks already stored in a data folder (none: an empty frame).

    Parameters
    ----------
    folder : Path
        The data folder.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`COLUMNS`, all text.

    Raises
    ------
    ValueError
        When the file is there but not a table of remarks (German message
        naming the file and the columns it lacks, or the line whose fields
        are not those of the header).
    """
    path = folder / NOTES_FILE
    if not path.exists():
        return pd.DataFrame(columns=list(COLUMNS), dtype=object)
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = line_of_byte(data, exc.start)
        raise ValueError(
            f"{path.name}: Zeile {line}: nicht UTF-8-kodiert (in Excel als „CSV "
            f"(Trennzeichen-getrennt)“ gespeichert?); bitte in Excel als „CSV UTF-8“ speichern "
            f"/ line {line}: not UTF-8; save it as CSV UTF-8"
        ) from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")  # as read_text gave it
    lines = physical_lines(text, keepends=True)
    # the comments (and Excel's sep=; line) above the header, as every table is read; a
    # remark's own line may start with "#" too
    _, first = leading_comments(text)
    lines = lines[first:]
    sep = ";" if lines and lines[0].count(";") >= lines[0].count(",") else ","
    reader = csv.reader(lines, delimiter=sep)
    rows: list[list[str]] = []
    starts: list[int] = []
    previous = 0
    try:
        for record in reader:
            if any(cell.strip() for cell in record):  # blank lines, Excel's ";;;;": no record
                rows.append(record)
                starts.append(first + previous + 1)
            previous = reader.line_num
    except csv.Error:
        line = first + previous + 1
        raise ValueError(
            f"{path.name}: Zeile {line}: ein Anführungszeichen wird nicht geschlossen; bitte "
            f"die Zeile prüfen / line {line}: a quote is never closed"
        ) from None
    if not rows:
        return pd.DataFrame(columns=list(COLUMNS), dtype=object)
    for record, line in zip(rows[1:], starts[1:], strict=True):
        if len(record) != len(rows[0]):
            raise ValueError(
                f"{path.name}: Zeile {line} hat {len(record)} statt {len(rows[0])} Felder; "
                f"bitte die Zeile prüfen (ein Trennzeichen oder Anführungszeichen zu viel?) / "
                f"line {line} has {len(record)} fields, the header {len(rows[0])}"
            )
    missing = [c for c in COLUMNS if c not in rows[0]]
    if missing:
        raise ValueError(
            f"{path.name}: Zeile {starts[0]} ist keine Kopfzeile der Anmerkungen; es fehlen die "
            f"Spalten {', '.join(missing)} / not a table of remarks"
        )
    frame = pd.DataFrame(rows[1:], columns=rows[0], dtype=object)
    return frame[list(COLUMNS)]


def unsaid(
    stored: pd.DataFrame, lab: str, period: str, notes: list[tuple[str, str, str, str, str]]
) -> list[tuple[str, str, str, str, str]]:
    """Return the remarks of a workbook that its row does not hold already.

    A lab that sends its workbook again (re-saved, or with a corrected value)
    still has last time's remarks in it; a remark equal to the latest one
    stored for the same lab, period, sheet, row and disaggregation is not
    taken a second time. A changed remark is new (and the earlier one stays).

    Parameters
    ----------
    stored : pandas.DataFrame
        The stored remarks (:func:`read_stored`).
    lab, period : str
        The workbook's lab and period.
    notes : list of tuple
        Its remarks (:func:`read_notes`).

    Returns
    -------
    list of tuple
        The remarks to keep, in their order.

    Examples
    --------
    >>> stored = notes_frame([("a", "sb1", "h", [("Indikatorwerte", "i01", "", "K2", "alt")])],
    ...                      pd.Timestamp("2022-01-01"))
    >>> unsaid(stored, "a", "sb1", [("Indikatorwerte", "i01", "", "K3", "alt"),
    ...                             ("Indikatorwerte", "i02", "", "K4", "neu")])
    [('Indikatorwerte', 'i02', '', 'K4', 'neu')]
    """
    if stored.empty or not notes:
        return list(notes)
    mine = stored[(stored["lab_id"] == lab) & (stored["period_id"] == period)]
    latest = {  # later rows are later remarks: the last one of a row wins
        (sheet, rid, part): text
        for sheet, rid, part, text in zip(
            mine["sheet"], mine["indicator_id"], mine["disaggregation"], mine["text"], strict=True
        )
    }
    # the file holds each text as write_tables stores it ('-5 % → "'-5 %", line breaks as \n)
    return [
        n
        for n in notes
        if latest.get((n[0], stored_text(n[1]), stored_text(n[2]))) != stored_text(n[4])
    ]


def write_notes(old: pd.DataFrame, new: pd.DataFrame, staging: Path) -> Path | None:
    """Write the stored remarks plus the new ones into the staging folder.

    Parameters
    ----------
    old : pandas.DataFrame
        Remarks stored before (:func:`read_stored`); kept, also where a
        revision brings a new remark for the same row.
    new : pandas.DataFrame
        Remarks of this run (:func:`notes_frame`).
    staging : Path
        The folder :func:`~ogl_impact.write.target.update_files` stages in.

    Returns
    -------
    Path or None
        The file written, None when there is nothing new to write.
    """
    if new.empty:
        return None
    frame = pd.concat([old, new], ignore_index=True)
    frame = frame.drop_duplicates(ignore_index=True)  # the same file collected again
    write_tables({NOTES_NAME: frame}, staging, COMMENT)
    return staging / NOTES_FILE


def accepted_notes(
    outcomes: Iterable[object], folder: Path, received: pd.Timestamp
) -> tuple[pd.DataFrame, pd.DataFrame] | None:
    """Return the stored remarks and those of the workbooks accepted in this run.

    Parameters
    ----------
    outcomes : iterable of Outcome
        The run's outcomes (:class:`~ogl_impact.delivery.check.Outcome`);
        only workbooks merged as ``accepted`` or ``revision`` count.
    folder : Path
        The data folder.
    received : pandas.Timestamp
        Day the workbooks arrived.

    Returns
    -------
    tuple of DataFrame or None
        (stored, new) for :func:`write_notes`; None when no accepted workbook
        has a remark (the file is then left as it is).

    Raises
    ------
    ValueError
        When the stored file is not a table of remarks.
    """
    accepted = [
        (o.lab_id, o.period_id, o.sha256, o.notes)
        for o in outcomes
        if getattr(o, "merged", False)
        and getattr(o, "outcome", "") in ("accepted", "revision")
        and getattr(o, "notes", None)
    ]
    if not accepted:
        return None
    return read_stored(Path(folder)), notes_frame(accepted, received)


__all__ = [
    "COLUMNS",
    "NOTES_FILE",
    "NOTE_HEADER",
    "accepted_notes",
    "lost_notes",
    "notes_frame",
    "read_notes",
    "read_stored",
    "unsaid",
    "write_notes",
]
