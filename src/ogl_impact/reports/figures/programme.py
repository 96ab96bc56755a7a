"""Programme figures: the partners of the labs and the completion of their milestones."""

from __future__ import annotations

from matplotlib.figure import Figure

from ogl_impact import logic, plots, vocab
from ogl_impact.reports.figures.base import (
    ALL_REPORTS,
    LONG_REPORTS,
    Context,
    Panel,
    declare,
    extremes,
    lab_names,
    lab_rows_figure,
    n_sentence,
    when,
)

# --- partner ----------------------------------------------------------------------------------


def _partner_data(ctx: Context) -> list[Panel]:
    p = ctx.data.partners
    names = lab_names(ctx.data)
    kinds = [k for k in vocab.PARTNER_KINDS_SHORT if k in set(p["kind"])]
    counts = p.groupby(["lab_id", "kind"]).size().unstack(fill_value=0)
    counts = counts.reindex(columns=kinds, fill_value=0)
    frame = counts.stack().rename("n").reset_index()
    frame["lab_label"] = frame["lab_id"].map(names)
    frame["kind_label"] = frame["kind"].map(lambda k: ctx.label(vocab.PARTNER_KINDS_SHORT, k))
    rank = {k: i for i, k in enumerate(kinds)}
    frame = frame.sort_values(
        ["kind", "lab_label"], key=lambda c: c.map(rank) if c.name == "kind" else c
    )
    shown = int(p["lab_id"].notna().sum())
    # partners without a lab (placeholders for partners not publicly named) are not drawn
    hidden = len(p) - shown
    rest = ""
    if hidden:
        rest = " " + ctx.t(
            f"Weitere {hidden} Partner sind keinem Labor zugeordnet (davon "
            f"{int(p.loc[p['lab_id'].isna(), 'placeholder'].sum())} Platzhalter für nicht "
            "öffentlich genannte Partner) und nicht gezeigt.",
            f"{hidden} further partners belong to no lab (of them "
            f"{int(p.loc[p['lab_id'].isna(), 'placeholder'].sum())} placeholders for partners "
            "not publicly named) and are not shown.",
        )
    return [Panel(frame, shown, {"shown": shown, "rest": rest})]


def _partner_plot(panel: Panel, ctx: Context) -> Figure:
    return lab_rows_figure(panel.frame, plots.partner_composition, ctx)


def _partner_alt(panel: Panel, ctx: Context) -> str:
    per_lab = panel.frame.groupby("lab_label", as_index=False)["n"].sum()
    per_kind = panel.frame.groupby("kind_label", as_index=False)["n"].sum()
    return " ".join(
        [
            ctx.t(
                f"Gestapelte Balken: Zahl der Partner je Labor nach Art, {len(per_lab)} Labore.",
                f"Stacked bars: number of partners per lab by kind, {len(per_lab)} labs.",
            ),
            extremes(per_lab, "n", "lab_label", ctx, 0),
            ctx.t("Nach Art:", "By kind:"),
            extremes(per_kind, "n", "kind_label", ctx, 0),
            n_sentence(panel, ctx),
        ]
    ).strip()


declare(
    "partner",
    title=("Partner je Labor nach Art", "Partners per lab by kind"),
    data=_partner_data,
    plot=_partner_plot,
    caption=(
        "Partner je Labor nach Art, {shown} Partner.{rest}",
        "Partners per lab by kind, {shown} partners.{rest}",
    ),
    alt=_partner_alt,
    reports=LONG_REPORTS,
    order=90,
    source="partners",
    tables=("partners",),
)


# --- meilensteine -----------------------------------------------------------------------------


def _milestone_data(ctx: Context) -> list[Panel]:
    ds = ctx.data
    if ds.milestones.empty:
        return []
    mc = logic.milestone_completion(ds)
    present = [p for p in ds.periods.sort_values("end")["period_id"] if p in set(mc["period_id"])]
    last = present[-1]
    part = mc[mc["period_id"] == last].copy()
    part["lab_label"] = part["lab_id"].map(lab_names(ds))
    part["completion_label"] = part["completion"].map(lambda c: ctx.label(vocab.IRM_COMPLETION, c))
    part = part.sort_values("lab_label")
    n = int(part.groupby("lab_id")["n"].sum().sum())
    return [Panel(part, n, {"when": when(ds, last)})]


def _milestone_plot(panel: Panel, ctx: Context) -> Figure:
    date = panel.values["when"]
    title = (f"Umsetzung der Meilensteine ({date})", f"Milestone completion ({date})")
    return lab_rows_figure(panel.frame, plots.milestone_completion, ctx, title)


def _milestone_alt(panel: Panel, ctx: Context) -> str:
    done = panel.frame[panel.frame["completion"] == "complete"]
    return " ".join(
        [
            ctx.t(
                "Gestapelte Balken: Anteil der fälligen Meilensteine je Umsetzungsgrad und "
                f"Labor, {panel.values['when']}. Anteil abgeschlossen:",
                "Stacked bars: share of the milestones due per completion level and lab, "
                f"{panel.values['when']}. Share complete:",
            ),
            extremes(done, "share", "lab_label", ctx, 2),
            n_sentence(panel, ctx),
        ]
    ).strip()


declare(
    "meilensteine",
    title=("Umsetzung der Meilensteine", "Milestone completion"),
    data=_milestone_data,
    plot=_milestone_plot,
    caption=(
        "Anteil der bis zum Berichtszeitraum fälligen Meilensteine je Umsetzungsgrad (Skala "
        "des OGP Independent Reporting Mechanism).",
        "Share of milestones due by the reporting period per completion level (OGP Independent "
        "Reporting Mechanism scale).",
    ),
    alt=_milestone_alt,
    reports=ALL_REPORTS,
    order=100,
    source="milestones",
    tables=("milestones",),
)
