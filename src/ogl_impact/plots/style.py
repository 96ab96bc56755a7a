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
import re
from datetime import date
from typing import Any

import matplotlib as mpl
import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import to_hex, to_rgba
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter
from matplotlib.transforms import Bbox

# Okabe & Ito (2008): distinguishable with every common colour-vision deficiency
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
SERIES_MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")
"""One marker shape per series beside its colour: lines that overlap, or a page printed in grey,
still tell the series apart."""
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
        "stage_reached": "erreicht",
        "stage_skipped": "ohne bewertbaren Indikator übersprungen",
        "stage_open": "nicht erreicht",
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
        "status": "Stand der Zielerreichung",
        "msms": "MSMS = Maryland Scientific Methods Scale, Stufe 1-5 (5 = stärkstes Design)",
        "estimate_ci": "Effekt [95-%-KI]",
        "change_by_unit": "Veränderung je Labor, Welle {before} → {after} (Hedges' g)",
        "survey_source": "Befragung der Labore und Vergleichskommunen",
        "radial_scale": "Mittelwert, Skala {lo} (Mitte) bis {hi}",
        "progress_share": "Weg zum Ziel (%)",
    },
    "en": {
        "synthetic": "synthetic demo data",
        "source": "Source",
        "percent": "Share (%)",
        "network_mean": "network mean",
        "stage": "Stage of the impact staircase",
        "stage_reached": "reached",
        "stage_skipped": "passed over without an assessable indicator",
        "stage_open": "not reached",
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
        "status": "Attainment status",
        "msms": "MSMS = Maryland Scientific Methods Scale, level 1-5 (5 = strongest design)",
        "estimate_ci": "Effect [95% CI]",
        "change_by_unit": "Change per lab, wave {before} → {after} (Hedges' g)",
        "survey_source": "Survey of labs and comparison communes",
        "radial_scale": "Mean, scale {lo} (centre) to {hi}",
        "progress_share": "Way to the target (%)",
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


def survey_source(language: str = "de") -> str:
    """Name the survey as the source line under a figure says it, in ``language``.

    Parameters
    ----------
    language : {"de", "en"}
        Language (the notebooks' ``LANG``); the source is often set before a
        house style is entered, so it is not taken from :func:`lang`.

    Returns
    -------
    str

    Examples
    --------
    >>> survey_source("en")
    'Survey of labs and comparison communes'
    """
    if language not in TEXTS:
        raise ValueError(f"language must be one of {sorted(TEXTS)}, not {language!r}")
    return TEXTS[language]["survey_source"]


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
    language = lang()  # the figure's language, also when it is saved outside the house style

    def fmt(x: float, _pos: int) -> str:
        d = decimals
        if d is None:
            d = 0 if float(x).is_integer() else (1 if round(x, 1) == round(x, 6) else 2)
        previous, _STATE["lang"] = _STATE["lang"], language
        try:
            return number(x, d)
        finally:
            _STATE["lang"] = previous

    target = ax.yaxis if axis == "y" else ax.xaxis
    target.set_major_formatter(FuncFormatter(fmt))


def figure(
    width: str = "full", height_cm: float = 8.0, *, layout: str | None = None, **subplot_kw: Any
) -> tuple[Figure, Axes]:
    """Create a figure as wide as an A4 text column (16 cm) or half of it.

    Parameters
    ----------
    width : {"full", "half"}
        Full text width or half.
    height_cm : float, default 8
        Height in centimetres.
    layout : {None, "constrained"}
        Layout engine; ``"constrained"`` keeps legends and notes placed
        under the axes inside the canvas (used for figures a plot function
        creates itself).
    **subplot_kw
        Passed to ``add_subplot`` (e.g. ``projection="polar"``).

    Returns
    -------
    (Figure, Axes)
    """
    import matplotlib.pyplot as plt

    w = A4_TEXT_WIDTH_CM if width == "full" else A4_TEXT_WIDTH_CM / 2
    fig, ax = plt.subplots(
        figsize=(w * CM, height_cm * CM), layout=layout, subplot_kw=subplot_kw or None
    )
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
    return figure(width, height_cm, layout="constrained")[1]


def text_colour_on(fill: Any) -> str:
    """Black or white, whichever contrasts more with ``fill`` (WCAG luminance).

    Parameters
    ----------
    fill : matplotlib colour
        Background colour of the text.

    Returns
    -------
    str
        ``"black"`` or ``"white"``.

    Examples
    --------
    >>> text_colour_on("#D55E00"), text_colour_on("#0072B2")
    ('black', 'white')
    """
    rgb = np.asarray(to_rgba(fill)[:3], dtype=float)
    lin = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    lum = float(lin @ np.array([0.2126, 0.7152, 0.0722]))
    # contrast with black (lum + .05) / .05 against white 1.05 / (lum + .05)
    return "black" if (lum + 0.05) ** 2 >= 0.05 * 1.05 else "white"


_DIVERGING_ENDS = (("#A63D00", "#F4B183"), ("#9DC3E6", "#004C7A"))
NEUTRAL = "#BDBDBD"


def diverging(k: int) -> list[str]:
    """Diverging colours for ``k`` ordered categories (2-11), neutral grey in the middle.

    Disagreement runs from dark vermilion to light orange, agreement from
    light to dark blue (colour-blind safe); an odd ``k`` gets a grey
    middle category. Scales of 2 to 7 use the fixed :data:`DIVERGING` set.

    Parameters
    ----------
    k : int
        Number of categories.

    Returns
    -------
    list of str
        Hex colours, disagreement first.

    Examples
    --------
    >>> len(diverging(11)), diverging(11)[5]
    (11, '#BDBDBD')
    """
    if not 2 <= k <= 11:
        raise ValueError(
            f"Likert-Skalen mit {k} Kategorien werden nicht gezeichnet (2 bis 11 möglich) / "
            f"Likert scales with {k} categories cannot be drawn (2 to 11 allowed)"
        )
    if k in DIVERGING:
        return list(DIVERGING[k])
    half = k // 2

    def ramp(a: str, b: str) -> list[str]:
        ca, cb = np.array(to_rgba(a)[:3]), np.array(to_rgba(b)[:3])
        return [to_hex(ca + (cb - ca) * t) for t in np.linspace(0, 1, half)]

    left = ramp(*_DIVERGING_ENDS[0])
    right = ramp(*_DIVERGING_ENDS[1])
    return left + ([NEUTRAL] if k % 2 else []) + right


def wrap(
    label: str, width: int = 20, *, max_lines: int | None = None, joints_first: bool = False
) -> str:
    """Wrap a label at word boundaries, hyphenating long German words at syllables.

    Words are broken only where :mod:`pyphen` (``de_DE``) allows, after a
    hyphen or a slash; a word that fits on a line of its own is not broken,
    and a word without a legal point longer than a line is left whole rather
    than cut mid-syllable. Of the wrappings with the fewest lines, one that
    breaks compounds only at their joints wins ("Zivil-gesellschaft", not
    "Zivilge-sellschaft"; see :func:`syllable_breaks`), then the one filling
    the first lines most.

    Parameters
    ----------
    label : str
        The text.
    width : int, default 20
        Characters per line.
    max_lines : int, optional
        Cut after this many lines, ending with "…".
    joints_first : bool, default False
        Prefer a wrapping with fewer breaks off a compound's joint to one
        with fewer lines (for boxes that may take one line more).

    Returns
    -------
    str
        Lines joined by newlines.

    Examples
    --------
    >>> wrap("Beteiligungsbereitschaft steigt", 14).splitlines()
    ['Beteiligungs-', 'bereitschaft', 'steigt']
    >>> wrap("Zivilgesellschaft", 12).splitlines()
    ['Zivil-', 'gesellschaft']
    """
    lines = _wrap_lines(str(label), width, joints_first)[0]
    if max_lines is not None and len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1].rstrip("-") + "…"
    return "\n".join(lines) or str(label)


def numbered(number: object, label: str, width: int = 20) -> str:
    """Wrap a numbered key entry with a hanging indent: the number stands alone.

    The label is wrapped as :func:`wrap` does, at ``width`` characters less
    the number and its space; its second and further lines start under the
    label's first letter, not under the number ("1 Aktivitäten finden wie" /
    "   geplant statt"). The indent is as many spaces as are as wide as the
    number and its space in the house font (three for one digit in DejaVu
    Sans, whose digits are two spaces wide).

    Parameters
    ----------
    number : object
        The entry's number (or any short mark), written before the label.
    label : str
        The text.
    width : int, default 20
        Characters per line, the number included.

    Returns
    -------
    str
        Lines joined by newlines.

    Examples
    --------
    >>> numbered(1, "Aktivitäten finden wie geplant statt", 30).splitlines()
    ['1 Aktivitäten finden wie', '   geplant statt']
    """
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import text_to_path

    prefix = f"{number} "
    font = FontProperties(family=RC["font.family"])
    wide = text_to_path.get_text_width_height_descent(prefix, font, ismath=False)[0]
    space = text_to_path.get_text_width_height_descent(" ", font, ismath=False)[0]
    indent = " " * max(1, round(wide / space))
    lines = wrap(label, max(1, width - len(prefix))).splitlines() or [""]
    return "\n".join([prefix + lines[0], *(indent + line for line in lines[1:])])


def syllable_breaks(label: str, width: int = 20, *, joints_first: bool = False) -> int:
    """Count the words :func:`wrap` breaks elsewhere than at a compound's joint.

    Parameters
    ----------
    label : str
        The text.
    width : int, default 20
        Characters per line.
    joints_first : bool, default False
        As in :func:`wrap`.

    Returns
    -------
    int
        Breaks inside a part of a compound ("Beteili-gungsformate"); 0 when
        every break is at a joint ("Beteiligungs-formate") or none is needed.

    Examples
    --------
    >>> syllable_breaks("Zivilgesellschaft", 10), syllable_breaks("Zivilgesellschaft", 12)
    (1, 0)
    """
    return _wrap_lines(str(label), width, joints_first)[1]


def _wrap_lines(label: str, width: int, joints_first: bool = False) -> tuple[list[str], int]:
    """Best wrapping of ``label``: fewest lines, then fewest breaks off a joint, then fullest.

    With ``joints_first`` the fewest breaks off a joint count before the fewest lines.
    """
    key = (label, width, joints_first)
    found = _WRAPPED.get(key)
    if found is None:
        if len(_WRAPPED) > 20_000:
            _WRAPPED.clear()
        found = _WRAPPED[key] = _search_wrap(label, width, joints_first)
    return list(found[0]), found[1]


_WRAPPED: dict[tuple[str, int, bool], tuple[list[str], int]] = {}


def _search_wrap(label: str, width: int, joints_first: bool = False) -> tuple[list[str], int]:
    """Search the wrappings of ``label`` at ``width`` (see :func:`_wrap_lines`)."""
    words = tuple(label.split())
    memo: dict[tuple[int, str, str], tuple[tuple, list[str], int]] = {}

    def best(i: int, current: str, rest: str) -> tuple[tuple, list[str], int]:
        # lines from here: ``current`` is the open line, ``rest`` what is left of word i
        key = (i, current, rest)
        if key in memo:
            return memo[key]
        if not rest:
            if i + 1 >= len(words):
                lines = [current] if current else []
                found: tuple[tuple, list[str], int] = ((len(lines), 0), lines, 0)
                memo[key] = found
                return found
            i, rest = i + 1, words[i + 1]
        sep = " " if current else ""
        options: list[tuple[list[str], int, int, str, str]] = []
        if len(current) + len(sep) + len(rest) <= width:
            options.append(([], 0, i, current + sep + rest, ""))
        elif len(rest) <= width:  # a word that fits on a line of its own moves there whole
            options.append(([current], 0, i, rest, ""))
        else:
            room = width - len(current) - len(sep)
            for head, tail, joint in _breaks(rest):
                if len(head) <= room:
                    options.append(([current + sep + head], int(not joint), i, "", tail))
            if current:
                options.append(([current], 0, i, "", rest))
            elif not options:
                # nothing fits: the shortest legal head (a long line beats a mid-syllable cut)
                cuts = _breaks(rest)
                if cuts:
                    head, tail, joint = min(cuts, key=lambda c: len(c[0]))
                    options.append(([head], int(not joint), i, "", tail))
                else:
                    options.append(([rest], 0, i, "", ""))
        results = []
        for done, bad, j, line, left in options:
            _score, lines, bads = best(j, line, left)
            lines = done + lines
            bads += bad
            rank = (bads, len(lines)) if joints_first else (len(lines), bads)
            results.append(((*rank, tuple(-len(x) for x in lines)), lines, bads))
        found = min(results, key=lambda r: r[0])
        memo[key] = found
        return found

    if not words:
        return [], 0
    _score, lines, bads = best(0, "", words[0])
    return lines, bads


LINKING_S = re.compile(r"(ungs|heits|keits|schafts|tions|täts)$")
"""A syllable ending a compound's first part with a linking "s" ("Beteiligungs|formate")."""
PREFIXES = frozenset({"be", "ge", "ver", "zer", "ent", "mit"})
"""Unstressed prefixes: a syllable break before one inside a word is mostly a compound's joint
("Zivil|gesellschaft", "Kommunal|verwaltung", "Verwaltungs|mitarbeitende"), unless the
syllable before is a particle itself ("Beteiligungs|an-ge|bote": "an|ge" is one prefix)."""
PARTICLES = frozenset(
    {"ab", "an", "auf", "aus", "bei", "ein", "mit", "nach", "vor", "zu", "um", "un", "ge", "be"}
    | {"ver", "zer", "ent", "er", "dar", "her", "hin", "weg", "zu", "über", "unter"}
)


def _breaks(word: str) -> list[tuple[str, str, bool]]:
    """Every legal break of ``word`` as (head with its hyphen, tail, is a compound joint)."""
    import pyphen

    found = _BREAKS.get(word)
    if found is not None:
        return found
    out: dict[int, tuple[str, str, bool]] = {}
    for i in range(1, len(word)):
        if word[i - 1] in "-/":
            out[i] = (word[:i], word[i:], True)
    if "de" not in _PYPHEN:  # loading the dictionary costs more than the whole wrap
        _PYPHEN["de"] = pyphen.Pyphen(lang="de_DE", left=3, right=3)
    splits = list(_PYPHEN["de"].iterate(word))
    cuts = sorted({len(h.rstrip("-")) for h, _t in splits})
    for head, tail in splits:
        # at least three letters on each side, also within a compound ("Wissen/Fähig-keiten")
        if len(re.split(r"[-/]", head)[-1]) < 3 or len(re.split(r"[-/]", tail)[0]) < 3:
            continue
        # the de_DE patterns sometimes make a lone consonant a syllable ("Kom-mu-na-l-ver-");
        # the consonant stays with the syllable before it ("Kommunal-verwaltung")
        n = len(head.rstrip("-"))
        if n + 1 in cuts and word[n].lower() not in "aeiouäöüy":
            continue
        if n in out:
            continue
        later = [c for c in cuts if c > n and c != n + 1]
        earlier = [c for c in cuts if c < n and c + 1 not in cuts]
        syllable = word[n : later[0] if later else len(word)].lower()
        before = word[earlier[-1] if earlier else 0 : n].lower()
        joint = bool(LINKING_S.search(word[:n].lower())) or (
            syllable in PREFIXES and before not in PARTICLES
        )
        out[n] = (head if head.endswith("-") else head + "-", tail, joint)
    found = [out[n] for n in sorted(out)]
    _BREAKS[word] = found
    return found


_BREAKS: dict[str, list[tuple[str, str, bool]]] = {}
_PYPHEN: dict[str, Any] = {}


def ordered(values: Any, order: Any = None) -> list:
    """Distinct ``values`` in ``order`` (e.g. the programme's lab order), others after.

    Parameters
    ----------
    values : iterable
        The values present in the data.
    order : sequence, optional
        The preferred order; values absent from the data are skipped.

    Returns
    -------
    list
        ``order``'s values that occur, then the rest in order of appearance.

    Examples
    --------
    >>> ordered(["B", "C", "A", "B"], ["A", "B"])
    ['A', 'B', 'C']
    """
    seen = list(dict.fromkeys(values))
    if order is None:
        return seen
    present = set(seen)
    first = [v for v in dict.fromkeys(order) if v in present]
    return first + [v for v in seen if v not in set(first)]


def below_axes(ax: Axes, gap_pt: float = 4.0) -> Any:
    """Transform anchoring a legend or note just under the axes' tick labels and x label.

    The offset is measured once (in inches) and added to the axes frame, so
    it follows the axes when a layout engine moves it.

    Parameters
    ----------
    ax : Axes
        The axes, with ticks and labels already set.
    gap_pt : float, default 4
        Extra space in points.

    Returns
    -------
    Transform
        Axes coordinates shifted down; use with ``bbox_to_anchor=(0.5, 0)``.
    """
    from matplotlib.transforms import ScaledTranslation

    fig = ax.figure
    renderer = fig._get_renderer()  # any canvas (Agg, PDF, SVG, inline)
    legend = ax.get_legend()
    if legend is not None:
        legend.set_visible(False)
    tight = ax.get_tightbbox(renderer)
    if legend is not None:
        legend.set_visible(True)
    frame = ax.get_window_extent(renderer)
    depth = max(0.0, frame.y0 - tight.y0) / fig.dpi + gap_pt / 72
    return ax.transAxes + ScaledTranslation(0, -depth, fig.dpi_scale_trans)


def legend_below(
    ax: Axes,
    handles: list | None = None,
    *,
    ncol: int = 4,
    align: str = "right",
    gap_pt: float = 4.0,
    max_width: float = 0.96,
    **kw: Any,
) -> Any:
    """Put a legend under the axes, in as many columns as fit the figure's width.

    The legend hangs under the tick labels and x label (:func:`below_axes`),
    aligned with the axes' right edge (``align="right"``: a legend wider
    than the axes then reaches left under the row labels, never out of the
    figure) or centred. Columns are taken away one at a time until the
    legend is at most ``max_width`` of the figure wide.

    Parameters
    ----------
    ax : Axes
        The axes, with ticks and labels already set.
    handles : list, optional
        Legend handles (default: the labelled artists of ``ax``).
    ncol : int, default 4
        Most columns.
    align : {"right", "center"}
        Which point of the legend sits under the same point of the axes.
    gap_pt : float, default 4
        Space under the tick labels, in points.
    max_width : float, default 0.96
        Widest legend as a share of the figure's width.
    **kw
        Passed to :meth:`~matplotlib.axes.Axes.legend`.

    Returns
    -------
    Legend
    """
    fig = ax.figure
    renderer = fig._get_renderer()
    transform = below_axes(ax, gap_pt=gap_pt)
    anchor = (1.0, 0.0) if align == "right" else (0.5, 0.0)
    loc = "upper right" if align == "right" else "upper center"
    options = {"frameon": False, **kw}
    if handles is None:
        handles, labels = ax.get_legend_handles_labels()
    else:
        labels = [h.get_label() for h in handles]
    entries = list(zip(handles, labels, strict=True))
    ncol = max(1, ncol)
    while True:
        shown = row_by_row(entries, ncol)
        legend = ax.legend(
            [h for h, _ in shown],
            [t for _, t in shown],
            loc=loc,
            bbox_to_anchor=anchor,
            bbox_transform=transform,
            ncol=ncol,
            **options,
        )
        if ncol == 1 or legend.get_window_extent(renderer).width <= max_width * fig.bbox.width:
            return legend
        ncol -= 1


def row_by_row(entries: list, ncol: int) -> list:
    """Order legend entries so that a legend of ``ncol`` columns reads row by row.

    matplotlib fills a legend column by column (the first columns one entry
    longer where the entries do not divide evenly); readers read it line by
    line. The entries are put where row-by-row reading meets them.

    Parameters
    ----------
    entries : list
        The entries in reading order.
    ncol : int
        Columns of the legend.

    Returns
    -------
    list
        The same entries in the order to hand to matplotlib.

    Examples
    --------
    >>> row_by_row([1, 2, 3, 4, 5], 4)  # columns: 1 5 | 2 | 3 | 4
    [1, 5, 2, 3, 4]
    """
    n = len(entries)
    if ncol <= 1 or n <= ncol:
        return list(entries)
    rows, longer = divmod(n, ncol)
    heights = [rows + 1 if c < longer else rows for c in range(ncol)]
    slots = [(r, c) for r in range(max(heights)) for c in range(ncol) if r < heights[c]]
    place = dict(zip(slots, entries, strict=True))
    return [place[(r, c)] for c in range(ncol) for r in range(heights[c])]
