"""The ``template`` and ``collect`` commands (called from :mod:`ogl_impact.cli`)."""

from __future__ import annotations

import os
import sys
from datetime import date
from pathlib import Path

import pandas as pd

from ogl_impact.dataset import short_lab_names
from ogl_impact.delivery.collect import (
    CollectError,
    DataChanged,
    NotAPeriod,
    ReceivedTooEarly,
    collect,
)
from ogl_impact.delivery.tables import NEEDED, load_tables
from ogl_impact.delivery.workbook import build_layout, empty_lab, split_by_lab
from ogl_impact.problems import format_text
from ogl_impact.spelling import closest
from ogl_impact.write.target import replace_folder

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


def _say(de: str, en: str, lang: str, *, err: bool = False) -> None:
    print(de if lang == "de" else en, file=sys.stderr if err else sys.stdout)


_LISTED = 30
"""Up to this many labs, a message about an unknown lab lists them all."""


def _near(given: str, known: list[str], *names: dict[str, str]) -> tuple[str, str]:
    """Return " – meinten Sie x?" (German, English) for the id closest to ``given``, or "".

    A lab may also be given by its name ("Brandis" for ``brandis``): ids are
    compared in lower case, and then the ``names`` (id -> name; full names
    first, then the short ones figures and tables show, "Oberrhein"). Several
    known labs in one value ("brandis, kehl") get " – je Labor ein --lab: ...".
    """
    lowered = given.strip().lower()
    candidates = {k.lower(): k for k in known}
    for named in names:
        candidates.update({v.lower(): k for k, v in named.items() if v.lower() not in candidates})
    parts = [p.strip() for p in lowered.replace(";", ",").split(",") if p.strip()]
    if len(parts) > 1 and all(p in candidates for p in parts):  # a list in one --lab
        flags = " ".join(f"--lab {candidates[p]}" for p in parts)
        return f" – je Labor ein --lab: {flags}", f" - one --lab per lab: {flags}"
    close = closest(lowered, candidates)
    if close is None:
        return "", ""
    match = candidates[close]
    return f" – meinten Sie {match}?", f" - did you mean {match}?"


def run_template(
    data: Path, period: str, labs: list[str] | None, out: Path, lang: str = "de", jobs: int = 1
) -> int:
    """Write one workbook per lab for ``period`` into ``out``; return the exit status.

    Parameters
    ----------
    data : Path
        Data folder.
    period : str
        Reporting period.
    labs : list of str, optional
        Labs (default: every lab of labs.csv).
    out : Path
        Output folder (replaced as a whole through the safe writer). For a
        period already collected, each workbook carries the stored values in
        its open cells (:func:`~ogl_impact.delivery.template.stored_fills`).
    lang : {"de", "en"}
        Language of the messages.
    jobs : int
        Worker processes.

    Returns
    -------
    int
        0 written, 1 data invalid, 2 unknown period or lab.
    """
    from ogl_impact.delivery.template import (
        DEADLINE_DAYS,
        stored_fills,
        workbook_name,
        write_workbooks,
    )
    from ogl_impact.delivery.workbook import reporting_periods

    tables = load_tables(data, NEEDED)
    if tables.errors:
        print(format_text(tables.errors, lang), file=sys.stderr)
        _say(
            f"{data}: Daten fehlerhaft, keine Vorlagen",
            f"{data}: data invalid, no templates",
            lang,
            err=True,
        )
        return EXIT_INVALID
    periods = tables.tables["periods"]
    known_periods = reporting_periods(periods)  # network workshops collect nothing
    if period not in known_periods:
        hint_de, hint_en = _near(period, known_periods)
        _say(
            f"ogl-impact template: „{period}“ ist kein Berichtszeitraum{hint_de or ';'} "
            f"Berichtszeiträume: {', '.join(known_periods)}",
            f"ogl-impact template: {period!r} is not a reporting period{hint_en or ';'} "
            f"reporting periods: {', '.join(known_periods)}",
            lang,
            err=True,
        )
        return EXIT_USAGE
    lab_table = tables.tables["labs"]
    names = dict(zip(lab_table["lab_id"].astype(str), lab_table["name"].astype(str), strict=True))
    wanted = labs or list(names)
    unknown = [lab for lab in wanted if lab not in names]
    if unknown:
        for lab in unknown:
            hint_de, hint_en = _near(lab, list(names), names, short_lab_names(lab_table))
            _say(
                f"ogl-impact template: unbekanntes Labor „{lab}“{hint_de}",
                f"ogl-impact template: unknown lab {lab!r}{hint_en}",
                lang,
                err=True,
            )
        listed = ", ".join(names) if len(names) <= _LISTED else ""
        _say(
            f"Labore (--lab, Spalte lab_id in labs.csv): {listed or 'siehe labs.csv'}",
            f"labs (--lab, column lab_id of labs.csv): {listed or 'see labs.csv'}",
            lang,
            err=True,
        )
        return EXIT_USAGE
    row = periods[periods["period_id"].astype(str) == period].iloc[0]
    deadline = row.get("deadline") if "deadline" in periods.columns else None
    if deadline is None or pd.isna(deadline):
        deadline = pd.Timestamp(row["end"]) + pd.Timedelta(days=DEADLINE_DAYS)
    per_lab = split_by_lab(tables.tables)
    stored = stored_fills(tables.tables, period)
    with replace_folder(out, "template", [data]) as staging:
        jobs_list = []
        for lab in wanted:
            own = per_lab.get(lab) or empty_lab(periods)
            layout = build_layout(own, lab, period)
            jobs_list.append(
                (
                    layout,
                    str(staging / workbook_name(lab, period)),
                    names[lab],
                    deadline,
                    stored.get(lab),
                )
            )
        write_workbooks(jobs_list, processes=max(1, jobs))
    _say(
        f"{out}: {len(wanted)} Vorlage{'n' * (len(wanted) != 1)} für {period} geschrieben "
        f"(Abgabe bis {deadline:%d.%m.%Y})",
        f"{out}: {len(wanted)} template{'s' * (len(wanted) != 1)} for {period} written "
        f"(due {deadline:%d.%m.%Y})",
        lang,
    )
    return EXIT_OK


_OUTCOME = {
    "de": {
        "accepted": "angenommen",
        "revision": "als Korrektur angenommen",
        "unchanged": "keine Änderung",
        "refused": "abgelehnt",
        "skipped": "übersprungen (schon eingelesen)",
    },
    "en": {
        "accepted": "accepted",
        "revision": "accepted as a revision",
        "unchanged": "no change",
        "refused": "refused",
        "skipped": "skipped (already collected)",
    },
}


_SKIPPED_BECAUSE = ("already_collected", "other_period", "nothing_entered")
"""Rules whose text is the whole line of a skipped workbook ("übersprungen – …")."""

_SAID_IN_LINE = ("unchanged", "notes_only")
"""Rules of an info the result line itself says (not repeated below it)."""

INFO_LINES = 5
"""Notes (info) shown per workbook in the terminal; the feedback page lists them all."""


def _print_outcome(o, lang: str, feedback: bool = True) -> None:
    """Print a workbook's result: one line, then its problems and (a few) notes.

    ``feedback``: whether a feedback folder is written (only then does the
    line about further notes point to it).
    """
    who = f" ({o.lab_id}, {o.period_id})" if o.lab_id else ""
    if o.outcome == "skipped":  # harmless: one line, no "Fehler"
        why = next((f for f in o.findings if f.rule in _SKIPPED_BECAUSE), None)
        twice = next((f for f in o.findings if f.rule == "duplicate_in_run"), None)
        if why is not None:
            line = why.fix(lang)  # "übersprungen – ... schon am ... eingelesen."
        elif twice is not None:
            line = f"{_OUTCOME[lang]['skipped'].split(' (')[0]} – {twice.fix(lang)}"
        else:
            line = _OUTCOME[lang]["skipped"]
        print(f"{o.file}{who}: {line}")
        return
    only = next((f for f in o.findings if f.rule == "notes_only"), None)
    print(f"{o.file}{who}: {only.fix(lang) if only else _OUTCOME[lang][o.outcome]}")
    infos = [f for f in o.findings if f.severity == "info" and f.rule not in _SAID_IN_LINE]
    for f in o.findings:
        if f.severity != "info":
            print("  " + f.line(lang))  # type: ignore[arg-type]
    shown = infos if len(infos) <= INFO_LINES else infos[: INFO_LINES - 2]
    for f in shown:
        print("  " + f.line(lang))  # type: ignore[arg-type]
    if len(shown) < len(infos):
        rest = len(infos) - len(shown)
        where = ("; alle in der Rückmeldung", "; all in the feedback") if feedback else ("", "")
        _say(
            f"  … und {rest} weitere Hinweise (leer gelassene Zellen: die gespeicherten Werte "
            f"bleiben){where[0]}",
            f"  … and {rest} more notes (cells left empty: the stored values stay){where[1]}",
            lang,
        )


def received_day(day: date | None, today: date | None = None) -> pd.Timestamp | None:
    """Check the day of ``--received``; None (with a message) when it lies after today.

    Parameters
    ----------
    day : datetime.date or None
        The day given (read like ``status --as-of``: ``2026-12-01`` or
        ``01.12.2026``, see :func:`ogl_impact.cli.status.parse_day`); None: today.
    today : datetime.date, optional
        Today (for tests).

    Returns
    -------
    pandas.Timestamp or None
        The day, or None after printing why it cannot be used: a workbook
        cannot have arrived after today.

    Examples
    --------
    >>> received_day(date(2026, 12, 1), today=date(2026, 12, 1))
    Timestamp('2026-12-01 00:00:00')
    """
    today = today or date.today()
    if day is None:
        return pd.Timestamp(today)
    if day > today:
        print(
            f"ogl-impact collect: --received {day:%d.%m.%Y} liegt nach heute ({today:%d.%m.%Y}); "
            "bitte den Tag angeben, an dem die Arbeitsmappen eingegangen sind / is after today; "
            "give the day the workbooks arrived",
            file=sys.stderr,
        )
        return None
    return pd.Timestamp(day)


def run_collect(
    paths: list[Path],
    data: Path,
    feedback: Path | None,
    received: pd.Timestamp,
    period: str | None = None,
    lang: str = "de",
) -> int:
    """Collect workbooks into ``data``, write feedback; return the exit status.

    Parameters
    ----------
    paths : list of Path
        Workbooks or folders.
    data : Path
        Data folder.
    feedback : Path, optional
        Feedback folder.
    received : pandas.Timestamp
        Day the workbooks arrived.
    period : str, optional
        Only this period's workbooks are accepted.
    lang : {"de", "en"}
        Language.

    Returns
    -------
    int
        0 all accepted, 1 any refused (or the data folder invalid), 2 unusable arguments
        (also a --period that is no reporting period) or a table changed during the run.
    """
    missing = [p for p in paths if not p.exists()]
    if missing:
        _say(
            f"ogl-impact collect: nicht gefunden: {', '.join(map(str, missing))}",
            f"ogl-impact collect: not found: {', '.join(map(str, missing))}",
            lang,
            err=True,
        )
        return EXIT_USAGE
    if not data.is_dir():
        _say(
            f"ogl-impact collect: kein Ordner: {data}",
            f"ogl-impact collect: not a folder: {data}",
            lang,
            err=True,
        )
        return EXIT_USAGE
    from ogl_impact.write.target import check_replaceable, check_target, check_writable

    check_writable(data)  # before any work: a read-only folder is refused like a foreign one
    if feedback is not None:
        check_target(feedback, "collect", [data, *paths])
        for place in (Path(feedback), Path(feedback).resolve().parent):
            check_writable(place)
        check_replaceable(feedback)  # a locked file inside would stay behind after the swap
    result = None
    try:
        result = collect(
            paths,
            data,
            received=received,
            period=period,
            feedback=feedback,
            feedback_inputs=[data, *paths],
            lang=lang,
        )
        return _report(result, feedback, lang)
    except (DataChanged, NotAPeriod, ReceivedTooEarly) as exc:  # start again, mended
        print(f"ogl-impact collect: {exc}; nichts geändert / nothing changed", file=sys.stderr)
        return EXIT_USAGE
    except CollectError as exc:
        if exc.problems:
            print(format_text(exc.problems, lang), file=sys.stderr)
        print(f"ogl-impact collect: {exc}; nichts geändert / nothing changed", file=sys.stderr)
        return EXIT_INVALID
    except KeyboardInterrupt as exc:
        if result is not None or getattr(exc, "committed", False):  # after the commit
            _say(*_interrupted_after_commit(data, feedback), lang, err=True)
        else:  # before the final renames: the staging folders are gone
            _say("Abgebrochen – nichts geändert", "Interrupted – nothing changed", lang, err=True)
        raise  # exit 130 (Ctrl-C) or 143 (SIGTERM), as any interrupted command


def _interrupted_after_commit(data: Path, feedback: Path | None) -> tuple[str, str]:
    """Return the line (German, English) for a Ctrl-C that came after the commit.

    Tables, register and feedback were all in place when the interrupt took
    effect (:class:`~ogl_impact.write.target.CriticalSection`); only the
    report on the console may be cut short. The line names the data folder
    and where the feedback is, or that none was written, so that nobody
    runs the delivery again to be sure.

    Parameters
    ----------
    data : Path
        The data folder.
    feedback : Path or None
        The ``--feedback`` folder (None: not asked for).

    Returns
    -------
    tuple of str
        The German and the English line (one line each, after a line break
        that ends the ``^C`` the terminal echoed).
    """
    page = None if feedback is None else Path(feedback) / "index.html"
    if page is None:
        fb_de = "keine Rückmeldungen verlangt (ohne --feedback)"
        fb_en = "no feedback asked for (no --feedback)"
    elif page.is_file():
        fb_de, fb_en = f"Rückmeldungen in {page}", f"feedback in {page}"
    else:  # no workbook found: the feedback folder was left as it was
        fb_de = f"keine Rückmeldungen geschrieben, {feedback} unverändert"
        fb_en = f"no feedback written, {feedback} unchanged"
    return (
        f"\nAbgebrochen – der Lauf war schon abgeschlossen: alles ist vollständig geschrieben, "
        f"Tabellen und Register submissions.csv in {data}; {fb_de}; nur die Ausgabe hier ist "
        "unvollständig (siehe submissions.csv)",
        f"\nInterrupted – the run had already finished: everything is completely written, "
        f"tables and register submissions.csv in {data}; {fb_en}; only this output is "
        "incomplete (see submissions.csv)",
    )


def _report(result, feedback: Path | None, lang: str) -> int:
    """Print the outcome of every workbook and the summary; return the exit status."""
    if not result.outcomes:
        _say(
            "ogl-impact collect: keine Arbeitsmappen (.xlsx) gefunden",
            "ogl-impact collect: no workbooks (.xlsx) found",
            lang,
            err=True,
        )
        return EXIT_USAGE
    for o in result.outcomes:
        _print_outcome(o, lang, feedback is not None)
    if feedback is not None:  # written by collect, right after the data
        _say(
            f"Rückmeldungen: {feedback}{os.sep}index.html",
            f"Feedback: {feedback}{os.sep}index.html",
            lang,
        )
    n_ref = len(result.refused)
    files = ", ".join(p.name for p in result.written)  # only files whose bytes changed
    n = len(result.outcomes)
    _say(
        f"{n} Arbeitsmappe{'' if n == 1 else 'n'}, {n_ref} abgelehnt; geschrieben: "
        f"{files or 'nichts (keine Tabelle geändert)'}",
        f"{n} workbook{'' if n == 1 else 's'}, {n_ref} refused; written: "
        f"{files or 'nothing (no table changed)'}",
        lang,
    )
    return EXIT_INVALID if n_ref else EXIT_OK


__all__ = ["received_day", "run_collect", "run_template"]
