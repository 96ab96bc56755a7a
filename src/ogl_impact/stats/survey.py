"""The survey analysis of a dataset: scores, reliability, change, comparison.

Convenience layer over the procedures of :mod:`ogl_impact.stats` for the
tables of a :class:`~ogl_impact.dataset.Dataset`: respondents in lab units
versus comparison communes, waves before and after the labs started. Every
function returns tidy frames without respondent ids.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ogl_impact.stats.did import did_2x2, twfe
from ogl_impact.stats.effects import adjust_pvalues, effect_sizes, mean_difference
from ogl_impact.stats.reliability import cronbach_alpha, item_statistics, omega
from ogl_impact.stats.scales import item_matrix, scale_scores


def constructs(codebook: pd.DataFrame) -> list[str]:
    """List the constructs of the codebook in their order of first appearance.

    Parameters
    ----------
    codebook : DataFrame
        The codebook table.

    Returns
    -------
    list of str
        Construct ids.
    """
    return list(dict.fromkeys(codebook["construct"].astype(str)))


def score_table(
    responses: pd.DataFrame,
    codebook: pd.DataFrame,
    *,
    lab_units: Sequence[str] = (),
    min_valid: int | float | None = None,
) -> pd.DataFrame:
    """One row per respondent and wave with a score per construct.

    Parameters
    ----------
    responses, codebook : DataFrame
        Survey tables.
    lab_units : sequence of str
        Unit ids that are labs (others are comparison communes); adds ``is_lab``.
    min_valid : int or float, optional
        Passed to :func:`ogl_impact.stats.scale_scores`.

    Returns
    -------
    DataFrame
        respondent_id (pseudonymous, for pairing panel respondents only),
        unit_id, wave, actor_group, is_lab and one column per construct.
    """
    scores = {}
    index = None
    for construct in constructs(codebook):
        m = item_matrix(responses, codebook, construct=construct)
        scores[construct] = scale_scores(m, min_valid=min_valid)
        index = m.index if index is None else index.union(m.index)
    out = pd.DataFrame(scores).reindex(index).reset_index()
    out["is_lab"] = out["unit_id"].isin(set(lab_units))
    return out


def reliability_table(responses: pd.DataFrame, codebook: pd.DataFrame) -> pd.DataFrame:
    """Alpha (Feldt and Duhachek intervals), standardised alpha and omega per construct.

    Parameters
    ----------
    responses, codebook : DataFrame
        Survey tables.

    Returns
    -------
    DataFrame
        construct, n, n_items, alpha, alpha_ci_low/high (Feldt),
        alpha_ci_low/high_duhachek, average_r, std_alpha, omega (semTools'
        omega of a one-factor CFA), min_r_drop, weakest_item.
    """
    rows = []
    for construct in constructs(codebook):
        m = item_matrix(responses, codebook, construct=construct)
        a = cronbach_alpha(m).set_index(["term", "method"])
        items = item_statistics(m)
        om = np.nan
        if m.shape[1] >= 3:
            om = omega(m).set_index("term").at["omega", "estimate"]
        weakest = items.loc[items["r_drop"].idxmin()]
        rows.append(
            {
                "construct": construct,
                "n": int(a["n"].iloc[0]),
                "n_items": m.shape[1],
                "alpha": a.loc[("alpha", "feldt"), "estimate"],
                "average_r": a.loc[("average_r", "mean correlation"), "estimate"],
                "alpha_ci_low": a.loc[("alpha", "feldt"), "ci_low"],
                "alpha_ci_high": a.loc[("alpha", "feldt"), "ci_high"],
                "alpha_ci_low_duhachek": a.loc[("alpha", "duhachek"), "ci_low"],
                "alpha_ci_high_duhachek": a.loc[("alpha", "duhachek"), "ci_high"],
                "std_alpha": a.loc[("std_alpha", "feldt"), "estimate"],
                "omega": om,
                "min_r_drop": weakest["r_drop"],
                "weakest_item": weakest["item_id"],
            }
        )
    return pd.DataFrame(rows)


def change_by_unit(
    scores: pd.DataFrame,
    construct: str,
    *,
    before: int,
    after: int,
    units: Sequence[str] | None = None,
    adjust: str = "holm",
) -> pd.DataFrame:
    """Change of a construct between two waves, per unit and over all units.

    Independent samples (everyone who answered in each wave: Welch t, Hedges'
    g) and, where respondents answered both waves, the paired change (d_z).
    p-values are corrected across units with ``adjust``.

    Parameters
    ----------
    scores : DataFrame
        Output of :func:`score_table`.
    construct : str
        Construct column.
    before, after : int
        Waves to compare (change = after - before).
    units : sequence of str, optional
        Units to report (default: the labs in ``scores``).
    adjust : str, default "holm"
        Multiple-testing correction (see :func:`ogl_impact.stats.adjust_pvalues`).

    Returns
    -------
    DataFrame
        unit_id (``"alle"`` for all units together), n_before, n_after,
        mean_before, mean_after, change, ci_low, ci_high, p_val (Welch),
        p_adj, hedges_g, g_ci_low, g_ci_high, n_panel, d_z, dz_ci_low,
        dz_ci_high.
    """
    if units is None:
        units = sorted(scores.loc[scores["is_lab"], "unit_id"].unique())
    rows = []
    for unit in [*units, "alle"]:
        part = scores if unit == "alle" else scores[scores["unit_id"] == unit]
        if unit == "alle":
            part = part[part["unit_id"].isin(units)]
        b = part.loc[part["wave"] == before, construct].dropna()
        a = part.loc[part["wave"] == after, construct].dropna()
        row = {"unit_id": unit, "n_before": len(b), "n_after": len(a)}
        if len(a) > 1 and len(b) > 1:
            t = mean_difference(a, b).set_index("method").loc["welch"]
            g = effect_sizes(a, b).set_index("term").loc["hedges_g"]
            row.update(
                mean_before=b.mean(),
                mean_after=a.mean(),
                change=t["estimate"],
                ci_low=t["ci_low"],
                ci_high=t["ci_high"],
                p_val=t["p_val"],
                hedges_g=g["estimate"],
                g_ci_low=g["ci_low"],
                g_ci_high=g["ci_high"],
            )
        wide = part[part["wave"].isin([before, after])].pivot_table(
            index="respondent_id", columns="wave", values=construct, aggfunc="first"
        )
        if before in wide and after in wide:
            pairs = wide[[before, after]].dropna()
            row["n_panel"] = len(pairs)
            if len(pairs) > 2:
                dz = effect_sizes(pairs[after], pairs[before], paired=True).iloc[0]
                row.update(d_z=dz["estimate"], dz_ci_low=dz["ci_low"], dz_ci_high=dz["ci_high"])
        rows.append(row)
    out = pd.DataFrame(rows)
    per_unit = out["unit_id"] != "alle"
    out["p_adj"] = np.nan
    out.loc[per_unit, "p_adj"] = adjust_pvalues(out.loc[per_unit, "p_val"], method=adjust)[
        "p_adj"
    ].to_numpy()
    out.insert(0, "construct", construct)
    return out


@dataclass(frozen=True, eq=False)
class LabComparison:
    """Result of :func:`lab_comparison` for one construct.

    Attributes
    ----------
    table : DataFrame
        :func:`ogl_impact.stats.did_2x2` (cell means, changes, DiD), with a
        leading ``construct`` column.
    coefficients : DataFrame
        The two-way fixed-effects estimate with CR1 by unit (term .. note).
    bootstrap : DataFrame
        Its wild cluster bootstrap (Webb weights, clusters = units).
    """

    table: pd.DataFrame
    coefficients: pd.DataFrame
    bootstrap: pd.DataFrame

    def summary(self) -> str:
        """Plain-text summary of the three tables."""
        return "\n\n".join(t.to_string() for t in (self.table, self.coefficients, self.bootstrap))

    def _repr_html_(self) -> str:
        return "".join(
            t.to_html(index=False) for t in (self.table, self.coefficients, self.bootstrap)
        )


def lab_comparison(
    scores: pd.DataFrame,
    construct: str,
    *,
    before: int,
    after: int,
    reps: int = 9999,
    seed: int = 20200615,
) -> LabComparison:
    r"""Labs against comparison communes: 2x2 table and two-way fixed effects.

    Parameters
    ----------
    scores : DataFrame
        Output of :func:`score_table` (with ``is_lab``).
    construct : str
        Construct column.
    before, after : int
        Waves before and after the labs started.
    reps : int, default 9999
        Replications of the wild cluster bootstrap (Webb weights, clusters = units).
    seed : int
        Seed of the bootstrap.

    Returns
    -------
    LabComparison
        ``.table`` (:func:`ogl_impact.stats.did_2x2` clustered by unit),
        ``.coefficients`` (:func:`ogl_impact.stats.twfe` with unit and wave
        fixed effects, CR1 by unit) and ``.bootstrap`` (its wild cluster
        bootstrap); each with a leading ``construct`` column.

    Notes
    -----
    :math:`y_{iut} = \alpha_u + \lambda_t + \delta\,1[u \text{ lab}, t =
    \text{after}] + e_{iut}` over the two waves; :math:`\hat\delta` equals the
    difference in differences of the cell means when every unit is seen in
    both waves.

    References
    ----------
    Card & Krueger (1994); Roodman et al. (2019), Stata J. 19, 4-60
    (``boottest``); see :func:`ogl_impact.stats.twfe`.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> s = pd.DataFrame({"unit_id": np.repeat([f"u{i}" for i in range(8)], 20),
    ...                   "wave": np.tile([1, 2], 80)})
    >>> s["is_lab"] = s["unit_id"] < "u4"
    >>> s["trust"] = 3 + 0.5 * (s["is_lab"] & (s["wave"] == 2)) + rng.normal(0, 0.5, 160)
    >>> res = lab_comparison(s, "trust", before=1, after=2, reps=99)
    >>> res.bootstrap[["construct", "term"]].iloc[0].tolist()
    ['trust', 'treat']
    """
    part = scores[scores["wave"].isin([before, after])].copy()
    part["post"] = part["wave"] == after
    part["treat"] = (part["is_lab"] & part["post"]).astype(float)
    table = did_2x2(part, construct, treatment="is_lab", post="post", cluster="unit_id")
    model = twfe(
        part,
        construct,
        treatment="treat",
        fe=["unit_id", "wave"],
        cluster="unit_id",
        bootstrap=True,
        reps=reps,
        seed=seed,
    )
    frames = [table, model.coefficients.copy(), model.bootstrap.copy()]
    for frame in frames:
        frame.insert(0, "construct", construct)
    return LabComparison(*frames)
