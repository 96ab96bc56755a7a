"""The figure declaration, the frozen build context and the drawn figure.

A figure is declared once with :func:`declare`: its name, the data builder
that returns the tidy frame(s) it draws (:class:`Panel`), the plot function,
the caption template, the alt-text function, the reports it belongs to, its
position in a report and a cost hint. :data:`FIGURES` holds the declarations;
the report registry, the build and :func:`~ogl_impact.reports.draw` read
them from there. Nothing here chooses a matplotlib backend.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.transforms import Bbox

from ogl_impact import privacy, vocab
from ogl_impact.dataset import Dataset, lab_names
from ogl_impact.plots import style

STATUS_REPORTS = ("sb1", "sb2", "sb3", "sb4", "sb5", "sb6")
"""The status reports (Sachstandsberichte): the network view."""
LONG_REPORTS = ("zb", "pb")
"""The interim and the project report: the network view and the profiles."""
ALL_REPORTS = (*STATUS_REPORTS, *LONG_REPORTS)

SOURCES = MappingProxyType(
    {
        "indicators": ("Indikatoren der Labore", "lab indicators"),
        "survey": (
            "Befragung der Labore und Vergleichskommunen",
            "survey of labs and comparison communes",
        ),
        "partners": ("Partnerliste der Labore", "lab partner list"),
        "milestones": ("Meilensteine der Labore", "lab milestones"),
        "submissions": ("Register der Datenlieferungen", "register of data deliveries"),
    }
)
"""Data sources named in the footer and the gallery."""


@dataclass(frozen=True)
class Context:
    """Everything a figure is drawn from: the data as of the report date and the settings.

    Parameters
    ----------
    data : Dataset
        The dataset as of the report's date (:func:`~ogl_impact.reports.as_of`).
    report_id : str
        The report, e.g. ``"sb3"``.
    lang : {"de", "en"}
        Language of labels and texts.
    k : int
        Suppression threshold.
    reps : int
        Draws of the wild cluster bootstrap.
    synthetic_tables : frozenset of str
        Tables that hold synthetic demo data.
    only_lab : str, optional
        For per-lab figures: draw only this lab.
    disclosure : privacy.Disclosure, optional
        The report's one suppression decision, shared by every figure drawn
        with this context (and its copies); made on first use when absent.
    """

    data: Dataset
    report_id: str
    lang: str = "de"
    k: int = privacy.K_DEFAULT
    reps: int = 9999
    synthetic_tables: frozenset = frozenset()
    only_lab: str | None = None
    cache: dict = field(default_factory=dict, compare=False, repr=False, hash=False)
    disclosure: privacy.Disclosure | None = field(
        default=None, compare=False, repr=False, hash=False
    )

    def t(self, de: str, en: str) -> str:
        """Pick the German or English text."""
        return de if self.lang == "de" else en

    def label(self, vocabulary: Mapping, code: object) -> str:
        """Label of a code in the context's language (see :func:`ogl_impact.vocab.label`)."""
        return vocab.label(vocabulary, code, self.lang)

    def synthetic(self, tables: tuple[str, ...]) -> bool:
        """Whether any of ``tables`` (or, unknown, the dataset) is synthetic."""
        if self.synthetic_tables:
            return any(t in self.synthetic_tables for t in tables)
        return bool(self.data.synthetic)

    def decision(self) -> privacy.Disclosure:
        """Return the report's suppression decision (see :class:`ogl_impact.privacy.Disclosure`)."""
        if self.disclosure is not None:
            return self.disclosure
        return self.cached(
            "disclosure",
            lambda: privacy.Disclosure(self.k, allow_below_5=True, lang=self.lang),
        )

    def protect(self, frame: pd.DataFrame, **options: Any) -> pd.DataFrame:
        """Pass a frame of respondent groups through the report's one decision.

        Parameters
        ----------
        frame : DataFrame
            One row per shown group, with ``n``.
        **options
            See :meth:`ogl_impact.privacy.Disclosure.protect` (groups, fixed, ...).

        Returns
        -------
        DataFrame
        """
        return self.decision().protect(frame, **options)

    def cached(self, key: str, compute: Callable[[], Any]) -> Any:
        """Compute a value shared by several figures of the same report once."""
        if key not in self.cache:
            self.cache[key] = compute()
        return self.cache[key]


@dataclass(frozen=True)
class DrawnOn:
    """Stored values a panel's numbers are computed from (for the Korrekturvermerk).

    The rows are the figure's *scope*: every stored row it draws, and every
    row it would draw if its value were there (a value withdrawn since is
    then still matched by table, lab, period and row key, though its row is
    gone).

    Parameters
    ----------
    table : str
        The table, e.g. ``"indicator_values"``.
    rows : DataFrame
        One row per stored row in the scope: ``lab_id``, ``period_id`` (left
        out for tables without periods, e.g. ``partners``) and ``row_key``
        (the key without lab and period as ``revisions.row_key`` writes it,
        e.g. ``"i07"`` for the total of indicator i07).
    columns : tuple of str
        Columns of those rows the figure draws (a revision of another
        column, e.g. the status "geschätzt" of a value, changes nothing drawn).
    """

    table: str
    rows: pd.DataFrame
    columns: tuple[str, ...]


@dataclass(frozen=True)
class Panel:
    """The numbers one figure draws.

    Parameters
    ----------
    frame : DataFrame
        Tidy frame of exactly the numbers drawn, with a column ``n``
        (written as ``<name>.csv``).
    n : int, optional
        The n in the footer (respondents or units).
    values : mapping
        Fields of the caption template and title (e.g. ``when``). Two are
        read by the title drawn in the figure (:func:`figure_title`):
        ``subject``, what tells this panel apart (a date, the waves, the
        lab; after a dash), and ``figure_note``, a line under the title.
    name : str, optional
        File name when one declaration gives several figures (per lab).
    notes : tuple of str
        Statistics of the figure that could not be estimated, with reasons.
    extra : mapping
        Further inputs of the plot that are not numbers drawn.
    drawn_on : tuple of DrawnOn, optional
        The stored values the numbers come from (and those they would come
        from, where withdrawn); the Korrekturvermerk then counts only revised
        values among these (:func:`revision_note`). None: not declared, the
        note counts every revised value of the figure's tables in the
        periods and labs of the frame and says so.
    """

    frame: pd.DataFrame
    n: int | None
    values: Mapping[str, Any] = field(default_factory=dict)
    name: str | None = None
    notes: tuple[str, ...] = ()
    extra: Mapping[str, Any] = field(default_factory=dict)
    drawn_on: tuple[DrawnOn, ...] | None = None


DataBuilder = Callable[[Context], list[Panel]]
PlotFunction = Callable[[Panel, Context], Figure]
AltText = Callable[[Panel, Context], str]


@dataclass(frozen=True)
class FigureSpec:
    """One figure, declared once (see :func:`declare`)."""

    name: str
    title: tuple[str, str]
    data: DataBuilder
    plot: PlotFunction
    caption: tuple[str, str]
    alt: AltText
    reports: tuple[str, ...]
    order: int
    source: str
    tables: tuple[str, ...] = ("indicator_values",)
    cost: float = 1.0
    per_lab: bool = False
    panel_title: tuple[str, str] | None = None

    def caption_for(self, panel: Panel, ctx: Context) -> str:
        """Return the caption in the context's language, filled from the panel's values.

        A note on suppressed values and a Korrekturvermerk on revised values
        (:func:`revision_note`) are added where they apply.
        """
        text = ctx.t(*self.caption).format(**panel.values)
        note = revision_note(ctx, self.tables, panel.frame, panel.drawn_on)
        if note:
            text += " " + note
        suppressed = _suppressed(panel.frame)
        label = privacy.suppressed_label(ctx.k, ctx.lang)
        if suppressed:
            text += " " + ctx.t(
                f"{suppressed} {'Wert ist' if suppressed == 1 else 'Werte sind'} zum Schutz "
                f"der Befragten {label}: Gruppen unter {ctx.k} Befragten oder ergänzend "
                "unterdrückt, damit sich keine kleine Gruppe errechnen lässt.",
                f"{suppressed} {'value is' if suppressed == 1 else 'values are'} {label} to "
                f"protect the respondents: groups below {ctx.k} respondents, or suppressed in "
                "addition so that no small group can be worked out.",
            )
        empty = _no_data(panel.frame, ctx)
        if empty:
            text += " " + ctx.t(
                f"{empty} {'Wert' if empty == 1 else 'Werte'} ohne jede Antwort: "
                f"{privacy.no_data_label('de')}.",
                f"{empty} {'value' if empty == 1 else 'values'} without any answer: "
                f"{privacy.no_data_label('en')}.",
            )
        if ctx.k < privacy.K_SAFE and spec_uses_respondents(self):
            text += " " + k_note(ctx)
        return text


def report_day(ctx: Context) -> pd.Timestamp:
    """Return the report's date: the end of its period, where the report's data stop."""
    periods = ctx.data.periods.set_index("period_id")
    if ctx.report_id in periods.index:
        return pd.Timestamp(periods.at[ctx.report_id, "end"])
    return pd.Timestamp(periods["end"].max())


def revision_note(
    ctx: Context,
    tables: tuple[str, ...],
    frame: pd.DataFrame,
    drawn_on: tuple[DrawnOn, ...] | None = None,
) -> str:
    """Return the Korrekturvermerk for the revised values a figure draws on, or "".

    What counts is a *value*, not a row of ``revisions``: a stored value
    counts as revised when the value it has now (or its absence, once
    withdrawn) differs from the value first accepted for it
    (:func:`ogl_impact.logic.revised_values`). A withdrawn value counts
    once; a value changed and changed back (withdrawn and delivered again)
    does not count; a revision of the status alone ("geschätzt" ->
    "gemessen") is no revised value drawn.

    With ``drawn_on`` (the panel's :class:`DrawnOn`), a revised value counts
    when it is of a column the figure draws and of a stored row in the
    figure's scope: the same table, lab, period (where the table has
    periods) and row key, including rows the figure would draw if their
    value were there (so a withdrawn value it drew counts). A figure of the
    last period does not count revisions of earlier periods, unless it
    carries one of their values forward.

    Without it (a figure that does not say what it draws on), a revised
    value counts when it is in one of the figure's ``tables``, in a period
    of the report's data and (where the frame has the columns) in a period
    and lab of the frame; the note then says that it counts the revised
    values of the figure's periods, not only those drawn.

    The report's date does not limit either: the tables hold the revised
    value, so a report rebuilt after a revision draws it and says so.
    Values whose present value was set after the period's deadline are
    named apart, and so are values withdrawn (the figure no longer draws
    them: it draws what is stored now, e.g. a cumulative value carried
    forward from the period before).

    Parameters
    ----------
    ctx : Context
        The build context (data as of the report's date, language, lab).
    tables : tuple of str
        Tables the figure draws on (``FigureSpec.tables``).
    frame : DataFrame
        The numbers drawn.
    drawn_on : tuple of DrawnOn, optional
        The stored values drawn on (``Panel.drawn_on``).

    Returns
    -------
    str
        E.g. "Korrekturvermerk: 2 Werte der Abbildung nachträglich
        korrigiert, davon 2 nach der Abgabefrist und 1 zurückgezogen (nicht
        mehr dargestellt)."
    """
    from ogl_impact.logic import deadlines, revised_values

    revs = ctx.data.tables.get("revisions")
    if revs is None or revs.empty or "periods" not in ctx.data.tables:
        return ""
    # the same table for every figure of the report (and every lab's copy of the context)
    values = ctx.cached("revised_values", lambda: revised_values(revs))
    values = values[values["changed"] & ~values["status_column"]]
    if drawn_on is not None:
        part = _values_drawn(values, drawn_on)
    else:  # the data hold the revised value whenever the report is built: every one counts
        part = values[values["table"].isin(tables)]
        part = part[part["period_id"].isin(ctx.data.periods["period_id"])]
        for col in ("period_id", "lab_id"):
            if col in frame.columns:
                part = part[part[col].isin(set(frame[col].dropna().astype(str)))]
    if ctx.only_lab is not None:
        part = part[part["lab_id"] == ctx.only_lab]
    if part.empty:
        return ""
    due = part["period_id"].map(deadlines(ctx.data.periods))
    late = int((part["last_revised"] > due).sum())
    n = len(part)
    gone = int((part["value"].isna() & part["first_value"].notna()).sum())
    if drawn_on is not None and gone:  # a withdrawn value is the figure's, no longer drawn
        de = f"Korrekturvermerk: {count(n, 'Wert', 'Werte')} der Abbildung nachträglich korrigiert"
        en = f"Revision note: {count(n, 'value', 'values')} of the figure revised after delivery"
    elif drawn_on is not None:
        de = f"Korrekturvermerk: {n} der dargestellten Werte nachträglich korrigiert"
        en = f"Revision note: {count(n, 'value', 'values')} drawn revised after delivery"
    else:
        de = (
            f"Korrekturvermerk: in den Zeiträumen und Laboren der Abbildung "
            f"{count(n, 'Wert', 'Werte')} nachträglich korrigiert (nicht nur dargestellte)"
        )
        en = (
            f"Revision note: {count(n, 'value', 'values')} of the figure's periods and labs "
            "revised after delivery (not only values drawn)"
        )
    if late:
        de += f", davon {late} nach der Abgabefrist"
        en += f", {late} of them after the deadline"
    if gone:
        de += f"{' und' if late else ', davon'} {gone} zurückgezogen"
        en += f"{' and' if late else ','} {gone} {'of them ' if not late else ''}withdrawn"
        if drawn_on is not None:
            de += " (nicht mehr dargestellt)"
            en += " (no longer drawn)"
    return ctx.t(de + ".", en + ".")


def _row_key(key: pd.Series) -> pd.Series:
    """Row keys as one text: a trailing empty part left out ("i01|" is "i01")."""
    return key.astype(str).str.replace(r"\|+$", "", regex=True)


def _values_drawn(values: pd.DataFrame, drawn_on: tuple[DrawnOn, ...]) -> pd.DataFrame:
    """Return the revised values (of :func:`~ogl_impact.logic.revised_values`) a figure draws."""
    hits: set[int] = set()
    for d in drawn_on:
        v = values[(values["table"] == d.table) & values["column"].isin(d.columns)]
        if v.empty or d.rows.empty:
            continue
        keys = ["lab_id", "period_id"] if "period_id" in d.rows.columns else ["lab_id"]
        used = d.rows[keys].astype(str).assign(row_key=_row_key(d.rows["row_key"]))
        used = used.drop_duplicates()
        mine = v[keys].astype(str).assign(row_key=_row_key(v["row_key"]))
        hits |= set(mine.reset_index().merge(used, on=[*keys, "row_key"])["index"])
    return values.loc[sorted(hits)]


def spec_uses_respondents(spec: FigureSpec) -> bool:
    """Whether a figure shows groups of respondents (the survey)."""
    return spec.source == "survey"


def k_note(ctx: Context) -> str:
    """State a threshold below 5 ("Mindestgruppe k = 3 ...")."""
    return ctx.t(
        f"Mindestgruppe k = {ctx.k} (unter dem Standard {privacy.K_SAFE} ausdrücklich zugelassen).",
        f"Minimum group k = {ctx.k} (explicitly allowed below the default of {privacy.K_SAFE}).",
    )


def _no_data(frame: pd.DataFrame, ctx: Context) -> int:
    """Count rows of groups without any answer (note "keine Daten", see Disclosure.protect)."""
    if privacy.NOTE_COLUMN not in frame.columns:
        return 0
    return int((frame[privacy.NOTE_COLUMN] == privacy.no_data_label(ctx.lang)).sum())


def _suppressed(frame: pd.DataFrame) -> int:
    if "suppressed" not in frame.columns:
        return 0
    return int(frame["suppressed"].fillna(False).astype(bool).sum())


FIGURES: dict[str, FigureSpec] = {}
"""Every declared figure by name, in report order after :func:`ordered`."""


def declare(
    name: str,
    *,
    title: tuple[str, str],
    data: DataBuilder,
    plot: PlotFunction,
    caption: tuple[str, str],
    alt: AltText,
    reports: tuple[str, ...],
    order: int,
    source: str,
    tables: tuple[str, ...] = ("indicator_values",),
    cost: float = 1.0,
    per_lab: bool = False,
    panel_title: tuple[str, str] | None = None,
) -> FigureSpec:
    """Declare a figure: the one edit that adds it to the reports.

    Parameters
    ----------
    name : str
        File stem and id, e.g. ``"wirkungstreppe"``.
    title : (str, str)
        German and English name of the figure in words (gallery).
    data : callable
        ``data(ctx) -> list[Panel]``: the tidy frame(s) drawn; an empty list
        when the data do not exist yet at the report's date; raises
        :class:`~ogl_impact.reports.estimable.NotEstimable` when they cannot
        support the figure.
    plot : callable
        ``plot(panel, ctx) -> Figure``; computes nothing.
    caption : (str, str)
        German and English caption templates, filled from ``Panel.values``.
    alt : callable
        ``alt(panel, ctx) -> str``: alt text written from the numbers drawn.
    reports : tuple of str
        Report ids the figure belongs to.
    order : int
        Position within a report (ascending).
    source : str
        Key of :data:`SOURCES`.
    tables : tuple of str
        Tables the figure draws on (for the synthetic mark).
    cost : float
        Relative drawing and saving time (the build starts the costly first).
    per_lab : bool
        One figure per lab (the build splits it into one task per lab).
    panel_title : (str, str), optional
        German and English name of one figure where ``title`` names the
        group in the gallery ("Wirkungsmodell" of "Wirkungsmodelle der
        Labore"): the image's own title (:func:`figure_title`) uses it.

    Returns
    -------
    FigureSpec
        The declaration, also stored in :data:`FIGURES`.

    Raises
    ------
    ValueError
        If the name is taken or the source unknown.
    """
    if name in FIGURES:
        raise ValueError(f"figure {name!r} is declared twice")
    if source not in SOURCES:
        raise ValueError(f"unknown source {source!r}; known: {', '.join(SOURCES)}")
    spec = FigureSpec(
        name,
        title,
        data,
        plot,
        caption,
        alt,
        tuple(reports),
        order,
        source,
        tables,
        cost,
        per_lab,
        panel_title,
    )
    FIGURES[name] = spec
    return spec


def figures_of(report_id: str) -> tuple[str, ...]:
    """Names of the figures a report holds, in report order.

    Parameters
    ----------
    report_id : str
        E.g. ``"sb3"``.

    Returns
    -------
    tuple of str
    """
    specs = sorted((s for s in FIGURES.values() if report_id in s.reports), key=lambda s: s.order)
    return tuple(s.name for s in specs)


@dataclass
class Drawn:
    """A finished figure with its gallery entry, data table and alt text."""

    name: str
    figure: Figure
    caption: str
    n: int | None
    source: str
    synthetic: bool = False
    bbox: Bbox | None = None
    notes: tuple[str, ...] = ()
    table: pd.DataFrame | None = None
    alt_text: str = ""
    title: str = ""

    def _repr_png_(self) -> bytes:
        import io

        buffer = io.BytesIO()
        box = self.bbox if self.bbox is not None else "tight"
        self.figure.savefig(buffer, format="png", dpi=100, bbox_inches=box)
        return buffer.getvalue()


def figure_title(spec: FigureSpec, panel: Panel, ctx: Context) -> str:
    """Return the short title every report figure carries at its top left.

    One rule for all figures: the figure's name as the gallery heads it
    (``spec.title``; for one of a group, such as one lab's impact model,
    ``spec.panel_title``), then after a dash what tells the panel apart (its
    ``subject``: the period, the waves, the lab), and a line under it when
    the panel has a ``figure_note`` (e.g. a wave not drawn). The full
    sentence is the caption's, in the gallery and the SVG.

    Parameters
    ----------
    spec : FigureSpec
        The declaration.
    panel : Panel
        The numbers drawn (``values["subject"]``, ``values["figure_note"]``).
    ctx : Context
        For the language.

    Returns
    -------
    str
    """
    title = ctx.t(*(spec.panel_title or spec.title))
    subject = panel.values.get("subject")
    if subject:
        title += f" – {subject}"
    note = panel.values.get("figure_note")
    return f"{title}\n{note}" if note else title


def finish(fig: Figure, spec: FigureSpec, panel: Panel, ctx: Context) -> Drawn:
    """Add the title (:func:`figure_title`) and the footer (n, source, synthetic mark).

    Parameters
    ----------
    fig : Figure
        The drawn figure.
    spec : FigureSpec
        Its declaration.
    panel : Panel
        The numbers drawn.
    ctx : Context
        Build context.

    Returns
    -------
    Drawn
    """
    heading(fig, figure_title(spec, panel, ctx))
    synthetic = ctx.synthetic(spec.tables)
    source = ctx.label(SOURCES, spec.source)
    foot_source = source
    if ctx.k < privacy.K_SAFE:  # a lowered threshold is stated on every figure
        foot_source = f"{source} · {ctx.t('Mindestgruppe', 'minimum group')} k = {ctx.k}"
    box = saved_box(
        fig,
        lambda below: style.footer(
            fig, n=panel.n, source=foot_source, synthetic=synthetic, below=below
        ),
    )
    return Drawn(
        panel.name or spec.name,
        fig,
        spec.caption_for(panel, ctx),
        panel.n,
        source,
        synthetic=synthetic,
        bbox=box,
        notes=panel.notes,
        table=panel.frame,
        alt_text=spec.alt(panel, ctx),
        title=ctx.t(*spec.title),
    )


PAD_IN = 0.05
"""White margin above the figure and below the footer, in inches."""
PRINT_DPI = 300
"""Resolution of the saved PNG; figures are laid out and checked at it."""


def saved_box(fig: Figure, add_footer: Callable[[Bbox], object] | None = None) -> Bbox:
    """Lay a figure out once, freeze it, add the footer and return the area to save.

    The figure is set to the print resolution (:data:`PRINT_DPI`), where
    text has its printed width; the layout engine (constrained layout)
    runs once here and is then switched off, so that saving in three
    formats and the layout check see the same positions without laying the
    figure out again. The saved area
    is as wide as the canvas (the printed width, 16 cm for a full-width
    figure: text reaching out of it is a layout problem, not a reason for a
    wider box that would print smaller) and as high as the drawn content
    and the footer.

    Parameters
    ----------
    fig : Figure
        The drawn figure.
    add_footer : callable, optional
        ``add_footer(tight_box)`` writes the footer under the figure's tight
        box (in inches) as the figure's last text.

    Returns
    -------
    Bbox
        In inches, for ``savefig(bbox_inches=...)`` and ``check_layout(bbox=...)``.
    """
    # laid out at the resolution of the PNG: hinted text is up to 5 % narrower at 100 dpi
    fig.set_dpi(PRINT_DPI)
    fig.draw_without_rendering()
    if fig.get_layout_engine() is not None:
        fig.set_layout_engine("none")  # keeps the positions just computed
    tight = fig.get_tightbbox()
    bottom = tight.y0
    if add_footer is not None:
        add_footer(tight)
        foot = fig.texts[-1].get_window_extent().transformed(fig.dpi_scale_trans.inverted())
        bottom = min(bottom, foot.y0)
    width = fig.get_figwidth()
    return Bbox.from_extents(0.0, bottom - PAD_IN, width, tight.y1 + PAD_IN)


def heading(fig: Figure, text: str) -> None:
    """Write a figure's title flush left above everything (a long title never leaves the figure)."""
    fig.suptitle(text, x=0.01, ha="left", fontsize=style.RC["axes.titlesize"])


def collation_key(name: str) -> tuple[str, str]:
    """Sort key of a name in German order (DIN 5007-1, as in a dictionary).

    Umlauts sort as their base letters ("Würzburg" as "Wurzburg"), "ß" as
    "ss", case is ignored; names equal so compare as written.

    Parameters
    ----------
    name : str
        The name as shown.

    Returns
    -------
    tuple of str

    Examples
    --------
    >>> sorted(["Würzburg", "Oberrhein", "Bad Belzig", "Bremen"], key=collation_key)
    ['Bad Belzig', 'Bremen', 'Oberrhein', 'Würzburg']
    """
    plain = unicodedata.normalize("NFD", name.replace("ß", "ss").replace("ẞ", "SS"))
    return "".join(c for c in plain if not unicodedata.combining(c)).casefold(), name


def lab_ids(ds: Dataset) -> list[str]:
    """Return the lab ids in the order of their shown names (German order, :func:`collation_key`).

    Every figure with one row, bar or panel per lab, and its CSV, takes the
    labs in this order ("Oberrhein" under O, not where ``labs.csv`` has
    its id ``kehl``).

    Parameters
    ----------
    ds : Dataset
        The dataset (its ``labs`` table).

    Returns
    -------
    list of str
    """
    names = lab_names(ds)
    return sorted(ds.labs["lab_id"], key=lambda lab: collation_key(names[lab]))


def lab_order(ctx: Context) -> list[str]:
    """Return the labs' short names in the order every figure shows them (:func:`lab_ids`)."""
    names = lab_names(ctx.data)
    return [names[lab] for lab in lab_ids(ctx.data)]


def by_lab(frame: pd.DataFrame, ds: Dataset, column: str = "lab_id") -> pd.DataFrame:
    """Order a frame's rows by lab as :func:`lab_ids` does, keeping the order within a lab.

    Parameters
    ----------
    frame : DataFrame
        Rows with the lab id in ``column``.
    ds : Dataset
        The dataset.
    column : str, default "lab_id"
        The column holding the lab id.

    Returns
    -------
    DataFrame
        The same rows (index reset); rows of ids not in ``labs`` come last.
    """
    rank = {lab: i for i, lab in enumerate(lab_ids(ds))}
    key = frame[column].map(rank).fillna(len(rank))
    return frame.iloc[np.argsort(key.to_numpy(), kind="stable")].reset_index(drop=True)


# --- shared helpers of the data builders ------------------------------------------------------


def lab_rows_figure(
    frame: pd.DataFrame,
    draw: Callable[..., object],
    ctx: Context,
) -> Figure:
    """Draw a figure with one row per lab (height grows with the labs).

    Parameters
    ----------
    frame : DataFrame
        The panel's frame, with a ``lab_label`` column.
    draw : callable
        The plot function, called as ``draw(frame, order=labs, ax=ax)`` with the
        programme's lab order.
    ctx : Context
        The build context.

    Returns
    -------
    Figure
    """
    fig, ax = style.figure(
        height_cm=max(7.0, 4.0 + 0.8 * frame["lab_label"].nunique()), layout="constrained"
    )
    draw(frame, order=lab_order(ctx), ax=ax)
    return fig


def grid(
    n: int, cols: int, spare: int, height_cm: float, min_rows: int = 1, **kw: Any
) -> tuple[Figure, list[Axes], list[Axes]]:
    """Make a constrained grid of ``n`` small panels with at least ``spare`` free cells for keys.

    Parameters
    ----------
    n : int
        Panels (one per lab).
    cols : int
        Columns of the grid.
    spare : int
        Free cells needed at the end (for keys and legends).
    height_cm : float
        Height of one row.
    min_rows : int, default 1
        At least this many rows (room for a key taller than one row when
        there are few panels).
    **kw
        Passed to ``plt.subplots`` (``sharex``, ``subplot_kw`` ...).

    Returns
    -------
    (Figure, list of Axes, list of Axes)
        The figure (16 cm wide, constrained layout), the panels' axes and
        the free cells (switched off).
    """
    import matplotlib.pyplot as plt

    rows = max(min_rows, -(-(n + spare) // cols))
    fig, axes = plt.subplots(
        rows,
        cols,
        figsize=(style.A4_TEXT_WIDTH_CM * style.CM, height_cm * rows * style.CM),
        layout="constrained",
        **kw,
    )
    cells = list(axes.flat)
    for ax in cells[n:]:
        ax.axis("off")
    return fig, cells[:n], cells[n:]


def key(ax: Axes, heading: str, lines: list[str], fontsize: float = 6.5) -> None:
    """Write a key (heading and lines) into a free cell of a grid, from its top left corner."""
    ax.text(
        0.0,
        1.0,
        "\n".join([heading, *lines]),
        transform=ax.transAxes,
        fontsize=fontsize,
        va="top",
        ha="left",
        linespacing=1.3,
    )


def wrap(label: str, width: int) -> str:
    """Wrap a label at ``width`` characters."""
    import textwrap

    return "\n".join(textwrap.wrap(label, width))


def period_dates(ctx: Context) -> dict[str, date]:
    """End date of each period by its label as drawn ("SB3"), from ``periods.csv``."""
    periods = ctx.data.periods
    return {
        str(p).upper(): pd.Timestamp(end).date()
        for p, end in zip(periods["period_id"], periods["end"], strict=True)
    }


def when(ds: Dataset, period_id: str) -> str:
    """Period id and its end as month and year, e.g. "SB5, Apr. 2022"."""
    end = ds.periods.set_index("period_id").at[period_id, "end"]
    return f"{period_id.upper()}, {style.date_label(pd.Timestamp(end).date())}"


def count(n: int, one: str, many: str) -> str:
    """``n`` with the singular or plural noun."""
    return f"{n} {one if n == 1 else many}"


def extremes(
    frame: pd.DataFrame,
    value: str,
    label: str,
    ctx: Context,
    decimals: int = 1,
    unit: str = "",
    *,
    quote: bool = True,
) -> str:
    """Sentence naming the largest and the smallest value of ``frame[value]``.

    Parameters
    ----------
    frame : DataFrame
        The numbers drawn.
    value : str
        Column of the values.
    label : str
        Column naming each value.
    ctx : Context
        For the language.
    decimals : int
        Decimals shown (decimal comma in German).
    unit : str
        Appended to each value, e.g. ``" %"``.
    quote : bool, default True
        Quote the names as described below; False when the labels carry their
        own quotation marks (e.g. „Ich vertraue der Kommunalverwaltung.“ – Welle 1,
        where only the statement is quoted).

    Returns
    -------
    str
        E.g. "Größter Wert: Kehl (4,2); kleinster: Bremen (2,1)." or "" when
        no value is shown. Values equal as shown (rounded to ``decimals``)
        are named together: "„Kehl“ und „Bremen“ (je 4,2)", three at most and
        then "und 5 weitere" (four are all named); "Alle 13 gleich (2)." when every value is.
        A single name is quoted when it holds a comma ("„Marburg-Biedenkopf, Bad Endbach
        und Breidenbach“ (2,3)"), so that it is not read as several.
        Percentages just short of 100 that would be shown as "100 %" (99.6 % with no
        decimals; "100 %" reads as complete) are given with as many more decimals as
        it takes (up to three).
    """
    shown = frame.dropna(subset=[value])
    if shown.empty:
        return ""
    if unit.strip() == "%":
        short = shown[value].astype(float)
        short = short[short < 100]
        while decimals < 3 and bool((short.round(decimals) >= 100).any()):
            decimals += 1
    rounded = shown[value].astype(float).round(decimals)
    hi, lo = rounded.max(), rounded.min()
    with style.house_style(ctx.lang):
        if hi == lo and len(shown) > 1:
            v = f"{style.number(float(hi), decimals)}{unit}"
            return ctx.t(f"Alle {len(shown)} gleich ({v}).", f"All {len(shown)} equal ({v}).")
        names = shown[label].astype(str)
        big = _tied(names[rounded == hi].tolist(), hi, decimals, unit, ctx, quote)
        small = _tied(names[rounded == lo].tolist(), lo, decimals, unit, ctx, quote)
    return ctx.t(f"Größter Wert: {big}; kleinster: {small}.", f"Largest: {big}; smallest: {small}.")


def _tied(
    names: list[str], v: float, decimals: int, unit: str, ctx: Context, quote: bool = True
) -> str:
    """Name the holders of one value: "Kehl (4,2)", "„Kehl“ und „Bremen“ (je 4,2)" ..."""
    number = f"{style.number(float(v), decimals)}{unit}"
    if len(names) == 1 and (not quote or not _needs_quotes(names[0])):
        return f"{names[0]} ({number})"
    # quoted: a name may hold "und" or a comma itself ("Merzenich und Kerpen", "Marburg-Biedenkopf,
    # Bad Endbach und Breidenbach"), so that the names can be told apart and counted
    if quote:
        names = [quoted(n, ctx) for n in names]
    if len(names) == 1:
        return f"{names[0]} ({number})"
    if len(names) <= 4:  # "und 1 weitere" would save nothing
        de = f"{', '.join(names[:-1])} und {names[-1]}"
        en = f"{', '.join(names[:-1])} and {names[-1]}"
    else:
        de = f"{', '.join(names[:3])} und {len(names) - 3} weitere"
        en = f"{', '.join(names[:3])} and {len(names) - 3} more"
    return ctx.t(f"{de} (je {number})", f"{en} ({number} each)")


def _needs_quotes(name: str) -> bool:
    """Whether a name read alone in a sentence could be taken for several (it holds a comma)."""
    return "," in name or ";" in name


def quoted(name: str, ctx: Context) -> str:
    """Put a name in the quotation marks of the context's language ("„Bremen“", "“Bremen”").

    Parameters
    ----------
    name : str
        A lab's or an item's name.
    ctx : Context
        For the language.

    Returns
    -------
    str
        The quoted name; a list of quoted names can be counted even when a
        name holds a comma or "und" ("„Marburg-Biedenkopf, Bad Endbach und
        Breidenbach“ und „Bremen“").
    """
    return ctx.t(f"„{name}“", f"“{name}”")


def sentences(parts: list[str]) -> str:
    """Join the sentences of an alt text, leaving out empty ones.

    Parameters
    ----------
    parts : list of str
        Sentences, some possibly "" (e.g. :func:`extremes` with nothing shown).

    Returns
    -------
    str
        The non-empty sentences, stripped, joined by one space.

    Examples
    --------
    >>> sentences(["Balken je Labor.", "", " n = 12. "])
    'Balken je Labor. n = 12.'
    """
    return " ".join(p.strip() for p in parts if p and p.strip())


def n_sentence(panel: Panel, ctx: Context) -> str:
    """Return "n = 123." in the context's language, or "" without n."""
    if panel.n is None:
        return ""
    with style.house_style(ctx.lang):
        return f"n = {style.number(panel.n, 0)}."
