"""Write a lab's workbook for a reporting period (XlsxWriter).

XlsxWriter is used because the template needs what it writes directly:
data validation with input messages, locked and open cells on a protected
sheet, a hidden sheet, and fixed document properties, which with its fixed
zip timestamps make the same inputs give byte-identical files.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
from collections.abc import Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import xlsxwriter

from ogl_impact import vocab
from ogl_impact.delivery.workbook import (
    COLUMNS,
    HEADER_ROW,
    LISTS,
    MILESTONE_COLUMNS,
    OTHER_CODES,
    PARTNER_COLUMNS,
    PARTNER_ROWS,
    SHEET_GUIDE,
    SHEET_META,
    SHEET_MILESTONES,
    SHEET_PARTNERS,
    SHEET_VALUES,
    TEMPLATE_VERSION,
    VALUE_COLUMNS,
    WITHDRAW_LABEL,
    Layout,
    base_digest,
)
from ogl_impact.parse import MAX_ABS_NUMBER
from ogl_impact.procs import die_with_parent
from ogl_impact.write.tables import escape_cell

DEADLINE_DAYS = 14
"""Days after the end of a period by which the workbook is due (when periods.csv names none)."""


@dataclass(frozen=True)
class Fill:
    """Values to put into the open cells (for tests and benchmarks; labs fill their own).

    Attributes
    ----------
    values : mapping
        (indicator_id, disaggregation value) -> (value, status code).
    milestones : mapping
        milestone_id -> (completion code, achieved date or None).
    partners : sequence
        (name, kind code, land) of new partners.
    withdraw : bool
        Offer „Wert zurückziehen“ in the Status dropdown (the period holds
        stored values, see :func:`stored_fills`).
    base : bool
        Record ``values`` and ``milestones`` in the hidden sheet as the
        workbook's base (the stored values it was filled with), so that
        collect can tell a cell the lab changed from one it left as it was
        (:func:`~ogl_impact.delivery.keep.keep_stored`).
    """

    values: Mapping[tuple[str, str], tuple[float | None, str]] = field(default_factory=dict)
    milestones: Mapping[str, tuple[str, object]] = field(default_factory=dict)
    partners: Sequence[tuple[str, str, str]] = ()
    withdraw: bool = False
    base: bool = False


def stored_fills(tables: Mapping[str, pd.DataFrame], period_id: str) -> dict[str, Fill]:
    """Return, per lab, the values the data folder holds for a period, to fill its template.

    A lab then corrects what it sent instead of typing it again; an open
    cell it leaves as it is keeps the stored value, and so does one it
    empties (collect never deletes on an empty cell). Remarks are not
    carried: they are free text kept only in the data folder
    (``delivery_notes.csv``) and the workbooks travel by e-mail. Partners
    are not carried either: they belong to the lab, not to a period, and the
    sheet is for new ones.

    Parameters
    ----------
    tables : mapping of str to DataFrame
        Typed ``indicator_values`` and ``milestones``.
    period_id : str
        The period.

    Returns
    -------
    dict of str to Fill
        Only labs with stored rows for the period.
    """
    out: dict[str, dict] = {}
    iv = tables["indicator_values"]
    iv = iv[iv["period_id"].astype(str) == period_id]
    for lab, iid, d, value, status in zip(
        iv["lab_id"].astype(str),
        iv["indicator_id"].astype(str),
        iv["disaggregation_value"].astype(object).where(iv["disaggregation_value"].notna(), ""),
        iv["value"],
        iv["status"].astype(object).where(iv["status"].notna(), ""),
        strict=True,
    ):
        own = out.setdefault(lab, {"values": {}, "milestones": {}})
        own["values"][(iid, str(d))] = (_num(value), str(status))
    ms = tables["milestones"]
    ms = ms[ms["period_id"].astype(str) == period_id]
    for lab, mid, completion, achieved in zip(
        ms["lab_id"].astype(str),
        ms["milestone_id"].astype(str),
        ms["completion"].astype(object).where(ms["completion"].notna(), ""),
        ms["achieved_date"],
        strict=True,
    ):
        own = out.setdefault(lab, {"values": {}, "milestones": {}})
        own["milestones"][mid] = (str(completion), None if pd.isna(achieved) else achieved)
    return {
        lab: Fill(values=own["values"], milestones=own["milestones"], withdraw=True, base=True)
        for lab, own in out.items()
    }


def workbook_name(lab_id: str, period_id: str) -> str:
    """Return the file name of a lab's workbook.

    Examples
    --------
    >>> workbook_name("brandis", "sb6")
    'brandis_sb6.xlsx'
    """
    return f"{lab_id}_{period_id}.xlsx"


def _created(layout: Layout) -> dt.datetime:
    """Return the fixed creation date written into the file: the period's end."""
    end = layout.period_end
    return dt.datetime(end.year, end.month, end.day)


def _num(value: object) -> float | None:
    if value is None:
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


_MAX_CELL = 32767
"""Characters an Excel cell holds."""


def base_text(layout: Layout, fill: Fill) -> str:
    """Return the stored values a template is filled with, as the hidden sheet records them.

    Parameters
    ----------
    layout : Layout
        The workbook's rows (only cells it shows are recorded).
    fill : Fill
        The stored values.

    Returns
    -------
    str
        Compact JSON: ``{"v": [[indicator_id, disaggregation, value, status], ...],
        "m": [[milestone_id, completion, achieved date], ...]}``, in the order of
        the sheets; the same fill gives the same text.
    """
    values = []
    for iid, d in layout.value_keys:
        given = fill.values.get((iid, d))
        if given is not None:
            values.append([iid, d, _num(given[0]), given[1] or ""])
    milestones = []
    for mid in layout.milestone_keys:
        given = fill.milestones.get(mid)
        if given is not None:
            achieved = _date(given[1])
            milestones.append([mid, given[0] or "", f"{achieved:%Y-%m-%d}" if achieved else ""])
    return json.dumps({"v": values, "m": milestones}, ensure_ascii=False, separators=(",", ":"))


def _date(value: object) -> dt.datetime | None:
    if value is None or (not isinstance(value, dt.date) and pd.isna(value)):
        return None
    ts = pd.Timestamp(value)
    return dt.datetime(ts.year, ts.month, ts.day)


def write_workbook(
    layout: Layout,
    path: str | Path,
    *,
    lab_name: str = "",
    deadline: pd.Timestamp | None = None,
    fill: Fill | None = None,
) -> Path:
    """Write one lab's workbook for one period.

    Parameters
    ----------
    layout : Layout
        What the workbook holds (:func:`~ogl_impact.delivery.workbook.build_layout`).
    path : str or Path
        The file to write.
    lab_name : str
        Name of the lab for the guide sheet.
    deadline : pandas.Timestamp, optional
        Due date; default the end of the period plus :data:`DEADLINE_DAYS`.
    fill : Fill, optional
        Values for the open cells (tests and benchmarks).

    Returns
    -------
    Path
        The file written. The same arguments give the same bytes.
    """
    path = Path(path)
    deadline = deadline if deadline is not None else layout.period_end + pd.Timedelta(days=14)
    book = xlsxwriter.Workbook(
        str(path),
        {
            "strings_to_numbers": False,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "in_memory": True,
        },
    )
    book.set_properties(
        {
            "title": f"Datenlieferung {layout.lab_id} {layout.period_id}",
            "author": "ogl-impact",
            "company": "Regionale Open-Government-Labore",
            "created": _created(layout),
        }
    )
    fmt = _Formats(book)
    _guide(book, fmt, layout, lab_name, deadline)
    _values(book, fmt, layout, fill)
    _milestones(book, fmt, layout, fill)
    _partners(book, fmt, fill)
    meta = book.add_worksheet(SHEET_META)
    base = base_text(layout, fill) if fill is not None and fill.base else ""
    if len(base) > _MAX_CELL:  # too long for one cell: collect then treats it as before
        base = ""
    for row, (key, value) in enumerate(
        (
            ("ogl_impact", "Arbeitsmappe zur Datenlieferung; bitte nicht ändern"),
            ("lab_id", layout.lab_id),
            ("period_id", layout.period_id),
            ("template_version", TEMPLATE_VERSION),
            ("layout_hash", layout.hash),
            *(
                (
                    ("base", base),
                    ("base_hash", base_digest(layout.lab_id, layout.period_id, layout.hash, base)),
                )
                if base
                else ()
            ),
        )
    ):
        meta.write_string(row, 0, key)
        meta.write_string(row, 1, value)
    meta.protect()
    meta.hide()
    book.worksheets()[0].activate()
    book.close()
    return path


class _Formats:
    def __init__(self, book: xlsxwriter.Workbook) -> None:
        self.header = book.add_format(
            {"bold": True, "bg_color": "#D9E2F3", "border": 1, "text_wrap": True, "locked": True}
        )
        self.open_header = book.add_format(
            {"bold": True, "bg_color": "#FFF2CC", "border": 1, "text_wrap": True, "locked": True}
        )
        self.locked = book.add_format({"locked": True, "bg_color": "#F2F2F2"})
        self.locked_date = book.add_format(
            {"locked": True, "bg_color": "#F2F2F2", "num_format": "dd.mm.yyyy"}
        )
        self.open = book.add_format({"locked": False, "border": 1, "border_color": "#BFBFBF"})
        self.open_date = book.add_format(
            {"locked": False, "border": 1, "border_color": "#BFBFBF", "num_format": "dd.mm.yyyy"}
        )
        self.title = book.add_format({"bold": True, "font_size": 14})
        self.wrap = book.add_format({"text_wrap": True, "valign": "top"})
        self.bold = book.add_format({"bold": True, "valign": "top"})


def _header(sheet, fmt: _Formats, columns) -> None:
    for col, c in enumerate(columns):
        sheet.write_string(
            HEADER_ROW - 1, col, c.header, fmt.header if c.locked else fmt.open_header
        )
        sheet.set_column(col, col, c.width)
    sheet.freeze_panes(HEADER_ROW, 0)
    sheet.protect("", {"format_columns": True, "format_rows": True})


def _text(value: object) -> str:
    return escape_cell(
        "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)
    )


def _guide(book, fmt: _Formats, layout: Layout, lab_name: str, deadline: pd.Timestamp) -> None:
    sheet = book.add_worksheet(SHEET_GUIDE)
    sheet.set_column(0, 0, 24)
    sheet.set_column(1, 1, 90)
    sheet.write_string(0, 0, f"Datenlieferung {layout.period_label}", fmt.title)
    lines = [
        ("Labor", _text(lab_name or layout.lab_id)),
        ("Zeitraum", f"{layout.period_label} ({layout.period_id})"),
        ("Abgabe bis", f"{deadline:%d.%m.%Y}"),
        (
            "Was ist zu tun?",
            "Tragen Sie in den gelb markierten Spalten der Blätter „Indikatorwerte“, "
            "„Meilensteine“ und „Partner“ Ihre Angaben ein. Die grauen Spalten sind gesperrt. "
            "Bitte keine Zeilen oder Spalten löschen, einfügen oder sortieren und keine Blätter "
            "umbenennen. Zahlen als Zahl eintragen (12,5), Daten als Datum (30.10.2022), keine "
            "Formeln. Senden Sie die Datei unverändert im Format .xlsx zurück; der Dateiname "
            "darf sich ändern.",
        ),
        (
            "Leere Zellen",
            "Eine leere gelbe Zelle heißt: keine Angabe. Ist für diesen Zeitraum schon ein Wert "
            "gespeichert (die Vorlage zeigt ihn dann in den gelben Spalten), bleibt der "
            "gespeicherte Wert erhalten, auch wenn Sie die Zelle leer lassen oder leeren. Ändern "
            "Sie nur, was falsch ist. Einen gespeicherten Wert ziehen Sie zurück, indem Sie in "
            "der Spalte „Status“ „Wert zurückziehen“ wählen und „Wert“ leer lassen; der alte Wert "
            "bleibt in der Korrekturtabelle erhalten.",
        ),
        (
            "Anmerkungen",
            "Was Sie in der Spalte „Anmerkung“ schreiben, wird wörtlich im Datenordner des "
            "Programms aufbewahrt (delivery_notes.csv). Bitte keine personenbezogenen Daten "
            "eintragen: keine Namen, Telefonnummern oder E-Mail-Adressen.",
        ),
    ]
    row = 2
    for key, text in lines:
        sheet.write_string(row, 0, key, fmt.bold)
        sheet.write_string(row, 1, text, fmt.wrap)
        row += 1
    row += 1
    for name, columns in COLUMNS.items():
        sheet.write_string(row, 0, f"Blatt „{name}“", fmt.bold)
        row += 1
        for c in columns:
            state = "gesperrt" if c.locked else "auszufüllen"
            sheet.write_string(row, 0, c.header)
            sheet.write_string(row, 1, f"{c.help_de} ({state})", fmt.wrap)
            row += 1
        row += 1
    sheet.protect()


def _list_validation(
    sheet, first: int, last: int, col: int, sheet_name: str, key: str, extra: tuple = ()
) -> None:
    labels = [*LISTS[(sheet_name, key)].values(), *extra]
    column = next(c for c in COLUMNS[sheet_name] if c.key == key)
    rule = {
        "validate": "list",
        "source": labels,
        "input_title": column.header[:32],
        "input_message": column.help_de[:255],
        "error_title": "Ungültige Auswahl",
        "error_message": "Bitte einen Eintrag der Auswahlliste wählen: " + ", ".join(labels),
    }
    other = OTHER_CODES.get((sheet_name, key))
    if other is not None:  # offered, not enforced: Excel warns and lets the code through
        rule["error_type"] = "warning"
        rule["error_title"] = "Nicht in der Auswahlliste"
        rule["error_message"] = (
            f"Nicht in der Auswahlliste. Richtig, wenn es {other[1]} ist (Ja); sonst bitte "
            "einen Eintrag der Auswahlliste wählen (Nein)."
        )[:255]
    sheet.data_validation(first, col, last, col, rule)


def _date_validation(sheet, first: int, last: int, col: int, help_de: str) -> None:
    sheet.data_validation(
        first,
        col,
        last,
        col,
        {
            "validate": "date",
            "criteria": "between",
            "minimum": dt.date(2000, 1, 1),
            "maximum": dt.date(2100, 12, 31),
            "input_title": "Datum",
            "input_message": help_de[:255],
            "error_title": "Kein Datum",
            "error_message": "Bitte ein Datum eintragen, z. B. 30.10.2022.",
        },
    )


def _number_rule(measure: str, scale: tuple[float, float] | None = None) -> dict[str, object]:
    if scale is not None:  # an ordinal indicator: whole numbers on its scale, as validate asks
        return {
            "validate": "integer",
            "criteria": "between",
            "minimum": int(scale[0]),
            "maximum": int(scale[1]),
        }
    if measure == "percentage":
        return {"validate": "decimal", "criteria": "between", "minimum": 0, "maximum": 100}
    if measure == "count":
        return {"validate": "integer", "criteria": ">=", "value": 0}
    return {
        "validate": "decimal",
        "criteria": "between",
        "minimum": -MAX_ABS_NUMBER,
        "maximum": MAX_ABS_NUMBER,
    }


_NUMBER_HELP = {
    "percentage": "Prozent zwischen 0 und 100, als Zahl (z. B. 12,5).",
    "count": "Anzahl: ganze Zahl ab 0.",
}


def _values(book, fmt: _Formats, layout: Layout, fill: Fill | None) -> None:
    sheet = book.add_worksheet(SHEET_VALUES)
    _header(sheet, fmt, VALUE_COLUMNS)
    idx = {c.key: i for i, c in enumerate(VALUE_COLUMNS)}
    status_labels = LISTS[(SHEET_VALUES, "status")]
    for n, r in enumerate(layout.values.itertuples(index=False)):
        row = HEADER_ROW + n
        sheet.write_string(row, idx["indicator_id"], _text(r.indicator_id), fmt.locked)
        sheet.write_string(row, idx["name"], _text(r.name), fmt.locked)
        sheet.write_string(row, idx["level"], _text(r.level), fmt.locked)
        sheet.write_string(
            row, idx["measure"], vocab.MEASURES.get(r.measure, (r.measure,))[0], fmt.locked
        )
        for key in ("baseline", "target", "previous"):
            number = _num(getattr(r, key))
            if number is None:
                sheet.write_blank(row, idx[key], None, fmt.locked)
            else:
                sheet.write_number(row, idx[key], number, fmt.locked)
        sheet.write_string(row, idx["disaggregation"], _text(r.disaggregation), fmt.locked)
        given = fill.values.get((r.indicator_id, r.disaggregation)) if fill else None
        value = _num(given[0]) if given else None
        if value is None:
            sheet.write_blank(row, idx["value"], None, fmt.open)
        else:
            sheet.write_number(row, idx["value"], value, fmt.open)
        status = status_labels.get(given[1], "") if given else ""
        sheet.write_string(row, idx["status"], status, fmt.open) if status else sheet.write_blank(
            row, idx["status"], None, fmt.open
        )
        sheet.write_blank(row, idx["note"], None, fmt.open)
        scale = layout.scale_of.get(r.indicator_id)
        rule = dict(_number_rule(r.measure, scale))
        if scale is not None:
            said = f"Ganze Zahl der Skala von {scale[0]:g} bis {scale[1]:g}."
            rule.update(
                {
                    "input_title": "Wert",
                    "input_message": said,
                    "error_title": "Nicht auf der Skala",
                    "error_message": f"Bitte eine {said[0].lower()}{said[1:]}",
                }
            )
        else:
            rule.update(
                {
                    "input_title": "Wert",
                    "input_message": _NUMBER_HELP.get(
                        r.measure, "Zahl mit Dezimalkomma, z. B. 12,5. Keine Formel, kein Text."
                    ),
                    "error_title": "Keine gültige Zahl",
                    "error_message": "Bitte eine Zahl eintragen (z. B. 12,5); "
                    + _NUMBER_HELP.get(r.measure, ""),
                }
            )
        sheet.data_validation(row, idx["value"], row, idx["value"], rule)
    last = HEADER_ROW + max(len(layout.values), 1) - 1
    extra = (WITHDRAW_LABEL,) if fill is not None and fill.withdraw else ()
    _list_validation(sheet, HEADER_ROW, last, idx["status"], SHEET_VALUES, "status", extra)


def _milestones(book, fmt: _Formats, layout: Layout, fill: Fill | None) -> None:
    sheet = book.add_worksheet(SHEET_MILESTONES)
    _header(sheet, fmt, MILESTONE_COLUMNS)
    idx = {c.key: i for i, c in enumerate(MILESTONE_COLUMNS)}
    labels = LISTS[(SHEET_MILESTONES, "completion")]
    for n, r in enumerate(layout.milestones.itertuples(index=False)):
        row = HEADER_ROW + n
        sheet.write_string(row, idx["milestone_id"], _text(r.milestone_id), fmt.locked)
        sheet.write_string(row, idx["name"], _text(r.name), fmt.locked)
        planned = _date(r.planned_date)
        if planned is None:
            sheet.write_blank(row, idx["planned_date"], None, fmt.locked_date)
        else:
            sheet.write_datetime(row, idx["planned_date"], planned, fmt.locked_date)
        sheet.write_string(row, idx["previous"], _text(r.previous), fmt.locked)
        given = fill.milestones.get(r.milestone_id) if fill else None
        if given and given[0]:
            sheet.write_string(row, idx["completion"], labels.get(given[0], given[0]), fmt.open)
        else:
            sheet.write_blank(row, idx["completion"], None, fmt.open)
        achieved = _date(given[1]) if given else None
        if achieved is None:
            sheet.write_blank(row, idx["achieved_date"], None, fmt.open_date)
        else:
            sheet.write_datetime(row, idx["achieved_date"], achieved, fmt.open_date)
    last = HEADER_ROW + max(len(layout.milestones), 1) - 1
    _list_validation(sheet, HEADER_ROW, last, idx["completion"], SHEET_MILESTONES, "completion")
    help_de = MILESTONE_COLUMNS[idx["achieved_date"]].help_de
    _date_validation(sheet, HEADER_ROW, last, idx["achieved_date"], help_de)


def _partners(book, fmt: _Formats, fill: Fill | None) -> None:
    sheet = book.add_worksheet(SHEET_PARTNERS)
    _header(sheet, fmt, PARTNER_COLUMNS)
    kinds = LISTS[(SHEET_PARTNERS, "kind")]
    given = list(fill.partners) if fill else []
    for n in range(PARTNER_ROWS):
        row = HEADER_ROW + n
        name, kind, land = given[n] if n < len(given) else ("", "", "")
        for col, text in enumerate((_text(name), kinds.get(kind, kind), land)):
            if text:
                sheet.write_string(row, col, text, fmt.open)
            else:
                sheet.write_blank(row, col, None, fmt.open)
    last = HEADER_ROW + PARTNER_ROWS - 1
    sheet.data_validation(
        HEADER_ROW,
        0,
        last,
        0,
        {
            "validate": "length",
            "criteria": "<=",
            "value": 200,
            "input_title": "Name",
            "input_message": PARTNER_COLUMNS[0].help_de,
        },
    )
    _list_validation(sheet, HEADER_ROW, last, 1, SHEET_PARTNERS, "kind")
    _list_validation(sheet, HEADER_ROW, last, 2, SHEET_PARTNERS, "land")


def _write_one(job: tuple[Layout, str, str, pd.Timestamp | None, Fill | None]) -> str:
    layout, path, lab_name, deadline, fill = job
    write_workbook(layout, path, lab_name=lab_name, deadline=deadline, fill=fill)
    return path


def write_workbooks(
    jobs: Sequence[tuple[Layout, str, str, pd.Timestamp | None, Fill | None]],
    *,
    processes: int = 1,
    chunksize: int = 64,
) -> list[str]:
    """Write many workbooks, in a process pool when ``processes`` > 1.

    Parameters
    ----------
    jobs : sequence of tuple
        (layout, path, lab name, deadline, fill) per workbook.
    processes : int
        Worker processes.
    chunksize : int
        Jobs sent to a worker at once.

    Returns
    -------
    list of str
        The paths written, in the order of ``jobs``.
    """
    if processes <= 1 or len(jobs) < 2:
        return [_write_one(j) for j in jobs]
    with ProcessPoolExecutor(
        max_workers=processes, initializer=die_with_parent, initargs=(os.getpid(),)
    ) as pool:  # workers end with this process, even on kill -9
        return list(pool.map(_write_one, jobs, chunksize=chunksize))


__all__ = [
    "DEADLINE_DAYS",
    "Fill",
    "base_text",
    "workbook_name",
    "write_workbook",
    "write_workbooks",
]
