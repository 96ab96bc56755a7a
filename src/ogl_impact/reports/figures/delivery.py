"""The figure "Datenlieferungen": reporting rate and timeliness per period (status reports).

The numbers come from :func:`ogl_impact.logic.deliveries` and
:func:`ogl_impact.logic.reporting_rates`, read on the report's date (the end
of its period): only periods whose deadline has passed by then are shown,
and only workbooks received by then count.
"""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure

from ogl_impact import logic, vocab
from ogl_impact.plots import style
from ogl_impact.reports.figures.base import (
    STATUS_REPORTS,
    Context,
    Panel,
    count,
    declare,
    report_day,
)

MEASURES = ("reporting_rate", "reporting_rate_on_time")


def _data(ctx: Context) -> list[Panel]:
    ds = ctx.data
    if "submissions" not in ds.tables:
        return []
    day = report_day(ctx)
    d = logic.deliveries(ds, as_of=day)
    d = d[d["due"]]
    if d.empty:
        return []
    rates = logic.reporting_rates(d)
    labels = logic.period_names(ds.periods, ctx.lang)
    rows = []
    for r in rates.itertuples():
        for measure in MEASURES:
            rows.append(
                {
                    "period_id": r.period_id,
                    "period_label": str(r.period_id).upper(),
                    "period_name": labels[str(r.period_id)],
                    "deadline": r.deadline,
                    "measure": measure,
                    "measure_label": ctx.label(vocab.DELIVERY_MEASURES, measure),
                    "value": float(getattr(r, measure)),
                    "reports": int(r.actual if measure == "reporting_rate" else r.actual_on_time),
                    "n": int(r.expected),
                }
            )
    frame = pd.DataFrame(rows)
    labs = int(d["lab_id"].nunique())
    with style.house_style(ctx.lang):
        until = style.date_label(day.date())
    values = {
        "periods": count(len(rates), ctx.t("Zeitraum", "period"), ctx.t("Zeiträume", "periods")),
        "labs": labs,
        "until": until,
        "days": vocab.DEADLINE_DAYS,
    }
    return [Panel(frame, int(rates["expected"].sum()), values)]


def _plot(panel: Panel, ctx: Context) -> Figure:
    frame = panel.frame
    periods = list(dict.fromkeys(frame["period_label"]))
    fig, ax = style.figure(height_cm=7.5)
    width = 0.38
    colours = dict(zip(MEASURES, style.PALETTE[:2], strict=True))
    for i, measure in enumerate(MEASURES):
        part = frame[frame["measure"] == measure].set_index("period_label").reindex(periods)
        xs = [k + (i - 0.5) * width for k in range(len(periods))]
        bars = ax.bar(
            xs,
            part["value"],
            width=width,
            color=colours[measure],
            label=part["measure_label"].iloc[0],
        )
        for bar, label, value in zip(bars.patches, periods, part["value"], strict=True):
            bar.set_gid(f"{label}|{measure}")
            ax.annotate(
                style.number(value, 0),
                (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                xytext=(0, 2),
                textcoords="offset points",
                ha="center",
                va="bottom",
                fontsize=7,
            )
    ax.set_xticks(range(len(periods)), periods)
    ax.set_ylim(0, 112)
    ax.set_yticks([0, 25, 50, 75, 100])
    ax.set_ylabel(ctx.t("Anteil der erwarteten Lieferungen (%)", "Share of expected reports (%)"))
    style.axis_numbers(ax, "y", 0)
    ax.legend(
        frameon=False,
        loc="upper center",
        bbox_to_anchor=(0.5, 0),
        bbox_transform=style.below_axes(ax),
        ncol=2,
    )
    return fig


def _alt(panel: Panel, ctx: Context) -> str:
    frame = panel.frame
    with style.house_style(ctx.lang):
        parts = []
        for pid, part in frame.groupby("period_label", sort=False):
            by = part.set_index("measure")
            n = int(by.at["reporting_rate", "n"])
            got = int(by.at["reporting_rate", "reports"])
            on_time = int(by.at["reporting_rate_on_time", "reports"])
            rate = style.number(by.at["reporting_rate", "value"], 1)
            timely = style.number(by.at["reporting_rate_on_time", "value"], 1)
            parts.append(
                ctx.t(
                    f"{pid}: {got} von {n} Lieferungen angenommen ({rate} %), "
                    f"{on_time} fristgerecht ({timely} %)",
                    f"{pid}: {got} of {n} reports accepted ({rate} %), "
                    f"{on_time} on time ({timely} %)",
                )
            )
    head = ctx.t(
        "Säulen: Lieferquote und fristgerechte Lieferquote je Berichtszeitraum.",
        "Columns: reporting rate and reporting rate on time per period.",
    )
    return f"{head} " + "; ".join(parts) + "."


declare(
    "datenlieferungen",
    title=("Datenlieferungen der Labore", "Data deliveries of the labs"),
    data=_data,
    plot=_plot,
    caption=(
        "Lieferquote (angenommene je erwartete Arbeitsmappen × 100) und fristgerechte "
        "Lieferquote (bis zur Abgabefrist angenommen) wie in DHIS2, je Berichtszeitraum mit "
        "verstrichener Abgabefrist ({periods}, {labs} Labore, Stand {until}). Abgabefrist: "
        "Angabe im Zeitplan, sonst Ende des Zeitraums + {days} Tage.",
        "Reporting rate (accepted per expected workbooks × 100) and reporting rate on time "
        "(accepted by the deadline) as in DHIS2, per period whose deadline has passed "
        "({periods}, {labs} labs, as of {until}). Deadline: as scheduled, else end of the "
        "period + {days} days.",
    ),
    alt=_alt,
    reports=STATUS_REPORTS,
    order=105,
    source="submissions",
    tables=("submissions",),
    cost=0.5,
)
