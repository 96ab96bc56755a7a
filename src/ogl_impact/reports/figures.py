"""Figure builders: dataset -> tidy frame -> privacy -> plot.

Each builder takes the dataset as of a report's date and a :class:`Context`
and returns the figures it made (none when its data do not exist yet).
Statistics come from :mod:`ogl_impact.logic` and :mod:`ogl_impact.stats`;
every frame with respondent counts passes :func:`ogl_impact.privacy.protect`
before it is drawn. A builder whose figure the data cannot support (one lab
in a wave, no comparison group, every value suppressed, a singular model)
raises :class:`~ogl_impact.reports.estimable.NotEstimable` with the reason;
a statistic of a figure that cannot be estimated while the others can is
left out and named in the figure's ``notes``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.transforms import Bbox

from ogl_impact import logic, plots, privacy, stats
from ogl_impact.dataset import Dataset
from ogl_impact.plots import style
from ogl_impact.reports.estimable import NotEstimable, numerical_failures
from ogl_impact.stats.survey import score_table

SOURCE_INDICATORS = {"de": "Indikatoren der Labore", "en": "lab indicators"}
SOURCE_SURVEY = {
    "de": "Befragung der Labore und Vergleichskommunen",
    "en": "survey of labs and comparison communes",
}
SOURCE_PARTNERS = {"de": "Partnerliste der Labore", "en": "lab partner list"}
SOURCE_MILESTONES = {"de": "Meilensteine der Labore", "en": "lab milestones"}
KIND_LABELS = {
    "de": {
        "commune": "Kommune",
        "communal_institution": "kommunale Einrichtung",
        "civil_society": "Zivilgesellschaft",
        "hochschule": "Hochschule",
        "university": "Universität",
        "business": "Wirtschaft",
        "research": "Forschung",
        "other": "Sonstige",
    },
    "en": {
        "commune": "commune",
        "communal_institution": "communal institution",
        "civil_society": "civil society",
        "hochschule": "university of applied sciences",
        "university": "university",
        "business": "business",
        "research": "research",
        "other": "other",
    },
}
LEVEL_LABELS = {
    "de": {
        "input": "Input",
        "activity": "Aktivität",
        "output": "Output",
        "outcome": "Outcome",
        "impact": "Impact",
    },
    "en": {
        "input": "Input",
        "activity": "Activity",
        "output": "Output",
        "outcome": "Outcome",
        "impact": "Impact",
    },
}


@dataclass
class Context:
    """What a builder needs besides the data: report, language, threshold, caches."""

    report_id: str
    lang: str = "de"
    k: int = privacy.K_DEFAULT
    synthetic: bool = False
    synthetic_tables: frozenset = frozenset()
    bootstrap_reps: int = 9999
    only_lab: str | None = None
    cache: dict = field(default_factory=dict)

    def t(self, de: str, en: str) -> str:
        """Pick the German or English text."""
        return de if self.lang == "de" else en


@dataclass
class Drawn:
    """A finished figure with its gallery entry."""

    name: str
    figure: Figure
    caption: str
    n: int | None
    source: str
    synthetic: bool = False
    bbox: Bbox | None = None
    notes: tuple[str, ...] = ()


Builder = Callable[[Dataset, Context], list[Drawn]]
BUILDERS: dict[str, Builder] = {}


def builder(name: str) -> Callable[[Builder], Builder]:
    """Register a figure builder under ``name``."""

    def register(fn: Builder) -> Builder:
        BUILDERS[name] = fn
        return fn

    return register


def _finish(
    fig: Figure,
    ctx: Context,
    name: str,
    caption: str,
    n: int | None,
    source: str,
    tables: tuple[str, ...] = ("indicator_values",),
    notes: tuple[str, ...] = (),
) -> Drawn:
    # synthetic when any table the figure draws on is (or, unknown, the dataset is)
    synthetic = (
        any(t in ctx.synthetic_tables for t in tables) if ctx.synthetic_tables else ctx.synthetic
    )
    # one layout pass: the tight box places the footer and is reused for saving
    box = fig.get_tightbbox()
    style.footer(fig, n=n, source=source, synthetic=synthetic, below=box)
    foot = fig.texts[-1].get_window_extent().transformed(fig.dpi_scale_trans.inverted())
    drawn = Drawn(name, fig, caption, n, source, synthetic=synthetic, notes=notes)
    drawn.bbox = Bbox.union([box, foot]).padded(0.05)
    return drawn


def _wrap(label: str, width: int) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(label, width))


def _lab_names(ds: Dataset) -> dict[str, str]:
    return dict(
        zip(
            ds.labs["lab_id"],
            ds.labs["name"].str.split(" \\(|„", regex=True).str[0].str.strip(),
            strict=True,
        )
    )


def _attainment(ds: Dataset, ctx: Context) -> pd.DataFrame:
    if "att" not in ctx.cache:
        ctx.cache["att"] = logic.attainment(ds) if len(ds.indicator_values) else pd.DataFrame()
    return ctx.cache["att"]


def _last_period(ds: Dataset, att: pd.DataFrame) -> str | None:
    if att.empty:
        return None
    with_data = set(att.loc[att["status"] != "no_data", "period_id"])
    periods = ds.periods.sort_values("end")
    ids = [p for p in periods["period_id"] if p in with_data]
    return ids[-1] if ids else None


def _majority_status(statuses: pd.Series) -> str:
    """Most frequent status with data; ties go to the less favourable one."""
    counts = statuses[statuses != "no_data"].value_counts()
    if counts.empty:
        return "no_data"
    worst_first = ["behind", "on_track", "achieved"]
    return min(counts.index, key=lambda s: (-counts[s], worst_first.index(s)))


def _when(ds: Dataset, period_id: str) -> str:
    """Period id and its end as month and year in the current language, e.g. "SB5, Apr. 2022"."""
    end = ds.periods.set_index("period_id").at[period_id, "end"]
    return f"{period_id.upper()}, {style.date_label(pd.Timestamp(end).date())}"


def _period_labels(ds: Dataset) -> dict[str, str]:
    return dict(zip(ds.periods["period_id"], ds.periods["period_id"].str.upper(), strict=True))


@builder("wirkungstreppe")
def _stage_overview(ds: Dataset, ctx: Context) -> list[Drawn]:
    att = _attainment(ds, ctx)
    last = _last_period(ds, att)
    if last is None:
        return []
    st = logic.stages(att)
    st = st[st["period_id"] == last]
    names = _lab_names(ds)
    frame = pd.DataFrame(
        {"lab_label": [names[x] for x in st["lab_id"]], "stage": st["stage"].to_numpy()}
    )
    fig, ax = style.figure(height_cm=max(6.0, 2.0 + 0.45 * len(frame)))
    plots.stage_overview(frame, ax=ax)
    ax.set_title(
        ctx.t(
            f"Erreichte Stufe der Wirkungstreppe ({_when(ds, last)})",
            f"Stage reached ({_when(ds, last)})",
        )
    )
    return [
        _finish(
            fig,
            ctx,
            "wirkungstreppe",
            ctx.t(
                (
                    "Höchste Stufe der Wirkungstreppe, die jedes Labor bis zum Berichtszeitraum "
                    "erreicht hat."
                ),
                (
                    "Highest stage of the impact staircase each lab has reached by the reporting "
                    "period."
                ),
            ),
            len(frame),
            SOURCE_INDICATORS[ctx.lang],
        )
    ]


@builder("wirkungstreppe_verlauf")
def _stage_history(ds: Dataset, ctx: Context) -> list[Drawn]:
    att = _attainment(ds, ctx)
    if _last_period(ds, att) is None:
        return []
    st = logic.stages(att)
    labels = _period_labels(ds)
    st = st.sort_values("period_end")
    st["period_label"] = st["period_id"].map(labels)
    labs = list(ds.labs["lab_id"])
    names = _lab_names(ds)
    fig, axes = plt.subplots(4, 4, figsize=(16 * style.CM, 18 * style.CM), sharey=True)
    for ax, lab in zip(axes.flat, labs, strict=False):
        plots.staircase(st, lab=lab, ax=ax)
        ax.set_title(_wrap(names[lab], 28), fontsize=6.5)
        ax.set_xlabel("")
        ax.tick_params(labelsize=5.5)
    for ax in list(axes.flat)[len(labs) :]:
        ax.axis("off")
    fig.subplots_adjust(left=0.2, right=0.98, top=0.95, bottom=0.06, wspace=0.15, hspace=0.75)
    return [
        _finish(
            fig,
            ctx,
            "wirkungstreppe_verlauf",
            ctx.t(
                "Stufe der Wirkungstreppe je Labor über die Berichtszeiträume.",
                "Stage per lab over the reporting periods.",
            ),
            len(labs),
            SOURCE_INDICATORS[ctx.lang],
        )
    ]


@builder("zielerreichung")
def _attainment_heatmap(ds: Dataset, ctx: Context) -> list[Drawn]:
    att = _attainment(ds, ctx)
    last = _last_period(ds, att)
    if last is None:
        return []
    part = att[att["period_id"] == last]
    names = _lab_names(ds)
    rows = []
    for (lab, level), cell in part.groupby(["lab_id", "level"], sort=False):
        status = _majority_status(cell["status"])
        rows.append(
            (
                names[lab],
                LEVEL_LABELS[ctx.lang][level],
                status,
                list(LEVEL_LABELS["de"]).index(level),
            )
        )
    frame = pd.DataFrame(rows, columns=["lab_label", "column", "status", "order"])
    frame = frame.sort_values(["lab_label", "order"])
    fig, ax = style.figure(height_cm=max(7.0, 3.0 + 0.45 * frame["lab_label"].nunique()))
    plots.attainment_heatmap(frame, ax=ax)
    ax.set_title(
        ctx.t(
            f"Zielerreichung je Ebene ({_when(ds, last)})",
            f"Attainment by level ({_when(ds, last)})",
        )
    )
    return [
        _finish(
            fig,
            ctx,
            "zielerreichung",
            ctx.t(
                (
                    "Häufigster Status der Indikatoren je Labor und Ebene des Wirkungsmodells "
                    "(bei Gleichstand der ungünstigere)."
                ),
                "Most frequent indicator status per lab and level (ties: the less favourable).",
            ),
            int(part["lab_id"].nunique()),
            SOURCE_INDICATORS[ctx.lang],
        )
    ]


@builder("fortschritt")
def _progress(ds: Dataset, ctx: Context) -> list[Drawn]:
    att = _attainment(ds, ctx)
    if _last_period(ds, att) is None:
        return []
    data = att[att["status"] != "no_data"].copy()
    data["progress"] = data["progress"].clip(upper=1.5)
    grouped = data.groupby(["level", "period_id"], sort=False).agg(
        value=("progress", "mean"), expected=("expected", "mean"), end=("period_end", "first")
    )
    grouped = grouped.reset_index()
    grouped["period_label"] = grouped["period_id"].map(_period_labels(ds))
    grouped["series"] = grouped["level"].map(LEVEL_LABELS[ctx.lang])
    grouped["o"] = grouped["level"].map(list(LEVEL_LABELS["de"]).index)
    grouped = grouped.sort_values(["o", "end"])
    periods = list(dict.fromkeys(grouped.sort_values("end")["period_label"]))
    fig, ax = style.figure(height_cm=8)
    plots.indicator_progress(grouped, period_order=periods, ax=ax)
    ax.set_title(
        ctx.t(
            "Mittlerer Fortschritt zum Ziel je Ebene (Netzwerk)",
            "Mean progress towards target by level (network)",
        )
    )
    return [
        _finish(
            fig,
            ctx,
            "fortschritt",
            ctx.t(
                (
                    "Mittlerer Anteil des Wegs von der Ausgangslage zum Ziel über alle Labore, "
                    "je Ebene; gestrichelt der zeitlich lineare Zielpfad."
                ),
                (
                    "Mean share of the way from baseline to target over all labs, by level; "
                    "dashed: the linear target path."
                ),
            ),
            int(data["lab_id"].nunique()),
            SOURCE_INDICATORS[ctx.lang],
        )
    ]


def _scores(ds: Dataset, ctx: Context) -> pd.DataFrame:
    if "scores" not in ctx.cache:
        ctx.cache["scores"] = score_table(ds.responses, ds.codebook, lab_units=ds.labs["lab_id"])
    return ctx.cache["scores"]


def _openness(ds: Dataset, ctx: Context) -> tuple[pd.DataFrame, int] | None:
    if ds.responses.empty:
        return None
    scores = _scores(ds, ctx)
    wave = int(scores["wave"].max())
    latest = scores[(scores["wave"] == wave) & scores["is_lab"]]
    if latest.empty:
        raise NotEstimable(
            ctx.t(
                f"in Welle {wave} hat kein Labor geantwortet",
                f"no lab has answers in wave {wave}",
            )
        )
    names = ds.perspectives.set_index("perspective_id")[
        "name_de" if ctx.lang == "de" else "name_en"
    ]
    pids = [p for p in ds.perspectives["perspective_id"] if p in latest]
    rows = []
    for lab, part in latest.groupby("unit_id"):
        for p in pids:
            rows.append((lab, names[p], part[p].mean(), int(part[p].notna().sum())))
    frame = pd.DataFrame(rows, columns=["unit_id", "perspective", "score", "n"])
    frame = privacy.protect(frame, groups=["unit_id", "perspective"], k=ctx.k, keep=["perspective"])
    if frame["suppressed"].all():
        raise NotEstimable(_all_suppressed(ctx, wave, latest["unit_id"].nunique()))
    net = {names[p]: latest[p].mean() for p in pids}
    frame["network_mean"] = frame["perspective"].map(net)
    return frame, len(latest)


def _all_suppressed(ctx: Context, wave: int, labs: int) -> str:
    return ctx.t(
        f"in Welle {wave} hat "
        + ("das einzige Labor" if labs == 1 else f"jedes der {labs} Labore")
        + f" mit Antworten weniger als k = {ctx.k} Befragte; alle Werte sind zum Schutz der "
        "Befragten unterdrückt",
        f"in wave {wave} "
        + ("the only lab" if labs == 1 else f"each of the {labs} labs")
        + f" with answers has fewer than k = {ctx.k} respondents; every value is suppressed "
        "to protect the respondents",
    )


@builder("offenheit_radar")
def _radar(ds: Dataset, ctx: Context) -> list[Drawn]:
    got = _openness(ds, ctx)
    if got is None:
        return []
    frame, n = got
    labs = list(dict.fromkeys(ds.labs["lab_id"]))
    names = _lab_names(ds)
    numbers = {name: str(i) for i, name in enumerate(dict.fromkeys(frame["perspective"]), 1)}
    short = frame.assign(perspective=frame["perspective"].map(numbers))
    fig, axes = plt.subplots(
        4, 4, subplot_kw={"projection": "polar"}, figsize=(16 * style.CM, 19 * style.CM)
    )
    for ax, lab in zip(axes.flat, labs, strict=False):
        plots.openness_radar(short, lab=lab, title=_wrap(names[lab], 24), ax=ax)
        ax.tick_params(labelsize=6)
    rest = list(axes.flat)[len(labs) :]
    for ax in rest:
        ax.axis("off")
    key = "\n".join(f"{i} {name}" for name, i in numbers.items())
    rest[0].text(0.0, 0.5, key, transform=rest[0].transAxes, fontsize=6.5, va="center")
    fig.subplots_adjust(left=0.06, right=0.94, top=0.95, bottom=0.03, wspace=0.6, hspace=0.55)
    return [
        _finish(
            fig,
            ctx,
            "offenheit_radar",
            ctx.t(
                (
                    "Offenheitsprofil: Mittelwerte der sieben Perspektiven je Labor (blau) und "
                    "Netzwerk-Mittel (grau gestrichelt), letzte Befragungswelle."
                ),
                (
                    "Openness profile: mean of the seven perspectives per lab (blue) and network "
                    "mean (grey, dashed), latest wave."
                ),
            ),
            n,
            SOURCE_SURVEY[ctx.lang],
            ("responses",),
        )
    ]


@builder("offenheit_punkte")
def _dots(ds: Dataset, ctx: Context) -> list[Drawn]:
    got = _openness(ds, ctx)
    if got is None:
        return []
    frame, n = got
    labs = list(dict.fromkeys(ds.labs["lab_id"]))
    names = _lab_names(ds)
    fig, axes = plt.subplots(5, 3, figsize=(16 * style.CM, 24 * style.CM), sharex=True)
    for i, (ax, lab) in enumerate(zip(axes.flat, labs, strict=False)):
        plots.openness_dots(frame, lab=lab, ax=ax)
        ax.set_title(_wrap(names[lab], 28), fontsize=6.5)
        ax.tick_params(labelsize=5.5)
        ax.set_xlabel("")
        if i % 3:
            ax.set_yticklabels([])
        legend = ax.get_legend()
        if legend is not None:
            legend.remove()
    for ax in list(axes.flat)[len(labs) :]:
        ax.axis("off")
    fig.subplots_adjust(left=0.3, right=0.98, top=0.96, bottom=0.04, wspace=0.12, hspace=0.45)
    return [
        _finish(
            fig,
            ctx,
            "offenheit_punkte",
            ctx.t(
                (
                    "Offenheitsprofil als Punktdiagramm: Labor (Punkt) und Netzwerk-Mittel "
                    "(Strich) je Perspektive, Skala 1-5."
                ),
                (
                    "Openness profile as dot plot: lab (dot) and network mean (bar) per "
                    "perspective, scale 1-5."
                ),
            ),
            n,
            SOURCE_SURVEY[ctx.lang],
            ("responses",),
        )
    ]


@builder("vertrauen_likert")
def _likert(ds: Dataset, ctx: Context) -> list[Drawn]:
    if ds.responses.empty:
        return []
    book = ds.codebook
    items = book.loc[book["construct"] == "trust", "item_id"].tolist()
    likert = stats.likert_summary(ds.responses, book, items=items, by=["wave"])
    groups = likert.shares[["wave", "item_id", "n"]]
    cats = likert.categories.drop(columns="n").merge(groups, on=["wave", "item_id"])
    cats = privacy.protect(cats, groups=["wave", "item_id"], k=ctx.k, keep=["value", "label"])
    if cats["suppressed"].all():
        raise NotEstimable(
            ctx.t(
                f"jede Welle hat weniger als k = {ctx.k} Befragte mit Antworten zum Vertrauen; "
                "alle Werte sind zum Schutz der Befragten unterdrückt",
                f"every wave has fewer than k = {ctx.k} respondents answering on trust; every "
                "value is suppressed to protect the respondents",
            )
        )
    wording = dict(
        zip(book["item_id"], book["wording_de" if ctx.lang == "de" else "wording_en"], strict=True)
    )
    fig, ax = style.figure(height_cm=3 + 0.45 * len(items) * (cats["wave"].nunique() + 1))
    plots.likert_bars(cats, item_order=items, item_labels=wording, group="wave", ax=ax)
    n = int(
        ds.responses.loc[ds.responses["item_id"].isin(items)]
        .groupby(["respondent_id", "wave"], observed=True)
        .ngroups
    )
    return [
        _finish(
            fig,
            ctx,
            "vertrauen_likert",
            ctx.t(
                (
                    "Vertrauen in Verwaltung und Rat: Antworten je Befragungswelle (Prozent der "
                    "gültigen Antworten)."
                ),
                (
                    "Trust in administration and council: answers per survey wave (percent of "
                    "valid answers)."
                ),
            ),
            n,
            SOURCE_SURVEY[ctx.lang],
            ("responses",),
        )
    ]


_EFFECTS: dict[tuple, pd.DataFrame] = {}
MIN_UNITS = 2  # lab and comparison units with answers in both waves, per group


def _did_support(
    scores: pd.DataFrame, construct: str, before: int, after: int, ctx: Context
) -> None:
    """Raise NotEstimable unless both groups have MIN_UNITS units in both waves and y varies.

    Unit and wave fixed effects identify the effect only from units seen in
    both waves; with no unit of a group the design is singular, and with a
    single treated or control cluster the cluster-robust variance and the
    wild cluster bootstrap are not reliable (MacKinnon & Webb 2017, J. Appl.
    Econometrics 32(2), 233-254).
    """
    rows = scores["wave"].isin([before, after]) & scores[construct].notna()
    part = scores.loc[rows, ["unit_id", "wave", "is_lab"]]
    waves = part.groupby("unit_id")["wave"].nunique()
    is_lab = part.drop_duplicates("unit_id").set_index("unit_id")["is_lab"]
    both = waves.index[waves == 2]
    labs = int(is_lab.reindex(both).astype(bool).sum())
    others = len(both) - labs
    if labs < MIN_UNITS or others < MIN_UNITS:
        raise NotEstimable(
            ctx.t(
                f"nur {_count(labs, 'Labor', 'Labore')} und "
                f"{_count(others, 'Vergleichskommune', 'Vergleichskommunen')} haben Antworten "
                f"in Welle {before} und Welle {after}; der Vergleich braucht je mindestens "
                f"{MIN_UNITS}",
                f"only {_count(labs, 'lab', 'labs')} and "
                f"{_count(others, 'comparison commune', 'comparison communes')} have answers "
                f"in wave {before} and wave {after}; the comparison needs at least {MIN_UNITS} "
                "of each",
            )
        )
    if scores.loc[rows, construct].nunique() < 2:
        raise NotEstimable(
            ctx.t(
                "die Werte streuen nicht (alle Befragten antworten gleich)",
                "the values do not vary (every respondent answers alike)",
            )
        )


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _joined(gaps: dict[str, str]) -> str:
    """One reason when all statistics share it, else each with its label."""
    reasons = set(gaps.values())
    if len(reasons) == 1:
        return reasons.pop()
    return "; ".join(f"{label}: {reason}" for label, reason in gaps.items())


def _lab_comparison(
    scores: pd.DataFrame, construct: str, before: int, after: int, reps: int
) -> pd.DataFrame:
    """DiD with bootstrap, computed once per identical data (reports share waves)."""
    part = scores.loc[
        scores["wave"].isin([before, after]), ["unit_id", "wave", "is_lab", construct]
    ]
    digest = int(pd.util.hash_pandas_object(part, index=False).sum())
    key = (construct, before, after, reps, len(part), digest)
    if key not in _EFFECTS:
        _EFFECTS[key] = stats.lab_comparison(
            scores, construct, before=before, after=after, reps=reps
        ).bootstrap
    return _EFFECTS[key]


@builder("effekte")
def _effects(ds: Dataset, ctx: Context) -> list[Drawn]:
    if ds.responses.empty or ds.responses["wave"].nunique() < 2:
        return []
    scores = _scores(ds, ctx)
    before, after = int(scores["wave"].min()), int(scores["wave"].max())
    rows = []
    persp = ds.perspectives.set_index("perspective_id")[
        "name_de" if ctx.lang == "de" else "name_en"
    ]
    extra = {
        "trust": ctx.t("Vertrauen", "Trust"),
        "satisfaction": ctx.t("Zufriedenheit", "Satisfaction"),
    }
    n_total = 0
    gaps: dict[str, str] = {}
    for construct in stats.survey.constructs(ds.codebook):
        label = persp.get(construct, extra.get(construct, construct))
        try:
            _did_support(scores, construct, before, after, ctx)
            with numerical_failures(ctx.lang):
                model = _lab_comparison(scores, construct, before, after, ctx.bootstrap_reps)
        except NotEstimable as exc:
            gaps[label] = exc.reason
            continue
        r = model.iloc[0]
        if not np.isfinite(r[["estimate", "ci_low", "ci_high"]].astype(float)).all():
            gaps[label] = ctx.t(
                "das Modell liefert kein endliches Ergebnis", "the model gives no finite result"
            )
            continue
        used = scores[scores["wave"].isin([before, after])][construct].notna().sum()
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
    if not rows:
        raise NotEstimable(_joined(gaps))
    frame = privacy.protect(pd.DataFrame(rows), groups=["label"], k=ctx.k)
    if frame["suppressed"].all():
        raise NotEstimable(
            ctx.t(
                f"jede Skala hat weniger als k = {ctx.k} Befragte; alle Werte sind unterdrückt",
                f"every scale has fewer than k = {ctx.k} respondents; every value is suppressed",
            )
        )
    fig, ax = style.figure(height_cm=2.5 + 0.6 * len(frame))
    plots.forest(frame, ax=ax)
    ax.set_title(
        ctx.t(
            f"Labore gegenüber Vergleichskommunen, Welle {before} → {after}",
            f"Labs vs comparison communes, wave {before} → {after}",
        )
    )
    return [
        _finish(
            fig,
            ctx,
            "effekte",
            ctx.t(
                (
                    "Differenz der Differenzen (Skalenpunkte 1-5) mit festen Effekten für "
                    "Einheit und Welle; 95-%-Intervalle aus dem Wild-Cluster-Bootstrap "
                    "(Webb-Gewichte, Cluster = Einheiten). Evidenzstufe 3 der Maryland "
                    "Scientific Methods Scale (Vorher-Nachher mit Vergleichsgruppe)."
                ),
                (
                    "Difference in differences (scale points 1-5) with unit and wave fixed "
                    "effects; 95% intervals from the wild cluster bootstrap (Webb weights, "
                    "clusters = units). Maryland Scientific Methods Scale level 3 (before-after "
                    "with comparison group)."
                ),
            ),
            n_total,
            SOURCE_SURVEY[ctx.lang],
            ("responses",),
            notes=tuple(f"{label}: {reason}" for label, reason in gaps.items()),
        )
    ]


@builder("partner")
def _partners(ds: Dataset, ctx: Context) -> list[Drawn]:
    p = ds.partners
    names = _lab_names(ds)
    kinds = [k for k in KIND_LABELS["de"] if k in set(p["kind"])]
    counts = p.groupby(["lab_id", "kind"]).size().unstack(fill_value=0)
    counts = counts.reindex(columns=kinds, fill_value=0)
    frame = counts.stack().rename("n").reset_index()
    frame["lab_label"] = frame["lab_id"].map(names)
    frame["kind_label"] = frame["kind"].map(KIND_LABELS[ctx.lang])
    frame["o"] = frame["kind"].map(kinds.index)
    frame = frame.sort_values(["o", "lab_label"])
    fig, ax = style.figure(height_cm=max(7.0, 3.0 + 0.45 * frame["lab_label"].nunique()))
    plots.partner_composition(frame, ax=ax)
    placeholders = int(p["placeholder"].sum())
    return [
        _finish(
            fig,
            ctx,
            "partner",
            ctx.t(
                (
                    f"Partner je Labor nach Art. {placeholders} der {len(p)} Partner sind "
                    "Platzhalter für nicht öffentlich genannte Partner."
                ),
                (
                    f"Partners per lab by kind. {placeholders} of the {len(p)} partners are "
                    "placeholders for partners not publicly named."
                ),
            ),
            len(p),
            SOURCE_PARTNERS[ctx.lang],
            ("partners",),
        )
    ]


@builder("meilensteine")
def _milestones(ds: Dataset, ctx: Context) -> list[Drawn]:
    if ds.milestones.empty:
        return []
    mc = logic.milestone_completion(ds)
    periods = ds.periods.sort_values("end")["period_id"].tolist()
    present = [p for p in periods if p in set(mc["period_id"])]
    last = present[-1]
    part = mc[mc["period_id"] == last].copy()
    names = _lab_names(ds)
    part["lab_label"] = part["lab_id"].map(names)
    part["completion_label"] = (
        part["completion_de"] if ctx.lang == "de" else part["completion"].str.replace("_", " ")
    )
    part = part.sort_values("lab_label")
    fig, ax = style.figure(height_cm=max(7.0, 3.0 + 0.45 * part["lab_label"].nunique()))
    plots.milestone_completion(part, ax=ax)
    ax.set_title(
        ctx.t(
            f"Umsetzung der Meilensteine ({_when(ds, last)})",
            f"Milestone completion ({_when(ds, last)})",
        )
    )
    return [
        _finish(
            fig,
            ctx,
            "meilensteine",
            ctx.t(
                (
                    "Anteil der bis zum Berichtszeitraum fälligen Meilensteine je Umsetzungsgrad "
                    "(Skala des OGP Independent Reporting Mechanism)."
                ),
                (
                    "Share of milestones due by the reporting period per completion level (OGP "
                    "Independent Reporting Mechanism scale)."
                ),
            ),
            int(part.groupby("lab_id")["n"].sum().sum()),
            SOURCE_MILESTONES[ctx.lang],
            ("milestones",),
        )
    ]


@builder("wirkungsmodelle")
def _models(ds: Dataset, ctx: Context) -> list[Drawn]:
    att = _attainment(ds, ctx)
    last = _last_period(ds, att)
    out = []
    names = _lab_names(ds)
    labs = [ctx.only_lab] if ctx.only_lab else list(ds.labs["lab_id"])
    for lab in labs:
        chain = logic.ImpactModel.from_dataset(ds, lab).chain()
        status = {}
        if last is not None:
            part = att[
                (att["lab_id"] == lab) & (att["period_id"] == last) & (att["status"] != "no_data")
            ]
            for node, cell in part.groupby("node_id"):
                status[node] = _majority_status(cell["status"])
        frame = chain.assign(status=chain["node_id"].map(status).fillna("no_data"))
        fig, ax = style.figure(height_cm=12)
        plots.impact_model(frame, ax=ax)
        ax.set_title(ctx.t(f"Wirkungsmodell {names[lab]}", f"Impact model {names[lab]}"))
        out.append(
            _finish(
                fig,
                ctx,
                f"wirkungsmodell_{lab}",
                ctx.t(
                    (
                        f"Wirkungsmodell des Labors {names[lab]}: Ebenen als Spalten, Pfeile = "
                        "Beitrag; Farbe = häufigster Status der Indikatoren eines Knotens."
                    ),
                    (
                        f"Impact model of {names[lab]}: levels as columns, arrows = contribution; "
                        "colour = most frequent indicator status of a node."
                    ),
                ),
                None,
                SOURCE_INDICATORS[ctx.lang],
            )
        )
    return out
