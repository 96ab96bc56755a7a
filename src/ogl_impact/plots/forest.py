"""Forest plot of effects with their confidence intervals and evidence level."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.transforms import ScaledTranslation

from ogl_impact import privacy
from ogl_impact.plots.style import (
    PALETTE,
    axis_numbers,
    below_axes,
    ensure_ax,
    lang,
    number,
    ordered,
    text,
    wrap,
)

EMPTY = "#555555"
"""Colour of the words in place of an estimate (7.5:1 on white)."""


def _empty_words(row: pd.Series, k: int | None) -> str:
    """Say why a row has no estimate: suppressed (with k) or no data."""
    if not bool(row.get("suppressed", False)):
        return text("no_data")
    if k is not None:
        return privacy.suppressed_label(k, lang())
    note = row.get("note")
    if isinstance(note, str) and note.strip():
        return note
    raise ValueError(
        "forest: eine unterdrückte Zeile braucht k= oder eine Spalte note mit der Aufschrift "
        "/ a suppressed row needs k= or a note column with its label"
    )


def change_title(before: int, after: int) -> str:
    """Title of a forest plot of the change per lab between two waves, in the current language.

    Parameters
    ----------
    before, after : int
        The waves compared.

    Returns
    -------
    str
        Inside ``house_style("en")`` English, else German.

    Examples
    --------
    >>> change_title(1, 3)
    "Veränderung je Labor, Welle 1 → 3 (Hedges' g)"
    """
    return text("change_by_unit", before=before, after=after)


def forest(
    data: pd.DataFrame,
    *,
    order: Sequence[str] | None = None,
    ax: Axes | None = None,
    decimals: int = 2,
    note: str | None = None,
    k: int | None = None,
) -> Axes:
    """Draw estimates with intervals, one row each, and an evidence column.

    A row marked ``suppressed`` keeps its place and its label on the axis
    but shows no point and no interval; the estimate column reads
    "unterdrückt (n < k)" (:func:`ogl_impact.privacy.suppressed_label`) in
    its place. A row without an estimate that is not suppressed reads
    "keine Daten".

    The printed column carries a heading; when the evidence column names
    the Maryland Scientific Methods Scale ("MSMS ..."), a note under the
    axes explains it.

    Parameters
    ----------
    data : DataFrame
        Columns label, estimate, ci_low, ci_high, optionally evidence (text
        shown at the right), suppressed and note (the label of a suppressed
        row, used when ``k`` is not given).
    order : sequence of str, optional
        Labels top to bottom (e.g. the programme's lab order); labels not
        named follow in order of appearance.
    ax : Axes, optional
        Axes to draw on.
    decimals : int, default 2
        Decimals of the printed estimates.
    note : str, optional
        Further note under the axes (e.g. the effect's unit: "Differenz der
        Mittelwerte, Skala 1-5").
    k : int, optional
        The threshold in force, for the label of suppressed rows (else
        their ``note``).

    Returns
    -------
    Axes
        Points (gid "estimates") and one interval line per row (gid = label).
    """
    rows = data.copy()
    hidden = (
        rows["suppressed"].fillna(False).astype(bool)
        if "suppressed" in rows
        else pd.Series(False, index=rows.index)
    )
    # a suppressed row shows nothing of its own, whatever numbers it still carries
    rows.loc[hidden, ["estimate", "ci_low", "ci_high"]] = np.nan
    if order is not None:
        rank = {v: i for i, v in enumerate(ordered(rows["label"], order))}
        rows = rows.iloc[np.argsort([rank[v] for v in rows["label"]], kind="stable")]
    ax = ensure_ax(ax, height_cm=max(5.0, 2.0 + 0.6 * len(rows)))
    y = np.arange(len(rows))
    has_evidence = "evidence" in rows
    estimates = []
    for i, (_, r) in enumerate(rows.iterrows()):
        if pd.isna(r["estimate"]):
            words, colour = _empty_words(r, k), EMPTY
        else:
            (ln,) = ax.plot([r["ci_low"], r["ci_high"]], [i, i], color=PALETTE[0], linewidth=1.5)
            ln.set_gid(str(r["label"]))
            words = (
                f"{number(r['estimate'], decimals)} [{number(r['ci_low'], decimals)}; "
                f"{number(r['ci_high'], decimals)}]"
            )
            colour = "black"
        estimates.append(
            ax.text(
                1.02,
                i,
                words,
                transform=ax.get_yaxis_transform(),
                va="center",
                fontsize=7,
                color=colour,
                gid=f"estimate:{r['label']}",
            )
        )
    heading = ax.text(
        1.02,
        -0.6,
        text("estimate_ci"),
        transform=ax.get_yaxis_transform(),
        va="bottom",
        fontsize=7,
        fontweight="bold",
        gid="column_heading",
    )
    if has_evidence:
        # the evidence column starts after the widest entry of the estimate column
        renderer = ax.figure._get_renderer()
        widest = max(t.get_window_extent(renderer).width for t in [*estimates, heading])
        shift = ScaledTranslation(widest / ax.figure.dpi + 8 / 72, 0, ax.figure.dpi_scale_trans)
        column = ax.get_yaxis_transform() + shift
        for i, (_, r) in enumerate(rows.iterrows()):
            if pd.notna(r["evidence"]) and pd.notna(r["estimate"]):
                ax.text(
                    1.02,
                    i,
                    str(r["evidence"]),
                    transform=column,
                    va="center",
                    fontsize=7,
                    gid=f"evidence:{r['label']}",
                )
        ax.text(
            1.02,
            -0.6,
            text("evidence"),
            transform=column,
            va="bottom",
            fontsize=7,
            fontweight="bold",
            gid="evidence_heading",
        )
    drawn = rows["estimate"].notna().to_numpy()
    ax.scatter(rows["estimate"][drawn], y[drawn], color=PALETTE[0], zorder=3, s=20, gid="estimates")
    ax.axvline(0, color="black", linewidth=0.8, linestyle=":")
    ax.set_yticks(y, [wrap(str(v), 42) for v in rows["label"]])
    ax.set_ylim(len(rows) - 0.5, -0.9)  # top to bottom, room for the column heading
    ax.set_xlabel(text("effect"))
    axis_numbers(ax, "x")
    notes = []
    if "evidence" in rows and rows["evidence"].astype(str).str.contains("MSMS").any():
        notes.append(text("msms"))
    if note:
        notes.append(note)
    if notes:
        ax.text(
            0,
            0,
            "\n".join(notes),
            transform=below_axes(ax),
            va="top",
            ha="left",
            fontsize=6.5,
            color="#444444",
            gid="note",
        )
    return ax
