"""``ogl-impact status``: who delivered what, as the submissions register tells it.

Reads a data folder (validated like ``validate``), computes the deliveries
with :func:`ogl_impact.logic.deliveries` and prints plain-text tables:
without ``--period`` the reporting rate and timeliness per period, a line
per lab over the periods due, and every delivery that is late, refused or
missing; with ``--period`` one line per lab for that period (what is
expected, received, accepted, on time) and the period's rates.
"""

from __future__ import annotations

import re
import sys
from datetime import date
from pathlib import Path

import pandas as pd

from ogl_impact import vocab
from ogl_impact.spelling import closest

_TEXT = {
    "title": ("Datenlieferungen, Stand {day}", "Data deliveries as of {day}"),
    "rule": (
        "Abgabefrist: Spalte deadline in periods, sonst Ende des Zeitraums + {days} Tage. "
        "Lieferquote = angenommen / erwartet x 100, fristgerecht = bis zur Frist angenommen / "
        "erwartet x 100 (wie DHIS2).",
        "Deadline: column deadline of periods, else end of the period + {days} days. "
        "Reporting rate = accepted / expected x 100, on time = accepted by the deadline / "
        "expected x 100 (as in DHIS2).",
    ),
    "per_period": ("Je Zeitraum", "Per period"),
    "per_lab": ("Je Labor (fällige Zeiträume)", "Per lab (periods due)"),
    "problems": (
        "Verspätet, abgelehnt oder fehlend",
        "Late, refused or missing",
    ),
    "none": ("keine", "none"),
    "no_register": (
        "Hinweis: {folder} hat kein Register submissions.csv; es ist noch nichts eingegangen.",
        "Note: {folder} has no register submissions.csv; nothing has been received yet.",
    ),
    "not_begun": (
        "{period} beginnt erst am {start}; am {day} wird noch keine Lieferung erwartet.",
        "{period} begins on {start}; no delivery is expected on {day}.",
    ),
    "provisional": (
        "(vorläufig: Abgabefrist noch nicht verstrichen)",
        "(provisional: the deadline has not passed)",
    ),
    "unassigned": (
        "Außerdem {n} nicht zuordenbare {what} (Datei ohne erkennbares Labor oder "
        "Berichtszeitraum oder für einen Netzwerk-Workshop, abgelehnt; in keiner Lieferquote "
        "gezählt): {files}",
        "Also {n} {what} that could not be assigned (a file without a recognisable lab or "
        "reporting period, or for a network workshop, refused; counted in no reporting rate): "
        "{files}",
    ),
    "revised_rule": (
        "korrigiert: Werte, deren jetziger Wert (oder dessen Fehlen nach dem Zurückziehen) vom "
        "zuerst angenommenen abweicht; hin und zurück geändert zählt nicht. nur Status: Werte, "
        "bei denen allein gemessen/geschätzt korrigiert ist.",
        "revised: values whose present value (or its absence once withdrawn) differs from the "
        "one first accepted; changed and changed back does not count. status only: values "
        "whose measured/estimated alone was revised.",
    ),
    "rates": (
        "Lieferquote {rate} ({actual} von {expected}), fristgerecht {on_time} ({n_on_time} von "
        "{expected})",
        "Reporting rate {rate} ({actual} of {expected}), on time {on_time} ({n_on_time} of "
        "{expected})",
    ),
}

_HEAD = {
    "period": ("Zeitraum", "Period"),
    "deadline": ("Abgabefrist", "Deadline"),
    "expected": ("erwartet", "expected"),
    "received": ("eingegangen", "received"),
    "accepted": ("angenommen", "accepted"),
    "on_time": ("fristgerecht", "on time"),
    "rate": ("Lieferquote", "Rate"),
    "rate_on_time": ("fristgerecht %", "on time %"),
    "lab": ("Labor", "Lab"),
    "workbooks": ("Mappen", "Workbooks"),
    "refused": ("abgelehnt", "refused"),
    "revised": ("korrigiert", "revised"),
    "revised_status": ("nur Status", "status only"),
    "status": ("Stand", "Status"),
}


class StatusError(ValueError):
    """An argument of ``status`` that cannot be used (unknown period, bad date)."""


def parse_day(text: str) -> date:
    """Read ``--as-of`` as an ISO date (2021-05-31) or a German one (31.05.2021).

    Parameters
    ----------
    text : str
        The argument.

    Returns
    -------
    datetime.date

    Raises
    ------
    StatusError
        Saying which forms are understood.

    Examples
    --------
    >>> parse_day("31.05.2021")
    datetime.date(2021, 5, 31)
    """
    for pattern, order in (
        (r"(\d{4})-(\d{1,2})-(\d{1,2})", "ymd"),
        (r"(\d{1,2})\.(\d{1,2})\.(\d{4})", "dmy"),
    ):
        match = re.fullmatch(pattern, text.strip())
        if match:
            parts = dict(zip(order, map(int, match.groups()), strict=True))
            try:
                return date(parts["y"], parts["m"], parts["d"])
            except ValueError:
                break
    raise StatusError(
        f"--as-of „{text}“ ist kein gültiges Datum (erwartet JJJJ-MM-TT oder TT.MM.JJJJ) "
        f"/ is not a valid date (expected YYYY-MM-DD or DD.MM.YYYY)"
    )


def as_of_day(text: str | None, today: date | None = None) -> date:
    """Read ``--as-of`` and refuse a day after today (default: today).

    A status "as of" a day that has not come cannot be known: the register
    holds only what has arrived, so every delivery due by then would be
    shown missing. Like the days that record something that happened
    (:data:`ogl_impact.validate.HAPPENED`), the day must not lie after today.

    Parameters
    ----------
    text : str or None
        The argument (see :func:`parse_day`); None or empty: today.
    today : datetime.date, optional
        Today (for tests).

    Returns
    -------
    datetime.date

    Raises
    ------
    StatusError
        The day is no date or lies after today, naming option and value.

    Examples
    --------
    >>> as_of_day("01.12.2026", today=date(2026, 12, 3))
    datetime.date(2026, 12, 1)
    """
    today = today or date.today()
    if not text:
        return today
    day = parse_day(text)
    if day > today:
        raise StatusError(
            f"--as-of „{text}“ liegt nach heute ({today:%d.%m.%Y}); der Stand eines Tages, der "
            "noch nicht gekommen ist, ist nicht bekannt. Tippfehler im Jahr? Bitte heute oder "
            f"einen früheren Tag angeben / is after today ({today:%d.%m.%Y}): the status of a day "
            "that has not come is not known; give today or an earlier day"
        )
    return day


def check_period(periods: pd.DataFrame, period: str) -> None:
    """Refuse a period that is unknown or expects no delivery, suggesting the likely one.

    Parameters
    ----------
    periods : DataFrame
        The ``periods`` table.
    period : str
        The ``--period`` argument.

    Raises
    ------
    StatusError
        With "meinten Sie …?" for a near miss and the periods that expect a delivery.
    """
    from ogl_impact.logic import delivery_periods

    delivering = delivery_periods(periods)["period_id"].tolist()
    known = dict(zip(periods["period_id"], periods["kind"], strict=True))
    listed = ", ".join(delivering)
    if period in known and period not in delivering:
        kind = vocab.label(vocab.PERIOD_KINDS, known[period])
        kind_en = vocab.label(vocab.PERIOD_KINDS, known[period], "en")
        raise StatusError(
            f"{period} ist ein Zeitraum der Art „{kind}“; dafür liefern die Labore nichts. "
            f"Zeiträume mit Datenlieferung: {listed} / {period} is a period of kind "
            f"'{kind_en}': the labs deliver nothing for it. Periods with a delivery: {listed}"
        )
    if period not in known:
        close = closest(period, delivering)
        hint = f" – meinten Sie {close}?" if close is not None else "."
        hint_en = f" – did you mean {close}?" if close is not None else "."
        raise StatusError(
            f"unbekannter Zeitraum „{period}“{hint} Zeiträume mit Datenlieferung: {listed} "
            f"/ unknown period '{period}'{hint_en} Periods with a delivery: {listed}"
        )


def run(data: Path, period: str | None = None, lang: str = "de", as_of: str | None = None) -> int:
    """Print the delivery status of a data folder; return the exit status.

    Parameters
    ----------
    data : Path
        Data folder (``labs``, ``periods`` and, once ``collect`` has run,
        ``submissions`` and ``revisions``).
    period : str, optional
        Show one period lab by lab.
    lang : {"de", "en"}
        Language of the tables.
    as_of : str, optional
        The day to read the register on (default: today; not after today).

    Returns
    -------
    int
        0 shown, 1 the folder's tables are invalid (or half moved by a killed run),
        2 unusable arguments.
    """
    from ogl_impact.dataset import DataValidationError, load
    from ogl_impact.problems import format_text

    if not data.is_dir():
        print(f"ogl-impact status: kein Ordner / not a folder: {data}", file=sys.stderr)
        return 2
    try:
        day = as_of_day(as_of)
    except StatusError as exc:
        print(f"ogl-impact status: {exc}", file=sys.stderr)
        return 2
    from ogl_impact.write.target import interrupted

    half = interrupted(data)  # a status read from half-moved tables would mislead
    if half:
        print(half, file=sys.stderr)
        print(f"{data}: kein Stand / no status", file=sys.stderr)
        return 1
    try:
        ds = load(data)
    except DataValidationError as exc:
        print(format_text(exc.problems, lang), file=sys.stderr)
        print(f"{data}: ungültig, kein Stand / invalid, no status", file=sys.stderr)
        return 1
    for needed in ("labs", "periods"):
        if needed not in ds.tables:
            print(
                f"ogl-impact status: {data} hat keine Tabelle {needed} / has no table {needed}",
                file=sys.stderr,
            )
            return 1
    if period is not None:
        try:
            check_period(ds.periods, period)
        except StatusError as exc:
            print(f"ogl-impact status: {exc}", file=sys.stderr)
            return 2
    print(format_status(ds, period=period, lang=lang, as_of=day))
    return 0


def format_status(ds: object, *, period: str | None, lang: str, as_of: date) -> str:
    """Return the text ``status`` prints.

    Parameters
    ----------
    ds : Dataset
        Validated tables.
    period : str, optional
        One period lab by lab (checked with :func:`check_period`).
    lang : {"de", "en"}
        Language.
    as_of : date
        Day the register is read on.

    Returns
    -------
    str
    """
    from ogl_impact.dataset import lab_names
    from ogl_impact.logic import deliveries, period_names, reporting_rates

    def t(key: str, **fields: object) -> str:
        de, en = _TEXT[key]
        return (de if lang == "de" else en).format(**fields)

    def h(key: str) -> str:
        return _HEAD[key][0 if lang == "de" else 1]

    d = deliveries(ds, as_of=as_of)
    names = lab_names(ds)
    lines = [t("title", day=_day(as_of, lang)), t("rule", days=vocab.DEADLINE_DAYS)]
    if "submissions" not in ds.tables:
        lines.append(t("no_register", folder=ds.folder))
    lines.append("")
    if period is not None:
        part = d[d["period_id"] == period]
        if part.empty:
            start = ds.periods.set_index("period_id").at[period, "start"]
            lines.append(
                t("not_begun", period=period, start=_day(start, lang), day=_day(as_of, lang))
            )
            return "\n".join(lines)
        label = period_names(ds.periods, lang)[period]
        deadline = part["deadline"].iloc[0]
        due = bool(part["due"].iloc[0])
        head = f"{label} ({period}), {h('deadline')} {_day(deadline, lang)}"
        lines.append(head if due else f"{head} {t('provisional')}")
        rows = [
            [
                names.get(r.lab_id, r.lab_id),
                _day(r.received, lang),
                str(r.workbooks),
                str(r.refused),
                _day(r.accepted, lang),
                _yes(r.on_time, lang) if pd.notna(r.accepted) else "–",
                str(r.revised_values),
                str(r.revised_status),
                vocab.label(vocab.DELIVERY_STATUS, r.status, lang),
            ]
            for r in part.sort_values("lab_id", key=lambda s: s.map(names)).itertuples()
        ]
        heads = ["lab", "received", "workbooks", "refused", "accepted", "on_time", "revised"]
        lines += _table([*map(h, heads), h("revised_status"), h("status")], rows)
        lines.append(t("revised_rule"))
        lines.append("")
        lines.append(_rates_line(reporting_rates(part).iloc[0], t, lang))
        lines += _unassigned(ds, as_of, t, lang)
        return "\n".join(lines)

    rates = reporting_rates(d) if not d.empty else None
    lines.append(t("per_period"))
    rows = []
    if rates is not None:
        labels = period_names(ds.periods, lang)
        for r in rates.itertuples():
            name = f"{labels[r.period_id]} ({r.period_id})" + ("" if r.due else " *")
            rows.append(
                [
                    name,
                    _day(r.deadline, lang),
                    str(r.expected),
                    str(r.actual),
                    str(r.actual_on_time),
                    _pct(r.reporting_rate, lang),
                    _pct(r.reporting_rate_on_time, lang),
                ]
            )
    heads = ["period", "deadline", "expected", "accepted", "on_time", "rate", "rate_on_time"]
    lines += _table([h(k) for k in heads], rows)
    if rates is not None and not rates["due"].all():
        lines.append("* " + t("provisional"))
    lines.append("")
    due = d[d["due"]]
    lines.append(t("per_lab"))
    rows = []
    if not due.empty:
        per_lab = reporting_rates(due, by="lab_id")
        received = due.assign(got=due["workbooks"] > 0).groupby("lab_id")["got"].sum()
        for r in per_lab.sort_values("lab_id", key=lambda s: s.map(names)).itertuples():
            rows.append(
                [
                    names.get(r.lab_id, r.lab_id),
                    str(r.expected),
                    str(int(received[r.lab_id])),
                    str(r.actual),
                    str(r.actual_on_time),
                    _pct(r.reporting_rate, lang),
                    _pct(r.reporting_rate_on_time, lang),
                ]
            )
    heads = ["lab", "expected", "received", "accepted", "on_time", "rate", "rate_on_time"]
    lines += _table([h(k) for k in heads], rows)
    lines.append("")
    lines.append(t("problems"))
    bad = due[due["status"] != "on_time"]
    if bad.empty:
        lines.append(t("none"))
    else:
        rows = [
            [
                r.period_id,
                names.get(r.lab_id, r.lab_id),
                _day(r.deadline, lang),
                _day(r.received, lang),
                _day(r.accepted, lang),
                vocab.label(vocab.DELIVERY_STATUS, r.status, lang),
            ]
            for r in bad.itertuples()
        ]
        heads = ["period", "lab", "deadline", "received", "accepted", "status"]
        lines += _table([h(k) for k in heads], rows)
    lines += _unassigned(ds, as_of, t, lang)
    return "\n".join(lines)


def _unassigned(ds: object, as_of: date, t: object, lang: str) -> list[str]:
    """Lines on the files registered without lab and period (none: no lines)."""
    subs = ds.tables.get("submissions")
    if subs is None or subs.empty:
        return []
    # no lab, or a period that collects nothing (a network workshop's workbook, refused)
    periods = ds.tables.get("periods")
    if periods is None:  # which periods collect nothing cannot be told: only files without a lab
        apart = subs["lab_id"].isna()
    else:
        kinds = vocab.DELIVERY_PERIOD_KINDS
        collected = set(periods.loc[periods["kind"].isin(kinds), "period_id"])
        apart = subs["lab_id"].isna() | ~subs["period_id"].isin(collected)
    rows = subs[apart & (pd.to_datetime(subs["received"]) <= pd.Timestamp(as_of))]
    if rows.empty:
        return []
    n = len(rows)
    what = (
        ("Lieferung" if n == 1 else "Lieferungen")
        if lang == "de"
        else ("delivery" if n == 1 else "deliveries")
    )
    listed = rows.sort_values("received", kind="stable").itertuples()
    files = ", ".join(f"{r.workbook} ({_day(r.received, lang)})" for r in listed)
    return ["", t("unassigned", n=n, what=what, files=files)]


def _rates_line(r: object, t: object, lang: str) -> str:
    text = t(
        "rates",
        rate=_pct(r.reporting_rate, lang),
        actual=r.actual,
        expected=r.expected,
        on_time=_pct(r.reporting_rate_on_time, lang),
        n_on_time=r.actual_on_time,
    )
    return text if r.due else f"{text} {t('provisional')}"


def _day(value: object, lang: str) -> str:
    if value is None or pd.isna(value):
        return "–"
    stamp = pd.Timestamp(value)
    return stamp.strftime("%d.%m.%Y") if lang == "de" else stamp.strftime("%Y-%m-%d")


def _pct(value: float, lang: str) -> str:
    text = f"{value:.1f} %"
    return text.replace(".", ",") if lang == "de" else text


def _yes(flag: bool, lang: str) -> str:
    return ("ja" if flag else "nein") if lang == "de" else ("yes" if flag else "no")


def _table(head: list[str], rows: list[list[str]]) -> list[str]:
    """Columns padded to their widest cell; numbers right-aligned."""
    widths = [max(len(x) for x in col) for col in zip(head, *rows, strict=True)]
    numeric = [
        all(re.fullmatch(r"[\d.,]+( %)?|–", row[i]) for row in rows) and bool(rows)
        for i in range(len(head))
    ]

    def line(cells: list[str]) -> str:
        out = [
            c.rjust(w) if num else c.ljust(w)
            for c, w, num in zip(cells, widths, numeric, strict=True)
        ]
        return "  ".join(out).rstrip()

    return [line(head), line(["-" * w for w in widths]), *map(line, rows)]
