"""Network figures from the indicators: stages, attainment, progress.

Each figure is one :func:`~ogl_impact.reports.figures.base.declare` call at
the end of its section: data builder, plot, caption, alt text, reports.
"""

from __future__ import annotations

import pandas as pd
from matplotlib.artist import Artist
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.legend_handler import HandlerPatch
from matplotlib.patches import Patch
from matplotlib.transforms import Transform

from ogl_impact import logic, plots, vocab
from ogl_impact.dataset import lab_names
from ogl_impact.plots import style
from ogl_impact.plots.staircase import SKIPPED_FILL
from ogl_impact.reports.estimable import NotEstimable
from ogl_impact.reports.figures.base import (
    ALL_REPORTS,
    LONG_REPORTS,
    Context,
    DrawnOn,
    Panel,
    by_lab,
    declare,
    extremes,
    grid,
    key,
    lab_ids,
    lab_order,
    lab_rows_figure,
    n_sentence,
    period_dates,
    quoted,
    sentences,
    when,
)

# --- shared: attainment of the report's data --------------------------------------------------


def attainment(ctx: Context) -> pd.DataFrame:
    """Return the indicator attainment of the report's data (computed once per report)."""
    ds = ctx.data
    return ctx.cached(
        "att", lambda: logic.attainment(ds) if len(ds.indicator_values) else pd.DataFrame()
    )


def last_period(ctx: Context, att: pd.DataFrame) -> str | None:
    """Return the latest reporting period with any indicator data."""
    if att.empty:
        return None
    with_data = set(att.loc[att["status"] != "no_data", "period_id"])
    ids = [p for p in ctx.data.periods.sort_values("end")["period_id"] if p in with_data]
    return ids[-1] if ids else None


def values_drawn(ctx: Context, rows: pd.DataFrame) -> tuple[DrawnOn, ...]:
    """Return the stored indicator values behind rows of the report's attainment.

    Parameters
    ----------
    ctx : Context
        The build context.
    rows : DataFrame
        Rows of :func:`attainment` (its index kept) in the figure's scope:
        those whose actual value it draws and those it would draw if they
        had a value (:func:`could_draw`, :func:`_could_progress`).

    Returns
    -------
    tuple of DrawnOn
        The totals (``indicator_values``, column ``value``) of the rows'
        labs, indicators and periods, each keyed by its own period (a value
        withdrawn there is still matched) and, for a value carried forward
        (a cumulative indicator without a report in the period), also by the
        period it was carried from.
    """
    if rows.empty:
        none = pd.DataFrame(columns=["lab_id", "period_id", "row_key"])
        return (DrawnOn("indicator_values", none, ("value",)),)
    source = ctx.cached("att_source", lambda: _source_periods(attainment(ctx)))
    lab = rows["lab_id"].astype(str).to_numpy()
    key = rows["indicator_id"].astype(str).to_numpy()
    own = pd.DataFrame(
        {"lab_id": lab, "period_id": rows["period_id"].astype(str).to_numpy(), "row_key": key}
    )
    carried = pd.DataFrame(
        {"lab_id": lab, "period_id": source.reindex(rows.index).to_numpy(), "row_key": key}
    ).dropna()
    used = pd.concat([own, carried], ignore_index=True).drop_duplicates(ignore_index=True)
    return (DrawnOn("indicator_values", used, ("value",)),)


def _source_periods(att: pd.DataFrame) -> pd.Series:
    """Period whose stored total each attainment row's actual value is (NaN: none)."""
    if att.empty:
        return pd.Series(dtype=object)
    order = att.sort_values(["lab_id", "indicator_id", "period_end"], kind="stable")
    own = (
        order["period_id"]
        .astype(object)
        .where(order["actual"].notna() & ~order["carried_forward"].astype(bool))
    )
    keys = [order["lab_id"].astype(str), order["indicator_id"].astype(str)]
    return own.groupby(keys, sort=False).ffill().reindex(att.index)


def could_draw(att: pd.DataFrame) -> pd.Series:
    """Mark the attainment rows that would enter a status if they had a value.

    Parameters
    ----------
    att : DataFrame
        Rows of :func:`attainment`.

    Returns
    -------
    pandas.Series of bool
        True where the indicator has a target (without one, no value gives a status).
    """
    return att["target"].notna()


def _could_progress(att: pd.DataFrame) -> pd.Series:
    """Rows that would enter the network progress if they had a value."""
    return (
        att["aggregatable"].astype(bool)
        & att["target"].notna()
        & att["baseline"].notna()
        & ~att["measure"].isin(vocab.RATED_MEASURES)
    )


def _with_data(att: pd.DataFrame, keys: list[str]) -> pd.Series:
    """Count the indicators with data per group of ``keys``."""
    return att[att["status"] != "no_data"].groupby(keys).size()


# --- wirkungstreppe ---------------------------------------------------------------------------

SKIPPED_NOTE = (
    "Hell: Stufen unter der erreichten ohne bewertbaren Indikator, beim Aufstieg übersprungen: "
    "im Berichtszeitraum nicht belegt, aber auch nicht verfehlt (eine verfehlte Stufe beendet "
    "den Aufstieg). Ohne bewertbaren Indikator ist eine Stufe, wenn keiner ihrer Indikatoren "
    "einen Status hat („keine Daten“): kein Wert gemeldet, oder eine laufende Summe ist seit "
    "einem früheren Zeitraum nicht gemeldet und zum Zieldatum bleibt offen, ob sie ihr Ziel "
    "erreicht hat.",
    "Light: stages below the one reached without an assessable indicator, passed over: not "
    "shown to be reached in the reporting period, but not missed either (a missed stage ends "
    "the climb). A stage has no assessable indicator when none of its indicators has a status "
    "(“no data”): no value reported, or a running total not reported since an earlier period, "
    "so that at the target date it is open whether it reached its target.",
)
"""Caption sentences of the staircase figures when a lab's climb passed over a stage."""

SKIPPED_KEY = (
    "übersprungen (ohne bewertbaren Indikator)",
    "passed over (no assessable indicator)",
)
"""Legend entry of the light step in the staircase history (the caption says the rest)."""


class _FirstLinePatch(HandlerPatch):
    """A legend swatch level with the first line of its wrapped label, not with the middle.

    A multi-line legend label is centred on a one-line entry's baseline, so the swatch
    stands at its middle line; this raises it by half the lines below the first.
    """

    def __init__(self, lines: int, linespacing: float = 1.2) -> None:
        super().__init__()
        self.lines = lines
        self.linespacing = linespacing

    def create_artists(
        self,
        legend: Legend,
        orig_handle: Artist,
        xdescent: float,
        ydescent: float,
        width: float,
        height: float,
        fontsize: float,
        trans: Transform,
    ) -> list[Artist]:
        """Draw the swatch raised to the first line of the label."""
        up = (self.lines - 1) * self.linespacing * fontsize / 2
        return super().create_artists(
            legend, orig_handle, xdescent, ydescent - up, width, height, fontsize, trans
        )


def _stage_history(ctx: Context) -> pd.DataFrame:
    """Return the stage of every lab in every period (computed once per report).

    Parameters
    ----------
    ctx : Context
        The build context; its attainment must have data (:func:`last_period`).

    Returns
    -------
    DataFrame
        :func:`ogl_impact.logic.stages` of :func:`attainment`, ordered by lab
        (:func:`~ogl_impact.reports.figures.base.by_lab`) and then, keeping
        that order, by ``period_end``, with the short lab name in
        ``lab_label``. Shared by the figures: copy it before changing it.
    """

    def build() -> pd.DataFrame:
        st = by_lab(logic.stages(attainment(ctx)), ctx.data)
        st = st.sort_values("period_end", kind="stable")
        return st.assign(lab_label=st["lab_id"].map(lab_names(ctx.data)))

    return ctx.cached("stage_history", build)


def _stage_data(ctx: Context) -> list[Panel]:
    att = attainment(ctx)
    last = last_period(ctx, att)
    if last is None:
        return []
    history = _stage_history(ctx)
    # the latest period's rows keep the lab order (both sorts are stable)
    st = history[history["period_id"] == last]
    names = lab_names(ctx.data)
    n = _with_data(att[att["period_id"] == last], ["lab_id"])
    frame = pd.DataFrame(
        {
            "lab_label": [names[x] for x in st["lab_id"]],
            "stage": st["stage"].to_numpy(),
            "skipped": st["skipped"].to_numpy(),
            "n": [int(n.get(x, 0)) for x in st["lab_id"]],
        }
    )
    used = att[(att["period_id"] == last) & att["stage"].notna() & could_draw(att)]
    note = earlier = ""
    if frame["skipped"].ne("").any():
        # where the report has earlier periods: the light stages they showed reached, as in
        # the history's caption
        earlier = _reached_before(history, att, ctx)
        note = " " + ctx.t(*SKIPPED_NOTE) + (" " + earlier if earlier else "")
    return [
        Panel(
            frame,
            len(frame),
            {
                "when": when(ctx.data, last),
                "subject": when(ctx.data, last),
                "skipped": note,
                "earlier": earlier,
            },
            drawn_on=values_drawn(ctx, used),
        )
    ]


def _stage_plot(panel: Panel, ctx: Context) -> Figure:
    fig, ax = style.figure(height_cm=max(6.0, 4.0 + 0.7 * len(panel.frame)), layout="constrained")
    plots.stage_overview(panel.frame, order=lab_order(ctx), ax=ax)
    return fig


def _stage_alt(panel: Panel, ctx: Context) -> str:
    return sentences(
        [
            ctx.t(
                f"Balken: erreichte Stufe der Wirkungstreppe (1-7) je Labor, "
                f"{panel.values['when']}.",
                f"Bars: stage of the impact staircase reached (1-7) per lab, "
                f"{panel.values['when']}.",
            ),
            extremes(panel.frame, "stage", "lab_label", ctx, 0),
            _skipped_sentence(panel.frame, ctx),
            panel.values.get("earlier", ""),
            n_sentence(panel, ctx),
        ]
    )


def _skipped_sentence(frame: pd.DataFrame, ctx: Context) -> str:
    """Name the labs whose climb passed over stages without an assessable indicator ("" if none)."""
    rows = frame[frame["skipped"].ne("")]
    if rows.empty:
        return ""
    parts = [
        ctx.t(
            f"{quoted(lab, ctx)} (Stufe{'n' if ',' in skipped else ''} {skipped})",
            f"{quoted(lab, ctx)} (stage{'s' if ',' in skipped else ''} {skipped})",
        )
        for lab, skipped in zip(rows["lab_label"], rows["skipped"], strict=True)
    ]
    return ctx.t(
        "Ohne bewertbaren Indikator übersprungen: " + "; ".join(parts) + ".",
        "Passed over without an assessable indicator: " + "; ".join(parts) + ".",
    )


declare(
    "wirkungstreppe",
    title=("Erreichte Stufe der Wirkungstreppe", "Stage reached"),
    data=_stage_data,
    plot=_stage_plot,
    caption=(
        "Höchste Stufe der Wirkungstreppe, die jedes Labor bis zum Berichtszeitraum erreicht "
        "hat.{skipped}",
        "Highest stage of the impact staircase each lab has reached by the reporting "
        "period.{skipped}",
    ),
    alt=_stage_alt,
    reports=ALL_REPORTS,
    order=10,
    source="indicators",
    cost=2.0,
)


# --- wirkungstreppe_verlauf -------------------------------------------------------------------


def _history_data(ctx: Context) -> list[Panel]:
    att = attainment(ctx)
    if last_period(ctx, att) is None:
        return []
    ds = ctx.data
    history = _stage_history(ctx)
    n = _with_data(att, ["lab_id", "period_id"])
    # a new frame (the shared history stays as it is), lab_label last as before
    st = history.drop(columns="lab_label").assign(
        period_label=history["period_id"].str.upper(),
        n=[
            int(n.get((lab, p), 0))
            for lab, p in zip(history["lab_id"], history["period_id"], strict=True)
        ],
        lab_label=history["lab_label"],
    )
    names = lab_names(ds)
    labs = lab_ids(ds)
    used = att[att["stage"].notna() & could_draw(att)]
    note = earlier = ""
    if st["skipped"].ne("").any():
        earlier = _reached_before(st, att, ctx)
        note = " " + ctx.t(*SKIPPED_NOTE) + (" " + earlier if earlier else "")
    return [
        Panel(
            st,
            len(labs),
            {"skipped": note, "earlier": earlier},
            extra={"labs": labs, "names": names},
            drawn_on=values_drawn(ctx, used),
        )
    ]


def _reached_before(st: pd.DataFrame, att: pd.DataFrame, ctx: Context) -> str:
    """Name the stages passed over in the latest period that an earlier period showed reached.

    A light step over a dark one reads as "lost"; the sentence says why the
    stage has no assessable indicator now (a running total not reported since
    a period, or no value), since when it is light where that is before the
    latest period ("seit SB6 hell") and that this is no step back ("" when
    none). The captions of the staircase history and of the single period's
    staircase both use it.

    Parameters
    ----------
    st : DataFrame
        :func:`ogl_impact.logic.stages` with ``lab_label``, in time order.
    att : DataFrame
        The report's attainment.
    ctx : Context
        For the language.

    Returns
    -------
    str
    """
    ends = st.drop_duplicates("period_id").set_index("period_id")["period_end"].sort_values()
    last = ends.index[-1]
    label = {p: str(p).upper() for p in ends.index}
    source = _source_periods(att)
    parts = []
    for lab, rows in st.groupby("lab_id", sort=False):
        now = rows[rows["period_id"] == last]
        if now.empty:
            continue
        before = rows[rows["period_id"] != last]
        for stage in (int(x) for x in str(now["skipped"].iloc[0]).split(",") if x.strip()):
            shown = [
                p
                for p, reached, gaps in zip(
                    before["period_id"], before["stage"], before["skipped"], strict=True
                )
                if stage <= int(reached) and str(stage) not in str(gaps).replace(" ", "").split(",")
            ]
            if not shown:
                continue
            light_since = last
            for p, gaps in zip(before["period_id"][::-1], before["skipped"][::-1], strict=True):
                if p == shown[-1] or str(stage) not in str(gaps).replace(" ", "").split(","):
                    break
                light_since = p
            mine = att[
                (att["lab_id"] == lab) & (att["period_id"] == last) & (att["stage"] == stage)
            ]
            mine = mine[could_draw(mine)]
            carried = mine[mine["carried_forward"].astype(bool)]
            since = sorted(
                {str(p) for p in source.reindex(carried.index).dropna()},
                key=lambda p: ends.get(p, pd.NaT),
            )
            periods = ", ".join(label.get(p, p.upper()) for p in since)
            why = (
                ctx.t(
                    f"laufende Summe zuletzt in {periods} gemeldet",
                    f"running total last reported in {periods}",
                )
                if since
                else ctx.t("kein Wert gemeldet", "no value reported")
            )
            since_de = since_en = ""
            if light_since != last:
                since_de = f", seit {label[light_since]} hell"
                since_en = f", light since {label[light_since]}"
            parts.append(
                ctx.t(
                    f"{quoted(str(rows['lab_label'].iloc[0]), ctx)} Stufe {stage} "
                    f"(zuletzt belegt in {label[shown[-1]]}{since_de}; {why})",
                    f"{quoted(str(rows['lab_label'].iloc[0]), ctx)} stage {stage} "
                    f"(last shown in {label[shown[-1]]}{since_en}; {why})",
                )
            )
    if not parts:
        return ""
    return ctx.t(
        f"Zuvor belegt, in {label[last]} hell (kein Rückschritt belegt): " + "; ".join(parts) + ".",
        f"Shown before, light in {label[last]} (no step back shown): " + "; ".join(parts) + ".",
    )


def _history_plot(panel: Panel, ctx: Context) -> Figure:
    labs, names = panel.extra["labs"], panel.extra["names"]
    dates = period_dates(ctx)
    periods = list(dict.fromkeys(panel.frame["period_label"]))
    # the stage key needs about two rows: a grid of one row (a single lab) gets a second
    light = panel.frame["skipped"].ne("").any()
    # a third free cell for the key of the tints when some stage is drawn light
    fig, cells, free = grid(
        len(labs), 4, 3 if light else 2, 4.6, min_rows=2, sharex=True, sharey=True
    )
    below_free = {i - 4 for i in range(len(labs), len(labs) + len(free))}
    for i, (ax, lab) in enumerate(zip(cells, labs, strict=True)):
        plots.staircase(panel.frame, lab=lab, stage_names=False, ylabel=False, ax=ax)
        ax.set_title(style.wrap(names[lab], 26), fontsize=7)
        ax.set_xlabel("")
        ax.tick_params(labelsize=6)
        if i in below_free:  # the cell below is a key: this panel shows its periods
            ax.xaxis.set_tick_params(labelbottom=True)
    fig.supylabel(style.text("stage"), fontsize=7.5)
    fig.supxlabel(style.text("period"), fontsize=7.5)
    stages = [style.numbered(i, ctx.t(*vocab.STAGES[i]), 30) for i in sorted(vocab.STAGES)]
    key(free[0], ctx.t("Stufen der Wirkungstreppe", "Stages of the impact staircase"), stages)
    key(
        free[1],
        ctx.t("Berichtszeiträume (Ende)", "Reporting periods (end)"),
        [f"{p}  {style.date_label(dates[p])}" for p in periods if p in dates],
    )
    if light:
        skipped = style.wrap(ctx.t(*SKIPPED_KEY), 20)
        tints = [
            Patch(facecolor=style.PALETTE[0], label=style.text("stage_reached")),
            Patch(facecolor=SKIPPED_FILL, label=skipped),
        ]
        free[2].legend(
            handles=tints,
            # the light swatch stands by the first line of its label, the rest hangs under it
            handler_map={tints[1]: _FirstLinePatch(skipped.count("\n") + 1)},
            loc="upper left",
            bbox_to_anchor=(0.0, 1.0),
            frameon=False,
            fontsize=6.5,
            title=ctx.t("Stufen in den Treppen", "Stages in the staircases"),
            title_fontsize=6.5,
            alignment="left",
            borderaxespad=0.0,
        ).set_in_layout(False)  # a key in a free cell, like the others: no column made wider
    return fig


def _history_alt(panel: Panel, ctx: Context) -> str:
    f = panel.frame
    last = f[f["period_id"] == f.sort_values("period_end")["period_id"].iloc[-1]]
    periods = f["period_label"].drop_duplicates().tolist()
    return sentences(
        [
            ctx.t(
                f"Kleine Treppen je Labor: Stufe der Wirkungstreppe (1-7) in den "
                f"Berichtszeiträumen {periods[0]} bis {periods[-1]}. Im letzten Zeitraum:",
                f"Small staircases per lab: stage (1-7) in the reporting periods "
                f"{periods[0]} to {periods[-1]}. In the latest period:",
            ),
            extremes(last, "stage", "lab_label", ctx, 0),
            _skipped_sentence(last, ctx),
            panel.values.get("earlier", ""),
            n_sentence(panel, ctx),
        ]
    )


declare(
    "wirkungstreppe_verlauf",
    title=("Stufe der Wirkungstreppe im Verlauf", "Stage over time"),
    data=_history_data,
    plot=_history_plot,
    caption=(
        "Stufe der Wirkungstreppe je Labor über die Berichtszeiträume.{skipped}",
        "Stage per lab over the reporting periods.{skipped}",
    ),
    alt=_history_alt,
    reports=LONG_REPORTS,
    order=20,
    source="indicators",
    cost=6.0,
)


# --- zielerreichung ---------------------------------------------------------------------------


def status_note(statuses: set[str] | pd.Series, where: tuple[str, str], ctx: Context) -> dict:
    """Say how the statuses drawn read, naming only those drawn (as the legend does).

    Parameters
    ----------
    statuses : set of str or Series
        The statuses of the cells or boxes drawn (keys of
        :data:`ogl_impact.vocab.ATTAINMENT_STATUS`).
    where : (str, str)
        Where "keine Daten" stands when no indicator has data, German and
        English (e.g. "wo kein Indikator der Ebene Daten hat").
    ctx : Context
        For the language.

    Returns
    -------
    dict
        ``none_where``: "; „keine Daten“, wo …" for the parenthesis after the
        tie rule ("" when no cell has no data); ``status_note``: the sentences
        on the target date, running totals not reported since an earlier period
        and what else "keine Daten" means, each only about statuses drawn,
        with a leading space ("" when none applies).
    """
    drawn = set(statuses)
    label = {s: ctx.label(vocab.ATTAINMENT_STATUS, s) for s in vocab.ATTAINMENT_STATUS}
    none, behind = "no_data" in drawn, "behind" in drawn
    parts = []
    if "on_track" in drawn:
        parts.append(
            ctx.t(
                f"Ab dem Zieldatum gilt ein Indikator nicht mehr als {label['on_track']}.",
                f"From the target date on an indicator is no longer {label['on_track']}.",
            )
        )
    total_de = "Eine laufende Summe, die seit einem früheren Zeitraum nicht gemeldet ist,"
    total_en = "A running total not reported since an earlier period"
    unknown_de = "(ob das Ziel erreicht wurde, ist nicht gemeldet)"
    unknown_en = "(whether the target was reached is not reported)"
    if behind and none:
        parts.append(
            ctx.t(
                f"{total_de} bleibt ab dem Zieldatum {label['behind']}, wenn sie es zuletzt war, "
                f"sonst „{label['no_data']}“ {unknown_de}.",
                f"{total_en} stays {label['behind']} from the target date on if it last was, "
                f"else “{label['no_data']}” {unknown_en}.",
            )
        )
    elif behind:
        parts.append(
            ctx.t(
                f"{total_de} bleibt ab dem Zieldatum {label['behind']}, wenn sie es zuletzt war.",
                f"{total_en} stays {label['behind']} from the target date on if it last was.",
            )
        )
    elif none:
        parts.append(
            ctx.t(
                f"{total_de} hat ab dem Zieldatum „{label['no_data']}“ {unknown_de}.",
                f"{total_en} has “{label['no_data']}” from the target date on {unknown_en}.",
            )
        )
    if none:
        parts.append(
            ctx.t(
                f"„{label['no_data'][0].upper()}{label['no_data'][1:]}“ auch: kein Wert im "
                "Berichtszeitraum oder kein Zielwert.",
                f"“{label['no_data'][0].upper()}{label['no_data'][1:]}” also: no value in the "
                "reporting period or no target value.",
            )
        )
    return {
        "none_where": ctx.t(
            f"; „{label['no_data']}“, {where[0]}", f"; “{label['no_data']}” {where[1]}"
        )
        if none
        else "",
        "status_note": "".join(" " + p for p in parts),
    }


def _attainment_data(ctx: Context) -> list[Panel]:
    att = attainment(ctx)
    last = last_period(ctx, att)
    if last is None:
        return []
    part = att[att["period_id"] == last]
    cells = logic.majority_status(part, by=["lab_id", "level"])
    names = lab_names(ctx.data)
    levels = cells.assign(_level=cells["level"].map(vocab.LEVEL_RANK))
    cells = by_lab(levels.sort_values("_level", kind="stable"), ctx.data)
    frame = pd.DataFrame(
        {
            "lab_label": cells["lab_id"].map(names).to_numpy(),
            "column": [ctx.label(vocab.LEVELS, lv) for lv in cells["level"]],
            "status": cells["status"].to_numpy(),
            "n": cells["n_with_data"].to_numpy(),
        }
    )
    return [
        Panel(
            frame,
            int(part["lab_id"].nunique()),
            {
                "when": when(ctx.data, last),
                "subject": when(ctx.data, last),
                **status_note(
                    frame["status"],
                    (
                        "wo kein Indikator der Ebene Daten hat",
                        "where no indicator of the level has data",
                    ),
                    ctx,
                ),
            },
            drawn_on=values_drawn(ctx, part[could_draw(part)]),
        )
    ]


def _attainment_plot(panel: Panel, ctx: Context) -> Figure:
    return lab_rows_figure(panel.frame, plots.attainment_heatmap, ctx)


def _attainment_alt(panel: Panel, ctx: Context) -> str:
    counts = panel.frame["status"].value_counts()
    parts = [
        f"{ctx.label(vocab.ATTAINMENT_STATUS, s)} {int(counts[s])}"
        for s in vocab.ATTAINMENT_STATUS
        if s in counts
    ]
    return sentences(
        [
            ctx.t(
                f"Raster Labor × Ebene, Farbe = häufigster Status der Indikatoren mit Daten, "
                f"{panel.values['when']}. Zellen je Status: {', '.join(parts)}.",
                f"Grid lab × level, colour = most frequent status of the indicators with data, "
                f"{panel.values['when']}. Cells per status: {', '.join(parts)}.",
            ),
            n_sentence(panel, ctx),
        ]
    )


declare(
    "zielerreichung",
    title=("Zielerreichung je Ebene", "Attainment by level"),
    data=_attainment_data,
    plot=_attainment_plot,
    caption=(
        "Häufigster Status der Indikatoren mit Daten je Labor und Ebene des Wirkungsmodells "
        "(bei Gleichstand der ungünstigere{none_where}).{status_note}",
        "Most frequent status of the indicators with data per lab and level (ties: the less "
        "favourable{none_where}).{status_note}",
    ),
    alt=_attainment_alt,
    reports=ALL_REPORTS,
    order=30,
    source="indicators",
    cost=1.5,
)


# --- fortschritt ------------------------------------------------------------------------------


def _progress_data(ctx: Context) -> list[Panel]:
    att = attainment(ctx)
    if last_period(ctx, att) is None:
        return []
    net = logic.network_progress(att)
    if net.empty:
        raise NotEstimable(
            ctx.t(
                "Kein Indikator, der über Labore hinweg zusammengefasst werden darf, hat einen "
                "Fortschrittswert.",
                "No indicator that may be aggregated across labs has a progress value.",
            )
        )
    frame = pd.DataFrame(
        {
            "series": [ctx.label(vocab.LEVELS, lv) for lv in net["level"]],
            "period_label": net["period_id"].str.upper().to_numpy(),
            "value": net["mean_progress"].to_numpy(),
            "expected": net["mean_expected"].to_numpy(),
            "n": net["n_indicators"].to_numpy(),
        }
    )
    in_time = net.sort_values("period_end")["period_id"].str.upper()
    periods = list(dict.fromkeys(in_time))
    n_labs = int(net["n_labs"].max())
    path = (
        ctx.t("gestrichelt", "dashed")
        if len(periods) > 1
        else ctx.t("waagerechter Strich", "horizontal mark")
    )
    used = att[_could_progress(att)]
    return [
        Panel(
            frame,
            n_labs,
            {"labs": n_labs, "path": path},
            extra={"periods": periods},
            drawn_on=values_drawn(ctx, used),
        )
    ]


def _progress_plot(panel: Panel, ctx: Context) -> Figure:
    fig, ax = style.figure(height_cm=8, layout="constrained")
    plots.indicator_progress(
        panel.frame,
        period_order=panel.extra["periods"],
        period_dates=period_dates(ctx),
        ax=ax,
    )
    return fig


def _progress_alt(panel: Panel, ctx: Context) -> str:
    f = panel.frame
    periods = panel.extra["periods"]
    last = f[f["period_label"] == periods[-1]]
    # the axis shows percent of the way to the target: the alt text says the same numbers
    shown = last.assign(percent=last["value"] * 100)
    kind = ctx.t("Linien", "Lines") if len(periods) > 1 else ctx.t("Punkte", "Points")
    return sentences(
        [
            ctx.t(
                f"{kind}: mittlerer Anteil des Wegs zum Ziel je Ebene und Berichtszeitraum "
                f"(100 % = Ziel erreicht), bis zu {panel.values['labs']} Labore. "
                f"Im Zeitraum {periods[-1]}:",
                f"{kind}: mean share of the way to the target by level and reporting period "
                f"(100 % = target reached), up to {panel.values['labs']} labs. "
                f"In period {periods[-1]}:",
            ),
            extremes(shown, "percent", "series", ctx, 0, " %"),
            n_sentence(panel, ctx),
        ]
    )


declare(
    "fortschritt",
    title=("Fortschritt zum Ziel je Ebene", "Progress towards target by level"),
    data=_progress_data,
    plot=_progress_plot,
    caption=(
        "Mittlerer Anteil des Wegs von der Ausgangslage zum Ziel je Ebene, über bis zu {labs} "
        "Labore; nur Indikatoren, die über Labore hinweg zusammengefasst werden dürfen, jeder "
        "höchstens mit 100 % (Ziel erreicht) gezählt; {path}: der zeitlich lineare Zielpfad.",
        "Mean share of the way from baseline to target by level, over up to {labs} labs; only "
        "indicators that may be aggregated across labs, each counted at most at 100 % (target "
        "reached); {path}: the linear target path.",
    ),
    alt=_progress_alt,
    reports=ALL_REPORTS,
    order=40,
    source="indicators",
)
