"""Survey figures: openness profiles, trust answers, effects against comparison communes.

Every frame with respondent counts passes the report's one suppression
decision (``ctx.protect``, :class:`ogl_impact.privacy.Disclosure`) before it
is drawn; the network mean goes through it as a total over the labs. The
calls into :mod:`ogl_impact.stats` are gathered in the four small functions
at the top of this module.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NamedTuple

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from ogl_impact import plots, privacy, stats, vocab
from ogl_impact.dataset import lab_names
from ogl_impact.plots import style
from ogl_impact.reports.estimable import NotEstimable, numerical_failures
from ogl_impact.reports.figures.base import (
    ALL_REPORTS,
    LONG_REPORTS,
    Context,
    Panel,
    by_lab,
    count,
    declare,
    extremes,
    grid,
    key,
    lab_ids,
    n_sentence,
    quoted,
    sentences,
)
from ogl_impact.stats.masking import ThresholdBelowSafeWarning

# --- the calls into stats ---------------------------------------------------------------------


def scores(ctx: Context) -> pd.DataFrame:
    """Raw scale scores per respondent of the report's data (computed once per report).

    Raw (``min_n=None``): the figures' outputs go through the report's one
    decision (``ctx.protect``) and the models' own ``min_n``; this frame is
    never published.
    """
    ds = ctx.data

    def raw() -> pd.DataFrame:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="min_n=None", category=UserWarning)
            return stats.survey.score_table(
                ds.responses, ds.codebook, lab_units=ds.labs["lab_id"], min_n=None
            )

    return ctx.cached("scores", raw)


@contextmanager
def _report_k() -> Iterator[None]:
    """Pass the report's k to stats without its warning for 3 or 4.

    The report's k has passed :func:`ogl_impact.privacy.check_k` at the
    entry (``--allow-k-below-5``) and is stated on every figure; the
    library's warning for a ``min_n`` below 5 would only repeat it.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ThresholdBelowSafeWarning)
        yield


def _likert(ctx: Context, items: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    ds = ctx.data
    with _report_k():
        likert = stats.likert_summary(
            ds.responses, ds.codebook, items=items, by=["wave"], min_n=ctx.k
        )
    return likert.categories, likert.shares


def _constructs(ctx: Context) -> list[str]:
    return list(stats.survey.constructs(ctx.data.codebook))


_EFFECTS: dict[tuple, pd.DataFrame] = {}


def _lab_comparison(
    table: pd.DataFrame, construct: str, before: int, after: int, reps: int, k: int
) -> pd.DataFrame:
    """DiD with bootstrap, computed once per identical data (reports share waves)."""
    part = table.loc[table["wave"].isin([before, after]), ["unit_id", "wave", "is_lab", construct]]
    digest = int(pd.util.hash_pandas_object(part, index=False).sum())
    key = (construct, before, after, reps, k, len(part), digest)
    if key not in _EFFECTS:
        with _report_k():
            _EFFECTS[key] = stats.lab_comparison(
                table, construct, before=before, after=after, reps=reps, min_n=k
            ).bootstrap
    return _EFFECTS[key]


# --- openness (radar and dots share the data) -------------------------------------------------


def _all_suppressed(ctx: Context, wave: int, labs: int) -> str:
    if labs == 1:
        return ctx.t(
            f"in Welle {wave} hat das einzige Labor mit Antworten weniger als k = {ctx.k} "
            "Befragte; alle Werte sind zum Schutz der Befragten unterdrückt",
            f"in wave {wave} the only lab with answers has fewer than k = {ctx.k} respondents; "
            "every value is suppressed to protect the respondents",
        )
    # not every lab need be small: the others go so that no small one follows from the rest
    return ctx.t(
        f"in Welle {wave} sind alle {labs} Labore mit Antworten unterdrückt: mindestens eines "
        f"hat weniger als k = {ctx.k} Befragte, und die übrigen ließen es aus dem "
        "Netzwerk-Mittel errechnen",
        f"in wave {wave} all {labs} labs with answers are suppressed: at least one has fewer "
        f"than k = {ctx.k} respondents, and the others would let it be worked out from the "
        "network mean",
    )


def _openness_data(ctx: Context) -> list[Panel]:
    ds = ctx.data
    if ds.responses.empty:
        return []
    table = scores(ctx)
    wave = int(table["wave"].max())
    latest = table[(table["wave"] == wave) & table["is_lab"]]
    if latest.empty:
        raise NotEstimable(
            ctx.t(
                f"in Welle {wave} hat kein Labor geantwortet",
                f"no lab has answers in wave {wave}",
            )
        )
    names = ds.perspectives.set_index("perspective_id")[ctx.t("name_de", "name_en")]
    pids = [p for p in ds.perspectives["perspective_id"] if p in latest]
    rows = []
    for lab, part in latest.groupby("unit_id"):
        for p in pids:
            rows.append((lab, names[p], part[p].mean(), int(part[p].notna().sum())))
    frame = pd.DataFrame(rows, columns=["unit_id", "perspective", "score", "n"])
    # the network mean is a total over the labs: it goes through the same decision
    net = {names[p]: (latest[p].mean(), int(latest[p].notna().sum())) for p in pids}
    frame["network_mean"] = frame["perspective"].map(lambda p: net[p][0])
    frame["network_n"] = frame["perspective"].map(lambda p: net[p][1])
    frame = ctx.protect(
        frame, groups=["unit_id"], fixed={"wave": wave, "is_lab": True}, variables=["perspective"]
    )
    if frame["suppressed"].all():
        raise NotEstimable(_all_suppressed(ctx, wave, latest["unit_id"].nunique()))
    lab_label = lab_names(ds)
    frame = by_lab(frame, ds, "unit_id")
    frame.insert(1, "lab_label", frame["unit_id"].map(lab_label))
    labs = lab_ids(ds)
    silent = [lab for lab in labs if lab not in set(latest["unit_id"])]
    missing = ""
    if silent:  # labs drawn empty ("keine Daten"): the caption says why
        who = ", ".join(lab_label.get(lab, lab) for lab in silent)
        missing = " " + ctx.t(
            f"Ohne Antworten in Welle {wave} (keine Daten): {who}.",
            f"No answers in wave {wave} (no data): {who}.",
        )
    n = _respondents_drawn(latest, frame, {p: names[p] for p in pids})
    with style.house_style(ctx.lang):
        shown_n = style.number(n, 0)
    # what n counts, in words: the n per lab and perspective in the CSV are smaller
    counted = " " + ctx.t(
        f"n = {shown_n}: Befragte der Labore mit mindestens einer Antwort zu einer gezeigten "
        f"Perspektive in Welle {wave}, jede Person einmal gezählt (n je Labor und Perspektive: "
        "Spalte n der CSV).",
        f"n = {shown_n}: lab respondents with at least one answer on a perspective shown in "
        f"wave {wave}, each person counted once (n per lab and perspective: column n of the "
        "CSV).",
    )
    values = {
        "wave": wave,
        "missing": missing,
        "counted": counted,
        "subject": ctx.t(f"Welle {wave}", f"wave {wave}"),
    }
    return [Panel(frame, n, values, extra={"labs": labs, "names": lab_label})]


def _respondents_drawn(latest: pd.DataFrame, frame: pd.DataFrame, names: dict) -> int:
    """Count the respondents with a value in what is drawn: a shown lab or a shown network mean.

    A respondent who answered no perspective (e.g. only the trust items), or
    only perspectives of a suppressed lab without a shown network mean, is
    in no drawn number and not in the figure's n.
    """
    shown = frame.loc[~frame["suppressed"].astype(bool) & (frame["n"].fillna(0) > 0)]
    cells = set(zip(shown["unit_id"], shown["perspective"], strict=True))
    network = set(frame.loc[frame["network_n"].notna(), "perspective"])
    drawn = pd.Series(False, index=latest.index)
    for pid, name in names.items():
        lab_shown = latest["unit_id"].map(lambda u, name=name: (u, name) in cells)
        drawn |= latest[pid].notna() & (lab_shown | (name in network))
    return int(drawn.sum())


def _radar_plot(panel: Panel, ctx: Context) -> Figure:
    frame, labs, names = panel.frame, panel.extra["labs"], panel.extra["names"]
    numbers = {name: str(i) for i, name in enumerate(dict.fromkeys(frame["perspective"]), 1)}
    short = frame.assign(perspective=frame["perspective"].map(numbers))
    fig, cells, free = grid(len(labs), 4, 2, 5.2, subplot_kw={"projection": "polar"})
    # room for the spoke numbers under each radar, and for the title over the first row (the
    # layout reserves too little above a polar axes' title)
    fig.get_layout_engine().set(hspace=0.08, h_pad=0.055)
    for ax, lab in zip(cells, labs, strict=True):
        # one legend for the whole grid (in a free cell), not one per radar
        plots.openness_radar(short, lab=lab, title=style.wrap(names[lab], 24), legend=False, ax=ax)
        ax.tick_params(labelsize=6)
    key(
        free[0],
        ctx.t("Perspektiven der Offenheit", "Perspectives of openness"),
        [style.numbered(i, name, 28) for name, i in numbers.items()],
    )
    handles = [
        Line2D([], [], color=style.PALETTE[0], linewidth=1.5, marker="o", markersize=2.5),
        Line2D([], [], color="#666666", linestyle="--", linewidth=1),
    ]
    free[-1].legend(
        handles,
        [ctx.t("Labor", "Lab"), ctx.t("Netzwerk-Mittel", "Network mean")],
        loc="upper left",
        bbox_to_anchor=(0.0, 1.0),
        frameon=False,
        fontsize=6.5,
        title=style.wrap(
            ctx.t(
                "Mittelwert je Perspektive, Skala 1 (Mitte) bis 5",
                "Mean per perspective, scale 1 (centre) to 5",
            ),
            26,
        ),
        title_fontsize=6.5,
        alignment="left",
    )
    return fig


def _dots_plot(panel: Panel, ctx: Context) -> Figure:
    frame, labs, names = panel.frame, panel.extra["labs"], panel.extra["names"]
    fig, cells, free = grid(len(labs), 3, 1, 4.4, sharex=True, sharey=True)
    below_free = {i - 3 for i in range(len(labs), len(labs) + len(free))}
    for i, (ax, lab) in enumerate(zip(cells, labs, strict=True)):
        plots.openness_dots(frame, lab=lab, ax=ax)
        # as narrow as a panel of the right-hand column: the title stays inside the figure
        ax.set_title(style.wrap(names[lab], 24), fontsize=7)
        ax.tick_params(labelsize=6)
        ax.set_xlabel("")
        if i in below_free:
            ax.xaxis.set_tick_params(labelbottom=True)
        legend = ax.get_legend()
        if legend is not None:
            legend.remove()
    fig.supxlabel(style.text("score"), fontsize=7.5)
    handles = [
        Line2D([], [], color=style.PALETTE[0], marker="o", linestyle="none", markersize=5),
        Line2D([], [], color="#666666", marker="|", linestyle="none", markersize=10),
    ]
    free[0].legend(
        handles,
        [ctx.t("Labor", "Lab"), ctx.t("Netzwerk-Mittel", "Network mean")],
        loc="upper left",
        bbox_to_anchor=(0.0, 1.0),
        frameon=False,
        fontsize=6.5,
        title=style.wrap(
            ctx.t("Mittelwert je Perspektive, Skala 1 bis 5", "Mean per perspective, scale 1 to 5"),
            30,
        ),
        title_fontsize=6.5,
        alignment="left",
    )
    return fig


def _openness_alt(panel: Panel, ctx: Context) -> str:
    # lab and perspective joined by a dash, not a comma: a lab's name may hold a comma itself
    # ("Marburg-Biedenkopf, Bad Endbach und Breidenbach")
    f = panel.frame.assign(
        where=panel.frame["lab_label"].astype(str) + " – " + panel.frame["perspective"].astype(str)
    )
    masked = f["suppressed"].astype(bool)
    # a lab counts as shown by its values, not by a row of no answers ("keine Daten"); a lab
    # with some values shown and some suppressed is counted once, as partly shown
    with_values = set(f.loc[~masked & f["score"].notna(), "unit_id"])
    hidden_any = set(f.loc[masked, "unit_id"])
    labs = len(with_values)
    partly = len(with_values & hidden_any)
    hidden = len(hidden_any - with_values)
    label = ctx.decision().label
    network = f["network_mean"].notna().any()
    empty = f.loc[f["note"] == ctx.decision().no_data, "where"].tolist()
    none = (
        ctx.t("Keine Daten (keine Antworten): ", "No data (no answers): ") + "; ".join(empty) + "."
        if empty
        else ""
    )
    return sentences(
        [
            ctx.t(
                f"Mittelwerte der Perspektiven der Offenheit (Skala 1-5) für "
                f"{count(labs, 'Labor', 'Labore')}, "
                f"Welle {panel.values['wave']}, "
                + ("mit dem Netzwerk-Mittel" if network else f"Netzwerk-Mittel: {label}")
                + (
                    f"; davon {count(partly, 'Labor', 'Labore')} nur teilweise "
                    f"(einzelne Werte: {label})"
                    if partly
                    else ""
                )
                + (f"; {count(hidden, 'Labor', 'Labore')}: {label}." if hidden else "."),
                f"Means of the openness perspectives (scale 1-5) for "
                f"{count(labs, 'lab', 'labs')}, wave "
                f"{panel.values['wave']}, "
                + ("with the network mean" if network else f"network mean: {label}")
                + (
                    f"; of these {count(partly, 'lab', 'labs')} only in part "
                    f"(single values: {label})"
                    if partly
                    else ""
                )
                + (f"; {count(hidden, 'lab', 'labs')}: {label}." if hidden else "."),
            ),
            none,
            extremes(f, "score", "where", ctx, 1),
            n_sentence(panel, ctx),
        ]
    )


declare(
    "offenheit_radar",
    title=("Offenheitsprofil (Netzdiagramm)", "Openness profile (radar)"),
    data=_openness_data,
    plot=_radar_plot,
    caption=(
        "Offenheitsprofil: Mittelwerte der sieben Perspektiven je Labor (blau) und "
        "Netzwerk-Mittel (grau gestrichelt), Befragungswelle {wave}.{missing}{counted}",
        "Openness profile: mean of the seven perspectives per lab (blue) and network mean "
        "(grey, dashed), survey wave {wave}.{missing}{counted}",
    ),
    alt=_openness_alt,
    reports=LONG_REPORTS,
    order=50,
    source="survey",
    tables=("responses",),
    cost=9.0,
)

declare(
    "offenheit_punkte",
    title=("Offenheitsprofil (Punktdiagramm)", "Openness profile (dot plot)"),
    data=_openness_data,
    plot=_dots_plot,
    caption=(
        "Offenheitsprofil als Punktdiagramm: Labor (Punkt) und Netzwerk-Mittel (Strich) je "
        "Perspektive, Skala 1-5, Befragungswelle {wave}.{missing}{counted}",
        "Openness profile as dot plot: lab (dot) and network mean (bar) per perspective, "
        "scale 1-5, survey wave {wave}.{missing}{counted}",
    ),
    alt=_openness_alt,
    reports=LONG_REPORTS,
    order=60,
    source="survey",
    tables=("responses",),
    cost=6.0,
)


# --- vertrauen_likert -------------------------------------------------------------------------


REVERSED_MARK = vocab.REVERSED_MARK
"""Appended to the label of a reverse-keyed statement in the trust figure (as in the tables)."""


def _likert_data(ctx: Context) -> list[Panel]:
    ds = ctx.data
    if ds.responses.empty:
        return []
    book = ds.codebook
    items = book.loc[book["construct"] == "trust", "item_id"].tolist()
    cats, summary = _likert(ctx, items)
    groups = summary[["wave", "item_id", "n"]]
    cats = cats.drop(columns="n").merge(groups, on=["wave", "item_id"])
    cats = ctx.protect(cats, groups=["wave"], variables=["item_id"], keep=["value", "label"])
    if cats["suppressed"].all():
        raise NotEstimable(
            ctx.t(
                f"jede Welle hat weniger als k = {ctx.k} Befragte mit Antworten zum Vertrauen; "
                "alle Werte sind zum Schutz der Befragten unterdrückt",
                f"every wave has fewer than k = {ctx.k} respondents answering on trust; every "
                "value is suppressed to protect the respondents",
            )
        )
    wording = dict(zip(book["item_id"], book[ctx.t("wording_de", "wording_en")], strict=True))
    # a negatively worded statement keeps its answers as given (agreement on the right), so
    # its label says that agreement there means less trust
    keyed = set(book.loc[book["reverse_keyed"].fillna(False).astype(bool), "item_id"])
    reversed_items = [i for i in items if i in keyed]
    for item in reversed_items:
        wording[item] = f"{wording[item].rstrip('.')} {ctx.t(*REVERSED_MARK)}"
    reversed_note = ""
    if reversed_items:
        reversed_note = " " + ctx.t(
            f"„{REVERSED_MARK[0]}“: Zustimmung bedeutet bei dieser Aussage weniger Vertrauen "
            "(Antworten wie gegeben, nicht umgepolt).",
            f"“{REVERSED_MARK[1]}”: for this statement agreement means less trust (answers as "
            "given, not reversed).",
        )
    # n counts the respondents with an answer in a shown (wave, item), never those of a
    # suppressed group nor those who answered none of the items drawn
    drawn = cats.loc[~cats["suppressed"] & (cats["n"].fillna(0) > 0)]
    cells = set(zip(drawn["wave"].astype(str), drawn["item_id"].astype(str), strict=True))
    answers = ds.responses.loc[
        ds.responses["item_id"].isin(items) & ds.responses["value"].notna(),
        ["respondent_id", "wave", "item_id"],
    ]
    keys = answers["wave"].astype(str) + "\x1f" + answers["item_id"].astype(str)
    wanted = {f"{w}\x1f{i}" for w, i in cells}
    n = int(answers[keys.isin(wanted)].groupby(["respondent_id", "wave"], observed=True).ngroups)
    hidden = _hidden_waves(cats)
    # a wave that is not drawn says why, in the figure too (under its title)
    note = _hidden_sentence(hidden, ctx) if hidden else ""
    with style.house_style(ctx.lang):
        shown_n = style.number(n, 0)
    # what n counts, in words: a person who answered in two waves is counted in each
    twice = len({w for w, _ in cells}) > 1
    counted = " " + ctx.t(
        f"n = {shown_n}: Befragte mit mindestens einer Antwort zu einer gezeigten Aussage"
        + (
            ", je Welle gezählt (wer in zwei Wellen geantwortet hat, zählt zweimal; "
            if twice
            else " ("
        )
        + "n je Aussage und Welle: Spalte n der CSV).",
        f"n = {shown_n}: respondents with at least one answer on a statement shown"
        + (
            ", counted per wave (a person who answered in two waves counts twice; "
            if twice
            else " ("
        )
        + "n per statement and wave: column n of the CSV).",
    )
    return [
        Panel(
            cats,
            n,
            {"reversed": reversed_note, "figure_note": note, "counted": counted},
            extra={"items": items, "wording": wording, "reversed": reversed_items},
        )
    ]


def _likert_plot(panel: Panel, ctx: Context) -> Figure:
    cats, items = panel.frame, panel.extra["items"]
    hidden = _hidden_waves(cats)
    waves = cats["wave"].nunique() - len(hidden)
    fig, ax = style.figure(
        height_cm=3 + 0.45 * len(items) * (waves + 1) + (1.0 if hidden else 0.0),
        layout="constrained",
    )
    plots.likert_bars(
        cats, item_order=items, item_labels=panel.extra["wording"], group="wave", ax=ax
    )
    return fig


def _hidden_waves(frame: pd.DataFrame) -> list:
    """Waves whose every row is suppressed (not drawn, no number of them given)."""
    masked = frame["suppressed"].astype(bool)
    return sorted(set(frame.loc[masked, "wave"]) - set(frame.loc[~masked, "wave"]))


def _hidden_sentence(waves: list, ctx: Context) -> str:
    names = ", ".join(str(w) for w in waves)
    many = len(waves) > 1
    return ctx.t(
        f"{'Wellen' if many else 'Welle'} {names}: {ctx.decision().label}, zum Schutz der "
        "Befragten nicht gezeigt.",
        f"{'Waves' if many else 'Wave'} {names}: {ctx.decision().label}, not shown to protect "
        "the respondents.",
    )


def _likert_alt(panel: Panel, ctx: Context) -> str:
    f = panel.frame
    share = next(c for c in ("share", "percent", "pct") if c in f.columns)
    masked = f["suppressed"].astype(bool)
    # a wave is named with numbers only where some of its rows are shown
    shown_waves = sorted(f.loc[~masked, "wave"].unique())
    hidden_waves = _hidden_waves(f)
    # the top category of a negatively worded statement is the least trust: not compared
    reversed_items = panel.extra["reversed"]
    top = f[(f["value"] == f["value"].max()) & ~masked & ~f["item_id"].isin(reversed_items)].copy()
    # only the statement is quoted, as the figure writes it; the wave follows after a dash
    top["where"] = [
        f"{quoted(str(panel.extra['wording'][item]), ctx)} – {ctx.t('Welle', 'wave')} {wave}"
        for item, wave in zip(top["item_id"], top["wave"], strict=True)
    ]
    waves = ", ".join(str(w) for w in shown_waves)
    one = len(shown_waves) == 1
    hidden = _hidden_sentence(hidden_waves, ctx) if hidden_waves else ""
    return sentences(
        [
            ctx.t(
                f"Gestapelte Balken: Anteile der Antworten zu {len(panel.extra['items'])} "
                f"Aussagen zum Vertrauen in {'der Welle' if one else 'den Wellen'} {waves}.",
                f"Stacked bars: shares of the answers to {len(panel.extra['items'])} "
                f"statements on trust in {'wave' if one else 'waves'} {waves}.",
            ),
            hidden,
            _top_sentence(top, share, len(reversed_items), ctx),
            n_sentence(panel, ctx),
        ]
    )


def _top_sentence(top: pd.DataFrame, share: str, reversed_items: int, ctx: Context) -> str:
    """Name the largest and smallest share of the top category ("" when none is shown)."""
    ranked = extremes(top, share, "where", ctx, 0, " %", quote=False)
    if not ranked:
        return ""
    if not reversed_items:
        return ctx.t("Anteil der höchsten Stufe: ", "Share of the top category: ") + ranked
    de = (
        "die negativ formulierten Aussagen"
        if reversed_items > 1
        else "die negativ formulierte Aussage"
    )
    en = "statements" if reversed_items > 1 else "statement"
    return (
        ctx.t(
            f"Anteil der höchsten Stufe (ohne {de}): ",
            f"Share of the top category (without the negatively worded {en}): ",
        )
        + ranked
    )


declare(
    "vertrauen_likert",
    title=("Vertrauen in Verwaltung und Rat", "Trust in administration and council"),
    data=_likert_data,
    plot=_likert_plot,
    caption=(
        "Vertrauen in Verwaltung und Rat: Antworten je Befragungswelle (Prozent der gültigen "
        "Antworten).{reversed}{counted}",
        "Trust in administration and council: answers per survey wave (percent of valid "
        "answers).{reversed}{counted}",
    ),
    alt=_likert_alt,
    reports=ALL_REPORTS,
    order=70,
    source="survey",
    tables=("responses",),
    cost=1.5,
)


# --- effekte ----------------------------------------------------------------------------------

MIN_UNITS = 2  # lab and comparison units with answers in both waves, per group


class _Compared(NamedTuple):
    """What a scale's comparison of two waves rests on (:func:`_compared`)."""

    rows: pd.Series  # score rows of the two waves with a score on the scale
    units: set  # units with such rows in both waves
    labs: int
    others: int


def _compared(
    table: pd.DataFrame, construct: str, before: int, after: int, is_lab: pd.Series
) -> _Compared:
    """Return the rows and units a scale's difference in differences rests on."""
    rows = table["wave"].isin([before, after]) & table[construct].notna()
    both = _in_both_waves(table[rows], before, after)
    labs = sum(1 for u in both if is_lab.get(u, False))
    return _Compared(rows, both, labs, len(both) - labs)


def _did_support(
    table: pd.DataFrame, construct: str, before: int, after: int, ctx: Context, c: _Compared
) -> None:
    """Raise NotEstimable unless both groups have MIN_UNITS units in both waves and y varies.

    Unit and wave fixed effects identify the effect only from units seen in
    both waves; with no unit of a group the design is singular, and with a
    single treated or control cluster the cluster-robust variance and the
    wild cluster bootstrap are not reliable (MacKinnon & Webb 2017, J. Appl.
    Econometrics 32(2), 233-254).
    """
    rows, labs, others = c.rows, c.labs, c.others
    if labs < MIN_UNITS or others < MIN_UNITS:
        raise NotEstimable(
            ctx.t(
                f"nur {count(labs, 'Labor', 'Labore')} und "
                f"{count(others, 'Vergleichskommune', 'Vergleichskommunen')} haben Antworten "
                f"in Welle {before} und Welle {after}; der Vergleich braucht je mindestens "
                f"{MIN_UNITS}",
                f"only {count(labs, 'lab', 'labs')} and "
                f"{count(others, 'comparison commune', 'comparison communes')} have answers "
                f"in wave {before} and wave {after}; the comparison needs at least {MIN_UNITS} "
                "of each",
            )
        )
    if table.loc[rows, construct].nunique() < 2:
        raise NotEstimable(
            ctx.t(
                "die Werte streuen nicht (alle Befragten antworten gleich)",
                "the values do not vary (every respondent answers alike)",
            )
        )


def _joined(gaps: dict[str, str]) -> str:
    """One reason when all statistics share it, else each with its label."""
    reasons = set(gaps.values())
    if len(reasons) == 1:
        return reasons.pop()
    return "; ".join(f"{label}: {reason}" for label, reason in gaps.items())


def _effects_data(ctx: Context) -> list[Panel]:
    ds = ctx.data
    if ds.responses.empty or ds.responses["wave"].nunique() < 2:
        return []
    table = scores(ctx)
    before, after = int(table["wave"].min()), int(table["wave"].max())
    persp = ds.perspectives.set_index("perspective_id")[ctx.t("name_de", "name_en")]
    extra = {
        "trust": ctx.t("Vertrauen", "Trust"),
        "satisfaction": ctx.t("Zufriedenheit", "Satisfaction"),
    }
    rows = []
    construct_of: dict[str, str] = {}
    hidden: list[str] = []  # scales the model suppresses (a cell of the 2x2 below k)
    n_total = 0
    gaps: dict[str, str] = {}
    is_lab = _is_lab(table)
    compared: dict[str, _Compared] = {}
    for construct in _constructs(ctx):
        label = persp.get(construct, extra.get(construct, construct))
        construct_of[label] = construct
        c = compared[label] = _compared(table, construct, before, after, is_lab)
        try:
            _did_support(table, construct, before, after, ctx, c)
            with numerical_failures(ctx.lang):
                model = _lab_comparison(table, construct, before, after, ctx.reps, ctx.k)
        except NotEstimable as exc:
            gaps[label] = exc.reason
            continue
        r = model.iloc[0]
        if bool(r.get("suppressed", False)):  # a cell of the 2x2 is below k
            # the scale keeps its row, with the label and no number (not even its n)
            hidden.append(label)
            rows.append({"label": label})
            continue
        if not np.isfinite(r[["estimate", "ci_low", "ci_high"]].astype(float)).all():
            gaps[label] = ctx.t(
                "das Modell liefert kein endliches Ergebnis", "the model gives no finite result"
            )
            continue
        # the respondents the comparison rests on: those of units with answers in both waves
        used = (c.rows & table["unit_id"].isin(c.units)).sum()
        n_total = max(n_total, int(used))
        rows.append(
            {
                "label": label,
                "estimate": r["estimate"],
                "ci_low": r["ci_low"],
                "ci_high": r["ci_high"],
                "evidence": ctx.t("MSMS 3", "SMS 3"),
                "n": int(used),
            }
        )
    if len(rows) == len(hidden):
        if hidden:
            gaps.update(dict.fromkeys(hidden, privacy.suppressed_label(ctx.k, ctx.lang)))
        raise NotEstimable(_joined(gaps))
    table = pd.DataFrame(rows)
    model_hidden = table["label"].isin(hidden)
    shown = ctx.protect(table[~model_hidden], groups=[], variables=["label"])
    frame = pd.concat(
        [shown, table[model_hidden].assign(suppressed=True, note=ctx.decision().label)]
    ).sort_index()
    frame = frame[shown.columns].reset_index(drop=True)
    frame["suppressed"] = frame["suppressed"].astype(bool)
    if frame["suppressed"].all():
        raise NotEstimable(
            ctx.t(
                f"jede Skala hat weniger als k = {ctx.k} Befragte; alle Werte sind unterdrückt",
                f"every scale has fewer than k = {ctx.k} respondents; every value is suppressed",
            )
        )
    drawn = set(frame.loc[~frame["suppressed"], "label"])
    units = _units_sentence(ctx, before, after, {x: compared[x] for x in compared if x in drawn})
    return [
        Panel(
            frame,
            n_total,
            {
                "before": before,
                "after": after,
                "units": units,
                "subject": ctx.t(f"Welle {before} → {after}", f"wave {before} → {after}"),
            },
            notes=tuple(f"{label}: {reason}" for label, reason in gaps.items()),
        )
    ]


def _in_both_waves(table: pd.DataFrame, before: int, after: int) -> set:
    """Return the units of ``table`` (score rows) with rows in both waves."""
    part = table[table["wave"].isin([before, after])]
    waves = part.groupby("unit_id")["wave"].nunique()
    return set(waves.index[waves == 2])


def _is_lab(table: pd.DataFrame) -> pd.Series:
    """Return, per unit of ``table``, whether it is a lab."""
    return table.drop_duplicates("unit_id").set_index("unit_id")["is_lab"].astype(bool)


def _units_sentence(ctx: Context, before: int, after: int, scales: dict[str, _Compared]) -> str:
    """Say on how many labs and comparison communes each scale's comparison rests.

    Only units with answers on a scale in both waves enter its difference in
    differences with unit fixed effects, so the units are counted per scale
    drawn (``scales``: label -> what it rests on, :func:`_compared`). When
    every scale rests on the same units the caption gives their number once;
    otherwise the range and the scales resting on fewer. A lab without
    answers in one of the waves on every scale drawn is named.
    """
    ids = lab_ids(ctx.data)
    counts = {label: (c.labs, c.others) for label, c in scales.items()}
    in_none = set(ids).difference(*(c.units for c in scales.values()))
    if not counts:
        return ""
    names = lab_names(ctx.data)
    missing = [names[u] for u in ids if u in in_none]
    labs = sorted({c[0] for c in counts.values()})
    others = sorted({c[1] for c in counts.values()})

    def span(values: list[int], one: str, many: str) -> str:
        if len(values) == 1:
            return count(values[0], one, many)
        return f"{values[0]} {ctx.t('bis', 'to')} {values[-1]} {many}"

    text = ctx.t(
        f" Verglichen werden je Skala {span(labs, 'Labor', 'Labore')} und "
        f"{span(others, 'Vergleichskommune', 'Vergleichskommunen')} mit Antworten in beiden "
        "Wellen",
        f" Each scale's comparison rests on {span(labs, 'lab', 'labs')} and "
        f"{span(others, 'comparison commune', 'comparison communes')} with answers in both "
        "waves",
    )
    fewer = [(x, c) for x, c in counts.items() if c != (labs[-1], others[-1])]
    if fewer:
        text += (
            ctx.t(" (weniger bei ", " (fewer for ")
            + "; ".join(
                f"{x}: "
                + ctx.t(
                    f"{count(c[0], 'Labor', 'Labore')} und "
                    f"{count(c[1], 'Vergleichskommune', 'Vergleichskommunen')}",
                    f"{count(c[0], 'lab', 'labs')} and "
                    f"{count(c[1], 'comparison commune', 'comparison communes')}",
                )
                for x, c in fewer
            )
            + ")"
        )
    if missing:
        text += ctx.t(
            f"; ohne Antworten in Welle {before} oder {after}: " + ", ".join(missing),
            f"; without answers in wave {before} or {after}: " + ", ".join(missing),
        )
    return text + "."


def _effects_plot(panel: Panel, ctx: Context) -> Figure:
    fig, ax = style.figure(height_cm=3.0 + 0.6 * len(panel.frame), layout="constrained")
    plots.forest(panel.frame, ax=ax, k=ctx.k)
    return fig


def _effects_alt(panel: Panel, ctx: Context) -> str:
    f = panel.frame
    masked = f["suppressed"].astype(bool)
    shown = f[~masked].dropna(subset=["estimate"])
    above = int((shown["ci_low"] > 0).sum())
    below = int((shown["ci_high"] < 0).sum())
    label = ctx.decision().label
    hidden = int(masked.sum())
    return sentences(
        [
            ctx.t(
                f"Punkte mit 95-%-Intervallen: Veränderung in den Laboren gegenüber den "
                f"Vergleichskommunen von Welle {panel.values['before']} zu Welle "
                f"{panel.values['after']} für {count(len(shown), 'Skala', 'Skalen')} "
                f"(Skalenpunkte)"
                + (f"; {count(hidden, 'Skala', 'Skalen')}: {label}." if hidden else ".")
                + f" Intervall ganz über null: {above}, ganz unter null: {below}.",
                f"Points with 95% intervals: change in the labs relative to the comparison "
                f"communes from wave {panel.values['before']} to wave {panel.values['after']} "
                f"for {count(len(shown), 'scale', 'scales')} (scale points)"
                + (f"; {count(hidden, 'scale', 'scales')}: {label}." if hidden else ".")
                + f" Interval above zero: {above}, below zero: {below}.",
            ),
            extremes(shown, "estimate", "label", ctx, 2),
            n_sentence(panel, ctx),
        ]
    )


declare(
    "effekte",
    title=(
        "Veränderung in den Laboren gegenüber Vergleichskommunen",
        "Change in the labs relative to comparison communes",
    ),
    data=_effects_data,
    plot=_effects_plot,
    caption=(
        "Differenz der Differenzen (Skalenpunkte 1-5) mit festen Effekten für Einheit und "
        "Welle; 95-%-Intervalle aus dem Wild-Cluster-Bootstrap (Webb-Gewichte, Cluster = "
        "Einheiten). Evidenzstufe 3 der Maryland Scientific Methods Scale (Vorher-Nachher mit "
        "Vergleichsgruppe).{units}",
        "Difference in differences (scale points 1-5) with unit and wave fixed effects; 95% "
        "intervals from the wild cluster bootstrap (Webb weights, clusters = units). Maryland "
        "Scientific Methods Scale level 3 (before-after with comparison group).{units}",
    ),
    alt=_effects_alt,
    reports=ALL_REPORTS,
    order=80,
    source="survey",
    tables=("responses",),
    cost=2.0,
)
