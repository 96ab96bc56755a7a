"""Feedback to the labs: the workbook with its problem cells marked, and a plain German page.

The marked copy is made with openpyxl, because it has to change a workbook
the lab wrote (XlsxWriter only writes new files): each cell with a finding
gets a red (error) or yellow (note) fill and a comment saying what was
found, what is expected and how to fix it. The HTML page lists the same per
sheet and cell. Everything goes into one folder, written through
:func:`ogl_impact.write.target.replace_folder`. A later batch into the same
folder replaces the pages and marked copies of the labs (workbooks) it
holds and keeps the others', so that feedback still unread is not lost; the
index lists them all. A file collected again (skipped) keeps the page its
workbook already has; the index lists the skip. A correction's page lists
each value it changed, old -> new.
"""

from __future__ import annotations

import html
import re
import shutil
import zipfile
from collections.abc import Sequence
from pathlib import Path

from ogl_impact.delivery.findings import Finding, Lang
from ogl_impact.delivery.workbook import COMPLETION_LABELS, STATUS_LABELS, WITHDRAW_LABEL
from ogl_impact.write.target import replace_folder

_TEXT = {
    "de": {
        "title": "Rückmeldung zur Datenlieferung",
        "accepted": "angenommen",
        "revision": "als Korrektur angenommen",
        "refused": "abgelehnt – bitte korrigieren und erneut senden",
        "skipped": "schon eingelesen, übersprungen",
        "blank": "nichts eingetragen, übersprungen – keine Lieferung",
        "unchanged": "keine Änderung – die gespeicherten Werte bleiben",
        "notes_only": (
            "Anmerkung übernommen, keine Werte geändert – die gespeicherten Werte bleiben"
        ),
        "notes_only_many": (
            "Anmerkungen übernommen, keine Werte geändert – die gespeicherten Werte bleiben"
        ),
        "info": "Info",
        "sheet": "Blatt",
        "cell": "Zelle",
        "found": "Gefundener Wert",
        "expected": "Erwartet",
        "fix": "So beheben Sie es",
        "kind": "Art",
        "error": "Fehler",
        "warning": "Hinweis",
        "none": "Keine Probleme gefunden. Vielen Dank!",
        "file": "Datei",
        "result": "Ergebnis",
        "copy": "Arbeitsmappe mit markierten Zellen",
        "index": "Rückmeldungen",
        "changed": "Geänderte Werte (alt → neu)",
        "indicator": "Indikator",
        "milestone": "Meilenstein",
        "partner": "Partner",
        "total": "Gesamtwert",
        "empty": "leer",
        "columns": {
            "value": "Wert",
            "status": "Status",
            "completion": "Umsetzungsstand",
            "achieved_date": "Erreicht am",
            "kind": "Art",
            "land": "Land",
        },
        "skip_kept": "schon eingelesen, übersprungen – die Rückmeldung von damals bleibt",
    },
    "en": {
        "title": "Feedback on the data delivery",
        "accepted": "accepted",
        "revision": "accepted as a revision",
        "refused": "refused – please correct and send again",
        "skipped": "already collected, skipped",
        "blank": "nothing entered, skipped – no delivery",
        "unchanged": "no change – the stored values stay",
        "notes_only": "remark taken, no values changed – the stored values stay",
        "notes_only_many": "remarks taken, no values changed – the stored values stay",
        "info": "Info",
        "sheet": "Sheet",
        "cell": "Cell",
        "found": "Value found",
        "expected": "Expected",
        "fix": "How to fix it",
        "kind": "Kind",
        "error": "Error",
        "warning": "Note",
        "none": "No problems found. Thank you!",
        "file": "File",
        "result": "Result",
        "copy": "Workbook with marked cells",
        "index": "Feedback",
        "changed": "Values changed (old → new)",
        "indicator": "Indicator",
        "milestone": "Milestone",
        "partner": "Partner",
        "total": "total",
        "empty": "empty",
        "columns": {
            "value": "Value",
            "status": "Status",
            "completion": "Completion",
            "achieved_date": "Achieved on",
            "kind": "Kind",
            "land": "Land",
        },
        "skip_kept": "already collected, skipped – the feedback given then stays",
    },
}
_CSS = (
    "body{font-family:sans-serif;max-width:60em;margin:2em auto;line-height:1.4;color:#1a1a1a}"
    "table{border-collapse:collapse;width:100%}th,td{border:1px solid #888;padding:.4em;"
    "text-align:left;vertical-align:top}th{background:#e8eef7}"
    ".error{background:#fde2e1}.warning{background:#fff4cc}"
)
_CSS_INFO = ".info{background:#e8f1fb}"
"""Added only to a page with notes (pages without keep the bytes they had before notes)."""


def feedback_stem(file: str, lab_id: str | None, period_id: str | None) -> str:
    """Return the base name of a workbook's feedback files.

    Examples
    --------
    >>> feedback_stem("Daten Brandis.xlsx", "brandis", "sb6")
    'brandis_sb6'
    >>> feedback_stem("unbekannt.xlsx", None, None)
    'unbekannt'
    """
    return f"{lab_id}_{period_id}" if lab_id and period_id else Path(file).stem


def marked_copy(source: Path, findings: Sequence[Finding], target: Path, lang: Lang = "de") -> bool:
    """Write a copy of ``source`` with each finding's cell filled and commented.

    Parameters
    ----------
    source : Path
        The workbook as the lab sent it.
    findings : sequence of Finding
        Its findings; those without a sheet and cell are not marked.
    target : Path
        Where to write the copy.
    lang : {"de", "en"}
        Language of the comments.

    Returns
    -------
    bool
        False when the file cannot be opened as a workbook (no copy written).
    """
    import openpyxl
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill

    try:
        book = openpyxl.load_workbook(source)
    except Exception:
        return False
    fills = {
        "error": PatternFill("solid", start_color="FFF4A6A0", end_color="FFF4A6A0"),
        "warning": PatternFill("solid", start_color="FFFFE699", end_color="FFFFE699"),
        "info": PatternFill("solid", start_color="FFDDEBF7", end_color="FFDDEBF7"),
    }
    t = _TEXT[lang]
    for f in findings:
        if not f.sheet or not f.cell or f.sheet not in book.sheetnames:
            continue
        try:
            cell = book[f.sheet][f.cell]
        except (ValueError, KeyError):
            continue
        if type(cell).__name__ == "MergedCell":
            continue
        cell.fill = fills[f.severity]
        found = f"{t['found']}: {f.value}\n" if f.value is not None else ""
        text = (
            f"{t['info']}: {f.fix(lang)}"
            if f.severity == "info"
            else f"{t[f.severity]}: {found}{t['expected']}: {f.expected(lang)}\n{f.fix(lang)}"
        )
        previous = cell.comment.text + "\n\n" if cell.comment else ""
        cell.comment = Comment(previous + text, "ogl-impact", width=320, height=160)
    _save_as_received(book, target)
    return True


class _TimelessZip(zipfile.ZipFile):
    """A zip archive whose members carry no time of writing (1980-01-01, the zip epoch)."""

    def writestr(  # type: ignore[override]
        self,
        zinfo_or_arcname: str | zipfile.ZipInfo,
        data: bytes | str,
        compress_type: int | None = None,
        compresslevel: int | None = None,
    ) -> None:
        """Write ``data`` as a member named ``zinfo_or_arcname``, dated the zip epoch."""
        if isinstance(zinfo_or_arcname, str):
            zinfo_or_arcname = zipfile.ZipInfo(zinfo_or_arcname, date_time=(1980, 1, 1, 0, 0, 0))
            zinfo_or_arcname.compress_type = self.compression
            zinfo_or_arcname.external_attr = 0o600 << 16
        super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)

    def write(  # type: ignore[override]
        self,
        filename: str,
        arcname: str | None = None,
        compress_type: int | None = None,
        compresslevel: int | None = None,
    ) -> None:
        """Write the file ``filename`` as a member, dated the zip epoch."""
        data = Path(filename).read_bytes()
        self.writestr(arcname or Path(filename).name, data, compress_type, compresslevel)


def _save_as_received(book: object, target: Path) -> None:
    """Save ``book`` without the time of saving: the same findings give the same bytes.

    openpyxl's ``save`` stamps the current time into docProps/core.xml
    (``dcterms:modified``) and every zip member; written here through its
    writer, the properties stay those of the workbook as received and the
    members carry the zip epoch.
    """
    from openpyxl.writer.excel import ExcelWriter

    with target.open("wb") as handle, _TimelessZip(handle, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(book, archive).save()


def _shown(column: str, value: object, lang: Lang) -> str:
    """Return a stored value as the workbook shows it (labels for codes, German dates)."""
    if value is None or (isinstance(value, float) and value != value) or value == "":
        return str(_TEXT[lang]["empty"])
    text = str(value)
    if column == "status":
        return WITHDRAW_LABEL if text == "withdraw" else STATUS_LABELS.get(text, text)
    if column == "completion":
        return COMPLETION_LABELS.get(text, text)
    if column == "achieved_date" and re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        year, month, day = text.split("-")
        return f"{day}.{month}.{year}"
    return text


def changes(revisions: object, lang: Lang = "de") -> list[str]:
    """Return one line per value a correction changed: what, which column, old → new.

    Parameters
    ----------
    revisions : pandas.DataFrame or None
        The workbook's rows of ``revisions.csv`` (table, row_key, column,
        old_value, new_value).
    lang : {"de", "en"}
        Language.

    Returns
    -------
    list of str
        E.g. ``"Indikator i03 (Gesamtwert), Wert: 28 → 30"``.
    """
    if revisions is None or not len(revisions):  # type: ignore[arg-type]
        return []
    t = _TEXT[lang]
    out = []
    for r in revisions.itertuples(index=False):  # type: ignore[attr-defined]
        key = str(r.row_key)
        if r.table == "indicator_values":
            iid, _, disagg = key.partition("|")
            what = f"{t['indicator']} {iid} ({disagg or t['total']})"
        elif r.table == "milestones":
            what = f"{t['milestone']} {key}"
        else:
            what = f"{t['partner']} {key}"
        column = t["columns"].get(str(r.column), str(r.column))  # type: ignore[union-attr]
        old, new = (
            _shown(str(r.column), r.old_value, lang),
            _shown(str(r.column), r.new_value, lang),
        )
        out.append(f"{what}, {column}: {old} → {new}")
    return out


def page(
    file: str,
    outcome: str,
    findings: Sequence[Finding],
    lang: Lang = "de",
    copy_name: str | None = None,
    changed: Sequence[str] = (),
) -> str:
    """Return the HTML feedback page of one workbook.

    Parameters
    ----------
    file : str
        File name as received.
    outcome : str
        accepted, revision, unchanged, refused, skipped, blank (nothing entered) or
        notes_only (remarks taken, no value changed).
    findings : sequence of Finding
        Its findings.
    lang : {"de", "en"}
        Language.
    copy_name : str, optional
        File name of the marked copy to link.
    changed : sequence of str
        For a correction, the values it changed (:func:`changes`).

    Returns
    -------
    str
        A complete HTML document.
    """
    t = _TEXT[lang]
    e = html.escape
    rows = []
    for f in findings:
        rows.append(
            f'<tr class="{f.severity}"><td>{e(t[f.severity])}</td><td>{e(f.sheet or "–")}</td>'
            f"<td>{e(f.cell or '–')}</td><td>{e(f.value if f.value is not None else '–')}</td>"
            f"<td>{e(f.expected(lang))}</td><td>{e(f.fix(lang))}</td></tr>"
        )
    body = (
        f"<table><thead><tr><th>{t['kind']}</th><th>{t['sheet']}</th><th>{t['cell']}</th>"
        f"<th>{t['found']}</th><th>{t['expected']}</th><th>{t['fix']}</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
        if rows
        else f"<p>{t['none']}</p>"
    )
    link = f'<p><a href="{e(copy_name)}">{t["copy"]}</a></p>' if copy_name else ""
    if changed:
        items = "".join(f"<li>{e(line)}</li>" for line in changed)
        link += f"<h2>{t['changed']}</h2><ul>{items}</ul>"
    css = _CSS + _CSS_INFO if any(f.severity == "info" for f in findings) else _CSS
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
        f"<title>{t['title']}: {e(file)}</title><style>{css}</style></head><body>"
        f"<h1>{t['title']}</h1><p>{t['file']}: <strong>{e(file)}</strong><br>"
        f"{t['result']}: <strong>{e(t.get(outcome, outcome))}</strong></p>{link}{body}"
        "</body></html>\n"
    )


_ITEM = re.compile(r'<li><a href="([^"]+)">(.*?)</a>: (.*?)</li>')
_COPY_SUFFIXES = ("_rueckmeldung.xlsx", "_feedback.xlsx")


def _stem_of(name: str) -> str | None:
    """Return the workbook stem of a feedback file (None: not a page or marked copy)."""
    if name == "index.html":
        return None
    if name.endswith(".html"):
        return name[: -len(".html")]
    for suffix in _COPY_SUFFIXES:
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return None


def _of(stem: str | None, base: str) -> bool:
    """Whether a page stem is ``base`` or ``base`` with a number (a lab's second workbook)."""
    return stem is not None and (
        stem == base or bool(re.fullmatch(re.escape(base) + r"_\d+", stem))
    )


_REFUSED = frozenset(_TEXT[lang]["refused"] for lang in ("de", "en"))
"""What the index says of a refused workbook (never the page of one collected before)."""


def _own_page(entry: tuple[str, str, str], file: str, stem: str) -> bool:
    """Whether an index entry is the page of then of ``file`` (collected before, stem ``stem``).

    The index names files, not their bytes: the entry must name the file,
    lie among the pages of its lab and period, and not say "refused" (a
    file collected before was accepted). A later workbook of the same name
    and lab that was accepted cannot be told apart.
    """
    page, named, result = entry
    return named == file and _of(_stem_of(page), stem) and result not in _REFUSED


def _earlier(
    out: Path, replaced: set[str], skipped: frozenset[tuple[str, str]] = frozenset()
) -> tuple[list[Path], list[tuple[str, str, str]], set[tuple[str, str]]]:
    """Files and index entries of an earlier batch in ``out`` whose workbooks are not replaced.

    The third item holds the pairs of ``skipped`` whose own page of then is
    among the kept entries (:func:`_own_page`).

    A page or marked copy is replaced when its stem is one of this batch's
    (or such a stem with a number, as a second workbook of the same lab gets),
    unless the index gives its page to a file of ``skipped`` (file and stem of
    a workbook sent again unchanged: the page of then stays, beside a new
    page of another workbook of the lab; :func:`_own_page`). A symbolic link
    in ``out`` (put there by hand) is not kept, and what it points to is
    never read.
    """

    def mine(stem: str) -> bool:
        return any(_of(stem, b) for b in replaced)

    index = out / "index.html"
    if index.is_symlink() or not index.is_file():
        return [], [], set()
    listed = [
        (html.unescape(h), html.unescape(f), html.unescape(r))
        for h, f, r in _ITEM.findall(index.read_text(encoding="utf-8"))
    ]
    stays = {_stem_of(e[0]) for e in listed for file, b in skipped if _own_page(e, file, b)}
    files = [  # a link is not an earlier page: never followed, never copied
        p
        for p in sorted(out.iterdir())
        if not p.is_symlink()
        and p.is_file()
        and (stem := _stem_of(p.name)) is not None
        and (stem in stays or not mine(stem))
    ]
    kept = {p.name for p in files}
    entries = [entry for entry in listed if entry[0] in kept]
    own = {(file, b) for file, b in skipped if any(_own_page(e, file, b) for e in entries)}
    return files, entries, own


def write_feedback(
    outcomes: Sequence[object], out: str | Path, inputs: Sequence[Path], lang: Lang = "de"
) -> list[Path]:
    """Write the feedback folder: per workbook a marked copy and a page, plus an index.

    Parameters
    ----------
    outcomes : sequence of Outcome
        From :func:`ogl_impact.delivery.collect.collect`.
    out : str or Path
        The feedback folder (refused when it is not ogl-impact's). It is
        replaced through the safe writer; the pages and marked copies of an
        earlier batch whose labs (workbooks) are not in this one are kept,
        the others replaced, and the index lists them all.
    inputs : sequence of Path
        The data folder and workbooks (OUT may not be or hold them).
    lang : {"de", "en"}
        Language.

    Returns
    -------
    list of Path
        Files written (in their final place).
    """
    out = Path(out)
    with replace_folder(out, "collect", list(inputs)) as staging:
        produced = stage_feedback(outcomes, out, staging, lang)
    return [out / p for p in produced]


def _skip_only(o: object) -> bool:
    """Whether a workbook was skipped: its very bytes were collected before, --period, or blank."""
    return getattr(o, "outcome", None) == "skipped" and any(
        f.rule in ("already_collected", "other_period", "nothing_entered")
        for f in o.findings  # type: ignore[attr-defined]
    )


def stage_feedback(
    outcomes: Sequence[object], out: Path, staging: Path, lang: Lang = "de"
) -> list[str]:
    """Write the feedback of ``outcomes`` into ``staging``, which will replace ``out``.

    Parameters
    ----------
    outcomes : sequence of Outcome
        From :func:`ogl_impact.delivery.collect.collect`.
    out : Path
        The feedback folder as it is now (its pages of other labs are copied
        over; already checked by :func:`~ogl_impact.write.target.check_target`).
    staging : Path
        The staging folder of :func:`~ogl_impact.write.target.replace_folder`.
    lang : {"de", "en"}
        Language.

    Returns
    -------
    list of str
        The files written, relative to the folder.

    Notes
    -----
    A file collected again (skipped, the same bytes as before) replaces no
    page: where the index keeps its own page of then, the index only lists
    the skip. Where there is none (the lab's page is another workbook's, of
    this batch or a later one, or the lab has none), it gets an
    "übersprungen" page of its own. An empty template of a collected
    period (nothing entered) is a line where the lab has a page, else a page.
    """
    t = _TEXT[lang]
    names: list[tuple[str, str, str]] = []
    skips: list[str] = []
    stems = [feedback_stem(o.file, o.lab_id, o.period_id) for o in outcomes]  # type: ignore[attr-defined]
    replacing = {s for o, s in zip(outcomes, stems, strict=True) if not _skip_only(o)}
    skipped = frozenset(
        (o.file, s)  # type: ignore[attr-defined]
        for o, s in zip(outcomes, stems, strict=True)
        if _skip_only(o)
    )
    earlier, entries, own = _earlier(out, replacing, skipped) if out.is_dir() else ([], [], set())
    for p in earlier:
        shutil.copy2(p, staging / p.name)
    kept_pages = {p.name[: -len(".html")] for p in earlier if p.suffix == ".html"}
    has_page = replacing | kept_pages
    used = set(kept_pages)  # a new page never takes the name of one kept
    for o, stem in zip(outcomes, stems, strict=True):
        other = next((f for f in o.findings if f.rule == "other_period"), None)  # type: ignore[attr-defined]
        if other is not None:  # left out by --period: a line, no page (nothing was checked)
            skips.append(f"{o.file}: {other.fix(lang)}")  # type: ignore[attr-defined]
            continue
        blank = next((f for f in o.findings if f.rule == "nothing_entered"), None)  # type: ignore[attr-defined]
        if _skip_only(o) and blank is not None and stem in has_page:  # no delivery: a line
            skips.append(f"{o.file}: {blank.fix(lang)}")  # type: ignore[attr-defined]
            continue
        if _skip_only(o) and blank is None and (o.file, stem) in own:  # type: ignore[attr-defined]
            # its own page of then stays: a line. Where the lab's page is another
            # workbook's (of this batch or a later one), it gets a page of its own
            skips.append(f"{o.file}: {t['skip_kept']}")  # type: ignore[attr-defined]
            continue
        base, n = stem, 2
        while stem in used:
            stem, n = f"{base}_{n}", n + 1
        used.add(stem)
        copy = f"{stem}_rueckmeldung.xlsx" if lang == "de" else f"{stem}_feedback.xlsx"
        has_copy = any(f.sheet and f.cell for f in o.findings) and marked_copy(  # type: ignore[attr-defined]
            o.path,  # type: ignore[attr-defined]
            o.findings,  # type: ignore[attr-defined]
            staging / copy,
            lang,
        )
        changed = (
            changes(getattr(o, "revisions", None), lang)
            if getattr(o, "outcome", None) == "revision"
            else []
        )
        result = o.outcome  # type: ignore[attr-defined]
        if result == "skipped" and blank is not None:
            result = "blank"  # not "already collected": nothing in it was ever collected
        elif only := [f for f in o.findings if f.rule == "notes_only"]:  # type: ignore[attr-defined]
            # taken, but only remarks: not a delivery of values
            result = "notes_only" if dict(only[0].params).get("n") == "1" else "notes_only_many"
        (staging / f"{stem}.html").write_text(
            page(o.file, result, o.findings, lang, copy if has_copy else None, changed),  # type: ignore[attr-defined]
            encoding="utf-8",
        )
        names.append((f"{stem}.html", o.file, t.get(result, result)))  # type: ignore[attr-defined]
    items = "".join(
        f'<li><a href="{html.escape(h)}">{html.escape(f)}</a>: {html.escape(r)}</li>'
        for h, f, r in [*entries, *names]
    )
    # a skip is this batch's news: a plain line (not carried into the next batch's index)
    items += "".join(f"<li>{html.escape(line)}</li>" for line in skips)
    (staging / "index.html").write_text(
        f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8"><title>'
        f"{t['index']}</title><style>{_CSS}</style></head><body><h1>{t['index']}</h1>"
        f"<ul>{items}</ul></body></html>\n",
        encoding="utf-8",
    )
    return sorted(p.relative_to(staging).as_posix() for p in staging.rglob("*") if p.is_file())


__all__ = [
    "changes",
    "feedback_stem",
    "marked_copy",
    "page",
    "stage_feedback",
    "write_feedback",
]
