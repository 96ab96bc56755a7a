"""Build the figures of one or all reports into reports/figures/<report>/.

For every figure the build writes PNG (300 dpi), SVG and PDF (or the
formats asked for with ``formats``) with fixed
metadata (no dates, no software versions, a fixed SVG id salt), so that a
second run gives byte-identical files, and the numbers drawn as
``<name>.csv``; then an ``index.html`` gallery with each figure's number,
caption, alt text, n and source. The figures are declared once in
:mod:`ogl_impact.reports.figures`; the build chooses its own backend
(:func:`~ogl_impact.reports.render.offscreen`) and leaves the caller's
alone. A figure the data cannot support
(:class:`~ogl_impact.reports.estimable.NotEstimable`) is listed in the
gallery and the progress line as "nicht schätzbar" with its reason, apart
from the figures whose data do not exist yet at the report's date; the rest
of the report is built. Each report is written into a staging
folder beside its target and swapped in when complete: a failed build leaves
the previous figures intact.
"""

from __future__ import annotations

import html
import sys
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

import matplotlib.pyplot as plt

from ogl_impact import privacy, vocab
from ogl_impact.dataset import Dataset
from ogl_impact.plots.style import house_style, number
from ogl_impact.procs import die_with_parent
from ogl_impact.reports.asof import as_of
from ogl_impact.reports.audit import PrivacyLeakError, audit, leak_lines
from ogl_impact.reports.disclosure import plan
from ogl_impact.reports.estimable import NotEstimable
from ogl_impact.reports.figures import FIGURES, Context, Drawn
from ogl_impact.reports.figures.base import lab_ids
from ogl_impact.reports.registry import Report, find, reports
from ogl_impact.reports.render import (
    FORMATS,
    check_figures,
    draw_spec,
    offscreen,
    save,
    shared_text_metrics,
    use_agg,
)
from ogl_impact.write.target import claim_folder, replace_file, replace_folder

NO_DATA_YET = {True: "Noch keine Daten zu diesem Zeitpunkt", False: "No data yet at this date"}
NOT_ESTIMABLE = {True: "nicht schätzbar", False: "not estimable"}
FIGURE_WORD = {True: "Abbildung", False: "Figure"}

_CSS = """
body { font-family: sans-serif; line-height: 1.4; max-width: 60rem; margin: 2rem auto;
  padding: 0 1rem; color: #222; background: #fff; }
h2 { font-size: 1.2rem; margin: 2.5rem 0 0; border-top: 1px solid #ddd; padding-top: 1rem; }
figure { margin: 1rem 0 2rem; }
figure + figure { border-top: 1px solid #ddd; padding-top: 1rem; }
img { max-width: 100%; height: auto; }
.meta { color: #555; font-size: 0.9rem; }
.synthetic { background: #fff3cd; padding: 0.5rem; }
.note { color: #555; }
.reason { color: #8a4b00; }
.visually-hidden { position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px;
  overflow: hidden; clip: rect(0, 0, 0, 0); white-space: nowrap; border: 0; }
"""
"""Styles of the galleries: every text colour at least 4.5:1 on its background (WCAG AA)."""


def _head(title: str, lang: str) -> str:
    """Open an HTML page: language, character set, viewport, title, styles."""
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head><meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)}</title>\n<style>{_CSS}</style></head>\n"
    )


def _german(text: str, de: bool) -> str:
    """Escape a German text (report titles); on an English page mark its language."""
    return html.escape(text) if de else f'<span lang="de">{html.escape(text)}</span>'


def _date(day: date, de: bool) -> str:
    """Write a date as ``<time>``: German or ISO form, machine-readable in ``datetime``."""
    shown = vocab.date_text(day, "de" if de else "en")
    return f'<time datetime="{day.isoformat()}">{shown}</time>'


def _card(
    d: Entry, number_: int, de: bool, synthetic: bool, formats: Sequence[str] = tuple(FORMATS)
) -> str:
    """One drawn figure: image (alt text), number, caption, notes, n, source, downloads.

    The image is the PNG, or the SVG when no PNG is written; the downloads are
    the formats written and the data table.
    """
    n = f"n = {number(d.n, 0)} · " if d.n is not None else ""
    notes = "".join(
        f'<p class="reason">{NOT_ESTIMABLE[de].capitalize()}: {html.escape(note)}</p>'
        for note in d.notes
    )
    mark = (
        f" · {'synthetische Demodaten' if de else 'synthetic demo data'}"
        if getattr(d, "synthetic", synthetic)
        else ""
    )
    name = html.escape(d.name)
    # the download links name their figure for screen readers ("PNG, Abbildung 3")
    which = f'<span class="visually-hidden">, {FIGURE_WORD[de]} {number_}</span>'
    downloads = " · ".join(
        f'<a href="{name}.{ext}">{label}{which}</a>'
        for ext, label in (
            *((ext, ext.upper()) for ext in FORMATS if ext in formats),
            ("csv", "Daten (CSV)" if de else "data (CSV)"),
        )
    )
    image = "png" if "png" in formats else "svg"
    return (
        f'<figure id="{name}"><img src="{name}.{image}" '
        f'alt="{html.escape(d.alt_text)}" loading="lazy">'
        f"<figcaption><p><strong>{FIGURE_WORD[de]} {number_}:</strong> "
        f"{html.escape(d.caption)}</p>{notes}"
        f'<p class="meta">{n}{"Quelle" if de else "Source"}: {html.escape(d.source)}{mark}'
        f" · {downloads}</p></figcaption></figure>"
    )


def _not_drawn_card(d: NotDrawn, de: bool) -> str:
    """Show a figure the data cannot support: its name in words and the reason, no image."""
    return (
        f'<figure id="{html.escape(d.name)}" class="not-estimable"><figcaption>'
        f"<p><strong>{html.escape(d.title)}: {NOT_ESTIMABLE[de]}</strong></p>"
        f'<p class="reason">{html.escape(d.reason)}</p></figcaption></figure>'
    )


def _privacy_line(decision: privacy.Disclosure | None, lang: str) -> str:
    """State k in the gallery, and how many groups were suppressed (never which)."""
    if decision is None:
        return ""
    de = lang == "de"
    k, hidden = decision.k, decision.suppressed_count()
    label = privacy.suppressed_label(k, lang)
    if de:
        text = (
            f"Datenschutz: Gruppen, die weniger als k = {k} Befragte haben oder ergänzend "
            "unterdrückt sind, damit sich keine kleine Gruppe errechnen lässt, werden nicht "
            f"gezeigt; beide tragen dieselbe Aufschrift „{label}“. In diesem Bericht: "
            f"{hidden} {'Gruppe' if hidden == 1 else 'Gruppen'} unterdrückt."
        )
        if k < privacy.K_SAFE:
            text += f" k = {k} liegt unter dem Standard {privacy.K_SAFE} (ausdrücklich zugelassen)."
    else:
        text = (
            f"Privacy: groups below k = {k} respondents, or suppressed in addition so that no "
            f"small group can be worked out, are not shown; both read “{label}”. In this report: "
            f"{hidden} {'group' if hidden == 1 else 'groups'} suppressed."
        )
        if k < privacy.K_SAFE:
            text += f" k = {k} is below the default of {privacy.K_SAFE} (explicitly allowed)."
    return f'<p class="privacy" data-k="{k}">{html.escape(text)}</p>'


def _gallery(
    report: Report,
    entries: list,
    missing: list[str],
    lang: str,
    synthetic: bool,
    decision: privacy.Disclosure | None = None,
    formats: Sequence[str] = tuple(FORMATS),
) -> str:
    """Write a report's gallery page (see the module docstring for what it holds).

    The page has a language, one ``main`` landmark, an ``h1`` with the
    report's title and one ``h2`` per kind of figure (per-lab figures share
    theirs); every image has its alt text, every link a name, every text a
    contrast of at least 4.5:1 (checked by axe-core in
    ``tests/test_gallery_a11y.py``).
    """
    de = lang == "de"
    with house_style(lang):
        cards = []
        shown = 0
        heading = None
        for d in entries:
            title = d.title or d.name
            if title != heading:
                cards.append(f"<h2>{html.escape(title)}</h2>")
                heading = title
            if isinstance(d, NotDrawn):
                cards.append(_not_drawn_card(d, de))
                continue
            shown += 1
            cards.append(_card(d, shown, de, synthetic, formats))
    note = ""
    if missing:
        note = f'<p class="note">{NO_DATA_YET[de]}: {html.escape(", ".join(missing))}</p>'
    banner = ""
    if synthetic:
        banner = (
            '<p class="synthetic">'
            + (
                "Die mit „synthetische Demodaten“ markierten Abbildungen beruhen auf "
                "synthetischen Demodaten, nicht auf Daten der Labore."
                if de
                else "Figures marked “synthetic demo data” rest on synthetic demo data, "
                "not on data of the labs."
            )
            + "</p>"
        )
    overview = "Alle Berichte" if de else "All reports"
    nav = "Berichte" if de else "Reports"
    return (
        _head(report.title, lang)
        + f'<body>\n<nav aria-label="{nav}"><a href="../index.html">{overview}</a></nav>\n'
        f"<main>\n<h1>{_german(report.title, de)}</h1>\n"
        f"<p>{_reference_day(report.until, de)}</p>\n"
        f"{_privacy_line(decision, lang)}\n"
        f"{banner}\n{note}\n{''.join(cards)}\n</main>\n</body>\n</html>\n"
    )


def _reference_day(until: date, de: bool) -> str:
    """Say what the report's date limits: its periods and waves, not the corrections drawn."""
    day = _date(until, de)
    if de:
        return (
            f"Stichtag: {day} (Berichtszeiträume und Befragungswellen bis zu diesem Tag; "
            "die Werte wie zur Zeit der Erstellung gespeichert, mit allen bis dahin "
            "eingegangenen Korrekturen)"
        )
    return (
        f"Reference date: {day} (reporting periods and survey waves up to this day; the "
        "values as stored when the report was built, with every correction received by then)"
    )


@dataclass(frozen=True)
class Entry:
    """A written figure as the gallery lists it."""

    name: str
    caption: str
    n: int | None
    source: str
    synthetic: bool
    notes: tuple[str, ...] = ()
    alt_text: str = ""
    title: str = ""


@dataclass(frozen=True)
class NotDrawn:
    """A figure the data cannot support, with the reason in the report's language."""

    name: str
    reason: str
    title: str = ""


_WORKER: dict = {}


def _init_worker(ds: Dataset) -> None:
    _WORKER.clear()
    _WORKER["ds"] = ds


def _init_pool_worker(ds: Dataset) -> None:
    """Start a figure worker: Agg, ends with its parent, leaves Ctrl-C to the parent."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    die_with_parent()  # even on SIGKILL of the parent
    use_agg()  # the worker is the build's own process
    _init_worker(ds)


def _tasks(report: Report, ds: Dataset) -> list[tuple[str, str | None]]:
    tasks: list[tuple[str, str | None]] = []
    for name in report.figures:
        if FIGURES[name].per_lab:
            tasks += [(name, lab) for lab in lab_ids(ds)]
        else:
            tasks.append((name, None))
    return tasks


def context(
    ds: Dataset,
    report: Report,
    *,
    lang: str = "de",
    k: int = privacy.K_DEFAULT,
    reps: int = 9999,
    allow_k_below_5: bool = False,
    decision: privacy.Disclosure | None = None,
) -> Context:
    """Make the frozen build context of a report: its data as of its date, the settings.

    The context holds the report's one suppression decision: every figure
    drawn with it (or with copies of it, e.g. several :func:`draw` calls in
    a notebook) reads the same decision, taken over all the report's
    figures before the first is drawn.

    Parameters
    ----------
    ds : Dataset
        The full dataset.
    report : Report
        The report.
    lang : {"de", "en"}
        Language.
    k : int, default 5
        Suppression threshold (3 or 4 only with ``allow_k_below_5``).
    reps : int, default 9999
        Draws of the wild cluster bootstrap.
    allow_k_below_5 : bool, default False
        Accept a threshold of 3 or 4.
    decision : Disclosure, optional
        A decision already taken for this report (the build passes it to its
        workers); default: taken here over all the report's figures.

    Returns
    -------
    Context

    Raises
    ------
    PrivacyError
        For a threshold below 3, or below 5 without ``allow_k_below_5``.
    """
    privacy.check_k(k, allow_below_5=allow_k_below_5)
    ctx = Context(
        as_of(ds, report.until),
        report.report_id,
        lang=lang,
        k=k,
        reps=reps,
        synthetic_tables=_synthetic_tables(ds),
        disclosure=decision or privacy.Disclosure(k, allow_below_5=True, lang=lang),
    )
    if decision is None:
        plan(ctx, report.figures)
    return ctx


def _render(
    report: Report,
    name: str,
    lab: str | None,
    staging: str,
    lang: str,
    k: int,
    reps: int,
    decision: privacy.Disclosure | None = None,
    formats: Sequence[str] = tuple(FORMATS),
) -> list[Entry | NotDrawn]:
    """Build one figure (or one lab's) of a report and write its files.

    A figure that raises NotEstimable, or fails numerically (see
    :func:`~ogl_impact.reports.estimable.numerical_failures`), gives one
    NotDrawn with the reason (any figure it had opened is closed); every
    other error propagates.
    """
    ds = _WORKER["ds"]
    key = (report.report_id, lang, k, reps)
    contexts = _WORKER.setdefault("contexts", {})
    if key not in contexts:
        contexts[key] = context(
            ds, report, lang=lang, k=k, reps=reps, allow_k_below_5=True, decision=decision
        )
    ctx = replace(contexts[key], only_lab=lab)
    entries: list[Entry | NotDrawn] = []
    with house_style(lang), shared_text_metrics():
        try:
            drawn_all = draw_spec(name, ctx)
        except NotEstimable as exc:
            title = ctx.t(*FIGURES[name].title)
            return [
                NotDrawn(
                    f"{name}_{lab}" if lab else name,
                    exc.reason,
                    f"{title} ({lab})" if lab else title,
                )
            ]
        check_figures(drawn_all, report.report_id, lang)  # raises LayoutError
        for drawn in drawn_all:
            save(drawn, Path(staging), _csv_comment(drawn, report, lang), formats)
            entries.append(
                Entry(
                    drawn.name,
                    drawn.caption,
                    drawn.n,
                    drawn.source,
                    drawn.synthetic,
                    drawn.notes,
                    drawn.alt_text,
                    drawn.title,
                )
            )
    return entries


def _csv_comment(drawn: Drawn, report: Report, lang: str) -> str:
    de = lang == "de"
    what = "Zahlen der Abbildung" if de else "Numbers of the figure"
    return (
        f"{what} „{drawn.title}“ ({report.title}); {'Quelle' if de else 'source'}: {drawn.source}"
    )


def build(
    ds: Dataset,
    out: Path,
    *,
    report_ids: Sequence[str] | None = None,
    lang: str = "de",
    k: int = privacy.K_DEFAULT,
    reps: int = 9999,
    jobs: int = 1,
    progress: Callable[[str], None] | None = None,
    allow_k_below_5: bool = False,
    formats: Sequence[str] | None = None,
) -> list[Path]:
    """Build reports (all when ``report_ids`` is None), their galleries and the overview.

    Every report is written into a staging folder and swapped in only when
    all its figures are written; on any error the staging folders are
    removed and earlier figures stay as they were.

    Parameters
    ----------
    ds : Dataset
        The full dataset (each report sees it as of its own date).
    out : Path
        The reports/figures folder.
    report_ids : sequence of str, optional
        Reports to build (one named twice is built once); default all in the
        registry.
    lang : {"de", "en"}
        Language of the figures.
    k : int, default 5
        Suppression threshold (at least 3).
    reps : int, default 9999
        Draws of the wild cluster bootstrap for effect intervals.
    jobs : int, default 1
        Figures drawn in parallel processes.
    progress : callable, optional
        Called with one line per figure.
    allow_k_below_5 : bool, default False
        Accept a threshold of 3 or 4 (stated in the gallery and every footer).
    formats : sequence of {"png", "svg", "pdf"}, optional
        Image formats to write per figure; default all three. The data table
        (CSV) and the gallery are always written; the gallery shows the PNG,
        or the SVG when no PNG is written, and links only the formats written.
        Each file is the same as in a build of all formats.

    Returns
    -------
    list of Path
        Every file written, in its final place.

    Raises
    ------
    PrivacyError
        For a refused threshold, before anything is written.
    PrivacyLeakError
        When the audit of a built report finds a group below k shown or
        derivable; nothing of the build is swapped in.
    ValueError
        For an unknown format, or formats without PNG or SVG (the gallery
        shows one of them).
    """
    privacy.check_k(k, allow_below_5=allow_k_below_5)
    chosen_formats = _formats(formats)
    all_reports = reports(ds.periods)
    # a report named twice is built once: staged twice, the second swap emptied it
    wanted = None if report_ids is None else list(dict.fromkeys(report_ids))
    chosen = all_reports if wanted is None else [find(ds.periods, r) for r in wanted]
    claim_folder(out, "figures")
    jobs_list = [(r, name, lab) for r in chosen for name, lab in _tasks(r, ds)]
    # the slowest figures first, so that parallel workers finish together
    jobs_list.sort(key=lambda job: -FIGURES[job[1]].cost)
    results: dict[tuple[str, str, str | None], list[Entry | NotDrawn]] = {}
    total = len(jobs_list)
    files: list[Path] = []
    opened = set(plt.get_fignums())
    # one suppression decision per report, taken before anything is drawn
    decisions = {
        r.report_id: context(ds, r, lang=lang, k=k, reps=reps, allow_k_below_5=True).disclosure
        for r in chosen
    }
    # each report is staged; all are swapped in when the block ends without error
    with ExitStack() as stack:
        staging = {
            r.report_id: stack.enter_context(replace_folder(out / r.report_id, "figures"))
            for r in chosen
        }
        try:
            if jobs > 1:
                from concurrent.futures import ProcessPoolExecutor, as_completed

                with ProcessPoolExecutor(
                    max_workers=jobs, initializer=_init_pool_worker, initargs=(ds,)
                ) as pool:
                    futures = {
                        pool.submit(
                            _render,
                            r,
                            name,
                            lab,
                            str(staging[r.report_id]),
                            lang,
                            k,
                            reps,
                            decisions[r.report_id],
                            chosen_formats,
                        ): (r.report_id, name, lab)
                        for r, name, lab in jobs_list
                    }
                    for i, fut in enumerate(as_completed(futures), 1):
                        results[futures[fut]] = fut.result()
                        if progress:
                            progress(
                                _progress_line(i, total, futures[fut], results[futures[fut]], lang)
                            )
            else:
                _init_worker(ds)
                with offscreen():
                    for i, (r, name, lab) in enumerate(jobs_list, 1):
                        key = (r.report_id, name, lab)
                        results[key] = _render(
                            r,
                            name,
                            lab,
                            str(staging[r.report_id]),
                            lang,
                            k,
                            reps,
                            decisions[r.report_id],
                            chosen_formats,
                        )
                        if progress:
                            progress(_progress_line(i, total, key, results[key], lang))
            for r in chosen:
                entries, missing = [], []
                for name, lab in _tasks(r, ds):
                    got = results[(r.report_id, name, lab)]
                    entries += got
                    title = _title(name, lang)
                    if not got and title not in missing:
                        missing.append(title)
                (staging[r.report_id] / "index.html").write_text(
                    _gallery(
                        r,
                        entries,
                        missing,
                        lang,
                        ds.synthetic,
                        decisions[r.report_id],
                        chosen_formats,
                    ),
                    encoding="utf-8",
                )
                # what is about to be published is audited before the swap
                leaks = audit(staging[r.report_id])
                if leaks:
                    raise PrivacyLeakError(r.report_id, leak_lines(leaks, lang))
                names = [
                    f"{e.name}.{ext}"
                    for e in entries
                    if isinstance(e, Entry)
                    for ext in (*chosen_formats, "csv")
                ] + ["index.html"]
                files += [out / r.report_id / n for n in names]
        except BaseException:
            # close what the build opened, never the caller's figures
            for fig_number in set(plt.get_fignums()) - opened:
                plt.close(fig_number)
            raise
    present = [r for r in all_reports if (out / r.report_id / "index.html").exists()]
    files.append(write_overview(ds, out, present, lang))
    return files


def _formats(formats: Sequence[str] | None) -> tuple[str, ...]:
    """Return the formats asked for, in the order of FORMATS; refuse unknown ones."""
    if formats is None:
        return tuple(FORMATS)
    if isinstance(formats, str):
        formats = [formats]
    unknown = [f for f in formats if f not in FORMATS]
    known = ", ".join(FORMATS)
    if unknown:
        raise ValueError(
            f"Unbekanntes Bildformat {unknown[0]!r}; möglich: {known} / "
            f"unknown image format {unknown[0]!r}; choose from {known}"
        )
    if "png" not in formats and "svg" not in formats:
        raise ValueError(
            "Die Galerie zeigt PNG oder SVG: formats muss eines davon enthalten / "
            "the gallery shows PNG or SVG: formats must hold one of them"
        )
    return tuple(f for f in FORMATS if f in formats)


def build_report(ds: Dataset, report: Report, out: Path, **options: object) -> list[Path]:
    """Build a single report (see :func:`build` for the options).

    Parameters
    ----------
    ds : Dataset
        The full dataset.
    report : Report
        The report.
    out : Path
        The reports/figures folder.
    **options
        Passed to :func:`build`.

    Returns
    -------
    list of Path
        The files written.
    """
    return build(ds, out, report_ids=[report.report_id], **options)


def draw(
    ds: Dataset,
    report_id: str,
    name: str,
    *,
    lang: str = "de",
    k: int = privacy.K_DEFAULT,
    reps: int = 9999,
    ctx: Context | None = None,
    allow_k_below_5: bool = False,
) -> list[Drawn]:
    """Draw one figure of a report in a notebook, exactly as the build draws it.

    Pass the same ``ctx`` (from :func:`context`) to every ``draw`` call of a
    notebook: its figures then share one suppression decision, as the
    figures of a built report do. Without ``ctx`` a context (and a decision
    over all the report's figures) is made for this call.

    The figures are plain matplotlib figures made with the caller's
    backend (inline in a notebook), so they display there; they stay open
    until the caller closes them (``plt.close(drawn.figure)``). Each
    :class:`~ogl_impact.reports.figures.Drawn` also carries the numbers
    drawn (``table``) and the alt text (``alt_text``).

    Parameters
    ----------
    ds : Dataset
        The full dataset (limited to the report's date here).
    report_id : str
        Report, e.g. ``"sb3"``.
    name : str
        Figure name from the registry, e.g. ``"wirkungstreppe"``.
    lang : {"de", "en"}
        Language.
    k : int, default 5
        Suppression threshold (at least 3).
    reps : int, default 9999
        Draws of the wild cluster bootstrap.
    ctx : Context, optional
        The report's context from :func:`context` (its language, k and
        decision win over ``lang``, ``k`` and ``reps``).
    allow_k_below_5 : bool, default False
        Accept a threshold of 3 or 4.

    Returns
    -------
    list of Drawn
        Figures with caption, n, source, data table and alt text (empty when
        the data do not exist yet at the report's date).

    Raises
    ------
    NotEstimable
        When the data at the report's date cannot support the figure; its
        ``reason`` says why.
    ValueError
        For an unknown report or figure, naming the known ones.
    """
    if name not in FIGURES:
        raise ValueError(f"unknown figure {name!r}; known: {', '.join(sorted(FIGURES))}")
    if ctx is None:
        privacy.check_k(k, allow_below_5=allow_k_below_5)
        report = find(ds.periods, report_id)
        ctx = context(ds, report, lang=lang, k=k, reps=reps, allow_k_below_5=allow_k_below_5)
    elif ctx.report_id != report_id:
        raise ValueError(
            f"der Kontext gehört zu Bericht {ctx.report_id!r}, nicht {report_id!r} / the "
            "context belongs to another report"
        )
    with house_style(ctx.lang):
        return draw_spec(name, ctx)


def _title(name: str, lang: str) -> str:
    title = FIGURES[name].title
    return title[0] if lang == "de" else title[1]


def _synthetic_tables(ds: Dataset) -> frozenset:
    return frozenset(name for name, f in ds.files.items() if f.synthetic)


def _progress_line(
    i: int, total: int, key: tuple, entries: list[Entry | NotDrawn], lang: str = "de"
) -> str:
    report_id, name, lab = key
    de = lang == "de"
    label = f"{name}/{lab}" if lab else name
    if not entries:
        state = "keine Daten zu diesem Zeitpunkt" if de else "no data yet at this date"
    elif isinstance(entries[0], NotDrawn):
        state = f"{NOT_ESTIMABLE[de]} – {entries[0].reason}"
    else:
        state = "ok"
        notes = [note for e in entries for note in e.notes]
        if notes:
            state += f" ({NOT_ESTIMABLE[de]}: {'; '.join(notes)})"
    return f"[{i:>3}/{total}] {report_id}/{label}: {state}"


def write_overview(ds: Dataset, out: Path, built: Sequence[Report], lang: str = "de") -> Path:
    """Write reports/figures/index.html linking every report's gallery.

    Parameters
    ----------
    ds : Dataset
        The dataset (for the synthetic flag).
    out : Path
        The reports/figures folder.
    built : sequence of Report
        Reports to list.
    lang : {"de", "en"}
        Language.

    Returns
    -------
    Path
        The overview file.
    """
    de = lang == "de"
    items = "".join(
        f'<li><a href="{r.report_id}/index.html">{_german(r.title, de)}</a> '
        f"({_date(r.until, de)})</li>"
        for r in built
    )
    synthetic = ""
    if ds.synthetic:
        synthetic = (
            "<p><strong>"
            + ("Synthetische Demodaten." if de else "Synthetic demo data.")
            + "</strong></p>"
        )
    title = "Abbildungen der Berichte" if de else "Report figures"
    return replace_file(
        out / "index.html",
        _head(title, lang) + f"<body>\n<main>\n<h1>{title}</h1>\n{synthetic}\n<ul>{items}</ul>\n"
        "</main>\n</body>\n</html>\n",
    )


def _print(line: str) -> None:
    print(line, file=sys.stderr, flush=True)
