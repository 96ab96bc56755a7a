"""Programme figures: the partners of the labs and the completion of their milestones."""

from __future__ import annotations

import re
from datetime import date

import pandas as pd
from matplotlib.figure import Figure

from ogl_impact import logic, plots, vocab
from ogl_impact.dataset import lab_names
from ogl_impact.reports.figures.base import (
    ALL_REPORTS,
    LONG_REPORTS,
    Context,
    DrawnOn,
    Panel,
    declare,
    extremes,
    lab_ids,
    lab_order,
    lab_rows_figure,
    n_sentence,
    sentences,
    when,
)

# --- partner ----------------------------------------------------------------------------------


def _partner_data(ctx: Context) -> list[Panel]:
    p = ctx.data.partners
    if p.empty:
        return []
    names = lab_names(ctx.data)
    not_named = ctx.label(vocab.PARTNER_NAMING, "not_named")
    # partners without a lab are the placeholders up to the published totals: one row of their own
    rows = lab_order(ctx)
    row = p["lab_id"].map(names).fillna(not_named)
    if row.eq(not_named).any():
        rows.append(not_named)
    kinds = [k for k in vocab.PARTNER_KINDS_SHORT if k in set(p["kind"])]
    counts = pd.crosstab(row, p["kind"]).reindex(index=rows, columns=kinds, fill_value=0)
    frame = counts.stack().rename("n").reset_index()
    frame.columns = ["lab_label", "kind", "n"]
    frame["kind_label"] = frame["kind"].map(lambda k: ctx.label(vocab.PARTNER_KINDS_SHORT, k))
    frame = frame[["lab_label", "kind_label", "n"]]
    total = int(frame["n"].sum())
    hidden = int(frame.loc[frame["lab_label"] == not_named, "n"].sum())
    rest = ""
    if hidden:
        rest = " " + ctx.t(
            f"Der Balken „{not_named}“ zählt die übrigen {hidden} Partner bis zu den "
            "veröffentlichten Zahlen je Art, deren Name und Labor nicht öffentlich sind.",
            f"The bar “{not_named}” counts the other {hidden} partners up to the published "
            "numbers per kind, whose name and lab are not public.",
        )
    # partners.csv has no dates (a partner delivered with a workbook has none either), so an
    # earlier report cannot show the list as it stood then: it says so
    rest += " " + ctx.t(
        "Die Partnerliste ist nicht datiert: jeder Bericht zeigt sie, wie sie in den Daten "
        "steht, auch für einen früheren Stichtag.",
        "The partner list has no dates: every report shows it as it stands in the data, also "
        "for an earlier reference date.",
    )
    if plots.partner_cut_at(counts.sum(axis=1).tolist()) is not None:
        rest += " " + ctx.t(
            "Der längste Balken ist gekürzt gezeichnet (Bruchzeichen); die Zahl an seinem Ende "
            "gilt.",
            "The longest bar is drawn cut short (break mark); the number at its end applies.",
        )
    values = {
        "total": total,
        "named": total - hidden,
        "hidden": hidden,
        "not_named": not_named,
        "rest": rest,
    }
    named = p[p["lab_id"].notna()]
    kinds_drawn = DrawnOn(
        "partners",
        pd.DataFrame(
            {
                "lab_id": named["lab_id"].astype(str).to_numpy(),
                "row_key": named["partner_id"].astype(str).to_numpy(),
            }
        ),
        ("kind",),
    )
    return [Panel(frame, total, values, drawn_on=(kinds_drawn,))]


def _partner_plot(panel: Panel, ctx: Context) -> Figure:
    return lab_rows_figure(panel.frame, plots.partner_composition, ctx)


def _partner_alt(panel: Panel, ctx: Context) -> str:
    not_named = panel.values["not_named"]
    named = panel.frame[panel.frame["lab_label"] != not_named]
    per_lab = named.groupby("lab_label", as_index=False, sort=False)["n"].sum()
    per_kind = panel.frame.groupby("kind_label", as_index=False, sort=False)["n"].sum()
    hidden = panel.values["hidden"]
    return sentences(
        [
            ctx.t(
                f"Gestapelte Balken: Zahl der Partner je Labor nach Art, {len(per_lab)} Labore"
                + (f" und ein Balken „{not_named}“ ({hidden} Partner)." if hidden else "."),
                f"Stacked bars: number of partners per lab by kind, {len(per_lab)} labs"
                + (f" and one bar “{not_named}” ({hidden} partners)." if hidden else "."),
            ),
            ctx.t("Je Labor:", "Per lab:"),
            extremes(per_lab, "n", "lab_label", ctx, 0),
            ctx.t("Nach Art:", "By kind:"),
            extremes(per_kind, "n", "kind_label", ctx, 0),
            n_sentence(panel, ctx),
        ]
    )


declare(
    "partner",
    title=("Partner je Labor nach Art", "Partners per lab by kind"),
    data=_partner_data,
    plot=_partner_plot,
    caption=(
        "Partner je Labor nach Art: {total} Partner, davon {named} öffentlich einem Labor "
        "zugeordnet.{rest}",
        "Partners per lab by kind: {total} partners, {named} of them publicly assigned to a "
        "lab.{rest}",
    ),
    alt=_partner_alt,
    reports=LONG_REPORTS,
    order=90,
    source="partners",
    tables=("partners",),
)


# --- meilensteine -----------------------------------------------------------------------------


def _day(day: date, ctx: Context) -> str:
    return vocab.date_text(day, ctx.lang)


def _milestone_data(ctx: Context) -> list[Panel]:
    ds = ctx.data
    if ds.milestones.empty:
        return []
    timing = logic.milestone_timing(ds)
    last = timing.sort_values("period_end")["period_id"].iloc[-1]
    timing = timing[timing["period_id"] == last].set_index("lab_id")
    mc = logic.milestone_completion(ds)
    due = mc[mc["period_id"] == last]
    # levels no due milestone has are left out of the bars and the legend
    shown = set(due.loc[due["n"] > 0, "completion"])
    due = due[due["completion"].isin(shown or set(due["completion"]))]
    names = lab_names(ds)
    programme = [lab for lab in lab_ids(ds) if lab in timing.index]
    ahead_label = ctx.label(vocab.MILESTONE_TIMING, "ahead_of_plan")
    parts, notes = [], {}
    for lab in programme:
        rows = due[due["lab_id"] == lab]
        parts.append(
            pd.DataFrame(
                {
                    "lab_label": names[lab],
                    "completion": rows["completion"].to_numpy(),
                    "completion_label": [
                        ctx.label(vocab.IRM_COMPLETION, c) for c in rows["completion"]
                    ],
                    "n": rows["n"].to_numpy(),
                    "share": rows["share"].to_numpy(),
                }
            )
        )
        n_due, n_ahead = int(timing.at[lab, "due"]), int(timing.at[lab, "ahead_of_plan"])
        if n_ahead:
            parts.append(
                pd.DataFrame(
                    {
                        "lab_label": [names[lab]],
                        "completion": ["ahead_of_plan"],
                        "completion_label": [ahead_label],
                        "n": [n_ahead],
                        "share": [float("nan")],
                    }
                )
            )
        note = (
            f"{n_due} {ctx.label(vocab.MILESTONE_TIMING, 'due')}"
            if n_due
            else ctx.label(vocab.MILESTONE_TIMING, "none_due")
        )
        notes[names[lab]] = note + (f"; {n_ahead} {ahead_label}" if n_ahead else "")
    frame = pd.concat(parts, ignore_index=True)
    n_due = int(timing["due"].sum())
    n_ahead = int(timing["ahead_of_plan"].sum())
    n_later = int(timing["planned"].sum()) - n_due
    without = int((timing["due"] == 0).sum())
    day = pd.Timestamp(ds.periods.set_index("period_id").at[last, "end"]).date()
    rest = ""
    if n_later:
        rest += " " + ctx.t(
            f"{n_later} weitere {'ist' if n_later == 1 else 'sind'} erst später geplant und "
            "nicht in den Balken.",
            f"{n_later} more {'is' if n_later == 1 else 'are'} planned later and not in the bars.",
        )
    if n_ahead:
        rest += " " + ctx.t(
            f"Davon vorzeitig erreicht: {n_ahead}; rechts neben dem Balken genannt, nicht in n.",
            f"Of them achieved ahead of plan: {n_ahead}; named right of the bar, not in n.",
        )
    if without:
        rest += " " + ctx.t(
            f"{without} {'Labor hatte' if without == 1 else 'Labore hatten'} noch keinen "
            "fälligen Meilenstein (leerer Balken).",
            f"{without} {'lab had' if without == 1 else 'labs had'} no milestone due yet "
            "(empty bar).",
        )
    values = {
        "when": when(ds, last),
        "subject": when(ds, last),
        "day": _day(day, ctx),
        "due": n_due,
        "planned": int(timing["planned"].sum()),
        "rest": rest,
    }
    rows = ds.milestones[ds.milestones["period_id"] == last]
    used = DrawnOn(
        "milestones",
        pd.DataFrame(
            {
                "lab_id": rows["lab_id"].astype(str).to_numpy(),
                "period_id": rows["period_id"].astype(str).to_numpy(),
                "row_key": rows["milestone_id"].astype(str).to_numpy(),
            }
        ),
        ("completion", "achieved_date"),
    )
    return [Panel(frame, n_due, values, extra={"notes": notes}, drawn_on=(used,))]


def _bare(label: str) -> str:
    return re.sub(r"[\s\-\u00ad]", "", label)


def _milestone_plot(panel: Panel, ctx: Context) -> Figure:
    fig = lab_rows_figure(panel.frame, plots.milestone_completion, ctx)
    ax = fig.axes[0]
    # counts beside each bar: due milestones, and those achieved ahead of plan (not in the bar)
    # the notes are children of the axes: constrained layout narrows the axes to make room
    # (lab names may be wrapped on the axis: compare them without spaces, breaks and hyphens)
    notes = {_bare(label): note for label, note in panel.extra["notes"].items()}
    ticks = ax.get_yticklabels()
    for tick in ticks:
        note = notes.get(_bare(tick.get_text()))
        if note:
            ax.annotate(
                note,
                xy=(1.0, tick.get_position()[1]),
                xycoords=("axes fraction", "data"),
                xytext=(4, 0),
                textcoords="offset points",
                va="center",
                fontsize=ticks[0].get_fontsize(),  # as large as the lab names
            )
    return fig


def _milestone_alt(panel: Panel, ctx: Context) -> str:
    f = panel.frame
    # the axis shows percent: the alt text says the same numbers
    done = f[f["completion"] == "complete"].dropna(subset=["share"])
    done = done.assign(percent=done["share"] * 100)
    ahead = int(f.loc[f["completion"] == "ahead_of_plan", "n"].sum())
    return sentences(
        [
            ctx.t(
                f"Gestapelte Balken: Anteil der bis {panel.values['day']} fälligen Meilensteine "
                f"({panel.values['due']}) je Umsetzungsgrad und Labor. Anteil abgeschlossen:",
                f"Stacked bars: share of the milestones due by {panel.values['day']} "
                f"({panel.values['due']}) per completion level and lab. Share complete:",
            ),
            extremes(done, "percent", "lab_label", ctx, 0, " %"),
            ctx.t(
                f"Vorzeitig erreicht (noch nicht fällig, gesondert): {ahead}.",
                f"Achieved ahead of plan (not yet due, shown apart): {ahead}.",
            )
            if ahead
            else "",
            n_sentence(panel, ctx),
        ]
    )


declare(
    "meilensteine",
    title=("Umsetzung der fälligen Meilensteine", "Completion of the milestones due"),
    data=_milestone_data,
    plot=_milestone_plot,
    caption=(
        "Anteil der bis zum Berichtsstichtag {day} fälligen Meilensteine je Umsetzungsgrad "
        "(Skala des OGP Independent Reporting Mechanism): {due} der {planned} Meilensteine waren "
        "bis dahin geplant und damit fällig.{rest}",
        "Share of the milestones due by the report date {day} per completion level (OGP "
        "Independent Reporting Mechanism scale): {due} of the {planned} milestones were planned "
        "by then and so due.{rest}",
    ),
    alt=_milestone_alt,
    reports=ALL_REPORTS,
    order=100,
    source="milestones",
    tables=("milestones",),
)
