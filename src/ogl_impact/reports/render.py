"""Drawing a declared figure and writing its files, without touching the caller's backend.

:func:`draw_spec` runs a declaration (data builder, plot, footer) in a
:class:`~ogl_impact.reports.figures.Context`; :func:`save` writes the figure
as PNG (300 dpi), SVG (with the alt text as ``<title>``/``<desc>``) and PDF
(or a choice of them) with fixed metadata, and the numbers drawn as
``<name>.csv``, then closes it.
:func:`check_figures` runs the layout check
(:func:`~ogl_impact.plots.layout.check_layout`) on the area each figure
saves and raises :class:`LayoutError` naming report, figure and problem.
:func:`offscreen` is the build's own backend choice: Agg in its worker
processes and in a process where nobody has chosen a backend, the caller's
backend (with interactive mode off) everywhere else.
:func:`shared_text_metrics` lets the build measure each text once per kind
of renderer instead of once per renderer (a speed-up only: the same sizes).
"""

from __future__ import annotations

import html
import io
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import matplotlib
import matplotlib.pyplot as plt
import matplotlib.text as mtext
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.layout_engine import PlaceHolderLayoutEngine

from ogl_impact.plots.layout import check_layout
from ogl_impact.reports.estimable import NotEstimable, numerical_failures
from ogl_impact.reports.figures import FIGURES, Context, Drawn, finish
from ogl_impact.write.tables import write_tables

FORMATS = {
    "png": {"dpi": 300, "metadata": {"Software": None}},
    "svg": {"metadata": {"Date": None, "Creator": None}},
    "pdf": {"metadata": {"Creator": None, "Producer": None, "CreationDate": None}},
}
"""Formats written per figure, with options that keep the files byte-reproducible."""


def use_agg() -> None:
    """Switch this process to Agg: only for the build's own worker processes."""
    plt.switch_backend("agg")


@contextmanager
def offscreen() -> Iterator[None]:
    """Render off screen for the duration of a build.

    When no backend has been chosen in this process (a command-line build),
    the build takes Agg; a backend chosen by the caller (a notebook's
    inline backend, a desktop window) is kept, and only interactive mode is
    switched off while the build runs, so that no window opens.

    Yields
    ------
    None
    """
    if matplotlib.rcParams._get_backend_or_none() is None:
        use_agg()
    with plt.ioff():
        yield


_METRIC_RC = (
    "text.hinting",
    "text.hinting_factor",
    "text.kerning_factor",
    "text.antialiased",
    "text.usetex",
    "font.family",
    "font.sans-serif",
    "font.serif",
    "font.monospace",
    "font.cursive",
    "font.fantasy",
    "mathtext.fontset",
    "pdf.use14corefonts",
    "ps.useafm",
    "svg.fonttype",
)
"""Settings a text's measured size depends on besides the text, its font and the dpi."""

_METRICS: dict[tuple, tuple[float, float, float]] = {}
_METRICS_MAX = 200_000


def _measure_shared(
    renderer: Any, text: str, fontprop: Any, ismath: Any, dpi: float
) -> tuple[float, float, float]:
    """Stand-in for matplotlib's per-renderer text-size cache, shared across renderers.

    Matplotlib keeps the sizes of texts per renderer object, and every save
    makes new renderers (one per format, one per saved area), so the same
    tick labels, lab names and legend entries are measured again and again
    with FreeType. The size depends only on the kind of renderer (its class
    and resolution; a PDF or SVG renderer wrapped in matplotlib's mixed-mode
    renderer counts as itself), the text, the font, the math flag, the
    figure's dpi and the text settings in :data:`_METRIC_RC`, so those make
    the key here and the size is measured once per key.
    """
    measure = renderer.get_text_width_height_descent
    owner = getattr(measure, "__self__", renderer)  # the vector renderer behind a mixed one
    settings = tuple(repr(matplotlib.rcParams[name]) for name in _METRIC_RC)
    key = (type(owner), getattr(owner, "dpi", None), settings, text, fontprop.copy(), ismath, dpi)
    size = _METRICS.get(key)
    if size is None:
        if len(_METRICS) >= _METRICS_MAX:
            _METRICS.clear()
        size = _METRICS[key] = measure(text, fontprop, ismath)
    return size


@contextmanager
def shared_text_metrics() -> Iterator[None]:
    """Measure each text once per kind of renderer while the build draws and saves.

    Inside the block, matplotlib's text-size lookup
    (``matplotlib.text._get_text_metrics_with_cache``, a private helper that
    :class:`~matplotlib.text.Text` and the legend's text boxes call) is
    replaced by :func:`_measure_shared`; afterwards the original is back.
    Every figure, file and layout check comes out exactly as without it
    (``tests/test_render_speed.py`` compares sizes and files). Where matplotlib lacks the
    helper (another version), nothing is replaced.

    Yields
    ------
    None
    """
    original = getattr(mtext, "_get_text_metrics_with_cache", None)
    if original is None or original is _measure_shared:
        yield
        return
    mtext._get_text_metrics_with_cache = _measure_shared
    try:
        yield
    finally:
        mtext._get_text_metrics_with_cache = original


def draw_spec(name: str, ctx: Context) -> list[Drawn]:
    """Draw a declared figure: data, plot, footer.

    Texts are measured once per kind of renderer while it draws
    (:func:`shared_text_metrics`), as in the build; the figure comes out the
    same as without.

    Parameters
    ----------
    name : str
        A name of :data:`~ogl_impact.reports.figures.FIGURES`.
    ctx : Context
        The report's context.

    Returns
    -------
    list of Drawn
        Empty when the data do not exist yet at the report's date.

    Raises
    ------
    NotEstimable
        When the data cannot support the figure; every figure opened on the
        way is closed first.
    """
    spec = FIGURES[name]
    opened = set(plt.get_fignums())
    try:
        with numerical_failures(ctx.lang), shared_text_metrics():
            panels = spec.data(ctx)
            return [finish(spec.plot(panel, ctx), spec, panel, ctx) for panel in panels]
    except NotEstimable:
        for number in set(plt.get_fignums()) - opened:
            plt.close(number)
        raise


class LayoutError(Exception):
    """A figure of a report fails the layout check; the build stops before anything is swapped in.

    Parameters
    ----------
    report_id : str
        The report, e.g. ``"sb1"``.
    name : str
        The figure (file stem).
    problems : tuple of str
        The findings in the report's language.
    lang : {"de", "en"}
        Language of the message.
    """

    def __init__(
        self, report_id: str, name: str, problems: tuple[str, ...], lang: str = "de"
    ) -> None:
        super().__init__(report_id, name, problems, lang)
        self.report_id, self.name, self.problems, self.lang = report_id, name, problems, lang

    def __str__(self) -> str:
        shown = "; ".join(self.problems[:3])
        more = len(self.problems) - 3
        if self.lang == "de":
            rest = f"; und {more} weitere" if more > 0 else ""
            return (
                f"Bericht {self.report_id}, Abbildung {self.name}: Layout fehlerhaft – "
                f"{shown}{rest}"
            )
        rest = f"; and {more} more" if more > 0 else ""
        return f"report {self.report_id}, figure {self.name}: layout problem – {shown}{rest}"


def check_figures(drawn: list[Drawn], report_id: str, lang: str = "de") -> None:
    """Check the layout of drawn figures on the area each one saves.

    Parameters
    ----------
    drawn : list of Drawn
        Figures just drawn (laid out by :func:`~ogl_impact.reports.figures.finish`).
    report_id : str
        The report, named in the error.
    lang : {"de", "en"}
        Language of the error.

    Raises
    ------
    LayoutError
        For the first figure with a problem; every figure in ``drawn`` is
        closed first.
    """
    for d in drawn:
        # finish() laid the figure out for its saved box; nothing moved since
        problems = check_layout(d.figure, bbox=d.bbox, draw=d.bbox is None)
        if problems:
            for other in drawn:
                plt.close(other.figure)
            raise LayoutError(report_id, d.name, tuple(p.message(lang) for p in problems), lang)


def svg_with_text(svg: str, title: str, desc: str) -> str:
    r"""Insert ``<title>`` and ``<desc>`` right after the opening ``<svg ...>`` tag.

    Parameters
    ----------
    svg : str
        SVG text as matplotlib writes it.
    title, desc : str
        Plain text; escaped here.

    Returns
    -------
    str

    Examples
    --------
    >>> svg_with_text('<?xml?>\n<svg a="1">\n<g/></svg>', "A & B", "x < y")
    '<?xml?>\n<svg a="1">\n <title>A &amp; B</title>\n <desc>x &lt; y</desc>\n<g/></svg>'
    """
    start = svg.index("<svg")
    end = svg.index(">", start) + 1
    text = (
        f"\n <title>{html.escape(title, quote=False)}</title>"
        f"\n <desc>{html.escape(desc, quote=False)}</desc>"
    )
    return svg[:end] + text + svg[end:]


def _drawing_disabled(renderer: Any) -> bool:
    """Whether ``renderer`` is inside matplotlib's ``_draw_disabled`` (nothing is painted).

    That context manager puts no-op ``draw_*``/``open_group`` methods on the
    renderer object (for PDF and SVG on the vector renderer inside the
    mixed-mode one); a renderer that paints never has them as its own
    attributes.
    """
    for candidate in (renderer, getattr(renderer, "_renderer", None)):
        try:
            if "open_group" in vars(candidate):
                return True
        except TypeError:  # no __dict__ (None, Agg's C++ renderer)
            continue
    return False


@contextmanager
def _without_layout_pass(fig: Figure) -> Iterator[None]:
    """Save a figure whose layout is frozen without matplotlib's extra drawing pass.

    Whenever a figure has a layout engine, ``savefig`` first draws it with
    painting switched off (so that the engine can place the axes), then draws
    it into the file. A figure laid out by
    :func:`~ogl_impact.reports.figures.base.saved_box` keeps only matplotlib's
    placeholder engine, which places nothing, so that pass only repeats work
    the drawing into the file does again; it costs about as much. Inside the
    block the figure skips a draw with painting switched off (and only that:
    ``savefig`` still makes its renderer and sets the resolution as before, so
    every file is byte for byte the same). A figure with any other engine
    (not laid out yet) is drawn as matplotlib does.

    Parameters
    ----------
    fig : Figure
        The figure about to be saved.

    Yields
    ------
    None
    """
    if not isinstance(fig.get_layout_engine(), PlaceHolderLayoutEngine) or "draw" in vars(fig):
        yield
        return
    real = fig.draw

    def draw(renderer: Any) -> None:
        if not _drawing_disabled(renderer):
            real(renderer)

    fig.draw = draw
    try:
        yield
    finally:
        del fig.draw


def save(
    drawn: Drawn,
    folder: Path,
    comment: str = "",
    formats: Sequence[str] | None = None,
) -> list[Path]:
    """Write one figure in every format (or the ones asked for) and its data table, then close it.

    Parameters
    ----------
    drawn : Drawn
        The figure.
    folder : Path
        Target folder (the build's staging folder).
    comment : str
        First line of the CSV (what the numbers are).
    formats : sequence of str, optional
        Formats of :data:`FORMATS` to write; default all. The table is always
        written. A file is the same whichever other formats are written.

    Returns
    -------
    list of Path
        The written files.
    """
    paths = []
    box = drawn.bbox if drawn.bbox is not None else drawn.figure.get_tightbbox().padded(0.05)
    try:
        paths += _write_images(drawn, folder, box, formats)
        if drawn.table is not None:
            table = _days_as_dates(drawn.table)
            paths += write_tables({drawn.name: table}, folder, comment or drawn.title)
    finally:
        plt.close(drawn.figure)
    return paths


def _days_as_dates(table: pd.DataFrame) -> pd.DataFrame:
    """Write a date column that holds days only as ``2020-11-13``, not ``... 00:00:00``."""
    out = table
    for column in table.columns:
        values = table[column]
        if not pd.api.types.is_datetime64_any_dtype(values) or getattr(values.dt, "tz", None):
            continue
        present = values.dropna()
        if (present == present.dt.normalize()).all():
            if out is table:
                out = table.copy()
            out[column] = values.dt.strftime("%Y-%m-%d").astype(object).where(values.notna(), None)
    return out


def _write_images(
    drawn: Drawn, folder: Path, box: Any, formats: Sequence[str] | None
) -> list[Path]:
    """Write the figure in every format of :data:`FORMATS` asked for; return the paths."""
    paths = []
    for ext, options in FORMATS.items():
        if formats is not None and ext not in formats:
            continue
        path = folder / f"{drawn.name}.{ext}"
        target = io.StringIO() if ext == "svg" else path
        with _without_layout_pass(drawn.figure):
            drawn.figure.savefig(target, format=ext, bbox_inches=box, **options)
        if isinstance(target, io.StringIO):
            text = svg_with_text(target.getvalue(), drawn.title or drawn.name, drawn.alt_text)
            path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths
