"""Impact-model diagrams: one figure per lab, nodes coloured by their indicators' status."""

from __future__ import annotations

from matplotlib.figure import Figure

from ogl_impact import logic, plots, vocab
from ogl_impact.dataset import lab_names
from ogl_impact.plots import style
from ogl_impact.plots.model_diagram import model_height_cm
from ogl_impact.reports.figures.base import Context, Panel, declare, lab_ids
from ogl_impact.reports.figures.network import (
    attainment,
    could_draw,
    last_period,
    status_note,
    values_drawn,
)


def _model_data(ctx: Context) -> list[Panel]:
    ds = ctx.data
    att = attainment(ctx)
    last = last_period(ctx, att)
    names = lab_names(ds)
    labs = [ctx.only_lab] if ctx.only_lab else lab_ids(ds)
    panels = []
    for lab in labs:
        chain = logic.ImpactModel.from_dataset(ds, lab).chain()
        status: dict[str, str] = {}
        n: dict[str, int] = {}
        part = scope = att.iloc[:0]
        if last is not None:
            mine = att[(att["lab_id"] == lab) & (att["period_id"] == last)]
            part = mine[mine["status"] != "no_data"]
            scope = mine[could_draw(mine)]  # with a value withdrawn since: still drawn on
            for node, cell in part.groupby("node_id"):
                status[node] = logic.majority(cell["status"])
                n[node] = len(cell)
        frame = chain.assign(
            status=chain["node_id"].map(status).fillna("no_data"),
            n=chain["node_id"].map(n).fillna(0).astype(int),
        )
        used = scope[scope["node_id"].isin(set(chain["node_id"]))] if len(scope) else scope
        panels.append(
            Panel(
                frame,
                None,
                {
                    "lab": names[lab],
                    "subject": names[lab],
                    **status_note(
                        frame["status"],
                        ("wo keiner Daten hat", "where none has data"),
                        ctx,
                    ),
                },
                name=f"wirkungsmodell_{lab}",
                drawn_on=values_drawn(ctx, used),
            )
        )
    return panels


def _model_plot(panel: Panel, ctx: Context) -> Figure:
    fig, ax = style.figure(height_cm=model_height_cm(panel.frame), layout="constrained")
    plots.impact_model(panel.frame, ax=ax)
    return fig


def _model_alt(panel: Panel, ctx: Context) -> str:
    f = panel.frame
    counts = f["status"].value_counts()
    parts = [
        f"{ctx.label(vocab.ATTAINMENT_STATUS, s)} {int(counts[s])}"
        for s in vocab.ATTAINMENT_STATUS
        if s in counts
    ]
    levels = [ctx.label(vocab.LEVELS, lv) for lv in vocab.LEVELS if lv in set(f["level"])]
    return ctx.t(
        f"Wirkungsmodell des Labors {panel.values['lab']}: {len(f)} Knoten in den Ebenen "
        f"{', '.join(levels)}, verbunden durch Pfeile. Knoten je Status: {', '.join(parts)}. "
        f"Indikatoren mit Daten: {int(f['n'].sum())}.",
        f"Impact model of {panel.values['lab']}: {len(f)} nodes in the levels "
        f"{', '.join(levels)}, joined by arrows. Nodes per status: {', '.join(parts)}. "
        f"Indicators with data: {int(f['n'].sum())}.",
    )


declare(
    "wirkungsmodelle",
    title=("Wirkungsmodelle der Labore", "Impact models of the labs"),
    panel_title=("Wirkungsmodell", "Impact model"),
    data=_model_data,
    plot=_model_plot,
    caption=(
        "Wirkungsmodell des Labors {lab}: Ebenen als Spalten, Pfeile = Beitrag; Farbe = "
        "häufigster Status der Indikatoren eines Knotens, die Daten haben (bei Gleichstand der "
        "ungünstigere{none_where}).{status_note}",
        "Impact model of {lab}: levels as columns, arrows = contribution; colour = most "
        "frequent status of a node's indicators with data (ties: the less "
        "favourable{none_where}).{status_note}",
    ),
    alt=_model_alt,
    reports=("pb",),
    order=110,
    source="indicators",
    per_lab=True,
)
