"""House style: palette, German or English text, number and date formats, footer.

:class:`house_style` works as a context manager and as a decorator (like
seaborn's ``axes_style``)::

    with house_style(lang="de"):
        ax = likert_bars(data)

    @house_style(lang="en")
    def draw(): ...

Inside, :func:`text` translates the package's labels, :func:`number`
writes numbers with a decimal comma (German) or point (English),
:func:`axis_numbers` applies that to an axis, and :func:`footer` adds the
line with n, source and - for the embedded demo data - "synthetische
Demodaten" to a figure.
"""

from __future__ import annotations

import contextlib
from datetime import date
from typing import Any

import matplotlib as mpl
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter
from matplotlib.transforms import Bbox

# Okabe & Ito (2008): distinguishable with every common colour-vision deficiency
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
GREY = "#9E9E9E"
# diverging scale for agreement: blue-orange (colour-blind safe), neutral grey
DIVERGING = {
    2: ["#D55E00", "#0072B2"],
    3: ["#D55E00", "#BDBDBD", "#0072B2"],
    4: ["#D55E00", "#F4B183", "#9DC3E6", "#0072B2"],
    5: ["#D55E00", "#F4B183", "#BDBDBD", "#9DC3E6", "#0072B2"],
    6: ["#A63D00", "#D55E00", "#F4B183", "#9DC3E6", "#0072B2", "#004C7A"],
    7: ["#A63D00", "#D55E00", "#F4B183", "#BDBDBD", "#9DC3E6", "#0072B2", "#004C7A"],
}
# traffic light for attainment status, colour-blind safe (blue / yellow / vermilion)
STATUS_COLOURS = {
    "achieved": "#0072B2",
    "on_track": "#56B4E9",
    "behind": "#D55E00",
    "no_data": "#E0E0E0",
}
A4_TEXT_WIDTH_CM = 16.0
CM = 1 / 2.54

TEXTS: dict[str, dict[str, str]] = {
    "de": {
        "synthetic": "synthetische Demodaten",
        "source": "Quelle",
        "percent": "Anteil (%)",
        "network_mean": "Netzwerk-Mittel",
        "stage": "Stufe der Wirkungstreppe",
        "period": "Berichtszeitraum",
        "target": "Ziel",
        "target_path": "Zielpfad",
        "value": "Wert",
        "effect": "Effekt (95-%-Intervall)",
        "evidence": "Evidenzstufe",
        "partners": "Anzahl Partner",
        "share": "Anteil",
        "suppressed": "unterdrückt (n < {k})",
        "achieved": "erreicht",
        "on_track": "im Plan",
        "behind": "im Verzug",
        "no_data": "keine Daten",
        "wave": "Welle",
        "lab": "Labor",
        "level": "Ebene",
        "score": "Mittelwert (1-5)",
    },
    "en": {
        "synthetic": "synthetic demo data",
        "source": "Source",
        "percent": "Share (%)",
        "network_mean": "network mean",
        "stage": "Stage of the impact staircase",
        "period": "Reporting period",
        "target": "Target",
        "target_path": "Target path",
        "value": "Value",
        "effect": "Effect (95% interval)",
        "evidence": "Evidence level",
        "partners": "Number of partners",
        "share": "Share",
        "suppressed": "suppressed (n < {k})",
        "achieved": "achieved",
        "on_track": "on track",
        "behind": "behind",
        "no_data": "no data",
        "wave": "Wave",
        "lab": "Lab",
        "level": "Level",
        "score": "Mean (1-5)",
    },
}
MONTHS_DE = [
    "Jan.",
    "Feb.",
    "März",
    "Apr.",
    "Mai",
    "Juni",
    "Juli",
    "Aug.",
    "Sep.",
    "Okt.",
    "Nov.",
    "Dez.",
]
MONTHS_EN = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

_STATE = {"lang": "de"}

RC = {
    "font.family": "DejaVu Sans",
    "font.size": 8.5,
    "axes.titlesize": 9.5,
    "axes.labelsize": 8.5,
    "xtick.labelsize": 8,
    "ytick.labelsize": 8,
    "legend.fontsize": 7.5,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.prop_cycle": mpl.cycler(color=PALETTE),
    "figure.dpi": 100,
    "savefig.dpi": 300,
    "svg.hashsalt": "ogl-impact",
    "svg.fonttype": "path",
    "pdf.fonttype": 3,
    "path.simplify": True,
    "axes.formatter.use_locale": False,
}


class house_style(contextlib.ContextDecorator):
    """Context manager and decorator setting the house style.

    Parameters
    ----------
    lang : {"de", "en"}, default "de"
        Language of the labels and number format.
    """

    def __init__(self, lang: str = "de"):
        if lang not in TEXTS:
            raise ValueError(f"lang must be one of {sorted(TEXTS)}, not {lang!r}")
        self.lang = lang
        self._rc: contextlib.AbstractContextManager | None = None
        self._previous = "de"

    def __enter__(self) -> house_style:
        self._previous = _STATE["lang"]
        _STATE["lang"] = self.lang
        self._rc = mpl.rc_context(RC)
        self._rc.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        _STATE["lang"] = self._previous
        assert self._rc is not None
        self._rc.__exit__(*exc)


def lang() -> str:
    """Return the language in effect ("de" unless a house style says otherwise).

    Returns
    -------
    str
        ``"de"`` or ``"en"``.
    """
    return _STATE["lang"]


def text(key: str, **fields: Any) -> str:
    """Translate one of the package's figure labels into the current language.

    Parameters
    ----------
    key : str
        Label key (see :data:`TEXTS`).
    **fields
        Values for placeholders in the label.

    Returns
    -------
    str
        The label.

    Examples
    --------
    >>> text("behind")
    'im Verzug'
    """
    return TEXTS[lang()].get(key, key).format(**fields)


def number(value: float, decimals: int = 1) -> str:
    """Format a number: decimal comma and thousands point in German.

    Parameters
    ----------
    value : float
        The number.
    decimals : int, default 1
        Digits after the decimal separator.

    Returns
    -------
    str
        Formatted number ("–" for missing).

    Examples
    --------
    >>> number(1234.5)
    '1.234,5'
    >>> with house_style(lang="en"):
    ...     number(1234.5)
    '1,234.5'
    """
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "–"
    s = f"{value:,.{decimals}f}"
    if lang() == "de":
        s = s.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return s


def date_label(day: date) -> str:
    """Format a date as month and year in the current language.

    Parameters
    ----------
    day : date
        The date.

    Returns
    -------
    str
        E.g. "Apr. 2021" (German) or "Apr 2021".
    """
    months = MONTHS_DE if lang() == "de" else MONTHS_EN
    return f"{months[day.month - 1]} {day.year}"


def axis_numbers(ax: Axes, axis: str = "y", decimals: int | None = None) -> None:
    """Use the current language's decimal separator on an axis.

    Parameters
    ----------
    ax : Axes
        The axes.
    axis : {"x", "y"}
        Which axis.
    decimals : int, optional
        Fixed number of decimals; default: as few as the ticks need.
    """

    def fmt(x: float, _pos: int) -> str:
        d = decimals
        if d is None:
            d = 0 if float(x).is_integer() else (1 if round(x, 1) == round(x, 6) else 2)
        return number(x, d)

    target = ax.yaxis if axis == "y" else ax.xaxis
    target.set_major_formatter(FuncFormatter(fmt))


def figure(width: str = "full", height_cm: float = 8.0) -> tuple[Figure, Axes]:
    """Create a figure as wide as an A4 text column (16 cm) or half of it.

    Parameters
    ----------
    width : {"full", "half"}
        Full text width or half.
    height_cm : float, default 8
        Height in centimetres.

    Returns
    -------
    (Figure, Axes)
    """
    import matplotlib.pyplot as plt

    w = A4_TEXT_WIDTH_CM if width == "full" else A4_TEXT_WIDTH_CM / 2
    fig, ax = plt.subplots(figsize=(w * CM, height_cm * CM))
    return fig, ax


def footer(
    fig: Figure, *, n: int | None, source: str, synthetic: bool, below: Bbox | None = None
) -> str:
    """Write the footer line (n, source, synthetic mark) under a figure.

    Parameters
    ----------
    fig : Figure
        The figure.
    n : int, optional
        Number of respondents (or units) the figure rests on.
    source : str
        Data source.
    synthetic : bool
        Whether the data are the synthetic demo data.
    below : Bbox, optional
        The figure's tight bounding box in inches, if already computed; the
        footer goes under it (default: computed here).

    Returns
    -------
    str
        The footer text.
    """
    parts = []
    if n is not None:
        parts.append(f"n = {number(n, 0)}")
    parts.append(f"{text('source')}: {source}")
    if synthetic:
        parts.append(text("synthetic"))
    line = " · ".join(parts)
    # below everything already drawn (tick labels, legends under the axes)
    box = below if below is not None else fig.get_tightbbox()
    y = (box.y0 - 0.05) / fig.get_figheight()
    x = max(box.x0 / fig.get_figwidth(), 0.0)
    fig.text(x, y, line, fontsize=6.5, color="#555555", ha="left", va="top", gid="footer")
    return line


def ensure_ax(ax: Axes | None, width: str = "full", height_cm: float = 8.0) -> Axes:
    """Return ``ax`` or a new house-style axes.

    Parameters
    ----------
    ax : Axes, optional
        Axes to draw on.
    width : {"full", "half"}
        Width of a new figure.
    height_cm : float
        Height of a new figure.

    Returns
    -------
    Axes
    """
    if ax is not None:
        return ax
    return figure(width, height_cm)[1]
