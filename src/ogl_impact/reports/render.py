"""Drawing a declared figure and writing its files, without touching the caller's backend.

:func:`draw_spec` runs a declaration (data builder, plot, footer) in a
:class:`~ogl_impact.reports.figures.Context`; :func:`save` writes the figure
as PNG (300 dpi), SVG (with the alt text as ``<title>``/``<desc>``) and PDF
with fixed metadata, and the numbers drawn as ``<name>.csv``, then closes it.
:func:`offscreen` is the build's own backend choice: Agg in its worker
processes and in a process where nobody has chosen a backend, the caller's
backend (with interactive mode off) everywhere else.
"""

from __future__ import annotations

import html
import io
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt

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


def draw_spec(name: str, ctx: Context) -> list[Drawn]:
    """Draw a declared figure: data, plot, footer.

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
        with numerical_failures(ctx.lang):
            panels = spec.data(ctx)
            return [finish(spec.plot(panel, ctx), spec, panel, ctx) for panel in panels]
    except NotEstimable:
        for number in set(plt.get_fignums()) - opened:
            plt.close(number)
        raise


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


def save(drawn: Drawn, folder: Path, comment: str = "") -> list[Path]:
    """Write one figure in every format and its data table, then close it.

    Parameters
    ----------
    drawn : Drawn
        The figure.
    folder : Path
        Target folder (the build's staging folder).
    comment : str
        First line of the CSV (what the numbers are).

    Returns
    -------
    list of Path
        The written files.
    """
    paths = []
    box = drawn.bbox if drawn.bbox is not None else drawn.figure.get_tightbbox().padded(0.05)
    try:
        for ext, options in FORMATS.items():
            path = folder / f"{drawn.name}.{ext}"
            if ext == "svg":
                buffer = io.StringIO()
                drawn.figure.savefig(buffer, format=ext, bbox_inches=box, **options)
                text = svg_with_text(buffer.getvalue(), drawn.title or drawn.name, drawn.alt_text)
                path.write_text(text, encoding="utf-8")
            else:
                drawn.figure.savefig(path, format=ext, bbox_inches=box, **options)
            paths.append(path)
        if drawn.table is not None:
            paths += write_tables({drawn.name: drawn.table}, folder, comment or drawn.title)
    finally:
        plt.close(drawn.figure)
    return paths
