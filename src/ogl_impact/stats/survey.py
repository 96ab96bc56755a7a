"""The survey analysis of a dataset: scores, reliability, change, comparison.

Convenience layer over the procedures of :mod:`ogl_impact.stats` for the
tables of a :class:`~ogl_impact.dataset.Dataset`: respondents in lab units
versus comparison communes, waves before and after the labs started. Every
function but :func:`score_table` (respondent rows, for the models inside the
secure environment) returns tidy frames without respondent ids.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ogl_impact.stats.did import _did_2x2_raw, _mask_cells, twfe
from ogl_impact.stats.effects import ADJUST, adjust_pvalues, effect_sizes, mean_difference
from ogl_impact.stats.errors import StatsInputError
from ogl_impact.stats.groups import constant_dims, describe
from ogl_impact.stats.masking import (
    MASKED_SCORES,
    MIN_N_DEFAULT,
    PANEL_MASKED,
    check_min_n,
    mask,
    note,
    refuse_masked,
    suppressed_note,
)
from ogl_impact.stats.reliability import cronbach_alpha, item_statistics, omega
from ogl_impact.stats.scales import item_matrix, scale_scores
from ogl_impact.stats.words import joined

RESPONSE_COLUMNS = ("respondent_id", "unit_id", "wave", "actor_group", "item_id", "value")
CODEBOOK_COLUMNS = ("item_id", "construct", "scale_min", "scale_max", "reverse_keyed")
SCORE_COLUMNS = ("unit_id", "wave", "is_lab")


def _require(frame: pd.DataFrame, columns: Sequence[str], table: str) -> None:
    if not isinstance(frame, pd.DataFrame):
        raise StatsInputError(
            f"{table} muss eine Tabelle (DataFrame) sein, nicht {type(frame).__name__} "
            f"/ {table} must be a DataFrame."
        )
    absent = [c for c in columns if c not in frame.columns]
    if absent:
        raise StatsInputError(
            f"Spalte {absent[0]!r} fehlt in {table}; vorhandene Spalten: "
            f"{', '.join(map(str, frame.columns))} / column missing."
        )


def _check_waves(data: pd.DataFrame, construct: str, before: int, after: int) -> None:
    _require(data, [*SCORE_COLUMNS, construct], "den Skalenwerten (data)")
    if before == after:
        raise StatsInputError(
            f"before und after sind beide Welle {before}: es braucht zwei verschiedene Wellen "
            f"/ before and after must differ."
        )
    waves = sorted(data["wave"].dropna().unique().tolist())
    for name, wave in (("before", before), ("after", after)):
        if wave not in waves:
            raise StatsInputError(
                f"{name}={wave!r}: diese Welle kommt in den Daten nicht vor; Wellen: "
                f"{', '.join(map(str, waves))} / wave not in the data."
            )
    if not pd.api.types.is_numeric_dtype(data[construct]):
        raise StatsInputError(
            f"Spalte {construct!r} enthält keine Skalenwerte (Typ {data[construct].dtype}) "
            f"/ column is not numeric."
        )


def constructs(codebook: pd.DataFrame) -> list[str]:
    """List the constructs of the codebook in their order of first appearance.

    Parameters
    ----------
    codebook : DataFrame
        The codebook table (needs ``construct``).

    Returns
    -------
    list of str
        Construct ids.

    Notes
    -----
    The order is the codebook's, so tables and figures list the constructs
    as the questionnaire does.

    References
    ----------
    R: ``unique(codebook$construct)``.

    Examples
    --------
    >>> constructs(pd.DataFrame({"construct": ["trust", "trust", "voice"]}))
    ['trust', 'voice']
    """
    _require(codebook, ["construct"], "codebook")
    return list(dict.fromkeys(codebook["construct"].astype(str)))


def score_table(
    data: pd.DataFrame,
    codebook: pd.DataFrame,
    *,
    lab_units: Sequence[str] = (),
    min_valid: int | float | None = None,
    min_n: int | None = MIN_N_DEFAULT,
) -> pd.DataFrame:
    r"""One row per respondent and wave with a score per construct.

    Scores of respondents whose group (unit and wave) has fewer than
    ``min_n`` respondents are masked, as in every per-group result of the
    package. Models need the raw scores: inside the secure environment pass
    ``min_n=None`` (with a warning) and never publish the table itself.

    Parameters
    ----------
    data : DataFrame
        The long ``responses`` table (respondent_id, unit_id, wave,
        actor_group, item_id, value).
    codebook : DataFrame
        The codebook (item_id, construct, scale_min, scale_max, reverse_keyed).
    lab_units : sequence of str
        Unit ids that are labs (others are comparison communes); adds ``is_lab``.
    min_valid : int or float, optional
        Passed to :func:`ogl_impact.stats.scale_scores`.
    min_n : int or None, default 5
        Smallest group (respondents of one unit in one wave) whose scores are
        shown. Rows of smaller groups keep their labels (respondent_id,
        unit_id, wave, actor_group, is_lab); their scores are missing and
        ``suppressed`` is true; ``attrs["note"]`` says how many groups, and
        ``attrs["masked_scores"]`` names the masked score columns (kept by
        pandas through column selection, filtering and ``assign``, so the
        estimators refuse the table even without ``suppressed``).
        ``None``: raw scores, with a :class:`UserWarning` (for the models
        of :func:`change_by_unit` and :func:`lab_comparison`, which refuse
        masked rows).

    Returns
    -------
    DataFrame
        respondent_id (pseudonymous, for pairing panel respondents only:
        it appears in no figure, table or notebook output; the table is
        returned for analysis inside the secure environment and is never
        shown row by row), unit_id, wave, actor_group, one column per
        construct, is_lab, suppressed.

    Raises
    ------
    StatsInputError
        A column of ``data`` or ``codebook`` is missing, or ``min_n`` is
        below 3.

    Warns
    -----
    UserWarning
        When ``min_n`` is None.

    Notes
    -----
    The score of respondent :math:`i` on a construct with items :math:`J_i`
    answered (reverse keys applied, :math:`x' = 	ext{min} + 	ext{max} - x`)
    is the mean :math:`ar x_i = |J_i|^{-1}\sum_{j\in J_i} x_{ij}`, missing
    when fewer than ``min_valid`` items were answered. A group is masked
    when it has fewer than ``min_n`` rows (respondents with the unit and
    wave), whatever their scores.

    References
    ----------
    Revelle, W. psych: ``scoreItems(keys, items, totals = FALSE, impute =
    "none")`` (mean of the answered items). Hundepool, A. et al. (2012).
    *Statistical Disclosure Control*. Wiley, ch. 5 (threshold rule).

    Examples
    --------
    >>> data = pd.DataFrame({"respondent_id": ["r1", "r1", "r2", "r2"], "unit_id": "u1",
    ...     "wave": 1, "actor_group": "b", "item_id": ["q1", "q2"] * 2,
    ...     "value": [4.0, 2.0, 5.0, 1.0]})
    >>> codebook = pd.DataFrame({"item_id": ["q1", "q2"], "construct": "trust",
    ...     "scale_min": 1, "scale_max": 5, "reverse_keyed": [False, True]})
    >>> score_table(data, codebook, lab_units=["u1"])[["respondent_id", "trust", "suppressed"]]
      respondent_id  trust  suppressed
    0            r1    NaN        True
    1            r2    NaN        True
    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     raw = score_table(data, codebook, lab_units=["u1"], min_n=None)
    >>> raw[["respondent_id", "trust", "is_lab", "suppressed"]]
      respondent_id  trust  is_lab  suppressed
    0            r1    4.0    True       False
    1            r2    5.0    True       False
    """
    min_n = check_min_n(min_n)
    _require(data, RESPONSE_COLUMNS, "den Antworten (data)")
    _require(codebook, CODEBOOK_COLUMNS, "codebook")
    scores = {}
    index = None
    for construct in constructs(codebook):
        m = item_matrix(data, codebook, construct=construct)
        scores[construct] = scale_scores(m, min_valid=min_valid)
        index = m.index if index is None else index.union(m.index)
    out = pd.DataFrame(scores).reindex(index).reset_index()
    out["is_lab"] = out["unit_id"].isin(set(lab_units))
    if min_n is None:
        out["suppressed"] = False
        out.attrs["note"] = note(0, None)
        return out
    size = out.groupby(["unit_id", "wave"], observed=True, dropna=False)["unit_id"].transform(
        "size"
    )
    small = size.lt(min_n).to_numpy()
    groups = int(out.loc[small, ["unit_id", "wave"]].drop_duplicates().shape[0])
    labels = [c for c in out.columns if c not in scores]
    masked = mask(out, small, keep=labels)
    masked.attrs["note"] = note(groups, min_n, "Gruppen (Einheit und Welle)")
    if groups:
        # survives column selection, filtering and assign, unlike the suppressed column
        masked.attrs[MASKED_SCORES] = list(scores)
    return masked


def reliability_table(
    data: pd.DataFrame, codebook: pd.DataFrame, *, min_n: int | None = MIN_N_DEFAULT
) -> pd.DataFrame:
    r"""Alpha (Feldt and Duhachek intervals), standardised alpha and omega per construct.

    Parameters
    ----------
    data : DataFrame
        The long ``responses`` table.
    codebook : DataFrame
        The codebook.
    min_n : int or None, default 5
        Constructs answered by fewer respondents are masked (values and n
        missing, ``suppressed`` true; the frame's ``attrs["note"]`` says how
        many). ``None`` gives raw values with a :class:`UserWarning`.

    Returns
    -------
    DataFrame
        construct, n, n_items, alpha, average_r, alpha_ci_low/high (Feldt),
        alpha_ci_low/high_duhachek, std_alpha, omega (semTools' omega of a
        one-factor CFA; NaN for fewer than three items), min_r_drop,
        weakest_item (the item with the lowest corrected item-total
        correlation), note, suppressed. Items that every respondent answered
        alike are left out of alpha and omega as psych's ``alpha`` does;
        ``note`` names them (see :func:`ogl_impact.stats.cronbach_alpha`).

    Raises
    ------
    StatsInputError
        A column of ``data`` or ``codebook`` is missing.

    Notes
    -----
    Per construct, from the respondent x item matrix with reverse keys
    applied: :math:`lpha = rac{k}{k-1}(1 - \operatorname{tr}C / \mathbf
    1'C\mathbf 1)` (:func:`ogl_impact.stats.cronbach_alpha`),
    :math:`\omega = (\sum\lambda)^2 / ((\sum\lambda)^2 + \sum	heta)`
    (:func:`ogl_impact.stats.omega`) and the corrected item-total
    correlations of :func:`ogl_impact.stats.item_statistics`.

    References
    ----------
    Cronbach (1951); Feldt (1965); Duhachek & Iacobucci (2004); McDonald
    (1999). R: ``psych::alpha``, ``alphaci``, ``semTools::compRelSEM``.

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> trait = rng.normal(size=50)
    >>> data = pd.DataFrame([(f"r{i}", "u1", 1, "b", q, float(np.clip(round(3 + trait[i]
    ...     + rng.normal(0, 0.6)), 1, 5))) for i in range(50) for q in ("q1", "q2", "q3")],
    ...     columns=["respondent_id", "unit_id", "wave", "actor_group", "item_id", "value"])
    >>> codebook = pd.DataFrame({"item_id": ["q1", "q2", "q3"], "construct": "trust",
    ...     "scale_min": 1, "scale_max": 5, "reverse_keyed": False})
    >>> table = reliability_table(data, codebook)
    >>> table[["construct", "n", "n_items"]]
      construct   n  n_items
    0     trust  50        3
    >>> bool(table["alpha_ci_low"].iloc[0] < table["alpha"].iloc[0] < 1)
    True
    """
    min_n = check_min_n(min_n)
    _require(data, RESPONSE_COLUMNS, "den Antworten (data)")
    _require(codebook, CODEBOOK_COLUMNS, "codebook")
    rows = []
    for construct in constructs(codebook):
        m = item_matrix(data, codebook, construct=construct)
        answered = len(m.dropna(how="all"))
        if min_n is not None and answered < min_n:  # masked anyway: not even estimated
            rows.append({"construct": construct, "n": answered, "n_items": m.shape[1]})
            continue
        a = cronbach_alpha(m).set_index(["term", "method"])
        items = item_statistics(m)
        om, why = np.nan, None
        spread = m.loc[:, m.nunique() >= 2]  # as alpha: without items answered alike by all
        if spread.shape[1] >= 3:
            fitted = omega(spread).set_index("term")
            why = fitted["note"].get("omega") if "note" in fitted else None
            if not isinstance(why, str):  # a Heywood case or no convergence: no omega shown
                om, why = fitted.at["omega", "estimate"], None
        # no item with spread (everyone answered alike): no weakest item either
        weakest = (
            items.loc[items["r_drop"].idxmin()]
            if items["r_drop"].notna().any()
            else pd.Series({"r_drop": np.nan, "item_id": None})
        )
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
                "note": joined(t for t in (a["note"].iloc[0], why) if isinstance(t, str))
                or a["note"].iloc[0],
            }
        )
    columns = [
        "construct", "n", "n_items", "alpha", "average_r", "alpha_ci_low", "alpha_ci_high",
        "alpha_ci_low_duhachek", "alpha_ci_high_duhachek", "std_alpha", "omega", "min_r_drop",
        "weakest_item", "note",
    ]  # fmt: skip
    table = pd.DataFrame(rows).reindex(columns=columns)
    out = _masked(table, "n", min_n, keep=["construct"], what="Konstrukte")
    return describe(out, variables=["construct"], fixed=constant_dims(data))


def _masked(
    frame: pd.DataFrame, n: str | list[str], min_n: int | None, *, keep: list[str], what: str
) -> pd.DataFrame:
    """Mask the rows of ``frame`` with any ``n`` column below ``min_n``; note it in attrs."""
    columns = [n] if isinstance(n, str) else n
    small = (
        np.zeros(len(frame), dtype=bool)
        if min_n is None
        else frame[columns].lt(min_n).any(axis=1).to_numpy()
    )
    out = mask(frame, small, keep=keep) if min_n is not None else frame.assign(suppressed=False)
    out.attrs["note"] = note(int(small.sum()), min_n, what)
    return out


def change_by_unit(
    data: pd.DataFrame,
    construct: str,
    *,
    before: int,
    after: int,
    units: Sequence[str] | None = None,
    adjust: str = "holm",
    min_n: int | None = MIN_N_DEFAULT,
) -> pd.DataFrame:
    r"""Change of a construct between two waves, per unit and over all units.

        Independent samples (everyone who answered in each wave: Welch t, Hedges'
        g) and, where respondents answered both waves, the paired change (d_z).
        p-values are corrected across units with ``adjust``.

    Parameters
    ----------
        data : DataFrame
            Output of :func:`score_table` with ``min_n=None`` (raw scores;
            masked rows are refused).
        construct : str
            Construct column.
        before, after : int
            Waves to compare (change = after - before).
        units : sequence of str, optional
            Units to report (default: the labs in ``data``).
        adjust : str, default "holm"
            Multiple-testing correction (see :func:`ogl_impact.stats.adjust_pvalues`).
        min_n : int or None, default 5
            A unit with fewer than ``min_n`` respondents in either wave is
            masked (values and n missing, ``suppressed`` true); when exactly
            one unit is masked, the next smallest is masked too, so that the
            row ``"alle"`` minus the shown units does not give it away. Panel
            statistics of 1 to ``min_n`` - 1 pairs are blanked, and the
            smallest other panel with them, so that no count summed in
            ``"alle"`` (n_before, n_after, n_panel) minus the shown units is
            below ``min_n``. The frame's ``attrs["note"]`` says how many
            rows are masked, with one count and one label for small and
            complementary rows alike (as the reports); ``attrs["min_n"]``
            is the threshold and ``attrs["panel_masked"]`` the units whose
            panel values only are masked. ``None`` gives raw values with a
            :class:`UserWarning`.

    Returns
    -------
        DataFrame
            construct, unit_id (``"alle"`` for all units together), n_before,
            n_after, mean_before, mean_after, change, ci_low, ci_high, p_val
            (Welch), hedges_g, g_ci_low, g_ci_high, n_panel, d_z, dz_ci_low,
            dz_ci_high, p_adj (per unit only; a masked unit counts with
            p = 1, so that no shown p_adj depends on its p-value),
            suppressed. ``attrs["adjust"]`` names the correction of p_adj.

    Raises
    ------
        StatsInputError
            A column is missing, ``before`` equals ``after``, a wave is not in
            the data, or a row of the two waves is masked (``suppressed``).

    Notes
    -----
        change :math:`= ar y_{after} - ar y_{before}` with Welch's interval
        :math:`\pm t_{1-p/2,
    u}\sqrt{s_a^2/n_a + s_b^2/n_b}`; Hedges' :math:`g =
        J\,(ar y_a - ar y_b)/s_{pooled}`; :math:`d_z = ar d / s_d` over the
        respondents seen in both waves (:func:`ogl_impact.stats.effect_sizes`).

    References
    ----------
        Welch (1947); Hedges & Olkin (1985); Lakens (2013), Front. Psychol. 4, 863;
        Holm (1979). R: ``t.test(a, b)``, ``effectsize::hedges_g``,
        ``p.adjust(p, "holm")``.

    Examples
    --------
        >>> data = pd.DataFrame({"respondent_id": [f"r{i}" for i in range(5)] * 2,
        ...     "unit_id": "u1", "wave": [1] * 5 + [2] * 5, "is_lab": True,
        ...     "trust": [2.0, 3.0, 3.0, 4.0, 3.0, 3.0, 4.0, 4.0, 5.5, 4.125]})
        >>> out = change_by_unit(data, "trust", before=1, after=2)  # min_n=5
        >>> out[["unit_id", "mean_before", "mean_after", "change", "n_panel"]]
          unit_id  mean_before  mean_after  change  n_panel
        0      u1          3.0       4.125   1.125        5
        1    alle          3.0       4.125   1.125        5
    """
    min_n = check_min_n(min_n)
    _check_waves(data, construct, before, after)
    _require(data, ["respondent_id"], "den Skalenwerten (data)")
    refuse_masked(data, "change_by_unit", data["wave"].isin([before, after]), columns=[construct])
    if units is None:
        units = sorted(data.loc[data["is_lab"].astype(bool), "unit_id"].unique())
    else:
        units = list(units)
        unknown = [u for u in units if u not in set(data["unit_id"])]
        if unknown:
            raise StatsInputError(
                f"Einheit {unknown[0]!r} kommt in data nicht vor / unit not in the data."
            )
    if not units:
        raise StatsInputError(
            "Keine Einheit zu berichten: is_lab ist überall falsch und units= fehlt "
            "/ no unit to report."
        )
    rows = []
    for unit in [*units, "alle"]:
        part = data if unit == "alle" else data[data["unit_id"] == unit]
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
    columns = [
        "unit_id", "n_before", "n_after", "mean_before", "mean_after", "change", "ci_low",
        "ci_high", "p_val", "hedges_g", "g_ci_low", "g_ci_high", "n_panel", "d_z",
        "dz_ci_low", "dz_ci_high",
    ]  # fmt: skip
    out = pd.DataFrame(rows).reindex(columns=columns)
    per_unit = (out["unit_id"] != "alle") & out["p_val"].notna()
    out["p_adj"] = np.nan
    if per_unit.any():
        out.loc[per_unit, "p_adj"] = adjust_pvalues(out.loc[per_unit, "p_val"], method=adjust)[
            "p_adj"
        ].to_numpy()
    out.insert(0, "construct", construct)
    if min_n is None:
        out = out.assign(suppressed=False)
        out.attrs["note"] = note(0, None)
    else:
        out = _adjust_shown(_mask_units(out, min_n), adjust)
    # the correction of p_adj, for the tables' header ("p (Holm)", "p (Bonferroni)")
    out.attrs[ADJUST] = adjust
    return _describe_units(out, data, units, before, after)


def _describe_units(
    out: pd.DataFrame, data: pd.DataFrame, units: list, before: int, after: int
) -> pd.DataFrame:
    """Say which respondents each row and n column of a change table counts (attrs)."""
    chosen = data[data["unit_id"].isin(units)]
    flags = chosen["is_lab"].dropna().astype(bool).unique()
    fixed = {"is_lab": bool(flags[0])} if len(flags) == 1 else {}
    pool = data if not fixed else data[data["is_lab"].astype(bool) == fixed["is_lab"]]
    names = sorted(map(str, units))
    every = set(names) == set(map(str, pool["unit_id"].unique()))
    return describe(
        out,
        dims=["unit_id"],
        counts={
            "n_before": {"wave": before},
            "n_after": {"wave": after},
            "n_panel": {"wave": f"{before}+{after}"},
        },
        variable=str(out["construct"].iloc[0]),
        fixed=fixed,
        partial={"n_panel": ["d_z", "dz_ci_low", "dz_ci_high"]},
        total={"unit_id": "alle"},
        scope=None if every else {"unit_id": names},
        keep=["construct", "unit_id"],
    )


def _adjust_shown(out: pd.DataFrame, adjust: str) -> pd.DataFrame:
    """Correct the shown units' p-values as if every masked unit had p = 1.

    Holm's step-down (and the step-up methods) let a shown unit's p_adj
    equal a term of a smaller, masked p-value: (m - j + 1) p_(j) would give
    a masked unit's p back. With the masked p-values set to 1 the shown
    p_adj depend only on the shown p-values and the number of masked units,
    and they are never below the correction with the true values (a masked
    p-value's term is bounded by the next shown unit's), so the family-wise
    error (or FDR) stays controlled.
    """
    unit = (out["unit_id"] != "alle").to_numpy()
    hidden = out["suppressed"].to_numpy(dtype=bool) & unit
    shown = unit & ~hidden & out["p_val"].notna().to_numpy()
    if not hidden.any() or not shown.any():
        return out
    p = pd.Series([*out.loc[shown, "p_val"], *[1.0] * int(hidden.sum())])
    adjusted = adjust_pvalues(p, method=adjust)["p_adj"].to_numpy()
    out.loc[shown, "p_adj"] = adjusted[: int(shown.sum())]
    return out


def _mask_units(out: pd.DataFrame, min_n: int) -> pd.DataFrame:
    """Primary suppression per unit and per panel, complements against the "alle" row."""
    size = out[["n_before", "n_after"]].min(axis=1)
    unit = out["unit_id"] != "alle"
    small = (size < min_n).to_numpy().copy()
    # a panel of nobody identifies no one: n_panel = 0 is shown, as "keine Daten" elsewhere
    thin = out["n_panel"].between(1, min_n - 1).to_numpy() & ~small
    _complement(out, small, thin, unit.to_numpy(), min_n)
    thin &= ~small
    panel = ["n_panel", "d_z", "dz_ci_low", "dz_ci_high"]
    masked = mask(out, small, keep=["construct", "unit_id"])
    if thin.any():
        masked.loc[thin, panel] = np.nan
    masked.attrs["note"] = _units_note(int(small.sum()), int(thin.sum()), min_n)
    masked.attrs["min_n"] = min_n
    masked.attrs[PANEL_MASKED] = masked.loc[thin, "unit_id"].astype(str).tolist()
    return masked


def _units_note(rows: int, panels: int, min_n: int) -> str:
    """Count the masked rows and the rows with masked panel values, never why each one is.

    Primary and complementary masking share one count and one label, as in
    the reports (:func:`~ogl_impact.stats.masking.suppressed_note`).
    """
    if not rows and not panels:
        return note(0, min_n, "Einheiten")

    def what(count: int) -> tuple[str, str]:
        return ("Einheit", "unit") if count == 1 else ("Einheiten", "units")

    de, en = [], []
    if rows:
        de.append(f"{rows} {what(rows)[0]}")
        en.append(f"{rows} {what(rows)[1]}")
    if panels:
        de.append(f"die Panelwerte (n_panel, d_z) von {panels} {what(panels)[0]}")
        en.append(f"the panel values (n_panel, d_z) of {panels} {what(panels)[1]}")
    subject = (" und ".join(de), " and ".join(en))
    return suppressed_note(rows, min_n, subject=subject, missing="Werte fehlen")


def _complement(
    out: pd.DataFrame, small: np.ndarray, thin: np.ndarray, unit: np.ndarray, min_n: int
) -> None:
    """Mask more (in place in ``small``, ``thin``) until no total minus shown units is small.

    For every count summed in the "alle" row (n_before, n_after, n_panel) that
    row's n minus the n of the units shown is what a reader can attribute to
    the hidden units together; it must be 0 or at least ``min_n``. The
    smallest shown unit that contributes to that count is hidden next (the
    whole row for a wave's n, the panel values for n_panel); when none is
    left, the "alle" row's values go.
    """
    if unit.all():
        return
    for _ in range(2 * len(out) + 2):
        leak = None
        for col in ("n_before", "n_after", "n_panel"):
            hidden = small | thin if col == "n_panel" else small
            if hidden[~unit].all():
                continue
            total = float(out.loc[~unit, col].fillna(0).sum())
            shown = float(out.loc[unit & ~hidden, col].fillna(0).sum())
            if 0 < total - shown < min_n:
                leak = col
                break
        if leak is None:
            return
        target = thin if leak == "n_panel" else small
        hidden = small | thin if leak == "n_panel" else small
        candidates = unit & ~hidden & out[leak].fillna(0).gt(0).to_numpy()
        if candidates.any():
            pos = np.flatnonzero(candidates)
            target[pos[np.argmin(out[leak].to_numpy()[pos])]] = True
        else:
            target[~unit] = True


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
    data: pd.DataFrame,
    construct: str,
    *,
    before: int,
    after: int,
    reps: int = 9999,
    seed: int = 20200615,
    min_n: int | None = MIN_N_DEFAULT,
) -> LabComparison:
    r"""Labs against comparison communes: 2x2 table and two-way fixed effects.

    Parameters
    ----------
    data : DataFrame
        Output of :func:`score_table` with ``min_n=None`` (raw scores, with
        ``is_lab``; masked rows are refused).
    construct : str
        Construct column.
    before, after : int
        Waves before and after the labs started.
    reps : int, default 9999
        Replications of the wild cluster bootstrap (Webb weights, clusters = units).
    seed : int
        Seed of the bootstrap.
    min_n : int or None, default 5
        Smallest cell (respondent answers per group and wave) shown. A cell
        below it is masked, and so is every number that would give it away
        next to the cells shown: the changes and the difference in
        differences of the table, and the model's estimates (column
        ``suppressed``; ``attrs["note"]`` says so). ``None``: raw values,
        with a warning.

    Returns
    -------
    LabComparison
        ``.table`` (:func:`ogl_impact.stats.did_2x2` clustered by unit),
        ``.coefficients`` (:func:`ogl_impact.stats.twfe` with unit and wave
        fixed effects, CR1 by unit) and ``.bootstrap`` (its wild cluster
        bootstrap); each with a leading ``construct`` column.

    Raises
    ------
    StatsInputError
        A column is missing, ``before`` equals ``after``, a wave is not in
        the data, only labs or only comparison units are present, or a row
        of the two waves is masked (``suppressed``; use
        ``score_table(..., min_n=None)`` inside the secure environment).

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
    ['trust', 'lab_after']
    """
    _check_waves(data, construct, before, after)
    refuse_masked(data, "lab_comparison", data["wave"].isin([before, after]))
    part = data[data["wave"].isin([before, after])].copy()
    if part["is_lab"].nunique() < 2:
        raise StatsInputError(
            "Der Vergleich braucht Labore und Vergleichskommunen: is_lab ist überall "
            f"{bool(part['is_lab'].iloc[0])} / labs and comparison units are both needed."
        )
    part["post"] = part["wave"] == after
    part["lab_after"] = (part["is_lab"] & part["post"]).astype(float)
    table = _did_2x2_raw(part, construct, treatment="is_lab", post="post", cluster="unit_id")
    model = twfe(
        part,
        construct,
        treatment="lab_after",
        fe=["unit_id", "wave"],
        cluster="unit_id",
        bootstrap=True,
        reps=reps,
        seed=seed,
    )
    frames = [table, model.coefficients.copy(), model.bootstrap.copy()]
    for frame in frames:
        frame.insert(0, "construct", construct)
    return LabComparison(
        *_describe_cells(_mask_comparison(frames, check_min_n(min_n)), before, after)
    )


def _describe_cells(frames: list[pd.DataFrame], before: int, after: int) -> list[pd.DataFrame]:
    """Say which respondents the cells of a lab comparison count; the rest derives from them."""
    cells = {
        f"{name}, {when}": {"is_lab": lab, "wave": wave}
        for name, lab in (("treated", True), ("comparison", False))
        for when, wave in (("before", before), ("after", after))
    }
    construct = str(frames[0]["construct"].iloc[0])
    keep = ["construct", "term", "method"]
    describe(frames[0], rows={"term": cells}, variable=construct, keep=keep)
    for frame in frames[1:]:
        describe(frame, depends=list(cells.values()), variable=construct, keep=keep)
    return frames


def _suppressed_first(frame: pd.DataFrame) -> pd.DataFrame:
    """Put ``suppressed`` beside ``construct``: extras lead, the estimate vocabulary follows."""
    rest = [c for c in frame.columns if c not in ("construct", "suppressed")]
    return frame[["construct", "suppressed", *rest]]


def _mask_comparison(frames: list[pd.DataFrame], min_n: int | None) -> list[pd.DataFrame]:
    """Mask small cells of a lab comparison and everything derived from them."""
    table = _suppressed_first(_mask_cells(frames[0], min_n))
    masked = bool(table["suppressed"].any())
    out = [table]
    for f in frames[1:]:
        rows = np.full(len(f), masked)
        out.append(_suppressed_first(mask(f, rows, keep=["construct", "term", "method"])))
    for f in out[1:]:
        f.attrs["note"] = table.attrs["note"]
    return out
